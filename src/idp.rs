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
    /// This client (same configuration and connection pool) for an app client that has a secret: from now
    /// on every call of app client `client_id` that carries a `SecretHash` member, a `SECRET_HASH` auth
    /// parameter or challenge response (computed from its `USERNAME`, which after SRP is the
    /// `USER_ID_FOR_SRP`), or the `ClientSecret` member of a call the app client makes as itself
    /// (`RevokeToken`, `GetTokensFromRefreshToken`, `GetDerivedToken`; never `AddUserPoolClientSecret`'s new
    /// secret) gets it filled in, unless the call sets it itself. Calls of other app clients are left
    /// alone. The secret never shows in `Debug` output.
    pub fn with_app_client_secret(
        &self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Client {
        Client {
            handle: self
                .handle
                .with_app_client(Some(crate::auth::AppClient::new(client_id, client_secret))),
        }
    }

    /// The app client given to [`with_app_client_secret`](Self::with_app_client_secret), if any.
    pub fn app_client(&self) -> Option<&crate::auth::AppClient> {
        self.handle.app_client()
    }
}
