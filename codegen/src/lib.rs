//! The generator of the `cognito` crate: reads the OpenAPI documents under `spec/` (the dialect of
//! `spec/DIALECT.md`) and writes the Rust source of each service module (types, errors, operations and
//! client). `build.rs` calls [`generate`] once per service.
//!
//! Stages: `serde_json` parses a document's text into a [`serde_json::Value`] (with its
//! `preserve_order` feature, so objects keep their members in document order, the order in which
//! operations and members are emitted); then one module each: [`model`] reads it into plain data,
//! [`emit`] turns that into code through [`writer`] (which lays code out as `rustfmt` would), with
//! [`names`] for identifiers. (A test reads the original seed documents under `spec/seeds/` and checks
//! that every operation they name is in the documents; the build never reads them.)

pub mod emit;
pub mod model;
pub mod names;
#[cfg(test)]
mod seeds;
pub mod sensitive;
pub mod writer;

pub use emit::Options;
pub use model::Service;

/// A generation failure, with a message that names the operation or shape at fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    message: String,
}

impl Error {
    /// An error with `message`.
    pub fn new(message: impl Into<String>) -> Error {
        Error {
            message: message.into(),
        }
    }

    /// The error with `context` put in front of its message.
    pub fn context(self, context: &str) -> Error {
        Error {
            message: format!("{context}: {}", self.message),
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// Reads a document (JSON text) and generates its service module. Returns the service (for checks) and
/// the source.
pub fn generate(document: &str, options: &Options) -> Result<(Service, String), Error> {
    let json: serde_json::Value = serde_json::from_str(document)
        .map_err(|e| Error::new(format!("{}: invalid JSON: {e}", options.source)))?;
    let mut service = Service::from_openapi(&json).map_err(|e| e.context(&options.source))?;
    for name in &options.extra_sensitive {
        let shape = service.shapes.get_mut(name).ok_or_else(|| {
            Error::new(format!(
                "{}: no shape `{name}` to mark sensitive",
                options.source
            ))
        })?;
        shape.sensitive = true;
    }
    let code = emit::generate(&service, options).map_err(|e| e.context(&options.source))?;
    Ok((service, code))
}

#[cfg(test)]
mod tests;
