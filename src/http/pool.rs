//! Idle HTTP/1.1 connections, kept per target for reuse.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::client::conn::http1::SendRequest;
use tokio::time::Instant;

use super::connect::Target;

/// An idle connection and since when it is idle.
struct Idle {
    sender: SendRequest<Full<Bytes>>,
    since: Instant,
}

/// The idle connections of an [`HttpClient`](super::HttpClient). A connection is in the pool only
/// while no request uses it; the lock is never held across an `.await`.
pub(crate) struct Pool {
    idle: Mutex<HashMap<Target, Vec<Idle>>>,
    max_idle_per_target: usize,
    idle_timeout: Option<Duration>,
}

impl Pool {
    pub(crate) fn new(max_idle_per_target: usize, idle_timeout: Option<Duration>) -> Pool {
        Pool {
            idle: Mutex::new(HashMap::new()),
            max_idle_per_target,
            idle_timeout,
        }
    }

    /// The most recently used idle connection to `target` that is still open and not expired.
    pub(crate) fn take(&self, target: &Target) -> Option<SendRequest<Full<Bytes>>> {
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        let list = idle.get_mut(target)?;
        let now = Instant::now();
        let found = loop {
            let Some(entry) = list.pop() else { break None };
            let expired = self
                .idle_timeout
                .is_some_and(|limit| now.duration_since(entry.since) >= limit);
            if !expired && !entry.sender.is_closed() {
                break Some(entry.sender);
            }
        };
        if list.is_empty() {
            idle.remove(target);
        }
        found
    }

    /// Returns a connection whose last response was read completely.
    pub(crate) fn put(&self, target: Target, sender: SendRequest<Full<Bytes>>) {
        if sender.is_closed() || self.max_idle_per_target == 0 {
            return;
        }
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let list = idle.entry(target).or_default();
        if let Some(limit) = self.idle_timeout {
            list.retain(|e| now.duration_since(e.since) < limit && !e.sender.is_closed());
        }
        if list.len() < self.max_idle_per_target {
            list.push(Idle { sender, since: now });
        }
    }

    /// How many idle connections the pool holds (for tests and `Debug`).
    pub(crate) fn idle_count(&self) -> usize {
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        idle.values().map(Vec::len).sum()
    }
}
