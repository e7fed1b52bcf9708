//! `SECRET_HASH`: the proof an app client with a client secret adds to its public (non-admin) calls.
//!
//! `SECRET_HASH = Base64(HMAC-SHA256(key = client secret, message = username ‖ client id))`, where the
//! username is the one the call names (for `RespondToAuthChallenge` after SRP: `USER_ID_FOR_SRP`).
//!
//! ```
//! use cognito::auth::secret_hash::{secret_hash, ClientSecret};
//!
//! let secret = ClientSecret::new("secret-key-value");
//! assert_eq!(format!("{secret:?}"), "ClientSecret(<redacted>)");
//! assert_eq!(
//!     secret.secret_hash("alice", "1example23456789"),
//!     secret_hash("alice", "1example23456789", secret.expose()),
//! );
//! ```

use std::fmt;

use ctutils::CtEq;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use zeroize::Zeroize;

/// Computes Cognito's `SECRET_HASH`: Base64 (standard alphabet, padded) of
/// HMAC-SHA256 keyed with `client_secret` over `username ‖ client_id` (UTF-8).
pub fn secret_hash(username: &str, client_id: &str, client_secret: &str) -> String {
    let mac = hmac_sha256(
        client_secret.as_bytes(),
        &[username.as_bytes(), client_id.as_bytes()],
    );
    base64_simd::STANDARD.encode_to_string(mac)
}

/// HMAC-SHA256 of the concatenation of `parts`, keyed with `key`.
pub(crate) fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC takes keys of any length (long ones are hashed first): `new_from_slice` cannot fail.
    let mut mac = match <Hmac<Sha256> as KeyInit>::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC accepts keys of every length"),
    };
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// An app client's secret: a `String` that does not show in `Debug` output, and is wiped from memory
/// when dropped (copies handed out by [`expose`](Self::expose) are the caller's).
///
/// Equality is checked in constant time (for secrets of equal length).
#[derive(Clone)]
pub struct ClientSecret(String);

impl Drop for ClientSecret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl ClientSecret {
    /// Wraps a client secret, as shown by `DescribeUserPoolClient` (`ClientSecret`).
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret itself, for code that must send or store it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// [`secret_hash`] of `username` and `client_id` with this secret.
    pub fn secret_hash(&self, username: &str, client_id: &str) -> String {
        secret_hash(username, client_id, &self.0)
    }
}

impl fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClientSecret(<redacted>)")
    }
}

impl PartialEq for ClientSecret {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_bytes().ct_eq(other.0.as_bytes()).to_bool()
    }
}

impl Eq for ClientSecret {}

impl From<String> for ClientSecret {
    fn from(secret: String) -> Self {
        Self(secret)
    }
}

impl From<&str> for ClientSecret {
    fn from(secret: &str) -> Self {
        Self(secret.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values computed independently with Python:
    // base64.b64encode(hmac.new(secret.encode(), (username + client_id).encode(), hashlib.sha256).digest())
    #[test]
    fn known_values() {
        assert_eq!(
            secret_hash("alice", "1example23456789", "secret-key-value"),
            "xzhUFeKatNCgi9KdnXc1wJaUwNejgt3MDFuHy1NKKYI="
        );
        assert_eq!(
            secret_hash(
                "user@example.com",
                "3n4b5urk1ft4fl3mg5e62d9ado",
                "1k4sd0k6ml6k1c6ofiddlmpqgkmc6b5fmq8ci2h0n9nt5g3i54ak"
            ),
            "7aP+ikv3RB2jsrsxXv8sbf5/kFJCoWyF/CSrtg80NvM="
        );
    }

    #[test]
    fn message_is_username_then_client_id() {
        // Swapping the two changes the message and so the hash.
        assert_ne!(
            secret_hash("1example23456789", "alice", "secret-key-value"),
            secret_hash("alice", "1example23456789", "secret-key-value")
        );
        // Only the concatenation counts.
        assert_eq!(
            secret_hash("ali", "ce1example23456789", "secret-key-value"),
            "xzhUFeKatNCgi9KdnXc1wJaUwNejgt3MDFuHy1NKKYI="
        );
    }

    #[test]
    fn long_keys_are_accepted() {
        let long = "k".repeat(200);
        assert_eq!(secret_hash("u", "c", &long).len(), 44);
    }

    #[test]
    fn client_secret_is_redacted_and_compares() {
        let secret = ClientSecret::new("hunter2");
        let debug = format!("{secret:?}");
        assert!(!debug.contains("hunter2"), "{debug}");
        assert_eq!(secret.expose(), "hunter2");
        assert_eq!(secret.clone(), ClientSecret::from("hunter2"));
        assert_ne!(secret, ClientSecret::from(String::from("hunter3")));
        assert_ne!(secret, ClientSecret::new("hunter22"));
        assert_eq!(
            secret.secret_hash("alice", "client"),
            secret_hash("alice", "client", "hunter2")
        );
    }
}
