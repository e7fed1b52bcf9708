//! User pools end to end against a real moto 5.2.5 server on 127.0.0.1.
//!
//! Each test starts its own moto (so tests run in parallel without sharing state) and walks one
//! part of a real application's path through the `cognito-idp` API:
//!
//! * pool and app client creation with a password policy and explicit auth flows, read back with
//!   `DescribeUserPool`, then `DeleteUserPool` and the `ResourceNotFoundException` that follows;
//! * `SignUp` → `AdminConfirmSignUp` → `InitiateAuth` (`USER_PASSWORD_AUTH`) → `GetUser` →
//!   `REFRESH_TOKEN_AUTH`, the public-client calls made by a client with **no AWS credentials at all**;
//! * `AdminCreateUser` with a temporary password → `NEW_PASSWORD_REQUIRED` (from `AdminInitiateAuth` and
//!   from `InitiateAuth`) → `RespondToAuthChallenge` → tokens;
//! * groups (`CreateGroup`, `AdminAddUserToGroup`, `AdminListGroupsForUser`, `ListUsersInGroup`,
//!   `AdminRemoveUserFromGroup`) and the `cognito:groups` claim of the tokens;
//! * `AdminUpdateUserAttributes` read back with `AdminGetUser`;
//! * 130 users listed through the `ListUsers` paginator (pages of 60) and with filters;
//! * typed service errors matched on the operations' error enums.
//!
//! Timestamps are checked to decode to "now" (moto sends fractional epoch seconds). Without moto
//! installed the tests are skipped (a `skipping …` line each, and `scripts/test.sh` ends with the number
//! skipped), except in CI where they fail.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use base64::Engine as _;
use cognito::idp::operation::{
    AdminGetUserError, AdminInitiateAuthError, DescribeUserPoolError, InitiateAuthError,
    ListUsersError, SignUpError,
};
use cognito::idp::types::{
    AttributeType, AuthFlowType, ChallengeNameType, ExplicitAuthFlowsType, GroupType,
    MessageActionType, PasswordPolicyType, UserPoolPolicyType, UserStatusType, UserType,
};
use cognito::idp::Client;
use cognito::DateTime;
use support::Moto;

/// Satisfies the pools' policy: ≥ 8 characters, upper and lower case, a number.
const PASSWORD: &str = "Corr3ct-Horse";
const TEMPORARY_PASSWORD: &str = "Temp0rary-Pass";

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// A client that signs with dummy credentials.
fn admin_client(moto: &Moto) -> Client {
    Client::new(&moto.admin_config())
}

/// A client with no AWS credentials, for the public-client calls.
fn public_client(moto: &Moto) -> Client {
    Client::new(&moto.public_config())
}

fn attr(name: &str, value: &str) -> AttributeType {
    AttributeType {
        name: Some(name.to_owned()),
        value: Some(value.to_owned()),
    }
}

/// Attributes as a name → value map (`AttributeType`'s `Debug` redacts values, so compare maps).
fn attr_map(attributes: Option<&[AttributeType]>) -> BTreeMap<String, String> {
    attributes
        .unwrap_or_default()
        .iter()
        .map(|a| {
            (
                a.name.clone().expect("attribute name"),
                a.value.clone().unwrap_or_default(),
            )
        })
        .collect()
}

fn usernames(users: &[UserType]) -> BTreeSet<String> {
    users
        .iter()
        .map(|u| u.username.clone().expect("username"))
        .collect()
}

fn group_names(groups: &[GroupType]) -> Vec<String> {
    let mut names: Vec<String> = groups
        .iter()
        .map(|g| g.group_name.clone().expect("group name"))
        .collect();
    names.sort();
    names
}

/// Asserts that `t` is within a minute of now.
fn assert_recent(what: &str, t: Option<DateTime>) {
    let t = t.unwrap_or_else(|| panic!("{what}: no timestamp"));
    let now = DateTime::now().secs();
    assert!(
        (now - 60..=now + 60).contains(&t.secs()),
        "{what} = {t} is not within a minute of now ({})",
        DateTime::now()
    );
}

/// The claims of a JWT (its payload, base64url-decoded). The signature is not checked here.
fn jwt_claims(token: &str) -> serde_json::Value {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "a JWT has three parts");
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(parts[1])
        .expect("JWT payload is base64url");
    serde_json::from_slice(&payload).expect("JWT payload is JSON")
}

/// The password policy every pool of these tests has.
fn password_policy() -> PasswordPolicyType {
    PasswordPolicyType {
        minimum_length: Some(8),
        require_uppercase: Some(true),
        require_lowercase: Some(true),
        require_numbers: Some(true),
        require_symbols: Some(false),
        temporary_password_validity_days: Some(7),
        ..Default::default()
    }
}

/// A pool and its app client.
struct Pool {
    id: String,
    client_id: String,
}

/// Creates a pool with [`password_policy`] and an app client (no secret) that allows
/// `USER_PASSWORD_AUTH`, `ADMIN_USER_PASSWORD_AUTH` and refresh tokens, and may read `email` (so the
/// ID tokens carry it).
async fn create_pool(idp: &Client, name: &str) -> Pool {
    let pool = idp
        .create_user_pool()
        .pool_name(name)
        .policies(UserPoolPolicyType {
            password_policy: Some(password_policy()),
            ..Default::default()
        })
        .send()
        .await
        .expect("CreateUserPool")
        .user_pool
        .expect("UserPool in the CreateUserPool output");
    let id = pool.id.clone().expect("pool id");
    assert!(id.starts_with("us-east-1_"), "pool id {id}");
    assert_eq!(pool.name.as_deref(), Some(name));
    assert_eq!(
        pool.policies.and_then(|p| p.password_policy),
        Some(password_policy())
    );
    assert_recent("pool CreationDate", pool.creation_date);

    let flows = [
        ExplicitAuthFlowsType::AllowUserPasswordAuth,
        ExplicitAuthFlowsType::AllowAdminUserPasswordAuth,
        ExplicitAuthFlowsType::AllowRefreshTokenAuth,
    ];
    let client = idp
        .create_user_pool_client()
        .user_pool_id(&id)
        .client_name(format!("{name}-app"))
        .generate_secret(false)
        .set_explicit_auth_flows(Some(flows.to_vec()))
        .read_attributes("email")
        .send()
        .await
        .expect("CreateUserPoolClient")
        .user_pool_client
        .expect("UserPoolClient in the CreateUserPoolClient output");
    assert_eq!(client.user_pool_id.as_deref(), Some(id.as_str()));
    assert_eq!(client.client_name, Some(format!("{name}-app")));
    assert_eq!(client.explicit_auth_flows, Some(flows.to_vec()));
    assert_eq!(client.read_attributes, Some(vec!["email".to_owned()]));
    assert_eq!(client.client_secret, None);
    let client_id = client.client_id.expect("client id");
    assert!(!client_id.is_empty());
    Pool { id, client_id }
}

/// `AdminCreateUser` with a temporary password and an e-mail address, no message sent.
async fn admin_create_user(idp: &Client, pool: &Pool, username: &str) -> UserType {
    idp.admin_create_user()
        .user_pool_id(&pool.id)
        .username(username)
        .temporary_password(TEMPORARY_PASSWORD)
        .message_action(MessageActionType::Suppress)
        .user_attributes(attr("email", &format!("{username}@example.com")))
        .send()
        .await
        .unwrap_or_else(|e| panic!("AdminCreateUser {username}: {e}"))
        .user
        .expect("User in the AdminCreateUser output")
}

/// `SignUp` (unsigned) + `AdminConfirmSignUp`: a confirmed user with [`PASSWORD`].
async fn signed_up_user(idp: &Client, public: &Client, pool: &Pool, username: &str) {
    public
        .sign_up()
        .client_id(&pool.client_id)
        .username(username)
        .password(PASSWORD)
        .user_attributes(attr("email", &format!("{username}@example.com")))
        .send()
        .await
        .unwrap_or_else(|e| panic!("SignUp {username}: {e}"));
    idp.admin_confirm_sign_up()
        .user_pool_id(&pool.id)
        .username(username)
        .send()
        .await
        .unwrap_or_else(|e| panic!("AdminConfirmSignUp {username}: {e}"));
}

// ---------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn pool_is_created_described_and_deleted() {
    let Some(moto) = Moto::start().await else {
        return;
    };
    let idp = admin_client(&moto);
    let pool = create_pool(&idp, "lifecycle").await;

    let described = idp
        .describe_user_pool()
        .user_pool_id(&pool.id)
        .send()
        .await
        .expect("DescribeUserPool")
        .user_pool
        .expect("UserPool in the DescribeUserPool output");
    assert_eq!(described.id.as_deref(), Some(pool.id.as_str()));
    assert_eq!(described.name.as_deref(), Some("lifecycle"));
    assert_eq!(
        described.policies.and_then(|p| p.password_policy),
        Some(password_policy())
    );
    assert_eq!(
        described.arn,
        Some(format!(
            "arn:aws:cognito-idp:us-east-1:123456789012:userpool/{}",
            pool.id
        ))
    );
    assert_recent("DescribeUserPool CreationDate", described.creation_date);
    assert_recent(
        "DescribeUserPool LastModifiedDate",
        described.last_modified_date,
    );

    let listed = idp
        .list_user_pools()
        .max_results(10)
        .send()
        .await
        .expect("ListUserPools")
        .user_pools
        .unwrap_or_default();
    let ids: Vec<_> = listed.iter().map(|p| p.id.clone()).collect();
    assert_eq!(ids, vec![Some(pool.id.clone())]);

    idp.delete_user_pool()
        .user_pool_id(&pool.id)
        .send()
        .await
        .expect("DeleteUserPool");

    let err = idp
        .describe_user_pool()
        .user_pool_id(&pool.id)
        .send()
        .await
        .expect_err("DescribeUserPool of a deleted pool");
    assert_eq!(err.code(), Some("ResourceNotFoundException"));
    match &err {
        cognito::Error::Service(DescribeUserPoolError::ResourceNotFoundException(e)) => {
            let message = format!("User pool {} does not exist.", pool.id);
            assert_eq!(e.message.as_deref(), Some(message.as_str()));
            assert_eq!(
                e.to_string(),
                format!("ResourceNotFoundException: {message}")
            );
            assert_eq!(e.meta().status(), Some(400));
        }
        other => panic!("expected ResourceNotFoundException, got {other:?}"),
    }
    let listed = idp
        .list_user_pools()
        .max_results(10)
        .send()
        .await
        .expect("ListUserPools");
    assert_eq!(listed.user_pools.unwrap_or_default().len(), 0);
}

#[tokio::test]
async fn sign_up_confirm_and_sign_in_without_aws_credentials() {
    let Some(moto) = Moto::start().await else {
        return;
    };
    let idp = admin_client(&moto);
    let public = public_client(&moto);
    let pool = create_pool(&idp, "signup").await;

    // SignUp: unsigned.
    let signed_up = public
        .sign_up()
        .client_id(&pool.client_id)
        .username("alice")
        .password(PASSWORD)
        .user_attributes(attr("email", "alice@example.com"))
        .send()
        .await
        .expect("SignUp without credentials");
    assert_eq!(signed_up.user_confirmed, Some(false));
    let sub = signed_up.user_sub.expect("UserSub");
    assert_eq!(sub.len(), 36, "UserSub {sub} is a UUID");

    // Not confirmed yet: no sign-in.
    let err = public
        .initiate_auth()
        .client_id(&pool.client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "alice")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .expect_err("InitiateAuth before confirmation");
    match err {
        cognito::Error::Service(InitiateAuthError::UserNotConfirmedException(e)) => {
            assert_eq!(
                e.to_string(),
                "UserNotConfirmedException: User is not confirmed."
            );
        }
        other => panic!("expected UserNotConfirmedException, got {other:?}"),
    }

    let before = idp
        .admin_get_user()
        .user_pool_id(&pool.id)
        .username("alice")
        .send()
        .await
        .expect("AdminGetUser");
    assert_eq!(before.user_status, Some(UserStatusType::Unconfirmed));

    idp.admin_confirm_sign_up()
        .user_pool_id(&pool.id)
        .username("alice")
        .send()
        .await
        .expect("AdminConfirmSignUp");

    let user = idp
        .admin_get_user()
        .user_pool_id(&pool.id)
        .username("alice")
        .send()
        .await
        .expect("AdminGetUser");
    assert_eq!(user.username.as_deref(), Some("alice"));
    assert_eq!(user.user_status, Some(UserStatusType::Confirmed));
    assert_eq!(user.enabled, Some(true));
    assert_recent("UserCreateDate", user.user_create_date);
    assert_recent("UserLastModifiedDate", user.user_last_modified_date);
    let attributes = attr_map(user.user_attributes.as_deref());
    assert_eq!(
        attributes,
        BTreeMap::from([
            ("email".to_owned(), "alice@example.com".to_owned()),
            ("sub".to_owned(), sub.clone()),
        ])
    );

    // InitiateAuth: unsigned.
    let auth = public
        .initiate_auth()
        .client_id(&pool.client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "alice")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .expect("InitiateAuth without credentials");
    assert_eq!(auth.challenge_name, None);
    assert_eq!(auth.session, None);
    let tokens = auth.authentication_result.expect("AuthenticationResult");
    assert_eq!(tokens.token_type.as_deref(), Some("Bearer"));
    assert_eq!(tokens.expires_in, Some(3600));
    let access_token = tokens.access_token.expect("AccessToken");
    let id_token = tokens.id_token.expect("IdToken");
    let refresh_token = tokens.refresh_token.expect("RefreshToken");
    assert!(!refresh_token.is_empty());

    let issuer = format!("https://cognito-idp.us-east-1.amazonaws.com/{}", pool.id);
    let access = jwt_claims(&access_token);
    assert_eq!(access["token_use"], "access");
    assert_eq!(access["client_id"], pool.client_id.as_str());
    assert_eq!(access["username"], "alice");
    assert_eq!(access["sub"], sub.as_str());
    assert_eq!(access["iss"], issuer.as_str());
    let id = jwt_claims(&id_token);
    assert_eq!(id["token_use"], "id");
    assert_eq!(id["aud"], pool.client_id.as_str());
    assert_eq!(id["cognito:username"], "alice");
    assert_eq!(id["email"], "alice@example.com");

    // GetUser with the access token: unsigned.
    let me = public
        .get_user()
        .access_token(&access_token)
        .send()
        .await
        .expect("GetUser without credentials");
    assert_eq!(me.username.as_deref(), Some("alice"));
    assert_eq!(attr_map(me.user_attributes.as_deref()), attributes);

    // Refresh: new access and ID tokens, no new refresh token.
    let refreshed = public
        .initiate_auth()
        .client_id(&pool.client_id)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", &refresh_token)
        .send()
        .await
        .expect("InitiateAuth REFRESH_TOKEN_AUTH")
        .authentication_result
        .expect("AuthenticationResult");
    assert_eq!(refreshed.refresh_token, None);
    let new_access = refreshed.access_token.expect("AccessToken");
    assert_eq!(jwt_claims(&new_access)["username"], "alice");
    let me_again = public
        .get_user()
        .access_token(&new_access)
        .send()
        .await
        .expect("GetUser with the refreshed token");
    assert_eq!(me_again.username.as_deref(), Some("alice"));
}

#[tokio::test]
async fn admin_created_user_sets_a_new_password_on_first_sign_in() {
    let Some(moto) = Moto::start().await else {
        return;
    };
    let idp = admin_client(&moto);
    let public = public_client(&moto);
    let pool = create_pool(&idp, "newpassword").await;

    let user = admin_create_user(&idp, &pool, "bob").await;
    assert_eq!(user.username.as_deref(), Some("bob"));
    assert_eq!(user.user_status, Some(UserStatusType::ForceChangePassword));
    assert_eq!(user.enabled, Some(true));
    assert_recent("UserCreateDate", user.user_create_date);
    assert_eq!(
        attr_map(user.attributes.as_deref())
            .get("email")
            .map(String::as_str),
        Some("bob@example.com")
    );

    // AdminInitiateAuth (signed) with the temporary password: a challenge, no tokens.
    let challenge = idp
        .admin_initiate_auth()
        .user_pool_id(&pool.id)
        .client_id(&pool.client_id)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", "bob")
        .auth_parameters("PASSWORD", TEMPORARY_PASSWORD)
        .send()
        .await
        .expect("AdminInitiateAuth");
    assert_eq!(
        challenge.challenge_name,
        Some(ChallengeNameType::NewPasswordRequired)
    );
    assert!(challenge.authentication_result.is_none());
    let session = challenge.session.expect("Session");

    // The answer is a public-client call: unsigned.
    let answered = public
        .respond_to_auth_challenge()
        .client_id(&pool.client_id)
        .challenge_name(ChallengeNameType::NewPasswordRequired)
        .session(session)
        .challenge_responses("USERNAME", "bob")
        .challenge_responses("NEW_PASSWORD", PASSWORD)
        .send()
        .await
        .expect("RespondToAuthChallenge");
    assert_eq!(answered.challenge_name, None);
    let tokens = answered
        .authentication_result
        .expect("AuthenticationResult");
    let access_token = tokens.access_token.expect("AccessToken");
    assert_eq!(jwt_claims(&access_token)["username"], "bob");
    assert!(tokens.refresh_token.is_some());

    let user = idp
        .admin_get_user()
        .user_pool_id(&pool.id)
        .username("bob")
        .send()
        .await
        .expect("AdminGetUser");
    assert_eq!(user.user_status, Some(UserStatusType::Confirmed));

    // The new password works, the temporary one does not any more.
    let signed_in = public
        .initiate_auth()
        .client_id(&pool.client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "bob")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .expect("InitiateAuth with the new password");
    assert!(signed_in
        .authentication_result
        .and_then(|r| r.access_token)
        .is_some_and(|t| jwt_claims(&t)["username"] == "bob"));
    let err = idp
        .admin_initiate_auth()
        .user_pool_id(&pool.id)
        .client_id(&pool.client_id)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", "bob")
        .auth_parameters("PASSWORD", TEMPORARY_PASSWORD)
        .send()
        .await
        .expect_err("the temporary password after the change");
    match err {
        cognito::Error::Service(AdminInitiateAuthError::NotAuthorizedException(e)) => {
            assert_eq!(e.to_string(), "NotAuthorizedException: bob");
        }
        other => panic!("expected NotAuthorizedException, got {other:?}"),
    }

    // The same challenge through the public InitiateAuth.
    admin_create_user(&idp, &pool, "carol").await;
    let challenge = public
        .initiate_auth()
        .client_id(&pool.client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "carol")
        .auth_parameters("PASSWORD", TEMPORARY_PASSWORD)
        .send()
        .await
        .expect("InitiateAuth with a temporary password");
    assert_eq!(
        challenge.challenge_name,
        Some(ChallengeNameType::NewPasswordRequired)
    );
    assert_eq!(
        challenge.challenge_parameters,
        Some([("USERNAME".to_owned(), "carol".to_owned())].into())
    );
    let answered = public
        .respond_to_auth_challenge()
        .client_id(&pool.client_id)
        .challenge_name(ChallengeNameType::NewPasswordRequired)
        .session(challenge.session.expect("Session"))
        .challenge_responses("USERNAME", "carol")
        .challenge_responses("NEW_PASSWORD", PASSWORD)
        .send()
        .await
        .expect("RespondToAuthChallenge");
    let id_token = answered
        .authentication_result
        .and_then(|r| r.id_token)
        .expect("IdToken");
    assert_eq!(jwt_claims(&id_token)["cognito:username"], "carol");
}

#[tokio::test]
async fn groups_and_their_members() {
    let Some(moto) = Moto::start().await else {
        return;
    };
    let idp = admin_client(&moto);
    let public = public_client(&moto);
    let pool = create_pool(&idp, "groups").await;

    for (name, description, precedence) in
        [("admins", "Administrators", 1), ("readers", "Read-only", 5)]
    {
        let group = idp
            .create_group()
            .user_pool_id(&pool.id)
            .group_name(name)
            .description(description)
            .precedence(precedence)
            .send()
            .await
            .expect("CreateGroup")
            .group
            .expect("Group in the CreateGroup output");
        assert_eq!(group.group_name.as_deref(), Some(name));
        assert_eq!(group.user_pool_id.as_deref(), Some(pool.id.as_str()));
        assert_eq!(group.description.as_deref(), Some(description));
        assert_eq!(group.precedence, Some(precedence));
        assert_eq!(group.role_arn, None);
        assert_recent("group CreationDate", group.creation_date);
    }

    signed_up_user(&idp, &public, &pool, "alice").await;
    admin_create_user(&idp, &pool, "bob").await;
    for (user, group) in [
        ("alice", "admins"),
        ("alice", "readers"),
        ("bob", "readers"),
    ] {
        idp.admin_add_user_to_group()
            .user_pool_id(&pool.id)
            .username(user)
            .group_name(group)
            .send()
            .await
            .unwrap_or_else(|e| panic!("AdminAddUserToGroup {user} {group}: {e}"));
    }

    let alice_groups = idp
        .admin_list_groups_for_user()
        .user_pool_id(&pool.id)
        .username("alice")
        .send()
        .await
        .expect("AdminListGroupsForUser")
        .groups
        .unwrap_or_default();
    assert_eq!(group_names(&alice_groups), ["admins", "readers"]);
    let admins = alice_groups
        .iter()
        .find(|g| g.group_name.as_deref() == Some("admins"))
        .expect("admins");
    assert_eq!(admins.precedence, Some(1));
    assert_eq!(admins.description.as_deref(), Some("Administrators"));

    // The same through the paginator.
    let bob_groups = idp
        .admin_list_groups_for_user()
        .user_pool_id(&pool.id)
        .username("bob")
        .into_paginator()
        .items()
        .try_collect()
        .await
        .expect("AdminListGroupsForUser paginator");
    assert_eq!(group_names(&bob_groups), ["readers"]);

    let readers = idp
        .list_users_in_group()
        .user_pool_id(&pool.id)
        .group_name("readers")
        .send()
        .await
        .expect("ListUsersInGroup")
        .users
        .unwrap_or_default();
    assert_eq!(
        usernames(&readers),
        BTreeSet::from(["alice".to_owned(), "bob".to_owned()])
    );
    let admin_members = idp
        .list_users_in_group()
        .user_pool_id(&pool.id)
        .group_name("admins")
        .into_paginator()
        .page_size(1)
        .items()
        .try_collect()
        .await
        .expect("ListUsersInGroup paginator");
    assert_eq!(
        usernames(&admin_members),
        BTreeSet::from(["alice".to_owned()])
    );
    assert_eq!(
        attr_map(admin_members[0].attributes.as_deref())
            .get("email")
            .map(String::as_str),
        Some("alice@example.com")
    );

    // Group membership shows in the tokens.
    let tokens = public
        .initiate_auth()
        .client_id(&pool.client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "alice")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .expect("InitiateAuth")
        .authentication_result
        .expect("AuthenticationResult");
    let claims = jwt_claims(tokens.id_token.as_deref().expect("IdToken"));
    let mut claimed: Vec<String> = serde_json::from_value(claims["cognito:groups"].clone())
        .expect("cognito:groups is a list of names");
    claimed.sort();
    assert_eq!(claimed, ["admins", "readers"]);

    idp.admin_remove_user_from_group()
        .user_pool_id(&pool.id)
        .username("bob")
        .group_name("readers")
        .send()
        .await
        .expect("AdminRemoveUserFromGroup");
    let readers = idp
        .list_users_in_group()
        .user_pool_id(&pool.id)
        .group_name("readers")
        .send()
        .await
        .expect("ListUsersInGroup")
        .users
        .unwrap_or_default();
    assert_eq!(usernames(&readers), BTreeSet::from(["alice".to_owned()]));
    let bob_groups = idp
        .admin_list_groups_for_user()
        .user_pool_id(&pool.id)
        .username("bob")
        .send()
        .await
        .expect("AdminListGroupsForUser")
        .groups
        .unwrap_or_default();
    assert!(bob_groups.is_empty());
}

#[tokio::test]
async fn updated_attributes_are_read_back() {
    let Some(moto) = Moto::start().await else {
        return;
    };
    let idp = admin_client(&moto);
    let pool = create_pool(&idp, "attributes").await;
    let created = admin_create_user(&idp, &pool, "dave").await;
    let created_at = created.user_create_date.expect("UserCreateDate");
    let sub = attr_map(created.attributes.as_deref())
        .remove("sub")
        .expect("sub attribute");

    // Let the modification date move on from the creation date.
    tokio::time::sleep(Duration::from_millis(20)).await;
    idp.admin_update_user_attributes()
        .user_pool_id(&pool.id)
        .username("dave")
        .user_attributes(attr("email", "dave@example.org"))
        .user_attributes(attr("given_name", "Dave"))
        .send()
        .await
        .expect("AdminUpdateUserAttributes");

    let user = idp
        .admin_get_user()
        .user_pool_id(&pool.id)
        .username("dave")
        .send()
        .await
        .expect("AdminGetUser");
    assert_eq!(
        attr_map(user.user_attributes.as_deref()),
        BTreeMap::from([
            ("email".to_owned(), "dave@example.org".to_owned()),
            ("given_name".to_owned(), "Dave".to_owned()),
            ("sub".to_owned(), sub),
        ])
    );
    assert_eq!(user.user_create_date, Some(created_at));
    let modified = user.user_last_modified_date.expect("UserLastModifiedDate");
    assert!(
        modified > created_at,
        "UserLastModifiedDate {modified} is after UserCreateDate {created_at}"
    );
    assert_recent("UserLastModifiedDate", Some(modified));
}

#[tokio::test]
async fn list_users_paginates_and_filters() {
    const USERS: usize = 130;
    let Some(moto) = Moto::start().await else {
        return;
    };
    let idp = admin_client(&moto);
    let pool = create_pool(&idp, "many").await;
    let expected: BTreeSet<String> = (0..USERS).map(|i| format!("user-{i:04}")).collect();
    for name in &expected {
        admin_create_user(&idp, &pool, name).await;
    }
    for name in ["user-0007", "user-0099"] {
        idp.admin_disable_user()
            .user_pool_id(&pool.id)
            .username(name)
            .send()
            .await
            .expect("AdminDisableUser");
    }

    // Every item, across pages of 60.
    let users = idp
        .list_users()
        .user_pool_id(&pool.id)
        .into_paginator()
        .page_size(60)
        .items()
        .try_collect()
        .await
        .expect("ListUsers paginator items");
    assert_eq!(users.len(), USERS, "no user twice, none missing");
    assert_eq!(usernames(&users), expected);
    for user in &users {
        assert_eq!(user.user_status, Some(UserStatusType::ForceChangePassword));
        assert_recent("UserCreateDate", user.user_create_date);
    }
    // moto sends fractional epoch seconds (`1795459509.193`): the fraction survives decoding.
    assert!(
        users
            .iter()
            .filter_map(|u| u.user_create_date)
            .any(|t| t.subsec_nanos() != 0),
        "no UserCreateDate of 130 has a fractional part"
    );

    // The pages themselves: 60 + 60 + 10, a token on all but the last.
    let pages = idp
        .list_users()
        .user_pool_id(&pool.id)
        .into_paginator()
        .page_size(60)
        .send()
        .try_collect()
        .await
        .expect("ListUsers paginator pages");
    let sizes: Vec<usize> = pages
        .iter()
        .map(|p| p.users.as_ref().map_or(0, Vec::len))
        .collect();
    assert_eq!(sizes, [60, 60, 10]);
    let tokens: Vec<bool> = pages.iter().map(|p| p.pagination_token.is_some()).collect();
    assert_eq!(tokens, [true, true, false]);

    // The same with next(), page by page.
    let mut stream = idp
        .list_users()
        .user_pool_id(&pool.id)
        .limit(50)
        .into_paginator()
        .send();
    let mut seen = 0;
    let mut count = 0;
    while let Some(page) = stream.next().await {
        count += 1;
        seen += page.expect("ListUsers page").users.map_or(0, |u| u.len());
    }
    assert_eq!((count, seen), (3, USERS));

    // Filters: exact username, e-mail prefix, status.
    let one = idp
        .list_users()
        .user_pool_id(&pool.id)
        .filter("username = \"user-0042\"")
        .send()
        .await
        .expect("ListUsers username filter");
    assert_eq!(one.pagination_token, None);
    let one = one.users.unwrap_or_default();
    assert_eq!(usernames(&one), BTreeSet::from(["user-0042".to_owned()]));
    assert_eq!(
        attr_map(one[0].attributes.as_deref())
            .get("email")
            .map(String::as_str),
        Some("user-0042@example.com")
    );

    let prefixed = idp
        .list_users()
        .user_pool_id(&pool.id)
        .filter("email ^= \"user-011\"")
        .into_paginator()
        .page_size(4)
        .items()
        .try_collect()
        .await
        .expect("ListUsers email prefix filter");
    let expected_prefixed: BTreeSet<String> = (110..120).map(|i| format!("user-{i:04}")).collect();
    assert_eq!(prefixed.len(), 10);
    assert_eq!(usernames(&prefixed), expected_prefixed);

    let disabled = idp
        .list_users()
        .user_pool_id(&pool.id)
        .filter("status = \"Disabled\"")
        .send()
        .await
        .expect("ListUsers status filter")
        .users
        .unwrap_or_default();
    assert_eq!(
        usernames(&disabled),
        BTreeSet::from(["user-0007".to_owned(), "user-0099".to_owned()])
    );
    assert!(disabled.iter().all(|u| u.enabled == Some(false)));

    let none = idp
        .list_users()
        .user_pool_id(&pool.id)
        .filter("username = \"nobody\"")
        .send()
        .await
        .expect("ListUsers filter matching nothing");
    assert_eq!(none.users.map(|u| u.len()), Some(0));

    // A filter moto cannot parse is a typed InvalidParameterException.
    let err = idp
        .list_users()
        .user_pool_id(&pool.id)
        .filter("username contains user")
        .send()
        .await
        .expect_err("unparsable filter");
    match err {
        cognito::Error::Service(ListUsersError::InvalidParameterException(e)) => {
            assert_eq!(
                e.to_string(),
                "InvalidParameterException: Error while parsing filter"
            );
        }
        other => panic!("expected InvalidParameterException, got {other:?}"),
    }
}

#[tokio::test]
async fn service_errors_are_typed() {
    let Some(moto) = Moto::start().await else {
        return;
    };
    let idp = admin_client(&moto);
    let public = public_client(&moto);
    let pool = create_pool(&idp, "errors").await;
    signed_up_user(&idp, &public, &pool, "erin").await;

    // AdminGetUser of a user that does not exist.
    let err = idp
        .admin_get_user()
        .user_pool_id(&pool.id)
        .username("ghost")
        .send()
        .await
        .expect_err("AdminGetUser of a missing user");
    assert_eq!(err.code(), Some("UserNotFoundException"));
    assert_eq!(err.message(), Some("User does not exist."));
    assert_eq!(
        err.to_string(),
        "UserNotFoundException: User does not exist."
    );
    assert!(err
        .service_error()
        .is_some_and(AdminGetUserError::is_user_not_found_exception));
    match &err {
        cognito::Error::Service(AdminGetUserError::UserNotFoundException(e)) => {
            assert!(e.to_string().starts_with("UserNotFoundException: "));
            assert_eq!(e.message.as_deref(), Some("User does not exist."));
            assert_eq!(e.meta().status(), Some(400));
            assert!(e.meta().request_id().is_some_and(|id| !id.is_empty()));
        }
        other => panic!("expected UserNotFoundException, got {other:?}"),
    }

    // SignUp of a name already taken.
    let err = public
        .sign_up()
        .client_id(&pool.client_id)
        .username("erin")
        .password(PASSWORD)
        .send()
        .await
        .expect_err("SignUp twice");
    match err {
        cognito::Error::Service(SignUpError::UsernameExistsException(e)) => {
            assert_eq!(e.to_string(), "UsernameExistsException: erin");
            assert_eq!(e.meta().status(), Some(400));
        }
        other => panic!("expected UsernameExistsException, got {other:?}"),
    }

    // InitiateAuth with a wrong password.
    let err = public
        .initiate_auth()
        .client_id(&pool.client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "erin")
        .auth_parameters("PASSWORD", "Wr0ng-password")
        .send()
        .await
        .expect_err("InitiateAuth with a wrong password");
    match err {
        cognito::Error::Service(InitiateAuthError::NotAuthorizedException(e)) => {
            assert_eq!(
                e.to_string(),
                "NotAuthorizedException: Incorrect username or password."
            );
        }
        other => panic!("expected NotAuthorizedException, got {other:?}"),
    }

    // InitiateAuth of an unknown user.
    let err = public
        .initiate_auth()
        .client_id(&pool.client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "ghost")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .expect_err("InitiateAuth of a missing user");
    assert!(
        matches!(
            &err,
            cognito::Error::Service(InitiateAuthError::UserNotFoundException(_))
        ),
        "{err:?}"
    );

    // SignUp with passwords the policy rejects: too short, no number, no upper case.
    for (username, password) in [
        ("frank", "Sh0rt"),
        ("grace", "NoNumbers-here"),
        ("heidi", "n0-upper-case"),
    ] {
        let err = public
            .sign_up()
            .client_id(&pool.client_id)
            .username(username)
            .password(password)
            .send()
            .await
            .expect_err("SignUp with a password that violates the policy");
        match err {
            cognito::Error::Service(SignUpError::InvalidPasswordException(e)) => {
                assert_eq!(
                    e.to_string(),
                    "InvalidPasswordException: The provided password does not confirm to the \
                     configured password policy"
                );
            }
            other => panic!("{username}: expected InvalidPasswordException, got {other:?}"),
        }
    }
    // None of them was created.
    let users = idp
        .list_users()
        .user_pool_id(&pool.id)
        .send()
        .await
        .expect("ListUsers")
        .users
        .unwrap_or_default();
    assert_eq!(usernames(&users), BTreeSet::from(["erin".to_owned()]));

    // An app client that does not exist.
    let err = public
        .sign_up()
        .client_id("no-such-client")
        .username("ivan")
        .password(PASSWORD)
        .send()
        .await
        .expect_err("SignUp with an unknown client");
    match err {
        cognito::Error::Service(SignUpError::ResourceNotFoundException(e)) => {
            assert_eq!(e.to_string(), "ResourceNotFoundException: no-such-client");
        }
        other => panic!("expected ResourceNotFoundException, got {other:?}"),
    }

    // A required member left out never reaches the server.
    let err = idp
        .admin_get_user()
        .username("erin")
        .send()
        .await
        .expect_err("AdminGetUser without UserPoolId");
    match err {
        cognito::Error::InvalidInput(e) => {
            assert_eq!(e.operation(), "AdminGetUser");
            assert!(e.to_string().contains("UserPoolId"), "{e}");
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}
