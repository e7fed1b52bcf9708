//! The typed sign-in (`cognito::auth::flow`) and [`Tokens`] against a local recording server that
//! replays scripted Cognito answers: every flow moto cannot run (real SRP proofs, device SRP, SMS / e-mail
//! / passwordless codes, MFA choice, choice-based sign-in, custom challenges, passkeys, unknown
//! challenges, device confirmation, refresh-token rotation, revocation) and every request asserted in
//! full — `X-Amz-Target`, the whole JSON body (`ChallengeName`, `ChallengeResponses`, the `Session`
//! echoed, `SECRET_HASH` values for an app client with a secret, `USERNAME` = `USER_ID_FOR_SRP` after
//! SRP).
//!
//! The SRP proofs are not only checked for their form: the test plays an honest SRP-6a server (verifier
//! v = g^x from a salt and the password, B = k·v + g^b) and recomputes the session key from the `SRP_A`
//! the client sent, so a `PASSWORD_CLAIM_SIGNATURE` is accepted only if the client's arithmetic is right.
//! The test's own SRP arithmetic is checked first against the pycognito known-answer vectors.

#![cfg(feature = "srp")]

mod support;

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use cognito::auth::flow::{NewDevice, MAX_AUTOMATIC_ANSWERS};
use cognito::auth::srp::{cognito_timestamp, SrpError};
use cognito::auth::{
    secret_hash, AppClient, RefreshError, RememberedDevice, SignInError, SignInStep, Tokens,
    UserPoolId,
};
use cognito::idp::types::{AuthenticationResultType, ChallengeNameType};
use cognito::{Config, Credentials, RetryConfig};
use num_bigint::BigUint;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use support::{CannedResponse, RecordedRequest, RecordingServer};

const CLIENT: &str = "scripted-app-client";
/// Every value below that must never show in `Debug` output contains this marker.
const NEVER_LOGGED: &str = "never-logged";
const SECRET: &str = "client-secret-never-logged";
const PASSWORD: &str = "Pa55word-never-logged";
const NEW_PASSWORD: &str = "N3w-Pa55word-never-logged";
const POOL_ID: &str = "eu-west-2_Zx9Qw8Er7";
const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;
const B64URL: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

// ---------------------------------------------------------------------------------------
// Clients, canned answers, request assertions
// ---------------------------------------------------------------------------------------

fn config(server: &RecordingServer) -> cognito::ConfigBuilder {
    Config::builder()
        .region("eu-west-2")
        .endpoint_url(server.endpoint())
        .retry(RetryConfig::disabled())
}

/// A public app client (no secret) on a client with no AWS credentials, as an app has.
fn public_client(server: &RecordingServer) -> AppClient {
    cognito::idp::Client::new(&config(server).build()).app_client(CLIENT)
}

/// The app client with its secret.
fn secret_client(server: &RecordingServer) -> AppClient {
    public_client(server).with_secret(SECRET)
}

/// The app client on a client with AWS credentials, for `AdminInitiateAuth`.
fn admin_client(server: &RecordingServer) -> AppClient {
    let creds = Credentials::new("AKIDSCRIPTED", "aws-secret-never-logged", None, None, "t");
    cognito::idp::Client::new(&config(server).credentials(creds).build()).app_client(CLIENT)
}

/// The test pool.
fn pool() -> UserPoolId {
    UserPoolId::new(POOL_ID)
}

fn hash(username: &str) -> String {
    secret_hash(username, CLIENT, SECRET)
}

fn session(n: u32) -> String {
    format!("session-{NEVER_LOGGED}-{n}")
}

/// An unsigned JWT with these claims (enough for `Tokens::username`).
fn fake_jwt(claims: Value) -> String {
    format!(
        "{}.{}.{}",
        B64URL.encode(r#"{"alg":"RS256","kid":"scripted"}"#),
        B64URL.encode(claims.to_string()),
        B64URL.encode("signature-never-logged")
    )
}

fn access_token(username: &str) -> String {
    fake_jwt(json!({"username": username, "token_use": "access", "client_id": CLIENT}))
}

/// `{"AuthenticationResult": …}` for `username`, with `extra` merged into the result.
fn signed_in(username: &str, extra: Value) -> CannedResponse {
    let mut result = json!({
        "AccessToken": access_token(username),
        "IdToken": fake_jwt(json!({"cognito:username": username, "token_use": "id", "aud": CLIENT})),
        "RefreshToken": format!("refresh-{NEVER_LOGGED}-{username}"),
        "ExpiresIn": 3600,
        "TokenType": "Bearer",
    });
    if let (Some(result), Value::Object(extra)) = (result.as_object_mut(), extra) {
        result.extend(extra);
    }
    answer(json!({"ChallengeParameters": {}, "AuthenticationResult": result}))
}

fn challenge(name: &str, session: &str, parameters: Value) -> CannedResponse {
    answer(json!({"ChallengeName": name, "Session": session, "ChallengeParameters": parameters}))
}

fn answer(body: Value) -> CannedResponse {
    CannedResponse::json(200, &body.to_string())
}

/// Asserts one request completely: `POST /`, AWS JSON 1.1, the operation's target, this exact body.
#[track_caller]
fn assert_call(request: &RecordedRequest, operation: &str, body: Value) {
    assert_frame(request, operation);
    assert_eq!(
        request.body_json(),
        body,
        "{operation} body:\n{}",
        request.body_str()
    );
}

/// `POST /`, AWS JSON 1.1 and the operation's target (the body is compared by the caller).
#[track_caller]
fn assert_frame(request: &RecordedRequest, operation: &str) {
    assert_eq!(request.method, "POST");
    assert_eq!(request.path_and_query, "/");
    assert_eq!(
        request.header("content-type"),
        Some("application/x-amz-json-1.1")
    );
    assert_eq!(
        request.header("x-amz-target"),
        Some(format!("AWSCognitoIdentityProviderService.{operation}").as_str())
    );
}

/// Replaces `body[outer][key]` with `"<key>"` and returns what was there, so that the rest of the body can
/// be compared exactly while the random or time-dependent value is checked on its own.
#[track_caller]
fn take(body: &mut Value, outer: &str, key: &str) -> String {
    let slot = body
        .get_mut(outer)
        .and_then(|o| o.get_mut(key))
        .unwrap_or_else(|| panic!("no {outer}.{key} in the request"));
    let value = slot
        .as_str()
        .unwrap_or_else(|| panic!("{outer}.{key} is not a string"))
        .to_owned();
    *slot = json!(format!("<{key}>"));
    value
}

/// Asserts `debug` shows nothing secret: no password, session, token, client or device secret.
#[track_caller]
fn assert_redacted(what: &str, debug: &str) {
    for leak in [NEVER_LOGGED, "eyJ", PASSWORD, SECRET] {
        assert!(!debug.contains(leak), "{what} shows {leak:?}: {debug}");
    }
}

#[track_caller]
fn expect_signed_in(step: SignInStep) -> cognito::auth::SignedIn {
    assert_redacted("SignInStep::SignedIn", &format!("{step:?}"));
    match step {
        SignInStep::SignedIn(s) => s,
        other => panic!("expected SIGNED_IN, got {}", other.name()),
    }
}

/// Asserts the tokens are the ones [`signed_in`] scripted for `username`.
#[track_caller]
fn assert_tokens(tokens: &Tokens, username: &str, before: SystemTime) {
    assert_eq!(tokens.access_token(), access_token(username));
    assert_eq!(tokens.username().as_deref(), Some(username));
    assert_eq!(
        tokens.refresh_token(),
        Some(format!("refresh-{NEVER_LOGGED}-{username}").as_str())
    );
    assert_eq!(tokens.token_type(), Some("Bearer"));
    let expires = tokens.expires_at();
    assert!(
        expires >= before + Duration::from_secs(3600)
            && expires <= SystemTime::now() + Duration::from_secs(3600),
        "expires_at {expires:?}"
    );
    let debug = format!("{tokens:?}");
    assert_redacted("Tokens", &debug);
    assert!(
        debug.contains(r#"id_token: "<redacted>""#)
            && debug.contains(r#"token_type: Some("Bearer")"#),
        "{debug}"
    );
}

/// The `TIMESTAMP` was made between `before` and now, in Cognito's format.
#[track_caller]
fn assert_timestamp(timestamp: &str, before: SystemTime) {
    let from = before.duration_since(UNIX_EPOCH).unwrap().as_secs();
    let to = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let candidates: Vec<String> = (from..=to)
        .map(|s| cognito_timestamp(UNIX_EPOCH + Duration::from_secs(s)))
        .collect();
    assert!(
        candidates.iter().any(|c| c == timestamp),
        "TIMESTAMP {timestamp:?} is not one of {candidates:?}"
    );
    // `EEE MMM d HH:mm:ss UTC yyyy`: the day is not zero-padded.
    let parts: Vec<&str> = timestamp.split(' ').collect();
    assert_eq!(parts.len(), 6, "{timestamp}");
    assert_eq!(parts[4], "UTC");
    assert!(!parts[2].starts_with('0'), "{timestamp}");
    assert_eq!(parts[3].len(), 8, "{timestamp}");
}

/// A base64 HMAC-SHA256 signature: 32 bytes.
#[track_caller]
fn assert_signature_form(signature: &str) {
    let bytes = B64
        .decode(signature)
        .expect("PASSWORD_CLAIM_SIGNATURE is base64");
    assert_eq!(bytes.len(), 32, "{signature}");
}

// ---------------------------------------------------------------------------------------
// An honest SRP-6a server, written from PROTOCOL.md independently of `cognito::auth::srp`
// ---------------------------------------------------------------------------------------

mod srp {
    use super::*;

    const N_HEX: &str = concat!(
        "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD",
        "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
        "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F",
        "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
        "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510",
        "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7",
        "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C",
        "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
    );

    pub fn n() -> BigUint {
        hex(N_HEX)
    }

    pub fn g() -> BigUint {
        BigUint::from(2u32)
    }

    pub fn hex(value: &str) -> BigUint {
        BigUint::parse_bytes(value.as_bytes(), 16).unwrap_or_else(|| panic!("not hex: {value}"))
    }

    /// Padded hex, as bytes: a leading zero byte when the high bit is set.
    pub fn pad(value: &BigUint) -> Vec<u8> {
        let mut bytes = value.to_bytes_be();
        if bytes[0] & 0x80 != 0 {
            bytes.insert(0, 0);
        }
        bytes
    }

    pub fn sha256(parts: &[&[u8]]) -> Vec<u8> {
        let mut h = Sha256::new();
        for p in parts {
            h.update(p);
        }
        h.finalize().to_vec()
    }

    /// HMAC-SHA256 from its definition (RFC 2104), not from the `hmac` crate the SDK uses.
    pub fn hmac(key: &[u8], message: &[&[u8]]) -> Vec<u8> {
        let mut block = [0u8; 64];
        if key.len() > 64 {
            block[..32].copy_from_slice(&sha256(&[key]));
        } else {
            block[..key.len()].copy_from_slice(key);
        }
        let ipad: Vec<u8> = block.iter().map(|b| b ^ 0x36).collect();
        let opad: Vec<u8> = block.iter().map(|b| b ^ 0x5c).collect();
        let mut inner_parts: Vec<&[u8]> = vec![&ipad];
        inner_parts.extend_from_slice(message);
        let inner = sha256(&inner_parts);
        sha256(&[&opad, &inner])
    }

    pub fn k() -> BigUint {
        BigUint::from_bytes_be(&sha256(&[&pad(&n()), &pad(&g())]))
    }

    /// x = H(pad salt ‖ H(realm ‖ user ‖ ":" ‖ password)).
    pub fn x(salt: &BigUint, realm: &str, user: &str, password: &str) -> BigUint {
        let inner = sha256(&[realm.as_bytes(), user.as_bytes(), b":", password.as_bytes()]);
        BigUint::from_bytes_be(&sha256(&[&pad(salt), &inner]))
    }

    /// The first 16 bytes of HKDF-SHA256(salt = pad u, input = pad S, info = "Caldera Derived Key").
    pub fn hkdf16(s: &BigUint, u: &BigUint) -> Vec<u8> {
        let prk = hmac(&pad(u), &[&pad(s)]);
        hmac(&prk, &[b"Caldera Derived Key", &[1]])[..16].to_vec()
    }

    pub fn scrambler(big_a: &BigUint, big_b: &BigUint) -> BigUint {
        BigUint::from_bytes_be(&sha256(&[&pad(big_a), &pad(big_b)]))
    }

    /// The server's side of one SRP exchange.
    pub struct Server {
        pub salt: BigUint,
        verifier: BigUint,
        b: BigUint,
        pub big_b: BigUint,
    }

    impl Server {
        /// For a verifier v (user: g^x of the password; device: what `ConfirmDevice` registered).
        pub fn with_verifier(salt: BigUint, verifier: BigUint, b_hex: &str) -> Server {
            let b = hex(b_hex);
            let n = n();
            let big_b = (k() * &verifier + g().modpow(&b, &n)) % &n;
            Server {
                salt,
                verifier,
                b,
                big_b,
            }
        }

        pub fn for_password(
            salt_hex: &str,
            realm: &str,
            user: &str,
            password: &str,
            b_hex: &str,
        ) -> Server {
            let salt = hex(salt_hex);
            let verifier = g().modpow(&x(&salt, realm, user, password), &n());
            Server::with_verifier(salt, verifier, b_hex)
        }

        pub fn salt_hex(&self) -> String {
            self.salt.to_str_radix(16)
        }

        pub fn srp_b(&self) -> String {
            self.big_b.to_str_radix(16)
        }

        /// The key the server derives from the client's `SRP_A`: S = (A · v^u)^b.
        pub fn key(&self, srp_a: &str) -> Vec<u8> {
            let n = n();
            let big_a = hex(srp_a);
            assert_ne!(&big_a % &n, BigUint::ZERO, "A ≡ 0 (mod N)");
            let u = scrambler(&big_a, &self.big_b);
            let s = (big_a * self.verifier.modpow(&u, &n)).modpow(&self.b, &n);
            hkdf16(&s, &u)
        }

        /// The `PASSWORD_CLAIM_SIGNATURE` an honest client sends.
        pub fn expected_signature(
            &self,
            srp_a: &str,
            realm: &str,
            user: &str,
            secret_block: &str,
            timestamp: &str,
        ) -> String {
            let block = B64.decode(secret_block).expect("SECRET_BLOCK is base64");
            B64.encode(hmac(
                &self.key(srp_a),
                &[
                    realm.as_bytes(),
                    user.as_bytes(),
                    &block,
                    timestamp.as_bytes(),
                ],
            ))
        }
    }
}

/// The test's SRP arithmetic reproduces pycognito's client-side keys, so the honest server above is
/// trustworthy.
#[test]
fn test_srp_arithmetic_matches_pycognito() {
    let file: Value = serde_json::from_str(include_str!("data/srp/pycognito.json")).unwrap();
    assert_eq!(srp::k().to_str_radix(16), file["k"].as_str().unwrap());
    let vectors = file["user_srp"].as_array().unwrap();
    assert_eq!(vectors.len(), 8);
    for v in vectors {
        let s = |k: &str| v[k].as_str().unwrap().to_owned();
        let c = |k: &str| v["challenge"][k].as_str().unwrap().to_owned();
        let n = srp::n();
        let a = srp::hex(&s("a"));
        let big_a = srp::g().modpow(&a, &n);
        assert_eq!(big_a.to_str_radix(16), s("srp_a"), "{}", s("name"));
        let big_b = srp::hex(&c("SRP_B"));
        let u = srp::scrambler(&big_a, &big_b);
        assert_eq!(u.to_str_radix(16), s("u"), "{}", s("name"));
        let pool_name = s("pool_id").split_once('_').unwrap().1.to_owned();
        let x = srp::x(
            &srp::hex(&c("SALT")),
            &pool_name,
            &c("USER_ID_FOR_SRP"),
            &s("password"),
        );
        let kgx = (srp::k() * srp::g().modpow(&x, &n)) % &n;
        let base = (big_b + &n - kgx) % &n;
        let key = srp::hkdf16(&base.modpow(&(a + &u * x), &n), &u);
        let key_hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(key_hex, s("key"), "{}", s("name"));
    }
    // And the hand-written HMAC against the SDK's SECRET_HASH.
    assert_eq!(
        B64.encode(srp::hmac(SECRET.as_bytes(), &[b"alice", CLIENT.as_bytes()])),
        hash("alice")
    );
}

/// The pycognito vector whose `USER_ID_FOR_SRP` (a UUID) differs from the name signed in with.
fn pycognito_challenge() -> (Value, String) {
    let file: Value = serde_json::from_str(include_str!("data/srp/pycognito.json")).unwrap();
    let v = file["user_srp"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "salt-odd-length")
        .expect("vector salt-odd-length")
        .clone();
    assert_eq!(v["pool_id"], POOL_ID);
    (
        v["challenge"].clone(),
        v["password"].as_str().unwrap().to_owned(),
    )
}

// ---------------------------------------------------------------------------------------
// SRP
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn srp_with_a_secret_answers_password_verifier_as_user_id_for_srp() {
    let (params, password) = pycognito_challenge();
    let user_id = params["USER_ID_FOR_SRP"].as_str().unwrap().to_owned();
    assert_eq!(user_id, "8f1c2d3e-4b5a-6978-8a9b-0c1d2e3f4a5b");
    let mut with_username = params.clone();
    with_username["USERNAME"] = json!(user_id);

    let server = RecordingServer::start(CannedResponse::aws_error(500, "Unscripted", "no"));
    server.push(challenge("PASSWORD_VERIFIER", &session(1), with_username));
    server.push(signed_in(&user_id, json!({})));
    let idp = secret_client(&server);

    let before = SystemTime::now();
    let step = idp
        .sign_in("dana@example.com")
        .password_srp(&pool(), &password)
        .await
        .expect("SRP sign-in");
    let signed = expect_signed_in(step);
    assert_tokens(&signed.tokens, &user_id, before);
    assert!(signed.new_device.is_none());

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let mut initiate = requests[0].body_json();
    let srp_a = take(&mut initiate, "AuthParameters", "SRP_A");
    let a = srp::hex(&srp_a);
    assert!(a > BigUint::from(1u32) && a < srp::n(), "SRP_A in (1, N)");
    assert_eq!(
        srp_a,
        a.to_str_radix(16),
        "SRP_A is lowercase hex without leading zeros"
    );
    assert_frame(&requests[0], "InitiateAuth");
    assert_eq!(
        initiate,
        json!({
            "AuthFlow": "USER_SRP_AUTH",
            "ClientId": CLIENT,
            "AuthParameters": {
                "USERNAME": "dana@example.com",
                "SRP_A": "<SRP_A>",
                "SECRET_HASH": hash("dana@example.com"),
            },
        })
    );

    let mut respond = requests[1].body_json();
    let signature = take(
        &mut respond,
        "ChallengeResponses",
        "PASSWORD_CLAIM_SIGNATURE",
    );
    let timestamp = take(&mut respond, "ChallengeResponses", "TIMESTAMP");
    assert_signature_form(&signature);
    assert_timestamp(&timestamp, before);
    assert_frame(&requests[1], "RespondToAuthChallenge");
    assert_eq!(
        respond,
        json!({
            "ClientId": CLIENT,
            "ChallengeName": "PASSWORD_VERIFIER",
            "Session": session(1),
            "ChallengeResponses": {
                "USERNAME": user_id,
                "PASSWORD_CLAIM_SECRET_BLOCK": params["SECRET_BLOCK"],
                "PASSWORD_CLAIM_SIGNATURE": "<PASSWORD_CLAIM_SIGNATURE>",
                "TIMESTAMP": "<TIMESTAMP>",
                "SECRET_HASH": hash(&user_id),
            },
        })
    );
    // The password itself never went over the wire.
    for r in &requests {
        assert!(!r.body_str().contains(&password), "{}", r.body_str());
    }
}

#[tokio::test]
async fn srp_proof_is_accepted_by_an_honest_server_and_a_wrong_password_is_not() {
    let (params, password) = pycognito_challenge();
    let user_id = params["USER_ID_FOR_SRP"].as_str().unwrap().to_owned();
    let pool_name = POOL_ID.split_once('_').unwrap().1;
    let secret_block = params["SECRET_BLOCK"].as_str().unwrap().to_owned();
    let salt = params["SALT"].as_str().unwrap();
    let honest = srp::Server::for_password(salt, pool_name, &user_id, &password, "5eed0fb0a5e");

    for (attempt, (given, accepted)) in [(password.as_str(), true), ("not-the-password", false)]
        .into_iter()
        .enumerate()
    {
        let server = RecordingServer::start(CannedResponse::aws_error(500, "Unscripted", "no"));
        server.push(challenge(
            "PASSWORD_VERIFIER",
            &session(1),
            json!({
                "SALT": honest.salt_hex(),
                "SRP_B": honest.srp_b(),
                "SECRET_BLOCK": secret_block,
                "USERNAME": user_id,
                "USER_ID_FOR_SRP": user_id,
            }),
        ));
        server.push(signed_in(&user_id, json!({})));
        let before = SystemTime::now();
        let step = public_client(&server)
            .sign_in("dana")
            .password_srp(&pool(), given)
            .await
            .expect("the client cannot tell a wrong password; the server can");
        expect_signed_in(step);

        let requests = server.requests();
        assert_eq!(requests.len(), 2, "attempt {attempt}");
        assert_frame(&requests[0], "InitiateAuth");
        let mut initiate = requests[0].body_json();
        let srp_a = take(&mut initiate, "AuthParameters", "SRP_A");
        assert_eq!(
            initiate,
            json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": CLIENT,
                   "AuthParameters": {"USERNAME": "dana", "SRP_A": "<SRP_A>"}}),
            "a client without a secret sends no SECRET_HASH"
        );
        assert_frame(&requests[1], "RespondToAuthChallenge");
        let mut respond = requests[1].body_json();
        let signature = take(
            &mut respond,
            "ChallengeResponses",
            "PASSWORD_CLAIM_SIGNATURE",
        );
        let timestamp = take(&mut respond, "ChallengeResponses", "TIMESTAMP");
        assert_timestamp(&timestamp, before);
        assert_eq!(
            respond["ChallengeResponses"],
            json!({
                "USERNAME": user_id,
                "PASSWORD_CLAIM_SECRET_BLOCK": secret_block,
                "PASSWORD_CLAIM_SIGNATURE": "<PASSWORD_CLAIM_SIGNATURE>",
                "TIMESTAMP": "<TIMESTAMP>",
            })
        );
        let expected =
            honest.expected_signature(&srp_a, pool_name, &user_id, &secret_block, &timestamp);
        assert_eq!(
            signature == expected,
            accepted,
            "attempt {attempt}: {signature} vs {expected}"
        );
    }
}

#[tokio::test]
async fn srp_rejects_a_malicious_b_and_a_malformed_challenge_without_answering() {
    let (params, password) = pycognito_challenge();
    let cases = [
        (json!({"SRP_B": srp::n().to_str_radix(16)}), "B = N"),
        (json!({"SRP_B": "0"}), "B = 0"),
        (json!({"SRP_B": "not-hex"}), "B not hex"),
        (json!({"SECRET_BLOCK": "not base64!"}), "block not base64"),
        (json!({"SALT": null}), "no salt"),
    ];
    for (change, what) in cases {
        let mut p = params.clone();
        for (k, v) in change.as_object().unwrap() {
            if v.is_null() {
                p.as_object_mut().unwrap().remove(k);
            } else {
                p[k] = v.clone();
            }
        }
        let server = RecordingServer::start(CannedResponse::aws_error(500, "Unscripted", "no"));
        server.push(challenge("PASSWORD_VERIFIER", &session(1), p));
        let err = public_client(&server)
            .sign_in("dana")
            .password_srp(&pool(), &password)
            .await
            .expect_err(what);
        let ok = matches!(
            (&err, what),
            (
                SignInError::Srp(SrpError::ServerValueZero),
                "B = N" | "B = 0"
            ) | (
                SignInError::Srp(SrpError::InvalidHex { field: "SRP_B" }),
                "B not hex"
            ) | (
                SignInError::Srp(SrpError::InvalidBase64 {
                    field: "SECRET_BLOCK"
                }),
                "block not base64"
            ) | (
                SignInError::Srp(SrpError::MissingParameter("SALT")),
                "no salt"
            )
        );
        assert!(ok, "{what}: {err:?}");
        assert_eq!(server.request_count(), 1, "{what}: nothing answered");
        assert_eq!(err.code(), None);
    }
    // An invalid pool id fails before any request.
    let server = RecordingServer::start(CannedResponse::aws_error(500, "Unscripted", "no"));
    let err = public_client(&server)
        .sign_in("dana")
        .password_srp(&UserPoolId::new("no-underscore"), &password)
        .await
        .expect_err("pool id");
    assert!(
        matches!(&err, SignInError::Srp(SrpError::InvalidPoolId(p)) if p == "no-underscore"),
        "{err:?}"
    );
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn unexpected_srp_challenges_are_errors() {
    // PASSWORD_VERIFIER to a password sign-in (no SRP state to answer it with).
    let server = RecordingServer::start(CannedResponse::aws_error(500, "Unscripted", "no"));
    server.push(challenge(
        "PASSWORD_VERIFIER",
        &session(1),
        json!({"USER_ID_FOR_SRP": "u"}),
    ));
    let err = public_client(&server)
        .sign_in("dana")
        .password(PASSWORD)
        .await
        .expect_err("PASSWORD_VERIFIER without SRP");
    assert!(
        matches!(&err, SignInError::UnexpectedChallenge(c) if c == "PASSWORD_VERIFIER"),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "unexpected challenge PASSWORD_VERIFIER");

    // DEVICE_SRP_AUTH with no remembered device.
    let server = RecordingServer::start(CannedResponse::aws_error(500, "Unscripted", "no"));
    server.push(challenge("DEVICE_SRP_AUTH", &session(1), json!({})));
    let err = public_client(&server)
        .sign_in("dana")
        .password(PASSWORD)
        .await
        .expect_err("DEVICE_SRP_AUTH without a device");
    assert!(
        matches!(&err, SignInError::UnexpectedChallenge(c) if c == "DEVICE_SRP_AUTH without a remembered device"),
        "{err:?}"
    );
    assert_eq!(server.request_count(), 1);

    // DEVICE_PASSWORD_VERIFIER that no DEVICE_SRP_AUTH preceded.
    let server = RecordingServer::start(CannedResponse::aws_error(500, "Unscripted", "no"));
    server.push(challenge(
        "DEVICE_PASSWORD_VERIFIER",
        &session(1),
        json!({}),
    ));
    let device = RememberedDevice {
        device_key: "eu-west-2_dev".into(),
        device_group_key: "-grp".into(),
        device_password: format!("device-{NEVER_LOGGED}"),
    };
    let err = public_client(&server)
        .sign_in("dana")
        .device(device)
        .password(PASSWORD)
        .await
        .expect_err("DEVICE_PASSWORD_VERIFIER first");
    assert!(
        matches!(&err, SignInError::UnexpectedChallenge(c) if c == "DEVICE_PASSWORD_VERIFIER"),
        "{err:?}"
    );
    assert_eq!(server.request_count(), 1);
}

/// The `PASSWORD_VERIFIER` parameters of the honest `server` for the pycognito user.
fn verifier_parameters(server: &srp::Server, params: &Value, username: &str) -> Value {
    json!({"SALT": server.salt_hex(), "SRP_B": server.srp_b(), "SECRET_BLOCK": params["SECRET_BLOCK"],
           "USERNAME": username, "USER_ID_FOR_SRP": params["USER_ID_FOR_SRP"]})
}

#[tokio::test]
async fn a_second_password_verifier_is_refused_not_answered_with_the_same_a() {
    let (params, password) = pycognito_challenge();
    let user_id = params["USER_ID_FOR_SRP"].as_str().unwrap().to_owned();
    let pool_name = POOL_ID.split_once('_').unwrap().1;
    let salt = params["SALT"].as_str().unwrap();
    let first = srp::Server::for_password(salt, pool_name, &user_id, &password, "5eed01");
    let second = srp::Server::for_password(salt, pool_name, &user_id, &password, "5eed02");

    let server = RecordingServer::start(CannedResponse::aws_error(500, "Unscripted", "no"));
    server.push(challenge(
        "PASSWORD_VERIFIER",
        &session(1),
        verifier_parameters(&first, &params, &user_id),
    ));
    server.push(challenge(
        "PASSWORD_VERIFIER",
        &session(2),
        verifier_parameters(&second, &params, &user_id),
    ));
    server.push(signed_in(&user_id, json!({})));
    let err = public_client(&server)
        .sign_in("dana")
        .password_srp(&pool(), &password)
        .await
        .expect_err("a second PASSWORD_VERIFIER in one sign-in");
    assert!(
        matches!(err, SignInError::Srp(SrpError::EphemeralUsed)),
        "{err:?}"
    );
    assert_eq!(
        server.request_count(),
        2,
        "the second PASSWORD_VERIFIER is not answered"
    );

    // The same for a device: one DEVICE_PASSWORD_VERIFIER per DEVICE_SRP_AUTH.
    let device = RememberedDevice {
        device_key: DEVICE_KEY.into(),
        device_group_key: DEVICE_GROUP_KEY.into(),
        device_password: format!("device-{NEVER_LOGGED}"),
    };
    let device_verifier = json!({"SALT": "0a1b2c", "SRP_B": "1234abcd", "USERNAME": "dana",
                                 "SECRET_BLOCK": B64.encode(b"device block")});
    let server = RecordingServer::start(CannedResponse::aws_error(500, "Unscripted", "no"));
    server.push(challenge("DEVICE_SRP_AUTH", &session(1), json!({})));
    server.push(challenge(
        "DEVICE_PASSWORD_VERIFIER",
        &session(2),
        device_verifier.clone(),
    ));
    server.push(challenge(
        "DEVICE_PASSWORD_VERIFIER",
        &session(3),
        device_verifier,
    ));
    server.push(signed_in("dana", json!({})));
    let err = public_client(&server)
        .sign_in("dana")
        .device(device)
        .password(PASSWORD)
        .await
        .expect_err("a second DEVICE_PASSWORD_VERIFIER");
    assert!(
        matches!(err, SignInError::Srp(SrpError::EphemeralUsed)),
        "{err:?}"
    );
    assert_eq!(server.request_count(), 3);
}

#[tokio::test]
async fn challenges_answered_inside_the_flow_are_capped() {
    let device = RememberedDevice {
        device_key: DEVICE_KEY.into(),
        device_group_key: DEVICE_GROUP_KEY.into(),
        device_password: format!("device-{NEVER_LOGGED}"),
    };
    let server = RecordingServer::start(CannedResponse::aws_error(500, "Unscripted", "no"));
    for n in 1..=10 {
        server.push(challenge("DEVICE_SRP_AUTH", &session(n), json!({})));
    }
    server.push(signed_in("dana", json!({})));
    let err = public_client(&server)
        .sign_in("dana")
        .device(device)
        .password(PASSWORD)
        .await
        .expect_err("an endless run of DEVICE_SRP_AUTH");
    assert!(
        matches!(err, SignInError::TooManyChallenges(MAX_AUTOMATIC_ANSWERS)),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "the service asked for more than {MAX_AUTOMATIC_ANSWERS} SRP and device challenges in \
             a row"
        )
    );
    // InitiateAuth, then one answer per allowed challenge; the next one is refused.
    assert_eq!(server.request_count(), 1 + MAX_AUTOMATIC_ANSWERS);
}

#[tokio::test]
async fn srp_b_and_salt_have_a_size_limit() {
    let (params, password) = pycognito_challenge();
    let user_id = params["USER_ID_FOR_SRP"].as_str().unwrap().to_owned();
    let pool_name = POOL_ID.split_once('_').unwrap().1;
    let honest = srp::Server::for_password(
        params["SALT"].as_str().unwrap(),
        pool_name,
        &user_id,
        &password,
        "5eed0fb0a5e",
    );
    let (salt, b) = (honest.salt_hex(), honest.srp_b());
    let zeros = |total: usize, value: &str| format!("{}{value}", "0".repeat(total - value.len()));
    // (SALT, SRP_B, accepted): B up to 3072 bits plus a byte of padding (770 hex digits), the salt
    // up to 1024 hex digits, leading zeros included.
    let cases = [
        (salt.clone(), zeros(770, &b), true),
        (zeros(1024, &salt), b.clone(), true),
        (salt.clone(), zeros(771, &b), false),
        (salt.clone(), "f".repeat(100_000), false),
        (zeros(1025, &salt), b.clone(), false),
        ("1".repeat(1_000_000), b.clone(), false),
    ];
    for (i, (salt, srp_b, accepted)) in cases.into_iter().enumerate() {
        let server = RecordingServer::start(CannedResponse::aws_error(500, "Unscripted", "no"));
        server.push(challenge(
            "PASSWORD_VERIFIER",
            &session(1),
            json!({"SALT": salt, "SRP_B": srp_b, "SECRET_BLOCK": params["SECRET_BLOCK"],
                   "USERNAME": user_id, "USER_ID_FOR_SRP": user_id}),
        ));
        server.push(signed_in(&user_id, json!({})));
        let result = public_client(&server)
            .sign_in("dana")
            .password_srp(&pool(), &password)
            .await;
        if accepted {
            expect_signed_in(result.expect("within the limits"));
            let requests = server.requests();
            let srp_a = requests[0].body_json()["AuthParameters"]["SRP_A"]
                .as_str()
                .unwrap()
                .to_owned();
            let responses = &requests[1].body_json()["ChallengeResponses"];
            assert_eq!(
                responses["PASSWORD_CLAIM_SIGNATURE"],
                honest.expected_signature(
                    &srp_a,
                    pool_name,
                    &user_id,
                    params["SECRET_BLOCK"].as_str().unwrap(),
                    responses["TIMESTAMP"].as_str().unwrap()
                ),
                "case {i}: leading zeros change nothing"
            );
        } else {
            let err = result.expect_err("over the limit");
            assert!(
                matches!(err, SignInError::Srp(SrpError::ValueTooLong { .. })),
                "case {i}: {err:?}"
            );
            assert_eq!(server.request_count(), 1, "case {i}: nothing answered");
        }
    }
}

/// After SRP, Cognito names the user by `USER_ID_FOR_SRP` (the `username` attribute, not the alias
/// signed in with): the answer's `USERNAME`, the proof and `SECRET_HASH` all use it (API reference,
/// `ChallengeParameters`: "You must use the username and not an alias in the ChallengeResponses"),
/// even when the challenge's `USERNAME` is the alias; so do the steps that follow.
#[tokio::test]
async fn user_id_for_srp_not_the_alias_feeds_username_proof_and_secret_hash() {
    let (params, password) = pycognito_challenge();
    let user_id = params["USER_ID_FOR_SRP"].as_str().unwrap().to_owned();
    let alias = "dana@example.com";
    assert_ne!(user_id, alias);
    let pool_name = POOL_ID.split_once('_').unwrap().1;
    let honest = srp::Server::for_password(
        params["SALT"].as_str().unwrap(),
        pool_name,
        &user_id,
        &password,
        "a11a5",
    );
    let block = params["SECRET_BLOCK"].as_str().unwrap().to_owned();

    let server = RecordingServer::start(CannedResponse::aws_error(500, "Unscripted", "no"));
    server.push(challenge(
        "PASSWORD_VERIFIER",
        &session(1),
        verifier_parameters(&honest, &params, alias),
    ));
    server.push(challenge(
        "SMS_MFA",
        &session(2),
        json!({"CODE_DELIVERY_DESTINATION": "+*******1234"}),
    ));
    server.push(signed_in(&user_id, json!({})));
    let idp = secret_client(&server);
    let before = SystemTime::now();
    let SignInStep::SmsMfa(code) = idp
        .sign_in(alias)
        .password_srp(&pool(), &password)
        .await
        .expect("PASSWORD_VERIFIER answered")
    else {
        panic!("expected SMS_MFA");
    };
    expect_signed_in(code.respond("123456").await.expect("SMS_MFA"));

    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    let mut initiate = requests[0].body_json();
    let srp_a = take(&mut initiate, "AuthParameters", "SRP_A");
    assert_eq!(
        initiate["AuthParameters"],
        json!({"USERNAME": alias, "SRP_A": "<SRP_A>", "SECRET_HASH": hash(alias)}),
        "InitiateAuth names the user as given"
    );
    let mut verifier = requests[1].body_json();
    let signature = take(
        &mut verifier,
        "ChallengeResponses",
        "PASSWORD_CLAIM_SIGNATURE",
    );
    let timestamp = take(&mut verifier, "ChallengeResponses", "TIMESTAMP");
    assert_timestamp(&timestamp, before);
    assert_eq!(
        verifier,
        respond_body(
            "PASSWORD_VERIFIER",
            1,
            json!({"USERNAME": user_id, "PASSWORD_CLAIM_SECRET_BLOCK": block,
                   "PASSWORD_CLAIM_SIGNATURE": "<PASSWORD_CLAIM_SIGNATURE>", "TIMESTAMP": "<TIMESTAMP>",
                   "SECRET_HASH": hash(&user_id)})
        )
    );
    assert_eq!(
        signature,
        honest.expected_signature(&srp_a, pool_name, &user_id, &block, &timestamp),
        "the proof is over USER_ID_FOR_SRP"
    );
    assert_call(
        &requests[2],
        "RespondToAuthChallenge",
        respond_body(
            "SMS_MFA",
            2,
            json!({"SMS_MFA_CODE": "123456", "USERNAME": user_id, "SECRET_HASH": hash(&user_id)}),
        ),
    );
}

// ---------------------------------------------------------------------------------------
// Devices: confirm, remember, then sign in with device SRP
// ---------------------------------------------------------------------------------------

const DEVICE_KEY: &str = "eu-west-2_0c1d2e3f-4a5b-4c6d-8e9f-a0b1c2d3e4f5";
const DEVICE_GROUP_KEY: &str = "-hQ7xZk3p";

#[tokio::test]
async fn new_device_is_confirmed_remembered_and_then_signs_in_with_device_srp() {
    let (params, password) = pycognito_challenge();
    let user_id = params["USER_ID_FOR_SRP"].as_str().unwrap().to_owned();
    let pool_name = POOL_ID.split_once('_').unwrap().1;

    // 1. A password sign-in on a new device: NewDeviceMetadata → ConfirmDevice + UpdateDeviceStatus.
    let server = RecordingServer::start(CannedResponse::aws_error(500, "Unscripted", "no"));
    let idp = secret_client(&server);
    server.push(signed_in(
        &user_id,
        json!({"NewDeviceMetadata": {"DeviceKey": DEVICE_KEY, "DeviceGroupKey": DEVICE_GROUP_KEY}}),
    ));
    let before = SystemTime::now();
    let signed = expect_signed_in(
        idp.sign_in("dana@example.com")
            .password(&password)
            .await
            .expect("password sign-in"),
    );
    assert_tokens(&signed.tokens, &user_id, before);
    let new_device: NewDevice = signed.new_device.expect("NewDeviceMetadata");
    assert_eq!(new_device.device_key, DEVICE_KEY);
    assert_eq!(new_device.device_group_key, DEVICE_GROUP_KEY);
    assert_redacted("NewDevice", &format!("{new_device:?}"));
    assert_call(
        &server.take_requests()[0],
        "InitiateAuth",
        json!({
            "AuthFlow": "USER_PASSWORD_AUTH",
            "ClientId": CLIENT,
            "AuthParameters": {
                "USERNAME": "dana@example.com",
                "PASSWORD": password,
                "SECRET_HASH": hash("dana@example.com"),
            },
        }),
    );

    server.push(answer(json!({"UserConfirmationNecessary": false})));
    server.push(answer(json!({})));
    let remembered = new_device
        .confirm_and_remember(&signed.tokens, "Dana's phone")
        .await
        .expect("ConfirmDevice + UpdateDeviceStatus");
    assert_eq!(remembered.device_key, DEVICE_KEY);
    assert_eq!(remembered.device_group_key, DEVICE_GROUP_KEY);
    assert_eq!(
        B64.decode(&remembered.device_password)
            .map(|b| b.len())
            .ok(),
        Some(40),
        "the device password is base64 of 40 random bytes"
    );
    let debug = format!("{remembered:?}");
    assert!(!debug.contains(&remembered.device_password), "{debug}");
    assert_eq!(
        debug,
        format!(
            "RememberedDevice {{ device_key: {DEVICE_KEY:?}, device_group_key: {DEVICE_GROUP_KEY:?}, \
             device_password: \"<redacted>\" }}"
        )
    );

    let requests = server.take_requests();
    assert_eq!(requests.len(), 2);
    let mut confirm = requests[0].body_json();
    let verifier_b64 = take(
        &mut confirm,
        "DeviceSecretVerifierConfig",
        "PasswordVerifier",
    );
    let salt_b64 = take(&mut confirm, "DeviceSecretVerifierConfig", "Salt");
    assert_frame(&requests[0], "ConfirmDevice");
    assert_eq!(
        confirm,
        json!({
            "AccessToken": access_token(&user_id),
            "DeviceKey": DEVICE_KEY,
            "DeviceName": "Dana's phone",
            "DeviceSecretVerifierConfig": {"PasswordVerifier": "<PasswordVerifier>", "Salt": "<Salt>"},
        })
    );
    // Salt and verifier are base64 of padded hex, and v = g^x for the returned device password.
    let salt_bytes = B64.decode(&salt_b64).expect("Salt is base64");
    let salt = BigUint::from_bytes_be(&salt_bytes);
    assert_eq!(srp::pad(&salt), salt_bytes, "Salt is padded hex");
    assert!(
        salt.bits() > 64 && salt.bits() <= 128,
        "16 random bytes of salt"
    );
    let verifier_bytes = B64
        .decode(&verifier_b64)
        .expect("PasswordVerifier is base64");
    let verifier = BigUint::from_bytes_be(&verifier_bytes);
    assert_eq!(
        srp::pad(&verifier),
        verifier_bytes,
        "PasswordVerifier is padded hex"
    );
    let x = srp::x(
        &salt,
        DEVICE_GROUP_KEY,
        DEVICE_KEY,
        &remembered.device_password,
    );
    assert_eq!(verifier, srp::g().modpow(&x, &srp::n()), "v = g^x");
    assert_call(
        &requests[1],
        "UpdateDeviceStatus",
        json!({
            "AccessToken": access_token(&user_id),
            "DeviceKey": DEVICE_KEY,
            "DeviceRememberedStatus": "remembered",
        }),
    );

    // 2. The next sign-in, SRP with the remembered device: Cognito asks DEVICE_SRP_AUTH and
    //    DEVICE_PASSWORD_VERIFIER, both answered inside the flow.
    let user_server = srp::Server::for_password(
        params["SALT"].as_str().unwrap(),
        pool_name,
        &user_id,
        &password,
        "b0b0b0b0b0b0b0b0b0b0",
    );
    let device_server =
        srp::Server::with_verifier(salt.clone(), verifier, "d0d0d0d0d0d0d0d0d0d0d0d0");
    let user_block = params["SECRET_BLOCK"].as_str().unwrap().to_owned();
    let device_block = B64.encode(b"device secret block from cognito");
    server.push(challenge(
        "PASSWORD_VERIFIER",
        &session(1),
        json!({"SALT": user_server.salt_hex(), "SRP_B": user_server.srp_b(), "SECRET_BLOCK": user_block,
               "USERNAME": user_id, "USER_ID_FOR_SRP": user_id}),
    ));
    server.push(challenge("DEVICE_SRP_AUTH", &session(2), json!({})));
    server.push(challenge(
        "DEVICE_PASSWORD_VERIFIER",
        &session(3),
        json!({"SALT": device_server.salt_hex(), "SRP_B": device_server.srp_b(),
               "SECRET_BLOCK": device_block, "USERNAME": user_id}),
    ));
    server.push(signed_in(&user_id, json!({})));

    let sign_in = idp.sign_in("dana@example.com").device(remembered.clone());
    assert_redacted("SignIn", &format!("{sign_in:?}"));
    let before = SystemTime::now();
    let signed = expect_signed_in(
        sign_in
            .password_srp(&pool(), &password)
            .await
            .expect("SRP + device SRP"),
    );
    assert_tokens(&signed.tokens, &user_id, before);
    assert!(signed.new_device.is_none());

    let requests = server.take_requests();
    assert_eq!(requests.len(), 4);
    let mut initiate = requests[0].body_json();
    let user_a = take(&mut initiate, "AuthParameters", "SRP_A");
    assert_frame(&requests[0], "InitiateAuth");
    assert_eq!(
        initiate,
        json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": CLIENT, "AuthParameters": {
            "USERNAME": "dana@example.com", "SRP_A": "<SRP_A>", "DEVICE_KEY": DEVICE_KEY,
            "SECRET_HASH": hash("dana@example.com")}})
    );

    let mut verifier_answer = requests[1].body_json();
    let user_sig = take(
        &mut verifier_answer,
        "ChallengeResponses",
        "PASSWORD_CLAIM_SIGNATURE",
    );
    let user_ts = take(&mut verifier_answer, "ChallengeResponses", "TIMESTAMP");
    assert_frame(&requests[1], "RespondToAuthChallenge");
    assert_eq!(
        verifier_answer,
        json!({"ClientId": CLIENT, "ChallengeName": "PASSWORD_VERIFIER", "Session": session(1),
               "ChallengeResponses": {"USERNAME": user_id, "PASSWORD_CLAIM_SECRET_BLOCK": user_block,
                   "PASSWORD_CLAIM_SIGNATURE": "<PASSWORD_CLAIM_SIGNATURE>", "TIMESTAMP": "<TIMESTAMP>",
                   "DEVICE_KEY": DEVICE_KEY, "SECRET_HASH": hash(&user_id)}})
    );
    assert_timestamp(&user_ts, before);
    assert_eq!(
        user_sig,
        user_server.expected_signature(&user_a, pool_name, &user_id, &user_block, &user_ts)
    );

    let mut device_auth = requests[2].body_json();
    let device_a = take(&mut device_auth, "ChallengeResponses", "SRP_A");
    assert_ne!(
        device_a, user_a,
        "a fresh private value for the device exchange"
    );
    assert_frame(&requests[2], "RespondToAuthChallenge");
    assert_eq!(
        device_auth,
        json!({"ClientId": CLIENT, "ChallengeName": "DEVICE_SRP_AUTH", "Session": session(2),
               "ChallengeResponses": {"USERNAME": user_id, "DEVICE_KEY": DEVICE_KEY, "SRP_A": "<SRP_A>",
                   "SECRET_HASH": hash(&user_id)}})
    );

    let mut device_verifier = requests[3].body_json();
    let device_sig = take(
        &mut device_verifier,
        "ChallengeResponses",
        "PASSWORD_CLAIM_SIGNATURE",
    );
    let device_ts = take(&mut device_verifier, "ChallengeResponses", "TIMESTAMP");
    assert_frame(&requests[3], "RespondToAuthChallenge");
    assert_eq!(
        device_verifier,
        json!({"ClientId": CLIENT, "ChallengeName": "DEVICE_PASSWORD_VERIFIER", "Session": session(3),
               "ChallengeResponses": {"USERNAME": user_id, "DEVICE_KEY": DEVICE_KEY,
                   "PASSWORD_CLAIM_SECRET_BLOCK": device_block,
                   "PASSWORD_CLAIM_SIGNATURE": "<PASSWORD_CLAIM_SIGNATURE>", "TIMESTAMP": "<TIMESTAMP>",
                   "SECRET_HASH": hash(&user_id)}})
    );
    assert_timestamp(&device_ts, before);
    assert_eq!(
        device_sig,
        device_server.expected_signature(
            &device_a,
            DEVICE_GROUP_KEY,
            DEVICE_KEY,
            &device_block,
            &device_ts
        ),
        "the device proof matches the verifier registered with ConfirmDevice"
    );
}

#[tokio::test]
async fn device_confirmation_without_remembering_and_its_errors() {
    let server = RecordingServer::start(CannedResponse::aws_error(500, "Unscripted", "no"));
    let idp = public_client(&server);
    server.push(signed_in(
        "erin",
        json!({"NewDeviceMetadata": {"DeviceKey": DEVICE_KEY, "DeviceGroupKey": DEVICE_GROUP_KEY}}),
    ));
    let signed = expect_signed_in(idp.sign_in("erin").password(PASSWORD).await.unwrap());
    let device = signed.new_device.expect("new device");
    server.take_requests();

    // remember = false: ConfirmDevice only.
    server.push(answer(json!({"UserConfirmationNecessary": true})));
    let remembered = device
        .confirm(&signed.tokens, "kiosk")
        .await
        .expect("ConfirmDevice");
    assert_eq!(remembered.device_key, DEVICE_KEY);
    let requests = server.take_requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].header("x-amz-target"),
        Some("AWSCognitoIdentityProviderService.ConfirmDevice")
    );
    assert_eq!(requests[0].body_json()["DeviceName"], "kiosk");

    // Each attempt has a new device password.
    server.push(answer(json!({})));
    let again = device
        .confirm(&signed.tokens, "kiosk")
        .await
        .expect("ConfirmDevice");
    assert_ne!(again.device_password, remembered.device_password);
    server.take_requests();

    // Typed errors of both calls.
    server.push(CannedResponse::aws_error(
        400,
        "NotAuthorizedException",
        "Access Token has been revoked",
    ));
    let err = device
        .confirm_and_remember(&signed.tokens, "kiosk")
        .await
        .expect_err("ConfirmDevice fails");
    assert!(matches!(err, SignInError::Call(_)), "{err:?}");
    assert_eq!(err.code(), Some("NotAuthorizedException"));
    assert_eq!(
        server.take_requests().len(),
        1,
        "no UpdateDeviceStatus after a failed ConfirmDevice"
    );

    server.push(answer(json!({})));
    server.push(CannedResponse::aws_error(
        400,
        "ResourceNotFoundException",
        "Device not found",
    ));
    let err = device
        .confirm_and_remember(&signed.tokens, "kiosk")
        .await
        .expect_err("UpdateDeviceStatus fails");
    assert!(matches!(err, SignInError::Call(_)), "{err:?}");
    assert_eq!(err.code(), Some("ResourceNotFoundException"));
    assert_redacted("SignInError", &format!("{err:?} {err}"));
}

// ---------------------------------------------------------------------------------------
// Challenges answered by the caller
// ---------------------------------------------------------------------------------------

/// `InitiateAuth` with `USER_PASSWORD_AUTH` for `username`, as the secret client sends it.
fn password_initiate(username: &str) -> Value {
    json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": CLIENT, "AuthParameters": {
        "USERNAME": username, "PASSWORD": PASSWORD, "SECRET_HASH": hash(username)}})
}

fn respond_body(name: &str, session_n: u32, responses: Value) -> Value {
    json!({"ClientId": CLIENT, "ChallengeName": name, "Session": session(session_n),
           "ChallengeResponses": responses})
}

#[tokio::test]
async fn code_challenges_parse_the_delivery_and_answer_with_the_right_key() {
    for (name, key, destination, medium) in [
        ("SMS_MFA", "SMS_MFA_CODE", Some("+*******1234"), Some("SMS")),
        ("SOFTWARE_TOKEN_MFA", "SOFTWARE_TOKEN_MFA_CODE", None, None),
        (
            "EMAIL_OTP",
            "EMAIL_OTP_CODE",
            Some("d***@e***"),
            Some("EMAIL"),
        ),
        ("SMS_OTP", "SMS_OTP_CODE", Some("+*******9876"), Some("SMS")),
    ] {
        let server = RecordingServer::start(CannedResponse::aws_error(500, "Unscripted", "no"));
        let idp = secret_client(&server);
        let mut params = json!({"USERNAME": "uuid-dana"});
        if let (Some(d), Some(m)) = (destination, medium) {
            params["CODE_DELIVERY_DESTINATION"] = json!(d);
            params["CODE_DELIVERY_DELIVERY_MEDIUM"] = json!(m);
        }
        server.push(challenge(name, &session(1), params));
        server.push(signed_in("uuid-dana", json!({})));
        let step = idp
            .sign_in("dana@example.com")
            .password(PASSWORD)
            .await
            .expect("challenge");
        assert_eq!(step.name(), name);
        assert_redacted(name, &format!("{step:?}"));
        let code = match step {
            SignInStep::SmsMfa(c) if name == "SMS_MFA" => c,
            SignInStep::SoftwareTokenMfa(c) if name == "SOFTWARE_TOKEN_MFA" => c,
            SignInStep::EmailOtp(c) if name == "EMAIL_OTP" => c,
            SignInStep::SmsOtp(c) if name == "SMS_OTP" => c,
            other => panic!("{name}: got {}", other.name()),
        };
        assert_eq!(code.destination.as_deref(), destination, "{name}");
        assert_eq!(code.delivery_medium.as_deref(), medium, "{name}");
        let before = SystemTime::now();
        let signed = expect_signed_in(code.respond("123456").await.expect("code accepted"));
        assert_tokens(&signed.tokens, "uuid-dana", before);

        let requests = server.requests();
        assert_eq!(requests.len(), 2, "{name}");
        assert_call(
            &requests[0],
            "InitiateAuth",
            password_initiate("dana@example.com"),
        );
        // USERNAME (and so SECRET_HASH) is the one Cognito named in the challenge.
        assert_call(
            &requests[1],
            "RespondToAuthChallenge",
            respond_body(
                name,
                1,
                json!({key: "123456", "USERNAME": "uuid-dana",
                                          "SECRET_HASH": hash("uuid-dana")}),
            ),
        );
    }
}

#[tokio::test]
async fn passwordless_email_otp_through_user_auth() {
    let server = RecordingServer::start(CannedResponse::aws_error(500, "Unscripted", "no"));
    let idp = public_client(&server);
    server.push(challenge(
        "EMAIL_OTP",
        &session(1),
        json!({"CODE_DELIVERY_DESTINATION": "d***@e***", "CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL"}),
    ));
    server.push(signed_in("dana", json!({})));
    let step = idp
        .sign_in("dana")
        .client_metadata("source", "test")
        .user_auth_preferring(ChallengeNameType::EmailOtp)
        .await
        .unwrap();
    let SignInStep::EmailOtp(code) = step else {
        panic!("expected EMAIL_OTP, got {}", step.name());
    };
    assert_eq!(code.destination.as_deref(), Some("d***@e***"));
    expect_signed_in(code.respond("87654321").await.unwrap());
    let requests = server.requests();
    assert_call(
        &requests[0],
        "InitiateAuth",
        json!({"AuthFlow": "USER_AUTH", "ClientId": CLIENT, "ClientMetadata": {"source": "test"},
               "AuthParameters": {"USERNAME": "dana", "PREFERRED_CHALLENGE": "EMAIL_OTP"}}),
    );
    assert_call(
        &requests[1],
        "RespondToAuthChallenge",
        json!({"ClientId": CLIENT, "ChallengeName": "EMAIL_OTP", "Session": session(1),
               "ClientMetadata": {"source": "test"},
               "ChallengeResponses": {"EMAIL_OTP_CODE": "87654321", "USERNAME": "dana"}}),
    );
}

#[tokio::test]
async fn select_mfa_type_then_software_token() {
    let server = RecordingServer::start(CannedResponse::aws_error(500, "Unscripted", "no"));
    let idp = secret_client(&server);
    server.push(challenge(
        "SELECT_MFA_TYPE",
        &session(1),
        json!({"MFAS_CAN_CHOOSE": r#"["SMS_MFA","SOFTWARE_TOKEN_MFA","EMAIL_OTP"]"#, "USERNAME": "dana"}),
    ));
    server.push(challenge("SOFTWARE_TOKEN_MFA", &session(2), json!({})));
    server.push(signed_in("dana", json!({})));
    let step = idp.sign_in("dana").password(PASSWORD).await.unwrap();
    assert_redacted("SELECT_MFA_TYPE", &format!("{step:?}"));
    let SignInStep::SelectMfaType(select) = step else {
        panic!("expected SELECT_MFA_TYPE, got {}", step.name());
    };
    assert_eq!(
        select.options,
        vec![
            ChallengeNameType::SmsMfa,
            ChallengeNameType::SoftwareTokenMfa,
            ChallengeNameType::EmailOtp
        ]
    );
    let step = select
        .respond(ChallengeNameType::SoftwareTokenMfa)
        .await
        .unwrap();
    let SignInStep::SoftwareTokenMfa(totp) = step else {
        panic!("expected SOFTWARE_TOKEN_MFA, got {}", step.name());
    };
    assert_eq!(
        (totp.destination.as_deref(), totp.delivery_medium.as_deref()),
        (None, None)
    );
    expect_signed_in(totp.respond("000111").await.unwrap());

    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert_call(&requests[0], "InitiateAuth", password_initiate("dana"));
    assert_call(
        &requests[1],
        "RespondToAuthChallenge",
        respond_body(
            "SELECT_MFA_TYPE",
            1,
            json!({"ANSWER": "SOFTWARE_TOKEN_MFA", "USERNAME": "dana",
                                                   "SECRET_HASH": hash("dana")}),
        ),
    );
    assert_call(
        &requests[2],
        "RespondToAuthChallenge",
        respond_body(
            "SOFTWARE_TOKEN_MFA",
            2,
            json!({"SOFTWARE_TOKEN_MFA_CODE": "000111",
                                                      "USERNAME": "dana", "SECRET_HASH": hash("dana")}),
        ),
    );
}

#[tokio::test]
async fn select_challenge_password_choice_and_srp_choice() {
    let available = json!(["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "WEB_AUTHN"]);
    let select = |server: &RecordingServer| {
        server.push(answer(
            json!({"ChallengeName": "SELECT_CHALLENGE", "Session": session(1),
                                  "ChallengeParameters": {}, "AvailableChallenges": available}),
        ));
    };

    // PASSWORD.
    let server = RecordingServer::start(CannedResponse::aws_error(500, "Unscripted", "no"));
    select(&server);
    server.push(signed_in("dana", json!({})));
    let idp = secret_client(&server);
    let step = idp.sign_in("dana").user_auth().await.unwrap();
    assert_redacted("SELECT_CHALLENGE", &format!("{step:?}"));
    let SignInStep::SelectChallenge(choice) = step else {
        panic!("expected SELECT_CHALLENGE, got {}", step.name());
    };
    assert_eq!(
        choice.available,
        vec![
            ChallengeNameType::Password,
            ChallengeNameType::PasswordSrp,
            ChallengeNameType::EmailOtp,
            ChallengeNameType::WebAuthn
        ]
    );
    expect_signed_in(choice.password(PASSWORD).await.unwrap());
    let requests = server.requests();
    assert_call(
        &requests[0],
        "InitiateAuth",
        json!({"AuthFlow": "USER_AUTH", "ClientId": CLIENT,
               "AuthParameters": {"USERNAME": "dana", "SECRET_HASH": hash("dana")}}),
    );
    assert_call(
        &requests[1],
        "RespondToAuthChallenge",
        respond_body(
            "SELECT_CHALLENGE",
            1,
            json!({"ANSWER": "PASSWORD", "PASSWORD": PASSWORD,
                                                    "USERNAME": "dana", "SECRET_HASH": hash("dana")}),
        ),
    );

    // EMAIL_OTP: the choice, then the code.
    let server = RecordingServer::start(CannedResponse::aws_error(500, "Unscripted", "no"));
    select(&server);
    server.push(challenge("EMAIL_OTP", &session(2), json!({"CODE_DELIVERY_DESTINATION": "d***@e***",
                                                              "CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL"})));
    server.push(signed_in("dana", json!({})));
    let idp = public_client(&server);
    let SignInStep::SelectChallenge(choice) = idp.sign_in("dana").user_auth().await.unwrap() else {
        panic!("expected SELECT_CHALLENGE");
    };
    let SignInStep::EmailOtp(code) = choice.choose(ChallengeNameType::EmailOtp).await.unwrap()
    else {
        panic!("expected EMAIL_OTP");
    };
    assert_eq!(code.delivery_medium.as_deref(), Some("EMAIL"));
    expect_signed_in(code.respond("24680").await.unwrap());
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert_call(
        &requests[1],
        "RespondToAuthChallenge",
        respond_body(
            "SELECT_CHALLENGE",
            1,
            json!({"ANSWER": "EMAIL_OTP", "USERNAME": "dana"}),
        ),
    );
    assert_call(
        &requests[2],
        "RespondToAuthChallenge",
        respond_body(
            "EMAIL_OTP",
            2,
            json!({"EMAIL_OTP_CODE": "24680", "USERNAME": "dana"}),
        ),
    );

    // PASSWORD_SRP: SRP_A with the choice, PASSWORD_VERIFIER answered inside the flow.
    let (params, password) = pycognito_challenge();
    let user_id = params["USER_ID_FOR_SRP"].as_str().unwrap().to_owned();
    let pool_name = POOL_ID.split_once('_').unwrap().1;
    let honest = srp::Server::for_password(
        params["SALT"].as_str().unwrap(),
        pool_name,
        &user_id,
        &password,
        "77",
    );
    let block = params["SECRET_BLOCK"].as_str().unwrap().to_owned();
    let server = RecordingServer::start(CannedResponse::aws_error(500, "Unscripted", "no"));
    select(&server);
    server.push(challenge("PASSWORD_VERIFIER", &session(2), json!({"SALT": honest.salt_hex(),
        "SRP_B": honest.srp_b(), "SECRET_BLOCK": block, "USERNAME": user_id, "USER_ID_FOR_SRP": user_id})));
    server.push(signed_in(&user_id, json!({})));
    let idp = secret_client(&server);
    let SignInStep::SelectChallenge(choice) = idp.sign_in("dana").user_auth().await.unwrap() else {
        panic!("expected SELECT_CHALLENGE");
    };
    let before = SystemTime::now();
    expect_signed_in(choice.password_srp(&pool(), &password).await.unwrap());
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert_frame(&requests[1], "RespondToAuthChallenge");
    let mut chosen = requests[1].body_json();
    let srp_a = take(&mut chosen, "ChallengeResponses", "SRP_A");
    assert_eq!(
        chosen,
        respond_body(
            "SELECT_CHALLENGE",
            1,
            json!({"ANSWER": "PASSWORD_SRP", "SRP_A": "<SRP_A>",
                                                    "USERNAME": "dana", "SECRET_HASH": hash("dana")})
        )
    );
    assert_frame(&requests[2], "RespondToAuthChallenge");
    let mut verifier = requests[2].body_json();
    let signature = take(
        &mut verifier,
        "ChallengeResponses",
        "PASSWORD_CLAIM_SIGNATURE",
    );
    let timestamp = take(&mut verifier, "ChallengeResponses", "TIMESTAMP");
    assert_timestamp(&timestamp, before);
    assert_eq!(
        verifier,
        respond_body(
            "PASSWORD_VERIFIER",
            2,
            json!({"USERNAME": user_id, "PASSWORD_CLAIM_SECRET_BLOCK": block,
            "PASSWORD_CLAIM_SIGNATURE": "<PASSWORD_CLAIM_SIGNATURE>", "TIMESTAMP": "<TIMESTAMP>",
            "SECRET_HASH": hash(&user_id)})
        )
    );
    assert_eq!(
        signature,
        honest.expected_signature(&srp_a, pool_name, &user_id, &block, &timestamp)
    );
}

#[tokio::test]
async fn custom_web_authn_and_unknown_challenges() {
    // CUSTOM_AUTH → CUSTOM_CHALLENGE, twice, then tokens; ClientMetadata on every call.
    let server = RecordingServer::start(CannedResponse::aws_error(500, "Unscripted", "no"));
    server.push(challenge(
        "CUSTOM_CHALLENGE",
        &session(1),
        json!({"question": "2+2?", "USERNAME": "dana"}),
    ));
    server.push(challenge(
        "CUSTOM_CHALLENGE",
        &session(2),
        json!({"question": "3+3?"}),
    ));
    server.push(signed_in("dana", json!({})));
    let idp = secret_client(&server);
    let step = idp
        .sign_in("dana")
        .client_metadata("app", "scripted")
        .custom()
        .await
        .unwrap();
    assert_redacted("CUSTOM_CHALLENGE", &format!("{step:?}"));
    // A Lambda's parameters may be secrets: names only.
    let shown = format!("{step:?}");
    assert!(
        shown.contains("question") && !shown.contains("2+2?"),
        "{shown}"
    );
    let SignInStep::CustomChallenge(c) = step else {
        panic!("expected CUSTOM_CHALLENGE, got {}", step.name());
    };
    assert_eq!(
        c.parameters,
        HashMap::from([
            ("question".to_owned(), "2+2?".to_owned()),
            ("USERNAME".to_owned(), "dana".to_owned())
        ])
    );
    let SignInStep::CustomChallenge(c) = c.respond("4").await.unwrap() else {
        panic!("expected a second CUSTOM_CHALLENGE");
    };
    assert_eq!(
        c.parameters,
        HashMap::from([("question".to_owned(), "3+3?".to_owned())])
    );
    expect_signed_in(c.respond("6").await.unwrap());
    let requests = server.requests();
    assert_call(
        &requests[0],
        "InitiateAuth",
        json!({"AuthFlow": "CUSTOM_AUTH", "ClientId": CLIENT, "ClientMetadata": {"app": "scripted"},
               "AuthParameters": {"USERNAME": "dana", "SECRET_HASH": hash("dana")}}),
    );
    for (i, answer_text) in [(1u32, "4"), (2, "6")] {
        let mut body = respond_body(
            "CUSTOM_CHALLENGE",
            i,
            json!({"ANSWER": answer_text, "USERNAME": "dana",
                                                                  "SECRET_HASH": hash("dana")}),
        );
        body["ClientMetadata"] = json!({"app": "scripted"});
        assert_call(&requests[i as usize], "RespondToAuthChallenge", body);
    }

    // WEB_AUTHN.
    let options = r#"{"challenge":"q83vEjRWeJA","rpId":"example.com","allowCredentials":[]}"#;
    let credential = r#"{"id":"cred-1","type":"public-key","response":{"signature":"c2ln"}}"#;
    let server = RecordingServer::start(CannedResponse::aws_error(500, "Unscripted", "no"));
    server.push(challenge(
        "WEB_AUTHN",
        &session(1),
        json!({"CREDENTIAL_REQUEST_OPTIONS": options}),
    ));
    server.push(signed_in("dana", json!({})));
    let step = public_client(&server)
        .sign_in("dana")
        .user_auth_preferring(ChallengeNameType::WebAuthn)
        .await
        .unwrap();
    assert_redacted("WEB_AUTHN", &format!("{step:?}"));
    let SignInStep::WebAuthn(w) = step else {
        panic!("expected WEB_AUTHN, got {}", step.name());
    };
    assert_eq!(w.credential_request_options.as_deref(), Some(options));
    expect_signed_in(w.respond(credential).await.unwrap());
    let requests = server.requests();
    assert_eq!(
        requests[0].body_json()["AuthParameters"]["PREFERRED_CHALLENGE"],
        "WEB_AUTHN"
    );
    assert_call(
        &requests[1],
        "RespondToAuthChallenge",
        respond_body(
            "WEB_AUTHN",
            1,
            json!({"CREDENTIAL": credential, "USERNAME": "dana"}),
        ),
    );

    // A challenge this SDK does not know: `Other`, answered with raw responses.
    let server = RecordingServer::start(CannedResponse::aws_error(500, "Unscripted", "no"));
    server.push(challenge(
        "QUANTUM_RIDDLE",
        &session(1),
        json!({"riddle": "?", "USERNAME": "uuid-dana"}),
    ));
    server.push(challenge("ADMIN_NO_SRP_AUTH", &session(2), json!({})));
    server.push(signed_in("uuid-dana", json!({})));
    let idp = secret_client(&server);
    let step = idp.sign_in("dana").password(PASSWORD).await.unwrap();
    assert_eq!(step.name(), "QUANTUM_RIDDLE");
    assert_redacted("Other", &format!("{step:?}"));
    let shown = format!("{step:?}");
    assert!(shown.contains("QUANTUM_RIDDLE"), "{shown}");
    for value in step_parameter_values(&step) {
        assert!(!shown.contains(&value), "`{value}` in {shown}");
    }
    let SignInStep::Other(other) = step else {
        panic!("expected Other");
    };
    assert_eq!(other.name, "QUANTUM_RIDDLE");
    assert_eq!(
        other.parameters,
        HashMap::from([
            ("riddle".to_owned(), "?".to_owned()),
            ("USERNAME".to_owned(), "uuid-dana".to_owned())
        ])
    );
    let step = other
        .respond(HashMap::from([("ANSWER".to_owned(), "42".to_owned())]))
        .await
        .unwrap();
    // A known challenge name the flow does not model is `Other` too.
    assert_eq!(step.name(), "ADMIN_NO_SRP_AUTH");
    let SignInStep::Other(other) = step else {
        panic!("expected Other");
    };
    let given_username = HashMap::from([
        ("USERNAME".to_owned(), "given".to_owned()),
        ("SECRET_HASH".to_owned(), "given-hash".to_owned()),
    ]);
    expect_signed_in(other.respond(given_username).await.unwrap());
    let requests = server.requests();
    assert_call(
        &requests[1],
        "RespondToAuthChallenge",
        json!({"ClientId": CLIENT, "ChallengeName": "QUANTUM_RIDDLE", "Session": session(1),
               "ChallengeResponses": {"ANSWER": "42", "USERNAME": "uuid-dana", "SECRET_HASH": hash("uuid-dana")}}),
    );
    assert_call(
        &requests[2],
        "RespondToAuthChallenge",
        respond_body(
            "ADMIN_NO_SRP_AUTH",
            2,
            json!({"USERNAME": "given", "SECRET_HASH": "given-hash"}),
        ),
    );
}

#[tokio::test]
async fn new_password_required_with_required_attributes_public_and_admin() {
    let params = json!({
        "USER_ID_FOR_SRP": "dana",
        "requiredAttributes": r#"["userAttributes.name","userAttributes.family_name"]"#,
        "userAttributes": r#"{"email_verified":"true","email":"dana@example.com","custom:level":7}"#,
    });
    // Public: InitiateAuth / RespondToAuthChallenge, SECRET_HASH filled.
    let server = RecordingServer::start(CannedResponse::aws_error(500, "Unscripted", "no"));
    server.push(challenge(
        "NEW_PASSWORD_REQUIRED",
        &session(1),
        params.clone(),
    ));
    server.push(signed_in("dana", json!({})));
    let idp = secret_client(&server);
    let step = idp.sign_in("dana").password(PASSWORD).await.unwrap();
    assert_redacted("NEW_PASSWORD_REQUIRED", &format!("{step:?}"));
    let SignInStep::NewPasswordRequired(npr) = step else {
        panic!("expected NEW_PASSWORD_REQUIRED, got {}", step.name());
    };
    assert_eq!(npr.required_attributes, vec!["name", "family_name"]);
    assert_eq!(
        npr.user_attributes,
        HashMap::from([
            ("email_verified".to_owned(), "true".to_owned()),
            ("email".to_owned(), "dana@example.com".to_owned()),
            ("custom:level".to_owned(), "7".to_owned()),
        ])
    );
    expect_signed_in(
        npr.respond(NEW_PASSWORD, [("name", "Dana"), ("family_name", "Scully")])
            .await
            .unwrap(),
    );
    let requests = server.requests();
    assert_call(&requests[0], "InitiateAuth", password_initiate("dana"));
    assert_call(
        &requests[1],
        "RespondToAuthChallenge",
        respond_body(
            "NEW_PASSWORD_REQUIRED",
            1,
            json!({"NEW_PASSWORD": NEW_PASSWORD,
            "userAttributes.name": "Dana", "userAttributes.family_name": "Scully",
            "USERNAME": "dana", "SECRET_HASH": hash("dana")}),
        ),
    );
    assert!(
        requests.iter().all(|r| r.header("authorization").is_none()),
        "public calls are unsigned"
    );

    // Admin: AdminInitiateAuth / AdminRespondToAuthChallenge with the pool id, signed.
    let server = RecordingServer::start(CannedResponse::aws_error(500, "Unscripted", "no"));
    server.push(challenge("NEW_PASSWORD_REQUIRED", &session(1), params));
    server.push(signed_in("dana", json!({})));
    let idp = admin_client(&server);
    let SignInStep::NewPasswordRequired(npr) = idp
        .admin_sign_in(&pool(), "dana")
        .password(PASSWORD)
        .await
        .unwrap()
    else {
        panic!("expected NEW_PASSWORD_REQUIRED");
    };
    expect_signed_in(
        npr.respond(NEW_PASSWORD, [("name", "Dana".to_owned())])
            .await
            .unwrap(),
    );
    let requests = server.requests();
    assert_call(
        &requests[0],
        "AdminInitiateAuth",
        json!({"AuthFlow": "ADMIN_USER_PASSWORD_AUTH", "ClientId": CLIENT, "UserPoolId": POOL_ID,
               "AuthParameters": {"USERNAME": "dana", "PASSWORD": PASSWORD}}),
    );
    assert_call(
        &requests[1],
        "AdminRespondToAuthChallenge",
        json!({"ClientId": CLIENT, "UserPoolId": POOL_ID, "ChallengeName": "NEW_PASSWORD_REQUIRED",
               "Session": session(1), "ChallengeResponses": {"NEW_PASSWORD": NEW_PASSWORD,
               "userAttributes.name": "Dana", "USERNAME": "dana"}}),
    );
    for r in &requests {
        let auth = r.header("authorization").expect("admin calls are signed");
        assert!(
            auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDSCRIPTED/"),
            "{auth}"
        );
    }
}

#[tokio::test]
async fn new_password_required_debug_shows_attribute_names_not_values() {
    // The model marks attribute values sensitive: e-mail, phone number, custom attributes.
    let attributes = json!({
        "email": format!("dana-{NEVER_LOGGED}@example.com"),
        "phone_number": format!("+15550100-{NEVER_LOGGED}"),
        "custom:national_id": format!("id-{NEVER_LOGGED}"),
    });
    let server = RecordingServer::start(CannedResponse::aws_error(500, "Unscripted", "no"));
    server.push(challenge(
        "NEW_PASSWORD_REQUIRED",
        &session(1),
        json!({"USER_ID_FOR_SRP": "dana", "requiredAttributes": "[]",
               "userAttributes": attributes.to_string()}),
    ));
    let step = public_client(&server)
        .sign_in("dana")
        .password(PASSWORD)
        .await
        .unwrap();
    let debug = format!("{step:?}");
    assert_redacted("NEW_PASSWORD_REQUIRED", &debug);
    for name in ["email", "phone_number", "custom:national_id"] {
        assert!(debug.contains(name), "the attribute names show: {debug}");
    }
    let SignInStep::NewPasswordRequired(npr) = step else {
        panic!("expected NEW_PASSWORD_REQUIRED");
    };
    // The values are still there for the program.
    assert_eq!(
        npr.user_attributes["email"],
        format!("dana-{NEVER_LOGGED}@example.com")
    );
    assert_redacted("NewPasswordRequired", &format!("{npr:?} {npr:#?}"));
}

#[tokio::test]
async fn mfa_setup_with_an_authenticator_app() {
    let totp_secret = format!("TOTPSECRET{}", "NEVERLOGGED234567");
    let server = RecordingServer::start(CannedResponse::aws_error(500, "Unscripted", "no"));
    server.push(challenge(
        "MFA_SETUP",
        &session(1),
        json!({"MFAS_CAN_SETUP": r#"["SOFTWARE_TOKEN_MFA","EMAIL_OTP"]"#}),
    ));
    server.push(answer(
        json!({"SecretCode": totp_secret, "Session": session(2)}),
    ));
    server.push(answer(json!({"Status": "SUCCESS", "Session": session(3)})));
    server.push(signed_in("dana", json!({})));
    let idp = secret_client(&server);
    let step = idp.sign_in("dana").password(PASSWORD).await.unwrap();
    let SignInStep::MfaSetup(mut setup) = step else {
        panic!("expected MFA_SETUP, got {}", step.name());
    };
    assert_eq!(setup.options, vec!["SOFTWARE_TOKEN_MFA", "EMAIL_OTP"]);
    let secret = setup.associate_software_token().await.unwrap();
    assert_eq!(secret.expose(), totp_secret);
    assert_eq!(format!("{secret:?}"), "TotpSecret(<redacted>)");
    assert_eq!(
        secret.otpauth_uri("My App", "dana@example.com"),
        format!(
            "otpauth://totp/My%20App:dana%40example%2Ecom?secret={totp_secret}&issuer=My%20App"
        )
    );
    assert_redacted("MfaSetup", &format!("{setup:?}"));
    expect_signed_in(
        setup
            .device_name("phone")
            .verify_software_token("123456")
            .await
            .unwrap(),
    );

    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    assert_call(
        &requests[1],
        "AssociateSoftwareToken",
        json!({"Session": session(1)}),
    );
    assert_call(
        &requests[2],
        "VerifySoftwareToken",
        json!({"Session": session(2), "UserCode": "123456", "FriendlyDeviceName": "phone"}),
    );
    assert_call(
        &requests[3],
        "RespondToAuthChallenge",
        respond_body(
            "MFA_SETUP",
            3,
            json!({"USERNAME": "dana", "SECRET_HASH": hash("dana")}),
        ),
    );

    // A code the service does not accept: Status ERROR → CodeMismatch; a typed error → VerifySoftwareToken.
    for (response, check) in [
        (answer(json!({"Status": "ERROR"})), "mismatch"),
        (
            CannedResponse::aws_error(400, "EnableSoftwareTokenMFAException", "Code mismatch"),
            "typed",
        ),
    ] {
        let server = RecordingServer::start(CannedResponse::aws_error(500, "Unscripted", "no"));
        server.push(challenge(
            "MFA_SETUP",
            &session(1),
            json!({"MFAS_CAN_SETUP": r#"["SOFTWARE_TOKEN_MFA"]"#}),
        ));
        server.push(answer(json!({"SecretCode": totp_secret})));
        server.push(response);
        let SignInStep::MfaSetup(mut setup) = public_client(&server)
            .sign_in("dana")
            .password(PASSWORD)
            .await
            .unwrap()
        else {
            panic!("expected MFA_SETUP");
        };
        setup.associate_software_token().await.unwrap();
        let err = setup
            .verify_software_token("000000")
            .await
            .expect_err(check);
        match check {
            "mismatch" => assert!(matches!(err, SignInError::CodeMismatch), "{err:?}"),
            _ => {
                assert!(
                    matches!(err.service_error(), Some(e) if e.is_enable_software_token_mfa_exception()),
                    "{err:?}"
                );
                assert_eq!(err.code(), Some("EnableSoftwareTokenMFAException"));
            }
        }
        let requests = server.requests();
        assert_eq!(requests.len(), 3, "{check}: no answer to MFA_SETUP");
        // Without a new session from AssociateSoftwareToken the first one is kept.
        assert_call(
            &requests[2],
            "VerifySoftwareToken",
            json!({"Session": session(1), "UserCode": "000000"}),
        );
    }

    // E-mail MFA set-up.
    let server = RecordingServer::start(CannedResponse::aws_error(500, "Unscripted", "no"));
    server.push(challenge(
        "MFA_SETUP",
        &session(1),
        json!({"MFAS_CAN_SETUP": r#"["EMAIL_OTP"]"#}),
    ));
    server.push(signed_in("dana", json!({})));
    let SignInStep::MfaSetup(setup) = public_client(&server)
        .sign_in("dana")
        .password(PASSWORD)
        .await
        .unwrap()
    else {
        panic!("expected MFA_SETUP");
    };
    expect_signed_in(setup.respond_email("dana@example.com").await.unwrap());
    assert_call(
        &server.requests()[1],
        "RespondToAuthChallenge",
        respond_body(
            "MFA_SETUP",
            1,
            json!({"EMAIL": "dana@example.com", "USERNAME": "dana"}),
        ),
    );
}

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn service_errors_are_typed_per_call() {
    let server = RecordingServer::start(CannedResponse::aws_error(500, "Unscripted", "no"));
    server.push(CannedResponse::aws_error(
        400,
        "NotAuthorizedException",
        "Incorrect username or password.",
    ));
    let err = public_client(&server)
        .sign_in("dana")
        .password(PASSWORD)
        .await
        .expect_err("wrong password");
    assert_eq!(err.code(), Some("NotAuthorizedException"));
    match &err {
        SignInError::Call(e) => {
            assert_eq!(e.message(), Some("Incorrect username or password."));
            assert!(e.is_not_authorized_exception(), "{e:?}");
            assert!(
                matches!(
                    e,
                    cognito::Error::Service(cognito::idp::Error::NotAuthorizedException(_))
                ),
                "{e:?}"
            );
        }
        other => panic!("expected InitiateAuth, got {other:?}"),
    }
    assert_redacted("SignInError", &format!("{err:?} {err}"));

    server.push(CannedResponse::aws_error(
        400,
        "UserNotFoundException",
        "User does not exist.",
    ));
    let err = admin_client(&server)
        .admin_sign_in(&pool(), "nobody")
        .password(PASSWORD)
        .await
        .expect_err("admin");
    assert!(matches!(err, SignInError::Call(_)), "{err:?}");
    assert!(err
        .service_error()
        .is_some_and(|e| e.is_user_not_found_exception()));
    assert_eq!(err.code(), Some("UserNotFoundException"));

    server.push(challenge("SMS_MFA", &session(1), json!({})));
    server.push(CannedResponse::aws_error(
        400,
        "CodeMismatchException",
        "Invalid code or auth state for the user.",
    ));
    let SignInStep::SmsMfa(code) = public_client(&server)
        .sign_in("dana")
        .password(PASSWORD)
        .await
        .unwrap()
    else {
        panic!("expected SMS_MFA");
    };
    let err = code.respond("999999").await.expect_err("wrong code");
    assert_eq!(err.code(), Some("CodeMismatchException"));
    assert!(
        matches!(
            &err,
            SignInError::Call(cognito::Error::Service(
                cognito::idp::Error::CodeMismatchException(_)
            ))
        ),
        "{err:?}"
    );

    server.push(challenge("SMS_MFA", &session(1), json!({})));
    server.push(CannedResponse::aws_error(
        400,
        "ExpiredCodeException",
        "expired",
    ));
    let SignInStep::SmsMfa(code) = admin_client(&server)
        .admin_sign_in(&pool(), "dana")
        .password(PASSWORD)
        .await
        .unwrap()
    else {
        panic!("expected SMS_MFA");
    };
    let err = code.respond("1").await.expect_err("expired");
    assert!(matches!(err, SignInError::Call(_)), "{err:?}");
    assert_eq!(err.code(), Some("ExpiredCodeException"));

    // Neither tokens nor a challenge; tokens without an access token.
    server.push(answer(json!({})));
    let err = public_client(&server)
        .sign_in("dana")
        .password(PASSWORD)
        .await
        .expect_err("empty");
    assert!(
        matches!(&err, SignInError::Malformed(m) if m == "neither tokens nor a challenge"),
        "{err:?}"
    );
    assert_eq!(err.code(), None);
    server.push(answer(
        json!({"AuthenticationResult": {"IdToken": "x.y.z"}}),
    ));
    let err = public_client(&server)
        .sign_in("dana")
        .password(PASSWORD)
        .await
        .expect_err("no access");
    assert!(
        matches!(&err, SignInError::Malformed(m) if m == "AuthenticationResult without AccessToken"),
        "{err:?}"
    );
}

// ---------------------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------------------

fn tokens_for(access: String, refresh: Option<&str>) -> Tokens {
    let result = AuthenticationResultType {
        access_token: Some(access),
        id_token: Some(fake_jwt(json!({"token_use": "id"}))),
        refresh_token: refresh.map(str::to_owned),
        expires_in: Some(300),
        token_type: Some("Bearer".into()),
        ..Default::default()
    };
    Tokens::from_result(&result, SystemTime::now()).expect("tokens")
}

#[tokio::test]
async fn refresh_with_a_secret_hashes_the_username_claim() {
    let server = RecordingServer::start(CannedResponse::aws_error(500, "Unscripted", "no"));
    let idp = secret_client(&server);
    // Signed in by e-mail alias: the access token's username is the UUID, which SECRET_HASH needs.
    let refresh = format!("refresh-{NEVER_LOGGED}-1");
    let tokens = tokens_for(access_token("uuid-dana"), Some(&refresh));
    let new_access = fake_jwt(json!({"username": "uuid-dana", "token_use": "access", "jti": "2"}));
    server.push(answer(
        json!({"AuthenticationResult": {"AccessToken": new_access, "ExpiresIn": 60,
                                                       "TokenType": "Bearer"}}),
    ));
    let before = SystemTime::now();
    let refreshed = tokens.refresh(&idp).await.expect("refresh");
    assert_eq!(refreshed.access_token(), new_access);
    assert_eq!(
        refreshed.refresh_token(),
        Some(refresh.as_str()),
        "the refresh token is kept"
    );
    assert_eq!(refreshed.id_token(), None);
    assert!(refreshed.expires_at() >= before + Duration::from_secs(60));
    assert!(refreshed.expires_at() <= SystemTime::now() + Duration::from_secs(60));
    assert_call(
        &server.take_requests()[0],
        "InitiateAuth",
        json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": CLIENT, "AuthParameters": {
            "REFRESH_TOKEN": refresh, "SECRET_HASH": hash("uuid-dana")}}),
    );

    // With a remembered device's key; a public client (no secret) sends no SECRET_HASH.
    server.push(answer(
        json!({"AuthenticationResult": {"AccessToken": new_access}}),
    ));
    tokens
        .refresh(&public_client(&server))
        .device_key(DEVICE_KEY)
        .await
        .expect("refresh");
    assert_call(
        &server.take_requests()[0],
        "InitiateAuth",
        json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": CLIENT, "AuthParameters": {
            "REFRESH_TOKEN": refresh, "DEVICE_KEY": DEVICE_KEY}}),
    );
    // The secret belongs to its handle: a handle for another app client made from the same client
    // neither has it nor sends it, and the id sent is always the handle's own.
    server.push(answer(
        json!({"AuthenticationResult": {"AccessToken": new_access}}),
    ));
    let other = idp.idp().app_client("another-client");
    assert!(idp.has_secret() && !other.has_secret());
    tokens.refresh(&other).await.expect("refresh");
    let body = server.take_requests()[0].body_json();
    assert_eq!(body["ClientId"], json!("another-client"));
    assert_eq!(body["AuthParameters"], json!({"REFRESH_TOKEN": refresh}));

    // Typed errors, and the cases that never reach the service.
    server.push(CannedResponse::aws_error(
        400,
        "NotAuthorizedException",
        "Refresh Token has been revoked",
    ));
    let err = tokens.refresh(&idp).await.expect_err("revoked");
    match &err {
        RefreshError::Call(e) => {
            assert_eq!(e.code(), Some("NotAuthorizedException"));
            assert_eq!(e.message(), Some("Refresh Token has been revoked"));
        }
        other => panic!("expected InitiateAuth, got {other:?}"),
    }
    assert_redacted("RefreshError", &format!("{err:?} {err}"));
    server.push(answer(json!({"ChallengeParameters": {}})));
    let err = tokens.refresh(&idp).await.expect_err("no tokens");
    assert!(matches!(err, RefreshError::NoTokens), "{err:?}");
    server.take_requests();

    let anonymous = tokens_for(fake_jwt(json!({"token_use": "access"})), Some(&refresh));
    let err = anonymous.refresh(&idp).await.expect_err("no username");
    assert!(matches!(err, RefreshError::NoUsername), "{err:?}");
    let no_refresh = tokens_for(access_token("dana"), None);
    let err = no_refresh
        .refresh(&idp)
        .await
        .expect_err("no refresh token");
    assert!(matches!(err, RefreshError::NoRefreshToken), "{err:?}");
    let err = no_refresh
        .refresh_with_rotation(&idp)
        .await
        .expect_err("no refresh token");
    assert!(matches!(err, RefreshError::NoRefreshToken), "{err:?}");
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn rotation_sign_out_and_revocation() {
    let server = RecordingServer::start(CannedResponse::aws_error(500, "Unscripted", "no"));
    let idp = secret_client(&server);
    let refresh = format!("refresh-{NEVER_LOGGED}-old");
    let tokens = tokens_for(access_token("dana"), Some(&refresh));

    // GetTokensFromRefreshToken: ClientSecret filled in; the new refresh token replaces the old one.
    let rotated_refresh = format!("refresh-{NEVER_LOGGED}-new");
    let new_access = fake_jwt(json!({"username": "dana", "jti": "3"}));
    server.push(answer(
        json!({"AuthenticationResult": {"AccessToken": new_access, "RefreshToken": rotated_refresh,
                                                       "IdToken": "i.d.t", "ExpiresIn": 900}}),
    ));
    let rotated = tokens
        .refresh_with_rotation(&idp)
        .device_key(DEVICE_KEY)
        .await
        .expect("rotation");
    assert_eq!(rotated.access_token(), new_access);
    assert_eq!(rotated.refresh_token(), Some(rotated_refresh.as_str()));
    assert_eq!(rotated.id_token(), Some("i.d.t"));
    assert_call(
        &server.take_requests()[0],
        "GetTokensFromRefreshToken",
        json!({"ClientId": CLIENT, "RefreshToken": refresh, "ClientSecret": SECRET, "DeviceKey": DEVICE_KEY}),
    );
    // Without a new refresh token in the answer the old one is kept.
    server.push(answer(
        json!({"AuthenticationResult": {"AccessToken": new_access}}),
    ));
    let kept = tokens
        .refresh_with_rotation(&public_client(&server))
        .await
        .unwrap();
    assert_eq!(kept.refresh_token(), Some(refresh.as_str()));
    assert_call(
        &server.take_requests()[0],
        "GetTokensFromRefreshToken",
        json!({"ClientId": CLIENT, "RefreshToken": refresh}),
    );
    server.push(CannedResponse::aws_error(
        400,
        "RefreshTokenReuseException",
        "reused",
    ));
    let err = tokens.refresh_with_rotation(&idp).await.expect_err("reuse");
    assert!(matches!(err, RefreshError::Call(_)), "{err:?}");
    server.take_requests();

    // GlobalSignOut with the access token.
    server.push(answer(json!({})));
    tokens.global_sign_out(&idp).await.expect("GlobalSignOut");
    assert_call(
        &server.take_requests()[0],
        "GlobalSignOut",
        json!({"AccessToken": access_token("dana")}),
    );
    server.push(CannedResponse::aws_error(
        400,
        "NotAuthorizedException",
        "Access Token has been revoked",
    ));
    let err = tokens.global_sign_out(&idp).await.expect_err("revoked");
    assert_eq!(err.code(), Some("NotAuthorizedException"));
    server.take_requests();

    // RevokeToken with the refresh token (and the app client's secret).
    server.push(answer(json!({})));
    tokens.revoke(&idp).await.expect("RevokeToken");
    assert_call(
        &server.take_requests()[0],
        "RevokeToken",
        json!({"ClientId": CLIENT, "Token": refresh, "ClientSecret": SECRET}),
    );
    server.push(CannedResponse::aws_error(
        400,
        "UnsupportedTokenTypeException",
        "bad",
    ));
    let err = tokens
        .revoke(&public_client(&server))
        .await
        .expect_err("typed");
    match &err {
        cognito::auth::RevokeError::Call(e) => {
            assert_eq!(e.code(), Some("UnsupportedTokenTypeException"))
        }
        other => panic!("expected RevokeToken, got {other:?}"),
    }
    assert_call(
        &server.take_requests()[0],
        "RevokeToken",
        json!({"ClientId": CLIENT, "Token": refresh}),
    );
    let err = tokens_for(access_token("dana"), None)
        .revoke(&idp)
        .await
        .expect_err("nothing to revoke");
    assert!(
        matches!(err, cognito::auth::RevokeError::NoRefreshToken),
        "{err:?}"
    );
    assert_eq!(server.request_count(), 0);
}

/// The parameter values of an unmodelled challenge (none for other steps).
fn step_parameter_values(step: &SignInStep) -> Vec<String> {
    match step {
        SignInStep::Other(o) => o.parameters.values().cloned().collect(),
        _ => Vec::new(),
    }
}
