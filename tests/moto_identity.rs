//! Identity pools end to end against a real moto 5.2.5 server on 127.0.0.1.
//!
//! Each test starts its own moto, so tests run in parallel without sharing state:
//!
//! * `CreateIdentityPool` → `DescribeIdentityPool` → `UpdateIdentityPool` → `ListIdentityPools` →
//!   `DeleteIdentityPool` and the `ResourceNotFoundException` that follows; a rejected pool name;
//! * `GetId`, `GetCredentialsForIdentity` and `GetOpenIdToken` sent by a client with **no AWS credentials**,
//!   `GetOpenIdTokenForDeveloperIdentity` and `ListIdentities` by a signed one;
//! * seven pools through the `ListIdentityPools` paginator with a page size of 2;
//! * `IdentityPoolCredentialsProvider` for an unauthenticated identity, and for a user signed in to a
//!   user pool (`InitiateAuth` `USER_PASSWORD_AUTH`, its ID token as the login), then used as the
//!   credentials of a user-pools client making a signed call (`ListUserPools`) and of an identity-pools
//!   client (`DescribeIdentityPool`).
//!
//! What moto 5.2.5 does not do, and these tests therefore cannot show (the recording-server tests in
//! `identity_requests.rs` and `identity_credentials.rs` cover the requests instead):
//! * `ListIdentityPools` and `ListIdentities` ignore `MaxResults` and never return a `NextToken`;
//! * `GetId` and `GetCredentialsForIdentity` check neither the logins nor whether the pool allows
//!   unauthenticated identities, and `GetCredentialsForIdentity` answers fixed keys
//!   (`TESTACCESSKEY12345` / `ABCSECRETKEY` / `ABC12345`) valid for 90 s for any identity id;
//! * `GetOpenIdToken` answers a random `region:uuid` string, not a JWT;
//! * `GetId` for an unknown pool fails with HTTP 500 (a `KeyError`), not `ResourceNotFoundException`;
//! * each `GetId` makes a new identity, even with the logins of a user who already has one;
//! * `UpdateIdentityPool` never changes the pool's name;
//! * an invalid pool name is a `ValidationException` (AWS: `InvalidParameterException`);
//! * `Expiration` is off by the host's UTC offset unless moto runs with `TZ=UTC` (as here).
//!
//! Without moto installed the tests are skipped (a `skipping …` line each, and `scripts/test.sh` ends
//! with the number skipped), except in CI where they fail.

mod support;

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use cognito::identity::credentials::{user_pool_login_provider, IdentityPoolCredentialsProvider};
use cognito::identity::operation::{
    CreateIdentityPoolError, CreateIdentityPoolOutput, DeleteIdentityPoolError,
    DescribeIdentityPoolError, DescribeIdentityPoolOutput, GetIdError, UpdateIdentityPoolOutput,
};
use cognito::identity::types::{CognitoIdentityProvider, IdentityPoolShortDescription};
use cognito::idp::types::{AuthFlowType, ExplicitAuthFlowsType, MessageActionType};
use cognito::{Credentials, DateTime};
use support::Moto;

const REGION: &str = support::MOTO_REGION;
const PASSWORD: &str = "Corr3ct-Horse-Battery";
/// moto's fixed answer to `GetCredentialsForIdentity`.
const MOTO_ACCESS_KEY: &str = "TESTACCESSKEY12345";
const MOTO_SECRET_KEY: &str = "ABCSECRETKEY";
const MOTO_SESSION_TOKEN: &str = "ABC12345";

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// moto with `TZ=UTC`: its `GetCredentialsForIdentity` computes `Expiration` from a naive UTC datetime
/// read as local time, so on a host whose zone is not UTC the credentials would expire hours early (or
/// late).
async fn start_moto() -> Option<Moto> {
    Moto::start_with_env(&[("TZ", "UTC")]).await
}

/// Asserts that `id` is `us-east-1:` followed by a lowercase UUID.
fn assert_region_uuid(what: &str, id: &str) {
    let uuid = id
        .strip_prefix("us-east-1:")
        .unwrap_or_else(|| panic!("{what} {id} has no region prefix"));
    let groups: Vec<usize> = uuid.split('-').map(str::len).collect();
    assert_eq!(groups, [8, 4, 4, 4, 12], "{what} {id}");
    assert!(
        uuid.chars()
            .all(|c| c == '-' || c.is_ascii_digit() || ('a'..='f').contains(&c)),
        "{what} {id}"
    );
}

/// Asserts that `t` is between `from` and `to` seconds from now.
fn assert_expires_in(what: &str, t: SystemTime, from: u64, to: u64) {
    let now = SystemTime::now();
    assert!(
        t >= now + Duration::from_secs(from) && t <= now + Duration::from_secs(to),
        "{what}: {} is not {from}..{to} s from now ({})",
        DateTime::from(t),
        DateTime::now()
    );
}

/// An identity pool that allows unauthenticated identities, with nothing else set.
async fn create_open_pool(identity: &cognito::identity::Client, name: &str) -> String {
    let pool = identity
        .create_identity_pool()
        .identity_pool_name(name)
        .allow_unauthenticated_identities(true)
        .send()
        .await
        .unwrap_or_else(|e| panic!("CreateIdentityPool {name}: {e}"));
    assert_eq!(pool.identity_pool_name.as_deref(), Some(name));
    let id = pool.identity_pool_id.expect("IdentityPoolId");
    assert_region_uuid("identity pool id", &id);
    id
}

/// A user pool with an app client that allows `USER_PASSWORD_AUTH`, and a confirmed user with
/// [`PASSWORD`]. Returns (pool id, client id).
async fn user_pool_with_user(idp: &cognito::idp::Client, username: &str) -> (String, String) {
    let pool_id = idp
        .create_user_pool()
        .pool_name("identity-users")
        .send()
        .await
        .expect("CreateUserPool")
        .user_pool
        .and_then(|p| p.id)
        .expect("user pool id");
    let client_id = idp
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("identity-app")
        .generate_secret(false)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .send()
        .await
        .expect("CreateUserPoolClient")
        .user_pool_client
        .and_then(|c| c.client_id)
        .expect("client id");
    idp.admin_create_user()
        .user_pool_id(&pool_id)
        .username(username)
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .expect("AdminCreateUser");
    idp.admin_set_user_password()
        .user_pool_id(&pool_id)
        .username(username)
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .expect("AdminSetUserPassword");
    (pool_id, client_id)
}

/// Signs `username` in with `USER_PASSWORD_AUTH` (unsigned) and returns the ID token.
async fn sign_in(public_idp: &cognito::idp::Client, client_id: &str, username: &str) -> String {
    let auth = public_idp
        .initiate_auth()
        .client_id(client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", username)
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .expect("InitiateAuth");
    assert_eq!(auth.challenge_name, None);
    let id_token = auth
        .authentication_result
        .and_then(|r| r.id_token)
        .expect("IdToken");
    assert_eq!(id_token.split('.').count(), 3, "a JWT");
    id_token
}

fn assert_moto_credentials(what: &str, c: &Credentials) {
    assert_eq!(c.access_key_id(), MOTO_ACCESS_KEY, "{what}");
    assert_eq!(c.secret_access_key(), MOTO_SECRET_KEY, "{what}");
    assert_eq!(c.session_token(), Some(MOTO_SESSION_TOKEN), "{what}");
    assert_expires_in(what, c.expiry().expect("expiry"), 80, 91);
}

// ---------------------------------------------------------------------------------------
// Identity pools
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn identity_pool_is_created_described_updated_listed_and_deleted() {
    let Some(moto) = start_moto().await else {
        return;
    };
    let identity = cognito::identity::Client::new(&moto.admin_config());
    let user_pool_provider = user_pool_login_provider(REGION, "us-east-1_AbCdEfGhI");
    let cognito_provider = CognitoIdentityProvider {
        provider_name: Some(user_pool_provider.clone()),
        client_id: Some("1example23456789".to_owned()),
        server_side_token_check: Some(true),
    };
    let created = identity
        .create_identity_pool()
        .identity_pool_name("app_identities")
        .allow_unauthenticated_identities(false)
        .supported_login_providers(
            "accounts.google.com",
            "123456789012.apps.googleusercontent.com",
        )
        .developer_provider_name("login.example.app")
        .open_id_connect_provider_arns("arn:aws:iam::123456789012:oidc-provider/oidc.example.com")
        .cognito_identity_providers(cognito_provider.clone())
        .saml_provider_arns("arn:aws:iam::123456789012:saml-provider/corp")
        .identity_pool_tags("team", "identity")
        .send()
        .await
        .expect("CreateIdentityPool");
    let pool_id = created.identity_pool_id.clone().expect("IdentityPoolId");
    assert_region_uuid("identity pool id", &pool_id);
    let expected = CreateIdentityPoolOutput {
        identity_pool_id: Some(pool_id.clone()),
        identity_pool_name: Some("app_identities".to_owned()),
        allow_unauthenticated_identities: Some(false),
        allow_classic_flow: None,
        supported_login_providers: Some(HashMap::from([(
            "accounts.google.com".to_owned(),
            "123456789012.apps.googleusercontent.com".to_owned(),
        )])),
        developer_provider_name: Some("login.example.app".to_owned()),
        open_id_connect_provider_arns: Some(vec![
            "arn:aws:iam::123456789012:oidc-provider/oidc.example.com".to_owned(),
        ]),
        cognito_identity_providers: Some(vec![cognito_provider.clone()]),
        saml_provider_arns: Some(vec![
            "arn:aws:iam::123456789012:saml-provider/corp".to_owned()
        ]),
        identity_pool_tags: Some(HashMap::from([("team".to_owned(), "identity".to_owned())])),
    };
    assert_eq!(created, expected);

    let described = identity
        .describe_identity_pool()
        .identity_pool_id(&pool_id)
        .send()
        .await
        .expect("DescribeIdentityPool");
    assert_eq!(
        described,
        DescribeIdentityPoolOutput {
            identity_pool_id: expected.identity_pool_id.clone(),
            identity_pool_name: expected.identity_pool_name.clone(),
            allow_unauthenticated_identities: expected.allow_unauthenticated_identities,
            allow_classic_flow: expected.allow_classic_flow,
            supported_login_providers: expected.supported_login_providers.clone(),
            developer_provider_name: expected.developer_provider_name.clone(),
            open_id_connect_provider_arns: expected.open_id_connect_provider_arns.clone(),
            cognito_identity_providers: expected.cognito_identity_providers.clone(),
            saml_provider_arns: expected.saml_provider_arns.clone(),
            identity_pool_tags: expected.identity_pool_tags.clone(),
        }
    );

    // The name stays the same: moto 5.2.5 ignores a new one.
    let updated = identity
        .update_identity_pool()
        .identity_pool_id(&pool_id)
        .identity_pool_name("app_identities")
        .allow_unauthenticated_identities(true)
        .set_supported_login_providers(Some(HashMap::new()))
        .set_cognito_identity_providers(Some(Vec::new()))
        .identity_pool_tags("team", "platform")
        .send()
        .await
        .expect("UpdateIdentityPool");
    let expected_update = UpdateIdentityPoolOutput {
        identity_pool_id: Some(pool_id.clone()),
        identity_pool_name: Some("app_identities".to_owned()),
        allow_unauthenticated_identities: Some(true),
        allow_classic_flow: None,
        supported_login_providers: Some(HashMap::new()),
        developer_provider_name: Some("login.example.app".to_owned()),
        open_id_connect_provider_arns: expected.open_id_connect_provider_arns.clone(),
        cognito_identity_providers: Some(Vec::new()),
        saml_provider_arns: expected.saml_provider_arns.clone(),
        identity_pool_tags: Some(HashMap::from([("team".to_owned(), "platform".to_owned())])),
    };
    assert_eq!(updated, expected_update);
    let described = identity
        .describe_identity_pool()
        .identity_pool_id(&pool_id)
        .send()
        .await
        .expect("DescribeIdentityPool after the update");
    assert_eq!(
        described.allow_unauthenticated_identities,
        Some(true),
        "the update is kept"
    );
    assert_eq!(
        described.identity_pool_tags,
        expected_update.identity_pool_tags
    );
    assert_eq!(described.cognito_identity_providers, Some(Vec::new()));

    let other = create_open_pool(&identity, "second pool").await;
    let listed = identity
        .list_identity_pools()
        .max_results(10)
        .send()
        .await
        .expect("ListIdentityPools");
    assert_eq!(listed.next_token, None);
    assert_eq!(
        listed.identity_pools,
        Some(vec![
            IdentityPoolShortDescription {
                identity_pool_id: Some(pool_id.clone()),
                identity_pool_name: Some("app_identities".to_owned()),
            },
            IdentityPoolShortDescription {
                identity_pool_id: Some(other.clone()),
                identity_pool_name: Some("second pool".to_owned()),
            },
        ])
    );

    identity
        .delete_identity_pool()
        .identity_pool_id(&pool_id)
        .send()
        .await
        .expect("DeleteIdentityPool");
    let err = identity
        .describe_identity_pool()
        .identity_pool_id(&pool_id)
        .send()
        .await
        .expect_err("DescribeIdentityPool of a deleted pool");
    match &err {
        cognito::Error::Service(DescribeIdentityPoolError::ResourceNotFoundException(e)) => {
            assert_eq!(e.message.as_deref(), Some(pool_id.as_str()));
            assert_eq!(e.meta().status(), Some(400));
        }
        other => panic!("expected ResourceNotFoundException, got {other:?}"),
    }
    assert_eq!(
        err.to_string(),
        format!("ResourceNotFoundException: {pool_id}")
    );
    let err = identity
        .delete_identity_pool()
        .identity_pool_id(&pool_id)
        .send()
        .await
        .expect_err("DeleteIdentityPool twice");
    assert!(
        err.service_error()
            .is_some_and(DeleteIdentityPoolError::is_resource_not_found_exception),
        "{err:?}"
    );
    let listed = identity
        .list_identity_pools()
        .max_results(10)
        .send()
        .await
        .expect("ListIdentityPools after the deletion");
    let ids: Vec<_> = listed
        .identity_pools
        .unwrap_or_default()
        .into_iter()
        .map(|p| p.identity_pool_id)
        .collect();
    assert_eq!(ids, [Some(other)]);
}

#[tokio::test]
async fn invalid_pool_name_is_rejected() {
    let Some(moto) = start_moto().await else {
        return;
    };
    let identity = cognito::identity::Client::new(&moto.admin_config());
    let err = identity
        .create_identity_pool()
        .identity_pool_name("no/slashes")
        .allow_unauthenticated_identities(true)
        .send()
        .await
        .expect_err("invalid name");
    // moto answers ValidationException, which the model does not list for CreateIdentityPool.
    match &err {
        cognito::Error::Service(CreateIdentityPoolError::Unhandled(u)) => {
            assert_eq!(u.meta().code(), Some("ValidationException"));
            assert_eq!(u.meta().status(), Some(400));
        }
        other => panic!("expected an unhandled ValidationException, got {other:?}"),
    }
    assert_eq!(
        err.message(),
        Some(
            "1 validation error detected: Value 'no/slashes' at 'identityPoolName' failed to \
             satisfy constraint: Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+"
        )
    );
}

#[tokio::test]
async fn identities_tokens_and_credentials_without_aws_credentials() {
    let Some(moto) = start_moto().await else {
        return;
    };
    let admin = cognito::identity::Client::new(&moto.admin_config());
    let public = cognito::identity::Client::new(&moto.public_config());
    let pool_id = create_open_pool(&admin, "guests").await;

    // Public calls: no AWS credentials.
    let identity_id = public
        .get_id()
        .identity_pool_id(&pool_id)
        .send()
        .await
        .expect("GetId without credentials")
        .identity_id
        .expect("IdentityId");
    assert_region_uuid("identity id", &identity_id);

    let out = public
        .get_credentials_for_identity()
        .identity_id(&identity_id)
        .send()
        .await
        .expect("GetCredentialsForIdentity without credentials");
    assert_eq!(out.identity_id.as_deref(), Some(identity_id.as_str()));
    let c = out.credentials.expect("Credentials");
    assert_eq!(c.access_key_id.as_deref(), Some(MOTO_ACCESS_KEY));
    assert_eq!(c.secret_key.as_deref(), Some(MOTO_SECRET_KEY));
    assert_eq!(c.session_token.as_deref(), Some(MOTO_SESSION_TOKEN));
    let expiration = c.expiration.expect("Expiration");
    assert_ne!(
        expiration.subsec_nanos(),
        0,
        "moto sends fractional seconds"
    );
    assert_expires_in("Expiration", expiration.to_system_time(), 80, 91);

    let token = public
        .get_open_id_token()
        .identity_id(&identity_id)
        .send()
        .await
        .expect("GetOpenIdToken without credentials");
    assert_eq!(token.identity_id.as_deref(), Some(identity_id.as_str()));
    // moto's token is a random `region:uuid`, not a JWT.
    assert_region_uuid("OpenID token", token.token.as_deref().expect("Token"));

    // Developer-authenticated identity: a signed call.
    let developer = admin
        .get_open_id_token_for_developer_identity()
        .identity_pool_id(&pool_id)
        .identity_id(&identity_id)
        .logins("login.example.app", "user-1")
        .token_duration(900)
        .send()
        .await
        .expect("GetOpenIdTokenForDeveloperIdentity");
    assert_eq!(developer.identity_id.as_deref(), Some(identity_id.as_str()));
    assert_region_uuid(
        "developer token",
        developer.token.as_deref().expect("Token"),
    );

    let second = public
        .get_id()
        .identity_pool_id(&pool_id)
        .send()
        .await
        .expect("second GetId")
        .identity_id
        .expect("IdentityId");
    assert_ne!(
        second, identity_id,
        "each GetId without logins is a new identity"
    );

    let listed = admin
        .list_identities()
        .identity_pool_id(&pool_id)
        .max_results(10)
        .send()
        .await
        .expect("ListIdentities");
    assert_eq!(listed.identity_pool_id.as_deref(), Some(pool_id.as_str()));
    assert_eq!(listed.next_token, None);
    let ids: Vec<_> = listed
        .identities
        .unwrap_or_default()
        .into_iter()
        .map(|i| i.identity_id)
        .collect();
    assert_eq!(ids, [Some(identity_id), Some(second)]);
}

#[tokio::test]
async fn list_identity_pools_paginator_sees_every_pool() {
    let Some(moto) = start_moto().await else {
        return;
    };
    let identity = cognito::identity::Client::new(&moto.admin_config());
    let mut expected = Vec::new();
    for i in 0..7 {
        let name = format!("pool-{i}");
        let id = create_open_pool(&identity, &name).await;
        expected.push(IdentityPoolShortDescription {
            identity_pool_id: Some(id),
            identity_pool_name: Some(name),
        });
    }

    let pools = identity
        .list_identity_pools()
        .into_paginator()
        .page_size(2)
        .items()
        .try_collect()
        .await
        .expect("ListIdentityPools pages");
    assert_eq!(pools.len(), 7);
    assert_eq!(pools, expected);

    // moto 5.2.5 ignores MaxResults: one page holds all seven pools, with no NextToken. The paginator
    // over several pages is tested against a recording server (identity_requests.rs).
    let pages = identity
        .list_identity_pools()
        .into_paginator()
        .page_size(2)
        .send()
        .try_collect()
        .await
        .expect("pages");
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0].next_token, None);
    assert_eq!(pages[0].identity_pools.as_ref(), Some(&expected));
}

// ---------------------------------------------------------------------------------------
// The credentials provider
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn provider_gives_unauthenticated_credentials_that_sign_other_calls() {
    let Some(moto) = start_moto().await else {
        return;
    };
    let admin = moto.admin_config();
    let identity = cognito::identity::Client::new(&admin);
    let pool_id = create_open_pool(&identity, "guests").await;
    let user_pool_id = cognito::idp::Client::new(&admin)
        .create_user_pool()
        .pool_name("listed")
        .send()
        .await
        .expect("CreateUserPool")
        .user_pool
        .and_then(|p| p.id)
        .expect("user pool id");

    // moto's credentials live 90 s: a buffer below that lets them be cached.
    let public = moto.public_config();
    let provider = IdentityPoolCredentialsProvider::builder(&public, &pool_id)
        .refresh_buffer(Duration::from_secs(30))
        .build();
    let first = provider.credentials().await.expect("credentials");
    assert_moto_credentials("unauthenticated", &first);
    let identity_id = provider.cached_identity_id().expect("identity id");
    assert_region_uuid("identity id", &identity_id);
    let again = provider.credentials().await.expect("cached credentials");
    assert_eq!(again.expiry(), first.expiry(), "the cached credentials");

    // The provider as the credentials of a user-pools client: a signed call.
    let signed = public
        .to_builder()
        .credentials_provider(provider.clone())
        .build();
    let pools = cognito::idp::Client::new(&signed)
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
    assert_eq!(ids, [Some(user_pool_id)]);

    // And of an identity-pools client.
    let described = cognito::identity::Client::new(&signed)
        .describe_identity_pool()
        .identity_pool_id(&pool_id)
        .send()
        .await
        .expect("DescribeIdentityPool signed with identity-pool credentials");
    assert_eq!(described.identity_pool_name.as_deref(), Some("guests"));

    // One identity only: GetId was called once.
    let listed = identity
        .list_identities()
        .identity_pool_id(&pool_id)
        .max_results(10)
        .send()
        .await
        .expect("ListIdentities");
    let ids: Vec<_> = listed
        .identities
        .unwrap_or_default()
        .into_iter()
        .map(|i| i.identity_id)
        .collect();
    assert_eq!(ids, [Some(identity_id)]);
}

#[tokio::test]
async fn provider_exchanges_a_user_pool_id_token_for_credentials() {
    let Some(moto) = start_moto().await else {
        return;
    };
    let admin = moto.admin_config();
    let public = moto.public_config();
    let idp = cognito::idp::Client::new(&admin);
    let (user_pool_id, client_id) = user_pool_with_user(&idp, "alice").await;
    let id_token = sign_in(&cognito::idp::Client::new(&public), &client_id, "alice").await;

    let identity = cognito::identity::Client::new(&admin);
    let login_provider = user_pool_login_provider(REGION, &user_pool_id);
    let pool_id = identity
        .create_identity_pool()
        .identity_pool_name("members")
        .allow_unauthenticated_identities(true)
        .cognito_identity_providers(CognitoIdentityProvider {
            provider_name: Some(login_provider.clone()),
            client_id: Some(client_id.clone()),
            server_side_token_check: Some(false),
        })
        .send()
        .await
        .expect("CreateIdentityPool")
        .identity_pool_id
        .expect("IdentityPoolId");

    // Signed in from the start.
    let provider = IdentityPoolCredentialsProvider::builder(&public, &pool_id)
        .with_user_pool_login(REGION, &user_pool_id, id_token.clone())
        .refresh_buffer(Duration::from_secs(30))
        .build();
    assert!(provider.is_authenticated());
    let credentials = provider
        .credentials()
        .await
        .expect("authenticated credentials");
    assert_moto_credentials("authenticated", &credentials);
    let member = provider.cached_identity_id().expect("identity id");
    assert!(!format!("{provider:?}").contains(&id_token));

    let signed = public
        .to_builder()
        .credentials_provider(provider.clone())
        .build();
    let pools = cognito::idp::Client::new(&signed)
        .list_user_pools()
        .max_results(10)
        .send()
        .await
        .expect("ListUserPools signed with the user's credentials");
    let ids: Vec<_> = pools
        .user_pools
        .unwrap_or_default()
        .into_iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(ids, [Some(user_pool_id.clone())]);

    // A guest who signs in later: unauthenticated first, then the logins are set.
    let guest = IdentityPoolCredentialsProvider::new(&public, &pool_id);
    let guest_credentials = guest.credentials().await.expect("guest credentials");
    assert_moto_credentials("guest", &guest_credentials);
    let guest_id = guest.cached_identity_id().expect("guest identity");
    guest.set_logins(HashMap::from([(login_provider.clone(), id_token)]));
    assert_eq!(guest.cached_identity_id(), None);
    let upgraded = guest.credentials().await.expect("after sign-in");
    assert_moto_credentials("after sign-in", &upgraded);
    let signed_in_id = guest.cached_identity_id().expect("new identity");
    assert_ne!(signed_in_id, guest_id);

    let listed = identity
        .list_identities()
        .identity_pool_id(&pool_id)
        .max_results(10)
        .send()
        .await
        .expect("ListIdentities");
    let ids: Vec<_> = listed
        .identities
        .unwrap_or_default()
        .into_iter()
        .map(|i| i.identity_id)
        .collect();
    // moto makes a new identity per GetId, logins or not (AWS gives a signed-in user the same one).
    assert_eq!(ids, [Some(member), Some(guest_id), Some(signed_in_id)]);
}

#[tokio::test]
async fn provider_reports_an_unknown_identity_pool() {
    let Some(moto) = start_moto().await else {
        return;
    };
    let provider = IdentityPoolCredentialsProvider::new(
        &moto
            .public_config()
            .to_builder()
            .retry(cognito::RetryConfig::disabled())
            .build(),
        "us-east-1:00000000-0000-4000-8000-000000000000",
    );
    let err = provider.credentials().await.expect_err("no such pool");
    // moto 5.2.5 fails with an internal error (a KeyError in `get_id`, an HTML page) where AWS answers
    // ResourceNotFoundException.
    match err.get_id_error() {
        Some(cognito::Error::Service(GetIdError::Unhandled(u))) => {
            assert_eq!(u.meta().status(), Some(500));
            assert_eq!(u.meta().code(), None);
            assert!(
                u.meta()
                    .message()
                    .is_some_and(|m| m.starts_with("500 Internal Server Error")),
                "{u:?}"
            );
        }
        other => panic!("expected an unhandled HTTP 500 from GetId, got {other:?}"),
    }
    assert_eq!(provider.cached_identity_id(), None);
}
