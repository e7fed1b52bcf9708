//! Providers given to `ConfigBuilder::credentials_provider`, seen from signed calls against a recording
//! server: a user's own provider is called once however many calls run; the identity-pool provider, which
//! caches by itself, is called on every signed call so that a change of its logins takes effect at once.
#![cfg(all(feature = "idp", feature = "identity"))]

mod support;

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::provider::{future, ProvideCredentials};
use cognito::identity::credentials::{user_pool_login_provider, IdentityPoolCredentialsProvider};
use cognito::{Config, Credentials, RetryConfig};
use serde_json::json;
use support::{CannedResponse, RecordingServer};

const REGION: &str = "us-east-1";
const POOL_ID: &str = "us-east-1:11111111-2222-3333-4444-555555555555";
const LIST_USER_POOLS: &str = "AWSCognitoIdentityProviderService.ListUserPools";

fn config(server: &RecordingServer) -> Config {
    Config::builder()
        .region(REGION)
        .endpoint_url(server.endpoint())
        .retry(RetryConfig::disabled())
        .build()
}

/// The access key id a signed request was signed with.
fn signed_with(request: &support::RecordedRequest) -> String {
    let authorization = request.header("authorization").unwrap_or_default();
    authorization
        .split("Credential=")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_default()
        .to_owned()
}

/// A provider that counts its calls and sleeps a little in each, so that concurrent calls overlap.
struct Counting(Arc<AtomicUsize>);

impl fmt::Debug for Counting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Counting")
    }
}

impl ProvideCredentials for Counting {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
        future::ProvideCredentials::new(async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            Ok(Credentials::new(
                format!("AKIDUSER{n}"),
                "secret",
                None,
                Some(SystemTime::now() + Duration::from_secs(3600)),
                "counting",
            ))
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_provider_is_called_once_for_many_concurrent_signed_calls() {
    let server = RecordingServer::start(CannedResponse::json(200, r#"{"UserPools":[]}"#));
    let calls = Arc::new(AtomicUsize::new(0));
    let signed = config(&server)
        .to_builder()
        .credentials_provider(Counting(Arc::clone(&calls)))
        .build();
    let idp = cognito::idp::Client::new(&signed);
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..32 {
        let idp = idp.clone();
        tasks.spawn(async move { idp.list_user_pools().max_results(10).send().await });
    }
    while let Some(result) = tasks.join_next().await {
        result.expect("task").expect("ListUserPools");
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    let requests = server.requests();
    assert_eq!(requests.len(), 32);
    assert!(requests.iter().all(|r| signed_with(r) == "AKIDUSER1"));
}

fn epoch_secs_from_now(secs: u64) -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
        + secs
}

fn credentials_response(identity_id: &str, access_key: &str) -> CannedResponse {
    let body = json!({
        "IdentityId": identity_id,
        "Credentials": {
            "AccessKeyId": access_key,
            "SecretKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "SessionToken": "session-token",
            "Expiration": epoch_secs_from_now(3600),
        }
    });
    CannedResponse::json(200, &body.to_string())
}

#[tokio::test]
async fn new_identity_pool_logins_take_effect_on_the_next_signed_call() {
    let server = RecordingServer::start(CannedResponse::json(200, r#"{"UserPools":[]}"#));
    let guest_id = "us-east-1:00000000-0000-4000-8000-000000000001";
    let member_id = "us-east-1:00000000-0000-4000-8000-000000000002";
    server.push(CannedResponse::json(
        200,
        &json!({ "IdentityId": guest_id }).to_string(),
    ));
    server.push(credentials_response(guest_id, "ASIAGUEST"));
    server.push(CannedResponse::json(200, r#"{"UserPools":[]}"#));
    server.push(CannedResponse::json(200, r#"{"UserPools":[]}"#));
    server.push(CannedResponse::json(
        200,
        &json!({ "IdentityId": member_id }).to_string(),
    ));
    server.push(credentials_response(member_id, "ASIAMEMBER"));

    let base = config(&server);
    let provider = IdentityPoolCredentialsProvider::new(&base, POOL_ID);
    let handle = provider.clone();
    let signed = base.to_builder().credentials_provider(provider).build();
    let idp = cognito::idp::Client::new(&signed);

    for _ in 0..2 {
        idp.list_user_pools()
            .max_results(10)
            .send()
            .await
            .expect("as a guest");
    }
    handle.set_logins(HashMap::from([(
        user_pool_login_provider(REGION, "us-east-1_AbCdEfGhI"),
        "id-token".to_owned(),
    )]));
    idp.list_user_pools()
        .max_results(10)
        .send()
        .await
        .expect("as a member");

    let requests = server.requests();
    let summary: Vec<(String, String)> = requests
        .iter()
        .map(|r| {
            (
                r.header("x-amz-target").unwrap_or_default().to_owned(),
                signed_with(r),
            )
        })
        .collect();
    let expected = [
        ("AWSCognitoIdentityService.GetId", ""),
        ("AWSCognitoIdentityService.GetCredentialsForIdentity", ""),
        (LIST_USER_POOLS, "ASIAGUEST"),
        (LIST_USER_POOLS, "ASIAGUEST"),
        ("AWSCognitoIdentityService.GetId", ""),
        ("AWSCognitoIdentityService.GetCredentialsForIdentity", ""),
        (LIST_USER_POOLS, "ASIAMEMBER"),
    ]
    .map(|(a, b)| (a.to_owned(), b.to_owned()));
    assert_eq!(summary, expected);
}
