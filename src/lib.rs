//! A typed, async client for AWS Cognito: user pools ([`idp`]), identity pools ([`identity`]) and
//! Cognito Sync ([`sync`]),
//! generated from AWS's own API models, with a small shared runtime (SigV4 signing, endpoints,
//! credentials, retries, timeouts, error decoding, pagination).
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let config = cognito::Config::from_env().await?;
//! let idp = cognito::idp::Client::new(&config);
//! let user = idp.admin_get_user().user_pool_id("us-east-1_Example").username("alice").send().await?;
//! println!("{:?}", user.user_status);
//! # Ok(()) }
//! ```
//!
//! Every operation of a service is a method of its `Client` that returns a
//! [`FluentBuilder`]: one setter per input member, then `send().await`. Errors are
//! [`Error<OperationError>`](Error), where the operation's error enum lists exactly the exceptions the
//! model names for it, plus `Unhandled`.
//!
//! Cargo features: `idp`, `identity` and `sync` (the services), `srp` (SRP sign-in), `jwt` (token
//! verification), `tracing`, `rustls` (default) or `native-tls` (TLS), `aws-config` (credentials and
//! region from aws-config's default chains in [`Config::from_env`]: assume-role, SSO,
//! `credential_process`, web identity, container credentials, instance metadata; and
//! `Config::from_sdk_config`).

#![warn(missing_docs)]
// The runtime serves every service; a build with only some of them leaves parts of it unused.
#![cfg_attr(
    not(all(feature = "idp", feature = "identity", feature = "sync")),
    allow(dead_code)
)]

mod macros;
#[allow(unused_imports)] // which macros a build uses depends on its service features
pub(crate) use macros::{
    exception, json_operation, json_struct, open_enum, operation_error, paginated, rest_operation,
};

pub mod auth;
pub(crate) mod client;
pub mod config;
pub mod credentials;
pub mod endpoint;
pub mod error;
pub mod fluent;
pub mod http;
pub mod operation;
pub mod paginate;
pub mod primitives;
pub mod retry;
mod sign;
pub mod timeout;

#[cfg(feature = "identity")]
pub mod identity;
#[cfg(feature = "idp")]
pub mod idp;
#[cfg(feature = "jwt")]
pub mod jwt;
#[cfg(feature = "sync")]
pub mod sync;

pub use aws_credential_types::Credentials;
pub use config::{Config, ConfigBuilder, ConfigError};
pub use credentials::CredentialsCache;
pub use error::Error;
pub use fluent::FluentBuilder;
pub use http::HttpClient;
pub use primitives::{Blob, DateTime, Document};
pub use retry::RetryConfig;
pub use timeout::Timeouts;
