//! The JWKS of one URI: fetched on first use, cached, refetched when a token names an unknown
//! key id (at most once per refetch interval), with concurrent fetches merged into one.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use tokio::time::Instant;

use super::error::{clip, JwtError};
use crate::transport::{HttpErrorKind, SharedTransport};

/// Upper bound for a JWKS response body. Cognito's JWKS is about 1 KiB.
pub(crate) const MAX_JWKS_BYTES: usize = 1024 * 1024;

/// base64url, with or without padding (RFC 7518 says without; some servers pad).
fn decode_base64url(text: &str) -> Result<Vec<u8>, String> {
    let text = text.as_bytes();
    crate::primitives::decode_base64_padding_indifferent(&base64_simd::URL_SAFE_NO_PAD, text)
        .map_err(|_| {
            crate::primitives::base64_error_message(text, &base64_simd::URL_SAFE_NO_PAD, false)
        })
}

/// An RSA public key from a JWK: modulus and exponent, big-endian, no leading zeros.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct RsaKey {
    pub(crate) n: Vec<u8>,
    pub(crate) e: Vec<u8>,
}

/// One key of a JWKS, by `kid`.
#[derive(Debug)]
enum Entry {
    Usable(Arc<RsaKey>),
    /// Present but not an RS256 signing key; the reason why.
    Unusable(String),
    /// Several different RS256 keys share the kid: which one signed cannot be told.
    Ambiguous,
}

/// The keys of one JWKS document.
#[derive(Debug, Default)]
pub(crate) struct KeySet {
    keys: HashMap<String, Entry>,
}

/// The outcome of looking up a `kid`.
pub(crate) enum Lookup {
    Found(Arc<RsaKey>),
    /// The JWKS is cached and has no such key.
    Missing,
    /// Nothing was ever fetched successfully.
    NotCached,
    Unusable(String),
}

/// A JWKS document: an object with a `keys` array (other members are ignored).
struct JwksDocument {
    keys: Vec<Value>,
}

/// Deserializes as `#[derive(Deserialize)]` did: an object with exactly one `keys` (unknown members
/// ignored) or a one-element array, with serde's usual messages for anything else.
impl<'de> Deserialize<'de> for JwksDocument {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DocumentVisitor;

        impl<'de> Visitor<'de> for DocumentVisitor {
            type Value = JwksDocument;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("struct JwksDocument")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<JwksDocument, A::Error> {
                match seq.next_element()? {
                    Some(keys) => Ok(JwksDocument { keys }),
                    None => Err(de::Error::invalid_length(
                        0,
                        &"struct JwksDocument with 1 element",
                    )),
                }
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<JwksDocument, A::Error> {
                let mut keys = None;
                while let Some(name) = map.next_key::<String>()? {
                    if name != "keys" {
                        map.next_value::<IgnoredAny>()?;
                    } else if keys.is_some() {
                        return Err(de::Error::duplicate_field("keys"));
                    } else {
                        keys = Some(map.next_value()?);
                    }
                }
                match keys {
                    Some(keys) => Ok(JwksDocument { keys }),
                    None => Err(de::Error::missing_field("keys")),
                }
            }
        }

        deserializer.deserialize_struct("JwksDocument", &["keys"], DocumentVisitor)
    }
}

/// The members of a JWK that matter here.
struct Jwk {
    kid: Option<String>,
    kty: Option<String>,
    alg: Option<String>,
    use_: Option<String>,
    n: Option<String>,
    e: Option<String>,
}

impl Jwk {
    /// The key's members, each absent, `null` or a string; `None` when the key is not an object
    /// (or, as serde's derive also took it, an array of the six members in declaration order) or a
    /// member has another type. Unknown members are ignored.
    fn from_value(value: &Value) -> Option<Jwk> {
        let member = |value: Option<&Value>| match value {
            None | Some(Value::Null) => Some(None),
            Some(Value::String(s)) => Some(Some(s.clone())),
            Some(_) => None,
        };
        let [kid, kty, alg, use_, n, e] = match value {
            Value::Object(members) => {
                ["kid", "kty", "alg", "use", "n", "e"].map(|k| members.get(k))
            }
            Value::Array(items) => match items.as_slice() {
                [kid, kty, alg, use_, n, e] => [kid, kty, alg, use_, n, e].map(Some),
                _ => return None,
            },
            _ => return None,
        }
        .map(member);
        Some(Jwk {
            kid: kid?,
            kty: kty?,
            alg: alg?,
            use_: use_?,
            n: n?,
            e: e?,
        })
    }
}

impl KeySet {
    /// Parses a JWKS document. Keys without a `kid` are ignored; keys that cannot verify RS256
    /// are kept as unusable, so that a token naming one gets a precise error. Of several keys
    /// with one `kid`, the one that can verify RS256 is used; two different such keys make the
    /// `kid` unusable (ambiguous), whatever their order.
    pub(crate) fn parse(body: &[u8]) -> Result<KeySet, String> {
        let document: JwksDocument = serde_json::from_slice(body).map_err(|e| {
            format!(
                "the body is not a JWKS (a JSON object with `keys`): {}",
                crate::error::clip_for_display(&e.to_string(), 200)
            )
        })?;
        let mut keys: HashMap<String, Entry> = HashMap::new();
        for value in document.keys {
            // A key that is not even an object with string members is unusable, not fatal.
            let Some(jwk) = Jwk::from_value(&value) else {
                continue;
            };
            let Some(kid) = jwk.kid.clone() else {
                continue;
            };
            let entry = match rsa_key(&jwk) {
                Ok(key) => Entry::Usable(Arc::new(key)),
                Err(reason) => Entry::Unusable(reason),
            };
            // Several keys may share a kid (RFC 7517 §4.5, e.g. one per key type): the one that can
            // verify RS256 is used; two different ones make the kid ambiguous, and unusable.
            match (keys.get(&kid), entry) {
                (None, entry) | (Some(Entry::Unusable(_)), entry @ Entry::Usable(_)) => {
                    keys.insert(kid, entry);
                }
                (Some(Entry::Usable(kept)), Entry::Usable(other)) if *kept != other => {
                    keys.insert(kid, Entry::Ambiguous);
                }
                _ => {}
            }
        }
        Ok(KeySet { keys })
    }

    fn lookup(&self, kid: &str) -> Lookup {
        match self.keys.get(kid) {
            Some(Entry::Usable(key)) => Lookup::Found(Arc::clone(key)),
            Some(Entry::Unusable(reason)) => Lookup::Unusable(reason.clone()),
            Some(Entry::Ambiguous) => Lookup::Unusable(
                "the JWKS has several different RS256 keys with this kid".to_owned(),
            ),
            None => Lookup::Missing,
        }
    }
}

fn rsa_key(jwk: &Jwk) -> Result<RsaKey, String> {
    if jwk.kty.as_deref() != Some("RSA") {
        return Err(format!(
            "kty is {:?}, not \"RSA\"",
            jwk.kty.as_deref().map(clip)
        ));
    }
    if let Some(alg) = jwk.alg.as_deref().filter(|alg| *alg != "RS256") {
        return Err(format!("alg is {:?}, not \"RS256\"", clip(alg)));
    }
    if let Some(use_) = jwk.use_.as_deref().filter(|use_| *use_ != "sig") {
        return Err(format!("use is {:?}, not \"sig\"", clip(use_)));
    }
    let decode = |name: &str, value: Option<&str>| -> Result<Vec<u8>, String> {
        let value = value.ok_or_else(|| format!("no `{name}`"))?;
        let bytes =
            decode_base64url(value).map_err(|e| format!("`{name}` is not base64url: {e}"))?;
        let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
        Ok(bytes[start..].to_vec())
    };
    let n = decode("n", jwk.n.as_deref())?;
    let e = decode("e", jwk.e.as_deref())?;
    let bits = match n.first() {
        Some(first) => n.len() * 8 - first.leading_zeros() as usize,
        None => 0,
    };
    if !(2048..=8192).contains(&bits) {
        return Err(format!("the modulus has {bits} bits, not 2048 to 8192"));
    }
    // 3 to 2^32 − 1 and odd, as RSA verification needs (ring refuses the others at verification;
    // here the key is refused by name, before any token meets it).
    let exponent_ok = match e.as_slice() {
        [] => false,
        [only] => *only >= 3 && only % 2 == 1,
        [.., last] => e.len() <= 4 && last % 2 == 1,
    };
    if !exponent_ok {
        return Err("the exponent is out of range (odd, 3 to 2^32 - 1)".to_owned());
    }
    Ok(RsaKey { n, e })
}

/// What the last fetches left behind; guarded by the fetch lock.
#[derive(Debug, Default)]
struct FetchState {
    /// No refetch before this instant.
    blocked_until: Option<Instant>,
    /// Why the last fetch failed, if it did.
    last_error: Option<String>,
}

/// How a [`JwksCache`] fetches.
#[derive(Debug)]
pub(crate) struct FetchSettings {
    pub(crate) http: SharedTransport,
    pub(crate) timeout: Duration,
    pub(crate) refetch_interval: Duration,
}

/// The cached JWKS of one URI.
#[derive(Debug)]
pub(crate) struct JwksCache {
    uri: String,
    /// The last JWKS fetched successfully. Never locked across an `.await`.
    keys: RwLock<Option<Arc<KeySet>>>,
    /// Held by the one task fetching (across the fetch), so that concurrent misses wait for it
    /// instead of fetching again. Only this cache's fetches wait on it: lookups of cached keys
    /// and other URIs never do.
    fetch: tokio::sync::Mutex<FetchState>,
    /// Fetches completed (successful or not). A task that sees it change while waiting for the
    /// fetch lock uses that fetch's outcome instead of fetching again.
    generation: AtomicU64,
}

impl JwksCache {
    pub(crate) fn new(uri: String) -> JwksCache {
        JwksCache {
            uri,
            keys: RwLock::new(None),
            fetch: tokio::sync::Mutex::new(FetchState::default()),
            generation: AtomicU64::new(0),
        }
    }

    pub(crate) fn uri(&self) -> &str {
        &self.uri
    }

    /// Caches `keys` as a successful fetch would, without fetching.
    pub(crate) fn install(&self, keys: Arc<KeySet>) {
        *self.keys.write().unwrap_or_else(|e| e.into_inner()) = Some(keys);
    }

    fn cached(&self) -> Option<Arc<KeySet>> {
        self.keys.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn lookup(&self, kid: &str) -> Lookup {
        match self.cached() {
            Some(keys) => keys.lookup(kid),
            None => Lookup::NotCached,
        }
    }

    /// The key `kid` from the cached JWKS only.
    pub(crate) fn cached_key(&self, kid: &str) -> Result<Arc<RsaKey>, JwtError> {
        self.outcome(kid, self.lookup(kid))
    }

    /// The key `kid`, fetching the JWKS when it is not cached or lacks `kid` (subject to the
    /// refetch interval).
    pub(crate) async fn key(
        &self,
        kid: &str,
        settings: &FetchSettings,
    ) -> Result<Arc<RsaKey>, JwtError> {
        if let Lookup::Found(key) = self.lookup(kid) {
            return Ok(key);
        }
        self.obtain(Some(kid), settings)
            .await
            .and_then(|found| found.ok_or_else(|| self.unknown_kid(kid)))
    }

    /// Fetches the JWKS unless it is cached.
    pub(crate) async fn hydrate(&self, settings: &FetchSettings) -> Result<(), JwtError> {
        if self.cached().is_some() {
            return Ok(());
        }
        self.obtain(None, settings).await.map(|_| ())
    }

    /// Under the fetch lock: use a fetch that completed while waiting, or fetch now if allowed.
    /// With a `kid`, returns its key; without, only makes sure some JWKS is cached.
    async fn obtain(
        &self,
        kid: Option<&str>,
        settings: &FetchSettings,
    ) -> Result<Option<Arc<RsaKey>>, JwtError> {
        let seen = self.generation.load(Ordering::Acquire);
        let mut state = self.fetch.lock().await;
        let fetched_meanwhile = self.generation.load(Ordering::Acquire) != seen;

        // The cache may have been filled between the caller's lookup and now.
        let current = match kid {
            Some(kid) => self.lookup(kid),
            None if self.cached().is_some() => return Ok(None),
            None => Lookup::NotCached,
        };
        if let Lookup::Found(key) = current {
            return Ok(Some(key));
        }
        let now = Instant::now();
        let blocked = state.blocked_until.is_some_and(|until| now < until);
        if fetched_meanwhile || blocked {
            // Someone else's fetch answered this request already, or a refetch is not allowed
            // yet: answer from what is cached.
            if fetched_meanwhile && !matches!(current, Lookup::NotCached) {
                state.blocked_until = Some(crate::primitives::saturating_add(
                    now,
                    settings.refetch_interval,
                ));
            }
            return self.give_up(kid, current, &state);
        }

        let result = self.download(settings).await;
        let now = Instant::now();
        match result {
            Ok(keys) => {
                let keys = Arc::new(keys);
                *self.keys.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::clone(&keys));
                state.last_error = None;
                self.generation.fetch_add(1, Ordering::AcqRel);
                let Some(kid) = kid else {
                    state.blocked_until = None;
                    return Ok(None);
                };
                let found = keys.lookup(kid);
                state.blocked_until = match found {
                    Lookup::Found(_) => None,
                    _ => Some(crate::primitives::saturating_add(
                        now,
                        settings.refetch_interval,
                    )),
                };
                self.outcome(kid, found).map(Some)
            }
            Err(reason) => {
                state.last_error = Some(reason.clone());
                state.blocked_until = Some(crate::primitives::saturating_add(
                    now,
                    settings.refetch_interval,
                ));
                self.generation.fetch_add(1, Ordering::AcqRel);
                Err(self.fetch_error(reason))
            }
        }
    }

    /// The answer when no fetch may happen: the cached key set decides, or the last error.
    fn give_up(
        &self,
        kid: Option<&str>,
        current: Lookup,
        state: &FetchState,
    ) -> Result<Option<Arc<RsaKey>>, JwtError> {
        match (current, kid) {
            (Lookup::NotCached, _) | (_, None) => Err(self.fetch_error(
                state.last_error.clone().unwrap_or_else(|| {
                    "the last fetch failed; the next is allowed after the refetch interval"
                        .to_owned()
                }),
            )),
            (found, Some(kid)) => self.outcome(kid, found).map(Some),
        }
    }

    fn outcome(&self, kid: &str, lookup: Lookup) -> Result<Arc<RsaKey>, JwtError> {
        match lookup {
            Lookup::Found(key) => Ok(key),
            Lookup::Unusable(reason) => Err(JwtError::UnsupportedKey {
                kid: clip(kid),
                reason,
            }),
            Lookup::Missing => Err(self.unknown_kid(kid)),
            Lookup::NotCached => Err(JwtError::JwksNotCached {
                jwks_uri: self.uri.clone(),
            }),
        }
    }

    fn unknown_kid(&self, kid: &str) -> JwtError {
        JwtError::UnknownKid {
            kid: clip(kid),
            jwks_uri: self.uri.clone(),
        }
    }

    fn fetch_error(&self, reason: String) -> JwtError {
        JwtError::JwksFetch {
            jwks_uri: self.uri.clone(),
            reason,
        }
    }

    /// GET the JWKS: status 200, at most [`MAX_JWKS_BYTES`], within the timeout.
    async fn download(&self, settings: &FetchSettings) -> Result<KeySet, String> {
        let request = async {
            let request = http::Request::get(self.uri.as_str())
                .header(http::header::ACCEPT, "application/json")
                .header(http::header::USER_AGENT, crate::transport::USER_AGENT)
                .body(bytes::Bytes::new())
                .map_err(|e| format!("invalid request: {e}"))?;
            let response =
                settings
                    .http
                    .send(request, MAX_JWKS_BYTES)
                    .await
                    .map_err(|e| match e.kind() {
                        HttpErrorKind::BodyTooLarge { .. } => {
                            format!("the body is larger than {MAX_JWKS_BYTES} bytes")
                        }
                        _ => crate::error::chain(&e),
                    })?;
            if response.status() != http::StatusCode::OK {
                return Err(format!("HTTP status {}", response.status().as_u16()));
            }
            if response.body().len() > MAX_JWKS_BYTES {
                return Err(format!("the body is larger than {MAX_JWKS_BYTES} bytes"));
            }
            KeySet::parse(response.body())
        };
        match tokio::time::timeout(settings.timeout, request).await {
            Ok(result) => result,
            Err(_) => Err(format!("no complete answer within {:?}", settings.timeout)),
        }
    }
}
