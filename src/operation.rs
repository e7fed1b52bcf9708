//! The [`Operation`] trait that every operation's input implements: what the shared send path needs to
//! know about an operation, and nothing more.

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

    /// The operation-specific part of the HTTP request.
    fn request(&self) -> Result<Request, serde_json::Error>;

    /// Decodes a successful response body.
    fn decode(body: &[u8]) -> Result<Self::Output, serde_json::Error>;
}

/// The parts of an HTTP request that depend on the operation.
#[derive(Clone, Debug)]
pub struct Request {
    pub(crate) target: Option<&'static str>,
    pub(crate) body: Vec<u8>,
}

impl Request {
    /// An AWS JSON 1.1 request: `POST /` with `X-Amz-Target: target` and the input as the body.
    pub(crate) fn json<T: Serialize>(
        target: &'static str,
        input: &T,
    ) -> Result<Request, serde_json::Error> {
        Ok(Request {
            target: Some(target),
            body: serde_json::to_vec(input)?,
        })
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
