//! The client: the `Client` type of a service, one method per operation, and the fluent setters of each
//! operation's builder.

use crate::emit::operations::OpNames;
use crate::emit::resolve::{Collection, Context};
use crate::emit::types::doc_or;
use crate::model::{Operation, ShapeKind};
use crate::writer::Writer;
use crate::Error;

/// Methods the hand-written `FluentBuilder` already has; a setter may not take these names.
const BUILDER_METHODS: &[&str] = &[
    "send",
    "input",
    "as_input",
    "into_input",
    "set_input",
    "into_paginator",
    "customize",
];

/// Writes the service's protocol facts, the `Client` type and the fluent setters.
pub fn emit(w: &mut Writer, ctx: &Context, options: &super::Options) -> Result<(), Error> {
    let svc = ctx.svc;
    let mut body = Writer::new();
    let mut uses: Vec<&'static str> = vec!["crate::fluent::FluentBuilder", "self::operation::*"];
    emit_client(&mut body, ctx, options)?;
    for op in &svc.operations {
        emit_setters(&mut body, ctx, op, &mut uses)?;
    }
    let mut top: Vec<String> = uses
        .iter()
        .map(|u| u.replace("super::", "self::"))
        .collect();
    top.sort_unstable();
    top.dedup();
    for u in &top {
        // One group per line: rustfmt reorders imports only within a group.
        w.line(&format!("use {u};"));
        w.blank();
    }
    w.raw(body.finish().trim_end_matches('\n'));
    Ok(())
}

fn emit_client(w: &mut Writer, ctx: &Context, options: &super::Options) -> Result<(), Error> {
    let svc = ctx.svc;
    w.doc(&format!("Protocol facts of {}.", svc.title));
    w.open("static SERVICE: crate::client::ServiceSpec = crate::client::ServiceSpec");
    w.line(&format!(
        "id: crate::endpoint::ServiceId::{},",
        options.service_id
    ));
    w.line(&format!(
        "signing_name: {},",
        crate::writer::lit(&svc.signing_name)
    ));
    w.close(";");
    w.blank();
    w.doc(&format!(
        "Client for {}.\n\n{}\n\nCheap to clone: clones share the configuration and the connection pool.",
        svc.title, svc.doc
    ));
    w.line("#[derive(Clone, Debug)]");
    w.open("pub struct Client");
    w.line("handle: crate::client::Handle,");
    w.close("");
    w.blank();
    w.open("impl Client");
    w.doc(&format!(
        "Creates a client for {} from `config`.",
        svc.title
    ));
    w.open_fn(
        "pub fn new",
        &["config: &crate::Config".into()],
        Some("Client"),
    );
    w.open("Client");
    w.line("handle: crate::client::Handle::new(config, &SERVICE),");
    w.close("");
    w.close("");
    w.blank();
    w.doc(
        "Sends an operation's input as it is, for inputs built with struct-literal syntax.\n\n\
         Equivalent to calling the operation's method and setting every member.",
    );
    w.open_fn_where(
        "pub async fn send<I>",
        &["&self".into(), "input: I".into()],
        "Result<I::Output, crate::Error<I::Error>>",
        &["I: crate::operation::Operation<Client = Client>".into()],
    );
    w.line("self.handle.send(input).await");
    w.close("");
    for op in &svc.operations {
        w.blank();
        emit_method(w, ctx, op)?;
    }
    w.close("");
    Ok(())
}

fn emit_method(w: &mut Writer, ctx: &Context, op: &Operation) -> Result<(), Error> {
    let n = OpNames::of(op);
    let mut doc = doc_or(&op.doc, &format!("Calls `{}`.", op.name));
    if op.deprecated {
        doc.push_str("\n\n**Deprecated:** the model marks this operation deprecated.");
    }
    if !op.signed {
        doc.push_str("\n\nSent unsigned: works without AWS credentials.");
    }
    doc.push_str("\n\n");
    doc.push_str(&method_reference(ctx, op)?);
    w.doc(&doc);
    w.open_fn(
        &format!("pub fn {}", n.method),
        &["&self".into()],
        Some(&format!("FluentBuilder<{}>", n.input)),
    );
    w.line("self.handle.builder()");
    w.close("");
    Ok(())
}

/// The reference part of a client method's documentation, as the official SDK's fluent builders have it:
/// the input's members (each a link to its accessor, with the builder setter's argument type, required
/// ones marked), the output and the error type.
pub fn method_reference(ctx: &Context, op: &Operation) -> Result<String, Error> {
    let n = OpNames::of(op);
    // The service module imports `operation::*`, so the bare names resolve.
    let input = format!("[`{}`]", n.input);
    let mut out = String::from("# Input\n\n");
    let structure = op.input.as_deref().map(|i| ctx.structure(i)).transpose()?;
    match structure.filter(|s| !s.members.is_empty()) {
        None => out.push_str(&format!("None: {input} has no members.\n")),
        Some(s) => {
            out.push_str(&format!(
                "Set on the returned builder, or as the fields of {input} given to \
                 [`send`](Self::send):\n\n"
            ));
            for m in &s.members {
                let ty = match &ctx.svc.shape(&m.target)?.kind {
                    ShapeKind::List(item) => format!("{}, one at a time", type_ref(ctx, item)?),
                    ShapeKind::Map(k, v) => format!(
                        "{} → {}, one entry at a time",
                        type_ref(ctx, k)?,
                        type_ref(ctx, v)?
                    ),
                    _ => type_ref(ctx, &m.target)?,
                };
                let required = if s.required.contains(&m.name) {
                    " **(required)**"
                } else {
                    ""
                };
                let accessor = crate::emit::types::accessor_name(m);
                let field = Context::field(m);
                let plain = crate::names::unraw(&field);
                // rustdoc cannot resolve a raw identifier (`r#type`) in a link.
                let name = if accessor.starts_with("r#") {
                    format!("`{plain}`")
                } else {
                    format!("[`{plain}`]({}::{accessor})", n.input)
                };
                out.push_str(&format!("- {name} ({ty}){required}\n"));
            }
        }
    }
    out.push_str(&format!(
        "\n# Output\n\n[`{o}`] on success, [`Error`](crate::Error)`<`[`{e}`]`>` on failure.",
        o = n.output,
        e = n.error
    ));
    Ok(out)
}

/// The Rust type of a shape for documentation: a link for the service's own structures and enums (which
/// the client module imports), code for the rest.
fn type_ref(ctx: &Context, shape: &str) -> Result<String, Error> {
    let ty = ctx.rust_type(shape, &mut Vec::new())?;
    Ok(match ctx.svc.shape(shape)?.kind {
        ShapeKind::Structure(_) | ShapeKind::String(Some(_)) => format!("[`{ty}`]"),
        _ => format!("`{ty}`"),
    })
}

fn emit_setters(
    w: &mut Writer,
    ctx: &Context,
    op: &Operation,
    uses: &mut Vec<&'static str>,
) -> Result<(), Error> {
    let Some(input) = &op.input else {
        return Ok(());
    };
    let members = &ctx.structure(input)?.members;
    if members.is_empty() {
        return Ok(());
    }
    let n = OpNames::of(op);
    let mut taken: Vec<String> = BUILDER_METHODS.iter().map(|s| (*s).to_owned()).collect();
    w.blank();
    w.open(&format!("impl FluentBuilder<{}>", n.input));
    let mut first = true;
    for m in members {
        let field = Context::field(m);
        let plain = crate::names::unraw(&field).to_owned();
        let setter = format!("set_{plain}");
        for name in [&plain, &setter] {
            if taken.contains(name) {
                return Err(Error::new(format!(
                    "operation `{}`: setter `{name}` collides",
                    op.name
                )));
            }
            taken.push(name.clone());
        }
        let ty = ctx.rust_type(&m.target, uses)?;
        let doc = doc_or(&m.doc, &format!("Sets `{}`.", m.name));
        if !first {
            w.blank();
        }
        first = false;
        match ctx.collection(&m.target, uses)? {
            Collection::Single => {
                w.doc(&doc);
                w.open_fn(
                    &format!("pub fn {field}"),
                    &["mut self".into(), format!("input: impl Into<{ty}>")],
                    Some("Self"),
                );
                w.line(&format!("self.input.{field} = Some(input.into());"));
            }
            Collection::List(item) => {
                w.doc(&format!("Appends one item to `{}`.\n\n{doc}", m.name));
                w.open_fn(
                    &format!("pub fn {field}"),
                    &["mut self".into(), format!("item: impl Into<{item}>")],
                    Some("Self"),
                );
                w.call(
                    "crate::fluent::push",
                    &[format!("&mut self.input.{field}"), "item.into()".into()],
                    ";",
                );
            }
            Collection::Map(k, v) => {
                w.doc(&format!("Inserts one entry into `{}`.\n\n{doc}", m.name));
                w.open_fn(
                    &format!("pub fn {field}"),
                    &[
                        "mut self".into(),
                        format!("key: impl Into<{k}>"),
                        format!("value: impl Into<{v}>"),
                    ],
                    Some("Self"),
                );
                let args = [
                    format!("&mut self.input.{field}"),
                    "key.into()".into(),
                    "value.into()".into(),
                ];
                w.call("crate::fluent::insert", &args, ";");
            }
        }
        w.line("self");
        w.close("");
        w.blank();
        w.doc(&format!(
            "Sets or clears `{}`: see [`{plain}`](Self::{field}).",
            m.name
        ));
        w.line("#[inline]");
        w.open_fn(
            &format!("pub fn {setter}"),
            &["mut self".into(), format!("input: Option<{ty}>")],
            Some("Self"),
        );
        w.line(&format!("self.input.{field} = input;"));
        w.line("self");
        w.close("");
    }
    w.close("");
    Ok(())
}
