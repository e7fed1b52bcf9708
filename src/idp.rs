//! Amazon Cognito user pools (`cognito-idp`, AWS JSON 1.1): [`Client`], with one method per operation
//! of the 2016-04-18 model.
//!
//! - [`types`]: the structures and enums operations share;
//! - [`operation`]: each operation's input, output and error enum;
//! - [`errors`]: the exceptions the error enums are made of.
//!
//! Generated at build time from `spec/cognito-idp.openapi.json`.

#![allow(
    rustdoc::bare_urls,
    rustdoc::broken_intra_doc_links,
    rustdoc::invalid_html_tags
)]

include!(concat!(env!("OUT_DIR"), "/cognito_idp.rs"));
