//! A user-pools client given an app client's secret fills in `SECRET_HASH` (member, auth parameter,
//! challenge response) and the `ClientSecret` members of calls the app client makes as itself, for that app
//! client only.

mod support;

use cognito::auth::secret_hash;
use cognito::idp::types::{AuthFlowType, ChallengeNameType, TokenTypeIdentifierType};
use cognito::{Config, RetryConfig};
use serde_json::json;
use support::{CannedResponse, RecordingServer};

const CLIENT: &str = "app-client-1";
const SECRET: &str = "app-secret-value";

fn client(server: &RecordingServer) -> cognito::idp::Client {
    let config = Config::builder()
        .region("us-east-1")
        .endpoint_url(server.endpoint())
        .retry(RetryConfig::disabled())
        .build();
    // The user-pools client of the app client's handle fills in the handle's secret.
    cognito::idp::Client::new(&config)
        .app_client(CLIENT)
        .with_secret(SECRET)
        .idp()
        .clone()
}

#[tokio::test]
async fn secret_hash_member_is_filled_from_the_username() {
    let server = RecordingServer::start(CannedResponse::json(
        200,
        r#"{"UserConfirmed":false,"UserSub":"s"}"#,
    ));
    let idp = client(&server);
    idp.sign_up()
        .client_id(CLIENT)
        .username("alice")
        .password("Passw0rd!")
        .send()
        .await
        .expect("ok");
    let body = server.take_requests()[0].body_json();
    assert_eq!(
        body["SecretHash"],
        json!(secret_hash("alice", CLIENT, SECRET))
    );

    // A hash the caller sets is kept; another app client's calls are left alone.
    idp.forgot_password()
        .client_id(CLIENT)
        .username("alice")
        .secret_hash("given")
        .send()
        .await
        .expect("ok");
    idp.forgot_password()
        .client_id("other-client")
        .username("alice")
        .send()
        .await
        .expect("ok");
    let requests = server.take_requests();
    assert_eq!(requests[0].body_json()["SecretHash"], json!("given"));
    assert_eq!(requests[1].body_json().get("SecretHash"), None);
}

#[tokio::test]
async fn secret_hash_goes_into_auth_parameters_and_challenge_responses() {
    let server = RecordingServer::start(CannedResponse::json(200, "{}"));
    let idp = client(&server);
    idp.initiate_auth()
        .client_id(CLIENT)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "bob")
        .auth_parameters("PASSWORD", "pw")
        .send()
        .await
        .expect("ok");
    idp.respond_to_auth_challenge()
        .client_id(CLIENT)
        .challenge_name(ChallengeNameType::PasswordVerifier)
        .challenge_responses("USERNAME", "uuid-for-srp")
        .send()
        .await
        .expect("ok");
    let requests = server.take_requests();
    assert_eq!(
        requests[0].body_json()["AuthParameters"]["SECRET_HASH"],
        json!(secret_hash("bob", CLIENT, SECRET))
    );
    assert_eq!(
        requests[1].body_json()["ChallengeResponses"]["SECRET_HASH"],
        json!(secret_hash("uuid-for-srp", CLIENT, SECRET))
    );
}

#[tokio::test]
async fn the_clients_own_secret_members_are_filled_but_admin_ones_never() {
    let server = RecordingServer::start(CannedResponse::json(200, "{}"));
    let idp = client(&server).clone();
    idp.revoke_token()
        .client_id(CLIENT)
        .token("refresh")
        .send()
        .await
        .expect("ok");
    let config = Config::builder()
        .region("us-east-1")
        .endpoint_url(server.endpoint())
        .credentials(cognito::Credentials::new("AKID", "SK", None, None, "t"))
        .build();
    let app = cognito::idp::Client::new(&config)
        .app_client(CLIENT)
        .with_secret(SECRET);
    let admin = app.idp();
    admin
        .add_user_pool_client_secret()
        .user_pool_id("p")
        .client_id(CLIENT)
        .send()
        .await
        .expect("ok");
    // A signed call the app client makes as itself (no `UserPoolId`): its own secret.
    admin
        .get_derived_token()
        .client_id(CLIENT)
        .subject_token("access-token")
        .subject_token_type(TokenTypeIdentifierType::AccessToken)
        .send()
        .await
        .expect("ok");
    let requests = server.take_requests();
    assert_eq!(requests[0].body_json()["ClientSecret"], json!(SECRET));
    assert_eq!(
        requests[1].body_json().get("ClientSecret"),
        None,
        "a new secret is never the current one"
    );
    assert_eq!(requests[2].body_json()["ClientSecret"], json!(SECRET));
    let debug = format!("{admin:?} {app:?}");
    assert!(!debug.contains(SECRET), "{debug}");
    assert_eq!(app.client_id(), CLIENT);
    assert!(app.has_secret());
}
