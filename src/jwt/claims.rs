//! The claims of a verified token.

use std::fmt;

use serde_json::{Map, Value};

use super::error::JwtError;

/// The payload of a verified Cognito token: the standard and Cognito claims as typed fields, and
/// every claim (custom ones such as `custom:tenant` included) through [`get`](Claims::get) and
/// [`as_map`](Claims::as_map).
///
/// Only [`JwtVerifier`](super::JwtVerifier) makes a `Claims`, after every check has passed.
/// `Debug` shows the claims (they are not secrets); the token they came from is not kept.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct Claims {
    /// `sub`: the user's id (for a client-credentials access token, the app client id).
    pub sub: String,
    /// `iss`: `https://cognito-idp.{region}.amazonaws.com/{userPoolId}`.
    pub iss: String,
    /// `token_use`: `"id"` or `"access"`.
    pub token_use: String,
    /// `client_id`: the app client of an access token.
    pub client_id: Option<String>,
    /// `aud`: the app client of an ID token (a single string in Cognito tokens; an array is
    /// accepted too).
    pub aud: Vec<String>,
    /// `username` of an access token.
    pub username: Option<String>,
    /// `cognito:username` of an ID token.
    pub cognito_username: Option<String>,
    /// `cognito:groups` (empty when absent).
    pub groups: Vec<String>,
    /// `scope` of an access token: space-separated scopes (see [`scopes`](Claims::scopes)).
    pub scope: Option<String>,
    /// `exp`, Unix seconds. Times (`exp`, `iat`, `nbf`, `auth_time`) must lie within ±10^15 s
    /// (about 31 million years) of the epoch, whole or fractional; others make the token
    /// [`Malformed`](JwtError::Malformed), so that no caller's arithmetic on them can overflow.
    pub exp: i64,
    /// `iat`, Unix seconds.
    pub iat: Option<i64>,
    /// `nbf`, Unix seconds (Cognito does not set it).
    pub nbf: Option<i64>,
    /// `auth_time`, Unix seconds: when the user authenticated.
    pub auth_time: Option<i64>,
    /// `jti`: the token's unique id.
    pub jti: Option<String>,
    /// `origin_jti`: the id of the authentication event the token descends from.
    pub origin_jti: Option<String>,
    /// `event_id`.
    pub event_id: Option<String>,
    /// `email` of an ID token.
    pub email: Option<String>,
    /// `email_verified` of an ID token (`true`/`false`, or the strings `"true"`/`"false"`).
    pub email_verified: Option<bool>,
    /// `phone_number` of an ID token.
    pub phone_number: Option<String>,
    /// `phone_number_verified` of an ID token.
    pub phone_number_verified: Option<bool>,
    all: Map<String, Value>,
}

impl Claims {
    /// Reads the typed claims out of a payload object. `sub`, `iss`, `exp` and `token_use` are
    /// required; a claim with the wrong JSON type is [`JwtError::Malformed`].
    pub(crate) fn from_map(all: Map<String, Value>) -> Result<Claims, JwtError> {
        Ok(Claims {
            sub: string(&all, "sub")?.ok_or(JwtError::MissingClaim("sub"))?,
            iss: string(&all, "iss")?.ok_or(JwtError::MissingClaim("iss"))?,
            token_use: string(&all, "token_use")?.ok_or(JwtError::MissingClaim("token_use"))?,
            client_id: string(&all, "client_id")?,
            aud: strings(&all, "aud")?,
            username: string(&all, "username")?,
            cognito_username: string(&all, "cognito:username")?,
            groups: strings(&all, "cognito:groups")?,
            scope: string(&all, "scope")?,
            exp: seconds(&all, "exp")?.ok_or(JwtError::MissingClaim("exp"))?,
            iat: seconds(&all, "iat")?,
            nbf: seconds(&all, "nbf")?,
            auth_time: seconds(&all, "auth_time")?,
            jti: string(&all, "jti")?,
            origin_jti: string(&all, "origin_jti")?,
            event_id: string(&all, "event_id")?,
            email: string(&all, "email")?,
            email_verified: boolean(&all, "email_verified")?,
            phone_number: string(&all, "phone_number")?,
            phone_number_verified: boolean(&all, "phone_number_verified")?,
            all,
        })
    }

    /// The user name: `cognito:username` (ID token) or `username` (access token).
    pub fn username(&self) -> Option<&str> {
        self.cognito_username
            .as_deref()
            .or(self.username.as_deref())
    }

    /// The app client: `client_id` (access token) or the first `aud` (ID token).
    pub fn app_client_id(&self) -> Option<&str> {
        self.client_id
            .as_deref()
            .or_else(|| self.aud.first().map(String::as_str))
    }

    /// The scopes of the `scope` claim (none for an ID token).
    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        self.scope.as_deref().unwrap_or_default().split_whitespace()
    }

    /// Whether `scope` contains `scope`.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes().any(|s| s == scope)
    }

    /// Whether `cognito:groups` contains `group`.
    pub fn in_group(&self, group: &str) -> bool {
        self.groups.iter().any(|g| g == group)
    }

    /// Any claim by name, e.g. `claims.get("custom:tenant")`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.all.get(name)
    }

    /// Every claim of the payload, as sent.
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.all
    }

    /// Every claim of the payload, as sent.
    pub fn into_map(self) -> Map<String, Value> {
        self.all
    }
}

impl fmt::Debug for Claims {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Claims").field(&self.all).finish()
    }
}

fn wrong_type(name: &str, expected: &str) -> JwtError {
    JwtError::Malformed(format!("the `{name}` claim is not {expected}"))
}

fn string(all: &Map<String, Value>, name: &str) -> Result<Option<String>, JwtError> {
    match all.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(wrong_type(name, "a string")),
    }
}

/// A string or an array of strings.
fn strings(all: &Map<String, Value>, name: &str) -> Result<Vec<String>, JwtError> {
    match all.get(name) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| match item {
                Value::String(s) => Ok(s.clone()),
                _ => Err(wrong_type(name, "a string or an array of strings")),
            })
            .collect(),
        Some(_) => Err(wrong_type(name, "a string or an array of strings")),
    }
}

/// The bound on NumericDates: ±10^15 s, exclusive.
const MAX_NUMERIC_DATE: i64 = 1_000_000_000_000_000;

/// A NumericDate: Unix seconds, whole or fractional (the fraction is dropped), within
/// ±[`MAX_NUMERIC_DATE`] whatever the JSON number's form.
fn seconds(all: &Map<String, Value>, name: &str) -> Result<Option<i64>, JwtError> {
    match all.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) if i.unsigned_abs() < MAX_NUMERIC_DATE.unsigned_abs() => Ok(Some(i)),
            (Some(_), _) => Err(wrong_type(name, "a time in Unix seconds")),
            (None, Some(f)) if f.is_finite() && f.abs() < 1e15 => Ok(Some(f.floor() as i64)),
            _ => Err(wrong_type(name, "a time in Unix seconds")),
        },
        Some(_) => Err(wrong_type(name, "a number")),
    }
}

fn boolean(all: &Map<String, Value>, name: &str) -> Result<Option<bool>, JwtError> {
    match all.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(Value::String(s)) if s == "true" => Ok(Some(true)),
        Some(Value::String(s)) if s == "false" => Ok(Some(false)),
        Some(_) => Err(wrong_type(name, "a boolean")),
    }
}
