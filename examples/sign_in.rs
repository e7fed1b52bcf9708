//! Sign-in without prompts: drives `cognito::auth`'s typed sign-in from environment variables and prints
//! each step's name and what it needs — never a password, code, token, session or secret.
//!
//! ```text
//! COGNITO_CLIENT_ID=…  COGNITO_USERNAME=…  COGNITO_PASSWORD=…  cargo run --example sign_in
//! ```
//!
//! | variable | |
//! |---|---|
//! | `COGNITO_CLIENT_ID` | the app client (required) |
//! | `COGNITO_USERNAME`, `COGNITO_PASSWORD` | the user (required) |
//! | `COGNITO_USER_POOL_ID` | `<region>_<name>`; required with `COGNITO_USE_SRP=1` |
//! | `COGNITO_USE_SRP=1` | prove the password with SRP (`USER_SRP_AUTH`) instead of sending it |
//! | `COGNITO_CLIENT_SECRET` | the app client's secret, if it has one (`SECRET_HASH` is then added) |
//! | `COGNITO_NEW_PASSWORD` | answers `NEW_PASSWORD_REQUIRED` |
//! | `COGNITO_ATTRIBUTES` | `name=value,…` for the attributes `NEW_PASSWORD_REQUIRED` requires |
//! | `COGNITO_MFA_CODE` | answers `SMS_MFA`, `SOFTWARE_TOKEN_MFA`, `EMAIL_OTP`, `SMS_OTP`, and verifies an authenticator at `MFA_SETUP` |
//! | `COGNITO_TOTP_URI_FILE` | at `MFA_SETUP`, where to write the `otpauth://` URI (it holds the TOTP secret, so it is never printed) |
//!
//! The region and endpoint come from the usual AWS variables (`AWS_REGION`, `AWS_ENDPOINT_URL`); the
//! sign-in calls are public-client calls, always sent unsigned, so no AWS credentials are needed.
//!
//! Against a local emulator the example can also set everything up itself: with `AWS_ENDPOINT_URL`
//! pointing at it and `COGNITO_PROVISION=1` it creates a user pool, an app client with a secret and a
//! user with a temporary password (signed with the environment's AWS credentials, any value for moto),
//! signs in through `NEW_PASSWORD_REQUIRED`, refreshes the tokens, and deletes the pool again:
//!
//! ```text
//! AWS_ENDPOINT_URL=http://127.0.0.1:5000 AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=test \
//! AWS_SECRET_ACCESS_KEY=test COGNITO_PROVISION=1 cargo run --example sign_in
//! ```
//!
//! (moto's SRP challenge is not real SRP — its `SECRET_BLOCK` is not base64 — so use the password flow
//! there.) Without the required variables the example prints this usage and exits successfully.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{SystemTime, UNIX_EPOCH};

use cognito::auth::flow::SelectChallenge;
use cognito::auth::{AppClient, SignIn, SignInStep, SignedIn, UserPoolId};
use cognito::idp::types::{
    ChallengeNameType, ExplicitAuthFlowsType, MessageActionType, PasswordPolicyType,
    UserPoolPolicyType,
};
use cognito::idp::Client;

type BoxError = Box<dyn std::error::Error>;

const USAGE: &str = "\
sign_in: drives a Cognito sign-in from environment variables, printing each step.

Required:
  COGNITO_CLIENT_ID        the app client id
  COGNITO_USERNAME         the user
  COGNITO_PASSWORD         the password
Optional:
  COGNITO_USER_POOL_ID     <region>_<name> (required with COGNITO_USE_SRP=1)
  COGNITO_USE_SRP=1        prove the password with SRP instead of sending it
  COGNITO_CLIENT_SECRET    the app client's secret, if it has one
  COGNITO_NEW_PASSWORD     answers NEW_PASSWORD_REQUIRED
  COGNITO_ATTRIBUTES       name=value,... required with the new password
  COGNITO_MFA_CODE         answers SMS_MFA / SOFTWARE_TOKEN_MFA / EMAIL_OTP / SMS_OTP, verifies MFA_SETUP
  COGNITO_TOTP_URI_FILE    where MFA_SETUP writes the otpauth:// URI (never printed)
Region and endpoint: AWS_REGION, AWS_ENDPOINT_URL.
Self-provisioning against an emulator: AWS_ENDPOINT_URL=http://127.0.0.1:PORT COGNITO_PROVISION=1
(plus AWS_REGION and any AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY).";

/// What the flow is driven with.
struct Inputs {
    client_id: String,
    pool_id: Option<String>,
    username: String,
    password: String,
    client_secret: Option<String>,
    new_password: Option<String>,
    attributes: Vec<(String, String)>,
    mfa_code: Option<String>,
    totp_uri_file: Option<String>,
    use_srp: bool,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

impl Inputs {
    fn from_env() -> Option<Inputs> {
        Some(Inputs {
            client_id: var("COGNITO_CLIENT_ID")?,
            username: var("COGNITO_USERNAME")?,
            password: var("COGNITO_PASSWORD")?,
            pool_id: var("COGNITO_USER_POOL_ID"),
            client_secret: var("COGNITO_CLIENT_SECRET"),
            new_password: var("COGNITO_NEW_PASSWORD"),
            attributes: var("COGNITO_ATTRIBUTES")
                .map(|a| {
                    a.split(',')
                        .filter_map(|pair| pair.split_once('='))
                        .map(|(k, v)| (k.trim().to_owned(), v.to_owned()))
                        .collect()
                })
                .unwrap_or_default(),
            mfa_code: var("COGNITO_MFA_CODE"),
            totp_uri_file: var("COGNITO_TOTP_URI_FILE"),
            use_srp: var("COGNITO_USE_SRP").as_deref() == Some("1"),
        })
    }
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let provision = var("COGNITO_PROVISION").as_deref() == Some("1");
    let inputs = Inputs::from_env();
    if inputs.is_none() && !provision {
        println!("{USAGE}");
        return Ok(());
    }
    let config = cognito::Config::from_env().await?;
    // One client for everything: sign-in calls are public-client calls, sent unsigned whatever the
    // configuration's credentials; the provisioning calls are signed.
    let idp = Client::new(&config);

    let Some(inputs) = inputs else {
        if config.endpoint_url().is_none() {
            eprintln!(
                "sign_in: COGNITO_PROVISION=1 creates resources, so it runs only against an emulator: \
                 set AWS_ENDPOINT_URL=http://127.0.0.1:PORT"
            );
            std::process::exit(2);
        }
        return provisioned_demo(&idp).await;
    };
    match run(&app_client(&idp, &inputs), &inputs).await {
        Ok(signed_in) => {
            describe_tokens(&signed_in);
            Ok(())
        }
        Err(e) => {
            eprintln!("sign_in: {e}");
            std::process::exit(1);
        }
    }
}

/// The app client of `inputs`, with its secret if it has one.
fn app_client(idp: &Client, inputs: &Inputs) -> AppClient {
    let app = idp.app_client(&inputs.client_id);
    match &inputs.client_secret {
        Some(secret) => {
            println!("app client with a secret: SECRET_HASH is added to every call");
            app.with_secret(secret)
        }
        None => app,
    }
}

/// Signs in and answers every challenge it has an input for.
async fn run(app: &AppClient, inputs: &Inputs) -> Result<SignedIn, BoxError> {
    let sign_in = app.sign_in(&inputs.username);
    let mut step = if inputs.use_srp {
        println!("-> InitiateAuth USER_SRP_AUTH (the password never leaves this process)");
        srp_sign_in(sign_in, inputs).await?
    } else {
        println!("-> InitiateAuth USER_PASSWORD_AUTH");
        sign_in.password(&inputs.password).await?
    };
    let mut code_used = false;
    loop {
        println!("<- {}", step.name());
        step = match step {
            SignInStep::SignedIn(signed_in) => return Ok(signed_in),
            SignInStep::NewPasswordRequired(challenge) => {
                println!(
                    "   needs: a new password (COGNITO_NEW_PASSWORD){}",
                    if challenge.required_attributes.is_empty() {
                        String::new()
                    } else {
                        format!(
                            " and the attributes {} (COGNITO_ATTRIBUTES)",
                            challenge.required_attributes.join(", ")
                        )
                    }
                );
                let new_password = inputs
                    .new_password
                    .as_deref()
                    .ok_or("NEW_PASSWORD_REQUIRED: set COGNITO_NEW_PASSWORD")?;
                let missing: Vec<&str> = challenge
                    .required_attributes
                    .iter()
                    .map(String::as_str)
                    .filter(|a| !inputs.attributes.iter().any(|(k, _)| k == a))
                    .collect();
                if !missing.is_empty() {
                    return Err(format!(
                        "NEW_PASSWORD_REQUIRED: COGNITO_ATTRIBUTES lacks {}",
                        missing.join(", ")
                    )
                    .into());
                }
                println!("-> RespondToAuthChallenge NEW_PASSWORD_REQUIRED");
                challenge
                    .respond(new_password, inputs.attributes.clone())
                    .await?
            }
            SignInStep::SmsMfa(challenge)
            | SignInStep::SoftwareTokenMfa(challenge)
            | SignInStep::EmailOtp(challenge)
            | SignInStep::SmsOtp(challenge) => {
                println!(
                    "   needs: a code (COGNITO_MFA_CODE){}",
                    match (&challenge.delivery_medium, &challenge.destination) {
                        (Some(medium), Some(to)) => format!(", sent by {medium} to {to}"),
                        (None, Some(to)) => format!(", sent to {to}"),
                        _ => String::new(),
                    }
                );
                let code = take_code(inputs, &mut code_used)?;
                println!("-> RespondToAuthChallenge with the code");
                challenge.respond(code).await?
            }
            SignInStep::SelectMfaType(choice) => {
                let names: Vec<&str> = choice.options.iter().map(|o| o.as_str()).collect();
                println!("   choices: {}", names.join(", "));
                let pick = if choice
                    .options
                    .contains(&ChallengeNameType::SoftwareTokenMfa)
                {
                    ChallengeNameType::SoftwareTokenMfa
                } else {
                    choice
                        .options
                        .first()
                        .cloned()
                        .ok_or("SELECT_MFA_TYPE without options")?
                };
                println!("-> RespondToAuthChallenge ANSWER={}", pick.as_str());
                choice.respond(pick).await?
            }
            SignInStep::MfaSetup(mut setup) => {
                println!(
                    "   needs: an MFA method set up (offered: {})",
                    if setup.options.is_empty() {
                        "not said".to_owned()
                    } else {
                        setup.options.join(", ")
                    }
                );
                println!("-> AssociateSoftwareToken");
                let secret = setup.associate_software_token().await?;
                let uri = secret.otpauth_uri("cognito-example", &inputs.username);
                match &inputs.totp_uri_file {
                    Some(path) => {
                        write_private(path, &uri)?;
                        println!("   the otpauth:// URI (with the TOTP secret) is in {path}");
                    }
                    None => println!(
                        "   a TOTP secret was issued; set COGNITO_TOTP_URI_FILE to receive it (it is never printed)"
                    ),
                }
                let code = take_code(inputs, &mut code_used)?;
                println!("-> VerifySoftwareToken, then RespondToAuthChallenge MFA_SETUP");
                setup
                    .device_name("cognito-example")
                    .verify_software_token(code)
                    .await?
            }
            SignInStep::SelectChallenge(choice) => {
                let names: Vec<&str> = choice.available.iter().map(|c| c.as_str()).collect();
                println!("   choices: {}", names.join(", "));
                if inputs.use_srp {
                    println!("-> RespondToAuthChallenge ANSWER=PASSWORD_SRP");
                    choose_srp(choice, inputs).await?
                } else {
                    println!("-> RespondToAuthChallenge ANSWER=PASSWORD");
                    choice.password(&inputs.password).await?
                }
            }
            other => {
                let needs = match &other {
                    SignInStep::CustomChallenge(c) => {
                        let mut keys: Vec<&str> = c.parameters.keys().map(String::as_str).collect();
                        keys.sort_unstable();
                        format!(
                            "an answer to your Lambda's question (parameters: {})",
                            keys.join(", ")
                        )
                    }
                    SignInStep::WebAuthn(_) => {
                        "a passkey assertion from an authenticator".to_owned()
                    }
                    _ => "answers this example does not know".to_owned(),
                };
                return Err(format!(
                    "{} needs {needs}: not handled by this example",
                    other.name()
                )
                .into());
            }
        };
    }
}

fn pool_id(inputs: &Inputs) -> Result<UserPoolId, BoxError> {
    inputs
        .pool_id
        .as_deref()
        .map(UserPoolId::new)
        .ok_or_else(|| "COGNITO_USE_SRP=1 needs COGNITO_USER_POOL_ID".into())
}

#[cfg(feature = "srp")]
async fn srp_sign_in(sign_in: SignIn, inputs: &Inputs) -> Result<SignInStep, BoxError> {
    Ok(sign_in
        .password_srp(&pool_id(inputs)?, &inputs.password)
        .await?)
}

#[cfg(feature = "srp")]
async fn choose_srp(choice: SelectChallenge, inputs: &Inputs) -> Result<SignInStep, BoxError> {
    Ok(choice
        .password_srp(&pool_id(inputs)?, &inputs.password)
        .await?)
}

#[cfg(not(feature = "srp"))]
async fn srp_sign_in(_: SignIn, inputs: &Inputs) -> Result<SignInStep, BoxError> {
    pool_id(inputs)?;
    Err("COGNITO_USE_SRP=1: this build lacks the `srp` feature".into())
}

#[cfg(not(feature = "srp"))]
async fn choose_srp(_: SelectChallenge, inputs: &Inputs) -> Result<SignInStep, BoxError> {
    pool_id(inputs)?;
    Err("COGNITO_USE_SRP=1: this build lacks the `srp` feature".into())
}

/// `COGNITO_MFA_CODE`, once: a second code challenge needs a new code.
fn take_code<'a>(inputs: &'a Inputs, used: &mut bool) -> Result<&'a str, BoxError> {
    if *used {
        return Err("a second code is needed; run again with a fresh COGNITO_MFA_CODE".into());
    }
    *used = true;
    inputs
        .mfa_code
        .as_deref()
        .ok_or_else(|| "set COGNITO_MFA_CODE".into())
}

fn write_private(path: &str, contents: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    options.open(path)?.write_all(contents.as_bytes())
}

/// What a signed-in user holds, without showing any of it.
fn describe_tokens(signed_in: &SignedIn) {
    let tokens = &signed_in.tokens;
    let seconds = tokens
        .expires_at()
        .duration_since(SystemTime::now())
        .map_or(0, |d| d.as_secs());
    println!(
        "signed in as {}: access token{}{}, expiring in {seconds} s",
        tokens
            .username()
            .as_deref()
            .unwrap_or("<no username claim>"),
        if tokens.id_token().is_some() {
            ", ID token"
        } else {
            ""
        },
        if tokens.refresh_token().is_some() {
            ", refresh token"
        } else {
            ""
        },
    );
    if let Some(device) = &signed_in.new_device {
        println!(
            "Cognito tracks this device ({}); NewDevice::confirm would remember it",
            device.device_key
        );
    }
}

/// Creates a pool, an app client with a secret and a user with a temporary password, signs in through
/// `NEW_PASSWORD_REQUIRED`, refreshes, and deletes the pool again (also when a step fails).
async fn provisioned_demo(admin: &Client) -> Result<(), BoxError> {
    let pool_id = admin
        .create_user_pool()
        .pool_name(format!("sign-in-example-{}", unix_secs()))
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
        .ok_or("CreateUserPool without an id")?;
    println!("provisioned user pool {pool_id}");
    let result = provisioned_sign_in(admin, &pool_id).await;
    match admin.delete_user_pool().user_pool_id(&pool_id).send().await {
        Ok(_) => println!("deleted user pool {pool_id}"),
        Err(e) => eprintln!("sign_in: could not delete user pool {pool_id}: {e}"),
    }
    if let Err(e) = &result {
        eprintln!("sign_in: {e}");
        std::process::exit(1);
    }
    Ok(())
}

async fn provisioned_sign_in(admin: &Client, pool_id: &str) -> Result<(), BoxError> {
    let app = admin
        .create_user_pool_client()
        .user_pool_id(pool_id)
        .client_name("sign-in-example")
        .generate_secret(true)
        .set_explicit_auth_flows(Some(vec![
            ExplicitAuthFlowsType::AllowUserPasswordAuth,
            ExplicitAuthFlowsType::AllowUserSrpAuth,
            ExplicitAuthFlowsType::AllowRefreshTokenAuth,
        ]))
        .send()
        .await?
        .user_pool_client
        .ok_or("CreateUserPoolClient without a client")?;
    let client_id = app.client_id.ok_or("no ClientId")?;
    let client_secret = app.client_secret.ok_or("no ClientSecret")?;
    println!("provisioned an app client with a secret (neither is printed)");
    let username = "example-user";
    let temporary = generate_password();
    admin
        .admin_create_user()
        .user_pool_id(pool_id)
        .username(username)
        .temporary_password(&temporary)
        .message_action(MessageActionType::Suppress)
        .send()
        .await?;
    println!("provisioned user {username} with a temporary password");

    let inputs = Inputs {
        client_id,
        pool_id: Some(pool_id.to_owned()),
        username: username.to_owned(),
        password: temporary,
        client_secret: Some(client_secret),
        new_password: Some(generate_password()),
        attributes: Vec::new(),
        mfa_code: None,
        totp_uri_file: None,
        use_srp: false,
    };
    let app = app_client(admin, &inputs);
    let signed_in = run(&app, &inputs).await?;
    describe_tokens(&signed_in);

    println!("-> InitiateAuth REFRESH_TOKEN_AUTH");
    let refreshed = signed_in.tokens.refresh(&app).await?;
    println!(
        "refreshed: a new access token, expiring in {} s",
        refreshed
            .expires_at()
            .duration_since(SystemTime::now())
            .map_or(0, |d| d.as_secs())
    );
    println!("-> GlobalSignOut");
    refreshed.global_sign_out(&app).await?;
    println!("signed out everywhere");
    Ok(())
}

fn unix_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A throwaway password that meets the pool's policy, random per call; it is never printed.
fn generate_password() -> String {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(unix_secs());
    let a = hasher.finish();
    hasher.write_u64(a);
    format!("Ex{a:016x}{:08x}Q7", hasher.finish() as u32)
}
