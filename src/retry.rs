//! Retries, AWS "standard" mode: a bounded number of attempts, exponential backoff with full jitter and a
//! cap, and a retry quota (token bucket) shared by the clients of one configuration so that a failing
//! service is not hammered. Throttling errors, HTTP 5xx, connection failures and timeouts are retried;
//! other 4xx, credential, input and configuration errors never are.

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::client::RawResponse;
use crate::Error;

/// Error codes AWS uses for throttling.
const THROTTLING_CODES: &[&str] = &[
    "TooManyRequestsException",
    "ThrottlingException",
    "Throttling",
    "ThrottledException",
    "RequestThrottledException",
    "RequestThrottled",
    "SlowDown",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "ProvisionedThroughputExceededException",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
    "TransactionInProgressException",
];

/// Error codes AWS uses for transient server-side failures.
const TRANSIENT_CODES: &[&str] = &[
    "RequestTimeout",
    "RequestTimeoutException",
    "InternalError",
    "InternalErrorException",
];

/// Retry settings. The default is AWS standard mode: 3 attempts, backoff from 50 ms doubling up to 20 s with
/// full jitter, a quota of 500 tokens (5 per retry, 10 per retry after a timeout, 1 back per success).
#[derive(Clone, Debug)]
pub struct RetryConfig {
    pub(crate) max_attempts: u32,
    pub(crate) initial_backoff: Duration,
    pub(crate) max_backoff: Duration,
    pub(crate) quota: Option<Arc<RetryQuota>>,
}

impl Default for RetryConfig {
    fn default() -> RetryConfig {
        RetryConfig::standard()
    }
}

impl RetryConfig {
    /// AWS standard mode (the default).
    pub fn standard() -> RetryConfig {
        RetryConfig {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(50),
            max_backoff: Duration::from_secs(20),
            quota: Some(Arc::new(RetryQuota::new(500))),
        }
    }

    /// No retries: one attempt per call.
    pub fn disabled() -> RetryConfig {
        RetryConfig {
            max_attempts: 1,
            ..RetryConfig::standard()
        }
    }

    /// Sets the maximum number of attempts per call, the first included (at least 1).
    pub fn with_max_attempts(mut self, attempts: u32) -> RetryConfig {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets the backoff before the first retry; it doubles per retry, with full jitter.
    pub fn with_initial_backoff(mut self, backoff: Duration) -> RetryConfig {
        self.initial_backoff = backoff;
        self
    }

    /// Caps the backoff.
    pub fn with_max_backoff(mut self, backoff: Duration) -> RetryConfig {
        self.max_backoff = backoff;
        self
    }

    /// Turns the retry quota off (every call may use all its attempts).
    pub fn without_quota(mut self) -> RetryConfig {
        self.quota = None;
        self
    }

    /// The maximum number of attempts per call.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }
}

/// A token bucket that retries draw from and successes refill.
#[derive(Debug)]
pub struct RetryQuota {
    capacity: u32,
    available: Mutex<u32>,
}

impl RetryQuota {
    const RETRY_COST: u32 = 5;
    const TIMEOUT_COST: u32 = 10;

    /// A full bucket of `capacity` tokens.
    pub fn new(capacity: u32) -> RetryQuota {
        RetryQuota {
            capacity,
            available: Mutex::new(capacity),
        }
    }

    fn acquire(&self, cost: u32) -> bool {
        let mut available = self.available.lock().unwrap_or_else(|p| p.into_inner());
        if *available >= cost {
            *available -= cost;
            true
        } else {
            false
        }
    }

    fn release(&self, amount: u32) {
        let mut available = self.available.lock().unwrap_or_else(|p| p.into_inner());
        *available = (*available + amount).min(self.capacity);
    }

    /// Tokens left.
    pub fn available(&self) -> u32 {
        *self.available.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// What to do after an attempt.
pub(crate) enum RetryDecision {
    /// Return this result.
    Done,
    /// Sleep, then try again.
    RetryAfter(Duration),
}

/// Why an attempt may be retried.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Retryable {
    No,
    Yes,
    Timeout,
}

/// The retry state of one call.
pub(crate) struct RetryState {
    config: RetryConfig,
    attempts: u32,
    spent: u32,
}

impl RetryState {
    pub(crate) fn new(config: &RetryConfig, _operation: &'static str) -> RetryState {
        RetryState {
            config: config.clone(),
            attempts: 0,
            spent: 0,
        }
    }

    /// Decides after an attempt's result (`Ok` holds any HTTP response, error statuses included).
    pub(crate) fn decide(
        &mut self,
        result: &Result<RawResponse, Error<std::convert::Infallible>>,
    ) -> RetryDecision {
        self.attempts += 1;
        let kind = classify(result);
        if kind == Retryable::No {
            if result.as_ref().is_ok_and(|r| r.status < 300) {
                if let Some(q) = &self.config.quota {
                    // A success refunds what its retries cost, or one token when it had none.
                    q.release(if self.spent > 0 { self.spent } else { 1 });
                }
            }
            return RetryDecision::Done;
        }
        if self.attempts >= self.config.max_attempts {
            return RetryDecision::Done;
        }
        let cost = if kind == Retryable::Timeout {
            RetryQuota::TIMEOUT_COST
        } else {
            RetryQuota::RETRY_COST
        };
        if let Some(q) = &self.config.quota {
            if !q.acquire(cost) {
                return RetryDecision::Done;
            }
            self.spent += cost;
        }
        RetryDecision::RetryAfter(self.backoff())
    }

    /// Attempts made so far.
    pub(crate) fn attempts(&self) -> u32 {
        self.attempts
    }

    fn backoff(&self) -> Duration {
        let exp = self
            .config
            .initial_backoff
            .saturating_mul(1u32 << (self.attempts - 1).min(20));
        let cap = exp.min(self.config.max_backoff);
        cap.mul_f64(jitter())
    }
}

fn classify(result: &Result<RawResponse, Error<std::convert::Infallible>>) -> Retryable {
    match result {
        Ok(r) if r.status < 300 => Retryable::No,
        Ok(r) => {
            if r.status >= 500 || r.status == 429 {
                return Retryable::Yes;
            }
            let meta = crate::error::decode_metadata(r.status, &r.headers, &r.body);
            match meta.code() {
                Some(code)
                    if THROTTLING_CODES.contains(&code) || TRANSIENT_CODES.contains(&code) =>
                {
                    Retryable::Yes
                }
                _ => Retryable::No,
            }
        }
        Err(Error::Timeout(_)) => Retryable::Timeout,
        Err(Error::Transport(_)) => Retryable::Yes,
        Err(_) => Retryable::No,
    }
}

/// A uniform number in [0, 1), from a per-process random seed and a counter (no RNG crate needed for
/// jitter).
fn jitter() -> f64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{TimeoutError, TransportError};

    fn response(status: u16, body: &str) -> Result<RawResponse, Error<std::convert::Infallible>> {
        Ok(RawResponse {
            attempts: 1,
            status,
            headers: http::HeaderMap::new(),
            body: bytes::Bytes::copy_from_slice(body.as_bytes()),
        })
    }

    fn state(attempts: u32) -> RetryState {
        RetryState::new(&RetryConfig::standard().with_max_attempts(attempts), "Op")
    }

    #[test]
    fn retries_throttling_5xx_timeouts_and_transport() {
        for r in [
            response(
                400,
                r#"{"__type":"TooManyRequestsException","message":"slow down"}"#,
            ),
            response(500, "<html>oops</html>"),
            response(503, ""),
            Err(Error::Timeout(TimeoutError {
                operation: "Op",
                kind: crate::error::TimeoutKind::Attempt,
                after: Duration::ZERO,
                attempts: 1,
            })),
            Err(Error::Transport(TransportError {
                operation: "Op",
                error: crate::transport::HttpError::io("reset"),
                attempts: 1,
            })),
        ] {
            assert!(matches!(state(3).decide(&r), RetryDecision::RetryAfter(_)));
        }
    }

    #[test]
    fn never_retries_client_errors_or_success() {
        for r in [
            response(200, "{}"),
            response(400, r#"{"__type":"UserNotFoundException"}"#),
            response(
                403,
                "<ErrorResponse><Error><Code>InvalidClientTokenId</Code></Error></ErrorResponse>",
            ),
        ] {
            assert!(matches!(state(3).decide(&r), RetryDecision::Done));
        }
    }

    #[test]
    fn stops_after_max_attempts_and_backs_off_within_the_cap() {
        let mut s = RetryState::new(
            &RetryConfig::standard()
                .with_initial_backoff(Duration::from_millis(100))
                .with_max_backoff(Duration::from_millis(150)),
            "Op",
        );
        let r = response(500, "");
        for _ in 0..2 {
            match s.decide(&r) {
                RetryDecision::RetryAfter(d) => assert!(d <= Duration::from_millis(150)),
                RetryDecision::Done => panic!("should retry"),
            }
        }
        assert!(matches!(s.decide(&r), RetryDecision::Done));
        assert_eq!(s.attempts(), 3);
        assert!(matches!(
            RetryState::new(&RetryConfig::disabled(), "Op").decide(&r),
            RetryDecision::Done
        ));
    }

    #[test]
    fn quota_runs_dry_and_refills() {
        let config = RetryConfig {
            quota: Some(Arc::new(RetryQuota::new(10))),
            ..RetryConfig::standard()
        };
        let r = response(500, "");
        let mut a = RetryState::new(&config, "Op");
        assert!(matches!(a.decide(&r), RetryDecision::RetryAfter(_)));
        assert!(matches!(a.decide(&r), RetryDecision::RetryAfter(_)));
        let mut b = RetryState::new(&config, "Op");
        assert!(matches!(b.decide(&r), RetryDecision::Done), "quota empty");
        assert!(matches!(
            a.decide(&response(200, "{}")),
            RetryDecision::Done
        ));
        assert_eq!(config.quota.as_ref().map(|q| q.available()), Some(10));
    }

    #[test]
    fn jitter_is_in_range() {
        for _ in 0..1000 {
            let j = jitter();
            assert!((0.0..1.0).contains(&j));
        }
    }
}
