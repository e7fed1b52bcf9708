//! Timeout settings of a [`Config`](crate::Config).

use std::time::Duration;

/// The connect timeout of the HTTP client that [`ConfigBuilder::build`](crate::ConfigBuilder::build)
/// makes when it is given none: 5 s to open a connection (TCP and TLS).
///
/// The connect timeout is a setting of the HTTP client, and lives only there: a client of your own
/// ([`ConfigBuilder::http_client`](crate::ConfigBuilder::http_client)) connects with its own. For the
/// default client with another connect timeout, build it with
/// [`ReqwestTransport::default_client`](crate::transport::ReqwestTransport::default_client) and hand
/// it over.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a call may take: the limits the crate itself enforces around any transport.
///
/// Defaults: 30 s per attempt (connecting, sending the request and reading the whole response) and no
/// limit for the whole operation (all attempts and the backoff between them). A timeout ends the call
/// with [`Error::Timeout`](crate::Error::Timeout); a timed-out attempt is retried when retries allow.
///
/// Opening a connection has its own limit, the HTTP client's connect timeout (see
/// [`DEFAULT_CONNECT_TIMEOUT`]); it is not set here, so that one setting never lives in two places.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    pub(crate) attempt: Duration,
    pub(crate) operation: Option<Duration>,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            attempt: Duration::from_secs(30),
            operation: None,
        }
    }
}

impl Timeouts {
    /// Sets the time allowed for one attempt.
    #[must_use]
    pub fn with_attempt(mut self, timeout: Duration) -> Timeouts {
        self.attempt = timeout;
        self
    }

    /// Sets the time allowed for the whole operation, retries included.
    #[must_use]
    pub fn with_operation(mut self, timeout: Duration) -> Timeouts {
        self.operation = Some(timeout);
        self
    }

    /// Removes the limit on the whole operation (the default): only the attempts are limited.
    #[must_use]
    pub fn clear_operation(mut self) -> Timeouts {
        self.operation = None;
        self
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
