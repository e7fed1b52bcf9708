//! HTML → CommonMark conversion of botocore documentation strings.
//!
//! The models use a small, loosely written subset of HTML (`p`, `code`, `a`, `b`, `i`, lists, definition
//! lists, `note`/`important`, `fullname`, plain text without any tag). The converter parses it into a
//! tolerant tree (unclosed `p`/`li`/`dt`/`dd` are closed implicitly, stray closing tags are ignored,
//! unknown tags are dropped and their content kept), turns the tree into blocks and renders them:
//!
//! - no raw HTML is left; prose characters that rustdoc would misread (`\`, `` ` ``, `*`, `_`, `[`, `]`,
//!   `<`, `~`, entity-like `&`, and block markers at the start of a line) are backslash-escaped;
//! - bare `http(s)://` URLs become `<…>` autolinks (rustdoc warns about bare URLs);
//! - code blocks are always fenced ```` ```text ````, never indented, so rustdoc never runs them as doctests;
//! - whitespace is folded, and no line ends in whitespace.

/// Converts one documentation string (HTML or plain text) to CommonMark.
pub fn html_to_markdown(html: &str) -> String {
    let nodes = parse(html);
    let blocks = blocks_of(&nodes);
    let mut lines = render_blocks(&blocks, false);
    for line in &mut lines {
        let trimmed = line.trim_end().len();
        line.truncate(trimmed);
    }
    let mut out: Vec<&str> = Vec::new();
    for line in &lines {
        if line.is_empty() && out.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        out.push(line);
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out.join("\n")
}

// ---------------------------------------------------------------------------------------------------------
// Parsing

#[derive(Debug, Clone, PartialEq)]
enum Node {
    /// Text with entities decoded.
    Text(String),
    Element(Element),
}

#[derive(Debug, Clone, PartialEq, Default)]
struct Element {
    /// Lower-case tag name.
    name: String,
    /// Attributes, values with entities decoded.
    attrs: Vec<(String, String)>,
    children: Vec<Node>,
}

impl Element {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A tag as written in the source.
#[derive(Debug)]
struct Tag {
    name: String,
    closing: bool,
    self_closing: bool,
    attrs: Vec<(String, String)>,
}

/// Elements that never have content.
const VOID: &[&str] = &["br", "hr", "img", "wbr"];

/// Elements that end an open `<p>` (as in HTML).
const BLOCK: &[&str] = &[
    "p",
    "div",
    "ul",
    "ol",
    "dl",
    "pre",
    "note",
    "important",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "blockquote",
    "fullname",
    "hr",
];

fn parse(html: &str) -> Vec<Node> {
    let mut stack = vec![Element::default()];
    let mut text = String::new();
    let mut rest = html;
    while let Some(ch) = rest.chars().next() {
        if ch == '<' {
            if let Some(after) = rest.strip_prefix("<!--") {
                flush_text(&mut stack, &mut text);
                rest = after.find("-->").map_or("", |end| &after[end + 3..]);
                continue;
            }
            if let Some((tag, len)) = parse_tag(rest) {
                flush_text(&mut stack, &mut text);
                apply_tag(&mut stack, tag);
                rest = &rest[len..];
                continue;
            }
        }
        text.push(ch);
        rest = &rest[ch.len_utf8()..];
    }
    flush_text(&mut stack, &mut text);
    while stack.len() > 1 {
        pop(&mut stack);
    }
    stack.pop().map(|root| root.children).unwrap_or_default()
}

fn flush_text(stack: &mut [Element], text: &mut String) {
    if !text.is_empty() {
        if let Some(top) = stack.last_mut() {
            top.children.push(Node::Text(decode_entities(text)));
        }
        text.clear();
    }
}

/// Closes the innermost open element.
fn pop(stack: &mut Vec<Element>) {
    if stack.len() > 1 {
        if let Some(e) = stack.pop() {
            if let Some(parent) = stack.last_mut() {
                parent.children.push(Node::Element(e));
            }
        }
    }
}

/// Closes elements up to and including the innermost one named `name`, if there is one below any of
/// the `barriers`.
fn close(stack: &mut Vec<Element>, name: &str, barriers: &[&str]) {
    for i in (1..stack.len()).rev() {
        let n = stack[i].name.as_str();
        if n == name {
            while stack.len() > i {
                pop(stack);
            }
            return;
        }
        if barriers.contains(&n) {
            return;
        }
    }
}

fn apply_tag(stack: &mut Vec<Element>, tag: Tag) {
    let name = tag.name;
    if tag.closing {
        close(stack, &name, &[]);
        return;
    }
    if name.starts_with('!') || name.starts_with('?') {
        return; // <!DOCTYPE …>, <?xml …?>
    }
    if BLOCK.contains(&name.as_str()) && stack.last().is_some_and(|e| e.name == "p") {
        pop(stack);
    }
    match name.as_str() {
        "li" => close(stack, "li", &["ul", "ol"]),
        "dt" | "dd" => {
            close(stack, "dt", &["dl", "dd"]);
            close(stack, "dd", &["dl", "dt"]);
        }
        "tr" => close(stack, "tr", &["table"]),
        "td" | "th" => {
            close(stack, "td", &["tr", "table"]);
            close(stack, "th", &["tr", "table"]);
        }
        _ => {}
    }
    let element = Element {
        name,
        attrs: tag.attrs,
        children: Vec::new(),
    };
    if tag.self_closing || VOID.contains(&element.name.as_str()) {
        if let Some(top) = stack.last_mut() {
            top.children.push(Node::Element(element));
        }
    } else {
        stack.push(element);
    }
}

/// Parses a tag at the start of `s` (which starts with `<`); `None` if it is not a tag (a literal `<`).
fn parse_tag(s: &str) -> Option<(Tag, usize)> {
    let bytes = s.as_bytes();
    let mut i = 1;
    let closing = bytes.get(i) == Some(&b'/');
    if closing {
        i += 1;
    }
    let name_start = i;
    match bytes.get(i) {
        Some(b) if b.is_ascii_alphabetic() => {}
        Some(b'!' | b'?') if !closing => {
            let end = s.find('>')?;
            let tag = Tag {
                name: "!".into(),
                closing,
                self_closing: true,
                attrs: Vec::new(),
            };
            return Some((tag, end + 1));
        }
        _ => return None,
    }
    while bytes
        .get(i)
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b':')
    {
        i += 1;
    }
    let name = s[name_start..i].to_ascii_lowercase();
    let mut attrs = Vec::new();
    let mut self_closing = false;
    loop {
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        match bytes.get(i)? {
            b'>' => {
                i += 1;
                break;
            }
            b'/' => {
                self_closing = true;
                i += 1;
            }
            b'<' => return None,
            _ => {
                let start = i;
                while bytes
                    .get(i)
                    .is_some_and(|b| !b.is_ascii_whitespace() && !b"=>/<".contains(b))
                {
                    i += 1;
                }
                if i == start {
                    return None;
                }
                let attr = s[start..i].to_ascii_lowercase();
                while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
                    i += 1;
                }
                let mut value = String::new();
                if bytes.get(i) == Some(&b'=') {
                    i += 1;
                    while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
                        i += 1;
                    }
                    match bytes.get(i)? {
                        q @ (b'"' | b'\'') => {
                            let end = s[i + 1..].find(*q as char)? + i + 1;
                            value = decode_entities(&s[i + 1..end]);
                            i = end + 1;
                        }
                        _ => {
                            let start = i;
                            while bytes
                                .get(i)
                                .is_some_and(|b| !b.is_ascii_whitespace() && *b != b'>')
                            {
                                i += 1;
                            }
                            value = decode_entities(&s[start..i]);
                        }
                    }
                }
                attrs.push((attr, value));
            }
        }
    }
    Some((
        Tag {
            name,
            closing,
            self_closing,
            attrs,
        },
        i,
    ))
}

/// Decodes character references. `&nbsp;` becomes a plain space (it is folded like any other); unknown
/// references are kept literally. Control characters are dropped.
fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        push_text(&mut out, &rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest.get(1..).and_then(|r| {
            let semi = r.find(';').filter(|&n| n > 0 && n <= 10)?;
            Some((entity(&r[..semi])?, semi + 2))
        });
        match decoded {
            Some((ch, len)) => {
                push_text(&mut out, ch.encode_utf8(&mut [0; 4]));
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    push_text(&mut out, rest);
    out
}

fn push_text(out: &mut String, s: &str) {
    out.extend(
        s.chars()
            .filter(|c| !c.is_control() || c.is_ascii_whitespace()),
    );
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code).filter(|c| *c != '\0').map(|c| {
            if c == '\u{a0}' {
                ' '
            } else {
                c
            }
        });
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "ndash" => '–',
        "mdash" => '—',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "hellip" => '…',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "times" => '×',
        "rarr" => '→',
        "larr" => '←',
        _ => return None,
    })
}

/// The text of an element and its descendants, `<br>` as a newline.
fn text_content(nodes: &[Node], out: &mut String) {
    for node in nodes {
        match node {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) if e.name == "br" => out.push('\n'),
            Node::Element(e) => text_content(&e.children, out),
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Blocks

#[derive(Debug, Clone, PartialEq)]
enum Block {
    /// Inline markdown; hard breaks are `\` + newline.
    Para(String),
    Heading(usize, String),
    /// Code, verbatim.
    Code(String),
    List {
        ordered: bool,
        items: Vec<Vec<Block>>,
    },
    /// A block quote, with a bold label (`Note`, `Important`) or none.
    Quote(&'static str, Vec<Block>),
}

/// A hard line break inside inline markdown before whitespace folding.
const BREAK: char = '\u{0}';

/// Inline elements: rendered into the current paragraph.
const INLINE: &[&str] = &[
    "a", "b", "strong", "i", "em", "code", "tt", "kbd", "samp", "var", "span", "br", "u", "sup",
    "sub", "cite", "abbr", "small", "big", "q", "img", "wbr", "s", "strike", "del", "ins", "mark",
    "font",
];

fn blocks_of(nodes: &[Node]) -> Vec<Block> {
    let mut b = BlockBuilder::default();
    b.nodes(nodes);
    b.flush();
    b.out
}

#[derive(Default)]
struct BlockBuilder {
    out: Vec<Block>,
    inline: String,
}

impl BlockBuilder {
    fn nodes(&mut self, nodes: &[Node]) {
        for node in nodes {
            self.node(node);
        }
    }

    fn node(&mut self, node: &Node) {
        let e = match node {
            Node::Text(t) => {
                self.inline.push_str(&escape_text(t, false));
                return;
            }
            Node::Element(e) => e,
        };
        let name = e.name.as_str();
        if name == "code" || name == "pre" {
            let mut code = String::new();
            text_content(&e.children, &mut code);
            if name == "pre" || code.contains('\n') {
                self.flush();
                self.out.extend(code_block(&code));
                return;
            }
        }
        if INLINE.contains(&name) {
            inline_node(node, &mut self.inline, false);
            return;
        }
        self.flush();
        match name {
            "ul" | "ol" => self.out.extend(list(e)),
            "dl" => self.out.extend(definition_list(e)),
            "note" => self.out.push(Block::Quote("Note", blocks_of(&e.children))),
            "important" => self
                .out
                .push(Block::Quote("Important", blocks_of(&e.children))),
            "blockquote" => self.out.push(Block::Quote("", blocks_of(&e.children))),
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                let level = usize::from(name.as_bytes()[1] - b'0');
                let text = inline_markdown(&e.children).replace("\\\n", " ");
                if !text.is_empty() {
                    self.out.push(Block::Heading(level, text));
                }
            }
            "fullname" => {
                let text = inline_markdown(&e.children);
                if !text.is_empty() {
                    self.out.push(Block::Para(strong(&text)));
                }
            }
            "table" => self.out.extend(table(e)),
            // p, div, li/dt/dd outside their lists, and unknown elements: a transparent container.
            _ => self.nodes(&e.children),
        }
        self.flush();
    }

    fn flush(&mut self) {
        let text = finish_inline(&std::mem::take(&mut self.inline));
        if !text.is_empty() {
            self.out.push(Block::Para(text));
        }
    }
}

/// `**text**`, unless `text` already holds strong emphasis.
fn strong(text: &str) -> String {
    if text.contains("**") {
        text.to_owned()
    } else {
        format!("**{text}**")
    }
}

fn code_block(code: &str) -> Option<Block> {
    let code = code
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\t', "    ");
    let lines: Vec<&str> = code.lines().map(str::trim_end).collect();
    let first = lines.iter().position(|l| !l.is_empty())?;
    let last = lines.iter().rposition(|l| !l.is_empty())?;
    let lines = &lines[first..=last];
    let indent = lines
        .iter()
        .filter(|l| !l.is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()?;
    let lines: Vec<&str> = lines
        .iter()
        .map(|l| l.get(indent..).unwrap_or(""))
        .collect();
    Some(Block::Code(lines.join("\n")))
}

fn list(e: &Element) -> Option<Block> {
    let mut items: Vec<Vec<Block>> = Vec::new();
    for child in &e.children {
        match child {
            Node::Text(t) if t.trim().is_empty() => {}
            Node::Element(c) if c.name == "li" => items.push(blocks_of(&c.children)),
            Node::Element(c) if (c.name == "ul" || c.name == "ol") && !items.is_empty() => {
                if let (Some(last), Some(nested)) = (items.last_mut(), list(c)) {
                    last.push(nested);
                }
            }
            other => items.push(blocks_of(std::slice::from_ref(other))),
        }
    }
    items.retain(|item| !item.is_empty());
    (!items.is_empty()).then(|| Block::List {
        ordered: e.name == "ol",
        items,
    })
}

/// `<dl>` becomes a bullet list: `- **term**: first paragraph of the definition`, further blocks of the
/// definition indented below.
fn definition_list(e: &Element) -> Option<Block> {
    let mut items: Vec<Vec<Block>> = Vec::new();
    let mut term_pending = false;
    for child in &e.children {
        match child {
            Node::Text(t) if t.trim().is_empty() => {}
            Node::Element(c) if c.name == "dt" => {
                let term = inline_markdown(&c.children);
                if !term.is_empty() {
                    items.push(vec![Block::Para(strong(&term))]);
                    term_pending = true;
                }
            }
            Node::Element(c) if c.name == "dd" => {
                let mut blocks = blocks_of(&c.children).into_iter();
                let item = match items.last_mut() {
                    Some(item) => item,
                    None => {
                        items.push(Vec::new());
                        term_pending = false;
                        let Some(item) = items.last_mut() else {
                            continue;
                        };
                        item
                    }
                };
                if term_pending {
                    if let (Some(Block::Para(term)), Some(Block::Para(first))) =
                        (item.last_mut(), blocks.as_slice().first())
                    {
                        let sep = if term.ends_with(":**") || term.ends_with(':') {
                            " "
                        } else {
                            ": "
                        };
                        *term = format!("{term}{sep}{first}");
                        blocks.next();
                    }
                }
                item.extend(blocks);
                term_pending = false;
            }
            other => {
                let blocks = blocks_of(std::slice::from_ref(other));
                match items.last_mut() {
                    Some(item) => item.extend(blocks),
                    None => items.push(blocks),
                }
                term_pending = false;
            }
        }
    }
    items.retain(|item| !item.is_empty());
    (!items.is_empty()).then_some(Block::List {
        ordered: false,
        items,
    })
}

/// A table becomes a bullet list with one item per row, cells separated by ` | `.
fn table(e: &Element) -> Option<Block> {
    fn rows<'a>(nodes: &'a [Node], out: &mut Vec<&'a Element>) {
        for node in nodes {
            if let Node::Element(e) = node {
                if e.name == "tr" {
                    out.push(e);
                } else {
                    rows(&e.children, out);
                }
            }
        }
    }
    let mut trs = Vec::new();
    rows(&e.children, &mut trs);
    let mut items = Vec::new();
    for tr in trs {
        let cells: Vec<String> = tr
            .children
            .iter()
            .filter_map(|c| match c {
                Node::Element(c) if c.name == "td" || c.name == "th" => {
                    Some(inline_markdown(&c.children))
                }
                _ => None,
            })
            .filter(|c| !c.is_empty())
            .collect();
        if !cells.is_empty() {
            items.push(vec![Block::Para(cells.join(" | ").replace("\\\n", " "))]);
        }
    }
    (!items.is_empty()).then_some(Block::List {
        ordered: false,
        items,
    })
}

// ---------------------------------------------------------------------------------------------------------
// Inline

/// Renders nodes as one folded, trimmed line of inline markdown.
fn inline_markdown(nodes: &[Node]) -> String {
    let mut s = String::new();
    for node in nodes {
        inline_node(node, &mut s, false);
    }
    finish_inline(&s)
}

fn inline_node(node: &Node, out: &mut String, in_link: bool) {
    let e = match node {
        Node::Text(t) => {
            out.push_str(&escape_text(t, in_link));
            return;
        }
        Node::Element(e) => e,
    };
    let children = |out: &mut String| {
        for c in &e.children {
            inline_node(c, out, in_link);
        }
    };
    match e.name.as_str() {
        "code" | "tt" | "kbd" | "samp" | "pre" => {
            let mut code = String::new();
            text_content(&e.children, &mut code);
            out.push_str(&code_span(&code));
        }
        "b" | "strong" => {
            let mut inner = String::new();
            children(&mut inner);
            wrap(out, "**", &inner);
        }
        "i" | "em" | "cite" => {
            let mut inner = String::new();
            children(&mut inner);
            wrap(out, "*", &inner);
        }
        "a" => {
            let mut inner = String::new();
            for c in &e.children {
                inline_node(c, &mut inner, true);
            }
            match e
                .attr("href")
                .map(str::trim)
                .filter(|h| !in_link && is_absolute_url(h))
            {
                Some(href) => link(out, &inner, href),
                None => out.push_str(&inner),
            }
        }
        "br" => out.push(BREAK),
        name if INLINE.contains(&name) => children(out),
        // A block element inside inline content: keep its words apart from the neighbours'.
        _ => {
            out.push(' ');
            children(out);
            out.push(' ');
        }
    }
}

fn is_ws(c: char) -> bool {
    c.is_whitespace() && c != BREAK
}

/// Splits off leading and trailing whitespace: `(had leading, core, had trailing)`.
fn split_ws(s: &str) -> (bool, &str, bool) {
    let core = s.trim_matches(is_ws);
    (s.starts_with(is_ws), core, s.ends_with(is_ws))
}

/// Wraps `inner` in an emphasis marker, moving surrounding whitespace outside (`** x**` is not emphasis).
fn wrap(out: &mut String, marker: &str, inner: &str) {
    let (lead, core, trail) = split_ws(inner);
    if lead {
        out.push(' ');
    }
    if !core.is_empty() {
        out.push_str(marker);
        out.push_str(core);
        out.push_str(marker);
    }
    if trail {
        out.push(' ');
    }
}

fn link(out: &mut String, inner: &str, href: &str) {
    let mut url = String::new();
    for c in href.chars() {
        match c {
            ' ' => url.push_str("%20"),
            '(' => url.push_str("%28"),
            ')' => url.push_str("%29"),
            '<' => url.push_str("%3C"),
            '>' => url.push_str("%3E"),
            c if c.is_whitespace() || c.is_control() => {}
            c => url.push(c),
        }
    }
    let (lead, core, trail) = split_ws(inner);
    if lead {
        out.push(' ');
    }
    if core.trim_matches(BREAK).is_empty() {
        out.push('<');
        out.push_str(&url);
        out.push('>');
    } else {
        out.push('[');
        out.push_str(core);
        out.push_str("](");
        out.push_str(&url);
        out.push(')');
    }
    if trail {
        out.push(' ');
    }
}

fn is_absolute_url(href: &str) -> bool {
    ["http://", "https://", "mailto:"]
        .iter()
        .any(|p| href.len() > p.len() && href.starts_with(p))
}

/// A code span; whitespace is folded, and surrounding whitespace is kept outside the span.
fn code_span(code: &str) -> String {
    let (lead, core, trail) = split_ws(code);
    let core = fold_whitespace(core);
    let mut out = String::new();
    if lead {
        out.push(' ');
    }
    if !core.is_empty() {
        let mut longest = 0;
        let mut run = 0;
        for c in core.chars() {
            run = if c == '`' { run + 1 } else { 0 };
            longest = longest.max(run);
        }
        let fence = "`".repeat(longest + 1);
        let pad = if core.starts_with('`') || core.ends_with('`') {
            " "
        } else {
            ""
        };
        out.push_str(&format!("{fence}{pad}{core}{pad}{fence}"));
    }
    if trail {
        out.push(' ');
    }
    out
}

fn fold_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_ws = false;
    for c in s.chars() {
        if c.is_whitespace() {
            in_ws = true;
        } else {
            if in_ws && !out.is_empty() {
                out.push(' ');
            }
            in_ws = false;
            out.push(c);
        }
    }
    out
}

/// Escapes prose text for CommonMark and turns bare URLs into autolinks (except inside link text).
fn escape_text(text: &str, in_link: bool) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let prev = i.checked_sub(1).map(|p| chars[p]);
        if !in_link && (c == 'h' || c == 'H') && !prev.is_some_and(|p| p.is_alphanumeric()) {
            if let Some(len) = url_len(&chars[i..]) {
                out.push('<');
                out.extend(&chars[i..i + len]);
                out.push('>');
                i += len;
                continue;
            }
        }
        match c {
            '\\' | '`' | '*' | '[' | ']' | '<' | '~' => out.push('\\'),
            '_' => {
                let next = chars.get(i + 1);
                if !(prev.is_some_and(|p| p.is_alphanumeric())
                    && next.is_some_and(|n| n.is_alphanumeric()))
                {
                    out.push('\\');
                }
            }
            '&' if entity_like(&chars[i + 1..]) => out.push('\\'),
            _ => {}
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Whether `chars` (just after a `&`) look like the rest of a character reference, `#?[A-Za-z0-9]+;`.
fn entity_like(chars: &[char]) -> bool {
    let body = chars.strip_prefix(&['#']).unwrap_or(chars);
    let n = body
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    n > 0 && body.get(n) == Some(&';')
}

/// The length of an `http://` or `https://` URL at the start of `chars`, trailing punctuation excluded.
fn url_len(chars: &[char]) -> Option<usize> {
    let head: String = chars
        .iter()
        .take(8)
        .collect::<String>()
        .to_ascii_lowercase();
    let scheme = if head.starts_with("https://") {
        8
    } else if head.starts_with("http://") {
        7
    } else {
        return None;
    };
    let mut len = chars
        .iter()
        .take_while(|c| !c.is_whitespace() && !"<>\"`".contains(**c) && **c != BREAK)
        .count();
    loop {
        let url = &chars[..len];
        match url.last() {
            Some('.' | ',' | ';' | ':' | '!' | '?' | '\'') => len -= 1,
            Some(')')
                if url.iter().filter(|c| **c == '(').count()
                    < url.iter().filter(|c| **c == ')').count() =>
            {
                len -= 1
            }
            _ => break,
        }
    }
    (len > scheme).then_some(len)
}

/// Folds whitespace of rendered inline markdown, trims it and turns hard breaks into `\` + newline.
fn finish_inline(s: &str) -> String {
    let folded = fold_inline(s);
    let lines: Vec<String> = folded
        .split(BREAK)
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(escape_line_start)
        .collect();
    lines.join("\\\n")
}

fn fold_inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_ws = false;
    for c in s.chars() {
        if is_ws(c) {
            in_ws = true;
        } else {
            if in_ws {
                out.push(' ');
            }
            in_ws = false;
            out.push(c);
        }
    }
    out
}

/// Escapes what would start a heading, quote, list, thematic break or setext underline at a line start.
fn escape_line_start(line: &str) -> String {
    let mut chars = line.chars();
    let first = chars.next();
    let second = chars.next();
    let only = |c: char| line.chars().all(|x| x == c || x == ' ');
    match first {
        Some('#' | '>') => format!("\\{line}"),
        Some('-' | '+') if second.is_none_or(|s| s == ' ') || first.is_some_and(only) => {
            format!("\\{line}")
        }
        Some('=') if only('=') => format!("\\{line}"),
        Some(c) if c.is_ascii_digit() => {
            let digits = line.chars().take_while(char::is_ascii_digit).count();
            let after = line[digits..].chars().next();
            let then = line[digits..].chars().nth(1);
            if digits <= 9 && matches!(after, Some('.' | ')')) && then.is_none_or(|t| t == ' ') {
                format!("{}\\{}", &line[..digits], &line[digits..])
            } else {
                line.to_owned()
            }
        }
        _ => line.to_owned(),
    }
}

// ---------------------------------------------------------------------------------------------------------
// Rendering

/// Renders blocks as lines; blocks are separated by a blank line, except that a list right after a
/// paragraph inside a list item stays attached to it.
fn render_blocks(blocks: &[Block], in_item: bool) -> Vec<String> {
    let mut lines = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        if i > 0 {
            let tight = in_item
                && matches!(block, Block::List { .. })
                && matches!(blocks[i - 1], Block::Para(_));
            if !tight {
                lines.push(String::new());
            }
        }
        render_block(block, &mut lines);
    }
    lines
}

fn render_block(block: &Block, lines: &mut Vec<String>) {
    match block {
        Block::Para(text) => lines.extend(text.split('\n').map(str::to_owned)),
        Block::Heading(level, text) => lines.push(format!("{} {text}", "#".repeat(*level))),
        Block::Code(code) => {
            let mut longest = 0;
            for line in code.lines() {
                let run = line.trim_start().chars().take_while(|c| *c == '`').count();
                longest = longest.max(run);
            }
            let fence = "`".repeat(longest.max(2) + 1);
            lines.push(format!("{fence}text"));
            lines.extend(code.split('\n').map(str::to_owned));
            lines.push(fence);
        }
        Block::List { ordered, items } => {
            let rendered: Vec<Vec<String>> =
                items.iter().map(|item| render_blocks(item, true)).collect();
            let loose = rendered
                .iter()
                .any(|lines| lines.iter().any(String::is_empty));
            for (n, item) in rendered.into_iter().enumerate() {
                if n > 0 && loose {
                    lines.push(String::new());
                }
                let marker = if *ordered {
                    format!("{}. ", n + 1)
                } else {
                    "- ".to_owned()
                };
                let indent = " ".repeat(marker.len());
                let mut item = item.into_iter();
                match item.next() {
                    Some(first) => lines.push(format!("{marker}{first}")),
                    None => lines.push(marker.trim_end().to_owned()),
                }
                for line in item {
                    lines.push(if line.is_empty() {
                        line
                    } else {
                        format!("{indent}{line}")
                    });
                }
            }
        }
        Block::Quote(label, blocks) => {
            let mut inner = render_blocks(blocks, false);
            if !label.is_empty() {
                let label = format!("**{label}:**");
                match (blocks.first(), inner.first_mut()) {
                    (Some(Block::Para(_)), Some(first)) => *first = format!("{label} {first}"),
                    (_, None) => inner.push(label),
                    _ => {
                        inner.insert(0, String::new());
                        inner.insert(0, label);
                    }
                }
            }
            lines.extend(inner.into_iter().map(|l| {
                if l.is_empty() {
                    ">".to_owned()
                } else {
                    format!("> {l}")
                }
            }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::html_to_markdown as md;

    #[test]
    fn paragraphs_and_whitespace() {
        assert_eq!(
            md("<p>One\n   two.</p> <p>  Three </p>"),
            "One two.\n\nThree"
        );
        assert_eq!(md(""), "");
        assert_eq!(md("<p> </p>"), "");
    }

    #[test]
    fn plain_text_and_text_around_paragraphs() {
        assert_eq!(md("Plain text, no tags."), "Plain text, no tags.");
        assert_eq!(
            md("Valid values are: <p>ENABLED - on.</p> <p>DISABLED - off.</p>"),
            "Valid values are:\n\nENABLED - on.\n\nDISABLED - off."
        );
    }

    #[test]
    fn inline_formatting() {
        assert_eq!(
            md("<p>Use <code>AdminGetUser</code> with <b>care</b>, <i>see</i> <strong>x</strong> <em>y</em>.</p>"),
            "Use `AdminGetUser` with **care**, *see* **x** *y*."
        );
        // Whitespace inside the tags moves outside the markers.
        assert_eq!(
            md("<p>a<b> bold </b>b <code> c </code>d</p>"),
            "a **bold** b `c` d"
        );
        assert_eq!(md("<p>empty <b> </b><code></code>tags</p>"), "empty tags");
        // Tags inside code are dropped, backticks in code get a longer fence.
        assert_eq!(
            md("<p><code>status (<b>Enabled</b>)</code></p>"),
            "`status (Enabled)`"
        );
        assert_eq!(
            md("<p><code>a`b</code> <code>`x</code></p>"),
            "``a`b`` `` `x ``"
        );
        assert_eq!(md("<p>x <code>\\</code> y</p>"), "x `\\` y");
    }

    #[test]
    fn links() {
        assert_eq!(
            md(
                r#"<p>See <a href="https://docs.aws.amazon.com/x.html#a">the <i>guide</i></a>.</p>"#
            ),
            "See [the *guide*](https://docs.aws.amazon.com/x.html#a)."
        );
        assert_eq!(
            md(r#"<p><a href="API_Foo.html">Foo</a> is relative.</p>"#),
            "Foo is relative."
        );
        assert_eq!(
            md(r#"<p><a href="https://e.com/a b(c)"> x </a></p>"#),
            "[x](https://e.com/a%20b%28c%29)"
        );
        assert_eq!(
            md(r#"<p>Go to <a href="https://e.com"></a></p>"#),
            "Go to <https://e.com>"
        );
        assert_eq!(
            md("<p>Bare http://localhost, and (https://e.com/x).</p>"),
            "Bare <http://localhost>, and (<https://e.com/x>)."
        );
        assert_eq!(
            md(r#"<p><a href="https://e.com">https://e.com</a></p>"#),
            "[https://e.com](https://e.com)"
        );
        assert_eq!(
            md(r#"<p><a href="https://e.com?a=1&amp;b=2">q</a></p>"#),
            "[q](https://e.com?a=1&b=2)"
        );
    }

    #[test]
    fn entities_and_escapes() {
        assert_eq!(
            md("<p>&lt;client-id&gt;--&lt;time&gt; &amp; &quot;q&quot; &#39;s&#39; a&nbsp;b &#x41; &bogus;</p>"),
            "\\<client-id>--\\<time> & \"q\" 's' a b A \\&bogus;"
        );
        assert_eq!(md("<p>&amp;lt; stays literal</p>"), "\\&lt; stays literal");
        assert_eq!(
            md("<p>Allowed: [a-z], '_' (underscore), a*b, snake_case, `tick`, ~x, back\\slash</p>"),
            "Allowed: \\[a-z\\], '\\_' (underscore), a\\*b, snake_case, \\`tick\\`, \\~x, back\\\\slash"
        );
        assert_eq!(
            md("<p>Bad: <code>a &lt; b</code> and a < b</p>"),
            "Bad: `a < b` and a \\< b"
        );
    }

    #[test]
    fn line_start_escapes() {
        assert_eq!(md("<p># not a heading</p>"), "\\# not a heading");
        assert_eq!(
            md("<p>- not a list</p><p>1. nor this</p><p>2) nor</p>"),
            "\\- not a list\n\n1\\. nor this\n\n2\\) nor"
        );
        assert_eq!(
            md("<p>-1 is fine, 3.5 too</p><p>> quote</p>"),
            "-1 is fine, 3.5 too\n\n\\> quote"
        );
        assert_eq!(
            md("<p>line<br/>- two<br>===</p>"),
            "line\\\n\\- two\\\n\\==="
        );
    }

    #[test]
    fn lists() {
        assert_eq!(
            md("<p>Options:</p> <ul> <li> <p>One</p> </li> <li>Two <code>2</code></li> </ul> <p>After.</p>"),
            "Options:\n\n- One\n- Two `2`\n\nAfter."
        );
        assert_eq!(
            md("<ol><li>first</li><li>second</li></ol>"),
            "1. first\n2. second"
        );
        // An unclosed li is closed by the next one.
        assert_eq!(md("<ul><li>a<li>b</ul>"), "- a\n- b");
    }

    #[test]
    fn nested_lists() {
        assert_eq!(
            md("<ul><li><p>a</p><ul><li><p>a1</p><ul><li>a1x</li></ul></li><li>a2</li></ul></li><li>b</li></ul>"),
            "- a\n  - a1\n    - a1x\n  - a2\n- b"
        );
        // A list directly inside a list belongs to the previous item.
        assert_eq!(
            md("<ul><li>a</li><ul><li>a1</li></ul><li>b</li></ul>"),
            "- a\n  - a1\n- b"
        );
        // Items with several paragraphs make the list loose; continuation lines are indented.
        assert_eq!(
            md("<ol><li><p>one</p><p>more</p></li><li><p>two</p></li></ol>"),
            "1. one\n\n   more\n\n2. two"
        );
    }

    #[test]
    fn notes() {
        assert_eq!(
            md("<note><p>Careful.</p><p>Really.</p></note>"),
            "> **Note:** Careful.\n>\n> Really."
        );
        assert_eq!(
            md("<important><p>Read this.</p></important>"),
            "> **Important:** Read this."
        );
        assert_eq!(
            md("<p>Before</p><note>Inline text</note><p>After</p>"),
            "Before\n\n> **Note:** Inline text\n\nAfter"
        );
        assert_eq!(
            md(
                r#"<note><p class="title"> <b>Learn more</b> </p> <ul> <li> <p> <a href="https://e.com">E</a> </p> </li> </ul> </note>"#
            ),
            "> **Note:** **Learn more**\n>\n> - [E](https://e.com)"
        );
        assert_eq!(
            md("<note><ul><li>x</li></ul></note>"),
            "> **Note:**\n>\n> - x"
        );
    }

    #[test]
    fn definition_lists() {
        assert_eq!(
            md("<dl> <dt>Name</dt> <dd> <p>The name.</p> <p>More.</p> </dd> <dt>Kind</dt> <dd><p>The kind.</p></dd> </dl>"),
            "- **Name**: The name.\n\n  More.\n\n- **Kind**: The kind."
        );
        assert_eq!(
            md("<dl><dt>Only</dt><dd><ul><li>x</li></ul></dd></dl>"),
            "- **Only**\n  - x"
        );
    }

    #[test]
    fn pre_blocks() {
        assert_eq!(
            md("<p>Example:</p><pre><code>  {\n    \"a\": 1 &amp; 2\n  }\n</code></pre><p>Done.</p>"),
            "Example:\n\n```text\n{\n  \"a\": 1 & 2\n}\n```\n\nDone."
        );
        assert_eq!(
            md("<ul><li>x<pre>a\n\n b</pre></li></ul>"),
            "- x\n\n  ```text\n  a\n\n   b\n  ```"
        );
        assert_eq!(
            md("<p><code>multi\nline</code></p>"),
            "```text\nmulti\nline\n```"
        );
        assert_eq!(md("<pre>```\nx\n```</pre>"), "````text\n```\nx\n```\n````");
        // Never an indented code block, never trailing whitespace.
        let out = md("<p>    indented   </p><pre>    x   \n</pre>");
        assert_eq!(out, "indented\n\n```text\nx\n```");
    }

    #[test]
    fn other_tags() {
        assert_eq!(
            md("<fullname>Amazon Cognito Sync</fullname> <p>Text.</p>"),
            "**Amazon Cognito Sync**\n\nText."
        );
        assert_eq!(
            md("<h2>Title</h2><div><p>Body</p></div><unknown>kept</unknown>"),
            "## Title\n\nBody\n\nkept"
        );
        assert_eq!(
            md("<table><tr><th>Key</th><th>Value</th></tr><tr><td>a</td><td><code>1</code></td></tr></table>"),
            "- Key | Value\n- a | `1`"
        );
        assert_eq!(md("<p>a<!-- comment -->b</p></p></div>"), "ab");
    }
}
