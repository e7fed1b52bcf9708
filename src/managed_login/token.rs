//! The token endpoint's client: client authentication (`client_secret_basic`, `client_secret_post`,
//! none), the form of each grant, and the reading of the token answer.

use std::fmt;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use serde_json::{Map, Value};
use zeroize::Zeroize;

use super::error::{Call, ManagedLoginError};
use super::http::{OAuthHttp, OAuthRequest, Repeat};
use crate::auth::ClientSecret;

/// How the app client authenticates to the token and revoke endpoints.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ClientAuthMethod {
    /// `client_secret_basic` (the default, and what Cognito's documentation requires):
    /// `Authorization: Basic base64(urlencode(client_id) ":" urlencode(secret))`, as RFC 6749 §2.3.1
    /// says.
    #[default]
    ClientSecretBasic,
    /// `client_secret_post`: `client_id` and `client_secret` in the form body.
    ClientSecretPost,
    /// No secret (a public app client): `client_id` in the form body. Chosen automatically when no
    /// secret is set.
    None,
}

/// An app client as the token endpoint sees it: its id, its secret if it has one, and the method.
/// `Debug` never shows the secret.
#[derive(Clone)]
pub(crate) struct ClientAuth {
    pub(crate) client_id: String,
    secret: Option<ClientSecret>,
    method: ClientAuthMethod,
}

impl fmt::Debug for ClientAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientAuth")
            .field("client_id", &self.client_id)
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .field("method", &self.method())
            .finish()
    }
}

impl ClientAuth {
    pub(crate) fn new(
        client_id: String,
        secret: Option<ClientSecret>,
        method: ClientAuthMethod,
    ) -> ClientAuth {
        ClientAuth {
            client_id,
            secret,
            method,
        }
    }

    /// The method in use: [`ClientAuthMethod::None`] without a secret, whatever was asked for.
    pub(crate) fn method(&self) -> ClientAuthMethod {
        if self.secret.is_none() {
            ClientAuthMethod::None
        } else {
            self.method
        }
    }

    pub(crate) fn has_secret(&self) -> bool {
        self.secret.is_some()
    }

    pub(crate) fn secret(&self) -> Option<&ClientSecret> {
        self.secret.as_ref()
    }

    /// A POST of `form` to `url` authenticated as this client.
    pub(crate) fn form_request(
        &self,
        url: &str,
        form: &[(&str, &str)],
    ) -> Result<OAuthRequest, ManagedLoginError> {
        let mut body = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in form {
            body.append_pair(name, value);
        }
        let mut headers = vec![(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/x-www-form-urlencoded"),
        )];
        match (self.method(), &self.secret) {
            (ClientAuthMethod::ClientSecretBasic, Some(secret)) => {
                headers.push((http::header::AUTHORIZATION, basic(&self.client_id, secret)?));
            }
            (ClientAuthMethod::ClientSecretPost, Some(secret)) => {
                body.append_pair("client_id", &self.client_id);
                body.append_pair("client_secret", secret.expose());
            }
            _ => {
                body.append_pair("client_id", &self.client_id);
            }
        }
        Ok(OAuthRequest {
            method: http::Method::POST,
            url: url.to_owned(),
            headers,
            body: Bytes::from(body.finish()),
        })
    }
}

/// `Basic base64(urlencode(id) ":" urlencode(secret))`, marked sensitive.
fn basic(client_id: &str, secret: &ClientSecret) -> Result<http::HeaderValue, ManagedLoginError> {
    let mut pair = String::new();
    pair.extend(url::form_urlencoded::byte_serialize(client_id.as_bytes()));
    pair.push(':');
    pair.extend(url::form_urlencoded::byte_serialize(
        secret.expose().as_bytes(),
    ));
    let mut value = format!("Basic {}", base64_simd::STANDARD.encode_to_string(&pair));
    pair.zeroize();
    let header = http::HeaderValue::from_str(&value);
    value.zeroize();
    let mut header = header.map_err(|_| {
        ManagedLoginError::InvalidConfig("the client id cannot go into a header".to_owned())
    })?;
    header.set_sensitive(true);
    Ok(header)
}

/// A token answer, read and checked. Wiped when dropped.
pub(crate) struct TokenAnswer {
    pub(crate) access_token: String,
    pub(crate) id_token: Option<String>,
    pub(crate) refresh_token: Option<String>,
    pub(crate) token_type: Option<String>,
    /// Seconds; Cognito always sends it (3600 assumed when absent).
    pub(crate) expires_in: Option<i64>,
    pub(crate) scope: Option<String>,
    /// When the request was sent: the tokens' lifetimes count from then.
    pub(crate) issued_at: SystemTime,
}

impl Drop for TokenAnswer {
    fn drop(&mut self) {
        self.access_token.zeroize();
        self.id_token.zeroize();
        self.refresh_token.zeroize();
    }
}

impl TokenAnswer {
    /// When the access token expires.
    pub(crate) fn expires_at(&self) -> SystemTime {
        let seconds = self
            .expires_in
            .map_or(3600, |s| u64::try_from(s).unwrap_or(0));
        crate::primitives::saturating_add(self.issued_at, Duration::from_secs(seconds))
    }

    /// Reads a token endpoint's success answer.
    fn parse(map: &Map<String, Value>, issued_at: SystemTime) -> Result<TokenAnswer, String> {
        let text = |name: &str| -> Result<Option<String>, String> {
            match map.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(format!("`{name}` is not a string")),
            }
        };
        let access_token = text("access_token")?
            .filter(|t| !t.is_empty())
            .ok_or_else(|| "no `access_token`".to_owned())?;
        let token_type = text("token_type")?;
        if let Some(t) = &token_type {
            if !t.eq_ignore_ascii_case("bearer") {
                return Err(format!(
                    "the token type is `{}`, not Bearer",
                    super::error::clip(t)
                ));
            }
        }
        let expires_in = match map.get("expires_in") {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => Some(n.as_i64().ok_or("`expires_in` is not whole seconds")?),
            // Some servers send the number as a string.
            Some(Value::String(s)) => Some(
                s.trim()
                    .parse::<i64>()
                    .map_err(|_| "`expires_in` is not a number".to_owned())?,
            ),
            Some(_) => return Err("`expires_in` is not a number".to_owned()),
        };
        Ok(TokenAnswer {
            access_token,
            id_token: text("id_token")?.filter(|t| !t.is_empty()),
            refresh_token: text("refresh_token")?.filter(|t| !t.is_empty()),
            token_type,
            expires_in,
            scope: text("scope")?,
            issued_at,
        })
    }
}

/// Posts a grant to the token endpoint and reads the answer.
pub(crate) async fn request_tokens(
    http: &OAuthHttp,
    token_url: &str,
    auth: &ClientAuth,
    call: Call,
    repeat: Repeat,
    form: &[(&str, &str)],
) -> Result<TokenAnswer, ManagedLoginError> {
    let mut request = auth.form_request(token_url, form)?;
    let issued_at = SystemTime::now();
    let sent = http.send(call, repeat, &request).await;
    // The body holds the code, the verifier or a refresh token; the secret when posted.
    wipe(&mut request);
    let response = sent?;
    let map = response.json_object(call)?;
    TokenAnswer::parse(&map, issued_at).map_err(|reason| response.unexpected(call, reason))
}

/// Wipes a request's body (it may hold secrets) once it is no longer needed.
pub(crate) fn wipe(request: &mut OAuthRequest) {
    let body = std::mem::take(&mut request.body);
    if let Ok(mut bytes) = body.try_into_mut() {
        bytes.zeroize();
    }
}

/// An access token from the client-credentials grant. `Debug` does not show the token; it is wiped
/// when the last copy is dropped.
#[derive(Clone)]
pub struct ClientCredentialsToken {
    access_token: String,
    token_type: Option<String>,
    expires_at: SystemTime,
    scope: Option<String>,
}

impl ClientCredentialsToken {
    pub(crate) fn from_answer(answer: &TokenAnswer) -> ClientCredentialsToken {
        ClientCredentialsToken {
            access_token: answer.access_token.clone(),
            token_type: answer.token_type.clone(),
            expires_at: answer.expires_at(),
            scope: answer.scope.clone(),
        }
    }

    /// The access token, for `Authorization: Bearer …`.
    pub fn access_token(&self) -> &str {
        &self.access_token
    }

    /// `Bearer`.
    pub fn token_type(&self) -> Option<&str> {
        self.token_type.as_deref()
    }

    /// When it expires.
    pub fn expires_at(&self) -> SystemTime {
        self.expires_at
    }

    /// The scopes granted, as the token endpoint said them (when it did).
    pub fn scope(&self) -> Option<&str> {
        self.scope.as_deref()
    }

    /// `Bearer {token}`, marked sensitive, for an `Authorization` header.
    pub fn authorization_header(&self) -> Option<http::HeaderValue> {
        let mut value =
            http::HeaderValue::from_str(&format!("Bearer {}", self.access_token)).ok()?;
        value.set_sensitive(true);
        Some(value)
    }
}

impl Drop for ClientCredentialsToken {
    fn drop(&mut self) {
        self.access_token.zeroize();
    }
}

impl fmt::Debug for ClientCredentialsToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentialsToken")
            .field("access_token", &"<redacted>")
            .field("token_type", &self.token_type)
            .field("expires_at", &crate::DateTime::from(self.expires_at))
            .field("scope", &self.scope)
            .finish()
    }
}

#[cfg(test)]
impl ClientCredentialsToken {
    /// A token of `lifetime` from now.
    pub(crate) fn for_tests(token: &str, lifetime: Duration) -> ClientCredentialsToken {
        ClientCredentialsToken {
            access_token: token.to_owned(),
            token_type: Some("Bearer".to_owned()),
            expires_at: SystemTime::now() + lifetime,
            scope: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body_of(request: &OAuthRequest) -> String {
        String::from_utf8(request.body.to_vec()).expect("utf-8")
    }

    #[test]
    fn basic_auth_form_encodes_before_base64() {
        let auth = ClientAuth::new(
            "client id".into(),
            Some(ClientSecret::new("s3cr+t:/=")),
            ClientAuthMethod::ClientSecretBasic,
        );
        let request = auth
            .form_request(
                "https://d/oauth2/token",
                &[("grant_type", "client_credentials")],
            )
            .expect("request");
        let header = request
            .headers
            .iter()
            .find(|(n, _)| n == http::header::AUTHORIZATION)
            .map(|(_, v)| v.clone())
            .expect("authorization");
        assert!(header.is_sensitive());
        let encoded = header
            .to_str()
            .expect("ascii")
            .strip_prefix("Basic ")
            .expect("basic");
        let decoded = base64_simd::STANDARD
            .decode_to_vec(encoded)
            .expect("base64");
        assert_eq!(decoded, b"client+id:s3cr%2Bt%3A%2F%3D");
        assert_eq!(body_of(&request), "grant_type=client_credentials");
        assert!(!format!("{auth:?}").contains("s3cr"));
    }

    #[test]
    fn post_and_public_clients_put_the_id_in_the_body() {
        let post = ClientAuth::new(
            "abc".into(),
            Some(ClientSecret::new("shh")),
            ClientAuthMethod::ClientSecretPost,
        );
        let request = post
            .form_request("https://d/oauth2/token", &[("grant_type", "refresh_token")])
            .expect("request");
        assert_eq!(
            body_of(&request),
            "grant_type=refresh_token&client_id=abc&client_secret=shh"
        );
        assert!(request
            .headers
            .iter()
            .all(|(n, _)| n != http::header::AUTHORIZATION));
        let public = ClientAuth::new("abc".into(), None, ClientAuthMethod::ClientSecretBasic);
        assert_eq!(public.method(), ClientAuthMethod::None);
        let request = public
            .form_request("https://d/oauth2/token", &[("code", "x y")])
            .expect("request");
        assert_eq!(body_of(&request), "code=x+y&client_id=abc");
    }

    #[test]
    fn token_answers_are_checked() {
        let now = SystemTime::now();
        let parse = |v: Value| {
            let Value::Object(map) = v else {
                panic!("object")
            };
            TokenAnswer::parse(&map, now)
        };
        let ok = parse(serde_json::json!({
            "access_token": "a", "id_token": "i", "token_type": "Bearer", "expires_in": 60
        }))
        .expect("valid");
        assert_eq!(ok.expires_at(), now + Duration::from_secs(60));
        assert!(ok.refresh_token.is_none());
        assert!(parse(serde_json::json!({"expires_in": 60})).is_err());
        assert!(parse(serde_json::json!({"access_token": 5})).is_err());
        assert!(parse(serde_json::json!({"access_token": "a", "token_type": "mac"})).is_err());
        assert!(parse(serde_json::json!({"access_token": "a", "expires_in": "x"})).is_err());
        let string_expiry =
            parse(serde_json::json!({"access_token": "a", "expires_in": "30"})).expect("valid");
        assert_eq!(string_expiry.expires_in, Some(30));
        let negative =
            parse(serde_json::json!({"access_token": "a", "expires_in": -5})).expect("valid");
        assert_eq!(negative.expires_at(), now);
    }
}
