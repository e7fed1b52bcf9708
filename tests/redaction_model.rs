//! The model-driven redaction test. For every operation input and output that can hold a sensitive
//! value — the shapes AWS's model marks sensitive plus the crate's own list
//! (`codegen/src/sensitive.rs`) — the generator writes a test that builds the structure with a canary in
//! every sensitive place and an ordinary value in every other text member, and checks that neither its
//! `Debug` nor the `Debug` of the request it makes shows the canary.

/// The canary the generated tests put in sensitive places (`cognito_codegen::emit::redaction::CANARY`).
const CANARY: &str = "CANARY-5ec2e7";

fn assert_redacted(what: &str, debug: &str) {
    assert!(!debug.contains(CANARY), "{what} shows a secret: {debug}");
    assert!(
        debug.contains("Sensitive Data Redacted") || debug.contains("redacted"),
        "{what}: nothing was redacted, so the test put no secret in it: {debug}"
    );
}

#[cfg(feature = "idp")]
mod idp {
    use super::assert_redacted;
    include!(concat!(env!("OUT_DIR"), "/redaction_idp.rs"));

    // Passwords, tokens, secret hashes, sessions, IdP client secrets, confirmation codes, … A compile-time check.
    const _: () = assert!(CHECKED >= 60);
}

#[cfg(feature = "identity")]
mod identity {
    use super::assert_redacted;
    include!(concat!(env!("OUT_DIR"), "/redaction_identity.rs"));

    // Logins tokens, OpenID tokens, secret keys and session tokens. A compile-time check.
    const _: () = assert!(CHECKED >= 6);
}

#[cfg(feature = "sync")]
mod sync {
    use super::assert_redacted;
    include!(concat!(env!("OUT_DIR"), "/redaction_sync.rs"));

    // Sync session tokens and push tokens. A compile-time check.
    const _: () = assert!(CHECKED >= 2);
}
