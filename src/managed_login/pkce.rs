//! The first half of the authorization-code flow: PKCE (S256, the only method Cognito accepts), the
//! random `state` and `nonce`, the `/oauth2/authorize` URL, and the callback's parameters.

use std::fmt;

use ctutils::CtEq;
use sha2::{Digest, Sha256};
use zeroize::Zeroize;

use super::endpoints::Endpoints;
use super::error::{ManagedLoginError, OAuthError};

/// Base64url without padding (RFC 7636 §3).
const B64URL: base64_simd::Base64 = base64_simd::URL_SAFE_NO_PAD;

/// `n` random bytes from the operating system, as base64url.
pub(crate) fn random_token(n: usize) -> Result<String, ManagedLoginError> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).map_err(|e| ManagedLoginError::Random(e.to_string()))?;
    let token = B64URL.encode_to_string(&bytes);
    bytes.zeroize();
    Ok(token)
}

/// A PKCE code verifier: 32 random bytes as 43 base64url characters (RFC 7636 §4.1). `Debug` does not
/// show it; it is wiped when dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct CodeVerifier(String);

impl CodeVerifier {
    /// A fresh random verifier.
    ///
    /// # Errors
    /// [`ManagedLoginError::Random`] when the system's random source fails.
    pub fn random() -> Result<CodeVerifier, ManagedLoginError> {
        random_token(32).map(CodeVerifier)
    }

    /// A verifier kept from earlier (e.g. read back from a session store).
    ///
    /// # Errors
    /// [`ManagedLoginError::InvalidConfig`] unless it is 43–128 characters of `A-Z a-z 0-9 - . _ ~`.
    pub fn new(verifier: impl Into<String>) -> Result<CodeVerifier, ManagedLoginError> {
        let verifier = verifier.into();
        let ok = (43..=128).contains(&verifier.len())
            && verifier
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
        if ok {
            Ok(CodeVerifier(verifier))
        } else {
            Err(ManagedLoginError::InvalidConfig(
                "a PKCE code verifier is 43 to 128 characters of A-Z a-z 0-9 - . _ ~".to_owned(),
            ))
        }
    }

    /// The S256 challenge: base64url(SHA-256(verifier)).
    pub fn challenge(&self) -> String {
        B64URL.encode_to_string(Sha256::digest(self.0.as_bytes()))
    }

    /// The verifier itself, to send to the token endpoint or to store.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl Drop for CodeVerifier {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for CodeVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CodeVerifier(<redacted>)")
    }
}

/// The `prompt` parameter of the authorization request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Prompt {
    /// `login`: ask the user to sign in again even with a session.
    Login,
    /// `none`: sign in silently with the existing session, or come back with an error.
    None,
    /// `select_account`.
    SelectAccount,
    /// `consent`.
    Consent,
}

impl Prompt {
    /// The value on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Prompt::Login => "login",
            Prompt::None => "none",
            Prompt::SelectAccount => "select_account",
            Prompt::Consent => "consent",
        }
    }
}

/// What the application keeps between sending the user to `/oauth2/authorize` and the callback: the
/// `state`, the `nonce`, the PKCE verifier and the redirect URI. Keep it server-side (or sealed): the
/// verifier is what makes a stolen code useless. `Debug` shows none of the three values.
#[derive(Clone, PartialEq, Eq)]
pub struct PendingLogin {
    state: String,
    nonce: String,
    verifier: CodeVerifier,
    redirect_uri: String,
    openid: bool,
}

impl PendingLogin {
    /// A pending sign-in rebuilt from values stored earlier (see the accessors).
    pub fn from_parts(
        state: impl Into<String>,
        nonce: impl Into<String>,
        verifier: CodeVerifier,
        redirect_uri: impl Into<String>,
        openid: bool,
    ) -> PendingLogin {
        PendingLogin {
            state: state.into(),
            nonce: nonce.into(),
            verifier,
            redirect_uri: redirect_uri.into(),
            openid,
        }
    }

    /// The `state` sent: the key under which to store this value until the callback.
    pub fn state(&self) -> &str {
        &self.state
    }

    /// The `nonce` sent, which the ID token must carry.
    pub fn nonce(&self) -> &str {
        &self.nonce
    }

    /// The PKCE verifier.
    pub fn verifier(&self) -> &CodeVerifier {
        &self.verifier
    }

    /// The redirect URI sent (the token request repeats it).
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// Whether the `openid` scope was asked for (then an ID token is required).
    pub fn openid(&self) -> bool {
        self.openid
    }

    /// Whether `state` is this sign-in's, compared in constant time.
    pub(crate) fn state_matches(&self, state: &str) -> bool {
        self.state.len() == state.len() && self.state.as_bytes().ct_eq(state.as_bytes()).to_bool()
    }
}

impl Drop for PendingLogin {
    fn drop(&mut self) {
        self.state.zeroize();
        self.nonce.zeroize();
    }
}

impl fmt::Debug for PendingLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingLogin")
            .field("state", &"<redacted>")
            .field("nonce", &"<redacted>")
            .field("verifier", &self.verifier)
            .field("redirect_uri", &self.redirect_uri)
            .field("openid", &self.openid)
            .finish()
    }
}

/// An authorization request: the URL to send the user's browser to, and what to keep until the
/// callback.
#[derive(Debug)]
pub struct AuthorizationRequest {
    /// The `/oauth2/authorize` URL with every parameter.
    pub url: String,
    /// What to keep until the callback (look it up by its [`state`](PendingLogin::state)).
    pub pending: PendingLogin,
}

/// The parameters of an authorization request; see `ManagedLogin::authorize`.
#[derive(Clone, Debug, Default)]
pub(crate) struct AuthorizeParams {
    pub(crate) scopes: Vec<String>,
    pub(crate) redirect_uri: Option<String>,
    pub(crate) identity_provider: Option<String>,
    pub(crate) idp_identifier: Option<String>,
    pub(crate) lang: Option<String>,
    pub(crate) prompt: Option<Prompt>,
}

/// Makes the `/oauth2/authorize` URL with a fresh state, nonce and PKCE verifier.
pub(crate) fn authorization_request(
    endpoints: &Endpoints,
    client_id: &str,
    redirect_uri: &str,
    params: &AuthorizeParams,
) -> Result<AuthorizationRequest, ManagedLoginError> {
    if let Some(bad) = params
        .scopes
        .iter()
        .find(|s| s.is_empty() || s.chars().any(|c| c.is_whitespace() || c.is_control()))
    {
        return Err(ManagedLoginError::InvalidConfig(format!(
            "the scope `{}` is empty or has whitespace",
            super::error::clip(bad)
        )));
    }
    let verifier = CodeVerifier::random()?;
    let state = random_token(32)?;
    let nonce = random_token(32)?;
    let mut url = url::Url::parse(endpoints.authorize())
        .map_err(|e| ManagedLoginError::InvalidConfig(e.to_string()))?;
    {
        let mut query = url.query_pairs_mut();
        query
            .append_pair("response_type", "code")
            .append_pair("client_id", client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("state", &state)
            .append_pair("nonce", &nonce)
            .append_pair("code_challenge", &verifier.challenge())
            .append_pair("code_challenge_method", "S256");
        if !params.scopes.is_empty() {
            query.append_pair("scope", &params.scopes.join(" "));
        }
        if let Some(idp) = &params.identity_provider {
            query.append_pair("identity_provider", idp);
        }
        if let Some(id) = &params.idp_identifier {
            query.append_pair("idp_identifier", id);
        }
        if let Some(lang) = &params.lang {
            query.append_pair("lang", lang);
        }
        if let Some(prompt) = params.prompt {
            query.append_pair("prompt", prompt.as_str());
        }
    }
    Ok(AuthorizationRequest {
        url: url.into(),
        pending: PendingLogin {
            state,
            nonce,
            verifier,
            redirect_uri: redirect_uri.to_owned(),
            openid: params.scopes.iter().any(|s| s == "openid"),
        },
    })
}

/// The parameters Cognito sends back to the redirect URI: a `code` and the `state`, or an `error`.
/// `Debug` does not show the code.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Callback {
    /// `code`.
    pub code: Option<String>,
    /// `state`.
    pub state: Option<String>,
    /// `error`.
    pub error: Option<String>,
    /// `error_description`.
    pub error_description: Option<String>,
}

impl Callback {
    /// Reads the callback's query string (with or without the leading `?`); unknown parameters are
    /// ignored, and of a repeated one the first counts.
    pub fn from_query(query: &str) -> Callback {
        let mut callback = Callback::default();
        for (name, value) in url::form_urlencoded::parse(query.trim_start_matches('?').as_bytes()) {
            let slot = match &*name {
                "code" => &mut callback.code,
                "state" => &mut callback.state,
                "error" => &mut callback.error,
                "error_description" => &mut callback.error_description,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(value.into_owned());
            }
        }
        callback
    }

    /// Checks the callback against the pending sign-in: the error it carries, else the state, else the
    /// code. Returns the code.
    pub(crate) fn code_for(&self, pending: &PendingLogin) -> Result<&str, ManagedLoginError> {
        if let Some(error) = &self.error {
            return Err(ManagedLoginError::Authorization(OAuthError::new(
                error,
                self.error_description.as_deref(),
                None,
            )));
        }
        match &self.state {
            Some(state) if pending.state_matches(state) => {}
            _ => return Err(ManagedLoginError::StateMismatch),
        }
        self.code
            .as_deref()
            .filter(|c| !c.is_empty())
            .ok_or(ManagedLoginError::MissingCode)
    }
}

impl Drop for Callback {
    fn drop(&mut self) {
        self.code.zeroize();
    }
}

impl fmt::Debug for Callback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Callback")
            .field("code", &self.code.as_ref().map(|_| "<redacted>"))
            .field("state", &self.state.as_ref().map(|_| "<redacted>"))
            .field("error", &self.error)
            .field("error_description", &self.error_description)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::managed_login::endpoints::Domain;

    #[test]
    fn rfc7636_appendix_b_challenge() {
        let verifier =
            CodeVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").expect("valid");
        assert_eq!(
            verifier.challenge(),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert_eq!(format!("{verifier:?}"), "CodeVerifier(<redacted>)");
        assert!(CodeVerifier::new("short").is_err());
        assert!(CodeVerifier::new("a".repeat(43) + " ").is_err());
        let random = CodeVerifier::random().expect("random");
        assert_eq!(random.expose().len(), 43);
        assert_ne!(random, CodeVerifier::random().expect("random"));
    }

    #[test]
    fn the_authorize_url_carries_every_parameter() {
        let endpoints = Domain::prefix("app", "us-east-1")
            .expect("domain")
            .endpoints();
        let params = AuthorizeParams {
            scopes: vec!["openid".into(), "email".into(), "orders/read".into()],
            identity_provider: Some("Google".into()),
            idp_identifier: Some("example.com".into()),
            lang: Some("fr".into()),
            prompt: Some(Prompt::Login),
            redirect_uri: None,
        };
        let request = authorization_request(&endpoints, "client1", "https://app/cb", &params)
            .expect("request");
        let url = url::Url::parse(&request.url).expect("url");
        assert_eq!(
            url.as_str().split('?').next(),
            Some("https://app.auth.us-east-1.amazoncognito.com/oauth2/authorize")
        );
        let q: std::collections::HashMap<String, String> = url.query_pairs().into_owned().collect();
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["client_id"], "client1");
        assert_eq!(q["redirect_uri"], "https://app/cb");
        assert_eq!(q["scope"], "openid email orders/read");
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!(q["code_challenge"], request.pending.verifier().challenge());
        assert_eq!(q["state"], request.pending.state());
        assert_eq!(q["nonce"], request.pending.nonce());
        assert_eq!(q["identity_provider"], "Google");
        assert_eq!(q["idp_identifier"], "example.com");
        assert_eq!(q["lang"], "fr");
        assert_eq!(q["prompt"], "login");
        assert!(request.pending.openid());
        let debug = format!("{:?}", request.pending);
        assert!(!debug.contains(request.pending.state()), "{debug}");
        assert!(!debug.contains(request.pending.verifier().expose()));

        let bad = AuthorizeParams {
            scopes: vec!["two words".into()],
            ..AuthorizeParams::default()
        };
        assert!(authorization_request(&endpoints, "c", "https://app/cb", &bad).is_err());
    }

    #[test]
    fn callbacks_are_checked_against_the_pending_login() {
        let endpoints = Domain::prefix("app", "us-east-1")
            .expect("domain")
            .endpoints();
        let request = authorization_request(
            &endpoints,
            "c",
            "https://app/cb",
            &AuthorizeParams::default(),
        )
        .expect("request");
        let pending = request.pending;
        let good = Callback::from_query(&format!("?code=abc&state={}", pending.state()));
        assert_eq!(good.code_for(&pending).expect("code"), "abc");
        assert!(!format!("{good:?}").contains("abc"));
        let forged = Callback::from_query("code=abc&state=other");
        assert!(matches!(
            forged.code_for(&pending),
            Err(ManagedLoginError::StateMismatch)
        ));
        let none = Callback::from_query("code=abc");
        assert!(matches!(
            none.code_for(&pending),
            Err(ManagedLoginError::StateMismatch)
        ));
        let denied = Callback::from_query("error=access_denied&error_description=User+cancelled");
        match denied.code_for(&pending) {
            Err(ManagedLoginError::Authorization(e)) => {
                assert_eq!(e.code, crate::managed_login::OAuthErrorCode::AccessDenied);
                assert_eq!(e.description.as_deref(), Some("User cancelled"));
            }
            other => panic!("{other:?}"),
        }
        let no_code = Callback::from_query(&format!("state={}", pending.state()));
        assert!(matches!(
            no_code.code_for(&pending),
            Err(ManagedLoginError::MissingCode)
        ));
    }
}
