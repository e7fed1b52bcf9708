//! The default [`HttpTransport`]: a [`reqwest::Client`].

use std::time::Duration;

use bytes::{Bytes, BytesMut};

use super::{BoxFuture, HttpError, HttpErrorKind, HttpTransport};

/// An [`HttpTransport`] over a [`reqwest::Client`]: its connection pool, proxies, TLS settings, root
/// certificates and default headers apply to every call. Cheap to clone: clones share the pool.
#[derive(Clone, Debug)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    /// Sends requests with `client`.
    pub fn new(client: reqwest::Client) -> ReqwestTransport {
        ReqwestTransport { client }
    }

    /// The client underneath.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// The client a [`Config`](crate::Config) builds when it is given none: `connect_timeout`, TCP
    /// keepalive, idle connections closed after 90 s, no redirects followed, proxies from the environment (`HTTP_PROXY`,
    /// `HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`), the platform's root certificates (plus the webpki roots
    /// with the `webpki-roots` feature), and HTTP/2 by ALPN when the `http2` feature is on. With the
    /// `native-tls` feature the platform's TLS library is used, even when `rustls` is on too.
    ///
    /// # Errors
    /// When the TLS backend cannot start (no usable rustls crypto provider, or the platform library
    /// failed).
    pub fn default_client(connect_timeout: Duration) -> Result<reqwest::Client, reqwest::Error> {
        let builder = reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .pool_idle_timeout(Duration::from_secs(90))
            .tcp_keepalive(Duration::from_secs(60))
            .tcp_nodelay(true)
            // AWS endpoints and JWKS URLs never redirect; following one could downgrade an `https`
            // fetch of signing keys to `http`, or send a signed request elsewhere.
            .redirect(reqwest::redirect::Policy::none());
        // Asked for by name (rustls is the default): the platform's library wins when both are on.
        #[cfg(feature = "native-tls")]
        let builder = builder.tls_backend_native();
        #[cfg(feature = "webpki-roots")]
        let builder = builder.tls_certs_merge(
            webpki_root_certs::TLS_SERVER_ROOT_CERTS
                .iter()
                .filter_map(|der| reqwest::Certificate::from_der(der.as_ref()).ok()),
        );
        builder.build()
    }
}

impl HttpTransport for ReqwestTransport {
    fn send(
        &self,
        request: http::Request<Bytes>,
        max_response_bytes: usize,
    ) -> BoxFuture<'_, Result<http::Response<Bytes>, HttpError>> {
        Box::pin(self.send_bounded(request, max_response_bytes))
    }
}

impl ReqwestTransport {
    async fn send_bounded(
        &self,
        request: http::Request<Bytes>,
        limit: usize,
    ) -> Result<http::Response<Bytes>, HttpError> {
        let request = reqwest::Request::try_from(request)
            .map_err(|e| HttpError::new(HttpErrorKind::InvalidRequest, e))?;
        let mut response = self.client.execute(request).await.map_err(classify)?;
        let status = response.status();
        if response.content_length().is_some_and(|n| n > limit as u64) {
            return Err(HttpError::body_too_large(status.as_u16(), limit));
        }
        let capacity = response
            .content_length()
            .map_or(1024, |n| n as usize)
            .min(limit);
        let mut body = BytesMut::with_capacity(capacity);
        while let Some(chunk) = response.chunk().await.map_err(classify)? {
            if body.len() + chunk.len() > limit {
                return Err(HttpError::body_too_large(status.as_u16(), limit));
            }
            body.extend_from_slice(&chunk);
        }
        let mut out = http::Response::new(body.freeze());
        *out.status_mut() = status;
        *out.version_mut() = response.version();
        *out.headers_mut() = std::mem::take(response.headers_mut());
        Ok(out)
    }
}

/// Sorts a reqwest error by whether the request can have reached the server.
fn classify(e: reqwest::Error) -> HttpError {
    let kind = if e.is_builder() {
        HttpErrorKind::InvalidRequest
    } else if e.is_connect() && e.is_timeout() {
        HttpErrorKind::ConnectTimeout
    } else if e.is_connect() {
        HttpErrorKind::Connect
    } else {
        HttpErrorKind::Io
    };
    HttpError::new(kind, e)
}
