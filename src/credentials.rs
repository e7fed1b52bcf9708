//! AWS credentials for signing: the cache every credentials provider of a [`Config`](crate::Config)
//! goes through, and the error for credential sources this build cannot resolve.
//!
//! [`CredentialsCache`] wraps any [`ProvideCredentials`]. The credentials it gets are kept until shortly
//! before they expire ([`REFRESH_BEFORE_EXPIRY`], less for short-lived ones) or, without an expiry,
//! forever. When they must be fetched, one caller calls the provider and every concurrent caller waits for
//! that one result, so a provider is called once per expiry window however many calls run. Errors are
//! handed to the callers that waited for them and are not kept: the next call tries again.
//!
//! [`ConfigBuilder::credentials_provider`](crate::ConfigBuilder::credentials_provider) wraps what it is
//! given in a cache (unless it already is one), so there is nothing to set up:
//!
//! ```
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use aws_credential_types::provider::ProvideCredentials;
//! use cognito::credentials::CredentialsCache;
//!
//! let keys = cognito::Credentials::new("AKIDEXAMPLE", "secret", None, None, "example");
//! let config = cognito::Config::builder().region("us-east-1").credentials_provider(keys).build();
//! let cache: &CredentialsCache = config.credentials_provider().ok_or("no provider")?;
//! assert_eq!(cache.provide_credentials().await?.access_key_id(), "AKIDEXAMPLE");
//! # Ok(()) }
//! ```

use std::any::Any;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{future, ProvideCredentials, SharedCredentialsProvider};
use aws_credential_types::Credentials;
use tokio::sync::watch;

/// How long before their expiry cached credentials are fetched again. Credentials that live less than
/// twice as long are fetched again when half their lifetime (as seen when they arrived) has passed.
pub const REFRESH_BEFORE_EXPIRY: Duration = Duration::from_secs(5 * 60);

/// What a fetch hands to the callers that waited for it.
type Outcome = Result<Credentials, Arc<CredentialsError>>;

/// Reads the current time (replaced in tests).
type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// A credentials provider that caches what another provider gives, with one fetch at a time.
///
/// - Credentials are kept until [`REFRESH_BEFORE_EXPIRY`] before their expiry (for short-lived ones, until
///   half their lifetime has passed); credentials without an expiry are kept forever.
/// - When none are fresh, the first caller fetches and every caller that comes meanwhile waits for that
///   fetch and gets its result (single flight). Should the fetching call be dropped (cancelled, timed
///   out), one of the waiters fetches instead.
/// - An error goes to the fetching caller and to those that waited, and is not kept: the next call fetches
///   again. The fetching caller gets the provider's error itself when nobody waited; otherwise every
///   caller gets an error of the same kind whose [`source`](std::error::Error::source) is the provider's
///   error (shared), so the message chain is the same either way.
///
/// Clones share the cache. `Debug` shows whether credentials are cached and when they expire: never any
/// part of the credentials, nor the wrapped provider.
///
/// This crate's `cognito::identity::credentials::IdentityPoolCredentialsProvider` (feature `identity`)
/// already caches this way, and its logins can change under it (`set_logins`), which must take effect
/// on the next call: a cache made from it calls it directly instead of keeping credentials of its own.
#[derive(Clone)]
pub struct CredentialsCache {
    mode: Mode,
}

#[derive(Clone)]
enum Mode {
    Cached(Arc<Shared>),
    /// A provider that caches by itself with the same guarantees: called on every call.
    Direct(SharedCredentialsProvider),
}

struct Shared {
    provider: SharedCredentialsProvider,
    clock: Clock,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    cached: Option<Entry>,
    /// While a fetch runs: where its outcome will be published.
    fetch: Option<watch::Receiver<Option<Outcome>>>,
}

struct Entry {
    credentials: Credentials,
    /// When to fetch again; `None`: never.
    refresh_at: Option<SystemTime>,
}

impl Entry {
    fn new(credentials: Credentials, now: SystemTime) -> Entry {
        let refresh_at = credentials.expiry().map(|expiry| {
            let lifetime = expiry.duration_since(now).unwrap_or(Duration::ZERO);
            let buffer = REFRESH_BEFORE_EXPIRY.min(lifetime / 2);
            expiry.checked_sub(buffer).unwrap_or(now)
        });
        Entry {
            credentials,
            refresh_at,
        }
    }

    fn is_fresh(&self, now: SystemTime) -> bool {
        self.refresh_at.is_none_or(|at| now < at)
    }
}

impl CredentialsCache {
    /// A cache in front of `provider`.
    ///
    /// A `CredentialsCache` given here is returned as it is (its clone), not wrapped a second time.
    pub fn new(provider: impl ProvideCredentials + 'static) -> CredentialsCache {
        let any: &dyn Any = &provider;
        if let Some(cache) = any.downcast_ref::<CredentialsCache>() {
            return cache.clone();
        }
        #[cfg(feature = "identity")]
        if any.is::<crate::identity::credentials::IdentityPoolCredentialsProvider>() {
            return CredentialsCache {
                mode: Mode::Direct(SharedCredentialsProvider::new(provider)),
            };
        }
        Self::with_clock(provider, Arc::new(SystemTime::now))
    }

    fn with_clock(provider: impl ProvideCredentials + 'static, clock: Clock) -> CredentialsCache {
        CredentialsCache {
            mode: Mode::Cached(Arc::new(Shared {
                provider: SharedCredentialsProvider::new(provider),
                clock,
                state: Mutex::new(State::default()),
            })),
        }
    }

    /// Forgets the cached credentials: the next call fetches new ones (a fetch under way still finishes
    /// and is kept). For a provider called directly (the identity-pool provider), this does nothing: use
    /// that provider's own `invalidate`.
    pub fn invalidate(&self) {
        if let Mode::Cached(shared) = &self.mode {
            shared.state().cached = None;
        }
    }

    /// Credentials: the cached ones while fresh, else from the provider (see the type's documentation).
    ///
    /// # Errors
    /// The provider's error, as described for the type.
    pub async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        match &self.mode {
            Mode::Cached(shared) => shared.credentials().await,
            Mode::Direct(provider) => provider.provide_credentials().await,
        }
    }
}

enum Role {
    /// This caller fetches and publishes the outcome.
    Fetch(watch::Sender<Option<Outcome>>),
    /// Another caller fetches: wait for its outcome.
    Wait(watch::Receiver<Option<Outcome>>),
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        // The state is consistent after every statement, so a panic elsewhere cannot corrupt it.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        loop {
            let role = {
                let mut state = self.state();
                if let Some(entry) = &state.cached {
                    if entry.is_fresh((self.clock)()) {
                        return Ok(entry.credentials.clone());
                    }
                }
                match &state.fetch {
                    Some(receiver) => Role::Wait(receiver.clone()),
                    None => {
                        let (sender, receiver) = watch::channel(None);
                        state.fetch = Some(receiver);
                        Role::Fetch(sender)
                    }
                }
            };
            match role {
                Role::Fetch(sender) => return self.fetch(sender).await,
                Role::Wait(mut receiver) => {
                    // An error means the fetching caller was dropped before it finished: go round again,
                    // and one of the waiters fetches.
                    if let Ok(outcome) = receiver.wait_for(Option::is_some).await {
                        if let Some(outcome) = outcome.as_ref() {
                            return match outcome {
                                Ok(credentials) => Ok(credentials.clone()),
                                Err(error) => Err(shared_error(error)),
                            };
                        }
                    }
                }
            }
        }
    }

    /// Calls the provider, keeps what it gives, and publishes the outcome to the waiting callers.
    async fn fetch(
        &self,
        sender: watch::Sender<Option<Outcome>>,
    ) -> Result<Credentials, CredentialsError> {
        let mut guard = FetchGuard {
            shared: self,
            armed: true,
        };
        let result = self.provider.provide_credentials().await;
        let mut state = self.state();
        guard.armed = false;
        state.fetch = None;
        let outcome = match result {
            Ok(credentials) => {
                state.cached = Some(Entry::new(credentials.clone(), (self.clock)()));
                Ok(credentials)
            }
            Err(error) if sender.receiver_count() == 0 => {
                // Nobody waited: the error stays the provider's own.
                return Err(error);
            }
            Err(error) => Err(Arc::new(error)),
        };
        drop(state);
        let mine = match &outcome {
            Ok(credentials) => Ok(credentials.clone()),
            Err(error) => Err(shared_error(error)),
        };
        // No receiver left is fine: the waiters were dropped.
        let _ = sender.send(Some(outcome));
        mine
    }
}

/// Ends a fetch whose caller was dropped before the provider answered: the waiters then see the channel
/// closed and one of them fetches.
struct FetchGuard<'a> {
    shared: &'a Shared,
    /// Cleared once the fetch ended normally (its end clears the state itself, under the same lock).
    armed: bool,
}

impl Drop for FetchGuard<'_> {
    fn drop(&mut self) {
        if self.armed {
            self.shared.state().fetch = None;
        }
    }
}

/// An error of the same kind as `error`, with `error` as its source, for each caller of a failed fetch.
fn shared_error(error: &Arc<CredentialsError>) -> CredentialsError {
    let source = SharedError(Arc::clone(error));
    match &**error {
        CredentialsError::CredentialsNotLoaded(_) => CredentialsError::not_loaded(source),
        CredentialsError::ProviderTimedOut(timeout) => {
            CredentialsError::provider_timed_out(timeout.timeout_duration())
        }
        CredentialsError::InvalidConfiguration(_) => {
            CredentialsError::invalid_configuration(source)
        }
        CredentialsError::Unhandled(_) => CredentialsError::unhandled(source),
        _ => CredentialsError::provider_error(source),
    }
}

/// A provider error shared by the callers of one fetch. It reads as the error itself, which is its
/// source.
#[derive(Debug)]
struct SharedError(Arc<CredentialsError>);

impl fmt::Display for SharedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl std::error::Error for SharedError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.0)
    }
}

impl ProvideCredentials for CredentialsCache {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(self.credentials())
    }

    fn fallback_on_interrupt(&self) -> Option<Credentials> {
        match &self.mode {
            Mode::Cached(shared) => {
                let now = (shared.clock)();
                let state = shared.state();
                let entry = state.cached.as_ref()?;
                let unexpired = entry.credentials.expiry().is_none_or(|expiry| now < expiry);
                unexpired.then(|| entry.credentials.clone())
            }
            Mode::Direct(provider) => provider.fallback_on_interrupt(),
        }
    }
}

impl fmt::Debug for CredentialsCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("CredentialsCache");
        match &self.mode {
            Mode::Cached(shared) => {
                let state = shared.state();
                let cached = state.cached.as_ref();
                out.field("cached", &cached.is_some())
                    .field("expiry", &cached.and_then(|e| e.credentials.expiry()))
                    .field("refresh_at", &cached.and_then(|e| e.refresh_at))
                    .field("fetching", &state.fetch.is_some());
            }
            Mode::Direct(_) => {
                out.field("cached", &"by the provider");
            }
        }
        out.finish()
    }
}

/// A way of getting credentials that the AWS tools support and this build of the crate does not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CredentialSourceKind {
    /// Assuming an IAM role (`role_arn` with `source_profile` or `credential_source`).
    AssumeRole,
    /// A web identity token exchanged through STS (`web_identity_token_file`,
    /// `AWS_WEB_IDENTITY_TOKEN_FILE`; EKS IRSA).
    WebIdentity,
    /// An external command (`credential_process`).
    CredentialProcess,
    /// IAM Identity Center (`sso_session`, `sso_start_url`).
    Sso,
    /// The ECS or EKS Pod Identity container endpoint (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`,
    /// `AWS_CONTAINER_CREDENTIALS_FULL_URI`).
    Container,
}

impl fmt::Display for CredentialSourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CredentialSourceKind::AssumeRole => "assume-role",
            CredentialSourceKind::WebIdentity => "web identity (STS AssumeRoleWithWebIdentity)",
            CredentialSourceKind::CredentialProcess => "credential_process",
            CredentialSourceKind::Sso => "SSO (IAM Identity Center)",
            CredentialSourceKind::Container => "container (ECS / EKS Pod Identity)",
        })
    }
}

/// The configuration asks for credentials of a kind that [`Config::from_env_with`](crate::Config::from_env_with)
/// (and, without the crate's `aws-config` feature, [`Config::from_env`](crate::Config::from_env)) cannot
/// resolve.
///
/// It is what the credentials provider those functions install returns (as the source of a
/// [`CredentialsError::InvalidConfiguration`]) when a signed call needs credentials.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{origin} asks for {kind} credentials, which {}", HOW_TO_RESOLVE)]
pub struct UnsupportedCredentialSource {
    kind: CredentialSourceKind,
    origin: String,
}

#[cfg(not(feature = "aws-config"))]
const HOW_TO_RESOLVE: &str = "this build of the `cognito` crate cannot resolve: enable its \
     `aws-config` feature (Config::from_env then resolves them through aws-config), or provide static \
     keys (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or aws_access_key_id and aws_secret_access_key \
     in the profile)";
#[cfg(feature = "aws-config")]
const HOW_TO_RESOLVE: &str = "Config::from_env_with does not resolve: use Config::from_env, which \
     resolves them through aws-config (the `aws-config` feature is on)";

impl UnsupportedCredentialSource {
    pub(crate) fn new(kind: CredentialSourceKind, origin: String) -> Self {
        UnsupportedCredentialSource { kind, origin }
    }

    /// The kind of credentials asked for.
    pub fn kind(&self) -> CredentialSourceKind {
        self.kind
    }

    /// Where they are asked for: the profile and its keys, or the environment variable.
    pub fn origin(&self) -> &str {
        &self.origin
    }
}

/// A provider that always fails with an [`UnsupportedCredentialSource`]: it stands for credentials the
/// configuration asks for and this build cannot get, so that unsigned calls still work and signed ones
/// say why they cannot be signed.
#[derive(Clone, Debug)]
pub(crate) struct UnsupportedCredentialsProvider(pub(crate) UnsupportedCredentialSource);

impl ProvideCredentials for UnsupportedCredentialsProvider {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::ready(Err(CredentialsError::invalid_configuration(
            self.0.clone(),
        )))
    }
}

#[cfg(test)]
mod tests;
