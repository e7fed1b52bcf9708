//! Shapes this crate treats as sensitive although AWS's model does not mark them, each with the reason.
//! `build.rs` passes them to the generator as [`Options::extra_sensitive`](crate::Options), so their
//! values never show in `Debug`.

/// One shape of the crate's own list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExtraSensitive {
    /// The service (`Options::service_id`): `CognitoIdp`, `CognitoIdentity` or `CognitoSync`.
    pub service: &'static str,
    /// The shape's name in the API document.
    pub shape: &'static str,
    /// Why its values are secret.
    pub reason: &'static str,
}

/// The crate's own list, audited over every shape of the three documents that can carry a secret.
pub const EXTRA_SENSITIVE: &[ExtraSensitive] = &[
    ExtraSensitive {
        service: "CognitoIdp",
        shape: "ProviderDetailsType",
        reason:
            "an identity provider's `client_secret` (OIDC, Google, Facebook, Login with Amazon) or \
                 Sign in with Apple's `private_key`",
    },
    ExtraSensitive {
        service: "CognitoIdp",
        shape: "ConfirmationCodeType",
        reason: "a one-time code sent to the user (sign-up, forgotten password, attribute \
                 verification): whoever reads it can complete that step",
    },
    ExtraSensitive {
        service: "CognitoIdp",
        shape: "DeviceSecretVerifierConfigType",
        reason: "a device's SRP password verifier and salt: enough for an offline guess of the \
                 device password",
    },
    ExtraSensitive {
        service: "CognitoIdp",
        shape: "ChallengeParametersType",
        reason:
            "`SECRET_BLOCK` (the sign-in session, like `Session`), SRP's `SRP_B` and `SALT`, and \
                 custom-challenge answers",
    },
    ExtraSensitive {
        service: "CognitoIdentity",
        shape: "SessionTokenString",
        reason: "an AWS session token: part of the temporary credentials",
    },
    ExtraSensitive {
        service: "CognitoSync",
        shape: "SyncSessionToken",
        reason: "the bearer token of a dataset's sync session",
    },
    ExtraSensitive {
        service: "CognitoSync",
        shape: "PushToken",
        reason: "a device's push-notification token: lets its holder send the device notifications",
    },
];

/// The shapes of [`EXTRA_SENSITIVE`] for one service.
pub fn extra_sensitive(service: &str) -> Vec<String> {
    EXTRA_SENSITIVE
        .iter()
        .filter(|e| e.service == service)
        .map(|e| e.shape.to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_has_a_reason_and_a_known_service() {
        for e in EXTRA_SENSITIVE {
            assert!(
                ["CognitoIdp", "CognitoIdentity", "CognitoSync"].contains(&e.service),
                "{e:?}"
            );
            assert!(e.reason.len() > 20, "{e:?}");
        }
        assert!(extra_sensitive("CognitoIdp").contains(&"ProviderDetailsType".to_owned()));
        assert_eq!(extra_sensitive("CognitoIdentity"), ["SessionTokenString"]);
    }
}
