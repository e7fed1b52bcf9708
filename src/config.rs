//! Client configuration: region, endpoints and credentials.
//!
//! A [`Config`] is built either by hand with [`Config::builder`], or from the environment and the
//! shared AWS files with [`Config::from_env`], which reads the same settings as the AWS CLI and the
//! official SDKs:
//!
//! ```no_run
//! # async fn demo() -> Result<(), cognito::ConfigError> {
//! let config = cognito::Config::from_env().await?;
//! let local = cognito::Config::builder()
//!     .region("us-east-1")
//!     .endpoint_url("http://127.0.0.1:9229")
//!     .build();
//! # Ok(()) }
//! ```

mod env;
mod profile;
#[cfg(feature = "aws-config")]
mod sdk;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use aws_credential_types::provider::ProvideCredentials;
use aws_credential_types::Credentials;

use crate::credentials::CredentialsCache;
pub use crate::error::ConfigError;
use crate::retry::RetryConfig;
use crate::service::ServiceId;
use crate::timeout::{Timeouts, DEFAULT_CONNECT_TIMEOUT};
use crate::transport::{HttpTransport, ReqwestTransport, SharedTransport};

/// Settings shared by every client: region, endpoint overrides, FIPS and credentials.
///
/// Cheap to clone (the data is behind an [`Arc`]). `Debug` never shows credentials.
#[derive(Clone, Default)]
pub struct Config {
    inner: Arc<Settings>,
}

/// The data of a [`Config`] or a [`ConfigBuilder`].
#[derive(Clone, Default)]
struct Settings {
    region: Option<String>,
    endpoint_url: Option<String>,
    service_endpoint_urls: Vec<(ServiceId, String)>,
    use_fips: bool,
    credentials_provider: Option<CredentialsCache>,
    timeouts: Timeouts,
    retry: RetryConfig,
    max_response_bytes: Option<usize>,
    app_name: Option<String>,
    transport: Option<SharedTransport>,
    /// The connect timeout of the transport, when the crate made its reqwest client (and so knows it).
    connect_timeout: Option<Duration>,
    /// Why the default HTTP client could not be built, reported by the first call.
    transport_error: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

/// The default limit on a response body: far above any Cognito response, far below trouble.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

impl Settings {
    fn debug_fields(&self, f: &mut fmt::Formatter<'_>, name: &str) -> fmt::Result {
        f.debug_struct(name)
            .field("region", &self.region)
            .field("endpoint_url", &self.endpoint_url)
            .field("service_endpoint_urls", &self.service_endpoint_urls)
            .field("use_fips", &self.use_fips)
            .field("timeouts", &self.timeouts)
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("app_name", &self.app_name)
            .field("transport", &self.transport)
            .field("connect_timeout", &self.connect_timeout)
            .field(
                "credentials_provider",
                &self.credentials_provider.as_ref().map(|_| "** redacted **"),
            )
            .finish()
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.debug_fields(f, "Config")
    }
}

impl Config {
    /// A builder for a configuration set by hand.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// A builder holding this configuration's settings, to change some of them.
    pub fn to_builder(&self) -> ConfigBuilder {
        ConfigBuilder {
            settings: Settings::clone(&self.inner),
        }
    }

    /// Reads the configuration from the process environment and the shared AWS files, as AWS tools do.
    ///
    /// - Profile: `AWS_PROFILE`, else `default`. Profiles come from the config file (`AWS_CONFIG_FILE`,
    ///   else `~/.aws/config`; sections `[default]` and `[profile NAME]`) and the credentials file
    ///   (`AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`; sections `[NAME]`), the credentials
    ///   file winning for a key set in both. The home directory is `HOME`, else `USERPROFILE`.
    /// - Region: `AWS_REGION`, else `AWS_DEFAULT_REGION`, else the profile's `region`.
    /// - Credentials: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`, else the
    ///   profile's `aws_access_key_id`, `aws_secret_access_key` and `aws_session_token`. Having none is
    ///   fine: operations that AWS serves unsigned still work.
    /// - Endpoints: `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`, `AWS_ENDPOINT_URL_COGNITO_IDENTITY` and
    ///   `AWS_ENDPOINT_URL_COGNITO_SYNC` for one service; `AWS_ENDPOINT_URL` for all; then the
    ///   profile's `services` section and its `endpoint_url`. `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`
    ///   (or the profile's `ignore_configured_endpoint_urls`) turns all of them off.
    /// - FIPS: `AWS_USE_FIPS_ENDPOINT`, else the profile's `use_fips_endpoint`.
    /// - Retries: `AWS_RETRY_MODE` (`standard`, `adaptive`; `legacy` reads as `standard`) and
    ///   `AWS_MAX_ATTEMPTS`, else the profile's `retry_mode` and `max_attempts` (see [`crate::retry`]).
    /// - The app name in the user agent: `AWS_SDK_UA_APP_ID`, else the profile's `sdk_ua_app_id`.
    ///
    /// Missing files are not an error.
    ///
    /// # No blocking on the runtime
    ///
    /// The shared files are read on tokio's blocking pool (`spawn_blocking`), not on the thread that
    /// polls this future: a slow disk or a hung network home directory holds up no other task. Outside a
    /// tokio runtime (another executor), they are read on the polling thread. With the `aws-config`
    /// feature, aws-config is handed the files' text, so that its loading reads neither of them either.
    /// ([`Config::from_env_with`] is the synchronous form, which reads them on the calling thread.)
    ///
    /// # Credentials the crate does not resolve by itself
    ///
    /// Without the crate's `aws-config` feature, only static keys are read. When there are none and the
    /// configuration asks for credentials of another kind — a profile with `role_arn` (`source_profile`,
    /// `credential_source`), `credential_process`, `sso_session` or `sso_start_url`, or
    /// `web_identity_token_file`; or the variables `AWS_WEB_IDENTITY_TOKEN_FILE`,
    /// `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` or `AWS_CONTAINER_CREDENTIALS_FULL_URI` — loading still
    /// succeeds, so that unsigned operations work, and the configuration gets a credentials provider that
    /// fails every time with an [`UnsupportedCredentialSource`](crate::credentials::UnsupportedCredentialSource)
    /// naming that kind and the feature. A signed call then ends with
    /// [`Error::Credentials`](crate::Error::Credentials) carrying that message, before anything is sent,
    /// instead of a generic "no credentials". Static keys, in the environment or in the profile, still win
    /// over all of these.
    ///
    /// With the `aws-config` feature, the credentials come from aws-config's default chain instead:
    /// the environment, the profile (static keys, assume-role with `source_profile` or
    /// `credential_source`, `credential_process`, SSO sessions, web identity), web identity from the
    /// environment (EKS IRSA), the ECS and EKS Pod Identity container endpoints, and EC2 instance metadata
    /// (IMDSv2). The configuration then always has a provider (the chain), which fails at signing time when
    /// no step yields credentials. The region is read as above, and only when that finds none does
    /// aws-config's region chain (which adds instance metadata) supply it: off EC2, set
    /// `AWS_EC2_METADATA_DISABLED=true` to skip the instance-metadata steps. Endpoints, FIPS and the checks
    /// of the settings stay as described above; the provider is behind a [`CredentialsCache`], so each
    /// source is asked once per expiry window of its credentials.
    ///
    /// # Errors
    /// A profile named by `AWS_PROFILE` that neither file defines, an access key without its secret
    /// (or the reverse), an invalid region, endpoint URL or boolean setting, and a shared file that
    /// exists but cannot be read.
    pub async fn from_env() -> Result<Config, ConfigError> {
        let lookup = |name: &str| std::env::var(name).ok();
        let (builder, _files) = env::load_async(&lookup).await?;
        #[cfg(feature = "aws-config")]
        let builder = sdk::with_default_chains(builder, _files).await?;
        Ok(builder.build())
    }

    /// [`Config::from_env`] with the environment given as a lookup function, e.g. a map in tests.
    ///
    /// The shared files are still read from disk, at the paths that `lookup` yields, on the calling thread:
    /// this blocks while they are read, so in async code call it from `tokio::task::spawn_blocking` (or
    /// before the runtime starts), or use [`Config::from_env`]. Variables with empty values count as
    /// unset. This never consults aws-config, even with the `aws-config` feature: only
    /// static keys are read, and credentials of other kinds get the failing provider described for
    /// [`Config::from_env`].
    ///
    /// # Errors
    /// As for [`Config::from_env`].
    pub fn from_env_with(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        env::load(lookup).map(ConfigBuilder::build)
    }

    /// The region, if one is set.
    pub fn region(&self) -> Option<&str> {
        self.inner.region.as_deref()
    }

    /// The endpoint URL override for every service, if one is set.
    pub fn endpoint_url(&self) -> Option<&str> {
        self.inner.endpoint_url.as_deref()
    }

    /// The endpoint URL override for `service`: its own if set, else the global one.
    pub fn endpoint_url_for(&self, service: ServiceId) -> Option<&str> {
        self.inner
            .service_endpoint_urls
            .iter()
            .find(|(s, _)| *s == service)
            .map(|(_, url)| url.as_str())
            .or_else(|| self.endpoint_url())
    }

    /// Whether FIPS endpoints are used (ignored when an endpoint URL override applies).
    pub fn use_fips(&self) -> bool {
        self.inner.use_fips
    }

    /// The credentials provider, if any: without one, requests are sent unsigned.
    ///
    /// It is always a [`CredentialsCache`], whatever provider was configured: calling it for every signed
    /// request is cheap, and the configured provider is called once per expiry window.
    pub fn credentials_provider(&self) -> Option<&CredentialsCache> {
        self.inner.credentials_provider.as_ref()
    }

    /// The timeouts the crate enforces (per attempt, per operation).
    pub fn timeouts(&self) -> Timeouts {
        self.inner.timeouts
    }

    /// The connect timeout of the HTTP client, when the crate made that client: with
    /// [`ConfigBuilder::build`]'s default client, [`DEFAULT_CONNECT_TIMEOUT`]; from an `SdkConfig`, its
    /// connect timeout. `None` with a client or transport of your own, which connects as it was set up
    /// to.
    pub fn connect_timeout(&self) -> Option<Duration> {
        self.inner.connect_timeout
    }

    /// The retry settings.
    pub fn retry(&self) -> &RetryConfig {
        &self.inner.retry
    }

    /// The largest response body accepted, in bytes.
    pub fn max_response_bytes(&self) -> usize {
        self.inner
            .max_response_bytes
            .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES)
    }

    /// The app name added to the `user-agent` of every request (`cognito-rs/0.1.0 app/NAME`), if set.
    pub fn app_name(&self) -> Option<&str> {
        self.inner.app_name.as_deref()
    }

    /// The transport every client of this configuration sends through: the one given with
    /// [`ConfigBuilder::transport`] or [`ConfigBuilder::http_client`], else the reqwest client
    /// [`ConfigBuilder::build`] made.
    ///
    /// # Errors
    /// When the default HTTP client could not be built (its TLS backend failed to start).
    pub(crate) fn transport(&self) -> Result<&SharedTransport, ConfigError> {
        match (&self.inner.transport, &self.inner.transport_error) {
            (Some(t), _) => Ok(t),
            (None, Some(e)) => Err(ConfigError::HttpClient(e.clone())),
            (None, None) => Err(ConfigError::HttpClient(Arc::new(std::io::Error::other(
                "no transport is configured",
            )))),
        }
    }
}

/// Builds a [`Config`]; get one from [`Config::builder`].
///
/// Each setting has one setter, and a later call replaces what an earlier one set. Setters take plain
/// values; [`no_credentials`](Self::no_credentials) is the one that unsets.
///
/// The HTTP client is one setting: the default one (made by [`build`](Self::build), connect timeout
/// [`DEFAULT_CONNECT_TIMEOUT`]), or yours ([`http_client`](Self::http_client),
/// [`transport`](Self::transport)) with everything it was built with, its connect timeout included.
/// The [`Timeouts`] are what the crate enforces around whichever client sends.
#[derive(Clone, Default)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct ConfigBuilder {
    settings: Settings,
}

impl fmt::Debug for ConfigBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.settings.debug_fields(f, "ConfigBuilder")
    }
}

impl ConfigBuilder {
    /// Sets the region, such as `us-east-1`: it picks the endpoint and signs requests.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.settings.region = Some(region.into());
        self
    }

    /// Sends every service's requests to `url` (for example a local emulator,
    /// `http://127.0.0.1:9229`) instead of the AWS endpoint.
    ///
    /// The URL is checked when a client resolves its endpoint: an `http` or `https` scheme and a host
    /// are required, a path prefix is allowed.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.settings.endpoint_url = Some(url.into());
        self
    }

    /// Sends `service`'s requests to `url`; this wins over [`ConfigBuilder::endpoint_url`].
    pub fn service_endpoint_url(mut self, service: ServiceId, url: impl Into<String>) -> Self {
        let url = url.into();
        let urls = &mut self.settings.service_endpoint_urls;
        match urls.iter_mut().find(|(s, _)| *s == service) {
            Some((_, existing)) => *existing = url,
            None => urls.push((service, url)),
        }
        self
    }

    /// Uses FIPS endpoints (`https://cognito-idp-fips.us-east-1.amazonaws.com`).
    pub fn use_fips(mut self, use_fips: bool) -> Self {
        self.settings.use_fips = use_fips;
        self
    }

    /// Signs requests with these fixed credentials.
    pub fn credentials(self, credentials: Credentials) -> Self {
        self.credentials_provider(credentials)
    }

    /// Signs requests with credentials from `provider` (any provider from the AWS ecosystem).
    ///
    /// The provider is put behind a [`CredentialsCache`] (unless it is one already): it is called once
    /// per expiry window of its credentials, however many calls run at once. This crate's
    /// `cognito::identity::credentials::IdentityPoolCredentialsProvider` (feature `identity`), which caches
    /// by itself, is called directly, so that changing its logins takes effect at once.
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.settings.credentials_provider = Some(CredentialsCache::new(provider));
        self
    }

    /// Removes the credentials: requests are then sent unsigned.
    pub fn no_credentials(mut self) -> Self {
        self.settings.credentials_provider = None;
        self
    }

    /// Sets the attempt and operation timeouts (see [`Timeouts`] for the defaults). The connect timeout
    /// is the HTTP client's (see [`DEFAULT_CONNECT_TIMEOUT`]).
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.settings.timeouts = timeouts;
        self
    }

    /// Sets the retry behaviour (default: [`RetryConfig::standard`]; [`RetryConfig::disabled`] turns retries
    /// off).
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.settings.retry = retry;
        self
    }

    /// Sets the largest response body accepted (default [`DEFAULT_MAX_RESPONSE_BYTES`]); a larger one ends
    /// the call with [`Error::Response`](crate::Error::Response) without being read into memory.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.settings.max_response_bytes = Some(limit);
        self
    }

    /// Names your application in the `user-agent` of every request (`cognito-rs/0.1.0 app/NAME`), as
    /// `AWS_SDK_UA_APP_ID` and the profile's `sdk_ua_app_id` do for the AWS SDKs. Characters outside
    /// ASCII letters, digits and ``!#$%&'*+-.^_`|~`` become `-`.
    pub fn app_name(mut self, name: impl Into<String>) -> Self {
        let name: String = name
            .into()
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c) {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        self.settings.app_name = Some(name).filter(|n| !n.is_empty());
        self
    }

    /// Sends requests with this [`reqwest::Client`]: its connection pool, proxies, TLS settings, root
    /// certificates, connect timeout, timeouts and default headers apply. Clients made from
    /// configurations that share one `reqwest::Client` share its pool.
    ///
    /// The default client with another connect timeout:
    ///
    /// ```no_run
    /// # fn demo() -> Result<(), reqwest::Error> {
    /// use std::time::Duration;
    /// let http = cognito::ReqwestTransport::default_client(Duration::from_secs(2))?;
    /// let config = cognito::Config::builder().region("eu-west-1").http_client(http).build();
    /// # Ok(()) }
    /// ```
    pub fn http_client(self, client: reqwest::Client) -> Self {
        self.transport(ReqwestTransport::new(client))
    }

    /// Sends requests through `transport` instead of the network: a test double, a mock, an in-process
    /// fake, or a transport of your own (see [`crate::transport`]). How it connects, and how long it
    /// waits to, is its own business; the [`Timeouts`] still bound each attempt and the operation.
    pub fn transport(mut self, transport: impl HttpTransport) -> Self {
        self.settings.transport = Some(Arc::new(transport));
        self.settings.connect_timeout = None;
        self.settings.transport_error = None;
        self
    }

    /// Makes the default reqwest client with `connect_timeout` the transport (a failure to build it is
    /// reported by the first call).
    pub(crate) fn default_transport(mut self, connect_timeout: Duration) -> Self {
        match ReqwestTransport::default_client(connect_timeout) {
            Ok(client) => {
                self = self.transport(ReqwestTransport::new(client));
                self.settings.connect_timeout = Some(connect_timeout);
            }
            Err(e) => {
                self.settings.transport = None;
                self.settings.connect_timeout = None;
                self.settings.transport_error = Some(Arc::new(e));
            }
        }
        self
    }

    /// Builds the configuration.
    ///
    /// Without [`http_client`](Self::http_client) or [`transport`](Self::transport), it makes one
    /// reqwest client ([`ReqwestTransport::default_client`] with [`DEFAULT_CONNECT_TIMEOUT`]): every
    /// client made from this configuration (and its clones) then shares that one connection pool.
    pub fn build(mut self) -> Config {
        if self.settings.transport.is_none() && self.settings.transport_error.is_none() {
            // A failure (the TLS backend refusing to start) is reported by the first call.
            self = self.default_transport(DEFAULT_CONNECT_TIMEOUT);
        }
        Config {
            inner: Arc::new(self.settings),
        }
    }
}

/// Checks that `region` can safely go into a host name and a credential scope: ASCII letters, digits and
/// `-`, not at either end, at most 63 characters.
pub(crate) fn validate_region(region: &str) -> Result<(), ConfigError> {
    let valid = !region.is_empty()
        && region.len() <= 63
        && region
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !region.starts_with('-')
        && !region.ends_with('-');
    if valid {
        Ok(())
    } else {
        Err(ConfigError::InvalidRegion {
            region: region.to_owned(),
        })
    }
}

/// Checks an endpoint URL override (with the `url` crate) and returns it normalised: scheme and host in
/// lower case, no trailing `/`.
///
/// The URL must be absolute with an `http` or `https` scheme and a host; a port and a path prefix are
/// allowed; user information, a query, a fragment, whitespace and control characters are not.
pub(crate) fn validate_endpoint_url(url: &str) -> Result<String, ConfigError> {
    let invalid = |reason: &str| ConfigError::InvalidEndpoint {
        url: url.to_owned(),
        reason: reason.to_owned(),
    };
    let trimmed = url.trim();
    if trimmed.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid("whitespace and control characters are not allowed"));
    }
    if trimmed.contains('#') {
        return Err(invalid("a fragment (`#...`) is not allowed"));
    }
    let Some((scheme, rest)) = trimmed.split_once("://") else {
        return Err(invalid(
            "the scheme is missing (expected http:// or https://)",
        ));
    };
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Err(ConfigError::InvalidEndpoint {
            url: url.to_owned(),
            reason: format!("the scheme must be http or https, not `{scheme}`"),
        });
    }
    // The WHATWG parser forgives what an endpoint must not have: `http:///x` (host `x`) and
    // `http://host:` (an empty port).
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    if authority.is_empty() || authority.starts_with(':') {
        return Err(invalid("the host is missing"));
    }
    if authority.ends_with(':') {
        return Err(invalid("the port is not a number from 0 to 65535"));
    }
    let parsed = url::Url::parse(trimmed).map_err(|e| ConfigError::InvalidEndpoint {
        url: url.to_owned(),
        reason: match e {
            url::ParseError::InvalidPort => "the port is not a number from 0 to 65535".to_owned(),
            url::ParseError::EmptyHost => "the host is missing".to_owned(),
            other => format!("not a valid URL: {other}"),
        },
    })?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(invalid("user information (`user@host`) is not allowed"));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(invalid("the host is missing"));
    }
    if parsed.query().is_some() {
        return Err(invalid("a query string (`?...`) is not allowed"));
    }
    Ok(parsed.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests;
