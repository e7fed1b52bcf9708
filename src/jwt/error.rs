//! The errors of token verification and of building a verifier.

use std::fmt;

use super::TokenUse;

/// Why a token was rejected.
///
/// Every variant names the check that failed. No variant carries the token itself: values quoted
/// from a token (issuer, key id, algorithm, client id, `token_use`) are claims or header fields,
/// not secrets, and are clipped to 128 characters because they come from untrusted input.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum JwtError {
    /// The token is not a well-formed JWS in compact form (three base64url parts, a JSON header
    /// and a JSON object payload), or a claim has the wrong type.
    Malformed(String),
    /// The header's `alg` is not `RS256` (`none`, `HS256`, … are all refused).
    UnsupportedAlgorithm(String),
    /// A claim the checks need is absent (`iss`, `exp`, `sub`, `token_use`, `client_id`, `aud`).
    MissingClaim(&'static str),
    /// The `iss` claim names none of the configured user pools.
    UnknownIssuer(String),
    /// The header's `kid` is not in the pool's JWKS, even after a refetch (or a refetch was not
    /// allowed yet: see [`JwtVerifierBuilder::jwks_refetch_interval`](super::JwtVerifierBuilder::jwks_refetch_interval)).
    UnknownKid {
        /// The header's `kid`.
        kid: String,
        /// The JWKS looked in.
        jwks_uri: String,
    },
    /// The JWKS has a key with this `kid`, but not one that can check an RS256 signature
    /// (not RSA, `alg` other than RS256, `use` other than `sig`, modulus outside 2048–8192 bits…).
    UnsupportedKey {
        /// The header's `kid`.
        kid: String,
        /// What is wrong with the key.
        reason: String,
    },
    /// The RS256 signature does not match the header and payload under the key named by `kid`.
    InvalidSignature,
    /// `exp` (plus the leeway) is not after the current time.
    Expired {
        /// The `exp` claim.
        exp: i64,
        /// The verifier's clock.
        now: i64,
    },
    /// `nbf` or `iat` is later than the current time (plus the leeway).
    NotYetValid {
        /// `nbf` or `iat`.
        claim: &'static str,
        /// That claim's value.
        value: i64,
        /// The verifier's clock.
        now: i64,
    },
    /// `token_use` is not the one the pool expects.
    WrongTokenUse {
        /// What the pool accepts.
        expected: TokenUse,
        /// The token's `token_use`.
        found: String,
    },
    /// The app client (`client_id` of an access token, `aud` of an ID token) is not one of the
    /// pool's allowed clients.
    ClientNotAllowed(String),
    /// The token's `cognito:groups` contains none of the required groups.
    MissingGroup {
        /// The groups of which at least one is required.
        required: Vec<String>,
    },
    /// The token's `scope` lacks required scopes.
    MissingScope {
        /// The scopes missing: all of them for an any-of requirement, the absent ones for an
        /// all-of requirement.
        missing: Vec<String>,
    },
    /// The JWKS could not be fetched or read: connection failure, timeout, HTTP status other than
    /// 200, a body over the size limit, or a body that is not a JWKS.
    JwksFetch {
        /// The JWKS address.
        jwks_uri: String,
        /// What went wrong.
        reason: String,
    },
    /// [`JwtVerifier::verify_sync`](super::JwtVerifier::verify_sync) found no cached JWKS for the
    /// token's pool: call [`JwtVerifier::hydrate`](super::JwtVerifier::hydrate) (or one async
    /// `verify`) first.
    JwksNotCached {
        /// The JWKS address.
        jwks_uri: String,
    },
}

impl fmt::Display for JwtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JwtError::Malformed(what) => write!(f, "malformed token: {what}"),
            JwtError::UnsupportedAlgorithm(alg) => {
                write!(f, "unsupported algorithm {alg:?}: only RS256 is accepted")
            }
            JwtError::MissingClaim(claim) => write!(f, "the token has no `{claim}` claim"),
            JwtError::UnknownIssuer(iss) => {
                write!(
                    f,
                    "unknown issuer {iss:?}: not one of the configured user pools"
                )
            }
            JwtError::UnknownKid { kid, jwks_uri } => {
                write!(f, "unknown key id {kid:?}: not in the JWKS at {jwks_uri}")
            }
            JwtError::UnsupportedKey { kid, reason } => {
                write!(f, "key {kid:?} cannot verify RS256 signatures: {reason}")
            }
            JwtError::InvalidSignature => f.write_str("invalid signature"),
            JwtError::Expired { exp, now } => {
                write!(f, "token expired at {exp} (now {now}, Unix seconds)")
            }
            JwtError::NotYetValid { claim, value, now } => write!(
                f,
                "token not valid yet: `{claim}` is {value}, now is {now} (Unix seconds)"
            ),
            JwtError::WrongTokenUse { expected, found } => {
                write!(f, "wrong token_use: expected {expected}, found {found:?}")
            }
            JwtError::ClientNotAllowed(client) => write!(f, "client {client:?} is not allowed"),
            JwtError::MissingGroup { required } => {
                write!(
                    f,
                    "the token is in none of the required groups {required:?}"
                )
            }
            JwtError::MissingScope { missing } => {
                write!(f, "the token lacks the required scope(s) {missing:?}")
            }
            JwtError::JwksFetch { jwks_uri, reason } => {
                write!(f, "cannot fetch the JWKS at {jwks_uri}: {reason}")
            }
            JwtError::JwksNotCached { jwks_uri } => write!(
                f,
                "the JWKS at {jwks_uri} is not cached (call hydrate() before verify_sync())"
            ),
        }
    }
}

impl std::error::Error for JwtError {}

/// Why [`JwtVerifierBuilder::build`](super::JwtVerifierBuilder::build) refused its settings.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BuildError {
    /// No user pool was added.
    NoPools,
    /// A pool id is empty or contains characters a pool id cannot have.
    InvalidPoolId(String),
    /// A region is empty or contains characters a region cannot have.
    InvalidRegion(String),
    /// A pool has no allowed client id and was not marked [`any_client`](super::UserPool::any_client).
    NoClientId(String),
    /// A pool has no expected [`TokenUse`].
    NoTokenUse(String),
    /// A pool that accepts only ID tokens requires scopes, which only access tokens carry.
    ScopesOnIdTokens(String),
    /// A JWKS URL is not an absolute `https` URL, nor an `http` URL of a loopback host
    /// (`localhost`, `127.0.0.0/8`, `[::1]`) or of any host with
    /// [`allow_insecure_http_jwks`](super::JwtVerifierBuilder::allow_insecure_http_jwks).
    InvalidJwksUrl {
        /// The URL given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Two pools have the same issuer, so a token could not be routed to one of them.
    DuplicateIssuer(String),
    /// The HTTP client could not be built.
    HttpClient(String),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::NoPools => f.write_str("no user pool was configured"),
            BuildError::InvalidPoolId(id) => write!(f, "invalid user pool id {id:?}"),
            BuildError::InvalidRegion(region) => write!(f, "invalid region {region:?}"),
            BuildError::NoClientId(pool) => write!(
                f,
                "user pool {pool}: no client id allowed (add client_id(..) or call any_client())"
            ),
            BuildError::NoTokenUse(pool) => {
                write!(
                    f,
                    "user pool {pool}: no token_use expected (call token_use(..))"
                )
            }
            BuildError::ScopesOnIdTokens(pool) => write!(
                f,
                "user pool {pool}: scopes are required but only ID tokens (which have no scope) \
                 are accepted"
            ),
            BuildError::InvalidJwksUrl { url, reason } => {
                write!(f, "invalid JWKS URL {url:?}: {reason}")
            }
            BuildError::DuplicateIssuer(issuer) => {
                write!(f, "two user pools have the issuer {issuer}")
            }
            BuildError::HttpClient(reason) => write!(f, "cannot build the HTTP client: {reason}"),
        }
    }
}

impl std::error::Error for BuildError {}

/// At most this many characters of an untrusted value go into an error.
const CLIP_CHARS: usize = 128;

/// `value`, cut to [`CLIP_CHARS`] characters (with `…` when cut).
pub(crate) fn clip(value: &str) -> String {
    crate::error::clip_for_display(value, CLIP_CHARS)
}

impl fmt::Display for TokenUse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TokenUse::Id => "id",
            TokenUse::Access => "access",
            TokenUse::Any => "id or access",
        })
    }
}
