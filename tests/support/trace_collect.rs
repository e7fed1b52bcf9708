//! A `tracing` subscriber for tests: every span field and event field as a `name=value` line, so a
//! test can assert what was recorded and that no secret was.

use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// A subscriber that writes every span field and event field as `name=value` lines.
#[derive(Clone, Default)]
pub struct Collect {
    lines: Arc<Mutex<Vec<String>>>,
    next: Arc<Mutex<u64>>,
}

struct Lines<'a>(&'a mut Vec<String>, &'a str);

impl Visit for Lines<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0
            .push(format!("{} {}={:?}", self.1, field.name(), value));
    }
}

impl Subscriber for Collect {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut lines = self.lines.lock().expect("lock");
        span.record(&mut Lines(&mut lines, span.metadata().name()));
        let mut next = self.next.lock().expect("lock");
        *next += 1;
        Id::from_u64(*next)
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        values.record(&mut Lines(&mut self.lines.lock().expect("lock"), "record"));
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        event.record(&mut Lines(&mut self.lines.lock().expect("lock"), "event"));
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

impl Collect {
    /// Everything recorded so far, a line each.
    pub fn text(&self) -> String {
        self.lines.lock().expect("lock").join("\n")
    }
}
