//! Tests of the shared test helpers in `tests/support/`.

mod support;

use std::time::Duration;

use support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService";

async fn idp_call(endpoint: &str, operation: &str, body: &str) -> RawResponse {
    let target = format!("{TARGET_PREFIX}.{operation}");
    http_request(
        endpoint,
        "POST",
        "/",
        &[
            ("Content-Type", "application/x-amz-json-1.1"),
            ("X-Amz-Target", &target),
        ],
        body.as_bytes(),
    )
    .await
    .expect("request to the server")
}

/// Waits until nothing accepts connections on `addr` any more.
async fn assert_stops_listening(addr: std::net::SocketAddr) {
    for _ in 0..100 {
        if TcpStream::connect(addr).await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{addr} still accepts connections");
}

#[tokio::test]
async fn recording_server_records_and_replays_in_order() {
    let server = RecordingServer::start(CannedResponse::json(200, r#"{"default":true}"#));
    server.push(CannedResponse::aws_error(
        400,
        "UserNotFoundException",
        "no such user",
    ));
    server.push(CannedResponse::empty(503).with_header("X-Amzn-ErrorType", "ServiceUnavailable"));
    assert!(server.endpoint().starts_with("http://127.0.0.1:"));

    let first = idp_call(&server.endpoint(), "GetUser", r#"{"AccessToken":"t"}"#).await;
    assert_eq!(first.status, 400);
    assert_eq!(
        first.header("content-type"),
        Some("application/x-amz-json-1.1")
    );
    assert_eq!(first.body_json()["__type"], "UserNotFoundException");

    let second = http_request(&server.endpoint(), "GET", "/a/b?x=1&y=2", &[], b"")
        .await
        .unwrap();
    assert_eq!(second.status, 503);
    assert_eq!(
        second.header("X-AMZN-ERRORTYPE"),
        Some("ServiceUnavailable")
    );
    assert!(second.body.is_empty());

    let third = idp_call(&server.endpoint(), "ListUserPools", "{}").await;
    assert_eq!(
        (third.status, third.body_str()),
        (200, r#"{"default":true}"#)
    );
    assert_eq!(server.pending_responses(), 0);

    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0].method, "POST");
    assert_eq!(requests[0].path_and_query, "/");
    assert_eq!(
        requests[0].header("X-Amz-Target"),
        Some("AWSCognitoIdentityProviderService.GetUser")
    );
    assert_eq!(
        requests[0].header("content-type"),
        Some("application/x-amz-json-1.1")
    );
    assert!(requests[0]
        .headers
        .iter()
        .all(|(n, _)| *n == n.to_ascii_lowercase()));
    assert_eq!(
        requests[0].body_json(),
        serde_json::json!({"AccessToken": "t"})
    );
    assert_eq!(requests[1].method, "GET");
    assert_eq!(
        (requests[1].path(), requests[1].query()),
        ("/a/b", Some("x=1&y=2"))
    );
    assert!(requests[1].body.is_empty());

    assert_eq!(server.take_requests().len(), 3);
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn recording_server_keeps_connections_alive_and_decodes_chunked_bodies() {
    let server = RecordingServer::start(CannedResponse::json(200, "{}"));
    server.push(CannedResponse::json(200, r#"{"n":1}"#));
    server.push(CannedResponse::json(200, r#"{"n":2}"#));

    let stream = TcpStream::connect(server.addr()).await.unwrap();
    let mut conn = BufReader::new(stream);
    // Two requests on one connection, the second one chunked.
    conn.get_mut()
        .write_all(b"POST /one HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
        .await
        .unwrap();
    let r1 = read_response(&mut conn)
        .await
        .unwrap()
        .expect("first response");
    assert_eq!(r1.body_str(), r#"{"n":1}"#);
    assert_eq!(r1.header("connection"), None);

    conn.get_mut()
        .write_all(b"PUT /two HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n4;ext=1\r\ndefg\r\n0\r\n\r\n")
        .await
        .unwrap();
    let r2 = read_response(&mut conn)
        .await
        .unwrap()
        .expect("second response");
    assert_eq!(r2.body_str(), r#"{"n":2}"#);

    // A third, asking to close: the server answers and closes.
    conn.get_mut()
        .write_all(b"GET /three HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let r3 = read_response(&mut conn)
        .await
        .unwrap()
        .expect("third response");
    assert_eq!((r3.status, r3.header("connection")), (200, Some("close")));
    assert!(
        read_response(&mut conn).await.unwrap().is_none(),
        "connection should be closed"
    );

    let requests = server.requests();
    let summary: Vec<_> = requests
        .iter()
        .map(|r| {
            (
                r.method.as_str(),
                r.path_and_query.as_str(),
                r.body.as_slice(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("POST", "/one", &b"hello"[..]),
            ("PUT", "/two", &b"abcdefg"[..]),
            ("GET", "/three", &b""[..])
        ]
    );
}

#[tokio::test]
async fn recording_server_misbehaves_on_request() {
    let server = RecordingServer::start(CannedResponse::json(200, "{}"));
    let endpoint = server.endpoint();

    server.push(
        CannedResponse::json(200, r#"{"truncated":"body"}"#)
            .with_behaviour(Behaviour::CloseAfterHeaders),
    );
    let err = http_request(&endpoint, "POST", "/", &[], b"{}")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof, "{err}");

    server.push(CannedResponse::reset());
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    stream
        .write_all(b"POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    let err = stream.read_to_end(&mut buf).await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::ConnectionReset, "{err}");

    server.push(CannedResponse::hang());
    let hung = tokio::time::timeout(
        Duration::from_millis(300),
        http_request(&endpoint, "POST", "/", &[], b""),
    )
    .await;
    assert!(hung.is_err(), "a hanging response must not complete");

    server.push(
        CannedResponse::json(200, "{}")
            .with_behaviour(Behaviour::Delay(Duration::from_millis(200))),
    );
    let started = std::time::Instant::now();
    let delayed = http_request(&endpoint, "POST", "/", &[], b"")
        .await
        .unwrap();
    assert_eq!(delayed.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(200));

    // Back to normal once the queue is empty.
    assert_eq!(
        http_request(&endpoint, "POST", "/", &[], b"")
            .await
            .unwrap()
            .status,
        200
    );
    assert_eq!(server.request_count(), 5);
}

#[tokio::test]
async fn recording_server_stops_when_dropped() {
    let server = RecordingServer::start(CannedResponse::hang());
    let addr = server.addr();
    // An open connection with a request in flight must not keep the server alive.
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(b"GET / HTTP/1.1\r\n\r\n").await.unwrap();
    while server.request_count() == 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    drop(server);
    assert_stops_listening(addr).await;
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut buf)).await;
    assert!(
        read.is_ok(),
        "the in-flight connection should be closed when the server is dropped"
    );
}

#[tokio::test]
async fn moto_starts_answers_resets_and_stops() {
    let Some(moto) = Moto::start().await else {
        return;
    };
    assert!(
        moto.endpoint.starts_with("http://127.0.0.1:"),
        "{}",
        moto.endpoint
    );

    let created = idp_call(
        &moto.endpoint,
        "CreateUserPool",
        r#"{"PoolName":"selftest"}"#,
    )
    .await;
    assert_eq!(created.status, 200, "{}", created.body_str());
    let listed = idp_call(&moto.endpoint, "ListUserPools", r#"{"MaxResults":10}"#).await;
    assert_eq!(listed.status, 200);
    assert_eq!(listed.body_json()["UserPools"][0]["Name"], "selftest");

    moto.reset().await;
    let listed = idp_call(&moto.endpoint, "ListUserPools", r#"{"MaxResults":10}"#).await;
    assert_eq!(listed.body_json()["UserPools"], serde_json::json!([]));

    // Closing stdin is enough to make the server exit.
    let addr = moto.addr();
    let status = moto.stop().await;
    assert!(status.success(), "moto_server.py exited with {status}");
    assert_stops_listening(addr).await;
}

#[tokio::test]
async fn moto_is_killed_on_drop() {
    let Some(moto) = Moto::start().await else {
        return;
    };
    let addr = moto.addr();
    moto_reset(&moto.endpoint).await;
    drop(moto);
    assert_stops_listening(addr).await;
}

#[tokio::test]
async fn moto_gets_the_environment_it_is_given() {
    // With INITIAL_NO_AUTH_ACTION_COUNT=0 moto checks every signature from the first
    // request on: a call signed with an access key moto does not know is refused with 403
    // and an XML body. (An admin call with no Authorization header at all gets a 500:
    // moto fails on the missing header.)
    let Some(moto) = Moto::start_with_env(&[("INITIAL_NO_AUTH_ACTION_COUNT", "0")]).await else {
        return;
    };
    let authorization =
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/cognito-idp/aws4_request, \
                         SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=00";
    let refused = http_request(
        &moto.endpoint,
        "POST",
        "/",
        &[
            ("Content-Type", "application/x-amz-json-1.1"),
            (
                "X-Amz-Target",
                "AWSCognitoIdentityProviderService.ListUserPools",
            ),
            ("X-Amz-Date", "20260101T000000Z"),
            ("Authorization", authorization),
        ],
        br#"{"MaxResults":10}"#,
    )
    .await
    .unwrap();
    assert_eq!(refused.status, 403, "{}", refused.body_str());
    assert!(
        refused.body_str().contains("InvalidClientTokenId"),
        "{}",
        refused.body_str()
    );

    // Without the variable, moto checks no signature.
    let Some(lenient) = Moto::start().await else {
        return;
    };
    let accepted = idp_call(&lenient.endpoint, "ListUserPools", r#"{"MaxResults":10}"#).await;
    assert_eq!(accepted.status, 200, "{}", accepted.body_str());
}
