//! The client-credentials token cache: one token per app client and set of scopes, handed out until
//! shortly before it expires, then refreshed by one request while the other callers wait for it.
//!
//! Cognito bills every client-credentials token request, so an uncached machine-to-machine client
//! costs money with every call it makes.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use super::error::ManagedLoginError;
use super::token::ClientCredentialsToken;

/// How long before its expiry a cached token is replaced: 60 seconds, or half the token's lifetime
/// when that is shorter.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// The cache key: the app client and its scopes, sorted and without repeats (so that `a b` and `b a`
/// share a token).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct CacheKey {
    client_id: String,
    scopes: Vec<String>,
}

impl CacheKey {
    pub(crate) fn new(client_id: &str, scopes: &[String]) -> CacheKey {
        let mut scopes = scopes.to_vec();
        scopes.sort();
        scopes.dedup();
        CacheKey {
            client_id: client_id.to_owned(),
            scopes,
        }
    }

    pub(crate) fn scopes(&self) -> &[String] {
        &self.scopes
    }
}

/// One key's slot.
#[derive(Default)]
struct Slot {
    /// Held by the one caller fetching a token (across the request).
    state: tokio::sync::Mutex<SlotState>,
    /// Fetches completed, successful or not: a caller that sees it change while waiting for the lock
    /// takes that fetch's outcome instead of sending another request.
    generation: AtomicU64,
}

#[derive(Default)]
struct SlotState {
    token: Option<(Arc<ClientCredentialsToken>, Instant)>,
    last_error: Option<Arc<ManagedLoginError>>,
}

/// Client-credentials tokens by app client and scopes.
#[derive(Default)]
pub(crate) struct TokenCache {
    slots: Mutex<HashMap<CacheKey, Arc<Slot>>>,
    margin: Option<Duration>,
}

impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let keys = self.slots.lock().map(|s| s.len()).unwrap_or_default();
        f.debug_struct("TokenCache")
            .field("keys", &keys)
            .field("margin", &self.margin())
            .finish()
    }
}

impl TokenCache {
    pub(crate) fn new(margin: Option<Duration>) -> TokenCache {
        TokenCache {
            slots: Mutex::new(HashMap::new()),
            margin,
        }
    }

    fn margin(&self) -> Duration {
        self.margin.unwrap_or(DEFAULT_REFRESH_MARGIN)
    }

    fn slot(&self, key: &CacheKey) -> Arc<Slot> {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        Arc::clone(slots.entry(key.clone()).or_default())
    }

    /// Forgets the token of `key`, so that the next call fetches a new one (e.g. after the API it was
    /// sent to refused it).
    pub(crate) async fn invalidate(&self, key: &CacheKey) {
        let slot = self.slot(key);
        slot.state.lock().await.token = None;
    }

    /// The cached token of `key` while it is fresh; otherwise `fetch`es one, once for all the callers
    /// waiting.
    pub(crate) async fn get<F, Fut>(
        &self,
        key: &CacheKey,
        fetch: F,
    ) -> Result<Arc<ClientCredentialsToken>, ManagedLoginError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<ClientCredentialsToken, ManagedLoginError>>,
    {
        let slot = self.slot(key);
        let seen = slot.generation.load(Ordering::Acquire);
        let mut state = slot.state.lock().await;
        if let Some((token, refresh_at)) = &state.token {
            if Instant::now() < *refresh_at {
                return Ok(Arc::clone(token));
            }
        }
        if slot.generation.load(Ordering::Acquire) != seen {
            // A fetch finished while this caller waited, and left no fresh token: its error is ours.
            if let Some(error) = &state.last_error {
                return Err(ManagedLoginError::Shared(Arc::clone(error)));
            }
        }
        let fetched = fetch().await;
        slot.generation.fetch_add(1, Ordering::AcqRel);
        match fetched {
            Ok(token) => {
                let token = Arc::new(token);
                let refresh_at = self.refresh_at(&token);
                state.token = Some((Arc::clone(&token), refresh_at));
                state.last_error = None;
                Ok(token)
            }
            Err(error) => {
                let error = Arc::new(error);
                state.token = None;
                state.last_error = Some(Arc::clone(&error));
                Err(ManagedLoginError::Shared(error))
            }
        }
    }

    /// When to stop handing `token` out: its expiry less the margin (at most half its lifetime), on
    /// the monotonic clock.
    fn refresh_at(&self, token: &ClientCredentialsToken) -> Instant {
        let lifetime = token
            .expires_at()
            .duration_since(std::time::SystemTime::now())
            .unwrap_or_default();
        let margin = self.margin().min(lifetime / 2);
        Instant::now()
            + lifetime
                .saturating_sub(margin)
                .min(Duration::from_secs(86_400 * 365))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    fn token(lifetime: Duration) -> ClientCredentialsToken {
        ClientCredentialsToken::for_tests("t", lifetime)
    }

    #[tokio::test]
    async fn concurrent_callers_share_one_fetch() {
        let cache = Arc::new(TokenCache::new(None));
        let key = CacheKey::new("c", &["b".into(), "a".into(), "a".into()]);
        assert_eq!(key.scopes(), ["a", "b"]);
        let fetches = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..16 {
            let (cache, key, fetches) = (cache.clone(), key.clone(), fetches.clone());
            tasks.push(tokio::spawn(async move {
                cache
                    .get(&key, || async {
                        fetches.fetch_add(1, Ordering::SeqCst);
                        tokio::task::yield_now().await;
                        Ok(token(Duration::from_secs(3600)))
                    })
                    .await
            }));
        }
        for task in tasks {
            assert!(task.await.expect("task").is_ok());
        }
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
        // Other scopes: another token.
        let other = CacheKey::new("c", &["a".into()]);
        cache
            .get(&other, || async {
                fetches.fetch_add(1, Ordering::SeqCst);
                Ok(token(Duration::from_secs(3600)))
            })
            .await
            .expect("token");
        assert_eq!(fetches.load(Ordering::SeqCst), 2);
        cache.invalidate(&key).await;
        cache
            .get(&key, || async {
                fetches.fetch_add(1, Ordering::SeqCst);
                Ok(token(Duration::from_secs(3600)))
            })
            .await
            .expect("token");
        assert_eq!(fetches.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn a_token_near_expiry_is_replaced_and_failures_are_shared() {
        let cache = TokenCache::new(Some(Duration::from_secs(60)));
        let key = CacheKey::new("c", &[]);
        let fetches = AtomicUsize::new(0);
        for _ in 0..2 {
            cache
                .get(&key, || async {
                    fetches.fetch_add(1, Ordering::SeqCst);
                    // Shorter than twice the margin: replaced after half its lifetime.
                    Ok(token(Duration::from_secs(0)))
                })
                .await
                .expect("token");
        }
        assert_eq!(fetches.load(Ordering::SeqCst), 2);
        let failed = cache
            .get(&key, || async {
                Err(ManagedLoginError::InvalidConfig("boom".into()))
            })
            .await;
        assert!(matches!(failed, Err(ManagedLoginError::Shared(_))));
    }
}
