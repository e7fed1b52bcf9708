//! Known-answer tests of `cognito::auth::srp` and `cognito::auth::secret_hash` against two independent
//! implementations of Cognito's SRP:
//!
//! - `tests/data/srp/pycognito.json`, made by `scripts/srp_vectors.py` (pycognito);
//! - `tests/data/srp/amazon-cognito-identity-js.json`, made by `scripts/srp_device_vectors.js`
//!   (amazon-cognito-identity-js, driven through its `CognitoUser` sign-in and device flows).
//!
//! Every value is compared byte for byte: `SRP_A`, u, the HKDF key, the timestamp and the exact
//! challenge-response maps, the device verifier, and `SECRET_HASH`.

#![cfg(feature = "srp")]

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cognito::auth::secret_hash::secret_hash;
use cognito::auth::srp::{
    cognito_timestamp, DevicePasswordVerifierChallenge, DeviceSrpClient, DeviceVerifier,
    PasswordVerifierChallenge, SrpClient, SrpError,
};
use serde::Deserialize;

#[derive(Deserialize)]
struct VectorFile {
    generator: String,
    user_srp: Vec<UserVector>,
    device_srp: Vec<DeviceVector>,
    #[serde(default)]
    secret_hash: Vec<SecretHashVector>,
}

#[derive(Deserialize)]
struct UserVector {
    name: String,
    pool_id: String,
    password: String,
    a: String,
    challenge: HashMap<String, String>,
    now_unix: u64,
    now_subsec_nanos: u32,
    #[serde(default)]
    initiate_auth_parameters: Option<HashMap<String, String>>,
    srp_a: String,
    u: String,
    key: String,
    response: HashMap<String, String>,
}

#[derive(Deserialize)]
struct DeviceVector {
    name: String,
    device_group_key: String,
    device_key: String,
    device_password: String,
    a: String,
    #[serde(default)]
    device_srp_auth_responses: Option<HashMap<String, String>>,
    challenge: HashMap<String, String>,
    now_unix: u64,
    now_subsec_nanos: u32,
    srp_a: String,
    u: String,
    key: String,
    response: HashMap<String, String>,
    device_verifier: DeviceVerifierVector,
}

#[derive(Deserialize)]
struct DeviceVerifierVector {
    password_random: String,
    salt_random: String,
    device_password: String,
    salt_b64: String,
    verifier_b64: String,
}

#[derive(Deserialize)]
struct SecretHashVector {
    username: String,
    client_id: String,
    client_secret: String,
    secret_hash: String,
}

fn load(file: &str) -> VectorFile {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/srp")
        .join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()))
}

fn at(unix: u64, nanos: u32) -> SystemTime {
    UNIX_EPOCH + Duration::new(unix, nanos)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex<const N: usize>(s: &str) -> [u8; N] {
    assert_eq!(s.len(), 2 * N, "{s}");
    let mut out = [0u8; N];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
    }
    out
}

fn check_user(origin: &str, v: &UserVector) {
    let ctx = format!("{origin}: {}", v.name);
    let client = SrpClient::with_private_key(&v.pool_id, &v.a).unwrap();
    assert_eq!(client.srp_a(), v.srp_a, "{ctx}: SRP_A");
    if let Some(initiate) = &v.initiate_auth_parameters {
        let mut params = client.auth_parameters(&initiate["USERNAME"]);
        if let Some(device_key) = initiate.get("DEVICE_KEY") {
            params.insert("DEVICE_KEY".into(), device_key.clone());
        }
        assert_eq!(&params, initiate, "{ctx}: InitiateAuth parameters");
    }

    let challenge = PasswordVerifierChallenge::from_parameters(&v.challenge).unwrap();
    // A client's private value computes one key: one client for the key, one for the answer.
    let key = SrpClient::with_private_key(&v.pool_id, &v.a)
        .unwrap()
        .password_authentication_key(
            &challenge.user_id_for_srp,
            &v.password,
            &challenge.salt,
            &challenge.srp_b,
        )
        .unwrap();
    assert_eq!(key.u_hex(), v.u, "{ctx}: u");
    assert_eq!(hex(key.as_bytes()), v.key, "{ctx}: HKDF key");

    let now = at(v.now_unix, v.now_subsec_nanos);
    assert_eq!(
        cognito_timestamp(now),
        v.response["TIMESTAMP"],
        "{ctx}: TIMESTAMP"
    );
    let mut responses = SrpClient::with_private_key(&v.pool_id, &v.a)
        .unwrap()
        .password_verifier(&challenge, &v.password, now)
        .unwrap()
        .into_challenge_responses();
    // A remembered device's key is added by the caller, as the SDKs do.
    if let Some(device_key) = v.response.get("DEVICE_KEY") {
        responses.insert("DEVICE_KEY".into(), device_key.clone());
    }
    assert_eq!(responses, v.response, "{ctx}: challenge responses");
}

fn check_device(origin: &str, v: &DeviceVector) {
    let ctx = format!("{origin}: {}", v.name);
    let client =
        DeviceSrpClient::with_private_key(&v.device_group_key, &v.device_key, &v.a).unwrap();
    assert_eq!(client.srp_a(), v.srp_a, "{ctx}: SRP_A");
    if let Some(auth) = &v.device_srp_auth_responses {
        assert_eq!(
            &client.device_srp_auth_responses(&auth["USERNAME"]),
            auth,
            "{ctx}: DEVICE_SRP_AUTH responses"
        );
    }

    let challenge = DevicePasswordVerifierChallenge::from_parameters(&v.challenge).unwrap();
    let key = DeviceSrpClient::with_private_key(&v.device_group_key, &v.device_key, &v.a)
        .unwrap()
        .device_authentication_key(&v.device_password, &challenge.salt, &challenge.srp_b)
        .unwrap();
    assert_eq!(key.u_hex(), v.u, "{ctx}: u");
    assert_eq!(hex(key.as_bytes()), v.key, "{ctx}: HKDF key");

    let now = at(v.now_unix, v.now_subsec_nanos);
    let responses = DeviceSrpClient::with_private_key(&v.device_group_key, &v.device_key, &v.a)
        .unwrap()
        .password_verifier(&challenge, &v.device_password, now)
        .unwrap()
        .into_challenge_responses();
    assert_eq!(responses, v.response, "{ctx}: challenge responses");

    let dv = &v.device_verifier;
    let verifier = DeviceVerifier::with_random_values(
        &v.device_group_key,
        &v.device_key,
        &unhex::<40>(&dv.password_random),
        &unhex::<16>(&dv.salt_random),
    );
    assert_eq!(
        verifier.device_password.expose(),
        dv.device_password,
        "{ctx}: device password"
    );
    assert_eq!(verifier.salt_b64, dv.salt_b64, "{ctx}: verifier salt");
    assert_eq!(verifier.verifier_b64, dv.verifier_b64, "{ctx}: verifier");
    // The device signs in later with the password it was confirmed with.
    assert_eq!(dv.device_password, v.device_password, "{ctx}: same device");
}

fn check_file(file: &str, min_user: usize, min_device: usize) -> VectorFile {
    let vectors = load(file);
    assert!(
        vectors.user_srp.len() >= min_user && vectors.device_srp.len() >= min_device,
        "{file}: too few vectors ({})",
        vectors.generator
    );
    for v in &vectors.user_srp {
        check_user(file, v);
    }
    for v in &vectors.device_srp {
        check_device(file, v);
    }
    vectors
}

#[test]
fn pycognito_vectors() {
    let vectors = check_file("pycognito.json", 8, 4);
    assert!(vectors.secret_hash.len() >= 4);
    for v in &vectors.secret_hash {
        assert_eq!(
            secret_hash(&v.username, &v.client_id, &v.client_secret),
            v.secret_hash,
            "SECRET_HASH of {:?}",
            v.username
        );
    }
}

#[test]
fn amazon_cognito_identity_js_vectors() {
    check_file("amazon-cognito-identity-js.json", 8, 4);
}

/// A client's private value `a` answers one challenge: a second answer (or key) from the same client
/// is refused, so that one `a` never meets two server values B.
#[test]
fn a_client_answers_one_challenge() {
    let vectors = load("pycognito.json");
    let v = &vectors.user_srp[0];
    let challenge = PasswordVerifierChallenge::from_parameters(&v.challenge).unwrap();
    let now = at(v.now_unix, v.now_subsec_nanos);

    let client = SrpClient::with_private_key(&v.pool_id, &v.a).unwrap();
    let first = client.password_verifier(&challenge, &v.password, now);
    assert!(first.is_ok(), "{first:?}");
    let again = client.password_verifier(&challenge, &v.password, now);
    assert!(
        matches!(again, Err(SrpError::EphemeralUsed)),
        "the same a answered twice: {again:?}"
    );
    // SRP_A stays readable.
    assert_eq!(client.srp_a(), v.srp_a);

    let client = SrpClient::with_private_key(&v.pool_id, &v.a).unwrap();
    client
        .password_authentication_key(
            &challenge.user_id_for_srp,
            &v.password,
            &challenge.salt,
            &challenge.srp_b,
        )
        .unwrap();
    let again = client.password_verifier(&challenge, &v.password, now);
    assert!(
        matches!(again, Err(SrpError::EphemeralUsed)),
        "a key, then an answer: {again:?}"
    );

    let d = &vectors.device_srp[0];
    let challenge = DevicePasswordVerifierChallenge::from_parameters(&d.challenge).unwrap();
    let now = at(d.now_unix, d.now_subsec_nanos);
    let device =
        DeviceSrpClient::with_private_key(&d.device_group_key, &d.device_key, &d.a).unwrap();
    assert!(device
        .password_verifier(&challenge, &d.device_password, now)
        .is_ok());
    let again = device.password_verifier(&challenge, &d.device_password, now);
    assert!(
        matches!(again, Err(SrpError::EphemeralUsed)),
        "the same device a answered twice: {again:?}"
    );
    let again =
        device.device_authentication_key(&d.device_password, &challenge.salt, &challenge.srp_b);
    assert!(
        matches!(again, Err(SrpError::EphemeralUsed)),
        "a key after an answer: {again:?}"
    );
}
