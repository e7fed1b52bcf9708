//! The `aws-config` feature: credentials and region from aws-config's default chains for
//! [`Config::from_env`], and a configuration made from the official SDK's [`SdkConfig`].

use aws_config::BehaviorVersion;
use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
use aws_types::region::Region;
use aws_types::service_config::ServiceConfigKey;
use aws_types::SdkConfig;

use super::env::SharedFiles;
use super::validate_region;
use super::{Config, ConfigBuilder, ConfigError};
use crate::retry::RetryConfig;
use crate::service::ServiceId;
use crate::timeout::Timeouts;

/// Replaces the credentials of `builder` (as read from the environment by the crate itself) with
/// aws-config's default credentials chain, and fills in the region from aws-config's region chain when
/// the crate found none.
///
/// aws-config gets the text of the shared files (`files`, read off the runtime by the crate) instead of
/// their paths: its loader and its profile providers read files with blocking calls on the runtime's
/// thread, and so never read these.
pub(super) async fn with_default_chains(
    mut builder: ConfigBuilder,
    mut files: SharedFiles,
) -> Result<ConfigBuilder, ConfigError> {
    // Both kinds always (an absent file as empty text, as aws-config reads a missing file), so that the
    // set is never empty and never falls back to the files on disk.
    let profile_files = EnvConfigFiles::builder()
        .with_contents(
            EnvConfigFileKind::Config,
            files.config.take().unwrap_or_default(),
        )
        .with_contents(
            EnvConfigFileKind::Credentials,
            files.credentials.take().unwrap_or_default(),
        )
        .build();
    let mut loader = aws_config::defaults(BehaviorVersion::latest()).profile_files(profile_files);
    if let Some(region) = &builder.settings.region {
        // Known already: aws-config's region chain (instance metadata included) is not consulted, and its
        // credential providers that call STS use this region.
        loader = loader.region(Region::new(region.clone()));
    }
    let sdk = loader.load().await;
    if builder.settings.region.is_none() {
        if let Some(region) = sdk.region() {
            validate_region(region.as_ref())?;
            builder = builder.region(region.as_ref());
        }
    }
    match sdk.credentials_provider() {
        Some(provider) => builder = builder.credentials_provider(provider),
        None => builder = builder.no_credentials(),
    }
    Ok(builder)
}

impl Config {
    /// A configuration made from the official AWS SDK's shared configuration (feature `aws-config`), for
    /// an application that already loads one:
    ///
    /// ```no_run
    /// # async fn demo() {
    /// let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    /// let config = cognito::Config::from_sdk_config(&sdk);
    /// let idp = cognito::idp::Client::new(&config);
    /// # }
    /// ```
    ///
    /// Shorthand for `ConfigBuilder::from(sdk).build()`; the documentation of
    /// `impl From<&SdkConfig> for ConfigBuilder` says what is taken.
    pub fn from_sdk_config(sdk: &SdkConfig) -> Config {
        ConfigBuilder::from(sdk).build()
    }
}

/// Takes from an `SdkConfig` (feature `aws-config`):
///
/// - the region (checked when a client resolves its endpoint);
/// - the credentials provider, put behind a [`CredentialsCache`](crate::credentials::CredentialsCache);
/// - the endpoint URL: set in code (`SdkConfig::builder().endpoint_url(..)`), it applies to every
///   service; loaded by aws-config, each service's own (`AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`, a
///   profile's `services` section, …) wins over it, as in the official SDK's clients;
/// - FIPS (`use_fips`);
/// - the timeouts per attempt and per operation, each only when set; and the connect timeout, when set,
///   as that of the default HTTP client, which is then made here (a failure to make it is reported by
///   the first call, as [`ConfigBuilder::build`] does);
/// - the retry settings: the mode (standard or adaptive), maximum attempts, initial and maximum
///   backoff (with this crate's retry quota and, in adaptive mode, its rate limiter).
///
/// Not taken: the HTTP client, sleep and time source implementations, dual-stack, the identity cache and
/// the rest of what only the official SDK's clients use.
impl From<&SdkConfig> for ConfigBuilder {
    fn from(sdk: &SdkConfig) -> ConfigBuilder {
        let mut builder = ConfigBuilder::default();
        if let Some(region) = sdk.region() {
            builder = builder.region(region.as_ref());
        }
        if let Some(provider) = sdk.credentials_provider() {
            builder = builder.credentials_provider(provider);
        }

        let global = sdk.endpoint_url();
        if let Some(url) = global {
            builder = builder.endpoint_url(url);
        }
        if !sdk.get_origin("endpoint_url").is_client_config() {
            if let Some(service_config) = sdk.service_config() {
                for &service in ServiceId::ALL {
                    // `COGNITO_IDENTITY_PROVIDER`: aws-config derives the variable
                    // (`AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`) and the `services` key
                    // (`cognito_identity_provider`) from it.
                    let id = service.env_suffix().to_ascii_lowercase();
                    let Ok(key) = ServiceConfigKey::builder()
                        .service_id(&id)
                        .env("AWS_ENDPOINT_URL")
                        .profile("endpoint_url")
                        .build()
                    else {
                        continue;
                    };
                    if let Some(url) = service_config.load_config(key) {
                        if Some(url.as_str()) != global {
                            builder = builder.service_endpoint_url(service, url);
                        }
                    }
                }
            }
        }

        builder = builder.use_fips(sdk.use_fips().unwrap_or(false));

        if let Some(timeouts) = sdk.timeout_config() {
            // The connect timeout is the HTTP client's: the default client, made with this one.
            if let Some(connect) = timeouts.connect_timeout() {
                builder = builder.default_transport(connect);
            }
            let mut ours = Timeouts::default();
            if let Some(attempt) = timeouts.operation_attempt_timeout() {
                ours = ours.with_attempt(attempt);
            }
            if let Some(operation) = timeouts.operation_timeout() {
                ours = ours.with_operation(operation);
            }
            builder = builder.timeouts(ours);
        }

        if let Some(retry) = sdk.retry_config() {
            let ours = match retry.mode() {
                aws_smithy_types::retry::RetryMode::Adaptive => RetryConfig::adaptive(),
                _ => RetryConfig::standard(),
            };
            builder = builder.retry(
                ours.with_max_attempts(retry.max_attempts())
                    .with_initial_backoff(retry.initial_backoff())
                    .with_max_backoff(retry.max_backoff()),
            );
        }
        builder
    }
}
