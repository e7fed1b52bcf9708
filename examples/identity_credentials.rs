//! Sign a user in to a user pool, exchange the ID token for AWS credentials from an identity pool, and
//! sign a call with them.
//!
//! ```text
//! # against a local emulator (moto): the example creates a user pool, an app client, a user and an
//! # identity pool, and deletes them at the end
//! AWS_ENDPOINT_URL=http://127.0.0.1:5000 AWS_REGION=us-east-1 cargo run --example identity_credentials
//!
//! # against AWS, with resources that exist already
//! COGNITO_EXAMPLE_REAL_AWS=1 AWS_REGION=eu-west-1 \
//!   COGNITO_IDENTITY_POOL_ID=eu-west-1:… COGNITO_USER_POOL_ID=eu-west-1_… COGNITO_CLIENT_ID=… \
//!   COGNITO_USERNAME=… COGNITO_PASSWORD=… cargo run --example identity_credentials
//! ```
//!
//! Against AWS the app client must allow `USER_PASSWORD_AUTH` and have no secret, the identity pool must
//! trust the user pool and client, and its authenticated role must allow `cognito-idp:ListUserPools` for
//! the last step. Nothing secret is printed: no password, token or secret key.

use std::error::Error;
use std::time::SystemTime;

use cognito::identity::credentials::{user_pool_login_provider, IdentityPoolCredentialsProvider};
use cognito::identity::types::CognitoIdentityProvider;
use cognito::idp::types::{AuthFlowType, ExplicitAuthFlowsType, MessageActionType};
use cognito::{Config, Credentials, DateTime};

type BoxError = Box<dyn Error + Send + Sync>;

/// What the example needs to sign a user in and get credentials.
struct Setup {
    identity_pool_id: String,
    user_pool_id: String,
    client_id: String,
    username: String,
    password: String,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn usage() {
    println!(
        "identity_credentials: signs a user in to a user pool, exchanges the ID token for AWS credentials \
         from an identity pool, and signs a ListUserPools call with them.\n\
         \n\
         Against a local emulator (creates and deletes everything it uses):\n\
         \x20 AWS_ENDPOINT_URL=http://127.0.0.1:5000 AWS_REGION=us-east-1 cargo run --example identity_credentials\n\
         \n\
         Against AWS, with an existing user pool, app client (USER_PASSWORD_AUTH, no secret), user and identity pool:\n\
         \x20 COGNITO_EXAMPLE_REAL_AWS=1 AWS_REGION=... COGNITO_IDENTITY_POOL_ID=... COGNITO_USER_POOL_ID=... \\\n\
         \x20 COGNITO_CLIENT_ID=... COGNITO_USERNAME=... COGNITO_PASSWORD=... cargo run --example identity_credentials"
    );
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let local = env("AWS_ENDPOINT_URL").is_some();
    let real = env("COGNITO_EXAMPLE_REAL_AWS").as_deref() == Some("1");
    if local {
        run_local().await
    } else if real {
        let names = [
            "COGNITO_IDENTITY_POOL_ID",
            "COGNITO_USER_POOL_ID",
            "COGNITO_CLIENT_ID",
            "COGNITO_USERNAME",
            "COGNITO_PASSWORD",
        ];
        let values: Vec<Option<String>> = names.iter().map(|n| env(n)).collect();
        let missing: Vec<&str> = names
            .iter()
            .zip(&values)
            .filter(|(_, v)| v.is_none())
            .map(|(n, _)| *n)
            .collect();
        if !missing.is_empty() {
            println!(
                "COGNITO_EXAMPLE_REAL_AWS=1 but {} not set.\n",
                missing.join(", ")
            );
            usage();
            return Ok(());
        }
        let mut values = values.into_iter().flatten();
        let mut next = || values.next().unwrap_or_default();
        let setup = Setup {
            identity_pool_id: next(),
            user_pool_id: next(),
            client_id: next(),
            username: next(),
            password: next(),
        };
        let config = Config::from_env().await?;
        exchange_and_call(&config, &setup).await
    } else {
        usage();
        Ok(())
    }
}

/// Against an emulator: create what the flow needs, run it, delete everything (also after a failure).
async fn run_local() -> Result<(), BoxError> {
    let mut config = Config::from_env().await?;
    if config.region().is_none() {
        config = config.to_builder().region("us-east-1").build();
    }
    if config.credentials_provider().is_none() {
        // Emulators check no signature; the set-up calls (CreateUserPool, …) still need a key to sign.
        println!(
            "no AWS credentials configured: the set-up calls use dummy ones (fine for an emulator)"
        );
        config = config
            .to_builder()
            .credentials(Credentials::new(
                "AKIDLOCALEXAMPLE",
                "local-secret",
                None,
                None,
                "example",
            ))
            .build();
    }
    let region = config.region().unwrap_or("us-east-1").to_owned();
    let idp = cognito::idp::Client::new(&config);
    let identity = cognito::identity::Client::new(&config);

    // A user pool with an app client (no secret, USER_PASSWORD_AUTH) and a confirmed user.
    let user_pool_id = idp
        .create_user_pool()
        .pool_name("identity-credentials-example")
        .send()
        .await?
        .user_pool
        .and_then(|p| p.id)
        .ok_or("CreateUserPool returned no pool id")?;
    println!("created user pool {user_pool_id}");
    let result = async {
        let client_id = idp
            .create_user_pool_client()
            .user_pool_id(&user_pool_id)
            .client_name("example-app")
            .generate_secret(false)
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
            .send()
            .await?
            .user_pool_client
            .and_then(|c| c.client_id)
            .ok_or("CreateUserPoolClient returned no client id")?;
        let username = "example-user";
        let password = format!("Ex4mple-{}", DateTime::now().secs());
        idp.admin_create_user()
            .user_pool_id(&user_pool_id)
            .username(username)
            .message_action(MessageActionType::Suppress)
            .send()
            .await?;
        idp.admin_set_user_password()
            .user_pool_id(&user_pool_id)
            .username(username)
            .password(&password)
            .permanent(true)
            .send()
            .await?;
        println!("created app client {client_id} and user {username}");

        // An identity pool that trusts the user pool's client.
        let identity_pool_id = identity
            .create_identity_pool()
            .identity_pool_name("identity_credentials_example")
            .allow_unauthenticated_identities(false)
            .cognito_identity_providers(CognitoIdentityProvider {
                provider_name: Some(user_pool_login_provider(&region, &user_pool_id)),
                client_id: Some(client_id.clone()),
                server_side_token_check: Some(false),
            })
            .send()
            .await?
            .identity_pool_id
            .ok_or("CreateIdentityPool returned no pool id")?;
        println!("created identity pool {identity_pool_id}");

        let setup = Setup {
            identity_pool_id: identity_pool_id.clone(),
            user_pool_id: user_pool_id.clone(),
            client_id,
            username: username.to_owned(),
            password,
        };
        let flow = exchange_and_call(&config, &setup).await;
        let deleted = identity
            .delete_identity_pool()
            .identity_pool_id(&identity_pool_id)
            .send()
            .await;
        flow?;
        deleted?;
        println!("deleted identity pool {identity_pool_id}");
        Ok::<(), BoxError>(())
    }
    .await;

    let deleted = idp
        .delete_user_pool()
        .user_pool_id(&user_pool_id)
        .send()
        .await;
    result?;
    deleted?;
    println!("deleted user pool {user_pool_id}");
    Ok(())
}

/// The flow itself: sign in, exchange the ID token, sign a call with the credentials.
async fn exchange_and_call(config: &Config, setup: &Setup) -> Result<(), BoxError> {
    // The user's side needs no AWS credentials: InitiateAuth, GetId and GetCredentialsForIdentity are
    // public operations, always sent unsigned (the configuration's credentials, if any, are not used).
    let region = config
        .region()
        .ok_or("no region: set AWS_REGION")?
        .to_owned();

    let auth = cognito::idp::Client::new(config)
        .initiate_auth()
        .client_id(&setup.client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", &setup.username)
        .auth_parameters("PASSWORD", &setup.password)
        .send()
        .await?;
    if let Some(challenge) = auth.challenge_name {
        return Err(format!(
            "the user pool asks for the {challenge} challenge first; this example handles none"
        )
        .into());
    }
    let id_token = auth
        .authentication_result
        .and_then(|r| r.id_token)
        .ok_or("InitiateAuth returned no ID token")?;
    println!("signed in as {} (ID token received)", setup.username);

    let provider = IdentityPoolCredentialsProvider::builder(config, &setup.identity_pool_id)
        .with_user_pool_login(&region, &setup.user_pool_id, id_token)
        .build();
    let credentials = provider.credentials().await?;
    let identity_id = provider.cached_identity_id().unwrap_or_default();
    let prefix: String = credentials.access_key_id().chars().take(4).collect();
    let expires = credentials
        .expiry()
        .map(|t| DateTime::from(t).to_string())
        .unwrap_or_else(|| "never".to_owned());
    let left = credentials
        .expiry()
        .and_then(|t| t.duration_since(SystemTime::now()).ok())
        .map_or(0, |d| d.as_secs());
    println!(
        "identity {identity_id}: temporary credentials (access key {prefix}…) valid until {expires} ({left} s)"
    );

    // The provider signs any client's requests, and refreshes the credentials before they expire.
    let signed = config.to_builder().credentials_provider(provider).build();
    let pools = cognito::idp::Client::new(&signed)
        .list_user_pools()
        .max_results(10)
        .send()
        .await?;
    let pools = pools.user_pools.unwrap_or_default();
    println!(
        "ListUserPools, signed with the identity-pool credentials: {} pool(s)",
        pools.len()
    );
    for pool in pools {
        println!(
            "  {} {}",
            pool.id.unwrap_or_default(),
            pool.name.unwrap_or_default()
        );
    }
    Ok(())
}
