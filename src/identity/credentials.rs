//! AWS credentials from an identity pool, as an `aws_credential_types` credentials provider.
//!
//! [`IdentityPoolCredentialsProvider`] turns an Amazon Cognito identity pool into temporary AWS
//! credentials, the way the AWS mobile and browser SDKs do:
//!
//! 1. `GetId` gives the caller an identity in the pool (once: the identity id is kept);
//! 2. `GetCredentialsForIdentity` exchanges that identity, and the logins that prove who the user is, for
//!    temporary credentials of the pool's authenticated or unauthenticated role.
//!
//! Both operations are public (sent unsigned), so the provider needs no AWS credentials of its own: a
//! [`Config`] with a region (or an endpoint) is enough. Without logins the identity is unauthenticated
//! (the pool must allow that); with logins, such as a user-pool ID token, it is authenticated.
//!
//! The credentials are cached and fetched again shortly before they expire (see
//! [`IdentityPoolCredentialsProviderBuilder::refresh_buffer`]); concurrent callers share one fetch.
//! The provider plugs into any client that takes a
//! [`ProvideCredentials`], this crate's included:
//!
//! ```no_run
//! # async fn demo(id_token: String) -> Result<(), Box<dyn std::error::Error>> {
//! use cognito::identity::credentials::IdentityPoolCredentialsProvider;
//!
//! let base = cognito::Config::builder().region("us-east-1").build();
//! let provider = IdentityPoolCredentialsProvider::builder(&base, "us-east-1:1b2c3d4e-0000-4000-8000-000000000000")
//!     .with_user_pool_login("us-east-1", "us-east-1_Example", id_token)
//!     .build();
//! let signed = base.to_builder().credentials_provider(provider.clone()).build();
//! let identity = cognito::identity::Client::new(&signed);
//! let pool = identity
//!     .describe_identity_pool()
//!     .identity_pool_id(provider.identity_pool_id())
//!     .send()
//!     .await?;
//! println!("{:?}", pool.identity_pool_name);
//! # Ok(()) }
//! ```

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use zeroize::Zeroize;

use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{future, ProvideCredentials};
use aws_credential_types::Credentials;

use super::operation::{GetCredentialsForIdentityError, GetIdError};
use super::Client;
use crate::primitives::DateTime;
use crate::Config;

/// How long before their expiration the credentials are fetched again, unless set otherwise: 5 minutes.
pub const DEFAULT_REFRESH_BUFFER: Duration = Duration::from_secs(300);

/// The provider name the credentials carry (shown by their `Debug`).
pub const PROVIDER_NAME: &str = "CognitoIdentityPool";

const REDACTED: &str = "** redacted **";

/// The key of a user pool in a logins map: `cognito-idp.{region}.amazonaws.com/{user_pool_id}`.
///
/// Its value is an ID token that the user pool issued.
pub fn user_pool_login_provider(region: &str, user_pool_id: &str) -> String {
    format!("cognito-idp.{region}.amazonaws.com/{user_pool_id}")
}

/// Temporary AWS credentials from a Cognito identity pool, cached and refreshed before they expire.
///
/// Build one with [`IdentityPoolCredentialsProvider::builder`] (or [`IdentityPoolCredentialsProvider::new`]
/// for an unauthenticated identity). Clones share the identity, the logins and the cached credentials, so
/// a clone kept aside can switch the logins of a provider already given to a client
/// ([`set_logins`](Self::set_logins)).
///
/// `Debug` shows the identity pool, the logins' providers and the identity id; never a login token nor
/// any part of the credentials.
#[derive(Clone)]
pub struct IdentityPoolCredentialsProvider {
    inner: Arc<Inner>,
}

struct Inner {
    client: Client,
    identity_pool_id: String,
    account_id: Option<String>,
    custom_role_arn: Option<String>,
    refresh_buffer: Duration,
    state: Mutex<State>,
    /// Held by the one caller that fetches; the others wait on it, then read what it stored. Never held
    /// together with a guard of `state` across an `.await`.
    refresh: tokio::sync::Mutex<()>,
}

/// Logins (provider → token), whose tokens are wiped from memory when the map is dropped or replaced.
#[derive(Clone, Default)]
struct Logins(HashMap<String, String>);

impl Deref for Logins {
    type Target = HashMap<String, String>;

    fn deref(&self) -> &HashMap<String, String> {
        &self.0
    }
}

impl DerefMut for Logins {
    fn deref_mut(&mut self) -> &mut HashMap<String, String> {
        &mut self.0
    }
}

impl Drop for Logins {
    fn drop(&mut self) {
        for token in self.0.values_mut() {
            token.zeroize();
        }
    }
}

#[derive(Default)]
struct State {
    logins: Logins,
    identity_id: Option<String>,
    credentials: Option<Credentials>,
    /// Bumped whenever the logins change: what a fetch started before learns is not stored.
    generation: u64,
    /// Bumped whenever a fetch ends, so that a caller that waited for one knows it happened.
    fetches: u64,
    /// The error of the last fetch, with the generation it was made for, for callers that waited for it.
    last_error: Option<(u64, IdentityCredentialsError)>,
}

impl State {
    /// The cached credentials if they are good for longer than `buffer`.
    fn fresh(&self, now: SystemTime, buffer: Duration) -> Option<Credentials> {
        self.credentials
            .as_ref()
            .filter(|c| expires_after(c, now, buffer))
            .cloned()
    }

    /// The cached credentials if they have not expired yet.
    fn unexpired(&self, now: SystemTime) -> Option<Credentials> {
        self.credentials
            .as_ref()
            .filter(|c| expires_after(c, now, Duration::ZERO))
            .cloned()
    }
}

/// Whether `credentials` are still valid `buffer` after `now` (credentials without expiry always are).
fn expires_after(credentials: &Credentials, now: SystemTime, buffer: Duration) -> bool {
    match credentials.expiry() {
        None => true,
        Some(expiry) => now.checked_add(buffer).is_some_and(|limit| expiry > limit),
    }
}

impl IdentityPoolCredentialsProvider {
    /// A builder for a provider of credentials from the identity pool `identity_pool_id`
    /// (`us-east-1:1b2c3d4e-…`), calling `cognito-identity` as `config` says (region, endpoint, timeouts,
    /// retries; its credentials are not used).
    pub fn builder(
        config: &Config,
        identity_pool_id: impl Into<String>,
    ) -> IdentityPoolCredentialsProviderBuilder {
        IdentityPoolCredentialsProviderBuilder {
            config: config.clone(),
            identity_pool_id: identity_pool_id.into(),
            account_id: None,
            logins: Logins::default(),
            custom_role_arn: None,
            refresh_buffer: DEFAULT_REFRESH_BUFFER,
        }
    }

    /// A provider of credentials for an unauthenticated identity of `identity_pool_id`, with the default
    /// settings.
    pub fn new(config: &Config, identity_pool_id: impl Into<String>) -> Self {
        Self::builder(config, identity_pool_id).build()
    }

    /// The identity pool's id.
    pub fn identity_pool_id(&self) -> &str {
        &self.inner.identity_pool_id
    }

    /// How long before their expiration the credentials are fetched again.
    pub fn refresh_buffer(&self) -> Duration {
        self.inner.refresh_buffer
    }

    /// Whether logins are set, that is, whether the identity is an authenticated one.
    pub fn is_authenticated(&self) -> bool {
        !self.state().logins.is_empty()
    }

    /// The identity id, if `GetId` has given one since the logins were last set.
    pub fn cached_identity_id(&self) -> Option<String> {
        self.state().identity_id.clone()
    }

    /// The identity id, from `GetId` if none is cached yet.
    ///
    /// # Errors
    /// [`IdentityCredentialsError::GetId`] when `GetId` fails, [`IdentityCredentialsError::MissingField`]
    /// when its answer has no identity id.
    pub async fn identity_id(&self) -> Result<String, IdentityCredentialsError> {
        if let Some(id) = self.cached_identity_id() {
            return Ok(id);
        }
        let _fetching = self.inner.refresh.lock().await;
        let (logins, identity_id, generation) = self.snapshot();
        match identity_id {
            Some(id) => Ok(id),
            None => self.get_id(&logins, generation).await,
        }
    }

    /// Credentials, from the cache while they are good for longer than the refresh buffer, else fetched
    /// (`GetId` if no identity id is cached yet, then `GetCredentialsForIdentity`).
    ///
    /// Concurrent callers share one fetch. When a fetch fails while the cached credentials have not
    /// expired yet (they are within the refresh buffer), those are returned instead of the error.
    ///
    /// This is what [`ProvideCredentials::provide_credentials`] returns, with the error typed.
    ///
    /// # Errors
    /// An [`IdentityCredentialsError`] saying which call failed, or what its answer lacked.
    pub async fn credentials(&self) -> Result<Credentials, IdentityCredentialsError> {
        let buffer = self.inner.refresh_buffer;
        let fetches_seen = {
            let state = self.state();
            if let Some(credentials) = state.fresh(SystemTime::now(), buffer) {
                return Ok(credentials);
            }
            state.fetches
        };

        let _fetching = self.inner.refresh.lock().await;
        let (logins, identity_id, generation) = {
            let state = self.state();
            let now = SystemTime::now();
            if let Some(credentials) = state.fresh(now, buffer) {
                return Ok(credentials);
            }
            if state.fetches != fetches_seen {
                // A fetch ended while this caller waited: share its outcome rather than fetch again.
                if let Some(credentials) = state.unexpired(now) {
                    return Ok(credentials);
                }
                if let Some((generation, error)) = &state.last_error {
                    if *generation == state.generation {
                        return Err(error.clone());
                    }
                }
            }
            (
                state.logins.clone(),
                state.identity_id.clone(),
                state.generation,
            )
        };

        let result = self.fetch(logins, identity_id, generation).await;

        let mut state = self.state();
        state.fetches += 1;
        match result {
            Ok(credentials) => {
                if state.generation == generation {
                    state.credentials = Some(credentials.clone());
                    state.last_error = None;
                }
                Ok(credentials)
            }
            Err(error) => {
                state.last_error = Some((generation, error.clone()));
                match state.unexpired(SystemTime::now()) {
                    Some(credentials) if state.generation == generation => Ok(credentials),
                    _ => Err(error),
                }
            }
        }
    }

    /// Replaces the logins (an empty map makes the identity unauthenticated), and forgets the identity id
    /// and the cached credentials: the next call gets an identity and credentials for the new logins.
    /// The old tokens are wiped from memory.
    ///
    /// A fetch already under way finishes for its caller, but what it gets is not kept.
    pub fn set_logins(&self, logins: HashMap<String, String>) {
        let mut state = self.state();
        state.logins = Logins(logins);
        Self::forget_identity(&mut state);
    }

    /// Changes the logins in place, for example to add or replace one provider's token; then as
    /// [`set_logins`](Self::set_logins). Tokens that `update` removes or replaces are dropped by
    /// `update` itself, without being wiped: use [`set_logins`](Self::set_logins) for that.
    pub fn update_logins(&self, update: impl FnOnce(&mut HashMap<String, String>)) {
        let mut state = self.state();
        update(&mut state.logins);
        Self::forget_identity(&mut state);
    }

    /// After a change of logins: no identity id, no credentials, a new generation.
    fn forget_identity(state: &mut State) {
        state.identity_id = None;
        state.credentials = None;
        state.last_error = None;
        state.generation += 1;
    }

    /// Forgets the cached credentials (not the identity id): the next call fetches new ones.
    pub fn invalidate(&self) {
        let mut state = self.state();
        state.credentials = None;
        state.last_error = None;
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.inner
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Logins, identity id and generation, read together.
    fn snapshot(&self) -> (Logins, Option<String>, u64) {
        let state = self.state();
        (
            state.logins.clone(),
            state.identity_id.clone(),
            state.generation,
        )
    }

    /// `GetId` with `logins`; keeps the identity id unless the logins changed meanwhile.
    async fn get_id(
        &self,
        logins: &HashMap<String, String>,
        generation: u64,
    ) -> Result<String, IdentityCredentialsError> {
        let inner = &*self.inner;
        let output = inner
            .client
            .get_id()
            .identity_pool_id(&inner.identity_pool_id)
            .set_account_id(inner.account_id.clone())
            .set_logins(non_empty(logins))
            .send()
            .await
            .map_err(|e| IdentityCredentialsError::GetId(Arc::new(e)))?;
        let identity_id = output.identity_id.filter(|id| !id.is_empty()).ok_or(
            IdentityCredentialsError::MissingField {
                operation: "GetId",
                field: "IdentityId",
            },
        )?;
        let mut state = self.state();
        if state.generation == generation {
            state.identity_id = Some(identity_id.clone());
        }
        Ok(identity_id)
    }

    /// `GetId` if `identity_id` is `None`, then `GetCredentialsForIdentity`, with the logins of
    /// `generation`. Called with the refresh lock held.
    async fn fetch(
        &self,
        logins: Logins,
        identity_id: Option<String>,
        generation: u64,
    ) -> Result<Credentials, IdentityCredentialsError> {
        let identity_id = match identity_id {
            Some(id) => id,
            None => self.get_id(&logins, generation).await?,
        };
        let inner = &*self.inner;
        let output = inner
            .client
            .get_credentials_for_identity()
            .identity_id(&identity_id)
            .set_logins(non_empty(&logins))
            .set_custom_role_arn(inner.custom_role_arn.clone())
            .send()
            .await
            .map_err(|e| {
                if matches!(
                    e.service_error(),
                    Some(GetCredentialsForIdentityError::ResourceNotFoundException(_))
                ) {
                    // The identity is gone (deleted, or the pool was): get a new one next time.
                    let mut state = self.state();
                    if state.generation == generation
                        && state.identity_id.as_deref() == Some(identity_id.as_str())
                    {
                        state.identity_id = None;
                    }
                }
                IdentityCredentialsError::GetCredentialsForIdentity(Arc::new(e))
            })?;
        let missing = |field| IdentityCredentialsError::MissingField {
            operation: "GetCredentialsForIdentity",
            field,
        };
        let credentials = output.credentials.ok_or_else(|| missing("Credentials"))?;
        let access_key_id = credentials
            .access_key_id
            .filter(|s| !s.is_empty())
            .ok_or_else(|| missing("Credentials.AccessKeyId"))?;
        let secret_key = credentials
            .secret_key
            .filter(|s| !s.is_empty())
            .ok_or_else(|| missing("Credentials.SecretKey"))?;
        let session_token = credentials
            .session_token
            .filter(|s| !s.is_empty())
            .ok_or_else(|| missing("Credentials.SessionToken"))?;
        let expiration = credentials
            .expiration
            .ok_or_else(|| missing("Credentials.Expiration"))?;
        // An `Expiration` the platform's `SystemTime` cannot hold saturates at its earliest or latest
        // time (see `DateTime::to_system_time`): the answer is still used, and nothing panics.
        Ok(Credentials::new(
            access_key_id,
            secret_key,
            Some(session_token),
            Some(expiration.to_system_time()),
            PROVIDER_NAME,
        ))
    }
}

fn non_empty(logins: &HashMap<String, String>) -> Option<HashMap<String, String>> {
    (!logins.is_empty()).then(|| logins.clone())
}

impl ProvideCredentials for IdentityPoolCredentialsProvider {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(async move {
            self.credentials()
                .await
                .map_err(CredentialsError::provider_error)
        })
    }

    /// The cached credentials, if they have not expired.
    fn fallback_on_interrupt(&self) -> Option<Credentials> {
        self.state().unexpired(SystemTime::now())
    }
}

/// The logins' providers, with the tokens left out.
fn redacted_logins(logins: &HashMap<String, String>) -> BTreeMap<&str, &'static str> {
    logins.keys().map(|k| (k.as_str(), REDACTED)).collect()
}

impl fmt::Debug for IdentityPoolCredentialsProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state();
        let credentials = state.credentials.as_ref().map(|c| CachedCredentials {
            expiration: c.expiry().map(DateTime::from),
        });
        f.debug_struct("IdentityPoolCredentialsProvider")
            .field("identity_pool_id", &self.inner.identity_pool_id)
            .field("account_id", &self.inner.account_id)
            .field("logins", &redacted_logins(&state.logins))
            .field("custom_role_arn", &self.inner.custom_role_arn)
            .field("refresh_buffer", &self.inner.refresh_buffer)
            .field("identity_id", &state.identity_id)
            .field("credentials", &credentials)
            .finish()
    }
}

/// What `Debug` shows of cached credentials: when they expire, nothing else.
struct CachedCredentials {
    expiration: Option<DateTime>,
}

impl fmt::Debug for CachedCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("keys", &REDACTED)
            .field("expiration", &self.expiration)
            .finish()
    }
}

/// Builds an [`IdentityPoolCredentialsProvider`]; get one from [`IdentityPoolCredentialsProvider::builder`].
///
/// `Debug` leaves out the login tokens.
#[derive(Clone)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct IdentityPoolCredentialsProviderBuilder {
    config: Config,
    identity_pool_id: String,
    account_id: Option<String>,
    logins: Logins,
    custom_role_arn: Option<String>,
    refresh_buffer: Duration,
}

impl IdentityPoolCredentialsProviderBuilder {
    /// The AWS account that owns the identity pool (`GetId`'s `AccountId`; optional for Cognito).
    pub fn account_id(mut self, account_id: impl Into<String>) -> Self {
        self.account_id = Some(account_id.into());
        self
    }

    /// Adds a login: `provider` is the identity provider's name in the pool (such as
    /// `accounts.google.com`, or [`user_pool_login_provider`] for a user pool), `token` the token it
    /// issued. With logins the identity is authenticated.
    pub fn login(mut self, provider: impl Into<String>, token: impl Into<String>) -> Self {
        if let Some(mut replaced) = self.logins.insert(provider.into(), token.into()) {
            replaced.zeroize();
        }
        self
    }

    /// Replaces all the logins.
    pub fn logins(mut self, logins: HashMap<String, String>) -> Self {
        self.logins = Logins(logins);
        self
    }

    /// Adds the login of a user of the user pool `user_pool_id` in `region`, with the ID token that
    /// the user pool issued (`InitiateAuth`'s `IdToken`).
    pub fn with_user_pool_login(
        self,
        region: &str,
        user_pool_id: &str,
        id_token: impl Into<String>,
    ) -> Self {
        self.login(user_pool_login_provider(region, user_pool_id), id_token)
    }

    /// The role to assume among those the pool's rules allow (`GetCredentialsForIdentity`'s
    /// `CustomRoleArn`), for a pool whose role mappings offer a choice.
    pub fn custom_role_arn(mut self, role_arn: impl Into<String>) -> Self {
        self.custom_role_arn = Some(role_arn.into());
        self
    }

    /// How long before their expiration the credentials are fetched again (default
    /// [`DEFAULT_REFRESH_BUFFER`]). Credentials whose whole lifetime is shorter are fetched on every
    /// call.
    pub fn refresh_buffer(mut self, buffer: Duration) -> Self {
        self.refresh_buffer = buffer;
        self
    }

    /// Builds the provider. Nothing is called until credentials are asked for.
    pub fn build(self) -> IdentityPoolCredentialsProvider {
        IdentityPoolCredentialsProvider {
            inner: Arc::new(Inner {
                client: Client::new(&self.config),
                identity_pool_id: self.identity_pool_id,
                account_id: self.account_id,
                custom_role_arn: self.custom_role_arn,
                refresh_buffer: self.refresh_buffer,
                state: Mutex::new(State {
                    logins: self.logins,
                    ..State::default()
                }),
                refresh: tokio::sync::Mutex::new(()),
            }),
        }
    }
}

impl fmt::Debug for IdentityPoolCredentialsProviderBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdentityPoolCredentialsProviderBuilder")
            .field("config", &self.config)
            .field("identity_pool_id", &self.identity_pool_id)
            .field("account_id", &self.account_id)
            .field("logins", &redacted_logins(&self.logins))
            .field("custom_role_arn", &self.custom_role_arn)
            .field("refresh_buffer", &self.refresh_buffer)
            .finish()
    }
}

/// Why an [`IdentityPoolCredentialsProvider`] has no credentials to give.
///
/// Through [`ProvideCredentials`] it arrives as the source of a
/// [`CredentialsError::ProviderError`]; its own source is the failed call's [`Error`](crate::Error), so
/// the whole chain down to the service's exception can be walked with
/// [`std::error::Error::source`] and downcast. Cheap to clone (callers that shared a fetch share its
/// error).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum IdentityCredentialsError {
    /// `GetId` failed (for example `NotAuthorizedException` for an unauthenticated identity in a pool
    /// that does not allow them, or `ResourceNotFoundException` for an unknown pool).
    GetId(Arc<crate::Error<GetIdError>>),
    /// `GetCredentialsForIdentity` failed (for example `NotAuthorizedException` for an expired or
    /// invalid login token).
    GetCredentialsForIdentity(Arc<crate::Error<GetCredentialsForIdentityError>>),
    /// A successful answer lacked a member the provider needs.
    MissingField {
        /// The operation that answered.
        operation: &'static str,
        /// The missing member, as a path of model names (`Credentials.SessionToken`).
        field: &'static str,
    },
}

impl IdentityCredentialsError {
    /// The `GetId` error, if that is the call that failed.
    pub fn get_id_error(&self) -> Option<&crate::Error<GetIdError>> {
        match self {
            IdentityCredentialsError::GetId(e) => Some(e),
            _ => None,
        }
    }

    /// The `GetCredentialsForIdentity` error, if that is the call that failed.
    pub fn get_credentials_for_identity_error(
        &self,
    ) -> Option<&crate::Error<GetCredentialsForIdentityError>> {
        match self {
            IdentityCredentialsError::GetCredentialsForIdentity(e) => Some(e),
            _ => None,
        }
    }

    /// The service's error code (`NotAuthorizedException`), if a call failed with one.
    pub fn code(&self) -> Option<&str> {
        match self {
            IdentityCredentialsError::GetId(e) => e.code(),
            IdentityCredentialsError::GetCredentialsForIdentity(e) => e.code(),
            _ => None,
        }
    }
}

impl fmt::Display for IdentityCredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // What failed; why is the source (one message per layer).
            IdentityCredentialsError::GetId(_) => {
                f.write_str("identity pool credentials: GetId failed")
            }
            IdentityCredentialsError::GetCredentialsForIdentity(_) => {
                f.write_str("identity pool credentials: GetCredentialsForIdentity failed")
            }
            IdentityCredentialsError::MissingField { operation, field } => write!(
                f,
                "identity pool credentials: the {operation} response has no {field}"
            ),
        }
    }
}

impl std::error::Error for IdentityCredentialsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            IdentityCredentialsError::GetId(e) => Some(&**e),
            IdentityCredentialsError::GetCredentialsForIdentity(e) => Some(&**e),
            IdentityCredentialsError::MissingField { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provider() -> IdentityPoolCredentialsProvider {
        let config = Config::builder().region("us-east-1").build();
        IdentityPoolCredentialsProvider::builder(&config, "us-east-1:pool")
            .with_user_pool_login("us-east-1", "us-east-1_Pool", "id-token-secret")
            .build()
    }

    #[test]
    fn login_key_of_a_user_pool() {
        assert_eq!(
            user_pool_login_provider("eu-west-1", "eu-west-1_AbC"),
            "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC"
        );
    }

    #[test]
    fn debug_redacts_tokens_and_credentials() {
        let p = provider();
        p.state().credentials = Some(Credentials::new(
            "ASIAKEY",
            "secret-key",
            Some("session-token".into()),
            Some(SystemTime::UNIX_EPOCH + Duration::from_secs(2_000_000_000)),
            PROVIDER_NAME,
        ));
        let text = format!("{p:?}");
        for secret in ["id-token-secret", "ASIAKEY", "secret-key", "session-token"] {
            assert!(!text.contains(secret), "{secret} shows in {text}");
        }
        assert!(text.contains("cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool"));
        assert!(text.contains("2033-05-18T03:33:20Z"), "{text}");
    }

    #[test]
    fn update_logins_forgets_identity_and_credentials() {
        let p = provider();
        {
            let mut s = p.state();
            s.identity_id = Some("us-east-1:id".into());
            s.credentials = Some(Credentials::new("a", "b", None, None, PROVIDER_NAME));
        }
        assert!(p.is_authenticated());
        p.set_logins(HashMap::new());
        assert!(!p.is_authenticated());
        assert_eq!(p.cached_identity_id(), None);
        assert!(p.state().credentials.is_none());
        assert_eq!(p.state().generation, 1);
    }

    #[test]
    fn freshness_respects_the_buffer() {
        let now = SystemTime::now();
        let c = Credentials::new(
            "a",
            "b",
            None,
            Some(now + Duration::from_secs(60)),
            PROVIDER_NAME,
        );
        assert!(expires_after(&c, now, Duration::from_secs(59)));
        assert!(!expires_after(&c, now, Duration::from_secs(60)));
        assert!(expires_after(&c, now, Duration::ZERO));
    }
}
