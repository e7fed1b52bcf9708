//! The transport seam: a caller's own `reqwest::Client`, an in-memory transport with no socket, the
//! headers every request carries (`user-agent`, `amz-sdk-invocation-id`, `amz-sdk-request`), the body
//! limit on a transport that does not enforce it, and clock-skew correction.

mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use cognito::transport::{self, HttpError};
use cognito::{Config, Credentials, Error, RetryConfig};
use support::{CannedResponse, RecordingServer};

const USER: &str = r#"{"Username":"alice","UserAttributes":[]}"#;

fn credentials() -> Credentials {
    Credentials::new("AKIDEXAMPLE", "SECRET", None, None, "test")
}

/// An in-memory transport that records every request and answers from a script (the last answer
/// repeats).
#[derive(Clone, Default)]
struct Script {
    seen: Arc<Mutex<Vec<http::Request<Bytes>>>>,
    answers: Arc<Mutex<Vec<http::Response<Bytes>>>>,
}

impl Script {
    fn new(answers: Vec<http::Response<Bytes>>) -> Script {
        let mut answers = answers;
        answers.reverse();
        Script {
            seen: Arc::default(),
            answers: Arc::new(Mutex::new(answers)),
        }
    }

    fn transport(&self) -> impl cognito::HttpTransport {
        let script = self.clone();
        transport::from_fn(move |request: http::Request<Bytes>| {
            let script = script.clone();
            async move {
                script
                    .seen
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(request);
                let mut answers = script.answers.lock().unwrap_or_else(|e| e.into_inner());
                let answer = if answers.len() > 1 {
                    answers.pop()
                } else {
                    answers.last().map(copy)
                };
                answer.ok_or_else(|| HttpError::connect("the script has no answer"))
            }
        })
    }

    fn seen(&self) -> Vec<http::Request<Bytes>> {
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// A copy of `r` (`http::Response` is not `Clone`).
fn copy(r: &http::Response<Bytes>) -> http::Response<Bytes> {
    let mut out = http::Response::new(r.body().clone());
    *out.status_mut() = r.status();
    *out.headers_mut() = r.headers().clone();
    out
}

fn response(status: u16, body: &str) -> http::Response<Bytes> {
    http::Response::builder()
        .status(status)
        .header("x-amzn-requestid", "req-1")
        .body(Bytes::copy_from_slice(body.as_bytes()))
        .expect("response")
}

fn header<'a>(request: &'a http::Request<Bytes>, name: &str) -> &'a str {
    request
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

#[tokio::test]
async fn an_in_memory_transport_carries_calls_with_no_socket() {
    let script = Script::new(vec![response(200, USER)]);
    let config = Config::builder()
        .region("eu-west-1")
        .credentials(credentials())
        .app_name("billing service")
        .transport(script.transport())
        .build();
    let idp = cognito::idp::Client::new(&config);
    let user = idp
        .admin_get_user()
        .user_pool_id("eu-west-1_abc")
        .username("alice")
        .send()
        .await
        .expect("answered in memory");
    assert_eq!(user.username.as_deref(), Some("alice"));

    let seen = script.seen();
    assert_eq!(seen.len(), 1);
    let request = &seen[0];
    assert_eq!(request.method(), http::Method::POST);
    assert_eq!(
        request.uri().to_string(),
        "https://cognito-idp.eu-west-1.amazonaws.com/"
    );
    assert_eq!(
        header(request, "x-amz-target"),
        "AWSCognitoIdentityProviderService.AdminGetUser"
    );
    assert_eq!(
        header(request, "content-type"),
        "application/x-amz-json-1.1"
    );
    assert!(
        header(request, "authorization").starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    );
    assert_eq!(
        header(request, "user-agent"),
        concat!(
            "cognito-rs/",
            env!("CARGO_PKG_VERSION"),
            " app/billing-service"
        )
    );
    assert_eq!(header(request, "amz-sdk-request"), "attempt=1; max=3");
    let id = header(request, "amz-sdk-invocation-id");
    assert_eq!(id.len(), 36, "{id}");
    let body: serde_json::Value = serde_json::from_slice(request.body()).expect("json body");
    assert_eq!(
        body,
        serde_json::json!({"UserPoolId": "eu-west-1_abc", "Username": "alice"})
    );
}

#[tokio::test]
async fn retries_count_their_attempts_under_one_invocation_id() {
    let script = Script::new(vec![
        response(503, "<html>busy</html>"),
        response(500, ""),
        response(200, USER),
    ]);
    let config = Config::builder()
        .region("eu-west-1")
        .credentials(credentials())
        .retry(
            RetryConfig::standard()
                .with_max_attempts(4)
                .with_initial_backoff(Duration::from_millis(1)),
        )
        .transport(script.transport())
        .build();
    cognito::idp::Client::new(&config)
        .admin_get_user()
        .user_pool_id("eu-west-1_abc")
        .username("alice")
        .send()
        .await
        .expect("third attempt succeeds");
    let seen = script.seen();
    let attempts: Vec<&str> = seen.iter().map(|r| header(r, "amz-sdk-request")).collect();
    assert_eq!(
        attempts,
        ["attempt=1; max=4", "attempt=2; max=4", "attempt=3; max=4"]
    );
    let ids: Vec<&str> = seen
        .iter()
        .map(|r| header(r, "amz-sdk-invocation-id"))
        .collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    // Each attempt is signed anew.
    let dates: Vec<&str> = seen.iter().map(|r| header(r, "x-amz-date")).collect();
    assert!(dates.iter().all(|d| d.len() == 16), "{dates:?}");

    // A second call has its own invocation id.
    let script2 = Script::new(vec![response(200, USER)]);
    let config = config.to_builder().transport(script2.transport()).build();
    cognito::idp::Client::new(&config)
        .admin_get_user()
        .user_pool_id("eu-west-1_abc")
        .username("alice")
        .send()
        .await
        .expect("ok");
    assert_ne!(header(&script2.seen()[0], "amz-sdk-invocation-id"), ids[0]);
}

#[tokio::test]
async fn a_transport_that_ignores_the_limit_is_still_bounded() {
    let big = format!(r#"{{"Username":"{}"}}"#, "x".repeat(4096));
    let script = Script::new(vec![response(200, &big)]);
    let config = Config::builder()
        .region("eu-west-1")
        .credentials(credentials())
        .max_response_bytes(1024)
        .transport(script.transport())
        .build();
    let err = cognito::idp::Client::new(&config)
        .admin_get_user()
        .user_pool_id("eu-west-1_abc")
        .username("alice")
        .send()
        .await
        .expect_err("over the limit");
    assert!(matches!(err, Error::Response(_)), "{err:?}");
    assert!(err.to_string().contains("1024 bytes"), "{err}");
}

#[tokio::test]
async fn a_transport_failure_keeps_its_cause() {
    let failing = transport::from_fn(|_request: http::Request<Bytes>| async {
        Err::<http::Response<Bytes>, _>(HttpError::io(std::io::Error::new(
            std::io::ErrorKind::BrokenPipe,
            "pipe broke under the request",
        )))
    });
    let config = Config::builder()
        .region("eu-west-1")
        .retry(RetryConfig::disabled())
        .transport(failing)
        .build();
    let err = cognito::idp::Client::new(&config)
        .get_user()
        .access_token("token")
        .send()
        .await
        .expect_err("fails");
    let Error::Transport(transport) = &err else {
        panic!("{err:?}")
    };
    assert!(transport.may_have_reached_server());
    let source = std::error::Error::source(&err).map(ToString::to_string);
    assert_eq!(source.as_deref(), Some("pipe broke under the request"));
}

#[tokio::test]
async fn a_signature_refused_for_clock_skew_is_signed_again_with_the_servers_time() {
    // The server's clock is two hours ahead of ours.
    let server_time = SystemTime::now() + Duration::from_secs(7200);
    let secs = server_time
        .duration_since(UNIX_EPOCH)
        .expect("after the epoch")
        .as_secs();
    let date = http_date(secs);
    let skewed = http::Response::builder()
        .status(400)
        .header("date", &date)
        .body(Bytes::from_static(
            br#"{"__type":"InvalidSignatureException","message":"Signature expired: 20261202T100000Z is now earlier than 20261202T115500Z (20261202T120000Z - 5 min.)"}"#,
        ))
        .expect("response");
    let script = Script::new(vec![skewed, response(200, USER)]);
    let config = Config::builder()
        .region("eu-west-1")
        .credentials(credentials())
        .retry(RetryConfig::disabled())
        .transport(script.transport())
        .build();
    cognito::idp::Client::new(&config)
        .admin_get_user()
        .user_pool_id("eu-west-1_abc")
        .username("alice")
        .send()
        .await
        .expect("signed again with the corrected time, even with retries off");
    let seen = script.seen();
    assert_eq!(seen.len(), 2);
    let first = amz_date_secs(header(&seen[0], "x-amz-date"));
    let second = amz_date_secs(header(&seen[1], "x-amz-date"));
    assert!((second - first - 7200).abs() <= 5, "{first} → {second}");

    // Without a Date header there is nothing to correct from: the error comes back.
    let refused = http::Response::builder()
        .status(400)
        .body(Bytes::from_static(
            br#"{"__type":"InvalidSignatureException","message":"Signature expired: now earlier"}"#,
        ))
        .expect("response");
    let script = Script::new(vec![refused]);
    let config = config.to_builder().transport(script.transport()).build();
    let err = cognito::idp::Client::new(&config)
        .admin_get_user()
        .user_pool_id("eu-west-1_abc")
        .username("alice")
        .send()
        .await
        .expect_err("refused");
    assert_eq!(err.code(), Some("InvalidSignatureException"));
    assert_eq!(script.seen().len(), 1);
}

/// `x-amz-date` (`20261202T120000Z`) as seconds since the epoch.
fn amz_date_secs(text: &str) -> i64 {
    let n = |range: std::ops::Range<usize>| -> i64 { text[range].parse().expect("digits") };
    let (y, m, d) = (n(0..4), n(4..6), n(6..8));
    let (hh, mm, ss) = (n(9..11), n(11..13), n(13..15));
    days_from_civil(y, m, d) * 86_400 + hh * 3_600 + mm * 60 + ss
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
}

/// An IMF-fixdate for `secs` since the epoch.
fn http_date(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // civil_from_days
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
        weekdays[days.rem_euclid(7) as usize],
        d,
        months[(m - 1) as usize],
        y,
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[tokio::test]
async fn a_callers_reqwest_client_is_used_with_its_default_headers() {
    let server = RecordingServer::start(CannedResponse::json(200, USER));
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        "x-team",
        reqwest::header::HeaderValue::from_static("identity"),
    );
    let client = reqwest::Client::builder()
        .default_headers(headers)
        .no_proxy()
        .build()
        .expect("client");
    let config = Config::builder()
        .region("us-east-1")
        .endpoint_url(server.endpoint())
        .credentials(credentials())
        .http_client(client.clone())
        .build();
    let idp = cognito::idp::Client::new(&config);
    for _ in 0..2 {
        idp.admin_get_user()
            .user_pool_id("us-east-1_x")
            .username("alice")
            .send()
            .await
            .expect("ok");
    }
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(request.header("x-team"), Some("identity"));
    }
    // The caller's pool carried both calls on one connection.
    assert_eq!(server.connection_count(), 1);
}

#[tokio::test]
async fn the_default_client_follows_no_redirect() {
    let target = RecordingServer::start(CannedResponse::json(200, USER));
    let server = RecordingServer::start(
        CannedResponse::empty(307).with_header("Location", &format!("{}/", target.endpoint())),
    );
    let config = Config::builder()
        .region("us-east-1")
        .endpoint_url(server.endpoint())
        .credentials(credentials())
        .retry(RetryConfig::disabled())
        .build();
    let err = cognito::idp::Client::new(&config)
        .admin_get_user()
        .user_pool_id("us-east-1_x")
        .username("alice")
        .send()
        .await
        .expect_err("a redirect is not followed");
    assert_eq!(err.meta().and_then(|m| m.status()), Some(307), "{err:?}");
    assert_eq!(target.request_count(), 0);
}
