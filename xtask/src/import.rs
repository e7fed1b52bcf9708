//! The `import-spec` pipeline: botocore files under `spec/upstream/` → `spec/<service>.openapi.json`.

use crate::botocore::parse_service;
use crate::error::{Context, Result};
use crate::openapi;
use crate::paginators::parse_paginators;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

/// One generated document.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The service, e.g. `cognito-idp`.
    pub service: String,
    /// Where the document belongs, e.g. `<workspace>/spec/cognito-idp.openapi.json`.
    pub path: PathBuf,
    /// The document text: pretty JSON with a trailing newline.
    pub text: String,
}

/// The workspace root: the parent of the xtask crate.
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// The services that have a `<service>.service-2.json` in `upstream`, sorted by name.
pub fn discover_services(upstream: &Path) -> Result<Vec<String>> {
    let mut services = Vec::new();
    for entry in fs::read_dir(upstream).context(upstream.display())? {
        let entry = entry.context(upstream.display())?;
        let name = entry.file_name();
        if let Some(service) = name
            .to_str()
            .and_then(|n| n.strip_suffix(".service-2.json"))
        {
            services.push(service.to_owned());
        }
    }
    services.sort();
    Ok(services)
}

/// Converts the text of a `service-2.json` and its `paginators-1.json` into an OpenAPI document.
pub fn convert(service_json: &str, paginators_json: &str) -> Result<Value> {
    let service = parse_service(service_json)?;
    let paginators = parse_paginators(paginators_json).map_err(|e| e.context("paginators"))?;
    openapi::build(&service, &paginators)
}

/// Serializes a document the way it is committed: 2-space pretty JSON and a trailing newline.
pub fn to_text(document: &Value) -> Result<String> {
    let mut text = serde_json::to_string_pretty(document).context("serializing the document")?;
    text.push('\n');
    Ok(text)
}

/// Generates the document of every service in `<spec_dir>/upstream/`, without writing anything.
pub fn import_all(spec_dir: &Path) -> Result<Vec<Document>> {
    let upstream = spec_dir.join("upstream");
    let mut documents = Vec::new();
    for service in discover_services(&upstream)? {
        let service_path = upstream.join(format!("{service}.service-2.json"));
        let paginators_path = upstream.join(format!("{service}.paginators-1.json"));
        let service_json = fs::read_to_string(&service_path).context(service_path.display())?;
        let paginators_json =
            fs::read_to_string(&paginators_path).context(paginators_path.display())?;
        let document = convert(&service_json, &paginators_json).context(service_path.display())?;
        documents.push(Document {
            path: spec_dir.join(format!("{service}.openapi.json")),
            text: to_text(&document)?,
            service,
        });
    }
    Ok(documents)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generated() -> Vec<Document> {
        import_all(&workspace_root().join("spec")).unwrap()
    }

    #[test]
    fn committed_documents_are_up_to_date() {
        let documents = generated();
        let names: Vec<&str> = documents.iter().map(|d| d.service.as_str()).collect();
        assert_eq!(names, ["cognito-identity", "cognito-idp", "cognito-sync"]);
        for d in documents {
            let committed = fs::read_to_string(&d.path).unwrap();
            assert!(
                committed == d.text,
                "{} differs from the importer's output; run `cargo xtask import-spec`",
                d.path.display()
            );
        }
    }

    #[test]
    fn operation_and_paginator_counts() {
        for d in generated() {
            let doc: Value = serde_json::from_str(&d.text).unwrap();
            let ops: Vec<&Value> = doc["paths"]
                .as_object()
                .unwrap()
                .values()
                .flat_map(|item| item.as_object().unwrap().values())
                .collect();
            let unsigned = ops
                .iter()
                .filter(|op| op["security"] == serde_json::json!([]))
                .count();
            let paginated = ops
                .iter()
                .filter(|op| op.get("x-aws-paginator").is_some())
                .count();
            let expected = match d.service.as_str() {
                "cognito-idp" => (141, 34, 9),
                "cognito-identity" => (23, 4, 1),
                "cognito-sync" => (17, 0, 0),
                other => panic!("unexpected service {other}"),
            };
            assert_eq!((ops.len(), unsigned, paginated), expected, "{}", d.service);
        }
    }

    #[test]
    fn markdown_rules_hold_in_every_description() {
        fn walk(v: &Value, out: &mut Vec<String>) {
            match v {
                Value::Object(m) => {
                    for (k, v) in m {
                        match (k.as_str(), v) {
                            ("description", Value::String(s)) => out.push(s.clone()),
                            _ => walk(v, out),
                        }
                    }
                }
                Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
                _ => {}
            }
        }
        for d in generated() {
            let doc: Value = serde_json::from_str(&d.text).unwrap();
            let mut descriptions = Vec::new();
            walk(&doc, &mut descriptions);
            for text in descriptions {
                let mut in_fence = false;
                for line in text.lines() {
                    assert_eq!(line, line.trim_end(), "trailing whitespace in {line:?}");
                    if line.trim_start().starts_with("```") {
                        in_fence = !in_fence;
                    }
                    if !in_fence {
                        let raw_tag =
                            line.contains("<p>") || line.contains("</") || line.contains("<code>");
                        assert!(!raw_tag, "raw HTML in {line:?}");
                    }
                }
                assert!(!in_fence, "unclosed fence in {text:?}");
            }
        }
    }
}
