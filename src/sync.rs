//! Amazon Cognito Sync (`cognito-sync`, REST-JSON): [`Client`], with one method per operation of the
//! 2014-06-30 model. Each operation has its HTTP method and URI template; members the model binds to the
//! URI, the query string or a header travel there, the others in the JSON body.
//!
//! - [`types`]: the structures and enums operations share;
//! - [`operation`]: each operation's input, output and error enum;
//! - [`errors`]: the exceptions the error enums are made of.
//!
//! Generated at build time from `spec/cognito-sync.openapi.json`.

include!(concat!(env!("OUT_DIR"), "/cognito_sync.rs"));
