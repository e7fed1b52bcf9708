//! libFuzzer target for the response decoders of `cognito`: every operation's output decoder
//! (`Operation::decode`, what the send path runs on a 2xx body), its error decoder
//! (`ServiceError::from_response`, run on other statuses), and the wire primitives `DateTime`, `Blob` and
//! `Document` on their own. Whatever decodes is also formatted (`Display`/`Debug`), since generated
//! `Debug` impls redact members and `DateTime` renders as RFC 3339.
//!
//! Input layout: byte 0 picks the decoder, byte 1 picks output or error decoding (and the error code),
//! the rest is the body. Run with `bash scripts/fuzz.sh [SECONDS]` from the repository root.

#![no_main]

use std::fmt::Debug;
use std::hint::black_box;

use cognito::error::{ErrorMetadata, ServiceError};
use cognito::operation::Operation;
use cognito::{Blob, DateTime, Document, Error};
use libfuzzer_sys::fuzz_target;

/// Error codes tried with the error decoders: common ones, a namespaced one and unknown ones.
const CODES: &[&str] = &[
    "UserNotFoundException",
    "NotAuthorizedException",
    "TooManyRequestsException",
    "InvalidParameterException",
    "ResourceNotFoundException",
    "InternalErrorException",
    "LimitExceededException",
    "UsernameExistsException",
    "ExternalServiceException",
    "SomethingNewException",
    "",
];

/// Decodes `body` as `O`'s output or, under `code`, as one of its errors.
fn run<O: Operation>(code: Option<&str>, body: &[u8])
where
    O::Output: Debug,
{
    match code {
        None => {
            if let Ok(out) = O::decode(body) {
                black_box(format!("{out:?}"));
            }
        }
        Some(code) => {
            let e = O::Error::from_response(ErrorMetadata::new(code, "fuzz"), body);
            black_box(ServiceError::meta(&e).code());
            let e: Error<O::Error> = Error::Service(e);
            black_box(format!("{e} {e:?} {:?} {:?}", e.code(), e.message()));
        }
    }
}

/// The wire primitives on their own.
fn primitives(body: &[u8]) {
    if let Ok(t) = serde_json::from_slice::<DateTime>(body) {
        black_box((
            t.to_string(),
            format!("{t:?}"),
            t.as_secs_f64(),
            t.to_system_time(),
            serde_json::to_string(&t).ok(),
        ));
    }
    if let Ok(b) = serde_json::from_slice::<Blob>(body) {
        black_box((format!("{b:?}"), serde_json::to_string(&b).ok()));
    }
    if let Ok(d) = serde_json::from_slice::<Document>(body) {
        black_box(d.to_string());
    }
}

type Runner = fn(Option<&str>, &[u8]);

macro_rules! runners {
    ($($service:ident: [$($input:ident),* $(,)?]),* $(,)?) => {
        /// One runner per operation of the generated clients.
        const RUNNERS: &[Runner] = &[$($(run::<cognito::$service::operation::$input>,)*)*];
    };
}

include!("../../tests/support/operation_inputs.rs");

with_operation_inputs!(runners);

fuzz_target!(|data: &[u8]| {
    let [selector, mode, body @ ..] = data else {
        return;
    };
    let index = usize::from(*selector) % (RUNNERS.len() + 1);
    if index == RUNNERS.len() {
        primitives(body);
        return;
    }
    let code = (*mode >= 192).then(|| CODES[usize::from(*mode) % CODES.len()]);
    RUNNERS[index](code, body);
});
