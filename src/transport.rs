//! The transport: what carries a signed request to the service and brings the response back.
//!
//! The send path hands an [`HttpTransport`] a complete request (method, absolute URL, headers, body) and
//! gets back the status, the headers and the whole body, read up to a limit. That is the whole contract,
//! so a test double, a mock or an in-process fake can stand in for the network with no socket:
//!
//! ```
//! use cognito::transport::{self, HttpError};
//!
//! let fake = transport::from_fn(|request: http::Request<bytes::Bytes>| async move {
//!     assert_eq!(request.headers()["x-amz-target"], "AWSCognitoIdentityProviderService.GetUser");
//!     Ok::<_, HttpError>(
//!         http::Response::builder()
//!             .status(200)
//!             .body(bytes::Bytes::from_static(br#"{"Username":"alice","UserAttributes":[]}"#))
//!             .expect("a valid response"),
//!     )
//! });
//! let config = cognito::Config::builder().region("eu-west-1").transport(fake).build();
//! # let _ = config;
//! ```
//!
//! The default transport is [`ReqwestTransport`], over a [`reqwest::Client`]: its connection pool,
//! proxies (`HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`, read when the client is built), TLS
//! and root certificates. Pass your own client with
//! [`ConfigBuilder::http_client`](crate::ConfigBuilder::http_client).

mod reqwest_impl;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;

pub use reqwest_impl::ReqwestTransport;

/// A boxed, `Send` future: what [`HttpTransport::send`] returns.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Carries one HTTP request and reads its response.
///
/// Implementations must read the response body up to `max_response_bytes` and fail with
/// [`HttpError::body_too_large`] beyond it, without reading the rest into memory. (The send path checks
/// the limit again on what it gets back.)
pub trait HttpTransport: Send + Sync + fmt::Debug + 'static {
    /// Sends `request` (absolute URL, every header already set, signed when the operation is) and
    /// returns the response with its whole body.
    fn send(
        &self,
        request: http::Request<Bytes>,
        max_response_bytes: usize,
    ) -> BoxFuture<'_, Result<http::Response<Bytes>, HttpError>>;
}

/// A transport shared by the clients of one configuration.
pub(crate) type SharedTransport = Arc<dyn HttpTransport>;

/// A transport made of an async function (tests, mocks, in-process fakes): see [`from_fn`].
pub struct FnTransport<F> {
    f: F,
}

impl<F> fmt::Debug for FnTransport<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FnTransport")
    }
}

/// A transport that answers every request with `f(request)`; the response body limit is enforced by the
/// send path.
pub fn from_fn<F, Fut>(f: F) -> FnTransport<F>
where
    F: Fn(http::Request<Bytes>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<http::Response<Bytes>, HttpError>> + Send + 'static,
{
    FnTransport { f }
}

impl<F, Fut> HttpTransport for FnTransport<F>
where
    F: Fn(http::Request<Bytes>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<http::Response<Bytes>, HttpError>> + Send + 'static,
{
    fn send(
        &self,
        request: http::Request<Bytes>,
        _max_response_bytes: usize,
    ) -> BoxFuture<'_, Result<http::Response<Bytes>, HttpError>> {
        Box::pin((self.f)(request))
    }
}

/// What kind of failure an [`HttpError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HttpErrorKind {
    /// No connection could be made (DNS, refused, unreachable, TLS handshake, proxy refused the
    /// tunnel): the request never reached the server.
    Connect,
    /// No connection was made within the connect timeout: the request never reached the server.
    ConnectTimeout,
    /// The connection failed after the request started (reset, closed early, a broken body): the
    /// server may have received and acted on it.
    Io,
    /// The response body is larger than the limit (`max_response_bytes`).
    BodyTooLarge {
        /// The HTTP status of the response.
        status: u16,
        /// The limit, in bytes.
        limit: usize,
    },
    /// The request could not be made into an HTTP request (nothing was sent).
    InvalidRequest,
}

/// A request that the transport could not complete; the cause, when there is one, is its
/// [`source`](std::error::Error::source).
#[derive(Debug, thiserror::Error)]
#[error("{}", describe(.kind))]
pub struct HttpError {
    kind: HttpErrorKind,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

fn describe(kind: &HttpErrorKind) -> String {
    match kind {
        HttpErrorKind::Connect => "could not connect".to_owned(),
        HttpErrorKind::ConnectTimeout => "timed out connecting".to_owned(),
        HttpErrorKind::Io => "the connection failed while the request was in flight".to_owned(),
        HttpErrorKind::BodyTooLarge { status, limit } => {
            format!("the response body (HTTP {status}) is larger than the limit of {limit} bytes")
        }
        HttpErrorKind::InvalidRequest => "cannot make an HTTP request".to_owned(),
    }
}

impl HttpError {
    /// An error of `kind` caused by `source`.
    pub fn new(
        kind: HttpErrorKind,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> HttpError {
        HttpError {
            kind,
            source: Some(source.into()),
        }
    }

    /// No connection could be made; the request never left.
    pub fn connect(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> HttpError {
        HttpError::new(HttpErrorKind::Connect, source)
    }

    /// The connection failed after the request started.
    pub fn io(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> HttpError {
        HttpError::new(HttpErrorKind::Io, source)
    }

    /// The response body is over `limit` bytes.
    pub fn body_too_large(status: u16, limit: usize) -> HttpError {
        HttpError {
            kind: HttpErrorKind::BodyTooLarge { status, limit },
            source: None,
        }
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> HttpErrorKind {
        self.kind
    }

    /// False when the request certainly never reached the server (no connection was made, or no request
    /// could be built), so that even a non-idempotent call can be sent again safely; true otherwise.
    pub fn may_have_reached_server(&self) -> bool {
        !matches!(
            self.kind,
            HttpErrorKind::Connect | HttpErrorKind::ConnectTimeout | HttpErrorKind::InvalidRequest
        )
    }
}

/// The crate's `user-agent`: `cognito-rs/VERSION`.
pub(crate) const USER_AGENT: &str = concat!("cognito-rs/", env!("CARGO_PKG_VERSION"));

/// The `user-agent` header of every request: [`USER_AGENT`], and ` app/NAME` when an app name is set
/// (and is a valid header value).
pub(crate) fn user_agent(app_name: Option<&str>) -> http::HeaderValue {
    app_name
        .and_then(|app| http::HeaderValue::from_str(&format!("{USER_AGENT} app/{app}")).ok())
        .unwrap_or(http::HeaderValue::from_static(USER_AGENT))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_say_whether_the_request_left() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset by peer");
        let e = HttpError::io(io);
        assert!(e.may_have_reached_server());
        assert_eq!(
            e.to_string(),
            "the connection failed while the request was in flight"
        );
        let source = std::error::Error::source(&e).map(ToString::to_string);
        assert_eq!(source.as_deref(), Some("reset by peer"));
        assert!(!HttpError::connect("refused").may_have_reached_server());
        let big = HttpError::body_too_large(200, 10);
        assert_eq!(
            big.kind(),
            HttpErrorKind::BodyTooLarge {
                status: 200,
                limit: 10
            }
        );
        assert!(std::error::Error::source(&big).is_none());
    }
}
