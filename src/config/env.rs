//! Reading a [`ConfigBuilder`] from the environment and the shared AWS files, the way AWS tools do.

use std::path::{Path, PathBuf};

use aws_credential_types::Credentials;

use super::profile::{ProfileSet, Section};
use super::{validate_endpoint_url, validate_region};
use super::{ConfigBuilder, ConfigError};
use crate::credentials::{
    CredentialSourceKind, UnsupportedCredentialSource, UnsupportedCredentialsProvider,
};
use crate::service::ServiceId;

/// Looks up one environment variable.
pub(crate) type EnvLookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The value of an environment variable; an empty one counts as unset, as with AWS tools.
fn lookup(env: EnvLookup<'_>, name: &str) -> Option<String> {
    env(name)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// Where the shared config and credentials files are, as `env` says.
#[derive(Clone, Debug)]
pub(crate) struct SharedFilePaths {
    config: Option<PathBuf>,
    credentials: Option<PathBuf>,
}

/// The text of the shared files (`None` for a file that does not exist). It holds secret keys: `Debug`
/// says only which files were read, and the text is wiped when dropped.
#[derive(Default)]
pub(crate) struct SharedFiles {
    pub(crate) config: Option<String>,
    pub(crate) credentials: Option<String>,
}

impl std::fmt::Debug for SharedFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedFiles")
            .field("config", &self.config.as_ref().map(|_| "** redacted **"))
            .field(
                "credentials",
                &self.credentials.as_ref().map(|_| "** redacted **"),
            )
            .finish()
    }
}

impl Drop for SharedFiles {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        self.config.zeroize();
        self.credentials.zeroize();
    }
}

impl SharedFilePaths {
    /// The paths `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE` name, else those under `~/.aws/`.
    pub(crate) fn from_env(env: EnvLookup<'_>) -> SharedFilePaths {
        let var = |name: &str| lookup(env, name);
        let home = home_dir(&var);
        SharedFilePaths {
            config: file_path(var("AWS_CONFIG_FILE"), home.as_deref(), "config"),
            credentials: file_path(
                var("AWS_SHARED_CREDENTIALS_FILE"),
                home.as_deref(),
                "credentials",
            ),
        }
    }

    /// Reads both files on this thread (blocking).
    pub(crate) fn read_blocking(&self) -> Result<SharedFiles, ConfigError> {
        Ok(SharedFiles {
            config: self
                .config
                .as_deref()
                .map(read_optional)
                .transpose()?
                .flatten(),
            credentials: self
                .credentials
                .as_deref()
                .map(read_optional)
                .transpose()?
                .flatten(),
        })
    }

    /// Reads both files without blocking the async runtime: on tokio's blocking pool when a tokio
    /// runtime is running (the file system has no async interface; a file on a slow or hung network
    /// mount, or a named pipe, then stalls only that pool thread), else on this thread, which no
    /// runtime then shares.
    pub(crate) async fn read(self) -> Result<SharedFiles, ConfigError> {
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => Ok(SharedFiles {
                config: read_off_runtime(&runtime, self.config).await?,
                credentials: read_off_runtime(&runtime, self.credentials).await?,
            }),
            Err(_) => self.read_blocking(),
        }
    }
}

/// [`read_optional`] of `path` on the blocking pool of `runtime`.
async fn read_off_runtime(
    runtime: &tokio::runtime::Handle,
    path: Option<PathBuf>,
) -> Result<Option<String>, ConfigError> {
    let Some(path) = path else {
        return Ok(None);
    };
    let task = runtime.spawn_blocking({
        let path = path.clone();
        move || read_optional(&path)
    });
    match task.await {
        Ok(result) => result,
        // The read panicked (it does not) or the runtime is shutting down.
        Err(e) => Err(ConfigError::Io {
            path,
            source: std::io::Error::other(e.to_string()),
        }),
    }
}

/// Resolves region, endpoints, FIPS and credentials from `env` and the shared files it points to,
/// reading those files on this thread (blocking).
pub(crate) fn load(env: EnvLookup<'_>) -> Result<ConfigBuilder, ConfigError> {
    let files = SharedFilePaths::from_env(env).read_blocking()?;
    resolve(env, &files)
}

/// [`load`], with the shared files read off the async runtime ([`SharedFilePaths::read`]); also returns
/// their text, for aws-config.
pub(crate) async fn load_async(
    env: &(dyn Fn(&str) -> Option<String> + Sync),
) -> Result<(ConfigBuilder, SharedFiles), ConfigError> {
    let paths = SharedFilePaths::from_env(env);
    let files = paths.read().await?;
    let builder = resolve(env, &files)?;
    Ok((builder, files))
}

/// Resolves region, endpoints, FIPS and credentials from `env` and the text of the shared files.
pub(crate) fn resolve(
    env: EnvLookup<'_>,
    files: &SharedFiles,
) -> Result<ConfigBuilder, ConfigError> {
    let var = |name: &str| lookup(env, name);

    let explicit_profile = var("AWS_PROFILE");
    let profile_name = explicit_profile.as_deref().unwrap_or("default");
    let profiles = ProfileSet::parse(files.config.as_deref(), files.credentials.as_deref());

    let empty = Section::default();
    let profile = match profiles.profile(profile_name) {
        Some(profile) => profile,
        None if explicit_profile.is_some() => {
            return Err(ConfigError::ProfileNotFound {
                profile: profile_name.to_owned(),
            })
        }
        None => &empty,
    };
    let setting = |key: &str| format!("`{key}` in profile `{profile_name}`");

    let mut builder = ConfigBuilder::default();

    // Region.
    let region = var("AWS_REGION")
        .or_else(|| var("AWS_DEFAULT_REGION"))
        .or_else(|| profile.get("region").map(str::to_owned));
    if let Some(region) = region {
        validate_region(&region)?;
        builder = builder.region(region);
    }

    // FIPS.
    let use_fips = match var("AWS_USE_FIPS_ENDPOINT") {
        Some(value) => parse_bool(&value, "AWS_USE_FIPS_ENDPOINT")?,
        None => match profile.get("use_fips_endpoint") {
            Some(value) => parse_bool(value, &setting("use_fips_endpoint"))?,
            None => false,
        },
    };
    builder = builder.use_fips(use_fips);

    // ---- Retries (see `crate::retry`) -------------------------------------------------------------
    // `AWS_RETRY_MODE` / `retry_mode` and `AWS_MAX_ATTEMPTS` / `max_attempts`, each setting on its own:
    // the environment wins over the profile.
    let retry_mode = match var("AWS_RETRY_MODE") {
        Some(value) => Some(crate::retry::parse_retry_mode(&value, "AWS_RETRY_MODE")?),
        None => profile
            .get("retry_mode")
            .map(|value| crate::retry::parse_retry_mode(value, &setting("retry_mode")))
            .transpose()?,
    };
    let max_attempts = match var("AWS_MAX_ATTEMPTS") {
        Some(value) => Some(crate::retry::parse_max_attempts(
            &value,
            "AWS_MAX_ATTEMPTS",
        )?),
        None => profile
            .get("max_attempts")
            .map(|value| crate::retry::parse_max_attempts(value, &setting("max_attempts")))
            .transpose()?,
    };
    builder = builder.retry(crate::retry::RetryConfig::from_settings(
        retry_mode,
        max_attempts,
    ));
    // ---- end of retries ---------------------------------------------------------------------------

    // Endpoints. Precedence: AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, the profile's `[services]`
    // entry for the service, the profile's `endpoint_url`.
    let ignore_endpoints = match var("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") {
        Some(value) => parse_bool(&value, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")?,
        None => match profile.get("ignore_configured_endpoint_urls") {
            Some(value) => parse_bool(value, &setting("ignore_configured_endpoint_urls"))?,
            None => false,
        },
    };
    if !ignore_endpoints {
        let env_global = var("AWS_ENDPOINT_URL");
        let services = profile
            .get("services")
            .and_then(|name| profiles.services(name));
        for &service in ServiceId::ALL {
            let key = format!("AWS_ENDPOINT_URL_{}", service.env_suffix());
            let url = var(&key).or_else(|| {
                if env_global.is_some() {
                    return None;
                }
                let sub = service.env_suffix().to_ascii_lowercase();
                services?.get_sub(&sub, "endpoint_url").map(str::to_owned)
            });
            if let Some(url) = url {
                builder = builder.service_endpoint_url(service, validate_endpoint_url(&url)?);
            }
        }
        let global = env_global.or_else(|| profile.get("endpoint_url").map(str::to_owned));
        if let Some(url) = global {
            builder = builder.endpoint_url(validate_endpoint_url(&url)?);
        }
    }

    // The app name in the user agent.
    if let Some(app) =
        var("AWS_SDK_UA_APP_ID").or_else(|| profile.get("sdk_ua_app_id").map(str::to_owned))
    {
        builder = builder.app_name(app);
    }

    // Credentials: the environment, then the profile. None at all is fine; credentials of a kind that
    // only aws-config resolves get a provider that says so when a signed call needs them.
    let from_env = static_credentials(
        var("AWS_ACCESS_KEY_ID"),
        var("AWS_SECRET_ACCESS_KEY"),
        var("AWS_SESSION_TOKEN"),
        [
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
        ],
        "environment",
    )?;
    let credentials = match from_env {
        Some(credentials) => Some(credentials),
        None => static_credentials(
            profile.get("aws_access_key_id").map(str::to_owned),
            profile.get("aws_secret_access_key").map(str::to_owned),
            profile.get("aws_session_token").map(str::to_owned),
            [
                &setting("aws_access_key_id"),
                &setting("aws_secret_access_key"),
                &setting("aws_session_token"),
            ],
            "profile",
        )?,
    };
    match credentials {
        Some(credentials) => builder = builder.credentials(credentials),
        None => {
            if let Some(source) = unsupported_source(&var, profile, profile_name) {
                builder = builder.credentials_provider(UnsupportedCredentialsProvider(source));
            }
        }
    }

    Ok(builder)
}

/// Credentials that the profile or the environment asks for and that only aws-config resolves, in the
/// order of aws-config's default chain: the profile, then web identity and container credentials from
/// the environment.
fn unsupported_source(
    var: &dyn Fn(&str) -> Option<String>,
    profile: &Section,
    profile_name: &str,
) -> Option<UnsupportedCredentialSource> {
    use CredentialSourceKind::*;
    // (kind, keys that ask for it, keys named alongside when present)
    let profile_kinds: [(CredentialSourceKind, &[&str], &[&str]); 4] = [
        (WebIdentity, &["web_identity_token_file"], &["role_arn"]),
        (
            AssumeRole,
            &["role_arn", "source_profile", "credential_source"],
            &[],
        ),
        (
            Sso,
            &["sso_session", "sso_start_url"],
            &["sso_account_id", "sso_role_name"],
        ),
        (CredentialProcess, &["credential_process"], &[]),
    ];
    for (kind, triggers, related) in profile_kinds {
        if triggers.iter().any(|key| profile.get(key).is_some()) {
            let keys: Vec<String> = triggers
                .iter()
                .chain(related)
                .filter(|key| profile.get(key).is_some())
                .map(|key| format!("`{key}`"))
                .collect();
            return Some(UnsupportedCredentialSource::new(
                kind,
                format!("AWS profile `{profile_name}` ({})", keys.join(", ")),
            ));
        }
    }
    let env_kinds = [
        (WebIdentity, "AWS_WEB_IDENTITY_TOKEN_FILE"),
        (Container, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"),
        (Container, "AWS_CONTAINER_CREDENTIALS_FULL_URI"),
    ];
    env_kinds
        .into_iter()
        .find(|(_, name)| var(name).is_some())
        .map(|(kind, name)| {
            UnsupportedCredentialSource::new(kind, format!("the environment variable {name}"))
        })
}

/// Static credentials from an access key, a secret key and an optional session token; an error when
/// only some are given (`names` says where each came from, for the message).
fn static_credentials(
    access_key: Option<String>,
    secret_key: Option<String>,
    session_token: Option<String>,
    names: [&str; 3],
    provider_name: &'static str,
) -> Result<Option<Credentials>, ConfigError> {
    let [access_name, secret_name, token_name] = names;
    match (access_key, secret_key) {
        (Some(access_key), Some(secret_key)) => Ok(Some(Credentials::new(
            access_key,
            secret_key,
            session_token,
            None,
            provider_name,
        ))),
        (Some(_), None) => Err(ConfigError::InvalidCredentials(format!(
            "{access_name} is set but {secret_name} is not"
        ))),
        (None, Some(_)) => Err(ConfigError::InvalidCredentials(format!(
            "{secret_name} is set but {access_name} is not"
        ))),
        (None, None) if session_token.is_some() => Err(ConfigError::InvalidCredentials(format!(
            "{token_name} is set without {access_name} and {secret_name}"
        ))),
        (None, None) => Ok(None),
    }
}

/// `true` or `false`, in any case.
fn parse_bool(value: &str, setting: &str) -> Result<bool, ConfigError> {
    if value.eq_ignore_ascii_case("true") {
        Ok(true)
    } else if value.eq_ignore_ascii_case("false") {
        Ok(false)
    } else {
        Err(ConfigError::InvalidValue {
            setting: setting.to_owned(),
            value: value.to_owned(),
            expected: "`true` or `false`",
        })
    }
}

/// The home directory: `HOME`, else `USERPROFILE`, else `HOMEDRIVE` + `HOMEPATH`.
fn home_dir(var: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    var("HOME")
        .or_else(|| var("USERPROFILE"))
        .or_else(|| Some(format!("{}{}", var("HOMEDRIVE")?, var("HOMEPATH")?)))
        .map(PathBuf::from)
}

/// The path of a shared file: the explicit one (with a leading `~` expanded), else `~/.aws/<name>`.
fn file_path(explicit: Option<String>, home: Option<&Path>, name: &str) -> Option<PathBuf> {
    match explicit {
        Some(path) => {
            let rest = path.strip_prefix("~/").or_else(|| path.strip_prefix("~\\"));
            match (rest, home) {
                (Some(rest), Some(home)) => Some(home.join(rest)),
                _ if path == "~" => home.map(Path::to_path_buf),
                _ => Some(PathBuf::from(path)),
            }
        }
        None => home.map(|home| home.join(".aws").join(name)),
    }
}

/// The file's text, `None` when it doesn't exist; other failures are errors. Invalid UTF-8 is replaced.
fn read_optional(path: &Path) -> Result<Option<String>, ConfigError> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(ConfigError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}
