//! Proxies as reqwest reads them from the environment: `HTTPS_PROXY` carries `https` calls through a
//! local `CONNECT` proxy, `NO_PROXY` (with a CIDR) bypasses it, plain `http` endpoints ignore it, and
//! the configuration's own default client reads it too.
//!
//! The environment is process-wide, so everything runs in one test, in order, in its own binary.

mod support;

use std::sync::{Arc, Mutex};

use cognito::{Config, Credentials, Error, RetryConfig};
use support::{CannedResponse, RecordingServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const USER: &str = r#"{"Username":"alice","UserAttributes":[]}"#;

/// A `CONNECT` proxy on 127.0.0.1 that tunnels to the requested authority; returns its port and the
/// request heads it received.
async fn connect_proxy() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let heads = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&heads);
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let seen = Arc::clone(&seen);
            tokio::spawn(async move {
                let mut head = Vec::new();
                while !head.ends_with(b"\r\n\r\n") {
                    let Ok(b) = client.read_u8().await else {
                        return;
                    };
                    head.push(b);
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                let authority = head.split_whitespace().nth(1).unwrap_or("").to_owned();
                seen.lock().unwrap_or_else(|e| e.into_inner()).push(head);
                // `localhost:PORT` → 127.0.0.1:PORT (nothing here resolves names).
                let target = authority.replace("localhost", "127.0.0.1");
                let Ok(mut upstream) = TcpStream::connect(target).await else {
                    let _ = client
                        .write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                        .await;
                    return;
                };
                let _ = client
                    .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    .await;
                let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
            });
        }
    });
    (port, heads)
}

/// A TLS endpoint on 127.0.0.1 (certificate for `localhost` and `127.0.0.1`) that forwards the
/// decrypted bytes to `upstream`; returns its port and the certificate to trust.
async fn tls_front(upstream: std::net::SocketAddr) -> (u16, reqwest::Certificate) {
    let key = rcgen::KeyPair::generate().expect("key");
    let params =
        rcgen::CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .expect("params");
    let cert = params.self_signed(&key).expect("certificate");
    let trusted = reqwest::Certificate::from_der(cert.der()).expect("der");
    let server_config = tokio_rustls::rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.der().clone()],
            tokio_rustls::rustls::pki_types::PrivateKeyDer::try_from(key.serialize_der())
                .expect("key der"),
        )
        .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(server_config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let Ok(mut plain) = TcpStream::connect(upstream).await else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
            });
        }
    });
    (port, trusted)
}

fn config(endpoint: &str, client: Option<reqwest::Client>) -> Config {
    let builder = Config::builder()
        .region("us-east-1")
        .endpoint_url(endpoint)
        .credentials(Credentials::new("AKID", "SECRET", None, None, "t"))
        .retry(RetryConfig::disabled());
    match client {
        Some(client) => builder.http_client(client),
        None => builder,
    }
    .build()
}

async fn get_user(
    config: &Config,
) -> Result<(), Error<cognito::idp::operation::AdminGetUserError>> {
    cognito::idp::Client::new(config)
        .admin_get_user()
        .user_pool_id("us-east-1_proxy")
        .username("alice")
        .send()
        .await
        .map(|_| ())
}

fn trusting(cert: &reqwest::Certificate) -> reqwest::Client {
    // Built after the environment is set: reqwest reads the proxy variables here.
    reqwest::Client::builder()
        .tls_certs_only([cert.clone()])
        .build()
        .expect("client")
}

fn count(heads: &Mutex<Vec<String>>) -> usize {
    heads.lock().unwrap_or_else(|e| e.into_inner()).len()
}

#[tokio::test]
async fn https_proxy_and_no_proxy_from_the_environment() {
    let server = RecordingServer::start(CannedResponse::json(200, USER));
    let (tls_port, cert) = tls_front(server.addr()).await;
    let (proxy_port, heads) = connect_proxy().await;
    for name in [
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
        "no_proxy",
        "https_proxy",
    ] {
        std::env::remove_var(name);
    }
    std::env::set_var("HTTPS_PROXY", format!("http://127.0.0.1:{proxy_port}"));
    std::env::set_var("NO_PROXY", "10.0.0.0/8,example.internal");

    // 1. An https endpoint goes through the proxy in a CONNECT tunnel.
    let via_proxy = config(
        &format!("https://localhost:{tls_port}"),
        Some(trusting(&cert)),
    );
    get_user(&via_proxy).await.expect("through the tunnel");
    get_user(&via_proxy).await.expect("the tunnel is reused");
    {
        let heads = heads.lock().unwrap_or_else(|e| e.into_inner());
        assert_eq!(heads.len(), 1, "one tunnel for two calls: {heads:?}");
        assert!(
            heads[0].starts_with(&format!("CONNECT localhost:{tls_port} HTTP/1.1\r\n")),
            "{heads:?}"
        );
    }
    assert_eq!(server.request_count(), 2);

    // 2. A NO_PROXY CIDR that covers the host: straight to the endpoint.
    std::env::set_var("NO_PROXY", "example.internal, 127.0.0.0/8");
    let direct = config(
        &format!("https://127.0.0.1:{tls_port}"),
        Some(trusting(&cert)),
    );
    get_user(&direct).await.expect("direct");
    assert_eq!(count(&heads), 1, "the proxy saw nothing new");
    assert_eq!(server.request_count(), 3);

    // 3. HTTPS_PROXY is for https endpoints only: a plain http endpoint is reached directly.
    std::env::set_var("NO_PROXY", "10.0.0.0/8");
    let plain = config(&server.endpoint(), Some(reqwest::Client::new()));
    get_user(&plain).await.expect("plain http, direct");
    assert_eq!(count(&heads), 1);
    assert_eq!(server.request_count(), 4);

    // 4. The configuration's own default client reads the environment too. It does not trust the test
    //    certificate, so the call fails in the TLS handshake after the tunnel: a connect error, and the
    //    request never reached the server.
    let default_client = config(&format!("https://localhost:{tls_port}"), None);
    let err = get_user(&default_client)
        .await
        .expect_err("untrusted certificate");
    let Error::Transport(transport) = &err else {
        panic!("{err:?}")
    };
    assert!(!transport.may_have_reached_server(), "{err:?}");
    assert_eq!(count(&heads), 2, "the default client used the proxy");
    assert_eq!(server.request_count(), 4);

    for name in ["HTTPS_PROXY", "NO_PROXY"] {
        std::env::remove_var(name);
    }
}
