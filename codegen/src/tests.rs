//! Generator tests on small hand-written documents, and a layout check of the real documents'
//! output against `rustfmt`.

use super::*;

/// A small JSON-protocol service in the dialect of `spec/DIALECT.md`.
fn tiny() -> String {
    serde_json::json!({
        "openapi": "3.1.0",
        "info": {"title": "Tiny Service", "version": "2020-01-01", "description": "A tiny service."},
        "x-aws-service": {"protocol": "json", "jsonVersion": "1.1", "targetPrefix": "TinyService",
                          "signingName": "tiny", "endpointPrefix": "tiny", "serviceId": "Tiny",
                          "apiVersion": "2020-01-01"},
        "paths": {
            "/#X-Amz-Target=TinyService.GetThings": {"post": {
                "operationId": "GetThings",
                "description": "Gets things.\n\nMore text.",
                "security": [{"sigv4": []}],
                "requestBody": {"required": true, "content": {"application/x-amz-json-1.1":
                    {"schema": {"$ref": "#/components/schemas/GetThingsRequest"}}}},
                "responses": {
                    "200": {"description": "Success", "content": {"application/x-amz-json-1.1":
                        {"schema": {"$ref": "#/components/schemas/GetThingsResponse"}}}},
                    "4XX": {"description": "Error", "content": {"application/x-amz-json-1.1": {"schema": {
                        "oneOf": [{"$ref": "#/components/schemas/ThingNotFoundException"},
                                  {"$ref": "#/components/schemas/ThingLockedException"}]}}}}
                },
                "x-aws-paginator": {"inputToken": "NextToken", "outputToken": "NextToken",
                                    "limitKey": "MaxResults", "resultKey": "Things"}
            }},
            "/#X-Amz-Target=TinyService.Ping": {"post": {
                "operationId": "Ping",
                "security": [],
                "requestBody": {"required": true, "content": {"application/x-amz-json-1.1":
                    {"schema": {"$ref": "#/components/schemas/PingRequest"}}}},
                "responses": {"200": {"description": "Success"}}
            }}
        },
        "components": {"schemas": {
            "GetThingsRequest": {"type": "object", "required": ["Id"], "properties": {
                "Id": {"$ref": "#/components/schemas/IdType", "description": "The id."},
                "Kind": {"$ref": "#/components/schemas/KindType"},
                "Secret": {"$ref": "#/components/schemas/SecretType"},
                "Type": {"$ref": "#/components/schemas/IdType"},
                "Tags": {"$ref": "#/components/schemas/TagMap"},
                "NextToken": {"$ref": "#/components/schemas/IdType"},
                "MaxResults": {"$ref": "#/components/schemas/Count"}
            }},
            "GetThingsResponse": {"type": "object", "properties": {
                "Things": {"$ref": "#/components/schemas/ThingList"},
                "NextToken": {"$ref": "#/components/schemas/IdType"}
            }},
            "PingRequest": {"type": "object"},
            "ThingNotFoundException": {"type": "object", "properties": {
                "message": {"$ref": "#/components/schemas/IdType"}},
                "x-aws-exception": {"code": "ThingNotFoundException"}},
            "ThingLockedException": {"type": "object", "properties": {
                "message": {"$ref": "#/components/schemas/IdType"},
                "Reason": {"$ref": "#/components/schemas/IdType"}},
                "x-aws-exception": {"code": "ThingLockedException"}},
            "Thing": {"type": "object", "description": "A thing.", "properties": {
                "Created": {"$ref": "#/components/schemas/When"},
                "Data": {"$ref": "#/components/schemas/Bytes"},
                "Kind": {"$ref": "#/components/schemas/KindType"}
            }},
            "ThingList": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}},
            "TagMap": {"type": "object", "propertyNames": {"$ref": "#/components/schemas/IdType"},
                       "additionalProperties": {"$ref": "#/components/schemas/IdType"}},
            "IdType": {"type": "string", "maxLength": 10},
            "SecretType": {"type": "string", "format": "password"},
            "KindType": {"type": "string", "enum": ["BIG_ONE", "small"]},
            "When": {"type": "number", "x-aws-timestamp-format": "epoch-seconds"},
            "Bytes": {"type": "string", "format": "byte"},
            "Count": {"type": "integer", "format": "int32"}
        }}
    })
    .to_string()
}

fn options() -> Options {
    Options {
        service_id: "CognitoIdp".into(),
        source: "tiny.json".into(),
        extra_sensitive: Vec::new(),
    }
}

#[test]
fn tiny_service_is_read() {
    let (svc, _) = generate(&tiny(), &options()).expect("generates");
    assert_eq!(svc.operations.len(), 2);
    let get = &svc.operations[0];
    assert!(get.signed);
    assert!(!svc.operations[1].signed);
    assert_eq!(
        get.errors,
        vec!["ThingNotFoundException", "ThingLockedException"]
    );
    assert_eq!(
        get.paginator.as_ref().map(|p| p.result_key.clone()),
        Some(Some("Things".to_owned()))
    );
}

#[test]
fn tiny_service_generates_the_expected_items() {
    let (_, code) = generate(&tiny(), &options()).expect("generates");
    let has = |s: &str| assert!(code.contains(s), "missing `{s}` in:\n{code}");
    // Types: open enum, structure with wire names, timestamp and blob primitives.
    has("pub enum KindType {");
    has("    BigOne,");
    has("    Unknown(String),");
    has("BigOne = \"BIG_ONE\",");
    has("pub created: Option<DateTime>,");
    has("pub data: Option<Blob>,");
    // `Thing` is only in outputs: Deserialize without Serialize, through `json_struct!`.
    has("#[derive(Clone, Debug, Default, PartialEq)]\n    pub struct Thing {");
    has("    crate::json_struct! {\n        Thing: deserialize {\n            created = \"Created\",\n            data = \"Data\",\n            kind = \"Kind\",\n        }\n    }\n");
    // Input: Serialize, keyword field, sensitive member redacted in Debug.
    has("pub r#type: Option<String>,");
    has("GetThingsInput: serialize {\n            id = \"Id\",\n            kind = \"Kind\",\n            secret = \"Secret\",\n            r#type = \"Type\",");
    has("s.field(\"secret\", &crate::primitives::REDACTED);");
    // Empty structures, and exceptions, which accept `message` in either case and keep `meta` out.
    has("crate::json_struct! {\n        PingInput: serialize {}\n    }");
    has("crate::json_struct! {\n        PingOutput: deserialize {}\n    }");
    // An exception with only `message` uses the runtime's shared decoder, not a `Deserialize` impl.
    has("crate::exception!(ThingNotFoundException, message);");
    assert!(
        !code.contains("ThingNotFoundException: deserialize"),
        "{code}"
    );
    has("ThingLockedException: deserialize {\n            message = \"message\" | \"Message\",\n            reason = \"Reason\",\n        }\n");
    has("crate::exception!(ThingLockedException);");
    // No serde derives or attributes: `json_struct!` implements the traits.
    for gone in ["serde", "Serialize", "Deserialize"] {
        assert!(!code.contains(gone), "`{gone}` in:\n{code}");
    }
    has("pub tags: Option<HashMap<String, String>>,");
    // Errors and operation metadata.
    has("ThingNotFoundException(ThingNotFoundException),");
    has("ThingNotFoundException(\"ThingNotFoundException\") => is_thing_not_found_exception,");
    has("target: \"TinyService.GetThings\",");
    has("required: [id = \"Id\"],");
    has("signed: false,");
    has("crate::paginated!");
    has("items: things: Thing,");
    has("limit: max_results: i32,");
    // Client and setters.
    has("pub fn get_things(&self) -> FluentBuilder<GetThingsInput> {");
    has("pub fn tags(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {");
    has("pub fn set_tags(mut self, input: Option<HashMap<String, String>>) -> Self {");
    has("Sent unsigned: works without AWS credentials.");
}

#[test]
fn broken_references_name_the_culprit() {
    let doc = tiny().replace(
        "#/components/schemas/ThingList",
        "#/components/schemas/Nope",
    );
    let err = generate(&doc, &options()).expect_err("must fail");
    assert!(err.to_string().contains("Nope"), "{err}");
}

/// A REST-JSON operation with URI, query, header and body members.
fn tiny_rest() -> String {
    serde_json::json!({
        "openapi": "3.1.0",
        "info": {"title": "Tiny Rest", "version": "2020-01-01"},
        "x-aws-service": {"protocol": "rest-json", "signingName": "tiny"},
        "paths": {"/pools/{PoolId}/items": {"post": {
            "operationId": "PutItem",
            "security": [{"sigv4": []}],
            "requestBody": {"content": {"application/json":
                {"schema": {"$ref": "#/components/schemas/PutItemRequest"}}}},
            "responses": {"200": {"description": "Success", "content": {"application/json":
                {"schema": {"$ref": "#/components/schemas/PutItemResponse"}}}}}
        }}},
        "components": {"schemas": {
            "PutItemRequest": {"type": "object", "required": ["PoolId"], "properties": {
                "PoolId": {"$ref": "#/components/schemas/Id", "x-aws-location": "uri", "x-aws-location-name": "PoolId"},
                "NextToken": {"$ref": "#/components/schemas/Id", "x-aws-location": "querystring",
                              "x-aws-location-name": "nextToken"},
                "Context": {"$ref": "#/components/schemas/Id", "x-aws-location": "header",
                            "x-aws-location-name": "x-amz-Context"},
                "Value": {"$ref": "#/components/schemas/Id"}
            }},
            "PutItemResponse": {"type": "object", "properties": {"Value": {"$ref": "#/components/schemas/Id"}}},
            "Id": {"type": "string"}
        }}
    })
    .to_string()
}

#[test]
fn rest_json_bindings_are_generated() {
    let (_, code) = generate(&tiny_rest(), &options()).expect("generates");
    let has = |s: &str| assert!(code.contains(s), "missing `{s}` in:\n{code}");
    has("crate::rest_operation!");
    has("method: \"POST\",");
    has("path: \"/pools/{PoolId}/items\",");
    has("body: true,");
    has("labels: [pool_id = \"PoolId\"],");
    has("query: [next_token = \"nextToken\"],");
    has("headers: [context = \"x-amz-Context\"],");
    // Members bound outside the body are plain fields that `json_struct!` leaves out.
    has("        /// The `PoolId` member.\n        pub pool_id: Option<String>,");
    has("PutItemInput: serialize {\n            value = \"Value\",\n        }\n");
    assert!(!code.contains("serde"), "serde attribute in:\n{code}");
    assert_rustfmt_clean(&code, "tiny REST service");
}

#[test]
fn rest_json_label_missing_from_the_uri_is_refused() {
    let doc = tiny_rest().replace("/pools/{PoolId}/items", "/pools/items");
    let err = generate(&doc, &options()).expect_err("must fail");
    assert!(err.to_string().contains("PutItem"), "{err}");
}

/// Runs `rustfmt --check` over generated code; `rustfmt` ships with every rustup toolchain.
fn assert_rustfmt_clean(code: &str, what: &str) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2021", "--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rustfmt runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = code.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("rustfmt finishes");
    writer.join().expect("writer").expect("write");
    assert!(
        out.status.success(),
        "rustfmt failed on {what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let formatted = String::from_utf8_lossy(&out.stdout);
    if formatted != code {
        let first = formatted
            .lines()
            .zip(code.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        let show = |s: &str| {
            s.lines()
                .skip(first.saturating_sub(3))
                .take(12)
                .collect::<Vec<_>>()
                .join("\n")
        };
        panic!(
            "{what} is not rustfmt-clean near line {}:\n--- generated\n{}\n--- rustfmt\n{}",
            first + 1,
            show(code),
            show(&formatted)
        );
    }
}

#[test]
fn tiny_output_is_rustfmt_clean() {
    let (_, code) = generate(&tiny(), &options()).expect("generates");
    assert_rustfmt_clean(&code, "tiny service");
}

#[test]
fn real_documents_generate_rustfmt_clean_code() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("spec");
    for (file, id) in [
        ("cognito-idp.openapi.json", "CognitoIdp"),
        ("cognito-identity.openapi.json", "CognitoIdentity"),
        ("cognito-sync.openapi.json", "CognitoSync"),
    ] {
        let text = std::fs::read_to_string(root.join(file)).expect("spec document exists");
        let (svc, code) = generate(
            &text,
            &Options {
                service_id: id.into(),
                source: file.into(),
                extra_sensitive: Vec::new(),
            },
        )
        .expect("generates");
        assert!(!svc.operations.is_empty());
        // serde's traits come from `json_struct!`, never from derives or attributes.
        for gone in ["serde(", "Serialize", "Deserialize"] {
            assert!(!code.contains(gone), "`{gone}` in the code of {file}");
        }
        assert_rustfmt_clean(&code, file);
    }
}

#[test]
fn seed_operations_are_all_in_the_documents() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("spec");
    let mut known = Vec::new();
    for file in [
        "cognito-idp.openapi.json",
        "cognito-identity.openapi.json",
        "cognito-sync.openapi.json",
    ] {
        let text = std::fs::read_to_string(root.join(file)).expect("spec document exists");
        let json = json::parse(&text).expect("json");
        let svc = Service::from_openapi(&json).expect("reads");
        known.extend(svc.operations.into_iter().map(|o| o.name));
    }
    let mut seeds = Vec::new();
    let mut total = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(root.join("seeds")).expect("seeds") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("seed");
        let ops = seeds::operations(&text);
        total.extend(ops.clone());
        seeds.push((path.display().to_string(), ops));
    }
    assert_eq!(seeds::first_missing(&seeds, &known), None);
    // 77 names in the Swagger seeds plus those only the damaged user-pools document names.
    assert!(total.len() >= 77, "{}", total.len());
}
