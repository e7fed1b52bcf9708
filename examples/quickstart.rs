//! Quickstart: a user pool's whole life in one program.
//!
//! Creates a user pool and an app client, signs a user up (`SignUp`), confirms them
//! (`AdminConfirmSignUp`), signs them in (`InitiateAuth` with `USER_PASSWORD_AUTH`), reads their profile
//! with the access token (`GetUser`), lists the pool's users through the paginator, and deletes the pool
//! again, also when a step fails.
//!
//! `SignUp`, `InitiateAuth` and `GetUser` are public-client calls: the client sends them unsigned, as a
//! browser or mobile app would make them, so they need no AWS credentials. The administrative calls, on
//! the same client, are signed with the credentials from the environment.
//!
//! Configuration comes from [`cognito::Config::from_env`]: `AWS_REGION`, `AWS_ENDPOINT_URL`,
//! `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`, `AWS_PROFILE` and the shared AWS files.
//!
//! Against a local emulator (what `bash scripts/demo.sh` does with moto):
//!
//! ```text
//! AWS_ENDPOINT_URL=http://127.0.0.1:5000 AWS_REGION=us-east-1 \
//! AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test cargo run --example quickstart
//! ```
//!
//! Against real AWS it creates (and then deletes) real resources, so it runs only when asked to with
//! `COGNITO_QUICKSTART_REAL_AWS=1`. Tokens, passwords and client ids are never printed.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{SystemTime, UNIX_EPOCH};

use cognito::endpoint::ServiceId;
use cognito::idp::types::{
    AttributeType, AuthFlowType, ExplicitAuthFlowsType, MessageActionType, PasswordPolicyType,
    UserPoolPolicyType,
};
use cognito::idp::Client;

type BoxError = Box<dyn std::error::Error>;

const REAL_AWS_OPT_IN: &str = "COGNITO_QUICKSTART_REAL_AWS";

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let config = cognito::Config::from_env().await?;
    match config.endpoint_url_for(ServiceId::CognitoIdp) {
        Some(url) => println!("using the endpoint {url}"),
        None if std::env::var(REAL_AWS_OPT_IN).as_deref() == Ok("1") => println!(
            "using real AWS in region {} ({REAL_AWS_OPT_IN}=1)",
            config.region().unwrap_or("<none>")
        ),
        None => {
            eprintln!(
                "quickstart: no endpoint URL is set, so this would run against real AWS and create (then \
                 delete) a real user pool.\n\
                 - To run it locally, point it at an emulator: `bash scripts/demo.sh` starts moto and runs \
                 this example, or set AWS_ENDPOINT_URL=http://127.0.0.1:PORT (plus AWS_REGION and any \
                 AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY).\n\
                 - To run it against real AWS on purpose, set {REAL_AWS_OPT_IN}=1 along with your usual \
                 AWS region and credentials."
            );
            std::process::exit(2);
        }
    }

    // Administrative calls are signed with the environment's credentials; public-client calls are sent
    // unsigned by the same client.
    let admin = Client::new(&config);

    let pool_name = format!("cognito-quickstart-{}", unix_secs());
    let pool_id = admin
        .create_user_pool()
        .pool_name(&pool_name)
        .policies(UserPoolPolicyType {
            password_policy: Some(PasswordPolicyType {
                minimum_length: Some(12),
                require_uppercase: Some(true),
                require_lowercase: Some(true),
                require_numbers: Some(true),
                require_symbols: Some(false),
                ..Default::default()
            }),
            ..Default::default()
        })
        .send()
        .await?
        .user_pool
        .and_then(|p| p.id)
        .ok_or("CreateUserPool returned no pool id")?;
    println!("created pool {pool_id} ({pool_name})");

    // From here on the pool exists: delete it whatever happens next.
    let outcome = walk_through(&admin, &pool_id).await;
    if let Err(e) = &outcome {
        eprintln!("error: {e} (deleting the pool)");
    }
    let deleted = admin.delete_user_pool().user_pool_id(&pool_id).send().await;
    match &deleted {
        Ok(_) => println!("deleted pool {pool_id}"),
        Err(e) => eprintln!("could not delete pool {pool_id}: {e} (delete it by hand)"),
    }
    outcome?;
    deleted?;
    println!("done");
    Ok(())
}

/// Everything between creating the pool and deleting it.
async fn walk_through(idp: &Client, pool_id: &str) -> Result<(), BoxError> {
    let client_name = "quickstart-app";
    let client_id = idp
        .create_user_pool_client()
        .user_pool_id(pool_id)
        .client_name(client_name)
        .generate_secret(false)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .read_attributes("email")
        .send()
        .await?
        .user_pool_client
        .and_then(|c| c.client_id)
        .ok_or("CreateUserPoolClient returned no client id")?;
    println!("created app client {client_name}");

    let username = "alice";
    let password = generate_password();
    let signed_up = idp
        .sign_up()
        .client_id(&client_id)
        .username(username)
        .password(&password)
        .user_attributes(attribute("email", "alice@example.com"))
        .send()
        .await?;
    println!(
        "signed up {username} (confirmed: {})",
        signed_up.user_confirmed.unwrap_or(false)
    );

    idp.admin_confirm_sign_up()
        .user_pool_id(pool_id)
        .username(username)
        .send()
        .await?;
    println!("confirmed {username}");

    let auth = idp
        .initiate_auth()
        .client_id(&client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", username)
        .auth_parameters("PASSWORD", &password)
        .send()
        .await?;
    if let Some(challenge) = &auth.challenge_name {
        return Err(format!("sign-in asked for the challenge {challenge}").into());
    }
    let tokens = auth
        .authentication_result
        .ok_or("InitiateAuth returned no tokens")?;
    let access_token = tokens.access_token.ok_or("no access token")?;
    println!(
        "signed in {username}: access token {} chars, ID token {} chars, refresh token {}, expires in {} s",
        access_token.len(),
        tokens.id_token.as_deref().map_or(0, str::len),
        if tokens.refresh_token.is_some() { "received" } else { "absent" },
        tokens.expires_in.unwrap_or_default()
    );

    let me = idp.get_user().access_token(&access_token).send().await?;
    let attributes = me.user_attributes.unwrap_or_default();
    let value = |name: &str| {
        attributes
            .iter()
            .find(|a| a.name.as_deref() == Some(name))
            .and_then(|a| a.value.clone())
            .unwrap_or_else(|| "-".to_owned())
    };
    println!(
        "user {}: email={}, sub={}",
        me.username.as_deref().unwrap_or("?"),
        value("email"),
        value("sub")
    );

    // Two more users, created by the administrator (no invitation is sent).
    for other in ["bob", "carol"] {
        idp.admin_create_user()
            .user_pool_id(pool_id)
            .username(other)
            .user_attributes(attribute("email", &format!("{other}@example.com")))
            .message_action(MessageActionType::Suppress)
            .send()
            .await?;
        println!("created {other}");
    }

    // Every user, whatever the number of pages.
    let users = idp
        .list_users()
        .user_pool_id(pool_id)
        .into_paginator()
        .page_size(60)
        .items()
        .try_collect()
        .await?;
    let mut lines: Vec<String> = users
        .iter()
        .map(|u| {
            let status = u.user_status.as_ref().map_or("?", |s| s.as_str());
            let created = u
                .user_create_date
                .map_or_else(|| "?".to_owned(), |d| d.to_string());
            format!(
                "  {} ({status}, created {created})",
                u.username.as_deref().unwrap_or("?")
            )
        })
        .collect();
    lines.sort();
    println!("{} users:", users.len());
    for line in lines {
        println!("{line}");
    }
    Ok(())
}

fn attribute(name: &str, value: &str) -> AttributeType {
    AttributeType {
        name: Some(name.to_owned()),
        value: Some(value.to_owned()),
    }
}

fn unix_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A throwaway password that meets the pool's policy (upper, lower, digits, ≥ 12 characters), random
/// per run; it is never printed.
fn generate_password() -> String {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(unix_secs());
    let a = hasher.finish();
    hasher.write_u64(a);
    let b = hasher.finish();
    format!("Qs{a:016x}{b:016x}Z9")
}
