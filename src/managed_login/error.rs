//! The errors of managed login: OAuth error answers as typed codes, and every other way a call to the
//! user pool's OAuth endpoints can fail.
//!
//! No variant carries a token, a code, a code verifier or a client secret: response bodies are never
//! quoted (an HTML page is described by its status, type and size), and OAuth error descriptions are
//! clipped.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::error::TimeoutKind;
use crate::transport::HttpError;

/// Longest error description or reason kept from a response (longer ones are clipped).
const MAX_TEXT: usize = 256;

/// Clips untrusted text to [`MAX_TEXT`] characters, control characters replaced.
pub(crate) fn clip(text: &str) -> String {
    let mut out: String = text
        .chars()
        .take(MAX_TEXT)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().count() > MAX_TEXT {
        out.push('…');
    }
    out
}

/// An OAuth 2.0 error code (RFC 6749 §5.2 and §4.1.2.1, RFC 7009, RFC 6750), as Cognito sends it in
/// `{"error": "..."}` or in the `error` parameter of a redirect.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OAuthErrorCode {
    /// `invalid_request`: a parameter is missing, repeated or malformed.
    InvalidRequest,
    /// `invalid_client`: the client authentication failed (unknown client, wrong secret, a secret
    /// sent by a client that has none, or none sent by one that has one).
    InvalidClient,
    /// `invalid_grant`: the code or refresh token is invalid, expired, already used or revoked, or
    /// the PKCE verifier or redirect URI does not match.
    InvalidGrant,
    /// `unauthorized_client`: the app client may not use this grant (e.g. client credentials on a
    /// client without a secret, or the flow is not enabled for it).
    UnauthorizedClient,
    /// `unsupported_grant_type`.
    UnsupportedGrantType,
    /// `invalid_scope`: a scope is unknown or not allowed for the app client.
    InvalidScope,
    /// `access_denied` (redirect): the user or the identity provider refused.
    AccessDenied,
    /// `unsupported_response_type` (redirect).
    UnsupportedResponseType,
    /// `server_error` (redirect).
    ServerError,
    /// `temporarily_unavailable` (redirect).
    TemporarilyUnavailable,
    /// `invalid_token` (userInfo): the access token is invalid, expired or revoked.
    InvalidToken,
    /// `unsupported_token_type` (revoke).
    UnsupportedTokenType,
    /// A code this SDK does not know, kept as sent (clipped).
    Other(String),
}

impl OAuthErrorCode {
    /// The code as it appears on the wire.
    pub fn parse(code: &str) -> OAuthErrorCode {
        match code {
            "invalid_request" => OAuthErrorCode::InvalidRequest,
            "invalid_client" => OAuthErrorCode::InvalidClient,
            "invalid_grant" => OAuthErrorCode::InvalidGrant,
            "unauthorized_client" => OAuthErrorCode::UnauthorizedClient,
            "unsupported_grant_type" => OAuthErrorCode::UnsupportedGrantType,
            "invalid_scope" => OAuthErrorCode::InvalidScope,
            "access_denied" => OAuthErrorCode::AccessDenied,
            "unsupported_response_type" => OAuthErrorCode::UnsupportedResponseType,
            "server_error" => OAuthErrorCode::ServerError,
            "temporarily_unavailable" => OAuthErrorCode::TemporarilyUnavailable,
            "invalid_token" => OAuthErrorCode::InvalidToken,
            "unsupported_token_type" => OAuthErrorCode::UnsupportedTokenType,
            other => OAuthErrorCode::Other(clip(other)),
        }
    }

    /// The code as it appears on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            OAuthErrorCode::InvalidRequest => "invalid_request",
            OAuthErrorCode::InvalidClient => "invalid_client",
            OAuthErrorCode::InvalidGrant => "invalid_grant",
            OAuthErrorCode::UnauthorizedClient => "unauthorized_client",
            OAuthErrorCode::UnsupportedGrantType => "unsupported_grant_type",
            OAuthErrorCode::InvalidScope => "invalid_scope",
            OAuthErrorCode::AccessDenied => "access_denied",
            OAuthErrorCode::UnsupportedResponseType => "unsupported_response_type",
            OAuthErrorCode::ServerError => "server_error",
            OAuthErrorCode::TemporarilyUnavailable => "temporarily_unavailable",
            OAuthErrorCode::InvalidToken => "invalid_token",
            OAuthErrorCode::UnsupportedTokenType => "unsupported_token_type",
            OAuthErrorCode::Other(code) => code,
        }
    }
}

impl fmt::Display for OAuthErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An OAuth error answer: its code and, when Cognito sends one, its description.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OAuthError {
    /// The `error` code.
    pub code: OAuthErrorCode,
    /// `error_description`, clipped to 256 characters.
    pub description: Option<String>,
    /// The HTTP status of the answer (`None` for an error sent back to the redirect URI).
    pub status: Option<u16>,
}

impl OAuthError {
    pub(crate) fn new(code: &str, description: Option<&str>, status: Option<u16>) -> OAuthError {
        OAuthError {
            code: OAuthErrorCode::parse(code),
            description: description.filter(|d| !d.is_empty()).map(clip),
            status,
        }
    }
}

impl fmt::Display for OAuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code)?;
        if let Some(description) = &self.description {
            write!(f, " ({description})")?;
        }
        if let Some(status) = self.status {
            write!(f, " [HTTP {status}]")?;
        }
        Ok(())
    }
}

/// Which call an error comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Call {
    /// `/oauth2/token`, `grant_type=authorization_code`.
    AuthorizationCode,
    /// `/oauth2/token`, `grant_type=client_credentials`.
    ClientCredentials,
    /// `/oauth2/token`, `grant_type=refresh_token`.
    RefreshToken,
    /// `GetTokensFromRefreshToken` (the user-pools API, for app clients that rotate refresh tokens).
    GetTokensFromRefreshToken,
    /// `/oauth2/userInfo`.
    UserInfo,
    /// `/oauth2/revoke`.
    Revoke,
    /// `{issuer}/.well-known/openid-configuration`.
    Discovery,
}

impl Call {
    /// A short name: `token (authorization_code)`, `userInfo`, ….
    pub fn name(self) -> &'static str {
        match self {
            Call::AuthorizationCode => "token (authorization_code)",
            Call::ClientCredentials => "token (client_credentials)",
            Call::RefreshToken => "token (refresh_token)",
            Call::GetTokensFromRefreshToken => "GetTokensFromRefreshToken",
            Call::UserInfo => "userInfo",
            Call::Revoke => "revoke",
            Call::Discovery => "openid-configuration",
        }
    }
}

impl fmt::Display for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a managed-login call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ManagedLoginError {
    /// The endpoint answered with an OAuth error (`{"error": "invalid_grant", ...}`).
    #[error("{call}: {error}")]
    OAuth {
        /// The call.
        call: Call,
        /// The code and description.
        error: OAuthError,
    },
    /// The authorization server sent the user back with an error (`?error=access_denied&...`)
    /// instead of a code.
    #[error("the sign-in was not completed: {0}")]
    Authorization(OAuthError),
    /// The `state` of the callback is not the one sent with the authorization request: the callback
    /// belongs to another sign-in (or was forged), and its code is not exchanged.
    #[error("the callback's state does not match the sign-in's: the callback is refused")]
    StateMismatch,
    /// The callback carries neither a code nor an error.
    #[error("the callback carries no authorization code")]
    MissingCode,
    /// The server answered with a status that says it failed (5xx), and no OAuth error.
    #[error("{call}: the server failed with HTTP {status}{}", describe_body(.content_type, *.length))]
    ServerError {
        /// The call.
        call: Call,
        /// The HTTP status.
        status: u16,
        /// The `Content-Type`, if any.
        content_type: Option<String>,
        /// The body's length in bytes.
        length: usize,
    },
    /// The answer is not what the endpoint sends: an HTML page (a proxy's or the hosted UI's error
    /// page), a body that is not JSON, JSON without the expected members, or an unexpected status.
    #[error("{call}: unexpected answer (HTTP {status}{}): {reason}", describe_body(.content_type, *.length))]
    UnexpectedResponse {
        /// The call.
        call: Call,
        /// The HTTP status.
        status: u16,
        /// The `Content-Type`, if any.
        content_type: Option<String>,
        /// The body's length in bytes.
        length: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// The request could not be sent or its answer not read; `source` says why, and
    /// [`HttpError::may_have_reached_server`] whether the server may have acted on it.
    #[error("{call}: {source} (after {attempts} attempt(s))")]
    Transport {
        /// The call.
        call: Call,
        /// Attempts made.
        attempts: u32,
        /// The transport's error.
        #[source]
        source: HttpError,
    },
    /// A timeout of the configuration ran out.
    #[error("{call}: timed out ({}) after {attempts} attempt(s)", timeout_text(*kind, *after))]
    Timeout {
        /// The call.
        call: Call,
        /// Which timeout.
        kind: TimeoutKind,
        /// Its length; zero for a connect timeout of an HTTP client the crate did not build.
        after: Duration,
        /// Attempts started.
        attempts: u32,
    },
    /// The ID token failed verification (signature, issuer, audience, expiry, …).
    #[error("the ID token is not valid: {0}")]
    IdToken(#[source] crate::jwt::JwtError),
    /// The ID token's `nonce` is not the one sent with the authorization request (a replayed or
    /// injected token).
    #[error("the ID token's nonce does not match the sign-in's")]
    NonceMismatch,
    /// The `openid` scope was asked for, and the token endpoint sent no ID token.
    #[error("the token endpoint sent no ID token although the `openid` scope was asked for")]
    MissingIdToken,
    /// `GetTokensFromRefreshToken` failed (boxed: it is a large error).
    #[error("GetTokensFromRefreshToken failed: {0}")]
    Rotation(#[source] Box<crate::Error<crate::idp::operation::GetTokensFromRefreshTokenError>>),
    /// The settings are not usable (a malformed domain, pool id, region, URL or scope).
    #[error("invalid managed-login settings: {0}")]
    InvalidConfig(String),
    /// The discovery document is unusable, or names another issuer or endpoints on several origins.
    #[error("discovery: {0}")]
    Discovery(String),
    /// The operating system's random number generator failed (PKCE verifier, state, nonce).
    #[error("no random bytes for PKCE, state and nonce: {0}")]
    Random(String),
    /// The client-credentials request that this call waited for (another caller's) failed.
    #[error("{0}")]
    Shared(#[source] Arc<ManagedLoginError>),
}

impl ManagedLoginError {
    /// The OAuth error, when the endpoint (or the redirect) sent one; follows [`Shared`](Self::Shared).
    pub fn oauth_error(&self) -> Option<&OAuthError> {
        match self {
            ManagedLoginError::OAuth { error, .. } | ManagedLoginError::Authorization(error) => {
                Some(error)
            }
            ManagedLoginError::Shared(inner) => inner.oauth_error(),
            _ => None,
        }
    }

    /// The OAuth error code, when there is one (see [`oauth_error`](Self::oauth_error)).
    pub fn oauth_code(&self) -> Option<&OAuthErrorCode> {
        self.oauth_error().map(|e| &e.code)
    }
}

fn describe_body(content_type: &Option<String>, length: usize) -> String {
    match content_type {
        Some(t) => format!(", {t}, {length} bytes"),
        None => format!(", {length} bytes"),
    }
}

/// `Connect timeout of 5s`, or `Connect timeout` when its length is not known.
fn timeout_text(kind: TimeoutKind, after: Duration) -> String {
    if after.is_zero() {
        format!("{kind:?} timeout")
    } else {
        format!("{kind:?} timeout of {after:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_unknown_codes_are_kept() {
        for code in [
            "invalid_request",
            "invalid_client",
            "invalid_grant",
            "unauthorized_client",
            "unsupported_grant_type",
            "invalid_scope",
            "access_denied",
            "unsupported_response_type",
            "server_error",
            "temporarily_unavailable",
            "invalid_token",
            "unsupported_token_type",
        ] {
            let parsed = OAuthErrorCode::parse(code);
            assert!(!matches!(parsed, OAuthErrorCode::Other(_)), "{code}");
            assert_eq!(parsed.as_str(), code);
        }
        assert_eq!(
            OAuthErrorCode::parse("slow_down"),
            OAuthErrorCode::Other("slow_down".to_owned())
        );
        let long = "x".repeat(1000);
        assert!(OAuthErrorCode::parse(&long).as_str().chars().count() <= MAX_TEXT + 1);
    }

    #[test]
    fn messages_say_the_call_code_and_description() {
        let e = ManagedLoginError::OAuth {
            call: Call::AuthorizationCode,
            error: OAuthError::new("invalid_grant", Some("code\nreused"), Some(400)),
        };
        assert_eq!(
            e.to_string(),
            "token (authorization_code): invalid_grant (code reused) [HTTP 400]"
        );
        assert_eq!(e.oauth_code(), Some(&OAuthErrorCode::InvalidGrant));
        let shared = ManagedLoginError::Shared(Arc::new(e));
        assert_eq!(shared.oauth_code(), Some(&OAuthErrorCode::InvalidGrant));
        let html = ManagedLoginError::ServerError {
            call: Call::UserInfo,
            status: 502,
            content_type: Some("text/html".into()),
            length: 120,
        };
        assert_eq!(
            html.to_string(),
            "userInfo: the server failed with HTTP 502, text/html, 120 bytes"
        );
    }
}
