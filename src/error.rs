//! Errors: [`Error`], what every call returns on failure, and the pieces service errors are made of
//! ([`ErrorMetadata`], [`Unhandled`]), plus decoding of AWS JSON error responses.
//!
//! This is the bottom layer of the crate: it imports nothing from the other modules but the transport's
//! [`HttpError`].

use std::fmt;
use std::path::PathBuf;

use crate::transport::{HttpError, HttpErrorKind};

/// Why a call failed.
///
/// `E` is the operation's error enum (for example
/// [`AdminGetUserError`](crate::idp::operation::AdminGetUserError)): the exceptions the model lists for that
/// operation, plus `Unhandled` for any other error code. Every operation's `Error<E>` converts (`From`, so
/// `?` does it) into `Error` of the service-wide error ([`idp::Error`](crate::idp::Error) and its
/// siblings), which lists every exception of the service: one error type for a function that makes several
/// calls, without boxing.
///
/// `Error` only sorts failures: it displays as the failure it holds, and its
/// [`source`](std::error::Error::source) is that failure's cause, so a reporter that walks the chain
/// prints each message once. A service error is one layer (`UserNotFoundException: …`, no source); a
/// transport error says which call failed and how, with the transport's cause as its source.
///
/// `code()`, `message()` and `request_id()` read the service's answer, and `is_*` predicates
/// (`is_user_not_found_exception()`) test for one exception, on this type as on the service errors inside.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error<E> {
    /// The service answered with an error. Displays as `Code: message`.
    #[error(transparent)]
    Service(E),
    /// The input was rejected before anything was sent (a required member is missing, or it could not be
    /// serialized).
    #[error(transparent)]
    InvalidInput(InvalidInput),
    /// AWS credentials were needed to sign the request but none could be had.
    #[error(transparent)]
    Credentials(CredentialsError),
    /// The configuration cannot make this call (no region, invalid endpoint).
    #[error(transparent)]
    Config(ConfigError),
    /// The request did not complete in time.
    #[error(transparent)]
    Timeout(TimeoutError),
    /// The request could not be sent or the response not read (connection refused, reset, TLS, DNS).
    #[error(transparent)]
    Transport(TransportError),
    /// The service answered, but not with something this SDK can read (malformed or oversized body).
    #[error(transparent)]
    Response(ResponseError),
}

impl<E> Error<E> {
    /// The service error, if the service answered with one.
    pub fn service_error(&self) -> Option<&E> {
        match self {
            Error::Service(e) => Some(e),
            _ => None,
        }
    }

    /// The service error itself when the service answered with one; otherwise this error, unchanged
    /// (nothing is lost, so `?` can pass it on).
    ///
    /// ```
    /// # fn demo(err: cognito::Error<cognito::idp::operation::AdminGetUserError>) {
    /// match err.into_service_error() {
    ///     Ok(e) if e.is_user_not_found_exception() => println!("no such user"),
    ///     Ok(e) => println!("the service said {e}"),
    ///     Err(other) => println!("no answer from the service: {other}"),
    /// }
    /// # }
    /// ```
    pub fn into_service_error(self) -> Result<E, Self> {
        match self {
            Error::Service(e) => Ok(e),
            other => Err(other),
        }
    }

    /// True for [`Error::Timeout`].
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout(_))
    }

    /// Changes the service-error type, keeping every other kind as it is.
    pub fn map_service<F>(self, f: impl FnOnce(E) -> F) -> Error<F> {
        match self {
            Error::Service(e) => Error::Service(f(e)),
            Error::InvalidInput(e) => Error::InvalidInput(e),
            Error::Credentials(e) => Error::Credentials(e),
            Error::Config(e) => Error::Config(e),
            Error::Timeout(e) => Error::Timeout(e),
            Error::Transport(e) => Error::Transport(e),
            Error::Response(e) => Error::Response(e),
        }
    }
}

impl<E: ServiceError> Error<E> {
    /// Code, message, HTTP status and request id of a service error.
    pub fn meta(&self) -> Option<&ErrorMetadata> {
        match self {
            Error::Service(e) => Some(e.meta()),
            Error::Response(e) => Some(&e.meta),
            _ => None,
        }
    }

    /// The service's error code (`UserNotFoundException`), if the service answered with one.
    pub fn code(&self) -> Option<&str> {
        self.meta().and_then(ErrorMetadata::code)
    }

    /// The service's error message, if any.
    pub fn message(&self) -> Option<&str> {
        self.meta().and_then(ErrorMetadata::message)
    }

    /// The request id the service gave, if any.
    pub fn request_id(&self) -> Option<&str> {
        self.meta().and_then(ErrorMetadata::request_id)
    }
}

/// The error enums of operations implement this; the send path builds them from responses.
pub trait ServiceError: std::error::Error + Send + Sync + Sized + 'static {
    /// Builds the error from a response's metadata and body.
    fn from_response(meta: ErrorMetadata, body: &[u8]) -> Self;
    /// Code, message, HTTP status and request id.
    fn meta(&self) -> &ErrorMetadata;
}

/// The error type of calls that have no service errors of their own.
impl ServiceError for Unhandled {
    fn from_response(meta: ErrorMetadata, _body: &[u8]) -> Self {
        Unhandled { meta }
    }
    fn meta(&self) -> &ErrorMetadata {
        &self.meta
    }
}

/// What every service error carries: the error code, message, HTTP status and request id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErrorMetadata {
    pub(crate) code: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) status: Option<u16>,
    pub(crate) request_id: Option<String>,
    pub(crate) attempts: u32,
}

impl ErrorMetadata {
    /// Metadata with the given code and message (for tests and mocks).
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> ErrorMetadata {
        ErrorMetadata {
            code: Some(code.into()),
            message: Some(message.into()),
            ..Default::default()
        }
    }

    /// The error code, without namespace (`UserNotFoundException`).
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The error message.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The HTTP status of the response.
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// The request id (`x-amzn-RequestId`).
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// How many attempts the call made before this error (1 when it was not retried).
    pub fn attempts(&self) -> u32 {
        self.attempts.max(1)
    }
}

/// The most characters of a server-supplied text (an error code or message) that `Display` shows.
pub(crate) const DISPLAY_CHARS: usize = 512;

/// `text` made safe for one log line: control characters (newlines, escapes, NUL) escaped, and cut to
/// `max` characters with a trailing `…`. What a hostile or echoing server sends can then neither flood a
/// log nor forge a line of it.
pub(crate) fn clip_for_display(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max + 8));
    for (n, c) in text.chars().enumerate() {
        if n == max {
            out.push('…');
            break;
        }
        if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202e}') {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

impl fmt::Display for ErrorMetadata {
    /// `Code: message`, or what of it is known; `(after N attempts)` when the call was retried. The code
    /// and the message come from the server: they are clipped to 512 characters, with control characters
    /// escaped ([`message`](Self::message) has the whole text).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let code = self.code.as_deref().map(|c| clip_for_display(c, 128));
        let message = self
            .message
            .as_deref()
            .map(|m| clip_for_display(m, DISPLAY_CHARS));
        match (&code, &message, self.status) {
            (Some(c), Some(m), _) => write!(f, "{c}: {m}"),
            (Some(c), None, _) => f.write_str(c),
            (None, Some(m), Some(s)) => write!(f, "HTTP {s}: {m}"),
            (None, Some(m), None) => f.write_str(m),
            (None, None, Some(s)) => write!(f, "HTTP {s} with no error code"),
            (None, None, None) => f.write_str("unknown service error"),
        }?;
        if self.attempts > 1 {
            write!(f, " (after {} attempts)", self.attempts)?;
        }
        Ok(())
    }
}

/// A service error whose code the operation's model does not list.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{meta}")]
pub struct Unhandled {
    meta: ErrorMetadata,
}

impl Unhandled {
    /// Wraps `meta`.
    pub fn new(meta: ErrorMetadata) -> Unhandled {
        Unhandled { meta }
    }

    /// Code, message, HTTP status and request id.
    pub fn meta(&self) -> &ErrorMetadata {
        &self.meta
    }

    /// Code, message, HTTP status and request id, by value.
    pub fn into_meta(self) -> ErrorMetadata {
        self.meta
    }
}

/// Input rejected before sending.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid input for {operation}: {message}")]
pub struct InvalidInput {
    pub(crate) operation: &'static str,
    pub(crate) message: String,
}

impl InvalidInput {
    /// The operation.
    pub fn operation(&self) -> &str {
        self.operation
    }
}

/// No AWS credentials for a signed call.
#[derive(Debug, thiserror::Error)]
#[error("cannot sign {operation}: {message}")]
pub struct CredentialsError {
    pub(crate) operation: &'static str,
    pub(crate) message: String,
    #[source]
    pub(crate) source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl CredentialsError {
    /// The operation that needed credentials.
    pub fn operation(&self) -> &str {
        self.operation
    }
}

/// A request that ran out of time.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct TimeoutError {
    pub(crate) operation: &'static str,
    pub(crate) kind: TimeoutKind,
    pub(crate) after: std::time::Duration,
    pub(crate) attempts: u32,
}

/// Which time limit ran out: the HTTP client's connect timeout, or one of the
/// [`Timeouts`](crate::timeout::Timeouts) the crate enforces around any transport.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// Opening a connection (TCP and TLS) took longer than the HTTP client's connect timeout.
    Connect,
    /// One attempt (sending the request and reading the whole response) took longer than the attempt
    /// timeout, and no retry was left or allowed.
    Attempt,
    /// The whole operation, retries and backoff included, took longer than the operation timeout.
    Operation,
}

impl TimeoutKind {
    /// What ran out of time, as the error message says it.
    fn describe(self) -> &'static str {
        match self {
            TimeoutKind::Connect => "connecting",
            TimeoutKind::Attempt => "the attempt",
            TimeoutKind::Operation => "the operation",
        }
    }
}

impl TimeoutError {
    /// The operation (`AdminGetUser`).
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// Which timeout ran out.
    pub fn kind(&self) -> TimeoutKind {
        self.kind
    }

    /// The limit that was exceeded.
    pub fn limit(&self) -> std::time::Duration {
        self.after
    }

    /// How many attempts the call had started when it gave up (1 when it was not retried).
    pub fn attempts(&self) -> u32 {
        self.attempts.max(1)
    }

    fn describe(&self) -> String {
        let what = self.kind.describe();
        let mut out = if self.after.is_zero() {
            format!("{} timed out {what}", self.operation)
        } else {
            format!(
                "{} timed out: {what} took longer than {:?}",
                self.operation, self.after
            )
        };
        if self.attempts > 1 {
            out.push_str(&format!(" (after {} attempts)", self.attempts));
        }
        out
    }
}

/// A failure to send a request or read its response. Its [`source`](std::error::Error::source) is the
/// transport's cause (reqwest's error, for the default transport).
#[derive(Debug)]
pub struct TransportError {
    pub(crate) operation: &'static str,
    pub(crate) error: HttpError,
    pub(crate) attempts: u32,
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed: {}", self.operation, self.error)?;
        if self.attempts > 1 {
            write!(f, " (gave up after {} attempts)", self.attempts)?;
        }
        Ok(())
    }
}

impl TransportError {
    /// The operation (`AdminGetUser`).
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// What kind of transport failure it was.
    pub fn kind(&self) -> HttpErrorKind {
        self.error.kind()
    }

    /// False when the last attempt certainly never reached the server (no connection could be made);
    /// true when the server may have received it (and, for a call that changes something, acted on it).
    pub fn may_have_reached_server(&self) -> bool {
        self.error.may_have_reached_server()
    }

    /// How many attempts the call made (1 when it was not retried).
    pub fn attempts(&self) -> u32 {
        self.attempts.max(1)
    }
}

impl std::error::Error for TransportError {
    /// The transport's cause (reqwest's error for the default transport); this error's own message
    /// already says what [`HttpError`] said.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.error)
    }
}

/// A response this SDK cannot read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "{operation}: unreadable response{}: {}",
    status_note(&.meta.status),
    clip_for_display(.message, DISPLAY_CHARS)
)]
pub struct ResponseError {
    pub(crate) operation: &'static str,
    pub(crate) message: String,
    pub(crate) meta: ErrorMetadata,
}

fn status_note(status: &Option<u16>) -> String {
    status.map(|s| format!(" (HTTP {s})")).unwrap_or_default()
}

impl ResponseError {
    /// HTTP status and request id of the response.
    pub fn meta(&self) -> &ErrorMetadata {
        &self.meta
    }
}

/// Why a configuration could not be loaded or used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The profile named by `AWS_PROFILE` is in neither the shared config nor the credentials file.
    #[error(
        "AWS profile `{profile}` is not defined in the shared config file or the shared credentials file"
    )]
    ProfileNotFound {
        /// The profile's name.
        profile: String,
    },
    /// Credentials are incomplete, such as an access key without its secret.
    #[error("invalid AWS credentials: {0}")]
    InvalidCredentials(String),
    /// A shared config or credentials file exists but could not be read.
    #[error("cannot read AWS shared file `{}`", .path.display())]
    Io {
        /// The file's path.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// An AWS endpoint is needed but no region is configured.
    #[error(
        "no AWS region configured for {service}: set AWS_REGION, a `region` in the AWS profile, or \
         ConfigBuilder::region"
    )]
    MissingRegion {
        /// The service whose endpoint was being resolved.
        service: crate::service::ServiceId,
    },
    /// The region is not a region name (only ASCII letters, digits and `-` are allowed).
    #[error("invalid AWS region `{region}`: only ASCII letters, digits and `-` are allowed")]
    InvalidRegion {
        /// The rejected region.
        region: String,
    },
    /// An endpoint URL override is not a usable URL.
    #[error("invalid endpoint URL `{url}`: {reason}")]
    InvalidEndpoint {
        /// The rejected URL.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A setting has a value outside those it accepts.
    #[error("invalid value `{value}` for {setting}: expected {expected}")]
    InvalidValue {
        /// The setting: an environment variable or a profile key.
        setting: String,
        /// The rejected value.
        value: String,
        /// What is accepted.
        expected: &'static str,
    },
    /// The HTTP client could not be built (the TLS backend failed to start).
    #[error("cannot build the HTTP client")]
    HttpClient(#[source] std::sync::Arc<dyn std::error::Error + Send + Sync>),
}

/// An error and its sources on one line (reqwest's and aws-credential-types' own messages leave out the
/// cause).
pub(crate) fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

/// Decodes the code and message of an AWS JSON (1.1 or REST-JSON) error response. Never fails: what
/// cannot be read stays `None`, and the status and request id are always kept.
pub(crate) fn decode_metadata(
    status: u16,
    headers: &http::HeaderMap,
    body: &[u8],
) -> ErrorMetadata {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let request_id = header("x-amzn-requestid").or_else(|| header("x-amz-request-id"));
    let mut code = header("x-amzn-errortype").map(|c| sanitize_code(&c));
    let mut message = None;
    if let Ok(serde_json::Value::Object(map)) = serde_json::from_slice::<serde_json::Value>(body) {
        let text = |k: &str| {
            map.get(k)
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned)
        };
        if code.is_none() {
            code = text("__type")
                .or_else(|| text("code"))
                .or_else(|| text("Code"))
                .map(|c| sanitize_code(&c));
        }
        message = text("message")
            .or_else(|| text("Message"))
            .or_else(|| text("errorMessage"));
    } else if let Some((c, m)) = xml_error(body) {
        code = code.or(c);
        message = m;
    } else if !body.is_empty() {
        message = Some(snippet(body));
    }
    ErrorMetadata {
        code: code.filter(|c| !c.is_empty()),
        message,
        status: Some(status),
        request_id,
        attempts: 1,
    }
}

/// `aws.protocoltests#FooError:http://…` or `com.amazonaws.cognito#FooError` → `FooError`.
fn sanitize_code(raw: &str) -> String {
    let no_url = raw.split(':').next().unwrap_or(raw);
    let no_ns = no_url.rsplit('#').next().unwrap_or(no_url);
    no_ns.trim().to_owned()
}

/// `<Code>` and `<Message>` of an XML error body (`<ErrorResponse><Error><Code>…`).
fn xml_error(body: &[u8]) -> Option<(Option<String>, Option<String>)> {
    let text = std::str::from_utf8(body).ok()?;
    if !text.trim_start().starts_with('<') || text.contains("<html") || text.contains("<HTML") {
        return None;
    }
    let tag = |name: &str| {
        let open = format!("<{name}>");
        let start = text.find(&open)? + open.len();
        let end = text[start..].find(&format!("</{name}>"))? + start;
        Some(text[start..end].trim().to_owned())
    };
    let (code, message) = (tag("Code"), tag("Message"));
    if code.is_none() && message.is_none() {
        None
    } else {
        Some((code, message))
    }
}

/// The start of a body that is not JSON (HTML error pages), as one line of text.
fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(512)]);
    let mut out = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    let folded = out.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut cut: String = folded.chars().take(200).collect();
    if cut.len() < folded.len() {
        cut.push('…');
    }
    cut
}

/// Decodes an exception's members from the body; a body that does not parse still gives the exception
/// (with its members unset), since the code is known.
#[inline]
pub(crate) fn decode_members<T>(body: &[u8]) -> T
where
    T: serde::de::DeserializeOwned + Default,
{
    serde_json::from_slice(body).unwrap_or_default()
}

/// The body of an exception whose only member is `message`.
#[derive(Default)]
struct MessageBody {
    message: Option<String>,
}

crate::json_struct! {
    MessageBody: deserialize {
        message = "message" | "Message",
    }
}

/// The `message` member of an exception that has no other: what decoding the exception's own structure
/// would give, from one decoder that all such exceptions share (so an app does not compile one per
/// exception).
pub(crate) fn decode_message(body: &[u8]) -> Option<String> {
    serde_json::from_slice::<MessageBody>(body)
        .map(|b| b.message)
        .unwrap_or_default()
}

/// The service-wide error for an operation's `Unhandled` error: the service's exception of that code when
/// it has one (decoded from the message, the only member the metadata keeps), else `Unhandled` again.
/// One non-generic function per service error, shared by every operation's conversion.
pub(crate) fn reclassify<S: ServiceError>(e: Unhandled) -> S {
    let meta = e.into_meta();
    let body = match meta.message() {
        Some(m) => serde_json::to_vec(&serde_json::json!({ "message": m })).unwrap_or_default(),
        None => Vec::new(),
    };
    S::from_response(meta, &body)
}

/// Exception structures implement this so the send path can build them from a response.
pub(crate) trait Exception: Sized {
    /// Builds the exception from the response's metadata and body.
    fn decode(meta: ErrorMetadata, body: &[u8]) -> Self;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_text_is_clipped_and_escaped_in_display() {
        let mut meta = ErrorMetadata::new(
            "UserNotFoundException",
            format!("line one\nFAKE: injected\r\x1b[31m{}", "x".repeat(10_000)),
        );
        meta.status = Some(400);
        let shown = meta.to_string();
        assert!(
            !shown.contains('\n') && !shown.contains('\r') && !shown.contains('\x1b'),
            "{shown}"
        );
        assert!(
            shown.starts_with("UserNotFoundException: line one\\nFAKE: injected\\r\\u{1b}[31m"),
            "{shown}"
        );
        assert!(shown.chars().count() < 700, "{}", shown.len());
        assert!(shown.ends_with('…'));
        // The whole message stays available.
        assert_eq!(meta.message().map(str::len), Some(10_000 + 29));
        let meta = ErrorMetadata::new("A\nB".repeat(100), "m");
        assert!(meta.to_string().chars().count() < 200);
    }

    fn headers(pairs: &[(&str, &str)]) -> http::HeaderMap {
        let mut h = http::HeaderMap::new();
        for (k, v) in pairs {
            h.insert(
                http::HeaderName::from_bytes(k.as_bytes()).expect("name"),
                v.parse().expect("value"),
            );
        }
        h
    }

    #[test]
    fn bare_and_namespaced_types() {
        let m = decode_metadata(
            400,
            &headers(&[]),
            br#"{"__type":"UserNotFoundException","message":"gone"}"#,
        );
        assert_eq!(
            (m.code(), m.message()),
            (Some("UserNotFoundException"), Some("gone"))
        );
        let body = br#"{"__type":"com.amazonaws.cognito.identity.idp#UserNotFoundException","Message":"gone"}"#;
        let m = decode_metadata(400, &headers(&[("x-amzn-requestid", "r-1")]), body);
        assert_eq!(
            (m.code(), m.message()),
            (Some("UserNotFoundException"), Some("gone"))
        );
        assert_eq!(m.request_id(), Some("r-1"));
        assert_eq!(m.status(), Some(400));
        assert_eq!(m.to_string(), "UserNotFoundException: gone");
    }

    #[test]
    fn error_type_header_wins_and_loses_its_url() {
        let h = headers(&[(
            "x-amzn-errortype",
            "NotAuthorizedException:http://internal.amazon.com/coral/",
        )]);
        let m = decode_metadata(400, &h, br#"{"__type":"Other","message":"no"}"#);
        assert_eq!(m.code(), Some("NotAuthorizedException"));
        assert_eq!(m.message(), Some("no"));
    }

    #[test]
    fn xml_html_and_empty_bodies() {
        let xml = b"<?xml version=\"1.0\"?><ErrorResponse><Error><Code>InvalidClientTokenId</Code>\
                    <Message>The security token included in the request is invalid.</Message></Error></ErrorResponse>";
        let m = decode_metadata(403, &headers(&[]), xml);
        assert_eq!(m.code(), Some("InvalidClientTokenId"));
        assert_eq!(
            m.message(),
            Some("The security token included in the request is invalid.")
        );
        let html = b"<!DOCTYPE html><html><head><title>500 Internal Server Error</title></head>\
                     <body><h1>Internal Server Error</h1></body></html>";
        let m = decode_metadata(500, &headers(&[]), html);
        assert_eq!(m.code(), None);
        assert_eq!(
            m.message(),
            Some("500 Internal Server Error Internal Server Error")
        );
        assert_eq!(
            m.to_string(),
            "HTTP 500: 500 Internal Server Error Internal Server Error"
        );
        let m = decode_metadata(502, &headers(&[]), b"");
        assert_eq!((m.code(), m.message()), (None, None));
        assert_eq!(m.to_string(), "HTTP 502 with no error code");
        let m = decode_metadata(400, &headers(&[]), b"{\"__type\": \"Trunc");
        assert_eq!(m.code(), None);
        assert!(m.message().is_some_and(|s| s.contains("Trunc")));
    }
}
