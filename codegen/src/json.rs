//! A small JSON reader for the generator's input documents, so that the generator (and with it the
//! `cognito` build script) needs no dependencies.
//!
//! [`parse`] reads a whole document (RFC 8259) into a [`Value`] tree. Objects keep their members in
//! document order (the generator emits operations and members in that order), and numbers keep the exact
//! text of their literal, read on demand by [`Number::as_i64`], [`Number::as_u64`] and
//! [`Number::as_f64`]. The accessors mirror the part of `serde_json::Value`'s API that the generator
//! uses, so that code reads the same as it would with `serde_json`.
//!
//! The documents are trusted (they are part of the repository), but the reader is strict anyway and
//! never panics: anything that is not JSON is a [`ParseError`] naming the line and column and what was
//! expected there. In particular it refuses
//!
//! - an object with the same key twice (`serde_json` would silently keep the last one);
//! - nesting of arrays and objects deeper than [`MAX_DEPTH`] (so the recursion is bounded);
//! - anything but whitespace after the document, including a second document;
//! - a `\u` escape of a lone UTF-16 surrogate, which has no `char`;
//! - numbers outside the JSON grammar (`01`, `1.`, `.5`, `+1`, `-`, `NaN`, …) and unescaped control
//!   characters in strings.
//!
//! A byte-order mark is not whitespace, so a document that starts with one is refused as well.

use std::fmt;

/// The deepest nesting of arrays and objects [`parse`] accepts: `[[1]]` has depth 2.
pub const MAX_DEPTH: usize = 256;

/// A JSON value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as written in the document.
    Number(Number),
    /// A string, with its escapes resolved.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object, with its members in document order.
    Object(Map),
}

impl Value {
    /// The member `key` of an object; `None` if there is none or this is not an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object()?.get(key)
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number, if this is one.
    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// The number as an `i64`, if this is an integer literal in range (see [`Number::as_i64`]).
    pub fn as_i64(&self) -> Option<i64> {
        self.as_number()?.as_i64()
    }

    /// The number as a `u64`, if this is a non-negative integer literal in range (see
    /// [`Number::as_u64`]).
    pub fn as_u64(&self) -> Option<u64> {
        self.as_number()?.as_u64()
    }

    /// The number as the nearest `f64`, if this is a number of finite magnitude (see
    /// [`Number::as_f64`]).
    pub fn as_f64(&self) -> Option<f64> {
        self.as_number()?.as_f64()
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The elements, if this is an array.
    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The members, if this is an object.
    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }
}

/// A JSON number, kept as the literal text of the document (which follows the JSON grammar:
/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`).
///
/// Two numbers are equal when their literals are: `1`, `1.0` and `1e0` are three different numbers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Number {
    literal: String,
}

impl Number {
    /// The literal as written in the document (`-1.5e3`).
    pub fn as_str(&self) -> &str {
        &self.literal
    }

    /// Whether the literal is an integer: no fraction and no exponent. (`1.0` and `1e2` are not, as
    /// with `serde_json`.)
    pub fn is_integer(&self) -> bool {
        !self.literal.contains(['.', 'e', 'E'])
    }

    /// The exact value of an integer literal that fits an `i64`; `None` for other literals.
    ///
    /// Unlike `serde_json`, which reads `-0` as a float, this gives `Some(0)` for `-0`.
    pub fn as_i64(&self) -> Option<i64> {
        if !self.is_integer() {
            return None;
        }
        self.literal.parse().ok()
    }

    /// The exact value of an integer literal that fits a `u64`; `None` for other literals, negative
    /// ones included (but `-0` gives `Some(0)`).
    pub fn as_u64(&self) -> Option<u64> {
        if !self.is_integer() {
            return None;
        }
        match self.literal.strip_prefix('-') {
            Some("0") => Some(0),
            Some(_) => None,
            None => self.literal.parse().ok(),
        }
    }

    /// The `f64` nearest to the literal (correctly rounded); `None` when its magnitude is too large for
    /// an `f64` (`1e400`), which `serde_json` refuses to parse at all.
    pub fn as_f64(&self) -> Option<f64> {
        self.literal.parse::<f64>().ok().filter(|f| f.is_finite())
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.literal)
    }
}

/// The members of a JSON object, in document order, with distinct keys ([`parse`] refuses duplicates).
///
/// Lookup by key is a linear scan, which suits the small objects of the documents; iterating, the only
/// way the generator reads the large ones (`components.schemas`, `paths`), is in document order. Two maps
/// are equal when they have the same members in the same order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Map {
    entries: Vec<(String, Value)>,
}

impl Map {
    /// The value of the member `key`, if there is one.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Whether there is a member `key`.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The number of members.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the object has no members.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The members (key and value) in document order.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            inner: self.entries.iter(),
        }
    }

    /// The keys in document order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator + '_ {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The values in document order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator + '_ {
        self.entries.iter().map(|(_, v)| v)
    }
}

impl<'a> IntoIterator for &'a Map {
    type Item = (&'a String, &'a Value);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

/// The members of a [`Map`] in document order, as `(&key, &value)` (what `serde_json`'s map yields).
#[derive(Clone, Debug)]
pub struct Iter<'a> {
    inner: std::slice::Iter<'a, (String, Value)>,
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a String, &'a Value);

    fn next(&mut self) -> Option<Self::Item> {
        self.inner.next().map(|(k, v)| (k, v))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.inner.next_back().map(|(k, v)| (k, v))
    }
}

impl ExactSizeIterator for Iter<'_> {}

/// Why a text is not a JSON document, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    offset: usize,
    line: usize,
    column: usize,
    message: String,
}

impl ParseError {
    /// The 1-based line of the fault.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The 1-based column of the fault, in characters (not bytes) from the start of its line.
    pub fn column(&self) -> usize {
        self.column
    }

    /// The byte offset of the fault in the text.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// What is wrong, without the position: usually `expected …, found …`.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl std::error::Error for ParseError {}

/// Reads `text` as one JSON document, which whitespace may surround.
pub fn parse(text: &str) -> Result<Value, ParseError> {
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
    };
    parser.skip_whitespace();
    let value = parser.value(0)?;
    parser.skip_whitespace();
    if parser.pos < parser.bytes.len() {
        return Err(parser.expected("the end of the document"));
    }
    Ok(value)
}

/// A recursive-descent parser over the bytes of a `&str`. `pos` only ever stops on a character boundary:
/// it moves past ASCII bytes one at a time and past other characters only inside strings, where the scan
/// stops on ASCII delimiters.
struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    /// Reads the value at `pos`, whose enclosing arrays and objects number `depth`.
    fn value(&mut self, depth: usize) -> Result<Value, ParseError> {
        match self.peek() {
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => self.string().map(Value::String),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            _ => Err(self.expected("a JSON value")),
        }
    }

    /// Reads the object at `pos` (on its `{`), which is at nesting level `depth`.
    fn object(&mut self, depth: usize) -> Result<Value, ParseError> {
        self.check_depth(depth)?;
        self.pos += 1;
        let mut entries: Vec<(String, Value)> = Vec::new();
        let mut key_offsets: Vec<usize> = Vec::new();
        self.skip_whitespace();
        if self.eat(b'}') {
            return Ok(Value::Object(Map { entries }));
        }
        loop {
            if self.peek() != Some(b'"') {
                return Err(self.expected("a string (an object key)"));
            }
            key_offsets.push(self.pos);
            let key = self.string()?;
            self.skip_whitespace();
            if !self.eat(b':') {
                return Err(self.expected("`:` after an object key"));
            }
            self.skip_whitespace();
            let value = self.value(depth)?;
            entries.push((key, value));
            self.skip_whitespace();
            if self.eat(b',') {
                self.skip_whitespace();
            } else if self.eat(b'}') {
                break;
            } else {
                return Err(self.expected("`,` or `}` after an object member"));
            }
        }
        if let Some(i) = first_duplicate(&entries) {
            let offset = key_offsets.get(i).copied().unwrap_or(self.pos);
            let key = entries.get(i).map_or("", |(k, _)| k.as_str());
            return Err(self.error_at(
                offset,
                format!("duplicate key `{}` in an object", key.escape_debug()),
            ));
        }
        Ok(Value::Object(Map { entries }))
    }

    /// Reads the array at `pos` (on its `[`), which is at nesting level `depth`.
    fn array(&mut self, depth: usize) -> Result<Value, ParseError> {
        self.check_depth(depth)?;
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.eat(b']') {
            return Ok(Value::Array(items));
        }
        loop {
            items.push(self.value(depth)?);
            self.skip_whitespace();
            if self.eat(b',') {
                self.skip_whitespace();
            } else if self.eat(b']') {
                return Ok(Value::Array(items));
            } else {
                return Err(self.expected("`,` or `]` after an array element"));
            }
        }
    }

    fn check_depth(&self, depth: usize) -> Result<(), ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.error_at(
                self.pos,
                format!("arrays and objects nested more than {MAX_DEPTH} deep"),
            ));
        }
        Ok(())
    }

    /// Reads the string at `pos` (on its opening `"`).
    fn string(&mut self) -> Result<String, ParseError> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let start = self.pos;
            while let Some(&b) = self.bytes.get(self.pos) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(self.slice(start, self.pos)?);
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => self.escape(&mut out)?,
                Some(_) => {
                    return Err(self
                        .expected("a character of a string (control characters must be escaped)"))
                }
                None => return Err(self.expected("`\"` to end the string")),
            }
        }
    }

    /// Reads the escape at `pos` (on its `\`) and appends the character it stands for to `out`.
    fn escape(&mut self, out: &mut String) -> Result<(), ParseError> {
        let start = self.pos;
        self.pos += 1;
        let c = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos += 1;
                return self.unicode_escape(start, out);
            }
            _ => return Err(self.expected("one of `\"\\/bfnrtu` after `\\` in a string")),
        };
        self.pos += 1;
        out.push(c);
        Ok(())
    }

    /// Reads the four hex digits of the `\u` escape that starts at `start` (`pos` is after its `u`), and
    /// those of a second escape when the first is a high surrogate, and appends the character to `out`.
    fn unicode_escape(&mut self, start: usize, out: &mut String) -> Result<(), ParseError> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                let low_start = self.pos;
                if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
                    return Err(self.error_at(
                        start,
                        format!(
                            "lone surrogate `\\u{first:04X}` in a string: expected a `\\u` escape of a \
                             low surrogate (DC00 to DFFF) right after it"
                        ),
                    ));
                }
                self.pos += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(self.error_at(
                        low_start,
                        format!(
                            "expected a low surrogate (DC00 to DFFF) after `\\u{first:04X}`, found \
                             `\\u{second:04X}`"
                        ),
                    ));
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => {
                return Err(self.error_at(
                    start,
                    format!("lone surrogate `\\u{first:04X}` in a string (a low surrogate first)"),
                ))
            }
            _ => first,
        };
        let c = char::from_u32(code).ok_or_else(|| {
            self.error_at(start, format!("`\\u` escape of no character (U+{code:X})"))
        })?;
        out.push(c);
        Ok(())
    }

    /// Reads four hex digits at `pos`.
    fn hex4(&mut self) -> Result<u32, ParseError> {
        let mut code = 0;
        for _ in 0..4 {
            let digit = self.peek().and_then(|b| char::from(b).to_digit(16));
            match digit {
                Some(d) => {
                    code = code * 16 + d;
                    self.pos += 1;
                }
                None => return Err(self.expected("a hex digit (four after `\\u`)")),
            }
        }
        Ok(code)
    }

    /// Reads the number at `pos` (on its `-` or first digit), checking the JSON grammar.
    fn number(&mut self) -> Result<Value, ParseError> {
        let start = self.pos;
        self.eat(b'-');
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if matches!(self.peek(), Some(b'0'..=b'9')) {
                    return Err(self.error_at(
                        start,
                        "a number with a leading zero (`0` must be followed by `.`, `e`, or the end \
                         of the number)"
                            .to_owned(),
                    ));
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.expected("a digit")),
        }
        if self.eat(b'.') && !self.digits() {
            return Err(self.expected("a digit after the decimal point"));
        }
        if self.eat(b'e') || self.eat(b'E') {
            if !self.eat(b'+') {
                self.eat(b'-');
            }
            if !self.digits() {
                return Err(self.expected("a digit in the exponent"));
            }
        }
        Ok(Value::Number(Number {
            literal: self.slice(start, self.pos)?.to_owned(),
        }))
    }

    /// Skips ASCII digits; whether there was at least one.
    fn digits(&mut self) -> bool {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos > start
    }

    /// Reads the literal `word` (`true`, `false` or `null`) at `pos`.
    fn literal(&mut self, word: &str, value: Value) -> Result<Value, ParseError> {
        let end = self.pos.saturating_add(word.len());
        if self.bytes.get(self.pos..end) == Some(word.as_bytes()) {
            self.pos = end;
            Ok(value)
        } else {
            Err(self.expected(&format!("`{word}`")))
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Moves past `byte` if it is next; whether it was.
    fn eat(&mut self, byte: u8) -> bool {
        let next = self.peek() == Some(byte);
        if next {
            self.pos += 1;
        }
        next
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// The text between two offsets (which are always character boundaries; an error otherwise rather
    /// than a panic).
    fn slice(&self, start: usize, end: usize) -> Result<&str, ParseError> {
        self.text.get(start..end).ok_or_else(|| {
            self.error_at(start, "internal error: not a character boundary".to_owned())
        })
    }

    /// `expected {what}, found {what is at pos}`.
    fn expected(&self, what: &str) -> ParseError {
        let found = match self
            .text
            .get(self.pos..)
            .and_then(|rest| rest.chars().next())
        {
            // Quotes and backslashes as they are; control and invisible characters escaped (`\u{1}`).
            Some(c @ ('"' | '\'' | '\\')) => format!("`{c}`"),
            Some(c) => format!("`{}`", c.escape_debug()),
            None => "the end of the text".to_owned(),
        };
        self.error_at(self.pos, format!("expected {what}, found {found}"))
    }

    fn error_at(&self, offset: usize, message: String) -> ParseError {
        let before = self.bytes.get(..offset).unwrap_or(self.bytes);
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        // Characters, not bytes: count the bytes that start a UTF-8 sequence.
        let column = 1 + before
            .get(line_start..)
            .unwrap_or_default()
            .iter()
            .filter(|&&b| b & 0xC0 != 0x80)
            .count();
        ParseError {
            offset,
            line,
            column,
            message,
        }
    }
}

/// The index of the first member whose key an earlier member already has.
fn first_duplicate(entries: &[(String, Value)]) -> Option<usize> {
    if entries.len() <= 16 {
        return entries
            .iter()
            .enumerate()
            .position(|(j, (key, _))| entries.iter().take(j).any(|(k, _)| k == key));
    }
    // Sorting (key, index) pairs puts the members with the same key next to each other, earliest first;
    // the second of each such pair is a repeat, and the smallest of those is the first repeat.
    let mut keyed: Vec<(&str, usize)> = entries
        .iter()
        .enumerate()
        .map(|(i, (k, _))| (k.as_str(), i))
        .collect();
    keyed.sort_unstable();
    keyed
        .windows(2)
        .filter_map(|pair| match pair {
            [(a, _), (b, i)] if a == b => Some(*i),
            _ => None,
        })
        .min()
}

#[cfg(test)]
mod tests;
