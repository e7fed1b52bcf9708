//! The `errors` module: one structure per exception that some operation names.

use crate::emit::resolve::Context;
use crate::emit::types::{doc_or, emit_struct, StructSpec};
use crate::model::{Location, Member};
use crate::writer::Writer;
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
        Ok(())
    })
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
