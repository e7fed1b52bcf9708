//! `cognito::jwt` against the tokens and JWKS of a real moto 5.2.5 server on 127.0.0.1.
//!
//! moto signs RS256 tokens with one fixed key (`kid` = `dummy`) for all pools, puts AWS's issuer
//! (`https://cognito-idp.{region}.amazonaws.com/{poolId}`) in `iss` whatever its own address, and
//! serves the JWKS at `{endpoint}/{poolId}/.well-known/jwks.json`. The tests create a pool and an
//! app client, sign a user up and in (`USER_PASSWORD_AUTH`) with the generated client, and verify
//! the access and ID tokens moto hands out, then check that the wrong client, the wrong
//! `token_use`, a missing group and another pool's issuer are refused.
//!
//! Without moto installed the tests are skipped (a `skipping …` line each, and `scripts/test.sh` ends
//! with the number skipped), except in CI where they fail.
#![cfg(feature = "jwt")]

mod support;

use cognito::idp::types::{AttributeType, AuthFlowType, ExplicitAuthFlowsType};
use cognito::idp::Client;
use cognito::jwt::{JwtError, JwtVerifier, TokenUse, UserPool};
use support::Moto;

const REGION: &str = support::MOTO_REGION;
const PASSWORD: &str = "Corr3ct-Horse";

/// A client that signs with dummy credentials.
fn admin_client(moto: &Moto) -> Client {
    Client::new(&moto.admin_config())
}

/// A client with no AWS credentials, for the public-client calls.
fn public_client(moto: &Moto) -> Client {
    Client::new(&moto.public_config())
}

/// A pool and its app client.
struct Pool {
    id: String,
    client_id: String,
}

async fn create_pool(idp: &Client, name: &str) -> Pool {
    let id = idp
        .create_user_pool()
        .pool_name(name)
        .send()
        .await
        .expect("CreateUserPool")
        .user_pool
        .and_then(|p| p.id)
        .expect("pool id");
    let client_id = idp
        .create_user_pool_client()
        .user_pool_id(&id)
        .client_name(format!("{name}-app"))
        .generate_secret(false)
        .set_explicit_auth_flows(Some(vec![
            ExplicitAuthFlowsType::AllowUserPasswordAuth,
            ExplicitAuthFlowsType::AllowRefreshTokenAuth,
        ]))
        .read_attributes("email")
        .send()
        .await
        .expect("CreateUserPoolClient")
        .user_pool_client
        .and_then(|c| c.client_id)
        .expect("client id");
    Pool { id, client_id }
}

/// The access and ID tokens of a new, confirmed user of `pool`, in group `group`.
async fn sign_in(idp: &Client, public: &Client, pool: &Pool, username: &str) -> (String, String) {
    public
        .sign_up()
        .client_id(&pool.client_id)
        .username(username)
        .password(PASSWORD)
        .user_attributes(AttributeType {
            name: Some("email".to_owned()),
            value: Some(format!("{username}@example.com")),
        })
        .send()
        .await
        .expect("SignUp");
    idp.admin_confirm_sign_up()
        .user_pool_id(&pool.id)
        .username(username)
        .send()
        .await
        .expect("AdminConfirmSignUp");
    idp.create_group()
        .user_pool_id(&pool.id)
        .group_name("readers")
        .send()
        .await
        .expect("CreateGroup");
    idp.admin_add_user_to_group()
        .user_pool_id(&pool.id)
        .username(username)
        .group_name("readers")
        .send()
        .await
        .expect("AdminAddUserToGroup");
    let tokens = public
        .initiate_auth()
        .client_id(&pool.client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", username)
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .expect("InitiateAuth")
        .authentication_result
        .expect("AuthenticationResult");
    (
        tokens.access_token.expect("AccessToken"),
        tokens.id_token.expect("IdToken"),
    )
}

/// `pool` on moto: JWKS from moto, AWS's issuer.
fn moto_pool(moto: &Moto, pool: &Pool, client_id: &str, token_use: TokenUse) -> UserPool {
    UserPool::new(REGION, &pool.id)
        .emulator_endpoint(&moto.endpoint)
        .client_id(client_id)
        .token_use(token_use)
}

fn build(pool: UserPool) -> JwtVerifier {
    JwtVerifier::builder().pool(pool).build().expect("verifier")
}

#[tokio::test]
async fn moto_tokens_verify_against_moto_jwks() {
    let Some(moto) = Moto::start().await else {
        return;
    };
    let idp = admin_client(&moto);
    let public = public_client(&moto);
    let pool = create_pool(&idp, "jwt").await;
    let (access, id) = sign_in(&idp, &public, &pool, "alice").await;
    let issuer = format!("https://cognito-idp.{REGION}.amazonaws.com/{}", pool.id);

    // Access token, with the group and moto's scope required.
    let access_verifier = build(
        moto_pool(&moto, &pool, &pool.client_id, TokenUse::Access)
            .require_any_group(["admins", "readers"])
            .require_all_scopes(["aws.cognito.signin.user.admin"]),
    );
    access_verifier.hydrate().await.expect("moto's JWKS");
    let claims = access_verifier
        .verify(&access)
        .await
        .expect("moto's access token");
    assert_eq!(claims.iss, issuer);
    assert_eq!(claims.token_use, "access");
    assert_eq!(claims.client_id.as_deref(), Some(pool.client_id.as_str()));
    assert_eq!(claims.username(), Some("alice"));
    assert_eq!(claims.groups, ["readers"]);
    assert!(claims.has_scope("aws.cognito.signin.user.admin"));
    assert_eq!(claims.sub.len(), 36, "sub {} is a UUID", claims.sub);
    assert!(claims.exp > claims.iat.expect("iat"));
    // After hydrate, no I/O is needed.
    access_verifier
        .verify_sync(&access)
        .expect("moto's access token, sync");

    // ID token.
    let id_verifier = build(moto_pool(&moto, &pool, &pool.client_id, TokenUse::Id));
    let claims = id_verifier.verify(&id).await.expect("moto's ID token");
    assert_eq!(claims.token_use, "id");
    assert_eq!(claims.aud, [pool.client_id.as_str()]);
    assert_eq!(claims.cognito_username.as_deref(), Some("alice"));
    assert_eq!(claims.email.as_deref(), Some("alice@example.com"));
    assert_eq!(claims.groups, ["readers"]);

    // Either kind.
    let any = build(moto_pool(&moto, &pool, &pool.client_id, TokenUse::Any));
    any.verify(&access).await.expect("access token as Any");
    any.verify(&id).await.expect("ID token as Any");

    // Wrong client: access (`client_id`) and ID (`aud`) tokens.
    for (token, token_use) in [(&access, TokenUse::Access), (&id, TokenUse::Id)] {
        let other_client = build(moto_pool(&moto, &pool, "some-other-client", token_use));
        assert_eq!(
            other_client.verify(token).await,
            Err(JwtError::ClientNotAllowed(pool.client_id.clone()))
        );
    }

    // Wrong token_use.
    assert_eq!(
        access_verifier.verify(&id).await,
        Err(JwtError::WrongTokenUse {
            expected: TokenUse::Access,
            found: "id".into()
        })
    );
    assert_eq!(
        id_verifier.verify(&access).await,
        Err(JwtError::WrongTokenUse {
            expected: TokenUse::Id,
            found: "access".into()
        })
    );

    // A group the user is not in.
    let admins_only = build(
        moto_pool(&moto, &pool, &pool.client_id, TokenUse::Access).require_any_group(["admins"]),
    );
    assert!(matches!(
        admins_only.verify(&access).await,
        Err(JwtError::MissingGroup { .. })
    ));

    // A tampered token.
    let (head, signature) = access.rsplit_once('.').expect("three parts");
    let mut flipped: Vec<char> = signature.chars().collect();
    flipped[5] = if flipped[5] == 'A' { 'B' } else { 'A' };
    let tampered = format!("{head}.{}", flipped.into_iter().collect::<String>());
    assert_eq!(
        access_verifier.verify(&tampered).await,
        Err(JwtError::InvalidSignature)
    );
}

#[tokio::test]
async fn tokens_of_another_moto_pool_are_refused() {
    let Some(moto) = Moto::start().await else {
        return;
    };
    let idp = admin_client(&moto);
    let public = public_client(&moto);
    let first = create_pool(&idp, "first").await;
    let second = create_pool(&idp, "second").await;
    let (access_first, _) = sign_in(&idp, &public, &first, "alice").await;
    let (access_second, id_second) = sign_in(&idp, &public, &second, "bob").await;

    // moto signs every pool's tokens with the same key: only the issuer tells them apart.
    let only_first = build(moto_pool(&moto, &first, &first.client_id, TokenUse::Access));
    only_first
        .verify(&access_first)
        .await
        .expect("first pool's token");
    assert_eq!(
        only_first.verify(&access_second).await,
        Err(JwtError::UnknownIssuer(format!(
            "https://cognito-idp.{REGION}.amazonaws.com/{}",
            second.id
        )))
    );

    // Both pools in one verifier, each with its own client and token use.
    let both = JwtVerifier::builder()
        .pool(moto_pool(&moto, &first, &first.client_id, TokenUse::Access))
        .pool(moto_pool(&moto, &second, &second.client_id, TokenUse::Id))
        .build()
        .expect("two pools");
    both.verify(&access_first)
        .await
        .expect("first pool, access");
    let claims = both.verify(&id_second).await.expect("second pool, ID");
    assert_eq!(claims.cognito_username.as_deref(), Some("bob"));
    assert!(matches!(
        both.verify(&access_second).await,
        Err(JwtError::WrongTokenUse { .. })
    ));
}
