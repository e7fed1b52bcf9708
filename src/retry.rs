//! Retries as the official AWS SDKs define them: the "standard" mode (the default) and the "adaptive" mode,
//! which adds a client-side rate limiter.
//!
//! # What is retried
//! - Throttling: the error codes AWS's SDKs list as throttling (`TooManyRequestsException`,
//!   `ThrottlingException`, `Throttling`, `RequestLimitExceeded`, `SlowDown`, … the list of smithy-rs's
//!   `aws-runtime` `THROTTLING_ERRORS` and botocore's `ThrottledRetryableChecker`), and HTTP 429 whatever
//!   its code (as the Java SDK v2 does).
//! - Transient errors: HTTP 500, 502, 503 and 504 (not every 5xx), the codes `RequestTimeout` and
//!   `RequestTimeoutException` (smithy-rs's `TRANSIENT_ERRORS`), `InternalError` and `InternalErrorException`
//!   whatever their status; connection failures (refused, reset, closed mid-body: any
//!   [`Error::Transport`]); and timeouts of one attempt or of opening the connection.
//! - Never: other 4xx answers, a 2xx with a body that cannot be decoded, credential, input and
//!   configuration errors.
//!
//! # How long to wait
//! Full jitter: before retry after attempt `n` (from 1) the call sleeps a random time in
//! `[0, min(base × 2^(n−1), max_backoff)]`, `max_backoff` being 20 s. The base is **1 s for throttling**
//! errors and **50 ms for every other retryable error**. That split is AWS's "retry behavior 2.1", the
//! behaviour of the AWS SDK reference guide's "Retry behavior" page (opt-in with `AWS_NEW_RETRIES_2026`,
//! announced as the default from November 2026): botocore's `ExponentialBackoff` (base scale 1 for
//! throttling, 0.05 otherwise) and smithy-rs's `RetrySpec::v2_1` (`non_throttling_initial_backoff` of
//! 50 ms). Under the older behaviour (2.0, e.g. smithy-rs's `RetryConfig::standard()` without a spec) the
//! base was 1 s for every error. [`RetryConfig::with_initial_backoff`] sets one base for both kinds.
//!
//! # Retry quota
//! A token bucket shared by every client of one [`RetryConfig`] (and of its clones): it starts full at 500
//! tokens and never holds more; a retry takes 5 tokens, a retry after a timeout 10; a call that cannot
//! pay for a retry returns its last error instead. A successful attempt (HTTP 2xx) gives back what the
//! retry that led to it cost when it was a retry (only the last retry's cost, not all of the call's), and
//! 1 token when it was the call's first attempt. Failed calls give nothing back. These are the counts of
//! smithy-rs's `token_bucket.rs` (`DEFAULT_CAPACITY`, `DEFAULT_RETRY_COST`, `DEFAULT_RETRY_TIMEOUT_COST`,
//! `PERMIT_REGENERATION_AMOUNT`; the permit of an earlier retry is forgotten when a later one replaces it)
//! and of botocore's `RetryQuotaChecker` in its 2.0 behaviour. Like botocore, only timeouts cost 10:
//! smithy-rs charges 10 for every error it calls transient (5xx statuses and I/O errors included). AWS's
//! retry behavior 2.1 changes these counts (14 per retry, 5 per throttling retry, timeouts no longer
//! special); this SDK keeps the 2.0 counts.
//!
//! # Adaptive mode
//! On top of standard mode, a client-side rate limiter shared by every client of the configuration, as
//! AWS's SDKs build it (smithy-rs's `ClientRateLimiter`, botocore's `adaptive.py`): it measures the rate of
//! responses (in half-second buckets, smoothed with a factor of 0.8); a throttling response cuts the
//! allowed rate to 0.7 × the rate measured (CUBIC's β), other responses let it grow back along the cubic
//! curve `0.4 × (t − K)³ + W_max`, never above twice the measured rate and never below 0.5 request/s. Every
//! attempt takes one token from the limiter's bucket first, waiting for it when the bucket is empty, and a
//! retry still sleeps its backoff, as in botocore (smithy-rs charges a retry 5 or 10 limiter tokens and
//! sleeps the limiter's delay instead of the backoff when there is one). The limiter does nothing until
//! the first throttling response.
//!
//! # From the environment
//! [`Config::from_env`](crate::Config::from_env) reads `AWS_RETRY_MODE` (`standard`, `adaptive`, or
//! `legacy`, which is taken as `standard`: this SDK has no legacy mode of its own) and `AWS_MAX_ATTEMPTS`
//! (a whole number of at least 1), else the profile's `retry_mode` and `max_attempts`.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use tokio::time::Instant;

use crate::error::ConfigError;
use crate::error::Error;
use crate::transport::{HttpError, HttpErrorKind};

/// Error codes AWS's SDKs treat as throttling.
const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// Error codes of transient server-side failures.
const TRANSIENT_CODES: &[&str] = &[
    "RequestTimeout",
    "RequestTimeoutException",
    "InternalError",
    "InternalErrorException",
];

/// HTTP statuses of transient failures: these four only, as in every AWS SDK.
const TRANSIENT_STATUSES: &[u16] = &[500, 502, 503, 504];

const DEFAULT_MAX_ATTEMPTS: u32 = 3;
const THROTTLING_BACKOFF: Duration = Duration::from_secs(1);
const TRANSIENT_BACKOFF: Duration = Duration::from_millis(50);
const MAX_BACKOFF: Duration = Duration::from_secs(20);

const QUOTA_CAPACITY: u32 = 500;
const RETRY_COST: u32 = 5;
const TIMEOUT_RETRY_COST: u32 = 10;
const NO_RETRY_INCREMENT: u32 = 1;

/// How failed requests are retried.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RetryMode {
    /// AWS's standard retry rules: a set of retryable errors, exponential backoff with jitter and a retry
    /// quota.
    #[default]
    Standard,
    /// Standard mode plus a client-side rate limiter that slows every attempt, the first included, once
    /// the service has throttled a client of this configuration.
    Adaptive,
}

/// Retry settings: the mode, the number of attempts and the backoff.
///
/// The default is [`RetryConfig::standard`]: 3 attempts; backoff with full jitter from a base of 1 s for
/// throttling errors and 50 ms for other retryable errors, doubling per retry, capped at 20 s; a retry
/// quota of 500 tokens. See the [module documentation](self) for what is retried and where each number
/// comes from.
///
/// The retry quota and the adaptive rate limiter live behind an [`Arc`]: every client made from one
/// configuration, and from its clones, shares them.
#[derive(Clone)]
pub struct RetryConfig {
    mode: RetryMode,
    max_attempts: u32,
    throttling_backoff: Duration,
    transient_backoff: Duration,
    max_backoff: Duration,
    quota: Option<Arc<RetryQuota>>,
    limiter: Option<Arc<ClientRateLimiter>>,
}

impl fmt::Debug for RetryConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryConfig")
            .field("mode", &self.mode)
            .field("max_attempts", &self.max_attempts)
            .field("throttling_backoff", &self.throttling_backoff)
            .field("transient_backoff", &self.transient_backoff)
            .field("max_backoff", &self.max_backoff)
            .field(
                "quota_available",
                &self.quota.as_ref().map(|q| q.available()),
            )
            .finish()
    }
}

impl Default for RetryConfig {
    fn default() -> RetryConfig {
        RetryConfig::standard()
    }
}

impl RetryConfig {
    /// AWS standard mode, the default: 3 attempts, backoff from 1 s (throttling) or 50 ms (other errors)
    /// capped at 20 s, a fresh retry quota of 500 tokens.
    pub fn standard() -> RetryConfig {
        RetryConfig {
            mode: RetryMode::Standard,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            throttling_backoff: THROTTLING_BACKOFF,
            transient_backoff: TRANSIENT_BACKOFF,
            max_backoff: MAX_BACKOFF,
            quota: Some(Arc::new(RetryQuota::new(QUOTA_CAPACITY))),
            limiter: None,
        }
    }

    /// AWS adaptive mode: standard mode plus a fresh client-side rate limiter, inert until the first
    /// throttling response.
    ///
    /// AWS recommends it only where one client owns the resource it calls: a throttled caller slows down
    /// every call made through this configuration, whatever resource it targets.
    pub fn adaptive() -> RetryConfig {
        RetryConfig {
            mode: RetryMode::Adaptive,
            limiter: Some(Arc::new(ClientRateLimiter::new())),
            ..RetryConfig::standard()
        }
    }

    /// No retries: one attempt per call.
    pub fn disabled() -> RetryConfig {
        RetryConfig::standard().with_max_attempts(1)
    }

    /// Sets the maximum number of attempts per call, the first included; 0 is taken as 1.
    #[must_use]
    pub fn with_max_attempts(mut self, max_attempts: u32) -> RetryConfig {
        self.max_attempts = max_attempts.max(1);
        self
    }

    /// Sets the backoff base for every retryable error, throttling or not (by default 1 s for
    /// throttling and 50 ms for the others): the wait before retry `n` is random in
    /// `[0, min(base × 2^(n−1), max_backoff)]`.
    #[must_use]
    pub fn with_initial_backoff(mut self, backoff: Duration) -> RetryConfig {
        self.throttling_backoff = backoff;
        self.transient_backoff = backoff;
        self
    }

    /// Caps the backoff before jitter (default 20 s).
    #[must_use]
    pub fn with_max_backoff(mut self, max_backoff: Duration) -> RetryConfig {
        self.max_backoff = max_backoff;
        self
    }

    /// Turns the retry quota off: every call may use all its attempts, however many fail.
    #[must_use]
    pub fn without_quota(mut self) -> RetryConfig {
        self.quota = None;
        self
    }

    /// The maximum number of attempts per call, the first included.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The retry mode.
    pub fn mode(&self) -> RetryMode {
        self.mode
    }

    /// The backoff base for throttling errors (the cap of the first retry's random wait).
    pub fn throttling_backoff(&self) -> Duration {
        self.throttling_backoff
    }

    /// The backoff base for other transient errors.
    pub fn transient_backoff(&self) -> Duration {
        self.transient_backoff
    }

    /// The longest wait between two attempts.
    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// Standard or adaptive mode from the settings read by `Config::from_env`, with `max_attempts` when
    /// one is set.
    pub(crate) fn from_settings(mode: Option<RetryMode>, max_attempts: Option<u32>) -> RetryConfig {
        let config = match mode {
            Some(RetryMode::Adaptive) => RetryConfig::adaptive(),
            _ => RetryConfig::standard(),
        };
        match max_attempts {
            Some(n) => config.with_max_attempts(n),
            None => config,
        }
    }

    /// The wait before the retry that follows failed attempt `attempt` (from 1).
    fn backoff(&self, kind: RetryKind, attempt: u32) -> Duration {
        let base = match kind {
            RetryKind::Throttling => self.throttling_backoff,
            _ => self.transient_backoff,
        };
        let factor = 1u32
            .checked_shl(attempt.saturating_sub(1))
            .unwrap_or(u32::MAX);
        let ceiling = base.saturating_mul(factor).min(self.max_backoff);
        Duration::try_from_secs_f64(ceiling.as_secs_f64() * jitter()).unwrap_or(ceiling)
    }
}

/// `AWS_RETRY_MODE` or a profile's `retry_mode`: `standard`, `adaptive`, or `legacy` (taken as
/// `standard`), in any case.
pub(crate) fn parse_retry_mode(value: &str, setting: &str) -> Result<RetryMode, ConfigError> {
    let value = value.trim();
    if value.eq_ignore_ascii_case("standard") || value.eq_ignore_ascii_case("legacy") {
        Ok(RetryMode::Standard)
    } else if value.eq_ignore_ascii_case("adaptive") {
        Ok(RetryMode::Adaptive)
    } else {
        Err(ConfigError::InvalidValue {
            setting: setting.to_owned(),
            value: value.to_owned(),
            expected: "`standard`, `adaptive` or `legacy`",
        })
    }
}

/// `AWS_MAX_ATTEMPTS` or a profile's `max_attempts`: a whole number of at least 1.
pub(crate) fn parse_max_attempts(value: &str, setting: &str) -> Result<u32, ConfigError> {
    match value.trim().parse::<u32>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(ConfigError::InvalidValue {
            setting: setting.to_owned(),
            value: value.trim().to_owned(),
            expected: "a whole number of at least 1",
        }),
    }
}

/// Why a failed attempt may be retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RetryKind {
    /// The service throttled the request (a throttling code, or HTTP 429).
    Throttling,
    /// A transient server-side failure (HTTP 500/502/503/504, or a transient code).
    Transient,
    /// The request or its response was lost on the way (connection refused, reset, closed early).
    Transport,
    /// The connection or the attempt took longer than its timeout.
    Timeout,
}

impl RetryKind {
    /// What a retry of this kind takes from the retry quota.
    fn quota_cost(self) -> u32 {
        match self {
            RetryKind::Timeout => TIMEOUT_RETRY_COST,
            _ => RETRY_COST,
        }
    }
}

/// Classifies an HTTP error response from its status and its error code (bare or namespaced):
/// `None` when it must not be retried. A throttling code wins over the status.
pub(crate) fn classify(status: u16, code: Option<&str>) -> Option<RetryKind> {
    let code = code.map(|c| {
        let c = c.split(':').next().unwrap_or(c);
        c.rsplit('#').next().unwrap_or(c).trim()
    });
    if let Some(code) = code {
        if THROTTLING_CODES.contains(&code) {
            return Some(RetryKind::Throttling);
        }
    }
    if status == 429 {
        return Some(RetryKind::Throttling);
    }
    if code.is_some_and(|c| TRANSIENT_CODES.contains(&c)) || TRANSIENT_STATUSES.contains(&status) {
        return Some(RetryKind::Transient);
    }
    None
}

/// How one attempt ended, as the send path tells [`RetryState::after_attempt`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AttemptOutcome {
    /// An HTTP 2xx response.
    Success,
    /// A failure that may be retried.
    Retryable(RetryKind),
    /// Any other response or error: the call ends with it.
    NotRetryable,
}

impl AttemptOutcome {
    /// The outcome of an HTTP response: success for 2xx, else as [`classify`] says.
    pub(crate) fn from_response(status: u16, code: Option<&str>) -> AttemptOutcome {
        if (200..300).contains(&status) {
            return AttemptOutcome::Success;
        }
        classify(status, code).map_or(AttemptOutcome::NotRetryable, AttemptOutcome::Retryable)
    }

    /// The outcome of an attempt that got no usable response: timeouts of the connection or the attempt
    /// and transport errors are retryable; the rest (credentials, input, configuration, an unreadable or
    /// oversized response, the whole operation's timeout) is not.
    pub(crate) fn from_error<E>(error: &Error<E>) -> AttemptOutcome {
        match error {
            Error::Timeout(e) if e.kind() != crate::error::TimeoutKind::Operation => {
                AttemptOutcome::Retryable(RetryKind::Timeout)
            }
            Error::Transport(e) => AttemptOutcome::from_http_error(&e.error),
            _ => AttemptOutcome::NotRetryable,
        }
    }

    /// The outcome of a transport failure: a connect timeout is a timeout (it costs the quota as one); a
    /// request the transport could not make, or a body over the limit, ends the call; any other failure
    /// (refused or reset connection, I/O) is a transient transport error.
    pub(crate) fn from_http_error(error: &HttpError) -> AttemptOutcome {
        match error.kind() {
            HttpErrorKind::ConnectTimeout => AttemptOutcome::Retryable(RetryKind::Timeout),
            HttpErrorKind::BodyTooLarge { .. } | HttpErrorKind::InvalidRequest => {
                AttemptOutcome::NotRetryable
            }
            _ => AttemptOutcome::Retryable(RetryKind::Transport),
        }
    }
}

/// What the send path does after an attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RetryDecision {
    /// Return this attempt's result.
    Done,
    /// Sleep this long, then make another attempt (calling [`RetryState::before_attempt`] first).
    RetryAfter(Duration),
}

/// The retry state of one call. The send path calls [`before_attempt`](Self::before_attempt) before every
/// attempt (the first included) and [`after_attempt`](Self::after_attempt) after it.
pub(crate) struct RetryState {
    config: RetryConfig,
    attempts: u32,
    /// What the last retry took from the quota, given back if the call then succeeds.
    retry_cost: Option<u32>,
}

impl RetryState {
    /// A call's state under `config` (its quota and rate limiter are shared, not copied).
    pub(crate) fn new(config: &RetryConfig) -> RetryState {
        RetryState {
            config: config.clone(),
            attempts: 0,
            retry_cost: None,
        }
    }

    /// Before each attempt: in adaptive mode, waits for a token of the rate limiter (no wait until the
    /// service has throttled); then counts the attempt, so that [`attempts`](Self::attempts) is the number
    /// of the attempt about to be sent (for `amz-sdk-request: attempt=N; max=M`).
    pub(crate) async fn before_attempt(&mut self) {
        if let Some(limiter) = &self.config.limiter {
            limiter.acquire().await;
        }
        self.attempts = self.attempts.saturating_add(1);
    }

    /// After each attempt: updates the rate limiter and the quota, and decides.
    pub(crate) fn after_attempt(&mut self, outcome: AttemptOutcome) -> RetryDecision {
        let attempt = self.attempts.max(1);
        if let Some(limiter) = &self.config.limiter {
            limiter.update(outcome == AttemptOutcome::Retryable(RetryKind::Throttling));
        }
        let kind = match outcome {
            AttemptOutcome::Success => {
                if let Some(quota) = &self.config.quota {
                    quota.release(self.retry_cost.unwrap_or(NO_RETRY_INCREMENT));
                }
                return RetryDecision::Done;
            }
            AttemptOutcome::NotRetryable => return RetryDecision::Done,
            AttemptOutcome::Retryable(kind) => kind,
        };
        if attempt >= self.config.max_attempts {
            return RetryDecision::Done;
        }
        if let Some(quota) = &self.config.quota {
            let cost = kind.quota_cost();
            if !quota.try_acquire(cost) {
                return RetryDecision::Done;
            }
            self.retry_cost = Some(cost);
        }
        RetryDecision::RetryAfter(self.config.backoff(kind, attempt))
    }

    /// Attempts started so far (counted by [`before_attempt`](Self::before_attempt)).
    pub(crate) fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The maximum number of attempts of this call (the `max` of `amz-sdk-request: attempt=N; max=M`).
    pub(crate) fn max_attempts(&self) -> u32 {
        self.config.max_attempts
    }
}

/// The retry quota: a token bucket that retries draw from and successes refill.
#[derive(Debug)]
pub(crate) struct RetryQuota {
    capacity: u32,
    available: Mutex<u32>,
}

impl RetryQuota {
    /// A full bucket of `capacity` tokens.
    pub(crate) fn new(capacity: u32) -> RetryQuota {
        RetryQuota {
            capacity,
            available: Mutex::new(capacity),
        }
    }

    /// Takes `cost` tokens if there are that many.
    fn try_acquire(&self, cost: u32) -> bool {
        let mut available = self.available.lock().unwrap_or_else(|p| p.into_inner());
        match available.checked_sub(cost) {
            Some(left) => {
                *available = left;
                true
            }
            None => false,
        }
    }

    /// Gives `amount` tokens back, up to the capacity.
    fn release(&self, amount: u32) {
        let mut available = self.available.lock().unwrap_or_else(|p| p.into_inner());
        *available = available.saturating_add(amount).min(self.capacity);
    }

    /// Tokens left.
    pub(crate) fn available(&self) -> u32 {
        *self.available.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The lowest rate the limiter allows, in requests per second.
const MIN_FILL_RATE: f64 = 0.5;
/// The smallest bucket the limiter keeps.
const MIN_CAPACITY: f64 = 1.0;
/// Weight of the newest measurement in the smoothed response rate.
const SMOOTH: f64 = 0.8;
/// The factor a throttling response applies to the rate (CUBIC's β).
const BETA: f64 = 0.7;
/// How fast the rate grows back (CUBIC's C).
const SCALE_CONSTANT: f64 = 0.4;
/// Width of a measuring bucket, in seconds.
const RATE_BUCKET: f64 = 0.5;

/// The adaptive mode's client-side rate limiter: a token bucket whose fill rate follows CUBIC.
pub(crate) struct ClientRateLimiter {
    state: Mutex<LimiterState>,
}

impl fmt::Debug for ClientRateLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        f.debug_struct("ClientRateLimiter")
            .field("enabled", &state.enabled)
            .field("fill_rate", &state.fill_rate)
            .field("measured_rate", &state.measured_rate)
            .finish()
    }
}

struct LimiterState {
    /// Time zero of the limiter's clock: its first use.
    epoch: Option<Instant>,
    /// Off until the first throttling response.
    enabled: bool,
    /// Tokens added per second.
    fill_rate: f64,
    max_capacity: f64,
    /// Tokens in the bucket; negative when callers are waiting for tokens already promised to them.
    capacity: f64,
    last_refill: Option<f64>,
    /// Smoothed responses per second.
    measured_rate: f64,
    /// Start of the current measuring bucket, and the responses counted in it.
    rate_bucket: f64,
    bucket_count: u64,
    /// The rate when last throttled (CUBIC's W_max), and when that was.
    last_max_rate: f64,
    last_throttle: f64,
}

impl LimiterState {
    /// Seconds since the limiter's first use, on tokio's clock (so that a paused clock drives it).
    fn now(&mut self) -> f64 {
        let now = Instant::now();
        let epoch = *self.epoch.get_or_insert(now);
        now.saturating_duration_since(epoch).as_secs_f64()
    }

    fn refill(&mut self, t: f64) {
        if let Some(last) = self.last_refill {
            let added = (t - last).max(0.0) * self.fill_rate;
            self.capacity = (self.capacity + added).min(self.max_capacity);
        }
        self.last_refill = Some(t);
    }

    /// Counts one response and updates the smoothed rate when a measuring bucket closes.
    fn measure(&mut self, t: f64) {
        self.bucket_count += 1;
        let bucket = (t / RATE_BUCKET).floor() * RATE_BUCKET;
        if bucket > self.rate_bucket {
            let rate = self.bucket_count as f64 / (bucket - self.rate_bucket);
            self.measured_rate = rate * SMOOTH + self.measured_rate * (1.0 - SMOOTH);
            self.bucket_count = 0;
            self.rate_bucket = bucket;
        }
    }

    /// CUBIC's K: how long after a throttle the curve takes to climb back to W_max.
    fn time_window(&self) -> f64 {
        (self.last_max_rate * (1.0 - BETA) / SCALE_CONSTANT).cbrt()
    }
}

impl ClientRateLimiter {
    fn new() -> ClientRateLimiter {
        ClientRateLimiter {
            state: Mutex::new(LimiterState {
                epoch: None,
                enabled: false,
                fill_rate: MIN_FILL_RATE,
                max_capacity: MIN_CAPACITY,
                capacity: 0.0,
                last_refill: None,
                measured_rate: MIN_FILL_RATE,
                rate_bucket: 0.0,
                bucket_count: 0,
                last_max_rate: 0.0,
                last_throttle: 0.0,
            }),
        }
    }

    /// Waits for one token (immediately while the limiter is inert). Tokens are handed out in the order
    /// asked for: each caller reserves its token, then sleeps until the bucket will have refilled it.
    pub(crate) async fn acquire(&self) {
        let wait = {
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            if !state.enabled {
                return;
            }
            let t = state.now();
            state.refill(t);
            state.capacity -= 1.0;
            if state.capacity >= 0.0 {
                return;
            }
            -state.capacity / state.fill_rate
        };
        if let Ok(wait) = Duration::try_from_secs_f64(wait) {
            tokio::time::sleep(wait).await;
        }
    }

    /// Learns from a response: a throttling one lowers the rate and turns the limiter on; any other
    /// moves the rate along the cubic curve.
    pub(crate) fn update(&self, throttled: bool) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let t = state.now();
        state.measure(t);
        let rate = if throttled {
            let rate_to_use = if state.enabled {
                state.measured_rate.min(state.fill_rate)
            } else {
                state.measured_rate
            };
            state.last_max_rate = rate_to_use;
            state.last_throttle = t;
            state.enabled = true;
            rate_to_use * BETA
        } else {
            let dt = t - state.last_throttle - state.time_window();
            SCALE_CONSTANT * dt.powi(3) + state.last_max_rate
        };
        let rate = rate.min(2.0 * state.measured_rate);
        state.refill(t);
        state.fill_rate = rate.max(MIN_FILL_RATE);
        state.max_capacity = rate.max(MIN_CAPACITY);
        state.capacity = state.capacity.min(state.max_capacity);
    }

    /// The allowed rate in requests per second, `None` while the limiter is inert.
    #[cfg(test)]
    fn rate(&self) -> Option<f64> {
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.enabled.then_some(state.fill_rate)
    }
}

/// A uniform number in [0, 1): a counter hashed with a key drawn at random once per process (no RNG
/// crate needed for jitter).
fn jitter() -> f64 {
    static KEY: OnceLock<RandomState> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = KEY.get_or_init(RandomState::new).build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{
        CredentialsError, ErrorMetadata, InvalidInput, ResponseError, TimeoutError, TimeoutKind,
        TransportError,
    };

    type RawError = Error<std::convert::Infallible>;

    const THROTTLED: AttemptOutcome = AttemptOutcome::Retryable(RetryKind::Throttling);
    const TRANSIENT: AttemptOutcome = AttemptOutcome::Retryable(RetryKind::Transient);
    const TIMED_OUT: AttemptOutcome = AttemptOutcome::Retryable(RetryKind::Timeout);

    fn timeout(kind: TimeoutKind) -> RawError {
        Error::Timeout(TimeoutError {
            operation: "Op",
            kind,
            after: Duration::from_secs(1),
            attempts: 1,
        })
    }

    /// One attempt of `state` that ends with `outcome`.
    async fn attempt(state: &mut RetryState, outcome: AttemptOutcome) -> RetryDecision {
        state.before_attempt().await;
        state.after_attempt(outcome)
    }

    /// A call whose first attempt ends with `first` and, if retried, whose second ends with `second`.
    async fn call(config: &RetryConfig, first: AttemptOutcome, second: AttemptOutcome) -> bool {
        let mut state = RetryState::new(config);
        match attempt(&mut state, first).await {
            RetryDecision::Done => false,
            RetryDecision::RetryAfter(_) => {
                attempt(&mut state, second).await;
                true
            }
        }
    }

    fn available(config: &RetryConfig) -> Option<u32> {
        config.quota.as_ref().map(|q| q.available())
    }

    // ------------------------------------------------------------------------------------------------
    // Classification
    // ------------------------------------------------------------------------------------------------

    #[test]
    fn transport_failures_are_sorted_by_kind() {
        let outcome = |kind| AttemptOutcome::from_http_error(&HttpError::new(kind, "cause"));
        assert_eq!(
            outcome(HttpErrorKind::ConnectTimeout),
            AttemptOutcome::Retryable(RetryKind::Timeout)
        );
        assert_eq!(
            outcome(HttpErrorKind::Connect),
            AttemptOutcome::Retryable(RetryKind::Transport)
        );
        assert_eq!(
            outcome(HttpErrorKind::Io),
            AttemptOutcome::Retryable(RetryKind::Transport)
        );
        assert_eq!(
            outcome(HttpErrorKind::InvalidRequest),
            AttemptOutcome::NotRetryable
        );
        assert_eq!(
            AttemptOutcome::from_http_error(&HttpError::body_too_large(200, 10)),
            AttemptOutcome::NotRetryable
        );
    }
    #[test]
    fn throttling_codes_and_429_are_throttling() {
        for code in THROTTLING_CODES {
            assert_eq!(
                classify(400, Some(code)),
                Some(RetryKind::Throttling),
                "{code}"
            );
            // A throttling code wins over a transient status.
            assert_eq!(
                classify(503, Some(code)),
                Some(RetryKind::Throttling),
                "{code}"
            );
        }
        assert_eq!(
            classify(
                400,
                Some("com.amazonaws.cognito.identity.idp#TooManyRequestsException")
            ),
            Some(RetryKind::Throttling)
        );
        assert_eq!(
            classify(400, Some("ThrottlingException:http://internal.amazon.com/")),
            Some(RetryKind::Throttling)
        );
        assert_eq!(classify(429, None), Some(RetryKind::Throttling));
        assert_eq!(
            classify(429, Some("SomethingElse")),
            Some(RetryKind::Throttling)
        );
    }

    #[test]
    fn only_four_5xx_statuses_and_transient_codes_are_transient() {
        for status in [500, 502, 503, 504] {
            assert_eq!(
                classify(status, None),
                Some(RetryKind::Transient),
                "{status}"
            );
            assert_eq!(
                classify(status, Some("InternalErrorException")),
                Some(RetryKind::Transient)
            );
        }
        for status in [501, 505, 507, 508, 511, 599] {
            assert_eq!(classify(status, None), None, "{status} is not retried");
        }
        for code in TRANSIENT_CODES {
            assert_eq!(
                classify(400, Some(code)),
                Some(RetryKind::Transient),
                "{code}"
            );
        }
    }

    #[test]
    fn client_errors_are_never_retried() {
        for (status, code) in [
            (400, Some("UserNotFoundException")),
            (400, Some("NotAuthorizedException")),
            (400, Some("InvalidParameterException")),
            (400, Some("LimitExceeded")), // not `LimitExceededException`
            (400, None),
            (403, Some("InvalidClientTokenId")),
            (403, Some("SignatureDoesNotMatch")),
            (404, Some("ResourceNotFoundException")),
            (408, None),
            (413, None),
            (301, None),
        ] {
            assert_eq!(classify(status, code), None, "{status} {code:?}");
            assert_eq!(
                AttemptOutcome::from_response(status, code),
                AttemptOutcome::NotRetryable
            );
        }
        for status in [200, 201, 204, 299] {
            assert_eq!(
                AttemptOutcome::from_response(status, None),
                AttemptOutcome::Success
            );
        }
        assert_eq!(AttemptOutcome::from_response(503, None), TRANSIENT);
    }

    #[test]
    fn transport_errors_and_timeouts_are_retried_other_errors_are_not() {
        let transport: RawError = Error::Transport(TransportError {
            operation: "Op",
            error: crate::transport::HttpError::io("connection reset"),
            attempts: 1,
        });
        assert_eq!(
            AttemptOutcome::from_error(&transport),
            AttemptOutcome::Retryable(RetryKind::Transport)
        );
        assert_eq!(
            AttemptOutcome::from_error(&timeout(TimeoutKind::Attempt)),
            TIMED_OUT
        );
        assert_eq!(
            AttemptOutcome::from_error(&timeout(TimeoutKind::Connect)),
            TIMED_OUT
        );
        let not_retried: [RawError; 5] = [
            timeout(TimeoutKind::Operation),
            Error::Credentials(CredentialsError {
                operation: "Op",
                message: "no credentials".into(),
                source: None,
            }),
            Error::InvalidInput(InvalidInput {
                operation: "Op",
                message: "missing member".into(),
            }),
            Error::Config(ConfigError::InvalidRegion {
                region: "nowhere!".into(),
            }),
            Error::Response(ResponseError {
                operation: "Op",
                message: "cannot decode".into(),
                meta: ErrorMetadata::default(),
            }),
        ];
        for e in &not_retried {
            assert_eq!(
                AttemptOutcome::from_error(e),
                AttemptOutcome::NotRetryable,
                "{e:?}"
            );
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Attempts and backoff
    // ------------------------------------------------------------------------------------------------

    #[tokio::test(start_paused = true)]
    async fn defaults_and_attempt_counting() {
        let config = RetryConfig::default();
        assert_eq!(config.max_attempts(), 3);
        assert_eq!(config.mode(), RetryMode::Standard);
        assert_eq!(RetryConfig::adaptive().mode(), RetryMode::Adaptive);
        assert_eq!(RetryConfig::adaptive().max_attempts(), 3);
        assert_eq!(RetryConfig::disabled().max_attempts(), 1);
        assert_eq!(config.clone().with_max_attempts(0).max_attempts(), 1);

        let mut state = RetryState::new(&config);
        assert_eq!((state.attempts(), state.max_attempts()), (0, 3));
        for n in 1..=2 {
            state.before_attempt().await;
            assert_eq!(state.attempts(), n);
            assert!(matches!(
                state.after_attempt(TRANSIENT),
                RetryDecision::RetryAfter(_)
            ));
        }
        state.before_attempt().await;
        assert_eq!(state.attempts(), 3);
        assert_eq!(state.after_attempt(TRANSIENT), RetryDecision::Done);

        let mut state = RetryState::new(&RetryConfig::disabled());
        assert_eq!(attempt(&mut state, THROTTLED).await, RetryDecision::Done);
        let mut state = RetryState::new(&config);
        assert_eq!(
            attempt(&mut state, AttemptOutcome::NotRetryable).await,
            RetryDecision::Done
        );
        assert_eq!(
            attempt(&mut state, AttemptOutcome::Success).await,
            RetryDecision::Done
        );
    }

    /// Runs `samples` calls that fail with `outcome` at every attempt and returns, per retry (index 0 is
    /// the retry after attempt 1), the smallest and largest wait seen. Each wait is slept on the paused
    /// clock.
    async fn backoffs(
        config: &RetryConfig,
        outcome: AttemptOutcome,
        samples: usize,
    ) -> Vec<(Duration, Duration)> {
        let retries = config.max_attempts() as usize - 1;
        let mut seen = vec![(Duration::MAX, Duration::ZERO); retries];
        for _ in 0..samples {
            let mut state = RetryState::new(config);
            for (min, max) in seen.iter_mut() {
                let RetryDecision::RetryAfter(delay) = attempt(&mut state, outcome).await else {
                    panic!("attempt {} should be retried", state.attempts());
                };
                *min = (*min).min(delay);
                *max = (*max).max(delay);
                // Tokio's timer rounds a sleep up to the next millisecond.
                let before = Instant::now();
                tokio::time::sleep(delay).await;
                let slept = before.elapsed();
                assert!(slept >= delay && slept <= delay + Duration::from_millis(1));
            }
            assert_eq!(attempt(&mut state, outcome).await, RetryDecision::Done);
        }
        seen
    }

    #[tokio::test(start_paused = true)]
    async fn throttling_backoff_doubles_from_1_s_with_full_jitter_and_a_20_s_cap() {
        let config = RetryConfig::standard().with_max_attempts(8).without_quota();
        let seen = backoffs(&config, THROTTLED, 300).await;
        // Retry n waits in [0, min(1 s × 2^(n−1), 20 s)]: 1, 2, 4, 8, 16, then 20 s.
        for (i, (ceiling, (min, max))) in [1u64, 2, 4, 8, 16, 20, 20]
            .into_iter()
            .map(Duration::from_secs)
            .zip(seen)
            .enumerate()
        {
            assert!(max <= ceiling, "retry {}: {max:?} > {ceiling:?}", i + 1);
            // Jittered over the whole range: with 300 samples, some land in each outer quarter.
            assert!(max > ceiling * 3 / 4, "retry {}: max {max:?}", i + 1);
            assert!(min < ceiling / 4, "retry {}: min {min:?}", i + 1);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn transient_backoff_doubles_from_50_ms_up_to_the_cap() {
        let config = RetryConfig::standard()
            .with_max_attempts(12)
            .without_quota();
        for outcome in [
            TRANSIENT,
            TIMED_OUT,
            AttemptOutcome::Retryable(RetryKind::Transport),
        ] {
            let seen = backoffs(&config, outcome, 200).await;
            for (i, (min, max)) in seen.into_iter().enumerate() {
                // 50 ms, 100 ms, … 12.8 s, then 20 s from the 10th retry (50 ms × 512 = 25.6 s).
                let ceiling = (Duration::from_millis(50) * (1 << i)).min(Duration::from_secs(20));
                assert!(max <= ceiling, "{outcome:?} retry {}: {max:?}", i + 1);
                assert!(
                    max > ceiling * 3 / 4,
                    "{outcome:?} retry {}: {max:?}",
                    i + 1
                );
                assert!(min < ceiling / 4, "{outcome:?} retry {}: {min:?}", i + 1);
            }
        }
    }

    #[tokio::test(start_paused = true)]
    async fn backoff_settings() {
        // One base for both kinds, and a lower cap.
        let config = RetryConfig::standard()
            .with_max_attempts(6)
            .with_initial_backoff(Duration::from_millis(100))
            .with_max_backoff(Duration::from_millis(300))
            .without_quota();
        for outcome in [THROTTLED, TRANSIENT] {
            let seen = backoffs(&config, outcome, 100).await;
            let ceilings = [100, 200, 300, 300, 300].map(Duration::from_millis);
            for (ceiling, (_, max)) in ceilings.into_iter().zip(seen) {
                assert!(max <= ceiling && max > ceiling / 2, "{outcome:?}: {max:?}");
            }
        }
        // A zero base: no wait at all.
        let config = RetryConfig::standard().with_initial_backoff(Duration::ZERO);
        for (min, max) in backoffs(&config, THROTTLED, 10).await {
            assert_eq!((min, max), (Duration::ZERO, Duration::ZERO));
        }
        // A huge number of attempts saturates instead of overflowing.
        let config = RetryConfig::standard().without_quota();
        for attempt in [31, 32, 33, 1000, u32::MAX] {
            assert!(config.backoff(RetryKind::Throttling, attempt) <= Duration::from_secs(20));
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_throttled_call_with_default_settings_waits_at_most_3_s() {
        let config = RetryConfig::standard();
        let started = Instant::now();
        let mut state = RetryState::new(&config);
        while let RetryDecision::RetryAfter(delay) = attempt(&mut state, THROTTLED).await {
            tokio::time::sleep(delay).await;
        }
        assert_eq!(state.attempts(), 3);
        assert!(
            started.elapsed() <= Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn jitter_is_uniform_in_0_1() {
        let values: Vec<f64> = (0..10_000).map(|_| jitter()).collect();
        assert!(values.iter().all(|j| (0.0..1.0).contains(j)));
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        assert!((0.45..0.55).contains(&mean), "mean {mean}");
        for decile in 0..10 {
            let low = f64::from(decile) / 10.0;
            let n = values
                .iter()
                .filter(|j| (low..low + 0.1).contains(*j))
                .count();
            assert!((700..1300).contains(&n), "decile {decile}: {n}");
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Retry quota
    // ------------------------------------------------------------------------------------------------

    #[tokio::test(start_paused = true)]
    async fn the_quota_runs_dry_then_refills_with_successes() {
        let config = RetryConfig::standard();
        assert_eq!(available(&config), Some(500));
        // 100 calls retried once after a 5xx take 5 tokens each; their second attempts fail for good.
        for i in 0..100 {
            assert!(
                call(&config, TRANSIENT, AttemptOutcome::NotRetryable).await,
                "call {i}"
            );
        }
        assert_eq!(available(&config), Some(0));
        // Dry: retryable errors are returned at once, by any client of the configuration.
        assert!(!call(&config, THROTTLED, THROTTLED).await);
        assert!(!call(&config.clone(), TRANSIENT, TRANSIENT).await);
        assert_eq!(available(&config), Some(0));
        // A success at the first attempt regenerates one token: five of them pay for one retry.
        for _ in 0..5 {
            assert!(!call(&config, AttemptOutcome::Success, THROTTLED).await);
        }
        assert_eq!(available(&config), Some(5));
        // A retry that succeeds gives its cost back.
        assert!(call(&config, TRANSIENT, AttemptOutcome::Success).await);
        assert_eq!(available(&config), Some(5));
        // One that fails does not.
        assert!(call(&config, TRANSIENT, TRANSIENT).await);
        assert_eq!(available(&config), Some(0));
        // Never above the capacity.
        let fresh = RetryConfig::standard();
        assert!(!call(&fresh, AttemptOutcome::Success, THROTTLED).await);
        assert_eq!(available(&fresh), Some(500));
    }

    #[tokio::test(start_paused = true)]
    async fn a_retry_after_a_timeout_costs_10() {
        let config = RetryConfig::standard();
        for _ in 0..49 {
            assert!(call(&config, TIMED_OUT, AttemptOutcome::NotRetryable).await);
        }
        assert_eq!(available(&config), Some(10));
        // 10 tokens: one retry after a timeout and its success, which gives the 10 back.
        assert!(call(&config, TIMED_OUT, AttemptOutcome::Success).await);
        assert_eq!(available(&config), Some(10));
        assert!(call(&config, TIMED_OUT, TIMED_OUT).await);
        assert_eq!(available(&config), Some(0));
        // 5 tokens pay for a throttling retry, not for a retry after a timeout.
        for _ in 0..5 {
            call(&config, AttemptOutcome::Success, TRANSIENT).await;
        }
        assert!(!call(&config, TIMED_OUT, TIMED_OUT).await);
        assert!(call(&config, THROTTLED, TIMED_OUT).await);
        assert_eq!(available(&config), Some(0));
    }

    #[tokio::test(start_paused = true)]
    async fn a_success_gives_back_the_last_retrys_cost_only() {
        let config = RetryConfig::standard();
        let mut state = RetryState::new(&config);
        assert!(matches!(
            attempt(&mut state, TIMED_OUT).await,
            RetryDecision::RetryAfter(_)
        ));
        assert_eq!(available(&config), Some(490));
        assert!(matches!(
            attempt(&mut state, THROTTLED).await,
            RetryDecision::RetryAfter(_)
        ));
        assert_eq!(available(&config), Some(485));
        assert_eq!(
            attempt(&mut state, AttemptOutcome::Success).await,
            RetryDecision::Done
        );
        assert_eq!(available(&config), Some(490));
    }

    #[tokio::test(start_paused = true)]
    async fn the_quota_is_shared_by_clones_and_can_be_turned_off() {
        let config = RetryConfig::standard();
        let clone = config.clone().with_max_attempts(5);
        assert!(call(&clone, THROTTLED, AttemptOutcome::NotRetryable).await);
        assert_eq!(available(&config), Some(495));
        // A new configuration has its own bucket.
        assert_eq!(available(&RetryConfig::standard()), Some(500));

        let unlimited = RetryConfig::standard().without_quota();
        assert_eq!(available(&unlimited), None);
        for _ in 0..1000 {
            assert!(call(&unlimited, TIMED_OUT, TIMED_OUT).await);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Adaptive mode
    // ------------------------------------------------------------------------------------------------

    /// `n` acquisitions in a row, each followed by a successful response, spaced by `pace` at least;
    /// returns the virtual time they took.
    async fn send(limiter: &ClientRateLimiter, n: u32, pace: Duration) -> Duration {
        let started = Instant::now();
        for _ in 0..n {
            limiter.acquire().await;
            limiter.update(false);
            tokio::time::sleep(pace).await;
        }
        started.elapsed()
    }

    #[tokio::test(start_paused = true)]
    async fn the_limiter_is_inert_until_throttled() {
        let config = RetryConfig::adaptive();
        let started = Instant::now();
        for _ in 0..1000 {
            let mut state = RetryState::new(&config);
            attempt(&mut state, AttemptOutcome::Success).await;
            let mut state = RetryState::new(&config);
            attempt(&mut state, TRANSIENT).await;
        }
        assert_eq!(started.elapsed(), Duration::ZERO);
        let limiter = config.limiter.as_ref().map(|l| l.rate());
        assert_eq!(limiter, Some(None), "still inert");
    }

    /// `n` acquisitions in a row with no response in between (the limiter learns nothing meanwhile);
    /// returns the virtual time they took.
    async fn burst(limiter: &ClientRateLimiter, n: u32) -> Duration {
        let started = Instant::now();
        for _ in 0..n {
            limiter.acquire().await;
        }
        started.elapsed()
    }

    /// The least time `n` acquisitions can take at `rate`, with a full bucket (which holds `rate`
    /// tokens, at least 1) to start with.
    fn least_time(n: u32, rate: f64) -> Duration {
        Duration::from_secs_f64((f64::from(n) - rate.max(1.0)).max(0.0) / rate)
    }

    #[tokio::test(start_paused = true)]
    async fn throttling_slows_the_send_rate() {
        let limiter = ClientRateLimiter::new();
        // A client sending 10 requests a second: no limit.
        let took = send(&limiter, 30, Duration::from_millis(100)).await;
        assert_eq!(took, Duration::from_secs(3));
        assert_eq!(burst(&limiter, 100).await, Duration::ZERO);
        send(&limiter, 10, Duration::from_millis(100)).await;
        // Throttled: the allowed rate drops to 0.7 × the measured 10/s.
        limiter.update(true);
        let rate = limiter.rate().unwrap_or_default();
        assert!((6.9..=7.0).contains(&rate), "{rate}");
        // 21 requests as fast as allowed: at most 7 tokens are in the bucket, the other 14 come at 7/s.
        let took = burst(&limiter, 21).await;
        assert!(took >= least_time(21, rate), "{took:?}");
        assert!(took >= Duration::from_secs(2), "{took:?}");
        assert!(took <= Duration::from_millis(3100), "{took:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn repeated_throttles_slow_it_further() {
        let limiter = ClientRateLimiter::new();
        send(&limiter, 30, Duration::from_millis(100)).await;
        // Six throttling responses in a row at 10 requests a second: 10 × 0.7⁶ ≈ 1.18/s.
        for _ in 0..6 {
            limiter.acquire().await;
            limiter.update(true);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let rate = limiter.rate().unwrap_or_default();
        assert!((1.1..1.2).contains(&rate), "{rate}");
        let took = burst(&limiter, 5).await;
        assert!(took >= least_time(5, rate), "{took:?}");
        assert!(took >= Duration::from_secs(3), "{took:?}");
        // Never below the floor of 0.5/s.
        for _ in 0..20 {
            limiter.update(true);
        }
        assert_eq!(limiter.rate(), Some(MIN_FILL_RATE));
        let took = burst(&limiter, 4).await;
        assert!(took >= Duration::from_secs(6), "{took:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn the_rate_recovers_along_the_cubic_curve() {
        let limiter = ClientRateLimiter::new();
        send(&limiter, 30, Duration::from_millis(100)).await;
        limiter.update(true);
        let rate = limiter.rate().unwrap_or_default();
        assert!(rate < 7.1, "{rate}");
        // Successes move the rate along the cubic curve: back to W_max (10/s) at
        // K = ∛(10 × 0.3 / 0.4) ≈ 1.96 s after the throttle, above it afterwards…
        send(&limiter, 10, Duration::from_millis(100)).await;
        let early = limiter.rate().unwrap_or_default();
        assert!(early > rate && early < 10.0, "{early}");
        send(&limiter, 100, Duration::from_millis(100)).await;
        let late = limiter.rate().unwrap_or_default();
        assert!(late >= 10.0, "{late}");
        // …until the limiter no longer holds back a client sending 10 requests a second.
        let took = send(&limiter, 20, Duration::from_millis(100)).await;
        assert_eq!(took, Duration::from_secs(2));
    }

    #[tokio::test(start_paused = true)]
    async fn adaptive_calls_wait_for_the_limiter_after_a_throttle() {
        let config = RetryConfig::adaptive();
        let other_client = config.clone();
        let mut state = RetryState::new(&config);
        assert!(matches!(
            attempt(&mut state, THROTTLED).await,
            RetryDecision::RetryAfter(_)
        ));
        // The first throttle came before any rate was measured: the rate falls to the 0.5/s floor, and
        // the next attempt of any call of the configuration waits 2 s for its token.
        let started = Instant::now();
        let mut state = RetryState::new(&other_client);
        state.before_attempt().await;
        assert!(
            started.elapsed() >= Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        // Standard mode never waits.
        let started = Instant::now();
        let standard = RetryConfig::standard();
        for _ in 0..10 {
            let mut state = RetryState::new(&standard);
            attempt(&mut state, THROTTLED).await;
        }
        assert_eq!(started.elapsed(), Duration::ZERO);
    }

    #[test]
    fn retry_settings_parse() {
        for (value, mode) in [
            ("standard", RetryMode::Standard),
            ("Standard", RetryMode::Standard),
            (" adaptive ", RetryMode::Adaptive),
            ("ADAPTIVE", RetryMode::Adaptive),
            ("legacy", RetryMode::Standard),
        ] {
            assert_eq!(parse_retry_mode(value, "AWS_RETRY_MODE").ok(), Some(mode));
        }
        for value in ["", "fast", "standard2"] {
            assert!(matches!(
                parse_retry_mode(value, "AWS_RETRY_MODE"),
                Err(ConfigError::InvalidValue { .. })
            ));
        }
        assert_eq!(parse_max_attempts("1", "AWS_MAX_ATTEMPTS").ok(), Some(1));
        assert_eq!(
            parse_max_attempts(" 10 ", "AWS_MAX_ATTEMPTS").ok(),
            Some(10)
        );
        for value in ["0", "-1", "2.5", "three", "", "99999999999"] {
            assert!(matches!(
                parse_max_attempts(value, "AWS_MAX_ATTEMPTS"),
                Err(ConfigError::InvalidValue { .. })
            ));
        }
    }
}
