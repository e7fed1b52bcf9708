//! The [`Operation`] trait that every operation's input implements: what the shared send path needs to
//! know about an operation, and nothing more.

use std::fmt::Write as _;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::ServiceError;

/// An operation, implemented by its input type (`AdminGetUserInput`). The generated code implements it;
/// use it to write code that is generic over operations (wrappers, mocks).
pub trait Operation: Send + Sync + Sized + 'static {
    /// What a successful call returns.
    type Output: Send + 'static;
    /// The operation's error enum.
    type Error: ServiceError;
    /// The client of the service the operation belongs to.
    type Client;
    /// The model's operation name (`AdminGetUser`).
    const NAME: &'static str;
    /// False for operations sent unsigned (public-client calls such as `InitiateAuth`).
    const SIGNED: bool;

    /// The model name of the first required member that is not set.
    fn missing_member(&self) -> Option<&'static str>;

    /// The operation-specific part of the HTTP request, or why the input cannot make one.
    fn request(&self) -> Result<Request, String>;

    /// Decodes a successful response body.
    fn decode(body: &[u8]) -> Result<Self::Output, serde_json::Error>;

    /// Fills in `SECRET_HASH` / `ClientSecret` for calls of `app`'s app client (user pools only; the
    /// default does nothing).
    fn apply_app_client(&mut self, app: &crate::auth::AppClientSecret) {
        let _ = app;
    }
}

/// The parts of an HTTP request that depend on the operation.
///
/// `Debug` shows the method, the path and the header names only: the body (passwords, `SECRET_HASH`,
/// tokens, client secrets) and header values (REST-JSON members) never appear.
#[derive(Clone)]
pub struct Request {
    pub(crate) method: &'static str,
    /// Path and query, percent-encoded, starting with `/`.
    pub(crate) path_and_query: String,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: bytes::Bytes,
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let headers: Vec<&str> = self.headers.iter().map(|(name, _)| *name).collect();
        f.debug_struct("Request")
            .field("method", &self.method)
            .field(
                "path",
                &self.path_and_query.split('?').next().unwrap_or_default(),
            )
            .field("header_names", &headers)
            .field(
                "body",
                &format_args!("<{} bytes, redacted>", self.body.len()),
            )
            .finish()
    }
}

impl Request {
    /// An AWS JSON 1.1 request: `POST /` with `X-Amz-Target: target` and the input as the body.
    pub(crate) fn json<T: Serialize>(target: &'static str, input: &T) -> Result<Request, String> {
        Ok(Request {
            method: "POST",
            path_and_query: "/".to_owned(),
            headers: vec![
                ("content-type", "application/x-amz-json-1.1".to_owned()),
                ("x-amz-target", target.to_owned()),
            ],
            body: serde_json::to_vec(input)
                .map_err(|e| format!("cannot serialize: {e}"))?
                .into(),
        })
    }

    /// A REST-JSON request: `method` on the URI template `path` with its labels filled in.
    #[cfg_attr(not(feature = "sync"), allow(dead_code))] // only Cognito Sync speaks REST-JSON
    pub(crate) fn rest(method: &'static str, path: &str) -> Rest {
        Rest {
            request: Request {
                method,
                path_and_query: String::new(),
                headers: Vec::new(),
                body: bytes::Bytes::new(),
            },
            template: path.to_owned(),
            query: Vec::new(),
            error: None,
        }
    }
}

/// Characters kept as they are in a path label or query component: RFC 3986 unreserved.
#[cfg_attr(not(feature = "sync"), allow(dead_code))]
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Builds a REST-JSON request member by member (used by the generated `rest_operation!` impls).
#[cfg_attr(not(feature = "sync"), allow(dead_code))]
pub(crate) struct Rest {
    request: Request,
    template: String,
    query: Vec<(String, String)>,
    error: Option<String>,
}

#[cfg_attr(not(feature = "sync"), allow(dead_code))]
impl Rest {
    /// Fills the `{name}` label of the URI template; an empty value is an error (it would change the path).
    pub(crate) fn label(mut self, name: &str, member: &str, value: Option<&str>) -> Rest {
        match value {
            Some(v) if !v.is_empty() => {
                let encoded = utf8_percent_encode(v, UNRESERVED).to_string();
                self.template = self.template.replace(&format!("{{{name}}}"), &encoded);
            }
            _ => {
                self.error
                    .get_or_insert_with(|| format!("the URI member `{member}` must not be empty"));
            }
        }
        self
    }

    /// Adds a query-string parameter when the member is set.
    pub(crate) fn query(mut self, key: &str, value: Option<impl std::fmt::Display>) -> Rest {
        if let Some(v) = value {
            self.query.push((key.to_owned(), v.to_string()));
        }
        self
    }

    /// Adds a header when the member is set.
    pub(crate) fn header(
        mut self,
        name: &'static str,
        value: Option<impl std::fmt::Display>,
    ) -> Rest {
        if let Some(v) = value {
            self.request.headers.push((name, v.to_string()));
        }
        self
    }

    /// Serializes the body members as JSON (for operations that have any).
    pub(crate) fn json_body<T: Serialize>(mut self, input: &T) -> Rest {
        match serde_json::to_vec(input) {
            Ok(body) => {
                self.request
                    .headers
                    .push(("content-type", "application/json".to_owned()));
                self.request.body = body.into();
            }
            Err(e) => self.error = Some(format!("cannot serialize: {e}")),
        }
        self
    }

    /// The finished request.
    pub(crate) fn build(mut self) -> Result<Request, String> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let mut pq = self.template;
        for (i, (k, v)) in self.query.iter().enumerate() {
            pq.push(if i == 0 && !pq.contains('?') {
                '?'
            } else {
                '&'
            });
            let _ = write!(
                pq,
                "{}={}",
                utf8_percent_encode(k, UNRESERVED),
                utf8_percent_encode(v, UNRESERVED)
            );
        }
        self.request.path_and_query = pq;
        Ok(self.request)
    }
}

/// Decodes a JSON response body; an empty body reads as `{}` (some operations answer with nothing).
pub(crate) fn decode_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
    if body.iter().all(u8::is_ascii_whitespace) {
        serde_json::from_slice(b"{}")
    } else {
        serde_json::from_slice(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rest_labels_and_query_are_encoded() {
        let r = Request::rest(
            "GET",
            "/identitypools/{IdentityPoolId}/identities/{IdentityId}/datasets",
        )
        .label(
            "IdentityPoolId",
            "IdentityPoolId",
            Some("us-east-1:abc/def"),
        )
        .label("IdentityId", "IdentityId", Some("us-east-1:1 2"))
        .query("nextToken", Some("a+b=c"))
        .query("maxResults", Some(5))
        .query("absent", None::<i32>)
        .build()
        .expect("builds");
        assert_eq!(
            r.path_and_query,
            "/identitypools/us-east-1%3Aabc%2Fdef/identities/us-east-1%3A1%202/datasets?nextToken=a%2Bb%3Dc&maxResults=5"
        );
        assert!(r.body.is_empty());
        assert!(r.headers.is_empty());
    }

    #[test]
    fn debug_never_shows_the_body_or_header_values() {
        #[derive(serde::Serialize)]
        struct Secret {
            #[serde(rename = "PASSWORD")]
            password: &'static str,
        }
        let r = Request::json(
            "Svc.Op",
            &Secret {
                password: "hunter2-canary",
            },
        )
        .expect("json");
        let shown = format!("{r:?}");
        assert!(!shown.contains("hunter2-canary"), "{shown}");
        assert!(
            shown.contains("x-amz-target") && shown.contains("bytes, redacted"),
            "{shown}"
        );
        let r = Request::rest("GET", "/a/{Id}")
            .label("Id", "Id", Some("x"))
            .query("token", Some("query-canary"))
            .header("x-amz-client-context", Some("header-canary"))
            .build()
            .expect("rest");
        let shown = format!("{r:?}");
        assert!(!shown.contains("canary"), "{shown}");
    }

    #[test]
    fn empty_labels_are_rejected() {
        let err = Request::rest("GET", "/identitypools/{IdentityPoolId}")
            .label("IdentityPoolId", "IdentityPoolId", Some(""))
            .build()
            .expect_err("empty label");
        assert_eq!(err, "the URI member `IdentityPoolId` must not be empty");
    }
}
