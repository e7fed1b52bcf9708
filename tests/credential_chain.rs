//! `Config::from_env` with the `aws-config` feature: credentials (and region) from aws-config's default
//! chains, each proved by signed calls that moto accepts in its signature-checking mode.
//!
//! Every credential source is a local stand-in on 127.0.0.1:
//!
//! * web identity (EKS IRSA): `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN`, STS at `AWS_ENDPOINT_URL_STS`
//!   answering `AssumeRoleWithWebIdentity`;
//! * assume-role through `source_profile`: the same STS stand-in answering `AssumeRole`;
//! * container credentials (ECS / EKS Pod Identity): `AWS_CONTAINER_CREDENTIALS_FULL_URI` with an
//!   authorization token file;
//! * EC2 instance metadata: `AWS_EC2_METADATA_SERVICE_ENDPOINT` (IMDSv2: token `PUT`, then `GET`s), which
//!   also supplies the region;
//! * `credential_process`: a shell script in a temporary directory;
//! * an SSO session: a token in the SSO cache and the portal at `AWS_ENDPOINT_URL_SSO`.
//!
//! The stand-ins answer with keys made in moto (an IAM user's key, or session credentials of a role
//! assumed in moto), so a call signed with what the chain produced is accepted only if the chain really
//! produced those keys. Each stand-in also counts its requests: with the crate's credentials cache in
//! front of the chain, several signed calls make one credentials request.
//!
//! aws-config reads the process environment, so every scenario holds one lock for its whole run and
//! sets the variables it needs after clearing every `AWS_*` and proxy variable (restored afterwards);
//! the other tests of the crate run in other binaries. Steps a scenario does not use are pointed at
//! nothing: `HOME` and the shared files are in an empty temporary directory, and IMDS is disabled
//! (`AWS_EC2_METADATA_DISABLED`) except where it is the stand-in. Nothing leaves 127.0.0.1.
#![cfg(feature = "aws-config")]

mod support;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use aws_credential_types::provider::ProvideCredentials;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::Response;
use cognito::idp::Client;
use support::iam::{parse_form, SessionKeys, SigningMoto, ACCOUNT, REGION};

/// Held by each scenario for its whole run, moto's start included (moto inherits the environment): the
/// process environment is theirs alone.
static ENVIRONMENT: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

type EnvironmentLock = tokio::sync::MutexGuard<'static, ()>;

/// Takes the environment lock, then starts moto (`None`: not installed, outside CI).
async fn lock_and_start_moto() -> Option<(EnvironmentLock, SigningMoto)> {
    let lock = ENVIRONMENT.lock().await;
    let moto = SigningMoto::start().await?;
    Some((lock, moto))
}

/// A temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!(
            "cognito-credential-chain-{name}-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn write(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.0.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create dir");
        }
        std::fs::write(&path, text).expect("write file");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Whether a variable is cleared for a scenario.
fn is_scenario_variable(name: &OsString) -> bool {
    let name = name.to_string_lossy();
    let upper = name.to_ascii_uppercase();
    upper.starts_with("AWS_")
        || matches!(
            upper.as_str(),
            "HTTP_PROXY" | "HTTPS_PROXY" | "ALL_PROXY" | "NO_PROXY" | "HOME" | "USERPROFILE"
        )
}

/// The process environment of one scenario; the previous one comes back on drop.
struct Scenario {
    saved: Vec<(OsString, OsString)>,
    home: TempDir,
    _lock: EnvironmentLock,
}

impl Scenario {
    /// With the environment lock held, clears every `AWS_*`, proxy and home variable, and sets a home with
    /// no shared files, the region (unless `region` is false) and the user-pools endpoint (`moto`).
    fn start(lock: EnvironmentLock, name: &str, moto: &str, region: bool) -> Scenario {
        let saved: Vec<_> = std::env::vars_os()
            .filter(|(name, _)| is_scenario_variable(name))
            .collect();
        for (name, _) in &saved {
            std::env::remove_var(name);
        }
        let scenario = Scenario {
            saved,
            home: TempDir::new(name),
            _lock: lock,
        };
        let home = scenario.home.path();
        scenario.set("HOME", &home.display().to_string());
        scenario.set(
            "AWS_CONFIG_FILE",
            &home.join(".aws/config").display().to_string(),
        );
        scenario.set(
            "AWS_SHARED_CREDENTIALS_FILE",
            &home.join(".aws/credentials").display().to_string(),
        );
        scenario.set("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", moto);
        scenario.set("AWS_EC2_METADATA_DISABLED", "true");
        if region {
            scenario.set("AWS_REGION", REGION);
        }
        scenario
    }

    fn set(&self, name: &str, value: &str) {
        std::env::set_var(name, value);
    }

    fn remove(&self, name: &str) {
        std::env::remove_var(name);
    }
}

impl Drop for Scenario {
    fn drop(&mut self) {
        let now: Vec<_> = std::env::vars_os()
            .filter(|(name, _)| is_scenario_variable(name))
            .collect();
        for (name, _) in now {
            std::env::remove_var(name);
        }
        for (name, value) in &self.saved {
            std::env::set_var(name, value);
        }
    }
}

/// One request a stand-in received.
#[derive(Clone, Debug)]
struct Seen {
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: String,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn form(&self, key: &str) -> Option<String> {
        parse_form(&self.body)
            .into_iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }
}

/// A stand-in's answer: status, headers, body.
type Reply = (u16, Vec<(&'static str, String)>, String);

/// A local HTTP server on 127.0.0.1 that records every request and answers with `respond`.
struct StandIn {
    endpoint: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    task: tokio::task::JoinHandle<()>,
}

impl StandIn {
    async fn start(respond: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> StandIn {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let respond = Arc::new(respond);
        let recorder = Arc::clone(&seen);
        let handler = move |method: Method, uri: Uri, headers: HeaderMap, body: String| {
            let respond = Arc::clone(&respond);
            let recorder = Arc::clone(&recorder);
            async move {
                let request = Seen {
                    method,
                    uri,
                    headers,
                    body,
                };
                let (status, headers, body) = respond(&request);
                recorder
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(request);
                let mut response = Response::builder().status(status);
                for (name, value) in headers {
                    response = response.header(name, value);
                }
                response
                    .body(Body::from(body))
                    .expect("a valid canned response")
            }
        };
        let router = axum::Router::new().fallback(handler);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        StandIn {
            endpoint: format!("http://{addr}"),
            seen,
            task,
        }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// An STS stand-in: `AssumeRoleWithWebIdentity` and `AssumeRole` give `keys`.
async fn sts(keys: SessionKeys) -> StandIn {
    StandIn::start(move |request| {
        let action = request.form("Action").unwrap_or_default();
        let assumed_role_user = format!(
            "<AssumedRoleUser><AssumedRoleId>AROAEXAMPLE:chain</AssumedRoleId>\
             <Arn>arn:aws:sts::{ACCOUNT}:assumed-role/cognito-admin/chain</Arn></AssumedRoleUser>"
        );
        let credentials = format!(
            "<Credentials><AccessKeyId>{}</AccessKeyId><SecretAccessKey>{}</SecretAccessKey>\
             <SessionToken>{}</SessionToken><Expiration>{}</Expiration></Credentials>",
            keys.access_key_id, keys.secret_access_key, keys.session_token, keys.expiration
        );
        let result = match action.as_str() {
            "AssumeRoleWithWebIdentity" | "AssumeRole" => {
                format!("<{action}Result>{credentials}{assumed_role_user}</{action}Result>")
            }
            other => {
                return (
                    400,
                    vec![("content-type", "text/xml".to_owned())],
                    format!(
                        "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code>\
                         <Message>not a stand-in action: {other}</Message></Error></ErrorResponse>"
                    ),
                )
            }
        };
        (
            200,
            vec![("content-type", "text/xml".to_owned())],
            format!(
                "<{action}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">{result}\
                 <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>\
                 </ResponseMetadata></{action}Response>"
            ),
        )
    })
    .await
}

/// The JSON that container and instance-metadata credential endpoints answer with.
fn json_credentials(keys: &SessionKeys) -> String {
    serde_json::json!({
        "Code": "Success",
        "LastUpdated": "2026-01-01T00:00:00Z",
        "Type": "AWS-HMAC",
        "AccessKeyId": keys.access_key_id,
        "SecretAccessKey": keys.secret_access_key,
        "Token": keys.session_token,
        "Expiration": keys.expiration,
    })
    .to_string()
}

/// Loads the configuration from the environment, checks the credentials it yields, and makes signed
/// calls with them that moto accepts: `CreateUserPool`, then `ListUserPools` three times.
async fn signed_calls_succeed(moto: &SigningMoto, expected_access_key: &str, pool: &str) {
    let config = cognito::Config::from_env().await.expect("Config::from_env");
    assert_eq!(config.region(), Some(REGION));
    assert_eq!(
        config.endpoint_url_for(cognito::endpoint::ServiceId::CognitoIdp),
        Some(moto.moto.endpoint.as_str()),
        "the crate's own endpoint settings are kept"
    );
    let provider = config.credentials_provider().expect("a provider");
    let credentials = provider
        .provide_credentials()
        .await
        .expect("credentials from the chain");
    assert_eq!(credentials.access_key_id(), expected_access_key);

    let idp = Client::new(&config);
    idp.create_user_pool()
        .pool_name(pool)
        .send()
        .await
        .unwrap_or_else(|e| panic!("CreateUserPool signed by the chain's credentials: {e:?}"));
    for _ in 0..3 {
        let pools = idp
            .list_user_pools()
            .max_results(60)
            .send()
            .await
            .unwrap_or_else(|e| panic!("ListUserPools signed by the chain's credentials: {e:?}"))
            .user_pools
            .unwrap_or_default();
        assert!(
            pools.iter().any(|p| p.name.as_deref() == Some(pool)),
            "{pools:?}"
        );
    }
}

#[tokio::test]
async fn web_identity_token_through_sts() {
    let Some((lock, moto)) = lock_and_start_moto().await else {
        return;
    };
    let scenario = Scenario::start(lock, "web-identity", &moto.moto.endpoint, true);
    let sts = sts(moto.session.clone()).await;
    let token = scenario
        .home
        .write("token", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwb2QifQ.c2ln");
    scenario.set("AWS_WEB_IDENTITY_TOKEN_FILE", &token.display().to_string());
    scenario.set(
        "AWS_ROLE_ARN",
        &format!("arn:aws:iam::{ACCOUNT}:role/cognito-admin"),
    );
    scenario.set("AWS_ROLE_SESSION_NAME", "irsa-pod");
    scenario.set("AWS_ENDPOINT_URL_STS", &sts.endpoint);

    signed_calls_succeed(&moto, &moto.session.access_key_id, "web-identity").await;

    let seen = sts.seen();
    assert_eq!(seen.len(), 1, "one STS call for all signed calls: {seen:?}");
    let call = &seen[0];
    assert_eq!(call.method, Method::POST);
    assert_eq!(
        call.form("Action").as_deref(),
        Some("AssumeRoleWithWebIdentity")
    );
    assert_eq!(
        call.form("RoleArn"),
        Some(format!("arn:aws:iam::{ACCOUNT}:role/cognito-admin"))
    );
    assert_eq!(call.form("RoleSessionName").as_deref(), Some("irsa-pod"));
    assert_eq!(
        call.form("WebIdentityToken").as_deref(),
        Some("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwb2QifQ.c2ln")
    );
    drop(scenario);
}

#[tokio::test]
async fn assume_role_profile_with_source_profile() {
    let Some((lock, moto)) = lock_and_start_moto().await else {
        return;
    };
    let scenario = Scenario::start(lock, "assume-role", &moto.moto.endpoint, true);
    let sts = sts(moto.session.clone()).await;
    scenario.home.write(
        ".aws/config",
        &format!(
            "[profile base]\n\
             aws_access_key_id = {}\n\
             aws_secret_access_key = {}\n\
             [profile admin]\n\
             role_arn = arn:aws:iam::{ACCOUNT}:role/cognito-admin\n\
             source_profile = base\n\
             role_session_name = from-profile\n",
            moto.admin.access_key_id(),
            moto.admin.secret_access_key()
        ),
    );
    scenario.set("AWS_PROFILE", "admin");
    scenario.set("AWS_ENDPOINT_URL_STS", &sts.endpoint);

    signed_calls_succeed(&moto, &moto.session.access_key_id, "assume-role").await;

    let seen = sts.seen();
    assert_eq!(seen.len(), 1, "one STS call for all signed calls: {seen:?}");
    let call = &seen[0];
    assert_eq!(call.form("Action").as_deref(), Some("AssumeRole"));
    assert_eq!(
        call.form("RoleSessionName").as_deref(),
        Some("from-profile")
    );
    // Signed with the source profile's key.
    let authorization = call.header("authorization").unwrap_or_default();
    assert!(
        authorization.contains(&format!("Credential={}/", moto.admin.access_key_id())),
        "{authorization}"
    );
    drop(scenario);
}

#[tokio::test]
async fn container_credentials_with_an_authorization_token_file() {
    let Some((lock, moto)) = lock_and_start_moto().await else {
        return;
    };
    let scenario = Scenario::start(lock, "container", &moto.moto.endpoint, true);
    let keys = moto.session.clone();
    let container = StandIn::start(move |request| {
        if request.uri.path() != "/v1/credentials" {
            return (404, Vec::new(), String::new());
        }
        if request.header("authorization") != Some("pod-identity-token") {
            return (401, Vec::new(), "unauthorized".to_owned());
        }
        (
            200,
            vec![("content-type", "application/json".to_owned())],
            json_credentials(&keys),
        )
    })
    .await;
    let token_file = scenario
        .home
        .write("eks-pod-identity-token", "pod-identity-token");
    scenario.set(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        &format!("{}/v1/credentials", container.endpoint),
    );
    scenario.set(
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
        &token_file.display().to_string(),
    );

    signed_calls_succeed(&moto, &moto.session.access_key_id, "container").await;

    let seen = container.seen();
    assert_eq!(seen.len(), 1, "one credentials request: {seen:?}");
    assert_eq!(seen[0].method, Method::GET);
    drop(scenario);
}

#[tokio::test]
async fn instance_metadata_imdsv2_gives_credentials_and_region() {
    let Some((lock, moto)) = lock_and_start_moto().await else {
        return;
    };
    // No region in the environment: it comes from instance metadata as well.
    let scenario = Scenario::start(lock, "imds", &moto.moto.endpoint, false);
    scenario.remove("AWS_EC2_METADATA_DISABLED");
    let keys = moto.session.clone();
    const TOKEN: &str = "imds-session-token";
    const ROLE: &str = "cognito-instance-role";
    let imds = StandIn::start(move |request| {
        let path = request.uri.path();
        if request.method == Method::PUT && path == "/latest/api/token" {
            if request
                .header("x-aws-ec2-metadata-token-ttl-seconds")
                .is_none()
            {
                return (400, Vec::new(), String::new());
            }
            return (
                200,
                vec![("x-aws-ec2-metadata-token-ttl-seconds", "21600".to_owned())],
                TOKEN.to_owned(),
            );
        }
        if request.header("x-aws-ec2-metadata-token") != Some(TOKEN) {
            return (401, Vec::new(), String::new());
        }
        match (request.method.as_str(), path) {
            ("GET", "/latest/meta-data/iam/security-credentials/") => {
                (200, Vec::new(), ROLE.to_owned())
            }
            ("GET", p) if p == format!("/latest/meta-data/iam/security-credentials/{ROLE}") => {
                (200, Vec::new(), json_credentials(&keys))
            }
            ("GET", "/latest/meta-data/placement/region") => (200, Vec::new(), REGION.to_owned()),
            _ => (404, Vec::new(), String::new()),
        }
    })
    .await;
    scenario.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds.endpoint);

    signed_calls_succeed(&moto, &moto.session.access_key_id, "imds").await;

    let seen = imds.seen();
    let calls: Vec<String> = seen
        .iter()
        .map(|s| format!("{} {}", s.method, s.uri.path()))
        .collect();
    assert!(
        calls
            .iter()
            .all(|c| !c.starts_with("PUT") || c == "PUT /latest/api/token"),
        "{calls:?}"
    );
    assert!(
        calls.contains(&"PUT /latest/api/token".to_owned()),
        "{calls:?}"
    );
    assert!(
        calls.contains(&"GET /latest/meta-data/placement/region".to_owned()),
        "{calls:?}"
    );
    let credential_gets = calls
        .iter()
        .filter(|c| c.as_str() == format!("GET /latest/meta-data/iam/security-credentials/{ROLE}"))
        .count();
    assert_eq!(credential_gets, 1, "one credentials fetch: {calls:?}");
    // IMDSv2 only: every GET carried the token (a 401 would have failed the chain).
    assert!(
        seen.iter()
            .filter(|s| s.method == Method::GET)
            .all(|s| s.header("x-aws-ec2-metadata-token") == Some(TOKEN)),
        "{calls:?}"
    );
    drop(scenario);
}

#[cfg(unix)]
#[tokio::test]
async fn credential_process_script() {
    use std::os::unix::fs::PermissionsExt;

    let Some((lock, moto)) = lock_and_start_moto().await else {
        return;
    };
    let scenario = Scenario::start(lock, "process", &moto.moto.endpoint, true);
    let calls = scenario.home.path().join("calls");
    let script = scenario.home.write(
        "bin/credentials.sh",
        &format!(
            "#!/bin/sh\n\
             echo call >> '{}'\n\
             cat <<'JSON'\n\
             {{\"Version\": 1, \"AccessKeyId\": \"{}\", \"SecretAccessKey\": \"{}\"}}\n\
             JSON\n",
            calls.display(),
            moto.admin.access_key_id(),
            moto.admin.secret_access_key()
        ),
    );
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))
        .expect("chmod the script");
    scenario.home.write(
        ".aws/config",
        &format!(
            "[profile scripted]\ncredential_process = {}\n",
            script.display()
        ),
    );
    scenario.set("AWS_PROFILE", "scripted");

    signed_calls_succeed(&moto, moto.admin.access_key_id(), "process").await;

    let runs = std::fs::read_to_string(&calls).expect("the script ran");
    assert_eq!(
        runs.lines().count(),
        1,
        "credentials without expiry: the script runs once"
    );
    drop(scenario);
}

#[tokio::test]
async fn sso_session_from_the_token_cache() {
    let Some((lock, moto)) = lock_and_start_moto().await else {
        return;
    };
    let scenario = Scenario::start(lock, "sso", &moto.moto.endpoint, true);
    let keys = moto.session.clone();
    let portal = StandIn::start(move |request| {
        let query = request.uri.query().unwrap_or_default();
        let authorized = request.header("x-amz-sso_bearer_token") == Some("sso-access-token");
        if request.uri.path() != "/federation/credentials"
            || !authorized
            || !query.contains("role_name=Admin")
            || !query.contains(&format!("account_id={ACCOUNT}"))
        {
            return (
                403,
                vec![("content-type", "application/json".to_owned())],
                r#"{"message":"not the expected request"}"#.to_owned(),
            );
        }
        // An hour from now, in milliseconds.
        let expiration = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() + 3_600_000)
            .unwrap_or(0);
        (
            200,
            vec![("content-type", "application/json".to_owned())],
            serde_json::json!({
                "roleCredentials": {
                    "accessKeyId": keys.access_key_id,
                    "secretAccessKey": keys.secret_access_key,
                    "sessionToken": keys.session_token,
                    "expiration": expiration,
                }
            })
            .to_string(),
        )
    })
    .await;
    scenario.home.write(
        ".aws/config",
        &format!(
            "[profile sso-user]\n\
             sso_session = cognito-test\n\
             sso_account_id = {ACCOUNT}\n\
             sso_role_name = Admin\n\
             [sso-session cognito-test]\n\
             sso_region = {REGION}\n\
             sso_start_url = https://cognito-test.awsapps.com/start\n"
        ),
    );
    // The SSO token cache: `~/.aws/sso/cache/<hex SHA-1 of the session name>.json`.
    const SHA1_OF_COGNITO_TEST: &str = "993a304e1e109abb64cb12873ec9a4e1233195fe";
    scenario.home.write(
        &format!(".aws/sso/cache/{SHA1_OF_COGNITO_TEST}.json"),
        &serde_json::json!({
            "accessToken": "sso-access-token",
            "expiresAt": "2099-01-01T00:00:00Z",
            "region": REGION,
            "startUrl": "https://cognito-test.awsapps.com/start",
        })
        .to_string(),
    );
    scenario.set("AWS_PROFILE", "sso-user");
    scenario.set("AWS_ENDPOINT_URL_SSO", &portal.endpoint);

    signed_calls_succeed(&moto, &moto.session.access_key_id, "sso").await;

    let seen = portal.seen();
    assert_eq!(seen.len(), 1, "one portal call: {seen:?}");
    drop(scenario);
}

#[tokio::test]
async fn no_source_anywhere_fails_signed_calls_only() {
    let Some((lock, moto)) = lock_and_start_moto().await else {
        return;
    };
    let scenario = Scenario::start(lock, "nothing", &moto.moto.endpoint, true);
    let config = cognito::Config::from_env()
        .await
        .expect("Config::from_env without any credentials");
    let idp = Client::new(&config);
    let err = idp
        .list_user_pools()
        .max_results(10)
        .send()
        .await
        .expect_err("no credentials anywhere");
    assert!(matches!(err, cognito::Error::Credentials(_)), "{err:?}");

    // Unsigned operations need none (moto checks signatures on everything but its public-client calls).
    let err = idp
        .initiate_auth()
        .client_id("no-such-client")
        .auth_flow(cognito::idp::types::AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "alice")
        .auth_parameters("PASSWORD", "pw")
        .send()
        .await
        .expect_err("an unknown client");
    assert!(
        matches!(err, cognito::Error::Service(_)),
        "sent unsigned and answered by moto: {err:?}"
    );
    drop(scenario);
}
