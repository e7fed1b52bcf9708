//! The identity-pools operations that moto 5.2.5 does not implement, against a local recording server:
//! the exact request each one sends (method, path, `X-Amz-Target`, content type, JSON body, signed or
//! not) and the typed output decoded from a response built from the model's shapes. Also the four
//! operations AWS serves unsigned (sent without `Authorization` even by a client that has credentials),
//! `ListIdentityPools` pagination over several pages (moto answers everything in one page), and typed
//! errors.
//!
//! moto's `cognitoidentity` implements `CreateIdentityPool`, `DeleteIdentityPool`,
//! `DescribeIdentityPool`, `GetCredentialsForIdentity`, `GetId`, `GetOpenIdToken`,
//! `GetOpenIdTokenForDeveloperIdentity`, `ListIdentities`, `ListIdentityPools` and `UpdateIdentityPool`
//! (see `tests/moto_identity.rs`); the other 13 of the model's 23 are here.

mod support;

use std::collections::HashMap;

use cognito::identity::operation::*;
use cognito::identity::types::{
    AmbiguousRoleResolutionType, ErrorCode, IdentityPoolShortDescription, MappingRule,
    MappingRuleMatchType, RoleMapping, RoleMappingType, RulesConfigurationType,
    UnprocessedIdentityId,
};
use cognito::identity::Client;
use cognito::{Config, Credentials, DateTime, Error, RetryConfig};
use serde_json::json;
use support::{CannedResponse, RecordedRequest, RecordingServer};

const POOL_ID: &str = "us-east-1:2f1e5a9c-0b6d-4c1e-9a57-3d8e7b6c5a41";
const POOL_ARN: &str =
    "arn:aws:cognito-identity:us-east-1:123456789012:identitypool/us-east-1:2f1e5a9c-0b6d-4c1e-9a57-3d8e7b6c5a41";
const IDENTITY_ID: &str = "us-east-1:7c3b1d2e-8f4a-4b6c-a1d2-e3f4a5b6c7d8";
const OTHER_IDENTITY_ID: &str = "us-east-1:0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const DEVELOPER_PROVIDER: &str = "login.example.app";
const USER_POOL_PROVIDER: &str = "cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI";
const AUTH_ROLE: &str = "arn:aws:iam::123456789012:role/Cognito_AppAuth_Role";
const UNAUTH_ROLE: &str = "arn:aws:iam::123456789012:role/Cognito_AppUnauth_Role";

/// A client with credentials (signed operations are signed) and no retries, talking to `server`.
fn client(server: &RecordingServer) -> Client {
    let config = Config::builder()
        .region("us-east-1")
        .endpoint_url(server.endpoint())
        .credentials(Credentials::new(
            "AKIDTEST",
            "SECRETTEST",
            None,
            None,
            "test",
        ))
        .retry(RetryConfig::disabled())
        .build();
    Client::new(&config)
}

/// A server that answers the next request with `body` (HTTP 200) and anything after with an error.
fn server_answering(body: &str) -> RecordingServer {
    let server = RecordingServer::start(CannedResponse::aws_error(
        500,
        "InternalErrorException",
        "unexpected extra request",
    ));
    server.push(CannedResponse::json(200, body));
    server
}

/// Asserts that `r` is the AWS JSON 1.1 call of `operation` with exactly `body`, signed for
/// `cognito-identity` in us-east-1 with the client's static key when `signed`, else with no signature
/// at all.
fn assert_call(r: &RecordedRequest, operation: &str, signed: bool, body: serde_json::Value) {
    assert_eq!(r.method, "POST", "{operation}");
    assert_eq!(r.path_and_query, "/", "{operation}");
    assert_eq!(
        r.header("x-amz-target"),
        Some(format!("AWSCognitoIdentityService.{operation}").as_str())
    );
    assert_eq!(
        r.header("content-type"),
        Some("application/x-amz-json-1.1"),
        "{operation}"
    );
    assert_eq!(r.body_json(), body, "{operation} body");
    assert_eq!(r.header("x-amz-security-token"), None, "{operation}");
    if signed {
        let auth = r
            .header("authorization")
            .unwrap_or_else(|| panic!("{operation} must be signed"));
        let date = r.header("x-amz-date").expect("x-amz-date on a signed call");
        let prefix = format!(
            "AWS4-HMAC-SHA256 Credential=AKIDTEST/{}/us-east-1/cognito-identity/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=",
            &date[..8]
        );
        assert!(auth.starts_with(&prefix), "{operation}: {auth}");
        let signature = &auth[prefix.len()..];
        assert_eq!(signature.len(), 64, "{operation}: {auth}");
        assert!(signature.bytes().all(|b| b.is_ascii_hexdigit()));
    } else {
        assert_eq!(
            r.header("authorization"),
            None,
            "{operation} is sent unsigned"
        );
        assert_eq!(r.header("x-amz-date"), None, "{operation}");
    }
}

/// The single request `server` received.
fn only_request(server: &RecordingServer) -> RecordedRequest {
    let mut requests = server.requests();
    assert_eq!(requests.len(), 1, "exactly one request");
    requests.remove(0)
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn map(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

// ---------------------------------------------------------------------------------------
// Identities
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn delete_identities() {
    let server = server_answering(
        r#"{"UnprocessedIdentityIds":[{"IdentityId":"us-east-1:0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d","ErrorCode":"InternalServerError"}]}"#,
    );
    let out = client(&server)
        .delete_identities()
        .identity_ids_to_delete(IDENTITY_ID)
        .identity_ids_to_delete(OTHER_IDENTITY_ID)
        .send()
        .await
        .expect("DeleteIdentities");
    assert_eq!(
        out,
        DeleteIdentitiesOutput {
            unprocessed_identity_ids: Some(vec![UnprocessedIdentityId {
                identity_id: Some(OTHER_IDENTITY_ID.to_owned()),
                error_code: Some(ErrorCode::InternalServerError),
            }]),
        }
    );
    assert_call(
        &only_request(&server),
        "DeleteIdentities",
        true,
        json!({ "IdentityIdsToDelete": [IDENTITY_ID, OTHER_IDENTITY_ID] }),
    );
}

#[tokio::test]
async fn describe_identity() {
    let server = server_answering(&format!(
        r#"{{"IdentityId":"{IDENTITY_ID}","Logins":["{USER_POOL_PROVIDER}","accounts.google.com"],
            "CreationDate":1700000000.123,"LastModifiedDate":1700003600}}"#
    ));
    let out = client(&server)
        .describe_identity()
        .identity_id(IDENTITY_ID)
        .send()
        .await
        .expect("DescribeIdentity");
    let created = out.creation_date.expect("CreationDate");
    assert_eq!(
        Some(created),
        DateTime::from_secs_f64(1_700_000_000.123),
        "{created}"
    );
    assert_eq!(created.secs(), 1_700_000_000);
    // The nearest f64 to 1700000000.123 is 1700000000.1229999065…: decoding keeps microseconds, so the
    // instant is the wire value's, .123 s exactly.
    assert_eq!(created.subsec_nanos(), 123_000_000);
    assert_eq!(
        out,
        DescribeIdentityOutput {
            identity_id: Some(IDENTITY_ID.to_owned()),
            logins: Some(strings(&[USER_POOL_PROVIDER, "accounts.google.com"])),
            creation_date: Some(created),
            last_modified_date: Some(DateTime::from_secs(1_700_003_600)),
        }
    );
    assert_call(
        &only_request(&server),
        "DescribeIdentity",
        true,
        json!({ "IdentityId": IDENTITY_ID }),
    );
}

#[tokio::test]
async fn unlink_identity_is_unsigned() {
    let server = server_answering("");
    let out = client(&server)
        .unlink_identity()
        .identity_id(IDENTITY_ID)
        .logins(USER_POOL_PROVIDER, "id-token")
        .logins_to_remove(USER_POOL_PROVIDER)
        .send()
        .await
        .expect("UnlinkIdentity");
    assert_eq!(out, UnlinkIdentityOutput {});
    assert_call(
        &only_request(&server),
        "UnlinkIdentity",
        false,
        json!({
            "IdentityId": IDENTITY_ID,
            "Logins": { USER_POOL_PROVIDER: "id-token" },
            "LoginsToRemove": [USER_POOL_PROVIDER],
        }),
    );
}

// ---------------------------------------------------------------------------------------
// Developer-authenticated identities
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn lookup_developer_identity() {
    let server = server_answering(&format!(
        r#"{{"IdentityId":"{IDENTITY_ID}","DeveloperUserIdentifierList":["user-1","user-2"],"NextToken":"page-3"}}"#
    ));
    let out = client(&server)
        .lookup_developer_identity()
        .identity_pool_id(POOL_ID)
        .developer_user_identifier("user-1")
        .max_results(2)
        .next_token("page-2")
        .send()
        .await
        .expect("LookupDeveloperIdentity");
    assert_eq!(
        out,
        LookupDeveloperIdentityOutput {
            identity_id: Some(IDENTITY_ID.to_owned()),
            developer_user_identifier_list: Some(strings(&["user-1", "user-2"])),
            next_token: Some("page-3".to_owned()),
        }
    );
    assert_call(
        &only_request(&server),
        "LookupDeveloperIdentity",
        true,
        json!({
            "IdentityPoolId": POOL_ID,
            "DeveloperUserIdentifier": "user-1",
            "MaxResults": 2,
            "NextToken": "page-2",
        }),
    );
}

#[tokio::test]
async fn merge_developer_identities() {
    let server = server_answering(&format!(r#"{{"IdentityId":"{IDENTITY_ID}"}}"#));
    let out = client(&server)
        .merge_developer_identities()
        .source_user_identifier("user-2")
        .destination_user_identifier("user-1")
        .developer_provider_name(DEVELOPER_PROVIDER)
        .identity_pool_id(POOL_ID)
        .send()
        .await
        .expect("MergeDeveloperIdentities");
    assert_eq!(
        out,
        MergeDeveloperIdentitiesOutput {
            identity_id: Some(IDENTITY_ID.to_owned()),
        }
    );
    assert_call(
        &only_request(&server),
        "MergeDeveloperIdentities",
        true,
        json!({
            "SourceUserIdentifier": "user-2",
            "DestinationUserIdentifier": "user-1",
            "DeveloperProviderName": DEVELOPER_PROVIDER,
            "IdentityPoolId": POOL_ID,
        }),
    );
}

#[tokio::test]
async fn unlink_developer_identity() {
    let server = server_answering("{}");
    let out = client(&server)
        .unlink_developer_identity()
        .identity_id(IDENTITY_ID)
        .identity_pool_id(POOL_ID)
        .developer_provider_name(DEVELOPER_PROVIDER)
        .developer_user_identifier("user-2")
        .send()
        .await
        .expect("UnlinkDeveloperIdentity");
    assert_eq!(out, UnlinkDeveloperIdentityOutput {});
    assert_call(
        &only_request(&server),
        "UnlinkDeveloperIdentity",
        true,
        json!({
            "IdentityId": IDENTITY_ID,
            "IdentityPoolId": POOL_ID,
            "DeveloperProviderName": DEVELOPER_PROVIDER,
            "DeveloperUserIdentifier": "user-2",
        }),
    );
}

// ---------------------------------------------------------------------------------------
// Roles and principal tags
// ---------------------------------------------------------------------------------------

fn rules_mapping(match_type: MappingRuleMatchType) -> RoleMapping {
    RoleMapping {
        r#type: Some(RoleMappingType::Rules),
        ambiguous_role_resolution: Some(AmbiguousRoleResolutionType::AuthenticatedRole),
        rules_configuration: Some(RulesConfigurationType {
            rules: Some(vec![MappingRule {
                claim: Some("cognito:groups".to_owned()),
                match_type: Some(match_type),
                value: Some("admins".to_owned()),
                role_arn: Some("arn:aws:iam::123456789012:role/Admins".to_owned()),
            }]),
        }),
    }
}

#[tokio::test]
async fn set_identity_pool_roles() {
    let server = server_answering("");
    let out = client(&server)
        .set_identity_pool_roles()
        .identity_pool_id(POOL_ID)
        .set_roles(Some(map(&[
            ("authenticated", AUTH_ROLE),
            ("unauthenticated", UNAUTH_ROLE),
        ])))
        .set_role_mappings(Some(HashMap::from([
            (
                format!("{USER_POOL_PROVIDER}:1example23456789"),
                rules_mapping(MappingRuleMatchType::Contains),
            ),
            (
                "accounts.google.com".to_owned(),
                RoleMapping {
                    r#type: Some(RoleMappingType::Token),
                    ambiguous_role_resolution: Some(AmbiguousRoleResolutionType::Deny),
                    rules_configuration: None,
                },
            ),
        ])))
        .send()
        .await
        .expect("SetIdentityPoolRoles");
    assert_eq!(out, SetIdentityPoolRolesOutput {});
    assert_call(
        &only_request(&server),
        "SetIdentityPoolRoles",
        true,
        json!({
            "IdentityPoolId": POOL_ID,
            "Roles": { "authenticated": AUTH_ROLE, "unauthenticated": UNAUTH_ROLE },
            "RoleMappings": {
                "cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI:1example23456789": {
                    "Type": "Rules",
                    "AmbiguousRoleResolution": "AuthenticatedRole",
                    "RulesConfiguration": { "Rules": [{
                        "Claim": "cognito:groups",
                        "MatchType": "Contains",
                        "Value": "admins",
                        "RoleARN": "arn:aws:iam::123456789012:role/Admins",
                    }]},
                },
                "accounts.google.com": { "Type": "Token", "AmbiguousRoleResolution": "Deny" },
            },
        }),
    );
}

#[tokio::test]
async fn get_identity_pool_roles_keeps_unknown_enum_values() {
    let server = server_answering(&format!(
        r#"{{"IdentityPoolId":"{POOL_ID}",
            "Roles":{{"authenticated":"{AUTH_ROLE}","unauthenticated":"{UNAUTH_ROLE}"}},
            "RoleMappings":{{"{USER_POOL_PROVIDER}:1example23456789":{{"Type":"Rules",
                "AmbiguousRoleResolution":"AuthenticatedRole",
                "RulesConfiguration":{{"Rules":[{{"Claim":"cognito:groups","MatchType":"Contains",
                    "Value":"admins","RoleARN":"arn:aws:iam::123456789012:role/Admins"}}]}}}},
              "graph.facebook.com":{{"Type":"Rules","AmbiguousRoleResolution":"AuthenticatedRole",
                "RulesConfiguration":{{"Rules":[{{"Claim":"cognito:groups","MatchType":"MatchesRegex",
                    "Value":"admins","RoleARN":"arn:aws:iam::123456789012:role/Admins"}}]}}}}}},
            "SomethingNew":true}}"#
    ));
    let out = client(&server)
        .get_identity_pool_roles()
        .identity_pool_id(POOL_ID)
        .send()
        .await
        .expect("GetIdentityPoolRoles");
    assert_eq!(
        out,
        GetIdentityPoolRolesOutput {
            identity_pool_id: Some(POOL_ID.to_owned()),
            roles: Some(map(&[
                ("authenticated", AUTH_ROLE),
                ("unauthenticated", UNAUTH_ROLE)
            ])),
            role_mappings: Some(HashMap::from([
                (
                    format!("{USER_POOL_PROVIDER}:1example23456789"),
                    rules_mapping(MappingRuleMatchType::Contains),
                ),
                (
                    "graph.facebook.com".to_owned(),
                    rules_mapping(MappingRuleMatchType::Unknown("MatchesRegex".to_owned())),
                ),
            ])),
        }
    );
    assert_call(
        &only_request(&server),
        "GetIdentityPoolRoles",
        true,
        json!({ "IdentityPoolId": POOL_ID }),
    );
}

#[tokio::test]
async fn get_principal_tag_attribute_map() {
    let server = server_answering(&format!(
        r#"{{"IdentityPoolId":"{POOL_ID}","IdentityProviderName":"{USER_POOL_PROVIDER}","UseDefaults":false,
            "PrincipalTags":{{"department":"custom:department","user":"sub"}}}}"#
    ));
    let out = client(&server)
        .get_principal_tag_attribute_map()
        .identity_pool_id(POOL_ID)
        .identity_provider_name(USER_POOL_PROVIDER)
        .send()
        .await
        .expect("GetPrincipalTagAttributeMap");
    assert_eq!(
        out,
        GetPrincipalTagAttributeMapOutput {
            identity_pool_id: Some(POOL_ID.to_owned()),
            identity_provider_name: Some(USER_POOL_PROVIDER.to_owned()),
            use_defaults: Some(false),
            principal_tags: Some(map(&[("department", "custom:department"), ("user", "sub")])),
        }
    );
    assert_call(
        &only_request(&server),
        "GetPrincipalTagAttributeMap",
        true,
        json!({ "IdentityPoolId": POOL_ID, "IdentityProviderName": USER_POOL_PROVIDER }),
    );
}

#[tokio::test]
async fn set_principal_tag_attribute_map() {
    let server = server_answering(&format!(
        r#"{{"IdentityPoolId":"{POOL_ID}","IdentityProviderName":"{USER_POOL_PROVIDER}","UseDefaults":true,
            "PrincipalTags":{{}}}}"#
    ));
    let out = client(&server)
        .set_principal_tag_attribute_map()
        .identity_pool_id(POOL_ID)
        .identity_provider_name(USER_POOL_PROVIDER)
        .use_defaults(true)
        .set_principal_tags(Some(HashMap::new()))
        .send()
        .await
        .expect("SetPrincipalTagAttributeMap");
    assert_eq!(
        out,
        SetPrincipalTagAttributeMapOutput {
            identity_pool_id: Some(POOL_ID.to_owned()),
            identity_provider_name: Some(USER_POOL_PROVIDER.to_owned()),
            use_defaults: Some(true),
            principal_tags: Some(HashMap::new()),
        }
    );
    assert_call(
        &only_request(&server),
        "SetPrincipalTagAttributeMap",
        true,
        json!({
            "IdentityPoolId": POOL_ID,
            "IdentityProviderName": USER_POOL_PROVIDER,
            "UseDefaults": true,
            "PrincipalTags": {},
        }),
    );
}

// ---------------------------------------------------------------------------------------
// Tags
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn tag_resource() {
    let server = server_answering("{}");
    let out = client(&server)
        .tag_resource()
        .resource_arn(POOL_ARN)
        .tags("team", "identity")
        .tags("stage", "test")
        .send()
        .await
        .expect("TagResource");
    assert_eq!(out, TagResourceOutput {});
    assert_call(
        &only_request(&server),
        "TagResource",
        true,
        json!({ "ResourceArn": POOL_ARN, "Tags": { "team": "identity", "stage": "test" } }),
    );
}

#[tokio::test]
async fn list_tags_for_resource() {
    let server = server_answering(r#"{"Tags":{"team":"identity","stage":"test"}}"#);
    let out = client(&server)
        .list_tags_for_resource()
        .resource_arn(POOL_ARN)
        .send()
        .await
        .expect("ListTagsForResource");
    assert_eq!(
        out,
        ListTagsForResourceOutput {
            tags: Some(map(&[("team", "identity"), ("stage", "test")])),
        }
    );
    assert_call(
        &only_request(&server),
        "ListTagsForResource",
        true,
        json!({ "ResourceArn": POOL_ARN }),
    );
}

#[tokio::test]
async fn untag_resource() {
    let server = server_answering("");
    let out = client(&server)
        .untag_resource()
        .resource_arn(POOL_ARN)
        .tag_keys("stage")
        .send()
        .await
        .expect("UntagResource");
    assert_eq!(out, UntagResourceOutput {});
    assert_call(
        &only_request(&server),
        "UntagResource",
        true,
        json!({ "ResourceArn": POOL_ARN, "TagKeys": ["stage"] }),
    );
}

// ---------------------------------------------------------------------------------------
// Unsigned operations, pagination, errors
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn public_operations_stay_unsigned_with_credentials() {
    let server = RecordingServer::start(CannedResponse::aws_error(500, "Unexpected", "no more"));
    server.push(CannedResponse::json(
        200,
        &json!({ "IdentityId": IDENTITY_ID }).to_string(),
    ));
    server.push(CannedResponse::json(
        200,
        &json!({
            "IdentityId": IDENTITY_ID,
            "Credentials": {
                "AccessKeyId": "ASIAEXAMPLE",
                "SecretKey": "wJalrXUtnFEMI/K7MDENG",
                "SessionToken": "token",
                "Expiration": 1_800_000_000,
            }
        })
        .to_string(),
    ));
    server.push(CannedResponse::json(
        200,
        &json!({ "IdentityId": IDENTITY_ID, "Token": "eyJhbGciOiJSUzUxMiJ9.e30.c2ln" }).to_string(),
    ));
    server.push(CannedResponse::json(200, ""));
    let identity = client(&server);

    let id = identity
        .get_id()
        .account_id("123456789012")
        .identity_pool_id(POOL_ID)
        .logins(USER_POOL_PROVIDER, "id-token")
        .send()
        .await
        .expect("GetId");
    assert_eq!(
        id,
        GetIdOutput {
            identity_id: Some(IDENTITY_ID.to_owned())
        }
    );
    let credentials = identity
        .get_credentials_for_identity()
        .identity_id(IDENTITY_ID)
        .logins(USER_POOL_PROVIDER, "id-token")
        .custom_role_arn(AUTH_ROLE)
        .send()
        .await
        .expect("GetCredentialsForIdentity");
    assert_eq!(credentials.identity_id.as_deref(), Some(IDENTITY_ID));
    let c = credentials.credentials.expect("Credentials");
    assert_eq!(c.access_key_id.as_deref(), Some("ASIAEXAMPLE"));
    assert_eq!(c.secret_key.as_deref(), Some("wJalrXUtnFEMI/K7MDENG"));
    assert_eq!(c.session_token.as_deref(), Some("token"));
    assert_eq!(c.expiration, Some(DateTime::from_secs(1_800_000_000)));
    assert!(!format!("{c:?}").contains("wJalrXUtnFEMI"));
    let token = identity
        .get_open_id_token()
        .identity_id(IDENTITY_ID)
        .logins(USER_POOL_PROVIDER, "id-token")
        .send()
        .await
        .expect("GetOpenIdToken");
    assert_eq!(token.identity_id.as_deref(), Some(IDENTITY_ID));
    assert_eq!(
        token.token.as_deref(),
        Some("eyJhbGciOiJSUzUxMiJ9.e30.c2ln")
    );
    assert!(!format!("{token:?}").contains("eyJhbGciOiJSUzUxMiJ9"));
    identity
        .unlink_identity()
        .identity_id(IDENTITY_ID)
        .logins(USER_POOL_PROVIDER, "id-token")
        .logins_to_remove(USER_POOL_PROVIDER)
        .send()
        .await
        .expect("UnlinkIdentity");

    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    let logins = json!({ USER_POOL_PROVIDER: "id-token" });
    assert_call(
        &requests[0],
        "GetId",
        false,
        json!({ "AccountId": "123456789012", "IdentityPoolId": POOL_ID, "Logins": logins }),
    );
    assert_call(
        &requests[1],
        "GetCredentialsForIdentity",
        false,
        json!({ "IdentityId": IDENTITY_ID, "Logins": logins, "CustomRoleArn": AUTH_ROLE }),
    );
    assert_call(
        &requests[2],
        "GetOpenIdToken",
        false,
        json!({ "IdentityId": IDENTITY_ID, "Logins": logins }),
    );
    assert_call(
        &requests[3],
        "UnlinkIdentity",
        false,
        json!({
            "IdentityId": IDENTITY_ID,
            "Logins": logins,
            "LoginsToRemove": [USER_POOL_PROVIDER],
        }),
    );
}

#[tokio::test]
async fn list_identity_pools_paginator_follows_next_token() {
    let server = RecordingServer::start(CannedResponse::aws_error(500, "Unexpected", "no more"));
    let page = |range: std::ops::Range<u32>, token: Option<&str>| {
        let pools: Vec<_> = range
            .map(|i| json!({ "IdentityPoolId": format!("us-east-1:pool-{i}"), "IdentityPoolName": format!("pool{i}") }))
            .collect();
        let mut body = json!({ "IdentityPools": pools });
        if let Some(token) = token {
            body["NextToken"] = json!(token);
        }
        CannedResponse::json(200, &body.to_string())
    };
    server.push(page(0..2, Some("t1")));
    server.push(page(2..4, Some("t2")));
    server.push(page(4..6, Some("t3")));
    server.push(page(6..7, None));
    let pools = client(&server)
        .list_identity_pools()
        .into_paginator()
        .page_size(2)
        .items()
        .try_collect()
        .await
        .expect("every page");
    let expected: Vec<_> = (0..7)
        .map(|i| IdentityPoolShortDescription {
            identity_pool_id: Some(format!("us-east-1:pool-{i}")),
            identity_pool_name: Some(format!("pool{i}")),
        })
        .collect();
    assert_eq!(pools, expected);
    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    let tokens = [None, Some("t1"), Some("t2"), Some("t3")];
    for (r, token) in requests.iter().zip(tokens) {
        let body = match token {
            None => json!({ "MaxResults": 2 }),
            Some(t) => json!({ "MaxResults": 2, "NextToken": t }),
        };
        assert_call(r, "ListIdentityPools", true, body);
    }
}

#[tokio::test]
async fn paginator_defaults_the_required_max_results_to_the_model_maximum() {
    let server = server_answering(r#"{"IdentityPools":[]}"#);
    let pools = client(&server)
        .list_identity_pools()
        .into_paginator()
        .items()
        .try_collect()
        .await
        .expect("MaxResults defaults to the model's maximum");
    assert!(pools.is_empty());
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_call(
        &requests[0],
        "ListIdentityPools",
        true,
        json!({ "MaxResults": 60 }),
    );

    // A plain call still has to set it: the model requires it.
    let err = client(&server)
        .list_identity_pools()
        .send()
        .await
        .expect_err("MaxResults is required");
    assert_eq!(
        err.to_string(),
        "invalid input for ListIdentityPools: the required member `MaxResults` is not set"
    );
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn missing_required_members_fail_before_sending() {
    let server = server_answering("{}");
    let err = client(&server)
        .set_identity_pool_roles()
        .identity_pool_id(POOL_ID)
        .send()
        .await
        .expect_err("Roles is required");
    assert_eq!(
        err.to_string(),
        "invalid input for SetIdentityPoolRoles: the required member `Roles` is not set"
    );
    let err = client(&server)
        .unlink_identity()
        .identity_id(IDENTITY_ID)
        .logins(USER_POOL_PROVIDER, "t")
        .send()
        .await
        .expect_err("LoginsToRemove is required");
    assert_eq!(
        err.to_string(),
        "invalid input for UnlinkIdentity: the required member `LoginsToRemove` is not set"
    );
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn describe_identity_resource_not_found_is_typed() {
    let server = RecordingServer::start(
        CannedResponse::aws_error(
            400,
            "ResourceNotFoundException",
            "Identity 'us-east-1:7c3b1d2e-8f4a-4b6c-a1d2-e3f4a5b6c7d8' not found.",
        )
        .with_header("x-amzn-RequestId", "0e4a6f1c-req"),
    );
    let err = client(&server)
        .describe_identity()
        .identity_id(IDENTITY_ID)
        .send()
        .await
        .expect_err("not found");
    assert_eq!(err.code(), Some("ResourceNotFoundException"));
    assert_eq!(err.request_id(), Some("0e4a6f1c-req"));
    match &err {
        Error::Service(DescribeIdentityError::ResourceNotFoundException(e)) => {
            assert_eq!(
                e.message.as_deref(),
                Some("Identity 'us-east-1:7c3b1d2e-8f4a-4b6c-a1d2-e3f4a5b6c7d8' not found.")
            );
            assert_eq!(e.meta().status(), Some(400));
        }
        other => panic!("expected ResourceNotFoundException, got {other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "ResourceNotFoundException: Identity 'us-east-1:7c3b1d2e-8f4a-4b6c-a1d2-e3f4a5b6c7d8' not found."
    );
}

#[tokio::test]
async fn more_typed_errors() {
    let server = RecordingServer::start(CannedResponse::aws_error(500, "Unexpected", "no more"));
    // Namespaced `__type` and `Message` with a capital M.
    server.push(CannedResponse::json(
        400,
        r#"{"__type":"com.amazonaws.cognito.identity.model#ConcurrentModificationException","Message":"Role mappings are being updated."}"#,
    ));
    // The code in `X-Amzn-ErrorType`, followed by a URL.
    server.push(
        CannedResponse::json(400, r#"{"message":"The user identifier is linked elsewhere."}"#)
            .with_header(
                "x-amzn-ErrorType",
                "ResourceConflictException:http://internal.amazon.com/coral/com.amazonaws.cognito.identity.model/",
            ),
    );
    // A code the operation's model does not list.
    server.push(CannedResponse::aws_error(
        400,
        "DeveloperUserAlreadyRegisteredException",
        "already registered",
    ));
    let identity = client(&server);

    let err = identity
        .set_identity_pool_roles()
        .identity_pool_id(POOL_ID)
        .roles("authenticated", AUTH_ROLE)
        .send()
        .await
        .expect_err("concurrent update");
    match &err {
        Error::Service(SetIdentityPoolRolesError::ConcurrentModificationException(e)) => {
            assert_eq!(
                e.message.as_deref(),
                Some("Role mappings are being updated.")
            );
        }
        other => panic!("expected ConcurrentModificationException, got {other:?}"),
    }

    let err = identity
        .merge_developer_identities()
        .source_user_identifier("a")
        .destination_user_identifier("b")
        .developer_provider_name(DEVELOPER_PROVIDER)
        .identity_pool_id(POOL_ID)
        .send()
        .await
        .expect_err("conflict");
    assert!(
        err.service_error()
            .is_some_and(MergeDeveloperIdentitiesError::is_resource_conflict_exception),
        "{err:?}"
    );
    assert_eq!(
        err.message(),
        Some("The user identifier is linked elsewhere.")
    );

    let err = identity
        .untag_resource()
        .resource_arn(POOL_ARN)
        .tag_keys("stage")
        .send()
        .await
        .expect_err("unlisted code");
    match &err {
        Error::Service(UntagResourceError::Unhandled(u)) => {
            assert_eq!(
                u.meta().code(),
                Some("DeveloperUserAlreadyRegisteredException")
            );
        }
        other => panic!("expected Unhandled, got {other:?}"),
    }
    assert_eq!(server.request_count(), 3);
}
