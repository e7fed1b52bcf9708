//! Times that come from outside (a token's `ExpiresIn`, an identity pool's `Expiration`, a caller's
//! margin) meet `SystemTime` without panicking: out-of-range sums saturate at the ends of the
//! platform's `SystemTime` range, as `Tokens` and `DateTime` document.

#![cfg(all(feature = "idp", feature = "identity"))]

mod support;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cognito::auth::Tokens;
use cognito::idp::types::AuthenticationResultType;
use cognito::DateTime;
use serde_json::json;
use support::{CannedResponse, RecordingServer};

fn result(expires_in: Option<i32>) -> AuthenticationResultType {
    AuthenticationResultType {
        access_token: Some("header.payload.signature".into()),
        expires_in,
        ..Default::default()
    }
}

/// The latest `SystemTime` of this platform, found by halving steps.
fn latest_system_time() -> SystemTime {
    let mut t = UNIX_EPOCH;
    let mut step = Duration::MAX;
    while !step.is_zero() {
        match t.checked_add(step) {
            Some(later) => t = later,
            None => step /= 2,
        }
    }
    t
}

/// The earliest `SystemTime` of this platform.
fn earliest_system_time() -> SystemTime {
    let mut t = UNIX_EPOCH;
    let mut step = Duration::MAX;
    while !step.is_zero() {
        match t.checked_sub(step) {
            Some(earlier) => t = earlier,
            None => step /= 2,
        }
    }
    t
}

/// `secs` after the epoch, if this platform's `SystemTime` has it.
fn exact(secs: i64) -> Option<SystemTime> {
    if secs >= 0 {
        UNIX_EPOCH.checked_add(Duration::from_secs(secs.unsigned_abs()))
    } else {
        UNIX_EPOCH.checked_sub(Duration::from_secs(secs.unsigned_abs()))
    }
}

#[test]
fn expires_within_a_huge_margin_saturates() {
    let tokens = Tokens::from_result(&result(Some(3600)), SystemTime::now()).expect("tokens");
    assert!(tokens.expires_within(Duration::MAX));
    assert!(tokens.expires_within(Duration::from_secs(u64::MAX / 2)));
    assert!(!tokens.expires_within(Duration::ZERO));
}

#[test]
fn expiry_past_the_end_of_time_saturates() {
    let latest = latest_system_time();
    for issued in [latest, latest - Duration::from_secs(10)] {
        let tokens = Tokens::from_result(&result(Some(i32::MAX)), issued).expect("tokens");
        assert_eq!(tokens.expires_at(), latest, "clamped to the latest time");
        assert!(tokens.expires_at() >= issued);
        let _ = format!("{tokens:?}");
    }
    // A negative lifetime is no lifetime.
    let now = SystemTime::now();
    let tokens = Tokens::from_result(&result(Some(-5)), now).expect("tokens");
    assert_eq!(tokens.expires_at(), now);
}

#[test]
fn date_times_at_the_ends_of_i64_convert_without_panicking() {
    let (earliest, latest) = (earliest_system_time(), latest_system_time());
    for secs in [i64::MAX, i64::MIN, i64::MAX - 1, i64::MIN + 1, 0, -1] {
        let t = DateTime::from_secs(secs);
        let system = t.to_system_time();
        assert_eq!(t.checked_to_system_time(), exact(secs), "{secs}");
        match exact(secs) {
            // Where the platform can represent the instant, the conversion is exact…
            Some(exact) => {
                assert_eq!(system, exact, "{secs}");
                assert_eq!(DateTime::from(exact), t, "{secs}");
            }
            // …elsewhere it saturates.
            None if secs > 0 => assert_eq!(system, latest, "{secs}"),
            None => assert_eq!(system, earliest, "{secs}"),
        }
        assert_eq!(SystemTime::from(t), system);
    }
    // The ends of this platform's `SystemTime`, and the instants next to them.
    for t in [
        earliest,
        earliest + Duration::from_nanos(1),
        earliest + Duration::from_secs(1),
        latest,
        latest - Duration::from_nanos(1),
    ] {
        let d = DateTime::from(t);
        let _ = (d.to_string(), d.to_system_time(), format!("{d:?}"));
    }
}

#[tokio::test]
async fn identity_credentials_with_an_expiration_past_the_end_of_time() {
    for expiration in [json!(i64::MAX), json!(9.9e16), json!(i64::MIN)] {
        let server = RecordingServer::start(CannedResponse::aws_error(500, "Unscripted", "no"));
        server.push(CannedResponse::json(
            200,
            &json!({ "IdentityId": "us-east-1:id" }).to_string(),
        ));
        server.push(CannedResponse::json(
            200,
            &json!({ "IdentityId": "us-east-1:id", "Credentials": {
                "AccessKeyId": "ASIAEXAMPLE", "SecretKey": "secret", "SessionToken": "token",
                "Expiration": expiration } })
            .to_string(),
        ));
        let config = cognito::Config::builder()
            .region("us-east-1")
            .endpoint_url(server.endpoint())
            .retry(cognito::RetryConfig::disabled())
            .build();
        let provider = cognito::identity::credentials::IdentityPoolCredentialsProvider::new(
            &config,
            "us-east-1:pool",
        );
        let credentials = provider.credentials().await.expect("credentials");
        assert!(credentials.expiry().is_some(), "{expiration}");
        let _ = format!("{provider:?}");
    }
}
