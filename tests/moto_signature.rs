//! SigV4 signatures checked by a real server: moto 5.2.5 started with `INITIAL_NO_AUTH_ACTION_COUNT`.
//!
//! In that mode moto lets the first N actions through unchecked and then verifies every request
//! (except the public-client operations it lists: `SignUp`, `ConfirmSignUp`, `InitiateAuth`,
//! `ForgotPassword`, `GetUser`) against IAM access keys created inside the same moto: it recomputes the
//! signature with botocore (`SignatureDoesNotMatch` / `InvalidClientTokenId`, HTTP 403 with an XML body)
//! and evaluates the key owner's IAM policies (`AccessDenied`). See `moto/core/authorization.py` and
//! `moto/iam/access_control.py`.
//!
//! Each test starts its own moto with N = [`SETUP_ACTIONS`] and spends exactly those N unchecked actions
//! on IAM/STS setup through the raw HTTP client (an admin user with an inline `"Action": "*"` policy, a
//! user allowed only `cognito-idp:ListUserPools`, and a role assumed through STS for session
//! credentials). Everything after that is checked. Covered:
//!
//! * signed calls with the admin key succeed (`CreateUserPool`, `ListUserPools`, `DescribeUserPool`, …),
//!   also with session credentials (`x-amz-security-token` signed);
//! * a wrong secret → `SignatureDoesNotMatch`, an unknown key → `InvalidClientTokenId`, a key without
//!   permission → `AccessDenied`: each decoded from moto's XML as a typed `Unhandled` service error with
//!   the exact code, message and HTTP 403, and not retried;
//! * public-client operations (`SignUp`, `InitiateAuth`, `GetUser`) still work with no credentials;
//! * a client without credentials calling a signed operation fails with `Error::Credentials` before
//!   anything is sent (checked with a `RecordingServer`).

mod support;

use cognito::idp::operation::{CreateUserPoolError, ListUserPoolsError};
use cognito::idp::types::{AttributeType, AuthFlowType, ExplicitAuthFlowsType};
use cognito::idp::Client;
use cognito::Credentials;
use support::iam::{form, iam_user, query_call, setup_authorization, xml_text};
use support::{http_request, CannedResponse, Moto, RecordingServer};

const REGION: &str = "us-east-1";
const ACCOUNT: &str = "123456789012";
/// The unchecked actions each test's moto allows: exactly the IAM/STS calls of [`setup`].
const SETUP_ACTIONS: usize = 9;
const SIGNATURE_DOES_NOT_MATCH: &str = "The request signature we calculated does not match the \
     signature you provided. Check your AWS Secret Access Key and signing method. Consult the service \
     documentation for details.";
const INVALID_CLIENT_TOKEN_ID: &str = "The security token included in the request is invalid.";
const ALLOW_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
const ALLOW_LIST_USER_POOLS: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"cognito-idp:ListUserPools","Resource":"*"}]}"#;
const TRUST_ACCOUNT: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}"#;

/// A moto that checks signatures, and the keys [`setup`] made in it.
struct SigningMoto {
    moto: Moto,
    /// Allowed everything.
    admin: Credentials,
    /// Allowed only `cognito-idp:ListUserPools`.
    limited: Credentials,
    /// Session credentials of an assumed role that is allowed everything.
    session: Credentials,
}

impl SigningMoto {
    fn client(&self, credentials: Option<Credentials>) -> Client {
        let mut builder = cognito::Config::builder()
            .region(REGION)
            .endpoint_url(&self.moto.endpoint)
            // A rejected signature must be reported, not retried.
            .retry(cognito::RetryConfig::standard().with_max_attempts(3));
        if let Some(credentials) = credentials {
            builder = builder.credentials(credentials);
        }
        Client::new(&builder.build())
    }

    /// The admin key id with a secret that is not its own.
    fn wrong_secret(&self) -> Credentials {
        Credentials::new(
            self.admin.access_key_id(),
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYWRONGSECRET",
            None,
            None,
            "test",
        )
    }
}

/// Starts moto in signature-checking mode and creates the keys: exactly [`SETUP_ACTIONS`] actions.
async fn setup() -> Option<SigningMoto> {
    let count = SETUP_ACTIONS.to_string();
    let moto = Moto::start_with_env(&[("INITIAL_NO_AUTH_ACTION_COUNT", &count)]).await?;
    let endpoint = moto.endpoint.as_str();

    let admin = iam_user(endpoint, "admin", ALLOW_ALL).await; // 3
    let limited = iam_user(endpoint, "limited", ALLOW_LIST_USER_POOLS).await; // 6

    let role = query_call(
        endpoint,
        "iam",
        &[
            ("Action", "CreateRole"),
            ("Version", "2010-05-08"),
            ("RoleName", "cognito-admin"),
            ("AssumeRolePolicyDocument", TRUST_ACCOUNT),
        ],
    )
    .await; // 7
    let role_arn = xml_text(&role, "Arn");
    query_call(
        endpoint,
        "iam",
        &[
            ("Action", "PutRolePolicy"),
            ("Version", "2010-05-08"),
            ("RoleName", "cognito-admin"),
            ("PolicyName", "all"),
            ("PolicyDocument", ALLOW_ALL),
        ],
    )
    .await; // 8
    let assumed = query_call(
        endpoint,
        "sts",
        &[
            ("Action", "AssumeRole"),
            ("Version", "2011-06-15"),
            ("RoleArn", &role_arn),
            ("RoleSessionName", "signature-test"),
        ],
    )
    .await; // 9 = SETUP_ACTIONS
    let session = Credentials::new(
        xml_text(&assumed, "AccessKeyId"),
        xml_text(&assumed, "SecretAccessKey"),
        Some(xml_text(&assumed, "SessionToken")),
        None,
        "moto-sts",
    );
    assert!(session.access_key_id().starts_with("ASIA"));

    // The unchecked actions are spent: from now on moto checks every signature, so the setup's fake
    // `Authorization` is refused.
    let gate = http_request(
        endpoint,
        "POST",
        "/",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Authorization", &setup_authorization("iam")),
        ],
        form(&[("Action", "ListUsers"), ("Version", "2010-05-08")]).as_bytes(),
    )
    .await
    .expect("IAM ListUsers after the setup");
    assert_eq!(gate.status, 403, "{}", gate.body_str());
    assert_eq!(xml_text(gate.body_str(), "Code"), "InvalidClientTokenId");

    Some(SigningMoto {
        moto,
        admin,
        limited,
        session,
    })
}

/// Asserts a moto authorization failure: HTTP 403, `code`, `message`, one attempt.
fn assert_rejected(meta: &cognito::error::ErrorMetadata, code: &str, message: &str) {
    assert_eq!(meta.code(), Some(code));
    assert_eq!(meta.message(), Some(message));
    assert_eq!(meta.status(), Some(403));
    assert_eq!(meta.attempts(), 1, "a 403 is not retried");
    assert_eq!(meta.to_string(), format!("{code}: {message}"));
}

#[tokio::test]
async fn signed_calls_with_a_moto_iam_key_succeed() {
    let Some(env) = setup().await else {
        return;
    };
    let idp = env.client(Some(env.admin.clone()));

    let pool = idp
        .create_user_pool()
        .pool_name("signed")
        .send()
        .await
        .expect("CreateUserPool signed with the admin key")
        .user_pool
        .expect("UserPool");
    let pool_id = pool.id.expect("pool id");
    let pools = idp
        .list_user_pools()
        .max_results(10)
        .send()
        .await
        .expect("ListUserPools signed with the admin key")
        .user_pools
        .unwrap_or_default();
    let listed: Vec<_> = pools
        .iter()
        .map(|p| (p.id.clone(), p.name.clone()))
        .collect();
    assert_eq!(listed, [(Some(pool_id.clone()), Some("signed".to_owned()))]);

    // A body with non-ASCII text and characters that need escaping is signed over its exact bytes.
    let client = idp
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("app – ünïcode & \"quotes\" / + = ?")
        .send()
        .await
        .expect("CreateUserPoolClient with a non-ASCII name")
        .user_pool_client
        .expect("UserPoolClient");
    assert_eq!(
        client.client_name.as_deref(),
        Some("app – ünïcode & \"quotes\" / + = ?")
    );

    // The paginator signs every page afresh.
    for i in 0..3 {
        idp.create_user_pool()
            .pool_name(format!("more-{i}"))
            .send()
            .await
            .expect("CreateUserPool");
    }
    let all = idp
        .list_user_pools()
        .max_results(2)
        .into_paginator()
        .items()
        .try_collect()
        .await
        .expect("ListUserPools pages, each signed");
    assert_eq!(all.len(), 4);

    // Session credentials: x-amz-security-token is sent and signed.
    let as_role = env.client(Some(env.session.clone()));
    let described = as_role
        .describe_user_pool()
        .user_pool_id(&pool_id)
        .send()
        .await
        .expect("DescribeUserPool with session credentials")
        .user_pool
        .expect("UserPool");
    assert_eq!(described.name.as_deref(), Some("signed"));

    // The limited key may list pools.
    let limited = env.client(Some(env.limited.clone()));
    let count = limited
        .list_user_pools()
        .max_results(60)
        .send()
        .await
        .expect("ListUserPools with the limited key")
        .user_pools
        .map_or(0, |p| p.len());
    assert_eq!(count, 4);
}

#[tokio::test]
async fn wrong_secret_is_signature_does_not_match() {
    let Some(env) = setup().await else {
        return;
    };
    let idp = env.client(Some(env.wrong_secret()));
    let err = idp
        .list_user_pools()
        .max_results(10)
        .send()
        .await
        .expect_err("ListUserPools signed with a wrong secret");
    match &err {
        cognito::Error::Service(ListUserPoolsError::Unhandled(u)) => {
            assert_rejected(u.meta(), "SignatureDoesNotMatch", SIGNATURE_DOES_NOT_MATCH);
        }
        other => panic!("expected an Unhandled SignatureDoesNotMatch, got {other:?}"),
    }
    assert_eq!(err.code(), Some("SignatureDoesNotMatch"));
    assert_eq!(
        err.to_string(),
        format!("SignatureDoesNotMatch: {SIGNATURE_DOES_NOT_MATCH}")
    );

    // The same for session credentials with a wrong secret.
    let tampered = Credentials::new(
        env.session.access_key_id(),
        "not-the-session-secret",
        env.session.session_token().map(str::to_owned),
        None,
        "test",
    );
    let err = env
        .client(Some(tampered))
        .create_user_pool()
        .pool_name("never")
        .send()
        .await
        .expect_err("CreateUserPool with a wrong session secret");
    match &err {
        cognito::Error::Service(CreateUserPoolError::Unhandled(u)) => {
            assert_rejected(u.meta(), "SignatureDoesNotMatch", SIGNATURE_DOES_NOT_MATCH);
        }
        other => panic!("expected an Unhandled SignatureDoesNotMatch, got {other:?}"),
    }

    // Nothing was created by the rejected calls.
    let pools = env
        .client(Some(env.admin.clone()))
        .list_user_pools()
        .max_results(10)
        .send()
        .await
        .expect("ListUserPools with the right key");
    assert_eq!(pools.user_pools.map_or(0, |p| p.len()), 0);
}

#[tokio::test]
async fn unknown_key_is_invalid_client_token_id_and_missing_permission_is_access_denied() {
    let Some(env) = setup().await else {
        return;
    };
    let unknown = Credentials::new(
        "AKIAUNKNOWNKEY000000",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        None,
        None,
        "test",
    );
    let err = env
        .client(Some(unknown))
        .list_user_pools()
        .max_results(10)
        .send()
        .await
        .expect_err("ListUserPools with an unknown access key");
    match &err {
        cognito::Error::Service(ListUserPoolsError::Unhandled(u)) => {
            assert_rejected(u.meta(), "InvalidClientTokenId", INVALID_CLIENT_TOKEN_ID);
        }
        other => panic!("expected an Unhandled InvalidClientTokenId, got {other:?}"),
    }

    // A user key with a session token is not a valid token either.
    let with_token = Credentials::new(
        env.admin.access_key_id(),
        env.admin.secret_access_key(),
        Some("bogus-session-token".to_owned()),
        None,
        "test",
    );
    let err = env
        .client(Some(with_token))
        .list_user_pools()
        .max_results(10)
        .send()
        .await
        .expect_err("a user key sent with a session token");
    assert_rejected(
        err.meta().expect("service error"),
        "InvalidClientTokenId",
        INVALID_CLIENT_TOKEN_ID,
    );

    // A valid signature, but the key's policy does not allow the action.
    let err = env
        .client(Some(env.limited.clone()))
        .create_user_pool()
        .pool_name("denied")
        .send()
        .await
        .expect_err("CreateUserPool with a key allowed only ListUserPools");
    match &err {
        cognito::Error::Service(CreateUserPoolError::Unhandled(u)) => {
            assert_rejected(
                u.meta(),
                "AccessDenied",
                &format!(
                    "User: arn:aws:iam::{ACCOUNT}:user/limited is not authorized to perform: \
                     cognito-idp:CreateUserPool"
                ),
            );
        }
        other => panic!("expected an Unhandled AccessDenied, got {other:?}"),
    }
}

#[tokio::test]
async fn public_operations_need_no_credentials_while_signatures_are_checked() {
    let Some(env) = setup().await else {
        return;
    };
    let idp = env.client(Some(env.admin.clone()));
    let public = env.client(None);

    let pool_id = idp
        .create_user_pool()
        .pool_name("public")
        .send()
        .await
        .expect("CreateUserPool")
        .user_pool
        .and_then(|p| p.id)
        .expect("pool id");
    let client_id = idp
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("app")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .send()
        .await
        .expect("CreateUserPoolClient")
        .user_pool_client
        .and_then(|c| c.client_id)
        .expect("client id");

    let signed_up = public
        .sign_up()
        .client_id(&client_id)
        .username("alice")
        .password("Passw0rd-Long!")
        .user_attributes(AttributeType {
            name: Some("email".to_owned()),
            value: Some("alice@example.com".to_owned()),
        })
        .send()
        .await
        .expect("SignUp without credentials");
    assert_eq!(signed_up.user_confirmed, Some(false));

    // Confirming is an admin call: signed, and refused without credentials.
    let err = public
        .admin_confirm_sign_up()
        .user_pool_id(&pool_id)
        .username("alice")
        .send()
        .await
        .expect_err("AdminConfirmSignUp without credentials");
    assert!(matches!(err, cognito::Error::Credentials(_)), "{err:?}");
    idp.admin_confirm_sign_up()
        .user_pool_id(&pool_id)
        .username("alice")
        .send()
        .await
        .expect("AdminConfirmSignUp signed");

    let tokens = public
        .initiate_auth()
        .client_id(&client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "alice")
        .auth_parameters("PASSWORD", "Passw0rd-Long!")
        .send()
        .await
        .expect("InitiateAuth without credentials")
        .authentication_result
        .expect("AuthenticationResult");
    let access_token = tokens.access_token.expect("AccessToken");
    assert_eq!(tokens.token_type.as_deref(), Some("Bearer"));

    let me = public
        .get_user()
        .access_token(&access_token)
        .send()
        .await
        .expect("GetUser without credentials");
    assert_eq!(me.username.as_deref(), Some("alice"));

    // A client that has credentials sends public operations unsigned too: a wrong secret is harmless.
    let wrong = env.client(Some(env.wrong_secret()));
    let again = wrong
        .initiate_auth()
        .client_id(&client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "alice")
        .auth_parameters("PASSWORD", "Passw0rd-Long!")
        .send()
        .await
        .expect("InitiateAuth from a client with a wrong secret");
    assert!(again
        .authentication_result
        .and_then(|r| r.access_token)
        .is_some_and(|t| !t.is_empty()));
}

#[tokio::test]
async fn no_credentials_for_a_signed_operation_sends_nothing() {
    let server = RecordingServer::start(CannedResponse::json(200, "{}"));
    let config = cognito::Config::builder()
        .region(REGION)
        .endpoint_url(server.endpoint())
        .build();
    let idp = Client::new(&config);

    let err = idp
        .list_user_pools()
        .max_results(10)
        .send()
        .await
        .expect_err("ListUserPools needs credentials");
    match &err {
        cognito::Error::Credentials(e) => {
            let text = e.to_string();
            assert!(
                text.starts_with("cannot sign ListUserPools: no credentials are configured"),
                "{text}"
            );
        }
        other => panic!("expected Error::Credentials, got {other:?}"),
    }
    assert!(err.meta().is_none());
    assert_eq!(server.request_count(), 0, "nothing may be sent unsigned");

    // The paginator stops at the same error, still without sending.
    let mut pages = idp
        .list_user_pools()
        .max_results(10)
        .into_paginator()
        .send();
    assert!(matches!(
        pages.next().await,
        Some(Err(cognito::Error::Credentials(_)))
    ));
    assert!(pages.next().await.is_none());
    assert_eq!(server.request_count(), 0);

    // An unsigned operation goes out, without any signing header.
    idp.initiate_auth()
        .client_id("client")
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "alice")
        .auth_parameters("PASSWORD", "pw")
        .send()
        .await
        .expect("InitiateAuth against the recording server");
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(
        request.header("x-amz-target"),
        Some("AWSCognitoIdentityProviderService.InitiateAuth")
    );
    assert_eq!(request.header("authorization"), None);
    assert_eq!(request.header("x-amz-date"), None);
    assert_eq!(request.header("x-amz-security-token"), None);
}
