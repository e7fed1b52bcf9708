//! A profile whose credentials the crate cannot resolve by itself (here: assume-role through
//! `source_profile`) loads fine; unsigned calls go out; a signed call fails with a message that names the
//! kind of credentials and the `aws-config` feature, before anything is sent.
//!
//! The environment is a map given to `Config::from_env_with`, which reads only static keys with or
//! without the `aws-config` feature, exactly as `Config::from_env` does without it.

mod support;

use std::collections::HashMap;

use cognito::credentials::{CredentialSourceKind, UnsupportedCredentialSource};
use cognito::idp::types::AuthFlowType;
use support::{CannedResponse, RecordingServer};

/// The first error of type `T` in `e`'s source chain.
/// An error and its sources, joined with `: `.
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut current = e.source();
    while let Some(error) = current {
        out.push_str(": ");
        out.push_str(&error.to_string());
        current = error.source();
    }
    out
}

fn find_in_chain<'a, T: std::error::Error + 'static>(
    e: &'a (dyn std::error::Error + 'static),
) -> Option<&'a T> {
    let mut current = Some(e);
    while let Some(error) = current {
        if let Some(found) = error.downcast_ref::<T>() {
            return Some(found);
        }
        current = error.source();
    }
    None
}

#[tokio::test]
async fn assume_role_profile_is_a_clear_error_and_unsigned_calls_still_work() {
    let server = RecordingServer::start(CannedResponse::json(200, "{}"));
    let dir = std::env::temp_dir().join(format!(
        "cognito-unsupported-credentials-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let config_file = dir.join("config");
    std::fs::write(
        &config_file,
        "[profile base]\n\
         aws_access_key_id = AKIDBASE\n\
         aws_secret_access_key = base-secret\n\
         [profile admin]\n\
         role_arn = arn:aws:iam::123456789012:role/admin\n\
         source_profile = base\n\
         region = us-east-1\n",
    )
    .expect("write config");
    let env: HashMap<&str, String> = HashMap::from([
        ("AWS_PROFILE", "admin".to_owned()),
        ("AWS_CONFIG_FILE", config_file.display().to_string()),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            dir.join("credentials").display().to_string(),
        ),
        ("AWS_ENDPOINT_URL", server.endpoint()),
    ]);
    let config = cognito::Config::from_env_with(&|name| env.get(name).cloned())
        .expect("an assume-role profile loads");
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(config.region(), Some("us-east-1"));
    let idp = cognito::idp::Client::new(&config);

    let err = idp
        .list_user_pools()
        .max_results(10)
        .send()
        .await
        .expect_err("ListUserPools needs credentials");
    let cognito::Error::Credentials(credentials_error) = &err else {
        panic!("expected Error::Credentials, got {err:?}");
    };
    // One message per layer: what failed, then, down the source chain (as anyhow's `{:#}` prints
    // it), why.
    assert_eq!(
        credentials_error.to_string(),
        "cannot sign ListUserPools: the credentials provider failed"
    );
    let text = chain(&err);
    assert!(text.starts_with("cannot sign ListUserPools: "), "{text}");
    assert!(
        text.contains(
            "AWS profile `admin` (`role_arn`, `source_profile`) asks for assume-role credentials"
        ),
        "{text}"
    );
    assert!(text.contains("`aws-config`"), "{text}");
    assert!(!text.contains("no credentials are configured"), "{text}");
    let source = find_in_chain::<UnsupportedCredentialSource>(&err).expect("typed source in chain");
    assert_eq!(source.kind(), CredentialSourceKind::AssumeRole);
    assert_eq!(server.request_count(), 0, "nothing may be sent unsigned");

    // Public-client operations need no credentials and still go out, unsigned.
    idp.initiate_auth()
        .client_id("client")
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "alice")
        .auth_parameters("PASSWORD", "pw")
        .send()
        .await
        .expect("InitiateAuth without credentials");
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].header("authorization"), None);
}
