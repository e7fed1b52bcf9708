//! [`Tokens`]: what a sign-in yields — ID, access and refresh tokens with their expiry — and what can be
//! done with them: refresh (`REFRESH_TOKEN_AUTH`, or `GetTokensFromRefreshToken` for refresh-token
//! rotation), global sign-out and revocation.

use std::fmt;
use std::time::{Duration, SystemTime};

use zeroize::Zeroize;

use crate::auth::app_client::AppClient;
use crate::idp::operation::GlobalSignOutError;
use crate::idp::types::{AuthFlowType, AuthenticationResultType};
use crate::Error;

/// The tokens of a signed-in user. `Debug` shows which tokens are present and when they expire, never
/// the tokens, which are wiped from memory when the value is dropped (copies handed out, e.g. into a
/// request, are not).
#[derive(Clone, PartialEq, Eq)]
pub struct Tokens {
    id_token: Option<String>,
    access_token: String,
    refresh_token: Option<String>,
    token_type: Option<String>,
    expires_at: SystemTime,
}

impl Tokens {
    /// Tokens from an `AuthenticationResult`, issued at `issued_at`. `None` without an access token.
    ///
    /// They expire `ExpiresIn` seconds after `issued_at` (3600 when absent, at once when negative);
    /// a time past the latest `SystemTime` the platform can hold saturates at that latest time.
    pub fn from_result(result: &AuthenticationResultType, issued_at: SystemTime) -> Option<Tokens> {
        let access_token = result.access_token.clone()?;
        let seconds = result
            .expires_in
            .map_or(3600, |s| u64::try_from(s).unwrap_or(0));
        Some(Tokens {
            id_token: result.id_token.clone(),
            access_token,
            refresh_token: result.refresh_token.clone(),
            token_type: result.token_type.clone(),
            expires_at: crate::primitives::saturating_add(issued_at, Duration::from_secs(seconds)),
        })
    }

    /// Tokens from a refresh's answer (`None` without tokens), keeping `refresh_token` when the answer carries no new one.
    fn refreshed(
        result: Option<AuthenticationResultType>,
        issued: SystemTime,
        mut refresh_token: String,
    ) -> Option<Tokens> {
        let tokens = result.and_then(|result| Tokens::from_result(&result, issued));
        match tokens {
            Some(mut tokens) if tokens.refresh_token.is_none() => {
                tokens.refresh_token = Some(refresh_token);
                Some(tokens)
            }
            other => {
                refresh_token.zeroize();
                other
            }
        }
    }

    /// The ID token (a JWT with the user's attributes), when the scopes asked for one.
    pub fn id_token(&self) -> Option<&str> {
        self.id_token.as_deref()
    }

    /// The access token (a JWT), for calls such as `GetUser` and for your own APIs.
    pub fn access_token(&self) -> &str {
        &self.access_token
    }

    /// The refresh token, if the flow issued one.
    pub fn refresh_token(&self) -> Option<&str> {
        self.refresh_token.as_deref()
    }

    /// The token type (`Bearer`).
    pub fn token_type(&self) -> Option<&str> {
        self.token_type.as_deref()
    }

    /// When the ID and access tokens expire.
    pub fn expires_at(&self) -> SystemTime {
        self.expires_at
    }

    /// Whether the ID and access tokens expire within `margin` from now. A margin that reaches past
    /// the latest `SystemTime` the platform can hold (`Duration::MAX`) covers every expiry: `true`.
    pub fn expires_within(&self, margin: Duration) -> bool {
        SystemTime::now()
            .checked_add(margin)
            .is_none_or(|limit| limit >= self.expires_at)
    }

    /// The `username` claim of the access token: the user's name in the pool (for pools that sign in with
    /// an e-mail alias, the `sub`), which `SECRET_HASH` needs when refreshing. Read without verifying the
    /// token: it only picks the name to hash.
    pub fn username(&self) -> Option<String> {
        let payload = self.access_token.split('.').nth(1)?;
        let bytes = base64_simd::URL_SAFE_NO_PAD
            .decode_to_vec(payload.trim_end_matches('='))
            .ok()?;
        let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
        claims
            .get("username")
            .or_else(|| claims.get("cognito:username"))
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    }

    /// New ID and access tokens from the refresh token, with `REFRESH_TOKEN_AUTH` of app client `app`
    /// (the one that signed the user in). The refresh token is kept (Cognito does not issue a new one this
    /// way). When `app` has a secret, `SECRET_HASH` is computed from the access token's `username`. Await
    /// it, after [`Refresh::device_key`] when the pool tracks devices and this one is remembered.
    pub fn refresh<'a>(&'a self, app: &'a AppClient) -> Refresh<'a> {
        Refresh {
            tokens: self,
            app,
            device_key: None,
            rotation: false,
        }
    }

    /// New tokens with `GetTokensFromRefreshToken`, for app clients with refresh-token rotation: the
    /// answer carries a new refresh token, which replaces this one. The app client's secret, if it has
    /// one, is sent as `ClientSecret`. Await it, after [`Refresh::device_key`] for a remembered device.
    pub fn refresh_with_rotation<'a>(&'a self, app: &'a AppClient) -> Refresh<'a> {
        Refresh {
            rotation: true,
            ..self.refresh(app)
        }
    }

    async fn refresh_token_auth(
        &self,
        app: &AppClient,
        device_key: Option<String>,
    ) -> Result<Tokens, RefreshError> {
        let refresh_token = self
            .refresh_token
            .clone()
            .ok_or(RefreshError::NoRefreshToken)?;
        let mut builder = app
            .idp()
            .initiate_auth()
            .client_id(app.client_id())
            .auth_flow(AuthFlowType::RefreshTokenAuth)
            .auth_parameters("REFRESH_TOKEN", refresh_token.clone());
        if app.has_secret() {
            let username = self.username().ok_or(RefreshError::NoUsername)?;
            if let Some(hash) = app.secret_hash(&username) {
                builder = builder.auth_parameters("SECRET_HASH", hash);
            }
        }
        if let Some(key) = device_key {
            builder = builder.auth_parameters("DEVICE_KEY", key);
        }
        let issued = SystemTime::now();
        let out = builder.send().await?;
        Tokens::refreshed(out.authentication_result, issued, refresh_token)
            .ok_or(RefreshError::NoTokens)
    }

    async fn refresh_rotating(
        &self,
        app: &AppClient,
        device_key: Option<String>,
    ) -> Result<Tokens, RefreshError> {
        let refresh_token = self
            .refresh_token
            .clone()
            .ok_or(RefreshError::NoRefreshToken)?;
        let builder = app
            .idp()
            .get_tokens_from_refresh_token()
            .client_id(app.client_id())
            .refresh_token(refresh_token.clone())
            .set_device_key(device_key);
        let issued = SystemTime::now();
        let out = builder.send().await?;
        Tokens::refreshed(out.authentication_result, issued, refresh_token)
            .ok_or(RefreshError::NoTokens)
    }

    /// Signs the user out of every device (`GlobalSignOut`): every refresh token of the user stops working
    /// and the access tokens are rejected by Cognito's own APIs.
    pub async fn global_sign_out(&self, app: &AppClient) -> Result<(), Error<GlobalSignOutError>> {
        app.idp()
            .global_sign_out()
            .access_token(self.access_token.clone())
            .send()
            .await
            .map(|_| ())
    }

    /// Revokes the refresh token (`RevokeToken` of app client `app`, which issued it) and the access
    /// tokens issued with it. The app client's secret, if it has one, is sent as `ClientSecret`.
    pub async fn revoke(&self, app: &AppClient) -> Result<(), RevokeError> {
        let token = self
            .refresh_token
            .clone()
            .ok_or(RevokeError::NoRefreshToken)?;
        app.idp()
            .revoke_token()
            .client_id(app.client_id())
            .token(token)
            .send()
            .await?;
        Ok(())
    }
}

/// A refresh being set up ([`Tokens::refresh`], [`Tokens::refresh_with_rotation`]); `.await` it.
#[derive(Debug)]
#[must_use = "a refresh is sent when awaited"]
pub struct Refresh<'a> {
    tokens: &'a Tokens,
    app: &'a AppClient,
    device_key: Option<String>,
    rotation: bool,
}

impl Refresh<'_> {
    /// The device key of the remembered device the user signed in with (`DEVICE_KEY`), needed when the
    /// pool tracks devices.
    pub fn device_key(mut self, device_key: impl Into<String>) -> Self {
        self.device_key = Some(device_key.into());
        self
    }

    /// Sends the refresh (what `.await` does).
    pub async fn send(self) -> Result<Tokens, RefreshError> {
        if self.rotation {
            self.tokens
                .refresh_rotating(self.app, self.device_key)
                .await
        } else {
            self.tokens
                .refresh_token_auth(self.app, self.device_key)
                .await
        }
    }
}

impl<'a> std::future::IntoFuture for Refresh<'a> {
    type Output = Result<Tokens, RefreshError>;
    type IntoFuture = std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<Tokens, RefreshError>> + Send + 'a>,
    >;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

impl Drop for Tokens {
    fn drop(&mut self) {
        self.id_token.zeroize();
        self.access_token.zeroize();
        self.refresh_token.zeroize();
    }
}

impl fmt::Debug for Tokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let present = |t: bool| if t { "<redacted>" } else { "<none>" };
        f.debug_struct("Tokens")
            .field("id_token", &present(self.id_token.is_some()))
            .field("access_token", &"<redacted>")
            .field("refresh_token", &present(self.refresh_token.is_some()))
            .field("token_type", &self.token_type)
            .field("expires_at", &crate::DateTime::from(self.expires_at))
            .finish()
    }
}

/// Why [`Tokens::refresh`] or [`Tokens::refresh_with_rotation`] failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum RefreshError {
    /// These tokens have no refresh token.
    NoRefreshToken,
    /// The app client has a secret, and the access token carries no `username` to hash.
    NoUsername,
    /// The call (`InitiateAuth` with `REFRESH_TOKEN_AUTH`, or `GetTokensFromRefreshToken`) failed.
    /// Displays as that error, whose source is this error's source (one message per layer).
    Call(Error<crate::idp::Error>),
    /// The service answered without tokens.
    NoTokens,
}

/// Why [`Tokens::revoke`] failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum RevokeError {
    /// These tokens have no refresh token.
    NoRefreshToken,
    /// `RevokeToken` failed. Displays as that error, whose source is this error's source.
    Call(Error<crate::idp::Error>),
}

impl<E> From<Error<E>> for RefreshError
where
    Error<crate::idp::Error>: From<Error<E>>,
{
    fn from(e: Error<E>) -> RefreshError {
        RefreshError::Call(e.into())
    }
}

impl<E> From<Error<E>> for RevokeError
where
    Error<crate::idp::Error>: From<Error<E>>,
{
    fn from(e: Error<E>) -> RevokeError {
        RevokeError::Call(e.into())
    }
}

crate::idp::errors::exception_predicates!(RefreshError);
crate::idp::errors::exception_predicates!(RevokeError);

impl RefreshError {
    /// The service's error, when the call failed with one.
    pub fn service_error(&self) -> Option<&crate::idp::Error> {
        match self {
            RefreshError::Call(e) => e.service_error(),
            _ => None,
        }
    }

    /// The service's error code (`NotAuthorizedException` for an expired or revoked refresh token).
    pub fn code(&self) -> Option<&str> {
        self.service_error().and_then(crate::idp::Error::code)
    }
}

impl RevokeError {
    /// The service's error, when the call failed with one.
    pub fn service_error(&self) -> Option<&crate::idp::Error> {
        match self {
            RevokeError::Call(e) => e.service_error(),
            _ => None,
        }
    }

    /// The service's error code (`UnsupportedTokenTypeException`, …).
    pub fn code(&self) -> Option<&str> {
        self.service_error().and_then(crate::idp::Error::code)
    }
}

impl fmt::Display for RefreshError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RefreshError::NoRefreshToken => f.write_str("no refresh token to refresh with"),
            RefreshError::NoUsername => {
                f.write_str("cannot compute SECRET_HASH: the access token has no username claim")
            }
            RefreshError::Call(e) => e.fmt(f),
            RefreshError::NoTokens => f.write_str("the service answered without tokens"),
        }
    }
}

impl std::error::Error for RefreshError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RefreshError::Call(e) => std::error::Error::source(e),
            _ => None,
        }
    }
}

impl fmt::Display for RevokeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RevokeError::NoRefreshToken => f.write_str("no refresh token to revoke"),
            RevokeError::Call(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for RevokeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RevokeError::Call(e) => std::error::Error::source(e),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(payload: &str) -> String {
        let enc = |s: &str| base64_simd::URL_SAFE_NO_PAD.encode_to_string(s);
        format!("{}.{}.sig", enc(r#"{"alg":"RS256"}"#), enc(payload))
    }

    #[test]
    fn tokens_come_from_results_and_hide_in_debug() {
        let result = AuthenticationResultType {
            access_token: Some(jwt(r#"{"username":"uuid-1","token_use":"access"}"#)),
            id_token: Some("id.secret.token".into()),
            refresh_token: Some("refresh-secret".into()),
            expires_in: Some(60),
            token_type: Some("Bearer".into()),
            ..Default::default()
        };
        let now = SystemTime::now();
        let t = Tokens::from_result(&result, now).expect("tokens");
        assert_eq!(t.expires_at(), now + Duration::from_secs(60));
        assert!(t.expires_within(Duration::from_secs(120)));
        assert!(!t.expires_within(Duration::from_secs(1)));
        assert_eq!(t.username().as_deref(), Some("uuid-1"));
        let debug = format!("{t:?}");
        assert!(
            !debug.contains("secret") && !debug.contains(t.access_token()),
            "{debug}"
        );
        assert!(Tokens::from_result(&AuthenticationResultType::default(), now).is_none());
    }
}
