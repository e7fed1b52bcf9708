//! Amazon Cognito user pools (`cognito-idp`, AWS JSON 1.1): [`Client`], with one method per operation
//! of the 2016-04-18 model.
//!
//! - [`types`]: the structures and enums operations share;
//! - [`operation`]: each operation's input, output and error enum;
//! - [`errors`]: the exceptions the error enums are made of.
//!
//! Generated at build time from `spec/cognito-idp.openapi.json`.

include!(concat!(env!("OUT_DIR"), "/cognito_idp.rs"));

impl Client {
    /// This client (same configuration and connection pool) with `secret` filling in its app client's
    /// secrets; see [`AppClient::with_secret`](crate::auth::AppClient::with_secret).
    pub(crate) fn with_app_client_secret(&self, secret: crate::auth::AppClientSecret) -> Client {
        Client {
            handle: self.handle.with_app_client(Some(secret)),
        }
    }

    /// This client without an app client secret (itself when it has none).
    pub(crate) fn without_app_client_secret(&self) -> Client {
        match self.handle.app_client() {
            None => self.clone(),
            Some(_) => Client {
                handle: self.handle.with_app_client(None),
            },
        }
    }

    /// The app client secret this client fills in, if any.
    pub(crate) fn app_client_secret(&self) -> Option<&crate::auth::AppClientSecret> {
        self.handle.app_client()
    }
}
