//! App clients: [`AppClient`], the handle for one app client of a user pool (its id and, for a
//! confidential client, its secret) that sign-in, refresh, revocation and sign-out go through;
//! [`AppClientSecret`], the id-and-secret pair with which a client fills in `SECRET_HASH` and
//! `ClientSecret`; and [`UserPoolId`], a user pool's id as its own type.

use std::collections::HashMap;
use std::fmt;

use crate::auth::secret_hash::ClientSecret;

/// One app client of a user pool, on a user-pools client: the id given once, and the secret if the app
/// client has one. Sign-in ([`sign_in`](Self::sign_in)), refresh, revocation and sign-out
/// ([`Tokens`](crate::auth::Tokens)) all take it, so the id they send and the secret they hash with always
/// belong together.
///
/// ```no_run
/// # async fn demo(config: cognito::Config) -> Result<(), Box<dyn std::error::Error>> {
/// let idp = cognito::idp::Client::new(&config);
/// let app = idp.app_client("1example23456789").with_secret("app client secret");
/// let step = app.sign_in("alice").password("correct horse").await?;
/// # Ok(()) }
/// ```
///
/// Public-client operations (`InitiateAuth`, `RespondToAuthChallenge`, `RevokeToken`, …) are sent unsigned
/// whatever the client's configuration, so the client that makes admin calls with AWS credentials serves
/// sign-in too. Cloning is cheap. `Debug` shows the id, never the secret.
#[cfg(feature = "idp")]
#[derive(Clone)]
pub struct AppClient {
    /// The user-pools client, with this app client's secret installed (when there is one).
    idp: crate::idp::Client,
    client_id: String,
}

#[cfg(feature = "idp")]
impl fmt::Debug for AppClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppClient")
            .field("client_id", &self.client_id)
            .field("has_secret", &self.has_secret())
            .finish()
    }
}

#[cfg(feature = "idp")]
impl crate::idp::Client {
    /// A handle for app client `client_id`, without a secret (a public app client); add the secret of a
    /// confidential one with [`AppClient::with_secret`].
    pub fn app_client(&self, client_id: impl Into<String>) -> AppClient {
        AppClient {
            idp: self.without_app_client_secret(),
            client_id: client_id.into(),
        }
    }
}

#[cfg(feature = "idp")]
impl AppClient {
    /// This app client with its secret: every call of this app client made through it (and through
    /// [`idp`](Self::idp)) that carries a `SecretHash` member, a `SECRET_HASH` auth parameter or challenge
    /// response (computed from its `USERNAME`, which after SRP is the `USER_ID_FOR_SRP`), or the
    /// `ClientSecret` member of a call the app client makes as itself (`RevokeToken`,
    /// `GetTokensFromRefreshToken`, `GetDerivedToken`; never `AddUserPoolClientSecret`'s new secret) gets
    /// it filled in, unless the call sets it itself.
    pub fn with_secret(self, secret: impl Into<String>) -> AppClient {
        let secret = AppClientSecret::new(self.client_id.clone(), secret);
        AppClient {
            idp: self.idp.with_app_client_secret(secret),
            client_id: self.client_id,
        }
    }

    /// The app client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// Whether a secret was given ([`with_secret`](Self::with_secret)).
    pub fn has_secret(&self) -> bool {
        self.secret().is_some()
    }

    /// `SECRET_HASH` for `username`, when the app client has a secret.
    pub fn secret_hash(&self, username: &str) -> Option<String> {
        self.secret().map(|s| s.secret_hash(username))
    }

    /// The user-pools client this handle calls through. Calls of this app client made with it yourself
    /// (`sign_up`, `forgot_password`, `initiate_auth`, …) get the secret filled in as described in
    /// [`with_secret`](Self::with_secret); calls of other app clients are left alone.
    pub fn idp(&self) -> &crate::idp::Client {
        &self.idp
    }

    /// The id and secret, when there is a secret.
    pub(crate) fn secret(&self) -> Option<&AppClientSecret> {
        self.idp.app_client_secret()
    }
}

/// An app client id and its secret, as a user-pools client fills them in. `Debug` shows the id, never
/// the secret.
#[derive(Clone, Debug, PartialEq)]
pub struct AppClientSecret {
    client_id: String,
    secret: ClientSecret,
}

impl AppClientSecret {
    /// The app client `client_id` with `secret`.
    pub fn new(client_id: impl Into<String>, secret: impl Into<String>) -> AppClientSecret {
        AppClientSecret {
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

/// A user pool's id (`us-east-1_AbCdEf`), as its own type so that it cannot be passed where a username
/// or a password is expected. SRP hashes its name part (after the `_`); a malformed id is refused when
/// SRP needs it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct UserPoolId(String);

impl UserPoolId {
    /// The user pool `id`.
    pub fn new(id: impl Into<String>) -> UserPoolId {
        UserPoolId(id.into())
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UserPoolId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for UserPoolId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_only_what_is_missing() {
        let app = AppClientSecret::new("client", "shh");
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

    #[cfg(feature = "idp")]
    #[test]
    fn the_handle_carries_its_own_secret() {
        let config = crate::Config::builder().region("eu-west-1").build();
        let idp = crate::idp::Client::new(&config);
        let public = idp.app_client("public-client");
        assert!(!public.has_secret());
        assert_eq!(public.secret_hash("alice"), None);
        let app = idp.app_client("client").with_secret("shh");
        assert_eq!(app.client_id(), "client");
        assert_eq!(
            app.secret_hash("alice").as_deref(),
            Some(crate::auth::secret_hash("alice", "client", "shh").as_str())
        );
        // The secret is the handle's own: a handle for another app client made from it has none.
        let other = app.idp().app_client("other");
        assert!(!other.has_secret());
        let debug = format!("{app:?}");
        assert!(
            debug.contains("client")
                && debug.contains("has_secret: true")
                && !debug.contains("shh"),
            "{debug}"
        );
    }
}
