//! Opening a connection: TCP, then TLS for `https`, then hyper's HTTP/1.1 handshake.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::client::conn::http1::SendRequest;
use tokio::net::TcpStream;

use super::io::{Io, Socket};
use super::proxy::Proxy;
use super::SendError;
use crate::error::chain;

/// Where a request goes: the pool keeps connections per target.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Target {
    pub(crate) https: bool,
    /// The host as in the URI (`[::1]` keeps its brackets).
    pub(crate) host: String,
    pub(crate) port: u16,
    /// Whether the URI named the port.
    explicit_port: bool,
}

impl Target {
    /// The target of an absolute `http` or `https` URI.
    pub(crate) fn of(uri: &http::Uri) -> Result<Target, String> {
        let https = match uri.scheme_str() {
            Some("https") => true,
            Some("http") => false,
            Some(other) => return Err(format!("the URL scheme {other:?} is not http or https")),
            None => return Err(format!("the URL {uri} is not absolute")),
        };
        let host = match uri.host() {
            Some(host) if !host.is_empty() => host.to_owned(),
            _ => return Err(format!("the URL {uri} has no host")),
        };
        let default = if https { 443 } else { 80 };
        Ok(Target {
            https,
            host,
            port: uri.port_u16().unwrap_or(default),
            explicit_port: uri.port_u16().is_some(),
        })
    }

    /// The `host` header: the host, and the port unless it is the scheme's default (as `aws-sigv4`
    /// signs it).
    pub(crate) fn host_header(&self) -> String {
        let default = if self.https { 443 } else { 80 };
        if self.explicit_port && self.port != default {
            format!("{}:{}", self.host, self.port)
        } else {
            self.host.clone()
        }
    }

    /// The host to resolve and to name in TLS: without an IPv6 literal's brackets.
    pub(crate) fn bare_host(&self) -> &str {
        self.host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(&self.host)
    }
}

/// How `https` connections are made.
#[derive(Clone)]
pub(crate) enum Tls {
    /// rustls.
    #[cfg(feature = "rustls")]
    Rustls(tokio_rustls::TlsConnector),
    /// The platform's library.
    #[cfg(all(feature = "native-tls", not(feature = "rustls")))]
    Native(tokio_native_tls::TlsConnector),
    /// This build has no TLS.
    #[cfg(not(any(feature = "rustls", feature = "native-tls")))]
    None,
}

/// Opens a connection to `target` within `timeout` (TCP and TLS) and starts its HTTP/1.1 task.
pub(crate) async fn connect(
    target: &Target,
    tls: &Tls,
    proxy: Option<&Proxy>,
    timeout: Option<Duration>,
) -> Result<SendRequest<Full<Bytes>>, SendError> {
    let open = open(target, tls, proxy);
    let socket = match timeout {
        Some(limit) => tokio::time::timeout(limit, open)
            .await
            .map_err(|_| SendError::ConnectTimeout(limit))??,
        None => open.await?,
    };
    let (sender, connection) = hyper::client::conn::http1::handshake(Io::new(socket))
        .await
        .map_err(|e| SendError::Failed(chain(&e)))?;
    // The connection's own task: it ends when the server closes or every sender is dropped.
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(sender)
}

async fn open(
    target: &Target,
    tls: &Tls,
    proxy: Option<&Proxy>,
) -> Result<Box<dyn Socket>, SendError> {
    let host = target.bare_host();
    let tcp = match proxy {
        Some(proxy) => proxy.tunnel(target).await?,
        None => TcpStream::connect((host, target.port)).await.map_err(|e| {
            SendError::Failed(format!("cannot connect to {host}:{}: {e}", target.port))
        })?,
    };
    let _ = tcp.set_nodelay(true);
    if !target.https {
        return Ok(Box::new(tcp));
    }
    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    let handshake_failed = |e: &dyn std::error::Error| {
        SendError::Failed(format!(
            "the TLS handshake with {host} failed: {}",
            chain(e)
        ))
    };
    match tls {
        #[cfg(feature = "rustls")]
        Tls::Rustls(connector) => {
            let name = rustls::pki_types::ServerName::try_from(host.to_owned()).map_err(|e| {
                SendError::Failed(format!("{host:?} is not a TLS server name: {e}"))
            })?;
            let stream = connector
                .connect(name, tcp)
                .await
                .map_err(|e| handshake_failed(&e))?;
            Ok(Box::new(stream))
        }
        #[cfg(all(feature = "native-tls", not(feature = "rustls")))]
        Tls::Native(connector) => {
            let stream = connector
                .connect(host, tcp)
                .await
                .map_err(|e| handshake_failed(&e))?;
            Ok(Box::new(stream))
        }
        #[cfg(not(any(feature = "rustls", feature = "native-tls")))]
        Tls::None => Err(SendError::Failed(
            "https needs the `rustls` or the `native-tls` feature of cognito".to_owned(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(url: &str) -> Result<Target, String> {
        Target::of(&url.parse().map_err(|e| format!("{e}"))?)
    }

    #[test]
    fn host_header_leaves_out_default_ports() {
        let cases = [
            ("http://localhost:80/", "localhost", 80),
            ("http://localhost:1234/", "localhost:1234", 1234),
            ("https://localhost:443/", "localhost", 443),
            (
                "https://cognito-idp.us-east-1.amazonaws.com/",
                "cognito-idp.us-east-1.amazonaws.com",
                443,
            ),
            ("http://[::1]:9229/", "[::1]:9229", 9229),
        ];
        for (url, host, port) in cases {
            let t = target(url).expect(url);
            assert_eq!(t.host_header(), host, "{url}");
            assert_eq!(t.port, port, "{url}");
        }
        assert_eq!(
            target("http://[::1]:9229/").map(|t| t.bare_host().to_owned()),
            Ok("::1".to_owned())
        );
    }

    #[test]
    fn other_schemes_and_relative_urls_are_refused() {
        assert!(target("ftp://example.com/").is_err());
        assert!(target("/just/a/path").is_err());
    }
}
