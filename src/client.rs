//! The send path every operation shares: serialize → sign → send → read (bounded) → decode, with
//! timeouts and retries. Generic code is kept to the thin [`Handle::send`]; the rest is not generic, so it
//! is compiled once, not once per operation.
//!
//! Where each byte of a request comes from: the operation's method, path, headers and body from
//! [`Operation::request`] (generated, `crate::operation`); the endpoint from `crate::endpoint`; the
//! signature headers from `crate::sign`; `user-agent`, `amz-sdk-invocation-id` and `amz-sdk-request`
//! from [`Handle::attempt`] here; then the transport (`crate::transport`) writes it to the wire.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_credential_types::provider::ProvideCredentials;
use bytes::Bytes;

use crate::config::Config;
use crate::endpoint::{self, ResolvedEndpoint, ServiceId};
use crate::error::{
    decode_metadata, CredentialsError, ErrorMetadata, InvalidInput, ResponseError, ServiceError,
    TimeoutError, TimeoutKind, TransportError,
};
use crate::operation::{Operation, Request};
use crate::retry::{AttemptOutcome, RetryDecision, RetryState};
use crate::transport::{HttpError, HttpErrorKind, SharedTransport};
use crate::Error;

/// Protocol facts of a service, one static per generated service module.
#[derive(Debug)]
pub struct ServiceSpec {
    pub(crate) id: ServiceId,
    pub(crate) signing_name: &'static str,
}

/// What the clients of a service share: configuration, resolved endpoint and connection pool.
#[derive(Clone, Debug)]
pub(crate) struct Handle {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    service: &'static ServiceSpec,
    config: Config,
    endpoint: Option<ResolvedEndpoint>,
    /// The app client whose secret fills `SECRET_HASH` / `ClientSecret` members (user pools).
    app_client: Option<crate::auth::AppClientSecret>,
    /// The `user-agent` header value.
    user_agent: http::HeaderValue,
    /// The server's clock minus ours, in seconds, learnt from a response that refused a signature as
    /// too old or too new; added to the signing time.
    skew: Arc<AtomicI64>,
}

/// A response as read from the wire.
pub(crate) struct RawResponse {
    /// How many attempts the call took (1 without retries).
    pub(crate) attempts: u32,
    pub(crate) status: u16,
    pub(crate) headers: http::HeaderMap,
    pub(crate) body: Bytes,
}

/// The error type of the non-generic part of the send path: every kind but a service error, which is
/// decoded by the generic part.
type RawError = Error<std::convert::Infallible>;

impl Handle {
    /// A handle for `service` under `config`.
    pub(crate) fn new(config: &Config, service: &'static ServiceSpec) -> Handle {
        let user_agent = crate::transport::user_agent(config.app_name());
        Handle {
            inner: Arc::new(Inner {
                service,
                config: config.clone(),
                endpoint: endpoint::resolve(config, service.id).ok(),
                app_client: None,
                user_agent,
                skew: Arc::new(AtomicI64::new(0)),
            }),
        }
    }

    /// The same handle (configuration and transport) with `app` filling in secrets.
    pub(crate) fn with_app_client(&self, app: Option<crate::auth::AppClientSecret>) -> Handle {
        let inner = &*self.inner;
        Handle {
            inner: Arc::new(Inner {
                service: inner.service,
                config: inner.config.clone(),
                endpoint: inner.endpoint.clone(),
                app_client: app,
                user_agent: inner.user_agent.clone(),
                skew: inner.skew.clone(),
            }),
        }
    }

    /// The app client set with [`Handle::with_app_client`].
    pub(crate) fn app_client(&self) -> Option<&crate::auth::AppClientSecret> {
        self.inner.app_client.as_ref()
    }

    /// Sends `input` and decodes the result.
    pub(crate) async fn send<O: Operation>(
        &self,
        mut input: O,
    ) -> Result<O::Output, Error<O::Error>> {
        if let Some(app) = &self.inner.app_client {
            input.apply_app_client(app);
        }
        if let Some(member) = input.missing_member() {
            return Err(Error::InvalidInput(InvalidInput {
                operation: O::NAME,
                message: format!("the required member `{member}` is not set"),
            }));
        }
        let request = input.request().map_err(|message| {
            Error::InvalidInput(InvalidInput {
                operation: O::NAME,
                message,
            })
        })?;
        let raw = self
            .send_raw(O::NAME, O::SIGNED, &request)
            .await
            .map_err(cast)?;
        if (200..300).contains(&raw.status) {
            O::decode(&raw.body).map_err(|e| Error::Response(undecodable(O::NAME, &raw, &e)))
        } else {
            let mut meta = decode_metadata(raw.status, &raw.headers, &raw.body);
            meta.attempts = raw.attempts;
            Err(Error::Service(O::Error::from_response(meta, &raw.body)))
        }
    }

    /// Everything between a serialized request and a complete response, retries included, within the
    /// whole-operation timeout when one is set. With the `tracing` feature, one span per call.
    ///
    /// Boxed so that the transport and retry machinery is compiled once, here, and not again in every
    /// crate that instantiates the generic [`Handle::send`].
    fn send_raw<'a>(
        &'a self,
        operation: &'static str,
        signed: bool,
        request: &'a Request,
    ) -> Pin<Box<dyn Future<Output = Result<RawResponse, RawError>> + Send + 'a>> {
        Box::pin(self.send_traced(operation, signed, request))
    }

    async fn send_traced(
        &self,
        operation: &'static str,
        signed: bool,
        request: &Request,
    ) -> Result<RawResponse, RawError> {
        let trace = CallTrace::new(self.inner.service.signing_name, operation);
        let attempts = self.send_attempts(operation, signed, request, &trace);
        #[cfg(feature = "tracing")]
        let attempts = tracing::Instrument::instrument(attempts, trace.span.clone());
        match self.inner.config.timeouts().operation {
            None => attempts.await,
            Some(total) => tokio::time::timeout(total, attempts)
                .await
                .unwrap_or_else(|_| {
                    Err(Error::Timeout(TimeoutError {
                        operation,
                        kind: TimeoutKind::Operation,
                        after: total,
                        attempts: trace.attempts(),
                    }))
                }),
        }
    }

    async fn send_attempts(
        &self,
        operation: &'static str,
        signed: bool,
        request: &Request,
        trace: &CallTrace,
    ) -> Result<RawResponse, RawError> {
        let inner = &*self.inner;
        let endpoint = match &inner.endpoint {
            Some(e) => e.clone(),
            None => endpoint::resolve(&inner.config, inner.service.id).map_err(Error::Config)?,
        };
        let transport = inner.config.transport().map_err(Error::Config)?;
        let url = format!("{}{}", endpoint.url, request.path_and_query);
        let timeouts = inner.config.timeouts();
        let mut retry = RetryState::new(inner.config.retry());
        let invocation_id = invocation_id();
        let mut skew_corrected = false;
        loop {
            // Adaptive mode: waits here for the client-side rate limiter.
            retry.before_attempt().await;
            let number = trace.next_attempt();
            let call = Call {
                operation,
                signed,
                request,
                url: &url,
                endpoint: &endpoint,
                invocation_id: &invocation_id,
                attempt: number,
                max_attempts: retry.max_attempts() + u32::from(skew_corrected),
            };
            let attempt = self.attempt(transport, &call);
            let result = match tokio::time::timeout(timeouts.attempt, attempt).await {
                Ok(r) => r,
                Err(_) => Err(Error::Timeout(TimeoutError {
                    operation,
                    kind: TimeoutKind::Attempt,
                    after: timeouts.attempt,
                    attempts: 1,
                })),
            };
            trace.result(&result);
            if signed && !skew_corrected {
                if let Ok(raw) = &result {
                    if self.correct_skew(raw) {
                        // Signed again with the server's time, at once: not a retry of the quota's.
                        skew_corrected = true;
                        trace.skew_corrected(self.inner.skew.load(Ordering::Relaxed));
                        continue;
                    }
                }
            }
            let outcome = match &result {
                Ok(r) if (200..300).contains(&r.status) => AttemptOutcome::Success,
                Ok(r) => AttemptOutcome::from_response(
                    r.status,
                    decode_metadata(r.status, &r.headers, &r.body).code(),
                ),
                Err(e) => AttemptOutcome::from_error(e),
            };
            match retry.after_attempt(outcome) {
                RetryDecision::Done => return with_attempts(result, retry.attempts()),
                RetryDecision::RetryAfter(delay) => {
                    trace.retry(trace.attempts(), delay);
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    /// One attempt: sign (with a fresh date), send, read the body within the size limit.
    async fn attempt(
        &self,
        transport: &SharedTransport,
        call: &Call<'_>,
    ) -> Result<RawResponse, RawError> {
        let Call {
            operation,
            signed,
            request,
            url,
            endpoint,
            ..
        } = *call;
        let mut builder = http::Request::builder().method(request.method).uri(url);
        for (k, v) in &request.headers {
            builder = builder.header(*k, v.as_str());
        }
        if signed {
            let credentials = self.credentials(operation).await?;
            let headers: Vec<(&str, &str)> = request
                .headers
                .iter()
                .map(|(k, v)| (*k, v.as_str()))
                .collect();
            let unsigned = crate::sign::Unsigned {
                method: request.method,
                url,
                headers: &headers,
                body: &request.body,
            };
            let signature = crate::sign::sign_request(
                &unsigned,
                &credentials,
                &endpoint.region,
                self.inner.service.signing_name,
                self.signing_time(),
            )
            .map_err(|message| {
                Error::Credentials(CredentialsError {
                    operation,
                    message,
                    source: None,
                })
            })?;
            for (k, v) in signature {
                builder = builder.header(k, v);
            }
        }
        // Not signed: they change per attempt and carry nothing the service authorizes.
        builder = builder
            .header(http::header::USER_AGENT, self.inner.user_agent.clone())
            .header("amz-sdk-invocation-id", call.invocation_id)
            .header(
                "amz-sdk-request",
                format!("attempt={}; max={}", call.attempt, call.max_attempts),
            );
        let http_request = builder.body(request.body.clone()).map_err(|e| {
            Error::InvalidInput(InvalidInput {
                operation,
                message: format!("cannot build the HTTP request: {e}"),
            })
        })?;
        let limit = self.inner.config.max_response_bytes();
        let connect_timeout = self.inner.config.connect_timeout().unwrap_or_default();
        let response = transport
            .send(http_request, limit)
            .await
            .map_err(|e| transport_error(operation, e, connect_timeout))?;
        let (parts, body) = response.into_parts();
        if body.len() > limit {
            // A transport of the caller's own that does not bound the body.
            return Err(transport_error(
                operation,
                HttpError::body_too_large(parts.status.as_u16(), limit),
                Duration::ZERO,
            ));
        }
        Ok(RawResponse {
            attempts: 1,
            status: parts.status.as_u16(),
            headers: parts.headers,
            body,
        })
    }

    /// The time to sign with: ours, corrected by the skew learnt from the server.
    fn signing_time(&self) -> SystemTime {
        let skew = self.inner.skew.load(Ordering::Relaxed);
        let now = SystemTime::now();
        let corrected = if skew >= 0 {
            now.checked_add(Duration::from_secs(skew.unsigned_abs()))
        } else {
            now.checked_sub(Duration::from_secs(skew.unsigned_abs()))
        };
        corrected.unwrap_or(now)
    }

    /// When `raw` refuses the signature for the time it carries and its `Date` header says how far off
    /// our clock is, records the offset and says so (the request is then signed again).
    fn correct_skew(&self, raw: &RawResponse) -> bool {
        if raw.status < 400 || raw.status >= 500 {
            return false;
        }
        let meta = decode_metadata(raw.status, &raw.headers, &raw.body);
        if !is_skew_error(meta.code(), meta.message()) {
            return false;
        }
        let Some(server) = raw
            .headers
            .get(http::header::DATE)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_http_date)
        else {
            return false;
        };
        let local = match SystemTime::now().duration_since(SystemTime::UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            Err(_) => return false,
        };
        let skew = server.saturating_sub(local);
        let previous = self.inner.skew.swap(skew, Ordering::Relaxed);
        // Only worth another attempt when the correction changes the signing time noticeably.
        (skew - previous).abs() >= 60
    }

    async fn credentials(
        &self,
        operation: &'static str,
    ) -> Result<aws_credential_types::Credentials, RawError> {
        let Some(provider) = self.inner.config.credentials_provider() else {
            return Err(Error::Credentials(CredentialsError {
                operation,
                message: "no credentials are configured (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, \
                          a profile, or Config::builder().credentials_provider(..))"
                    .to_owned(),
                source: None,
            }));
        };
        provider.provide_credentials().await.map_err(|e| {
            Error::Credentials(CredentialsError {
                operation,
                // The provider's error, with its causes, is the source: one message per layer.
                message: "the credentials provider failed".to_owned(),
                source: Some(Box::new(e)),
            })
        })
    }
}

/// What every attempt of one call shares.
struct Call<'a> {
    operation: &'static str,
    signed: bool,
    request: &'a Request,
    url: &'a str,
    endpoint: &'a ResolvedEndpoint,
    invocation_id: &'a str,
    attempt: u32,
    max_attempts: u32,
}

/// Error codes with which AWS refuses a signature because of the time it carries.
fn is_skew_error(code: Option<&str>, message: Option<&str>) -> bool {
    match code {
        Some("RequestTimeTooSkewed" | "RequestExpired" | "RequestInTheFuture") => true,
        Some("InvalidSignatureException" | "SignatureDoesNotMatch" | "AuthFailure") => message
            .is_some_and(|m| {
                m.contains("Signature expired")
                    || m.contains("Signature not yet current")
                    || m.contains("too skewed")
            }),
        _ => false,
    }
}

/// Seconds since the epoch of an HTTP date in the IMF-fixdate form (`Sun, 06 Nov 1994 08:49:37 GMT`).
fn parse_http_date(text: &str) -> Option<i64> {
    let rest = text.trim().split_once(", ")?.1;
    let mut parts = rest.split(' ');
    let day: i64 = parts.next()?.parse().ok()?;
    let month = match parts.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year: i64 = parts.next()?.parse().ok()?;
    let mut clock = parts.next()?.split(':');
    let hour: i64 = clock.next()?.parse().ok()?;
    let minute: i64 = clock.next()?.parse().ok()?;
    let second: i64 = clock.next()?.parse().ok()?;
    if parts.next()? != "GMT"
        || parts.next().is_some()
        || !(1..=31).contains(&day)
        || !(1970..=9999).contains(&year)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hour * 3_600 + minute * 60 + second)
}

/// A fresh `amz-sdk-invocation-id`: a random (version 4) UUID, the same for every attempt of one call.
fn invocation_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let half = || {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        h.finish()
    };
    let (hi, lo) = (half(), half());
    let hi = (hi & 0xffff_ffff_ffff_0fff) | 0x0000_0000_0000_4000;
    let lo = (lo & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xffff,
        hi & 0xffff,
        lo >> 48,
        lo & 0xffff_ffff_ffff
    )
}

/// The call's tracing span (feature `tracing`; without it, every method does nothing). It records names,
/// attempt numbers, statuses and request ids only: never a body or a header that could carry a secret.
/// It also counts the attempts started, for the error of a whole-operation timeout.
struct CallTrace {
    #[cfg(feature = "tracing")]
    span: tracing::Span,
    attempts: std::sync::atomic::AtomicU32,
}

impl CallTrace {
    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    fn new(service: &'static str, operation: &'static str) -> CallTrace {
        CallTrace {
            #[cfg(feature = "tracing")]
            span: tracing::debug_span!(
                "cognito",
                service,
                operation,
                attempt = tracing::field::Empty,
                http.status = tracing::field::Empty,
                request_id = tracing::field::Empty,
            ),
            attempts: std::sync::atomic::AtomicU32::new(0),
        }
    }

    /// The next attempt starts; returns its number (from 1).
    fn next_attempt(&self) -> u32 {
        let n = self.attempts.fetch_add(1, Ordering::Relaxed) + 1;
        #[cfg(feature = "tracing")]
        self.span.record("attempt", n);
        n
    }

    /// How many attempts have started.
    fn attempts(&self) -> u32 {
        self.attempts.load(Ordering::Relaxed)
    }

    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    fn result(&self, result: &Result<RawResponse, RawError>) {
        #[cfg(feature = "tracing")]
        match result {
            Ok(r) => {
                self.span.record("http.status", r.status);
                if let Some(id) = r
                    .headers
                    .get("x-amzn-requestid")
                    .and_then(|v| v.to_str().ok())
                {
                    self.span.record("request_id", id);
                }
            }
            Err(e) => {
                tracing::debug!(parent: &self.span, error = %crate::error::chain(e), "attempt failed")
            }
        }
    }

    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    fn retry(&self, attempts: u32, delay: Duration) {
        #[cfg(feature = "tracing")]
        tracing::debug!(parent: &self.span, attempt = attempts, delay_ms = delay.as_millis() as u64, "retrying");
    }

    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    fn skew_corrected(&self, skew_secs: i64) {
        #[cfg(feature = "tracing")]
        tracing::debug!(parent: &self.span, skew_secs, "clock skew corrected from the server's Date; signing again");
    }
}

/// Records how many attempts a finished call took, in the response or the error.
fn with_attempts(
    result: Result<RawResponse, RawError>,
    attempts: u32,
) -> Result<RawResponse, RawError> {
    match result {
        Ok(mut r) => {
            r.attempts = attempts;
            Ok(r)
        }
        Err(Error::Transport(mut e)) => {
            e.attempts = attempts;
            Err(Error::Transport(e))
        }
        Err(Error::Timeout(mut e)) if attempts > 1 => {
            e.attempts = attempts;
            Err(Error::Timeout(e))
        }
        Err(Error::Response(mut e)) if attempts > 1 => {
            e.meta.attempts = attempts;
            Err(Error::Response(e))
        }
        Err(e) => Err(e),
    }
}

/// Converts the non-generic error into an operation's error type (it holds no service error).
fn cast<E>(e: RawError) -> Error<E> {
    e.map_service(|never| match never {})
}

fn undecodable(operation: &'static str, raw: &RawResponse, e: &serde_json::Error) -> ResponseError {
    let request_id = raw
        .headers
        .get("x-amzn-requestid")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    ResponseError {
        operation,
        message: format!(
            "cannot decode the response body ({} bytes): {e}",
            raw.body.len()
        ),
        meta: ErrorMetadata {
            status: Some(raw.status),
            request_id,
            ..Default::default()
        },
    }
}

/// Sorts a transport failure: a connect timeout is a [`TimeoutKind::Connect`] timeout, an oversized body
/// an unreadable response, anything else a transport error that keeps its cause. `connect_timeout` is the
/// client's when the crate made it, else zero (unknown: the message then names no limit).
fn transport_error(operation: &'static str, e: HttpError, connect_timeout: Duration) -> RawError {
    match e.kind() {
        HttpErrorKind::ConnectTimeout => Error::Timeout(TimeoutError {
            operation,
            kind: TimeoutKind::Connect,
            after: connect_timeout,
            attempts: 1,
        }),
        HttpErrorKind::BodyTooLarge { status, limit } => Error::Response(ResponseError {
            operation,
            message: format!("the response body is larger than the limit of {limit} bytes"),
            meta: ErrorMetadata {
                status: Some(status),
                ..Default::default()
            },
        }),
        _ => Error::Transport(TransportError {
            operation,
            error: e,
            attempts: 1,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates() {
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(
            parse_http_date("Wed, 02 Dec 2026 12:00:00 GMT"),
            Some(1_796_212_800)
        );
        for bad in [
            "",
            "Sun, 06 Nov 1994 08:49:37",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 32 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:49:37 GMT",
            "Sun, 06 Nov 99999999999999999999 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT extra",
            "Sunday, 06-Nov-94 08:49:37 GMT",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn invocation_ids_are_distinct_v4_uuids() {
        let a = invocation_id();
        let b = invocation_id();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(a.as_bytes()[14], b'4');
        assert!(matches!(a.as_bytes()[19], b'8' | b'9' | b'a' | b'b'), "{a}");
    }

    #[test]
    fn skew_errors() {
        assert!(is_skew_error(Some("RequestTimeTooSkewed"), None));
        assert!(is_skew_error(
            Some("InvalidSignatureException"),
            Some("Signature expired: 20260101T000000Z is now earlier than 20260101T000500Z")
        ));
        assert!(!is_skew_error(
            Some("InvalidSignatureException"),
            Some("The request signature we calculated does not match")
        ));
        assert!(!is_skew_error(Some("UserNotFoundException"), None));
    }
}
