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
use std::path::PathBuf;
use std::sync::Arc;

use aws_credential_types::provider::ProvideCredentials;
use aws_credential_types::Credentials;

use crate::credentials::CredentialsCache;

use crate::endpoint::ServiceId;
use crate::retry::RetryConfig;
use crate::timeout::Timeouts;

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
    http_client: Option<crate::http::HttpClient>,
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
    ///
    /// Missing files are not an error.
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
        let builder = env::load(&|name| std::env::var(name).ok())?;
        #[cfg(feature = "aws-config")]
        let builder = sdk::with_default_chains(builder).await?;
        Ok(builder.build())
    }

    /// [`Config::from_env`] with the environment given as a lookup function, e.g. a map in tests.
    ///
    /// The shared files are still read from disk, at the paths that `lookup` yields. Variables with empty
    /// values count as unset. This never consults aws-config, even with the `aws-config` feature: only
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

    /// The timeouts.
    pub fn timeouts(&self) -> Timeouts {
        self.inner.timeouts
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

    /// The HTTP client given with [`ConfigBuilder::http_client`], if any.
    pub(crate) fn http_client(&self) -> Option<&crate::http::HttpClient> {
        self.inner.http_client.as_ref()
    }
}

/// Builds a [`Config`]; get one from [`Config::builder`].
#[derive(Clone, Default)]
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

    /// Sets the timeouts (see [`Timeouts`] for the defaults).
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

    /// Uses this HTTP client (its pool and TLS settings) instead of one built from the timeouts. Its own
    /// connect timeout then applies. Clients made from configurations that share one `HttpClient` share
    /// its connection pool.
    pub fn http_client(mut self, client: crate::http::HttpClient) -> Self {
        self.settings.http_client = Some(client);
        self
    }

    /// Builds the configuration.
    ///
    /// Without [`http_client`](Self::http_client), it makes one HTTP client from the timeouts: every
    /// client made from this configuration (and its clones) then shares that one connection pool.
    pub fn build(mut self) -> Config {
        if self.settings.http_client.is_none() {
            // A failure (the platform TLS library refusing to start) is reported by the first call.
            self.settings.http_client = crate::http::HttpClient::builder()
                .connect_timeout(Some(self.settings.timeouts.connect))
                .build()
                .ok();
        }
        Config {
            inner: Arc::new(self.settings),
        }
    }
}

/// Why a configuration could not be loaded or used.
#[derive(Debug)]
#[non_exhaustive]
pub enum ConfigError {
    /// The profile named by `AWS_PROFILE` is in neither the shared config nor the credentials file.
    ProfileNotFound {
        /// The profile's name.
        profile: String,
    },
    /// Credentials are incomplete, such as an access key without its secret.
    InvalidCredentials(String),
    /// A shared config or credentials file exists but could not be read.
    Io {
        /// The file's path.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// An AWS endpoint is needed but no region is configured.
    MissingRegion {
        /// The service whose endpoint was being resolved.
        service: ServiceId,
    },
    /// The region is not a region name (only ASCII letters, digits and `-` are allowed).
    InvalidRegion {
        /// The rejected region.
        region: String,
    },
    /// An endpoint URL override is not a usable URL.
    InvalidEndpoint {
        /// The rejected URL.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A setting has a value outside those it accepts.
    InvalidValue {
        /// The setting: an environment variable or a profile key.
        setting: String,
        /// The rejected value.
        value: String,
        /// What is accepted.
        expected: &'static str,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::ProfileNotFound { profile } => write!(
                f,
                "AWS profile `{profile}` is not defined in the shared config file or the shared \
                 credentials file"
            ),
            ConfigError::InvalidCredentials(reason) => {
                write!(f, "invalid AWS credentials: {reason}")
            }
            ConfigError::Io { path, .. } => {
                write!(f, "cannot read AWS shared file `{}`", path.display())
            }
            ConfigError::MissingRegion { service } => write!(
                f,
                "no AWS region configured for {service}: set AWS_REGION, a `region` in the AWS \
                 profile, or ConfigBuilder::region"
            ),
            ConfigError::InvalidRegion { region } => write!(
                f,
                "invalid AWS region `{region}`: only ASCII letters, digits and `-` are allowed"
            ),
            ConfigError::InvalidEndpoint { url, reason } => {
                write!(f, "invalid endpoint URL `{url}`: {reason}")
            }
            ConfigError::InvalidValue {
                setting,
                value,
                expected,
            } => write!(
                f,
                "invalid value `{value}` for {setting}: expected {expected}"
            ),
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConfigError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests;
