//! moto in signature-checking mode, with IAM keys made in it.
//!
//! [`SigningMoto::start`] starts moto with `INITIAL_NO_AUTH_ACTION_COUNT` = [`SETUP_ACTIONS`] and spends
//! exactly those unchecked actions on IAM/STS setup through the raw HTTP client: an admin user allowed
//! everything (with an access key), and a role allowed everything, assumed through STS for session
//! credentials. Every later request must carry a valid signature by one of those keys.
//!
//! The same shape as the setup in `tests/moto_signature.rs`, shared here for the credential-chain tests.

use cognito::Credentials;

use super::{http_request, Moto};

/// The region every request is signed for.
pub const REGION: &str = "us-east-1";
/// moto's account.
pub const ACCOUNT: &str = "123456789012";
/// The unchecked actions: exactly the IAM/STS calls of [`SigningMoto::start`].
pub const SETUP_ACTIONS: usize = 6;
const ALLOW_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
const TRUST_ACCOUNT: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}"#;

/// Session credentials as STS gives them, with their expiry as text.
#[derive(Clone, Debug)]
pub struct SessionKeys {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
    /// ISO 8601, as moto's STS wrote it.
    pub expiration: String,
}

/// A moto that checks signatures, and the keys made in it.
pub struct SigningMoto {
    pub moto: Moto,
    /// An IAM user's key, allowed everything.
    pub admin: Credentials,
    /// Session credentials of an assumed role that is allowed everything.
    pub session: SessionKeys,
}

impl SigningMoto {
    /// Starts moto in signature-checking mode and makes the keys: exactly [`SETUP_ACTIONS`] actions.
    /// `None` when moto is not installed (outside CI; in CI that panics).
    pub async fn start() -> Option<SigningMoto> {
        let count = SETUP_ACTIONS.to_string();
        let moto = Moto::start_with_env(&[("INITIAL_NO_AUTH_ACTION_COUNT", &count)]).await?;
        let endpoint = moto.endpoint.as_str();

        let admin = iam_user(endpoint, "admin", ALLOW_ALL).await; // 3
        let role = query_call(
            endpoint,
            "iam",
            &[
                ("Action", "CreateRole"),
                ("Version", "2010-05-08"),
                ("RoleName", "cognito-admin"),
                ("AssumeRolePolicyDocument", TRUST_ACCOUNT),
            ],
        )
        .await; // 4
        let role_arn = xml_text(&role, "Arn");
        query_call(
            endpoint,
            "iam",
            &[
                ("Action", "PutRolePolicy"),
                ("Version", "2010-05-08"),
                ("RoleName", "cognito-admin"),
                ("PolicyName", "all"),
                ("PolicyDocument", ALLOW_ALL),
            ],
        )
        .await; // 5
        let assumed = query_call(
            endpoint,
            "sts",
            &[
                ("Action", "AssumeRole"),
                ("Version", "2011-06-15"),
                ("RoleArn", &role_arn),
                ("RoleSessionName", "credential-chain"),
            ],
        )
        .await; // 6 = SETUP_ACTIONS
        let session = SessionKeys {
            access_key_id: xml_text(&assumed, "AccessKeyId"),
            secret_access_key: xml_text(&assumed, "SecretAccessKey"),
            session_token: xml_text(&assumed, "SessionToken"),
            expiration: xml_text(&assumed, "Expiration"),
        };
        assert!(session.access_key_id.starts_with("ASIA"));

        // The unchecked actions are spent: from now on a bad signature is refused.
        let gate = http_request(
            endpoint,
            "POST",
            "/",
            &[
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Authorization", &setup_authorization("iam")),
            ],
            form(&[("Action", "ListUsers"), ("Version", "2010-05-08")]).as_bytes(),
        )
        .await
        .expect("IAM ListUsers after the setup");
        assert_eq!(gate.status, 403, "{}", gate.body_str());

        Some(SigningMoto {
            moto,
            admin,
            session,
        })
    }
}

/// Form-encodes query-API parameters (RFC 3986 unreserved characters kept).
pub fn form(params: &[(&str, &str)]) -> String {
    let encode = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    params
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Decodes a form body into its pairs (`+` and `%XX` decoded).
pub fn parse_form(body: &str) -> Vec<(String, String)> {
    let decode = |s: &str| {
        let bytes = s.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'+' => out.push(b' '),
                b'%' => {
                    let hex = bytes
                        .get(i + 1..i + 3)
                        .and_then(|h| std::str::from_utf8(h).ok())
                        .unwrap_or("");
                    match u8::from_str_radix(hex, 16) {
                        Ok(b) => {
                            out.push(b);
                            i += 2;
                        }
                        Err(_) => out.push(b'%'),
                    }
                }
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    };
    body.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect()
}

/// The text of the first `<tag>` element of an XML body.
pub fn xml_text(body: &str, tag: &str) -> String {
    let open = format!("<{tag}>");
    let start = body
        .find(&open)
        .unwrap_or_else(|| panic!("no <{tag}> in {body}"))
        + open.len();
    let end = body[start..]
        .find(&format!("</{tag}>"))
        .unwrap_or_else(|| panic!("no </{tag}> in {body}"))
        + start;
    body[start..end].to_owned()
}

/// A SigV4-shaped `Authorization` header whose credential scope names `service`: moto routes a
/// form-encoded query call by it. Its signature is not checked during the setup actions.
pub fn setup_authorization(service: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256 Credential=SETUP/20260101/{REGION}/{service}/aws4_request, \
         SignedHeaders=host, Signature=0"
    )
}

/// One unchecked query-API call (IAM or STS) during setup.
pub async fn query_call(endpoint: &str, service: &str, params: &[(&str, &str)]) -> String {
    let body = form(params);
    let response = http_request(
        endpoint,
        "POST",
        "/",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Authorization", &setup_authorization(service)),
        ],
        body.as_bytes(),
    )
    .await
    .unwrap_or_else(|e| panic!("{service} {params:?}: {e}"));
    let text = response.body_str().to_owned();
    assert_eq!(response.status, 200, "{service} {params:?}: {text}");
    text
}

/// IAM `CreateUser` + `CreateAccessKey` + `PutUserPolicy`: three actions.
pub async fn iam_user(endpoint: &str, name: &str, policy: &str) -> Credentials {
    let iam = |action| [("Action", action), ("Version", "2010-05-08")];
    let created = query_call(
        endpoint,
        "iam",
        &[&iam("CreateUser")[..], &[("UserName", name)]].concat(),
    )
    .await;
    assert_eq!(
        xml_text(&created, "Arn"),
        format!("arn:aws:iam::{ACCOUNT}:user/{name}")
    );
    let key = query_call(
        endpoint,
        "iam",
        &[&iam("CreateAccessKey")[..], &[("UserName", name)]].concat(),
    )
    .await;
    let access_key_id = xml_text(&key, "AccessKeyId");
    let secret = xml_text(&key, "SecretAccessKey");
    assert!(access_key_id.starts_with("AKIA"), "{access_key_id}");
    query_call(
        endpoint,
        "iam",
        &[
            &iam("PutUserPolicy")[..],
            &[
                ("UserName", name),
                ("PolicyName", "cognito"),
                ("PolicyDocument", policy),
            ],
        ]
        .concat(),
    )
    .await;
    Credentials::new(access_key_id, secret, None, None, "moto-iam")
}
