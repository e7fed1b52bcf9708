//! HTTP proxies: a `CONNECT` tunnel through an `http://` proxy, chosen from the builder or from
//! `HTTPS_PROXY` / `NO_PROXY`.

use std::io;

use tokio::net::TcpStream;

use super::connect::Target;
use super::SendError;

/// The longest proxy answer to `CONNECT` read before giving up.
const MAX_CONNECT_RESPONSE: usize = 8 * 1024;

/// A proxy reached over plain TCP.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Proxy {
    host: String,
    port: u16,
    /// `Basic …` from the URL's user and password. Never shown by `Debug`.
    authorization: Option<String>,
}

impl std::fmt::Debug for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Proxy")
            .field("host", &self.host)
            .field("port", &self.port)
            .field(
                "authorization",
                &self
                    .authorization
                    .as_ref()
                    .map(|_| crate::primitives::REDACTED),
            )
            .finish()
    }
}

impl Proxy {
    /// Parses `http://[user[:password]@]host[:port]` (port 80 by default; a bare `host:port` is taken as
    /// `http`).
    pub(crate) fn parse(url: &str) -> Result<Proxy, String> {
        let url = url.trim();
        let rest = match url.split_once("://") {
            Some(("http", rest)) => rest,
            Some((scheme, _)) => {
                return Err(format!(
                    "the proxy scheme {scheme:?} is not supported (only http)"
                ))
            }
            None => url,
        };
        let authority = rest.split('/').next().unwrap_or("");
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((user, host)) => (Some(user), host),
            None => (None, authority),
        };
        let uri: http::Uri = format!("http://{hostport}/")
            .parse()
            .map_err(|e| format!("invalid proxy URL: {e}"))?;
        let host = uri
            .host()
            .filter(|h| !h.is_empty())
            .ok_or("the proxy URL has no host")?;
        let authorization = userinfo.map(|info| {
            let decoded: String = info
                .split(':')
                .map(|part| {
                    percent_encoding::percent_decode_str(part)
                        .decode_utf8_lossy()
                        .into_owned()
                })
                .collect::<Vec<_>>()
                .join(":");
            format!(
                "Basic {}",
                base64_simd::STANDARD.encode_to_string(decoded.as_bytes())
            )
        });
        Ok(Proxy {
            host: host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_owned(),
            port: uri.port_u16().unwrap_or(80),
            authorization,
        })
    }

    /// Opens a TCP connection to the proxy and a `CONNECT` tunnel through it to `target`.
    pub(crate) async fn tunnel(&self, target: &Target) -> Result<TcpStream, SendError> {
        let tcp = TcpStream::connect((self.host.as_str(), self.port))
            .await
            .map_err(|e| {
                SendError::Failed(format!(
                    "cannot connect to the proxy {}:{}: {e}",
                    self.host, self.port
                ))
            })?;
        let _ = tcp.set_nodelay(true);
        let authority = format!("{}:{}", target.host, target.port);
        let mut request = format!("CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n");
        if let Some(auth) = &self.authorization {
            request.push_str(&format!("Proxy-Authorization: {auth}\r\n"));
        }
        request.push_str("\r\n");
        let failed = |what: String| SendError::Failed(format!("the proxy {}: {what}", self.host));
        write_all(&tcp, request.as_bytes())
            .await
            .map_err(|e| failed(format!("cannot send CONNECT: {e}")))?;
        // Read the answer's head byte by byte, so nothing of the tunnel is consumed.
        let mut head = Vec::with_capacity(256);
        while !head.ends_with(b"\r\n\r\n") {
            if head.len() >= MAX_CONNECT_RESPONSE {
                return Err(failed("its answer to CONNECT is too long".to_owned()));
            }
            let byte = read_byte(&tcp)
                .await
                .map_err(|e| failed(format!("no complete answer to CONNECT: {e}")))?;
            head.push(byte);
        }
        let status_line = head
            .split(|b| *b == b'\n')
            .next()
            .map(|l| String::from_utf8_lossy(l).trim().to_owned())
            .unwrap_or_default();
        let status = status_line.split_whitespace().nth(1).unwrap_or("");
        if status.len() == 3 && status.starts_with('2') {
            Ok(tcp)
        } else {
            Err(failed(format!(
                "CONNECT {authority} refused: {status_line}"
            )))
        }
    }
}

/// Writes all of `buf` (tokio's `io-util` extension traits would do, but cost a feature).
async fn write_all(tcp: &TcpStream, mut buf: &[u8]) -> io::Result<()> {
    while !buf.is_empty() {
        tcp.writable().await?;
        match tcp.try_write(buf) {
            Ok(n) => buf = &buf[n..],
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Reads one byte; the end of the stream is an error.
async fn read_byte(tcp: &TcpStream) -> io::Result<u8> {
    let mut byte = [0u8; 1];
    loop {
        tcp.readable().await?;
        match tcp.try_read(&mut byte) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(_) => return Ok(byte[0]),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
    }
}

/// Which targets go through which proxy.
#[derive(Clone, Debug, Default)]
pub(crate) struct ProxyRules {
    /// Set with the builder: every target goes through it.
    pub(crate) all: Option<Proxy>,
    /// From `HTTPS_PROXY`: `https` targets not matched by `no_proxy` go through it.
    pub(crate) https: Option<Proxy>,
    /// From `NO_PROXY`: host suffixes (`.example.com` or `example.com`), or `*` for every host.
    pub(crate) no_proxy: Vec<String>,
}

impl ProxyRules {
    /// `HTTPS_PROXY` / `https_proxy` and `NO_PROXY` / `no_proxy`, read through `lookup`. An invalid
    /// `HTTPS_PROXY` is an error, not silently ignored.
    pub(crate) fn from_env(lookup: &dyn Fn(&str) -> Option<String>) -> Result<ProxyRules, String> {
        let var = |upper: &str, lower: &str| {
            lookup(upper)
                .or_else(|| lookup(lower))
                .filter(|v| !v.trim().is_empty())
        };
        let https = var("HTTPS_PROXY", "https_proxy")
            .map(|url| Proxy::parse(&url).map_err(|e| format!("HTTPS_PROXY: {e}")))
            .transpose()?;
        let no_proxy = var("NO_PROXY", "no_proxy")
            .map(|v| {
                v.split(',')
                    .map(|h| h.trim().trim_start_matches('.').to_ascii_lowercase())
                    .filter(|h| !h.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        Ok(ProxyRules {
            all: None,
            https,
            no_proxy,
        })
    }

    /// The proxy for `target`, if any. Loopback hosts never use the environment's proxy.
    pub(crate) fn for_target(&self, target: &Target) -> Option<&Proxy> {
        if let Some(all) = &self.all {
            return Some(all);
        }
        let proxy = self.https.as_ref().filter(|_| target.https)?;
        let host = target.bare_host().to_ascii_lowercase();
        let loopback = host == "localhost"
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        let excluded = self.no_proxy.iter().any(|rule| {
            rule == "*"
                || host == *rule
                || (host.ends_with(rule.as_str()) && host[..host.len() - rule.len()].ends_with('.'))
        });
        (!loopback && !excluded).then_some(proxy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(url: &str) -> Target {
        Target::of(&url.parse().expect("uri")).expect("target")
    }

    #[test]
    fn parses_proxy_urls_and_keeps_credentials_out_of_debug() {
        let p = Proxy::parse("http://alice:p%40ss@proxy.corp:3128").expect("parses");
        assert_eq!((p.host.as_str(), p.port), ("proxy.corp", 3128));
        // "alice:p@ss" in base64.
        assert_eq!(p.authorization.as_deref(), Some("Basic YWxpY2U6cEBzcw=="));
        let shown = format!("{p:?}");
        assert!(!shown.contains("YWxp"), "{shown}");
        let bare = Proxy::parse("proxy.corp:8080").expect("parses");
        assert_eq!((bare.port, bare.authorization), (8080, None));
        assert_eq!(Proxy::parse("http://proxy/").expect("parses").port, 80);
        assert!(Proxy::parse("socks5://proxy:1080").is_err());
        assert!(Proxy::parse("http://").is_err());
    }

    #[test]
    fn environment_rules() {
        let env = |name: &str| match name {
            "https_proxy" => Some("http://proxy.corp:3128".to_owned()),
            "NO_PROXY" => Some("internal.example, .corp.example".to_owned()),
            _ => None,
        };
        let rules = ProxyRules::from_env(&env).expect("valid");
        let via = |url: &str| rules.for_target(&target(url)).is_some();
        assert!(via("https://cognito-idp.us-east-1.amazonaws.com/"));
        assert!(
            !via("http://cognito-idp.us-east-1.amazonaws.com/"),
            "http is not proxied"
        );
        assert!(!via("https://internal.example/"));
        assert!(!via("https://a.internal.example/"));
        assert!(via("https://notinternal.example/"));
        assert!(!via("https://x.corp.example/"));
        assert!(!via("https://127.0.0.1:9229/"));
        assert!(!via("https://localhost/"));
        assert!(!via("https://[::1]:9229/"));

        let bad = |name: &str| (name == "HTTPS_PROXY").then(|| "ftp://x".to_owned());
        assert!(ProxyRules::from_env(&bad).is_err());
        let star = |name: &str| match name {
            "HTTPS_PROXY" => Some("proxy:1".to_owned()),
            "no_proxy" => Some("*".to_owned()),
            _ => None,
        };
        let rules = ProxyRules::from_env(&star).expect("valid");
        assert!(rules.for_target(&target("https://example.com/")).is_none());
    }

    #[test]
    fn a_proxy_set_by_hand_takes_every_target() {
        let rules = ProxyRules {
            all: Some(Proxy::parse("http://127.0.0.1:3128").expect("parses")),
            ..Default::default()
        };
        assert!(rules
            .for_target(&target("http://127.0.0.1:9229/"))
            .is_some());
    }
}
