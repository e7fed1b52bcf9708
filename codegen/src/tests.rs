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

#[test]
fn object_members_keep_document_order() {
    // Structure members come out in document order, not sorted.
    let (svc, _) = generate(&tiny(), &options()).expect("generates");
    let members: Vec<&str> = svc
        .structure("GetThingsRequest")
        .expect("structure")
        .members
        .iter()
        .map(|m| m.name.as_str())
        .collect();
    assert_eq!(
        members,
        [
            "Id",
            "Kind",
            "Secret",
            "Type",
            "Tags",
            "NextToken",
            "MaxResults"
        ]
    );
    // So do operations: with the paths reversed, `Ping` comes first.
    let mut doc: serde_json::Value = serde_json::from_str(&tiny()).expect("tiny is JSON");
    let paths = doc
        .get_mut("paths")
        .and_then(serde_json::Value::as_object_mut)
        .expect("paths");
    let reversed: serde_json::Map<String, serde_json::Value> =
        std::mem::take(paths).into_iter().rev().collect();
    *paths = reversed;
    let (svc, code) = generate(&doc.to_string(), &options()).expect("generates");
    let names: Vec<&str> = svc.operations.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["Ping", "GetThings"]);
    let (ping, get) = (code.find("pub fn ping("), code.find("pub fn get_things("));
    assert!(ping.is_some() && ping < get, "client methods out of order");
}

#[test]
fn invalid_json_is_an_error_naming_the_document_and_the_place() {
    let err =
        generate("{\"openapi\": \"3.1.0\",\n  \"info\": }", &options()).expect_err("must fail");
    let message = err.to_string();
    assert!(
        message.starts_with("tiny.json: invalid JSON: "),
        "{message}"
    );
    assert!(message.contains("line 2 column 11"), "{message}");
    // Every proper prefix of a document is refused with that error, never a panic.
    let doc = tiny();
    for end in 0..doc.len() {
        if let Some(prefix) = doc.get(..end) {
            let err = generate(prefix, &options()).expect_err("a prefix must fail");
            assert!(
                err.to_string().starts_with("tiny.json: invalid JSON: "),
                "prefix of {end} bytes: {err}"
            );
        }
    }
}

#[test]
fn wrong_document_shapes_are_errors_that_say_what_is_wrong() {
    let set = |pointer: &str, value: serde_json::Value| {
        let mut doc: serde_json::Value = serde_json::from_str(&tiny()).expect("tiny is JSON");
        *doc.pointer_mut(pointer).expect("pointer into tiny") = value;
        doc.to_string()
    };
    for (doc, expected) in [
        ("[]".to_owned(), "tiny.json: document: expected an object"),
        (
            set("/info", serde_json::json!(1)),
            "tiny.json: info: expected an object",
        ),
        (
            set("/info/title", serde_json::json!(1)),
            "tiny.json: info: `title` is not a string",
        ),
        (
            set("/x-aws-service/protocol", serde_json::json!("query")),
            "tiny.json: unsupported protocol `query`",
        ),
        (
            set("/components/schemas/IdType/type", serde_json::json!("null")),
            "tiny.json: schema `IdType`: unsupported type Some(\"null\")",
        ),
        (
            set("/components/schemas/ThingList/items", serde_json::json!({})),
            "tiny.json: schema `ThingList`: list items without $ref",
        ),
    ] {
        let err = generate(&doc, &options()).expect_err(expected);
        assert_eq!(err.to_string(), expected);
    }
}

#[test]
fn damaged_documents_never_panic() {
    // Every value in the document replaced, in turn, by each kind of JSON value: each result is an `Ok`
    // or an `Err` (which names the document), never a panic.
    fn pointers(v: &serde_json::Value, at: String, out: &mut Vec<String>) {
        let children: Vec<(String, &serde_json::Value)> = match v {
            serde_json::Value::Object(m) => m
                .iter()
                .map(|(k, c)| (k.replace('~', "~0").replace('/', "~1"), c))
                .collect(),
            serde_json::Value::Array(a) => a
                .iter()
                .enumerate()
                .map(|(i, c)| (i.to_string(), c))
                .collect(),
            _ => Vec::new(),
        };
        for (key, child) in children {
            let pointer = format!("{at}/{key}");
            pointers(child, pointer.clone(), out);
            out.push(pointer);
        }
    }
    let doc: serde_json::Value = serde_json::from_str(&tiny()).expect("tiny is JSON");
    let mut all = Vec::new();
    pointers(&doc, String::new(), &mut all);
    assert!(all.len() > 100, "{}", all.len());
    let replacements = [
        serde_json::json!(null),
        serde_json::json!(true),
        serde_json::json!(-1),
        serde_json::json!("x"),
        serde_json::json!([]),
        serde_json::json!({}),
    ];
    for pointer in &all {
        for r in &replacements {
            let mut damaged = doc.clone();
            *damaged.pointer_mut(pointer).expect("pointer") = r.clone();
            if let Err(e) = generate(&damaged.to_string(), &options()) {
                assert!(
                    e.to_string().starts_with("tiny.json: "),
                    "{pointer} = {r}: {e}"
                );
            }
        }
    }
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
        // Every type and error variant name is already in Rust case: no `MFAOptionType` left.
        let mut types = 0;
        for line in code.lines() {
            let line = line.trim_start();
            let Some(rest) = ["pub struct ", "pub enum "]
                .iter()
                .find_map(|p| line.strip_prefix(p))
            else {
                continue;
            };
            let name: String = rest
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect();
            assert_eq!(
                crate::names::type_name(&name),
                name,
                "in the code of {file}"
            );
            types += 1;
        }
        assert!(types > 20, "{types} types in {file}");
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
        let json: serde_json::Value = serde_json::from_str(&text).expect("json");
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

#[test]
fn redaction_tests_cover_sensitive_members_and_the_extra_list() {
    let (svc, _) = generate(&tiny(), &options()).expect("generates");
    let tests = crate::emit::redaction::tests(&svc, "cognito::tiny").expect("tests");
    let canary = crate::emit::redaction::CANARY;
    // Every emitted test builds a value with the canary, checks its Debug, and for inputs the request's.
    assert!(tests.contains("#[test]"), "{tests}");
    assert!(tests.contains(canary), "{tests}");
    assert!(tests.contains("assert_redacted("), "{tests}");
    assert!(
        tests.contains("cognito::operation::Operation::request(&value)"),
        "{tests}"
    );
    let before = tests.matches("#[test]").count();
    // A shape added to the extra list makes more values secret: at least as many tests, more canaries.
    let mut extra = options();
    extra.extra_sensitive = vec!["TagMap".to_owned()];
    let (svc, _) = generate(&tiny(), &extra).expect("generates");
    let more = crate::emit::redaction::tests(&svc, "cognito::tiny").expect("tests");
    assert!(more.matches("#[test]").count() >= before);
    assert!(
        more.matches(canary).count() > tests.matches(canary).count(),
        "{more}"
    );
    // Not a secret: plain text members get an ordinary value, numbers and enums none.
    assert!(tests.contains("\"visible\".to_owned()"), "{tests}");
}

#[test]
fn type_names_write_acronyms_as_words() {
    use crate::names::{snake, type_name, variant};
    for (model, rust) in [
        // The examples, as the official Rust SDK names them.
        ("MFAOptionType", "MfaOptionType"),
        ("GetCSVHeader", "GetCsvHeader"),
        ("SMSMfaSettingsType", "SmsMfaSettingsType"),
        (
            "EnableSoftwareTokenMFAException",
            "EnableSoftwareTokenMfaException",
        ),
        ("UICustomizationType", "UiCustomizationType"),
        // A plural `s` stays with its acronym.
        ("CallbackURLs", "CallbackUrls"),
        ("ARNs", "Arns"),
        ("SAMLProviderARNs", "SamlProviderArns"),
        ("LogoutURLsListType", "LogoutUrlsListType"),
        // An acronym ends where a capitalised word starts, even one starting with `S`.
        ("ARNString", "ArnString"),
        ("DNSServer", "DnsServer"),
        ("SAML", "Saml"),
        ("SAMLProvider", "SamlProvider"),
        ("MFA", "Mfa"),
        ("PrincipalTagID", "PrincipalTagId"),
        // Digits stay with the word before them.
        ("S3Bucket", "S3Bucket"),
        ("AES256Key", "Aes256Key"),
        ("Sha256", "Sha256"),
        // Mixed-case contractions are already words: nothing to fold.
        ("IdP", "IdP"),
        ("IdpIdentifierType", "IdpIdentifierType"),
        ("OAuthFlowType", "OAuthFlowType"),
        ("UserPoolId", "UserPoolId"),
        ("AdminGetUser", "AdminGetUser"),
    ] {
        assert_eq!(type_name(model), rust, "type name of `{model}`");
        // Field and method names agree with the type name's words.
        assert_eq!(snake(model), snake(rust), "snake case of `{model}`");
    }
    assert_eq!(snake("IdP"), "id_p");
    assert_eq!(snake("SAMLProviderARNs"), "saml_provider_arns");
    // Enum variants fold acronyms the same way.
    assert_eq!(variant("SMS_MFA"), "SmsMfa");
    assert_eq!(variant("SOFTWARE_TOKEN_MFA"), "SoftwareTokenMfa");
}

/// `tiny()` with an operation, an exception and an enum whose model names hold acronyms.
fn tiny_acronyms() -> String {
    tiny()
        .replace("\"operationId\": \"Ping\"", "\"operationId\": \"PingURL\"")
        .replace("\"operationId\":\"Ping\"", "\"operationId\":\"PingURL\"")
        .replace("ThingLockedException", "ThingMFALockedException")
        .replace("KindType", "OTPKindType")
}

#[test]
fn renamed_types_keep_their_wire_names() {
    let (svc, code) = generate(&tiny_acronyms(), &options()).expect("generates");
    assert_eq!(svc.operations[1].name, "PingURL");
    let has = |s: &str| assert!(code.contains(s), "missing `{s}` in:\n{code}");
    // Rust names: acronyms as words.
    has("pub struct PingUrlInput {}");
    has("pub struct PingUrlOutput {}");
    has("pub enum PingUrlError {");
    has("pub fn ping_url(&self) -> FluentBuilder<PingUrlInput> {");
    has("pub enum OtpKindType {");
    has("pub kind: Option<OtpKindType>,");
    has("crate::open_enum! {\n        OtpKindType {");
    has("pub struct ThingMfaLockedException {");
    has("crate::exception!(ThingMfaLockedException);");
    has("ThingMfaLockedException(ThingMfaLockedException),");
    has("ThingMfaLockedException: deserialize {");
    // Wire names: operation name, target and error code as the model spells them.
    has("name: \"PingURL\",");
    has("target: \"TinyService.PingURL\",");
    has("ThingMfaLockedException(\"ThingMFALockedException\") => is_thing_mfa_locked_exception,");
    for old in [
        "PingURLInput",
        "OTPKindType {",
        "ThingMFALockedException {",
        "ThingMFALockedException)",
    ] {
        assert!(!code.contains(old), "`{old}` in:\n{code}");
    }
    assert_rustfmt_clean(&code, "tiny service with acronyms");
    // The redaction tests name the Rust types too.
    let tests = crate::emit::redaction::tests(&svc, "cognito::tiny").expect("tests");
    assert!(!tests.contains("PingURL"), "{tests}");
}

#[test]
fn names_that_would_collide_are_refused() {
    let mut doc: serde_json::Value = serde_json::from_str(&tiny()).expect("tiny is JSON");
    let kind = doc
        .pointer("/components/schemas/KindType")
        .cloned()
        .expect("KindType");
    doc.pointer_mut("/components/schemas")
        .and_then(serde_json::Value::as_object_mut)
        .expect("schemas")
        .insert("KINDType".to_owned(), kind);
    doc.pointer_mut("/components/schemas/GetThingsRequest/properties")
        .and_then(serde_json::Value::as_object_mut)
        .expect("properties")
        .insert(
            "Other".to_owned(),
            serde_json::json!({"$ref": "#/components/schemas/KINDType"}),
        );
    let err = generate(&doc.to_string(), &options()).expect_err("must fail");
    assert_eq!(
        err.to_string(),
        "tiny.json: shapes `KINDType` and `KindType` would both be named `KindType`"
    );
}

/// `tiny()` with a required string in a shared structure and a member named like a trait method.
fn tiny_accessors() -> String {
    let mut doc: serde_json::Value = serde_json::from_str(&tiny()).expect("tiny is JSON");
    let thing = doc
        .pointer_mut("/components/schemas/Thing")
        .and_then(serde_json::Value::as_object_mut)
        .expect("Thing");
    thing.insert("required".to_owned(), serde_json::json!(["Name"]));
    thing
        .get_mut("properties")
        .and_then(serde_json::Value::as_object_mut)
        .expect("properties")
        .insert(
            "Name".to_owned(),
            serde_json::json!({"$ref": "#/components/schemas/IdType"}),
        );
    doc.pointer_mut("/components/schemas/GetThingsRequest/properties")
        .and_then(serde_json::Value::as_object_mut)
        .expect("properties")
        .insert(
            "Request".to_owned(),
            serde_json::json!({"$ref": "#/components/schemas/IdType"}),
        );
    doc.to_string()
}

#[test]
fn structures_get_accessors() {
    let (_, code) = generate(&tiny_accessors(), &options()).expect("generates");
    let has = |s: &str| assert!(code.contains(s), "missing `{s}` in:\n{code}");
    let accessor = |sig: &str, body: &str| {
        has(&format!(
            "    #[inline]\n        pub fn {sig} {{\n            {body}\n        }}\n"
        ));
    };
    // Lists as slices, empty when absent.
    accessor(
        "things(&self) -> &[Thing]",
        "self.things.as_deref().unwrap_or_default()",
    );
    // Strings: a required one of a shared structure or output as `&str`, an input's as `Option`.
    accessor(
        "name(&self) -> &str",
        "self.name.as_deref().unwrap_or_default()",
    );
    accessor("id(&self) -> Option<&str>", "self.id.as_deref()");
    accessor(
        "next_token(&self) -> Option<&str>",
        "self.next_token.as_deref()",
    );
    // Keywords stay raw identifiers; a trait method's name gets a suffix.
    accessor("r#type(&self) -> Option<&str>", "self.r#type.as_deref()");
    has("/// The `Type` member: see the field `type`.");
    accessor(
        "request_value(&self) -> Option<&str>",
        "self.request.as_deref()",
    );
    assert!(!code.contains("pub fn request(&self)"), "{code}");
    // Enums, blobs and maps by reference; numbers and timestamps by copy.
    accessor("kind(&self) -> Option<&KindType>", "self.kind.as_ref()");
    accessor("data(&self) -> Option<&Blob>", "self.data.as_ref()");
    accessor(
        "tags(&self) -> Option<&HashMap<String, String>>",
        "self.tags.as_ref()",
    );
    accessor("created(&self) -> Option<DateTime>", "self.created");
    accessor("max_results(&self) -> Option<i32>", "self.max_results");
    // Each points at its field; the fields stay public.
    has("/// The `Things` member; empty when absent: see [the field](field@Self::things).");
    has("pub things: Option<Vec<Thing>>,");
    // Exceptions keep their own methods (`exception!`), and empty structures get no `impl`.
    assert!(!code.contains("pub fn reason(&self)"), "{code}");
    assert!(!code.contains("impl PingInput {"), "{code}");
    assert_rustfmt_clean(&code, "tiny service with accessors");
}

#[test]
fn client_methods_document_their_input_output_and_error() {
    let (_, code) = generate(&tiny(), &options()).expect("generates");
    let has = |s: &str| assert!(code.contains(s), "missing `{s}` in:\n{code}");
    has(
        "    /// # Input\n    ///\n    /// Set on the returned builder, or as the fields of \
         [`GetThingsInput`] given to [`send`](Self::send):\n    ///\n",
    );
    has("    /// - [`id`](GetThingsInput::id) (`String`) **(required)**\n");
    has("    /// - [`kind`](GetThingsInput::kind) ([`KindType`])\n");
    // rustdoc cannot link a raw identifier: plain code.
    has("    /// - `type` (`String`)\n");
    has("    /// - [`tags`](GetThingsInput::tags) (`String` → `String`, one entry at a time)\n");
    has(
        "    /// # Output\n    ///\n    /// [`GetThingsOutput`] on success, \
         [`Error`](crate::Error)`<`[`GetThingsError`]`>` on failure.\n",
    );
    has("    /// None: [`PingInput`] has no members.\n");
    // The reference comes after the operation's own documentation.
    let get = code.find("/// Gets things.").expect("operation doc");
    let input = code.find("/// # Input").expect("input section");
    assert!(get < input);
}
