//! Amazon Cognito identity pools (`cognito-identity`, AWS JSON 1.1): [`Client`], with one method per
//! operation of the 2014-06-30 model.
//!
//! - [`types`]: the structures and enums operations share;
//! - [`operation`]: each operation's input, output and error enum;
//! - [`errors`]: the exceptions the error enums are made of.
//!
//! Generated at build time from `spec/cognito-identity.openapi.json`.

include!(concat!(env!("OUT_DIR"), "/cognito_identity.rs"));

pub mod credentials;
