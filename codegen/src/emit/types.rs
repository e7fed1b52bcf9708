//! The `types` module: every structure and enum that operations reach, plus the struct emitter that the
//! other parts use for inputs, outputs and exceptions.

use crate::emit::resolve::Context;
use crate::model::{Member, Shape, ShapeKind, Structure};
use crate::names;
use crate::writer::{lit, Writer};
use crate::Error;

/// How one structure is emitted.
pub struct StructSpec<'a> {
    /// The Rust type name.
    pub name: &'a str,
    /// Its documentation (Markdown).
    pub doc: &'a str,
    /// Its members.
    pub members: &'a [Member],
    /// Implement `Serialize` (skipping `None` members) through `json_struct!`.
    pub ser: bool,
    /// Implement `Deserialize` through `json_struct!` (needs `default`).
    pub de: bool,
    /// Redact every member in `Debug`.
    pub sensitive: bool,
    /// Add the `meta: ErrorMetadata` field of exceptions.
    pub exception: bool,
    /// Derive `Default`.
    pub default: bool,
}

/// Writes the `types` module.
pub fn emit(w: &mut Writer, ctx: &Context) -> Result<(), Error> {
    let doc = format!(
        "Structures and enums of the {} model that operations share.",
        ctx.svc.title
    );
    super::module(w, &doc, "types", |w, uses| {
        for shape in ctx.named_types() {
            w.blank();
            match &shape.kind {
                ShapeKind::Structure(s) => {
                    let model = shape.name.as_str();
                    let doc = doc_or(&shape.doc, &format!("The `{model}` structure."));
                    emit_struct(
                        w,
                        ctx,
                        uses,
                        &StructSpec {
                            name: &Context::type_name(model),
                            doc: &doc,
                            members: &s.members,
                            ser: ctx.ser.contains(model),
                            de: ctx.de.contains(model),
                            sensitive: shape.sensitive,
                            exception: false,
                            default: true,
                        },
                    )?;
                    emit_accessors(
                        w,
                        ctx,
                        uses,
                        &Context::type_name(model),
                        s,
                        Required::AsValue,
                    )?;
                }
                ShapeKind::String(Some(values)) => emit_enum(w, shape, values)?,
                _ => {}
            }
        }
        Ok(())
    })
}

/// `doc`, or `fallback` when the model has none.
pub(crate) fn doc_or(doc: &str, fallback: &str) -> String {
    if doc.trim().is_empty() {
        fallback.to_owned()
    } else {
        doc.to_owned()
    }
}

/// Writes a structure: doc, derives, fields, a redacting `Debug` when needed, and the `json_struct!` call
/// that implements its serde traits.
pub fn emit_struct(
    w: &mut Writer,
    ctx: &Context,
    uses: &mut Vec<&'static str>,
    spec: &StructSpec,
) -> Result<(), Error> {
    if spec.de && !spec.default {
        // `json_struct!`'s `Deserialize` starts from `Default::default()`.
        return Err(Error::new(format!(
            "`{}`: a deserialized structure must derive `Default`",
            spec.name
        )));
    }
    let mut sensitive_fields = Vec::new();
    for m in spec.members {
        sensitive_fields.push(spec.sensitive || ctx.member_sensitive(m)?);
    }
    let manual_debug = sensitive_fields.iter().any(|s| *s);
    let mut derives = vec!["Clone"];
    if !manual_debug {
        derives.push("Debug");
    }
    if spec.default {
        derives.push("Default");
    }
    if !spec.exception {
        derives.push("PartialEq");
    }
    w.doc(spec.doc);
    w.line(&format!("#[derive({})]", derives.join(", ")));
    if spec.members.is_empty() && !spec.exception {
        w.line(&format!("pub struct {} {{}}", spec.name));
    } else {
        w.open(&format!("pub struct {}", spec.name));
        for m in spec.members {
            emit_field(w, ctx, uses, m, spec)?;
        }
        if spec.exception {
            w.doc("Code, message, HTTP status and request id of the error response.");
            w.line("pub meta: crate::error::ErrorMetadata,");
        }
        w.close("");
    }
    if manual_debug {
        w.blank();
        w.open(&format!("impl std::fmt::Debug for {}", spec.name));
        w.open_fn(
            "fn fmt",
            &["&self".into(), "f: &mut std::fmt::Formatter<'_>".into()],
            Some("std::fmt::Result"),
        );
        w.line(&format!("let mut s = f.debug_struct({});", lit(spec.name)));
        for (m, sensitive) in spec.members.iter().zip(&sensitive_fields) {
            let field = Context::field(m);
            let value = if *sensitive {
                "&crate::primitives::REDACTED".to_owned()
            } else {
                format!("&self.{field}")
            };
            w.call("s.field", &[lit(names::unraw(&field)), value], ";");
        }
        if spec.exception {
            w.line("s.field(\"meta\", &self.meta);");
        }
        w.line("s.finish()");
        w.close("");
        w.close("");
    }
    emit_json_struct(w, spec);
    Ok(())
}

/// Writes the `json_struct!` call that implements the serde traits `spec` asks for: the JSON body members
/// with their wire names (and, for exceptions, the other spelling of `message`). Members bound to the URI,
/// the query string or a header, and an exception's `meta`, are left out, so they are never (de)serialized.
fn emit_json_struct(w: &mut Writer, spec: &StructSpec) {
    let mode = match (spec.ser, spec.de) {
        (true, false) => "serialize",
        (false, true) => "deserialize",
        (true, true) => "serialize, deserialize",
        (false, false) => return,
    };
    let body: Vec<&Member> = spec
        .members
        .iter()
        .filter(|m| m.location == crate::model::Location::Body)
        .collect();
    w.blank();
    w.open("crate::json_struct!");
    if body.is_empty() {
        w.line(&format!("{}: {mode} {{}}", spec.name));
    } else {
        w.open(&format!("{}: {mode}", spec.name));
        for m in body {
            let wire = m.wire_name();
            let mut names = vec![lit(wire)];
            if spec.exception && spec.de {
                match wire {
                    "message" => names.push(lit("Message")),
                    "Message" => names.push(lit("message")),
                    _ => {}
                }
            }
            w.line(&format!("{} = {},", Context::field(m), names.join(" | ")));
        }
        w.close("");
    }
    w.close("");
}

fn emit_field(
    w: &mut Writer,
    ctx: &Context,
    uses: &mut Vec<&'static str>,
    m: &Member,
    spec: &StructSpec,
) -> Result<(), Error> {
    let field = Context::field(m);
    let ty = ctx.rust_type(&m.target, uses)?;
    let mut doc = doc_or(&m.doc, &format!("The `{}` member.", m.name));
    if m.deprecated {
        let note = m
            .deprecated_message
            .as_deref()
            .unwrap_or("The model marks this member deprecated.");
        doc = format!("{doc}\n\n**Deprecated:** {note}");
    }
    w.doc(&doc);
    if m.location != crate::model::Location::Body && spec.de {
        // Bound to the URI, the query string or a header by the operation (which `json_struct!` leaves
        // out): only inputs, which are never deserialized, have such members.
        return Err(Error::new(format!(
            "`{}.{}`: members bound outside the body are supported in inputs only",
            spec.name, m.name
        )));
    }
    let one = format!("pub {field}: Option<{ty}>,");
    if w.column() + one.len() <= crate::writer::MAX_WIDTH {
        w.line(&one);
    } else {
        // rustfmt breaks a long field after the colon.
        w.line(&format!("pub {field}:"));
        w.line(&format!("    Option<{ty}>,"));
    }
    Ok(())
}

/// Methods an accessor may not be named after: methods the generated impls call on the concrete type,
/// and trait methods that an inherent method of the same name would shadow.
const NOT_ACCESSORS: &[&str] = &[
    "apply_app_client",
    "as_ref",
    "clone",
    "decode",
    "default",
    "ensure_page_size",
    "eq",
    "fmt",
    "into_items",
    "missing_member",
    "ne",
    "request",
    "serialize",
    "set_page_size",
    "set_token",
];

/// What the accessor of a required string member returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Required {
    /// `&str`, empty when the member is absent (shared types and outputs, as the official SDK does).
    AsValue,
    /// `Option<&str>` like any other member (inputs, which are being built and may still lack it).
    AsOption,
}

/// The accessor method name of a member: its field name, or `{field}_value` when that would be one of
/// [`NOT_ACCESSORS`].
pub fn accessor_name(member: &Member) -> String {
    let field = Context::field(member);
    if NOT_ACCESSORS.contains(&names::unraw(&field)) {
        format!("{}_value", names::unraw(&field))
    } else {
        field
    }
}

/// Writes `impl Name { … }` with one read accessor per member, so that callers need no `as_deref()` /
/// `unwrap_or_default()` of their own: lists as slices (empty when absent), strings as `&str` (`Option`
/// unless required, see [`Required`]), structures, enums, maps, blobs and documents by reference, numbers,
/// booleans and timestamps by copy. The public fields stay, for struct literals and patterns.
pub fn emit_accessors(
    w: &mut Writer,
    ctx: &Context,
    uses: &mut Vec<&'static str>,
    name: &str,
    structure: &Structure,
    required: Required,
) -> Result<(), Error> {
    if structure.members.is_empty() {
        return Ok(());
    }
    w.blank();
    w.open(&format!("impl {name}"));
    let mut first = true;
    for m in &structure.members {
        let field = Context::field(m);
        let target = ctx.svc.shape(&m.target)?;
        let is_required = structure.required.contains(&m.name);
        let ty = ctx.rust_type(&m.target, uses)?;
        let (ret, calls, note) = match &target.kind {
            ShapeKind::String(None) if is_required && required == Required::AsValue => (
                "&str".to_owned(),
                vec![".as_deref()", ".unwrap_or_default()"],
                "; required, empty when absent",
            ),
            ShapeKind::String(None) => ("Option<&str>".to_owned(), vec![".as_deref()"], ""),
            ShapeKind::List(item) => (
                format!("&[{}]", ctx.rust_type(item, uses)?),
                vec![".as_deref()", ".unwrap_or_default()"],
                "; empty when absent",
            ),
            ShapeKind::Integer
            | ShapeKind::Long
            | ShapeKind::Boolean
            | ShapeKind::Double
            | ShapeKind::Float
            | ShapeKind::Timestamp => (format!("Option<{ty}>"), vec![], ""),
            _ => (format!("Option<&{ty}>"), vec![".as_ref()"], ""),
        };
        if !first {
            w.blank();
        }
        first = false;
        // rustdoc cannot resolve a raw identifier (`r#type`) in a link.
        let see = if field.starts_with("r#") {
            format!("see the field `{}`", names::unraw(&field))
        } else {
            format!("see [the field](field@Self::{field})")
        };
        w.doc(&format!("The `{}` member{note}: {see}.", m.name));
        // Inline: compiled only where used, not all of them in this crate.
        w.line("#[inline]");
        w.open_fn(
            &format!("pub fn {}", accessor_name(m)),
            &["&self".into()],
            Some(&ret),
        );
        w.chain(&format!("self.{field}"), &calls);
        w.close("");
    }
    w.close("");
    Ok(())
}

/// Writes an open enum: one variant per model value plus `Unknown(String)`, and the `open_enum!` impls.
fn emit_enum(w: &mut Writer, shape: &Shape, values: &[String]) -> Result<(), Error> {
    let name = &Context::type_name(&shape.name);
    let mut variants: Vec<String> = Vec::new();
    for v in values {
        let mut variant = names::variant(v);
        let mut n = 2;
        while variants.contains(&variant) {
            variant = format!("{}{n}", names::variant(v));
            n += 1;
        }
        variants.push(variant);
    }
    let doc = doc_or(&shape.doc, &format!("The `{}` enumeration.", shape.name));
    w.doc(&format!(
        "{doc}\n\nA value this version of the SDK does not know is kept in [`{name}::Unknown`], never rejected."
    ));
    w.line("#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]");
    w.line("#[non_exhaustive]");
    w.open(&format!("pub enum {name}"));
    for (variant, value) in variants.iter().zip(values) {
        w.doc(&format!("`{value}`"));
        w.line(&format!("{variant},"));
    }
    w.doc("A value this version of the SDK does not know, as received.");
    w.line("Unknown(String),");
    w.close("");
    w.blank();
    w.open("crate::open_enum!");
    w.open(name);
    for (variant, value) in variants.iter().zip(values) {
        w.line(&format!("{variant} = {},", lit(value)));
    }
    w.close("");
    w.close("");
    Ok(())
}
