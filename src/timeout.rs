//! Timeout settings of a [`Config`](crate::Config).

use std::time::Duration;

/// How long a call may take.
///
/// Defaults: 5 s to connect, 30 s per attempt (sending the request and reading the whole response), and
/// no limit for the whole operation (all attempts and the backoff between them). A timeout ends the call
/// with [`Error::Timeout`](crate::Error::Timeout); a timed-out attempt is retried when retries allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    pub(crate) connect: Duration,
    pub(crate) attempt: Duration,
    pub(crate) operation: Option<Duration>,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            connect: Duration::from_secs(5),
            attempt: Duration::from_secs(30),
            operation: None,
        }
    }
}

impl Timeouts {
    /// Sets the time allowed to open a connection (TCP and TLS).
    pub fn with_connect(mut self, timeout: Duration) -> Timeouts {
        self.connect = timeout;
        self
    }

    /// Sets the time allowed for one attempt.
    pub fn with_attempt(mut self, timeout: Duration) -> Timeouts {
        self.attempt = timeout;
        self
    }

    /// Sets the time allowed for the whole operation, retries included.
    pub fn with_operation(mut self, timeout: Duration) -> Timeouts {
        self.operation = Some(timeout);
        self
    }

    /// The connect timeout.
    pub fn connect(&self) -> Duration {
        self.connect
    }

    /// The per-attempt timeout.
    pub fn attempt(&self) -> Duration {
        self.attempt
    }

    /// The whole-operation timeout, if any.
    pub fn operation(&self) -> Option<Duration> {
        self.operation
    }
}
