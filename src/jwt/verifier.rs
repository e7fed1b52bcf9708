//! [`JwtVerifier`], its builder and the per-pool settings.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};

use super::claims::Claims;
use super::error::{clip, BuildError, JwtError};
use super::jwks::{FetchSettings, JwksCache, KeySet, RsaKey};

/// The default leeway for `exp`, `nbf` and `iat`: 5 seconds.
///
/// `iat` is checked too (a token issued "in the future" is refused), and Cognito's clock and
/// yours can be a fraction of a second apart, which whole-second claims turn into a full second:
/// with no leeway at all a token used right after it was issued can be refused. A few seconds
/// absorb that while keeping expired tokens out. (aws-jwt-verify defaults to no grace, but does
/// not check `iat`.)
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(5);

/// The default minimum time between two fetches of one JWKS caused by unknown key ids or failed
/// fetches: 10 seconds, as aws-jwt-verify.
pub const DEFAULT_JWKS_REFETCH_INTERVAL: Duration = Duration::from_secs(10);

/// The default time limit for fetching a JWKS (connection, request and body): 5 seconds.
pub const DEFAULT_JWKS_TIMEOUT: Duration = Duration::from_secs(5);

/// Tokens longer than this are refused before any decoding.
const MAX_TOKEN_BYTES: usize = 64 * 1024;

/// Strict base64url without padding, as JWS compact serialization prescribes.
const B64URL: base64_simd::Base64 = base64_simd::URL_SAFE_NO_PAD;

/// Which tokens a pool accepts, by their `token_use` claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenUse {
    /// ID tokens (`token_use` = `id`); the app client is checked against `aud`.
    Id,
    /// Access tokens (`token_use` = `access`); the app client is checked against `client_id`.
    Access,
    /// Either kind, each checked as above.
    Any,
}

impl TokenUse {
    fn accepts(self, found: &str) -> bool {
        match self {
            TokenUse::Id => found == "id",
            TokenUse::Access => found == "access",
            TokenUse::Any => found == "id" || found == "access",
        }
    }
}

/// One user pool a [`JwtVerifier`] accepts tokens from, and what it requires of them.
///
/// ```
/// use cognito::jwt::{TokenUse, UserPool};
///
/// let pool = UserPool::new("eu-west-1", "eu-west-1_Example")
///     .client_id("1example23456789")
///     .token_use(TokenUse::Access)
///     .require_any_group(["admins", "editors"])
///     .require_all_scopes(["orders/read"]);
/// assert_eq!(
///     pool.effective_jwks_url(),
///     "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example/.well-known/jwks.json"
/// );
/// ```
#[derive(Clone, Debug)]
#[must_use = "a pool's settings do nothing until it is given to `JwtVerifierBuilder::pool`"]
pub struct UserPool {
    region: String,
    pool_id: String,
    jwks_url: Option<String>,
    issuer: Option<String>,
    clients: Vec<String>,
    any_client: bool,
    token_use: Option<TokenUse>,
    any_group: Vec<String>,
    any_scope: Vec<String>,
    all_scopes: Vec<String>,
}

impl UserPool {
    /// The pool `pool_id` of `region`, with AWS's JWKS URL and issuer.
    ///
    /// At least one [`client_id`](UserPool::client_id) (or [`any_client`](UserPool::any_client))
    /// and a [`token_use`](UserPool::token_use) are required.
    pub fn new(region: impl Into<String>, pool_id: impl Into<String>) -> UserPool {
        UserPool {
            region: region.into(),
            pool_id: pool_id.into(),
            jwks_url: None,
            issuer: None,
            clients: Vec::new(),
            any_client: false,
            token_use: None,
            any_group: Vec::new(),
            any_scope: Vec::new(),
            all_scopes: Vec::new(),
        }
    }

    /// Fetches the keys from this URL instead of
    /// `https://cognito-idp.{region}.amazonaws.com/{poolId}/.well-known/jwks.json`.
    ///
    /// The URL must be `https`, or `http` to a loopback host; see
    /// [`JwtVerifierBuilder::allow_insecure_http_jwks`].
    pub fn jwks_url(mut self, url: impl Into<String>) -> UserPool {
        self.jwks_url = Some(url.into());
        self
    }

    /// Fetches the keys from an emulator at `endpoint` (e.g. `http://127.0.0.1:5000`), which
    /// serves them at `{endpoint}/{poolId}/.well-known/jwks.json` (moto, cognito-local).
    /// Plain `http` is accepted to a loopback host only, unless
    /// [`JwtVerifierBuilder::allow_insecure_http_jwks`].
    ///
    /// The issuer is unchanged: moto signs tokens with AWS's issuer
    /// (`https://cognito-idp.{region}.amazonaws.com/{poolId}`) whatever its own address. Use
    /// [`issuer`](UserPool::issuer) for an emulator that puts its own address there.
    pub fn emulator_endpoint(self, endpoint: &str) -> UserPool {
        let url = format!(
            "{}/{}/.well-known/jwks.json",
            endpoint.trim_end_matches('/'),
            self.pool_id
        );
        self.jwks_url(url)
    }

    /// Expects this `iss` instead of `https://cognito-idp.{region}.amazonaws.com/{poolId}`.
    pub fn issuer(mut self, issuer: impl Into<String>) -> UserPool {
        self.issuer = Some(issuer.into());
        self
    }

    /// Accepts tokens of this app client (`client_id` of access tokens, `aud` of ID tokens).
    /// Call it once per client to allow several.
    pub fn client_id(mut self, client_id: impl Into<String>) -> UserPool {
        self.clients.push(client_id.into());
        self
    }

    /// Accepts tokens of these app clients, in addition to those already allowed.
    pub fn client_ids<I, S>(mut self, client_ids: I) -> UserPool
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.clients.extend(client_ids.into_iter().map(Into::into));
        self
    }

    /// Accepts tokens of any app client of the pool: no `client_id`/`aud` check. Without this
    /// (or a client id), [`JwtVerifierBuilder::build`] fails.
    pub fn any_client(mut self) -> UserPool {
        self.any_client = true;
        self
    }

    /// Which tokens to accept: ID tokens, access tokens, or either. Required.
    pub fn token_use(mut self, token_use: TokenUse) -> UserPool {
        self.token_use = Some(token_use);
        self
    }

    /// Requires membership of **at least one** of these groups (`cognito:groups`). Repeated calls
    /// add to the set.
    pub fn require_any_group<I, S>(mut self, groups: I) -> UserPool
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.any_group.extend(groups.into_iter().map(Into::into));
        self
    }

    /// Requires **at least one** of these scopes in `scope` (as aws-jwt-verify's `scope`
    /// option). Only access tokens have scopes. Repeated calls add to the set.
    pub fn require_any_scope<I, S>(mut self, scopes: I) -> UserPool
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.any_scope.extend(scopes.into_iter().map(Into::into));
        self
    }

    /// Requires **every one** of these scopes in `scope`. Only access tokens have scopes.
    /// Repeated calls add to the set. Combined with
    /// [`require_any_scope`](UserPool::require_any_scope), both must hold.
    pub fn require_all_scopes<I, S>(mut self, scopes: I) -> UserPool
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.all_scopes.extend(scopes.into_iter().map(Into::into));
        self
    }

    /// The pool id.
    pub fn pool_id(&self) -> &str {
        &self.pool_id
    }

    /// The JWKS URL used: the override, or AWS's.
    pub fn effective_jwks_url(&self) -> String {
        match &self.jwks_url {
            Some(url) => url.clone(),
            None => format!("{}/.well-known/jwks.json", self.aws_issuer()),
        }
    }

    /// The `iss` expected: the override, or AWS's.
    pub fn effective_issuer(&self) -> String {
        self.issuer.clone().unwrap_or_else(|| self.aws_issuer())
    }

    fn aws_issuer(&self) -> String {
        let domain = if self.region.starts_with("cn-") {
            "amazonaws.com.cn"
        } else {
            "amazonaws.com"
        };
        format!(
            "https://cognito-idp.{}.{domain}/{}",
            self.region, self.pool_id
        )
    }
}

/// Settings for a [`JwtVerifier`]; see [`JwtVerifier::builder`].
#[derive(Debug)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct JwtVerifierBuilder {
    pools: Vec<UserPool>,
    leeway: Duration,
    refetch_interval: Duration,
    timeout: Duration,
    http: Option<crate::transport::SharedTransport>,
    insecure_http_jwks: bool,
}

impl JwtVerifierBuilder {
    /// Accepts tokens of this pool. Call it once per pool; each pool's issuer must be unique.
    pub fn pool(mut self, pool: UserPool) -> Self {
        self.pools.push(pool);
        self
    }

    /// Tolerance for clock differences on `exp`, `nbf` and `iat` (whole seconds; the fraction is
    /// dropped). Default: [`DEFAULT_LEEWAY`] (5 s).
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// Minimum time between two fetches of one JWKS URI after a fetch that did not yield the key
    /// id a token asked for, or that failed. Within it, tokens with unknown key ids fail with
    /// [`JwtError::UnknownKid`] without a request. Default: [`DEFAULT_JWKS_REFETCH_INTERVAL`] (10 s).
    pub fn jwks_refetch_interval(mut self, interval: Duration) -> Self {
        self.refetch_interval = interval;
        self
    }

    /// Time limit for one JWKS fetch, body included. Default: [`DEFAULT_JWKS_TIMEOUT`] (5 s).
    pub fn jwks_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Fetches the JWKS with this [`reqwest::Client`] (its pool, proxies and TLS settings) instead of
    /// one of its own. The [`jwks_timeout`](Self::jwks_timeout) applies either way.
    pub fn http_client(self, client: reqwest::Client) -> Self {
        self.transport(crate::transport::ReqwestTransport::new(client))
    }

    /// Fetches the JWKS through `transport` (a test double, or the transport of a
    /// [`Config`](crate::Config)'s clients).
    pub fn transport(mut self, transport: impl crate::transport::HttpTransport) -> Self {
        self.http = Some(std::sync::Arc::new(transport));
        self
    }

    /// Allows JWKS URLs over plain `http` to any host (default: `false`).
    ///
    /// The JWKS decides which tokens are genuine: whoever can change it in transit can sign tokens
    /// of their own. So [`build`](Self::build) accepts a JWKS URL only over `https`, or over `http`
    /// to a loopback host (`localhost`, `127.0.0.0/8`, `[::1]`: an emulator on the same machine).
    /// Turn this on only for an emulator reached over a network you trust (e.g.
    /// `http://cognito-local:9229` inside a container network), never for real user pools.
    pub fn allow_insecure_http_jwks(mut self, allow: bool) -> Self {
        self.insecure_http_jwks = allow;
        self
    }

    /// Checks the settings and makes the verifier. Nothing is fetched yet: see
    /// [`JwtVerifier::hydrate`].
    ///
    /// Fails with [`BuildError::InvalidJwksUrl`] for a JWKS URL over plain `http` to a host that is
    /// not a loopback address, unless [`allow_insecure_http_jwks`](Self::allow_insecure_http_jwks).
    pub fn build(self) -> Result<JwtVerifier, BuildError> {
        if self.pools.is_empty() {
            return Err(BuildError::NoPools);
        }
        let mut caches: HashMap<String, Arc<JwksCache>> = HashMap::new();
        let mut pools: HashMap<String, Pool> = HashMap::new();
        for pool in self.pools {
            let checked = check_pool(&pool, self.insecure_http_jwks)?;
            let issuer = pool.effective_issuer();
            let jwks_url = pool.effective_jwks_url();
            let jwks = Arc::clone(
                caches
                    .entry(jwks_url.clone())
                    .or_insert_with(|| Arc::new(JwksCache::new(jwks_url))),
            );
            if pools.contains_key(&issuer) {
                return Err(BuildError::DuplicateIssuer(issuer));
            }
            pools.insert(
                issuer,
                Pool {
                    jwks,
                    clients: (!pool.any_client).then_some(pool.clients),
                    token_use: checked,
                    any_group: pool.any_group,
                    any_scope: pool.any_scope,
                    all_scopes: pool.all_scopes,
                },
            );
        }
        let http = match self.http {
            Some(http) => http,
            None => std::sync::Arc::new(crate::transport::ReqwestTransport::new(
                crate::transport::ReqwestTransport::default_client(self.timeout)
                    .map_err(|e| BuildError::HttpClient(crate::error::chain(&e)))?,
            )),
        };
        let mut caches: Vec<Arc<JwksCache>> = caches.into_values().collect();
        caches.sort_by(|a, b| a.uri().cmp(b.uri()));
        Ok(JwtVerifier {
            inner: Arc::new(Inner {
                pools,
                caches,
                leeway: i64::try_from(self.leeway.as_secs()).unwrap_or(i64::MAX),
                fetch: FetchSettings {
                    http,
                    timeout: self.timeout,
                    refetch_interval: self.refetch_interval,
                },
            }),
        })
    }
}

/// Validates a pool's settings; returns its token use. A JWKS URL over `http` must name a loopback
/// host unless `insecure_http_jwks`.
fn check_pool(pool: &UserPool, insecure_http_jwks: bool) -> Result<TokenUse, BuildError> {
    let id = &pool.pool_id;
    let id_ok = !id.is_empty()
        && id.len() <= 128
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !id_ok {
        return Err(BuildError::InvalidPoolId(clip(id)));
    }
    let region = &pool.region;
    let region_ok = !region.is_empty()
        && region.len() <= 64
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !region_ok {
        return Err(BuildError::InvalidRegion(clip(region)));
    }
    if pool.clients.is_empty() && !pool.any_client {
        return Err(BuildError::NoClientId(id.clone()));
    }
    let token_use = pool
        .token_use
        .ok_or_else(|| BuildError::NoTokenUse(id.clone()))?;
    if token_use == TokenUse::Id && !(pool.any_scope.is_empty() && pool.all_scopes.is_empty()) {
        return Err(BuildError::ScopesOnIdTokens(id.clone()));
    }
    let url = pool.effective_jwks_url();
    let invalid = |reason: String| BuildError::InvalidJwksUrl {
        url: clip(&url),
        reason,
    };
    let parsed: http::Uri = url
        .parse()
        .map_err(|e: http::uri::InvalidUri| invalid(e.to_string()))?;
    let scheme = parsed.scheme_str().unwrap_or("");
    if !matches!(scheme, "http" | "https") {
        return Err(invalid(format!(
            "the scheme is {scheme:?}, not http or https"
        )));
    }
    let host = match parsed.host() {
        Some(host) if !host.is_empty() => host,
        _ => return Err(invalid("the URL has no host".to_owned())),
    };
    if scheme == "http" && !insecure_http_jwks && !crate::endpoint::is_loopback_host(host) {
        return Err(invalid(
            "plain http is allowed only to a loopback host (localhost, 127.0.0.0/8, [::1]); use \
             https, or JwtVerifierBuilder::allow_insecure_http_jwks for an emulator on a trusted \
             network"
                .to_owned(),
        ));
    }
    Ok(token_use)
}

/// A pool, as the verifier uses it.
#[derive(Debug)]
struct Pool {
    jwks: Arc<JwksCache>,
    /// `None`: any client.
    clients: Option<Vec<String>>,
    token_use: TokenUse,
    any_group: Vec<String>,
    any_scope: Vec<String>,
    all_scopes: Vec<String>,
}

#[derive(Debug)]
struct Inner {
    /// By issuer.
    pools: HashMap<String, Pool>,
    /// One per distinct JWKS URI, in URI order.
    caches: Vec<Arc<JwksCache>>,
    /// Whole seconds.
    leeway: i64,
    fetch: FetchSettings,
}

/// Verifies the RS256 JWTs (ID and access tokens) of one or several Cognito user pools, as
/// aws-jwt-verify does.
///
/// A token passes when, in this order: it is three base64url parts with a JSON header and payload;
/// the header's `alg` is `RS256`; its `iss` is one of the pools'; its `kid` names an RSA key of that
/// pool's JWKS; the signature verifies; `exp` is in the future and `nbf`/`iat` are not (give or take
/// the [leeway](JwtVerifierBuilder::leeway)); `token_use` is the pool's; the app client
/// (`client_id` or `aud`) is allowed; and the pool's required groups and scopes are there.
///
/// Each JWKS is fetched on first use (or by [`hydrate`](JwtVerifier::hydrate)) and cached. A
/// token whose `kid` is not in the cached JWKS makes the verifier fetch it again (for key
/// rotation), but at most once per [refetch interval](JwtVerifierBuilder::jwks_refetch_interval)
/// per JWKS URI after a fetch that did not have the key, and concurrent requests share one fetch.
///
/// Cloning is cheap and clones share the cache. `Debug` shows the issuers and JWKS URLs, not the
/// keys.
#[derive(Clone)]
pub struct JwtVerifier {
    inner: Arc<Inner>,
}

impl fmt::Debug for JwtVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut issuers: Vec<&str> = self.inner.pools.keys().map(String::as_str).collect();
        issuers.sort_unstable();
        let jwks: Vec<&str> = self.inner.caches.iter().map(|c| c.uri()).collect();
        f.debug_struct("JwtVerifier")
            .field("issuers", &issuers)
            .field("jwks_urls", &jwks)
            .field("leeway_secs", &self.inner.leeway)
            .field("jwks_refetch_interval", &self.inner.fetch.refetch_interval)
            .field("jwks_timeout", &self.inner.fetch.timeout)
            .finish()
    }
}

/// A token split and decoded, its pool found, not yet verified.
struct Parsed<'t, 'v> {
    /// `header.payload`, the signed bytes.
    signing_input: &'t str,
    signature: Vec<u8>,
    kid: String,
    payload: Map<String, Value>,
    pool: &'v Pool,
}

impl JwtVerifier {
    /// A builder with the defaults: [`DEFAULT_LEEWAY`], [`DEFAULT_JWKS_REFETCH_INTERVAL`],
    /// [`DEFAULT_JWKS_TIMEOUT`], and an HTTP client of its own.
    ///
    /// ```no_run
    /// use cognito::jwt::{JwtVerifier, TokenUse, UserPool};
    ///
    /// # async fn demo(token: &str) -> Result<(), Box<dyn std::error::Error>> {
    /// let verifier = JwtVerifier::builder()
    ///     .pool(
    ///         UserPool::new("us-east-1", "us-east-1_Example")
    ///             .client_id("1example23456789")
    ///             .token_use(TokenUse::Access),
    ///     )
    ///     .build()?;
    /// verifier.hydrate().await?; // optional: fetch the keys now rather than on first use
    /// let claims = verifier.verify(token).await?;
    /// println!("{} ({:?})", claims.sub, claims.username());
    /// # Ok(()) }
    /// ```
    pub fn builder() -> JwtVerifierBuilder {
        JwtVerifierBuilder {
            pools: Vec::new(),
            leeway: DEFAULT_LEEWAY,
            refetch_interval: DEFAULT_JWKS_REFETCH_INTERVAL,
            timeout: DEFAULT_JWKS_TIMEOUT,
            http: None,
            insecure_http_jwks: false,
        }
    }

    /// Verifies `token` and returns its claims, fetching the pool's JWKS if it is not cached or
    /// lacks the token's key id (see the type's documentation for the refetch rule).
    pub async fn verify(&self, token: &str) -> Result<Claims, JwtError> {
        let parsed = self.parse(token)?;
        let key = parsed.pool.jwks.key(&parsed.kid, &self.inner.fetch).await?;
        self.finish(parsed, &key)
    }

    /// Verifies `token` with the cached keys only, never fetching: [`JwtError::JwksNotCached`]
    /// when the pool's JWKS has not been fetched yet (call [`hydrate`](JwtVerifier::hydrate)
    /// first), [`JwtError::UnknownKid`] when it lacks the token's key id.
    pub fn verify_sync(&self, token: &str) -> Result<Claims, JwtError> {
        let parsed = self.parse(token)?;
        let key = parsed.pool.jwks.cached_key(&parsed.kid)?;
        self.finish(parsed, &key)
    }

    /// Fetches every pool's JWKS that is not cached yet, one after the other. Returns the first
    /// error after trying them all.
    pub async fn hydrate(&self) -> Result<(), JwtError> {
        let mut first_error = None;
        for cache in &self.inner.caches {
            if let Err(e) = cache.hydrate(&self.inner.fetch).await {
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    /// Caches the JWKS document `jwks` for every pool, as a successful fetch would, without any I/O:
    /// for the fuzz targets (`fuzz/`), which verify against a fixed key set. Not a stable API.
    #[doc(hidden)]
    pub fn hydrate_from_jwks_document(&self, jwks: &[u8]) -> Result<(), JwtError> {
        let keys = KeySet::parse(jwks).map_err(|reason| JwtError::JwksFetch {
            jwks_uri: "(a JWKS document)".to_owned(),
            reason,
        })?;
        let keys = Arc::new(keys);
        for cache in &self.inner.caches {
            cache.install(Arc::clone(&keys));
        }
        Ok(())
    }

    /// Splits and decodes the token, checks the algorithm and finds the pool by `iss`.
    fn parse<'t>(&self, token: &'t str) -> Result<Parsed<'t, '_>, JwtError> {
        let malformed = |reason: &str| JwtError::Malformed(reason.to_owned());
        if token.len() > MAX_TOKEN_BYTES {
            return Err(JwtError::Malformed(format!(
                "the token is longer than {MAX_TOKEN_BYTES} bytes"
            )));
        }
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(malformed("a JWT has three dot-separated parts"));
        };
        let signing_input = &token[..header.len() + 1 + payload.len()];

        let header = decode_object(header, "header")?;
        match header.get("alg") {
            Some(Value::String(alg)) if alg == "RS256" => {}
            Some(Value::String(alg)) => return Err(JwtError::UnsupportedAlgorithm(clip(alg))),
            Some(_) => return Err(malformed("the header's `alg` is not a string")),
            None => return Err(malformed("the header has no `alg`")),
        }
        if header.contains_key("crit") {
            return Err(malformed(
                "the header has critical extensions (`crit`), which are not supported",
            ));
        }
        let kid = match header.get("kid") {
            Some(Value::String(kid)) => kid.clone(),
            Some(_) => return Err(malformed("the header's `kid` is not a string")),
            None => return Err(malformed("the header has no `kid`")),
        };

        let payload = decode_object(payload, "payload")?;
        let pool = match payload.get("iss") {
            Some(Value::String(iss)) => self
                .inner
                .pools
                .get(iss)
                .ok_or_else(|| JwtError::UnknownIssuer(clip(iss)))?,
            Some(_) => return Err(malformed("the `iss` claim is not a string")),
            None => return Err(JwtError::MissingClaim("iss")),
        };
        let signature = B64URL
            .decode_to_vec(signature)
            .map_err(|_| malformed("the signature is not base64url"))?;
        Ok(Parsed {
            signing_input,
            signature,
            kid,
            payload,
            pool,
        })
    }

    /// Checks the signature, then the claims.
    fn finish(&self, parsed: Parsed<'_, '_>, key: &RsaKey) -> Result<Claims, JwtError> {
        ring::signature::RsaPublicKeyComponents {
            n: &key.n,
            e: &key.e,
        }
        .verify(
            &ring::signature::RSA_PKCS1_2048_8192_SHA256,
            parsed.signing_input.as_bytes(),
            &parsed.signature,
        )
        .map_err(|_| JwtError::InvalidSignature)?;

        let claims = Claims::from_map(parsed.payload)?;
        check_claims(parsed.pool, &claims, unix_now(), self.inner.leeway)?;
        Ok(claims)
    }
}

fn unix_now() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
    }
}

/// base64url (canonical: no padding, unused bits zero) → JSON object with unique member names.
fn decode_object(part: &str, what: &str) -> Result<Map<String, Value>, JwtError> {
    // The decoded bytes are as much a bearer credential as the token: wiped after parsing.
    let bytes = zeroize::Zeroizing::new(
        B64URL
            .decode_to_vec(part)
            .map_err(|_| JwtError::Malformed(format!("the {what} is not base64url")))?,
    );
    match serde_json::from_slice::<UniqueObject>(&bytes) {
        Ok(UniqueObject {
            duplicate: Some(name),
            ..
        }) => Err(JwtError::Malformed(format!(
            "the {what} has a duplicate member {:?}",
            clip(&name)
        ))),
        Ok(UniqueObject { members, .. }) => Ok(members),
        Err(e) if e.classify() == serde_json::error::Category::Data => Err(JwtError::Malformed(
            format!("the {what} is not a JSON object"),
        )),
        Err(_) => Err(JwtError::Malformed(format!("the {what} is not JSON"))),
    }
}

/// A JSON object, and the first member name it repeats, if any.
///
/// RFC 7515 §4 lets a JWS parser either refuse duplicate header names or keep the last; parsers
/// that keep the first exist too, so a token with `"alg"` twice can mean different things to
/// different verifiers. The header and the payload are refused outright (nested values are the
/// claims' own business and keep serde_json's last-wins).
struct UniqueObject {
    members: Map<String, Value>,
    duplicate: Option<String>,
}

impl<'de> serde::Deserialize<'de> for UniqueObject {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor;

        impl<'de> serde::de::Visitor<'de> for ObjectVisitor {
            type Value = UniqueObject;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<UniqueObject, A::Error> {
                let mut members = Map::new();
                let mut duplicate = None;
                while let Some(name) = map.next_key::<String>()? {
                    let value: Value = map.next_value()?;
                    if members.contains_key(&name) {
                        duplicate.get_or_insert(name);
                    } else {
                        members.insert(name, value);
                    }
                }
                Ok(UniqueObject { members, duplicate })
            }
        }

        deserializer.deserialize_map(ObjectVisitor)
    }
}

/// The checks after the signature: times, `token_use`, client, groups, scopes. (`iss` was matched
/// when the pool was found.)
fn check_claims(pool: &Pool, claims: &Claims, now: i64, leeway: i64) -> Result<(), JwtError> {
    if now >= claims.exp.saturating_add(leeway) {
        return Err(JwtError::Expired {
            exp: claims.exp,
            now,
        });
    }
    let latest = now.saturating_add(leeway);
    for (claim, value) in [("nbf", claims.nbf), ("iat", claims.iat)] {
        if let Some(value) = value.filter(|v| *v > latest) {
            return Err(JwtError::NotYetValid { claim, value, now });
        }
    }

    if !pool.token_use.accepts(&claims.token_use) {
        return Err(JwtError::WrongTokenUse {
            expected: pool.token_use,
            found: clip(&claims.token_use),
        });
    }

    if let Some(allowed) = &pool.clients {
        let allowed = |id: &String| allowed.contains(id);
        if claims.token_use == "access" {
            let client = claims
                .client_id
                .as_ref()
                .ok_or(JwtError::MissingClaim("client_id"))?;
            if !allowed(client) {
                return Err(JwtError::ClientNotAllowed(clip(client)));
            }
        } else {
            let first = claims.aud.first().ok_or(JwtError::MissingClaim("aud"))?;
            if !claims.aud.iter().any(allowed) {
                return Err(JwtError::ClientNotAllowed(clip(first)));
            }
        }
    }

    if !pool.any_group.is_empty() && !pool.any_group.iter().any(|g| claims.in_group(g)) {
        return Err(JwtError::MissingGroup {
            required: pool.any_group.clone(),
        });
    }
    if !pool.any_scope.is_empty() && !pool.any_scope.iter().any(|s| claims.has_scope(s)) {
        return Err(JwtError::MissingScope {
            missing: pool.any_scope.clone(),
        });
    }
    let missing: Vec<String> = pool
        .all_scopes
        .iter()
        .filter(|s| !claims.has_scope(s))
        .cloned()
        .collect();
    if !missing.is_empty() {
        return Err(JwtError::MissingScope { missing });
    }
    Ok(())
}
