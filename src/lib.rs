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
//! verification), `tracing`; TLS through reqwest: `rustls` (default), `rustls-no-provider` (the app's
//! own rustls crypto provider) or `native-tls`, plus `webpki-roots`; `http2`, `socks`; `aws-config`
//! (the official credential and region chains); `managed-login` (the user pool's OAuth 2.0 / OIDC
//! endpoints, `managed_login`).
//!
//! # Layers
//!
//! Each module imports only from the layers below it (no import cycle), bottom up:
//!
//! 1. [`primitives`], [`service`], [`transport`] (the [`HttpTransport`] trait and its reqwest
//!    implementation), [`error`] (every error type);
//! 2. [`timeout`], [`retry`] (settings, classification, backoff, quota, adaptive rate limiter),
//!    [`config`] (region, endpoints, credentials, the transport of all clients);
//! 3. [`endpoint`] (the URL and signing region of a service under a configuration), `sign` (SigV4
//!    through `aws-sigv4`);
//! 4. the send path, `client` (serialize → sign → send → read, bounded → decode; retries, timeouts,
//!    clock-skew correction), with [`operation`] (what each operation says about its request);
//! 5. [`fluent`] (the builders every operation method returns) and [`paginate`];
//! 6. the generated services: [`idp`], [`identity`], [`sync`];
//! 7. the tools on top: [`auth`] (SECRET_HASH, SRP, sign-in flows, tokens), `jwt`, identity-pool
//!    credentials; `managed_login` (the OAuth 2.0 / OIDC endpoints, over `jwt` and `idp`).
//!
//! Every byte of a request is made within two files of a service's `Client`: the generated method
//! fills the input (`operation`), and `client` adds the endpoint, the signature and the SDK headers
//! before the [`HttpTransport`] sends it.

#![warn(missing_docs)]
// docs.rs (`--cfg docsrs`, nightly): each feature-gated item shows the feature it needs. `doc_cfg` now
// includes what `doc_auto_cfg` did; stable builds never see the attribute.
#![cfg_attr(docsrs, feature(doc_cfg))]
// The runtime serves every service; a build with only some of them leaves parts of it unused.
#![cfg_attr(
    not(all(feature = "idp", feature = "identity", feature = "sync")),
    allow(dead_code)
)]

mod macros;
#[allow(unused_imports)] // which macros a build uses depends on its service features
pub(crate) use macros::{
    exception, json_operation, json_struct, open_enum, operation_error, paginated, rest_operation,
    service_error, service_predicates,
};

pub mod auth;
pub(crate) mod client;
pub mod config;
pub mod credentials;
pub mod endpoint;
pub mod error;
pub mod fluent;
pub mod operation;
pub mod paginate;
pub mod primitives;
pub mod retry;
pub mod service;
mod sign;
pub mod timeout;
pub mod transport;

#[cfg(feature = "identity")]
pub mod identity;
#[cfg(feature = "idp")]
pub mod idp;
#[cfg(feature = "jwt")]
pub mod jwt;
#[cfg(feature = "managed-login")]
pub mod managed_login;
#[cfg(feature = "sync")]
pub mod sync;

pub use aws_credential_types::Credentials;
pub use config::{Config, ConfigBuilder, ConfigError};
pub use credentials::CredentialsCache;
pub use error::Error;
pub use fluent::FluentBuilder;
pub use primitives::{Blob, DateTime, Document};
pub use retry::RetryConfig;
pub use timeout::Timeouts;
pub use transport::{HttpTransport, ReqwestTransport};
