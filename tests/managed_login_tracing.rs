//! Managed login with the `tracing` feature: one span per call to an OAuth endpoint (service
//! `cognito-oauth`, the call, attempt numbers, HTTP status), an event per retry, and never a secret,
//! token, code or verifier in any field.
#![cfg(all(feature = "managed-login", feature = "tracing"))]

#[path = "support/oauth_standin.rs"]
mod oauth_standin;

#[path = "support/trace_collect.rs"]
mod trace_collect;

use std::time::Duration;

use cognito::managed_login::{Callback, Domain, Issuer, ManagedLogin};
use cognito::{Config, RetryConfig};
use oauth_standin::{Fault, Settings, StandIn};
use trace_collect::Collect;

#[tokio::test(flavor = "current_thread")]
async fn spans_name_the_call_and_never_a_secret() {
    let collect = Collect::default();
    let _guard = tracing::subscriber::set_default(collect.clone());
    let standin = StandIn::start(Settings::default()).await;
    let s = standin.settings();
    let secret = s.client_secret.clone().expect("secret");
    let config = Config::builder()
        .region("us-east-1")
        .retry(RetryConfig::standard().with_initial_backoff(Duration::from_millis(1)))
        .build();
    let login = ManagedLogin::builder(&s.region, &s.pool_id, &s.client_id)
        .issuer(Issuer::custom(&standin.issuer()).expect("issuer"))
        .domain(Domain::custom(standin.base()).expect("domain"))
        .client_secret(&secret)
        .redirect_uri("http://127.0.0.1:3000/callback")
        .config(&config)
        .build()
        .expect("login");

    let request = login
        .authorize()
        .scopes(["openid"])
        .request()
        .expect("request");
    let location = StandIn::sign_in(&request.url).await;
    let query = location.split_once('?').expect("query").1.to_owned();
    let callback = Callback::from_query(&query);
    let code = callback.code.clone().expect("code");
    let signed_in = login
        .complete(&request.pending, &callback)
        .await
        .expect("sign-in");
    standin.push_fault(Fault::Html(503));
    let m2m = login
        .client_credentials(["orders/read"])
        .await
        .expect("token");
    login
        .user_info(signed_in.tokens.access_token())
        .await
        .expect("userInfo");

    let lines = collect.text();
    for expected in [
        "cognito service=\"cognito-oauth\"",
        "operation=\"token (authorization_code)\"",
        "operation=\"token (client_credentials)\"",
        "operation=\"userInfo\"",
        "record http.status=503",
        "record attempt=2",
        "retrying",
    ] {
        assert!(lines.contains(expected), "{expected} missing in:\n{lines}");
    }
    let refresh = signed_in.tokens.refresh_token().expect("refresh");
    for secret_value in [
        secret.as_str(),
        code.as_str(),
        request.pending.verifier().expose(),
        request.pending.state(),
        signed_in.tokens.access_token(),
        refresh,
        m2m.access_token(),
    ] {
        assert!(!lines.contains(secret_value), "a secret in:\n{lines}");
    }
}
