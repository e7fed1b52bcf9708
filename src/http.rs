//! The HTTP/1.1 client under every call: hyper's pooled client, with TLS from rustls (feature `rustls`,
//! the default) or the platform's library (feature `native-tls`).
//!
//! Every client made from one [`Config`](crate::Config) shares one [`HttpClient`] and so one connection
//! pool. Build your own to change pool or TLS settings and pass it to
//! [`ConfigBuilder::http_client`](crate::ConfigBuilder::http_client).

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer};

use crate::error::chain;

/// The `user-agent` sent when a request sets none.
const USER_AGENT: &str = concat!("cognito-rs/", env!("CARGO_PKG_VERSION"));

#[cfg(feature = "rustls")]
type Connector = hyper_rustls::HttpsConnector<HttpConnector>;
#[cfg(all(feature = "native-tls", not(feature = "rustls")))]
type Connector = hyper_tls::HttpsConnector<HttpConnector>;
#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
type Connector = HttpConnector;

/// Whether this build can speak `https`.
const TLS: bool = cfg!(any(feature = "rustls", feature = "native-tls"));

/// A pooled HTTP/1.1 client. Cheap to clone: clones share the pool.
#[derive(Clone)]
pub struct HttpClient {
    client: Client<Connector, Full<Bytes>>,
    connect_timeout: Option<Duration>,
}

impl fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpClient")
            .field("connect_timeout", &self.connect_timeout)
            .field("tls", &TLS)
            .finish_non_exhaustive()
    }
}

/// Settings for an [`HttpClient`]; get one from [`HttpClient::builder`].
pub struct HttpClientBuilder {
    connect_timeout: Option<Duration>,
    pool_idle_timeout: Option<Duration>,
    pool_max_idle_per_host: usize,
    #[cfg(feature = "rustls")]
    tls: Option<rustls::ClientConfig>,
}

impl fmt::Debug for HttpClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpClientBuilder")
            .field("connect_timeout", &self.connect_timeout)
            .field("pool_idle_timeout", &self.pool_idle_timeout)
            .field("pool_max_idle_per_host", &self.pool_max_idle_per_host)
            .finish_non_exhaustive()
    }
}

/// An [`HttpClient`] that could not be built (the platform's TLS library refused to start).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpClientError {
    message: String,
}

impl fmt::Display for HttpClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot build the HTTP client: {}", self.message)
    }
}

impl StdError for HttpClientError {}

impl HttpClient {
    /// A client with the default settings: 5 s to connect, idle connections kept for 90 s.
    pub fn new() -> Result<HttpClient, HttpClientError> {
        HttpClient::builder().build()
    }

    /// Settings for a client of your own.
    pub fn builder() -> HttpClientBuilder {
        HttpClientBuilder {
            connect_timeout: Some(Duration::from_secs(5)),
            pool_idle_timeout: Some(Duration::from_secs(90)),
            pool_max_idle_per_host: usize::MAX,
            #[cfg(feature = "rustls")]
            tls: None,
        }
    }

    /// Sends `request` and reads its body, up to `limit` bytes.
    pub(crate) async fn send(
        &self,
        mut request: http::Request<Full<Bytes>>,
        limit: usize,
    ) -> Result<Response, SendError> {
        if !TLS && request.uri().scheme_str() == Some("https") {
            return Err(SendError::Failed(
                "https needs the `rustls` or the `native-tls` feature of cognito".to_owned(),
            ));
        }
        if !request.headers().contains_key(http::header::USER_AGENT) {
            request.headers_mut().insert(
                http::header::USER_AGENT,
                http::HeaderValue::from_static(USER_AGENT),
            );
        }
        let response = self
            .client
            .request(request)
            .await
            .map_err(|e| self.request_error(&e))?;
        let (parts, mut body) = response.into_parts();
        let status = parts.status.as_u16();
        let declared = parts
            .headers
            .get(http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > limit as u64) {
            return Err(SendError::TooLarge { status });
        }
        let mut bytes = Vec::with_capacity(declared.map_or(1024, |n| n as usize));
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| SendError::Failed(chain(&e)))?;
            if let Ok(data) = frame.into_data() {
                if bytes.len() + data.len() > limit {
                    return Err(SendError::TooLarge { status });
                }
                bytes.extend_from_slice(&data);
            }
        }
        Ok(Response {
            status,
            headers: parts.headers,
            body: bytes,
        })
    }

    /// A GET of `url` with an `accept` header, for the JWKS fetcher.
    #[cfg(feature = "jwt")]
    pub(crate) async fn get(
        &self,
        url: &str,
        accept: &'static str,
        limit: usize,
    ) -> Result<Response, SendError> {
        let request = http::Request::get(url)
            .header(http::header::ACCEPT, accept)
            .body(Full::new(Bytes::new()))
            .map_err(|e| SendError::Failed(format!("invalid request: {e}")))?;
        self.send(request, limit).await
    }

    fn request_error(&self, e: &hyper_util::client::legacy::Error) -> SendError {
        let mut source: Option<&(dyn StdError + 'static)> = Some(e);
        while let Some(err) = source {
            if let Some(io) = err.downcast_ref::<std::io::Error>() {
                if io.kind() == std::io::ErrorKind::TimedOut && e.is_connect() {
                    return SendError::ConnectTimeout(self.connect_timeout.unwrap_or_default());
                }
            }
            source = err.source();
        }
        SendError::Failed(chain(e))
    }
}

impl HttpClientBuilder {
    /// Time allowed to open a TCP connection (default 5 s; `None`: no limit).
    pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long an idle connection stays in the pool (default 90 s; `None`: no limit).
    pub fn pool_idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.pool_idle_timeout = timeout;
        self
    }

    /// At most this many idle connections per host (default: no limit; 0 turns pooling off).
    pub fn pool_max_idle_per_host(mut self, max: usize) -> Self {
        self.pool_max_idle_per_host = max;
        self
    }

    /// Uses this rustls configuration (your own roots, client certificates) for `https`. By default,
    /// the webpki root certificates with rustls' `ring` provider and safe default protocol versions.
    #[cfg(feature = "rustls")]
    pub fn tls_config(mut self, config: rustls::ClientConfig) -> Self {
        self.tls = Some(config);
        self
    }

    /// Builds the client. It needs no runtime to be built, but must be used inside a tokio runtime.
    pub fn build(self) -> Result<HttpClient, HttpClientError> {
        let mut http = HttpConnector::new();
        http.set_connect_timeout(self.connect_timeout);
        http.set_nodelay(true);
        http.enforce_http(!TLS);
        #[cfg(feature = "rustls")]
        let connector = {
            let tls = match self.tls {
                Some(tls) => tls,
                None => default_tls()?,
            };
            hyper_rustls::HttpsConnectorBuilder::new()
                .with_tls_config(tls)
                .https_or_http()
                .enable_http1()
                .wrap_connector(http)
        };
        #[cfg(all(feature = "native-tls", not(feature = "rustls")))]
        let connector = {
            let tls = native_tls::TlsConnector::new()
                .map_err(|e| HttpClientError { message: chain(&e) })?;
            hyper_tls::HttpsConnector::from((http, tokio_native_tls::TlsConnector::from(tls)))
        };
        #[cfg(not(any(feature = "rustls", feature = "native-tls")))]
        let connector = http;
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(self.pool_idle_timeout)
            .pool_max_idle_per_host(self.pool_max_idle_per_host)
            .pool_timer(TokioTimer::new())
            .build(connector);
        Ok(HttpClient {
            client,
            connect_timeout: self.connect_timeout,
        })
    }
}

/// rustls with the `ring` provider and the webpki roots.
#[cfg(feature = "rustls")]
fn default_tls() -> Result<rustls::ClientConfig, HttpClientError> {
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| HttpClientError {
            message: e.to_string(),
        })?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

/// A response with its whole body.
#[derive(Debug)]
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) headers: http::HeaderMap,
    pub(crate) body: Vec<u8>,
}

/// Why [`HttpClient::send`] gave no response.
#[derive(Debug)]
pub(crate) enum SendError {
    /// The TCP connection was not open within the connect timeout.
    ConnectTimeout(Duration),
    /// The body is over the limit (by its `content-length` or as read).
    TooLarge { status: u16 },
    /// Anything else: refused, reset, closed early, TLS failure; the message has the whole chain.
    Failed(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_settings_only() {
        let b = HttpClient::builder().connect_timeout(Some(Duration::from_secs(2)));
        assert!(format!("{b:?}").contains("2s"));
        let client = b.build().expect("builds without a runtime");
        let shown = format!("{client:?}");
        assert!(shown.starts_with("HttpClient"), "{shown}");
    }

    #[tokio::test]
    async fn refused_port_is_a_failure_with_a_message() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        drop(listener);
        let client = HttpClient::new().expect("client");
        let request = http::Request::get(format!("http://127.0.0.1:{port}/"))
            .body(Full::new(Bytes::new()))
            .expect("request");
        match client.send(request, 1024).await {
            Err(SendError::Failed(message)) => assert!(!message.is_empty()),
            other => panic!("expected a failure, got {other:?}"),
        }
    }
}
