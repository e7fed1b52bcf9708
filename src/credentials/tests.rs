//! Tests of [`CredentialsCache`]: one provider call per expiry window, refresh before expiry, errors not
//! cached, cancellation, redaction, and no double wrapping.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::UNIX_EPOCH;

use aws_credential_types::provider;

use super::*;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN";
const START: u64 = 1_800_000_000;

type Respond =
    Box<dyn Fn(usize) -> Pin<Box<dyn Future<Output = provider::Result> + Send>> + Send + Sync>;

/// A provider that counts its calls and answers with `respond(call number)` (1-based).
struct TestProvider {
    calls: Arc<AtomicUsize>,
    respond: Respond,
}

impl fmt::Debug for TestProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestProvider").finish_non_exhaustive()
    }
}

impl ProvideCredentials for TestProvider {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        future::ProvideCredentials::new((self.respond)(n))
    }
}

fn test_provider<F, Fut>(respond: F) -> (TestProvider, Arc<AtomicUsize>)
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = provider::Result> + Send + 'static,
{
    let calls = Arc::new(AtomicUsize::new(0));
    let provider = TestProvider {
        calls: Arc::clone(&calls),
        respond: Box::new(move |n| Box::pin(respond(n))),
    };
    (provider, calls)
}

/// A clock that tests move by hand, starting at [`START`].
#[derive(Clone)]
struct TestClock(Arc<AtomicU64>);

impl TestClock {
    fn new() -> TestClock {
        TestClock(Arc::new(AtomicU64::new(START)))
    }

    fn advance(&self, by: Duration) {
        self.0.fetch_add(by.as_secs(), Ordering::SeqCst);
    }

    fn now(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(self.0.load(Ordering::SeqCst))
    }

    fn cache(&self, provider: TestProvider) -> CredentialsCache {
        let clock = self.clone();
        CredentialsCache::with_clock(provider, Arc::new(move || clock.now()))
    }
}

/// Credentials numbered `n`, expiring at `expiry` (seconds since the epoch) if given.
fn keys(n: usize, expiry: Option<u64>) -> Credentials {
    Credentials::new(
        format!("AKID{n}"),
        format!("{SECRET}{n}"),
        Some(TOKEN.to_owned()),
        expiry.map(|s| UNIX_EPOCH + Duration::from_secs(s)),
        "test",
    )
}

async fn akid(cache: &CredentialsCache) -> String {
    cache
        .provide_credentials()
        .await
        .expect("credentials")
        .access_key_id()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_provider_call_per_expiry_window_under_64_concurrent_callers() {
    let clock = TestClock::new();
    let provider_clock = clock.clone();
    let (provider, calls) = test_provider(move |n| {
        // Valid for an hour from now.
        let expiry = provider_clock.0.load(Ordering::SeqCst) + 3600;
        async move {
            // Slow enough that every caller arrives while the fetch runs.
            tokio::time::sleep(Duration::from_millis(100)).await;
            Ok(keys(n, Some(expiry)))
        }
    });
    let cache = clock.cache(provider);

    for window in 1..=3 {
        let barrier = Arc::new(tokio::sync::Barrier::new(64));
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..64 {
            let cache = cache.clone();
            let barrier = Arc::clone(&barrier);
            tasks.spawn(async move {
                barrier.wait().await;
                akid(&cache).await
            });
        }
        let mut seen = Vec::new();
        while let Some(result) = tasks.join_next().await {
            seen.push(result.expect("task"));
        }
        assert_eq!(seen.len(), 64);
        assert!(
            seen.iter().all(|k| *k == format!("AKID{window}")),
            "{seen:?}"
        );
        assert_eq!(calls.load(Ordering::SeqCst), window);

        // Cached for the rest of the window.
        for _ in 0..10 {
            assert_eq!(akid(&cache).await, format!("AKID{window}"));
        }
        assert_eq!(calls.load(Ordering::SeqCst), window);

        // The next window.
        clock.advance(Duration::from_secs(3600 - 300));
    }
}

#[tokio::test]
async fn credentials_are_fetched_again_before_they_expire() {
    let clock = TestClock::new();
    let expiry = Arc::new(AtomicU64::new(START + 3600));
    let expiry_for_provider = Arc::clone(&expiry);
    let (provider, calls) = test_provider(move |n| {
        let expiry = expiry_for_provider.load(Ordering::SeqCst);
        async move { Ok(keys(n, Some(expiry))) }
    });
    let cache = clock.cache(provider);

    assert_eq!(akid(&cache).await, "AKID1");
    // Up to 5 minutes before the expiry, the cached ones.
    clock.advance(Duration::from_secs(3600 - 300 - 1));
    assert_eq!(akid(&cache).await, "AKID1");
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    // Then new ones, while the old ones are still valid.
    clock.advance(Duration::from_secs(1));
    expiry.store(START + 2 * 3600, Ordering::SeqCst);
    assert_eq!(akid(&cache).await, "AKID2");
    assert_eq!(calls.load(Ordering::SeqCst), 2);

    // Short-lived credentials (4 minutes) are kept for half their lifetime.
    let clock = TestClock::new();
    let (provider, calls) = test_provider(|n| async move { Ok(keys(n, Some(START + 240))) });
    let cache = clock.cache(provider);
    assert_eq!(akid(&cache).await, "AKID1");
    clock.advance(Duration::from_secs(119));
    assert_eq!(akid(&cache).await, "AKID1");
    clock.advance(Duration::from_secs(1));
    assert_eq!(akid(&cache).await, "AKID2");
    assert_eq!(calls.load(Ordering::SeqCst), 2);

    // Expired on arrival: handed out, never kept.
    let clock = TestClock::new();
    let (provider, calls) = test_provider(|n| async move { Ok(keys(n, Some(START - 10))) });
    let cache = clock.cache(provider);
    assert_eq!(akid(&cache).await, "AKID1");
    assert_eq!(akid(&cache).await, "AKID2");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert!(cache.fallback_on_interrupt().is_none());

    // Without an expiry: kept forever.
    let clock = TestClock::new();
    let (provider, calls) = test_provider(|n| async move { Ok(keys(n, None)) });
    let cache = clock.cache(provider);
    assert_eq!(akid(&cache).await, "AKID1");
    clock.advance(Duration::from_secs(100 * 365 * 86_400));
    assert_eq!(akid(&cache).await, "AKID1");
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(
        cache
            .fallback_on_interrupt()
            .map(|c| c.access_key_id().to_owned()),
        Some("AKID1".to_owned())
    );

    // `invalidate` forgets them.
    cache.invalidate();
    assert_eq!(akid(&cache).await, "AKID2");
}

#[tokio::test]
async fn errors_are_not_cached() {
    let clock = TestClock::new();
    let (provider, calls) = test_provider(|n| async move {
        match n {
            1 => Err(CredentialsError::provider_error("first call fails")),
            _ => Ok(keys(n, Some(START + 3600))),
        }
    });
    let cache = clock.cache(provider);
    let err = cache.provide_credentials().await.expect_err("first call");
    // Alone, the caller gets the provider's own error.
    assert!(matches!(err, CredentialsError::ProviderError(_)), "{err:?}");
    assert_eq!(
        std::error::Error::source(&err).map(ToString::to_string),
        Some("first call fails".to_owned())
    );
    assert_eq!(akid(&cache).await, "AKID2");
    assert_eq!(akid(&cache).await, "AKID2");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

/// Renders an error and all its sources.
fn chain(e: &dyn std::error::Error) -> Vec<String> {
    let mut out = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        out.push(s.to_string());
        source = s.source();
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_error_goes_to_every_waiting_caller_and_the_next_call_fetches_again() {
    let clock = TestClock::new();
    let (provider, calls) = test_provider(|n| async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        match n {
            1 => Err(CredentialsError::invalid_configuration("no such role")),
            _ => Ok(keys(n, Some(START + 3600))),
        }
    });
    let cache = clock.cache(provider);
    let barrier = Arc::new(tokio::sync::Barrier::new(16));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..16 {
        let cache = cache.clone();
        let barrier = Arc::clone(&barrier);
        tasks.spawn(async move {
            barrier.wait().await;
            cache.provide_credentials().await
        });
    }
    while let Some(result) = tasks.join_next().await {
        let err = result.expect("task").expect_err("the one fetch failed");
        assert!(
            matches!(err, CredentialsError::InvalidConfiguration(_)),
            "{err:?}"
        );
        // The provider's error is in the chain, with its message.
        let chain = chain(&err);
        assert_eq!(
            chain.last().map(String::as_str),
            Some("no such role"),
            "{chain:?}"
        );
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(akid(&cache).await, "AKID2");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_dropped_fetch_hands_over_to_a_waiting_caller() {
    let release = Arc::new(tokio::sync::Notify::new());
    let entered = Arc::new(tokio::sync::Notify::new());
    let (release_p, entered_p) = (Arc::clone(&release), Arc::clone(&entered));
    let (provider, calls) = test_provider(move |n| {
        let (release, entered) = (Arc::clone(&release_p), Arc::clone(&entered_p));
        async move {
            if n == 1 {
                entered.notify_one();
                // Never released: this call is abandoned.
                release.notified().await;
            }
            Ok(keys(n, None))
        }
    });
    let cache = CredentialsCache::new(provider);

    let first = tokio::spawn({
        let cache = cache.clone();
        async move { akid(&cache).await }
    });
    entered.notified().await;
    let second = tokio::spawn({
        let cache = cache.clone();
        async move { akid(&cache).await }
    });
    tokio::task::yield_now().await;
    // The second caller waits for the first one's fetch.
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert!(format!("{cache:?}").contains("fetching: true"));
    first.abort();
    assert!(first.await.is_err(), "aborted");
    let second = tokio::time::timeout(Duration::from_secs(5), second)
        .await
        .expect("the waiter is not stuck")
        .expect("task");
    assert_eq!(second, "AKID2");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    drop(release);
}

#[tokio::test]
async fn debug_never_shows_credentials() {
    let clock = TestClock::new();
    let (provider, _) = test_provider(|n| async move { Ok(keys(n, Some(START + 3600))) });
    let cache = clock.cache(provider);
    let before = format!("{cache:?}");
    assert!(before.contains("cached: false"), "{before}");
    assert_eq!(akid(&cache).await, "AKID1");
    for text in [format!("{cache:?}"), format!("{cache:#?}")] {
        assert!(text.contains("CredentialsCache"), "{text}");
        assert!(text.contains("cached: true"), "{text}");
        assert!(!text.contains(SECRET), "{text}");
        assert!(!text.contains(TOKEN), "{text}");
        assert!(!text.contains("AKID"), "{text}");
    }

    // Nor does a Config's.
    let config = crate::Config::builder()
        .credentials_provider(cache.clone())
        .build();
    let text = format!("{config:?}");
    assert!(!text.contains(SECRET) && !text.contains(TOKEN), "{text}");
}

#[tokio::test]
async fn a_cache_is_not_wrapped_twice() {
    let (provider, calls) = test_provider(|n| async move { Ok(keys(n, None)) });
    let cache = CredentialsCache::new(provider);
    let again = CredentialsCache::new(cache.clone());
    let (Mode::Cached(a), Mode::Cached(b)) = (&cache.mode, &again.mode) else {
        panic!("both cache");
    };
    assert!(Arc::ptr_eq(a, b));

    // Through a Config, and back into a builder.
    let config = crate::Config::builder()
        .credentials_provider(cache.clone())
        .build();
    let rebuilt = crate::Config::builder()
        .credentials_provider(config.credentials_provider().expect("provider").clone())
        .build();
    for config in [&config, &rebuilt] {
        let Some(CredentialsCache {
            mode: Mode::Cached(c),
        }) = config.credentials_provider()
        else {
            panic!("a cache");
        };
        assert!(Arc::ptr_eq(a, c));
    }
    assert_eq!(akid(&cache).await, "AKID1");
    assert_eq!(akid(&again).await, "AKID1");
    assert_eq!(
        akid(rebuilt.credentials_provider().expect("provider")).await,
        "AKID1"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_user_provider_given_to_the_config_is_cached() {
    let (provider, calls) = test_provider(|n| async move { Ok(keys(n, None)) });
    let config = crate::Config::builder()
        .credentials_provider(provider)
        .build();
    let cache = config.credentials_provider().expect("provider");
    for _ in 0..5 {
        assert_eq!(akid(cache).await, "AKID1");
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn unsupported_source_fails_with_its_message() {
    let source = UnsupportedCredentialSource::new(
        CredentialSourceKind::AssumeRole,
        "AWS profile `dev` (`role_arn`, `source_profile`)".to_owned(),
    );
    let cache = CredentialsCache::new(UnsupportedCredentialsProvider(source.clone()));
    for _ in 0..2 {
        let err = cache.provide_credentials().await.expect_err("fails");
        assert!(
            matches!(err, CredentialsError::InvalidConfiguration(_)),
            "{err:?}"
        );
        let inner = std::error::Error::source(&err)
            .and_then(|s| s.downcast_ref::<UnsupportedCredentialSource>())
            .expect("the source");
        assert_eq!(inner, &source);
        assert_eq!(inner.kind(), CredentialSourceKind::AssumeRole);
        let text = inner.to_string();
        assert!(text.contains("assume-role"), "{text}");
        assert!(text.contains("`aws-config`"), "{text}");
        assert!(text.contains("profile `dev`"), "{text}");
    }
}

#[test]
fn types_are_send_sync() {
    fn check<T: Send + Sync + Clone + fmt::Debug + 'static>() {}
    check::<CredentialsCache>();
    check::<UnsupportedCredentialSource>();
}
