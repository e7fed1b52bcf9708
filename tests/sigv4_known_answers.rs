//! The wire side of the known-answer signatures (`tests/data/sigv4/botocore.json`, made by
//! `scripts/sigv4_vectors.py`): each vector's request, sent through the real clients over an in-memory
//! transport, reaches the wire with exactly botocore's method, URL, body and content headers, and signs
//! exactly the headers botocore signed, with the same credential scope. (The signature itself, at the
//! vectors' fixed time, is compared in `src/sign.rs`'s `known_answer_signatures`: the send path signs with
//! the current time.)

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use cognito::transport::{self, HttpError};
use cognito::{Config, Credentials};
use serde_json::Value;

const VECTORS: &str = include_str!("data/sigv4/botocore.json");
const POOL_ID: &str = "us-east-1:4a5b6c7d-8e9f-4a0b-9c1d-2e3f4a5b6c7d";
const IDENTITY_ID: &str = "us-east-1:0f9e8d7c-6b5a-4c3d-9e2f-1a0b9c8d7e6f";

/// A configuration whose transport keeps every request and answers `{}`.
fn capturing(doc: &Value, token: Option<&str>) -> (Config, Arc<Mutex<Vec<http::Request<Bytes>>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let fake = transport::from_fn(move |request: http::Request<Bytes>| {
        log.lock().unwrap_or_else(|e| e.into_inner()).push(request);
        async {
            http::Response::builder()
                .status(200)
                .body(Bytes::from_static(b"{}"))
                .map_err(|e| HttpError::io(e.to_string()))
        }
    });
    let config = Config::builder()
        .region(doc["region"].as_str().expect("region"))
        .credentials(Credentials::new(
            doc["access_key"].as_str().expect("key"),
            doc["secret_key"].as_str().expect("secret"),
            token.map(str::to_owned),
            None,
            "known-answer",
        ))
        .transport(fake)
        .build();
    (config, seen)
}

/// Sends the vector's request through the client of its service and returns what reached the wire.
async fn send(doc: &Value, name: &str, token: Option<&str>) -> http::Request<Bytes> {
    let (config, seen) = capturing(doc, token);
    match name {
        "idp_list_users" => {
            cognito::idp::Client::new(&config)
                .send(cognito::idp::operation::ListUsersInput {
                    user_pool_id: Some("us-east-1_AbCdEfGhI".into()),
                    attributes_to_get: Some(vec!["email".into(), "custom:team/role".into()]),
                    limit: Some(60),
                    pagination_token: Some("eyJ+page/token==".into()),
                    filter: Some(r#"email ^= "a+b/c=""#.into()),
                })
                .await
                .expect("sent");
        }
        "identity_get_open_id_token_for_developer_identity" => {
            cognito::identity::Client::new(&config)
                .send(
                    cognito::identity::operation::GetOpenIdTokenForDeveloperIdentityInput {
                        identity_pool_id: Some(POOL_ID.into()),
                        identity_id: Some(IDENTITY_ID.into()),
                        logins: Some(HashMap::from([(
                            "login.example.com".to_owned(),
                            "alice+1/x=".to_owned(),
                        )])),
                        token_duration: Some(3600),
                        ..Default::default()
                    },
                )
                .await
                .expect("sent");
        }
        "sync_list_records" => {
            cognito::sync::Client::new(&config)
                .send(cognito::sync::operation::ListRecordsInput {
                    identity_pool_id: Some(POOL_ID.into()),
                    identity_id: Some(IDENTITY_ID.into()),
                    dataset_name: Some("settings.v1".into()),
                    last_sync_count: Some(7),
                    next_token: Some("a+b/c==".into()),
                    max_results: Some(10),
                    sync_session_token: Some("s=1+2/3".into()),
                })
                .await
                .expect("sent");
        }
        "sync_update_records" => {
            cognito::sync::Client::new(&config)
                .send(cognito::sync::operation::UpdateRecordsInput {
                    identity_pool_id: Some(POOL_ID.into()),
                    identity_id: Some(IDENTITY_ID.into()),
                    dataset_name: Some("settings.v1".into()),
                    device_id: Some("device+1/a=".into()),
                    record_patches: Some(vec![cognito::sync::types::RecordPatch {
                        op: Some(cognito::sync::types::Operation::Replace),
                        key: Some("theme".into()),
                        value: Some("dark+blue/=".into()),
                        sync_count: Some(3),
                        ..Default::default()
                    }]),
                    sync_session_token: Some("s=1+2/3".into()),
                    ..Default::default()
                })
                .await
                .expect("sent");
        }
        other => panic!("no request for vector `{other}`"),
    }
    let mut seen = seen.lock().unwrap_or_else(|e| e.into_inner());
    assert_eq!(seen.len(), 1, "{name}");
    seen.remove(0)
}

fn header<'a>(request: &'a http::Request<Bytes>, name: &str) -> Option<&'a str> {
    request.headers().get(name).and_then(|v| v.to_str().ok())
}

/// `(credential scope without its date, signed headers)` of an `Authorization` header.
fn scope_and_signed_headers(authorization: &str) -> (String, String) {
    let rest = authorization
        .strip_prefix("AWS4-HMAC-SHA256 Credential=")
        .unwrap_or_else(|| panic!("not SigV4: {authorization}"));
    let mut parts = rest.split(", ");
    let credential = parts.next().expect("a credential");
    let signed = parts
        .next()
        .and_then(|p| p.strip_prefix("SignedHeaders="))
        .expect("signed headers");
    // AKID/DATE/region/service/aws4_request: drop the date, which is the send path's own.
    let mut fields: Vec<&str> = credential.split('/').collect();
    assert_eq!(fields.len(), 5, "{credential}");
    fields.remove(1);
    (fields.join("/"), signed.to_owned())
}

#[tokio::test]
async fn the_wire_request_is_the_one_botocore_signed() {
    let doc: Value = serde_json::from_str(VECTORS).expect("the vectors are JSON");
    let vectors = doc["vectors"].as_array().expect("a list");
    assert_eq!(vectors.len(), 4);
    for v in vectors {
        let name = v["name"].as_str().expect("a name");
        let token = v["session_token"].as_str();
        let request = send(&doc, name, token).await;

        assert_eq!(request.method().as_str(), v["method"], "{name}");
        assert_eq!(
            request.uri().to_string(),
            v["url"].as_str().expect("url"),
            "{name}"
        );
        assert_eq!(
            std::str::from_utf8(request.body()).expect("UTF-8"),
            v["body"].as_str().expect("body"),
            "{name}"
        );
        for (k, expected) in v["headers"].as_object().expect("headers") {
            assert_eq!(header(&request, k), expected.as_str(), "{name}: {k}");
        }
        assert_eq!(header(&request, "x-amz-security-token"), token, "{name}");
        assert!(
            header(&request, "x-amz-content-sha256").is_none(),
            "{name}: botocore sends no payload hash header for these services"
        );

        let expected = v["signed"]["authorization"]
            .as_str()
            .expect("authorization");
        let actual = header(&request, "authorization").expect("signed");
        assert_eq!(
            scope_and_signed_headers(actual),
            scope_and_signed_headers(expected),
            "{name}"
        );
        // Every signed header is on the wire, and the wire carries no header botocore would have signed
        // that the crate left unsigned (the rest are the SDK's unsigned `user-agent`,
        // `amz-sdk-invocation-id` and `amz-sdk-request`).
        let (_, signed) = scope_and_signed_headers(actual);
        for h in signed.split(';').filter(|h| *h != "host") {
            assert!(request.headers().contains_key(h), "{name}: {h}");
        }
        for h in request.headers().keys() {
            let h = h.as_str();
            assert!(
                signed.split(';').any(|s| s == h)
                    || [
                        "user-agent",
                        "amz-sdk-invocation-id",
                        "amz-sdk-request",
                        "authorization"
                    ]
                    .contains(&h),
                "{name}: `{h}` is sent but not signed"
            );
        }
    }
}
