//! Verification of the JWTs Cognito user pools issue (feature `jwt`).
//!
//! Cognito signs ID and access tokens with RS256 under keys published at
//! `https://cognito-idp.{region}.amazonaws.com/{userPoolId}/.well-known/jwks.json`. A
//! [`JwtVerifier`] holds one or several [`UserPool`]s, each with its allowed app clients, the
//! [`TokenUse`] it accepts and optional group and scope requirements, and checks a token as
//! aws-jwt-verify does:
//!
//! * the token is three parts of canonical base64url (no padding, unused bits zero), the header
//!   and payload JSON objects without duplicate member names (`{"alg":"none","alg":"RS256"}` is
//!   refused, not read either way);
//! * the header's `alg` is `RS256` (`none`, `HS256` and every other algorithm are refused);
//! * `iss` is one of the pools' issuers (`https://cognito-idp.{region}.amazonaws.com/{userPoolId}`);
//! * the signature verifies under the key `kid` of that pool's JWKS: an RSA key of 2048 to 8192
//!   bits with an odd exponent from 3 to 2^32 − 1, not marked for another `use` or `alg`, and the
//!   only such key with that `kid`;
//! * `exp` is in the future, `nbf` and `iat` are not, give or take a leeway
//!   ([`DEFAULT_LEEWAY`]: 5 s);
//! * `token_use` is `id` or `access` as the pool wants;
//! * the app client is allowed: `client_id` for access tokens, `aud` for ID tokens;
//! * `cognito:groups` has at least one of the required groups, and `scope` has the required
//!   scopes ([`UserPool::require_any_scope`] or [`UserPool::require_all_scopes`]).
//!
//! Each failed check has its own [`JwtError`] variant. The verified claims come back as
//! [`Claims`].
//!
//! ```no_run
//! use cognito::jwt::{JwtError, JwtVerifier, TokenUse, UserPool};
//!
//! # async fn demo(token: &str) -> Result<(), Box<dyn std::error::Error>> {
//! let verifier = JwtVerifier::builder()
//!     .pool(
//!         UserPool::new("us-east-1", "us-east-1_Example")
//!             .client_id("1example23456789")
//!             .token_use(TokenUse::Access)
//!             .require_any_group(["admins"]),
//!     )
//!     .build()?;
//! match verifier.verify(token).await {
//!     Ok(claims) => println!("hello {}", claims.username().unwrap_or(&claims.sub)),
//!     Err(JwtError::Expired { .. }) => println!("please sign in again"),
//!     Err(other) => println!("rejected: {other}"),
//! }
//! # Ok(()) }
//! ```
//!
//! # Keys
//!
//! A pool's JWKS is fetched on first use, or ahead of time by [`JwtVerifier::hydrate`]; after
//! that, [`JwtVerifier::verify_sync`] verifies without any I/O. When a token names a key id the
//! cached JWKS lacks (Cognito rotated its keys, or the token is forged), the JWKS is fetched again,
//! at most once per [refetch interval](JwtVerifierBuilder::jwks_refetch_interval) (10 s) per JWKS
//! URI after a fetch that did not have the key; concurrent verifications wait for one shared
//! fetch. A fetch is limited to [`DEFAULT_JWKS_TIMEOUT`] and 1 MiB.
//!
//! # Emulators
//!
//! moto and cognito-local serve the keys at `{endpoint}/{userPoolId}/.well-known/jwks.json`:
//! use [`UserPool::emulator_endpoint`]. moto keeps AWS's issuer in `iss`; for an emulator that
//! puts its own address there, set [`UserPool::issuer`] too.
//!
//! A JWKS URL must be `https`: whoever can rewrite the JWKS in transit can mint tokens. Plain
//! `http` is accepted for loopback hosts (`localhost`, `127.0.0.0/8`, `[::1]`), and for any host
//! with [`JwtVerifierBuilder::allow_insecure_http_jwks`] (an emulator on a trusted network).

mod claims;
mod error;
mod jwks;
mod verifier;

pub use claims::Claims;
pub use error::{BuildError, JwtError};
pub use verifier::{
    JwtVerifier, JwtVerifierBuilder, TokenUse, UserPool, DEFAULT_JWKS_REFETCH_INTERVAL,
    DEFAULT_JWKS_TIMEOUT, DEFAULT_LEEWAY,
};

/// The most bytes a JWKS response may have (1 MiB); a larger one is a [`JwtError::JwksFetch`].
pub const MAX_JWKS_BYTES: usize = jwks::MAX_JWKS_BYTES;
