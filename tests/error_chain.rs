//! One message per layer: a reporter that walks an error's `source()` chain (anyhow's `{:#}`, tracing's
//! error fields) prints each part of the failure once. Service, transport, timeout and sign-in errors,
//! produced by an in-memory transport.

use std::error::Error as StdError;

use bytes::Bytes;
use cognito::transport::{self, HttpError, HttpErrorKind};
use cognito::{Config, Error, RetryConfig};

/// The messages of `e` and of every source under it, outermost first.
fn layers(e: &(dyn StdError + 'static)) -> Vec<String> {
    let mut out = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        out.push(s.to_string());
        source = s.source();
    }
    out
}

/// The chain as anyhow's `{:#}` prints it.
fn joined(e: &(dyn StdError + 'static)) -> String {
    layers(e).join(": ")
}

/// Asserts that each of `parts` appears exactly once in the joined chain of `e`, and that no layer
/// repeats what another layer says.
fn assert_each_once(e: &(dyn StdError + 'static), parts: &[&str]) {
    let chain = joined(e);
    for part in parts {
        assert_eq!(
            chain.matches(part).count(),
            1,
            "`{part}` should appear once in `{chain}`"
        );
    }
    let layers = layers(e);
    for (i, a) in layers.iter().enumerate() {
        for b in &layers[i + 1..] {
            assert!(
                !a.contains(b.as_str()) && !b.contains(a.as_str()),
                "layers repeat each other: {layers:?}"
            );
        }
    }
}

fn config(transport: impl cognito::HttpTransport) -> Config {
    Config::builder()
        .region("eu-west-1")
        .retry(RetryConfig::disabled())
        .credentials(cognito::Credentials::new(
            "AKIDEXAMPLE",
            "secret",
            None,
            None,
            "test",
        ))
        .transport(transport)
        .build()
}

/// A client whose every call is answered with an AWS JSON error.
fn answering_error(code: &'static str, message: &'static str) -> cognito::idp::Client {
    let t = transport::from_fn(move |_request: http::Request<Bytes>| async move {
        let body = format!(r#"{{"__type":"{code}","message":"{message}"}}"#);
        http::Response::builder()
            .status(400)
            .header("x-amzn-requestid", "req-chain-1")
            .header("content-type", "application/x-amz-json-1.1")
            .body(Bytes::from(body))
            .map_err(|e| HttpError::new(HttpErrorKind::InvalidRequest, e))
    });
    cognito::idp::Client::new(&config(t))
}

/// A client whose every call fails with `error()`.
fn failing(error: fn() -> HttpError) -> cognito::idp::Client {
    let t = transport::from_fn(move |_request: http::Request<Bytes>| async move {
        Err::<http::Response<Bytes>, _>(error())
    });
    cognito::idp::Client::new(&config(t))
}

#[tokio::test]
async fn a_service_error_is_one_layer() {
    let idp = answering_error("UserNotFoundException", "User does not exist.");
    let err = idp
        .get_user()
        .access_token("token")
        .send()
        .await
        .expect_err("service error");
    assert!(err.is_user_not_found_exception(), "{err:?}");
    assert_eq!(err.request_id(), Some("req-chain-1"));
    assert_each_once(&err, &["UserNotFoundException", "User does not exist."]);
    assert_eq!(
        layers(&err),
        ["UserNotFoundException: User does not exist."]
    );

    // The operation's error inside, and the service-wide error it converts into, are the same one layer.
    let op = err.service_error().expect("service error");
    assert!(op.source().is_none());
    let wide: Error<cognito::idp::Error> = err.into();
    assert!(wide.is_user_not_found_exception());
    assert_eq!(wide.code(), Some("UserNotFoundException"));
    assert_eq!(wide.request_id(), Some("req-chain-1"));
    assert_eq!(
        layers(&wide),
        ["UserNotFoundException: User does not exist."]
    );
    let service = wide.into_service_error().expect("service error");
    assert!(service.is_user_not_found_exception());
    assert_eq!(service.message(), Some("User does not exist."));
    assert_each_once(&service, &["UserNotFoundException", "User does not exist."]);
}

#[tokio::test]
async fn a_transport_error_says_what_failed_then_why() {
    let idp = failing(|| {
        HttpError::io(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "connection reset by peer",
        ))
    });
    let err = idp
        .get_user()
        .access_token("token")
        .send()
        .await
        .expect_err("transport error");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_each_once(
        &err,
        &[
            "GetUser",
            "the connection failed while the request was in flight",
            "connection reset by peer",
        ],
    );
    assert_eq!(layers(&err).len(), 2, "{:?}", layers(&err));
    // Converted into the service-wide error, the chain is the same.
    let wide: Error<cognito::idp::Error> = err.into();
    let err = wide.into_service_error().expect_err("not a service error");
    assert_eq!(layers(&err).len(), 2);
}

#[tokio::test]
async fn a_timeout_is_one_layer() {
    let idp = failing(|| {
        HttpError::new(
            HttpErrorKind::ConnectTimeout,
            std::io::Error::new(std::io::ErrorKind::TimedOut, "connect timed out"),
        )
    });
    let err = idp
        .get_user()
        .access_token("token")
        .send()
        .await
        .expect_err("timeout");
    assert!(err.is_timeout(), "{err:?}");
    assert_each_once(&err, &["GetUser", "timed out"]);
    assert_eq!(layers(&err).len(), 1, "{:?}", layers(&err));
}

#[tokio::test]
async fn a_sign_in_error_is_the_call_s_error() {
    let idp = answering_error("NotAuthorizedException", "Incorrect username or password.");
    let err = idp
        .app_client("app-client")
        .sign_in("alice")
        .password("not the password")
        .await
        .expect_err("wrong password");
    assert_eq!(err.code(), Some("NotAuthorizedException"));
    assert_eq!(err.message(), Some("Incorrect username or password."));
    assert_eq!(err.request_id(), Some("req-chain-1"));
    assert!(err
        .service_error()
        .is_some_and(|e| e.is_not_authorized_exception()));
    assert!(err.is_not_authorized_exception() && !err.is_user_not_found_exception());
    assert_each_once(
        &err,
        &["NotAuthorizedException", "Incorrect username or password."],
    );
    assert_eq!(layers(&err).len(), 1, "{:?}", layers(&err));

    let idp = failing(|| HttpError::connect(std::io::Error::other("connection refused")));
    let err = idp
        .app_client("app-client")
        .sign_in("alice")
        .password("pw")
        .await
        .expect_err("no connection");
    assert!(err.code().is_none());
    assert_each_once(
        &err,
        &["InitiateAuth", "could not connect", "connection refused"],
    );
}

#[tokio::test]
async fn a_refresh_error_is_the_call_s_error() {
    let idp = answering_error("NotAuthorizedException", "Refresh Token has expired");
    let app = idp.app_client("app-client");
    let tokens = cognito::auth::Tokens::from_result(
        &cognito::idp::types::AuthenticationResultType {
            access_token: Some("a.b.c".into()),
            refresh_token: Some("refresh".into()),
            ..Default::default()
        },
        std::time::SystemTime::now(),
    )
    .expect("tokens");
    let err = tokens.refresh(&app).await.expect_err("expired");
    assert_eq!(err.code(), Some("NotAuthorizedException"));
    assert!(err.is_not_authorized_exception());
    assert_each_once(
        &err,
        &["NotAuthorizedException", "Refresh Token has expired"],
    );
    let err = tokens.revoke(&app).await.expect_err("expired");
    assert_eq!(err.code(), Some("NotAuthorizedException"));
    assert!(err.is_not_authorized_exception());
    assert_eq!(layers(&err).len(), 1, "{:?}", layers(&err));
}

/// A function that makes several calls returns one error type, with `?` and no boxing.
async fn create_then_read(idp: &cognito::idp::Client) -> Result<(), Error<cognito::idp::Error>> {
    idp.admin_create_user()
        .user_pool_id("eu-west-1_Pool")
        .username("alice")
        .send()
        .await?;
    idp.admin_get_user()
        .user_pool_id("eu-west-1_Pool")
        .username("alice")
        .send()
        .await?;
    Ok(())
}

#[tokio::test]
async fn question_mark_carries_any_operation_error_into_the_service_error() {
    let idp = failing(|| HttpError::connect("unreachable"));
    let err = create_then_read(&idp).await.expect_err("unreachable");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(err.to_string().contains("AdminCreateUser"), "{err}");

    let idp = answering_error("UsernameExistsException", "User account already exists");
    let err = create_then_read(&idp).await.expect_err("exists");
    assert!(err.is_username_exists_exception(), "{err:?}");
    match err.into_service_error() {
        Ok(cognito::idp::Error::UsernameExistsException(e)) => {
            assert_eq!(e.message.as_deref(), Some("User account already exists"))
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_code_the_operation_does_not_list_is_still_the_service_s_exception() {
    // RevokeToken's model does not list NotAuthorizedException: the operation's error has it as
    // Unhandled, the service-wide error as its own variant.
    let idp = answering_error("NotAuthorizedException", "Token is not valid");
    let err = idp
        .revoke_token()
        .client_id("app-client")
        .token("refresh")
        .send()
        .await
        .expect_err("refused");
    assert!(
        matches!(
            err.service_error(),
            Some(cognito::idp::operation::RevokeTokenError::Unhandled(_))
        ),
        "{err:?}"
    );
    let wide: Error<cognito::idp::Error> = err.into();
    assert!(wide.is_not_authorized_exception(), "{wide:?}");
    match wide.into_service_error() {
        Ok(cognito::idp::Error::NotAuthorizedException(e)) => {
            assert_eq!(e.message.as_deref(), Some("Token is not valid"));
            assert_eq!(e.meta().request_id(), Some("req-chain-1"));
        }
        other => panic!("{other:?}"),
    }
    // An unknown code stays Unhandled, with what the service said.
    let idp = answering_error("BrandNewException", "new");
    let err: Error<cognito::idp::Error> = idp
        .revoke_token()
        .client_id("app-client")
        .token("refresh")
        .send()
        .await
        .expect_err("refused")
        .into();
    match err.into_service_error() {
        Ok(cognito::idp::Error::Unhandled(u)) => {
            assert_eq!(u.meta().code(), Some("BrandNewException"));
            assert_eq!(u.meta().message(), Some("new"));
            assert_eq!(u.meta().status(), Some(400));
        }
        other => panic!("{other:?}"),
    }
}
