//! Reading a botocore `paginators-1.json` file.

use crate::error::{bail, Context, Result};
use serde_json::{Map, Value};

/// One paginator: the botocore keys, each value kept exactly as given in the file (a string, or a list of
/// strings for multi-token paginators).
#[derive(Debug, Clone, PartialEq)]
pub struct Paginator {
    /// The operation the paginator belongs to.
    pub operation: String,
    /// `input_token`.
    pub input_token: Value,
    /// `output_token`.
    pub output_token: Value,
    /// `limit_key`.
    pub limit_key: Option<Value>,
    /// `result_key`.
    pub result_key: Option<Value>,
    /// `more_results`.
    pub more_results: Option<Value>,
    /// `non_aggregate_keys`.
    pub non_aggregate_keys: Option<Value>,
}

/// Parses the text of a `paginators-1.json` file; paginators are returned in file order.
pub fn parse_paginators(text: &str) -> Result<Vec<Paginator>> {
    let root: Value = serde_json::from_str(text).context("invalid JSON")?;
    let Some(root) = root.as_object() else {
        bail!("not an object")
    };
    for key in root.keys() {
        if key != "pagination" {
            bail!("unsupported key {key:?}");
        }
    }
    let Some(pagination) = root.get("pagination").and_then(Value::as_object) else {
        bail!("\"pagination\" is missing or not an object")
    };
    let mut out = Vec::new();
    for (operation, value) in pagination {
        let Some(p) = value.as_object() else {
            bail!("paginator {operation}: not an object")
        };
        out.push(parse_one(operation, p).map_err(|e| e.context(format!("paginator {operation}")))?);
    }
    Ok(out)
}

fn parse_one(operation: &str, p: &Map<String, Value>) -> Result<Paginator> {
    const KNOWN: [&str; 6] = [
        "input_token",
        "output_token",
        "limit_key",
        "result_key",
        "more_results",
        "non_aggregate_keys",
    ];
    for key in p.keys() {
        if !KNOWN.contains(&key.as_str()) {
            bail!("unsupported key {key:?}");
        }
    }
    let field = |key: &str| -> Result<Option<Value>> {
        match p.get(key) {
            None => Ok(None),
            Some(v) if is_name_or_names(v) => Ok(Some(v.clone())),
            Some(v) => bail!("{key}: expected a string or a list of strings, found {v}"),
        }
    };
    let Some(input_token) = field("input_token")? else {
        bail!("missing input_token")
    };
    let Some(output_token) = field("output_token")? else {
        bail!("missing output_token")
    };
    Ok(Paginator {
        operation: operation.to_owned(),
        input_token,
        output_token,
        limit_key: field("limit_key")?,
        result_key: field("result_key")?,
        more_results: field("more_results")?,
        non_aggregate_keys: field("non_aggregate_keys")?,
    })
}

fn is_name_or_names(v: &Value) -> bool {
    match v {
        Value::String(_) => true,
        Value::Array(items) => items.iter().all(Value::is_string),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_in_file_order() {
        let text = r#"{"pagination": {
            "ListB": {"input_token": "NextToken", "output_token": "NextToken", "limit_key": "Max", "result_key": "Bs"},
            "ListA": {"input_token": ["A", "B"], "output_token": ["A", "B"]}
        }}"#;
        let p = parse_paginators(text).unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].operation, "ListB");
        assert_eq!(p[0].limit_key, Some(json!("Max")));
        assert_eq!(p[1].input_token, json!(["A", "B"]));
        assert_eq!(p[1].result_key, None);
    }

    #[test]
    fn rejects_unknown_keys() {
        let err = parse_paginators(
            r#"{"pagination": {"L": {"input_token": "a", "output_token": "b", "x": 1}}}"#,
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "paginator L: unsupported key \"x\"");
    }
}
