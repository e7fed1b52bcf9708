//! Requests to the OAuth endpoints through the configuration's transport, with its timeouts, retry
//! settings (quota and adaptive limiter included) and a `tracing` span per call; and the reading of
//! their answers: JSON on success, a typed OAuth error, or a clear error for anything else.
//!
//! # Retries
//! A request is *repeatable* when sending it twice does no harm: client credentials, a refresh without
//! rotation, userInfo, revoke, discovery. Those are retried as the rest of the crate retries (connection
//! failures, attempt timeouts, throttling, HTTP 500/502/503/504). A *non-repeatable* request (an
//! authorization code, which is single use) is sent again only when it certainly did not reach the
//! server (no connection was made) or was refused unprocessed (HTTP 429): a second attempt after a
//! lost answer would only meet `invalid_grant`, and hide the first answer.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use bytes::Bytes;
use serde_json::{Map, Value};

use super::error::{clip, Call, ManagedLoginError, OAuthError};
use crate::config::Config;
use crate::error::TimeoutKind;
use crate::retry::{AttemptOutcome, RetryDecision, RetryKind, RetryState};
use crate::transport::{HttpError, HttpErrorKind, HttpTransport};

/// The largest answer read from an OAuth endpoint (tokens, userInfo, a discovery document): far above
/// any real one, and the configuration's own limit applies when it is lower.
pub(crate) const MAX_OAUTH_RESPONSE_BYTES: usize = 256 * 1024;

/// Whether a request may be sent again after it may have reached the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Repeat {
    /// Sending it twice does no harm.
    Safe,
    /// Only when it certainly was not processed.
    OnlyIfUnprocessed,
}

/// How the retry policy sees an attempt's outcome for a request of this kind.
pub(crate) fn outcome_for(
    repeat: Repeat,
    outcome: AttemptOutcome,
    reached: bool,
) -> AttemptOutcome {
    match (repeat, outcome) {
        (Repeat::Safe, o) => o,
        (Repeat::OnlyIfUnprocessed, AttemptOutcome::Retryable(RetryKind::Throttling)) => outcome,
        (Repeat::OnlyIfUnprocessed, AttemptOutcome::Retryable(_)) if !reached => outcome,
        (Repeat::OnlyIfUnprocessed, AttemptOutcome::Retryable(_)) => AttemptOutcome::NotRetryable,
        (_, o) => o,
    }
}

/// A request to send: method, URL, headers and form body, rebuilt for every attempt.
pub(crate) struct OAuthRequest {
    pub(crate) method: http::Method,
    pub(crate) url: String,
    pub(crate) headers: Vec<(http::HeaderName, http::HeaderValue)>,
    pub(crate) body: Bytes,
}

/// An answer as read from the wire.
pub(crate) struct OAuthResponse {
    pub(crate) status: u16,
    pub(crate) content_type: Option<String>,
    pub(crate) body: Bytes,
}

/// The HTTP side of a `ManagedLogin`: the configuration it sends with.
#[derive(Clone, Debug)]
pub(crate) struct OAuthHttp {
    config: Config,
    user_agent: http::HeaderValue,
}

impl OAuthHttp {
    pub(crate) fn new(config: &Config) -> OAuthHttp {
        let user_agent = crate::transport::user_agent(config.app_name());
        OAuthHttp {
            config: config.clone(),
            user_agent,
        }
    }

    /// The configuration.
    pub(crate) fn config(&self) -> &Config {
        &self.config
    }

    /// Sends `request` with retries and timeouts; returns the last answer, whatever its status.
    pub(crate) async fn send(
        &self,
        call: Call,
        repeat: Repeat,
        request: &OAuthRequest,
    ) -> Result<OAuthResponse, ManagedLoginError> {
        let trace = Trace::new(call);
        let work = self.attempts(call, repeat, request, &trace);
        #[cfg(feature = "tracing")]
        let work = tracing::Instrument::instrument(work, trace.span.clone());
        match self.config.timeouts().operation() {
            None => work.await,
            Some(total) => match tokio::time::timeout(total, work).await {
                Ok(result) => result,
                Err(_) => Err(ManagedLoginError::Timeout {
                    call,
                    kind: TimeoutKind::Operation,
                    after: total,
                    attempts: trace.attempts.load(Ordering::Relaxed),
                }),
            },
        }
    }

    async fn attempts(
        &self,
        call: Call,
        repeat: Repeat,
        request: &OAuthRequest,
        trace: &Trace,
    ) -> Result<OAuthResponse, ManagedLoginError> {
        let transport = self
            .config
            .transport()
            .map_err(|e| ManagedLoginError::InvalidConfig(crate::error::chain(&e)))?;
        let timeouts = self.config.timeouts();
        let limit = self
            .config
            .max_response_bytes()
            .min(MAX_OAUTH_RESPONSE_BYTES);
        let mut retry = RetryState::new(self.config.retry());
        loop {
            retry.before_attempt().await;
            trace.next_attempt();
            let http_request = self.build(request)?;
            let sent =
                tokio::time::timeout(timeouts.attempt(), transport.send(http_request, limit));
            let result = match sent.await {
                Ok(Ok(response)) if response.body().len() > limit => Err(Failure::Http(
                    HttpError::body_too_large(response.status().as_u16(), limit),
                )),
                Ok(Ok(response)) => Ok(response),
                Ok(Err(e)) => Err(Failure::Http(e)),
                Err(_) => Err(Failure::AttemptTimeout),
            };
            let (outcome, reached) = match &result {
                Ok(r) => {
                    trace.status(r.status().as_u16());
                    (
                        AttemptOutcome::from_response(r.status().as_u16(), None),
                        true,
                    )
                }
                Err(Failure::Http(e)) => {
                    trace.failed(&crate::error::chain(e));
                    (
                        AttemptOutcome::from_http_error(e),
                        e.may_have_reached_server(),
                    )
                }
                Err(Failure::AttemptTimeout) => {
                    trace.failed(&"the attempt timed out");
                    (AttemptOutcome::Retryable(RetryKind::Timeout), true)
                }
            };
            match retry.after_attempt(outcome_for(repeat, outcome, reached)) {
                RetryDecision::Done => {
                    let attempts = retry.attempts();
                    return match result {
                        Ok(response) => Ok(read(response)),
                        Err(Failure::AttemptTimeout) => Err(ManagedLoginError::Timeout {
                            call,
                            kind: TimeoutKind::Attempt,
                            after: timeouts.attempt(),
                            attempts,
                        }),
                        Err(Failure::Http(e)) => Err(http_failure(
                            call,
                            e,
                            attempts,
                            self.config.connect_timeout(),
                        )),
                    };
                }
                RetryDecision::RetryAfter(delay) => {
                    trace.retry(delay);
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    fn build(&self, request: &OAuthRequest) -> Result<http::Request<Bytes>, ManagedLoginError> {
        let mut builder = http::Request::builder()
            .method(request.method.clone())
            .uri(&request.url)
            .header(http::header::USER_AGENT, self.user_agent.clone())
            .header(http::header::ACCEPT, "application/json");
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        builder
            .body(request.body.clone())
            .map_err(|e| ManagedLoginError::InvalidConfig(format!("cannot build the request: {e}")))
    }
}

enum Failure {
    Http(HttpError),
    AttemptTimeout,
}

fn read(response: http::Response<Bytes>) -> OAuthResponse {
    let (parts, body) = response.into_parts();
    OAuthResponse {
        status: parts.status.as_u16(),
        content_type: parts
            .headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(clip),
        body,
    }
}

fn http_failure(
    call: Call,
    e: HttpError,
    attempts: u32,
    connect_timeout: Option<Duration>,
) -> ManagedLoginError {
    match e.kind() {
        HttpErrorKind::ConnectTimeout => ManagedLoginError::Timeout {
            call,
            kind: TimeoutKind::Connect,
            // Zero when the client is the caller's own: its connect timeout is not known here.
            after: connect_timeout.unwrap_or_default(),
            attempts,
        },
        HttpErrorKind::BodyTooLarge { status, limit } => ManagedLoginError::UnexpectedResponse {
            call,
            status,
            content_type: None,
            length: limit,
            reason: format!("the body is larger than the limit of {limit} bytes"),
        },
        _ => ManagedLoginError::Transport {
            call,
            attempts,
            source: e,
        },
    }
}

impl OAuthResponse {
    /// The body as a JSON object when the status is 2xx; otherwise the OAuth error it carries, or a
    /// clear error for an HTML page, another body or a 5xx.
    pub(crate) fn json_object(&self, call: Call) -> Result<Map<String, Value>, ManagedLoginError> {
        if (200..300).contains(&self.status) {
            return match serde_json::from_slice::<Value>(&self.body) {
                Ok(Value::Object(map)) => Ok(map),
                Ok(_) => Err(self.unexpected(call, "the body is JSON but not an object")),
                Err(_) => Err(self.unexpected(call, self.not_json())),
            };
        }
        Err(self.error(call))
    }

    /// The error an answer that is not a success stands for.
    pub(crate) fn error(&self, call: Call) -> ManagedLoginError {
        if let Some(error) = self.oauth_error() {
            return ManagedLoginError::OAuth { call, error };
        }
        if self.status >= 500 {
            return ManagedLoginError::ServerError {
                call,
                status: self.status,
                content_type: self.content_type.clone(),
                length: self.body.len(),
            };
        }
        self.unexpected(call, "no OAuth error in the body".to_owned())
    }

    /// `{"error": "...", "error_description": "..."}`, if that is what the body is.
    fn oauth_error(&self) -> Option<OAuthError> {
        let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(&self.body) else {
            return None;
        };
        let code = map.get("error")?.as_str()?;
        let description = map.get("error_description").and_then(Value::as_str);
        Some(OAuthError::new(code, description, Some(self.status)))
    }

    fn not_json(&self) -> String {
        let looks_html = self
            .content_type
            .as_deref()
            .is_some_and(|t| t.to_ascii_lowercase().contains("html"))
            || self
                .body
                .iter()
                .find(|b| !b.is_ascii_whitespace())
                .is_some_and(|b| *b == b'<');
        if looks_html {
            "an HTML page instead of JSON".to_owned()
        } else {
            "the body is not JSON".to_owned()
        }
    }

    pub(crate) fn unexpected(&self, call: Call, reason: impl Into<String>) -> ManagedLoginError {
        ManagedLoginError::UnexpectedResponse {
            call,
            status: self.status,
            content_type: self.content_type.clone(),
            length: self.body.len(),
            reason: reason.into(),
        }
    }
}

/// Wraps the configuration's shared transport so that it can be handed to the JWT verifier.
#[derive(Debug)]
pub(crate) struct SharedTransport(pub(crate) std::sync::Arc<dyn HttpTransport>);

impl HttpTransport for SharedTransport {
    fn send(
        &self,
        request: http::Request<Bytes>,
        max_response_bytes: usize,
    ) -> crate::transport::BoxFuture<'_, Result<http::Response<Bytes>, HttpError>> {
        self.0.send(request, max_response_bytes)
    }
}

/// The call's tracing span (feature `tracing`): names, attempt numbers and statuses only, never a
/// header or a body. It also counts the attempts started.
struct Trace {
    #[cfg(feature = "tracing")]
    span: tracing::Span,
    attempts: AtomicU32,
}

impl Trace {
    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    fn new(call: Call) -> Trace {
        Trace {
            #[cfg(feature = "tracing")]
            span: tracing::debug_span!(
                "cognito",
                service = "cognito-oauth",
                operation = call.name(),
                attempt = tracing::field::Empty,
                http.status = tracing::field::Empty,
            ),
            attempts: AtomicU32::new(0),
        }
    }

    fn next_attempt(&self) {
        let n = self.attempts.fetch_add(1, Ordering::Relaxed) + 1;
        #[cfg(feature = "tracing")]
        self.span.record("attempt", n);
        #[cfg(not(feature = "tracing"))]
        let _ = n;
    }

    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    fn status(&self, status: u16) {
        #[cfg(feature = "tracing")]
        self.span.record("http.status", status);
    }

    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    fn failed(&self, error: &dyn std::fmt::Display) {
        #[cfg(feature = "tracing")]
        tracing::debug!(parent: &self.span, error = %error, "attempt failed");
    }

    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    fn retry(&self, delay: Duration) {
        #[cfg(feature = "tracing")]
        tracing::debug!(
            parent: &self.span,
            attempt = self.attempts.load(Ordering::Relaxed),
            delay_ms = delay.as_millis() as u64,
            "retrying"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, content_type: Option<&str>, body: &str) -> OAuthResponse {
        OAuthResponse {
            status,
            content_type: content_type.map(str::to_owned),
            body: Bytes::copy_from_slice(body.as_bytes()),
        }
    }

    #[test]
    fn answers_are_sorted() {
        let ok = response(200, Some("application/json"), r#"{"access_token":"a"}"#);
        assert!(ok.json_object(Call::ClientCredentials).is_ok());
        let bare = response(
            400,
            Some("application/json"),
            r#"{"error":"invalid_grant"}"#,
        );
        assert!(matches!(
            bare.json_object(Call::AuthorizationCode),
            Err(ManagedLoginError::OAuth { error, .. })
                if error.code == super::super::OAuthErrorCode::InvalidGrant && error.description.is_none()
        ));
        let html = response(200, Some("text/html"), "<html><body>Login</body></html>");
        let e = html.json_object(Call::AuthorizationCode).expect_err("html");
        assert!(
            e.to_string().contains("an HTML page instead of JSON"),
            "{e}"
        );
        let gateway = response(502, Some("text/html"), "<html>Bad gateway</html>");
        assert!(matches!(
            gateway.json_object(Call::UserInfo),
            Err(ManagedLoginError::ServerError { status: 502, .. })
        ));
        let teapot = response(418, None, "short and stout");
        assert!(matches!(
            teapot.json_object(Call::Revoke),
            Err(ManagedLoginError::UnexpectedResponse { status: 418, .. })
        ));
        let array = response(200, None, "[1]");
        assert!(array.json_object(Call::Discovery).is_err());
    }

    #[test]
    fn truncated_and_mangled_bodies_never_panic() {
        let full = r#"{"access_token":"a.b.c","id_token":"d.e.f","refresh_token":"r","expires_in":3600,"token_type":"Bearer","error":"x"}"#;
        for status in [200, 400, 500] {
            for end in 0..=full.len() {
                let r = response(status, Some("application/json"), &full[..end]);
                let _ = r.json_object(Call::AuthorizationCode);
            }
        }
        for body in [
            "\u{0}",
            "{\"error\":5}",
            "{\"error\":\"\u{7}\"}",
            "\u{feff}{}",
            "null",
        ] {
            let _ = response(400, None, body).json_object(Call::Revoke);
        }
    }

    #[test]
    fn non_repeatable_requests_retry_only_what_was_not_processed() {
        let transport = AttemptOutcome::Retryable(RetryKind::Transport);
        let throttled = AttemptOutcome::Retryable(RetryKind::Throttling);
        let server = AttemptOutcome::Retryable(RetryKind::Transient);
        let once = Repeat::OnlyIfUnprocessed;
        assert_eq!(outcome_for(once, transport, false), transport);
        assert_eq!(
            outcome_for(once, transport, true),
            AttemptOutcome::NotRetryable
        );
        assert_eq!(
            outcome_for(once, server, true),
            AttemptOutcome::NotRetryable
        );
        assert_eq!(outcome_for(once, throttled, true), throttled);
        assert_eq!(outcome_for(Repeat::Safe, server, true), server);
        assert_eq!(outcome_for(Repeat::Safe, transport, true), transport);
    }
}
