//! The HTTP/1.1 client under every call: hyper's HTTP/1.1 connections in a small pool of our own, with TLS
//! from rustls (feature `rustls`,
//! the default) or the platform's library (feature `native-tls`).
//!
//! Every client made from one [`Config`](crate::Config) shares one [`HttpClient`] and so one connection
//! pool. Build your own to change pool or TLS settings and pass it to
//! [`ConfigBuilder::http_client`](crate::ConfigBuilder::http_client).

mod connect;
mod io;
mod pool;
mod proxy;

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;

use self::connect::{connect, Target, Tls};
use self::pool::Pool;
use self::proxy::{Proxy, ProxyRules};
use crate::error::chain;

/// The `user-agent` sent when a request sets none.
const USER_AGENT: &str = concat!("cognito-rs/", env!("CARGO_PKG_VERSION"));

/// Whether this build can speak `https`.
const TLS: bool = cfg!(any(feature = "rustls", feature = "native-tls"));

/// A pooled HTTP/1.1 client. Cheap to clone: clones share the pool.
#[derive(Clone)]
pub struct HttpClient {
    inner: Arc<Inner>,
}

struct Inner {
    pool: Pool,
    tls: Tls,
    proxies: ProxyRules,
    connect_timeout: Option<Duration>,
}

impl fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpClient")
            .field("connect_timeout", &self.inner.connect_timeout)
            .field("tls", &TLS)
            .field("idle_connections", &self.inner.pool.idle_count())
            .finish_non_exhaustive()
    }
}

/// Settings for an [`HttpClient`]; get one from [`HttpClient::builder`].
pub struct HttpClientBuilder {
    connect_timeout: Option<Duration>,
    pool_idle_timeout: Option<Duration>,
    pool_max_idle_per_host: usize,
    proxy: ProxySetting,
    #[cfg(feature = "rustls")]
    tls: Option<rustls::ClientConfig>,
}

/// Where the proxy settings of an [`HttpClientBuilder`] come from.
#[derive(Debug)]
enum ProxySetting {
    /// `HTTPS_PROXY` and `NO_PROXY`, read when the client is built.
    Environment,
    /// This proxy URL, for every request.
    Url(String),
    /// No proxy.
    Off,
}

impl fmt::Debug for HttpClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpClientBuilder")
            .field("connect_timeout", &self.connect_timeout)
            .field("pool_idle_timeout", &self.pool_idle_timeout)
            .field("pool_max_idle_per_host", &self.pool_max_idle_per_host)
            .field(
                "proxy",
                match &self.proxy {
                    ProxySetting::Environment => &"from the environment",
                    ProxySetting::Url(_) => &"set",
                    ProxySetting::Off => &"off",
                },
            )
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
            proxy: ProxySetting::Environment,
            #[cfg(feature = "rustls")]
            tls: None,
        }
    }

    /// Sends `request` (with an absolute URI) and reads its body, up to `limit` bytes. An idle
    /// connection to the same target is reused when there is one; a request that a reused connection
    /// turned out too stale to take is sent again on a new one.
    pub(crate) async fn send(
        &self,
        mut request: http::Request<Full<Bytes>>,
        limit: usize,
    ) -> Result<Response, SendError> {
        let target = Target::of(request.uri()).map_err(SendError::Failed)?;
        let headers = request.headers_mut();
        if !headers.contains_key(http::header::HOST) {
            let host = http::HeaderValue::from_str(&target.host_header())
                .map_err(|e| SendError::Failed(format!("invalid host: {e}")))?;
            headers.insert(http::header::HOST, host);
        }
        if !headers.contains_key(http::header::USER_AGENT) {
            headers.insert(
                http::header::USER_AGENT,
                http::HeaderValue::from_static(USER_AGENT),
            );
        }
        // HTTP/1.1 to an origin server: the request line carries the path and query only.
        let origin = request
            .uri()
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .parse::<http::Uri>()
            .map_err(|e| SendError::Failed(format!("invalid path: {e}")))?;
        *request.uri_mut() = origin;

        let inner = &*self.inner;
        while let Some(mut sender) = inner.pool.take(&target) {
            if sender.ready().await.is_err() {
                continue;
            }
            match sender.try_send_request(request).await {
                Ok(response) => return self.read(response, sender, target, limit).await,
                Err(mut e) => match e.take_message() {
                    // Not sent: the connection was closed under us. Try the next one.
                    Some(unsent) => request = unsent,
                    None => return Err(SendError::Failed(chain(e.error()))),
                },
            }
        }
        let proxy = inner.proxies.for_target(&target);
        let mut sender = connect(&target, &inner.tls, proxy, inner.connect_timeout).await?;
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| SendError::Failed(chain(&e)))?;
        self.read(response, sender, target, limit).await
    }

    /// Reads a response's body within `limit`, then gives the connection back to the pool.
    async fn read(
        &self,
        response: http::Response<hyper::body::Incoming>,
        sender: SendRequest<Full<Bytes>>,
        target: Target,
        limit: usize,
    ) -> Result<Response, SendError> {
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
        self.inner.pool.put(target, sender);
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

    /// Sends every request through this `http://[user:password@]host[:port]` proxy (a `CONNECT`
    /// tunnel; the user and password go in `Proxy-Authorization`).
    ///
    /// By default the proxy comes from `HTTPS_PROXY` (or `https_proxy`) for `https` endpoints, except
    /// the hosts `NO_PROXY` lists and loopback hosts; plain `http` endpoints are reached directly.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = ProxySetting::Url(url.into());
        self
    }

    /// Ignores `HTTPS_PROXY`: every request goes straight to its endpoint.
    pub fn no_proxy(mut self) -> Self {
        self.proxy = ProxySetting::Off;
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
        let proxies = match &self.proxy {
            ProxySetting::Environment => ProxyRules::from_env(&|name| std::env::var(name).ok()),
            ProxySetting::Url(url) => Proxy::parse(url).map(|all| ProxyRules {
                all: Some(all),
                ..Default::default()
            }),
            ProxySetting::Off => Ok(ProxyRules::default()),
        }
        .map_err(|message| HttpClientError { message })?;
        #[cfg(feature = "rustls")]
        let tls = {
            let config = match self.tls {
                Some(config) => config,
                None => default_tls()?,
            };
            Tls::Rustls(tokio_rustls::TlsConnector::from(Arc::new(config)))
        };
        #[cfg(all(feature = "native-tls", not(feature = "rustls")))]
        let tls = {
            let connector = native_tls::TlsConnector::new()
                .map_err(|e| HttpClientError { message: chain(&e) })?;
            Tls::Native(tokio_native_tls::TlsConnector::from(connector))
        };
        #[cfg(not(any(feature = "rustls", feature = "native-tls")))]
        let tls = Tls::None;
        Ok(HttpClient {
            inner: Arc::new(Inner {
                pool: Pool::new(self.pool_max_idle_per_host, self.pool_idle_timeout),
                tls,
                proxies,
                connect_timeout: self.connect_timeout,
            }),
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
