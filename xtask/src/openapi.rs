//! Building the OpenAPI 3.1 document of one service, in the dialect of `spec/DIALECT.md`.
//!
//! Object keys are inserted in the order the dialect gives them (`serde_json` keeps insertion order), and
//! schemas are emitted sorted by shape name, so the output is deterministic.

use crate::botocore::{
    Bounds, Location, Member, Operation, Protocol, Service, Shape, ShapeKind, Structure,
};
use crate::error::{bail, Result};
use crate::markdown::html_to_markdown;
use crate::paginators::Paginator;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// Builds the OpenAPI document of `service` with its paginators.
pub fn build(service: &Service, paginators: &[Paginator]) -> Result<Value> {
    let meta = &service.metadata;
    for p in paginators {
        if !service.operations.iter().any(|op| op.name == p.operation) {
            bail!("paginator for unknown operation {:?}", p.operation);
        }
    }
    let content_type = match meta.protocol {
        Protocol::Json => match &meta.json_version {
            Some(v) => format!("application/x-amz-json-{v}"),
            None => bail!("json protocol without jsonVersion"),
        },
        Protocol::RestJson => "application/json".to_owned(),
    };
    let ctx = Ctx {
        service,
        content_type,
    };

    let mut doc = Map::new();
    doc.insert("openapi".into(), json!("3.1.0"));

    let mut info = Map::new();
    info.insert("title".into(), json!(meta.service_full_name));
    info.insert("version".into(), json!(meta.api_version));
    insert_description(&mut info, service.documentation.as_deref());
    info.insert(
        "license".into(),
        json!({ "name": "Apache 2.0", "url": "https://www.apache.org/licenses/LICENSE-2.0" }),
    );
    doc.insert("info".into(), Value::Object(info));

    doc.insert(
        "servers".into(),
        json!([{
            "url": format!("https://{}.{{region}}.amazonaws.com", meta.endpoint_prefix),
            "variables": { "region": { "default": "us-east-1" } }
        }]),
    );

    let mut aws = Map::new();
    aws.insert("protocol".into(), json!(meta.protocol.name()));
    if meta.protocol == Protocol::Json {
        aws.insert("jsonVersion".into(), json!(meta.json_version));
        aws.insert("targetPrefix".into(), json!(meta.target_prefix));
    }
    aws.insert(
        "signingName".into(),
        json!(meta
            .signing_name
            .as_deref()
            .unwrap_or(&meta.endpoint_prefix)),
    );
    aws.insert("endpointPrefix".into(), json!(meta.endpoint_prefix));
    aws.insert("serviceId".into(), json!(meta.service_id));
    aws.insert("apiVersion".into(), json!(meta.api_version));
    doc.insert("x-aws-service".into(), Value::Object(aws));

    let mut paths = Map::new();
    for op in &service.operations {
        let paginator = paginators.iter().find(|p| p.operation == op.name);
        let (path, method, operation) = ctx
            .operation(op, paginator)
            .map_err(|e| e.context(format!("operation {}", op.name)))?;
        let item = paths
            .entry(path.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        let Value::Object(item) = item else {
            bail!("path item {path} is not an object")
        };
        if item.contains_key(&method) {
            bail!("operation {}: {method} {path} is already taken", op.name);
        }
        item.insert(method, operation);
    }
    doc.insert("paths".into(), Value::Object(paths));

    let mut schemas = Map::new();
    for (name, shape) in &service.shapes {
        schemas.insert(
            name.clone(),
            ctx.schema(shape)
                .map_err(|e| e.context(format!("shape {name}")))?,
        );
    }
    doc.insert(
        "components".into(),
        json!({
            "schemas": schemas,
            "securitySchemes": { "sigv4": { "type": "apiKey", "name": "Authorization", "in": "header",
                                            "x-amazon-apigateway-authtype": "awsSigv4" } }
        }),
    );
    Ok(Value::Object(doc))
}

/// `#/components/schemas/<name>`.
fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// Inserts `"description"` (markdown) unless the documentation is absent or converts to nothing.
fn insert_description(map: &mut Map<String, Value>, html: Option<&str>) {
    if let Some(html) = html {
        let md = html_to_markdown(html);
        if !md.is_empty() {
            map.insert("description".into(), Value::String(md));
        }
    }
}

fn insert_bounds(map: &mut Map<String, Value>, bounds: &Bounds, min_key: &str, max_key: &str) {
    if let Some(min) = &bounds.min {
        map.insert(min_key.into(), Value::Number(min.clone()));
    }
    if let Some(max) = &bounds.max {
        map.insert(max_key.into(), Value::Number(max.clone()));
    }
}

struct Ctx<'a> {
    service: &'a Service,
    content_type: String,
}

impl Ctx<'_> {
    fn shape(&self, name: &str) -> Result<&Shape> {
        match self.service.shapes.get(name) {
            Some(s) => Ok(s),
            None => bail!("unknown shape {name:?}"),
        }
    }

    fn structure(&self, name: &str) -> Result<&Structure> {
        match &self.shape(name)?.kind {
            ShapeKind::Structure(s) => Ok(s),
            _ => bail!("shape {name} is not a structure"),
        }
    }

    /// `{ "<content type>": { "schema": <schema> } }`.
    fn content(&self, schema: Value) -> Value {
        let mut content = Map::new();
        content.insert(self.content_type.clone(), json!({ "schema": schema }));
        Value::Object(content)
    }

    /// The path key, the lower-case method and the operation object.
    fn operation(
        &self,
        op: &Operation,
        paginator: Option<&Paginator>,
    ) -> Result<(String, String, Value)> {
        let meta = &self.service.metadata;
        let mut o = Map::new();
        o.insert("operationId".into(), json!(op.name));
        insert_description(&mut o, op.documentation.as_deref());
        if op.deprecated {
            o.insert("deprecated".into(), json!(true));
        }
        if let Some(message) = &op.deprecated_message {
            o.insert("x-aws-deprecated-message".into(), json!(message));
        }
        o.insert(
            "security".into(),
            if op.unsigned {
                json!([])
            } else {
                json!([{ "sigv4": [] }])
            },
        );

        let (path, method, has_body) = match meta.protocol {
            Protocol::Json => {
                if op.http.method != "POST" || op.http.request_uri != "/" {
                    bail!(
                        "json protocol operation bound to {} {}",
                        op.http.method,
                        op.http.request_uri
                    );
                }
                let prefix = meta.target_prefix.as_deref().unwrap_or_default();
                (
                    format!("/#X-Amz-Target={prefix}.{}", op.name),
                    "post".to_owned(),
                    op.input.is_some(),
                )
            }
            Protocol::RestJson => {
                let method = op.http.method.to_ascii_lowercase();
                if !["get", "put", "post", "delete", "patch", "head", "options"]
                    .contains(&method.as_str())
                {
                    bail!("unsupported method {}", op.http.method);
                }
                let (path, query) = match op.http.request_uri.split_once('?') {
                    Some((path, query)) => (path, query),
                    None => (op.http.request_uri.as_str(), ""),
                };
                let (parameters, has_body) = self.parameters(op, path, query)?;
                if !parameters.is_empty() {
                    o.insert("parameters".into(), Value::Array(parameters));
                }
                (path.to_owned(), method, has_body)
            }
        };

        if let (Some(input), true) = (&op.input, has_body) {
            o.insert(
                "requestBody".into(),
                json!({ "required": true, "content": self.content(schema_ref(input)) }),
            );
        }
        o.insert("responses".into(), self.responses(op)?);

        if let Some(p) = paginator {
            let mut x = Map::new();
            x.insert("inputToken".into(), p.input_token.clone());
            x.insert("outputToken".into(), p.output_token.clone());
            for (key, value) in [
                ("limitKey", &p.limit_key),
                ("resultKey", &p.result_key),
                ("moreResults", &p.more_results),
                ("nonAggregateKeys", &p.non_aggregate_keys),
            ] {
                if let Some(value) = value {
                    x.insert(key.into(), value.clone());
                }
            }
            o.insert("x-aws-paginator".into(), Value::Object(x));
        }
        if op.readonly {
            o.insert("x-aws-readonly".into(), json!(true));
        }
        Ok((path, method, Value::Object(o)))
    }

    /// REST-JSON parameters, and whether the input has any member left for the body.
    fn parameters(&self, op: &Operation, path: &str, query: &str) -> Result<(Vec<Value>, bool)> {
        let mut labels = Vec::new();
        let mut rest = path;
        while let Some(start) = rest.find('{') {
            let Some(len) = rest[start..].find('}') else {
                bail!("unclosed label in {path:?}")
            };
            let label = &rest[start + 1..start + len];
            if label.ends_with('+') {
                bail!("greedy label {{{label}}} is not supported");
            }
            labels.push(label);
            rest = &rest[start + len + 1..];
        }

        let mut params = Vec::new();
        let mut has_body = false;
        let mut bound_labels = Vec::new();
        if let Some(input) = &op.input {
            let input = self.structure(input)?;
            for member in &input.members {
                let Some(location) = member.location else {
                    has_body = true;
                    continue;
                };
                let name = member.location_name.as_deref().unwrap_or(&member.name);
                let (place, required) = match location {
                    Location::Uri => {
                        if !labels.contains(&name) {
                            bail!(
                                "member {} is bound to label {{{name}}}, which {path:?} lacks",
                                member.name
                            );
                        }
                        bound_labels.push(name);
                        ("path", true)
                    }
                    Location::Querystring => ("query", input.required.contains(&member.name)),
                    Location::Header => ("header", input.required.contains(&member.name)),
                    Location::Headers | Location::StatusCode => {
                        bail!(
                            "input member {} bound to {} is not supported",
                            member.name,
                            location.name()
                        )
                    }
                };
                let mut p = Map::new();
                p.insert("name".into(), json!(name));
                p.insert("in".into(), json!(place));
                p.insert("required".into(), json!(required));
                p.insert("schema".into(), schema_ref(&member.shape));
                insert_description(&mut p, member.documentation.as_deref());
                p.insert("x-aws-member".into(), json!(member.name));
                params.push(Value::Object(p));
            }
        }
        if let Some(label) = labels.iter().find(|l| !bound_labels.contains(l)) {
            bail!("label {{{label}}} is bound to no input member");
        }
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            params.push(json!({ "name": name, "in": "query", "required": true,
                                "schema": { "type": "string", "const": value } }));
        }
        Ok((params, has_body))
    }

    fn responses(&self, op: &Operation) -> Result<Value> {
        let mut responses = Map::new();
        let success = op.http.response_code.unwrap_or(200).to_string();
        let mut ok = Map::new();
        ok.insert("description".into(), json!("Success"));
        if let Some(output) = &op.output {
            ok.insert("content".into(), self.content(schema_ref(output)));
        }
        responses.insert(success.clone(), Value::Object(ok));

        // Status key → (error code, shape name), in model order within each status. A shape listed twice
        // in `errors` (the model has one: VerifySoftwareToken) is kept once, at its first position.
        let mut groups: BTreeMap<String, Vec<(String, &str)>> = BTreeMap::new();
        for (i, name) in op.errors.iter().enumerate() {
            if op.errors[..i].contains(name) {
                continue;
            }
            let Some(e) = &self.structure(name)?.exception else {
                bail!("error {name} is not an exception")
            };
            let status = match (e.http_status_code, e.fault) {
                (Some(code), _) => code.to_string(),
                (None, Some(true)) => "5XX".to_owned(),
                (None, _) => "4XX".to_owned(),
            };
            if status == success {
                bail!("error {name} has the success status {status}");
            }
            let code = e.code.clone().unwrap_or_else(|| name.clone());
            let group = groups.entry(status).or_default();
            if let Some((_, other)) = group.iter().find(|(c, _)| *c == code) {
                bail!("errors {other} and {name} share the code {code}");
            }
            group.push((code, name));
        }
        for (status, errors) in groups {
            let one_of: Vec<Value> = errors.iter().map(|(_, name)| schema_ref(name)).collect();
            let mut mapping = Map::new();
            for (code, name) in &errors {
                mapping.insert(code.clone(), json!(format!("#/components/schemas/{name}")));
            }
            let schema = json!({ "oneOf": one_of, "discriminator": { "propertyName": "__type", "mapping": mapping } });
            responses.insert(
                status,
                json!({ "description": "Error", "content": self.content(schema) }),
            );
        }
        Ok(Value::Object(responses))
    }

    fn schema(&self, shape: &Shape) -> Result<Value> {
        let mut s = Map::new();
        let mut sensitive_flag = shape.sensitive;
        let typed = |s: &mut Map<String, Value>, ty: &str, format: Option<&str>| {
            s.insert("type".into(), json!(ty));
            if let Some(format) = format {
                s.insert("format".into(), json!(format));
            }
            insert_description(s, shape.documentation.as_deref());
        };
        let mut exception = None;
        match &shape.kind {
            ShapeKind::Structure(st) if st.document => {
                s.insert("x-aws-document".into(), json!(true));
                insert_description(&mut s, shape.documentation.as_deref());
            }
            ShapeKind::Structure(st) => {
                typed(&mut s, "object", None);
                let mut properties = Map::new();
                for m in &st.members {
                    properties.insert(m.name.clone(), self.member(m)?);
                }
                s.insert("properties".into(), Value::Object(properties));
                if !st.required.is_empty() {
                    s.insert("required".into(), json!(st.required));
                }
                if let Some(e) = &st.exception {
                    let mut x = Map::new();
                    x.insert(
                        "code".into(),
                        json!(e.code.as_deref().unwrap_or(&shape.name)),
                    );
                    if let Some(code) = e.http_status_code {
                        x.insert("httpStatusCode".into(), json!(code));
                    }
                    if let Some(sender_fault) = e.sender_fault {
                        x.insert("senderFault".into(), json!(sender_fault));
                    }
                    if let Some(fault) = e.fault {
                        x.insert("fault".into(), json!(fault));
                    }
                    exception = Some(Value::Object(x));
                }
            }
            ShapeKind::String {
                bounds,
                pattern,
                enum_values,
            } => {
                typed(&mut s, "string", shape.sensitive.then_some("password"));
                sensitive_flag = false;
                insert_bounds(&mut s, bounds, "minLength", "maxLength");
                if let Some(pattern) = pattern {
                    s.insert("pattern".into(), json!(pattern));
                }
                if !enum_values.is_empty() {
                    s.insert("enum".into(), json!(enum_values));
                }
            }
            ShapeKind::Integer(bounds) | ShapeKind::Long(bounds) => {
                let format = if matches!(shape.kind, ShapeKind::Integer(_)) {
                    "int32"
                } else {
                    "int64"
                };
                typed(&mut s, "integer", Some(format));
                insert_bounds(&mut s, bounds, "minimum", "maximum");
            }
            ShapeKind::Double(bounds) | ShapeKind::Float(bounds) => {
                let format = if matches!(shape.kind, ShapeKind::Double(_)) {
                    "double"
                } else {
                    "float"
                };
                typed(&mut s, "number", Some(format));
                insert_bounds(&mut s, bounds, "minimum", "maximum");
            }
            ShapeKind::Boolean => typed(&mut s, "boolean", None),
            ShapeKind::Timestamp(format) => {
                let format = format.as_deref().unwrap_or("epoch-seconds");
                typed(
                    &mut s,
                    if format == "epoch-seconds" {
                        "number"
                    } else {
                        "string"
                    },
                    None,
                );
                s.insert("x-aws-timestamp-format".into(), json!(format));
            }
            ShapeKind::Blob(bounds) => {
                typed(&mut s, "string", Some("byte"));
                insert_bounds(&mut s, bounds, "minLength", "maxLength");
            }
            ShapeKind::List { member, bounds } => {
                typed(&mut s, "array", None);
                s.insert("items".into(), schema_ref(member));
                insert_bounds(&mut s, bounds, "minItems", "maxItems");
            }
            ShapeKind::Map { key, value, bounds } => {
                typed(&mut s, "object", None);
                s.insert("propertyNames".into(), schema_ref(key));
                s.insert("additionalProperties".into(), schema_ref(value));
                insert_bounds(&mut s, bounds, "minProperties", "maxProperties");
            }
        }
        if shape.deprecated {
            s.insert("deprecated".into(), json!(true));
        }
        if let Some(message) = &shape.deprecated_message {
            s.insert("x-aws-deprecated-message".into(), json!(message));
        }
        if let Some(exception) = exception {
            s.insert("x-aws-exception".into(), exception);
        }
        if sensitive_flag {
            s.insert("x-aws-sensitive".into(), json!(true));
        }
        Ok(Value::Object(s))
    }

    fn member(&self, m: &Member) -> Result<Value> {
        self.shape(&m.shape)?;
        let mut v = Map::new();
        v.insert(
            "$ref".into(),
            json!(format!("#/components/schemas/{}", m.shape)),
        );
        insert_description(&mut v, m.documentation.as_deref());
        if m.deprecated {
            v.insert("deprecated".into(), json!(true));
        }
        if let Some(message) = &m.deprecated_message {
            v.insert("x-aws-deprecated-message".into(), json!(message));
        }
        match (m.location, &m.location_name) {
            (Some(location), name) => {
                v.insert("x-aws-location".into(), json!(location.name()));
                v.insert(
                    "x-aws-location-name".into(),
                    json!(name.as_deref().unwrap_or(&m.name)),
                );
            }
            (None, Some(name)) if *name != m.name => {
                v.insert("x-aws-location-name".into(), json!(name));
            }
            (None, _) => {}
        }
        Ok(Value::Object(v))
    }
}

#[cfg(test)]
mod tests {
    use crate::import::{convert, to_text};
    use serde_json::{json, Value};

    /// A JSON-protocol model with a signed paginated operation and an unsigned deprecated one, and one shape
    /// of each kind: enum, sensitive string, timestamp, blob, map, list, exceptions (4XX and fault).
    const JSON_MODEL: &str = r#"{
      "version": "2.0",
      "metadata": {"apiVersion": "2020-01-01", "endpointPrefix": "tiny", "jsonVersion": "1.1", "protocol": "json",
                   "protocols": ["json"], "serviceFullName": "Tiny Service", "serviceId": "Tiny",
                   "signatureVersion": "v4", "targetPrefix": "TinyService", "uid": "tiny-2020-01-01",
                   "auth": ["aws.auth#sigv4"]},
      "documentation": "<p>The <b>tiny</b> service.</p>",
      "operations": {
        "ListThings": {"name": "ListThings", "http": {"method": "POST", "requestUri": "/"},
                       "input": {"shape": "ListThingsRequest"}, "output": {"shape": "ListThingsResponse"},
                       "errors": [{"shape": "BadInput"}, {"shape": "Boom"}, {"shape": "BadInput"}],
                       "documentation": "<p>Lists <code>Things</code>.</p>", "readonly": true},
        "Ping": {"name": "Ping", "http": {"method": "POST", "requestUri": "/"}, "input": {"shape": "PingRequest"},
                 "errors": [], "authtype": "none", "auth": ["smithy.api#noAuth"], "deprecated": true}
      },
      "shapes": {
        "When": {"type": "timestamp"},
        "BadInput": {"type": "structure", "members": {"message": {"shape": "Name"}}, "exception": true,
                     "documentation": "Bad input."},
        "Blob": {"type": "blob", "max": 10},
        "Boom": {"type": "structure", "members": {}, "exception": true, "fault": true},
        "Color": {"type": "string", "enum": ["red", "green"]},
        "Count": {"type": "integer", "min": 1, "max": 100},
        "ListThingsRequest": {"type": "structure", "required": ["Secret"], "members": {
            "Secret": {"shape": "Secret", "documentation": "<p>The secret.</p>"},
            "MaxResults": {"shape": "Count", "box": true},
            "NextToken": {"shape": "Name"}}},
        "ListThingsResponse": {"type": "structure", "members": {
            "Things": {"shape": "Things"}, "Tags": {"shape": "Tags"}, "NextToken": {"shape": "Name"},
            "When": {"shape": "When"},
            "Data": {"shape": "Blob", "deprecated": true, "deprecatedMessage": "Gone."}}},
        "Name": {"type": "string", "min": 1, "max": 64, "pattern": "[a-z]+"},
        "PingRequest": {"type": "structure", "members": {"Color": {"shape": "Color"}}},
        "Secret": {"type": "string", "sensitive": true},
        "Tags": {"type": "map", "key": {"shape": "Name"}, "value": {"shape": "Name"}, "max": 5, "sensitive": true},
        "Things": {"type": "list", "member": {"shape": "Name"}, "min": 0}
      }
    }"#;

    const JSON_PAGINATORS: &str = r#"{"pagination": {"ListThings": {"input_token": "NextToken",
        "output_token": "NextToken", "limit_key": "MaxResults", "result_key": "Things"}}}"#;

    fn r(name: &str) -> Value {
        json!({ "$ref": format!("#/components/schemas/{name}") })
    }

    fn errors(content_type: &str, names: &[(&str, &str)]) -> Value {
        let one_of: Vec<Value> = names.iter().map(|(_, n)| r(n)).collect();
        let mapping: serde_json::Map<String, Value> = names
            .iter()
            .map(|(code, n)| (code.to_string(), json!(format!("#/components/schemas/{n}"))))
            .collect();
        json!({ "description": "Error", "content": { content_type: { "schema": {
            "oneOf": one_of, "discriminator": { "propertyName": "__type", "mapping": mapping } } } } })
    }

    /// Compares as text, so that key order counts too.
    fn assert_same(actual: &Value, expected: &Value) {
        let (actual, expected) = (to_text(actual).unwrap(), to_text(expected).unwrap());
        if actual != expected {
            panic!("document differs.\n--- actual:\n{actual}\n--- expected:\n{expected}");
        }
    }

    #[test]
    fn converts_a_json_protocol_model() {
        let ct = "application/x-amz-json-1.1";
        let doc = convert(JSON_MODEL, JSON_PAGINATORS).unwrap();
        let expected = json!({
          "openapi": "3.1.0",
          "info": { "title": "Tiny Service", "version": "2020-01-01", "description": "The **tiny** service.",
                    "license": { "name": "Apache 2.0", "url": "https://www.apache.org/licenses/LICENSE-2.0" } },
          "servers": [ { "url": "https://tiny.{region}.amazonaws.com",
                         "variables": { "region": { "default": "us-east-1" } } } ],
          "x-aws-service": { "protocol": "json", "jsonVersion": "1.1", "targetPrefix": "TinyService",
                             "signingName": "tiny", "endpointPrefix": "tiny", "serviceId": "Tiny",
                             "apiVersion": "2020-01-01" },
          "paths": {
            "/#X-Amz-Target=TinyService.ListThings": { "post": {
              "operationId": "ListThings",
              "description": "Lists `Things`.",
              "security": [ { "sigv4": [] } ],
              "requestBody": { "required": true, "content": { ct: { "schema": r("ListThingsRequest") } } },
              "responses": {
                "200": { "description": "Success", "content": { ct: { "schema": r("ListThingsResponse") } } },
                "4XX": errors(ct, &[("BadInput", "BadInput")]),
                "5XX": errors(ct, &[("Boom", "Boom")])
              },
              "x-aws-paginator": { "inputToken": "NextToken", "outputToken": "NextToken",
                                   "limitKey": "MaxResults", "resultKey": "Things" },
              "x-aws-readonly": true
            } },
            "/#X-Amz-Target=TinyService.Ping": { "post": {
              "operationId": "Ping",
              "deprecated": true,
              "security": [],
              "requestBody": { "required": true, "content": { ct: { "schema": r("PingRequest") } } },
              "responses": { "200": { "description": "Success" } }
            } }
          },
          "components": {
            "schemas": {
              "BadInput": { "type": "object", "description": "Bad input.",
                            "properties": { "message": r("Name") },
                            "x-aws-exception": { "code": "BadInput" } },
              "Blob": { "type": "string", "format": "byte", "maxLength": 10 },
              "Boom": { "type": "object", "properties": {}, "x-aws-exception": { "code": "Boom", "fault": true } },
              "Color": { "type": "string", "enum": ["red", "green"] },
              "Count": { "type": "integer", "format": "int32", "minimum": 1, "maximum": 100 },
              "ListThingsRequest": { "type": "object", "properties": {
                  "Secret": { "$ref": "#/components/schemas/Secret", "description": "The secret." },
                  "MaxResults": r("Count"),
                  "NextToken": r("Name") }, "required": ["Secret"] },
              "ListThingsResponse": { "type": "object", "properties": {
                  "Things": r("Things"), "Tags": r("Tags"), "NextToken": r("Name"), "When": r("When"),
                  "Data": { "$ref": "#/components/schemas/Blob", "deprecated": true,
                            "x-aws-deprecated-message": "Gone." } } },
              "Name": { "type": "string", "minLength": 1, "maxLength": 64, "pattern": "[a-z]+" },
              "PingRequest": { "type": "object", "properties": { "Color": r("Color") } },
              "Secret": { "type": "string", "format": "password" },
              "Tags": { "type": "object", "propertyNames": r("Name"), "additionalProperties": r("Name"),
                        "maxProperties": 5, "x-aws-sensitive": true },
              "Things": { "type": "array", "items": r("Name"), "minItems": 0 },
              "When": { "type": "number", "x-aws-timestamp-format": "epoch-seconds" }
            },
            "securitySchemes": { "sigv4": { "type": "apiKey", "name": "Authorization", "in": "header",
                                            "x-amazon-apigateway-authtype": "awsSigv4" } }
          }
        });
        assert_same(&doc, &expected);
    }

    /// A REST-JSON model: URI labels, a query string, a header, a literal query in the request URI, two
    /// operations on one path, errors with and without an HTTP status.
    const REST_MODEL: &str = r#"{
      "metadata": {"apiVersion": "2021-01-01", "endpointPrefix": "rest", "jsonVersion": "1.1",
                   "protocol": "rest-json", "serviceFullName": "Rest Service", "serviceId": "Rest",
                   "signatureVersion": "v4"},
      "operations": {
        "GetItem": {"name": "GetItem",
                    "http": {"method": "GET", "requestUri": "/pools/{PoolId}/items/{ItemId}", "responseCode": 200},
                    "input": {"shape": "GetItemRequest"}, "output": {"shape": "GetItemResponse"},
                    "errors": [{"shape": "NotFound"}, {"shape": "Internal"}, {"shape": "Unknown"}]},
        "PutItem": {"name": "PutItem",
                    "http": {"method": "POST", "requestUri": "/pools/{PoolId}/items/{ItemId}?mode=fast",
                             "responseCode": 201},
                    "input": {"shape": "PutItemRequest"}, "errors": []}
      },
      "shapes": {
        "GetItemRequest": {"type": "structure", "required": ["PoolId", "ItemId", "MaxResults"], "members": {
            "PoolId": {"shape": "Id", "location": "uri", "locationName": "PoolId", "documentation": "The pool."},
            "ItemId": {"shape": "Id", "location": "uri", "locationName": "ItemId"},
            "MaxResults": {"shape": "Count", "location": "querystring", "locationName": "maxResults"},
            "ClientContext": {"shape": "Id", "location": "header", "locationName": "x-amz-Client-Context"}}},
        "GetItemResponse": {"type": "structure", "members": {"Value": {"shape": "Id", "locationName": "value"}}},
        "PutItemRequest": {"type": "structure", "required": ["PoolId", "ItemId"], "members": {
            "PoolId": {"shape": "Id", "location": "uri", "locationName": "PoolId"},
            "ItemId": {"shape": "Id", "location": "uri", "locationName": "ItemId"},
            "Value": {"shape": "Id"}}},
        "Id": {"type": "string"},
        "Count": {"type": "long"},
        "NotFound": {"type": "structure", "members": {}, "error": {"httpStatusCode": 404}, "exception": true},
        "Internal": {"type": "structure", "members": {},
                     "error": {"code": "InternalFailure", "httpStatusCode": 500, "senderFault": false},
                     "exception": true, "fault": true},
        "Unknown": {"type": "structure", "members": {}, "exception": true}
      }
    }"#;

    #[test]
    fn converts_a_rest_json_model() {
        let ct = "application/json";
        let doc = convert(REST_MODEL, r#"{"pagination": {}}"#).unwrap();
        assert_same(
            &doc["x-aws-service"],
            &json!({ "protocol": "rest-json", "signingName": "rest", "endpointPrefix": "rest", "serviceId": "Rest",
                     "apiVersion": "2021-01-01" }),
        );
        let label = |name: &str, description: Option<&str>| {
            let mut p = json!({ "name": name, "in": "path", "required": true, "schema": r("Id") });
            if let Some(d) = description {
                p["description"] = json!(d);
            }
            p["x-aws-member"] = json!(name);
            p
        };
        let expected_paths = json!({
          "/pools/{PoolId}/items/{ItemId}": {
            "get": {
              "operationId": "GetItem",
              "security": [ { "sigv4": [] } ],
              "parameters": [
                label("PoolId", Some("The pool.")),
                label("ItemId", None),
                { "name": "maxResults", "in": "query", "required": true, "schema": r("Count"),
                  "x-aws-member": "MaxResults" },
                { "name": "x-amz-Client-Context", "in": "header", "required": false, "schema": r("Id"),
                  "x-aws-member": "ClientContext" }
              ],
              "responses": {
                "200": { "description": "Success", "content": { ct: { "schema": r("GetItemResponse") } } },
                "404": errors(ct, &[("NotFound", "NotFound")]),
                "4XX": errors(ct, &[("Unknown", "Unknown")]),
                "500": errors(ct, &[("InternalFailure", "Internal")])
              }
            },
            "post": {
              "operationId": "PutItem",
              "security": [ { "sigv4": [] } ],
              "parameters": [
                label("PoolId", None),
                label("ItemId", None),
                { "name": "mode", "in": "query", "required": true, "schema": { "type": "string", "const": "fast" } }
              ],
              "requestBody": { "required": true, "content": { ct: { "schema": r("PutItemRequest") } } },
              "responses": { "201": { "description": "Success" } }
            }
          }
        });
        assert_same(&doc["paths"], &expected_paths);

        let schemas = &doc["components"]["schemas"];
        assert_same(
            &schemas["GetItemRequest"]["properties"]["MaxResults"],
            &json!({ "$ref": "#/components/schemas/Count", "x-aws-location": "querystring",
                     "x-aws-location-name": "maxResults" }),
        );
        assert_same(
            &schemas["GetItemResponse"]["properties"]["Value"],
            &json!({ "$ref": "#/components/schemas/Id", "x-aws-location-name": "value" }),
        );
        assert_same(&schemas["PutItemRequest"]["properties"]["Value"], &r("Id"));
        assert_same(
            &schemas["Count"],
            &json!({ "type": "integer", "format": "int64" }),
        );
        assert_same(
            &schemas["Internal"]["x-aws-exception"],
            &json!({ "code": "InternalFailure", "httpStatusCode": 500, "senderFault": false, "fault": true }),
        );
        assert_same(
            &schemas["NotFound"]["x-aws-exception"],
            &json!({ "code": "NotFound", "httpStatusCode": 404 }),
        );
        let names: Vec<&String> = schemas.as_object().unwrap().keys().collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
    }

    #[test]
    fn rejects_what_the_dialect_cannot_say() {
        let no_pagination = r#"{"pagination": {}}"#;
        let unbound = REST_MODEL.replace("{ItemId}?mode=fast", "{Item}?mode=fast");
        let err = convert(&unbound, no_pagination).unwrap_err().to_string();
        assert_eq!(
            err,
            "operation PutItem: member ItemId is bound to label {ItemId}, which \"/pools/{PoolId}/items/{Item}\" lacks"
        );
        let greedy = REST_MODEL.replace("{ItemId}?mode=fast", "{ItemId+}?mode=fast");
        let err = convert(&greedy, no_pagination).unwrap_err().to_string();
        assert_eq!(
            err,
            "operation PutItem: greedy label {ItemId+} is not supported"
        );
        let err = convert(
            JSON_MODEL,
            r#"{"pagination": {"Nope": {"input_token": "a", "output_token": "b"}}}"#,
        )
        .unwrap_err()
        .to_string();
        assert_eq!(err, "paginator for unknown operation \"Nope\"");
    }
}
