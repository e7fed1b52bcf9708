//! SigV4 signing through the `aws-sigv4` crate.

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;

/// The parts of a request that the signature covers.
pub(crate) struct Unsigned<'a> {
    pub(crate) method: &'a str,
    pub(crate) url: &'a str,
    pub(crate) headers: &'a [(&'a str, &'a str)],
    pub(crate) body: &'a [u8],
}

/// Signs a request and returns the headers to add (`authorization`, `x-amz-date`, and
/// `x-amz-security-token` for session credentials).
pub(crate) fn sign_request(
    request: &Unsigned<'_>,
    credentials: &Credentials,
    region: &str,
    signing_name: &str,
    time: SystemTime,
) -> Result<Vec<(String, String)>, String> {
    let Unsigned {
        method,
        url,
        headers,
        body,
    } = *request;
    let identity: Identity = credentials.clone().into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(signing_name)
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| e.to_string())?
        .into();
    let signable = SignableRequest::new(
        method,
        url,
        headers.iter().copied(),
        SignableBody::Bytes(body),
    )
    .map_err(|e| e.to_string())?;
    let (instructions, _signature) = sign(signable, &params)
        .map_err(|e| e.to_string())?
        .into_parts();
    Ok(instructions
        .headers()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn signature_covers_target_and_content_type() {
        let creds = Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
            None,
            "test",
        );
        let headers = [
            ("content-type", "application/x-amz-json-1.1"),
            (
                "x-amz-target",
                "AWSCognitoIdentityProviderService.ListUserPools",
            ),
        ];
        let time = UNIX_EPOCH + Duration::from_secs(1_440_938_160); // 2015-08-30T12:36:00Z
        let req = Unsigned {
            method: "POST",
            url: "https://cognito-idp.us-east-1.amazonaws.com/",
            headers: &headers,
            body: b"{}",
        };
        let out = sign_request(&req, &creds, "us-east-1", "cognito-idp", time).expect("signs");
        let auth = out
            .iter()
            .find(|(k, _)| k == "authorization")
            .map(|(_, v)| v.as_str())
            .expect("auth");
        assert!(auth.starts_with(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/cognito-idp/aws4_request"
        ));
        assert!(
            auth.contains("SignedHeaders=content-type;host;x-amz-date;x-amz-target"),
            "{auth}"
        );
        assert!(out
            .iter()
            .any(|(k, v)| k == "x-amz-date" && v == "20150830T123600Z"));
        // Same inputs, same signature.
        let again = sign_request(&req, &creds, "us-east-1", "cognito-idp", time).expect("signs");
        assert_eq!(out, again);
    }

    #[test]
    fn session_token_is_sent_and_signed() {
        let creds = Credentials::new("AKID", "secret", Some("token-123".into()), None, "test");
        let req = Unsigned {
            method: "POST",
            url: "http://127.0.0.1:1/",
            headers: &[],
            body: b"{}",
        };
        let out = sign_request(&req, &creds, "us-east-1", "cognito-idp", SystemTime::now())
            .expect("signs");
        assert!(out
            .iter()
            .any(|(k, v)| k == "x-amz-security-token" && v == "token-123"));
        let auth = out
            .iter()
            .find(|(k, _)| k == "authorization")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        assert!(auth.contains("x-amz-security-token"), "{auth}");
    }

    /// The known-answer vectors of `scripts/sigv4_vectors.py`: requests serialized and signed by botocore
    /// at a fixed time with fixed credentials.
    #[cfg(all(feature = "idp", feature = "identity", feature = "sync"))]
    mod known_answers {
        use std::collections::{BTreeMap, HashMap};
        use std::time::{Duration, UNIX_EPOCH};

        use aws_credential_types::Credentials;
        use serde_json::Value;

        use crate::endpoint::{self, ServiceId};
        use crate::operation::{Operation, Request};

        const VECTORS: &str = include_str!("../tests/data/sigv4/botocore.json");

        const POOL_ID: &str = "us-east-1:4a5b6c7d-8e9f-4a0b-9c1d-2e3f4a5b6c7d";
        const IDENTITY_ID: &str = "us-east-1:0f9e8d7c-6b5a-4c3d-9e2f-1a0b9c8d7e6f";

        /// The crate's request for each vector, built by the generated operations from the same
        /// parameters the script gives botocore, with the service it goes to.
        fn crate_request(name: &str) -> (Request, ServiceId) {
            let request = match name {
                "idp_list_users" => {
                    let input = crate::idp::operation::ListUsersInput {
                        user_pool_id: Some("us-east-1_AbCdEfGhI".into()),
                        attributes_to_get: Some(vec!["email".into(), "custom:team/role".into()]),
                        limit: Some(60),
                        pagination_token: Some("eyJ+page/token==".into()),
                        filter: Some(r#"email ^= "a+b/c=""#.into()),
                    };
                    (input.request(), ServiceId::CognitoIdp)
                }
                "identity_get_open_id_token_for_developer_identity" => {
                    let input =
                        crate::identity::operation::GetOpenIdTokenForDeveloperIdentityInput {
                            identity_pool_id: Some(POOL_ID.into()),
                            identity_id: Some(IDENTITY_ID.into()),
                            logins: Some(HashMap::from([(
                                "login.example.com".to_owned(),
                                "alice+1/x=".to_owned(),
                            )])),
                            token_duration: Some(3600),
                            ..Default::default()
                        };
                    (input.request(), ServiceId::CognitoIdentity)
                }
                "sync_list_records" => {
                    let input = crate::sync::operation::ListRecordsInput {
                        identity_pool_id: Some(POOL_ID.into()),
                        identity_id: Some(IDENTITY_ID.into()),
                        dataset_name: Some("settings.v1".into()),
                        last_sync_count: Some(7),
                        next_token: Some("a+b/c==".into()),
                        max_results: Some(10),
                        sync_session_token: Some("s=1+2/3".into()),
                    };
                    (input.request(), ServiceId::CognitoSync)
                }
                "sync_update_records" => {
                    let input = crate::sync::operation::UpdateRecordsInput {
                        identity_pool_id: Some(POOL_ID.into()),
                        identity_id: Some(IDENTITY_ID.into()),
                        dataset_name: Some("settings.v1".into()),
                        device_id: Some("device+1/a=".into()),
                        record_patches: Some(vec![crate::sync::types::RecordPatch {
                            op: Some(crate::sync::types::Operation::Replace),
                            key: Some("theme".into()),
                            value: Some("dark+blue/=".into()),
                            sync_count: Some(3),
                            ..Default::default()
                        }]),
                        sync_session_token: Some("s=1+2/3".into()),
                        ..Default::default()
                    };
                    (input.request(), ServiceId::CognitoSync)
                }
                other => panic!("no crate request for vector `{other}`"),
            };
            (request.0.expect("the input makes a request"), request.1)
        }

        fn text<'a>(v: &'a Value, key: &str) -> &'a str {
            v[key]
                .as_str()
                .unwrap_or_else(|| panic!("`{key}` is a string"))
        }

        fn lowercase_map(v: &Value) -> BTreeMap<String, String> {
            v.as_object()
                .expect("an object")
                .iter()
                .map(|(k, v)| {
                    (
                        k.to_ascii_lowercase(),
                        v.as_str().expect("a string").to_owned(),
                    )
                })
                .collect()
        }

        #[test]
        fn known_answer_signatures() {
            let doc: Value = serde_json::from_str(VECTORS).expect("the vectors are JSON");
            let time = UNIX_EPOCH + Duration::from_secs(doc["time_unix"].as_u64().expect("a time"));
            let region = text(&doc, "region");
            let vectors = doc["vectors"].as_array().expect("a list");
            assert_eq!(vectors.len(), 4);
            for v in vectors {
                let name = text(v, "name");
                let (request, service) = crate_request(name);
                let config = crate::Config::builder().region(region).build();
                let endpoint = endpoint::resolve(&config, service).expect("an endpoint");
                // The URL as the send path makes it (`Handle::send_attempts`).
                let url = format!("{}{}", endpoint.url, request.path_and_query);

                // The request is byte for byte the one botocore signed.
                assert_eq!(request.method, text(v, "method"), "{name}");
                assert_eq!(url, text(v, "url"), "{name}");
                assert_eq!(
                    std::str::from_utf8(&request.body).expect("UTF-8"),
                    text(v, "body"),
                    "{name}"
                );
                let headers: BTreeMap<String, String> = request
                    .headers
                    .iter()
                    .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
                    .collect();
                assert_eq!(headers, lowercase_map(&v["headers"]), "{name}");

                // And the crate's signer says exactly what botocore's did.
                let credentials = Credentials::new(
                    text(&doc, "access_key"),
                    text(&doc, "secret_key"),
                    v["session_token"].as_str().map(str::to_owned),
                    None,
                    "known-answer",
                );
                let pairs: Vec<(&str, &str)> = request
                    .headers
                    .iter()
                    .map(|(k, v)| (*k, v.as_str()))
                    .collect();
                let unsigned = super::super::Unsigned {
                    method: request.method,
                    url: &url,
                    headers: &pairs,
                    body: &request.body,
                };
                let signed = super::super::sign_request(
                    &unsigned,
                    &credentials,
                    &endpoint.region,
                    text(v, "signing_name"),
                    time,
                )
                .expect("signs");
                let signed: BTreeMap<String, String> = signed
                    .into_iter()
                    .map(|(k, v)| (k.to_ascii_lowercase(), v))
                    .collect();
                assert_eq!(signed, lowercase_map(&v["signed"]), "{name}");
            }
        }
    }
}
