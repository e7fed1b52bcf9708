//! The send path every operation shares: serialize → sign → send → read (bounded) → decode, with
//! timeouts and retries. Generic code is kept to the thin [`Handle::send`]; the rest is not generic, so it
//! is compiled once, not once per operation.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_credential_types::provider::ProvideCredentials;

use crate::config::Config;
use crate::endpoint::{self, ResolvedEndpoint, ServiceId};
use crate::error::{
    chain, decode_metadata, CredentialsError, ErrorMetadata, InvalidInput, ResponseError,
    ServiceError, TimeoutError, TimeoutKind, TransportError,
};
use crate::fluent::FluentBuilder;
use crate::operation::{Operation, Request};
use crate::retry::{AttemptOutcome, RetryDecision, RetryState};
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
    http: Result<crate::http::HttpClient, String>,
    /// The app client whose secret fills `SECRET_HASH` / `ClientSecret` members (user pools).
    app_client: Option<crate::auth::AppClient>,
}

/// A response as read from the wire.
pub(crate) struct RawResponse {
    /// How many attempts the call took (1 without retries).
    pub(crate) attempts: u32,
    pub(crate) status: u16,
    pub(crate) headers: http::HeaderMap,
    pub(crate) body: Vec<u8>,
}

/// The error type of the non-generic part of the send path: every kind but a service error, which is
/// decoded by the generic part.
type RawError = Error<std::convert::Infallible>;

impl Handle {
    /// A handle for `service` under `config`.
    pub(crate) fn new(config: &Config, service: &'static ServiceSpec) -> Handle {
        let http = config.http_client().cloned().map(Ok).unwrap_or_else(|| {
            crate::http::HttpClient::builder()
                .connect_timeout(Some(config.timeouts().connect))
                .build()
                .map_err(|e| e.to_string())
        });
        Handle {
            inner: Arc::new(Inner {
                service,
                config: config.clone(),
                endpoint: endpoint::resolve(config, service.id).ok(),
                http,
                app_client: None,
            }),
        }
    }

    /// The same handle (configuration and connection pool) with `app` filling in secrets.
    pub(crate) fn with_app_client(&self, app: Option<crate::auth::AppClient>) -> Handle {
        let inner = &*self.inner;
        Handle {
            inner: Arc::new(Inner {
                service: inner.service,
                config: inner.config.clone(),
                endpoint: inner.endpoint.clone(),
                http: inner.http.clone(),
                app_client: app,
            }),
        }
    }

    /// The app client set with [`Handle::with_app_client`].
    pub(crate) fn app_client(&self) -> Option<&crate::auth::AppClient> {
        self.inner.app_client.as_ref()
    }

    /// A fluent builder with a default input.
    pub(crate) fn builder<I: Default>(&self) -> FluentBuilder<I> {
        FluentBuilder::new(self.clone(), I::default())
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
    /// Boxed so that the HTTP, TLS and retry machinery is compiled once, here, and not again in every
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
        let http = inner.http.as_ref().map_err(|e| {
            Error::Transport(TransportError {
                operation,
                message: e.clone(),
                source: None,
            })
        })?;
        let url = format!("{}{}", endpoint.url, request.path_and_query);
        let timeouts = inner.config.timeouts();
        let mut retry = RetryState::new(inner.config.retry());
        loop {
            retry.before_attempt().await;
            trace.attempt(retry.attempts());
            let attempt = self.attempt(http, operation, signed, request, &url, &endpoint);
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
                    trace.retry(retry.attempts(), delay);
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    /// One attempt: sign (with a fresh date), send, read the body within the size limit.
    async fn attempt(
        &self,
        http: &crate::http::HttpClient,
        operation: &'static str,
        signed: bool,
        request: &Request,
        url: &str,
        endpoint: &ResolvedEndpoint,
    ) -> Result<RawResponse, RawError> {
        let headers: Vec<(&str, &str)> = request
            .headers
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .collect();
        let signature = if signed {
            let credentials = self.credentials(operation).await?;
            let unsigned = crate::sign::Unsigned {
                method: request.method,
                url,
                headers: &headers,
                body: &request.body,
            };
            crate::sign::sign_request(
                &unsigned,
                &credentials,
                &endpoint.region,
                self.inner.service.signing_name,
                SystemTime::now(),
            )
            .map_err(|message| {
                Error::Credentials(CredentialsError {
                    operation,
                    message,
                    source: None,
                })
            })?
        } else {
            Vec::new()
        };
        let mut builder = http::Request::builder().method(request.method).uri(url);
        for (k, v) in headers
            .into_iter()
            .chain(signature.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        {
            builder = builder.header(k, v);
        }
        let http_request = builder
            .body(http_body_util::Full::new(bytes::Bytes::from(
                request.body.clone(),
            )))
            .map_err(|e| {
                Error::InvalidInput(InvalidInput {
                    operation,
                    message: format!("cannot build the HTTP request: {e}"),
                })
            })?;
        let limit = self.inner.config.max_response_bytes();
        let response = http
            .send(http_request, limit)
            .await
            .map_err(|e| transport(operation, e, limit))?;
        let crate::http::Response {
            status,
            headers,
            body,
        } = response;
        Ok(RawResponse {
            attempts: 1,
            status,
            headers,
            body,
        })
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
                message: format!("the credentials provider failed: {}", chain(&e)),
                source: Some(Box::new(e)),
            })
        })
    }
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

    /// Attempt `n` (from 1) starts.
    fn attempt(&self, n: u32) {
        self.attempts.store(n, std::sync::atomic::Ordering::Relaxed);
        #[cfg(feature = "tracing")]
        self.span.record("attempt", n);
    }

    /// How many attempts have started.
    fn attempts(&self) -> u32 {
        self.attempts.load(std::sync::atomic::Ordering::Relaxed)
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
            Err(e) => tracing::debug!(parent: &self.span, error = %e, "attempt failed"),
        }
    }

    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    fn retry(&self, attempts: u32, delay: Duration) {
        #[cfg(feature = "tracing")]
        tracing::debug!(parent: &self.span, attempt = attempts, delay_ms = delay.as_millis() as u64, "retrying");
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
        Err(Error::Transport(mut e)) if attempts > 1 => {
            e.message = format!("{} (gave up after {attempts} attempts)", e.message);
            Err(Error::Transport(e))
        }
        Err(Error::Timeout(mut e)) if attempts > 1 => {
            e.attempts = attempts;
            Err(Error::Timeout(e))
        }
        Err(e) => Err(e),
    }
}

/// A response body over the configured limit.
fn too_large(operation: &'static str, status: u16, limit: usize) -> RawError {
    Error::Response(ResponseError {
        operation,
        message: format!("the response body is larger than the limit of {limit} bytes"),
        meta: ErrorMetadata {
            status: Some(status),
            ..Default::default()
        },
    })
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

fn transport(operation: &'static str, e: crate::http::SendError, limit: usize) -> RawError {
    match e {
        crate::http::SendError::ConnectTimeout(after) => Error::Timeout(TimeoutError {
            operation,
            kind: TimeoutKind::Connect,
            after,
            attempts: 1,
        }),
        crate::http::SendError::TooLarge { status } => too_large(operation, status, limit),
        crate::http::SendError::Failed(message) => Error::Transport(TransportError {
            operation,
            message,
            source: None,
        }),
    }
}
