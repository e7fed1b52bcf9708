//! Tests of the JSON reader: the grammar's corners, the errors, and agreement with `serde_json` on the
//! real documents under `spec/`.

use super::*;

fn ok(text: &str) -> Value {
    match parse(text) {
        Ok(v) => v,
        Err(e) => panic!("{text:?} should parse: {e}"),
    }
}

fn err(text: &str) -> ParseError {
    match parse(text) {
        Ok(v) => panic!("{text:?} should not parse, got {v:?}"),
        Err(e) => e,
    }
}

fn string(text: &str) -> String {
    match ok(text) {
        Value::String(s) => s,
        other => panic!("{text:?} is not a string: {other:?}"),
    }
}

fn number(text: &str) -> Number {
    match ok(text) {
        Value::Number(n) => n,
        other => panic!("{text:?} is not a number: {other:?}"),
    }
}

#[test]
fn literals_and_whitespace() {
    assert_eq!(ok("true"), Value::Bool(true));
    assert_eq!(ok("false"), Value::Bool(false));
    assert!(ok("null").is_null());
    assert_eq!(ok(" \t\r\n null \n\r\t "), Value::Null);
    assert_eq!(ok("\n[ 1 ,\t2 ]\r\n").as_array().map(Vec::len), Some(2));
    assert_eq!(ok("{ }"), Value::Object(Map::default()));
    assert_eq!(ok("[ ]"), Value::Array(Vec::new()));
    for bad in [
        "",
        " ",
        "\n",
        "tru",
        "nul",
        "fals",
        "True",
        "NULL",
        "nil",
        "undefined",
        "\u{feff}{}",
        "\u{a0}1",
        "'a'",
    ] {
        err(bad);
    }
}

#[test]
fn string_escapes() {
    assert_eq!(
        string(r#""\"\\\/\b\f\n\r\t""#),
        "\"\\/\u{8}\u{c}\n\r\t".to_owned()
    );
    assert_eq!(string(r#""\u0041\u00e9\u00E9\u4e2d\u0000""#), "Aéé中\0");
    assert_eq!(string(r#""plain""#), "plain");
    assert_eq!(string(r#""""#), "");
    assert_eq!(string("\"héllo wörld 😀\""), "héllo wörld 😀");
    assert_eq!(string(r#""a\nb""#), "a\nb");
    assert_eq!(string("\"\u{7f}\""), "\u{7f}");
    for bad in [
        r#""\x""#,
        r#""\'""#,
        r#""\U0041""#,
        r#""\u""#,
        r#""\u12""#,
        r#""\u12G4""#,
        r#""\u 123""#,
        "\"\\é\"",
        "\"a\nb\"",
        "\"a\tb\"",
        "\"\u{0}\"",
        "\"\u{1f}\"",
        "\"abc",
        "\"abc\\",
        "\"abc\\\"",
    ] {
        err(bad);
    }
}

#[test]
fn surrogate_pairs() {
    assert_eq!(string(r#""\ud83d\ude00""#), "😀");
    assert_eq!(string(r#""\uD83D\uDE00""#), "😀");
    assert_eq!(string(r#""\uD800\uDC00""#), "\u{10000}");
    assert_eq!(string(r#""\uDBFF\uDFFF""#), "\u{10FFFF}");
    assert_eq!(string(r#""x\ud834\udd1ey""#), "x𝄞y");
    // Characters just outside the surrogate range are ordinary.
    assert_eq!(string(r#""\ud7ff\ue000""#), "\u{d7ff}\u{e000}");
}

#[test]
fn lone_surrogates_are_refused() {
    for bad in [
        r#""\ud83d""#,
        r#""\ude00""#,
        r#""\uDC00\uD800""#,
        r#""\ud83dx""#,
        r#""\ud83d\n""#,
        r#""\ud83d\u0041""#,
        r#""\ud83d\ud83d""#,
        r#""\ud83d\""#,
        r#""\ud83d\u""#,
        r#""\ud83d\ude0""#,
    ] {
        let e = err(bad);
        assert_eq!(e.line(), 1, "{bad}: {e}");
    }
    let e = err(r#"["ok", "\ud83d"]"#);
    assert!(e.message().contains("surrogate"), "{e}");
    assert_eq!(e.column(), 9, "{e}");
    let e = err(r#""\ude00""#);
    assert!(e.message().contains("surrogate"), "{e}");
}

#[test]
fn numbers() {
    for (text, i, u) in [
        ("0", Some(0), Some(0)),
        ("-0", Some(0), Some(0)),
        ("7", Some(7), Some(7)),
        ("-7", Some(-7), None),
        ("1234567890", Some(1_234_567_890), Some(1_234_567_890)),
        ("9223372036854775807", Some(i64::MAX), Some(i64::MAX as u64)),
        ("-9223372036854775808", Some(i64::MIN), None),
        ("9223372036854775808", None, Some(1 << 63)),
        ("18446744073709551615", None, Some(u64::MAX)),
        ("18446744073709551616", None, None),
        ("-9223372036854775809", None, None),
        ("1.0", None, None),
        ("1e2", None, None),
        ("-1.5", None, None),
    ] {
        let n = number(text);
        assert_eq!(n.as_str(), text);
        assert_eq!(n.to_string(), text);
        assert_eq!(n.as_i64(), i, "{text}");
        assert_eq!(n.as_u64(), u, "{text}");
        assert_eq!(ok(text).as_i64(), i, "{text}");
        assert_eq!(ok(text).as_u64(), u, "{text}");
    }
    for (text, f) in [
        ("0", 0.0),
        ("-0.0", -0.0),
        ("1.5", 1.5),
        ("-1.5e10", -1.5e10),
        ("1E+2", 100.0),
        ("1e-2", 0.01),
        ("2.5E-3", 0.0025),
        ("0.1", 0.1),
        ("18446744073709551616", 18_446_744_073_709_551_616.0),
        ("1e-400", 0.0),
    ] {
        let n = number(text);
        assert_eq!(n.as_str(), text, "the literal is kept");
        assert_eq!(n.as_f64(), Some(f), "{text}");
    }
    assert_eq!(number("1e400").as_f64(), None);
    assert!(number("12").is_integer());
    assert!(!number("12.0").is_integer());
    assert!(!number("12E0").is_integer());
    assert_eq!(ok("[1,2.5]"), ok("[1, 2.5]"));
    assert_ne!(number("1"), number("1.0"));
}

#[test]
fn numbers_outside_the_grammar_are_refused() {
    for bad in [
        "01",
        "-01",
        "00",
        "0123",
        "1.",
        "-1.",
        "1.e5",
        ".5",
        "-.5",
        "+1",
        "-",
        "--1",
        "-a",
        "1e",
        "1E",
        "1e+",
        "1e-",
        "1e+-1",
        "1.5.2",
        "0x10",
        "1_000",
        "Infinity",
        "-Infinity",
        "NaN",
        "1 2",
        "[01]",
        "[1.]",
        "{\"a\":-}",
    ] {
        err(bad);
    }
    let e = err("[1, 02]");
    assert!(e.message().contains("leading zero"), "{e}");
    assert_eq!((e.line(), e.column()), (1, 5));
    let e = err("-");
    assert_eq!(e.message(), "expected a digit, found the end of the text");
    let e = err("1.");
    assert_eq!(
        e.message(),
        "expected a digit after the decimal point, found the end of the text"
    );
}

#[test]
fn nesting_is_limited() {
    let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    assert!(parse(&nested(MAX_DEPTH)).is_ok());
    let e = err(&nested(MAX_DEPTH + 1));
    assert!(e.message().contains("nested"), "{e}");
    assert_eq!(e.column(), MAX_DEPTH + 1);
    // Objects count too, and so do mixtures.
    let objects = |depth: usize| format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth));
    assert!(parse(&objects(MAX_DEPTH)).is_ok());
    err(&objects(MAX_DEPTH + 1));
    let mixed = format!(
        "{}{}",
        "[{\"a\":".repeat(MAX_DEPTH / 2 + 1),
        "null}]".repeat(MAX_DEPTH / 2 + 1)
    );
    err(&mixed);
    // Far deeper input is refused without exhausting the stack.
    err(&"[".repeat(1_000_000));
    err(&"{\"a\":".repeat(100_000));
}

#[test]
fn duplicate_keys_are_refused() {
    let e = err("{\"a\": 1, \"b\": 2,\n \"a\": 3}");
    assert_eq!((e.line(), e.column()), (2, 2), "{e}");
    assert!(e.message().contains("duplicate key `a`"), "{e}");
    err(r#"{"a": {"x": 1, "x": 1}}"#);
    err(r#"[{"": 1, "": 2}]"#);
    // Keys are compared after unescaping.
    err(r#"{"a": 1, "\u0061": 2}"#);
    // The same key in different objects is fine.
    ok(r#"{"a": {"a": {"a": 1}}, "b": [{"a": 1}, {"a": 2}]}"#);
    // Large objects take another path: the first repeat in document order is reported.
    let keys: Vec<String> = (0..100).map(|i| format!("\"k{i}\": {i}")).collect();
    let large = format!("{{{}}}", keys.join(", "));
    assert_eq!(ok(&large).as_object().map(Map::len), Some(100));
    let with_repeats = format!("{{{}, \"k70\": 0, \"k5\": 0}}", keys.join(", "));
    let e = err(&with_repeats);
    assert!(e.message().contains("`k70`"), "{e}");
    assert_eq!(
        Some(e.offset()),
        with_repeats.rfind("\"k70\""),
        "the second `k70`"
    );
}

#[test]
fn trailing_text_is_refused() {
    for bad in [
        "{} x",
        "{}{}",
        "1 2",
        "[]]",
        "nullx",
        "truefalse",
        "\"a\" \"b\"",
        "{},",
        "0 0",
        "[] //",
        "1\u{0}",
    ] {
        let e = err(bad);
        assert!(
            e.message().starts_with("expected the end of the document"),
            "{bad}: {e}"
        );
    }
}

#[test]
fn structure_errors_say_what_was_expected() {
    for (bad, expected, column) in [
        ("[1,]", "expected a JSON value, found `]`", 4),
        (
            "[1 2]",
            "expected `,` or `]` after an array element, found `2`",
            4,
        ),
        (
            "{\"a\":1,}",
            "expected a string (an object key), found `}`",
            8,
        ),
        ("{\"a\"}", "expected `:` after an object key, found `}`", 5),
        ("{a:1}", "expected a string (an object key), found `a`", 2),
        ("{,}", "expected a string (an object key), found `,`", 2),
        (
            "{\"a\":1 \"b\":2}",
            "expected `,` or `}` after an object member, found `\"`",
            8,
        ),
        ("{\"a\":}", "expected a JSON value, found `}`", 6),
        ("[", "expected a JSON value, found the end of the text", 2),
        (
            "\"é\u{1}\"",
            "expected a character of a string (control characters must be escaped), found `\\u{1}`",
            3,
        ),
    ] {
        let e = err(bad);
        assert_eq!(e.message(), expected, "{bad}");
        assert_eq!((e.line(), e.column()), (1, column), "{bad}");
        assert_eq!(
            e.to_string(),
            format!("line 1, column {column}: {expected}")
        );
    }
    // Lines count `\n`; columns count characters, not bytes.
    let e = err("{\n  \"ä\": tru\n}");
    assert_eq!((e.line(), e.column()), (2, 8), "{e}");
    assert_eq!(e.offset(), 10);
    assert_eq!(
        e.to_string(),
        "line 2, column 8: expected `true`, found `t`"
    );
}

/// A document with every kind of value, escapes, non-ASCII text and nesting.
const SAMPLE: &str = r#"{
  "name": "Sample \"doc\" \u00e9\ud83d\ude00 ünïcödé",
  "numbers": [0, -0, 12, -3.25, 6.02e23, 1E-9, 18446744073709551616],
  "flags": {"yes": true, "no": false, "none": null},
  "nested": [[[]], {}, [{"a": [1, {"b": "\\\/\b\f\n\r\t"}]}]],
  "empty": ""
}"#;

#[test]
fn every_truncation_is_an_error() {
    assert!(parse(SAMPLE).is_ok());
    for end in 0..SAMPLE.len() {
        if let Some(prefix) = SAMPLE.get(..end) {
            assert!(parse(prefix).is_err(), "prefix of {end} bytes parsed");
        }
    }
}

#[test]
fn damaged_documents_never_panic() {
    // Every character of the sample replaced, in turn, by each of a few troublesome ones; and every
    // character deleted. Results vary; the point is that each is an `Ok` or an `Err`.
    let replacements = [
        "\"", "\\", "{", "}", "[", "]", ",", ":", "0", "-", "e", ".", "u", "d8", " ", "\n",
        "\u{0}", "é",
    ];
    let positions: Vec<usize> = SAMPLE.char_indices().map(|(i, _)| i).collect();
    for &i in &positions {
        let rest = SAMPLE
            .get(i..)
            .and_then(|r| r.chars().next())
            .map_or(0, char::len_utf8);
        let (head, tail) = (&SAMPLE[..i], &SAMPLE[i + rest..]);
        let _ = parse(&format!("{head}{tail}"));
        for r in replacements {
            let _ = parse(&format!("{head}{r}{tail}"));
        }
    }
}

#[test]
fn objects_keep_document_order() {
    let v = ok(r#"{"z": 1, "a": {"y": 1, "b": 2, "x": 3}, "m": [], "b": null}"#);
    let map = v.as_object().expect("object");
    assert_eq!(map.keys().collect::<Vec<_>>(), ["z", "a", "m", "b"]);
    assert_eq!(map.len(), 4);
    assert!(!map.is_empty());
    assert!(map.contains_key("m"));
    assert!(!map.contains_key("q"));
    let inner = v.get("a").and_then(Value::as_object).expect("inner object");
    let pairs: Vec<(&str, i64)> = inner
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_i64().expect("int")))
        .collect();
    assert_eq!(pairs, [("y", 1), ("b", 2), ("x", 3)]);
    let values: Vec<i64> = inner.values().rev().filter_map(Value::as_i64).collect();
    assert_eq!(values, [3, 2, 1]);
    let mut by_loop = Vec::new();
    for (k, _) in inner {
        by_loop.push(k.clone());
    }
    assert_eq!(by_loop, ["y", "b", "x"]);
    assert_eq!(inner.iter().len(), 3);
    assert_eq!(inner.iter().next_back().map(|(k, _)| k.as_str()), Some("x"));
}

#[test]
fn accessors() {
    let v =
        ok(r#"{"s": "text", "n": 42, "f": 1.5, "b": true, "a": [1], "o": {"k": "v"}, "z": null}"#);
    assert_eq!(v.get("s").and_then(Value::as_str), Some("text"));
    assert_eq!(v.get("n").and_then(Value::as_i64), Some(42));
    assert_eq!(v.get("n").and_then(Value::as_u64), Some(42));
    assert_eq!(v.get("n").and_then(Value::as_f64), Some(42.0));
    assert_eq!(v.get("f").and_then(Value::as_f64), Some(1.5));
    assert_eq!(v.get("f").and_then(Value::as_i64), None);
    assert_eq!(v.get("b").and_then(Value::as_bool), Some(true));
    assert_eq!(v.get("a").and_then(Value::as_array).map(Vec::len), Some(1));
    assert_eq!(
        v.get("o").and_then(|o| o.get("k")).and_then(Value::as_str),
        Some("v")
    );
    assert!(v.get("z").is_some_and(Value::is_null));
    assert!(v.get("missing").is_none());
    // Each accessor is `None` for the other kinds of value.
    let s = v.get("s").expect("s");
    assert!(s.as_i64().is_none() && s.as_bool().is_none() && s.as_array().is_none());
    assert!(s.as_object().is_none() && s.as_number().is_none() && s.get("x").is_none());
    assert_eq!(v.get("n").and_then(Value::as_str), None);
    assert!(matches!(v.get("s"), Some(Value::String(t)) if t == "text"));
}

/// Whether our tree and `serde_json`'s agree, naming the first difference.
fn same(ours: &Value, theirs: &serde_json::Value, path: &str) -> Result<(), String> {
    use serde_json::Value as J;
    match (ours, theirs) {
        (Value::Null, J::Null) => Ok(()),
        (Value::Bool(a), J::Bool(b)) if a == b => Ok(()),
        (Value::String(a), J::String(b)) if a == b => Ok(()),
        (Value::Number(a), J::Number(b)) => {
            let agree = match (b.as_i64(), b.as_u64()) {
                (Some(i), _) => a.as_i64() == Some(i),
                (None, Some(u)) => a.as_u64() == Some(u) && a.as_i64().is_none(),
                // `serde_json` reads `-0` as a float; `Number::as_i64` gives 0 (documented).
                (None, None) => {
                    (a.as_i64().is_none() || a.as_str() == "-0") && a.as_f64() == b.as_f64()
                }
            };
            if agree {
                Ok(())
            } else {
                Err(format!("{path}: number {a} vs {b}"))
            }
        }
        (Value::Array(a), J::Array(b)) => {
            if a.len() != b.len() {
                return Err(format!("{path}: {} elements vs {}", a.len(), b.len()));
            }
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                same(x, y, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        (Value::Object(a), J::Object(b)) => {
            let (ka, kb): (Vec<&String>, Vec<&String>) = (a.keys().collect(), b.keys().collect());
            if ka != kb {
                return Err(format!("{path}: keys {ka:?} vs {kb:?}"));
            }
            for ((k, x), (_, y)) in a.iter().zip(b) {
                same(x, y, &format!("{path}.{k}"))?;
            }
            Ok(())
        }
        _ => Err(format!("{path}: {ours:?} vs {theirs}")),
    }
}

#[test]
fn sample_agrees_with_serde_json() {
    let theirs: serde_json::Value =
        serde_json::from_str(SAMPLE).expect("serde_json parses the sample");
    same(&ok(SAMPLE), &theirs, "$").expect("same tree");
}

#[test]
fn spec_documents_agree_with_serde_json() {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("readable directory") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.sort();
    // The three OpenAPI documents and botocore's three services and three paginator files.
    assert!(files.len() >= 9, "{files:?}");
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable document");
        let theirs: serde_json::Value = serde_json::from_str(&text).expect("serde_json parses it");
        let ours = parse(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        if let Err(difference) = same(&ours, &theirs, "$") {
            panic!("{}: {difference}", file.display());
        }
    }
}
