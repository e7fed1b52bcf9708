//! Tests of `Config`, its builder and `from_env_with`. The environment is always a map, never the
//! process environment; shared files are written under a fresh directory of the system temp dir.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use aws_credential_types::provider::ProvideCredentials;
use aws_credential_types::Credentials;

use super::*;

/// A directory removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!(
            "cognito-config-test-{}-{n}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn write(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.0.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    fn str(&self) -> String {
        self.0.to_str().unwrap().to_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Loads a config from exactly these variables.
fn load(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    Config::from_env_with(&move |name| map.get(name).cloned())
}

/// Loads a config with `home` as the home directory plus `vars`.
fn load_home(home: &TempDir, vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let home = home.str();
    let mut all = vec![("HOME", home.as_str())];
    all.extend_from_slice(vars);
    load(&all)
}

async fn credentials(config: &Config) -> Option<Credentials> {
    match config.credentials_provider() {
        Some(provider) => Some(provider.provide_credentials().await.unwrap()),
        None => None,
    }
}

const CONFIG: &str = "\
[default]
region = us-west-2
use_fips_endpoint = false

[profile dev]
region = eu-west-1
aws_access_key_id = CONFIG_AKID
aws_secret_access_key = CONFIG_SECRET
output = json

[profile local]
region = us-east-1
endpoint_url = http://127.0.0.1:9229/
services = emulators

[profile fips]
region = us-east-1
use_fips_endpoint = TRUE

[profile halfkey]
aws_access_key_id = ONLY_AKID

[profile ignoring]
endpoint_url = http://127.0.0.1:1
ignore_configured_endpoint_urls = true

[services emulators]
cognito_identity =
  endpoint_url = http://127.0.0.1:5000
cognito_sync =
  endpoint_url = http://127.0.0.1:6000
";

const CREDENTIALS: &str = "\
[default]
aws_access_key_id = DEFAULT_AKID
aws_secret_access_key = DEFAULT_SECRET

[dev]
aws_access_key_id = CREDS_AKID
aws_secret_access_key = CREDS_SECRET
aws_session_token = CREDS_TOKEN

[credsonly]
region = ap-south-1
";

fn home_with_files() -> TempDir {
    let home = TempDir::new();
    home.write(".aws/config", CONFIG);
    home.write(".aws/credentials", CREDENTIALS);
    home
}

#[tokio::test]
async fn nothing_configured_is_fine() {
    let home = TempDir::new();
    let config = load_home(&home, &[]).unwrap();
    assert_eq!(config.region(), None);
    assert_eq!(config.endpoint_url(), None);
    assert_eq!(config.endpoint_url_for(ServiceId::CognitoIdp), None);
    assert!(!config.use_fips());
    assert!(credentials(&config).await.is_none());

    // No home at all either.
    let config = load(&[]).unwrap();
    assert_eq!(config.region(), None);
    assert!(config.credentials_provider().is_none());
}

#[tokio::test]
async fn default_profile_from_home() {
    let home = home_with_files();
    let config = load_home(&home, &[]).unwrap();
    assert_eq!(config.region(), Some("us-west-2"));
    let creds = credentials(&config).await.unwrap();
    assert_eq!(creds.access_key_id(), "DEFAULT_AKID");
    assert_eq!(creds.secret_access_key(), "DEFAULT_SECRET");
    assert_eq!(creds.session_token(), None);
}

#[tokio::test]
async fn named_profile_and_credentials_file_precedence() {
    let home = home_with_files();
    let config = load_home(&home, &[("AWS_PROFILE", "dev")]).unwrap();
    assert_eq!(config.region(), Some("eu-west-1"));
    let creds = credentials(&config).await.unwrap();
    assert_eq!(creds.access_key_id(), "CREDS_AKID");
    assert_eq!(creds.secret_access_key(), "CREDS_SECRET");
    assert_eq!(creds.session_token(), Some("CREDS_TOKEN"));

    // A profile only in the credentials file exists too.
    let config = load_home(&home, &[("AWS_PROFILE", "credsonly")]).unwrap();
    assert_eq!(config.region(), Some("ap-south-1"));
    assert!(config.credentials_provider().is_none());
}

#[test]
fn missing_named_profile_is_an_error() {
    let home = home_with_files();
    let err = load_home(&home, &[("AWS_PROFILE", "nope")]).unwrap_err();
    assert!(
        matches!(&err, ConfigError::ProfileNotFound { profile } if profile == "nope"),
        "{err:?}"
    );
    assert!(err.to_string().contains("`nope`"), "{err}");

    // Even with no files at all.
    let empty = TempDir::new();
    let err = load_home(&empty, &[("AWS_PROFILE", "default")]).unwrap_err();
    assert!(
        matches!(err, ConfigError::ProfileNotFound { .. }),
        "{err:?}"
    );

    // A `[name]` section of the config file is not a profile (only of the credentials file).
    let home = TempDir::new();
    home.write(".aws/config", "[dev]\nregion = x\n");
    assert!(load_home(&home, &[("AWS_PROFILE", "dev")]).is_err());

    // An empty AWS_PROFILE counts as unset.
    assert!(load_home(&empty, &[("AWS_PROFILE", "")]).is_ok());
}

#[test]
fn region_precedence() {
    let home = home_with_files();
    let region =
        |vars: &[(&str, &str)]| load_home(&home, vars).unwrap().region().map(str::to_owned);
    assert_eq!(region(&[]).as_deref(), Some("us-west-2"));
    assert_eq!(
        region(&[("AWS_DEFAULT_REGION", "eu-north-1")]).as_deref(),
        Some("eu-north-1")
    );
    assert_eq!(
        region(&[
            ("AWS_DEFAULT_REGION", "eu-north-1"),
            ("AWS_REGION", "sa-east-1")
        ])
        .as_deref(),
        Some("sa-east-1")
    );
    assert_eq!(
        region(&[("AWS_DEFAULT_REGION", "eu-north-1"), ("AWS_REGION", "  ")]).as_deref(),
        Some("eu-north-1")
    );
    assert_eq!(
        region(&[("AWS_REGION", " me-south-1 ")]).as_deref(),
        Some("me-south-1")
    );

    let err = load_home(&home, &[("AWS_REGION", "us-east-1.evil.com")]).unwrap_err();
    assert!(matches!(err, ConfigError::InvalidRegion { .. }), "{err:?}");
}

#[tokio::test]
async fn environment_credentials_win() {
    let home = home_with_files();
    let config = load_home(
        &home,
        &[
            ("AWS_PROFILE", "dev"),
            ("AWS_ACCESS_KEY_ID", "ENV_AKID"),
            ("AWS_SECRET_ACCESS_KEY", "ENV_SECRET"),
            ("AWS_SESSION_TOKEN", "ENV_TOKEN"),
        ],
    )
    .unwrap();
    let creds = credentials(&config).await.unwrap();
    assert_eq!(creds.access_key_id(), "ENV_AKID");
    assert_eq!(creds.secret_access_key(), "ENV_SECRET");
    assert_eq!(creds.session_token(), Some("ENV_TOKEN"));
    // The region still comes from the profile.
    assert_eq!(config.region(), Some("eu-west-1"));

    // Without a session token.
    let config = load(&[
        ("AWS_ACCESS_KEY_ID", "A"),
        ("AWS_SECRET_ACCESS_KEY", "S"),
        ("AWS_SESSION_TOKEN", ""),
    ])
    .unwrap();
    let creds = credentials(&config).await.unwrap();
    assert_eq!(creds.access_key_id(), "A");
    assert_eq!(creds.session_token(), None);
}

#[test]
fn partial_credentials_are_errors() {
    let cases: &[&[(&str, &str)]] = &[
        &[("AWS_ACCESS_KEY_ID", "A")],
        &[("AWS_SECRET_ACCESS_KEY", "TOPSECRET")],
        &[("AWS_SESSION_TOKEN", "TOPTOKEN")],
        &[
            ("AWS_ACCESS_KEY_ID", "A"),
            ("AWS_SECRET_ACCESS_KEY", ""),
            ("AWS_SESSION_TOKEN", "TOPTOKEN"),
        ],
    ];
    for vars in cases {
        let err = load(vars).unwrap_err();
        assert!(
            matches!(err, ConfigError::InvalidCredentials(_)),
            "{vars:?}: {err:?}"
        );
        let message = format!("{err} {err:?}");
        assert!(
            !message.contains("TOPSECRET") && !message.contains("TOPTOKEN"),
            "{message}"
        );
    }

    let home = home_with_files();
    let err = load_home(&home, &[("AWS_PROFILE", "halfkey")]).unwrap_err();
    assert!(
        matches!(&err, ConfigError::InvalidCredentials(m) if m.contains("halfkey") && m.contains("aws_secret_access_key")),
        "{err:?}"
    );
    assert!(!err.to_string().contains("ONLY_AKID"), "{err}");
}

#[tokio::test]
async fn file_paths_from_environment() {
    let dir = TempDir::new();
    let config_path = dir.write("elsewhere/cfg", "[profile p]\nregion = ca-central-1\n");
    let creds_path = dir.write(
        "elsewhere/creds",
        "[p]\naws_access_key_id = P_AKID\naws_secret_access_key = P_SECRET\n",
    );
    let home = home_with_files();
    let config = load_home(
        &home,
        &[
            ("AWS_PROFILE", "p"),
            ("AWS_CONFIG_FILE", config_path.to_str().unwrap()),
            ("AWS_SHARED_CREDENTIALS_FILE", creds_path.to_str().unwrap()),
        ],
    )
    .unwrap();
    assert_eq!(config.region(), Some("ca-central-1"));
    assert_eq!(
        credentials(&config).await.unwrap().access_key_id(),
        "P_AKID"
    );

    // `~/` expands to the home directory.
    let config = load_home(
        &dir,
        &[("AWS_PROFILE", "p"), ("AWS_CONFIG_FILE", "~/elsewhere/cfg")],
    )
    .unwrap();
    assert_eq!(config.region(), Some("ca-central-1"));

    // Explicit paths that don't exist are fine too.
    let config = load_home(
        &home,
        &[
            ("AWS_CONFIG_FILE", "/nonexistent/cognito/config"),
            (
                "AWS_SHARED_CREDENTIALS_FILE",
                "/nonexistent/cognito/credentials",
            ),
        ],
    )
    .unwrap();
    assert_eq!(config.region(), None);
    assert!(config.credentials_provider().is_none());
}

#[test]
fn userprofile_is_the_fallback_home() {
    let home = home_with_files();
    let config = load(&[("USERPROFILE", &home.str())]).unwrap();
    assert_eq!(config.region(), Some("us-west-2"));
    // HOME wins.
    let other = TempDir::new();
    let config = load(&[("HOME", &other.str()), ("USERPROFILE", &home.str())]).unwrap();
    assert_eq!(config.region(), None);
}

#[test]
fn unreadable_file_is_an_io_error() {
    let dir = TempDir::new();
    let err = load_home(&dir, &[("AWS_CONFIG_FILE", &dir.str())]).unwrap_err();
    match &err {
        ConfigError::Io { path, .. } => assert_eq!(path, dir.path()),
        other => panic!("{other:?}"),
    }
    assert!(std::error::Error::source(&err).is_some());
}

#[test]
fn endpoints_from_environment_and_profile() {
    let home = home_with_files();

    // The profile's `endpoint_url` and its `[services]` section.
    let config = load_home(&home, &[("AWS_PROFILE", "local")]).unwrap();
    assert_eq!(config.endpoint_url(), Some("http://127.0.0.1:9229"));
    assert_eq!(
        config.endpoint_url_for(ServiceId::CognitoIdp),
        Some("http://127.0.0.1:9229")
    );
    assert_eq!(
        config.endpoint_url_for(ServiceId::CognitoIdentity),
        Some("http://127.0.0.1:5000")
    );
    assert_eq!(
        config.endpoint_url_for(ServiceId::CognitoSync),
        Some("http://127.0.0.1:6000")
    );

    // AWS_ENDPOINT_URL beats the profile, including its `[services]` section.
    let config = load_home(
        &home,
        &[
            ("AWS_PROFILE", "local"),
            ("AWS_ENDPOINT_URL", "http://localhost:4566/"),
        ],
    )
    .unwrap();
    assert_eq!(config.endpoint_url(), Some("http://localhost:4566"));
    for &service in ServiceId::ALL {
        assert_eq!(
            config.endpoint_url_for(service),
            Some("http://localhost:4566")
        );
    }

    let bad_services = TempDir::new();
    bad_services.write(
        ".aws/config",
        "[default]\nservices = s\n[services s]\ncognito_sync =\n  endpoint_url = ftp://x\n",
    );
    let config = load_home(&bad_services, &[("AWS_ENDPOINT_URL", "http://g")]).unwrap();
    assert_eq!(
        config.endpoint_url_for(ServiceId::CognitoSync),
        Some("http://g")
    );

    // A service-specific variable beats everything for its service.
    let config = load_home(
        &home,
        &[
            ("AWS_PROFILE", "local"),
            ("AWS_ENDPOINT_URL", "http://localhost:4566"),
            ("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", "http://idp:1"),
            ("AWS_ENDPOINT_URL_COGNITO_IDENTITY", "http://identity:2"),
            ("AWS_ENDPOINT_URL_COGNITO_SYNC", "https://sync:3"),
        ],
    )
    .unwrap();
    assert_eq!(
        config.endpoint_url_for(ServiceId::CognitoIdp),
        Some("http://idp:1")
    );
    assert_eq!(
        config.endpoint_url_for(ServiceId::CognitoIdentity),
        Some("http://identity:2")
    );
    assert_eq!(
        config.endpoint_url_for(ServiceId::CognitoSync),
        Some("https://sync:3")
    );
    assert_eq!(config.endpoint_url(), Some("http://localhost:4566"));

    // Without the profile, only the variables.
    let config = load(&[("AWS_ENDPOINT_URL_COGNITO_SYNC", "http://sync")]).unwrap();
    assert_eq!(config.endpoint_url(), None);
    assert_eq!(config.endpoint_url_for(ServiceId::CognitoIdp), None);
    assert_eq!(
        config.endpoint_url_for(ServiceId::CognitoSync),
        Some("http://sync")
    );

    // A bad URL is reported when loading.
    let err = load(&[("AWS_ENDPOINT_URL", "localhost:9229")]).unwrap_err();
    assert!(
        matches!(&err, ConfigError::InvalidEndpoint { url, .. } if url == "localhost:9229"),
        "{err:?}"
    );
    let bad = TempDir::new();
    bad.write(
        ".aws/config",
        "[default]\nservices = s\n[services s]\ncognito_sync =\n  endpoint_url = ftp://x\n",
    );
    let err = load_home(&bad, &[]).unwrap_err();
    assert!(
        matches!(&err, ConfigError::InvalidEndpoint { url, .. } if url.starts_with("ftp:")),
        "{err:?}"
    );
}

#[test]
fn configured_endpoints_can_be_ignored() {
    let home = home_with_files();
    for value in ["true", "TRUE", "True"] {
        let config = load_home(
            &home,
            &[
                ("AWS_PROFILE", "local"),
                ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", value),
                ("AWS_ENDPOINT_URL", "http://x"),
                ("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", "http://y"),
            ],
        )
        .unwrap();
        for &service in ServiceId::ALL {
            assert_eq!(config.endpoint_url_for(service), None);
        }
    }
    // `false` keeps them.
    let config = load(&[
        ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false"),
        ("AWS_ENDPOINT_URL", "http://x"),
    ])
    .unwrap();
    assert_eq!(config.endpoint_url(), Some("http://x"));
    // From the profile.
    let config = load_home(&home, &[("AWS_PROFILE", "ignoring")]).unwrap();
    assert_eq!(config.endpoint_url(), None);
    // The variable wins over the profile.
    let config = load_home(
        &home,
        &[
            ("AWS_PROFILE", "ignoring"),
            ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false"),
        ],
    )
    .unwrap();
    assert_eq!(config.endpoint_url(), Some("http://127.0.0.1:1"));
}

#[test]
fn fips_settings() {
    let home = home_with_files();
    assert!(!load_home(&home, &[]).unwrap().use_fips());
    assert!(load_home(&home, &[("AWS_PROFILE", "fips")])
        .unwrap()
        .use_fips());
    assert!(!load_home(
        &home,
        &[("AWS_PROFILE", "fips"), ("AWS_USE_FIPS_ENDPOINT", "false")]
    )
    .unwrap()
    .use_fips());
    assert!(load(&[("AWS_USE_FIPS_ENDPOINT", "true")])
        .unwrap()
        .use_fips());
    let err = load(&[("AWS_USE_FIPS_ENDPOINT", "yes")]).unwrap_err();
    assert!(
        matches!(&err, ConfigError::InvalidValue { setting, value, .. } if setting == "AWS_USE_FIPS_ENDPOINT" && value == "yes"),
        "{err:?}"
    );
}

#[tokio::test]
async fn debug_never_shows_secrets() {
    let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    let token = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN";
    let builder = Config::builder()
        .region("us-east-1")
        .credentials(Credentials::new(
            "AKIDEXAMPLE",
            secret,
            Some(token.to_owned()),
            None,
            "test",
        ));
    let config = builder.clone().build();
    for text in [
        format!("{config:?}"),
        format!("{config:#?}"),
        format!("{builder:?}"),
    ] {
        assert!(!text.contains(secret), "{text}");
        assert!(!text.contains(token), "{text}");
        assert!(text.contains("us-east-1"), "{text}");
    }
    // The credentials are there all the same.
    let creds = credentials(&config).await.unwrap();
    assert_eq!(creds.secret_access_key(), secret);

    // Loaded from the environment and from a profile.
    let config = load(&[
        ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", secret),
        ("AWS_SESSION_TOKEN", token),
    ])
    .unwrap();
    let text = format!("{config:?}");
    assert!(!text.contains(secret) && !text.contains(token), "{text}");
    let home = home_with_files();
    let config = load_home(&home, &[("AWS_PROFILE", "dev")]).unwrap();
    let text = format!("{config:?}");
    assert!(
        !text.contains("CREDS_SECRET") && !text.contains("CREDS_TOKEN"),
        "{text}"
    );
}

#[tokio::test]
async fn builder_settings() {
    let config = Config::builder()
        .region("eu-west-3")
        .endpoint_url("http://global")
        .service_endpoint_url(ServiceId::CognitoIdentity, "http://first")
        .service_endpoint_url(ServiceId::CognitoIdentity, "http://second")
        .use_fips(true)
        .credentials(Credentials::new("A", "S", None, None, "test"))
        .build();
    assert_eq!(config.region(), Some("eu-west-3"));
    assert_eq!(config.endpoint_url(), Some("http://global"));
    assert_eq!(
        config.endpoint_url_for(ServiceId::CognitoIdentity),
        Some("http://second")
    );
    assert_eq!(
        config.endpoint_url_for(ServiceId::CognitoSync),
        Some("http://global")
    );
    assert!(config.use_fips());
    assert_eq!(credentials(&config).await.unwrap().access_key_id(), "A");

    // Clones share the data.
    let clone = config.clone();
    assert!(Arc::ptr_eq(&clone.inner, &config.inner));

    // `to_builder` keeps everything and allows changes.
    let changed = config
        .to_builder()
        .region("us-east-2")
        .no_credentials()
        .build();
    assert_eq!(changed.region(), Some("us-east-2"));
    assert_eq!(changed.endpoint_url(), Some("http://global"));
    assert!(changed.credentials_provider().is_none());
    assert_eq!(config.region(), Some("eu-west-3"));

    // Any provider plugs in.
    let provider = Credentials::new("P", "S", None, None, "custom");
    let config = Config::builder().credentials_provider(provider).build();
    assert_eq!(credentials(&config).await.unwrap().access_key_id(), "P");

    let default = Config::default();
    assert_eq!(default.region(), None);
    assert!(!default.use_fips());
}

// With `aws-config`, `from_env` may ask instance metadata for the region when the machine's environment
// has none: that is tested against a stand-in in tests/credential_chain.rs instead.
#[cfg(not(feature = "aws-config"))]
#[tokio::test]
async fn from_env_runs() {
    // The process environment is whatever the machine has: only check that it doesn't panic.
    let _ = Config::from_env().await;
}

#[test]
fn error_is_send_sync_static() {
    fn check<T: std::error::Error + Send + Sync + 'static>() {}
    check::<ConfigError>();
    fn check_config<T: Send + Sync + Clone + std::fmt::Debug>() {}
    check_config::<Config>();
    check_config::<ConfigBuilder>();
}

// ---- from_env: the shared files are read off the runtime ----------------------------------------------

/// A map of variables as a lookup that `env::load_async` accepts (`Sync`).
fn lookup_of(vars: &[(&str, String)]) -> impl Fn(&str) -> Option<String> + Sync + 'static {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect();
    move |name| map.get(name).cloned()
}

/// The config file is a named pipe whose only writer is a task on the same single-threaded runtime:
/// `from_env`'s loading can read it only if the read does not hold the runtime's one thread. (Were it
/// read there, neither side could go on: the test thread then notices that nothing came back after a
/// generous wait, unblocks the reader itself and fails.)
#[cfg(unix)]
#[test]
fn from_env_reads_the_shared_files_off_the_runtime_thread() {
    let dir = TempDir::new();
    let fifo = dir.path().join("config");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success(), "mkfifo {}", fifo.display());
    let lookup = lookup_of(&[
        ("HOME", dir.str()),
        ("AWS_CONFIG_FILE", fifo.display().to_string()),
        ("AWS_PROFILE", "piped".to_owned()),
    ]);
    let (done, outcome) = std::sync::mpsc::channel();
    let writer_path = fifo.clone();
    let runner = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let result = runtime.block_on(async move {
            // Runs on the runtime's only thread, once the loading future has yielded.
            let writer = tokio::spawn(async move {
                std::fs::write(&writer_path, "[profile piped]\nregion = eu-north-1\n").unwrap();
            });
            let loaded = env::load_async(&lookup).await;
            writer.await.unwrap();
            loaded
        });
        let _ = done.send(result.map(|(builder, _)| builder.build()));
    });
    let result = match outcome.recv_timeout(Duration::from_secs(120)) {
        Ok(result) => result,
        Err(_) => {
            // Unblock the reader, so that the thread does not outlive the test in the file system call,
            // and fail (its writer task may still wait for a reader: the thread is left to the process).
            let _ = std::fs::write(&fifo, "");
            panic!("from_env read the shared config file on the runtime's thread");
        }
    };
    runner.join().unwrap();
    let config = result.expect("loads");
    assert_eq!(config.region(), Some("eu-north-1"));
}

/// Outside a tokio runtime (another executor), there is no blocking pool: the files are read on the
/// polling thread, and the future is ready at its first poll.
#[test]
fn from_env_outside_a_tokio_runtime_reads_on_the_polling_thread() {
    use std::future::Future;
    let home = TempDir::new();
    home.write(".aws/config", "[default]\nregion = ap-south-1\n");
    home.write(
        ".aws/credentials",
        "[default]\naws_access_key_id = AKID\naws_secret_access_key = SECRET\n",
    );
    let lookup = lookup_of(&[("HOME", home.str())]);
    let mut future = std::pin::pin!(env::load_async(&lookup));
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    let std::task::Poll::Ready(result) = future.as_mut().poll(&mut context) else {
        panic!("not ready at the first poll");
    };
    let (builder, files) = result.expect("loads");
    assert_eq!(builder.build().region(), Some("ap-south-1"));
    assert!(files
        .config
        .as_deref()
        .is_some_and(|t| t.contains("ap-south-1")));
    assert!(files
        .credentials
        .as_deref()
        .is_some_and(|t| t.contains("SECRET")));
    let debug = format!("{files:?}");
    assert!(
        !debug.contains("SECRET") && !debug.contains("AKID"),
        "{debug}"
    );
}

/// The async loading and `from_env_with` agree, including on errors.
#[tokio::test]
async fn from_env_loading_matches_from_env_with() {
    let home = home_with_files();
    let vars = [("HOME", home.str()), ("AWS_PROFILE", "dev".to_owned())];
    let (builder, _) = env::load_async(&lookup_of(&vars)).await.expect("loads");
    let asynchronous = builder.build();
    let synchronous = load_home(&home, &[("AWS_PROFILE", "dev")]).expect("loads");
    assert_eq!(format!("{asynchronous:?}"), format!("{synchronous:?}"));

    let vars = [("HOME", home.str()), ("AWS_PROFILE", "nope".to_owned())];
    let err = env::load_async(&lookup_of(&vars)).await.unwrap_err();
    assert!(
        matches!(err, ConfigError::ProfileNotFound { .. }),
        "{err:?}"
    );
}

// ---- The connect timeout: one setting, the HTTP client's ---------------------------------------------

#[test]
fn the_connect_timeout_is_the_http_clients() {
    // The default client, made by `build` with the default connect timeout.
    let config = Config::builder().region("us-east-1").build();
    assert_eq!(config.connect_timeout(), Some(DEFAULT_CONNECT_TIMEOUT));
    assert!(config.transport().is_ok());

    // A client of one's own connects as it was built to: the configuration claims no figure of its own,
    // and setting the timeouts afterwards does not bring one back.
    let client = ReqwestTransport::default_client(Duration::from_millis(1234)).unwrap();
    let own = config.to_builder().http_client(client).build();
    assert_eq!(own.connect_timeout(), None);
    let own = own
        .to_builder()
        .timeouts(Timeouts::default().with_attempt(Duration::from_secs(3)))
        .build();
    assert_eq!(own.connect_timeout(), None);
    assert_eq!(own.timeouts().attempt(), Duration::from_secs(3));

    // The crate-made default client with another connect timeout (as from an SdkConfig), then replaced
    // by a transport: the last setting of the one HTTP-client setting wins, with its own connect timeout.
    let made = Config::builder()
        .default_transport(Duration::from_secs(2))
        .build();
    assert_eq!(made.connect_timeout(), Some(Duration::from_secs(2)));
    let replaced = made
        .to_builder()
        .transport(crate::transport::from_fn(|_| async {
            Err(crate::transport::HttpError::connect(std::io::Error::other(
                "no network",
            )))
        }))
        .build();
    assert_eq!(replaced.connect_timeout(), None);
}

#[test]
fn the_operation_timeout_can_be_cleared() {
    let timeouts = Timeouts::default().with_operation(Duration::from_secs(9));
    assert_eq!(timeouts.operation(), Some(Duration::from_secs(9)));
    assert_eq!(timeouts.clear_operation(), Timeouts::default());
    assert_eq!(Timeouts::default().operation(), None);
}

/// A connect timeout reported by a transport of the caller's own: the crate does not know that
/// transport's limit, so the error names none rather than a figure that never applied.
#[cfg(feature = "idp")]
#[tokio::test]
async fn a_connect_timeout_of_an_own_transport_names_no_limit() {
    use crate::error::TimeoutKind;
    use crate::transport::{HttpError, HttpErrorKind};
    let transport = crate::transport::from_fn(|_| async {
        Err(HttpError::new(
            HttpErrorKind::ConnectTimeout,
            std::io::Error::from(std::io::ErrorKind::TimedOut),
        ))
    });
    let config = Config::builder()
        .region("us-east-1")
        .endpoint_url("http://127.0.0.1:9")
        .retry(RetryConfig::disabled())
        .transport(transport)
        .build();
    let err = crate::idp::Client::new(&config)
        .get_user()
        .access_token("token")
        .send()
        .await
        .unwrap_err();
    let crate::Error::Timeout(timeout) = err else {
        panic!("expected a timeout, got {err:?}");
    };
    assert_eq!(timeout.kind(), TimeoutKind::Connect);
    assert_eq!(timeout.limit(), Duration::ZERO);
    let message = timeout.to_string();
    assert!(message.contains("timed out connecting"), "{message}");
    assert!(!message.contains("longer than"), "{message}");
}

// ---- Retry settings ---------------------------------------------------------------------------------

const RETRY_CONFIG: &str = "\
[default]
region = us-east-1

[profile tuned]
retry_mode = adaptive
max_attempts = 7

[profile old]
retry_mode = legacy

[profile badmode]
retry_mode = aggressive

[profile badattempts]
max_attempts = 0
";

fn home_with_retry_profiles() -> TempDir {
    let home = TempDir::new();
    home.write(".aws/config", RETRY_CONFIG);
    home
}

/// The retry mode and maximum attempts of a loaded configuration.
fn retry_of(config: Config) -> (crate::retry::RetryMode, u32) {
    (config.retry().mode(), config.retry().max_attempts())
}

#[test]
fn retry_settings_default_to_standard_with_3_attempts() {
    use crate::retry::RetryMode;
    assert_eq!(retry_of(load(&[]).unwrap()), (RetryMode::Standard, 3));
    let home = home_with_retry_profiles();
    assert_eq!(
        retry_of(load_home(&home, &[]).unwrap()),
        (RetryMode::Standard, 3)
    );
}

#[test]
fn retry_settings_from_environment() {
    use crate::retry::RetryMode;
    for (vars, expected) in [
        (
            &[("AWS_RETRY_MODE", "adaptive")][..],
            (RetryMode::Adaptive, 3),
        ),
        (&[("AWS_RETRY_MODE", "STANDARD")], (RetryMode::Standard, 3)),
        // `legacy` is taken as standard mode.
        (&[("AWS_RETRY_MODE", "legacy")], (RetryMode::Standard, 3)),
        (&[("AWS_MAX_ATTEMPTS", "5")], (RetryMode::Standard, 5)),
        (
            &[("AWS_MAX_ATTEMPTS", "1"), ("AWS_RETRY_MODE", "adaptive")],
            (RetryMode::Adaptive, 1),
        ),
        // Empty counts as unset.
        (
            &[("AWS_MAX_ATTEMPTS", ""), ("AWS_RETRY_MODE", " ")],
            (RetryMode::Standard, 3),
        ),
    ] {
        assert_eq!(retry_of(load(vars).unwrap()), expected, "{vars:?}");
    }
}

#[test]
fn retry_settings_from_profile_and_environment_wins() {
    use crate::retry::RetryMode;
    let home = home_with_retry_profiles();
    let profile = |name: &'static str, more: &[(&'static str, &'static str)]| {
        let mut vars = vec![("AWS_PROFILE", name)];
        vars.extend_from_slice(more);
        load_home(&home, &vars)
    };
    assert_eq!(
        retry_of(profile("tuned", &[]).unwrap()),
        (RetryMode::Adaptive, 7)
    );
    assert_eq!(
        retry_of(profile("old", &[]).unwrap()),
        (RetryMode::Standard, 3)
    );
    // Each setting on its own: the environment's wins, the profile's other setting stays.
    assert_eq!(
        retry_of(profile("tuned", &[("AWS_MAX_ATTEMPTS", "2")]).unwrap()),
        (RetryMode::Adaptive, 2)
    );
    assert_eq!(
        retry_of(profile("tuned", &[("AWS_RETRY_MODE", "standard")]).unwrap()),
        (RetryMode::Standard, 7)
    );
    // A valid environment value hides an invalid profile value.
    assert_eq!(
        retry_of(profile("badmode", &[("AWS_RETRY_MODE", "standard")]).unwrap()),
        (RetryMode::Standard, 3)
    );
    assert_eq!(
        retry_of(profile("badattempts", &[("AWS_MAX_ATTEMPTS", "4")]).unwrap()),
        (RetryMode::Standard, 4)
    );
}

#[test]
fn invalid_retry_settings_are_errors() {
    for (name, value) in [
        ("AWS_RETRY_MODE", "aggressive"),
        ("AWS_RETRY_MODE", "standard adaptive"),
        ("AWS_MAX_ATTEMPTS", "0"),
        ("AWS_MAX_ATTEMPTS", "-3"),
        ("AWS_MAX_ATTEMPTS", "three"),
        ("AWS_MAX_ATTEMPTS", "2.5"),
        ("AWS_MAX_ATTEMPTS", "4294967296"),
    ] {
        let err = load(&[(name, value)]).unwrap_err();
        assert!(
            matches!(&err, ConfigError::InvalidValue { setting, value: v, .. } if setting == name && v == value),
            "{name}={value}: {err:?}"
        );
        assert!(err.to_string().contains(name), "{err}");
    }
    let home = home_with_retry_profiles();
    for (profile, key, value) in [
        ("badmode", "retry_mode", "aggressive"),
        ("badattempts", "max_attempts", "0"),
    ] {
        let err = load_home(&home, &[("AWS_PROFILE", profile)]).unwrap_err();
        let expected = format!("`{key}` in profile `{profile}`");
        assert!(
            matches!(&err, ConfigError::InvalidValue { setting, value: v, .. } if *setting == expected && v == value),
            "{profile}: {err:?}"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn configurations_share_their_retry_quota_with_their_clones() {
    use crate::retry::{AttemptOutcome, RetryKind, RetryState};
    // The quota is behind an Arc: a retry made through a clone of a loaded configuration, or through a
    // configuration rebuilt from it, draws from the same bucket.
    let config = load(&[("AWS_RETRY_MODE", "adaptive")]).unwrap();
    for other in [
        config.clone(),
        config.to_builder().region("eu-west-1").build(),
    ] {
        let mut call = RetryState::new(other.retry());
        call.before_attempt().await;
        call.after_attempt(AttemptOutcome::Retryable(RetryKind::Throttling));
    }
    let debug = format!("{:?}", config.retry());
    assert!(debug.contains("quota_available: Some(490)"), "{debug}");
    // A configuration loaded anew has its own.
    let fresh = format!("{:?}", load(&[]).unwrap().retry());
    assert!(fresh.contains("quota_available: Some(500)"), "{fresh}");
}
// ---- end of retry settings --------------------------------------------------------------------------
/// The error the configured provider fails with, which must be an [`UnsupportedCredentialSource`].
async fn unsupported(config: &Config) -> crate::credentials::UnsupportedCredentialSource {
    let provider = config
        .credentials_provider()
        .expect("a provider that explains the failure");
    let err = provider
        .provide_credentials()
        .await
        .expect_err("credentials of an unsupported kind");
    assert!(
        matches!(
            err,
            aws_credential_types::provider::error::CredentialsError::InvalidConfiguration(_)
        ),
        "{err:?}"
    );
    std::error::Error::source(&err)
        .and_then(|s| s.downcast_ref::<crate::credentials::UnsupportedCredentialSource>())
        .expect("an UnsupportedCredentialSource")
        .clone()
}

#[tokio::test]
async fn credentials_only_aws_config_resolves_are_a_clear_error() {
    use crate::credentials::CredentialSourceKind as Kind;
    let home = TempDir::new();
    home.write(
        ".aws/config",
        "[profile base]\n\
         aws_access_key_id = BASE_AKID\n\
         aws_secret_access_key = BASE_SECRET\n\
         [profile role]\n\
         role_arn = arn:aws:iam::123456789012:role/admin\n\
         source_profile = base\n\
         region = eu-west-1\n\
         [profile ec2role]\n\
         role_arn = arn:aws:iam::123456789012:role/admin\n\
         credential_source = Ec2InstanceMetadata\n\
         [profile process]\n\
         credential_process = /usr/local/bin/get-creds --json\n\
         [profile sso]\n\
         sso_session = corp\n\
         sso_account_id = 123456789012\n\
         sso_role_name = Admin\n\
         [profile legacy-sso]\n\
         sso_start_url = https://corp.awsapps.com/start\n\
         [profile webid]\n\
         role_arn = arn:aws:iam::123456789012:role/web\n\
         web_identity_token_file = /var/run/token\n\
         [sso-session corp]\n\
         sso_region = us-east-1\n",
    );

    let cases: [(&str, Kind, &str); 6] = [
        (
            "role",
            Kind::AssumeRole,
            "AWS profile `role` (`role_arn`, `source_profile`)",
        ),
        (
            "ec2role",
            Kind::AssumeRole,
            "AWS profile `ec2role` (`role_arn`, `credential_source`)",
        ),
        (
            "process",
            Kind::CredentialProcess,
            "AWS profile `process` (`credential_process`)",
        ),
        (
            "sso",
            Kind::Sso,
            "AWS profile `sso` (`sso_session`, `sso_account_id`, `sso_role_name`)",
        ),
        (
            "legacy-sso",
            Kind::Sso,
            "AWS profile `legacy-sso` (`sso_start_url`)",
        ),
        (
            "webid",
            Kind::WebIdentity,
            "AWS profile `webid` (`web_identity_token_file`, `role_arn`)",
        ),
    ];
    for (profile, kind, origin) in cases {
        // Loading succeeds: the rest of the profile is read, and unsigned calls can go out.
        let config = load_home(&home, &[("AWS_PROFILE", profile)]).expect(profile);
        let source = unsupported(&config).await;
        assert_eq!(source.kind(), kind, "{profile}");
        assert_eq!(source.origin(), origin, "{profile}");
        let text = source.to_string();
        assert!(
            text.starts_with(&format!("{origin} asks for {kind} credentials")),
            "{text}"
        );
        assert!(text.contains("`aws-config`"), "{text}");
        // Every call fails the same way (the error is not cached).
        assert_eq!(unsupported(&config).await, source);
    }
    let config = load_home(&home, &[("AWS_PROFILE", "role")]).unwrap();
    assert_eq!(config.region(), Some("eu-west-1"));

    // From the environment.
    let env_cases = [
        ("AWS_WEB_IDENTITY_TOKEN_FILE", Kind::WebIdentity),
        ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", Kind::Container),
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", Kind::Container),
    ];
    for (name, kind) in env_cases {
        let config = load_home(&home, &[(name, "/v2/credentials/x")]).unwrap();
        let source = unsupported(&config).await;
        assert_eq!(source.kind(), kind);
        assert_eq!(source.origin(), format!("the environment variable {name}"));
    }
    // The profile comes first, as in aws-config's chain.
    let config = load_home(
        &home,
        &[
            ("AWS_PROFILE", "process"),
            (
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                "/v2/credentials/x",
            ),
        ],
    )
    .unwrap();
    assert_eq!(unsupported(&config).await.kind(), Kind::CredentialProcess);
}

#[tokio::test]
async fn static_keys_still_win_over_unsupported_sources() {
    let home = TempDir::new();
    home.write(
        ".aws/config",
        "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/admin\nsource_profile = role\n\
         [profile keys-and-process]\naws_access_key_id = PROFILE_AKID\n\
         aws_secret_access_key = PROFILE_SECRET\ncredential_process = /bin/false\n",
    );
    let config = load_home(
        &home,
        &[
            ("AWS_PROFILE", "role"),
            ("AWS_ACCESS_KEY_ID", "ENV_AKID"),
            ("AWS_SECRET_ACCESS_KEY", "ENV_SECRET"),
            ("AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/token"),
        ],
    )
    .unwrap();
    assert_eq!(
        credentials(&config).await.unwrap().access_key_id(),
        "ENV_AKID"
    );

    let config = load_home(
        &home,
        &[
            ("AWS_PROFILE", "keys-and-process"),
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/"),
        ],
    )
    .unwrap();
    assert_eq!(
        credentials(&config).await.unwrap().access_key_id(),
        "PROFILE_AKID"
    );

    // Nothing at all: still no provider.
    let config = load_home(&TempDir::new(), &[]).unwrap();
    assert!(config.credentials_provider().is_none());
}

#[cfg(feature = "aws-config")]
mod sdk_config {
    use std::time::Duration;

    use aws_credential_types::provider::SharedCredentialsProvider;
    use aws_types::region::Region;
    use aws_types::sdk_config::{RetryConfig as SdkRetry, TimeoutConfig};
    use aws_types::service_config::{LoadServiceConfig, ServiceConfigKey};
    use aws_types::SdkConfig;

    use super::*;

    #[tokio::test]
    async fn everything_an_sdk_config_sets_is_taken() {
        let sdk = SdkConfig::builder()
            .region(Region::new("eu-central-1"))
            .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
                "SDK_AKID",
                "SDK_SECRET",
                None,
                None,
                "sdk",
            )))
            .endpoint_url("http://127.0.0.1:4566")
            .use_fips(true)
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(Duration::from_secs(2))
                    .operation_attempt_timeout(Duration::from_secs(7))
                    .operation_timeout(Duration::from_secs(20))
                    .build(),
            )
            .retry_config(
                SdkRetry::standard()
                    .with_max_attempts(5)
                    .with_initial_backoff(Duration::from_millis(200))
                    .with_max_backoff(Duration::from_secs(3)),
            )
            .build();
        let config = Config::from_sdk_config(&sdk);
        assert_eq!(config.region(), Some("eu-central-1"));
        assert_eq!(config.endpoint_url(), Some("http://127.0.0.1:4566"));
        assert_eq!(
            config.endpoint_url_for(ServiceId::CognitoSync),
            Some("http://127.0.0.1:4566")
        );
        assert!(config.use_fips());
        let timeouts = config.timeouts();
        // The connect timeout went to the default client the configuration made with it.
        assert_eq!(config.connect_timeout(), Some(Duration::from_secs(2)));
        assert!(config.transport().is_ok());
        assert_eq!(timeouts.attempt(), Duration::from_secs(7));
        assert_eq!(timeouts.operation(), Some(Duration::from_secs(20)));
        let retry = config.retry();
        assert_eq!(retry.max_attempts(), 5);
        assert_eq!(retry.throttling_backoff(), Duration::from_millis(200));
        assert_eq!(retry.transient_backoff(), Duration::from_millis(200));
        assert_eq!(retry.max_backoff(), Duration::from_secs(3));
        assert_eq!(
            credentials(&config).await.unwrap().access_key_id(),
            "SDK_AKID"
        );
        let text = format!("{config:?}");
        assert!(!text.contains("SDK_SECRET"), "{text}");

        // An empty SdkConfig changes nothing.
        let config = ConfigBuilder::from(&SdkConfig::builder().build()).build();
        assert_eq!(config.region(), None);
        assert!(config.credentials_provider().is_none());
        assert_eq!(config.timeouts(), Timeouts::default());
        assert_eq!(config.connect_timeout(), Some(DEFAULT_CONNECT_TIMEOUT));
        assert_eq!(config.retry().max_attempts(), 3);
        assert!(!config.use_fips());

        // Retries turned off.
        let sdk = SdkConfig::builder()
            .retry_config(SdkRetry::disabled())
            .build();
        assert_eq!(Config::from_sdk_config(&sdk).retry().max_attempts(), 1);
    }

    /// Service settings as aws-config loads them from the environment and the profile.
    #[derive(Debug)]
    struct ServiceEndpoints;

    impl LoadServiceConfig for ServiceEndpoints {
        fn load_config(&self, key: ServiceConfigKey<'_>) -> Option<String> {
            match (key.service_id(), key.env(), key.profile()) {
                ("cognito_identity", "AWS_ENDPOINT_URL", "endpoint_url") => {
                    Some("http://127.0.0.1:5000".to_owned())
                }
                (_, "AWS_ENDPOINT_URL", "endpoint_url") => Some("http://global".to_owned()),
                _ => None,
            }
        }
    }

    #[test]
    fn service_endpoints_loaded_by_aws_config_win_over_the_global_one() {
        let sdk = SdkConfig::builder()
            .endpoint_url("http://global")
            .service_config(ServiceEndpoints)
            .build();
        let config = Config::from_sdk_config(&sdk);
        assert_eq!(
            config.endpoint_url_for(ServiceId::CognitoIdentity),
            Some("http://127.0.0.1:5000")
        );
        assert_eq!(
            config.endpoint_url_for(ServiceId::CognitoIdp),
            Some("http://global")
        );

        // Set in code, the endpoint URL applies to every service, as in the official SDK.
        let mut builder = SdkConfig::builder()
            .endpoint_url("http://code")
            .service_config(ServiceEndpoints);
        builder.insert_origin("endpoint_url", aws_types::origin::Origin::shared_config());
        let config = Config::from_sdk_config(&builder.build());
        assert_eq!(
            config.endpoint_url_for(ServiceId::CognitoIdentity),
            Some("http://code")
        );
    }
}
