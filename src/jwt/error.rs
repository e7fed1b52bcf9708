//! The errors of token verification and of building a verifier.

use std::fmt;

use super::TokenUse;

/// Why a token was rejected.
///
/// Every variant names the check that failed. No variant carries the token itself: values quoted
/// from a token (issuer, key id, algorithm, client id, `token_use`) are claims or header fields,
/// not secrets, and are clipped to 128 characters because they come from untrusted input.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JwtError {
    /// The token is not a well-formed JWS in compact form (three base64url parts, a JSON header
    /// and a JSON object payload), or a claim has the wrong type.
    #[error("malformed token: {0}")]
    Malformed(String),
    /// The header's `alg` is not `RS256` (`none`, `HS256`, … are all refused).
    #[error("unsupported algorithm {0:?}: only RS256 is accepted")]
    UnsupportedAlgorithm(String),
    /// A claim the checks need is absent (`iss`, `exp`, `sub`, `token_use`, `client_id`, `aud`).
    #[error("the token has no `{0}` claim")]
    MissingClaim(&'static str),
    /// The `iss` claim names none of the configured user pools.
    #[error("unknown issuer {0:?}: not one of the configured user pools")]
    UnknownIssuer(String),
    /// The header's `kid` is not in the pool's JWKS, even after a refetch (or a refetch was not
    /// allowed yet: see [`JwtVerifierBuilder::jwks_refetch_interval`](super::JwtVerifierBuilder::jwks_refetch_interval)).
    #[error("unknown key id {kid:?}: not in the JWKS at {jwks_uri}")]
    UnknownKid {
        /// The header's `kid`.
        kid: String,
        /// The JWKS looked in.
        jwks_uri: String,
    },
    /// The JWKS has a key with this `kid`, but not one that can check an RS256 signature
    /// (not RSA, `alg` other than RS256, `use` other than `sig`, modulus outside 2048–8192 bits…).
    #[error("key {kid:?} cannot verify RS256 signatures: {reason}")]
    UnsupportedKey {
        /// The header's `kid`.
        kid: String,
        /// What is wrong with the key.
        reason: String,
    },
    /// The RS256 signature does not match the header and payload under the key named by `kid`.
    #[error("invalid signature")]
    InvalidSignature,
    /// `exp` (plus the leeway) is not after the current time.
    #[error("token expired at {exp} (now {now}, Unix seconds)")]
    Expired {
        /// The `exp` claim.
        exp: i64,
        /// The verifier's clock.
        now: i64,
    },
    /// `nbf` or `iat` is later than the current time (plus the leeway).
    #[error("token not valid yet: `{claim}` is {value}, now is {now} (Unix seconds)")]
    NotYetValid {
        /// `nbf` or `iat`.
        claim: &'static str,
        /// That claim's value.
        value: i64,
        /// The verifier's clock.
        now: i64,
    },
    /// `token_use` is not the one the pool expects.
    #[error("wrong token_use: expected {expected}, found {found:?}")]
    WrongTokenUse {
        /// What the pool accepts.
        expected: TokenUse,
        /// The token's `token_use`.
        found: String,
    },
    /// The app client (`client_id` of an access token, `aud` of an ID token) is not one of the
    /// pool's allowed clients.
    #[error("client {0:?} is not allowed")]
    ClientNotAllowed(String),
    /// The token's `cognito:groups` contains none of the required groups.
    #[error("the token is in none of the required groups {required:?}")]
    MissingGroup {
        /// The groups of which at least one is required.
        required: Vec<String>,
    },
    /// The token's `scope` lacks required scopes.
    #[error("the token lacks the required scope(s) {missing:?}")]
    MissingScope {
        /// The scopes missing: all of them for an any-of requirement, the absent ones for an
        /// all-of requirement.
        missing: Vec<String>,
    },
    /// The JWKS could not be fetched or read: connection failure, timeout, HTTP status other than
    /// 200, a body over the size limit, or a body that is not a JWKS.
    #[error("cannot fetch the JWKS at {jwks_uri}: {reason}")]
    JwksFetch {
        /// The JWKS address.
        jwks_uri: String,
        /// What went wrong.
        reason: String,
    },
    /// [`JwtVerifier::verify_sync`](super::JwtVerifier::verify_sync) found no cached JWKS for the
    /// token's pool: call [`JwtVerifier::hydrate`](super::JwtVerifier::hydrate) (or one async
    /// `verify`) first.
    #[error("the JWKS at {jwks_uri} is not cached (call hydrate() before verify_sync())")]
    JwksNotCached {
        /// The JWKS address.
        jwks_uri: String,
    },
}

/// Why [`JwtVerifierBuilder::build`](super::JwtVerifierBuilder::build) refused its settings.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// No user pool was added.
    #[error("no user pool was configured")]
    NoPools,
    /// A pool id is empty or contains characters a pool id cannot have.
    #[error("invalid user pool id {0:?}")]
    InvalidPoolId(String),
    /// A region is empty or contains characters a region cannot have.
    #[error("invalid region {0:?}")]
    InvalidRegion(String),
    /// A pool has no allowed client id and was not marked [`any_client`](super::UserPool::any_client).
    #[error("user pool {0}: no client id allowed (add client_id(..) or call any_client())")]
    NoClientId(String),
    /// A pool has no expected [`TokenUse`].
    #[error("user pool {0}: no token_use expected (call token_use(..))")]
    NoTokenUse(String),
    /// A pool that accepts only ID tokens requires scopes, which only access tokens carry.
    #[error(
        "user pool {0}: scopes are required but only ID tokens (which have no scope) are accepted"
    )]
    ScopesOnIdTokens(String),
    /// A JWKS URL is not an absolute `http`/`https` URL.
    #[error("invalid JWKS URL {url:?}: {reason}")]
    InvalidJwksUrl {
        /// The URL given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Two pools have the same issuer, so a token could not be routed to one of them.
    #[error("two user pools have the issuer {0}")]
    DuplicateIssuer(String),
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client: {0}")]
    HttpClient(String),
}

/// At most this many characters of an untrusted value go into an error.
const CLIP_CHARS: usize = 128;

/// `value`, cut to [`CLIP_CHARS`] characters (with `…` when cut).
pub(crate) fn clip(value: &str) -> String {
    match value.char_indices().nth(CLIP_CHARS) {
        Some((at, _)) => format!("{}…", &value[..at]),
        None => value.to_owned(),
    }
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
