//! SigV4 signing through the `aws-sigv4` crate.

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;

/// The parts of a request that the signature covers.
pub(crate) struct Unsigned<'a> {
    pub(crate) method: &'a str,
    pub(crate) url: &'a str,
    pub(crate) headers: &'a [(&'a str, &'a str)],
    pub(crate) body: &'a [u8],
}

/// Signs a request and returns the headers to add (`authorization`, `x-amz-date`, and
/// `x-amz-security-token` for session credentials).
pub(crate) fn sign_request(
    request: &Unsigned<'_>,
    credentials: &Credentials,
    region: &str,
    signing_name: &str,
    time: SystemTime,
) -> Result<Vec<(String, String)>, String> {
    let Unsigned {
        method,
        url,
        headers,
        body,
    } = *request;
    let identity: Identity = credentials.clone().into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(signing_name)
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| e.to_string())?
        .into();
    let signable = SignableRequest::new(
        method,
        url,
        headers.iter().copied(),
        SignableBody::Bytes(body),
    )
    .map_err(|e| e.to_string())?;
    let (instructions, _signature) = sign(signable, &params)
        .map_err(|e| e.to_string())?
        .into_parts();
    Ok(instructions
        .headers()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn signature_covers_target_and_content_type() {
        let creds = Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
            None,
            "test",
        );
        let headers = [
            ("content-type", "application/x-amz-json-1.1"),
            (
                "x-amz-target",
                "AWSCognitoIdentityProviderService.ListUserPools",
            ),
        ];
        let time = UNIX_EPOCH + Duration::from_secs(1_440_938_160); // 2015-08-30T12:36:00Z
        let req = Unsigned {
            method: "POST",
            url: "https://cognito-idp.us-east-1.amazonaws.com/",
            headers: &headers,
            body: b"{}",
        };
        let out = sign_request(&req, &creds, "us-east-1", "cognito-idp", time).expect("signs");
        let auth = out
            .iter()
            .find(|(k, _)| k == "authorization")
            .map(|(_, v)| v.as_str())
            .expect("auth");
        assert!(auth.starts_with(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/cognito-idp/aws4_request"
        ));
        assert!(
            auth.contains("SignedHeaders=content-type;host;x-amz-date;x-amz-target"),
            "{auth}"
        );
        assert!(out
            .iter()
            .any(|(k, v)| k == "x-amz-date" && v == "20150830T123600Z"));
        // Same inputs, same signature.
        let again = sign_request(&req, &creds, "us-east-1", "cognito-idp", time).expect("signs");
        assert_eq!(out, again);
    }

    #[test]
    fn session_token_is_sent_and_signed() {
        let creds = Credentials::new("AKID", "secret", Some("token-123".into()), None, "test");
        let req = Unsigned {
            method: "POST",
            url: "http://127.0.0.1:1/",
            headers: &[],
            body: b"{}",
        };
        let out = sign_request(&req, &creds, "us-east-1", "cognito-idp", SystemTime::now())
            .expect("signs");
        assert!(out
            .iter()
            .any(|(k, v)| k == "x-amz-security-token" && v == "token-123"));
        let auth = out
            .iter()
            .find(|(k, _)| k == "authorization")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        assert!(auth.contains("x-amz-security-token"), "{auth}");
    }
}
