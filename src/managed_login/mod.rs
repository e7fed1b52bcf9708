//! Managed login (feature `managed-login`): the OAuth 2.0 / OpenID Connect endpoints of a user pool's
//! domain, typed, with Cognito's quirks handled.
//!
//! A [`ManagedLogin`] is one app client of one user pool with its domain. It covers:
//!
//! - **Authorization code with PKCE** (S256, the only method Cognito accepts):
//!   [`ManagedLogin::authorize`] makes the `/oauth2/authorize` URL with a random `state`, `nonce` and
//!   code verifier (scopes, `identity_provider` / `idp_identifier`, `lang`, `prompt`);
//!   [`ManagedLogin::complete`] checks the callback's `state`, exchanges the code at `/oauth2/token`
//!   and verifies the ID token with [`crate::jwt`], its `nonce` included.
//! - **Client credentials** (machine to machine): [`ManagedLogin::client_credentials`] caches the
//!   token per app client and scopes until shortly before it expires, and refreshes it with one
//!   request while the other callers wait (Cognito bills every such request).
//! - **Refresh**: [`ManagedLogin::refresh`] uses the token endpoint's `refresh_token` grant, or
//!   `GetTokensFromRefreshToken` for app clients that rotate refresh tokens, and says which.
//! - **userInfo** ([`ManagedLogin::user_info`], with `email_verified` / `phone_number_verified` read
//!   from the strings `"true"` / `"false"` Cognito sends), **revoke** ([`ManagedLogin::revoke`]) and
//!   the **logout URL** ([`ManagedLogin::logout_url`], with `client_id` and `logout_uri`).
//!
//! # Two origins
//! The issuer (`https://cognito-idp.{region}.amazonaws.com/{pool}`, which names the tokens and serves
//! the keys and the discovery document) and the domain (which serves the endpoints) are different
//! hosts; [`Issuer`] and [`Domain`] are different types, and [`Endpoints`] are made from a domain
//! only. [`ManagedLoginBuilder::discover`] reads the domain from the discovery document.
//!
//! # Client authentication
//! With a secret, `client_secret_basic` by default (what Cognito's documentation requires; the id
//! and secret are form-urlencoded before Base64, as RFC 6749 §2.3.1 says), `client_secret_post` on
//! request ([`ClientAuthMethod`]); without one, `client_id` in the body. The secret never appears in
//! `Debug`, logs or errors, and request bodies holding secrets are wiped after use.
//!
//! # Transport, retries, errors
//! Requests go through the [`Config`](crate::Config)'s transport with its timeouts, retry settings and
//! response-size limit (at most 256 KiB here), inside a `tracing` span per call. A request that cannot
//! be repeated (an authorization code, a rotating refresh) is not sent again once it may have reached
//! Cognito. Answers become [`ManagedLoginError`]s: OAuth error codes as [`OAuthErrorCode`] variants
//! with their description (Cognito's bare `{"error": "invalid_grant"}` included), HTML pages, other
//! bodies and 5xx as clear errors, never a panic.
//!
//! # Why not the `oauth2` / `openidconnect` crates
//! They bring their own HTTP abstraction and dependencies (`chrono`, `rand`, and for
//! `openidconnect` a whole JOSE stack) for what is here a few hundred lines on the crate's own
//! transport; their strict OIDC checks reject Cognito's two origins and string booleans, and ID
//! tokens are already verified by [`crate::jwt`].

mod cache;
mod client;
mod endpoints;
mod error;
mod http;
mod pkce;
mod token;
mod userinfo;

pub use cache::DEFAULT_REFRESH_MARGIN;
pub use client::{
    Authorize, ManagedLogin, ManagedLoginBuilder, RefreshMethod, Refreshed, SignedIn,
};
pub use endpoints::{Discovery, Domain, Endpoints, Issuer};
pub use error::{Call, ManagedLoginError, OAuthError, OAuthErrorCode};
pub use pkce::{AuthorizationRequest, Callback, CodeVerifier, PendingLogin, Prompt};
pub use token::{ClientAuthMethod, ClientCredentialsToken};
pub use userinfo::UserInfo;
