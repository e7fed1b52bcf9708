//! The `operation` module: per operation an input, an output, an error enum and the metadata that the
//! shared send path needs (`json_operation!`), plus pagination where the model has a paginator.

use crate::emit::resolve::Context;
use crate::emit::summary;
use crate::emit::types::{doc_or, emit_accessors, emit_struct, Required, StructSpec};
use crate::model::{Location, Operation, Protocol};
use crate::names;
use crate::writer::{lit, Writer};
use crate::Error;

/// The Rust names of an operation's items.
pub struct OpNames {
    /// `admin_get_user`
    pub method: String,
    /// `AdminGetUserInput`
    pub input: String,
    /// `AdminGetUserOutput`
    pub output: String,
    /// `AdminGetUserError`
    pub error: String,
}

impl OpNames {
    /// Names for `op`.
    pub fn of(op: &Operation) -> OpNames {
        let ty = names::type_name(&op.name);
        OpNames {
            method: names::snake(&op.name),
            input: format!("{ty}Input"),
            output: format!("{ty}Output"),
            error: format!("{ty}Error"),
        }
    }
}

/// Writes the `operation` module.
pub fn emit(w: &mut Writer, ctx: &Context) -> Result<(), Error> {
    let doc = format!(
        "Inputs, outputs and errors of every {} operation.",
        ctx.svc.title
    );
    super::module(w, &doc, "operation", |w, uses| {
        for op in &ctx.svc.operations {
            emit_operation(w, ctx, uses, op)?;
        }
        Ok(())
    })
}

fn emit_operation(
    w: &mut Writer,
    ctx: &Context,
    uses: &mut Vec<&'static str>,
    op: &Operation,
) -> Result<(), Error> {
    let n = OpNames::of(op);
    let link = format!("[`Client::{m}`](super::Client::{m})", m = n.method);
    let empty = crate::model::Structure::default();
    let input_structure = match &op.input {
        Some(i) => ctx.structure(i)?,
        None => &empty,
    };
    let output_structure = match &op.output {
        Some(o) => ctx.structure(o)?,
        None => &empty,
    };
    let input_members = &input_structure.members;
    let output_members = &output_structure.members;
    if !op.errors.is_empty() {
        uses.push("super::errors::*");
    }
    let sensitive = |name: &Option<String>| -> Result<bool, Error> {
        Ok(match name {
            Some(n) => ctx.svc.shape(n)?.sensitive,
            None => false,
        })
    };
    w.blank();
    emit_struct(
        w,
        ctx,
        uses,
        &StructSpec {
            name: &n.input,
            doc: &format!("Input of {link}: {}", summary(&op.doc)),
            members: input_members,
            ser: true,
            de: false,
            sensitive: sensitive(&op.input)?,
            exception: false,
            default: true,
        },
    )?;
    emit_accessors(w, ctx, uses, &n.input, input_structure, Required::AsOption)?;
    w.blank();
    emit_struct(
        w,
        ctx,
        uses,
        &StructSpec {
            name: &n.output,
            doc: &format!("Output of {link}."),
            members: output_members,
            ser: false,
            de: true,
            sensitive: sensitive(&op.output)?,
            exception: false,
            default: true,
        },
    )?;
    emit_accessors(w, ctx, uses, &n.output, output_structure, Required::AsValue)?;
    w.blank();
    w.doc(&format!("Errors of {link}."));
    w.line("#[derive(Debug)]");
    w.line("#[non_exhaustive]");
    w.open(&format!("pub enum {}", n.error));
    for e in &op.errors {
        let shape = ctx.svc.shape(e)?;
        w.doc(&doc_or(&summary(&shape.doc), &format!("The `{e}` error.")));
        let ty = Context::type_name(e);
        w.line(&format!("{ty}({ty}),"));
    }
    w.doc("An error that the model does not list for this operation.");
    w.line("Unhandled(crate::error::Unhandled),");
    w.close("");
    w.blank();
    w.open("crate::operation_error!");
    w.open(&n.error);
    for e in &op.errors {
        let ex = ctx.structure(e)?.exception.clone().unwrap_or_default();
        let mut codes = vec![lit(e)];
        if !ex.code.is_empty() && ex.code != *e {
            codes.push(lit(&ex.code));
        }
        let is = format!("is_{}", names::snake_plain(e));
        let ty = Context::type_name(e);
        w.line(&format!("{ty}({}) => {is},", codes.join(" | ")));
    }
    w.close("");
    w.close("");
    w.blank();
    let required: Vec<String> = match &op.input {
        Some(i) => ctx
            .structure(i)?
            .required
            .iter()
            .filter_map(|r| input_members.iter().find(|m| &m.name == r))
            .map(|m| format!("{} = {}", Context::field(m), lit(&m.name)))
            .collect(),
        None => Vec::new(),
    };
    match ctx.svc.protocol {
        Protocol::Json => {
            let prefix = ctx.svc.target_prefix.as_deref().unwrap_or_default();
            w.open("crate::json_operation!");
            w.open(&format!("{} => {}, {}", n.input, n.output, n.error));
            w.line(&format!("name: {},", lit(&op.name)));
            w.line(&format!(
                "target: {},",
                lit(&format!("{prefix}.{}", op.name))
            ));
            w.line(&format!("signed: {},", op.signed));
            w.line(&format!("required: [{}],", required.join(", ")));
            if let Some(line) = app_client_binding(input_members) {
                w.line(&line);
            }
            w.close("");
            w.close("");
        }
        Protocol::RestJson => emit_rest(w, op, &n, input_members, &required)?,
    }
    if let Some(p) = &op.paginator {
        emit_paginator(w, ctx, uses, op, &n, p)?;
    }
    Ok(())
}

/// How an app client's secret enters this input, if it does: a `SecretHash` member (with `ClientId` and
/// `Username`), a `SECRET_HASH` entry of `AuthParameters` / `ChallengeResponses` (with `ClientId`), or a
/// `ClientSecret` member (with `ClientId`) of an operation the app client makes as itself, which names no
/// `UserPoolId` (`RevokeToken`, `GetTokensFromRefreshToken`, `GetDerivedToken`). An operation that manages a
/// pool's clients names the pool, and its `ClientSecret`, as in `AddUserPoolClientSecret`, is a new secret,
/// never the current one. These are Cognito user pools' conventions; the runtime computes the hash
/// (`json_operation!`'s optional clauses).
fn app_client_binding(members: &[crate::model::Member]) -> Option<String> {
    let has = |name: &str| members.iter().any(|m| m.name == name);
    if !has("ClientId") {
        return None;
    }
    if has("SecretHash") && has("Username") {
        Some("secret_hash: secret_hash,".to_owned())
    } else if has("AuthParameters") {
        Some("secret_hash_in: auth_parameters,".to_owned())
    } else if has("ChallengeResponses") {
        Some("secret_hash_in: challenge_responses,".to_owned())
    } else if has("ClientSecret") && !has("UserPoolId") {
        Some("client_secret: client_secret,".to_owned())
    } else {
        None
    }
}

/// The `rest_operation!` call of a REST-JSON operation: method, URI template and member bindings.
fn emit_rest(
    w: &mut Writer,
    op: &Operation,
    n: &OpNames,
    members: &[crate::model::Member],
    required: &[String],
) -> Result<(), Error> {
    let http = op
        .http
        .as_ref()
        .ok_or_else(|| Error::new(format!("operation `{}` has no HTTP binding", op.name)))?;
    if !http.fixed_query.is_empty() {
        return Err(Error::new(format!(
            "operation `{}`: fixed query parameters are not supported",
            op.name
        )));
    }
    let bound = |loc: Location| -> Vec<String> {
        members
            .iter()
            .filter(|m| m.location == loc)
            .map(|m| format!("{} = {}", Context::field(m), lit(m.wire_name())))
            .collect()
    };
    for m in members {
        if matches!(m.location, Location::Headers | Location::StatusCode) {
            return Err(Error::new(format!(
                "operation `{}`: member `{}` has an unsupported binding",
                op.name, m.name
            )));
        }
        if m.location == Location::Uri && !http.path.contains(&format!("{{{}}}", m.wire_name())) {
            return Err(Error::new(format!(
                "operation `{}`: no `{{{}}}` in the URI",
                op.name,
                m.wire_name()
            )));
        }
    }
    let has_body = members.iter().any(|m| m.location == Location::Body);
    w.open("crate::rest_operation!");
    w.open(&format!("{} => {}, {}", n.input, n.output, n.error));
    w.line(&format!("name: {},", lit(&op.name)));
    w.line(&format!("method: {},", lit(&http.method)));
    w.line(&format!("path: {},", lit(&http.path)));
    w.line(&format!("signed: {},", op.signed));
    w.line(&format!("body: {has_body},"));
    w.line(&format!("labels: [{}],", bound(Location::Uri).join(", ")));
    w.line(&format!("query: [{}],", bound(Location::Query).join(", ")));
    w.line(&format!(
        "headers: [{}],",
        bound(Location::Header).join(", ")
    ));
    w.line(&format!("required: [{}],", required.join(", ")));
    w.close("");
    w.close("");
    Ok(())
}

fn emit_paginator(
    w: &mut Writer,
    ctx: &Context,
    uses: &mut Vec<&'static str>,
    op: &Operation,
    n: &OpNames,
    p: &crate::model::Paginator,
) -> Result<(), Error> {
    let find = |shape: &Option<String>, member: &str| -> Result<crate::model::Member, Error> {
        let s = shape
            .as_deref()
            .ok_or_else(|| Error::new(format!("paginated `{}` lacks a shape", op.name)))?;
        ctx.structure(s)?
            .members
            .iter()
            .find(|m| m.name == member)
            .cloned()
            .ok_or_else(|| Error::new(format!("paginator of `{}`: no member `{member}`", op.name)))
    };
    let input_token = find(&op.input, &p.input_token)?;
    let output_token = find(&op.output, &p.output_token)?;
    let result_key = p
        .result_key
        .as_deref()
        .ok_or_else(|| Error::new(format!("paginator of `{}` has no result key", op.name)))?;
    let items = find(&op.output, result_key)?;
    let item_ty = match ctx.collection(&items.target, uses)? {
        crate::emit::resolve::Collection::List(t) => t,
        _ => {
            return Err(Error::new(format!(
                "paginator of `{}`: `{result_key}` is not a list",
                op.name
            )))
        }
    };
    w.blank();
    w.open("crate::paginated!");
    w.open(&format!("{} => {}", n.input, n.output));
    w.line(&format!("input_token: {},", Context::field(&input_token)));
    w.line(&format!("output_token: {},", Context::field(&output_token)));
    w.line(&format!("items: {}: {item_ty},", Context::field(&items)));
    if let Some(limit) = &p.limit_key {
        let limit_member = find(&op.input, limit)?;
        let ty = ctx.rust_type(&limit_member.target, uses)?;
        w.line(&format!("limit: {}: {ty},", Context::field(&limit_member)));
        // The page sizes the model allows: the paginator refuses others before sending anything.
        let limit_shape = ctx.svc.shape(&limit_member.target)?;
        if let Some(min) = limit_shape.minimum {
            w.line(&format!("min_page_size: {min},"));
        }
        if let Some(max) = limit_shape.maximum {
            w.line(&format!("max_page_size: {max},"));
        }
        // A required page size (ListIdentityPools' MaxResults) gets the model's maximum when unset.
        let required = op
            .input
            .as_deref()
            .map(|i| ctx.structure(i))
            .transpose()?
            .is_some_and(|s| s.required.contains(limit));
        if required {
            let max = ctx
                .svc
                .shape(&limit_member.target)?
                .maximum
                .ok_or_else(|| {
                    Error::new(format!(
                        "paginator of `{}`: required `{limit}` has no maximum",
                        op.name
                    ))
                })?;
            w.line(&format!(
                "default_page_size: {} = {max},",
                Context::field(&limit_member)
            ));
        }
    }
    w.close("");
    w.close("");
    Ok(())
}
