//! A small code writer that lays Rust out the way `rustfmt` (default settings) would, for the few
//! constructs the emitters use: items, attributes, doc comments, function signatures and calls.
//!
//! The emitters build code through these methods only, so formatting rules live in one place and the
//! `rustfmt --check` test of the generated code checks them all.

/// `rustfmt`'s `max_width`.
pub const MAX_WIDTH: usize = 100;
/// `rustfmt`'s `fn_call_width`: the widest argument list kept on one line.
const FN_CALL_WIDTH: usize = 60;
/// `rustfmt`'s `chain_width`: the widest method chain kept on one line.
const CHAIN_WIDTH: usize = 60;
/// `rustfmt`'s `attr_fn_like_width`.
const ATTR_FN_LIKE_WIDTH: usize = 70;

/// Accumulates indented lines of Rust.
#[derive(Debug, Default)]
pub struct Writer {
    out: String,
    indent: usize,
}

impl Writer {
    /// An empty writer at indentation level zero.
    pub fn new() -> Writer {
        Writer::default()
    }

    /// The code written so far.
    pub fn finish(self) -> String {
        self.out
    }

    fn pad(&self) -> String {
        " ".repeat(self.indent * 4)
    }

    /// The current indentation in columns.
    pub fn column(&self) -> usize {
        self.indent * 4
    }

    /// Writes one line at the current indentation (an empty `text` writes an empty line).
    pub fn line(&mut self, text: &str) {
        if text.is_empty() {
            self.out.push('\n');
        } else {
            self.out.push_str(&self.pad());
            self.out.push_str(text);
            self.out.push('\n');
        }
    }

    /// Writes an empty line unless the previous line is empty or opens a block.
    pub fn blank(&mut self) {
        if self.out.is_empty() || self.out.ends_with("\n\n") || self.out.ends_with("{\n") {
            return;
        }
        self.out.push('\n');
    }

    /// Writes `head {` and indents.
    pub fn open(&mut self, head: &str) {
        self.line(&format!("{head} {{"));
        self.indent += 1;
    }

    /// Dedents and writes `}` followed by `tail` (`,`, `;` or nothing).
    pub fn close(&mut self, tail: &str) {
        self.indent = self.indent.saturating_sub(1);
        self.line(&format!("}}{tail}"));
    }

    /// Writes Markdown as `///` doc comment lines. Leading indentation that rustdoc would read as a code
    /// block (and run as a doctest) is cut, fences get the `text` language, trailing blanks go.
    pub fn doc(&mut self, markdown: &str) {
        for line in doc_lines(markdown) {
            if line.is_empty() {
                self.line("///");
            } else {
                self.line(&format!("/// {line}"));
            }
        }
    }

    /// Writes `#[name(args)]`, broken over lines as rustfmt breaks long attribute argument lists.
    pub fn attr(&mut self, name: &str, args: &[String]) {
        let joined = args.join(", ");
        let one = format!("#[{name}({joined})]");
        if joined.len() <= ATTR_FN_LIKE_WIDTH && self.column() + one.len() <= MAX_WIDTH {
            self.line(&one);
        } else {
            self.line(&format!("#[{name}("));
            self.indent += 1;
            let last = args.len().saturating_sub(1);
            for (i, a) in args.iter().enumerate() {
                self.line(&if i == last {
                    a.clone()
                } else {
                    format!("{a},")
                });
            }
            self.indent -= 1;
            self.line(")]");
        }
    }

    /// Opens a function: `{head}({params}) -> {ret} {`, with the parameters one per line when the
    /// signature does not fit, as rustfmt does.
    pub fn open_fn(&mut self, head: &str, params: &[String], ret: Option<&str>) {
        let ret = ret.map(|r| format!(" -> {r}")).unwrap_or_default();
        let one = format!("{head}({}){ret} {{", params.join(", "));
        if self.column() + one.len() <= MAX_WIDTH {
            self.line(&one);
        } else {
            self.line(&format!("{head}("));
            self.indent += 1;
            for p in params {
                self.line(&format!("{p},"));
            }
            self.indent -= 1;
            self.line(&format!("){ret} {{"));
        }
        self.indent += 1;
    }

    /// Opens a function with a `where` clause: the clause goes on its own lines and the brace after it.
    pub fn open_fn_where(&mut self, head: &str, params: &[String], ret: &str, bounds: &[String]) {
        let one = format!("{head}({}) -> {ret}", params.join(", "));
        if self.column() + one.len() <= MAX_WIDTH {
            self.line(&one);
        } else {
            self.line(&format!("{head}("));
            self.indent += 1;
            for p in params {
                self.line(&format!("{p},"));
            }
            self.indent -= 1;
            self.line(&format!(") -> {ret}"));
        }
        self.line("where");
        self.indent += 1;
        for b in bounds {
            self.line(&format!("{b},"));
        }
        self.indent -= 1;
        self.line("{");
        self.indent += 1;
    }

    /// Writes a call statement or expression `{callee}({args}){tail}`, vertical when too wide.
    pub fn call(&mut self, callee: &str, args: &[String], tail: &str) {
        let joined = args.join(", ");
        let one = format!("{callee}({joined}){tail}");
        if joined.len() <= FN_CALL_WIDTH && self.column() + one.len() <= MAX_WIDTH {
            self.line(&one);
        } else {
            self.line(&format!("{callee}("));
            self.indent += 1;
            for a in args {
                self.line(&format!("{a},"));
            }
            self.indent -= 1;
            self.line(&format!("){tail}"));
        }
    }

    /// Writes the expression `{base}{calls…}` (each call `.name()`), one call per line when the chain is
    /// too wide, as rustfmt breaks it.
    pub fn chain(&mut self, base: &str, calls: &[&str]) {
        let one = format!("{base}{}", calls.concat());
        if calls.is_empty() || (one.len() <= CHAIN_WIDTH && self.column() + one.len() <= MAX_WIDTH)
        {
            self.line(&one);
        } else {
            self.line(base);
            self.indent += 1;
            for c in calls {
                self.line(c);
            }
            self.indent -= 1;
        }
    }

    /// Writes raw lines of a brace-delimited macro body (rustfmt leaves those alone), re-indented.
    pub fn raw(&mut self, text: &str) {
        for l in text.lines() {
            self.line(l);
        }
    }
}

/// The lines of a doc comment for `markdown`, made safe for rustdoc.
pub fn doc_lines(markdown: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut in_fence = false;
    for raw in markdown.lines() {
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            if in_fence {
                out.push("```".to_owned());
            } else {
                let lang = trimmed.trim_start_matches('`').trim();
                let lang = if lang.is_empty() || lang == "rust" {
                    "text"
                } else {
                    lang
                };
                // Anything but a known non-Rust language would become a doctest.
                let lang = if matches!(lang, "json" | "text" | "xml" | "sh" | "bash" | "shell") {
                    lang
                } else {
                    "text"
                };
                out.push(format!("```{lang}"));
            }
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(line.to_owned());
            continue;
        }
        let indent = line.len() - trimmed.len();
        let prev_blank = out.last().is_none_or(|l| l.is_empty());
        if indent >= 4 && prev_blank {
            out.push(trimmed.to_owned());
        } else {
            out.push(line.to_owned());
        }
    }
    if in_fence {
        out.push("```".to_owned());
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    while out.first().is_some_and(|l| l.is_empty()) {
        out.remove(0);
    }
    // Collapse runs of blank lines.
    out.dedup_by(|a, b| a.is_empty() && b.is_empty());
    out
}

/// A Rust string literal for `s`.
pub fn lit(s: &str) -> String {
    format!("{s:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_and_lines_indent() {
        let mut w = Writer::new();
        w.open("pub struct A");
        w.line("pub a: u8,");
        w.close("");
        assert_eq!(w.finish(), "pub struct A {\n    pub a: u8,\n}\n");
    }

    #[test]
    fn long_attributes_break_like_rustfmt() {
        let mut w = Writer::new();
        w.attr("serde", &["rename = \"A\"".to_owned()]);
        let long = format!("rename = {}", lit(&"X".repeat(70)));
        w.attr("serde", &[long.clone(), "default".to_owned()]);
        assert_eq!(
            w.finish(),
            format!("#[serde(rename = \"A\")]\n#[serde(\n    {long},\n    default\n)]\n")
        );
    }

    #[test]
    fn long_signatures_go_vertical() {
        let mut w = Writer::new();
        w.open_fn("pub fn a", &["&self".to_owned()], Some("u8"));
        w.close("");
        let mut w2 = Writer::new();
        let name = format!("pub fn {}", "b".repeat(90));
        w2.open_fn(&name, &["&self".to_owned()], Some("u8"));
        w2.close("");
        assert_eq!(w.finish(), "pub fn a(&self) -> u8 {\n}\n");
        assert_eq!(
            w2.finish(),
            format!("{name}(\n    &self,\n) -> u8 {{\n}}\n")
        );
    }

    #[test]
    fn long_chains_break_like_rustfmt() {
        let mut w = Writer::new();
        w.chain("self.a", &[".as_deref()", ".unwrap_or_default()"]);
        let field = format!("self.{}", "b".repeat(30));
        w.chain(&field, &[".as_deref()", ".unwrap_or_default()"]);
        assert_eq!(
            w.finish(),
            format!("self.a.as_deref().unwrap_or_default()\n{field}\n    .as_deref()\n    .unwrap_or_default()\n")
        );
    }

    #[test]
    fn doc_lines_are_made_safe() {
        let md =
            "Para one  \n\n    indented code\n\n```\nlet x = 1;\n```\n\n\n- item\n    continued";
        assert_eq!(
            doc_lines(md),
            vec![
                "Para one",
                "",
                "indented code",
                "",
                "```text",
                "let x = 1;",
                "```",
                "",
                "- item",
                "    continued"
            ]
        );
        assert_eq!(
            doc_lines("```\nopen fence"),
            vec!["```text", "open fence", "```"]
        );
    }
}
