//! Client benchmark for `AdminGetUser`: the cost of a call through `cognito` against a floor made of the
//! same building blocks written by hand (reqwest, aws-sigv4, serde_json), at concurrency 1 and 32, and,
//! with `--official PATH`, against the official SDK (aws-config + aws-sdk-cognitoidentityprovider).
//!
//! The server is this same binary started with `--server`, in its own process, so that its CPU time is
//! not counted as the client's: a keep-alive HTTP/1.1 server on 127.0.0.1 (Tokio, one thread) that
//! parses just enough of a request to find its end (the head and `Content-Length`) and answers every one
//! with the same realistic ~1 KB `AdminGetUser` response. Its own CPU cost per request is reported too.
//!
//! For each configuration (client × concurrency): a warm-up, then N calls shared by C tasks; wall time
//! gives requests/s, and the client process's CPU time (`utime + stime` from `/proc/self/stat`) gives CPU
//! µs per request. Every call is checked (status, decoded username). Each measured run is bounded in time
//! (`--max-seconds`); a run cut short says so. The whole sequence is repeated `--rounds` times, the clients
//! alternating, and the table gives the median round with the range over rounds (a shared machine is
//! noisy).
//!
//! The official SDK is not a dependency of this crate (it would make every workspace build compile it):
//! it is a separate binary, `bench/official` (its own workspace, built by `scripts/bench.sh`), that this
//! driver starts for each round and concurrency while its server runs. That binary makes the same calls
//! with the same warm-up, request count, concurrency, time bound and worker threads, measures its own
//! CPU time and the server's the same way, and prints one `RESULT` line, which becomes a row here.
//!
//! ```text
//! cognito-bench [--requests N] [--warmup N] [--concurrency 1,32] [--rounds R] [--max-seconds S]
//!               [--workers W] [--official PATH]
//! cognito-bench --server        # prints `PORT <port>`, serves until stdin closes
//! ```

use std::io::{BufRead, Write};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const REGION: &str = "us-east-1";
const POOL: &str = "us-east-1_BenchPool1";
const USERNAME: &str = "bench-user-0001";
const TARGET: &str = "AWSCognitoIdentityProviderService.AdminGetUser";
const ACCESS_KEY: &str = "AKIDBENCHMARK0000001";
const SECRET_KEY: &str = "benchSecretKey/0123456789abcdefghijklmnop";

// ----------------------------------------------------------------------------------------------------
// Options
// ----------------------------------------------------------------------------------------------------

struct Options {
    requests: usize,
    warmup: usize,
    concurrency: Vec<usize>,
    max_seconds: u64,
    rounds: usize,
    workers: Option<usize>,
    /// The official-SDK client binary (`bench/official`), run as a third client.
    official: Option<std::path::PathBuf>,
}

fn usage() -> ! {
    eprintln!(
        "usage: cognito-bench [--requests N] [--warmup N] [--concurrency 1,32] [--rounds R] \
         [--max-seconds S] [--workers W] [--official PATH] | --server"
    );
    std::process::exit(2)
}

fn parse_options(args: &[String]) -> Options {
    let mut o = Options {
        requests: 40_000,
        warmup: 4_000,
        concurrency: vec![1, 32],
        max_seconds: 60,
        rounds: 3,
        workers: None,
        official: None,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || it.next().cloned().unwrap_or_else(|| usage());
        match arg.as_str() {
            "--requests" => o.requests = value().parse().unwrap_or_else(|_| usage()),
            "--warmup" => o.warmup = value().parse().unwrap_or_else(|_| usage()),
            "--max-seconds" => o.max_seconds = value().parse().unwrap_or_else(|_| usage()),
            "--rounds" => o.rounds = value().parse().unwrap_or_else(|_| usage()),
            "--workers" => o.workers = Some(value().parse().unwrap_or_else(|_| usage())),
            "--official" => o.official = Some(value().into()),
            "--concurrency" => {
                o.concurrency = value()
                    .split(',')
                    .map(|c| c.trim().parse().unwrap_or_else(|_| usage()))
                    .collect()
            }
            _ => usage(),
        }
    }
    if o.requests == 0 || o.rounds == 0 || o.concurrency.contains(&0) {
        usage();
    }
    o
}

// ----------------------------------------------------------------------------------------------------
// CPU time
// ----------------------------------------------------------------------------------------------------

/// Clock ticks per second of `/proc/*/stat` (USER_HZ), from `getconf CLK_TCK`, else 100.
fn clock_ticks() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|&t| t > 0.0)
        .unwrap_or(100.0)
}

/// User + system CPU time of a process, in seconds, from `/proc/<pid>/stat`.
fn cpu_seconds(pid: &str, ticks: f64) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces) start at field 3 (state).
    let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let field = |n: usize| -> f64 {
        fields
            .get(n - 3)
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0)
    };
    (field(14) + field(15)) / ticks
}

// ----------------------------------------------------------------------------------------------------
// The canned-response server
// ----------------------------------------------------------------------------------------------------

/// The fixed `AdminGetUser` answer (~1 KB with its head).
fn canned_response() -> Vec<u8> {
    let body = serde_json::json!({
        "Username": USERNAME,
        "UserAttributes": [
            {"Name": "sub", "Value": "7d4f1e2a-3b5c-4d6e-8f90-a1b2c3d4e5f6"},
            {"Name": "email", "Value": "bench.user.0001@example.com"},
            {"Name": "email_verified", "Value": "true"},
            {"Name": "phone_number", "Value": "+15555550100"},
            {"Name": "phone_number_verified", "Value": "false"},
            {"Name": "given_name", "Value": "Bench"},
            {"Name": "family_name", "Value": "User"},
            {"Name": "locale", "Value": "en-US"},
            {"Name": "zoneinfo", "Value": "America/New_York"},
            {"Name": "updated_at", "Value": "1795459509"},
            {"Name": "custom:tenant_id", "Value": "tenant-42"},
            {"Name": "custom:plan", "Value": "enterprise"},
            {"Name": "custom:department", "Value": "engineering"}
        ],
        "UserCreateDate": 1_795_459_509.193,
        "UserLastModifiedDate": 1_795_459_600.5,
        "Enabled": true,
        "UserStatus": "CONFIRMED",
        "MFAOptions": [{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}],
        "PreferredMfaSetting": "SOFTWARE_TOKEN_MFA",
        "UserMFASettingList": ["SOFTWARE_TOKEN_MFA", "SMS_MFA"]
    })
    .to_string();
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\n\
         x-amzn-RequestId: 0f3c2b1a-9e8d-4c7b-a6f5-e4d3c2b1a090\r\n\
         Date: Mon, 23 Nov 2026 20:00:00 GMT\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let mut out = head.into_bytes();
    out.extend_from_slice(body.as_bytes());
    out
}

/// Where the head of a request ends (just past `\r\n\r\n`).
fn head_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4).position(|w| w == b"\r\n\r\n").map(|p| p + 4)
}

/// The `Content-Length` of a request head (0 when absent; `None` when unreadable).
fn content_length(head: &[u8]) -> Option<usize> {
    for line in head.split(|&b| b == b'\n').skip(1) {
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        if line[..colon].eq_ignore_ascii_case(b"content-length") {
            return std::str::from_utf8(&line[colon + 1..])
                .ok()?
                .trim()
                .parse()
                .ok();
        }
    }
    Some(0)
}

async fn serve_connection(mut stream: tokio::net::TcpStream, response: Arc<Vec<u8>>) {
    let _ = stream.set_nodelay(true);
    let mut buf = vec![0u8; 64 * 1024];
    let mut have = 0;
    let mut out = Vec::with_capacity(response.len() * 4);
    loop {
        // Answer every complete request buffered, in one write.
        let mut start = 0;
        while let Some(end) = head_end(&buf[start..have]) {
            let Some(length) = content_length(&buf[start..start + end]) else {
                return;
            };
            if have - start < end + length {
                break;
            }
            start += end + length;
            out.extend_from_slice(&response);
        }
        if !out.is_empty() {
            if stream.write_all(&out).await.is_err() {
                return;
            }
            out.clear();
        }
        buf.copy_within(start..have, 0);
        have -= start;
        if have == buf.len() {
            return; // a request larger than this server handles
        }
        match stream.read(&mut buf[have..]).await {
            Ok(0) | Err(_) => return,
            Ok(n) => have += n,
        }
    }
}

/// `--server`: serve on 127.0.0.1 until stdin closes.
fn run_server() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let port = listener.local_addr().expect("addr").port();
        println!("PORT {port}");
        std::io::stdout().flush().expect("flush");
        let response = Arc::new(canned_response());
        // Stop when the driver closes our stdin (or dies).
        let stdin_closed = tokio::task::spawn_blocking(|| {
            let mut sink = String::new();
            while std::io::stdin()
                .read_line(&mut sink)
                .map(|n| n > 0)
                .unwrap_or(false)
            {
                sink.clear();
            }
        });
        tokio::pin!(stdin_closed);
        loop {
            tokio::select! {
                accepted = listener.accept() => {
                    if let Ok((stream, _)) = accepted {
                        tokio::spawn(serve_connection(stream, Arc::clone(&response)));
                    }
                }
                _ = &mut stdin_closed => break,
            }
        }
    });
    runtime.shutdown_timeout(Duration::from_millis(100));
}

/// The server process, killed on drop.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start() -> Server {
        let exe = std::env::current_exe().expect("current_exe");
        let mut child = Command::new(exe)
            .arg("--server")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the server process");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the server's port");
        let port = line
            .trim()
            .strip_prefix("PORT ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("the server printed {line:?}, not PORT <n>"));
        Server { child, port }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        for _ in 0..50 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ----------------------------------------------------------------------------------------------------
// The two clients
// ----------------------------------------------------------------------------------------------------

/// The floor: the request `cognito` sends, written by hand.
struct Floor {
    http: reqwest::Client,
    url: String,
    identity: Identity,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct FloorInput<'a> {
    user_pool_id: &'a str,
    username: &'a str,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
#[allow(dead_code)] // decoded for the cost of it
struct FloorAttribute {
    name: Option<String>,
    value: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
#[allow(dead_code)] // decoded for the cost of it
struct FloorMfaOption {
    delivery_medium: Option<String>,
    attribute_name: Option<String>,
}

/// The same members as `AdminGetUserOutput`, with plain types.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
#[allow(dead_code)] // decoded for the cost of it
struct FloorOutput {
    username: Option<String>,
    user_attributes: Option<Vec<FloorAttribute>>,
    user_create_date: Option<f64>,
    user_last_modified_date: Option<f64>,
    enabled: Option<bool>,
    user_status: Option<String>,
    #[serde(rename = "MFAOptions")]
    mfa_options: Option<Vec<FloorMfaOption>>,
    preferred_mfa_setting: Option<String>,
    #[serde(rename = "UserMFASettingList")]
    user_mfa_setting_list: Option<Vec<String>>,
}

impl Floor {
    fn new(endpoint: &str) -> Floor {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .user_agent("cognito-bench-floor/0")
            .build()
            .expect("reqwest client");
        let credentials = Credentials::new(ACCESS_KEY, SECRET_KEY, None, None, "bench");
        Floor {
            http,
            url: format!("{endpoint}/"),
            identity: credentials.into(),
        }
    }

    async fn admin_get_user(&self) -> Result<FloorOutput, String> {
        let body = serde_json::to_vec(&FloorInput {
            user_pool_id: POOL,
            username: USERNAME,
        })
        .map_err(|e| e.to_string())?;
        let headers = [
            ("content-type", "application/x-amz-json-1.1"),
            ("x-amz-target", TARGET),
        ];
        let params = v4::SigningParams::builder()
            .identity(&self.identity)
            .region(REGION)
            .name("cognito-idp")
            .time(SystemTime::now())
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| e.to_string())?
            .into();
        let signable = SignableRequest::new(
            "POST",
            &self.url,
            headers.iter().copied(),
            SignableBody::Bytes(&body),
        )
        .map_err(|e| e.to_string())?;
        let (instructions, _) = sign(signable, &params)
            .map_err(|e| e.to_string())?
            .into_parts();
        let mut request = self.http.post(&self.url);
        for (k, v) in headers {
            request = request.header(k, v);
        }
        for (k, v) in instructions.headers() {
            request = request.header(k, v);
        }
        let response = request.body(body).send().await.map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("HTTP {}", response.status()));
        }
        let bytes = response.bytes().await.map_err(|e| e.to_string())?;
        serde_json::from_slice(&bytes).map_err(|e| e.to_string())
    }
}

#[derive(Clone)]
enum Client {
    Cognito(cognito::idp::Client),
    Floor(Arc<Floor>),
}

impl Client {
    fn name(&self) -> &'static str {
        match self {
            Client::Cognito(_) => COGNITO,
            Client::Floor(_) => FLOOR,
        }
    }

    /// One call; the decoded username must be the canned one.
    async fn call(&self) -> Result<(), String> {
        let username = match self {
            Client::Cognito(c) => {
                c.admin_get_user()
                    .user_pool_id(POOL)
                    .username(USERNAME)
                    .send()
                    .await
                    .map_err(|e| e.to_string())?
                    .username
            }
            Client::Floor(f) => f.admin_get_user().await?.username,
        };
        if username.as_deref() == Some(USERNAME) {
            Ok(())
        } else {
            Err(format!("decoded username {username:?}"))
        }
    }
}

// ----------------------------------------------------------------------------------------------------
// Driver
// ----------------------------------------------------------------------------------------------------

struct Measurement {
    client: &'static str,
    concurrency: usize,
    requests: usize,
    wall: Duration,
    client_cpu: f64,
    server_cpu: f64,
    cut_short: bool,
}

/// Makes up to `n` calls from `concurrency` tasks, stopping early at `deadline`. Returns the calls made.
async fn drive(client: &Client, n: usize, concurrency: usize, deadline: Instant) -> usize {
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..concurrency.min(n) {
        let client = client.clone();
        let next = Arc::clone(&next);
        tasks.spawn(async move {
            let mut done = 0usize;
            while next.fetch_add(1, Ordering::Relaxed) < n {
                if let Err(e) = client.call().await {
                    panic!("{}: call failed: {e}", client.name());
                }
                done += 1;
                if done.is_multiple_of(64) && Instant::now() >= deadline {
                    break;
                }
            }
            done
        });
    }
    let mut total = 0;
    while let Some(done) = tasks.join_next().await {
        total += done.expect("a benchmark task panicked");
    }
    total
}

/// A client under measurement: one of this process's, or the official SDK's binary.
enum Runner {
    Local(Client),
    Official(std::path::PathBuf),
}

const COGNITO: &str = "cognito (signed)";
const FLOOR: &str = "floor: reqwest+sigv4+serde";
const OFFICIAL: &str = "official SDK";

impl Runner {
    fn name(&self) -> &'static str {
        match self {
            Runner::Local(client) => client.name(),
            Runner::Official(_) => OFFICIAL,
        }
    }
}

/// What every measured run shares.
struct Setup<'a> {
    options: &'a Options,
    runtime: &'a tokio::runtime::Runtime,
    workers: usize,
    endpoint: &'a str,
    server_pid: &'a str,
    ticks: f64,
}

impl Setup<'_> {
    fn measure(&self, runner: &Runner, concurrency: usize) -> Measurement {
        match runner {
            Runner::Local(client) => self.measure_local(client, concurrency),
            Runner::Official(path) => self.measure_official(path, concurrency),
        }
    }

    fn measure_local(&self, client: &Client, concurrency: usize) -> Measurement {
        let limit = Duration::from_secs(self.options.max_seconds);
        self.runtime.block_on(drive(
            client,
            self.options.warmup,
            concurrency,
            Instant::now() + limit,
        ));
        let cpu0 = cpu_seconds("self", self.ticks);
        let server0 = cpu_seconds(self.server_pid, self.ticks);
        let started = Instant::now();
        let done = self.runtime.block_on(drive(
            client,
            self.options.requests,
            concurrency,
            started + limit,
        ));
        Measurement {
            client: client.name(),
            concurrency,
            requests: done,
            wall: started.elapsed(),
            client_cpu: cpu_seconds("self", self.ticks) - cpu0,
            server_cpu: cpu_seconds(self.server_pid, self.ticks) - server0,
            cut_short: done < self.options.requests,
        }
    }

    /// Runs the official SDK's binary for one configuration and reads its `RESULT` line. It bounds its
    /// warm-up and its run by `--max-seconds` each; past twice that and a minute it is killed.
    fn measure_official(&self, path: &std::path::Path, concurrency: usize) -> Measurement {
        let o = self.options;
        let mut child = Command::new(path)
            .args(["--endpoint", self.endpoint, "--server-pid", self.server_pid])
            .args(["--concurrency", &concurrency.to_string()])
            .args(["--requests", &o.requests.to_string()])
            .args(["--warmup", &o.warmup.to_string()])
            .args(["--max-seconds", &o.max_seconds.to_string()])
            .args(["--workers", &self.workers.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", path.display()));
        let deadline = Instant::now() + Duration::from_secs(2 * o.max_seconds + 60);
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20))
                }
                Ok(None) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!(
                        "{}: still running after {:?}; killed",
                        path.display(),
                        deadline
                    );
                }
                Err(e) => panic!("{}: {e}", path.display()),
            }
        };
        let mut stdout = String::new();
        if let Some(mut out) = child.stdout.take() {
            std::io::Read::read_to_string(&mut out, &mut stdout)
                .expect("read the official client's output");
        }
        if !status.success() {
            panic!(
                "{} failed ({status}); its output: {stdout:?}",
                path.display()
            );
        }
        let fields: Vec<f64> = stdout
            .lines()
            .find_map(|line| line.strip_prefix("RESULT "))
            .map(|rest| {
                rest.split_whitespace()
                    .filter_map(|v| v.parse().ok())
                    .collect()
            })
            .unwrap_or_default();
        let [done, wall, client_cpu, server_cpu, workers] = fields[..] else {
            panic!(
                "{} printed {stdout:?}, not RESULT <5 numbers>",
                path.display()
            );
        };
        assert_eq!(
            workers as usize, self.workers,
            "the official client ran on another number of worker threads"
        );
        let done = done as usize;
        Measurement {
            client: OFFICIAL,
            concurrency,
            requests: done,
            wall: Duration::from_secs_f64(wall),
            client_cpu,
            server_cpu,
            cut_short: done < o.requests,
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--server") {
        run_server();
        return;
    }
    let options = parse_options(&args);
    let ticks = clock_ticks();
    let server = Server::start();
    let server_pid = server.child.id().to_string();
    let endpoint = format!("http://127.0.0.1:{}", server.port);

    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    runtime.enable_all();
    if let Some(w) = options.workers {
        runtime.worker_threads(w);
    }
    let runtime = runtime.build().expect("runtime");
    let workers = runtime.metrics().num_workers();

    let config = cognito::Config::builder()
        .region(REGION)
        .endpoint_url(endpoint.as_str())
        .credentials(cognito::Credentials::new(
            ACCESS_KEY, SECRET_KEY, None, None, "bench",
        ))
        .build();
    let mut runners = vec![
        Runner::Local(Client::Cognito(cognito::idp::Client::new(&config))),
        Runner::Local(Client::Floor(Arc::new(Floor::new(&endpoint)))),
    ];
    if let Some(path) = &options.official {
        runners.push(Runner::Official(path.clone()));
    }

    eprintln!(
        "AdminGetUser against a canned server at {endpoint} (separate process, pid {server_pid}); \
         client runtime: {workers} worker threads; {} requests per configuration after {} warm-up, \
         {} rounds; CPU from /proc/<pid>/stat at {ticks} ticks/s",
        options.requests, options.warmup, options.rounds
    );
    let setup = Setup {
        options: &options,
        runtime: &runtime,
        workers,
        endpoint: &endpoint,
        server_pid: &server_pid,
        ticks,
    };
    let mut results: Vec<Measurement> = Vec::new();
    for round in 1..=options.rounds {
        for &concurrency in &options.concurrency {
            // Alternate the order, so no client always runs on a warmer (or busier) machine.
            let order: Vec<&Runner> = if round % 2 == 1 {
                runners.iter().collect()
            } else {
                runners.iter().rev().collect()
            };
            for runner in order {
                let m = setup.measure(runner, concurrency);
                eprintln!(
                    "  round {round}: {} C={}: {} requests in {:.2?}, {:.1} client CPU µs/req",
                    m.client,
                    m.concurrency,
                    m.requests,
                    m.wall,
                    m.cpu_per_request()
                );
                results.push(m);
            }
        }
    }
    drop(server);
    let names: Vec<&'static str> = runners.iter().map(Runner::name).collect();
    report(&options, &names, &results);
}

impl Measurement {
    fn rate(&self) -> f64 {
        self.requests as f64 / self.wall.as_secs_f64()
    }

    fn cpu_per_request(&self) -> f64 {
        self.client_cpu * 1e6 / self.requests.max(1) as f64
    }

    fn server_cpu_per_request(&self) -> f64 {
        self.server_cpu * 1e6 / self.requests.max(1) as f64
    }
}

/// The median of `values` (sorted in place) and their range.
fn median(values: &mut [f64]) -> (f64, f64, f64) {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    let mid = if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    };
    (mid, values[0], values[n - 1])
}

fn report(options: &Options, clients: &[&'static str], results: &[Measurement]) {
    println!();
    println!(
        "| client                     |  C | rounds × requests | req/s (median, range)  | client CPU µs/req \
         (median, range) | server CPU µs/req |"
    );
    println!(
        "|----------------------------|---:|------------------:|-----------------------:|\
         ----------------------------------:|------------------:|"
    );
    let mut medians = Vec::new();
    for &concurrency in &options.concurrency {
        for &client in clients {
            let runs: Vec<&Measurement> = results
                .iter()
                .filter(|m| m.concurrency == concurrency && m.client == client)
                .collect();
            let (rate, rate_lo, rate_hi) =
                median(&mut runs.iter().map(|m| m.rate()).collect::<Vec<_>>());
            let (cpu, cpu_lo, cpu_hi) =
                median(&mut runs.iter().map(|m| m.cpu_per_request()).collect::<Vec<_>>());
            let (server, _, _) = median(
                &mut runs
                    .iter()
                    .map(|m| m.server_cpu_per_request())
                    .collect::<Vec<_>>(),
            );
            let cut = runs.iter().any(|m| m.cut_short);
            println!(
                "| {:<26} | {:>2} | {:>5} × {:>9} | {:>6.0} ({:>6.0}–{:<6.0}) | {:>15.1} ({:>6.1}–{:<6.1}) | \
                 {:>17.1} |{}",
                client,
                concurrency,
                runs.len(),
                runs.iter().map(|m| m.requests).min().unwrap_or(0),
                rate,
                rate_lo,
                rate_hi,
                cpu,
                cpu_lo,
                cpu_hi,
                server,
                if cut {
                    " (a run was cut short by --max-seconds)"
                } else {
                    ""
                }
            );
            medians.push((concurrency, client, cpu, rate));
        }
    }
    // Side by side: client CPU per request (median round) and the ratios.
    let official = clients.contains(&OFFICIAL);
    println!();
    println!(
        "|  C | cognito µs/req | floor µs/req |{} cognito/floor (goal ≤ 1.05) |{}",
        if official { " official µs/req |" } else { "" },
        if official {
            " official/floor | cognito/official |"
        } else {
            ""
        }
    );
    println!(
        "|---:|---------------:|-------------:|{}-----------------------------:|{}",
        if official { "----------------:|" } else { "" },
        if official {
            "---------------:|-----------------:|"
        } else {
            ""
        }
    );
    for &concurrency in &options.concurrency {
        let cpu = |name: &str| {
            medians
                .iter()
                .find(|(c, n, _, _)| *c == concurrency && *n == name)
                .map(|m| m.2)
        };
        let (Some(c), Some(f)) = (cpu(COGNITO), cpu(FLOOR)) else {
            continue;
        };
        let goal = if c / f <= 1.05 { "met" } else { "NOT met" };
        let mut line = format!("| {concurrency:>2} | {c:>14.1} | {f:>12.1} |");
        if let Some(o) = cpu(OFFICIAL).filter(|_| official) {
            line += &format!(" {o:>15.1} |");
        }
        line += &format!(" {:>16.2}x ({goal:<7}) |", c / f);
        if let Some(o) = cpu(OFFICIAL).filter(|_| official) {
            line += &format!(" {:>13.2}x | {:>15.2}x |", o / f, c / o);
        }
        println!("{line}");
    }
}
