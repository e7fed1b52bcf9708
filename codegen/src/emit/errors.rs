//! The `errors` module: one structure per exception that some operation names.

use crate::emit::resolve::Context;
use crate::emit::types::{doc_or, emit_struct, StructSpec};
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
            w.blank();
            let doc = doc_or(&shape.doc, &format!("The `{name}` error."));
            emit_struct(
                w,
                ctx,
                uses,
                &StructSpec {
                    name,
                    doc: &doc,
                    members: &s.members,
                    ser: false,
                    de: true,
                    sensitive: shape.sensitive,
                    exception: true,
                    default: true,
                },
            )?;
            w.blank();
            w.line(&format!("crate::exception!({name});"));
        }
        Ok(())
    })
}
