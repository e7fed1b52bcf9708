//! The `errors` module: one structure per exception that some operation names, and the service-wide
//! `Error` enum (every exception of the service plus `Unhandled`) that each operation's error converts
//! into, re-exported at the service module's root.

use crate::emit::resolve::Context;
use crate::emit::summary;
use crate::emit::types::{doc_or, emit_struct, StructSpec};
use crate::model::{Location, Member};
use crate::names;
use crate::writer::{lit, Writer};
use crate::Error;

/// Writes the `errors` module.
pub fn emit(w: &mut Writer, ctx: &Context) -> Result<(), Error> {
    let doc = format!(
        "Exceptions of the {} model. Each carries the members the model gives it and the response's \
         [`ErrorMetadata`](crate::error::ErrorMetadata); they appear inside the per-operation error enums.",
        ctx.svc.title
    );
    super::module(w, &doc, "errors", |w, uses| {
        for name in &ctx.exceptions {
            let shape = ctx.svc.shape(name)?;
            let s = ctx.structure(name)?;
            let message_only = message_only(ctx, &s.members)?;
            w.blank();
            let doc = doc_or(&shape.doc, &format!("The `{name}` error."));
            let name = &Context::type_name(name);
            emit_struct(
                w,
                ctx,
                uses,
                &StructSpec {
                    name,
                    doc: &doc,
                    members: &s.members,
                    ser: false,
                    // `exception!(Name, message)` decodes a message-only exception itself.
                    de: !message_only,
                    sensitive: shape.sensitive,
                    exception: true,
                    default: true,
                },
            )?;
            w.blank();
            if message_only {
                w.line(&format!("crate::exception!({name}, message);"));
            } else {
                w.line(&format!("crate::exception!({name});"));
            }
        }
        w.blank();
        emit_service_error(w, ctx)
    })?;
    w.blank();
    w.line("pub use errors::Error;");
    Ok(())
}

/// The service-wide `Error`: a variant per exception, named as the operations' error enums name it (so
/// `operation_error!` can convert each into it), plus `Unhandled` for codes the model does not list.
fn emit_service_error(w: &mut Writer, ctx: &Context) -> Result<(), Error> {
    let mut variants = Vec::with_capacity(ctx.exceptions.len());
    for name in &ctx.exceptions {
        // The exception's Rust type name, which is also its variant name in every error enum.
        let ty = ctx.rust_type(name, &mut Vec::new())?;
        let ex = ctx.structure(name)?.exception.clone().unwrap_or_default();
        let mut codes = vec![lit(name)];
        if !ex.code.is_empty() && ex.code != **name {
            codes.push(lit(&ex.code));
        }
        let is = format!("is_{}", names::snake_plain(name));
        variants.push((name, ty, codes.join(" | "), is));
    }
    w.doc(&format!(
        "Any error of any {} operation: what every operation's error enum converts into (`From`), so \
         that `?` carries errors of different operations into one `crate::Error<Error>` without boxing.",
        ctx.svc.title
    ));
    w.line("#[derive(Debug)]");
    w.line("#[non_exhaustive]");
    w.open("pub enum Error");
    for (name, ty, _, _) in &variants {
        let shape = ctx.svc.shape(name)?;
        w.doc(&doc_or(
            &summary(&shape.doc),
            &format!("The `{name}` error."),
        ));
        w.line(&format!("{ty}({ty}),"));
    }
    w.doc(
        "An error code the model does not list: its code, message, HTTP status and request id are kept.",
    );
    w.line("Unhandled(crate::error::Unhandled),");
    w.close("");
    w.blank();
    w.open("crate::service_error!");
    w.open("Error");
    for (_, ty, codes, is) in &variants {
        w.line(&format!("{ty}({codes}) => {is},"));
    }
    w.close("");
    w.close("");
    w.blank();
    // The same predicates for types that wrap a call's error (the auth helpers' errors), through their
    // `service_error() -> Option<&Error>`: `service_predicates!` writes them from this list.
    w.line("/// Implements an `is_*` predicate per exception on a type with `service_error() -> Option<&Error>`.");
    w.line("#[allow(unused_macros)] // used by the auth helpers of some services only");
    w.open("macro_rules! exception_predicates");
    w.open("($ty:ty) =>");
    w.open("crate::service_predicates!");
    w.open("$ty");
    for (_, ty, _, is) in &variants {
        w.line(&format!("{ty} => {is},"));
    }
    w.close("");
    w.close("");
    w.close(";");
    w.close("");
    w.line("#[allow(unused_imports)] // used by the auth helpers of some services only");
    w.line("pub(crate) use exception_predicates;");
    Ok(())
}

/// Whether an exception's only member is a `message` string in the body (as most are): those share one
/// decoder in the runtime instead of a `Deserialize` impl each.
fn message_only(ctx: &Context, members: &[Member]) -> Result<bool, Error> {
    let [m] = members else {
        return Ok(false);
    };
    let mut uses = Vec::new();
    Ok(m.location == Location::Body
        && Context::field(m) == "message"
        && matches!(m.wire_name(), "message" | "Message")
        && ctx.rust_type(&m.target, &mut uses)? == "String")
}
