//! [`ServiceId`]: which of the three Cognito services a client talks to. A bottom layer: it imports
//! nothing from the rest of the crate.

use std::fmt;

/// One of the three Cognito services this crate talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ServiceId {
    /// Cognito user pools (`cognito-idp`, "Cognito Identity Provider").
    CognitoIdp,
    /// Cognito identity pools (`cognito-identity`, "Cognito Identity").
    CognitoIdentity,
    /// Cognito Sync (`cognito-sync`).
    CognitoSync,
}

impl ServiceId {
    /// Every service, in a stable order.
    pub(crate) const ALL: &'static [ServiceId] = &[
        ServiceId::CognitoIdp,
        ServiceId::CognitoIdentity,
        ServiceId::CognitoSync,
    ];

    /// The first label of the service's host name: `cognito-idp`, `cognito-identity` or `cognito-sync`.
    pub const fn endpoint_prefix(self) -> &'static str {
        match self {
            ServiceId::CognitoIdp => "cognito-idp",
            ServiceId::CognitoIdentity => "cognito-identity",
            ServiceId::CognitoSync => "cognito-sync",
        }
    }

    /// The service name used in SigV4 signatures (the credential scope).
    pub const fn signing_name(self) -> &'static str {
        match self {
            ServiceId::CognitoIdp => "cognito-idp",
            ServiceId::CognitoIdentity => "cognito-identity",
            ServiceId::CognitoSync => "cognito-sync",
        }
    }

    /// The suffix of the service-specific endpoint variable, as in
    /// `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`.
    ///
    /// Lower-cased, the same name is the service's key in a `[services ...]` section of the shared
    /// config file (`cognito_identity_provider`).
    pub const fn env_suffix(self) -> &'static str {
        match self {
            ServiceId::CognitoIdp => "COGNITO_IDENTITY_PROVIDER",
            ServiceId::CognitoIdentity => "COGNITO_IDENTITY",
            ServiceId::CognitoSync => "COGNITO_SYNC",
        }
    }
}

impl fmt::Display for ServiceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.endpoint_prefix())
    }
}
