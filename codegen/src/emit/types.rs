//! The `types` module: every structure and enum that operations reach, plus the struct emitter that the
//! other parts use for inputs, outputs and exceptions.

use crate::emit::resolve::Context;
use crate::model::{Member, Shape, ShapeKind};
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
    /// Derive `Serialize` (skipping `None` members).
    pub ser: bool,
    /// Derive `Deserialize`.
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
                    let name = shape.name.as_str();
                    let doc = doc_or(&shape.doc, &format!("The `{name}` structure."));
                    emit_struct(
                        w,
                        ctx,
                        uses,
                        &StructSpec {
                            name,
                            doc: &doc,
                            members: &s.members,
                            ser: ctx.ser.contains(name),
                            de: ctx.de.contains(name),
                            sensitive: shape.sensitive,
                            exception: false,
                            default: true,
                        },
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

/// Writes a structure: doc, derives, fields with serde attributes, and a redacting `Debug` when needed.
pub fn emit_struct(
    w: &mut Writer,
    ctx: &Context,
    uses: &mut Vec<&'static str>,
    spec: &StructSpec,
) -> Result<(), Error> {
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
    if spec.ser {
        derives.push("Serialize");
        uses.push("serde::Serialize");
    }
    if spec.de {
        derives.push("Deserialize");
        uses.push("serde::Deserialize");
    }
    // serde's `PascalCase` renaming covers most AWS member names; only the others need their own rename.
    let pascal = (spec.ser || spec.de)
        && spec
            .members
            .iter()
            .any(|m| serde_pascal(&Context::field(m)) == m.wire_name());
    w.doc(spec.doc);
    w.line(&format!("#[derive({})]", derives.join(", ")));
    if pascal {
        w.line("#[serde(rename_all = \"PascalCase\")]");
    }
    if spec.members.is_empty() && !spec.exception {
        w.line(&format!("pub struct {} {{}}", spec.name));
    } else {
        w.open(&format!("pub struct {}", spec.name));
        for m in spec.members {
            emit_field(w, ctx, uses, m, spec, pascal)?;
        }
        if spec.exception {
            w.doc("Code, message, HTTP status and request id of the error response.");
            w.line("#[serde(skip)]");
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
    Ok(())
}

/// The name serde's `rename_all = "PascalCase"` gives a snake-case field.
fn serde_pascal(field: &str) -> String {
    names::unraw(field)
        .split('_')
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + cs.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

fn emit_field(
    w: &mut Writer,
    ctx: &Context,
    uses: &mut Vec<&'static str>,
    m: &Member,
    spec: &StructSpec,
    pascal: bool,
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
    if m.location != crate::model::Location::Body {
        if spec.de {
            return Err(Error::new(format!(
                "`{}.{}`: members bound outside the body are supported in inputs only",
                spec.name, m.name
            )));
        }
        // Bound to the URI, the query string or a header by the operation, not part of the JSON body.
        w.line("#[serde(skip)]");
        w.line(&format!("pub {field}: Option<{ty}>,"));
        return Ok(());
    }
    let wire = m.wire_name();
    let implied = if pascal {
        serde_pascal(&field)
    } else {
        names::unraw(&field).to_owned()
    };
    if (spec.ser || spec.de) && wire != implied {
        w.attr("serde", &[format!("rename = {}", lit(wire))]);
    }
    if spec.exception && spec.de {
        match wire {
            "message" => w.line("#[serde(alias = \"Message\")]"),
            "Message" => w.line("#[serde(alias = \"message\")]"),
            _ => {}
        }
    }
    if spec.ser {
        w.line("#[serde(skip_serializing_if = \"Option::is_none\")]");
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

/// Writes an open enum: one variant per model value plus `Unknown(String)`, and the `open_enum!` impls.
fn emit_enum(w: &mut Writer, shape: &Shape, values: &[String]) -> Result<(), Error> {
    let name = &shape.name;
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
    let doc = doc_or(&shape.doc, &format!("The `{name}` enumeration."));
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
