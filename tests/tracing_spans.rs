//! With the `tracing` feature: one span per call carrying service, operation, attempt, HTTP status and
//! request id; an event per retry; and never a secret in any field.

#![cfg(feature = "tracing")]

mod support;

use std::sync::{Arc, Mutex};

use support::{CannedResponse, RecordingServer};
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
async fn one_span_per_call_with_retries_and_no_secrets() {
    let collect = Collect::default();
    let _guard = tracing::subscriber::set_default(collect.clone());
    let server = RecordingServer::start(
        CannedResponse::json(
            200,
            r#"{"AuthenticationResult":{"AccessToken":"tok-secret-value"}}"#,
        )
        .with_header("x-amzn-RequestId", "rid-77"),
    );
    server.push(CannedResponse::aws_error(
        500,
        "InternalErrorException",
        "try again",
    ));
    let config = cognito::Config::builder()
        .region("us-east-1")
        .endpoint_url(server.endpoint())
        .credentials(cognito::Credentials::new(
            "AKID",
            "aws-secret-value",
            None,
            None,
            "t",
        ))
        .retry(
            cognito::RetryConfig::standard()
                .with_initial_backoff(std::time::Duration::from_millis(1)),
        )
        .build();
    let idp = cognito::idp::Client::new(&config);
    idp.initiate_auth()
        .client_id("c")
        .auth_flow("USER_PASSWORD_AUTH")
        .auth_parameters("USERNAME", "alice-name")
        .auth_parameters("PASSWORD", "pw-secret-value")
        .send()
        .await
        .expect("second attempt succeeds");
    let lines = collect.lines.lock().expect("lock").join("\n");
    for expected in [
        "cognito service=\"cognito-idp\"",
        "cognito operation=\"InitiateAuth\"",
        "record attempt=1",
        "record http.status=500",
        "record attempt=2",
        "record http.status=200",
        "record request_id=\"rid-77\"",
        "event message=retrying",
    ] {
        assert!(
            lines.contains(expected),
            "missing `{expected}` in:\n{lines}"
        );
    }
    for secret in [
        "tok-secret-value",
        "aws-secret-value",
        "pw-secret-value",
        "alice-name",
    ] {
        assert!(
            !lines.contains(secret),
            "`{secret}` leaked into tracing:\n{lines}"
        );
    }
}
