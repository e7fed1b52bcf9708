//! Every Cognito Sync operation (REST-JSON) against a local recording server: the exact request the model
//! prescribes (method, percent-encoded URI, query string, headers, JSON body, signature), and a response
//! built from the model's shapes decoded back into the typed output. No emulator implements Cognito Sync.

#![cfg(feature = "sync")]

mod support;

use cognito::sync::operation::{DescribeDatasetError, ListRecordsError};
use cognito::sync::types::{
    BulkPublishStatus, CognitoStreams, Operation, Platform, PushSync, RecordPatch, StreamingStatus,
};
use cognito::{Config, Credentials, DateTime, Error, RetryConfig};
use serde_json::json;
use support::{CannedResponse, RecordedRequest, RecordingServer};

const POOL: &str = "us-east-1:11111111-2222-3333-4444-555555555555";
const POOL_ENC: &str = "us-east-1%3A11111111-2222-3333-4444-555555555555";
const IDENTITY: &str = "us-east-1:aaaa/bbbb";
const IDENTITY_ENC: &str = "us-east-1%3Aaaaa%2Fbbbb";

fn client(server: &RecordingServer) -> cognito::sync::Client {
    let config = Config::builder()
        .region("us-east-1")
        .endpoint_url(server.endpoint())
        .credentials(Credentials::new(
            "AKIDSYNC",
            "SECRETSYNC",
            None,
            None,
            "test",
        ))
        .retry(RetryConfig::disabled())
        .build();
    cognito::sync::Client::new(&config)
}

/// Asserts method, path and query, body, and that the request is signed for `cognito-sync`.
fn check(r: &RecordedRequest, method: &str, path_and_query: &str, body: Option<serde_json::Value>) {
    assert_eq!(r.method, method);
    assert_eq!(r.path_and_query, path_and_query);
    match body {
        Some(expected) => {
            assert_eq!(r.header("content-type"), Some("application/json"));
            assert_eq!(r.body_json(), expected);
        }
        None => assert!(r.body.is_empty(), "unexpected body {:?}", r.body_str()),
    }
    assert_eq!(r.header("x-amz-target"), None);
    let auth = r.header("authorization").expect("signed");
    assert!(
        auth.contains("/us-east-1/cognito-sync/aws4_request"),
        "{auth}"
    );
}

fn one(server: &RecordingServer) -> RecordedRequest {
    let mut requests = server.take_requests();
    assert_eq!(requests.len(), 1);
    requests.remove(0)
}

#[tokio::test]
async fn bulk_publish_and_details() {
    let server = RecordingServer::start(CannedResponse::json(
        200,
        &json!({"IdentityPoolId": POOL}).to_string(),
    ));
    let sync = client(&server);
    let out = sync
        .bulk_publish()
        .identity_pool_id(POOL)
        .send()
        .await
        .expect("ok");
    assert_eq!(out.identity_pool_id.as_deref(), Some(POOL));
    check(
        &one(&server),
        "POST",
        &format!("/identitypools/{POOL_ENC}/bulkpublish"),
        None,
    );

    server.push(CannedResponse::json(
        200,
        &json!({"IdentityPoolId": POOL, "BulkPublishStartTime": 1700000000, "BulkPublishCompleteTime": 1700000100.5,
                "BulkPublishStatus": "SUCCEEDED", "FailureMessage": "none"})
        .to_string(),
    ));
    let out = sync
        .get_bulk_publish_details()
        .identity_pool_id(POOL)
        .send()
        .await
        .expect("ok");
    assert_eq!(out.bulk_publish_status, Some(BulkPublishStatus::Succeeded));
    assert_eq!(
        out.bulk_publish_start_time,
        Some(DateTime::from_secs(1_700_000_000))
    );
    assert_eq!(
        out.bulk_publish_complete_time.map(|t| t.subsec_nanos()),
        Some(500_000_000)
    );
    assert_eq!(out.failure_message.as_deref(), Some("none"));
    check(
        &one(&server),
        "POST",
        &format!("/identitypools/{POOL_ENC}/getBulkPublishDetails"),
        None,
    );
}

#[tokio::test]
async fn datasets_describe_delete_list() {
    let dataset = json!({"IdentityId": IDENTITY, "DatasetName": "settings", "CreationDate": 1700000000,
                         "LastModifiedDate": 1700000500, "LastModifiedBy": "device-1", "DataStorage": 1234,
                         "NumRecords": 7});
    let server = RecordingServer::start(CannedResponse::json(
        200,
        &json!({"Dataset": dataset}).to_string(),
    ));
    let sync = client(&server);
    let out = sync
        .describe_dataset()
        .identity_pool_id(POOL)
        .identity_id(IDENTITY)
        .dataset_name("settings")
        .send()
        .await
        .expect("ok");
    let d = out.dataset.expect("dataset");
    assert_eq!(d.dataset_name.as_deref(), Some("settings"));
    assert_eq!((d.data_storage, d.num_records), (Some(1234), Some(7)));
    assert_eq!(
        d.last_modified_date,
        Some(DateTime::from_secs(1_700_000_500))
    );
    let path = format!("/identitypools/{POOL_ENC}/identities/{IDENTITY_ENC}/datasets/settings");
    check(&one(&server), "GET", &path, None);

    let out = sync
        .delete_dataset()
        .identity_pool_id(POOL)
        .identity_id(IDENTITY)
        .dataset_name("settings")
        .send()
        .await
        .expect("ok");
    assert_eq!(
        out.dataset.and_then(|d| d.last_modified_by).as_deref(),
        Some("device-1")
    );
    check(&one(&server), "DELETE", &path, None);

    server.push(CannedResponse::json(
        200,
        &json!({"Datasets": [dataset], "Count": 1, "NextToken": "next/1"}).to_string(),
    ));
    let out = sync
        .list_datasets()
        .identity_pool_id(POOL)
        .identity_id(IDENTITY)
        .next_token("tok+en/=")
        .max_results(5)
        .send()
        .await
        .expect("ok");
    assert_eq!(out.count, Some(1));
    assert_eq!(out.next_token.as_deref(), Some("next/1"));
    assert_eq!(out.datasets.map(|d| d.len()), Some(1));
    check(
        &one(&server),
        "GET",
        &format!("/identitypools/{POOL_ENC}/identities/{IDENTITY_ENC}/datasets?nextToken=tok%2Ben%2F%3D&maxResults=5"),
        None,
    );
}

#[tokio::test]
async fn usage_operations() {
    let server = RecordingServer::start(CannedResponse::json(
        200,
        &json!({"IdentityPoolUsage": {"IdentityPoolId": POOL, "SyncSessionsCount": 42, "DataStorage": 4096,
                                      "LastModifiedDate": 1700000000}})
        .to_string(),
    ));
    let sync = client(&server);
    let out = sync
        .describe_identity_pool_usage()
        .identity_pool_id(POOL)
        .send()
        .await
        .expect("ok");
    let usage = out.identity_pool_usage.expect("usage");
    assert_eq!(
        (usage.sync_sessions_count, usage.data_storage),
        (Some(42), Some(4096))
    );
    check(
        &one(&server),
        "GET",
        &format!("/identitypools/{POOL_ENC}"),
        None,
    );

    server.push(CannedResponse::json(
        200,
        &json!({"IdentityUsage": {"IdentityId": IDENTITY, "IdentityPoolId": POOL, "DatasetCount": 3,
                                  "DataStorage": 99, "LastModifiedDate": 1700000000}})
        .to_string(),
    ));
    let out = sync
        .describe_identity_usage()
        .identity_pool_id(POOL)
        .identity_id(IDENTITY)
        .send()
        .await
        .expect("ok");
    assert_eq!(out.identity_usage.and_then(|u| u.dataset_count), Some(3));
    check(
        &one(&server),
        "GET",
        &format!("/identitypools/{POOL_ENC}/identities/{IDENTITY_ENC}"),
        None,
    );

    server.push(CannedResponse::json(
        200,
        &json!({"IdentityPoolUsages": [{"IdentityPoolId": POOL, "SyncSessionsCount": 1}], "MaxResults": 10,
                "Count": 1})
        .to_string(),
    ));
    let out = sync
        .list_identity_pool_usage()
        .max_results(10)
        .send()
        .await
        .expect("ok");
    assert_eq!((out.max_results, out.count), (Some(10), Some(1)));
    assert_eq!(out.identity_pool_usages.map(|u| u.len()), Some(1));
    check(&one(&server), "GET", "/identitypools?maxResults=10", None);
}

#[tokio::test]
async fn events_and_configuration() {
    let server = RecordingServer::start(CannedResponse::json(
        200,
        &json!({"Events": {"SyncTrigger": "arn:aws:lambda:us-east-1:123456789012:function:f"}})
            .to_string(),
    ));
    let sync = client(&server);
    let out = sync
        .get_cognito_events()
        .identity_pool_id(POOL)
        .send()
        .await
        .expect("ok");
    assert_eq!(
        out.events
            .and_then(|e| e.get("SyncTrigger").cloned())
            .as_deref(),
        Some("arn:aws:lambda:us-east-1:123456789012:function:f")
    );
    check(
        &one(&server),
        "GET",
        &format!("/identitypools/{POOL_ENC}/events"),
        None,
    );

    server.push(CannedResponse::empty(200));
    sync.set_cognito_events()
        .identity_pool_id(POOL)
        .events(
            "SyncTrigger",
            "arn:aws:lambda:us-east-1:123456789012:function:g",
        )
        .send()
        .await
        .expect("ok");
    check(
        &one(&server),
        "POST",
        &format!("/identitypools/{POOL_ENC}/events"),
        Some(
            json!({"Events": {"SyncTrigger": "arn:aws:lambda:us-east-1:123456789012:function:g"}}),
        ),
    );

    let config = json!({"IdentityPoolId": POOL,
                        "PushSync": {"ApplicationArns": ["arn:aws:sns:us-east-1:1:app/GCM/x"], "RoleArn": "arn:aws:iam::1:role/r"},
                        "CognitoStreams": {"StreamName": "s", "RoleArn": "arn:aws:iam::1:role/r", "StreamingStatus": "ENABLED"}});
    server.push(CannedResponse::json(200, &config.to_string()));
    let out = sync
        .get_identity_pool_configuration()
        .identity_pool_id(POOL)
        .send()
        .await
        .expect("ok");
    assert_eq!(
        out.cognito_streams.and_then(|s| s.streaming_status),
        Some(StreamingStatus::Enabled)
    );
    assert_eq!(
        out.push_sync
            .and_then(|p| p.application_arns)
            .map(|a| a.len()),
        Some(1)
    );
    check(
        &one(&server),
        "GET",
        &format!("/identitypools/{POOL_ENC}/configuration"),
        None,
    );

    server.push(CannedResponse::json(200, &config.to_string()));
    let out = sync
        .set_identity_pool_configuration()
        .identity_pool_id(POOL)
        .push_sync(PushSync {
            application_arns: Some(vec!["arn:aws:sns:us-east-1:1:app/GCM/x".into()]),
            role_arn: Some("arn:aws:iam::1:role/r".into()),
        })
        .cognito_streams(CognitoStreams {
            stream_name: Some("s".into()),
            role_arn: Some("arn:aws:iam::1:role/r".into()),
            streaming_status: Some(StreamingStatus::Enabled),
        })
        .send()
        .await
        .expect("ok");
    assert_eq!(out.identity_pool_id.as_deref(), Some(POOL));
    let mut expected = config.clone();
    expected.as_object_mut().map(|o| o.remove("IdentityPoolId"));
    check(
        &one(&server),
        "POST",
        &format!("/identitypools/{POOL_ENC}/configuration"),
        Some(expected),
    );
}

#[tokio::test]
async fn records_list_and_update() {
    let server = RecordingServer::start(CannedResponse::json(
        200,
        &json!({"Records": [{"Key": "theme", "Value": "dark", "SyncCount": 3, "LastModifiedDate": 1700000000,
                             "LastModifiedBy": "d1", "DeviceLastModifiedDate": 1700000000}],
                "Count": 1, "DatasetSyncCount": 3, "LastModifiedBy": "d1", "MergedDatasetNames": ["old"],
                "DatasetExists": true, "DatasetDeletedAfterRequestedSyncCount": false, "SyncSessionToken": "sst"})
        .to_string(),
    ));
    let sync = client(&server);
    let out = sync
        .list_records()
        .identity_pool_id(POOL)
        .identity_id(IDENTITY)
        .dataset_name("settings")
        .last_sync_count(2i64)
        .max_results(50)
        .sync_session_token("a b")
        .send()
        .await
        .expect("ok");
    assert_eq!(out.dataset_sync_count, Some(3));
    assert_eq!(out.dataset_exists, Some(true));
    assert_eq!(out.sync_session_token.as_deref(), Some("sst"));
    let record = out
        .records
        .and_then(|r| r.into_iter().next())
        .expect("record");
    assert_eq!(
        (
            record.key.as_deref(),
            record.value.as_deref(),
            record.sync_count
        ),
        (Some("theme"), Some("dark"), Some(3))
    );
    check(
        &one(&server),
        "GET",
        &format!(
            "/identitypools/{POOL_ENC}/identities/{IDENTITY_ENC}/datasets/settings/records\
             ?lastSyncCount=2&maxResults=50&syncSessionToken=a%20b"
        ),
        None,
    );

    server.push(CannedResponse::json(
        200,
        &json!({"Records": [{"Key": "theme", "Value": "light", "SyncCount": 4}]}).to_string(),
    ));
    let out = sync
        .update_records()
        .identity_pool_id(POOL)
        .identity_id(IDENTITY)
        .dataset_name("settings")
        .device_id("device-1")
        .record_patches(RecordPatch {
            op: Some(Operation::Replace),
            key: Some("theme".into()),
            value: Some("light".into()),
            sync_count: Some(3),
            device_last_modified_date: Some(DateTime::from_secs(1_700_000_001)),
        })
        .sync_session_token("sst")
        .client_context("ctx-base64")
        .send()
        .await
        .expect("ok");
    assert_eq!(out.records.map(|r| r[0].sync_count), Some(Some(4)));
    let r = one(&server);
    check(
        &r,
        "POST",
        &format!("/identitypools/{POOL_ENC}/identities/{IDENTITY_ENC}/datasets/settings"),
        Some(json!({"DeviceId": "device-1", "SyncSessionToken": "sst",
                    "RecordPatches": [{"Op": "replace", "Key": "theme", "Value": "light", "SyncCount": 3,
                                       "DeviceLastModifiedDate": 1700000001}]})),
    );
    assert_eq!(r.header("x-amz-client-context"), Some("ctx-base64"));
    assert!(r
        .header("authorization")
        .is_some_and(|a| a.contains("x-amz-client-context")));
}

#[tokio::test]
async fn devices_and_subscriptions() {
    let server = RecordingServer::start(CannedResponse::json(200, r#"{"DeviceId":"dev-9"}"#));
    let sync = client(&server);
    let out = sync
        .register_device()
        .identity_pool_id(POOL)
        .identity_id(IDENTITY)
        .platform(Platform::ApnsSandbox)
        .token("push-token")
        .send()
        .await
        .expect("ok");
    assert_eq!(out.device_id.as_deref(), Some("dev-9"));
    check(
        &one(&server),
        "POST",
        &format!("/identitypools/{POOL_ENC}/identity/{IDENTITY_ENC}/device"),
        Some(json!({"Platform": "APNS_SANDBOX", "Token": "push-token"})),
    );

    server.set_default(CannedResponse::empty(200));
    let path = format!("/identitypools/{POOL_ENC}/identities/{IDENTITY_ENC}/datasets/settings/subscriptions/dev%209");
    sync.subscribe_to_dataset()
        .identity_pool_id(POOL)
        .identity_id(IDENTITY)
        .dataset_name("settings")
        .device_id("dev 9")
        .send()
        .await
        .expect("ok");
    check(&one(&server), "POST", &path, None);
    sync.unsubscribe_from_dataset()
        .identity_pool_id(POOL)
        .identity_id(IDENTITY)
        .dataset_name("settings")
        .device_id("dev 9")
        .send()
        .await
        .expect("ok");
    check(&one(&server), "DELETE", &path, None);
}

#[tokio::test]
async fn rest_errors_are_typed_from_header_or_body() {
    let server = RecordingServer::start(
        CannedResponse::json(404, r#"{"message":"Dataset not found."}"#).with_header(
            "x-amzn-ErrorType",
            "ResourceNotFoundException:http://internal.amazon.com/coral/",
        ),
    );
    let sync = client(&server);
    let err = sync
        .describe_dataset()
        .identity_pool_id(POOL)
        .identity_id(IDENTITY)
        .dataset_name("gone")
        .send()
        .await
        .expect_err("not found");
    assert!(
        matches!(
            err,
            Error::Service(DescribeDatasetError::ResourceNotFoundException(_))
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "ResourceNotFoundException: Dataset not found."
    );

    server.push(CannedResponse::aws_error(
        429,
        "TooManyRequestsException",
        "slow down",
    ));
    let err = sync
        .list_records()
        .identity_pool_id(POOL)
        .identity_id(IDENTITY)
        .dataset_name("d")
        .send()
        .await
        .expect_err("throttled");
    assert!(
        matches!(
            err,
            Error::Service(ListRecordsError::TooManyRequestsException(_))
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn empty_uri_labels_and_missing_members_are_refused_before_sending() {
    let server = RecordingServer::start(CannedResponse::empty(200));
    let sync = client(&server);
    let err = sync
        .describe_identity_pool_usage()
        .identity_pool_id("")
        .send()
        .await
        .expect_err("empty label");
    assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
    let err = sync
        .describe_identity_usage()
        .identity_pool_id(POOL)
        .send()
        .await
        .expect_err("missing");
    assert_eq!(
        err.to_string(),
        "invalid input for DescribeIdentityUsage: the required member `IdentityId` is not set"
    );
    assert_eq!(server.request_count(), 0);
}
