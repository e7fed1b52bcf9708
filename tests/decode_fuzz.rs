//! Property-style fuzzing of the response decoders, with no dependency beyond the crate's own.
//!
//! A deterministic xorshift PRNG drives a generator that reads the output and exception shapes of every
//! operation from `spec/*.openapi.json` and writes JSON instances of them, in three flavours:
//!
//! - **valid** instances (random members, enum values, base64 blobs, epoch timestamps, documents): these
//!   must decode, so this also checks that the generated types accept what the model describes;
//! - **hostile** instances, where any node may instead be an anomaly: unknown enum values, invalid base64,
//!   huge, negative, fractional or NaN-like numbers, quoted numbers, type swaps, `null`, unknown or
//!   duplicated members, deep nesting, invalid UTF-8, lone surrogates, long strings;
//! - either of the above after byte-level mutation (truncation, bit flips, insertions, deletions,
//!   duplications, splices), plus plain random bytes.
//!
//! Every input goes to the public decoder of an operation (`Operation::decode`, the one the send path
//! calls on a 2xx body) or to its error decoder (`ServiceError::from_response`, used on other statuses);
//! the result must be `Ok` or a typed `Err`, never a panic. A second test serves a smaller batch through a
//! `RecordingServer` with random statuses and headers, so the whole read path (error metadata from JSON,
//! XML, HTML or garbage bodies included) is covered and every call must end in `Ok`,
//! `Error::Response` (2xx) or `Error::Service` (other statuses).
//!
//! `DECODE_FUZZ_SEED` and `DECODE_FUZZ_INPUTS` override the seed and the number of direct inputs. Each test
//! stops early at a time budget (so that a debug run stays well under 20 s), but never before its stated
//! minimum number of cases ([`MIN_DIRECT_INPUTS`], [`MIN_SERVED_INPUTS`]): on a slow machine it runs longer
//! instead, and only a hang guard far beyond the budget may cut it short, in which case the test fails
//! with the number of cases it managed. The counts are printed.

mod support;

use std::collections::{BTreeMap, HashMap};
use std::fmt::Debug;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

use base64::Engine as _;
use cognito::error::{ErrorMetadata, ServiceError};
use cognito::operation::Operation;
use cognito::{Blob, Config, DateTime, Error, RetryConfig, Timeouts};
use serde_json::{Map, Value};
use support::{CannedResponse, RecordingServer};

const DEFAULT_SEED: u64 = 0x5eed_c0de_cafe_f00d;
const DEFAULT_DIRECT_INPUTS: usize = 100_000;
const SERVED_INPUTS: usize = 1_500;
const DIRECT_BUDGET: Duration = Duration::from_secs(14);
const SERVED_BUDGET: Duration = Duration::from_secs(10);
/// The direct inputs every run decodes, whatever the budget says (fewer only if `DECODE_FUZZ_INPUTS` asks
/// for fewer).
const MIN_DIRECT_INPUTS: usize = 50_000;
/// The responses every run serves, whatever the budget says.
const MIN_SERVED_INPUTS: usize = 1_000;
/// Past this, a run stops even below its minimum, and the test fails.
const HANG_GUARD: Duration = Duration::from_secs(300);
/// The stack the direct decoders run on: what a Tokio worker thread gets by default.
const DECODER_STACK: usize = 2 * 1024 * 1024;

// ----------------------------------------------------------------------------------------------------
// PRNG
// ----------------------------------------------------------------------------------------------------

/// xorshift64*, seeded through splitmix64.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        Rng((z ^ (z >> 31)) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn choose<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// Uniform in `lo..=hi`.
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        let span = (i128::from(hi) - i128::from(lo) + 1) as u128;
        (i128::from(lo) + (u128::from(self.next()) % span) as i128) as i64
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

// ----------------------------------------------------------------------------------------------------
// The decoders under test
// ----------------------------------------------------------------------------------------------------

type DecodeFn = fn(&[u8]) -> Result<(), String>;
type DecodeErrorFn = fn(&str, &[u8]) -> Option<String>;

/// The public decoders of one operation.
struct Decoder {
    service: &'static str,
    name: &'static str,
    decode: DecodeFn,
    decode_error: DecodeErrorFn,
}

/// Decodes a 2xx body as the send path does, and formats the output (its `Debug` redacts members).
fn decode<O: Operation>(body: &[u8]) -> Result<(), String>
where
    O::Output: Debug,
{
    match O::decode(body) {
        Ok(out) => {
            std::hint::black_box(format!("{out:?}"));
            Ok(())
        }
        Err(e) => Err(e.to_string()),
    }
}

/// Decodes an error body under `code` as the send path does, and formats it; returns the code it carries.
fn decode_error<O: Operation>(code: &str, body: &[u8]) -> Option<String> {
    let e = O::Error::from_response(ErrorMetadata::new(code, "fuzz"), body);
    let code = ServiceError::meta(&e).code().map(str::to_owned);
    let wrapped: Error<O::Error> = Error::Service(e);
    std::hint::black_box(format!(
        "{wrapped} {wrapped:?} {:?} {:?}",
        wrapped.code(),
        wrapped.message()
    ));
    code
}

macro_rules! decoders {
    ($($service:ident: [$($input:ident),* $(,)?]),* $(,)?) => {
        /// Every operation of the generated clients.
        fn decoders() -> Vec<Decoder> {
            vec![$($(Decoder {
                service: stringify!($service),
                name: <cognito::$service::operation::$input as Operation>::NAME,
                decode: decode::<cognito::$service::operation::$input>,
                decode_error: decode_error::<cognito::$service::operation::$input>,
            },)*)*]
        }
    };
}

include!("support/operation_inputs.rs");

with_operation_inputs!(decoders);

// ----------------------------------------------------------------------------------------------------
// The model
// ----------------------------------------------------------------------------------------------------

/// What the generator needs of one service's document.
struct Spec {
    schemas: Map<String, Value>,
    /// Operation name → (output shape, error shapes).
    operations: BTreeMap<String, (Option<String>, Vec<String>)>,
}

fn ref_name(v: &Value) -> Option<&str> {
    v.get("$ref")?
        .as_str()?
        .strip_prefix("#/components/schemas/")
}

fn load_spec(file: &str) -> Spec {
    let path = format!("{}/spec/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path}: {e}"));
    let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("parse {path}: {e}"));
    let schemas = doc["components"]["schemas"]
        .as_object()
        .expect("components.schemas")
        .clone();
    let mut operations = BTreeMap::new();
    for item in doc["paths"].as_object().expect("paths").values() {
        for op in item.as_object().expect("path item").values() {
            let Some(name) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let mut output = None;
            let mut errors = Vec::new();
            for (status, response) in op["responses"].as_object().expect("responses") {
                let Some(content) = response.get("content").and_then(Value::as_object) else {
                    continue;
                };
                for media in content.values() {
                    let schema = &media["schema"];
                    if status.starts_with('2') {
                        output = ref_name(schema).map(str::to_owned);
                    } else if let Some(one_of) = schema.get("oneOf").and_then(Value::as_array) {
                        errors.extend(one_of.iter().filter_map(ref_name).map(str::to_owned));
                    }
                }
            }
            operations.insert(name.to_owned(), (output, errors));
        }
    }
    Spec {
        schemas,
        operations,
    }
}

// ----------------------------------------------------------------------------------------------------
// The generator
// ----------------------------------------------------------------------------------------------------

const HUGE_NUMBERS: &[&str] = &[
    "1e999",
    "-1e999",
    "1e309",
    "NaN",
    "-NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "inf",
    "18446744073709551616",
    "18446744073709551615",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "2147483647",
    "2147483648",
    "-2147483649",
    "100000000000000000",
    "100000000000000001",
    "1e17",
    "1.0000000000000002e17",
    "-1e17",
    "-1.0000000000000002e17",
    "99999999999999999999999999999999999999999999999999",
    "0.0000000001",
    "-0.0000000001",
    "-0",
    "-0.0",
    "4.9e-324",
    "1e-400",
    "1.7976931348623157e308",
    "-1.7976931348623157e308",
    "1795459509.9999999999",
    "-1.5",
    "01",
    "1.",
    ".5",
    "+1",
    "0x10",
    "1e",
    "--1",
    "\"NaN\"",
    "\"inf\"",
    "\"-Infinity\"",
    "\"1e300\"",
    "\"1e17\"",
    "\" 1795459509.5 \"",
    "\"\"",
    "\"0x10\"",
    "\"9223372036854775808\"",
];

const BAD_BASE64: &[&str] = &[
    "not base64!",
    "YQ",
    "YQ=",
    "Y===",
    "====",
    "YWJj\nZGVm",
    "-_-_",
    "aGVsbG8",
    "aGVsbG8=\u{0}",
    "\u{e9}\u{e9}\u{e9}\u{e9}",
    "aGVs bG8=",
    "QUJDRA==QUJDRA==",
];

const BAD_STRINGS: &[&[u8]] = &[
    b"\"\\ud800\"",
    b"\"\\udc00\\ud800\"",
    b"\"\\uD83D\"",
    b"\"\\u12\"",
    b"\"\\x41\"",
    b"\"\\\"",
    b"\"\xff\xfe\"",
    b"\"\xc3\x28\"",
    b"\"\xed\xa0\x80\"",
    b"\"\xf4\x90\x80\x80\"",
    b"\"\x01\x02\"",
    b"\"tab\there\"",
    b"\"unterminated",
    b"'single'",
];

const INTERESTING_BYTES: &[u8] = &[
    b'{', b'}', b'[', b']', b'"', b',', b':', b'\\', b'0', b'9', b'-', b'+', b'e', b'E', b'.',
    b'n', b't', b'f', b' ', b'\n', 0x00, 0x7f, 0x80, 0xc3, 0xe2, 0xed, 0xf0, 0xff,
];

const TEXT_PIECES: &[&str] = &[
    "alice",
    "us-east-1_AbCdEf123",
    "é",
    "日本",
    "🦀",
    "\"",
    "\\",
    "\n",
    "\u{0}",
    "\u{1f}",
    "\u{feff}",
    "\u{2028}",
    "<b>",
    "custom:tier",
    " ",
    "a.b.c",
];

/// Writes JSON text for shapes of one [`Spec`].
struct Gen<'a> {
    spec: &'a Spec,
    rng: &'a mut Rng,
    /// Percent chance that a node is replaced by an anomaly (0: a valid instance).
    hostile: u64,
    out: Vec<u8>,
}

impl Gen<'_> {
    fn text(&mut self) -> String {
        let mut s = String::new();
        for _ in 0..self.rng.below(4) {
            if self.rng.chance(50) {
                s.push_str(self.rng.choose(TEXT_PIECES));
            } else {
                for _ in 0..self.rng.below(8) {
                    s.push((b' ' + self.rng.below(95) as u8) as char);
                }
            }
        }
        s
    }

    fn string(&mut self, s: &str) {
        serde_json::to_writer(&mut self.out, s).expect("write to a Vec");
    }

    fn raw(&mut self, s: &[u8]) {
        self.out.extend_from_slice(s);
    }

    /// An instance of the named shape.
    fn shape(&mut self, name: &str, depth: usize) {
        let Some(schema) = self.spec.schemas.get(name) else {
            self.raw(b"null");
            return;
        };
        if self.hostile > 0 && self.rng.chance(self.hostile) {
            self.anomaly(schema, depth);
            return;
        }
        if schema.get("x-aws-document").is_some() {
            self.document(depth);
            return;
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("object") if schema.get("additionalProperties").is_some() => {
                self.map(schema, depth)
            }
            Some("object") => self.structure(schema, depth),
            Some("array") => {
                let item = ref_name(&schema["items"]).unwrap_or_default().to_owned();
                let n = if depth > 6 { 0 } else { self.rng.below(4) };
                self.raw(b"[");
                for i in 0..n {
                    if i > 0 {
                        self.raw(b",");
                    }
                    self.shape(&item, depth + 1);
                }
                self.raw(b"]");
            }
            Some("string") => {
                if let Some(values) = schema.get("enum").and_then(Value::as_array) {
                    let v = self
                        .rng
                        .pick(values)
                        .as_str()
                        .unwrap_or_default()
                        .to_owned();
                    self.string(&v);
                } else if schema.get("format").and_then(Value::as_str) == Some("byte") {
                    let n = self.rng.below(48);
                    let bytes = self.rng.bytes(n);
                    let text = base64::engine::general_purpose::STANDARD.encode(bytes);
                    self.string(&text);
                } else {
                    let t = self.text();
                    self.string(&t);
                }
            }
            Some("integer") => {
                let wide = schema.get("format").and_then(Value::as_str) == Some("int64");
                let (lo_default, hi_default) = if wide {
                    (i64::MIN, i64::MAX)
                } else {
                    (i64::from(i32::MIN), i64::from(i32::MAX))
                };
                let lo = schema
                    .get("minimum")
                    .and_then(Value::as_i64)
                    .unwrap_or(lo_default);
                let hi = schema
                    .get("maximum")
                    .and_then(Value::as_i64)
                    .unwrap_or(hi_default);
                let v = if self.rng.chance(50) {
                    *self.rng.pick(&[lo, hi, lo.max(0).min(hi)])
                } else {
                    self.rng.between(lo, hi)
                };
                self.raw(v.to_string().as_bytes());
            }
            Some("boolean") => {
                let v: &[u8] = if self.rng.chance(50) {
                    b"true"
                } else {
                    b"false"
                };
                self.raw(v);
            }
            Some("number") if schema.get("x-aws-timestamp-format").is_some() => {
                let secs = self.rng.between(0, 4_102_444_800);
                let text = match self.rng.below(4) {
                    0 => secs.to_string(),
                    1 => format!("{secs}.{:03}", self.rng.below(1000)),
                    2 => format!("\"{secs}.{}\"", self.rng.below(10)),
                    _ => format!("{secs}.0"),
                };
                self.raw(text.as_bytes());
            }
            Some("number") => {
                let v = (self.rng.next() as i64 as f64) / 1e6;
                self.raw(format!("{v}").as_bytes());
            }
            _ => self.raw(b"null"),
        }
    }

    fn structure(&mut self, schema: &Value, depth: usize) {
        let empty = Map::new();
        let properties = schema
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let keep = match depth {
            0..=3 => 75,
            4..=6 => 40,
            _ => 0,
        };
        self.raw(b"{");
        let mut first = true;
        for (name, member) in properties {
            if !self.rng.chance(keep) {
                continue;
            }
            let key = member
                .get("x-aws-location-name")
                .and_then(Value::as_str)
                .unwrap_or(name)
                .to_owned();
            let shape = ref_name(member).unwrap_or_default().to_owned();
            if !first {
                self.raw(b",");
            }
            first = false;
            self.string(&key);
            self.raw(b":");
            self.shape(&shape, depth + 1);
            // A duplicated member.
            if self.hostile > 0 && self.rng.chance(self.hostile / 2) {
                self.raw(b",");
                self.string(&key);
                self.raw(b":");
                self.shape(&shape, depth + 1);
            }
        }
        // Members this SDK does not know (a newer service): always allowed.
        if self.rng.chance(20) {
            if !first {
                self.raw(b",");
            }
            let key = format!("Unknown{}", self.rng.below(100));
            self.string(&key);
            self.raw(b":");
            self.document(depth + 3);
        }
        self.raw(b"}");
    }

    fn map(&mut self, schema: &Value, depth: usize) {
        let key_shape = ref_name(&schema["propertyNames"])
            .unwrap_or_default()
            .to_owned();
        let value_shape = ref_name(&schema["additionalProperties"])
            .unwrap_or_default()
            .to_owned();
        let n = if depth > 6 { 0 } else { self.rng.below(4) };
        self.raw(b"{");
        for i in 0..n {
            if i > 0 {
                self.raw(b",");
            }
            // Keys are strings (enum-valued for some maps).
            let key = match self
                .spec
                .schemas
                .get(&key_shape)
                .and_then(|s| s.get("enum"))
                .and_then(Value::as_array)
            {
                Some(values) => self
                    .rng
                    .pick(values)
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                None => format!("{}{i}", self.text()),
            };
            self.string(&key);
            self.raw(b":");
            self.shape(&value_shape, depth + 1);
        }
        self.raw(b"}");
    }

    /// Any JSON value (document members, unknown members).
    fn document(&mut self, depth: usize) {
        match if depth > 5 {
            self.rng.below(4)
        } else {
            self.rng.below(7)
        } {
            0 => self.raw(b"null"),
            1 => {
                let v: &[u8] = if self.rng.chance(50) {
                    b"true"
                } else {
                    b"false"
                };
                self.raw(v);
            }
            2 => {
                let v = self.rng.next() as i64 / 1000;
                self.raw(v.to_string().as_bytes());
            }
            3 => {
                let t = self.text();
                self.string(&t);
            }
            4 | 5 => {
                self.raw(b"[");
                for i in 0..self.rng.below(4) {
                    if i > 0 {
                        self.raw(b",");
                    }
                    self.document(depth + 1);
                }
                self.raw(b"]");
            }
            _ => {
                self.raw(b"{");
                for i in 0..self.rng.below(4) {
                    if i > 0 {
                        self.raw(b",");
                    }
                    let k = format!("k{i}{}", self.text());
                    self.string(&k);
                    self.raw(b":");
                    self.document(depth + 1);
                }
                self.raw(b"}");
            }
        }
    }

    /// Something in place of a valid instance of `schema`.
    fn anomaly(&mut self, schema: &Value, depth: usize) {
        let kind = schema.get("type").and_then(Value::as_str);
        let numeric = matches!(kind, Some("integer" | "number"));
        let blob = schema.get("format").and_then(Value::as_str) == Some("byte");
        let is_enum = schema.get("enum").is_some();
        match self.rng.below(10) {
            0..=2 if numeric => {
                let n = self.rng.pick(HUGE_NUMBERS).as_bytes();
                self.raw(n);
            }
            0..=2 if blob => {
                let b = self.rng.choose(BAD_BASE64);
                self.string(b);
            }
            0..=2 if is_enum => {
                // An enum value this SDK does not know: must decode (as `Unknown`).
                let v = format!("NEW_VALUE_{}", self.text());
                self.string(&v);
            }
            0..=2 => {
                let s = self.rng.pick(BAD_STRINGS).to_vec();
                self.raw(&s);
            }
            3 => self.raw(b"null"),
            4 => self.document(depth + 2), // a type swap, most of the time
            5 => {
                let n = *self
                    .rng
                    .pick(&[64usize, 126, 127, 128, 129, 200, 2_000, 50_000]);
                let (open, close): (&[u8], &[u8]) = if self.rng.chance(50) {
                    (b"[", b"]")
                } else {
                    (b"{\"a\":", b"}")
                };
                for _ in 0..n {
                    self.raw(open);
                }
                self.raw(b"1");
                for _ in 0..n {
                    self.raw(close);
                }
            }
            6 => {
                let s = "x".repeat(*self.rng.pick(&[0usize, 1, 4096, 100_000]));
                self.string(&s);
            }
            7 => {
                let s = self.rng.pick(BAD_STRINGS).to_vec();
                self.raw(&s);
            }
            8 => {
                let n = self.rng.pick(HUGE_NUMBERS).as_bytes();
                self.raw(n);
            }
            _ => {
                let v: &[u8] = self
                    .rng
                    .choose(&[&b"{}"[..], b"[]", b"\"\"", b"true", b"0"]);
                self.raw(v);
            }
        }
    }
}

/// Byte-level damage to `input`.
fn mutate(rng: &mut Rng, input: &mut Vec<u8>, other: &[u8]) {
    for _ in 0..1 + rng.below(4) {
        let len = input.len();
        match rng.below(8) {
            0 => input.truncate(rng.below(len + 1)),
            1 if len > 0 => {
                let i = rng.below(len);
                input[i] ^= 1 << rng.below(8);
            }
            2 if len > 0 => {
                let i = rng.below(len);
                input[i] = *rng.pick(INTERESTING_BYTES);
            }
            3 => {
                let i = rng.below(len + 1);
                let b = *rng.pick(INTERESTING_BYTES);
                input.insert(i, b);
            }
            4 if len > 0 => {
                let i = rng.below(len);
                let j = (i + 1 + rng.below(16)).min(len);
                input.drain(i..j);
            }
            5 if len > 0 => {
                let i = rng.below(len);
                let j = (i + 1 + rng.below(64)).min(len);
                let piece = input[i..j].to_vec();
                let at = rng.below(len + 1);
                input.splice(at..at, piece);
            }
            6 => {
                // Splice: our head, another input's tail.
                let cut = rng.below(len + 1);
                let from = rng.below(other.len() + 1);
                input.truncate(cut);
                input.extend_from_slice(&other[from..]);
            }
            _ => {
                let i = rng.below(len + 1);
                let n = rng.pick(HUGE_NUMBERS).as_bytes();
                input.splice(i..i, n.iter().copied());
            }
        }
    }
}

/// How an input was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Flavour {
    Valid,
    Hostile,
    Mutated,
    RandomBytes,
}

/// One generated input: a body for an operation's output, or for one of its errors.
struct Input {
    flavour: Flavour,
    /// `Some(code)` for an error body.
    error_code: Option<String>,
    body: Vec<u8>,
}

fn generate(rng: &mut Rng, spec: &Spec, operation: &str, previous: &[u8]) -> Input {
    let (output, errors) = &spec.operations[operation];
    let error_code = if !errors.is_empty() && rng.chance(20) {
        Some(if rng.chance(90) {
            rng.pick(errors).clone()
        } else {
            format!("Unlisted{}Exception", rng.below(10))
        })
    } else {
        None
    };
    let flavour = match rng.below(20) {
        0 => Flavour::RandomBytes,
        1..=4 => Flavour::Valid,
        5..=11 => Flavour::Hostile,
        _ => Flavour::Mutated,
    };
    if flavour == Flavour::RandomBytes {
        let n = rng.below(80);
        return Input {
            flavour,
            error_code,
            body: rng.bytes(n),
        };
    }
    let hostile = match flavour {
        Flavour::Valid => 0,
        Flavour::Hostile => *rng.pick(&[3u64, 10, 25]),
        _ => *rng.pick(&[0u64, 0, 5]),
    };
    let mut g = Gen {
        spec,
        rng,
        hostile,
        out: Vec::new(),
    };
    match (&error_code, output) {
        (Some(code), _) => {
            // An exception body: `__type` and the exception's members.
            g.raw(b"{\"__type\":");
            g.string(code);
            if spec.schemas.contains_key(code) {
                let mut body = Vec::new();
                std::mem::swap(&mut body, &mut g.out);
                g.shape(code, 0);
                let members = std::mem::replace(&mut g.out, body);
                if members.len() > 2 && members.first() == Some(&b'{') {
                    g.raw(b",");
                    g.raw(&members[1..]);
                } else {
                    g.raw(b"}");
                }
            } else {
                g.raw(b",\"message\":\"unlisted\"}");
            }
        }
        (None, Some(shape)) => g.shape(shape, 0),
        (None, None) => {
            let v: &[u8] = if g.rng.chance(50) { b"{}" } else { b"" };
            g.raw(v);
        }
    }
    let mut body = g.out;
    if flavour == Flavour::Mutated {
        mutate(rng, &mut body, previous);
    }
    Input {
        flavour,
        error_code,
        body,
    }
}

/// `body` as printable text, for failure reports.
fn show(body: &[u8]) -> String {
    let text: String = String::from_utf8_lossy(&body[..body.len().min(600)]).into_owned();
    format!("{} bytes: {text:?}", body.len())
}

// ----------------------------------------------------------------------------------------------------
// Direct decoding
// ----------------------------------------------------------------------------------------------------

#[derive(Default)]
struct Tally {
    inputs: usize,
    primitives: usize,
    panics: usize,
    ok: usize,
    typed_err: usize,
    by_flavour: BTreeMap<String, (usize, usize)>,
    failures: Vec<String>,
}

fn run_direct(seed: u64, target: usize) -> Tally {
    let specs: HashMap<&str, Spec> = [
        ("idp", load_spec("cognito-idp.openapi.json")),
        ("identity", load_spec("cognito-identity.openapi.json")),
    ]
    .into_iter()
    .collect();
    let decoders = decoders();
    // Every operation of the models has a decoder here, and the other way round.
    for (service, spec) in &specs {
        for name in spec.operations.keys() {
            assert!(
                decoders
                    .iter()
                    .any(|d| d.service == *service && d.name == name),
                "no decoder listed for {service} {name}: add its input type to tests/support/operation_inputs.rs"
            );
        }
    }
    for d in &decoders {
        assert!(
            specs[d.service].operations.contains_key(d.name),
            "{} {} is not in the model",
            d.service,
            d.name
        );
    }

    let mut rng = Rng::new(seed);
    let mut tally = Tally::default();
    let mut previous = b"{}".to_vec();
    let started = Instant::now();
    // Scalars first: the wire primitives on their own.
    for input in primitive_inputs(&mut rng) {
        tally.inputs += 1;
        tally.primitives += 1;
        let outcome = catch_unwind(AssertUnwindSafe(|| decode_primitives(&input)));
        if outcome.is_err() {
            tally.panics += 1;
            tally.failures.push(format!(
                "DateTime/Blob decoding panicked on {}",
                show(&input)
            ));
        }
    }
    let minimum = MIN_DIRECT_INPUTS.min(target);
    loop {
        let elapsed = started.elapsed();
        if tally.inputs >= target
            || (tally.inputs >= minimum && elapsed >= DIRECT_BUDGET)
            || elapsed >= HANG_GUARD
        {
            break;
        }
        let d = &decoders[rng.below(decoders.len())];
        let input = generate(&mut rng, &specs[d.service], d.name, &previous);
        tally.inputs += 1;
        let result = catch_unwind(AssertUnwindSafe(|| match &input.error_code {
            Some(code) => {
                let got = (d.decode_error)(code, &input.body);
                if got.as_deref() == Some(code.as_str()) {
                    Ok(())
                } else {
                    Err(format!("error decoded with code {got:?}, not {code}"))
                }
            }
            None => (d.decode)(&input.body),
        }));
        let label = format!(
            "{:?}{}",
            input.flavour,
            if input.error_code.is_some() {
                " error"
            } else {
                ""
            }
        );
        let entry = tally.by_flavour.entry(label).or_default();
        match result {
            Err(panic) => {
                tally.panics += 1;
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                tally.failures.push(format!(
                    "PANIC in {} {} ({:?}, error code {:?}): {message}\n  input {}",
                    d.service,
                    d.name,
                    input.flavour,
                    input.error_code,
                    show(&input.body)
                ));
            }
            Ok(Ok(())) => {
                tally.ok += 1;
                entry.0 += 1;
            }
            Ok(Err(e)) => {
                tally.typed_err += 1;
                entry.1 += 1;
                // A valid instance must decode; an error body always yields its code.
                if input.flavour == Flavour::Valid || input.error_code.is_some() {
                    tally.failures.push(format!(
                        "{} {} rejected a {:?} input: {e}\n  input {}",
                        d.service,
                        d.name,
                        input.flavour,
                        show(&input.body)
                    ));
                }
            }
        }
        if tally.failures.len() >= 20 {
            break;
        }
        previous = input.body;
    }
    tally
}

/// Bodies for the `DateTime` and `Blob` decoders on their own.
fn primitive_inputs(rng: &mut Rng) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = HUGE_NUMBERS.iter().map(|n| n.as_bytes().to_vec()).collect();
    out.extend(BAD_BASE64.iter().map(|b| format!("{b:?}").into_bytes()));
    out.extend(BAD_STRINGS.iter().map(|s| s.to_vec()));
    for _ in 0..2_000 {
        let mut v = match rng.below(3) {
            0 => rng.between(i64::MIN, i64::MAX).to_string().into_bytes(),
            1 => format!("{}", f64::from_bits(rng.next())).into_bytes(),
            _ => format!("\"{}\"", f64::from_bits(rng.next())).into_bytes(),
        };
        if rng.chance(30) {
            mutate(rng, &mut v, b"\"aGVsbG8=\"");
        }
        out.push(v);
    }
    out
}

/// Decodes `body` as a `DateTime` and as a `Blob`, and uses what decodes.
fn decode_primitives(body: &[u8]) {
    if let Ok(t) = serde_json::from_slice::<DateTime>(body) {
        std::hint::black_box((
            t.to_string(),
            format!("{t:?}"),
            t.as_secs_f64(),
            t.to_system_time(),
            serde_json::to_string(&t).ok(),
        ));
    }
    if let Ok(b) = serde_json::from_slice::<Blob>(body) {
        std::hint::black_box((format!("{b:?}"), serde_json::to_string(&b).ok()));
    }
}

#[test]
fn decoders_never_panic() {
    let seed = env_or("DECODE_FUZZ_SEED", DEFAULT_SEED);
    let target = env_or("DECODE_FUZZ_INPUTS", DEFAULT_DIRECT_INPUTS);
    // On a thread with the stack a Tokio worker has, so deep nesting is tried where decoding really runs.
    let started = Instant::now();
    let tally = std::thread::Builder::new()
        .name("decode-fuzz".into())
        .stack_size(DECODER_STACK)
        .spawn(move || run_direct(seed, target))
        .expect("spawn")
        .join()
        .expect("the fuzz thread itself must not die");
    eprintln!(
        "decode_fuzz: {} inputs in {:.1?} (seed {seed:#x}): {} DateTime/Blob bodies, {} operation bodies \
         ({} decoded, {} typed errors); {} panics; by flavour (ok, err): {:?}",
        tally.inputs,
        started.elapsed(),
        tally.primitives,
        tally.inputs - tally.primitives,
        tally.ok,
        tally.typed_err,
        tally.panics,
        tally.by_flavour
    );
    assert!(
        tally.failures.is_empty(),
        "{} failure(s):\n{}",
        tally.failures.len(),
        tally.failures.join("\n")
    );
    let minimum = MIN_DIRECT_INPUTS.min(target);
    assert!(
        tally.inputs >= minimum,
        "the hang guard ({HANG_GUARD:?}) cut the run at {} inputs, below the minimum of {minimum}",
        tally.inputs
    );
}

// ----------------------------------------------------------------------------------------------------
// Through a server
// ----------------------------------------------------------------------------------------------------

/// What one served call ended in.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Clone, Copy)]
enum Ending {
    Ok,
    Response,
    Service,
    Other,
}

fn ending<E: Debug>(result: &Result<(), Error<E>>) -> Ending {
    match result {
        Ok(()) => Ending::Ok,
        Err(Error::Response(_)) => Ending::Response,
        Err(Error::Service(_)) => Ending::Service,
        Err(_) => Ending::Other,
    }
}

fn status_of<E: ServiceError>(result: &Result<(), Error<E>>) -> Option<u16> {
    result.as_ref().err().and_then(|e| e.meta()?.status())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn served_responses_end_in_typed_results() {
    let seed = env_or("DECODE_FUZZ_SEED", DEFAULT_SEED) ^ 0x5e4e_d000;
    let idp_spec = load_spec("cognito-idp.openapi.json");
    let identity_spec = load_spec("cognito-identity.openapi.json");
    let server = RecordingServer::start(CannedResponse::json(200, "{}"));
    let config = Config::builder()
        .region("us-east-1")
        .endpoint_url(server.endpoint())
        .credentials(cognito::Credentials::new(
            "AKIDFUZZ",
            "SECRETFUZZ",
            None,
            None,
            "fuzz",
        ))
        .retry(RetryConfig::disabled())
        .timeouts(Timeouts::default().with_attempt(Duration::from_secs(10)))
        .build();
    let idp = cognito::idp::Client::new(&config);
    let identity = cognito::identity::Client::new(&config);

    let mut rng = Rng::new(seed);
    let mut counts: BTreeMap<(u16, Ending), usize> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut previous = Vec::new();
    let mut served = 0;
    let started = Instant::now();
    loop {
        let elapsed = started.elapsed();
        if served >= SERVED_INPUTS
            || (served >= MIN_SERVED_INPUTS && elapsed >= SERVED_BUDGET)
            || elapsed >= HANG_GUARD
            || failures.len() >= 20
        {
            break;
        }
        let op = rng.below(5);
        let (spec, name) = match op {
            0 => (&idp_spec, "AdminGetUser"),
            1 => (&idp_spec, "ListUsers"),
            2 => (&idp_spec, "DescribeUserPool"),
            3 => (&idp_spec, "InitiateAuth"),
            _ => (&identity_spec, "GetCredentialsForIdentity"),
        };
        let input = generate(&mut rng, spec, name, &previous);
        let status = if input.error_code.is_some() || rng.chance(15) {
            *rng.pick(&[400u16, 400, 403, 404, 413, 429, 500, 502, 503, 504])
        } else {
            200
        };
        let mut response = CannedResponse::empty(status).with_body(input.body.clone());
        match rng.below(5) {
            0 => {}
            1 => response = response.with_header("Content-Type", "text/html"),
            2 => response = response.with_header("Content-Type", "text/xml"),
            _ => response = response.with_header("Content-Type", "application/x-amz-json-1.1"),
        }
        if rng.chance(30) {
            let id = format!("req-{served}");
            response = response.with_header("x-amzn-RequestId", &id);
        }
        if rng.chance(20) {
            // A header-borne error type, possibly namespaced or with a URL suffix.
            let code = match rng.below(4) {
                0 => "UserNotFoundException".to_owned(),
                1 => "com.amazonaws.cognito#NotAuthorizedException".to_owned(),
                2 => "TooManyRequestsException:http://internal.amazon.com/coral/".to_owned(),
                _ => (0..rng.below(20))
                    .map(|_| (b'!' + rng.below(94) as u8) as char)
                    .collect(),
            };
            response = response.with_header("x-amzn-ErrorType", &code);
        }
        server.push(response);
        let call = async {
            match op {
                0 => {
                    let r = idp
                        .admin_get_user()
                        .user_pool_id("p")
                        .username("u")
                        .send()
                        .await
                        .map(|o| drop(format!("{o:?}")));
                    (ending(&r), status_of(&r))
                }
                1 => {
                    let r = idp
                        .list_users()
                        .user_pool_id("p")
                        .send()
                        .await
                        .map(|o| drop(format!("{o:?}")));
                    (ending(&r), status_of(&r))
                }
                2 => {
                    let r = idp
                        .describe_user_pool()
                        .user_pool_id("p")
                        .send()
                        .await
                        .map(|o| drop(format!("{o:?}")));
                    (ending(&r), status_of(&r))
                }
                3 => {
                    let r = idp
                        .initiate_auth()
                        .client_id("c")
                        .auth_flow(cognito::idp::types::AuthFlowType::UserPasswordAuth)
                        .send()
                        .await
                        .map(|o| drop(format!("{o:?}")));
                    (ending(&r), status_of(&r))
                }
                _ => {
                    let r = identity
                        .get_credentials_for_identity()
                        .identity_id("us-east-1:0000")
                        .send()
                        .await
                        .map(|o| drop(format!("{o:?}")));
                    (ending(&r), status_of(&r))
                }
            }
        };
        let (end, reported) = match tokio::time::timeout(Duration::from_secs(15), call).await {
            Ok(out) => out,
            Err(_) => {
                failures.push(format!(
                    "{name}: hung on HTTP {status} {}",
                    show(&input.body)
                ));
                break;
            }
        };
        served += 1;
        *counts.entry((status, end)).or_default() += 1;
        let expected: &[Ending] = if status == 200 {
            if input.flavour == Flavour::Valid && input.error_code.is_none() {
                &[Ending::Ok]
            } else {
                &[Ending::Ok, Ending::Response]
            }
        } else {
            &[Ending::Service]
        };
        if !expected.contains(&end) || (end != Ending::Ok && reported != Some(status)) {
            failures.push(format!(
                "{name}: HTTP {status} ({:?}) ended in {end:?} with status {reported:?}, expected \
                 {expected:?}\n  body {}",
                input.flavour,
                show(&input.body)
            ));
        }
        if served.is_multiple_of(256) {
            server.take_requests();
        }
        previous = input.body;
    }
    eprintln!(
        "decode_fuzz (served): {served} responses in {:.1?}; (status, ending) counts: {counts:?}",
        started.elapsed()
    );
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        served >= MIN_SERVED_INPUTS,
        "the hang guard ({HANG_GUARD:?}) cut the run at {served} responses, below the minimum of \
         {MIN_SERVED_INPUTS}"
    );
}
