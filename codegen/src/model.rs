//! The generator's view of a service: the OpenAPI dialect of `spec/DIALECT.md` read into plain Rust data.
//!
//! Everything the emitters need is resolved here once (operation bindings, member targets, sensitivity,
//! exception metadata), so that the emitters never look at JSON.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::Error;

/// The wire protocol of a service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// AWS JSON 1.1: `POST /` with `X-Amz-Target`.
    Json,
    /// REST-JSON: HTTP method and URI template per operation.
    RestJson,
}

/// One service: its metadata, operations and shapes.
#[derive(Clone, Debug)]
pub struct Service {
    /// The document's title (the model's full service name).
    pub title: String,
    /// Service documentation (Markdown).
    pub doc: String,
    /// The wire protocol.
    pub protocol: Protocol,
    /// The `X-Amz-Target` prefix (JSON protocol only).
    pub target_prefix: Option<String>,
    /// The SigV4 signing name.
    pub signing_name: String,
    /// Operations in document order.
    pub operations: Vec<Operation>,
    /// Shapes by name (sorted).
    pub shapes: BTreeMap<String, Shape>,
}

/// One operation.
#[derive(Clone, Debug)]
pub struct Operation {
    /// The model's operation name (`AdminGetUser`).
    pub name: String,
    /// Documentation (Markdown).
    pub doc: String,
    /// Whether the model marks the operation deprecated.
    pub deprecated: bool,
    /// False for operations sent unsigned (`security: []`).
    pub signed: bool,
    /// The input shape, if any.
    pub input: Option<String>,
    /// The output shape, if any.
    pub output: Option<String>,
    /// The exception shapes the operation may return, in model order.
    pub errors: Vec<String>,
    /// HTTP binding (REST-JSON only).
    pub http: Option<HttpBinding>,
    /// Pagination, when the operation has a paginator.
    pub paginator: Option<Paginator>,
}

/// HTTP method and URI template of a REST operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpBinding {
    /// Upper-case HTTP method.
    pub method: String,
    /// The URI template (`/identitypools/{IdentityPoolId}`), without query.
    pub path: String,
    /// Fixed query parameters that the model's `requestUri` carries (`?x=y`).
    pub fixed_query: Vec<(String, String)>,
    /// The success status code.
    pub success_status: u16,
}

/// A paginator (botocore `paginators-1.json`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paginator {
    /// Input member that carries the token.
    pub input_token: String,
    /// Output member that carries the next token.
    pub output_token: String,
    /// Input member that limits the page size, if any.
    pub limit_key: Option<String>,
    /// Output member holding the items, if any.
    pub result_key: Option<String>,
}

/// A named shape of the model.
#[derive(Clone, Debug)]
pub struct Shape {
    /// The shape's name in the model.
    pub name: String,
    /// Documentation (Markdown), possibly empty.
    pub doc: String,
    /// Whether the model marks it sensitive.
    pub sensitive: bool,
    /// Whether the model marks it deprecated.
    pub deprecated: bool,
    /// The largest value a number may take (`maximum`), if the model says.
    pub maximum: Option<i64>,
    /// The smallest value a number may take (`minimum`), if the model says.
    pub minimum: Option<i64>,
    /// What kind of value it is.
    pub kind: ShapeKind,
}

/// The kinds of shape.
#[derive(Clone, Debug)]
pub enum ShapeKind {
    /// A structure.
    Structure(Structure),
    /// A string; `Some` values make it an enum.
    String(Option<Vec<String>>),
    /// 32-bit integer.
    Integer,
    /// 64-bit integer.
    Long,
    /// Boolean.
    Boolean,
    /// 64-bit float.
    Double,
    /// 32-bit float.
    Float,
    /// A timestamp (epoch seconds on the wire).
    Timestamp,
    /// Bytes, base64 on the wire.
    Blob,
    /// Any JSON value.
    Document,
    /// A list of the named shape.
    List(String),
    /// A map from the key shape to the value shape.
    Map(String, String),
}

/// A structure's members and metadata.
#[derive(Clone, Debug, Default)]
pub struct Structure {
    /// Members in model order.
    pub members: Vec<Member>,
    /// Names of the required members.
    pub required: Vec<String>,
    /// Set on exception shapes.
    pub exception: Option<Exception>,
}

/// Metadata of an exception shape.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Exception {
    /// The error code on the wire.
    pub code: String,
    /// The HTTP status, when the model gives one.
    pub http_status: Option<u16>,
    /// True for server faults.
    pub fault: bool,
}

/// Where a member travels in a REST request or response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// In the JSON body.
    Body,
    /// A path segment of the URI template.
    Uri,
    /// A query-string parameter.
    Query,
    /// One HTTP header.
    Header,
    /// All headers with a prefix (a map).
    Headers,
    /// The HTTP status code.
    StatusCode,
}

/// A member of a structure.
#[derive(Clone, Debug)]
pub struct Member {
    /// The member's name in the model (the JSON key unless `location_name` says otherwise).
    pub name: String,
    /// The target shape.
    pub target: String,
    /// Documentation (Markdown).
    pub doc: String,
    /// Deprecated in the model.
    pub deprecated: bool,
    /// Deprecation message, if any.
    pub deprecated_message: Option<String>,
    /// Where the member is bound.
    pub location: Location,
    /// The name on the wire when it is not `name` (header name, path variable, query key, JSON key).
    pub location_name: Option<String>,
}

impl Member {
    /// The name on the wire (JSON key, header, query key or path variable).
    pub fn wire_name(&self) -> &str {
        self.location_name.as_deref().unwrap_or(&self.name)
    }
}

impl Service {
    /// Reads a service from an OpenAPI document in the project's dialect.
    pub fn from_openapi(doc: &Value) -> Result<Service, Error> {
        let root = obj(doc, "document")?;
        let info = obj(get(root, "info", "document")?, "info")?;
        let aws = obj(get(root, "x-aws-service", "document")?, "x-aws-service")?;
        let protocol = match str_of(aws, "protocol", "x-aws-service")? {
            "json" => Protocol::Json,
            "rest-json" => Protocol::RestJson,
            other => return Err(Error::new(format!("unsupported protocol `{other}`"))),
        };
        let target_prefix = aws
            .get("targetPrefix")
            .and_then(Value::as_str)
            .map(str::to_owned);
        if protocol == Protocol::Json && target_prefix.is_none() {
            return Err(Error::new(
                "a JSON-protocol service needs x-aws-service.targetPrefix",
            ));
        }
        let schemas = root
            .get("components")
            .and_then(|c| c.get("schemas"))
            .and_then(Value::as_object)
            .ok_or_else(|| Error::new("document has no components.schemas"))?;
        let mut shapes = BTreeMap::new();
        for (name, schema) in schemas {
            shapes.insert(name.clone(), read_shape(name, schema)?);
        }
        let mut operations = Vec::new();
        let paths = obj(get(root, "paths", "document")?, "paths")?;
        for (path, item) in paths {
            for (method, op) in obj(item, path)? {
                if method.starts_with("x-") || method == "parameters" {
                    continue;
                }
                let (operation, synthesized) = read_operation(protocol, path, method, op)?;
                if let Some(shape) = synthesized {
                    shapes.insert(shape.name.clone(), shape);
                }
                operations.push(operation);
            }
        }
        let service = Service {
            title: str_of(info, "title", "info")?.to_owned(),
            doc: info
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            protocol,
            target_prefix,
            signing_name: str_of(aws, "signingName", "x-aws-service")?.to_owned(),
            operations,
            shapes,
        };
        service.validate()?;
        Ok(service)
    }

    /// The shape called `name`.
    pub fn shape(&self, name: &str) -> Result<&Shape, Error> {
        self.shapes
            .get(name)
            .ok_or_else(|| Error::new(format!("unknown shape `{name}`")))
    }

    /// The structure called `name`.
    pub fn structure(&self, name: &str) -> Result<&Structure, Error> {
        match &self.shape(name)?.kind {
            ShapeKind::Structure(s) => Ok(s),
            _ => Err(Error::new(format!("shape `{name}` is not a structure"))),
        }
    }

    /// Checks that every reference resolves, so the emitters can rely on it.
    fn validate(&self) -> Result<(), Error> {
        for shape in self.shapes.values() {
            let refs: Vec<&str> = match &shape.kind {
                ShapeKind::Structure(s) => s.members.iter().map(|m| m.target.as_str()).collect(),
                ShapeKind::List(item) => vec![item],
                ShapeKind::Map(k, v) => vec![k, v],
                _ => Vec::new(),
            };
            for r in refs {
                self.shape(r)
                    .map_err(|e| e.context(&format!("in shape `{}`", shape.name)))?;
            }
        }
        for op in &self.operations {
            let ctx = format!("in operation `{}`", op.name);
            for s in op.input.iter().chain(&op.output).chain(&op.errors) {
                self.structure(s).map_err(|e| e.context(&ctx))?;
            }
            for e in &op.errors {
                if self.structure(e)?.exception.is_none() {
                    return Err(Error::new(format!(
                        "{ctx}: error `{e}` is not an exception shape"
                    )));
                }
            }
        }
        Ok(())
    }
}

/// Reads one operation. A REST operation without a request body has its input only as `parameters`; its
/// input structure is then built from them and returned for the shape table.
fn read_operation(
    protocol: Protocol,
    path: &str,
    method: &str,
    op: &Value,
) -> Result<(Operation, Option<Shape>), Error> {
    let op = obj(op, path)?;
    let name = str_of(op, "operationId", path)?.to_owned();
    let ctx = format!("operation `{name}`");
    let signed = match op.get("security").and_then(Value::as_array) {
        Some(list) => !list.is_empty(),
        None => true,
    };
    let mut input = op
        .get("requestBody")
        .and_then(|b| b.get("content"))
        .and_then(first_schema_ref)
        .map(str::to_owned);
    let mut synthesized = None;
    let params = op
        .get("parameters")
        .and_then(Value::as_array)
        .filter(|p| !p.is_empty());
    if let (None, Some(params)) = (&input, params) {
        let shape = input_from_parameters(&name, params)?;
        input = Some(shape.name.clone());
        synthesized = Some(shape);
    }
    let responses = obj(get(op, "responses", &ctx)?, &ctx)?;
    let mut output = None;
    let mut success_status = 200;
    let mut errors: Vec<String> = Vec::new();
    for (status, response) in responses {
        let content = response.get("content");
        if status.starts_with('2') {
            success_status = status.parse().unwrap_or(200);
            output = content.and_then(first_schema_ref).map(str::to_owned);
            continue;
        }
        let one_of = content
            .and_then(Value::as_object)
            .and_then(|c| c.values().next())
            .and_then(|m| m.get("schema"))
            .and_then(|s| s.get("oneOf"))
            .and_then(Value::as_array);
        for alt in one_of.into_iter().flatten() {
            let r =
                ref_name(alt).ok_or_else(|| Error::new(format!("{ctx}: error without $ref")))?;
            if !errors.iter().any(|e| e == r) {
                errors.push(r.to_owned());
            }
        }
    }
    let http = match protocol {
        Protocol::Json => None,
        Protocol::RestJson => {
            let (path_only, query) = match path.split_once('?') {
                Some((p, q)) => (p, q),
                None => (path, ""),
            };
            let fixed_query = query
                .split('&')
                .filter(|kv| !kv.is_empty())
                .map(|kv| match kv.split_once('=') {
                    Some((k, v)) => (k.to_owned(), v.to_owned()),
                    None => (kv.to_owned(), String::new()),
                })
                .collect();
            Some(HttpBinding {
                method: method.to_ascii_uppercase(),
                path: path_only.to_owned(),
                fixed_query,
                success_status,
            })
        }
    };
    let paginator = match op.get("x-aws-paginator").and_then(Value::as_object) {
        None => None,
        Some(p) => Some(Paginator {
            input_token: single_str(p, "inputToken", &ctx)?,
            output_token: single_str(p, "outputToken", &ctx)?,
            limit_key: p.get("limitKey").and_then(Value::as_str).map(str::to_owned),
            result_key: match p.get("resultKey") {
                None => None,
                Some(_) => Some(single_str(p, "resultKey", &ctx)?),
            },
        }),
    };
    let operation = Operation {
        doc: op
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        deprecated: op
            .get("deprecated")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        name,
        signed,
        input,
        output,
        errors,
        http,
        paginator,
    };
    Ok((operation, synthesized))
}

/// The input structure of a REST operation whose members are all parameters.
fn input_from_parameters(op: &str, params: &[Value]) -> Result<Shape, Error> {
    let ctx = format!("operation `{op}`");
    let mut structure = Structure::default();
    for p in params {
        let p = obj(p, &ctx)?;
        let wire = str_of(p, "name", &ctx)?;
        let member = p
            .get("x-aws-member")
            .and_then(Value::as_str)
            .unwrap_or(wire);
        let location = match str_of(p, "in", &ctx)? {
            "path" => Location::Uri,
            "query" => Location::Query,
            "header" => Location::Header,
            other => {
                return Err(Error::new(format!(
                    "{ctx}: parameter `{wire}` in `{other}`"
                )))
            }
        };
        let target = p.get("schema").and_then(ref_name).ok_or_else(|| {
            Error::new(format!("{ctx}: parameter `{wire}` without a schema $ref"))
        })?;
        if p.get("required").and_then(Value::as_bool) == Some(true) {
            structure.required.push(member.to_owned());
        }
        structure.members.push(Member {
            name: member.to_owned(),
            target: target.to_owned(),
            doc: p
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            deprecated: p
                .get("deprecated")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            deprecated_message: None,
            location,
            location_name: Some(wire.to_owned()).filter(|w| w != member),
        });
    }
    Ok(Shape {
        name: format!("{op}Parameters"),
        doc: String::new(),
        sensitive: false,
        deprecated: false,
        maximum: None,
        minimum: None,
        kind: ShapeKind::Structure(structure),
    })
}

/// A paginator key that botocore may give as a string or a list; the generator uses the first.
fn single_str(p: &Map<String, Value>, key: &str, ctx: &str) -> Result<String, Error> {
    match p.get(key) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(Value::Array(a)) => a
            .first()
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| Error::new(format!("{ctx}: empty paginator `{key}`"))),
        _ => Err(Error::new(format!("{ctx}: paginator without `{key}`"))),
    }
}

fn read_shape(name: &str, schema: &Value) -> Result<Shape, Error> {
    let s = obj(schema, name)?;
    let ctx = format!("schema `{name}`");
    let ty = s.get("type").and_then(Value::as_str);
    let format = s.get("format").and_then(Value::as_str);
    let kind = if s.get("x-aws-document").and_then(Value::as_bool) == Some(true) {
        ShapeKind::Document
    } else {
        match ty {
            Some("object") if s.contains_key("additionalProperties") => {
                let key = s
                    .get("propertyNames")
                    .and_then(ref_name)
                    .unwrap_or("String");
                let value = s
                    .get("additionalProperties")
                    .and_then(ref_name)
                    .ok_or_else(|| Error::new(format!("{ctx}: map value without $ref")))?;
                ShapeKind::Map(key.to_owned(), value.to_owned())
            }
            Some("object") => ShapeKind::Structure(read_structure(s, &ctx)?),
            Some("array") => {
                let item = s
                    .get("items")
                    .and_then(ref_name)
                    .ok_or_else(|| Error::new(format!("{ctx}: list items without $ref")))?;
                ShapeKind::List(item.to_owned())
            }
            Some("string") if format == Some("byte") => ShapeKind::Blob,
            Some("string") => {
                ShapeKind::String(s.get("enum").and_then(Value::as_array).map(|values| {
                    values
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                }))
            }
            Some("integer") if format == Some("int64") => ShapeKind::Long,
            Some("integer") => ShapeKind::Integer,
            Some("boolean") => ShapeKind::Boolean,
            Some("number") if s.contains_key("x-aws-timestamp-format") => ShapeKind::Timestamp,
            Some("number") if format == Some("float") => ShapeKind::Float,
            Some("number") => ShapeKind::Double,
            other => return Err(Error::new(format!("{ctx}: unsupported type {other:?}"))),
        }
    };
    Ok(Shape {
        name: name.to_owned(),
        doc: s
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        sensitive: format == Some("password")
            || s.get("x-aws-sensitive").and_then(Value::as_bool) == Some(true),
        deprecated: s
            .get("deprecated")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        maximum: s.get("maximum").and_then(Value::as_i64),
        minimum: s.get("minimum").and_then(Value::as_i64),
        kind,
    })
}

fn read_structure(s: &Map<String, Value>, ctx: &str) -> Result<Structure, Error> {
    let mut members = Vec::new();
    if let Some(props) = s.get("properties").and_then(Value::as_object) {
        for (name, m) in props {
            let target = ref_name(m)
                .ok_or_else(|| Error::new(format!("{ctx}: member `{name}` without $ref")))?;
            let location = match m.get("x-aws-location").and_then(Value::as_str) {
                None => Location::Body,
                Some("uri") => Location::Uri,
                Some("querystring") => Location::Query,
                Some("header") => Location::Header,
                Some("headers") => Location::Headers,
                Some("statusCode") => Location::StatusCode,
                Some(other) => {
                    return Err(Error::new(format!("{ctx}: unknown location `{other}`")))
                }
            };
            members.push(Member {
                name: name.clone(),
                target: target.to_owned(),
                doc: m
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                deprecated: m
                    .get("deprecated")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
                deprecated_message: m
                    .get("x-aws-deprecated-message")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                location,
                location_name: m
                    .get("x-aws-location-name")
                    .and_then(Value::as_str)
                    .filter(|n| *n != name)
                    .map(str::to_owned),
            });
        }
    }
    let required = s
        .get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let exception = s
        .get("x-aws-exception")
        .and_then(Value::as_object)
        .map(|e| Exception {
            code: e
                .get("code")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            http_status: e
                .get("httpStatusCode")
                .and_then(Value::as_u64)
                .and_then(|v| u16::try_from(v).ok()),
            fault: e.get("fault").and_then(Value::as_bool).unwrap_or(false),
        });
    Ok(Structure {
        members,
        required,
        exception,
    })
}

/// The schema name a `{"$ref": "#/components/schemas/X"}` points to.
fn ref_name(v: &Value) -> Option<&str> {
    v.get("$ref")?
        .as_str()?
        .strip_prefix("#/components/schemas/")
}

/// The `$ref` of the first media type of a `content` object.
fn first_schema_ref(content: &Value) -> Option<&str> {
    ref_name(content.as_object()?.values().next()?.get("schema")?)
}

fn obj<'a>(v: &'a Value, ctx: &str) -> Result<&'a Map<String, Value>, Error> {
    v.as_object()
        .ok_or_else(|| Error::new(format!("{ctx}: expected an object")))
}

fn get<'a>(m: &'a Map<String, Value>, key: &str, ctx: &str) -> Result<&'a Value, Error> {
    m.get(key)
        .ok_or_else(|| Error::new(format!("{ctx}: missing `{key}`")))
}

fn str_of<'a>(m: &'a Map<String, Value>, key: &str, ctx: &str) -> Result<&'a str, Error> {
    get(m, key, ctx)?
        .as_str()
        .ok_or_else(|| Error::new(format!("{ctx}: `{key}` is not a string")))
}
