//! Machine to machine: a client-credentials token used for calls to an API, cached so that the second
//! call reuses it (Cognito bills every token request of this grant).
//!
//! ```sh
//! # Against a local stand-in of Cognito's OAuth endpoints, with a local "orders" API that verifies
//! # the token with cognito::jwt:
//! cargo run --example m2m --features managed-login
//!
//! # Against a real pool: an app client with a secret, client credentials enabled, and the scopes of
//! # a resource server (the API is then your own: COGNITO_API_URL, else only the tokens are shown):
//! COGNITO_REGION=eu-west-1 COGNITO_USER_POOL_ID=eu-west-1_Example COGNITO_CLIENT_ID=... \
//! COGNITO_CLIENT_SECRET=... COGNITO_DOMAIN=my-prefix COGNITO_SCOPES="orders/read" \
//!     cargo run --example m2m --features managed-login
//! ```

#[path = "../tests/support/oauth_standin.rs"]
mod oauth_standin;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, HeaderMap, Response, StatusCode};
use axum::routing::get;
use cognito::jwt::{JwtVerifier, TokenUse, UserPool};
use cognito::managed_login::{Domain, Issuer, ManagedLogin};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let scopes: Vec<String> = var("COGNITO_SCOPES")
        .unwrap_or_else(|| "orders/read".to_owned())
        .split_whitespace()
        .map(str::to_owned)
        .collect();

    let (login, standin, api) = match var("COGNITO_USER_POOL_ID") {
        Some(pool_id) => {
            let region = var("COGNITO_REGION")
                .or_else(|| pool_id.split('_').next().map(str::to_owned))
                .ok_or("set COGNITO_REGION")?;
            let client_id = var("COGNITO_CLIENT_ID").ok_or("set COGNITO_CLIENT_ID")?;
            let secret = var("COGNITO_CLIENT_SECRET").ok_or("set COGNITO_CLIENT_SECRET")?;
            let builder =
                ManagedLogin::builder(&region, &pool_id, &client_id).client_secret(secret);
            let login = match var("COGNITO_DOMAIN") {
                Some(d) if d.contains('.') => builder.domain(Domain::custom(&d)?).build()?,
                Some(prefix) => builder.domain(Domain::prefix(&prefix, &region)?).build()?,
                None => builder.discover().await?,
            };
            (login, None, var("COGNITO_API_URL"))
        }
        None => {
            let standin = oauth_standin::StandIn::start(oauth_standin::Settings::default()).await;
            let s = standin.settings();
            let login = ManagedLogin::builder(&s.region, &s.pool_id, &s.client_id)
                .issuer(Issuer::custom(&standin.issuer())?)
                .domain(Domain::custom(standin.base())?)
                .client_secret(s.client_secret.clone().unwrap_or_default())
                .build()?;
            let api = orders_api(&standin, &scopes).await?;
            println!("using the local stand-in at {}", standin.base());
            (login, Some(standin), Some(api))
        }
    };

    let http = reqwest::Client::new();
    let mut first = None;
    for call in 1..=2 {
        // Cached: the first call fetches a token, the second gets the same one back.
        let token = login.client_credentials(scopes.iter().cloned()).await?;
        let reused = first.as_ref().is_some_and(|f| Arc::ptr_eq(f, &token));
        println!("call {call}: {token:?} (the cached token of call 1: {reused})");
        first.get_or_insert(token.clone());
        if let Some(api) = &api {
            let answer = http
                .get(api)
                .bearer_auth(token.access_token())
                .send()
                .await?;
            println!("  {api} → {} {}", answer.status(), answer.text().await?);
        }
    }
    if let Some(standin) = &standin {
        println!(
            "token requests made: {} (the second call reused the cached token)",
            standin.token_requests("client_credentials")
        );
    }
    Ok(())
}

/// A local API that accepts only access tokens of the stand-in's client with `scopes`.
async fn orders_api(
    standin: &oauth_standin::StandIn,
    scopes: &[String],
) -> Result<String, Box<dyn std::error::Error>> {
    let s = standin.settings();
    let verifier = Arc::new(
        JwtVerifier::builder()
            .pool(
                UserPool::new(&s.region, &s.pool_id)
                    .issuer(standin.issuer())
                    .jwks_url(format!("{}/.well-known/jwks.json", standin.issuer()))
                    .client_id(&s.client_id)
                    .token_use(TokenUse::Access)
                    .require_all_scopes(scopes.iter().cloned()),
            )
            .build()?,
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/orders", listener.local_addr()?);
    let router = axum::Router::new().route(
        "/orders",
        get(move |headers: HeaderMap| {
            let verifier = verifier.clone();
            async move {
                let token = headers
                    .get(header::AUTHORIZATION)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.strip_prefix("Bearer "))
                    .unwrap_or("");
                let (status, body) = match verifier.verify(token).await {
                    Ok(claims) => (
                        StatusCode::OK,
                        format!(r#"{{"orders":[],"caller":"{}"}}"#, claims.sub),
                    ),
                    Err(e) => (StatusCode::UNAUTHORIZED, format!(r#"{{"error":"{e}"}}"#)),
                };
                Response::builder()
                    .status(status)
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(body))
                    .unwrap_or_default()
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok(url)
}
