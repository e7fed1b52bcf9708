//! Concurrency: 64 tasks share one client and make 20 000 signed `AdminGetUser` calls in total, each task
//! its share (312 or 313), against a small keep-alive server on loopback that echoes each request's
//! `Username` back in its answer.
//!
//! Checks that every call succeeds, that every answer decodes to the value its own request asked for (a
//! response lost or delivered to the wrong caller would show), and that memory stays flat: the bytes
//! allocated and not yet freed, counted by this test binary's global allocator, may grow between the end
//! of a warm-up and the end of the run by at most [`MAX_LIVE_GROWTH`] in all — under 7 bytes a call, so
//! that a leak of a few bytes per call fails, let alone one of a few hundred. The
//! run is bounded in count, and in time only by a hang guard.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The system allocator, counting the bytes allocated and not yet freed.
struct Counting;

static LIVE_BYTES: AtomicI64 = AtomicI64::new(0);

fn add_live(delta: i64) {
    LIVE_BYTES.fetch_add(delta, Ordering::Relaxed);
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged; the counter is only
// bookkeeping.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            add_live(layout.size() as i64);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            add_live(layout.size() as i64);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        add_live(-(layout.size() as i64));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            add_live(new_size as i64 - layout.size() as i64);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Bytes allocated and not freed, in the whole process.
fn live_bytes() -> i64 {
    LIVE_BYTES.load(Ordering::Relaxed)
}

use cognito::{Config, Credentials, RetryConfig, Timeouts};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const TASKS: usize = 64;
const CALLS: usize = 20_000;
/// Calls per task before the live heap is measured: enough for the connection pool and the buffers of
/// client and server to reach their working size (a 20-call warm-up left a one-time growth of ~0.5 MiB
/// in the first calls after it).
const WARM_UP_CALLS_PER_TASK: usize = 100;
/// Allowed growth of the live heap between the end of the warm-up and the end of the run: 128 KiB, under
/// 7 bytes a call over 20 000 calls (after the warm-up, rounds of 5 000 calls move it by less than 1 KiB).
const MAX_LIVE_GROWTH: i64 = 128 * 1024;
/// A hang guard: the whole run (warm-up included) fails the test rather than hang past this.
const RUN_LIMIT: Duration = Duration::from_secs(600);

/// Resident set size of this process, from `/proc/self/status`.
fn vm_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("read /proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/self/status")
}

/// Finds `\r\n\r\n` in `buf`; returns the length of the head including it.
fn head_len(buf: &[u8]) -> Option<usize> {
    buf.windows(4).position(|w| w == b"\r\n\r\n").map(|p| p + 4)
}

/// The `Content-Length` of a request head (0 when absent).
fn content_length(head: &[u8]) -> Option<usize> {
    let text = std::str::from_utf8(head).ok()?;
    for line in text.split("\r\n").skip(1) {
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                return value.trim().parse().ok();
            }
        }
    }
    Some(0)
}

/// The answer to one request body: an `AdminGetUser` output naming the requested user.
fn answer(body: &[u8], served: u64) -> Vec<u8> {
    let request: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let username = request
        .get("Username")
        .and_then(|v| v.as_str())
        .unwrap_or("?");
    let json = serde_json::json!({
        "Username": username,
        "UserStatus": "CONFIRMED",
        "Enabled": true,
        "UserCreateDate": 1_795_459_509.193,
        "UserLastModifiedDate": 1_795_459_600,
        "UserAttributes": [
            {"Name": "sub", "Value": format!("sub-{username}")},
            {"Name": "email", "Value": format!("{username}@example.com")},
            {"Name": "custom:served", "Value": served.to_string()},
        ],
    })
    .to_string();
    let mut out = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\n\
         x-amzn-RequestId: req-{served}\r\nContent-Length: {}\r\n\r\n",
        json.len()
    )
    .into_bytes();
    out.extend_from_slice(json.as_bytes());
    out
}

/// Serves one keep-alive connection until the client closes it.
async fn serve(mut stream: TcpStream, served: Arc<AtomicU64>) {
    let _ = stream.set_nodelay(true);
    let mut buf: Vec<u8> = Vec::with_capacity(8192);
    let mut chunk = [0u8; 8192];
    loop {
        // Parse as many complete requests as are buffered.
        while let Some(head) = head_len(&buf) {
            let Some(length) = content_length(&buf[..head]) else {
                return;
            };
            if buf.len() < head + length {
                break;
            }
            let n = served.fetch_add(1, Ordering::Relaxed);
            let response = answer(&buf[head..head + length], n);
            buf.drain(..head + length);
            if stream.write_all(&response).await.is_err() {
                return;
            }
        }
        if buf.len() > 1 << 20 {
            return; // not a request this server understands
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

/// Starts the echo server on 127.0.0.1; returns its endpoint and the count of requests served.
async fn start_server() -> (String, Arc<AtomicU64>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let endpoint = format!("http://{}", listener.local_addr().expect("addr"));
    let served = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&served);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(serve(stream, Arc::clone(&counter)));
        }
    });
    (endpoint, served)
}

/// Runs `per_task(t)` calls in each of [`TASKS`] tasks sharing `client`; every answer must name the user
/// its request asked for. Returns the number of calls made.
async fn run(
    client: &cognito::idp::Client,
    phase: &str,
    per_task: impl Fn(usize) -> usize,
) -> usize {
    let mut tasks = tokio::task::JoinSet::new();
    let mut total = 0;
    for t in 0..TASKS {
        let calls = per_task(t);
        total += calls;
        let client = client.clone();
        let phase = phase.to_owned();
        tasks.spawn(async move {
            for i in 0..calls {
                let username = format!("{phase}-task{t}-call{i}");
                let out = client
                    .admin_get_user()
                    .user_pool_id("us-east-1_concurrency")
                    .username(username.as_str())
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("{username}: {e} ({e:?})"));
                assert_eq!(out.username.as_deref(), Some(username.as_str()));
                let attributes = out.user_attributes.expect("attributes");
                assert_eq!(attributes.len(), 3);
                assert_eq!(attributes[0].value, Some(format!("sub-{username}")));
                assert_eq!(attributes[1].value, Some(format!("{username}@example.com")));
                assert_eq!(out.enabled, Some(true));
                assert!(out.user_create_date.is_some());
            }
        });
    }
    while let Some(joined) = tasks.join_next().await {
        joined.expect("a task panicked");
    }
    total
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_tasks_share_one_client() {
    let (endpoint, served) = start_server().await;
    let config = Config::builder()
        .region("us-east-1")
        .endpoint_url(endpoint)
        .credentials(Credentials::new(
            "AKIDCONCURRENCY",
            "SECRETCONCURRENCY",
            None,
            None,
            "concurrency",
        ))
        .retry(RetryConfig::disabled())
        .timeouts(Timeouts::default().with_attempt(Duration::from_secs(20)))
        .build();
    let client = cognito::idp::Client::new(&config);

    let outcome = tokio::time::timeout(RUN_LIMIT, async {
        let warm = run(&client, "warm", |_| WARM_UP_CALLS_PER_TASK).await;
        let rss_before = vm_rss_kib();
        let live_before = live_bytes();
        let started = Instant::now();
        let calls = run(&client, "run", |t| {
            CALLS / TASKS + usize::from(t < CALLS % TASKS)
        })
        .await;
        let elapsed = started.elapsed();
        let live_after = live_bytes();
        let rss_after = vm_rss_kib();
        (
            warm,
            calls,
            elapsed,
            (live_before, live_after),
            (rss_before, rss_after),
        )
    })
    .await;
    let (warm, calls, elapsed, (live_before, live_after), (rss_before, rss_after)) =
        outcome.unwrap_or_else(|_| panic!("the run did not finish within {RUN_LIMIT:?}"));

    assert_eq!(calls, CALLS);
    assert_eq!(
        (0..TASKS)
            .map(|t| CALLS / TASKS + usize::from(t < CALLS % TASKS))
            .collect::<std::collections::BTreeSet<_>>(),
        [312, 313].into(),
        "each task makes its share"
    );
    assert_eq!(
        served.load(Ordering::Relaxed),
        (warm + calls) as u64,
        "one request per call: no retries, nothing lost"
    );
    let growth = live_after - live_before;
    eprintln!(
        "{calls} calls from {TASKS} tasks in {elapsed:.2?}; live heap {live_before} -> {live_after} bytes \
         ({growth:+} bytes, {:+.1} bytes a call); VmRSS {rss_before} -> {rss_after} KiB",
        growth as f64 / calls as f64
    );
    assert!(
        growth <= MAX_LIVE_GROWTH,
        "the live heap grew by {growth} bytes over {calls} calls ({:.1} bytes a call; allowed: \
         {MAX_LIVE_GROWTH} bytes in all)",
        growth as f64 / calls as f64
    );
}
