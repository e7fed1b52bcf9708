//! An app client with a secret, as a user-pools client holds it: every call that carries a
//! `SecretHash` member, a `SECRET_HASH` auth parameter or challenge response, or a `ClientSecret` member
//! gets it filled in for that app client (see `idp::Client::with_app_client_secret`).

use std::collections::HashMap;

use crate::auth::secret_hash::ClientSecret;

/// An app client id and its secret. `Debug` shows the id, never the secret.
#[derive(Clone, Debug, PartialEq)]
pub struct AppClient {
    client_id: String,
    secret: ClientSecret,
}

impl AppClient {
    /// The app client `client_id` with `secret`.
    pub fn new(client_id: impl Into<String>, secret: impl Into<String>) -> AppClient {
        AppClient {
            client_id: client_id.into(),
            secret: ClientSecret::new(secret),
        }
    }

    /// The app client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The secret.
    pub fn secret(&self) -> &ClientSecret {
        &self.secret
    }

    /// `SECRET_HASH` for `username` with this app client.
    pub fn secret_hash(&self, username: &str) -> String {
        self.secret.secret_hash(username, &self.client_id)
    }

    /// Whether a call for `client_id` is a call of this app client (the only calls it fills in).
    pub(crate) fn is_for(&self, client_id: Option<&str>) -> bool {
        client_id == Some(self.client_id.as_str())
    }

    /// Fills an unset `SecretHash` member from the call's username.
    pub(crate) fn fill_member(&self, hash: &mut Option<String>, username: Option<&str>) {
        if let (None, Some(username)) = (&hash, username) {
            *hash = Some(self.secret_hash(username));
        }
    }

    /// Adds `SECRET_HASH` to auth parameters or challenge responses that have a `USERNAME` and no hash yet.
    /// (After SRP, `USERNAME` is the `USER_ID_FOR_SRP`, which is what the hash needs.)
    pub(crate) fn fill_map(&self, map: &mut Option<HashMap<String, String>>) {
        if let Some(map) = map {
            if !map.contains_key("SECRET_HASH") {
                if let Some(username) = map.get("USERNAME") {
                    let hash = self.secret_hash(username);
                    map.insert("SECRET_HASH".to_owned(), hash);
                }
            }
        }
    }

    /// Fills an unset `ClientSecret` member.
    pub(crate) fn fill_secret(&self, secret: &mut Option<String>) {
        if secret.is_none() {
            *secret = Some(self.secret.expose().to_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_only_what_is_missing() {
        let app = AppClient::new("client", "shh");
        let mut hash = None;
        app.fill_member(&mut hash, Some("alice"));
        assert_eq!(hash, Some(app.secret_hash("alice")));
        let mut kept = Some("given".to_owned());
        app.fill_member(&mut kept, Some("alice"));
        assert_eq!(kept.as_deref(), Some("given"));
        let mut map = Some(HashMap::from([("USERNAME".to_owned(), "bob".to_owned())]));
        app.fill_map(&mut map);
        assert_eq!(
            map.and_then(|m| m.get("SECRET_HASH").cloned()),
            Some(app.secret_hash("bob"))
        );
        let mut no_user = Some(HashMap::from([(
            "REFRESH_TOKEN".to_owned(),
            "r".to_owned(),
        )]));
        app.fill_map(&mut no_user);
        assert_eq!(no_user.map(|m| m.len()), Some(1));
        assert!(app.is_for(Some("client")) && !app.is_for(Some("other")) && !app.is_for(None));
        assert!(!format!("{app:?}").contains("shh"));
    }
}
