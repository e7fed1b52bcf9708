//! With the `tracing` feature: one span per call carrying service, operation, attempt, HTTP status and
//! request id; an event per retry; and never a secret in any field.

#![cfg(feature = "tracing")]

mod support;
#[path = "support/trace_collect.rs"]
mod trace_collect;

use support::{CannedResponse, RecordingServer};
use trace_collect::Collect;

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
    let lines = collect.text();
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
