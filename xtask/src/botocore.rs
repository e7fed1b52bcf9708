//! Reading a botocore `service-2.json` model into typed Rust values.
//!
//! The reader is strict: every key of every object must be one it knows, so that nothing in a model is
//! silently dropped. Keys that are read but deliberately not carried into the OpenAPI document (such as a
//! member's `box`) are listed in `spec/DIALECT.md` under "Importer notes".

use crate::error::{bail, Context, Error, Result};
use serde_json::{Map, Number, Value};
use std::collections::BTreeMap;

/// A whole botocore service model.
#[derive(Debug, Clone)]
pub struct Service {
    /// The `metadata` object.
    pub metadata: Metadata,
    /// The service documentation (HTML).
    pub documentation: Option<String>,
    /// The operations, in model order.
    pub operations: Vec<Operation>,
    /// The shapes, by name.
    pub shapes: BTreeMap<String, Shape>,
}

/// The wire protocol of a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// `json`: every operation is `POST /` with an `X-Amz-Target` header.
    Json,
    /// `rest-json`: operations have their own method and URI template.
    RestJson,
}

impl Protocol {
    /// The protocol's name in the model.
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Json => "json",
            Protocol::RestJson => "rest-json",
        }
    }
}

/// The `metadata` object of a model.
#[derive(Debug, Clone)]
pub struct Metadata {
    /// `apiVersion`, e.g. `2016-04-18`.
    pub api_version: String,
    /// `endpointPrefix`, e.g. `cognito-idp`.
    pub endpoint_prefix: String,
    /// `jsonVersion`, e.g. `1.1`.
    pub json_version: Option<String>,
    /// `protocol`.
    pub protocol: Protocol,
    /// `serviceFullName`.
    pub service_full_name: String,
    /// `serviceId`.
    pub service_id: String,
    /// `signingName`, when it differs from the endpoint prefix.
    pub signing_name: Option<String>,
    /// `targetPrefix` (JSON protocol).
    pub target_prefix: Option<String>,
}

/// The `http` object of an operation.
#[derive(Debug, Clone)]
pub struct Http {
    /// The HTTP method, upper-case as in the model.
    pub method: String,
    /// The request URI template, e.g. `/identitypools/{IdentityPoolId}`.
    pub request_uri: String,
    /// The status code of a successful response, when the model gives one.
    pub response_code: Option<u16>,
}

/// One operation of a model.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The operation name, e.g. `AdminGetUser`.
    pub name: String,
    /// Method and URI.
    pub http: Http,
    /// The input shape's name.
    pub input: Option<String>,
    /// The output shape's name.
    pub output: Option<String>,
    /// The error shapes' names, in model order.
    pub errors: Vec<String>,
    /// The documentation (HTML).
    pub documentation: Option<String>,
    /// `true` when the operation is sent without a signature (`authtype: none` / `smithy.api#noAuth`).
    pub unsigned: bool,
    /// `deprecated`.
    pub deprecated: bool,
    /// `deprecatedMessage`.
    pub deprecated_message: Option<String>,
    /// `readonly`.
    pub readonly: bool,
}

/// Where a REST member is bound in the HTTP message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// A URI label.
    Uri,
    /// A query-string parameter.
    Querystring,
    /// One header.
    Header,
    /// All headers with a prefix (a map).
    Headers,
    /// The response status code.
    StatusCode,
}

impl Location {
    /// The location's name in the model.
    pub fn name(self) -> &'static str {
        match self {
            Location::Uri => "uri",
            Location::Querystring => "querystring",
            Location::Header => "header",
            Location::Headers => "headers",
            Location::StatusCode => "statusCode",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "uri" => Location::Uri,
            "querystring" => Location::Querystring,
            "header" => Location::Header,
            "headers" => Location::Headers,
            "statusCode" => Location::StatusCode,
            other => bail!("unknown location {other:?}"),
        })
    }
}

/// A member of a structure.
#[derive(Debug, Clone)]
pub struct Member {
    /// The member name.
    pub name: String,
    /// The target shape's name.
    pub shape: String,
    /// The documentation (HTML).
    pub documentation: Option<String>,
    /// The HTTP binding (REST protocols).
    pub location: Option<Location>,
    /// `locationName`: the header/label/query name, or the JSON key of a body member.
    pub location_name: Option<String>,
    /// `deprecated`.
    pub deprecated: bool,
    /// `deprecatedMessage`.
    pub deprecated_message: Option<String>,
}

/// The `error` object and `exception`/`fault` flags of an exception structure.
#[derive(Debug, Clone, Default)]
pub struct Exception {
    /// `error.code`.
    pub code: Option<String>,
    /// `error.httpStatusCode`.
    pub http_status_code: Option<u16>,
    /// `error.senderFault`.
    pub sender_fault: Option<bool>,
    /// `fault`.
    pub fault: Option<bool>,
}

/// A structure shape.
#[derive(Debug, Clone, Default)]
pub struct Structure {
    /// The members, in model order.
    pub members: Vec<Member>,
    /// The names of the required members.
    pub required: Vec<String>,
    /// Set on exception shapes.
    pub exception: Option<Exception>,
    /// `document: true`: any JSON value.
    pub document: bool,
}

/// Inclusive bounds (`min`/`max`), kept as the model's JSON numbers.
#[derive(Debug, Clone, Default)]
pub struct Bounds {
    /// `min`.
    pub min: Option<Number>,
    /// `max`.
    pub max: Option<Number>,
}

/// What a shape is.
#[derive(Debug, Clone)]
pub enum ShapeKind {
    /// `structure`.
    Structure(Structure),
    /// `string`.
    String {
        /// Length bounds.
        bounds: Bounds,
        /// `pattern`.
        pattern: Option<String>,
        /// `enum`, in model order.
        enum_values: Vec<String>,
    },
    /// `integer`.
    Integer(Bounds),
    /// `long`.
    Long(Bounds),
    /// `boolean`.
    Boolean,
    /// `double`.
    Double(Bounds),
    /// `float`.
    Float(Bounds),
    /// `timestamp`, with the model's `timestampFormat` if any.
    Timestamp(Option<String>),
    /// `blob`, with length bounds.
    Blob(Bounds),
    /// `list`.
    List {
        /// The element shape.
        member: String,
        /// Item-count bounds.
        bounds: Bounds,
    },
    /// `map`.
    Map {
        /// The key shape.
        key: String,
        /// The value shape.
        value: String,
        /// Entry-count bounds.
        bounds: Bounds,
    },
}

/// One shape of a model.
#[derive(Debug, Clone)]
pub struct Shape {
    /// The shape name.
    pub name: String,
    /// Type and type-specific data.
    pub kind: ShapeKind,
    /// The documentation (HTML).
    pub documentation: Option<String>,
    /// `sensitive`.
    pub sensitive: bool,
    /// `deprecated`.
    pub deprecated: bool,
    /// `deprecatedMessage`.
    pub deprecated_message: Option<String>,
}

/// Parses the text of a `service-2.json` file.
pub fn parse_service(text: &str) -> Result<Service> {
    let root: Value = serde_json::from_str(text).context("invalid JSON")?;
    let root = Obj::new(&root, "model")?;
    root.check_keys(&[
        "version",
        "metadata",
        "operations",
        "shapes",
        "documentation",
    ])?;
    match root.opt_str("version")? {
        None | Some("2.0") => {}
        Some(other) => bail!("model: unsupported version {other:?}"),
    }
    let metadata = parse_metadata(&root.obj("metadata")?)?;
    let documentation = root.opt_string("documentation")?;

    let mut operations = Vec::new();
    for (name, value) in root.obj("operations")?.entries() {
        let op =
            parse_operation(name, value).map_err(|e| e.context(format!("operation {name}")))?;
        operations.push(op);
    }
    let mut shapes = BTreeMap::new();
    for (name, value) in root.obj("shapes")?.entries() {
        let shape = parse_shape(name, value).map_err(|e| e.context(format!("shape {name}")))?;
        shapes.insert(name.clone(), shape);
    }
    let service = Service {
        metadata,
        documentation,
        operations,
        shapes,
    };
    check_references(&service)?;
    Ok(service)
}

fn parse_metadata(m: &Obj) -> Result<Metadata> {
    m.check_keys(&[
        "apiVersion",
        "endpointPrefix",
        "jsonVersion",
        "protocol",
        "protocols",
        "serviceFullName",
        "serviceId",
        "signatureVersion",
        "signingName",
        "targetPrefix",
        "uid",
        "auth",
    ])?;
    let protocol = match m.str("protocol")? {
        "json" => Protocol::Json,
        "rest-json" => Protocol::RestJson,
        other => bail!("metadata: unsupported protocol {other:?}"),
    };
    if let Some(list) = m.opt_array("protocols")? {
        if !list.iter().any(|p| p.as_str() == Some(protocol.name())) {
            bail!("metadata: protocols does not list {:?}", protocol.name());
        }
    }
    if let Some(v) = m.opt_str("signatureVersion")? {
        if v != "v4" {
            bail!("metadata: unsupported signatureVersion {v:?}");
        }
    }
    if let Some(auth) = m.opt_array("auth")? {
        if auth.iter().any(|a| a.as_str() != Some("aws.auth#sigv4")) {
            bail!("metadata: unsupported auth {auth:?}");
        }
    }
    let target_prefix = m.opt_string("targetPrefix")?;
    if protocol == Protocol::Json && target_prefix.is_none() {
        bail!("metadata: json protocol without targetPrefix");
    }
    Ok(Metadata {
        api_version: m.string("apiVersion")?,
        endpoint_prefix: m.string("endpointPrefix")?,
        json_version: m.opt_string("jsonVersion")?,
        protocol,
        service_full_name: m.string("serviceFullName")?,
        service_id: m.string("serviceId")?,
        signing_name: m.opt_string("signingName")?,
        target_prefix,
    })
}

fn parse_operation(name: &str, value: &Value) -> Result<Operation> {
    let o = Obj::new(value, "operation")?;
    o.check_keys(&[
        "name",
        "http",
        "input",
        "output",
        "errors",
        "documentation",
        "authtype",
        "auth",
        "readonly",
        "deprecated",
        "deprecatedMessage",
    ])?;
    if o.str("name")? != name {
        bail!("name {:?} differs from its key", o.str("name")?);
    }
    let http = o.obj("http")?;
    http.check_keys(&["method", "requestUri", "responseCode"])?;
    let response_code = match http.opt_u64("responseCode")? {
        None => None,
        Some(code) => Some(status_code(code)?),
    };
    let http = Http {
        method: http.string("method")?,
        request_uri: http.string("requestUri")?,
        response_code,
    };
    let shape_ref = |key: &str| -> Result<Option<String>> {
        match o.opt_obj(key)? {
            None => Ok(None),
            Some(r) => {
                r.check_keys(&["shape"])?;
                Ok(Some(r.string("shape")?))
            }
        }
    };
    let mut errors = Vec::new();
    for e in o.opt_array("errors")?.unwrap_or(&[]) {
        let e = Obj::new(e, "errors[]")?;
        e.check_keys(&["shape"])?;
        errors.push(e.string("shape")?);
    }
    let no_auth_type = match o.opt_str("authtype")? {
        None => false,
        Some("none") => true,
        Some(other) => bail!("unsupported authtype {other:?}"),
    };
    let no_auth = match o.opt_array("auth")? {
        None => None,
        Some(list) => {
            let names: Vec<_> = list.iter().map(|v| v.as_str()).collect();
            match names.as_slice() {
                [Some("smithy.api#noAuth")] => Some(true),
                [Some("aws.auth#sigv4")] => Some(false),
                _ => bail!("unsupported auth {list:?}"),
            }
        }
    };
    if let Some(no_auth) = no_auth {
        if no_auth != no_auth_type && o.has("authtype") {
            bail!("authtype and auth disagree");
        }
    }
    Ok(Operation {
        name: name.to_owned(),
        http,
        input: shape_ref("input")?,
        output: shape_ref("output")?,
        errors,
        documentation: o.opt_string("documentation")?,
        unsigned: no_auth_type || no_auth == Some(true),
        deprecated: o.opt_bool("deprecated")?.unwrap_or(false),
        deprecated_message: o.opt_string("deprecatedMessage")?,
        readonly: o.opt_bool("readonly")?.unwrap_or(false),
    })
}

fn parse_shape(name: &str, value: &Value) -> Result<Shape> {
    let s = Obj::new(value, "shape")?;
    const COMMON: [&str; 5] = [
        "type",
        "documentation",
        "sensitive",
        "deprecated",
        "deprecatedMessage",
    ];
    let allowed = |extra: &[&str]| -> Result<()> {
        let keys: Vec<&str> = COMMON.iter().chain(extra).copied().collect();
        s.check_keys(&keys)
    };
    let bounds = || -> Result<Bounds> {
        Ok(Bounds {
            min: s.opt_number("min")?,
            max: s.opt_number("max")?,
        })
    };
    let kind = match s.str("type")? {
        "structure" => {
            allowed(&[
                "members",
                "required",
                "exception",
                "error",
                "fault",
                "document",
            ])?;
            ShapeKind::Structure(parse_structure(&s)?)
        }
        "string" => {
            allowed(&["min", "max", "pattern", "enum"])?;
            let mut enum_values = Vec::new();
            for v in s.opt_array("enum")?.unwrap_or(&[]) {
                match v.as_str() {
                    Some(v) => enum_values.push(v.to_owned()),
                    None => bail!("enum value {v} is not a string"),
                }
            }
            ShapeKind::String {
                bounds: bounds()?,
                pattern: s.opt_string("pattern")?,
                enum_values,
            }
        }
        "integer" => {
            allowed(&["min", "max"])?;
            ShapeKind::Integer(bounds()?)
        }
        "long" => {
            allowed(&["min", "max"])?;
            ShapeKind::Long(bounds()?)
        }
        "double" => {
            allowed(&["min", "max"])?;
            ShapeKind::Double(bounds()?)
        }
        "float" => {
            allowed(&["min", "max"])?;
            ShapeKind::Float(bounds()?)
        }
        "boolean" => {
            allowed(&[])?;
            ShapeKind::Boolean
        }
        "timestamp" => {
            allowed(&["timestampFormat"])?;
            ShapeKind::Timestamp(s.opt_string("timestampFormat")?)
        }
        "blob" => {
            allowed(&["min", "max"])?;
            ShapeKind::Blob(bounds()?)
        }
        "list" => {
            allowed(&["member", "min", "max"])?;
            ShapeKind::List {
                member: target(&s, "member")?,
                bounds: bounds()?,
            }
        }
        "map" => {
            allowed(&["key", "value", "min", "max"])?;
            ShapeKind::Map {
                key: target(&s, "key")?,
                value: target(&s, "value")?,
                bounds: bounds()?,
            }
        }
        other => bail!("unsupported type {other:?}"),
    };
    Ok(Shape {
        name: name.to_owned(),
        kind,
        documentation: s.opt_string("documentation")?,
        sensitive: s.opt_bool("sensitive")?.unwrap_or(false),
        deprecated: s.opt_bool("deprecated")?.unwrap_or(false),
        deprecated_message: s.opt_string("deprecatedMessage")?,
    })
}

/// The `shape` of a list's `member` or a map's `key`/`value`.
fn target(s: &Obj, key: &str) -> Result<String> {
    let r = s.obj(key)?;
    r.check_keys(&["shape"]).map_err(|e| e.context(key))?;
    r.string("shape").map_err(|e| e.context(key))
}

fn parse_structure(s: &Obj) -> Result<Structure> {
    let mut members = Vec::new();
    for (name, value) in s.obj("members")?.entries() {
        let m = Obj::new(value, "member")?;
        m.check_keys(&[
            "shape",
            "documentation",
            "location",
            "locationName",
            "deprecated",
            "deprecatedMessage",
            "box",
        ])
        .map_err(|e| e.context(format!("member {name}")))?;
        let location = match m.opt_str("location")? {
            None => None,
            Some(l) => Some(Location::parse(l).map_err(|e| e.context(format!("member {name}")))?),
        };
        members.push(Member {
            name: name.clone(),
            shape: m.string("shape")?,
            documentation: m.opt_string("documentation")?,
            location,
            location_name: m.opt_string("locationName")?,
            deprecated: m.opt_bool("deprecated")?.unwrap_or(false),
            deprecated_message: m.opt_string("deprecatedMessage")?,
        });
    }
    let mut required = Vec::new();
    for r in s.opt_array("required")?.unwrap_or(&[]) {
        let Some(r) = r.as_str() else {
            bail!("required: {r} is not a string")
        };
        if !members.iter().any(|m| m.name == r) {
            bail!("required member {r:?} does not exist");
        }
        required.push(r.to_owned());
    }
    let is_exception = s.opt_bool("exception")?.unwrap_or(false);
    let fault = s.opt_bool("fault")?;
    let error = s.opt_obj("error")?;
    if !is_exception && (fault.is_some() || error.is_some()) {
        bail!("fault/error on a shape that is not an exception");
    }
    let exception = if is_exception {
        let mut e = Exception {
            fault,
            ..Exception::default()
        };
        if let Some(error) = error {
            error
                .check_keys(&["code", "httpStatusCode", "senderFault"])
                .map_err(|e| e.context("error"))?;
            e.code = error.opt_string("code")?;
            e.http_status_code = match error.opt_u64("httpStatusCode")? {
                None => None,
                Some(code) => Some(status_code(code)?),
            };
            e.sender_fault = error.opt_bool("senderFault")?;
        }
        Some(e)
    } else {
        None
    };
    let document = s.opt_bool("document")?.unwrap_or(false);
    if document && !members.is_empty() {
        bail!("document structure with members");
    }
    Ok(Structure {
        members,
        required,
        exception,
        document,
    })
}

fn status_code(code: u64) -> Result<u16> {
    match u16::try_from(code) {
        Ok(c) if (100..=599).contains(&c) => Ok(c),
        _ => bail!("invalid HTTP status code {code}"),
    }
}

/// Checks that every shape a model names exists.
fn check_references(service: &Service) -> Result<()> {
    let exists = |name: &str, what: &dyn std::fmt::Display| -> Result<()> {
        if service.shapes.contains_key(name) {
            Ok(())
        } else {
            bail!("{what}: unknown shape {name:?}")
        }
    };
    for op in &service.operations {
        let what = format!("operation {}", op.name);
        for name in op.input.iter().chain(&op.output).chain(&op.errors) {
            exists(name, &what)?;
        }
        for e in &op.errors {
            if !matches!(service.shapes.get(e).map(|s| &s.kind), Some(ShapeKind::Structure(s)) if s.exception.is_some())
            {
                bail!("{what}: error {e} is not an exception structure");
            }
        }
    }
    for shape in service.shapes.values() {
        let what = format!("shape {}", shape.name);
        match &shape.kind {
            ShapeKind::Structure(s) => {
                for m in &s.members {
                    exists(&m.shape, &what)?;
                }
            }
            ShapeKind::List { member, .. } => exists(member, &what)?,
            ShapeKind::Map { key, value, .. } => {
                exists(key, &what)?;
                exists(value, &what)?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// A JSON object with typed, error-reporting accessors.
struct Obj<'a> {
    map: &'a Map<String, Value>,
    what: String,
}

impl<'a> Obj<'a> {
    fn new(value: &'a Value, what: &str) -> Result<Self> {
        match value.as_object() {
            Some(map) => Ok(Obj {
                map,
                what: what.to_owned(),
            }),
            None => bail!("{what} is not an object"),
        }
    }

    fn check_keys(&self, known: &[&str]) -> Result<()> {
        for key in self.map.keys() {
            if !known.contains(&key.as_str()) {
                bail!("{}: unsupported key {key:?}", self.what);
            }
        }
        Ok(())
    }

    fn has(&self, key: &str) -> bool {
        self.map.contains_key(key)
    }

    fn entries(&self) -> impl Iterator<Item = (&'a String, &'a Value)> {
        self.map.iter()
    }

    fn get(&self, key: &str) -> Result<&'a Value> {
        self.map
            .get(key)
            .ok_or_else(|| Error::new(format!("{}: missing {key:?}", self.what)))
    }

    fn wrong(&self, key: &str, expected: &str) -> Error {
        Error::new(format!("{}: {key:?} is not {expected}", self.what))
    }

    fn obj(&self, key: &str) -> Result<Obj<'a>> {
        let v = self.get(key)?;
        v.as_object()
            .map(|map| Obj {
                map,
                what: key.to_owned(),
            })
            .ok_or_else(|| self.wrong(key, "an object"))
    }

    fn opt_obj(&self, key: &str) -> Result<Option<Obj<'a>>> {
        if self.has(key) {
            self.obj(key).map(Some)
        } else {
            Ok(None)
        }
    }

    fn str(&self, key: &str) -> Result<&'a str> {
        self.get(key)?
            .as_str()
            .ok_or_else(|| self.wrong(key, "a string"))
    }

    fn string(&self, key: &str) -> Result<String> {
        self.str(key).map(str::to_owned)
    }

    fn opt_str(&self, key: &str) -> Result<Option<&'a str>> {
        match self.map.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_str()
                .map(Some)
                .ok_or_else(|| self.wrong(key, "a string")),
        }
    }

    fn opt_string(&self, key: &str) -> Result<Option<String>> {
        Ok(self.opt_str(key)?.map(str::to_owned))
    }

    fn opt_bool(&self, key: &str) -> Result<Option<bool>> {
        match self.map.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_bool()
                .map(Some)
                .ok_or_else(|| self.wrong(key, "a boolean")),
        }
    }

    fn opt_u64(&self, key: &str) -> Result<Option<u64>> {
        match self.map.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_u64()
                .map(Some)
                .ok_or_else(|| self.wrong(key, "an unsigned integer")),
        }
    }

    fn opt_number(&self, key: &str) -> Result<Option<Number>> {
        match self.map.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => Ok(Some(n.clone())),
            Some(_) => Err(self.wrong(key, "a number")),
        }
    }

    fn opt_array(&self, key: &str) -> Result<Option<&'a [Value]>> {
        match self.map.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_array()
                .map(|a| Some(a.as_slice()))
                .ok_or_else(|| self.wrong(key, "an array")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_unknown_keys() {
        let text = r#"{"metadata": {"apiVersion": "1", "endpointPrefix": "x", "protocol": "json",
            "targetPrefix": "X", "serviceFullName": "X", "serviceId": "X"},
            "operations": {}, "shapes": {"S": {"type": "string", "jsonvalue": true}}}"#;
        let err = parse_service(text).unwrap_err().to_string();
        assert_eq!(err, "shape S: shape: unsupported key \"jsonvalue\"");
    }

    #[test]
    fn rejects_dangling_references() {
        let text = r#"{"metadata": {"apiVersion": "1", "endpointPrefix": "x", "protocol": "json",
            "targetPrefix": "X", "serviceFullName": "X", "serviceId": "X"},
            "operations": {}, "shapes": {"L": {"type": "list", "member": {"shape": "Missing"}}}}"#;
        let err = parse_service(text).unwrap_err().to_string();
        assert_eq!(err, "shape L: unknown shape \"Missing\"");
    }
}
