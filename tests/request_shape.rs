//! The exact requests the user-pools client sends, and how it reads what comes back, against a local
//! recording server: method, path, headers, body, signing of signed and unsigned operations, error
//! decoding, unknown values and members, pagination.

mod support;

use cognito::idp::operation::{AdminGetUserError, ListUsersError};
use cognito::idp::types::{AttributeType, AuthFlowType, UserStatusType};
use cognito::{Config, Credentials, Error, RetryConfig};
use support::{CannedResponse, RecordingServer};

fn signed_config(endpoint: &str) -> Config {
    Config::builder()
        .region("eu-west-1")
        .endpoint_url(endpoint)
        .credentials(Credentials::new(
            "AKIDTEST",
            "SECRETTEST",
            None,
            None,
            "test",
        ))
        .retry(RetryConfig::disabled())
        .build()
}

/// `AdminGetUser` (pool `p`, user `u`) against `server`, which must answer with an error.
async fn admin_get_user_error(server: &RecordingServer) -> Error<AdminGetUserError> {
    cognito::idp::Client::new(&signed_config(&server.endpoint()))
        .admin_get_user()
        .user_pool_id("p")
        .username("u")
        .send()
        .await
        .expect_err("an error response")
}

fn unsigned_config(endpoint: &str) -> Config {
    Config::builder()
        .region("eu-west-1")
        .endpoint_url(endpoint)
        .retry(RetryConfig::disabled())
        .build()
}

#[tokio::test]
async fn signed_operation_shape() {
    let server = RecordingServer::start(CannedResponse::json(
        200,
        r#"{"Username":"alice","UserStatus":"CONFIRMED","UserCreateDate":1795459509.193,
            "UserAttributes":[{"Name":"email","Value":"alice@example.com"}],"Enabled":true}"#,
    ));
    let idp = cognito::idp::Client::new(&signed_config(&server.endpoint()));
    let out = idp
        .admin_get_user()
        .user_pool_id("eu-west-1_abc")
        .username("alice")
        .send()
        .await
        .expect("call succeeds");
    assert_eq!(out.username.as_deref(), Some("alice"));
    assert_eq!(out.user_status, Some(UserStatusType::Confirmed));
    assert_eq!(out.enabled, Some(true));
    let created = out.user_create_date.expect("date");
    assert_eq!(created.secs(), 1_795_459_509);
    assert_eq!(created.subsec_nanos() / 1_000_000, 193);
    assert_eq!(
        out.user_attributes,
        Some(vec![AttributeType {
            name: Some("email".into()),
            value: Some("alice@example.com".into())
        }])
    );

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.path_and_query, "/");
    assert_eq!(r.header("content-type"), Some("application/x-amz-json-1.1"));
    assert_eq!(
        r.header("x-amz-target"),
        Some("AWSCognitoIdentityProviderService.AdminGetUser")
    );
    assert_eq!(
        r.body_json(),
        serde_json::json!({"UserPoolId": "eu-west-1_abc", "Username": "alice"})
    );
    let auth = r.header("authorization").expect("signed");
    assert!(
        auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDTEST/"),
        "{auth}"
    );
    assert!(
        auth.contains("/eu-west-1/cognito-idp/aws4_request"),
        "{auth}"
    );
    assert!(
        auth.contains("SignedHeaders=content-type;host;x-amz-date;x-amz-target"),
        "{auth}"
    );
    assert!(r.header("x-amz-date").is_some());
}

#[tokio::test]
async fn unsigned_operation_needs_no_credentials() {
    let server = RecordingServer::start(CannedResponse::json(
        200,
        r#"{"AuthenticationResult":{"AccessToken":"a.b.c","ExpiresIn":3600,"TokenType":"Bearer"}}"#,
    ));
    let idp = cognito::idp::Client::new(&unsigned_config(&server.endpoint()));
    let out = idp
        .initiate_auth()
        .client_id("client-1")
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "alice")
        .auth_parameters("PASSWORD", "Secret-123")
        .send()
        .await
        .expect("unsigned call succeeds without credentials");
    assert_eq!(
        out.authentication_result.and_then(|r| r.expires_in),
        Some(3600)
    );
    let r = &server.requests()[0];
    assert_eq!(
        r.header("x-amz-target"),
        Some("AWSCognitoIdentityProviderService.InitiateAuth")
    );
    assert_eq!(r.header("authorization"), None);
    assert_eq!(
        r.body_json(),
        serde_json::json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": "client-1",
                           "AuthParameters": {"USERNAME": "alice", "PASSWORD": "Secret-123"}})
    );
}

#[tokio::test]
async fn unsigned_operation_stays_unsigned_with_credentials() {
    let server = RecordingServer::start(CannedResponse::json(200, "{}"));
    let idp = cognito::idp::Client::new(&signed_config(&server.endpoint()));
    idp.sign_up()
        .client_id("c")
        .username("u")
        .password("p")
        .send()
        .await
        .expect("ok");
    assert_eq!(server.requests()[0].header("authorization"), None);
}

#[tokio::test]
async fn signed_operation_without_credentials_fails_before_sending() {
    let server = RecordingServer::start(CannedResponse::json(200, "{}"));
    let idp = cognito::idp::Client::new(&unsigned_config(&server.endpoint()));
    let err = idp
        .list_user_pools()
        .max_results(10)
        .send()
        .await
        .expect_err("needs credentials");
    assert!(matches!(err, Error::Credentials(_)), "{err:?}");
    assert!(err.to_string().contains("ListUserPools"), "{err}");
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn missing_required_member_fails_before_sending() {
    let server = RecordingServer::start(CannedResponse::json(200, "{}"));
    let idp = cognito::idp::Client::new(&signed_config(&server.endpoint()));
    let err = idp
        .admin_get_user()
        .user_pool_id("p")
        .send()
        .await
        .expect_err("Username missing");
    assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "invalid input for AdminGetUser: the required member `Username` is not set"
    );
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn service_errors_are_typed() {
    let server = RecordingServer::start(
        CannedResponse::aws_error(400, "UserNotFoundException", "User does not exist.")
            .with_header("x-amzn-RequestId", "req-123"),
    );
    let idp = cognito::idp::Client::new(&signed_config(&server.endpoint()));
    let err = idp
        .admin_get_user()
        .user_pool_id("p")
        .username("nobody")
        .send()
        .await
        .expect_err("not found");
    assert_eq!(
        err.to_string(),
        "UserNotFoundException: User does not exist."
    );
    assert_eq!(err.code(), Some("UserNotFoundException"));
    assert_eq!(err.request_id(), Some("req-123"));
    match err {
        Error::Service(AdminGetUserError::UserNotFoundException(e)) => {
            assert_eq!(e.message.as_deref(), Some("User does not exist."));
            assert_eq!(e.meta().status(), Some(400));
        }
        other => panic!("expected UserNotFoundException, got {other:?}"),
    }
}

/// The members of an exception are read as its structure says: `message` in either spelling, extra
/// members (`reasonCode`), and nothing from a body whose members do not fit (the metadata still has what
/// could be read).
#[tokio::test]
async fn exception_members_are_decoded() {
    type Check = fn(&AdminGetUserError);
    let cases: [(&str, Check); 7] = [
        (r#"{"__type":"UserNotFoundException","message":"a"}"#, |e| {
            assert!(
                matches!(e, AdminGetUserError::UserNotFoundException(x) if x.message.as_deref() == Some("a"))
            )
        }),
        (
            r#"{"__type":"UserNotFoundException","Message":"b","other":[1,{}]}"#,
            |e| {
                assert!(
                    matches!(e, AdminGetUserError::UserNotFoundException(x) if x.message.as_deref() == Some("b"))
                )
            },
        ),
        (
            r#"{"__type":"UserNotFoundException","message":null}"#,
            |e| {
                assert!(
                    matches!(e, AdminGetUserError::UserNotFoundException(x) if x.message.is_none())
                )
            },
        ),
        // Not a string: the structure does not decode, the metadata keeps the code.
        (r#"{"__type":"UserNotFoundException","message":5}"#, |e| {
            assert!(
                matches!(e, AdminGetUserError::UserNotFoundException(x) if x.message.is_none())
            );
            assert_eq!(e.code(), Some("UserNotFoundException"));
        }),
        // Both spellings are the same member, given twice.
        (
            r#"{"__type":"UserNotFoundException","message":"a","Message":"b"}"#,
            |e| {
                assert!(
                    matches!(e, AdminGetUserError::UserNotFoundException(x) if x.message.is_none())
                );
                assert_eq!(e.message(), Some("a"));
            },
        ),
        (
            r#"{"__type":"InvalidParameterException","message":"m","reasonCode":"INVALID_EMAIL"}"#,
            |e| {
                assert!(matches!(e, AdminGetUserError::InvalidParameterException(x)
                if x.message.as_deref() == Some("m") && x.reason_code.as_deref() == Some("INVALID_EMAIL")))
            },
        ),
        // Truncated: the code comes from the header, the members stay unset.
        (r#"{"__type":"NotAuthorizedException","message":"#, |e| {
            assert!(
                matches!(e, AdminGetUserError::NotAuthorizedException(x) if x.message.is_none())
            )
        }),
    ];
    for (body, check) in cases {
        let mut response = CannedResponse::json(400, body);
        if !body.ends_with('}') {
            response = response.with_header("x-amzn-ErrorType", "NotAuthorizedException");
        }
        let server = RecordingServer::start(response);
        let err = admin_get_user_error(&server).await;
        match err.service_error() {
            Some(e) => check(e),
            None => panic!("{body}: not a service error: {err:?}"),
        }
    }
}

#[tokio::test]
async fn namespaced_and_header_error_codes() {
    let server = RecordingServer::start(CannedResponse::json(
        400,
        r#"{"__type":"com.amazonaws.cognito.identity.idp#NotAuthorizedException","Message":"Incorrect username or password."}"#,
    ));
    let err = admin_get_user_error(&server).await;
    assert!(
        err.service_error()
            .is_some_and(AdminGetUserError::is_not_authorized_exception),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "NotAuthorizedException: Incorrect username or password."
    );

    server.push(
        CannedResponse::json(400, r#"{"message":"slow"}"#).with_header(
            "x-amzn-ErrorType",
            "TooManyRequestsException:http://internal.amazon.com/",
        ),
    );
    let err = admin_get_user_error(&server).await;
    assert!(
        err.service_error()
            .is_some_and(AdminGetUserError::is_too_many_requests_exception),
        "{err:?}"
    );
}

#[tokio::test]
async fn unlisted_and_non_json_errors_are_unhandled_with_details() {
    let server = RecordingServer::start(CannedResponse::aws_error(400, "BrandNewException", "new"));
    let err = admin_get_user_error(&server).await;
    match &err {
        Error::Service(AdminGetUserError::Unhandled(u)) => {
            assert_eq!(u.meta().code(), Some("BrandNewException"));
            assert_eq!(u.meta().status(), Some(400));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.to_string(), "BrandNewException: new");

    server.push(
        CannedResponse::empty(403).with_body(
            "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>bad sig</Message></Error></ErrorResponse>",
        ),
    );
    let err = admin_get_user_error(&server).await;
    assert_eq!(err.to_string(), "SignatureDoesNotMatch: bad sig");

    server.push(
        CannedResponse::empty(500)
            .with_body("<html><body><h1>Internal Server Error</h1></body></html>"),
    );
    let err = admin_get_user_error(&server).await;
    assert_eq!(err.code(), None);
    assert_eq!(err.to_string(), "HTTP 500: Internal Server Error");
}

#[tokio::test]
async fn unknown_enum_values_and_members_are_kept_or_ignored() {
    let server = RecordingServer::start(CannedResponse::json(
        200,
        r#"{"Username":"bob","UserStatus":"SOMETHING_NEW","BrandNewMember":{"x":[1,2]},"Enabled":false}"#,
    ));
    let idp = cognito::idp::Client::new(&signed_config(&server.endpoint()));
    let out = idp
        .admin_get_user()
        .user_pool_id("p")
        .username("bob")
        .send()
        .await
        .expect("decodes");
    assert_eq!(
        out.user_status,
        Some(UserStatusType::Unknown("SOMETHING_NEW".into()))
    );
    assert_eq!(
        out.user_status.as_ref().map(|s| s.as_str()),
        Some("SOMETHING_NEW")
    );
    assert_eq!(out.enabled, Some(false));
}

#[tokio::test]
async fn malformed_success_bodies_are_response_errors() {
    let server = RecordingServer::start(CannedResponse::json(200, r#"{"Username": "trunc"#));
    let idp = cognito::idp::Client::new(&signed_config(&server.endpoint()));
    let err = admin_get_user_error(&server).await;
    assert!(matches!(err, Error::Response(_)), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("AdminGetUser: unreadable response (HTTP 200): cannot decode"),
        "{err}"
    );

    server.push(CannedResponse::json(200, r#"{"UserStatus": 42}"#));
    let err = admin_get_user_error(&server).await;
    assert!(matches!(err, Error::Response(_)), "{err:?}");

    // An empty body is an empty output.
    server.push(CannedResponse::empty(200));
    idp.admin_delete_user()
        .user_pool_id("p")
        .username("u")
        .send()
        .await
        .expect("empty body is fine");
}

#[tokio::test]
async fn paginator_follows_the_model_token() {
    let server = RecordingServer::start(CannedResponse::json(200, r#"{"Users":[]}"#));
    server.push(CannedResponse::json(
        200,
        r#"{"Users":[{"Username":"a"},{"Username":"b"}],"PaginationToken":"t1"}"#,
    ));
    server.push(CannedResponse::json(
        200,
        r#"{"Users":[{"Username":"c"}],"PaginationToken":"t2"}"#,
    ));
    server.push(CannedResponse::json(200, r#"{"Users":[{"Username":"d"}]}"#));
    let idp = cognito::idp::Client::new(&signed_config(&server.endpoint()));
    let users = idp
        .list_users()
        .user_pool_id("p")
        .into_paginator()
        .page_size(2)
        .items()
        .try_collect()
        .await
        .expect("pages");
    let names: Vec<_> = users.iter().filter_map(|u| u.username.as_deref()).collect();
    assert_eq!(names, ["a", "b", "c", "d"]);
    let bodies: Vec<_> = server.requests().iter().map(|r| r.body_json()).collect();
    assert_eq!(
        bodies,
        vec![
            serde_json::json!({"UserPoolId": "p", "Limit": 2}),
            serde_json::json!({"UserPoolId": "p", "Limit": 2, "PaginationToken": "t1"}),
            serde_json::json!({"UserPoolId": "p", "Limit": 2, "PaginationToken": "t2"}),
        ]
    );
}

#[tokio::test]
async fn paginator_stops_on_error_and_on_repeated_token() {
    let server = RecordingServer::start(CannedResponse::aws_error(
        400,
        "TooManyRequestsException",
        "slow",
    ));
    server.push(CannedResponse::json(
        200,
        r#"{"Users":[{"Username":"a"}],"PaginationToken":"same"}"#,
    ));
    server.push(CannedResponse::json(
        200,
        r#"{"Users":[{"Username":"b"}],"PaginationToken":"same"}"#,
    ));
    let idp = cognito::idp::Client::new(&signed_config(&server.endpoint()));
    let mut pages = idp.list_users().user_pool_id("p").into_paginator().send();
    pages.next().await.expect("a page").expect("a good page");
    pages.next().await.expect("a page").expect("a good page");
    let repeated = pages
        .next()
        .await
        .expect("an error")
        .expect_err("a repeated token");
    assert!(matches!(repeated, Error::Response(_)), "{repeated:?}");
    assert!(
        pages.next().await.is_none(),
        "a repeated token ends the stream"
    );
    assert_eq!(server.requests().len(), 2);

    let mut pages = idp.list_users().user_pool_id("p").into_paginator().send();
    let first = pages.next().await.expect("one element");
    assert!(matches!(
        first,
        Err(Error::Service(ListUsersError::TooManyRequestsException(_)))
    ));
    assert!(
        pages.next().await.is_none(),
        "the stream ends after an error"
    );
}

#[tokio::test]
async fn struct_literal_inputs_can_be_sent() {
    let server = RecordingServer::start(CannedResponse::json(200, "{}"));
    let idp = cognito::idp::Client::new(&signed_config(&server.endpoint()));
    let input = cognito::idp::operation::AdminUpdateUserAttributesInput {
        user_pool_id: Some("p".into()),
        username: Some("u".into()),
        user_attributes: Some(vec![AttributeType {
            name: Some("email".into()),
            value: Some("e@x.io".into()),
        }]),
        ..Default::default()
    };
    idp.send(input).await.expect("sent");
    assert_eq!(
        server.requests()[0].body_json(),
        serde_json::json!({"UserPoolId": "p", "Username": "u", "UserAttributes": [{"Name": "email", "Value": "e@x.io"}]})
    );
}

#[test]
fn clients_are_clone_send_sync_and_share_one_pool() {
    fn assert_traits<T: Clone + Send + Sync + 'static>() {}
    assert_traits::<cognito::idp::Client>();
    assert_traits::<cognito::Config>();
    #[cfg(feature = "identity")]
    assert_traits::<cognito::identity::Client>();
    #[cfg(feature = "sync")]
    assert_traits::<cognito::sync::Client>();
}

#[tokio::test]
async fn clones_reuse_one_connection() {
    let server = RecordingServer::start(CannedResponse::json(200, r#"{"Username":"a"}"#));
    let idp = cognito::idp::Client::new(&signed_config(&server.endpoint()));
    let clone = idp.clone();
    for client in [&idp, &clone, &idp] {
        client
            .admin_get_user()
            .user_pool_id("p")
            .username("a")
            .send()
            .await
            .expect("ok");
    }
    assert_eq!(server.requests().len(), 3);
    assert_eq!(
        server.connection_count(),
        1,
        "clones share the keep-alive connection pool"
    );
}
