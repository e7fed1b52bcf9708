//! No sensitive value appears in any `Debug` output: inputs, outputs, nested types, the fluent builder and
//! the configuration.

use cognito::idp::operation::{
    AdminCreateUserInput, InitiateAuthInput, InitiateAuthOutput, SignUpInput,
};
use cognito::idp::types::{AttributeType, AuthenticationResultType, UserContextDataType};
use cognito::{Config, Credentials};

const SECRETS: &[&str] = &[
    "hunter2-password",
    "alice-the-user",
    "secret-hash-value",
    "tok.en.value",
    "ctx-data",
];

fn assert_clean(debug: &str) {
    for s in SECRETS {
        assert!(!debug.contains(s), "`{s}` leaked in {debug}");
    }
}

#[test]
fn inputs_redact_passwords_usernames_and_secret_hashes() {
    let input = SignUpInput {
        client_id: Some("client".into()),
        username: Some("alice-the-user".into()),
        password: Some("hunter2-password".into()),
        secret_hash: Some("secret-hash-value".into()),
        user_attributes: Some(vec![AttributeType {
            name: Some("email".into()),
            value: Some("ctx-data".into()),
        }]),
        user_context_data: Some(UserContextDataType {
            encoded_data: Some("ctx-data".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    let debug = format!("{input:?}");
    assert_clean(&debug);
    assert!(debug.contains("Sensitive Data Redacted"), "{debug}");
    assert!(
        debug.contains("email"),
        "non-sensitive attribute names stay visible: {debug}"
    );

    let mut auth = std::collections::HashMap::new();
    auth.insert("PASSWORD".to_owned(), "hunter2-password".to_owned());
    let input = InitiateAuthInput {
        auth_parameters: Some(auth),
        ..Default::default()
    };
    assert_clean(&format!("{input:?}"));
    let input = AdminCreateUserInput {
        temporary_password: Some("hunter2-password".into()),
        ..Default::default()
    };
    assert_clean(&format!("{input:#?}"));
}

#[test]
fn outputs_redact_tokens() {
    let out: InitiateAuthOutput = serde_json::from_str(
        r#"{"AuthenticationResult":{"AccessToken":"tok.en.value","IdToken":"tok.en.value",
            "RefreshToken":"tok.en.value","ExpiresIn":3600},"Session":"tok.en.value"}"#,
    )
    .expect("decodes");
    assert_clean(&format!("{out:?}"));
    let result = AuthenticationResultType {
        access_token: Some("tok.en.value".into()),
        ..Default::default()
    };
    assert_clean(&format!("{result:?}"));
}

#[tokio::test]
async fn builders_and_config_redact() {
    let config = Config::builder()
        .region("us-east-1")
        .endpoint_url("http://127.0.0.1:9")
        .credentials(Credentials::new(
            "AKIDVISIBLE",
            "secret-key-value",
            Some("session-token-value".into()),
            None,
            "t",
        ))
        .build();
    let debug = format!("{config:?}");
    assert!(
        !debug.contains("secret-key-value") && !debug.contains("session-token-value"),
        "{debug}"
    );
    let idp = cognito::idp::Client::new(&config);
    let builder = idp
        .sign_up()
        .username("alice-the-user")
        .password("hunter2-password");
    let debug = format!("{builder:?} {idp:?}");
    assert_clean(&debug);
    assert!(
        !debug.contains("secret-key-value") && !debug.contains("session-token-value"),
        "{debug}"
    );
}

#[test]
fn identity_pool_credentials_redact_secret_key_and_session_token() {
    let creds: cognito::identity::types::Credentials = serde_json::from_str(
        r#"{"AccessKeyId":"ASIAVISIBLE","SecretKey":"secret-key-value","SessionToken":"session-token-value",
            "Expiration":1700000000}"#,
    )
    .expect("decodes");
    let debug = format!("{creds:?}");
    assert!(debug.contains("ASIAVISIBLE"), "{debug}");
    assert!(
        !debug.contains("secret-key-value") && !debug.contains("session-token-value"),
        "{debug}"
    );
}

/// The crate's own list (codegen/src/sensitive.rs): secrets AWS's model does not mark.
#[test]
fn secrets_the_model_does_not_mark_are_redacted_too() {
    use cognito::idp::operation::{ConfirmSignUpInput, DescribeIdentityProviderOutput};
    use cognito::idp::types::IdentityProviderType;
    let details = [
        ("client_id".to_owned(), "my-client".to_owned()),
        ("client_secret".to_owned(), "idp-client-secret".to_owned()),
    ]
    .into_iter()
    .collect();
    let output = DescribeIdentityProviderOutput {
        identity_provider: Some(IdentityProviderType {
            provider_name: Some("Google".into()),
            provider_details: Some(details),
            ..Default::default()
        }),
    };
    let debug = format!("{output:?}");
    assert!(!debug.contains("idp-client-secret"), "{debug}");
    assert!(debug.contains("Google"), "{debug}");

    let input = ConfirmSignUpInput {
        confirmation_code: Some("123456-code".into()),
        ..Default::default()
    };
    assert!(!format!("{input:?}").contains("123456-code"));

    let output = cognito::identity::operation::GetCredentialsForIdentityOutput {
        credentials: Some(cognito::identity::types::Credentials {
            access_key_id: Some("ASIAEXAMPLE".into()),
            session_token: Some("session-token-secret".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    let debug = format!("{output:?}");
    assert!(!debug.contains("session-token-secret"), "{debug}");
    assert!(debug.contains("ASIAEXAMPLE"), "{debug}");
}
