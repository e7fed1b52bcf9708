//! Managed login with the `tracing` feature: one span per call to an OAuth endpoint (service
//! `cognito-oauth`, the call, attempt numbers, HTTP status), an event per retry, and never a secret,
//! token, code or verifier in any field.
#![cfg(all(feature = "managed-login", feature = "tracing"))]

#[path = "support/oauth_standin.rs"]
mod oauth_standin;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use cognito::managed_login::{Callback, Domain, Issuer, ManagedLogin};
use cognito::{Config, RetryConfig};
use oauth_standin::{Fault, Settings, StandIn};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// A subscriber that writes every span field and event field as `name=value` lines.
#[derive(Clone, Default)]
struct Collect {
    lines: Arc<Mutex<Vec<String>>>,
    next: Arc<Mutex<u64>>,
}

struct Lines<'a>(&'a mut Vec<String>, &'a str);

impl Visit for Lines<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0
            .push(format!("{} {}={:?}", self.1, field.name(), value));
    }
}

impl Subscriber for Collect {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut lines = self.lines.lock().expect("lock");
        span.record(&mut Lines(&mut lines, span.metadata().name()));
        let mut next = self.next.lock().expect("lock");
        *next += 1;
        Id::from_u64(*next)
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        values.record(&mut Lines(&mut self.lines.lock().expect("lock"), "record"));
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        event.record(&mut Lines(&mut self.lines.lock().expect("lock"), "event"));
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

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

    let lines = collect.lines.lock().expect("lock").join("\n");
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
