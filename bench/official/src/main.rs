//! The official SDK's side of the client benchmark: `AdminGetUser` through aws-sdk-cognitoidentityprovider
//! (aws-config, `BehaviorVersion::latest()`, static credentials, region us-east-1, `endpoint_url` set to
//! cognito-bench's canned loopback server), one configuration per run.
//!
//! cognito-bench starts it once per round and concurrency, while its server runs, and reads the one
//! `RESULT` line it prints. The measurement is the one cognito-bench makes for its own clients: a
//! warm-up, then N calls shared by C tasks on a multi-threaded Tokio runtime, bounded by `--max-seconds`;
//! client CPU is this process's `utime + stime` from `/proc/self/stat` across the measured calls, server
//! CPU the server's across the same calls. Every call is checked (success, decoded username).
//!
//! ```text
//! official-bench --endpoint http://127.0.0.1:PORT --server-pid PID [--concurrency C] [--requests N]
//!                [--warmup N] [--max-seconds S] [--workers W]
//! RESULT <requests made> <wall s> <client CPU s> <server CPU s> <worker threads>
//! ```

use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_config::BehaviorVersion;
use aws_sdk_cognitoidentityprovider::config::{Credentials, Region};
use aws_sdk_cognitoidentityprovider::Client;

// The same values as cognito-bench's.
const REGION: &str = "us-east-1";
const POOL: &str = "us-east-1_BenchPool1";
const USERNAME: &str = "bench-user-0001";
const ACCESS_KEY: &str = "AKIDBENCHMARK0000001";
const SECRET_KEY: &str = "benchSecretKey/0123456789abcdefghijklmnop";

struct Options {
    endpoint: String,
    server_pid: String,
    concurrency: usize,
    requests: usize,
    warmup: usize,
    max_seconds: u64,
    workers: Option<usize>,
}

fn usage() -> ! {
    eprintln!(
        "usage: official-bench --endpoint URL --server-pid PID [--concurrency C] [--requests N] \
         [--warmup N] [--max-seconds S] [--workers W]"
    );
    std::process::exit(2)
}

fn parse_options(args: &[String]) -> Options {
    let mut o = Options {
        endpoint: String::new(),
        server_pid: String::new(),
        concurrency: 1,
        requests: 40_000,
        warmup: 4_000,
        max_seconds: 60,
        workers: None,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || it.next().cloned().unwrap_or_else(|| usage());
        match arg.as_str() {
            "--endpoint" => o.endpoint = value(),
            "--server-pid" => o.server_pid = value(),
            "--concurrency" => o.concurrency = value().parse().unwrap_or_else(|_| usage()),
            "--requests" => o.requests = value().parse().unwrap_or_else(|_| usage()),
            "--warmup" => o.warmup = value().parse().unwrap_or_else(|_| usage()),
            "--max-seconds" => o.max_seconds = value().parse().unwrap_or_else(|_| usage()),
            "--workers" => o.workers = Some(value().parse().unwrap_or_else(|_| usage())),
            _ => usage(),
        }
    }
    if o.endpoint.is_empty()
        || o.server_pid.parse::<u32>().is_err()
        || o.concurrency == 0
        || o.requests == 0
    {
        usage();
    }
    o
}

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

/// One call; it must succeed and decode the canned username.
async fn call(client: &Client) -> Result<(), String> {
    let output = client
        .admin_get_user()
        .user_pool_id(POOL)
        .username(USERNAME)
        .send()
        .await
        .map_err(|e| {
            format!(
                "{}",
                aws_sdk_cognitoidentityprovider::error::DisplayErrorContext(e)
            )
        })?;
    if output.username() == USERNAME {
        Ok(())
    } else {
        Err(format!("decoded username {:?}", output.username()))
    }
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
                if let Err(e) = call(&client).await {
                    panic!("official SDK: call failed: {e}");
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

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = parse_options(&args);
    let ticks = clock_ticks();

    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    runtime.enable_all();
    if let Some(w) = options.workers {
        runtime.worker_threads(w);
    }
    let runtime = runtime.build().expect("runtime");
    let workers = runtime.metrics().num_workers();

    let client = runtime.block_on(async {
        let config = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(REGION))
            .endpoint_url(&options.endpoint)
            .credentials_provider(Credentials::new(
                ACCESS_KEY, SECRET_KEY, None, None, "bench",
            ))
            .load()
            .await;
        Client::new(&config)
    });

    let limit = Duration::from_secs(options.max_seconds);
    runtime.block_on(drive(
        &client,
        options.warmup,
        options.concurrency,
        Instant::now() + limit,
    ));
    let cpu0 = cpu_seconds("self", ticks);
    let server0 = cpu_seconds(&options.server_pid, ticks);
    let started = Instant::now();
    let done = runtime.block_on(drive(
        &client,
        options.requests,
        options.concurrency,
        started + limit,
    ));
    let wall = started.elapsed();
    let client_cpu = cpu_seconds("self", ticks) - cpu0;
    let server_cpu = cpu_seconds(&options.server_pid, ticks) - server0;
    println!(
        "RESULT {done} {:.6} {client_cpu:.6} {server_cpu:.6} {workers}",
        wall.as_secs_f64()
    );
}
