//! The client side of Cognito's SRP-6a: `USER_SRP_AUTH` / `PASSWORD_VERIFIER`, `DEVICE_SRP_AUTH` /
//! `DEVICE_PASSWORD_VERIFIER`, and the device verifier `ConfirmDevice` needs (feature `srp`).
//!
//! Cognito's variant: the 3072-bit group of RFC 5054 with g = 2, SHA-256, numbers hashed as "padded
//! hex" (even length, a leading `00` when the first hex digit is 8 or more), k = H(pad N ‖ pad g),
//! u = H(pad A ‖ pad B), x = H(pad salt ‖ H(poolName ‖ userIdForSrp ‖ ":" ‖ password)),
//! S = (B − k·g^x)^(a + u·x) mod N, key = the first 16 bytes of HKDF-SHA256(salt = pad u, input = pad S,
//! info = `Caldera Derived Key`), and the claim signature
//! Base64(HMAC-SHA256(key, poolName ‖ userIdForSrp ‖ secretBlock ‖ timestamp)). Device SRP is the same
//! with the device group key in place of the pool name and the device key in place of the user. Every
//! value here is checked byte for byte against pycognito and amazon-cognito-identity-js
//! (`tests/srp_vectors.rs`).
//!
//! A user sign-in:
//!
//! ```
//! use std::time::SystemTime;
//! use cognito::auth::srp::{PasswordVerifierChallenge, SrpClient};
//!
//! # fn demo() -> Result<(), cognito::auth::srp::SrpError> {
//! let srp = SrpClient::new("us-east-1_AbCdEf123")?;
//! // InitiateAuth(AuthFlow = USER_SRP_AUTH, AuthParameters = srp.auth_parameters("alice")
//! //              (+ SECRET_HASH if the app client has a secret)) answers PASSWORD_VERIFIER:
//! # let challenge_parameters: std::collections::HashMap<String, String> = [
//! #     ("USER_ID_FOR_SRP", "alice"), ("SALT", "40174fd2"), ("SRP_B", "6892ab"), ("SECRET_BLOCK", "c2VjcmV0"),
//! # ].into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
//! let challenge = PasswordVerifierChallenge::from_parameters(&challenge_parameters)?;
//! let response = srp.password_verifier(&challenge, "Correct-Horse-1", SystemTime::now())?;
//! let challenge_responses = response.into_challenge_responses();
//! // RespondToAuthChallenge(ChallengeName = PASSWORD_VERIFIER, ChallengeResponses = challenge_responses
//! //                        (+ SECRET_HASH of USER_ID_FOR_SRP, + DEVICE_KEY of a remembered device))
//! # assert_eq!(challenge_responses["USERNAME"], "alice");
//! # Ok(()) }
//! # demo().unwrap();
//! ```
//!
//! One client answers one challenge: its private value `a` is spent by the first key it computes
//! ([`SrpClient::password_verifier`], [`SrpClient::password_authentication_key`]), and a second
//! use fails with [`SrpError::EphemeralUsed`]; clients are not `Clone`. A fresh `a` (and `SRP_A`) is
//! only possible with a new `InitiateAuth`, so a second `PASSWORD_VERIFIER` in one sign-in is an
//! error, never answered with the same `a`. The server's `SRP_B` and `SALT` are bounded
//! ([`MAX_SRP_B_HEX_DIGITS`], [`MAX_SALT_HEX_DIGITS`]).
//!
//! As in the reference SDKs (pycognito, amazon-cognito-identity-js), the big-number arithmetic
//! (num-bigint) is not constant-time: its exponents are the private value `a` and x, the salted hash of
//! the password. Secrets never appear in `Debug` output, and secrets compared with each other
//! ([`DevicePassword`]) are compared in constant time.
//!
//! Secrets are wiped from memory when dropped: the random bytes of `a`, the limbs of `a`, x, g^x and S
//! (best effort: num-bigint's own temporaries inside `modpow` and friends are out of reach), their
//! byte forms and hashes, the session key ([`PasswordAuthenticationKey`]) and device passwords
//! ([`DevicePassword`]). The password strings a caller passes in stay the caller's to wipe, and the
//! HMAC and SHA-256 states (`hmac`, `sha2` without their `zeroize` feature) are not wiped.

mod math;
mod timestamp;

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, MutexGuard};
use std::time::SystemTime;

use base64_simd::STANDARD;
use ctutils::CtEq;
use num_bigint::BigUint;
use zeroize::{Zeroize, Zeroizing};

use math::SecretUint;

use crate::auth::secret_hash::hmac_sha256;
pub use timestamp::cognito_timestamp;

/// Why an SRP step failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum SrpError {
    /// The user pool id is not `<region>_<pool name>` with an alphanumeric pool name.
    InvalidPoolId(String),
    /// A value that must be hexadecimal (`SALT`, `SRP_B`, a private key) is not.
    InvalidHex {
        /// The parameter at fault.
        field: &'static str,
    },
    /// A value that must be base64 (`SECRET_BLOCK`) is not.
    InvalidBase64 {
        /// The parameter at fault.
        field: &'static str,
    },
    /// A challenge parameter the step needs is absent.
    MissingParameter(&'static str),
    /// The server's `SRP_B` is 0 modulo N: a malicious B that would fix the session key. Aborted.
    ServerValueZero,
    /// u = H(pad A ‖ pad B) is 0, which would take the password out of the key. Aborted.
    ScramblerZero,
    /// The private value `a` is 0, or A = g^a is 0 modulo N.
    InvalidPrivateKey,
    /// A hexadecimal value from the server (`SRP_B`, `SALT`) is longer than the protocol allows.
    ValueTooLong {
        /// The parameter at fault.
        field: &'static str,
        /// The most hex digits it may have.
        max_hex_digits: usize,
    },
    /// This client's private value `a` has already answered a challenge (or computed a key): one
    /// `a` never meets two server values. Start a new sign-in for a new `a`.
    EphemeralUsed,
    /// The operating system's random number generator failed.
    Random(getrandom::Error),
}

impl fmt::Display for SrpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SrpError::InvalidPoolId(id) => write!(
                f,
                "invalid user pool id `{id}`: expected `<region>_<name>`, e.g. `us-east-1_AbCdEf123`"
            ),
            SrpError::InvalidHex { field } => write!(f, "`{field}` is not a hexadecimal number"),
            SrpError::InvalidBase64 { field } => write!(f, "`{field}` is not valid base64"),
            SrpError::MissingParameter(name) => {
                write!(f, "challenge parameter `{name}` is missing")
            }
            SrpError::ServerValueZero => {
                f.write_str("the server's SRP_B is 0 modulo N; refusing to authenticate")
            }
            SrpError::ScramblerZero => f.write_str(
                "the SRP scrambling parameter u = H(A, B) is 0; refusing to authenticate",
            ),
            SrpError::InvalidPrivateKey => {
                f.write_str("the SRP private value is 0 or yields A = 0 modulo N")
            }
            SrpError::ValueTooLong {
                field,
                max_hex_digits,
            } => write!(f, "`{field}` has more than {max_hex_digits} hex digits"),
            SrpError::EphemeralUsed => f.write_str(
                "this SRP client's private value has already answered a challenge; start a new \
                 sign-in",
            ),
            SrpError::Random(e) => write!(
                f,
                "the operating system's random number generator failed: {e}"
            ),
        }
    }
}

impl std::error::Error for SrpError {}

/// Base64 as Cognito's `SECRET_BLOCK` uses it: standard alphabet; padding accepted but not required.
fn decode_secret_block_base64(text: &str) -> Result<Vec<u8>, base64_simd::Error> {
    crate::primitives::decode_base64_padding_indifferent(
        &base64_simd::STANDARD_NO_PAD,
        text.as_bytes(),
    )
}

/// The most hex digits `SRP_B` may have: B < N, 3072 bits (768 digits), plus one byte of padding.
pub const MAX_SRP_B_HEX_DIGITS: usize = 770;

/// The most hex digits `SALT` may have (512 bytes; Cognito's salts are 16).
pub const MAX_SALT_HEX_DIGITS: usize = 1024;

/// The client's ephemeral key pair: `a` (secret, wiped when dropped; `None` once spent) and
/// A = g^a mod N.
struct Ephemeral {
    /// Taken out by the one key computation it may serve (behind a lock so that clients stay
    /// `Sync` and their methods keep `&self`).
    a: Mutex<Option<SecretUint>>,
    big_a: BigUint,
}

impl Ephemeral {
    /// 128 random bytes from the OS, as amazon-cognito-identity-js draws them (a < 2^1024 < N).
    fn random() -> Result<Self, SrpError> {
        // A zero `a` (or A ≡ 0) has probability ~2^-1024; draw again rather than fail.
        for _ in 0..8 {
            let mut bytes = Zeroizing::new([0u8; 128]);
            getrandom::fill(&mut *bytes).map_err(SrpError::Random)?;
            if let Ok(ephemeral) = Self::from_private(BigUint::from_bytes_be(&*bytes)) {
                return Ok(ephemeral);
            }
        }
        Err(SrpError::InvalidPrivateKey)
    }

    fn from_private(a: BigUint) -> Result<Self, SrpError> {
        let a = SecretUint::new(a);
        if *a == BigUint::ZERO {
            return Err(SrpError::InvalidPrivateKey);
        }
        let big_a = math::public_value(&a);
        if &big_a % &math::GROUP.n == BigUint::ZERO {
            return Err(SrpError::InvalidPrivateKey);
        }
        Ok(Self {
            a: Mutex::new(Some(a)),
            big_a,
        })
    }

    /// The lock on `a` (a panic elsewhere cannot leave it in a state worse than spent or not).
    fn private(&self) -> MutexGuard<'_, Option<SecretUint>> {
        self.a
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn from_hex(a_hex: &str) -> Result<Self, SrpError> {
        Self::from_private(math::parse_hex(a_hex, "a")?)
    }

    fn srp_a(&self) -> String {
        self.big_a.to_str_radix(16)
    }

    /// The session key for the server's `SALT` and `SRP_B`; spends `a` once they are checked.
    fn key(
        &self,
        realm: &str,
        user: &str,
        password: &str,
        salt_hex: &str,
        srp_b_hex: &str,
    ) -> Result<PasswordAuthenticationKey, SrpError> {
        if self.private().is_none() {
            return Err(SrpError::EphemeralUsed);
        }
        let salt = math::parse_hex_bounded(salt_hex, "SALT", MAX_SALT_HEX_DIGITS)?;
        let big_b = math::parse_hex_bounded(srp_b_hex, "SRP_B", MAX_SRP_B_HEX_DIGITS)?;
        if &big_b % &math::GROUP.n == BigUint::ZERO {
            return Err(SrpError::ServerValueZero);
        }
        let a = self.private().take().ok_or(SrpError::EphemeralUsed)?;
        let u = math::scrambler(&self.big_a, &big_b);
        let x = math::private_x(&salt, realm, user, password);
        let key = math::session_key(&a, &big_b, &u, &x)?;
        Ok(PasswordAuthenticationKey { key, u })
    }
}

/// The session key both sides derive, and the u it was derived with.
///
/// Returned by [`SrpClient::password_authentication_key`] and
/// [`DeviceSrpClient::device_authentication_key`] for callers that sign claims themselves;
/// [`SrpClient::password_verifier`] is the usual way. `Debug` does not show the key, and it is wiped
/// from memory when the value is dropped.
#[derive(Clone)]
pub struct PasswordAuthenticationKey {
    key: [u8; 16],
    u: BigUint,
}

impl Drop for PasswordAuthenticationKey {
    fn drop(&mut self) {
        self.key.zeroize();
    }
}

impl PasswordAuthenticationKey {
    /// The 16-byte HKDF key (secret: it signs password claims).
    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.key
    }

    /// u = H(pad A ‖ pad B) in lowercase hex without leading zeros.
    pub fn u_hex(&self) -> String {
        self.u.to_str_radix(16)
    }

    /// `PASSWORD_CLAIM_SIGNATURE`: Base64(HMAC-SHA256(key, realm ‖ user ‖ secret block ‖ timestamp)),
    /// where realm ‖ user is poolName ‖ userIdForSrp (user SRP) or deviceGroupKey ‖ deviceKey (device
    /// SRP) and `secret_block` the decoded bytes of `SECRET_BLOCK`.
    pub fn claim_signature(
        &self,
        realm: &str,
        user: &str,
        secret_block: &[u8],
        timestamp: &str,
    ) -> String {
        let mac = hmac_sha256(
            &self.key,
            &[
                realm.as_bytes(),
                user.as_bytes(),
                secret_block,
                timestamp.as_bytes(),
            ],
        );
        STANDARD.encode_to_string(mac)
    }
}

impl fmt::Debug for PasswordAuthenticationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordAuthenticationKey")
            .field("key", &"<redacted>")
            .field("u", &self.u_hex())
            .finish()
    }
}

/// The pool name of a user pool id: the part after `_` (`us-east-1_AbCdEf123` → `AbCdEf123`).
fn pool_name(pool_id: &str) -> Result<&str, SrpError> {
    match pool_id.split_once('_') {
        Some((region, name))
            if !region.is_empty()
                && !name.is_empty()
                && name.bytes().all(|b| b.is_ascii_alphanumeric()) =>
        {
            Ok(name)
        }
        _ => Err(SrpError::InvalidPoolId(pool_id.to_owned())),
    }
}

fn decode_secret_block(secret_block: &str) -> Result<Vec<u8>, SrpError> {
    decode_secret_block_base64(secret_block).or_else(|_| {
        // Like pycognito and the JS SDK, skip characters outside the base64 alphabet (emulators send
        // opaque session ids); Cognito itself always sends valid base64.
        let kept: String = secret_block
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '+' || *c == '/')
            .collect();
        decode_secret_block_base64(&kept).map_err(|_| SrpError::InvalidBase64 {
            field: "SECRET_BLOCK",
        })
    })
}

fn required(params: &HashMap<String, String>, name: &'static str) -> Result<String, SrpError> {
    params
        .get(name)
        .cloned()
        .ok_or(SrpError::MissingParameter(name))
}

/// One user sign-in with `USER_SRP_AUTH`: holds the random private value `a` of this attempt.
///
/// Use a new client for every sign-in attempt: `a` answers one challenge (the first call that
/// computes a key spends it; later calls fail with [`SrpError::EphemeralUsed`]), and the client is
/// not `Clone`. `Debug` does not show `a`.
pub struct SrpClient {
    pool_name: String,
    ephemeral: Ephemeral,
}

impl SrpClient {
    /// A client for the user pool `pool_id` (`<region>_<name>`), with a fresh private value `a` of
    /// 128 bytes from the operating system's random number generator.
    pub fn new(pool_id: &str) -> Result<Self, SrpError> {
        let pool_name = pool_name(pool_id)?.to_owned();
        Ok(Self {
            pool_name,
            ephemeral: Ephemeral::random()?,
        })
    }

    /// A client with a given private value `a` (hex), for known-answer tests. Never use a fixed `a`
    /// in production: [`new`](Self::new) draws it at random.
    pub fn with_private_key(pool_id: &str, a_hex: &str) -> Result<Self, SrpError> {
        let pool_name = pool_name(pool_id)?.to_owned();
        Ok(Self {
            pool_name,
            ephemeral: Ephemeral::from_hex(a_hex)?,
        })
    }

    /// The pool name the client hashes (the part of the pool id after `_`).
    pub fn pool_name(&self) -> &str {
        &self.pool_name
    }

    /// `SRP_A`: A = g^a mod N in lowercase hex without leading zeros, the form pycognito and
    /// amazon-cognito-identity-js send (`toString(16)`).
    pub fn srp_a(&self) -> String {
        self.ephemeral.srp_a()
    }

    /// The `AuthParameters` of `InitiateAuth` with `AuthFlow = USER_SRP_AUTH`: `USERNAME` and `SRP_A`.
    /// Add `SECRET_HASH` (app client with a secret) and `DEVICE_KEY` (remembered device) yourself.
    pub fn auth_parameters(&self, username: &str) -> HashMap<String, String> {
        HashMap::from([
            ("USERNAME".to_owned(), username.to_owned()),
            ("SRP_A".to_owned(), self.srp_a()),
        ])
    }

    /// The session key for `user_id_for_srp` and `password`, given the challenge's `SALT` and `SRP_B`
    /// (hex). Fails on invalid or over-long hex, on B ≡ 0 (mod N) and on u = 0. Spends the private
    /// value: a second call, or a [`password_verifier`](Self::password_verifier) after it, fails
    /// with [`SrpError::EphemeralUsed`].
    pub fn password_authentication_key(
        &self,
        user_id_for_srp: &str,
        password: &str,
        salt_hex: &str,
        srp_b_hex: &str,
    ) -> Result<PasswordAuthenticationKey, SrpError> {
        self.ephemeral.key(
            &self.pool_name,
            user_id_for_srp,
            password,
            salt_hex,
            srp_b_hex,
        )
    }

    /// Answers a `PASSWORD_VERIFIER` challenge: proves knowledge of `password` with a claim signed at
    /// `now` (pass `SystemTime::now()`; Cognito rejects clocks that are far off). Spends the private
    /// value: a second call fails with [`SrpError::EphemeralUsed`].
    pub fn password_verifier(
        &self,
        challenge: &PasswordVerifierChallenge,
        password: &str,
        now: SystemTime,
    ) -> Result<PasswordVerifierResponse, SrpError> {
        let secret_block = decode_secret_block(&challenge.secret_block)?;
        let key = self.password_authentication_key(
            &challenge.user_id_for_srp,
            password,
            &challenge.salt,
            &challenge.srp_b,
        )?;
        let timestamp = cognito_timestamp(now);
        let signature = key.claim_signature(
            &self.pool_name,
            &challenge.user_id_for_srp,
            &secret_block,
            &timestamp,
        );
        Ok(PasswordVerifierResponse {
            username: challenge.user_id_for_srp.clone(),
            password_claim_secret_block: challenge.secret_block.clone(),
            password_claim_signature: signature,
            timestamp,
        })
    }
}

impl fmt::Debug for SrpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SrpClient")
            .field("pool_name", &self.pool_name)
            .field("a", &"<redacted>")
            .finish_non_exhaustive()
    }
}

/// The `ChallengeParameters` of a `PASSWORD_VERIFIER` challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordVerifierChallenge {
    /// `USER_ID_FOR_SRP`: the user's internal name (may differ from the name signed in with, e.g. a
    /// UUID for e-mail sign-in); it is hashed and answered as `USERNAME`.
    pub user_id_for_srp: String,
    /// `SALT`: the user's salt, hex.
    pub salt: String,
    /// `SRP_B`: the server's public value B, hex.
    pub srp_b: String,
    /// `SECRET_BLOCK`: an opaque base64 block to sign and echo.
    pub secret_block: String,
}

impl PasswordVerifierChallenge {
    /// Reads `USER_ID_FOR_SRP`, `SALT`, `SRP_B` and `SECRET_BLOCK` from a challenge's parameters.
    pub fn from_parameters(params: &HashMap<String, String>) -> Result<Self, SrpError> {
        Ok(Self {
            user_id_for_srp: required(params, "USER_ID_FOR_SRP")?,
            salt: required(params, "SALT")?,
            srp_b: required(params, "SRP_B")?,
            secret_block: required(params, "SECRET_BLOCK")?,
        })
    }
}

/// The answer to a `PASSWORD_VERIFIER` challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordVerifierResponse {
    /// `USERNAME`: the challenge's `USER_ID_FOR_SRP`.
    pub username: String,
    /// `PASSWORD_CLAIM_SECRET_BLOCK`: the challenge's `SECRET_BLOCK`, unchanged.
    pub password_claim_secret_block: String,
    /// `PASSWORD_CLAIM_SIGNATURE`: the claim's signature, base64.
    pub password_claim_signature: String,
    /// `TIMESTAMP`: when the claim was signed (`EEE MMM d HH:mm:ss UTC yyyy`).
    pub timestamp: String,
}

impl PasswordVerifierResponse {
    /// The `ChallengeResponses` of `RespondToAuthChallenge`: `USERNAME`,
    /// `PASSWORD_CLAIM_SECRET_BLOCK`, `PASSWORD_CLAIM_SIGNATURE` and `TIMESTAMP`. Add `SECRET_HASH`
    /// (of `USERNAME`) for an app client with a secret, and `DEVICE_KEY` for a remembered device.
    pub fn into_challenge_responses(self) -> HashMap<String, String> {
        HashMap::from([
            ("USERNAME".to_owned(), self.username),
            (
                "PASSWORD_CLAIM_SECRET_BLOCK".to_owned(),
                self.password_claim_secret_block,
            ),
            (
                "PASSWORD_CLAIM_SIGNATURE".to_owned(),
                self.password_claim_signature,
            ),
            ("TIMESTAMP".to_owned(), self.timestamp),
        ])
    }
}

/// One device sign-in with `DEVICE_SRP_AUTH`, for a device remembered earlier (see
/// [`new_device_verifier`]): holds the random private value `a` of this attempt.
///
/// After `PASSWORD_VERIFIER` Cognito may answer `DEVICE_SRP_AUTH`; respond with
/// [`device_srp_auth_responses`](Self::device_srp_auth_responses), then answer the
/// `DEVICE_PASSWORD_VERIFIER` challenge with [`password_verifier`](Self::password_verifier) and the
/// device password saved at `ConfirmDevice`. As with [`SrpClient`], `a` answers one challenge and
/// the client is not `Clone`. `Debug` does not show `a`.
pub struct DeviceSrpClient {
    device_group_key: String,
    device_key: String,
    ephemeral: Ephemeral,
}

impl DeviceSrpClient {
    /// A client for the device `device_key` of group `device_group_key` (both from the sign-in's
    /// `NewDeviceMetadata`), with a fresh private value from the operating system.
    pub fn new(device_group_key: &str, device_key: &str) -> Result<Self, SrpError> {
        Ok(Self {
            device_group_key: device_group_key.to_owned(),
            device_key: device_key.to_owned(),
            ephemeral: Ephemeral::random()?,
        })
    }

    /// A client with a given private value `a` (hex), for known-answer tests only.
    pub fn with_private_key(
        device_group_key: &str,
        device_key: &str,
        a_hex: &str,
    ) -> Result<Self, SrpError> {
        Ok(Self {
            device_group_key: device_group_key.to_owned(),
            device_key: device_key.to_owned(),
            ephemeral: Ephemeral::from_hex(a_hex)?,
        })
    }

    /// The device group key.
    pub fn device_group_key(&self) -> &str {
        &self.device_group_key
    }

    /// The device key.
    pub fn device_key(&self) -> &str {
        &self.device_key
    }

    /// `SRP_A` in lowercase hex without leading zeros.
    pub fn srp_a(&self) -> String {
        self.ephemeral.srp_a()
    }

    /// The `ChallengeResponses` of `RespondToAuthChallenge(DEVICE_SRP_AUTH)`: `USERNAME`, `DEVICE_KEY`
    /// and `SRP_A`. Add `SECRET_HASH` for an app client with a secret.
    pub fn device_srp_auth_responses(&self, username: &str) -> HashMap<String, String> {
        HashMap::from([
            ("USERNAME".to_owned(), username.to_owned()),
            ("DEVICE_KEY".to_owned(), self.device_key.clone()),
            ("SRP_A".to_owned(), self.srp_a()),
        ])
    }

    /// The session key for `device_password`, given the challenge's `SALT` and `SRP_B` (hex):
    /// x = H(pad salt ‖ H(deviceGroupKey ‖ deviceKey ‖ ":" ‖ devicePassword)). Spends the private
    /// value, as [`SrpClient::password_authentication_key`] does.
    pub fn device_authentication_key(
        &self,
        device_password: &str,
        salt_hex: &str,
        srp_b_hex: &str,
    ) -> Result<PasswordAuthenticationKey, SrpError> {
        self.ephemeral.key(
            &self.device_group_key,
            &self.device_key,
            device_password,
            salt_hex,
            srp_b_hex,
        )
    }

    /// Answers a `DEVICE_PASSWORD_VERIFIER` challenge with a claim signed at `now`; the signature is
    /// HMAC-SHA256(key, deviceGroupKey ‖ deviceKey ‖ secretBlock ‖ timestamp). Spends the private
    /// value: a second call fails with [`SrpError::EphemeralUsed`].
    pub fn password_verifier(
        &self,
        challenge: &DevicePasswordVerifierChallenge,
        device_password: &str,
        now: SystemTime,
    ) -> Result<DevicePasswordVerifierResponse, SrpError> {
        let secret_block = decode_secret_block(&challenge.secret_block)?;
        let key =
            self.device_authentication_key(device_password, &challenge.salt, &challenge.srp_b)?;
        let timestamp = cognito_timestamp(now);
        let signature = key.claim_signature(
            &self.device_group_key,
            &self.device_key,
            &secret_block,
            &timestamp,
        );
        Ok(DevicePasswordVerifierResponse {
            username: challenge.username.clone(),
            device_key: self.device_key.clone(),
            password_claim_secret_block: challenge.secret_block.clone(),
            password_claim_signature: signature,
            timestamp,
        })
    }
}

impl fmt::Debug for DeviceSrpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceSrpClient")
            .field("device_group_key", &self.device_group_key)
            .field("device_key", &self.device_key)
            .field("a", &"<redacted>")
            .finish_non_exhaustive()
    }
}

/// The `ChallengeParameters` of a `DEVICE_PASSWORD_VERIFIER` challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DevicePasswordVerifierChallenge {
    /// `USERNAME`: the user's internal name, answered unchanged.
    pub username: String,
    /// `SALT`: the device's salt, hex.
    pub salt: String,
    /// `SRP_B`: the server's public value B, hex.
    pub srp_b: String,
    /// `SECRET_BLOCK`: an opaque base64 block to sign and echo.
    pub secret_block: String,
}

impl DevicePasswordVerifierChallenge {
    /// Reads `USERNAME`, `SALT`, `SRP_B` and `SECRET_BLOCK` from a challenge's parameters.
    pub fn from_parameters(params: &HashMap<String, String>) -> Result<Self, SrpError> {
        Ok(Self {
            username: required(params, "USERNAME")?,
            salt: required(params, "SALT")?,
            srp_b: required(params, "SRP_B")?,
            secret_block: required(params, "SECRET_BLOCK")?,
        })
    }
}

/// The answer to a `DEVICE_PASSWORD_VERIFIER` challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DevicePasswordVerifierResponse {
    /// `USERNAME`: the challenge's `USERNAME`.
    pub username: String,
    /// `DEVICE_KEY`: the device key.
    pub device_key: String,
    /// `PASSWORD_CLAIM_SECRET_BLOCK`: the challenge's `SECRET_BLOCK`, unchanged.
    pub password_claim_secret_block: String,
    /// `PASSWORD_CLAIM_SIGNATURE`: the claim's signature, base64.
    pub password_claim_signature: String,
    /// `TIMESTAMP`: when the claim was signed (`EEE MMM d HH:mm:ss UTC yyyy`).
    pub timestamp: String,
}

impl DevicePasswordVerifierResponse {
    /// The `ChallengeResponses` of `RespondToAuthChallenge(DEVICE_PASSWORD_VERIFIER)`: `USERNAME`,
    /// `DEVICE_KEY`, `PASSWORD_CLAIM_SECRET_BLOCK`, `PASSWORD_CLAIM_SIGNATURE` and `TIMESTAMP`. Add
    /// `SECRET_HASH` for an app client with a secret.
    pub fn into_challenge_responses(self) -> HashMap<String, String> {
        HashMap::from([
            ("USERNAME".to_owned(), self.username),
            ("DEVICE_KEY".to_owned(), self.device_key),
            (
                "PASSWORD_CLAIM_SECRET_BLOCK".to_owned(),
                self.password_claim_secret_block,
            ),
            (
                "PASSWORD_CLAIM_SIGNATURE".to_owned(),
                self.password_claim_signature,
            ),
            ("TIMESTAMP".to_owned(), self.timestamp),
        ])
    }
}

/// A device's random password: the secret `DEVICE_SRP_AUTH` proves knowledge of. `Debug` does not
/// show it; equality is checked in constant time; it is wiped from memory when dropped.
#[derive(Clone)]
pub struct DevicePassword(String);

impl Drop for DevicePassword {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl DevicePassword {
    /// Wraps a device password saved earlier.
    pub fn new(password: impl Into<String>) -> Self {
        Self(password.into())
    }

    /// The password itself, to store it (securely) and to pass to
    /// [`DeviceSrpClient::password_verifier`].
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for DevicePassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DevicePassword(<redacted>)")
    }
}

impl PartialEq for DevicePassword {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_bytes().ct_eq(other.0.as_bytes()).to_bool()
    }
}

impl Eq for DevicePassword {}

/// What a client generates to remember a device: the `DeviceSecretVerifierConfig` of `ConfirmDevice`
/// and the device password to keep for later `DEVICE_SRP_AUTH` sign-ins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceVerifier {
    /// The device password: base64 of 40 random bytes. Keep it with the device key and group key.
    pub device_password: DevicePassword,
    /// `Salt`: base64 of the padded-hex bytes of the salt.
    pub salt_b64: String,
    /// `PasswordVerifier`: base64 of the padded-hex bytes of g^x mod N.
    pub verifier_b64: String,
}

/// Generates a device password, salt and verifier for `ConfirmDevice` from OS randomness (40 bytes of
/// password, 16 of salt), exactly as amazon-cognito-identity-js's `generateHashDevice` does.
pub fn new_device_verifier(
    device_group_key: &str,
    device_key: &str,
) -> Result<DeviceVerifier, SrpError> {
    let mut password_random = Zeroizing::new([0u8; 40]);
    let mut salt_random = [0u8; 16];
    getrandom::fill(&mut *password_random).map_err(SrpError::Random)?;
    getrandom::fill(&mut salt_random).map_err(SrpError::Random)?;
    Ok(DeviceVerifier::with_random_values(
        device_group_key,
        device_key,
        &password_random,
        &salt_random,
    ))
}

impl DeviceVerifier {
    /// The verifier for given random bytes, for known-answer tests:
    /// password = Base64(`password_random`), salt = the integer of `salt_random` (leading zero bytes
    /// drop out, as in the JS SDK), x = H(pad salt ‖ H(deviceGroupKey ‖ deviceKey ‖ ":" ‖ password)),
    /// verifier = g^x mod N; salt and verifier are sent as base64 of their padded-hex bytes.
    pub fn with_random_values(
        device_group_key: &str,
        device_key: &str,
        password_random: &[u8; 40],
        salt_random: &[u8; 16],
    ) -> Self {
        let password = STANDARD.encode_to_string(password_random);
        let salt = BigUint::from_bytes_be(salt_random);
        let x = math::private_x(&salt, device_group_key, device_key, &password);
        let verifier = math::public_value(&x);
        Self {
            device_password: DevicePassword(password),
            salt_b64: STANDARD.encode_to_string(math::pad(&salt)),
            verifier_b64: STANDARD.encode_to_string(math::pad(&verifier)),
        }
    }

    /// The `DeviceSecretVerifierConfig` of `ConfirmDevice`.
    #[cfg(feature = "idp")]
    pub fn secret_verifier_config(&self) -> crate::idp::types::DeviceSecretVerifierConfigType {
        crate::idp::types::DeviceSecretVerifierConfigType {
            password_verifier: Some(self.verifier_b64.clone()),
            salt: Some(self.salt_b64.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    const POOL: &str = "us-east-1_AbCdEf123";
    // A private value with the high bit set, so A and its padding are exercised too.
    const A_HEX: &str = "f00dfeedcafebabe0123456789abcdef";

    fn n_hex() -> String {
        math::GROUP.n.to_str_radix(16)
    }

    fn challenge(b: &str) -> PasswordVerifierChallenge {
        PasswordVerifierChallenge {
            user_id_for_srp: "alice".into(),
            salt: "0a1b2c3d".into(),
            srp_b: b.into(),
            secret_block: "c2VjcmV0LWJsb2Nr".into(),
        }
    }

    fn client() -> SrpClient {
        match SrpClient::with_private_key(POOL, A_HEX) {
            Ok(c) => c,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn rejects_b_zero_mod_n() {
        let n = n_hex();
        let two_n = (&math::GROUP.n * 2u32).to_str_radix(16);
        for b in ["0", "000", n.as_str(), two_n.as_str(), &n.to_uppercase()] {
            let err = client().password_verifier(&challenge(b), "pw", SystemTime::now());
            assert!(
                matches!(err, Err(SrpError::ServerValueZero)),
                "{b}: {err:?}"
            );
        }
        let dev = DeviceSrpClient::with_private_key("-grp", "dev", A_HEX).unwrap();
        let err = dev.device_authentication_key("pw", "01", &n);
        assert!(matches!(err, Err(SrpError::ServerValueZero)), "{err:?}");
        // B = N + 1 is fine.
        let n_plus_1 = (&math::GROUP.n + 1u32).to_str_radix(16);
        assert!(client()
            .password_verifier(&challenge(&n_plus_1), "pw", SystemTime::now())
            .is_ok());
    }

    #[test]
    fn rejects_u_zero() {
        // u = H(pad A ‖ pad B) is 0 only for a SHA-256 preimage of zero, so test the check itself.
        let a = BigUint::from(5u32);
        let x = BigUint::from(7u32);
        let b = BigUint::from(11u32);
        let err = math::session_key(&a, &b, &BigUint::ZERO, &x);
        assert!(matches!(err, Err(SrpError::ScramblerZero)), "{err:?}");
        assert!(math::session_key(&a, &b, &BigUint::from(1u32), &x).is_ok());
        // B ≡ 0 is checked first.
        let err = math::session_key(&a, &math::GROUP.n, &BigUint::ZERO, &x);
        assert!(matches!(err, Err(SrpError::ServerValueZero)), "{err:?}");
    }

    #[test]
    fn bad_hex_and_base64_are_errors() {
        for (b, salt, field) in [
            ("xyz", "01", "SRP_B"),
            ("", "01", "SRP_B"),
            ("0x12", "01", "SRP_B"),
            ("12", "zz", "SALT"),
            ("12", "", "SALT"),
            ("12", "-1", "SALT"),
        ] {
            let mut c = challenge(b);
            c.salt = salt.into();
            let err = client().password_verifier(&c, "pw", SystemTime::now());
            match err {
                Err(SrpError::InvalidHex { field: f }) => assert_eq!(f, field),
                other => panic!("{b}/{salt}: {other:?}"),
            }
        }
        let mut c = challenge("12");
        c.secret_block = "not base64!".into();
        let err = client().password_verifier(&c, "pw", SystemTime::now());
        assert!(
            matches!(
                err,
                Err(SrpError::InvalidBase64 {
                    field: "SECRET_BLOCK"
                })
            ),
            "{err:?}"
        );
        // Missing padding is accepted, as by the JS SDK.
        c.secret_block = "c2VjcmV0LWJsb2Nraw".into();
        assert!(client()
            .password_verifier(&c, "pw", SystemTime::now())
            .is_ok());
        for a in ["", "g", "12 ", "-5"] {
            let err = SrpClient::with_private_key(POOL, a);
            assert!(
                matches!(err, Err(SrpError::InvalidHex { field: "a" })),
                "{a:?}"
            );
        }
        let err = SrpClient::with_private_key(POOL, "000");
        assert!(matches!(err, Err(SrpError::InvalidPrivateKey)), "{err:?}");
    }

    #[test]
    fn server_values_have_a_size_limit_and_a_is_spent_once() {
        let b = "1".repeat(MAX_SRP_B_HEX_DIGITS);
        let salt = "0".repeat(MAX_SALT_HEX_DIGITS - 2) + "0a";
        assert!(client()
            .password_authentication_key("alice", "pw", &salt, &b)
            .is_ok());
        for (salt, b, field) in [
            (
                "0a".to_owned(),
                "1".repeat(MAX_SRP_B_HEX_DIGITS + 1),
                "SRP_B",
            ),
            ("0".repeat(MAX_SALT_HEX_DIGITS + 1), "12".to_owned(), "SALT"),
        ] {
            let err = client().password_authentication_key("alice", "pw", &salt, &b);
            assert!(
                matches!(err, Err(SrpError::ValueTooLong { field: f, .. }) if f == field),
                "{err:?}"
            );
            let dev = DeviceSrpClient::with_private_key("-grp", "dev", A_HEX).unwrap();
            let err = dev.device_authentication_key("pw", &salt, &b);
            assert!(
                matches!(err, Err(SrpError::ValueTooLong { field: f, .. }) if f == field),
                "{err:?}"
            );
            // A refused challenge does not spend `a`.
            assert!(dev.device_authentication_key("pw", "0a", "12").is_ok());
        }
        let c = client();
        c.password_verifier(&challenge("1234"), "pw", SystemTime::now())
            .unwrap();
        for _ in 0..2 {
            let err = c.password_verifier(&challenge("5678"), "pw", SystemTime::now());
            assert!(matches!(err, Err(SrpError::EphemeralUsed)), "{err:?}");
        }
        let err = c.password_authentication_key("alice", "pw", "01", "1234");
        assert!(matches!(err, Err(SrpError::EphemeralUsed)), "{err:?}");
        assert_eq!(c.srp_a(), client().srp_a());
    }

    #[test]
    fn pool_ids() {
        assert_eq!(client().pool_name(), "AbCdEf123");
        for bad in [
            "",
            "nounderscore",
            "_AbC",
            "us-east-1_",
            "us-east-1_a_b",
            "us-east-1_a-b",
        ] {
            assert!(
                matches!(SrpClient::new(bad), Err(SrpError::InvalidPoolId(ref id)) if id == bad),
                "{bad}"
            );
        }
    }

    #[test]
    fn missing_parameters() {
        let mut params: HashMap<String, String> = [
            ("USER_ID_FOR_SRP", "alice"),
            ("SALT", "01"),
            ("SRP_B", "02"),
            ("SECRET_BLOCK", "AA=="),
            ("USERNAME", "alice"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let c = PasswordVerifierChallenge::from_parameters(&params).unwrap();
        assert_eq!(c.user_id_for_srp, "alice");
        assert_eq!(c.srp_b, "02");
        let d = DevicePasswordVerifierChallenge::from_parameters(&params).unwrap();
        assert_eq!(d.username, "alice");
        params.remove("SRP_B");
        assert!(matches!(
            PasswordVerifierChallenge::from_parameters(&params),
            Err(SrpError::MissingParameter("SRP_B"))
        ));
        params.remove("USERNAME");
        assert!(matches!(
            DevicePasswordVerifierChallenge::from_parameters(&params),
            Err(SrpError::MissingParameter("USERNAME"))
        ));
    }

    #[test]
    fn random_clients_differ_and_a_is_well_formed() {
        let one = SrpClient::new(POOL).unwrap();
        let two = SrpClient::new(POOL).unwrap();
        assert_ne!(one.srp_a(), two.srp_a());
        let a = one.srp_a();
        assert!(a.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')));
        assert!(!a.starts_with('0'));
        assert!(a.len() <= 768);
        let params = one.auth_parameters("alice");
        assert_eq!(params["SRP_A"], a);
        assert_eq!(params["USERNAME"], "alice");
        let dev = DeviceSrpClient::new("-grp", "us-east-1_dev").unwrap();
        let params = dev.device_srp_auth_responses("alice");
        assert_eq!(params["DEVICE_KEY"], "us-east-1_dev");
        assert_eq!(params["SRP_A"], dev.srp_a());
    }

    #[test]
    fn response_map_and_timestamp() {
        let now = UNIX_EPOCH + Duration::from_secs(1709164800);
        let r = client()
            .password_verifier(&challenge("1234"), "pw", now)
            .unwrap();
        assert_eq!(r.timestamp, "Thu Feb 29 00:00:00 UTC 2024");
        let map = r.clone().into_challenge_responses();
        assert_eq!(map.len(), 4);
        assert_eq!(map["USERNAME"], "alice");
        assert_eq!(map["PASSWORD_CLAIM_SECRET_BLOCK"], "c2VjcmV0LWJsb2Nr");
        assert_eq!(map["PASSWORD_CLAIM_SIGNATURE"], r.password_claim_signature);
        assert_eq!(map["TIMESTAMP"], r.timestamp);
        // Same inputs, same answer; another password, another signature.
        let again = client()
            .password_verifier(&challenge("1234"), "pw", now)
            .unwrap();
        assert_eq!(again, r);
        let other = client()
            .password_verifier(&challenge("1234"), "pw2", now)
            .unwrap();
        assert_ne!(other.password_claim_signature, r.password_claim_signature);
    }

    #[test]
    fn secrets_stay_out_of_debug() {
        let c = client();
        let debug = format!("{c:?}");
        assert!(!debug.contains(A_HEX), "{debug}");
        let key = c
            .password_authentication_key("alice", "pw", "01", "1234")
            .unwrap();
        let debug = format!("{key:?}");
        assert!(!debug.contains(&math::to_hex(key.as_bytes())), "{debug}");
        let dev = DeviceSrpClient::with_private_key("-grp", "dev", A_HEX).unwrap();
        assert!(!format!("{dev:?}").contains(A_HEX));
        let v = DeviceVerifier::with_random_values("-grp", "dev", &[7; 40], &[9; 16]);
        let debug = format!("{v:?}");
        assert!(!debug.contains(v.device_password.expose()), "{debug}");
        assert!(debug.contains(&v.salt_b64));
    }

    #[test]
    fn device_verifier_shapes() {
        let v = DeviceVerifier::with_random_values("-grp", "dev", &[0xff; 40], &[0; 16]);
        assert_eq!(v.device_password.expose().len(), 56);
        // An all-zero salt is the integer 0, padded to one zero byte.
        assert_eq!(v.salt_b64, "AA==");
        let high = DeviceVerifier::with_random_values("-grp", "dev", &[0xff; 40], &[0x80; 16]);
        assert_eq!(
            high.salt_b64,
            STANDARD.encode_to_string([&[0u8][..], &[0x80; 16]].concat())
        );
        let fresh = new_device_verifier("-grp", "dev").unwrap();
        let again = new_device_verifier("-grp", "dev").unwrap();
        assert_ne!(fresh.device_password, again.device_password);
        assert_eq!(fresh.device_password, fresh.clone().device_password);
    }
}
