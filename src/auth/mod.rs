//! Auth tooling every Cognito user otherwise writes by hand: `SECRET_HASH`, SRP, typed challenge flows and
//! tokens.
//!
//! - [`secret_hash`](mod@secret_hash): `SECRET_HASH` for app clients with a secret, and [`ClientSecret`] to hold one.
//! - `srp` (feature `srp`, on by default): the client side of Cognito's SRP-6a — `USER_SRP_AUTH`,
//!   `DEVICE_SRP_AUTH` and the device verifier of `ConfirmDevice`.
//! - [`flow`]: typed sign-in (`AppClient::sign_in`, `admin_sign_in`) returning a [`SignInStep`] per
//!   challenge, with SRP and remembered devices handled inside.
//! - [`tokens`]: [`Tokens`] with refresh, global sign-out and revocation.
//! - [`app_client`]: [`AppClient`], the handle for one app client (its id and optional secret) that
//!   sign-in, refresh, revocation and sign-out go through, and [`UserPoolId`].

pub mod app_client;
#[cfg(feature = "idp")]
pub mod flow;
pub mod secret_hash;
#[cfg(feature = "srp")]
pub mod srp;
#[cfg(feature = "idp")]
pub mod tokens;

#[cfg(feature = "idp")]
pub use app_client::AppClient;
pub use app_client::{AppClientSecret, UserPoolId};
#[cfg(feature = "idp")]
pub use flow::{RememberedDevice, SignIn, SignInError, SignInStep, SignedIn};
pub use secret_hash::{secret_hash, ClientSecret};
#[cfg(feature = "srp")]
pub use srp::{
    DeviceSrpClient, DeviceVerifier, PasswordVerifierChallenge, PasswordVerifierResponse,
    SrpClient, SrpError,
};
#[cfg(feature = "idp")]
pub use tokens::{Refresh, RefreshError, RevokeError, Tokens};
