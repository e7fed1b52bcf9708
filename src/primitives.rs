//! Value types the models use beyond JSON's own: [`DateTime`] (epoch seconds on the wire), [`Blob`]
//! (base64 on the wire) and [`Document`] (any JSON value).

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Any JSON value, for the models' document members.
pub type Document = serde_json::Value;

/// What `Debug` prints in place of a sensitive value.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Redacted;

/// The one [`Redacted`] value, for generated `Debug` impls.
pub(crate) const REDACTED: Redacted = Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("*** Sensitive Data Redacted ***")
    }
}

/// An instant, as AWS JSON protocols carry it: seconds since the Unix epoch, possibly fractional
/// (`1795459509.193`). Precision is kept to the nanosecond.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime {
    secs: i64,
    nanos: u32,
}

impl DateTime {
    /// The instant `secs` whole seconds after the epoch.
    pub const fn from_secs(secs: i64) -> DateTime {
        DateTime { secs, nanos: 0 }
    }

    /// The instant `secs` seconds after the epoch; `None` for NaN, infinities and values out of range.
    pub fn from_secs_f64(secs: f64) -> Option<DateTime> {
        if !secs.is_finite() || secs.abs() > 1e17 {
            return None;
        }
        let whole = secs.floor();
        // An f64 near today's epoch seconds is exact to about 0.2 µs: keep microseconds, so that
        // `1700000000.123` reads as .123000 s, not .122999907 s.
        let mut nanos = ((secs - whole) * 1e6).round() as u32 * 1000;
        let mut whole = whole as i64;
        if nanos >= 1_000_000_000 {
            whole += 1;
            nanos -= 1_000_000_000;
        }
        Some(DateTime { secs: whole, nanos })
    }

    /// The current instant.
    pub fn now() -> DateTime {
        DateTime::from(SystemTime::now())
    }

    /// Whole seconds since the epoch (rounded down).
    pub const fn secs(&self) -> i64 {
        self.secs
    }

    /// The nanoseconds past [`secs`](Self::secs).
    pub const fn subsec_nanos(&self) -> u32 {
        self.nanos
    }

    /// Seconds since the epoch as a float.
    pub fn as_secs_f64(&self) -> f64 {
        self.secs as f64 + f64::from(self.nanos) / 1e9
    }

    /// The instant as a [`SystemTime`], saturating: an instant outside the range the platform's
    /// `SystemTime` can hold (which is narrower than `DateTime`'s on some platforms, e.g. Windows,
    /// where it ends in the year 30828) becomes the latest or earliest `SystemTime` there is. Never
    /// panics, whatever a server sent. [`checked_to_system_time`](Self::checked_to_system_time)
    /// tells when that happens.
    pub fn to_system_time(&self) -> SystemTime {
        self.to_time(UNIX_EPOCH)
    }

    /// The instant as a [`SystemTime`], or `None` when the platform's `SystemTime` cannot hold it.
    pub fn checked_to_system_time(&self) -> Option<SystemTime> {
        let whole = Duration::from_secs(self.secs.unsigned_abs());
        let nanos = Duration::from_nanos(u64::from(self.nanos));
        if self.secs >= 0 {
            UNIX_EPOCH.checked_add(whole)?.checked_add(nanos)
        } else {
            UNIX_EPOCH.checked_sub(whole)?.checked_add(nanos)
        }
    }

    /// The instant relative to `epoch` (the Unix epoch in `T`'s terms), saturating at `T`'s ends.
    fn to_time<T: CheckedTime>(self, epoch: T) -> T {
        let whole = Duration::from_secs(self.secs.unsigned_abs());
        let nanos = Duration::from_nanos(u64::from(self.nanos));
        if self.secs >= 0 {
            saturating_add(saturating_add(epoch, whole), nanos)
        } else {
            saturating_add(saturating_sub(epoch, whole), nanos)
        }
    }
}

impl From<SystemTime> for DateTime {
    /// The instant of `t`; one before `i64::MIN` seconds (which no platform has today) saturates.
    fn from(t: SystemTime) -> DateTime {
        match t.duration_since(UNIX_EPOCH) {
            Ok(d) => DateTime {
                secs: i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
                nanos: d.subsec_nanos(),
            },
            Err(e) => {
                let d = e.duration();
                // −d as whole seconds rounded down, and the nanoseconds past them.
                let whole = 0i64.checked_sub_unsigned(d.as_secs());
                match (whole, d.subsec_nanos()) {
                    (Some(secs), 0) => DateTime { secs, nanos: 0 },
                    (Some(secs), nanos) => match secs.checked_sub(1) {
                        Some(secs) => DateTime {
                            secs,
                            nanos: 1_000_000_000 - nanos,
                        },
                        None => DateTime::from_secs(i64::MIN),
                    },
                    (None, _) => DateTime::from_secs(i64::MIN),
                }
            }
        }
    }
}

/// A point in time that moves by a [`Duration`] with checked arithmetic: [`SystemTime`] and the
/// instants, whose ranges depend on the platform.
pub(crate) trait CheckedTime: Copy {
    /// `self + d`, if representable.
    fn checked_add_duration(self, d: Duration) -> Option<Self>;
    /// `self - d`, if representable.
    fn checked_sub_duration(self, d: Duration) -> Option<Self>;
}

impl CheckedTime for SystemTime {
    fn checked_add_duration(self, d: Duration) -> Option<Self> {
        self.checked_add(d)
    }
    fn checked_sub_duration(self, d: Duration) -> Option<Self> {
        self.checked_sub(d)
    }
}

impl CheckedTime for tokio::time::Instant {
    fn checked_add_duration(self, d: Duration) -> Option<Self> {
        self.checked_add(d)
    }
    fn checked_sub_duration(self, d: Duration) -> Option<Self> {
        self.checked_sub(d)
    }
}

/// `t + d`, or the latest time `T` can hold when the sum is past it (found by halving steps: at most
/// a few hundred checked additions, and only then).
pub(crate) fn saturating_add<T: CheckedTime>(t: T, d: Duration) -> T {
    if let Some(sum) = t.checked_add_duration(d) {
        return sum;
    }
    let (mut t, mut step) = (t, d);
    while !step.is_zero() {
        match t.checked_add_duration(step) {
            Some(later) => t = later,
            None => step /= 2,
        }
    }
    t
}

/// `t - d`, or the earliest time `T` can hold when the difference is before it.
pub(crate) fn saturating_sub<T: CheckedTime>(t: T, d: Duration) -> T {
    if let Some(difference) = t.checked_sub_duration(d) {
        return difference;
    }
    let (mut t, mut step) = (t, d);
    while !step.is_zero() {
        match t.checked_sub_duration(step) {
            Some(earlier) => t = earlier,
            None => step /= 2,
        }
    }
    t
}

impl From<DateTime> for SystemTime {
    fn from(t: DateTime) -> SystemTime {
        t.to_system_time()
    }
}

/// Days since 1970-01-01 to a civil date (proleptic Gregorian).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

impl fmt::Display for DateTime {
    /// RFC 3339 in UTC, with milliseconds when the instant has a fraction: `2026-11-23T19:50:29.193Z`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.secs.div_euclid(86_400);
        let rem = self.secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        write!(
            f,
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
            rem / 3600,
            rem % 3600 / 60,
            rem % 60
        )?;
        if self.nanos != 0 {
            write!(f, ".{:03}", self.nanos / 1_000_000)?;
        }
        f.write_str("Z")
    }
}

impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DateTime({self})")
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.nanos == 0 {
            s.serialize_i64(self.secs)
        } else {
            s.serialize_f64(self.as_secs_f64())
        }
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<DateTime, D::Error> {
        struct EpochVisitor;
        impl Visitor<'_> for EpochVisitor {
            type Value = DateTime;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a timestamp in epoch seconds")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<DateTime, E> {
                Ok(DateTime::from_secs(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<DateTime, E> {
                i64::try_from(v)
                    .map(DateTime::from_secs)
                    .map_err(|_| E::custom("timestamp out of range"))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<DateTime, E> {
                DateTime::from_secs_f64(v)
                    .ok_or_else(|| E::custom(format!("invalid timestamp {v}")))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<DateTime, E> {
                // Some servers quote the number.
                v.trim()
                    .parse::<f64>()
                    .ok()
                    .and_then(DateTime::from_secs_f64)
                    .ok_or_else(|| E::custom(format!("invalid timestamp {v:?}")))
            }
        }
        d.deserialize_any(EpochVisitor)
    }
}

/// Bytes, carried as base64 text in JSON.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Blob(Vec<u8>);

impl Blob {
    /// A blob holding `bytes`.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Blob {
        Blob(bytes.into())
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The bytes, by value.
    pub fn into_inner(self) -> Vec<u8> {
        self.0
    }
}

impl From<Vec<u8>> for Blob {
    fn from(v: Vec<u8>) -> Blob {
        Blob(v)
    }
}

impl From<&[u8]> for Blob {
    fn from(v: &[u8]) -> Blob {
        Blob(v.to_vec())
    }
}

impl AsRef<[u8]> for Blob {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Blob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Blob({} bytes)", self.0.len())
    }
}

impl Serialize for Blob {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64_simd::STANDARD.encode_to_string(&self.0))
    }
}

impl<'de> Deserialize<'de> for Blob {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Blob, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        base64_simd::STANDARD
            .decode_to_vec(text.as_bytes())
            .map(Blob)
            .map_err(|_| {
                let why = base64_error_message(text.as_bytes(), &base64_simd::STANDARD, true);
                de::Error::custom(format!("invalid base64 blob: {why}"))
            })
    }
}

/// Decodes base64 in which padding is optional (the `base64` crate's `DecodePaddingMode::Indifferent`):
/// no `=`, the `=` of the canonical encoding, or a single `=` where the canonical encoding has two.
/// `unpadded` is the alphabet's `*_NO_PAD` engine. Non-zero trailing bits are an error, as always.
#[cfg(any(feature = "srp", feature = "jwt"))]
pub(crate) fn decode_base64_padding_indifferent(
    unpadded: &base64_simd::Base64,
    text: &[u8],
) -> Result<Vec<u8>, base64_simd::Error> {
    let body = text.len() - text.iter().rev().take_while(|b| **b == b'=').count();
    let padding_fits = matches!((body % 4, text.len() - body), (_, 0) | (2, 1 | 2) | (3, 1));
    // Misplaced padding is left in, where the unpadded engine rejects it.
    unpadded.decode_to_vec(if padding_fits { &text[..body] } else { text })
}

/// Why `text`, which `engine` failed to decode, is not base64, in the words of the `base64` crate
/// (base64-simd's error says only that decoding failed): the first symbol outside the alphabet or
/// misplaced `=`, else a length no encoding has, else missing padding (when `padding_required`), else
/// the last symbol's unused bits being set.
pub(crate) fn base64_error_message(
    text: &[u8],
    engine: &base64_simd::Base64,
    padding_required: bool,
) -> String {
    let charset = engine.charset();
    let invalid = |at: usize| format!("Invalid symbol {}, offset {at}.", text[at]);
    // A lone symbol after the last group of four is looked at first.
    if let [.., last] = text {
        if text.len() % 4 == 1 && *last != b'=' && !charset.contains(last) {
            return invalid(text.len() - 1);
        }
    }
    let body = text.len() - text.iter().rev().take_while(|b| **b == b'=').count();
    if let Some(at) = text[..body].iter().position(|b| !charset.contains(b)) {
        return invalid(at);
    }
    match (body % 4, text.len() - body) {
        (1, 0) => return format!("Invalid input length: {body}"),
        (0, 1..) | (1, _) | (2, 3..) | (3, 2..) => return invalid(body),
        (_, padding) if padding_required && !(body + padding).is_multiple_of(4) => {
            return "Invalid padding".to_owned();
        }
        _ => {}
    }
    match text[..body].last() {
        Some(last) => format!("Invalid last symbol {last}, offset {}.", body - 1),
        None => "Invalid input".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_accept_whole_and_fractional_seconds() {
        let t: DateTime = serde_json::from_str("1795459509.193").expect("fractional");
        assert_eq!(t.secs(), 1_795_459_509);
        assert_eq!(t.subsec_nanos(), 193_000_000);
        let p: DateTime = serde_json::from_str("1700000000.123").expect("fractional");
        assert_eq!(p.subsec_nanos(), 123_000_000);
        assert_eq!(p.to_string(), "2023-11-14T22:13:20.123Z");
        let w: DateTime = serde_json::from_str("1795459509").expect("whole");
        assert_eq!(w, DateTime::from_secs(1_795_459_509));
        assert_eq!(serde_json::to_string(&w).expect("ser"), "1795459509");
        let q: DateTime = serde_json::from_str("\"1795459509.5\"").expect("quoted");
        assert_eq!(q.subsec_nanos(), 500_000_000);
        assert!(serde_json::from_str::<DateTime>("\"soon\"").is_err());
        assert!(serde_json::from_str::<DateTime>("true").is_err());
        assert!(serde_json::from_str::<DateTime>("1e300").is_err());
    }

    #[test]
    fn timestamps_display_as_rfc3339() {
        assert_eq!(DateTime::from_secs(0).to_string(), "1970-01-01T00:00:00Z");
        assert_eq!(
            DateTime::from_secs(1_795_459_509).to_string(),
            "2026-11-23T18:45:09Z"
        );
        let t = DateTime::from_secs_f64(951_782_400.25).expect("valid");
        assert_eq!(t.to_string(), "2000-02-29T00:00:00.250Z");
        assert_eq!(DateTime::from_secs(-1).to_string(), "1969-12-31T23:59:59Z");
        let st = t.to_system_time();
        assert_eq!(DateTime::from(st), t);
    }

    /// A clock that holds only 0 to 10 s, as a stand-in for the platforms whose `SystemTime` range is
    /// narrower than `DateTime`'s (Windows: 1601 to 30828).
    #[derive(Clone, Copy, Debug, PartialEq)]
    struct Narrow(Duration);

    impl CheckedTime for Narrow {
        fn checked_add_duration(self, d: Duration) -> Option<Self> {
            self.0
                .checked_add(d)
                .filter(|t| *t <= Duration::from_secs(10))
                .map(Narrow)
        }
        fn checked_sub_duration(self, d: Duration) -> Option<Self> {
            self.0.checked_sub(d).map(Narrow)
        }
    }

    #[test]
    fn time_arithmetic_saturates_at_the_ends_of_a_narrow_range() {
        let at = |secs: u64, nanos: u32| Narrow(Duration::new(secs, nanos));
        assert_eq!(saturating_add(at(3, 0), Duration::from_secs(2)), at(5, 0));
        assert_eq!(saturating_add(at(3, 0), Duration::MAX), at(10, 0));
        assert_eq!(saturating_add(at(3, 5), Duration::from_secs(8)), at(10, 0));
        assert_eq!(saturating_sub(at(3, 0), Duration::from_secs(1)), at(2, 0));
        assert_eq!(saturating_sub(at(3, 7), Duration::MAX), at(0, 0));
        // DateTime → a clock whose Unix epoch is at 5 s.
        let epoch = at(5, 0);
        for (secs, nanos, expected) in [
            (2, 0, at(7, 0)),
            (-2, 500_000_000, at(3, 500_000_000)),
            (100, 0, at(10, 0)),
            (i64::MAX, 999_999_999, at(10, 0)),
            (-100, 0, at(0, 0)),
            (i64::MIN, 0, at(0, 0)),
        ] {
            let t = DateTime { secs, nanos };
            assert_eq!(t.to_time(epoch), expected, "{secs}.{nanos}");
        }
    }

    #[test]
    fn system_times_before_i64_min_seconds_saturate() {
        // Where the platform has `SystemTime`s that far back (Unix: i64 seconds), converting them
        // must not overflow.
        for (secs, nanos) in [(1u64 << 63, 0), ((1u64 << 63) - 1, 1), (u64::MAX, 0)] {
            if let Some(t) = UNIX_EPOCH.checked_sub(Duration::new(secs, nanos)) {
                let d = DateTime::from(t);
                assert_eq!(d.secs(), i64::MIN, "{secs}.{nanos}");
                let _ = (d.to_string(), d.to_system_time());
            }
        }
        let t = DateTime::from(UNIX_EPOCH - Duration::new(1, 250_000_000));
        assert_eq!((t.secs(), t.subsec_nanos()), (-2, 750_000_000));
        assert_eq!(
            t.checked_to_system_time(),
            Some(UNIX_EPOCH - Duration::new(1, 250_000_000))
        );
    }

    #[test]
    fn blobs_are_base64() {
        let b: Blob = serde_json::from_str("\"aGVsbG8=\"").expect("valid");
        assert_eq!(b.as_bytes(), b"hello");
        assert_eq!(serde_json::to_string(&b).expect("ser"), "\"aGVsbG8=\"");
        let err = serde_json::from_str::<Blob>("\"not base64!\"").expect_err("invalid");
        assert!(err.to_string().contains("base64"), "{err}");
        assert_eq!(format!("{b:?}"), "Blob(5 bytes)");
        // Padding is required, and the error says what is wrong as the `base64` crate did.
        for (text, why) in [
            ("not base64!", "Invalid symbol 32, offset 3."),
            ("aGVsbG8", "Invalid padding"),
            ("aGVsbG8==", "Invalid symbol 61, offset 7."),
            ("aGVsbG9=", "Invalid last symbol 57, offset 6."),
            ("aGVsb", "Invalid input length: 5"),
        ] {
            let err = serde_json::from_str::<Blob>(&format!("\"{text}\"")).expect_err(text);
            assert!(
                err.to_string()
                    .starts_with(&format!("invalid base64 blob: {why}")),
                "{text}: {err}"
            );
        }
    }

    #[cfg(any(feature = "srp", feature = "jwt"))]
    #[test]
    fn base64_padding_is_optional_but_not_free() {
        let decode = |text: &str| {
            decode_base64_padding_indifferent(&base64_simd::URL_SAFE_NO_PAD, text.as_bytes()).ok()
        };
        for text in ["aGk", "aGk=", "aA", "aA=", "aA==", "", "_-8"] {
            assert!(decode(text).is_some(), "{text:?}");
        }
        assert_eq!(decode("aA="), Some(b"h".to_vec()));
        for text in [
            "aGk==", "aA===", "aGVs=", "=", "a", "a=", "aA=a", "aB", "aGk+", "aGk ",
        ] {
            assert_eq!(decode(text), None, "{text:?}");
        }
    }
}
