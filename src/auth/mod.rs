//! Auth tooling every Cognito user otherwise writes by hand: `SECRET_HASH`, SRP, typed challenge flows and
//! tokens.
//!
//! - [`secret_hash`]: `SECRET_HASH` for app clients with a secret, and [`ClientSecret`] to hold one.
//! - `srp` (feature `srp`, on by default): the client side of Cognito's SRP-6a — `USER_SRP_AUTH`,
//!   `DEVICE_SRP_AUTH` and the device verifier of `ConfirmDevice`.

pub mod app_client;
pub mod secret_hash;
#[cfg(feature = "srp")]
pub mod srp;

pub use app_client::AppClient;
pub use secret_hash::{secret_hash, ClientSecret};
#[cfg(feature = "srp")]
pub use srp::{
    DeviceSrpClient, DeviceVerifier, PasswordVerifierChallenge, PasswordVerifierResponse,
    SrpClient, SrpError,
};
