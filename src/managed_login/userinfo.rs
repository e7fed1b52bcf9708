//! `/oauth2/userInfo`: the signed-in user's attributes, typed, tolerant of Cognito sending
//! `email_verified` and `phone_number_verified` as the strings `"true"` / `"false"`.

use std::fmt;

use serde_json::{Map, Value};

/// The claims `/oauth2/userInfo` returns for an access token: the standard OIDC claims Cognito fills
/// as typed fields, and every attribute (custom ones such as `custom:tenant` included) through
/// [`get`](UserInfo::get).
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct UserInfo {
    /// `sub`: the user's id.
    pub sub: String,
    /// `username`.
    pub username: Option<String>,
    /// `email`.
    pub email: Option<String>,
    /// `email_verified`: a boolean, or the string `"true"` / `"false"` as Cognito sends it.
    pub email_verified: Option<bool>,
    /// `phone_number`.
    pub phone_number: Option<String>,
    /// `phone_number_verified`, read as `email_verified`.
    pub phone_number_verified: Option<bool>,
    /// `name`.
    pub name: Option<String>,
    /// `given_name`.
    pub given_name: Option<String>,
    /// `family_name`.
    pub family_name: Option<String>,
    /// `preferred_username`.
    pub preferred_username: Option<String>,
    /// `locale`.
    pub locale: Option<String>,
    all: Map<String, Value>,
}

impl UserInfo {
    /// Reads the typed claims. `sub` is required; a claim of the wrong type is an error naming it.
    pub(crate) fn from_map(all: Map<String, Value>) -> Result<UserInfo, String> {
        Ok(UserInfo {
            sub: string(&all, "sub")?.ok_or("no `sub`")?,
            username: string(&all, "username")?,
            email: string(&all, "email")?,
            email_verified: boolean(&all, "email_verified")?,
            phone_number: string(&all, "phone_number")?,
            phone_number_verified: boolean(&all, "phone_number_verified")?,
            name: string(&all, "name")?,
            given_name: string(&all, "given_name")?,
            family_name: string(&all, "family_name")?,
            preferred_username: string(&all, "preferred_username")?,
            locale: string(&all, "locale")?,
            all,
        })
    }

    /// Any claim by name, e.g. `info.get("custom:tenant")`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.all.get(name)
    }

    /// Every claim, as sent.
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.all
    }
}

impl fmt::Debug for UserInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("UserInfo").field(&self.all).finish()
    }
}

fn string(all: &Map<String, Value>, name: &str) -> Result<Option<String>, String> {
    match all.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("`{name}` is not a string")),
    }
}

/// A boolean, or the strings `"true"` / `"false"` (any case, as Cognito's userInfo sends them).
fn boolean(all: &Map<String, Value>, name: &str) -> Result<Option<bool>, String> {
    match all.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(_) => Err(format!("`{name}` is not a boolean")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(v: Value) -> Result<UserInfo, String> {
        match v {
            Value::Object(map) => UserInfo::from_map(map),
            _ => Err("not an object".into()),
        }
    }

    #[test]
    fn string_booleans_are_booleans() {
        let user = info(serde_json::json!({
            "sub": "u-1", "username": "alice", "email": "a@example.com",
            "email_verified": "true", "phone_number_verified": "false",
            "custom:tenant": "acme"
        }))
        .expect("valid");
        assert_eq!(user.email_verified, Some(true));
        assert_eq!(user.phone_number_verified, Some(false));
        assert_eq!(user.get("custom:tenant"), Some(&Value::from("acme")));
        let real = info(serde_json::json!({"sub": "u", "email_verified": false})).expect("valid");
        assert_eq!(real.email_verified, Some(false));
        assert!(info(serde_json::json!({"sub": "u", "email_verified": "yes"})).is_err());
        assert!(info(serde_json::json!({"sub": 5})).is_err());
        assert!(info(serde_json::json!({"email": "x"})).is_err());
    }
}
