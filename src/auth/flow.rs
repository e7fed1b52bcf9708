//! Typed sign-in: one entry point that runs `InitiateAuth` (or `AdminInitiateAuth`) and returns a
//! [`SignInStep`]: signed in, or a challenge as its own variant with typed fields and a typed `respond`.
//!
//! `PASSWORD_VERIFIER` (SRP) and `DEVICE_SRP_AUTH` / `DEVICE_PASSWORD_VERIFIER` (a remembered device) are
//! answered inside the flow; every other challenge comes back to the caller. A challenge this SDK does not
//! know yet arrives as [`SignInStep::Other`], which can still be answered with raw responses.
//!
//! ```no_run
//! # async fn demo(idp: cognito::idp::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use cognito::auth::{SignInStep, UserPoolId};
//! let app = idp.app_client("app-client-id");
//! let pool = UserPoolId::new("us-east-1_Pool");
//! let step = app.sign_in("alice").password_srp(&pool, "correct horse").await?;
//! let signed_in = match step {
//!     SignInStep::SignedIn(s) => s,
//!     SignInStep::SoftwareTokenMfa(c) => match c.respond("123456").await? {
//!         SignInStep::SignedIn(s) => s,
//!         other => return Err(format!("unexpected {}", other.name()).into()),
//!     },
//!     other => return Err(format!("unexpected {}", other.name()).into()),
//! };
//! println!("expires at {:?}", signed_in.tokens.expires_at());
//! # Ok(()) }
//! ```
//!
//! The flow answers at most [`MAX_AUTOMATIC_ANSWERS`] challenges in a row by itself, and one SRP private
//! value answers one `PASSWORD_VERIFIER`: a service that asks again gets an error
//! ([`SignInError::TooManyChallenges`], or [`SignInError::Srp`] with `SrpError::EphemeralUsed`).
//!
//! SECRET_HASH: give the app client its secret ([`AppClient::with_secret`]) and every step carries the
//! right hash (after SRP, of the `USER_ID_FOR_SRP`).

use std::collections::HashMap;
use std::fmt;
use std::time::SystemTime;

use zeroize::{Zeroize, Zeroizing};

use crate::auth::app_client::{AppClient, UserPoolId};
use crate::auth::tokens::Tokens;
use crate::idp::operation::{
    AdminInitiateAuthOutput, AdminRespondToAuthChallengeOutput, InitiateAuthOutput,
    RespondToAuthChallengeOutput,
};
use crate::idp::types::{
    AuthFlowType, AuthenticationResultType, ChallengeNameType, VerifySoftwareTokenResponseType,
};
use crate::Error;

/// The most challenges one step of a sign-in answers by itself (`PASSWORD_VERIFIER`,
/// `DEVICE_SRP_AUTH`, `DEVICE_PASSWORD_VERIFIER`) before it gives up with
/// [`SignInError::TooManyChallenges`]: the longest honest sequence has three.
pub const MAX_AUTOMATIC_ANSWERS: usize = 4;

impl AppClient {
    /// Starts signing in `username` with this app client (public-client calls: no AWS credentials needed).
    /// Choose the first factor with one of [`SignIn`]'s methods.
    pub fn sign_in(&self, username: impl Into<String>) -> SignIn {
        SignIn {
            flow: Flow::new(self, None, username.into()),
        }
    }

    /// Starts a server-side sign-in of `username` in `user_pool` (`AdminInitiateAuth`, signed with AWS
    /// credentials, so the user-pools client needs them).
    pub fn admin_sign_in(&self, user_pool: &UserPoolId, username: impl Into<String>) -> SignIn {
        SignIn {
            flow: Flow::new(self, Some(user_pool.as_str().to_owned()), username.into()),
        }
    }
}

/// A sign-in being set up; pick the first factor with one of its `async` methods.
#[derive(Debug)]
#[must_use = "a sign-in starts when one of its methods is awaited"]
pub struct SignIn {
    flow: Flow,
}

impl SignIn {
    /// Signs in as a device remembered earlier (see [`NewDevice::confirm`]): Cognito may then skip MFA, and
    /// its `DEVICE_SRP_AUTH` challenge is answered inside the flow.
    pub fn device(mut self, device: RememberedDevice) -> Self {
        self.flow.device = Some(device);
        self
    }

    /// Adds an entry to the `ClientMetadata` of every call (passed to your Lambda triggers).
    pub fn client_metadata(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.flow.metadata.insert(key.into(), value.into());
        self
    }

    /// Username and password sent to Cognito over TLS (`USER_PASSWORD_AUTH`, or
    /// `ADMIN_USER_PASSWORD_AUTH` for an admin sign-in).
    pub async fn password(self, password: &str) -> Result<SignInStep, SignInError> {
        let flow = if self.flow.admin_pool.is_some() {
            AuthFlowType::AdminUserPasswordAuth
        } else {
            AuthFlowType::UserPasswordAuth
        };
        let mut params = self.flow.base_parameters();
        params.insert("PASSWORD".to_owned(), password.to_owned());
        let out = self.flow.initiate(flow, params).await?;
        self.flow.advance(out, None).await
    }

    /// Username and password proven with SRP (`USER_SRP_AUTH`): the password never leaves the process.
    /// `user_pool` is the app client's pool, whose name part the proof hashes.
    #[cfg(feature = "srp")]
    pub async fn password_srp(
        self,
        user_pool: &UserPoolId,
        password: &str,
    ) -> Result<SignInStep, SignInError> {
        let srp = crate::auth::srp::SrpClient::new(user_pool.as_str()).map_err(SignInError::Srp)?;
        let mut params = self.flow.base_parameters();
        params.insert("SRP_A".to_owned(), srp.srp_a());
        let out = self
            .flow
            .initiate(AuthFlowType::UserSrpAuth, params)
            .await?;
        self.flow.advance(out, Some((srp, password))).await
    }

    /// Choice-based sign-in (`USER_AUTH`): Cognito answers with the first factors the user can use
    /// ([`SignInStep::SelectChallenge`]).
    pub async fn user_auth(self) -> Result<SignInStep, SignInError> {
        self.start_user_auth(None).await
    }

    /// Choice-based sign-in (`USER_AUTH`) that goes straight to `preferred` (`EMAIL_OTP`, `SMS_OTP`,
    /// `WEB_AUTHN`) when the user can use it. For the password, use
    /// [`user_auth_password`](Self::user_auth_password) or [`user_auth_srp`](Self::user_auth_srp).
    pub async fn user_auth_preferring(
        self,
        preferred: ChallengeNameType,
    ) -> Result<SignInStep, SignInError> {
        self.start_user_auth(Some(preferred)).await
    }

    async fn start_user_auth(
        self,
        preferred: Option<ChallengeNameType>,
    ) -> Result<SignInStep, SignInError> {
        if matches!(
            preferred,
            Some(ChallengeNameType::Password | ChallengeNameType::PasswordSrp)
        ) {
            return Err(SignInError::InvalidRequest(
                "a preferred PASSWORD or PASSWORD_SRP needs the password: use user_auth_password or \
                 user_auth_srp"
                    .into(),
            ));
        }
        let mut params = self.flow.base_parameters();
        if let Some(p) = preferred {
            params.insert("PREFERRED_CHALLENGE".to_owned(), p.as_str().to_owned());
        }
        let out = self.flow.initiate(AuthFlowType::UserAuth, params).await?;
        self.flow.advance(out, None).await
    }

    /// Choice-based sign-in (`USER_AUTH`) with the password as the preferred first factor.
    pub async fn user_auth_password(self, password: &str) -> Result<SignInStep, SignInError> {
        let mut params = self.flow.base_parameters();
        params.insert("PREFERRED_CHALLENGE".to_owned(), "PASSWORD".to_owned());
        params.insert("PASSWORD".to_owned(), password.to_owned());
        let out = self.flow.initiate(AuthFlowType::UserAuth, params).await?;
        self.flow.advance(out, None).await
    }

    /// Choice-based sign-in (`USER_AUTH`) with the SRP-proven password as the preferred first factor.
    #[cfg(feature = "srp")]
    pub async fn user_auth_srp(
        self,
        user_pool: &UserPoolId,
        password: &str,
    ) -> Result<SignInStep, SignInError> {
        let srp = crate::auth::srp::SrpClient::new(user_pool.as_str()).map_err(SignInError::Srp)?;
        let mut params = self.flow.base_parameters();
        params.insert("PREFERRED_CHALLENGE".to_owned(), "PASSWORD_SRP".to_owned());
        params.insert("SRP_A".to_owned(), srp.srp_a());
        let out = self.flow.initiate(AuthFlowType::UserAuth, params).await?;
        self.flow.advance(out, Some((srp, password))).await
    }

    /// Custom authentication driven by your Lambda triggers (`CUSTOM_AUTH`).
    pub async fn custom(self) -> Result<SignInStep, SignInError> {
        let params = self.flow.base_parameters();
        let out = self.flow.initiate(AuthFlowType::CustomAuth, params).await?;
        self.flow.advance(out, None).await
    }
}

/// A device that Cognito remembers for a user: save it after [`NewDevice::confirm`] and give it to
/// [`SignIn::device`] next time. `Debug` does not show the device password, which is wiped from memory
/// when the value is dropped (so its fields are read or cloned, not moved out).
#[derive(Clone, PartialEq, Eq)]
pub struct RememberedDevice {
    /// `DeviceKey`.
    pub device_key: String,
    /// `DeviceGroupKey`.
    pub device_group_key: String,
    /// The random password generated at confirmation, needed for `DEVICE_SRP_AUTH`.
    pub device_password: String,
}

impl Drop for RememberedDevice {
    fn drop(&mut self) {
        self.device_password.zeroize();
    }
}

impl fmt::Debug for RememberedDevice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RememberedDevice")
            .field("device_key", &self.device_key)
            .field("device_group_key", &self.device_group_key)
            .field("device_password", &"<redacted>")
            .finish()
    }
}

/// Where a sign-in stands.
#[derive(Debug)]
#[non_exhaustive]
pub enum SignInStep {
    /// Done: the user's tokens.
    SignedIn(SignedIn),
    /// `NEW_PASSWORD_REQUIRED`: the user must choose a new password (first sign-in of an admin-created
    /// user).
    NewPasswordRequired(NewPasswordRequired),
    /// `SMS_MFA`: a code sent by SMS.
    SmsMfa(CodeChallenge),
    /// `SOFTWARE_TOKEN_MFA`: a code from the user's authenticator app.
    SoftwareTokenMfa(CodeChallenge),
    /// `EMAIL_OTP`: a code sent by e-mail.
    EmailOtp(CodeChallenge),
    /// `SMS_OTP`: a one-time code sent by SMS (passwordless `USER_AUTH`).
    SmsOtp(CodeChallenge),
    /// `SELECT_MFA_TYPE`: the user picks one of several MFA types.
    SelectMfaType(SelectMfaType),
    /// `MFA_SETUP`: the pool requires MFA and the user has none yet.
    MfaSetup(MfaSetup),
    /// `SELECT_CHALLENGE`: choice-based sign-in offers several first factors.
    SelectChallenge(SelectChallenge),
    /// `CUSTOM_CHALLENGE`: your Lambda triggers ask a question.
    CustomChallenge(CustomChallenge),
    /// `WEB_AUTHN`: a passkey assertion is needed.
    WebAuthn(WebAuthnChallenge),
    /// A challenge this version of the SDK does not handle; answer it with raw responses.
    Other(OtherChallenge),
}

impl SignInStep {
    /// The challenge name (`SIGNED_IN` when done).
    pub fn name(&self) -> &str {
        match self {
            SignInStep::SignedIn(_) => "SIGNED_IN",
            SignInStep::NewPasswordRequired(_) => "NEW_PASSWORD_REQUIRED",
            SignInStep::SmsMfa(_) => "SMS_MFA",
            SignInStep::SoftwareTokenMfa(_) => "SOFTWARE_TOKEN_MFA",
            SignInStep::EmailOtp(_) => "EMAIL_OTP",
            SignInStep::SmsOtp(_) => "SMS_OTP",
            SignInStep::SelectMfaType(_) => "SELECT_MFA_TYPE",
            SignInStep::MfaSetup(_) => "MFA_SETUP",
            SignInStep::SelectChallenge(_) => "SELECT_CHALLENGE",
            SignInStep::CustomChallenge(_) => "CUSTOM_CHALLENGE",
            SignInStep::WebAuthn(_) => "WEB_AUTHN",
            SignInStep::Other(o) => o.name.as_str(),
        }
    }

    /// The tokens, when signed in.
    pub fn into_signed_in(self) -> Option<SignedIn> {
        match self {
            SignInStep::SignedIn(s) => Some(s),
            _ => None,
        }
    }
}

/// A finished sign-in.
#[derive(Debug)]
pub struct SignedIn {
    /// The user's tokens.
    pub tokens: Tokens,
    /// Set when the pool tracks devices and this one is new: confirm it to remember it.
    pub new_device: Option<NewDevice>,
}

/// A device Cognito saw for the first time; [`confirm`](NewDevice::confirm) it to remember it.
#[derive(Debug, Clone)]
pub struct NewDevice {
    /// `DeviceKey`.
    pub device_key: String,
    /// `DeviceGroupKey`.
    pub device_group_key: String,
    #[cfg_attr(not(feature = "srp"), allow(dead_code))]
    client: crate::idp::Client,
}

impl NewDevice {
    /// `ConfirmDevice` with a freshly generated device password and SRP verifier, with the signed-in user's
    /// `tokens`: the device is tracked (not remembered, unless the pool remembers every device). Returns what
    /// to save for later sign-ins.
    #[cfg(feature = "srp")]
    pub async fn confirm(
        &self,
        tokens: &Tokens,
        device_name: &str,
    ) -> Result<RememberedDevice, SignInError> {
        self.confirm_device(tokens.access_token(), device_name, false)
            .await
    }

    /// [`confirm`](Self::confirm), then `UpdateDeviceStatus` to `remembered` (for pools where users opt in
    /// to remembering devices): later sign-ins with the device may skip MFA.
    #[cfg(feature = "srp")]
    pub async fn confirm_and_remember(
        &self,
        tokens: &Tokens,
        device_name: &str,
    ) -> Result<RememberedDevice, SignInError> {
        self.confirm_device(tokens.access_token(), device_name, true)
            .await
    }

    #[cfg(feature = "srp")]
    async fn confirm_device(
        &self,
        access_token: &str,
        device_name: &str,
        remember: bool,
    ) -> Result<RememberedDevice, SignInError> {
        let verifier =
            crate::auth::srp::new_device_verifier(&self.device_group_key, &self.device_key)
                .map_err(SignInError::Srp)?;
        self.client
            .confirm_device()
            .access_token(access_token)
            .device_key(self.device_key.clone())
            .device_name(device_name)
            .device_secret_verifier_config(verifier.secret_verifier_config())
            .send()
            .await
            .map_err(SignInError::from)?;
        if remember {
            self.client
                .update_device_status()
                .access_token(access_token)
                .device_key(self.device_key.clone())
                .device_remembered_status(crate::idp::types::DeviceRememberedStatusType::Remembered)
                .send()
                .await
                .map_err(SignInError::from)?;
        }
        Ok(RememberedDevice {
            device_key: self.device_key.clone(),
            device_group_key: self.device_group_key.clone(),
            device_password: verifier.device_password.expose().to_owned(),
        })
    }
}

/// `NEW_PASSWORD_REQUIRED`.
///
/// `Debug` shows the names of the user's attributes, never their values (the API model marks attribute
/// values sensitive: e-mail addresses, phone numbers, custom attributes).
pub struct NewPasswordRequired {
    /// Attributes the user must give with the new password (`requiredAttributes`, without the
    /// `userAttributes.` prefix).
    pub required_attributes: Vec<String>,
    /// The user's current attributes (`userAttributes`).
    pub user_attributes: HashMap<String, String>,
    challenge: Challenge,
}

impl fmt::Debug for NewPasswordRequired {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Names only, sorted so that the output does not depend on the map's order.
        let attributes: std::collections::BTreeMap<&str, crate::primitives::Redacted> = self
            .user_attributes
            .keys()
            .map(|name| (name.as_str(), crate::primitives::REDACTED))
            .collect();
        f.debug_struct("NewPasswordRequired")
            .field("required_attributes", &self.required_attributes)
            .field("user_attributes", &attributes)
            .field("challenge", &self.challenge)
            .finish()
    }
}

impl NewPasswordRequired {
    /// Sets the new password, with values for the required attributes (`("name", "Alice")`).
    pub async fn respond<K, V>(
        self,
        new_password: &str,
        attributes: impl IntoIterator<Item = (K, V)>,
    ) -> Result<SignInStep, SignInError>
    where
        K: AsRef<str>,
        V: Into<String>,
    {
        let mut responses = HashMap::from([("NEW_PASSWORD".to_owned(), new_password.to_owned())]);
        for (k, v) in attributes {
            responses.insert(format!("userAttributes.{}", k.as_ref()), v.into());
        }
        self.challenge.respond(responses).await
    }
}

/// A challenge answered with a code: `SMS_MFA`, `SOFTWARE_TOKEN_MFA`, `EMAIL_OTP` or `SMS_OTP`.
#[derive(Debug)]
pub struct CodeChallenge {
    /// Where the code went (`CODE_DELIVERY_DESTINATION`, masked), if Cognito says.
    pub destination: Option<String>,
    /// How it went (`CODE_DELIVERY_DELIVERY_MEDIUM`), if Cognito says.
    pub delivery_medium: Option<String>,
    challenge: Challenge,
}

impl CodeChallenge {
    /// Answers with the code the user received.
    pub async fn respond(self, code: &str) -> Result<SignInStep, SignInError> {
        let key = match &self.challenge.name {
            ChallengeNameType::SmsMfa => "SMS_MFA_CODE",
            ChallengeNameType::SoftwareTokenMfa => "SOFTWARE_TOKEN_MFA_CODE",
            ChallengeNameType::EmailOtp => "EMAIL_OTP_CODE",
            _ => "SMS_OTP_CODE",
        };
        self.challenge
            .respond(HashMap::from([(key.to_owned(), code.to_owned())]))
            .await
    }
}

/// `SELECT_MFA_TYPE`.
#[derive(Debug)]
pub struct SelectMfaType {
    /// The MFA types the user can choose (`MFAS_CAN_CHOOSE`).
    pub options: Vec<ChallengeNameType>,
    challenge: Challenge,
}

impl SelectMfaType {
    /// Picks one of [`options`](Self::options); Cognito then sends that challenge.
    pub async fn respond(self, choice: ChallengeNameType) -> Result<SignInStep, SignInError> {
        self.challenge
            .respond(HashMap::from([(
                "ANSWER".to_owned(),
                choice.as_str().to_owned(),
            )]))
            .await
    }
}

/// `MFA_SETUP`: associate an authenticator app (TOTP) or an e-mail address, then answer.
#[derive(Debug)]
pub struct MfaSetup {
    /// The MFA types the user may set up (`MFAS_CAN_SETUP`).
    pub options: Vec<String>,
    /// The name [`verify_software_token`](Self::verify_software_token) gives the authenticator.
    device_name: Option<String>,
    challenge: Challenge,
}

impl MfaSetup {
    /// `AssociateSoftwareToken`: the TOTP secret to show the user (as a QR code or text).
    pub async fn associate_software_token(&mut self) -> Result<TotpSecret, SignInError> {
        let out = self
            .challenge
            .flow
            .client
            .associate_software_token()
            .session(self.challenge.session.as_str().to_owned())
            .send()
            .await
            .map_err(SignInError::from)?;
        if let Some(s) = out.session {
            self.challenge.session = Zeroizing::new(s);
        }
        let secret = out.secret_code.ok_or_else(|| {
            SignInError::Malformed("AssociateSoftwareToken without SecretCode".into())
        })?;
        Ok(TotpSecret(secret))
    }

    /// Names the authenticator (`FriendlyDeviceName` of `VerifySoftwareToken`), as the user will see it
    /// among their MFA devices.
    pub fn device_name(mut self, name: impl Into<String>) -> Self {
        self.device_name = Some(name.into());
        self
    }

    /// `VerifySoftwareToken` with a code from the app, then answers `MFA_SETUP`.
    pub async fn verify_software_token(mut self, code: &str) -> Result<SignInStep, SignInError> {
        let mut call = self
            .challenge
            .flow
            .client
            .verify_software_token()
            .session(self.challenge.session.as_str().to_owned())
            .user_code(code);
        if let Some(name) = self.device_name.take() {
            call = call.friendly_device_name(name);
        }
        let out = call.send().await.map_err(SignInError::from)?;
        if out.status != Some(VerifySoftwareTokenResponseType::Success) {
            return Err(SignInError::CodeMismatch);
        }
        if let Some(s) = out.session {
            self.challenge.session = Zeroizing::new(s);
        }
        self.challenge.respond(HashMap::new()).await
    }

    /// Sets up e-mail MFA with `email` (pools with e-mail MFA).
    pub async fn respond_email(self, email: &str) -> Result<SignInStep, SignInError> {
        self.challenge
            .respond(HashMap::from([("EMAIL".to_owned(), email.to_owned())]))
            .await
    }
}

/// A TOTP secret (base32). `Debug` does not show it; it is wiped from memory when dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(String);

impl Drop for TotpSecret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl TotpSecret {
    /// The secret, base32.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// An `otpauth://` URI for authenticator apps (render it as a QR code).
    pub fn otpauth_uri(&self, issuer: &str, account: &str) -> String {
        let enc = |s: &str| {
            percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
        };
        format!(
            "otpauth://totp/{}:{}?secret={}&issuer={}",
            enc(issuer),
            enc(account),
            self.0,
            enc(issuer)
        )
    }
}

impl fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSecret(<redacted>)")
    }
}

/// `SELECT_CHALLENGE`: choice-based sign-in offers first factors.
#[derive(Debug)]
pub struct SelectChallenge {
    /// What the user can choose (`AvailableChallenges`).
    pub available: Vec<ChallengeNameType>,
    challenge: Challenge,
}

impl SelectChallenge {
    /// Chooses the password (`PASSWORD`), sent over TLS.
    pub async fn password(self, password: &str) -> Result<SignInStep, SignInError> {
        let responses = HashMap::from([
            ("ANSWER".to_owned(), "PASSWORD".to_owned()),
            ("PASSWORD".to_owned(), password.to_owned()),
        ]);
        self.challenge.respond(responses).await
    }

    /// Chooses the password proven with SRP (`PASSWORD_SRP`).
    #[cfg(feature = "srp")]
    pub async fn password_srp(
        self,
        user_pool: &UserPoolId,
        password: &str,
    ) -> Result<SignInStep, SignInError> {
        let srp = crate::auth::srp::SrpClient::new(user_pool.as_str()).map_err(SignInError::Srp)?;
        let responses = HashMap::from([
            ("ANSWER".to_owned(), "PASSWORD_SRP".to_owned()),
            ("SRP_A".to_owned(), srp.srp_a()),
        ]);
        let out = self.challenge.send(responses).await?;
        self.challenge
            .flow
            .advance(out, Some((srp, password)))
            .await
    }

    /// Chooses another factor (`EMAIL_OTP`, `SMS_OTP`, `WEB_AUTHN`); Cognito then sends its challenge.
    pub async fn choose(self, choice: ChallengeNameType) -> Result<SignInStep, SignInError> {
        self.challenge
            .respond(HashMap::from([(
                "ANSWER".to_owned(),
                choice.as_str().to_owned(),
            )]))
            .await
    }
}

/// `CUSTOM_CHALLENGE`. `Debug` shows the parameters' names, not their values.
pub struct CustomChallenge {
    /// The challenge's parameters, as your Lambda trigger set them.
    pub parameters: HashMap<String, String>,
    challenge: Challenge,
}

/// The names of challenge parameters, sorted: what `Debug` shows of them (their values can be
/// secrets: `SECRET_BLOCK`, a Lambda's private data).
fn parameter_names(parameters: &HashMap<String, String>) -> Vec<&str> {
    let mut names: Vec<&str> = parameters.keys().map(String::as_str).collect();
    names.sort_unstable();
    names
}

impl std::fmt::Debug for CustomChallenge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CustomChallenge")
            .field("parameter_names", &parameter_names(&self.parameters))
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for OtherChallenge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OtherChallenge")
            .field("name", &self.name)
            .field("parameter_names", &parameter_names(&self.parameters))
            .finish_non_exhaustive()
    }
}

impl CustomChallenge {
    /// Answers with `answer` (`ANSWER`).
    pub async fn respond(self, answer: &str) -> Result<SignInStep, SignInError> {
        self.challenge
            .respond(HashMap::from([("ANSWER".to_owned(), answer.to_owned())]))
            .await
    }
}

/// `WEB_AUTHN`: a passkey assertion.
#[derive(Debug)]
pub struct WebAuthnChallenge {
    /// `CREDENTIAL_REQUEST_OPTIONS`: JSON for the authenticator (`navigator.credentials.get`).
    pub credential_request_options: Option<String>,
    challenge: Challenge,
}

impl WebAuthnChallenge {
    /// Answers with the authenticator's assertion, JSON-encoded (`CREDENTIAL`).
    pub async fn respond(self, credential_json: &str) -> Result<SignInStep, SignInError> {
        self.challenge
            .respond(HashMap::from([(
                "CREDENTIAL".to_owned(),
                credential_json.to_owned(),
            )]))
            .await
    }
}

/// A challenge the SDK does not model; answer it with raw responses. `Debug` shows the parameters'
/// names, not their values.
pub struct OtherChallenge {
    /// The challenge name.
    pub name: String,
    /// Its parameters.
    pub parameters: HashMap<String, String>,
    challenge: Challenge,
}

impl OtherChallenge {
    /// Answers with `responses` (`USERNAME` and `SECRET_HASH` are added when missing).
    pub async fn respond(
        self,
        responses: HashMap<String, String>,
    ) -> Result<SignInStep, SignInError> {
        self.challenge.respond(responses).await
    }
}

/// Why a sign-in step failed.
///
/// A failed call to Cognito is [`SignInError::Call`], whatever the operation: its error is the service-wide
/// [`idp::Error`](crate::idp::Error), so one `match` covers `InitiateAuth`, `RespondToAuthChallenge` and
/// the rest; [`code`](Self::code), [`service_error`](Self::service_error) and the like read it without
/// one.
#[derive(Debug)]
#[non_exhaustive]
pub enum SignInError {
    /// A call to Cognito failed: the service answered with an error (`NotAuthorizedException`,
    /// `CodeMismatchException`, …), or the request failed or timed out. Displays as that error, whose
    /// source is this error's source (one message per layer).
    Call(Error<crate::idp::Error>),
    /// `VerifySoftwareToken` did not accept the code.
    CodeMismatch,
    /// The SRP computation failed (bad values from the server).
    #[cfg(feature = "srp")]
    Srp(crate::auth::srp::SrpError),
    /// The service asked for something this flow cannot answer (`PASSWORD_VERIFIER` outside SRP,
    /// `DEVICE_SRP_AUTH` with no remembered device).
    UnexpectedChallenge(String),
    /// The service kept asking challenges the flow answers by itself: more than
    /// [`MAX_AUTOMATIC_ANSWERS`] in a row.
    TooManyChallenges(usize),
    /// The request cannot be made as asked.
    InvalidRequest(String),
    /// The service's answer lacks what the step needs (no session, no tokens).
    Malformed(String),
}

impl<E> From<Error<E>> for SignInError
where
    Error<crate::idp::Error>: From<Error<E>>,
{
    fn from(e: Error<E>) -> SignInError {
        SignInError::Call(e.into())
    }
}

impl fmt::Display for SignInError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignInError::Call(e) => e.fmt(f),
            SignInError::CodeMismatch => f.write_str("the authenticator code was not accepted"),
            #[cfg(feature = "srp")]
            SignInError::Srp(_) => f.write_str("SRP computation failed"),
            SignInError::UnexpectedChallenge(name) => write!(f, "unexpected challenge {name}"),
            SignInError::TooManyChallenges(limit) => write!(
                f,
                "the service asked for more than {limit} SRP and device challenges in a row"
            ),
            SignInError::InvalidRequest(reason) => write!(f, "invalid sign-in request: {reason}"),
            SignInError::Malformed(reason) => write!(f, "malformed answer: {reason}"),
        }
    }
}

impl std::error::Error for SignInError {
    /// For [`SignInError::Call`], the call's error's own source (its message is already this one's);
    /// for [`SignInError::Srp`], the SRP error.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SignInError::Call(e) => std::error::Error::source(e),
            #[cfg(feature = "srp")]
            SignInError::Srp(e) => Some(e),
            SignInError::CodeMismatch
            | SignInError::UnexpectedChallenge(_)
            | SignInError::TooManyChallenges(_)
            | SignInError::InvalidRequest(_)
            | SignInError::Malformed(_) => None,
        }
    }
}

crate::idp::errors::exception_predicates!(SignInError);

impl SignInError {
    /// The service's error, when a call failed with one.
    pub fn service_error(&self) -> Option<&crate::idp::Error> {
        match self {
            SignInError::Call(e) => e.service_error(),
            _ => None,
        }
    }

    /// The service's error itself when a call failed with one; otherwise this error, unchanged.
    // As large as every sign-in step's own `Result`: the service error is the payload asked for.
    #[allow(clippy::result_large_err)]
    pub fn into_service_error(self) -> Result<crate::idp::Error, SignInError> {
        match self {
            SignInError::Call(e) => e.into_service_error().map_err(SignInError::Call),
            other => Err(other),
        }
    }

    /// The service's error code (`NotAuthorizedException`, `CodeMismatchException`, …), whatever call
    /// failed.
    pub fn code(&self) -> Option<&str> {
        self.service_error().and_then(crate::idp::Error::code)
    }

    /// The service's error message, whatever call failed.
    pub fn message(&self) -> Option<&str> {
        self.service_error().and_then(crate::idp::Error::message)
    }

    /// The request id of the failed call's response, if the service answered.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            SignInError::Call(e) => e.request_id(),
            _ => None,
        }
    }

    /// True when a call timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, SignInError::Call(e) if e.is_timeout())
    }
}

/// What every flow call shares.
#[derive(Clone)]
struct Flow {
    client: crate::idp::Client,
    client_id: String,
    admin_pool: Option<String>,
    /// The name the user is known by in responses: as given, then `USER_ID_FOR_SRP` / `USERNAME` from
    /// the challenges.
    username: String,
    device: Option<RememberedDevice>,
    metadata: HashMap<String, String>,
}

impl fmt::Debug for Flow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Flow")
            .field("client_id", &self.client_id)
            .field("admin_pool", &self.admin_pool)
            .field("username", &crate::primitives::REDACTED)
            .field("device", &self.device)
            .finish_non_exhaustive()
    }
}

/// The parts of the four auth outputs that the flow reads.
struct AuthAnswer {
    challenge_name: Option<ChallengeNameType>,
    session: Option<String>,
    parameters: HashMap<String, String>,
    result: Option<AuthenticationResultType>,
    available: Vec<ChallengeNameType>,
}

macro_rules! auth_answer_from {
    ($($output:ty),*) => {$(
        impl From<$output> for AuthAnswer {
            fn from(o: $output) -> AuthAnswer {
                AuthAnswer {
                    challenge_name: o.challenge_name,
                    session: o.session,
                    parameters: o.challenge_parameters.unwrap_or_default(),
                    result: o.authentication_result,
                    available: o.available_challenges.unwrap_or_default(),
                }
            }
        }
    )*};
}

auth_answer_from!(
    InitiateAuthOutput,
    AdminInitiateAuthOutput,
    RespondToAuthChallengeOutput,
    AdminRespondToAuthChallengeOutput
);

impl Flow {
    fn new(app: &AppClient, admin_pool: Option<String>, username: String) -> Flow {
        Flow {
            client: app.idp().clone(),
            client_id: app.client_id().to_owned(),
            admin_pool,
            username,
            device: None,
            metadata: HashMap::new(),
        }
    }

    /// `USERNAME`, and `DEVICE_KEY` for a remembered device (`SECRET_HASH` is added by the client).
    fn base_parameters(&self) -> HashMap<String, String> {
        let mut params = HashMap::from([("USERNAME".to_owned(), self.username.clone())]);
        if let Some(d) = &self.device {
            params.insert("DEVICE_KEY".to_owned(), d.device_key.clone());
        }
        params
    }

    fn metadata(&self) -> Option<HashMap<String, String>> {
        (!self.metadata.is_empty()).then(|| self.metadata.clone())
    }

    async fn initiate(
        &self,
        flow: AuthFlowType,
        params: HashMap<String, String>,
    ) -> Result<AuthAnswer, SignInError> {
        match &self.admin_pool {
            None => self
                .client
                .initiate_auth()
                .client_id(self.client_id.clone())
                .auth_flow(flow)
                .set_auth_parameters(Some(params))
                .set_client_metadata(self.metadata())
                .send()
                .await
                .map(AuthAnswer::from)
                .map_err(SignInError::from),
            Some(pool) => self
                .client
                .admin_initiate_auth()
                .user_pool_id(pool.clone())
                .client_id(self.client_id.clone())
                .auth_flow(flow)
                .set_auth_parameters(Some(params))
                .set_client_metadata(self.metadata())
                .send()
                .await
                .map(AuthAnswer::from)
                .map_err(SignInError::from),
        }
    }

    async fn respond(
        &self,
        name: ChallengeNameType,
        session: String,
        mut responses: HashMap<String, String>,
    ) -> Result<AuthAnswer, SignInError> {
        responses
            .entry("USERNAME".to_owned())
            .or_insert_with(|| self.username.clone());
        if let Some(d) = &self.device {
            responses
                .entry("DEVICE_KEY".to_owned())
                .or_insert_with(|| d.device_key.clone());
        }
        match &self.admin_pool {
            None => self
                .client
                .respond_to_auth_challenge()
                .client_id(self.client_id.clone())
                .challenge_name(name)
                .session(session)
                .set_challenge_responses(Some(responses))
                .set_client_metadata(self.metadata())
                .send()
                .await
                .map(AuthAnswer::from)
                .map_err(SignInError::from),
            Some(pool) => self
                .client
                .admin_respond_to_auth_challenge()
                .user_pool_id(pool.clone())
                .client_id(self.client_id.clone())
                .challenge_name(name)
                .session(session)
                .set_challenge_responses(Some(responses))
                .set_client_metadata(self.metadata())
                .send()
                .await
                .map(AuthAnswer::from)
                .map_err(SignInError::from),
        }
    }

    /// Turns an answer into a step, answering SRP and device challenges on the way (at most
    /// [`MAX_AUTOMATIC_ANSWERS`] of them; `srp`'s private value answers one `PASSWORD_VERIFIER`).
    #[cfg_attr(not(feature = "srp"), allow(unused_mut, clippy::never_loop))]
    async fn advance(
        mut self,
        mut answer: AuthAnswer,
        #[cfg(feature = "srp")] srp: Option<(crate::auth::srp::SrpClient, &str)>,
        #[cfg(not(feature = "srp"))] _srp: Option<((), &str)>,
    ) -> Result<SignInStep, SignInError> {
        #[cfg(feature = "srp")]
        let mut device_srp: Option<crate::auth::srp::DeviceSrpClient> = None;
        #[cfg(feature = "srp")]
        let mut answered = 0usize;
        loop {
            let issued = SystemTime::now();
            if let Some(result) = &answer.result {
                let tokens = Tokens::from_result(result, issued).ok_or_else(|| {
                    SignInError::Malformed("AuthenticationResult without AccessToken".into())
                })?;
                let new_device = result.new_device_metadata.as_ref().and_then(|m| {
                    Some(NewDevice {
                        device_key: m.device_key.clone()?,
                        device_group_key: m.device_group_key.clone()?,
                        client: self.client.clone(),
                    })
                });
                return Ok(SignInStep::SignedIn(SignedIn { tokens, new_device }));
            }
            let name = answer
                .challenge_name
                .clone()
                .ok_or_else(|| SignInError::Malformed("neither tokens nor a challenge".into()))?;
            if let Some(u) = answer
                .parameters
                .get("USER_ID_FOR_SRP")
                .or_else(|| answer.parameters.get("USERNAME"))
            {
                self.username = u.clone();
            }
            let session = answer
                .session
                .clone()
                .filter(|s| !s.is_empty())
                .ok_or_else(|| {
                    SignInError::Malformed(format!("challenge {} without a Session", name.as_str()))
                })?;
            #[cfg(feature = "srp")]
            if matches!(
                name,
                ChallengeNameType::PasswordVerifier
                    | ChallengeNameType::DeviceSrpAuth
                    | ChallengeNameType::DevicePasswordVerifier
            ) {
                if answered == MAX_AUTOMATIC_ANSWERS {
                    return Err(SignInError::TooManyChallenges(MAX_AUTOMATIC_ANSWERS));
                }
                answered += 1;
            }
            match name {
                #[cfg(feature = "srp")]
                ChallengeNameType::PasswordVerifier => {
                    let (client, password) = srp.as_ref().ok_or_else(|| {
                        SignInError::UnexpectedChallenge("PASSWORD_VERIFIER".into())
                    })?;
                    let challenge = crate::auth::srp::PasswordVerifierChallenge::from_parameters(
                        &answer.parameters,
                    )
                    .map_err(SignInError::Srp)?;
                    // A second PASSWORD_VERIFIER finds the private value spent: EphemeralUsed.
                    let response = client
                        .password_verifier(&challenge, password, SystemTime::now())
                        .map_err(SignInError::Srp)?;
                    self.username = response.username.clone();
                    answer = self
                        .respond(name, session, response.into_challenge_responses())
                        .await?;
                }
                #[cfg(feature = "srp")]
                ChallengeNameType::DeviceSrpAuth => {
                    let device = self.device.clone().ok_or_else(|| {
                        SignInError::UnexpectedChallenge(
                            "DEVICE_SRP_AUTH without a remembered device".into(),
                        )
                    })?;
                    let client = crate::auth::srp::DeviceSrpClient::new(
                        &device.device_group_key,
                        &device.device_key,
                    )
                    .map_err(SignInError::Srp)?;
                    let responses = client.device_srp_auth_responses(&self.username);
                    device_srp = Some(client);
                    answer = self.respond(name, session, responses).await?;
                }
                #[cfg(feature = "srp")]
                ChallengeNameType::DevicePasswordVerifier => {
                    let (client, device) = match (&device_srp, &self.device) {
                        (Some(c), Some(d)) => (c, d),
                        _ => {
                            return Err(SignInError::UnexpectedChallenge(
                                "DEVICE_PASSWORD_VERIFIER".into(),
                            ))
                        }
                    };
                    let challenge =
                        crate::auth::srp::DevicePasswordVerifierChallenge::from_parameters(
                            &answer.parameters,
                        )
                        .map_err(SignInError::Srp)?;
                    let response = client
                        .password_verifier(&challenge, &device.device_password, SystemTime::now())
                        .map_err(SignInError::Srp)?;
                    answer = self
                        .respond(name, session, response.into_challenge_responses())
                        .await?;
                }
                other => return Ok(self.step(other, session, answer)),
            }
        }
    }

    /// A challenge the caller answers.
    fn step(self, name: ChallengeNameType, session: String, answer: AuthAnswer) -> SignInStep {
        let params = answer.parameters;
        let challenge = Challenge {
            flow: self,
            name: name.clone(),
            session: Zeroizing::new(session),
        };
        let code = |challenge| CodeChallenge {
            destination: params.get("CODE_DELIVERY_DESTINATION").cloned(),
            delivery_medium: params.get("CODE_DELIVERY_DELIVERY_MEDIUM").cloned(),
            challenge,
        };
        let json_list = |key: &str| -> Vec<String> {
            params
                .get(key)
                .and_then(|v| serde_json::from_str::<Vec<String>>(v).ok())
                .unwrap_or_default()
        };
        match name {
            ChallengeNameType::NewPasswordRequired => {
                SignInStep::NewPasswordRequired(NewPasswordRequired {
                    required_attributes: json_list("requiredAttributes")
                        .into_iter()
                        .map(|a| {
                            a.strip_prefix("userAttributes.")
                                .map(str::to_owned)
                                .unwrap_or(a)
                        })
                        .collect(),
                    user_attributes: params
                        .get("userAttributes")
                        .and_then(|v| {
                            serde_json::from_str::<HashMap<String, serde_json::Value>>(v).ok()
                        })
                        .map(|m| {
                            m.into_iter()
                                .map(|(k, v)| {
                                    (
                                        k,
                                        v.as_str()
                                            .map(str::to_owned)
                                            .unwrap_or_else(|| v.to_string()),
                                    )
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                    challenge,
                })
            }
            ChallengeNameType::SmsMfa => SignInStep::SmsMfa(code(challenge)),
            ChallengeNameType::SoftwareTokenMfa => SignInStep::SoftwareTokenMfa(code(challenge)),
            ChallengeNameType::EmailOtp => SignInStep::EmailOtp(code(challenge)),
            ChallengeNameType::SmsOtp => SignInStep::SmsOtp(code(challenge)),
            ChallengeNameType::SelectMfaType => SignInStep::SelectMfaType(SelectMfaType {
                options: json_list("MFAS_CAN_CHOOSE")
                    .into_iter()
                    .map(ChallengeNameType::from)
                    .collect(),
                challenge,
            }),
            ChallengeNameType::MfaSetup => SignInStep::MfaSetup(MfaSetup {
                options: json_list("MFAS_CAN_SETUP"),
                device_name: None,
                challenge,
            }),
            ChallengeNameType::SelectChallenge => SignInStep::SelectChallenge(SelectChallenge {
                available: answer.available,
                challenge,
            }),
            ChallengeNameType::CustomChallenge => SignInStep::CustomChallenge(CustomChallenge {
                parameters: params,
                challenge,
            }),
            ChallengeNameType::WebAuthn => SignInStep::WebAuthn(WebAuthnChallenge {
                credential_request_options: params.get("CREDENTIAL_REQUEST_OPTIONS").cloned(),
                challenge,
            }),
            other => SignInStep::Other(OtherChallenge {
                name: other.as_str().to_owned(),
                parameters: params,
                challenge,
            }),
        }
    }
}

/// A pending challenge: the flow, its name and its session (wiped from memory when dropped).
struct Challenge {
    flow: Flow,
    name: ChallengeNameType,
    session: Zeroizing<String>,
}

impl fmt::Debug for Challenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Challenge")
            .field("name", &self.name)
            .field("session", &crate::primitives::REDACTED)
            .field("flow", &self.flow)
            .finish()
    }
}

impl Challenge {
    async fn send(&self, responses: HashMap<String, String>) -> Result<AuthAnswer, SignInError> {
        self.flow
            .respond(
                self.name.clone(),
                self.session.as_str().to_owned(),
                responses,
            )
            .await
    }

    async fn respond(self, responses: HashMap<String, String>) -> Result<SignInStep, SignInError> {
        let out = self.send(responses).await?;
        self.flow.advance(out, None).await
    }
}
