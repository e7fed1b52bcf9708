//! `IdentityPoolCredentialsProvider` against a local recording server: the exact `GetId` and
//! `GetCredentialsForIdentity` requests (unsigned, logins, account id, custom role), caching, refresh
//! within the buffer, one shared fetch for concurrent callers (successful or failing; checked over an
//! in-memory service that holds its answer until every caller waits, not with a timing window), typed
//! errors through the `ProvideCredentials` interface and through a client, switching logins, `Debug`
//! redaction, and the provider's credentials signing another client's request (signature checked by an
//! independent SigV4 implementation written here).

mod support;

use std::collections::HashMap;
use std::error::Error as _;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::ProvideCredentials;
use cognito::identity::credentials::{
    user_pool_login_provider, IdentityCredentialsError, IdentityPoolCredentialsProvider,
    DEFAULT_REFRESH_BUFFER, PROVIDER_NAME,
};
use cognito::identity::operation::{GetCredentialsForIdentityError, GetIdError};
use cognito::{Config, RetryConfig};
use hmac::{KeyInit, Mac};
use serde_json::json;
use sha2::{Digest, Sha256};
use support::{CannedResponse, RecordedRequest, RecordingServer};

const REGION: &str = "us-east-1";
const POOL_ID: &str = "us-east-1:2f1e5a9c-0b6d-4c1e-9a57-3d8e7b6c5a41";
const IDENTITY_ID: &str = "us-east-1:7c3b1d2e-8f4a-4b6c-a1d2-e3f4a5b6c7d8";
const OTHER_IDENTITY_ID: &str = "us-east-1:0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const USER_POOL_ID: &str = "us-east-1_AbCdEfGhI";
const ID_TOKEN: &str = "eyJraWQiOiJ0ZXN0In0.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXNlY3JldA";

/// Talks to `server`, with no credentials of its own and no retries.
fn config(server: &RecordingServer) -> Config {
    Config::builder()
        .region(REGION)
        .endpoint_url(server.endpoint())
        .retry(RetryConfig::disabled())
        .build()
}

fn epoch_secs(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).expect("after 1970").as_secs()
}

/// Whole seconds, `secs` from now.
fn expiring_in(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(epoch_secs(SystemTime::now()) + secs)
}

fn get_id_response(identity_id: &str) -> CannedResponse {
    CannedResponse::json(200, &json!({ "IdentityId": identity_id }).to_string())
}

/// The keys of credentials number `n`.
fn keys(n: u32) -> (String, String, String) {
    (
        format!("ASIAEXAMPLE{n:05}"),
        format!("wJalrXUtnFEMI/K7MDENG/bPxRfiCY{n:05}"),
        format!("IQoJb3JpZ2luX2VjE-session-{n}"),
    )
}

fn credentials_response(identity_id: &str, n: u32, expiration: SystemTime) -> CannedResponse {
    let (access, secret, token) = keys(n);
    let body = json!({
        "IdentityId": identity_id,
        "Credentials": {
            "AccessKeyId": access,
            "SecretKey": secret,
            "SessionToken": token,
            "Expiration": epoch_secs(expiration),
        }
    });
    CannedResponse::json(200, &body.to_string())
}

/// Asserts that `c` are credentials number `n` expiring at `expiration`.
fn assert_keys(c: &cognito::Credentials, n: u32, expiration: SystemTime) {
    let (access, secret, token) = keys(n);
    assert_eq!(c.access_key_id(), access);
    assert_eq!(c.secret_access_key(), secret);
    assert_eq!(c.session_token(), Some(token.as_str()));
    assert_eq!(c.expiry(), Some(expiration));
}

/// An unsigned AWS JSON 1.1 `operation` call with exactly `body`.
fn assert_unsigned_call(r: &RecordedRequest, operation: &str, body: serde_json::Value) {
    assert_eq!(r.method, "POST");
    assert_eq!(r.path_and_query, "/");
    assert_eq!(
        r.header("x-amz-target"),
        Some(format!("AWSCognitoIdentityService.{operation}").as_str())
    );
    assert_eq!(r.header("content-type"), Some("application/x-amz-json-1.1"));
    assert_eq!(
        r.header("authorization"),
        None,
        "{operation} is sent unsigned"
    );
    assert_eq!(r.header("x-amz-security-token"), None);
    assert_eq!(r.header("x-amz-date"), None);
    assert_eq!(r.body_json(), body, "{operation} body");
}

fn targets(server: &RecordingServer) -> Vec<String> {
    server
        .requests()
        .iter()
        .map(|r| r.header("x-amz-target").unwrap_or_default().to_owned())
        .collect()
}

const GET_ID: &str = "AWSCognitoIdentityService.GetId";
const GET_CREDENTIALS: &str = "AWSCognitoIdentityService.GetCredentialsForIdentity";

/// The first error of type `T` in the source chain of `e`, `e` included.
fn find_in_chain<'a, T: std::error::Error + 'static>(
    e: &'a (dyn std::error::Error + 'static),
) -> Option<&'a T> {
    let mut next = Some(e);
    while let Some(current) = next {
        if let Some(found) = current.downcast_ref::<T>() {
            return Some(found);
        }
        next = current.source();
    }
    None
}

// ---------------------------------------------------------------------------------------
// Fetching and caching
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn unauthenticated_identity_then_cached_credentials() {
    let server = RecordingServer::start(CannedResponse::aws_error(500, "Unexpected", "no more"));
    let expiration = expiring_in(3600);
    server.push(get_id_response(IDENTITY_ID));
    server.push(credentials_response(IDENTITY_ID, 1, expiration));
    let provider = IdentityPoolCredentialsProvider::new(&config(&server), POOL_ID);
    assert_eq!(provider.identity_pool_id(), POOL_ID);
    assert_eq!(provider.refresh_buffer(), DEFAULT_REFRESH_BUFFER);
    assert!(!provider.is_authenticated());
    assert_eq!(provider.cached_identity_id(), None);

    let first = provider
        .provide_credentials()
        .await
        .expect("credentials from the pool");
    assert_keys(&first, 1, expiration);
    assert!(format!("{first:?}").contains(PROVIDER_NAME));
    assert_eq!(provider.cached_identity_id().as_deref(), Some(IDENTITY_ID));

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_unsigned_call(&requests[0], "GetId", json!({ "IdentityPoolId": POOL_ID }));
    assert_unsigned_call(
        &requests[1],
        "GetCredentialsForIdentity",
        json!({ "IdentityId": IDENTITY_ID }),
    );

    // Cached: no request, the same credentials.
    for _ in 0..3 {
        let again = provider.provide_credentials().await.expect("cached");
        assert_keys(&again, 1, expiration);
    }
    assert_eq!(
        provider.identity_id().await.expect("cached id"),
        IDENTITY_ID
    );
    assert_eq!(server.request_count(), 2);

    // A clone shares the cache.
    let clone = provider.clone();
    assert_keys(&clone.credentials().await.expect("cached"), 1, expiration);
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn credentials_within_the_refresh_buffer_are_fetched_again() {
    let server = RecordingServer::start(CannedResponse::aws_error(500, "Unexpected", "no more"));
    // 60 s left: inside the default 5-minute buffer.
    let short = expiring_in(60);
    let long = expiring_in(3600);
    server.push(get_id_response(IDENTITY_ID));
    server.push(credentials_response(IDENTITY_ID, 1, short));
    server.push(credentials_response(IDENTITY_ID, 2, long));
    let provider = IdentityPoolCredentialsProvider::new(&config(&server), POOL_ID);

    assert_keys(&provider.credentials().await.expect("first"), 1, short);
    // The next call refreshes, with the identity id kept (no second GetId).
    assert_keys(&provider.credentials().await.expect("refreshed"), 2, long);
    // Then the new credentials are cached.
    assert_keys(&provider.credentials().await.expect("cached"), 2, long);
    assert_eq!(targets(&server), [GET_ID, GET_CREDENTIALS, GET_CREDENTIALS]);
    assert_unsigned_call(
        &server.requests()[2],
        "GetCredentialsForIdentity",
        json!({ "IdentityId": IDENTITY_ID }),
    );
}

#[tokio::test]
async fn refresh_buffer_is_configurable() {
    let server = RecordingServer::start(CannedResponse::aws_error(500, "Unexpected", "no more"));
    let expiration = expiring_in(60);
    server.push(get_id_response(IDENTITY_ID));
    server.push(credentials_response(IDENTITY_ID, 1, expiration));
    server.push(credentials_response(IDENTITY_ID, 2, expiring_in(3600)));
    let provider = IdentityPoolCredentialsProvider::builder(&config(&server), POOL_ID)
        .refresh_buffer(Duration::from_secs(10))
        .build();
    assert_eq!(provider.refresh_buffer(), Duration::from_secs(10));

    // 60 s left, 10 s buffer: cached.
    assert_keys(&provider.credentials().await.expect("first"), 1, expiration);
    assert_keys(
        &provider.credentials().await.expect("cached"),
        1,
        expiration,
    );
    assert_eq!(server.request_count(), 2);

    // `invalidate` forgets the credentials but not the identity.
    provider.invalidate();
    let refreshed = provider.credentials().await.expect("after invalidate");
    assert_eq!(refreshed.access_key_id(), keys(2).0);
    assert_eq!(targets(&server), [GET_ID, GET_CREDENTIALS, GET_CREDENTIALS]);
}

#[tokio::test]
async fn fractional_expiration_is_kept_to_the_millisecond() {
    let server = RecordingServer::start(CannedResponse::aws_error(500, "Unexpected", "no more"));
    let whole = epoch_secs(SystemTime::now()) + 3600;
    server.push(get_id_response(IDENTITY_ID));
    server.push(CannedResponse::json(
        200,
        &format!(
            r#"{{"IdentityId":"{IDENTITY_ID}","Credentials":{{"AccessKeyId":"ASIAFRACTION","SecretKey":"s",
                "SessionToken":"t","Expiration":{whole}.25}}}}"#
        ),
    ));
    let provider = IdentityPoolCredentialsProvider::new(&config(&server), POOL_ID);
    let c = provider.credentials().await.expect("credentials");
    assert_eq!(
        c.expiry(),
        Some(UNIX_EPOCH + Duration::from_secs(whole) + Duration::from_millis(250))
    );
}

// ---------------------------------------------------------------------------------------
// Single flight
// ---------------------------------------------------------------------------------------

/// An in-memory identity service whose answers wait at a gate that the test opens. It records the target
/// of every request and tells the test when the first one arrives.
struct Gated {
    config: Config,
    gate: Arc<tokio::sync::Semaphore>,
    first: tokio::sync::mpsc::Receiver<()>,
    targets: Arc<std::sync::Mutex<Vec<String>>>,
}

impl Gated {
    /// `answer(target)` is the body and status of the answer to a request for `target`.
    fn new(answer: fn(&str) -> (u16, String)) -> Gated {
        let gate = Arc::new(tokio::sync::Semaphore::new(0));
        let (tx, first) = tokio::sync::mpsc::channel(64);
        let targets = Arc::new(std::sync::Mutex::new(Vec::new()));
        let (g, t) = (Arc::clone(&gate), Arc::clone(&targets));
        let fake = cognito::transport::from_fn(move |request: http::Request<bytes::Bytes>| {
            let target = request
                .headers()
                .get("x-amz-target")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            t.lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(target.clone());
            let (gate, tx) = (Arc::clone(&g), tx.clone());
            async move {
                let _ = tx.try_send(());
                // Held until the test opens the gate; never closed.
                if let Ok(permit) = gate.acquire().await {
                    permit.forget();
                }
                let (status, body) = answer(&target);
                http::Response::builder()
                    .status(status)
                    .body(bytes::Bytes::from(body))
                    .map_err(|e| cognito::transport::HttpError::io(e.to_string()))
            }
        });
        let config = Config::builder()
            .region(REGION)
            .retry(RetryConfig::disabled())
            .transport(fake)
            .build();
        Gated {
            config,
            gate,
            first,
            targets,
        }
    }

    /// Waits until the first request is in flight and every other task has run up to the point where
    /// it waits (on this single-threaded runtime, each `yield_now` lets every ready task run once), then
    /// opens the gate.
    async fn release_when_everyone_waits(&mut self) {
        self.first.recv().await.expect("a first request");
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        self.gate.add_permits(1000);
    }

    fn targets(&self) -> Vec<String> {
        self.targets
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// One hour from now, in whole seconds, as the credentials of the gated service expire.
fn gated_expiration() -> u64 {
    epoch_secs(SystemTime::now()) + 3600
}

// A single-threaded runtime: the callers all start before the first fetch can finish, because the
// service holds its answer until every caller waits (no timing window).
#[tokio::test]
async fn concurrent_callers_share_one_fetch() {
    let mut service = Gated::new(|target| match target {
        GET_ID => (200, json!({ "IdentityId": IDENTITY_ID }).to_string()),
        _ => {
            let (access, secret, token) = keys(1);
            let body = json!({
                "IdentityId": IDENTITY_ID,
                "Credentials": {
                    "AccessKeyId": access,
                    "SecretKey": secret,
                    "SessionToken": token,
                    "Expiration": gated_expiration(),
                }
            });
            (200, body.to_string())
        }
    });
    let provider = IdentityPoolCredentialsProvider::new(&service.config, POOL_ID);
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let provider = provider.clone();
            tokio::spawn(async move { provider.provide_credentials().await })
        })
        .collect();
    service.release_when_everyone_waits().await;
    for task in tasks {
        let c = task.await.expect("task").expect("credentials");
        assert_eq!(c.access_key_id(), keys(1).0);
    }
    assert_eq!(service.targets(), [GET_ID, GET_CREDENTIALS]);
}

#[tokio::test]
async fn concurrent_callers_share_one_failure() {
    let mut service = Gated::new(|_| {
        (
            400,
            json!({
                "__type": "NotAuthorizedException",
                "message": "Unauthenticated access is not supported for this identity pool.",
            })
            .to_string(),
        )
    });
    let provider = IdentityPoolCredentialsProvider::new(&service.config, POOL_ID);
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let provider = provider.clone();
            tokio::spawn(async move { provider.credentials().await })
        })
        .collect();
    service.release_when_everyone_waits().await;
    for task in tasks {
        let e = task.await.expect("task").expect_err("no credentials");
        assert_eq!(e.code(), Some("NotAuthorizedException"));
    }
    assert_eq!(service.targets(), [GET_ID]);

    // The failure is not cached: the next call asks again.
    let second = tokio::spawn({
        let provider = provider.clone();
        async move { provider.credentials().await }
    });
    service.release_when_everyone_waits().await;
    let _ = second.await.expect("task");
    assert_eq!(service.targets(), [GET_ID, GET_ID]);
}

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn get_id_failure_surfaces_typed_through_provide_credentials() {
    let server = RecordingServer::start(CannedResponse::aws_error(
        400,
        "NotAuthorizedException",
        "Unauthenticated access is not supported for this identity pool.",
    ));
    let provider = IdentityPoolCredentialsProvider::new(&config(&server), POOL_ID);

    let err = provider.provide_credentials().await.expect_err("refused");
    assert!(
        matches!(err, CredentialsError::ProviderError(_)),
        "a provider error: {err:?}"
    );
    let typed = err
        .source()
        .and_then(|s| s.downcast_ref::<IdentityCredentialsError>())
        .expect("the source is the provider's typed error");
    assert_eq!(typed.code(), Some("NotAuthorizedException"));
    assert!(typed.get_credentials_for_identity_error().is_none());
    match typed.get_id_error() {
        Some(cognito::Error::Service(GetIdError::NotAuthorizedException(e))) => {
            assert_eq!(
                e.message.as_deref(),
                Some("Unauthenticated access is not supported for this identity pool.")
            );
            assert_eq!(e.meta().status(), Some(400));
        }
        other => panic!("expected GetId NotAuthorizedException, got {other:?}"),
    }
    // One message per layer: what failed, then the service's answer.
    assert_eq!(typed.to_string(), "identity pool credentials: GetId failed");
    assert_eq!(
        typed.source().map(|s| s.to_string()).as_deref(),
        Some("NotAuthorizedException: Unauthenticated access is not supported for this identity pool.")
    );
    // The chain down to the call's error, which holds the exception structure.
    let call = find_in_chain::<cognito::Error<GetIdError>>(&err).expect("call error in chain");
    let exception = match call.service_error() {
        Some(GetIdError::NotAuthorizedException(e)) => e,
        other => panic!("expected NotAuthorizedException, got {other:?}"),
    };
    assert_eq!(exception.meta().code(), Some("NotAuthorizedException"));
    assert_eq!(targets(&server), [GET_ID]);
    assert_eq!(provider.cached_identity_id(), None);
}

#[tokio::test]
async fn get_credentials_failure_is_typed_and_keeps_the_identity() {
    let server = RecordingServer::start(CannedResponse::aws_error(500, "Unexpected", "no more"));
    server.push(get_id_response(IDENTITY_ID));
    server.push(CannedResponse::aws_error(
        400,
        "com.amazonaws.cognito.identity.model#NotAuthorizedException",
        "Invalid login token. Token expired: 1795459509 >= 1795455909",
    ));
    let provider = IdentityPoolCredentialsProvider::new(&config(&server), POOL_ID);
    let err = provider.credentials().await.expect_err("token refused");
    match &err {
        IdentityCredentialsError::GetCredentialsForIdentity(e) => match &**e {
            cognito::Error::Service(GetCredentialsForIdentityError::NotAuthorizedException(x)) => {
                assert_eq!(
                    x.message.as_deref(),
                    Some("Invalid login token. Token expired: 1795459509 >= 1795455909")
                );
            }
            other => panic!("expected NotAuthorizedException, got {other:?}"),
        },
        other => panic!("expected a GetCredentialsForIdentity error, got {other:?}"),
    }
    // The identity id stays: the next call skips GetId.
    assert_eq!(provider.cached_identity_id().as_deref(), Some(IDENTITY_ID));
    server.push(credentials_response(IDENTITY_ID, 1, expiring_in(3600)));
    provider.credentials().await.expect("second attempt");
    assert_eq!(targets(&server), [GET_ID, GET_CREDENTIALS, GET_CREDENTIALS]);
}

#[tokio::test]
async fn unknown_identity_is_forgotten() {
    let server = RecordingServer::start(CannedResponse::aws_error(500, "Unexpected", "no more"));
    server.push(get_id_response(IDENTITY_ID));
    server.push(CannedResponse::aws_error(
        400,
        "ResourceNotFoundException",
        "Identity 'us-east-1:7c3b1d2e-8f4a-4b6c-a1d2-e3f4a5b6c7d8' not found.",
    ));
    server.push(get_id_response(OTHER_IDENTITY_ID));
    server.push(credentials_response(
        OTHER_IDENTITY_ID,
        2,
        expiring_in(3600),
    ));
    let provider = IdentityPoolCredentialsProvider::new(&config(&server), POOL_ID);

    let err = provider.credentials().await.expect_err("identity gone");
    assert_eq!(err.code(), Some("ResourceNotFoundException"));
    assert_eq!(provider.cached_identity_id(), None);
    let c = provider.credentials().await.expect("new identity");
    assert_eq!(c.access_key_id(), keys(2).0);
    assert_eq!(
        provider.cached_identity_id().as_deref(),
        Some(OTHER_IDENTITY_ID)
    );
    assert_eq!(
        targets(&server),
        [GET_ID, GET_CREDENTIALS, GET_ID, GET_CREDENTIALS]
    );
}

#[tokio::test]
async fn missing_members_are_reported() {
    let cases = [
        (r#"{}"#, "GetId", "IdentityId"),
        (r#"{"IdentityId":""}"#, "GetId", "IdentityId"),
    ];
    for (body, operation, field) in cases {
        let server = RecordingServer::start(CannedResponse::json(200, body));
        let provider = IdentityPoolCredentialsProvider::new(&config(&server), POOL_ID);
        let err = provider.credentials().await.expect_err("incomplete");
        assert!(
            matches!(err, IdentityCredentialsError::MissingField { operation: o, field: f } if o == operation && f == field),
            "{body}: {err:?}"
        );
        assert_eq!(
            err.to_string(),
            format!("identity pool credentials: the {operation} response has no {field}")
        );
    }

    let credentials_cases = [
        (json!({ "IdentityId": IDENTITY_ID }), "Credentials"),
        (
            json!({ "Credentials": { "SecretKey": "s", "SessionToken": "t", "Expiration": 2e9 } }),
            "Credentials.AccessKeyId",
        ),
        (
            json!({ "Credentials": { "AccessKeyId": "a", "SessionToken": "t", "Expiration": 2e9 } }),
            "Credentials.SecretKey",
        ),
        (
            json!({ "Credentials": { "AccessKeyId": "a", "SecretKey": "s", "Expiration": 2e9 } }),
            "Credentials.SessionToken",
        ),
        (
            json!({ "Credentials": { "AccessKeyId": "a", "SecretKey": "s", "SessionToken": "t" } }),
            "Credentials.Expiration",
        ),
    ];
    for (body, field) in credentials_cases {
        let server = RecordingServer::start(CannedResponse::json(200, &body.to_string()));
        server.push(get_id_response(IDENTITY_ID));
        let provider = IdentityPoolCredentialsProvider::new(&config(&server), POOL_ID);
        let err = provider.credentials().await.expect_err("incomplete");
        assert!(
            matches!(err, IdentityCredentialsError::MissingField { operation: "GetCredentialsForIdentity", field: f } if f == field),
            "{body}: {err:?}"
        );
        assert!(err.source().is_none());
    }
}

#[tokio::test]
async fn failed_refresh_falls_back_to_unexpired_credentials() {
    let server = RecordingServer::start(CannedResponse::aws_error(500, "Unexpected", "no more"));
    let short = expiring_in(60);
    server.push(get_id_response(IDENTITY_ID));
    server.push(credentials_response(IDENTITY_ID, 1, short));
    server.push(CannedResponse::aws_error(
        400,
        "TooManyRequestsException",
        "Rate exceeded",
    ));
    let provider = IdentityPoolCredentialsProvider::new(&config(&server), POOL_ID);
    assert_keys(&provider.credentials().await.expect("first"), 1, short);
    // The refresh fails, but the credentials have 60 s left: they are returned.
    assert_keys(&provider.credentials().await.expect("fallback"), 1, short);
    assert_keys(
        &provider.fallback_on_interrupt().expect("unexpired"),
        1,
        short,
    );
    assert_eq!(targets(&server), [GET_ID, GET_CREDENTIALS, GET_CREDENTIALS]);
}

// ---------------------------------------------------------------------------------------
// Logins
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn logins_account_and_role_are_sent() {
    let server = RecordingServer::start(CannedResponse::aws_error(500, "Unexpected", "no more"));
    server.push(get_id_response(IDENTITY_ID));
    server.push(credentials_response(IDENTITY_ID, 1, expiring_in(3600)));
    let role = "arn:aws:iam::123456789012:role/Cognito_Admins";
    let provider = IdentityPoolCredentialsProvider::builder(&config(&server), POOL_ID)
        .account_id("123456789012")
        .with_user_pool_login(REGION, USER_POOL_ID, ID_TOKEN)
        .login("accounts.google.com", "google-token")
        .custom_role_arn(role)
        .build();
    assert!(provider.is_authenticated());
    provider.credentials().await.expect("credentials");

    let logins = json!({
        "cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI": ID_TOKEN,
        "accounts.google.com": "google-token",
    });
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_unsigned_call(
        &requests[0],
        "GetId",
        json!({ "AccountId": "123456789012", "IdentityPoolId": POOL_ID, "Logins": logins }),
    );
    assert_unsigned_call(
        &requests[1],
        "GetCredentialsForIdentity",
        json!({ "IdentityId": IDENTITY_ID, "Logins": logins, "CustomRoleArn": role }),
    );
}

#[tokio::test]
async fn set_logins_switches_from_unauthenticated_to_authenticated() {
    let server = RecordingServer::start(CannedResponse::aws_error(500, "Unexpected", "no more"));
    server.push(get_id_response(IDENTITY_ID));
    server.push(credentials_response(IDENTITY_ID, 1, expiring_in(3600)));
    server.push(get_id_response(OTHER_IDENTITY_ID));
    server.push(credentials_response(
        OTHER_IDENTITY_ID,
        2,
        expiring_in(3600),
    ));
    server.push(get_id_response(OTHER_IDENTITY_ID));
    server.push(credentials_response(
        OTHER_IDENTITY_ID,
        3,
        expiring_in(3600),
    ));
    let provider = IdentityPoolCredentialsProvider::new(&config(&server), POOL_ID);
    // The application keeps a clone; the other one could be inside a client's config.
    let handle = provider.clone();

    assert_eq!(provider.identity_id().await.expect("GetId"), IDENTITY_ID);
    let unauthenticated = provider.credentials().await.expect("unauthenticated");
    assert_eq!(unauthenticated.access_key_id(), keys(1).0);

    let key = user_pool_login_provider(REGION, USER_POOL_ID);
    handle.set_logins(HashMap::from([(key.clone(), ID_TOKEN.to_owned())]));
    assert!(provider.is_authenticated());
    assert_eq!(provider.cached_identity_id(), None);
    let authenticated = provider.credentials().await.expect("authenticated");
    assert_eq!(authenticated.access_key_id(), keys(2).0);
    assert_eq!(
        provider.cached_identity_id().as_deref(),
        Some(OTHER_IDENTITY_ID)
    );

    // A new ID token for the same user (after a token refresh).
    handle.update_logins(|logins| {
        logins.insert(key.clone(), "refreshed-id-token".to_owned());
    });
    let again = provider.credentials().await.expect("with the new token");
    assert_eq!(again.access_key_id(), keys(3).0);

    let requests = server.requests();
    assert_eq!(requests.len(), 6);
    assert_unsigned_call(&requests[0], "GetId", json!({ "IdentityPoolId": POOL_ID }));
    assert_unsigned_call(
        &requests[1],
        "GetCredentialsForIdentity",
        json!({ "IdentityId": IDENTITY_ID }),
    );
    assert_unsigned_call(
        &requests[2],
        "GetId",
        json!({ "IdentityPoolId": POOL_ID, "Logins": { key.as_str(): ID_TOKEN } }),
    );
    assert_unsigned_call(
        &requests[3],
        "GetCredentialsForIdentity",
        json!({ "IdentityId": OTHER_IDENTITY_ID, "Logins": { key.as_str(): ID_TOKEN } }),
    );
    assert_unsigned_call(
        &requests[4],
        "GetId",
        json!({ "IdentityPoolId": POOL_ID, "Logins": { key.as_str(): "refreshed-id-token" } }),
    );
    assert_unsigned_call(
        &requests[5],
        "GetCredentialsForIdentity",
        json!({ "IdentityId": OTHER_IDENTITY_ID, "Logins": { key.as_str(): "refreshed-id-token" } }),
    );

    // Back to unauthenticated.
    handle.set_logins(HashMap::new());
    assert!(!provider.is_authenticated());
}

#[tokio::test]
async fn debug_shows_no_token_and_no_credentials() {
    let server = RecordingServer::start(CannedResponse::aws_error(500, "Unexpected", "no more"));
    let expiration = UNIX_EPOCH + Duration::from_secs(epoch_secs(SystemTime::now()) + 3600);
    server.push(get_id_response(IDENTITY_ID));
    server.push(credentials_response(IDENTITY_ID, 1, expiration));
    let builder = IdentityPoolCredentialsProvider::builder(&config(&server), POOL_ID)
        .with_user_pool_login(REGION, USER_POOL_ID, ID_TOKEN);
    let builder_text = format!("{builder:?}");
    assert!(!builder_text.contains(ID_TOKEN), "{builder_text}");
    assert!(builder_text.contains("cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI"));

    let provider = builder.build();
    provider.credentials().await.expect("credentials");
    let text = format!("{provider:?} {provider:#?}");
    let (access, secret, token) = keys(1);
    for hidden in [ID_TOKEN, access.as_str(), secret.as_str(), token.as_str()] {
        assert!(!text.contains(hidden), "{hidden} shows in {text}");
    }
    assert!(text.contains(POOL_ID));
    assert!(text.contains(IDENTITY_ID));
    assert!(text.contains("** redacted **"));

    let err = IdentityPoolCredentialsProvider::builder(&config(&server), POOL_ID)
        .with_user_pool_login(REGION, USER_POOL_ID, ID_TOKEN)
        .build()
        .credentials()
        .await
        .expect_err("the server has nothing more");
    let err_text = format!("{err} {err:?}");
    assert!(!err_text.contains(ID_TOKEN), "{err_text}");
}

// ---------------------------------------------------------------------------------------
// As the credentials of a client
// ---------------------------------------------------------------------------------------

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hmac_sha256(key: &[u8], data: &str) -> Vec<u8> {
    let mut mac = hmac::Hmac::<Sha256>::new_from_slice(key).expect("any key length");
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// Recomputes the SigV4 signature of a recorded `POST /` from the signed headers it names, and checks
/// it against the `Authorization` header. Returns the access key id and the credential scope.
fn verify_sigv4(r: &RecordedRequest, secret: &str) -> (String, String) {
    let auth = r.header("authorization").expect("signed");
    let rest = auth
        .strip_prefix("AWS4-HMAC-SHA256 Credential=")
        .unwrap_or_else(|| panic!("not SigV4: {auth}"));
    let mut parts = rest.split(", ");
    let credential = parts.next().expect("credential");
    let signed_headers = parts
        .next()
        .and_then(|p| p.strip_prefix("SignedHeaders="))
        .expect("signed headers");
    let signature = parts
        .next()
        .and_then(|p| p.strip_prefix("Signature="))
        .expect("signature");
    let (access_key, scope) = credential.split_once('/').expect("key/scope");
    let date = scope.split('/').next().expect("date");
    let amz_date = r.header("x-amz-date").expect("x-amz-date");
    assert!(amz_date.starts_with(date), "{amz_date} vs {scope}");

    let mut canonical_headers = String::new();
    for name in signed_headers.split(';') {
        let value = r
            .header(name)
            .unwrap_or_else(|| panic!("signed header {name} not sent"));
        canonical_headers.push_str(&format!("{name}:{}\n", value.trim()));
    }
    let canonical_request = format!(
        "{}\n/\n\n{canonical_headers}\n{signed_headers}\n{}",
        r.method,
        hex(&Sha256::digest(&r.body))
    );
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
        hex(&Sha256::digest(canonical_request.as_bytes()))
    );
    let mut key = format!("AWS4{secret}").into_bytes();
    for part in scope.split('/') {
        key = hmac_sha256(&key, part);
    }
    assert_eq!(signature, hex(&hmac_sha256(&key, &string_to_sign)));
    (access_key.to_owned(), scope.to_owned())
}

#[tokio::test]
async fn provider_signs_another_clients_requests() {
    let server = RecordingServer::start(CannedResponse::aws_error(500, "Unexpected", "no more"));
    let expiration = expiring_in(3600);
    server.push(get_id_response(IDENTITY_ID));
    server.push(credentials_response(IDENTITY_ID, 1, expiration));
    server.push(CannedResponse::json(
        200,
        r#"{"UserPools":[{"Id":"us-east-1_AbCdEfGhI","Name":"app"}]}"#,
    ));
    server.push(CannedResponse::json(200, r#"{"UserPools":[]}"#));
    let base = config(&server);
    let provider = IdentityPoolCredentialsProvider::new(&base, POOL_ID);
    let signed = base.to_builder().credentials_provider(provider).build();
    let idp = cognito::idp::Client::new(&signed);

    let pools = idp
        .list_user_pools()
        .max_results(10)
        .send()
        .await
        .expect("ListUserPools signed with identity-pool credentials");
    let ids: Vec<_> = pools
        .user_pools
        .unwrap_or_default()
        .into_iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(ids, [Some(USER_POOL_ID.to_owned())]);
    // A second call reuses the cached credentials.
    idp.list_user_pools()
        .max_results(10)
        .send()
        .await
        .expect("second ListUserPools");

    let requests = server.requests();
    assert_eq!(
        targets(&server),
        [
            GET_ID,
            GET_CREDENTIALS,
            "AWSCognitoIdentityProviderService.ListUserPools",
            "AWSCognitoIdentityProviderService.ListUserPools",
        ]
    );
    let (access, secret, token) = keys(1);
    for r in &requests[2..] {
        assert_eq!(r.body_json(), json!({ "MaxResults": 10 }));
        assert_eq!(r.header("x-amz-security-token"), Some(token.as_str()));
        let auth = r.header("authorization").expect("signed");
        assert!(
            auth.contains(
                ", SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, "
            ),
            "{auth}"
        );
        let (key, scope) = verify_sigv4(r, &secret);
        assert_eq!(key, access);
        assert!(
            scope.ends_with("/us-east-1/cognito-idp/aws4_request"),
            "{scope}"
        );
    }
}

#[tokio::test]
async fn provider_failure_surfaces_through_the_client_error() {
    let server = RecordingServer::start(CannedResponse::aws_error(
        400,
        "NotAuthorizedException",
        "Unauthenticated access is not supported for this identity pool.",
    ));
    let base = config(&server);
    let provider = IdentityPoolCredentialsProvider::new(&base, POOL_ID);
    let signed = base.to_builder().credentials_provider(provider).build();
    let idp = cognito::idp::Client::new(&signed);
    let err = idp
        .list_user_pools()
        .max_results(10)
        .send()
        .await
        .expect_err("no credentials");
    assert!(matches!(err, cognito::Error::Credentials(_)), "{err:?}");
    let typed = find_in_chain::<IdentityCredentialsError>(&err).expect("provider error in chain");
    assert_eq!(typed.code(), Some("NotAuthorizedException"));
    assert!(find_in_chain::<cognito::Error<GetIdError>>(&err)
        .is_some_and(|e| e.is_not_authorized_exception()));
    // Only the GetId was sent: nothing unsigned went out as ListUserPools.
    assert_eq!(targets(&server), [GET_ID]);
}
