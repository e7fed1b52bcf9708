//! Helpers shared by the integration tests (`mod support;` in a test file).
//!
//! * [`Moto`]: a moto server on 127.0.0.1 with an OS-chosen port, started through
//!   `scripts/moto_server.py` and stopped when the value is dropped (or when the test
//!   process dies: the server exits when its stdin pipe closes).
//! * [`moto_reset`]: `POST /moto-api/reset`.
//! * [`RecordingServer`]: a loopback HTTP/1.1 server that records every request and
//!   answers from a queue of [`CannedResponse`]s, each of which can also misbehave on
//!   purpose ([`Behaviour`]).
//! * [`http_request`]: a minimal raw HTTP/1.1 client over a tokio `TcpStream`.
//! * [`iam::SigningMoto`]: moto in signature-checking mode, with IAM keys and session credentials
//!   made in it.
//!
//! Nothing here reaches beyond 127.0.0.1.
#![allow(dead_code)]

pub mod iam;

use std::collections::VecDeque;
use std::io::BufRead;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::task::{JoinHandle, JoinSet};

const MOTO_READY_TIMEOUT: Duration = Duration::from_secs(60);
const MOTO_SERVER_SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/moto_server.py");
/// The region of [`Moto::admin_config`] and [`Moto::public_config`].
pub const MOTO_REGION: &str = "us-east-1";
const MOTO_SKIP_MESSAGE: &str = "moto is not installed (run scripts/moto.sh)";
/// The variable naming the file where skipped tests are recorded (`scripts/test.sh` sets it and counts
/// the lines at the end of the run).
pub const SKIP_LOG_VAR: &str = "COGNITO_TEST_SKIP_LOG";
/// Upper bound for a request or response head, to keep a broken peer from eating memory.
const MAX_HEAD_BYTES: usize = 64 * 1024;

// ---------------------------------------------------------------------------------------
// moto
// ---------------------------------------------------------------------------------------

/// A running moto server, killed on drop.
pub struct Moto {
    /// `http://127.0.0.1:<port>`, no trailing slash.
    pub endpoint: String,
    child: std::process::Child,
    /// Held open for the server's lifetime: closing it makes `moto_server.py` exit.
    stdin: Option<std::process::ChildStdin>,
}

impl Moto {
    /// Starts moto with the environment of the test process.
    ///
    /// Returns `None` (after [`record_skip`]: a `skipping …` line on stderr, and a line in the skip log
    /// when `scripts/test.sh` runs the tests) when no moto installation is found, except in CI
    /// (`CI=true` or `CI=1`), where that panics.
    pub async fn start() -> Option<Moto> {
        Self::start_with_env(&[]).await
    }

    /// Like [`Moto::start`], with extra environment variables for the server process,
    /// e.g. `[("INITIAL_NO_AUTH_ACTION_COUNT", "4")]` to make moto check signatures after
    /// the first four requests (moto reads it once, at start-up).
    pub async fn start_with_env(env: &[(&str, &str)]) -> Option<Moto> {
        let Some(python) = find_moto_python().await else {
            if is_ci() {
                panic!(
                    "moto is not installed but CI is set: a test that needs moto must not be \
                     skipped in CI. Run `bash scripts/moto.sh` and set MOTO_PYTHON to the python \
                     it prints, or use `bash scripts/test.sh`."
                );
            }
            record_skip(MOTO_SKIP_MESSAGE);
            return None;
        };

        let mut command = std::process::Command::new(&python);
        command
            .arg(MOTO_SERVER_SCRIPT)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .env("PYTHONUNBUFFERED", "1");
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command.spawn().unwrap_or_else(|e| {
            panic!(
                "cannot start {} {MOTO_SERVER_SCRIPT}: {e}",
                python.display()
            )
        });
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("piped stdout");

        // Read the READY line on a plain thread (the pipe is blocking), then keep draining
        // stdout until the child exits so it can never block on a full pipe.
        let (tx, rx) = tokio::sync::oneshot::channel::<std::io::Result<String>>();
        std::thread::spawn(move || {
            let mut reader = std::io::BufReader::new(stdout);
            let mut line = String::new();
            let first = reader.read_line(&mut line).map(|_| line);
            let _ = tx.send(first);
            let _ = std::io::copy(&mut reader, &mut std::io::sink());
        });

        let mut moto = Moto {
            endpoint: String::new(),
            child,
            stdin,
        };
        let line = match tokio::time::timeout(MOTO_READY_TIMEOUT, rx).await {
            Ok(Ok(Ok(line))) => line,
            Ok(Ok(Err(e))) => panic!("reading moto_server.py's stdout: {e}"),
            Ok(Err(_)) => panic!("moto_server.py's stdout reader thread died"),
            Err(_) => panic!("moto_server.py printed no READY line within {MOTO_READY_TIMEOUT:?}"),
        };
        // `moto` is dropped (and the child killed) by the panics above.
        match line.trim_end().strip_prefix("READY ") {
            Some(endpoint) if endpoint.starts_with("http://127.0.0.1:") => {
                moto.endpoint = endpoint.to_string();
                Some(moto)
            }
            _ => {
                let status = moto.child.try_wait().ok().flatten();
                panic!("moto_server.py did not start (first stdout line {line:?}, exit status {status:?}); see its stderr above");
            }
        }
    }

    /// A configuration for this server that signs with dummy credentials (moto checks no signature
    /// unless started with `INITIAL_NO_AUTH_ACTION_COUNT`), in `us-east-1`.
    pub fn admin_config(&self) -> cognito::Config {
        cognito::Config::builder()
            .region(MOTO_REGION)
            .endpoint_url(&self.endpoint)
            .credentials(cognito::Credentials::new(
                "AKIDTEST", "secret", None, None, "test",
            ))
            .build()
    }

    /// A configuration for this server with no AWS credentials at all, as a browser or mobile app has:
    /// public-client calls (`SignUp`, `InitiateAuth`, `GetId`, …) must work with it.
    pub fn public_config(&self) -> cognito::Config {
        let config = cognito::Config::builder()
            .region(MOTO_REGION)
            .endpoint_url(&self.endpoint)
            .build();
        assert!(config.credentials_provider().is_none());
        config
    }

    /// The server's socket address.
    pub fn addr(&self) -> SocketAddr {
        endpoint_addr(&self.endpoint)
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resets all of moto's state (`POST /moto-api/reset`).
    pub async fn reset(&self) {
        moto_reset(&self.endpoint).await
    }

    /// Stops the server the gentle way, by closing its stdin, and returns its exit status
    /// (killing it if it has not exited within 10 s).
    pub async fn stop(mut self) -> std::process::ExitStatus {
        drop(self.stdin.take());
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status;
            }
            if tokio::time::Instant::now() >= deadline {
                let _ = self.child.kill();
                return self.child.wait().expect("wait for moto_server.py");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `POST /moto-api/reset` on a moto server: forgets every user pool, identity pool, user…
pub async fn moto_reset(endpoint: &str) {
    let response = http_request(endpoint, "POST", "/moto-api/reset", &[], b"")
        .await
        .unwrap_or_else(|e| panic!("POST {endpoint}/moto-api/reset: {e}"));
    assert_eq!(
        response.status,
        200,
        "POST {endpoint}/moto-api/reset answered {}: {}",
        response.status,
        String::from_utf8_lossy(&response.body)
    );
}

/// Records that the running test is skipped, and why: a `skipping …` line on stderr, and a line
/// `binary::test<TAB>reason` appended to the file named by [`SKIP_LOG_VAR`] when it is set, so that
/// `scripts/test.sh` can end the run with the number of tests skipped instead of letting them pass as if
/// they had run. (The test is the running thread's name, which is the test's under the default harness.)
pub fn record_skip(reason: &str) {
    let test = std::thread::current()
        .name()
        .unwrap_or("unnamed test")
        .to_owned();
    let binary = std::env::current_exe()
        .ok()
        .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .map(|stem| match stem.rsplit_once('-') {
            // Cargo names test binaries `name-<16 hex digits>`.
            Some((name, hash))
                if hash.len() == 16 && hash.chars().all(|c| c.is_ascii_hexdigit()) =>
            {
                name.to_owned()
            }
            _ => stem,
        })
        .unwrap_or_default();
    eprintln!("skipping {binary}::{test}: {reason}");
    let Some(path) = std::env::var_os(SKIP_LOG_VAR).filter(|p| !p.is_empty()) else {
        return;
    };
    // One `write` of one short line to a file opened for appending: lines from parallel tests do not
    // interleave.
    let line = format!("{binary}::{test}\t{reason}\n");
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, line.as_bytes()));
    if let Err(e) = written {
        panic!(
            "cannot record the skip in {} ({SKIP_LOG_VAR}): {e}",
            Path::new(&path).display()
        );
    }
}

fn is_ci() -> bool {
    matches!(
        std::env::var("CI")
            .map(|v| v.trim().to_ascii_lowercase())
            .as_deref(),
        Ok("true") | Ok("1")
    )
}

/// `MOTO_PYTHON` if set (trusted as given), else the repository's `.venv` python if it
/// exists and can import moto.
async fn find_moto_python() -> Option<PathBuf> {
    if let Some(python) = std::env::var_os("MOTO_PYTHON").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(python));
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    if !venv.exists() {
        return None;
    }
    let imports = tokio::process::Command::new(&venv)
        .args(["-c", "import moto"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .await
        .map(|s| s.success())
        .unwrap_or(false);
    imports.then_some(venv)
}

fn endpoint_addr(endpoint: &str) -> SocketAddr {
    let authority = endpoint
        .strip_prefix("http://")
        .unwrap_or(endpoint)
        .split('/')
        .next()
        .unwrap_or_default();
    authority
        .parse()
        .unwrap_or_else(|e| panic!("endpoint {endpoint:?} is not http://IP:PORT: {e}"))
}

// ---------------------------------------------------------------------------------------
// A raw HTTP/1.1 client
// ---------------------------------------------------------------------------------------

/// A response read by [`http_request`].
#[derive(Clone, Debug)]
pub struct RawResponse {
    pub status: u16,
    /// Names lowercased, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawResponse {
    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    pub fn body_str(&self) -> &str {
        std::str::from_utf8(&self.body).expect("response body is not UTF-8")
    }

    pub fn body_json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("response body is not JSON")
    }
}

/// Sends one request on a new connection (`Connection: close`) and reads the response.
/// `Host` and `Content-Length` are added; `endpoint` is `http://IP:PORT`.
pub async fn http_request(
    endpoint: &str,
    method: &str,
    path_and_query: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<RawResponse> {
    let addr = endpoint_addr(endpoint);
    let mut stream = TcpStream::connect(addr).await?;
    let mut head = format!("{method} {path_and_query} HTTP/1.1\r\nHost: {addr}\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body).await?;
    stream.flush().await?;
    let mut reader = BufReader::new(stream);
    read_response(&mut reader).await?.ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "connection closed before a response",
        )
    })
}

/// Reads one response from a connection (usable for keep-alive tests too).
/// `Ok(None)` when the connection closed before any byte of it.
pub async fn read_response<R: AsyncBufRead + Unpin>(
    reader: &mut R,
) -> std::io::Result<Option<RawResponse>> {
    let Some((start, headers)) = read_head(reader).await? else {
        return Ok(None);
    };
    let status = start
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| invalid(format!("bad status line {start:?}")))?;
    let body = if status == 204 || status == 304 || (100..200).contains(&status) {
        Vec::new()
    } else if find_header(&headers, "content-length").is_none() && !is_chunked(&headers) {
        // Delimited by the end of the connection.
        let mut body = Vec::new();
        reader.read_to_end(&mut body).await?;
        body
    } else {
        read_body(reader, &headers).await?
    };
    Ok(Some(RawResponse {
        status,
        headers,
        body,
    }))
}

// ---------------------------------------------------------------------------------------
// HTTP/1.1 parsing shared by the client and the server
// ---------------------------------------------------------------------------------------

fn invalid(message: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, message)
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn is_chunked(headers: &[(String, String)]) -> bool {
    find_header(headers, "transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"))
}

async fn read_line<R: AsyncBufRead + Unpin>(
    reader: &mut R,
    budget: &mut usize,
) -> std::io::Result<Option<String>> {
    let mut line = Vec::new();
    let n = (&mut *reader)
        .take(*budget as u64 + 1)
        .read_until(b'\n', &mut line)
        .await?;
    if n == 0 {
        return Ok(None);
    }
    if n > *budget {
        return Err(invalid("HTTP head too large".into()));
    }
    *budget -= n;
    if line.last() != Some(&b'\n') {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "connection closed mid-line",
        ));
    }
    while matches!(line.last(), Some(b'\n' | b'\r')) {
        line.pop();
    }
    String::from_utf8(line)
        .map(Some)
        .map_err(|_| invalid("HTTP head is not UTF-8".into()))
}

/// The start line and the headers (names lowercased, values trimmed).
/// `Ok(None)` when the connection closed cleanly before a new message.
async fn read_head<R: AsyncBufRead + Unpin>(
    reader: &mut R,
) -> std::io::Result<Option<(String, Vec<(String, String)>)>> {
    let mut budget = MAX_HEAD_BYTES;
    let start = loop {
        match read_line(reader, &mut budget).await? {
            None => return Ok(None),
            // Tolerate stray empty lines between messages (RFC 9112 §2.2).
            Some(line) if line.is_empty() => continue,
            Some(line) => break line,
        }
    };
    let mut headers = Vec::new();
    loop {
        let line = read_line(reader, &mut budget).await?.ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "connection closed in the head",
            )
        })?;
        if line.is_empty() {
            return Ok(Some((start, headers)));
        }
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| invalid(format!("bad header line {line:?}")))?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
}

/// A body framed by `Transfer-Encoding: chunked` or `Content-Length` (none: empty).
async fn read_body<R: AsyncBufRead + Unpin>(
    reader: &mut R,
    headers: &[(String, String)],
) -> std::io::Result<Vec<u8>> {
    let mut body = Vec::new();
    if is_chunked(headers) {
        loop {
            let mut budget = MAX_HEAD_BYTES;
            let size_line = read_line(reader, &mut budget).await?.ok_or_else(|| {
                std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "closed in a chunked body",
                )
            })?;
            let size_hex = size_line.split(';').next().unwrap_or_default().trim();
            let size = usize::from_str_radix(size_hex, 16)
                .map_err(|_| invalid(format!("bad chunk size {size_line:?}")))?;
            if size == 0 {
                // Trailers, up to the empty line.
                while read_line(reader, &mut budget)
                    .await?
                    .is_some_and(|l| !l.is_empty())
                {}
                return Ok(body);
            }
            let at = body.len();
            body.resize(at + size, 0);
            reader.read_exact(&mut body[at..]).await?;
            read_line(reader, &mut budget).await?; // CRLF after the chunk
        }
    }
    if let Some(length) = find_header(headers, "content-length") {
        let length: usize = length
            .parse()
            .map_err(|_| invalid(format!("bad Content-Length {length:?}")))?;
        body.resize(length, 0);
        reader.read_exact(&mut body).await?;
    }
    Ok(body)
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

// ---------------------------------------------------------------------------------------
// RecordingServer
// ---------------------------------------------------------------------------------------

/// One request as the [`RecordingServer`] received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedRequest {
    pub method: String,
    /// The request target as sent, e.g. `/` or `/identitypools/x/identities?maxResults=5`.
    pub path_and_query: String,
    /// Names lowercased, values trimmed, in the order received.
    pub headers: Vec<(String, String)>,
    /// The body, de-chunked if it was sent chunked.
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    pub fn path(&self) -> &str {
        self.path_and_query.split('?').next().unwrap_or_default()
    }

    pub fn query(&self) -> Option<&str> {
        self.path_and_query.split_once('?').map(|(_, q)| q)
    }

    pub fn body_str(&self) -> &str {
        std::str::from_utf8(&self.body).expect("request body is not UTF-8")
    }

    pub fn body_json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("request body is not JSON")
    }
}

/// How the server delivers a [`CannedResponse`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Behaviour {
    /// Send the whole response.
    #[default]
    Normal,
    /// Wait this long, then send the whole response.
    Delay(Duration),
    /// Send the status line and headers (with the full body's `Content-Length`), then
    /// close the connection: a truncated body.
    CloseAfterHeaders,
    /// Never answer; keep the connection open until the client gives up.
    Hang,
    /// Close the connection with a TCP reset (RST) and no response.
    Reset,
    /// Send the whole response as if the connection stayed open (no `Connection: close`), then close
    /// it: what a server does when it drops an idle keep-alive connection.
    CloseAfterResponse,
}

/// A response the [`RecordingServer`] replays.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CannedResponse {
    pub status: u16,
    /// Sent as given. `Content-Length` is added unless present.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub behaviour: Behaviour,
}

impl CannedResponse {
    /// A response with this status, no headers and an empty body.
    pub fn empty(status: u16) -> Self {
        CannedResponse {
            status,
            ..Default::default()
        }
    }

    /// An AWS JSON 1.1 response (`Content-Type: application/x-amz-json-1.1`).
    pub fn json(status: u16, body: &str) -> Self {
        Self::empty(status)
            .with_header("Content-Type", "application/x-amz-json-1.1")
            .with_body(body)
    }

    /// An AWS JSON 1.1 error: `{"__type": type_, "message": message}`.
    pub fn aws_error(status: u16, type_: &str, message: &str) -> Self {
        let body = serde_json::json!({ "__type": type_, "message": message }).to_string();
        Self::json(status, &body)
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    pub fn with_behaviour(mut self, behaviour: Behaviour) -> Self {
        self.behaviour = behaviour;
        self
    }

    /// Never answers.
    pub fn hang() -> Self {
        Self::empty(200).with_behaviour(Behaviour::Hang)
    }

    /// Resets the connection without answering.
    pub fn reset() -> Self {
        Self::empty(200).with_behaviour(Behaviour::Reset)
    }

    fn head_bytes(&self, close: bool) -> Vec<u8> {
        let mut head = format!(
            "HTTP/1.1 {} {}\r\n",
            self.status,
            reason_phrase(self.status)
        );
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if find_header(&self.headers, "content-length").is_none()
            && find_header(&self.headers, "transfer-encoding").is_none()
        {
            head.push_str(&format!("Content-Length: {}\r\n", self.body.len()));
        }
        if close && find_header(&self.headers, "connection").is_none() {
            head.push_str("Connection: close\r\n");
        }
        head.push_str("\r\n");
        head.into_bytes()
    }
}

struct RecordingState {
    requests: Vec<RecordedRequest>,
    queue: VecDeque<CannedResponse>,
    default: CannedResponse,
    connections: usize,
}

/// A loopback HTTP/1.1 server that records requests and replays canned responses.
///
/// Responses come from the queue filled by [`RecordingServer::push`], in order, one per
/// request; once it is empty every request gets the default response. Connections are
/// kept alive unless the client or the response says `Connection: close`. The server and
/// all its connections stop when the value is dropped.
pub struct RecordingServer {
    addr: SocketAddr,
    state: Arc<Mutex<RecordingState>>,
    task: JoinHandle<()>,
}

impl RecordingServer {
    /// Binds 127.0.0.1 on an OS-chosen port. Must be called inside a Tokio runtime.
    pub fn start(default: CannedResponse) -> RecordingServer {
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        std_listener.set_nonblocking(true).expect("set_nonblocking");
        let addr = std_listener.local_addr().expect("local_addr");
        let listener = tokio::net::TcpListener::from_std(std_listener).expect("tokio listener");
        let state = Arc::new(Mutex::new(RecordingState {
            requests: Vec::new(),
            queue: VecDeque::new(),
            default,
            connections: 0,
        }));

        let shared = Arc::clone(&state);
        let task = tokio::spawn(async move {
            // Owned here so that aborting this task also aborts every connection.
            let mut connections = JoinSet::new();
            loop {
                tokio::select! {
                    accepted = listener.accept() => {
                        if let Ok((stream, _)) = accepted {
                            shared.lock().unwrap_or_else(|e| e.into_inner()).connections += 1;
                            connections.spawn(serve_connection(stream, Arc::clone(&shared)));
                        }
                    }
                    Some(_) = connections.join_next(), if !connections.is_empty() => {}
                }
            }
        });
        RecordingServer { addr, state, task }
    }

    /// `http://127.0.0.1:<port>`
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Queues a response for the next request not yet answered.
    pub fn push(&self, response: CannedResponse) {
        self.lock().queue.push_back(response);
    }

    /// Replaces the response given once the queue is empty.
    pub fn set_default(&self, response: CannedResponse) {
        self.lock().default = response;
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.clone()
    }

    /// Like [`requests`](Self::requests), and forgets them.
    pub fn take_requests(&self) -> Vec<RecordedRequest> {
        std::mem::take(&mut self.lock().requests)
    }

    pub fn request_count(&self) -> usize {
        self.lock().requests.len()
    }

    /// TCP connections accepted so far.
    pub fn connection_count(&self) -> usize {
        self.lock().connections
    }

    /// Responses still queued.
    pub fn pending_responses(&self) -> usize {
        self.lock().queue.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, RecordingState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for RecordingServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve_connection(stream: TcpStream, state: Arc<Mutex<RecordingState>>) {
    let mut reader = BufReader::new(stream);
    loop {
        let Ok(Some((start, headers))) = read_head(&mut reader).await else {
            return;
        };
        let mut parts = start.split_whitespace();
        let (Some(method), Some(target), version) = (parts.next(), parts.next(), parts.next())
        else {
            return;
        };
        let Ok(body) = read_body(&mut reader, &headers).await else {
            return;
        };
        let connection = find_header(&headers, "connection").map(str::to_ascii_lowercase);
        let client_closes = match version {
            Some("HTTP/1.0") => connection.as_deref() != Some("keep-alive"),
            _ => connection.as_deref() == Some("close"),
        };
        let request = RecordedRequest {
            method: method.to_string(),
            path_and_query: target.to_string(),
            headers,
            body,
        };

        let response = {
            let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
            state.requests.push(request);
            state
                .queue
                .pop_front()
                .unwrap_or_else(|| state.default.clone())
        };
        let close = client_closes
            || find_header(&response.headers, "connection")
                .is_some_and(|v| v.eq_ignore_ascii_case("close"));

        let hang_up = close || response.behaviour == Behaviour::CloseAfterResponse;
        match response.behaviour {
            Behaviour::Normal | Behaviour::CloseAfterResponse => {}
            Behaviour::Delay(delay) => tokio::time::sleep(delay).await,
            Behaviour::CloseAfterHeaders => {
                let _ = reader.get_mut().write_all(&response.head_bytes(true)).await;
                let _ = reader.get_mut().shutdown().await;
                return;
            }
            Behaviour::Hang => {
                // Until the client closes (or the server is dropped).
                let mut sink = [0u8; 1024];
                while matches!(reader.read(&mut sink).await, Ok(n) if n > 0) {}
                return;
            }
            Behaviour::Reset => {
                #[allow(deprecated)] // SO_LINGER 0 does not block on close.
                let _ = reader.get_ref().set_linger(Some(Duration::ZERO));
                return;
            }
        }
        let mut bytes = response.head_bytes(close);
        bytes.extend_from_slice(&response.body);
        if reader.get_mut().write_all(&bytes).await.is_err()
            || reader.get_mut().flush().await.is_err()
        {
            return;
        }
        if hang_up {
            let _ = reader.get_mut().shutdown().await;
            return;
        }
    }
}
