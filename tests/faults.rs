//! Fault injection: the send path against servers that misbehave on purpose — 5xx and throttling (then
//! success, or forever), connection resets, bodies cut short, malformed JSON, HTML and XML error pages,
//! oversized bodies, servers that never answer, refused connections — and the retry and timeout settings
//! that govern them.
//!
//! Every case must end in a success or in the expected typed [`cognito::Error`] kind: never a panic, and
//! never a hang (each call runs under a [`guard`] timeout that fails the test instead of hanging it).
//! Backoffs are kept at 1 ms except where a test needs the clock to move.

mod support;

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use cognito::error::TimeoutKind;
use cognito::idp::operation::{AdminGetUserError, AdminGetUserOutput};
use cognito::{Config, Credentials, Error, RetryConfig, Timeouts};
use support::{Behaviour, CannedResponse, RecordingServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A successful `AdminGetUser` answer.
const USER: &str = r#"{"Username":"alice","UserStatus":"CONFIRMED","Enabled":true,
    "UserCreateDate":1795459509.193,"UserAttributes":[{"Name":"email","Value":"alice@example.com"}]}"#;

/// What a call gets before the hang guard fails the test.
const GUARD: Duration = Duration::from_secs(15);

/// Runs `f`, failing the test if it takes longer than [`GUARD`].
async fn guard<F: Future>(what: &str, f: F) -> F::Output {
    match tokio::time::timeout(GUARD, f).await {
        Ok(out) => out,
        Err(_) => panic!("hang guard: `{what}` did not finish within {GUARD:?}"),
    }
}

/// Standard retries with `attempts` attempts and a 1 ms initial backoff.
fn fast_retry(attempts: u32) -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(attempts)
        .with_initial_backoff(Duration::from_millis(1))
}

fn config(endpoint: &str, retry: RetryConfig) -> Config {
    config_with(endpoint, retry, Timeouts::default())
}

fn config_with(endpoint: &str, retry: RetryConfig, timeouts: Timeouts) -> Config {
    Config::builder()
        .region("us-east-1")
        .endpoint_url(endpoint)
        .credentials(Credentials::new(
            "AKIDFAULTS",
            "SECRETFAULTS",
            None,
            None,
            "faults",
        ))
        .retry(retry)
        .timeouts(timeouts)
        .build()
}

/// One `AdminGetUser` call under the hang guard.
async fn get_user(config: &Config) -> Result<AdminGetUserOutput, Error<AdminGetUserError>> {
    let idp = cognito::idp::Client::new(config);
    guard(
        "AdminGetUser",
        idp.admin_get_user()
            .user_pool_id("us-east-1_faults")
            .username("alice")
            .send(),
    )
    .await
}

fn html(status: u16, title: &str) -> CannedResponse {
    CannedResponse::empty(status)
        .with_header("Content-Type", "text/html")
        .with_body(format!(
            "<!DOCTYPE html>\n<html><head><title>{status} {title}</title></head>\
             <body><center><h1>{status} {title}</h1></center><hr><center>nginx</center></body></html>"
        ))
}

fn expect_ok(result: Result<AdminGetUserOutput, Error<AdminGetUserError>>) {
    match result {
        Ok(out) => assert_eq!(out.username.as_deref(), Some("alice")),
        Err(e) => panic!("expected success, got {e:?} ({e})"),
    }
}

// ----------------------------------------------------------------------------------------------------
// Retried answers
// ----------------------------------------------------------------------------------------------------

#[tokio::test]
async fn server_error_then_success_is_retried() {
    for first in [
        html(500, "Internal Server Error"),
        html(503, "Service Unavailable"),
        CannedResponse::aws_error(500, "InternalErrorException", "boom"),
        CannedResponse::empty(504),
    ] {
        let server = RecordingServer::start(CannedResponse::json(200, USER));
        server.push(first.clone());
        expect_ok(get_user(&config(&server.endpoint(), fast_retry(3))).await);
        assert_eq!(server.request_count(), 2, "after {}", first.status);
    }
}

#[tokio::test]
async fn throttling_then_success_is_retried() {
    for first in [
        CannedResponse::aws_error(400, "TooManyRequestsException", "Rate exceeded"),
        CannedResponse::aws_error(
            400,
            "com.amazonaws.cognito.identity.idp#TooManyRequestsException",
            "Rate exceeded",
        ),
        CannedResponse::empty(429),
    ] {
        let server = RecordingServer::start(CannedResponse::json(200, USER));
        server.push(first);
        expect_ok(get_user(&config(&server.endpoint(), fast_retry(3))).await);
        assert_eq!(server.request_count(), 2);
    }
}

#[tokio::test]
async fn throttling_forever_gives_up_after_max_attempts() {
    for attempts in [2u32, 5] {
        let server = RecordingServer::start(
            CannedResponse::aws_error(400, "TooManyRequestsException", "Rate exceeded")
                .with_header("x-amzn-RequestId", "req-throttled"),
        );
        let err = get_user(&config(&server.endpoint(), fast_retry(attempts)))
            .await
            .expect_err("throttled forever");
        assert_eq!(server.request_count(), attempts as usize);
        let text = err.to_string();
        assert_eq!(
            text,
            format!("TooManyRequestsException: Rate exceeded (after {attempts} attempts)")
        );
        assert_eq!(err.code(), Some("TooManyRequestsException"));
        assert_eq!(err.request_id(), Some("req-throttled"));
        assert_eq!(err.meta().map(|m| m.attempts()), Some(attempts));
        match err {
            Error::Service(AdminGetUserError::TooManyRequestsException(e)) => {
                assert_eq!(e.message.as_deref(), Some("Rate exceeded"));
                assert_eq!(e.meta().status(), Some(400));
            }
            other => panic!("expected TooManyRequestsException, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn other_client_errors_are_not_retried() {
    for (status, code) in [
        (400, "UserNotFoundException"),
        (400, "NotAuthorizedException"),
        (400, "InvalidParameterException"),
        (400, "SomethingNewException"),
        (404, "ResourceNotFoundException"),
    ] {
        let server = RecordingServer::start(CannedResponse::aws_error(status, code, "no"));
        let err = get_user(&config(&server.endpoint(), fast_retry(5)))
            .await
            .expect_err("client error");
        assert_eq!(server.request_count(), 1, "{code} must not be retried");
        assert_eq!(err.code(), Some(code));
        assert_eq!(err.to_string(), format!("{code}: no"));
        let typed = match err.service_error() {
            Some(AdminGetUserError::UserNotFoundException(_)) => "UserNotFoundException",
            Some(AdminGetUserError::NotAuthorizedException(_)) => "NotAuthorizedException",
            Some(AdminGetUserError::InvalidParameterException(_)) => "InvalidParameterException",
            Some(AdminGetUserError::ResourceNotFoundException(_)) => "ResourceNotFoundException",
            Some(AdminGetUserError::Unhandled(_)) => "SomethingNewException",
            other => panic!("unexpected {other:?}"),
        };
        assert_eq!(typed, code);
    }
}

#[tokio::test]
async fn retries_disabled_means_one_request() {
    let server = RecordingServer::start(html(500, "Internal Server Error"));
    let err = get_user(&config(&server.endpoint(), RetryConfig::disabled()))
        .await
        .expect_err("500");
    assert_eq!(server.request_count(), 1);
    assert!(
        matches!(&err, Error::Service(AdminGetUserError::Unhandled(u)) if u.meta().status() == Some(500)),
        "{err:?}"
    );
    assert!(!err.to_string().contains("after"), "{err}");

    let server = RecordingServer::start(CannedResponse::reset());
    let err = get_user(&config(&server.endpoint(), RetryConfig::disabled()))
        .await
        .expect_err("reset");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_retried_request_is_signed_again_with_a_fresh_date() {
    let server = RecordingServer::start(CannedResponse::json(200, USER));
    // The first answer takes 1.1 s, so the retry is signed in a later second than the first attempt.
    server.push(
        html(503, "Service Unavailable")
            .with_behaviour(Behaviour::Delay(Duration::from_millis(1100))),
    );
    expect_ok(get_user(&config(&server.endpoint(), fast_retry(3))).await);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let auth: Vec<&str> = requests
        .iter()
        .map(|r| r.header("authorization").expect("every attempt is signed"))
        .collect();
    let dates: Vec<&str> = requests
        .iter()
        .map(|r| r.header("x-amz-date").expect("every attempt is dated"))
        .collect();
    assert_ne!(
        dates[0], dates[1],
        "the retry must carry a fresh X-Amz-Date"
    );
    assert_ne!(auth[0], auth[1], "the retry must carry a fresh signature");
    for a in auth {
        assert!(
            a.starts_with("AWS4-HMAC-SHA256 Credential=AKIDFAULTS/"),
            "{a}"
        );
    }
    assert_eq!(requests[0].body, requests[1].body);
}

// ----------------------------------------------------------------------------------------------------
// Broken connections
// ----------------------------------------------------------------------------------------------------

#[tokio::test]
async fn connection_reset_is_a_transport_error_and_is_retried() {
    let server = RecordingServer::start(CannedResponse::json(200, USER));
    server.push(CannedResponse::reset());
    expect_ok(get_user(&config(&server.endpoint(), fast_retry(3))).await);
    assert_eq!(server.request_count(), 2);

    let server = RecordingServer::start(CannedResponse::reset());
    let err = get_user(&config(&server.endpoint(), fast_retry(3)))
        .await
        .expect_err("reset forever");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(server.request_count(), 3);
    let text = err.to_string();
    assert!(
        text.starts_with(
            "AdminGetUser failed: the connection failed while the request was in flight"
        ),
        "{text}"
    );
    assert!(text.contains("(gave up after 3 attempts)"), "{text}");
    let Error::Transport(transport) = &err else {
        unreachable!()
    };
    assert!(transport.may_have_reached_server());
    assert_eq!(transport.attempts(), 3);
    // The cause is kept: reqwest's error, and what hyper said under it.
    assert!(std::error::Error::source(&err).is_some(), "{err:?}");
}

#[tokio::test]
async fn connection_closed_mid_body_is_a_transport_error() {
    // Headers promising 2 KB of body, then the connection closes with none of it.
    let server = RecordingServer::start(
        CannedResponse::json(200, &format!("{{\"Username\":\"{}\"}}", "a".repeat(2000)))
            .with_behaviour(Behaviour::CloseAfterHeaders),
    );
    let err = get_user(&config(&server.endpoint(), RetryConfig::disabled()))
        .await
        .expect_err("truncated body");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(server.request_count(), 1);

    // Part of the body, then the close: Content-Length larger than what is sent.
    let server = RecordingServer::start(
        CannedResponse::json(200, &USER[..40])
            .with_header("Content-Length", &USER.len().to_string())
            .with_header("Connection", "close"),
    );
    let err = get_user(&config(&server.endpoint(), RetryConfig::disabled()))
        .await
        .expect_err("truncated body");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");

    // Retried like any transport error.
    let server = RecordingServer::start(CannedResponse::json(200, USER));
    server.push(CannedResponse::json(200, USER).with_behaviour(Behaviour::CloseAfterHeaders));
    expect_ok(get_user(&config(&server.endpoint(), fast_retry(3))).await);
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn refused_connection_is_a_transport_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    }; // dropped: nothing listens there any more
    let endpoint = format!("http://127.0.0.1:{port}");
    let err = get_user(&config(&endpoint, RetryConfig::disabled()))
        .await
        .expect_err("refused");
    let Error::Transport(transport) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(transport.kind(), cognito::transport::HttpErrorKind::Connect);
    assert!(!transport.may_have_reached_server(), "{err:?}");
    // The cause chain reaches the OS error.
    let mut chain = Vec::new();
    let mut source = std::error::Error::source(&err);
    while let Some(s) = source {
        chain.push(s.to_string());
        source = s.source();
    }
    assert!(chain.iter().any(|m| m.contains("refused")), "{chain:?}");
    let err = get_user(&config(&endpoint, fast_retry(3)))
        .await
        .expect_err("refused");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(
        err.to_string().contains("(gave up after 3 attempts)"),
        "{err}"
    );
}

// ----------------------------------------------------------------------------------------------------
// Bodies the SDK cannot read
// ----------------------------------------------------------------------------------------------------

#[tokio::test]
async fn truncated_or_invalid_json_on_200_is_a_response_error() {
    for body in [
        &USER[..USER.len() / 2],
        "{",
        "{\"Username\":",
        "not json at all",
        "<html>oops</html>",
        "[1,2,3]",
        "\"Username\"",
        "{\"Username\":\"alice\"}}",
        "{\"Enabled\":\"yes\"}",
        "{\"UserCreateDate\":\"tomorrow\"}",
        "{\"UserAttributes\":{\"Name\":\"email\"}}",
        "{\"Username\":\"\\ud800\"}",
    ] {
        let server = RecordingServer::start(
            CannedResponse::json(200, body).with_header("x-amzn-RequestId", "req-bad"),
        );
        let err = get_user(&config(&server.endpoint(), fast_retry(3)))
            .await
            .expect_err(body);
        match &err {
            Error::Response(e) => {
                assert_eq!(e.meta().status(), Some(200), "{body}");
                assert_eq!(e.meta().request_id(), Some("req-bad"), "{body}");
            }
            other => panic!("{body:?}: expected Error::Response, got {other:?}"),
        }
        assert!(
            err.to_string()
                .starts_with("AdminGetUser: unreadable response (HTTP 200)"),
            "{err}"
        );
        assert_eq!(server.request_count(), 1, "{body:?} must not be retried");
    }
    // Invalid UTF-8 in a string.
    let server = RecordingServer::start(
        CannedResponse::empty(200).with_body(b"{\"Username\":\"\xff\xfe\"}".to_vec()),
    );
    let err = get_user(&config(&server.endpoint(), fast_retry(3)))
        .await
        .expect_err("invalid UTF-8");
    assert!(matches!(err, Error::Response(_)), "{err:?}");
}

#[tokio::test]
async fn html_error_pages_are_unhandled_service_errors() {
    for (status, title) in [(502, "Bad Gateway"), (503, "Service Unavailable")] {
        let server = RecordingServer::start(html(status, title));
        let err = get_user(&config(&server.endpoint(), fast_retry(2)))
            .await
            .expect_err("html error page");
        assert_eq!(server.request_count(), 2, "5xx is retried");
        match &err {
            Error::Service(AdminGetUserError::Unhandled(u)) => {
                let meta = u.meta();
                assert_eq!(meta.status(), Some(status));
                assert_eq!(meta.code(), None);
                assert!(
                    meta.message().is_some_and(|m| m.contains(title)),
                    "{meta:?}"
                );
                assert_eq!(meta.attempts(), 2);
            }
            other => panic!("expected Unhandled, got {other:?}"),
        }
        let text = err.to_string();
        assert!(text.starts_with(&format!("HTTP {status}: ")), "{text}");
        assert!(text.ends_with("(after 2 attempts)"), "{text}");
    }
}

#[tokio::test]
async fn xml_403_is_an_unhandled_service_error_with_its_code() {
    let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ErrorResponse><Error><Type>Sender</Type>\
                <Code>InvalidClientTokenId</Code><Message>The security token included in the request is \
                invalid.</Message></Error><RequestId>abc-123</RequestId></ErrorResponse>";
    let server = RecordingServer::start(
        CannedResponse::empty(403)
            .with_header("Content-Type", "text/xml")
            .with_body(body),
    );
    let err = get_user(&config(&server.endpoint(), fast_retry(3)))
        .await
        .expect_err("403");
    assert_eq!(server.request_count(), 1, "403 is not retried");
    match &err {
        Error::Service(AdminGetUserError::Unhandled(u)) => {
            assert_eq!(u.meta().status(), Some(403));
            assert_eq!(u.meta().code(), Some("InvalidClientTokenId"));
        }
        other => panic!("expected Unhandled, got {other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "InvalidClientTokenId: The security token included in the request is invalid."
    );
}

// ----------------------------------------------------------------------------------------------------
// Oversized bodies
// ----------------------------------------------------------------------------------------------------

const MIB: usize = 1024 * 1024;

fn assert_too_large(err: &Error<AdminGetUserError>) {
    match err {
        Error::Response(e) => assert!(
            e.to_string()
                .contains("larger than the limit of 1048576 bytes"),
            "{e}"
        ),
        other => panic!("expected Error::Response, got {other:?}"),
    }
}

#[tokio::test]
async fn a_real_20_mb_body_is_refused_past_the_limit() {
    let mut body = b"{\"Username\":\"".to_vec();
    body.resize(20 * MIB, b'a');
    body.extend_from_slice(b"\"}");
    let server = RecordingServer::start(CannedResponse::json(200, "").with_body(body));
    let config = Config::builder()
        .region("us-east-1")
        .endpoint_url(server.endpoint())
        .credentials(Credentials::new("AKID", "SECRET", None, None, "faults"))
        .retry(fast_retry(3))
        .max_response_bytes(MIB)
        .build();
    let err = get_user(&config).await.expect_err("too large");
    assert_too_large(&err);
    assert_eq!(
        server.request_count(),
        1,
        "an oversized body is not retried"
    );
}

/// A server that answers every request with `Content-Length: claimed` and then streams up to `sent`
/// bytes of JSON-ish filler in 64 KiB writes, counting what the client accepted.
async fn streaming_server(claimed: u64, sent: u64) -> (String, Arc<AtomicU64>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let endpoint = format!("http://{}", listener.local_addr().expect("addr"));
    let written = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&written);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let counter = Arc::clone(&counter);
            tokio::spawn(async move {
                // Read the request head (the body is small and irrelevant here).
                let mut buf = vec![0u8; 64 * 1024];
                let mut have = 0;
                while !buf[..have].windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf[have..]).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => have += n,
                    }
                    if have == buf.len() {
                        return;
                    }
                }
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\n\
                     Content-Length: {claimed}\r\n\r\n{{\"Username\":\""
                );
                if stream.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = vec![b'a'; 64 * 1024];
                let mut left = sent;
                while left > 0 {
                    let n = left.min(chunk.len() as u64) as usize;
                    if stream.write_all(&chunk[..n]).await.is_err() {
                        return;
                    }
                    counter.fetch_add(n as u64, Ordering::Relaxed);
                    left -= n as u64;
                }
                // Then keep the connection open without sending the rest.
                let _ = stream.read(&mut buf).await;
            });
        }
    });
    (endpoint, written)
}

fn limited_config(endpoint: &str, timeouts: Timeouts) -> Config {
    Config::builder()
        .region("us-east-1")
        .endpoint_url(endpoint)
        .credentials(Credentials::new("AKID", "SECRET", None, None, "faults"))
        .retry(fast_retry(3))
        .timeouts(timeouts)
        .max_response_bytes(MIB)
        .build()
}

#[tokio::test]
async fn a_claimed_100_mb_body_is_refused_without_reading_it() {
    // The server would send all 100 MB; the client must stop reading a little past 1 MiB.
    let (endpoint, written) = streaming_server(100 * MIB as u64, 100 * MIB as u64).await;
    let err = get_user(&limited_config(&endpoint, Timeouts::default()))
        .await
        .expect_err("too large");
    assert_too_large(&err);
    // The client stopped reading: the server got no further than the limit plus socket buffers. (A
    // client that read the whole body before refusing it would have accepted all 100 MB by now.)
    let accepted = written.load(Ordering::Relaxed);
    assert!(
        accepted < 32 * MIB as u64,
        "the server managed to push {accepted} bytes into the client"
    );
}

/// A `Content-Length` beyond the limit is known as soon as the head arrives; the call does not wait for
/// a body it will refuse anyway. The server sends 16 bytes and then holds the connection: a client that
/// waited for the rest would end with the attempt timeout (10 s, under the 15 s hang guard), not with the
/// size error.
#[tokio::test]
async fn a_claimed_100_mb_body_is_refused_from_its_content_length() {
    let (endpoint, _) = streaming_server(100 * MIB as u64, 16).await;
    let err = get_user(&limited_config(
        &endpoint,
        Timeouts::default().with_attempt(Duration::from_secs(10)),
    ))
    .await
    .expect_err("too large");
    assert_too_large(&err);
}

// ----------------------------------------------------------------------------------------------------
// Timeouts
//
// Over a real socket, only the kind of the error and the number of attempts the server saw are checked:
// how long a timeout takes on a loaded machine is not. The timing rules themselves (which timeout wins,
// how many attempts fit in an operation's limit, how long the call lasts) are checked over an in-memory
// transport on tokio's paused clock, where time only moves when every task waits on a timer, so the
// figures are exact.
// ----------------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let server = RecordingServer::start(CannedResponse::hang());
    let timeouts = Timeouts::default().with_attempt(Duration::from_secs(1));
    let err = get_user(&config_with(&server.endpoint(), fast_retry(2), timeouts))
        .await
        .expect_err("hang");
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert!(err.is_timeout());
    let Error::Timeout(timeout) = &err else {
        unreachable!()
    };
    assert_eq!(timeout.kind(), TimeoutKind::Attempt);
    assert_eq!(timeout.attempts(), 2, "a timed-out attempt is retried");
    assert_eq!(
        err.to_string(),
        "AdminGetUser timed out: the attempt took longer than 1s (after 2 attempts)"
    );

    // Without retries: one attempt.
    let server = RecordingServer::start(CannedResponse::hang());
    let err = get_user(&config_with(
        &server.endpoint(),
        RetryConfig::disabled(),
        timeouts,
    ))
    .await
    .expect_err("hang");
    let Error::Timeout(timeout) = &err else {
        panic!("expected a timeout, got {err:?}");
    };
    assert_eq!(timeout.kind(), TimeoutKind::Attempt);
    assert_eq!(timeout.attempts(), 1);
    assert_eq!(server.request_count(), 1);
}

/// What the in-memory service does with each attempt (numbered from 1 within a call).
#[derive(Clone, Copy)]
enum Answer {
    /// Never answers.
    Hang,
    /// Answers with `status` and `body` after `delay` (on tokio's clock).
    After(Duration, u16, &'static str),
}

/// An in-memory service: `script(attempt)` says how to answer each attempt of a call (the attempt number
/// is read from `amz-sdk-request`). Returns the configuration and the count of requests received.
fn in_memory(
    retry: RetryConfig,
    timeouts: Timeouts,
    script: impl Fn(u32) -> Answer + Send + Sync + 'static,
) -> (Config, Arc<AtomicU64>) {
    let count = Arc::new(AtomicU64::new(0));
    let seen = Arc::clone(&count);
    let fake = cognito::transport::from_fn(move |request: http::Request<bytes::Bytes>| {
        seen.fetch_add(1, Ordering::SeqCst);
        let attempt = request
            .headers()
            .get("amz-sdk-request")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("attempt="))
            .and_then(|v| v.split(';').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let answer = script(attempt);
        async move {
            match answer {
                Answer::Hang => std::future::pending().await,
                Answer::After(delay, status, body) => {
                    tokio::time::sleep(delay).await;
                    http::Response::builder()
                        .status(status)
                        .body(bytes::Bytes::from_static(body.as_bytes()))
                        .map_err(|e| cognito::transport::HttpError::io(e.to_string()))
                }
            }
        }
    });
    let config = Config::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKID", "SECRET", None, None, "faults"))
        .retry(retry)
        .timeouts(timeouts)
        .transport(fake)
        .build();
    (config, count)
}

const UNAVAILABLE: &str = r#"{"__type":"ServiceUnavailable","message":"busy"}"#;

#[tokio::test(start_paused = true)]
async fn an_answer_just_within_the_attempt_timeout_succeeds_and_one_just_past_it_times_out() {
    let timeouts = Timeouts::default().with_attempt(Duration::from_secs(2));
    let (config, count) = in_memory(RetryConfig::disabled(), timeouts, |_| {
        Answer::After(Duration::from_millis(1999), 200, USER)
    });
    expect_ok(get_user(&config).await);
    assert_eq!(count.load(Ordering::SeqCst), 1);

    let (config, count) = in_memory(fast_retry(2), timeouts, |attempt| match attempt {
        1 => Answer::After(Duration::from_millis(2001), 200, USER),
        _ => Answer::After(Duration::from_millis(10), 200, USER),
    });
    let started = tokio::time::Instant::now();
    expect_ok(get_user(&config).await);
    assert_eq!(
        count.load(Ordering::SeqCst),
        2,
        "the slow attempt timed out"
    );
    // 2 s for the timed-out attempt, at most 1 ms of backoff, 10 ms for the second attempt.
    let elapsed = started.elapsed();
    assert!(
        (Duration::from_millis(2010)..=Duration::from_millis(2012)).contains(&elapsed),
        "{elapsed:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn the_operation_timeout_bounds_retries_of_timed_out_attempts() {
    let timeouts = Timeouts::default()
        .with_attempt(Duration::from_millis(200))
        .with_operation(Duration::from_millis(700));
    let (config, count) = in_memory(fast_retry(100), timeouts, |_| Answer::Hang);
    let started = tokio::time::Instant::now();
    let err = get_user(&config).await.expect_err("hang");
    let elapsed = started.elapsed();
    // Attempts end at 200, ≤401 and ≤603 ms (backoffs of at most 1, 2 and 4 ms); the fourth starts before
    // 700 ms and is cut short by the operation's limit.
    assert_eq!(count.load(Ordering::SeqCst), 4);
    assert!(
        (Duration::from_millis(700)..=Duration::from_millis(701)).contains(&elapsed),
        "{elapsed:?}"
    );
    let Error::Timeout(timeout) = &err else {
        panic!("expected a timeout, got {err:?}");
    };
    assert_eq!(timeout.kind(), TimeoutKind::Operation);
    assert_eq!(timeout.limit(), Duration::from_millis(700));
    assert_eq!(timeout.operation(), "AdminGetUser");
    assert_eq!(timeout.attempts(), 4);
    assert_eq!(
        err.to_string(),
        "AdminGetUser timed out: the operation took longer than 700ms (after 4 attempts)"
    );
}

#[tokio::test(start_paused = true)]
async fn the_operation_timeout_bounds_retries_of_slow_errors() {
    let timeouts = Timeouts::default().with_operation(Duration::from_millis(450));
    let (config, count) = in_memory(fast_retry(100), timeouts, |_| {
        Answer::After(Duration::from_millis(100), 503, UNAVAILABLE)
    });
    let started = tokio::time::Instant::now();
    let err = get_user(&config).await.expect_err("503 forever");
    let elapsed = started.elapsed();
    // Four 503s by ≤415 ms (100 ms each, backoffs of at most 1, 2, 4 and 8 ms); the fifth is cut short.
    assert_eq!(count.load(Ordering::SeqCst), 5);
    assert!(
        (Duration::from_millis(450)..=Duration::from_millis(451)).contains(&elapsed),
        "{elapsed:?}"
    );
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "AdminGetUser timed out: the operation took longer than 450ms (after 5 attempts)"
    );
}

#[tokio::test(start_paused = true)]
async fn the_operation_timeout_bounds_a_single_hung_attempt() {
    // The attempt timeout (30 s by default) is far longer than the operation's.
    let timeouts = Timeouts::default().with_operation(Duration::from_millis(500));
    let (config, count) = in_memory(fast_retry(3), timeouts, |_| Answer::Hang);
    let started = tokio::time::Instant::now();
    let err = get_user(&config).await.expect_err("hang");
    let elapsed = started.elapsed();
    assert!(
        (Duration::from_millis(500)..=Duration::from_millis(501)).contains(&elapsed),
        "{elapsed:?}"
    );
    assert_eq!(count.load(Ordering::SeqCst), 1);
    let Error::Timeout(timeout) = &err else {
        panic!("expected a timeout, got {err:?}");
    };
    assert_eq!(timeout.kind(), TimeoutKind::Operation);
    assert_eq!(timeout.attempts(), 1);
    assert!(!err.to_string().contains("attempts"), "{err}");
}

#[tokio::test]
async fn an_operation_timeout_that_is_not_reached_changes_nothing() {
    let server = RecordingServer::start(CannedResponse::json(200, USER));
    server.push(html(503, "Service Unavailable"));
    let timeouts = Timeouts::default().with_operation(Duration::from_secs(10));
    expect_ok(get_user(&config_with(&server.endpoint(), fast_retry(3), timeouts)).await);
    assert_eq!(server.request_count(), 2);
}

// ----------------------------------------------------------------------------------------------------
// The retry policy through the send path (in memory, paused clock)
// ----------------------------------------------------------------------------------------------------

#[tokio::test(start_paused = true)]
async fn transient_codes_are_retried_at_http_400() {
    // `RequestTimeoutException` and its kin say "transient" whatever the status that carries them.
    for body in [
        r#"{"__type":"RequestTimeoutException","message":"slow"}"#,
        r#"{"__type":"RequestTimeout","message":"slow"}"#,
        r#"{"__type":"InternalErrorException","message":"oops"}"#,
        r#"{"__type":"InternalError","message":"oops"}"#,
    ] {
        let (config, count) = in_memory(fast_retry(3), Timeouts::default(), move |a| match a {
            1 => Answer::After(Duration::ZERO, 400, body),
            _ => Answer::After(Duration::ZERO, 200, USER),
        });
        expect_ok(get_user(&config).await);
        assert_eq!(count.load(Ordering::SeqCst), 2, "{body} must be retried");
    }
    // While a client error at 400 is not.
    let (config, count) = in_memory(fast_retry(3), Timeouts::default(), |_| {
        Answer::After(
            Duration::ZERO,
            400,
            r#"{"__type":"NotAuthorizedException","message":"no"}"#,
        )
    });
    get_user(&config).await.expect_err("not retried");
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[tokio::test(start_paused = true)]
async fn the_backoff_doubles_with_each_retry() {
    // 5 attempts, a 100 ms base, no quota: retry n waits a random time in [0, 100 ms × 2^(n−1)]. The
    // waits are read from tokio's paused clock (every attempt answers at once), over many calls.
    let retry = RetryConfig::standard()
        .with_max_attempts(5)
        .with_initial_backoff(Duration::from_millis(100))
        .without_quota();
    let stamps = Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = Arc::clone(&stamps);
    let fake = cognito::transport::from_fn(move |_request: http::Request<bytes::Bytes>| {
        log.lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(tokio::time::Instant::now());
        async {
            http::Response::builder()
                .status(503)
                .body(bytes::Bytes::from_static(UNAVAILABLE.as_bytes()))
                .map_err(|e| cognito::transport::HttpError::io(e.to_string()))
        }
    });
    let config = Config::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKID", "SECRET", None, None, "faults"))
        .retry(retry)
        .transport(fake)
        .build();
    let mut longest = [Duration::ZERO; 4];
    for _ in 0..200 {
        stamps.lock().unwrap_or_else(|e| e.into_inner()).clear();
        get_user(&config).await.expect_err("503 forever");
        let stamps = stamps.lock().unwrap_or_else(|e| e.into_inner()).clone();
        assert_eq!(stamps.len(), 5);
        for (i, pair) in stamps.windows(2).enumerate() {
            longest[i] = longest[i].max(pair[1] - pair[0]);
        }
    }
    for (i, longest) in longest.into_iter().enumerate() {
        let ceiling = Duration::from_millis(100 << i);
        // Tokio's timer rounds a sleep up to the next millisecond.
        assert!(
            longest <= ceiling + Duration::from_millis(1),
            "retry {}: {longest:?}",
            i + 1
        );
        // With 200 samples of a uniform wait, the longest lands in the top quarter.
        assert!(
            longest > ceiling * 3 / 4,
            "retry {}: {longest:?} never reaches {ceiling:?}",
            i + 1
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_a_timeout_costs_10_of_the_quota() {
    // Every call's first attempt hangs until the attempt timeout, its retry fails for good: each call
    // takes 10 of the 500 tokens, so the 51st call cannot pay for a retry.
    let timeouts = Timeouts::default().with_attempt(Duration::from_secs(1));
    let (config, count) = in_memory(fast_retry(3), timeouts, |attempt| match attempt {
        1 => Answer::Hang,
        _ => Answer::After(
            Duration::ZERO,
            400,
            r#"{"__type":"NotAuthorizedException","message":"no"}"#,
        ),
    });
    for call in 1..=50u64 {
        let err = get_user(&config).await.expect_err("NotAuthorized");
        assert_eq!(err.code(), Some("NotAuthorizedException"), "call {call}");
        assert_eq!(count.load(Ordering::SeqCst), 2 * call);
    }
    let err = get_user(&config).await.expect_err("the quota is dry");
    let Error::Timeout(timeout) = &err else {
        panic!("expected the timeout, returned without a retry: {err:?}");
    };
    assert_eq!(timeout.attempts(), 1);
    assert_eq!(count.load(Ordering::SeqCst), 101);

    // A retry after a 5xx costs 5: 100 calls empty the quota.
    let (config, count) = in_memory(
        fast_retry(3),
        Timeouts::default(),
        |attempt| match attempt {
            1 => Answer::After(Duration::ZERO, 503, UNAVAILABLE),
            _ => Answer::After(
                Duration::ZERO,
                400,
                r#"{"__type":"NotAuthorizedException","message":"no"}"#,
            ),
        },
    );
    for _ in 0..100 {
        get_user(&config).await.expect_err("NotAuthorized");
    }
    assert_eq!(count.load(Ordering::SeqCst), 200);
    let err = get_user(&config).await.expect_err("the quota is dry");
    assert_eq!(err.meta().map(|m| m.status()), Some(Some(503)), "{err:?}");
    assert_eq!(count.load(Ordering::SeqCst), 201);
}

// ----------------------------------------------------------------------------------------------------
// Connection reuse
// ----------------------------------------------------------------------------------------------------

/// `n` `AdminGetUser` calls in a row on one client, with retries off: each must succeed on its own.
async fn calls_in_a_row(server: &RecordingServer, n: usize) {
    let idp = cognito::idp::Client::new(&config(&server.endpoint(), RetryConfig::disabled()));
    for i in 0..n {
        let call = idp
            .admin_get_user()
            .user_pool_id("us-east-1_faults")
            .username("alice")
            .send();
        expect_ok(guard("AdminGetUser", call).await);
        assert_eq!(server.request_count(), i + 1);
    }
}

#[tokio::test]
async fn a_keep_alive_connection_is_reused() {
    let server = RecordingServer::start(CannedResponse::json(200, USER));
    calls_in_a_row(&server, 5).await;
    assert_eq!(server.connection_count(), 1);
}

#[tokio::test]
async fn a_connection_the_server_closes_is_not_reused() {
    let server =
        RecordingServer::start(CannedResponse::json(200, USER).with_header("Connection", "close"));
    calls_in_a_row(&server, 3).await;
    assert_eq!(server.connection_count(), 3);
}

#[tokio::test]
async fn an_idle_connection_closed_without_notice_costs_no_retry() {
    // The server answers as if the connection stayed open, then drops it, as servers do with idle
    // keep-alive connections: the next call must go out on a new connection, with retries off.
    let server = RecordingServer::start(
        CannedResponse::json(200, USER).with_behaviour(Behaviour::CloseAfterResponse),
    );
    calls_in_a_row(&server, 3).await;
    assert_eq!(server.connection_count(), 3);
    // And immediately, before the client can have seen the close.
    let server = RecordingServer::start(
        CannedResponse::json(200, USER).with_behaviour(Behaviour::CloseAfterResponse),
    );
    let idp = cognito::idp::Client::new(&config(&server.endpoint(), RetryConfig::disabled()));
    let first = idp.admin_get_user().user_pool_id("p").username("a").send();
    expect_ok(guard("first", first).await);
    tokio::task::yield_now().await;
    let second = idp.admin_get_user().user_pool_id("p").username("a").send();
    expect_ok(guard("second", second).await);
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn a_call_after_an_over_limit_body_succeeds() {
    // An over-limit body ends the call before it is read; the next call on the client must not see
    // what was left of it (hyper drains or drops that connection).
    let server = RecordingServer::start(CannedResponse::json(200, USER));
    server.push(CannedResponse::json(
        200,
        &format!(r#"{{"Username":"{}"}}"#, "x".repeat(4096)),
    ));
    let config = Config::builder()
        .region("us-east-1")
        .endpoint_url(server.endpoint())
        .credentials(Credentials::new("AKID", "SECRET", None, None, "t"))
        .retry(RetryConfig::disabled())
        .max_response_bytes(1024)
        .build();
    let idp = cognito::idp::Client::new(&config);
    let big = idp.admin_get_user().user_pool_id("p").username("a").send();
    let err = guard("big", big).await.expect_err("over the limit");
    assert!(matches!(err, Error::Response(_)), "{err:?}");
    let next = idp.admin_get_user().user_pool_id("p").username("a").send();
    expect_ok(guard("next", next).await);
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn clients_made_from_one_config_share_one_pool() {
    let server = RecordingServer::start(CannedResponse::json(200, USER));
    let config = config(&server.endpoint(), RetryConfig::disabled());
    for _ in 0..3 {
        // A new client each time, from the same configuration.
        expect_ok(get_user(&config).await);
    }
    assert_eq!(server.request_count(), 3);
    assert_eq!(server.connection_count(), 1);
}
