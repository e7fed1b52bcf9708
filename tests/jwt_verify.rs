//! `cognito::jwt` against tokens signed here, with the committed test keys of `tests/data/jwt/`,
//! and JWKS documents served by a [`RecordingServer`] on 127.0.0.1 (so every JWKS fetch is
//! counted).
//!
//! Covered: valid access and ID tokens; every rejected case (expired, not yet valid, wrong issuer,
//! wrong client, wrong `token_use`, `alg: none`, HS256, tampered payload, bad signature,
//! malformed tokens, groups, scopes); the JWKS cache (refetch on an unknown `kid`, its rate limit
//! and a configurable interval, key rotation, a burst of concurrent misses sharing one fetch,
//! `hydrate` + `verify_sync`); JWKS failures (connection refused, HTML, HTTP 500, oversized
//! body, timeout); several pools; builder validation; and that no error shows the token.
#![cfg(feature = "jwt")]

mod support;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use cognito::jwt::{BuildError, Claims, JwtError, JwtVerifier, TokenUse, UserPool};
use ring::signature::{RsaKeyPair, RsaPublicKeyComponents};
use serde_json::{json, Value};
use support::{Behaviour, CannedResponse, RecordingServer};

const REGION: &str = "us-east-1";
const POOL_ID: &str = "us-east-1_TestPool1";
const CLIENT_ID: &str = "app-client-1";

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

// ---------------------------------------------------------------------------------------
// Keys, JWKS and tokens
// ---------------------------------------------------------------------------------------

/// A committed test key and the `kid` it is published under.
struct TestKey {
    pair: RsaKeyPair,
    kid: &'static str,
}

fn key(n: u8) -> TestKey {
    let (der, kid): (&[u8], _) = match n {
        1 => (include_bytes!("data/jwt/key1.pk8.der"), "key-1"),
        2 => (include_bytes!("data/jwt/key2.pk8.der"), "key-2"),
        3 => (include_bytes!("data/jwt/key3.pk8.der"), "key-3"),
        _ => panic!("no test key {n}"),
    };
    TestKey {
        pair: RsaKeyPair::from_pkcs8(der).expect("test key is PKCS#8 RSA"),
        kid,
    }
}

/// The public JWK of a key, as Cognito publishes it.
fn jwk(key: &TestKey) -> Value {
    let public = RsaPublicKeyComponents::<Vec<u8>>::from(key.pair.public());
    json!({
        "alg": "RS256",
        "e": B64.encode(&public.e),
        "kid": key.kid,
        "kty": "RSA",
        "n": B64.encode(&public.n),
        "use": "sig",
    })
}

fn jwks(keys: &[&TestKey]) -> String {
    json!({ "keys": keys.iter().map(|k| jwk(k)).collect::<Vec<_>>() }).to_string()
}

fn jwks_response(keys: &[&TestKey]) -> CannedResponse {
    CannedResponse::empty(200)
        .with_header("Content-Type", "application/json")
        .with_body(jwks(keys))
}

/// A server answering every request with the JWKS of `keys`.
fn jwks_server(keys: &[&TestKey]) -> RecordingServer {
    RecordingServer::start(jwks_response(keys))
}

fn jwks_url(server: &RecordingServer, pool_id: &str) -> String {
    format!("{}/{pool_id}/.well-known/jwks.json", server.endpoint())
}

/// `header.payload.signature` with an RS256 signature by `key`.
fn sign(header: &Value, payload: &Value, key: &TestKey) -> String {
    sign_raw(&header.to_string(), &payload.to_string(), key)
}

/// [`sign`] of JSON texts as given, which may hold what a `Value` cannot (a duplicate member).
fn sign_raw(header: &str, payload: &str, key: &TestKey) -> String {
    let input = format!("{}.{}", B64.encode(header), B64.encode(payload));
    let mut signature = vec![0; key.pair.public().modulus_len()];
    key.pair
        .sign(
            &ring::signature::RSA_PKCS1_SHA256,
            &ring::rand::SystemRandom::new(),
            input.as_bytes(),
            &mut signature,
        )
        .expect("RS256 signing");
    format!("{input}.{}", B64.encode(signature))
}

fn rs256_header(kid: &str) -> Value {
    json!({ "alg": "RS256", "kid": kid, "typ": "JWT" })
}

/// A token signed by `key` under its own `kid`.
fn token(key: &TestKey, payload: &Value) -> String {
    sign(&rs256_header(key.kid), payload, key)
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs() as i64
}

fn issuer(pool_id: &str) -> String {
    format!("https://cognito-idp.{REGION}.amazonaws.com/{pool_id}")
}

/// The claims of a Cognito access token of [`CLIENT_ID`] in [`POOL_ID`].
fn access_claims() -> Value {
    let now = now();
    json!({
        "sub": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
        "cognito:groups": ["readers", "writers"],
        "iss": issuer(POOL_ID),
        "client_id": CLIENT_ID,
        "origin_jti": "11111111-2222-3333-4444-555555555555",
        "event_id": "66666666-7777-8888-9999-000000000000",
        "token_use": "access",
        "scope": "aws.cognito.signin.user.admin orders/read",
        "auth_time": now - 10,
        "exp": now + 3600,
        "iat": now - 10,
        "jti": "abcdefab-1234-5678-9abc-def012345678",
        "username": "alice",
    })
}

/// The claims of a Cognito ID token of [`CLIENT_ID`] in [`POOL_ID`].
fn id_claims() -> Value {
    let now = now();
    json!({
        "sub": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
        "cognito:groups": ["readers"],
        "email_verified": true,
        "iss": issuer(POOL_ID),
        "cognito:username": "alice",
        "origin_jti": "11111111-2222-3333-4444-555555555555",
        "aud": CLIENT_ID,
        "event_id": "66666666-7777-8888-9999-000000000000",
        "token_use": "id",
        "auth_time": now - 10,
        "exp": now + 3600,
        "iat": now - 10,
        "jti": "abcdefab-1234-5678-9abc-def012345679",
        "email": "alice@example.com",
        "custom:tenant": "acme",
    })
}

/// `claims` with `changes` merged in (a `null` removes the claim).
fn with(mut claims: Value, changes: Value) -> Value {
    let object = claims.as_object_mut().expect("claims are an object");
    for (name, value) in changes.as_object().expect("changes are an object") {
        if value.is_null() {
            object.remove(name);
        } else {
            object.insert(name.clone(), value.clone());
        }
    }
    claims
}

/// [`POOL_ID`] with its JWKS on `server`, allowing [`CLIENT_ID`].
fn pool(server: &RecordingServer, token_use: TokenUse) -> UserPool {
    UserPool::new(REGION, POOL_ID)
        .jwks_url(jwks_url(server, POOL_ID))
        .client_id(CLIENT_ID)
        .token_use(token_use)
}

fn verifier(pool: UserPool) -> JwtVerifier {
    JwtVerifier::builder()
        .pool(pool)
        .build()
        .expect("verifier settings are valid")
}

async fn verify_err(verifier: &JwtVerifier, token: &str) -> JwtError {
    match verifier.verify(token).await {
        Ok(claims) => panic!("the token was accepted: {claims:?}"),
        Err(e) => {
            assert_no_token(&e, token);
            e
        }
    }
}

/// Neither the token nor any of its parts shows in the error's `Display` or `Debug`.
fn assert_no_token(e: &JwtError, token: &str) {
    let shown = format!("{e} {e:?}");
    for part in token.split('.').filter(|p| p.len() >= 8) {
        assert!(
            !shown.contains(part),
            "the error shows part of the token: {shown}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Valid tokens
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn valid_access_token() {
    let key1 = key(1);
    let server = jwks_server(&[&key1]);
    let verifier = verifier(pool(&server, TokenUse::Access));
    let token = token(&key1, &access_claims());

    let claims: Claims = verifier.verify(&token).await.expect("valid access token");
    assert_eq!(claims.sub, "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
    assert_eq!(claims.iss, issuer(POOL_ID));
    assert_eq!(claims.token_use, "access");
    assert_eq!(claims.client_id.as_deref(), Some(CLIENT_ID));
    assert_eq!(claims.app_client_id(), Some(CLIENT_ID));
    assert!(claims.aud.is_empty());
    assert_eq!(claims.username.as_deref(), Some("alice"));
    assert_eq!(claims.username(), Some("alice"));
    assert_eq!(claims.groups, ["readers", "writers"]);
    assert!(claims.in_group("writers"));
    assert_eq!(
        claims.scopes().collect::<Vec<_>>(),
        ["aws.cognito.signin.user.admin", "orders/read"]
    );
    assert!(claims.has_scope("orders/read"));
    assert!(claims
        .iat
        .is_some_and(|iat| (now() - 70..=now()).contains(&iat)));
    assert_eq!(claims.auth_time, claims.iat);
    assert_eq!(claims.nbf, None);
    assert_eq!(
        claims.jti.as_deref(),
        Some("abcdefab-1234-5678-9abc-def012345678")
    );
    assert_eq!(
        claims.origin_jti.as_deref(),
        Some("11111111-2222-3333-4444-555555555555")
    );
    assert_eq!(claims.as_map().len(), 13);
    assert_eq!(
        claims.get("event_id"),
        Some(&json!("66666666-7777-8888-9999-000000000000"))
    );

    // One fetch of the JWKS, at the pool's path; the second verification uses the cache.
    verifier
        .verify(&token)
        .await
        .expect("valid access token, again");
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method, "GET");
    assert_eq!(
        requests[0].path(),
        format!("/{POOL_ID}/.well-known/jwks.json")
    );

    let shown = format!("{verifier:?}");
    assert!(shown.contains(&issuer(POOL_ID)), "{shown}");
    assert!(shown.contains(&jwks_url(&server, POOL_ID)), "{shown}");

    // Debug shows the claims, never the token.
    let debug = format!("{claims:?}");
    assert!(debug.contains("alice"), "{debug}");
    assert!(!debug.contains(&token[token.len() - 20..]), "{debug}");
}

#[tokio::test]
async fn valid_id_token() {
    let key1 = key(1);
    let server = jwks_server(&[&key1]);
    let verifier = verifier(pool(&server, TokenUse::Id));

    let claims = verifier
        .verify(&token(&key1, &id_claims()))
        .await
        .expect("valid ID token");
    assert_eq!(claims.token_use, "id");
    assert_eq!(claims.aud, [CLIENT_ID]);
    assert_eq!(claims.app_client_id(), Some(CLIENT_ID));
    assert_eq!(claims.client_id, None);
    assert_eq!(claims.cognito_username.as_deref(), Some("alice"));
    assert_eq!(claims.username(), Some("alice"));
    assert_eq!(claims.email.as_deref(), Some("alice@example.com"));
    assert_eq!(claims.email_verified, Some(true));
    assert_eq!(claims.groups, ["readers"]);
    assert_eq!(claims.scope, None);
    assert_eq!(claims.get("custom:tenant"), Some(&json!("acme")));
    assert_eq!(
        claims.clone().into_map().get("custom:tenant"),
        Some(&json!("acme"))
    );

    // `aud` as an array, `email_verified` as a string (both seen in the wild).
    let claims = verifier
        .verify(&token(
            &key1,
            &with(
                id_claims(),
                json!({ "aud": ["other", CLIENT_ID], "email_verified": "false" }),
            ),
        ))
        .await
        .expect("ID token with an aud array");
    assert_eq!(claims.aud, ["other", CLIENT_ID]);
    assert_eq!(claims.email_verified, Some(false));
}

#[tokio::test]
async fn token_use_any_accepts_both_kinds_with_their_client_claim() {
    let key1 = key(1);
    let server = jwks_server(&[&key1]);
    let verifier = verifier(pool(&server, TokenUse::Any));
    verifier
        .verify(&token(&key1, &access_claims()))
        .await
        .expect("access token");
    verifier
        .verify(&token(&key1, &id_claims()))
        .await
        .expect("ID token");

    // An access token is checked on `client_id`, never on `aud`.
    let err = verify_err(
        &verifier,
        &token(
            &key1,
            &with(
                access_claims(),
                json!({ "client_id": null, "aud": CLIENT_ID }),
            ),
        ),
    )
    .await;
    assert_eq!(err, JwtError::MissingClaim("client_id"));

    let err = verify_err(
        &verifier,
        &token(
            &key1,
            &with(access_claims(), json!({ "token_use": "refresh" })),
        ),
    )
    .await;
    assert_eq!(
        err,
        JwtError::WrongTokenUse {
            expected: TokenUse::Any,
            found: "refresh".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "wrong token_use: expected id or access, found \"refresh\""
    );
}

#[tokio::test]
async fn custom_issuer_and_emulator_endpoint() {
    let key1 = key(1);
    let server = jwks_server(&[&key1]);
    let own_issuer = format!("{}/{POOL_ID}", server.endpoint());
    let verifier = verifier(
        UserPool::new(REGION, POOL_ID)
            .emulator_endpoint(&format!("{}/", server.endpoint()))
            .issuer(own_issuer.clone())
            .client_id(CLIENT_ID)
            .token_use(TokenUse::Access),
    );
    let claims = verifier
        .verify(&token(
            &key1,
            &with(access_claims(), json!({ "iss": own_issuer })),
        ))
        .await
        .expect("token of the custom issuer");
    assert_eq!(claims.iss, own_issuer);
    assert_eq!(
        server.requests()[0].path(),
        format!("/{POOL_ID}/.well-known/jwks.json")
    );

    // AWS's issuer is no longer accepted for that pool.
    let err = verify_err(&verifier, &token(&key1, &access_claims())).await;
    assert_eq!(err, JwtError::UnknownIssuer(issuer(POOL_ID)));
}

// ---------------------------------------------------------------------------------------
// Times
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn expired_token_is_rejected() {
    let key1 = key(1);
    let server = jwks_server(&[&key1]);
    let verifier = verifier(pool(&server, TokenUse::Access));

    let exp = now() - 60;
    let err = verify_err(
        &verifier,
        &token(&key1, &with(access_claims(), json!({ "exp": exp }))),
    )
    .await;
    match err {
        JwtError::Expired { exp: e, now: n } => {
            assert_eq!(e, exp);
            assert!((now() - 5..=now()).contains(&n), "now {n}");
        }
        other => panic!("expected Expired, got {other:?}"),
    }
    assert!(err_text(&verifier, &key1, json!({ "exp": exp }))
        .await
        .starts_with(&format!("token expired at {exp} (now ")));

    // Two seconds past `exp` is within the default leeway of 5 s…
    let barely = token(&key1, &with(access_claims(), json!({ "exp": now() - 2 })));
    verifier
        .verify(&barely)
        .await
        .expect("within the default leeway");
    // …but not with no leeway at all.
    let strict = JwtVerifier::builder()
        .pool(pool(&server, TokenUse::Access))
        .leeway(Duration::ZERO)
        .build()
        .expect("verifier");
    assert!(matches!(
        verify_err(&strict, &barely).await,
        JwtError::Expired { .. }
    ));

    // No `exp` at all.
    let err = verify_err(
        &verifier,
        &token(&key1, &with(access_claims(), json!({ "exp": null }))),
    )
    .await;
    assert_eq!(err, JwtError::MissingClaim("exp"));
    // `exp` of the wrong type.
    let err = verify_err(
        &verifier,
        &token(&key1, &with(access_claims(), json!({ "exp": "tomorrow" }))),
    )
    .await;
    assert!(matches!(err, JwtError::Malformed(_)), "{err:?}");
}

async fn err_text(verifier: &JwtVerifier, key: &TestKey, changes: Value) -> String {
    verify_err(verifier, &token(key, &with(access_claims(), changes)))
        .await
        .to_string()
}

#[tokio::test]
async fn token_not_yet_valid_is_rejected() {
    let key1 = key(1);
    let server = jwks_server(&[&key1]);
    let verifier = verifier(pool(&server, TokenUse::Access));

    let later = now() + 600;
    let err = verify_err(
        &verifier,
        &token(&key1, &with(access_claims(), json!({ "nbf": later }))),
    )
    .await;
    assert!(
        matches!(err, JwtError::NotYetValid { claim: "nbf", value, .. } if value == later),
        "{err:?}"
    );

    let err = verify_err(
        &verifier,
        &token(&key1, &with(access_claims(), json!({ "iat": later }))),
    )
    .await;
    assert!(
        matches!(err, JwtError::NotYetValid { claim: "iat", value, .. } if value == later),
        "{err:?}"
    );
    assert!(err
        .to_string()
        .starts_with(&format!("token not valid yet: `iat` is {later}, now is ")));

    // A second in the future (clock skew) is within the leeway.
    verifier
        .verify(&token(
            &key1,
            &with(
                access_claims(),
                json!({ "iat": now() + 1, "nbf": now() + 1 }),
            ),
        ))
        .await
        .expect("iat/nbf within the leeway");
}

// ---------------------------------------------------------------------------------------
// Issuer, client, token_use
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn wrong_issuer_is_rejected_without_fetching() {
    let key1 = key(1);
    let server = jwks_server(&[&key1]);
    let verifier = verifier(pool(&server, TokenUse::Access));

    for iss in [
        issuer("us-east-1_OtherPool"),
        format!("{}/", issuer(POOL_ID)),
        format!("http://cognito-idp.{REGION}.amazonaws.com/{POOL_ID}"),
        "https://evil.example.com/us-east-1_TestPool1".to_owned(),
    ] {
        let err = verify_err(
            &verifier,
            &token(&key1, &with(access_claims(), json!({ "iss": iss }))),
        )
        .await;
        assert_eq!(err, JwtError::UnknownIssuer(iss.clone()));
    }
    let err = verify_err(
        &verifier,
        &token(&key1, &with(access_claims(), json!({ "iss": null }))),
    )
    .await;
    assert_eq!(err, JwtError::MissingClaim("iss"));
    assert_eq!(
        server.request_count(),
        0,
        "no JWKS fetch for a foreign issuer"
    );
}

#[tokio::test]
async fn wrong_client_is_rejected() {
    let key1 = key(1);
    let server = jwks_server(&[&key1]);

    // Access token: `client_id`.
    let access = verifier(pool(&server, TokenUse::Access));
    let err = verify_err(
        &access,
        &token(
            &key1,
            &with(access_claims(), json!({ "client_id": "other-app" })),
        ),
    )
    .await;
    assert_eq!(err, JwtError::ClientNotAllowed("other-app".into()));
    assert_eq!(err.to_string(), "client \"other-app\" is not allowed");
    let err = verify_err(
        &access,
        &token(&key1, &with(access_claims(), json!({ "client_id": null }))),
    )
    .await;
    assert_eq!(err, JwtError::MissingClaim("client_id"));

    // ID token: `aud`.
    let id = verifier(pool(&server, TokenUse::Id));
    let err = verify_err(
        &id,
        &token(&key1, &with(id_claims(), json!({ "aud": "other-app" }))),
    )
    .await;
    assert_eq!(err, JwtError::ClientNotAllowed("other-app".into()));
    let err = verify_err(
        &id,
        &token(&key1, &with(id_claims(), json!({ "aud": null }))),
    )
    .await;
    assert_eq!(err, JwtError::MissingClaim("aud"));
    // An ID token is never accepted on a `client_id` claim.
    let err = verify_err(
        &id,
        &token(
            &key1,
            &with(
                id_claims(),
                json!({ "aud": "other-app", "client_id": CLIENT_ID }),
            ),
        ),
    )
    .await;
    assert_eq!(err, JwtError::ClientNotAllowed("other-app".into()));

    // Several allowed clients; any_client.
    let several = verifier(
        UserPool::new(REGION, POOL_ID)
            .jwks_url(jwks_url(&server, POOL_ID))
            .client_ids(["first", "second"])
            .client_id(CLIENT_ID)
            .token_use(TokenUse::Access),
    );
    several
        .verify(&token(
            &key1,
            &with(access_claims(), json!({ "client_id": "second" })),
        ))
        .await
        .expect("second allowed client");
    let any = verifier(
        UserPool::new(REGION, POOL_ID)
            .jwks_url(jwks_url(&server, POOL_ID))
            .any_client()
            .token_use(TokenUse::Access),
    );
    any.verify(&token(
        &key1,
        &with(access_claims(), json!({ "client_id": "whoever" })),
    ))
    .await
    .expect("any client");
}

#[tokio::test]
async fn wrong_token_use_is_rejected() {
    let key1 = key(1);
    let server = jwks_server(&[&key1]);

    let access = verifier(pool(&server, TokenUse::Access));
    let err = verify_err(&access, &token(&key1, &id_claims())).await;
    assert_eq!(
        err,
        JwtError::WrongTokenUse {
            expected: TokenUse::Access,
            found: "id".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "wrong token_use: expected access, found \"id\""
    );

    let id = verifier(pool(&server, TokenUse::Id));
    let err = verify_err(&id, &token(&key1, &access_claims())).await;
    assert_eq!(
        err,
        JwtError::WrongTokenUse {
            expected: TokenUse::Id,
            found: "access".into()
        }
    );

    let err = verify_err(
        &access,
        &token(&key1, &with(access_claims(), json!({ "token_use": null }))),
    )
    .await;
    assert_eq!(err, JwtError::MissingClaim("token_use"));
}

// ---------------------------------------------------------------------------------------
// Algorithms, signatures, malformed tokens
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn alg_none_is_rejected() {
    let key1 = key(1);
    let server = jwks_server(&[&key1]);
    let verifier = verifier(pool(&server, TokenUse::Access));

    let unsigned = format!(
        "{}.{}.",
        B64.encode(json!({ "alg": "none", "kid": key1.kid }).to_string()),
        B64.encode(access_claims().to_string())
    );
    let err = verify_err(&verifier, &unsigned).await;
    assert_eq!(err, JwtError::UnsupportedAlgorithm("none".into()));
    assert_eq!(
        err.to_string(),
        "unsupported algorithm \"none\": only RS256 is accepted"
    );

    // `None`, `NONE`, RS384, PS256, a missing alg…
    for alg in ["None", "NONE", "RS384", "PS256", "ES256", "rs256"] {
        let t = sign(
            &json!({ "alg": alg, "kid": key1.kid }),
            &access_claims(),
            &key1,
        );
        assert_eq!(
            verify_err(&verifier, &t).await,
            JwtError::UnsupportedAlgorithm(alg.into())
        );
    }
    let t = sign(&json!({ "kid": key1.kid }), &access_claims(), &key1);
    assert!(matches!(
        verify_err(&verifier, &t).await,
        JwtError::Malformed(_)
    ));
    assert_eq!(server.request_count(), 0, "refused before any JWKS fetch");
}

#[tokio::test]
async fn hs256_is_rejected() {
    let key1 = key(1);
    let server = jwks_server(&[&key1]);
    let verifier = verifier(pool(&server, TokenUse::Access));

    // The classic confusion: HMAC keyed with the public key's bytes.
    let public = RsaPublicKeyComponents::<Vec<u8>>::from(key1.pair.public());
    let input = format!(
        "{}.{}",
        B64.encode(json!({ "alg": "HS256", "kid": key1.kid, "typ": "JWT" }).to_string()),
        B64.encode(access_claims().to_string())
    );
    let mac = ring::hmac::sign(
        &ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &public.n),
        input.as_bytes(),
    );
    let forged = format!("{input}.{}", B64.encode(mac.as_ref()));
    assert_eq!(
        verify_err(&verifier, &forged).await,
        JwtError::UnsupportedAlgorithm("HS256".into())
    );
}

#[tokio::test]
async fn tampered_payload_is_rejected() {
    let key1 = key(1);
    let server = jwks_server(&[&key1]);
    let verifier = verifier(pool(&server, TokenUse::Access));

    let genuine = token(&key1, &access_claims());
    let signature = genuine.rsplit('.').next().expect("three parts");
    let header = genuine.split('.').next().expect("three parts");
    let elevated = with(
        access_claims(),
        json!({ "cognito:groups": ["admins"], "username": "root" }),
    );
    let tampered = format!("{header}.{}.{signature}", B64.encode(elevated.to_string()));
    assert_eq!(
        verify_err(&verifier, &tampered).await,
        JwtError::InvalidSignature
    );

    // A tampered header (another kid of the same key set) fails too.
    let other_header = B64.encode(json!({ "alg": "RS256", "kid": key1.kid }).to_string());
    let payload = genuine.split('.').nth(1).expect("three parts");
    assert_eq!(
        verify_err(&verifier, &format!("{other_header}.{payload}.{signature}")).await,
        JwtError::InvalidSignature
    );
}

#[tokio::test]
async fn bad_signature_is_rejected() {
    let key1 = key(1);
    let key3 = key(3);
    let server = jwks_server(&[&key1]);
    let verifier = verifier(pool(&server, TokenUse::Access));

    // Signed by another key, under key 1's kid.
    let forged = sign(&rs256_header(key1.kid), &access_claims(), &key3);
    assert_eq!(
        verify_err(&verifier, &forged).await,
        JwtError::InvalidSignature
    );

    // One bit flipped in a genuine signature.
    let genuine = token(&key1, &access_claims());
    let (input, signature) = genuine.rsplit_once('.').expect("three parts");
    let mut bytes = B64.decode(signature).expect("base64url");
    bytes[10] ^= 0x01;
    let flipped = format!("{input}.{}", B64.encode(&bytes));
    assert_eq!(
        verify_err(&verifier, &flipped).await,
        JwtError::InvalidSignature
    );

    // Truncated and empty signatures.
    let truncated = format!("{input}.{}", B64.encode(&bytes[..128]));
    assert_eq!(
        verify_err(&verifier, &truncated).await,
        JwtError::InvalidSignature
    );
    assert_eq!(
        verify_err(&verifier, &format!("{input}.")).await,
        JwtError::InvalidSignature
    );
    verifier.verify(&genuine).await.expect("the genuine token");
}

#[tokio::test]
async fn malformed_tokens_are_rejected() {
    let key1 = key(1);
    let server = jwks_server(&[&key1]);
    let verifier = verifier(pool(&server, TokenUse::Access));
    let genuine = token(&key1, &access_claims());
    let parts: Vec<&str> = genuine.split('.').collect();

    let cases = [
        String::new(),
        "not a jwt".to_owned(),
        format!("{}.{}", parts[0], parts[1]),
        format!("{genuine}.{}", parts[2]),
        format!("!!!.{}.{}", parts[1], parts[2]),
        format!("{}.{}.{}", B64.encode("not json"), parts[1], parts[2]),
        format!("{}.{}.{}", B64.encode("[1,2]"), parts[1], parts[2]),
        format!("{}.%%%.{}", parts[0], parts[2]),
        format!("{}.{}.{}", parts[0], B64.encode("\"a string\""), parts[2]),
        format!("{}.{}.{}=", parts[0], parts[1], parts[2]),
        sign(&json!({ "alg": "RS256" }), &access_claims(), &key1),
        sign(
            &json!({ "alg": "RS256", "kid": 7 }),
            &access_claims(),
            &key1,
        ),
        sign(
            &json!({ "alg": "RS256", "kid": key1.kid, "crit": ["exp"] }),
            &access_claims(),
            &key1,
        ),
        "a".repeat(70_000),
    ];
    for case in &cases {
        let err = verify_err(&verifier, case).await;
        assert!(
            matches!(err, JwtError::Malformed(_)),
            "{case:.60}: expected Malformed, got {err:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Groups and scopes
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn required_groups_are_any_of() {
    let key1 = key(1);
    let server = jwks_server(&[&key1]);
    let in_readers = token(&key1, &access_claims());

    let either = verifier(pool(&server, TokenUse::Access).require_any_group(["admins", "readers"]));
    either
        .verify(&in_readers)
        .await
        .expect("in one of the groups");

    let admins_only = verifier(pool(&server, TokenUse::Access).require_any_group(["admins"]));
    let err = verify_err(&admins_only, &in_readers).await;
    assert_eq!(
        err,
        JwtError::MissingGroup {
            required: vec!["admins".into()]
        }
    );
    assert_eq!(
        err.to_string(),
        "the token is in none of the required groups [\"admins\"]"
    );
    let no_groups = token(
        &key1,
        &with(access_claims(), json!({ "cognito:groups": null })),
    );
    assert!(matches!(
        verify_err(&either, &no_groups).await,
        JwtError::MissingGroup { .. }
    ));

    // ID tokens carry groups too.
    let id = verifier(pool(&server, TokenUse::Id).require_any_group(["readers"]));
    id.verify(&token(&key1, &id_claims()))
        .await
        .expect("ID token in the group");
}

#[tokio::test]
async fn required_scopes_any_of_and_all_of() {
    let key1 = key(1);
    let server = jwks_server(&[&key1]);
    // Scopes: aws.cognito.signin.user.admin orders/read
    let t = token(&key1, &access_claims());

    let any = verifier(
        pool(&server, TokenUse::Access).require_any_scope(["orders/write", "orders/read"]),
    );
    any.verify(&t).await.expect("one of the scopes");
    let any_missing =
        verifier(pool(&server, TokenUse::Access).require_any_scope(["orders/write", "admin"]));
    assert_eq!(
        verify_err(&any_missing, &t).await,
        JwtError::MissingScope {
            missing: vec!["orders/write".into(), "admin".into()]
        }
    );

    let all = verifier(
        pool(&server, TokenUse::Access)
            .require_all_scopes(["orders/read", "aws.cognito.signin.user.admin"]),
    );
    all.verify(&t).await.expect("all the scopes");
    let all_missing = verifier(
        pool(&server, TokenUse::Access).require_all_scopes(["orders/read", "orders/write"]),
    );
    let err = verify_err(&all_missing, &t).await;
    assert_eq!(
        err,
        JwtError::MissingScope {
            missing: vec!["orders/write".into()]
        }
    );
    assert_eq!(
        err.to_string(),
        "the token lacks the required scope(s) [\"orders/write\"]"
    );

    // A scope is a whole word of `scope`, not a substring.
    let partial = verifier(pool(&server, TokenUse::Access).require_all_scopes(["orders"]));
    assert!(matches!(
        verify_err(&partial, &t).await,
        JwtError::MissingScope { .. }
    ));
    let no_scope = token(&key1, &with(access_claims(), json!({ "scope": null })));
    assert!(matches!(
        verify_err(&any, &no_scope).await,
        JwtError::MissingScope { .. }
    ));
}

// ---------------------------------------------------------------------------------------
// The JWKS cache
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn unknown_kid_refetches_once_then_is_rate_limited() {
    let key1 = key(1);
    let key2 = key(2);
    let key3 = key(3);
    let server = jwks_server(&[&key1]);
    let verifier = verifier(pool(&server, TokenUse::Access));

    verifier
        .verify(&token(&key1, &access_claims()))
        .await
        .expect("known key");
    assert_eq!(server.request_count(), 1);

    // An unknown kid: one refetch, still unknown.
    let err = verify_err(&verifier, &token(&key2, &access_claims())).await;
    assert_eq!(
        err,
        JwtError::UnknownKid {
            kid: "key-2".into(),
            jwks_uri: jwks_url(&server, POOL_ID)
        }
    );
    assert_eq!(server.request_count(), 2, "an unknown kid refetches");

    // Within the 10 s that follow, other unknown kids (and the same one) fetch nothing.
    for k in [&key3, &key2, &key3] {
        assert!(matches!(
            verify_err(&verifier, &token(k, &access_claims())).await,
            JwtError::UnknownKid { .. }
        ));
    }
    assert_eq!(server.request_count(), 2, "refetches are rate-limited");

    // Known keys keep working from the cache meanwhile.
    verifier
        .verify(&token(&key1, &access_claims()))
        .await
        .expect("known key");
    assert_eq!(server.request_count(), 2);
}

/// An in-memory JWKS endpoint, for tests that move tokio's paused clock: it answers with its current
/// status and body and counts the requests.
#[derive(Clone)]
struct MemoryJwks {
    answer: std::sync::Arc<std::sync::Mutex<(u16, String)>>,
    count: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl MemoryJwks {
    fn new(status: u16, body: String) -> MemoryJwks {
        MemoryJwks {
            answer: std::sync::Arc::new(std::sync::Mutex::new((status, body))),
            count: std::sync::Arc::default(),
        }
    }

    fn set(&self, status: u16, body: String) {
        *self.answer.lock().unwrap_or_else(|e| e.into_inner()) = (status, body);
    }

    fn count(&self) -> usize {
        self.count.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// A verifier of access tokens of the test pool that fetches from this endpoint, with `interval`
    /// between refetches.
    fn verifier(&self, interval: Duration) -> JwtVerifier {
        let jwks = self.clone();
        let transport =
            cognito::transport::from_fn(move |_request: http::Request<bytes::Bytes>| {
                jwks.count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let (status, body) = jwks
                    .answer
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .clone();
                async move {
                    http::Response::builder()
                        .status(status)
                        .header("content-type", "application/json")
                        .body(bytes::Bytes::from(body))
                        .map_err(|e| cognito::transport::HttpError::io(e.to_string()))
                }
            });
        JwtVerifier::builder()
            .pool(
                UserPool::new(REGION, POOL_ID)
                    .jwks_url(format!(
                        "http://127.0.0.1:9/{POOL_ID}/.well-known/jwks.json"
                    ))
                    .client_id(CLIENT_ID)
                    .token_use(TokenUse::Access),
            )
            .transport(transport)
            .jwks_refetch_interval(interval)
            .build()
            .expect("verifier")
    }
}

// On tokio's paused clock: the interval is checked to the millisecond, whatever the machine's load.
#[tokio::test(start_paused = true)]
async fn refetch_is_allowed_again_after_the_configured_interval() {
    let key1 = key(1);
    let key2 = key(2);
    let jwks_endpoint = MemoryJwks::new(200, jwks(&[&key1]));
    let verifier = jwks_endpoint.verifier(Duration::from_secs(1));
    let unknown = token(&key2, &access_claims());

    assert!(matches!(
        verify_err(&verifier, &unknown).await,
        JwtError::UnknownKid { .. }
    ));
    assert_eq!(jwks_endpoint.count(), 1);
    // The key appears at once, but within the interval the verifier does not ask again.
    jwks_endpoint.set(200, jwks(&[&key1, &key2]));
    tokio::time::advance(Duration::from_millis(999)).await;
    assert!(matches!(
        verify_err(&verifier, &unknown).await,
        JwtError::UnknownKid { .. }
    ));
    assert_eq!(jwks_endpoint.count(), 1, "within the interval");

    tokio::time::advance(Duration::from_millis(1)).await;
    verifier
        .verify(&unknown)
        .await
        .expect("found after the interval");
    assert_eq!(jwks_endpoint.count(), 2, "one refetch after the interval");
}

#[tokio::test]
async fn key_rotation_is_picked_up() {
    let key1 = key(1);
    let key2 = key(2);
    let server = jwks_server(&[&key1]);
    let verifier = verifier(pool(&server, TokenUse::Access));

    verifier
        .verify(&token(&key1, &access_claims()))
        .await
        .expect("old key");
    assert_eq!(server.request_count(), 1);

    // Cognito rotates: the JWKS now has the new key only. The first token under the new kid
    // triggers a refetch right away (the initial fetch found its key, so no rate limit applies).
    server.set_default(jwks_response(&[&key2]));
    verifier
        .verify(&token(&key2, &access_claims()))
        .await
        .expect("new key after a refetch");
    assert_eq!(server.request_count(), 2);
    verifier
        .verify(&token(&key2, &access_claims()))
        .await
        .expect("new key, cached");
    assert_eq!(server.request_count(), 2);

    // The old key is gone from the cache with the old JWKS.
    assert!(matches!(
        verify_err(&verifier, &token(&key1, &access_claims())).await,
        JwtError::UnknownKid { .. }
    ));
    assert_eq!(server.request_count(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_burst_of_unknown_kid_fetches_once() {
    let key1 = key(1);
    let key2 = key(2);
    // Slow JWKS answers, so that the whole burst is waiting while the fetch is under way.
    let server = RecordingServer::start(
        jwks_response(&[&key1]).with_behaviour(Behaviour::Delay(Duration::from_millis(200))),
    );
    let verifier = verifier(pool(&server, TokenUse::Access));
    let unknown = token(&key2, &access_claims());

    let burst = |token: String| {
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let verifier = verifier.clone();
                let token = token.clone();
                tokio::spawn(async move { verifier.verify(&token).await })
            })
            .collect();
        async move {
            let mut results = Vec::new();
            for task in tasks {
                results.push(task.await.expect("verification task"));
            }
            results
        }
    };

    // Cold cache: 20 verifications of an unknown kid, one fetch.
    for result in burst(unknown.clone()).await {
        assert!(
            matches!(result, Err(JwtError::UnknownKid { .. })),
            "{result:?}"
        );
    }
    assert_eq!(server.request_count(), 1, "one fetch for the whole burst");

    // Warm cache, refetch interval over: again one refetch for a burst.
    let fresh = JwtVerifier::builder()
        .pool(pool(&server, TokenUse::Access))
        .jwks_refetch_interval(Duration::ZERO)
        .build()
        .expect("verifier");
    fresh.hydrate().await.expect("hydrate");
    assert_eq!(server.request_count(), 2);
    let results = futures_util::future::join_all((0..20).map(|_| fresh.verify(&unknown))).await;
    for result in results {
        assert!(
            matches!(result, Err(JwtError::UnknownKid { .. })),
            "{result:?}"
        );
    }
    assert_eq!(server.request_count(), 3, "one refetch for the whole burst");

    // A burst of valid tokens on a cold cache: one fetch, all accepted.
    let cold = verifier_for(&server);
    let valid = token(&key1, &access_claims());
    let results = futures_util::future::join_all((0..20).map(|_| cold.verify(&valid))).await;
    for result in results {
        result.expect("valid token");
    }
    assert_eq!(server.request_count(), 4);
}

fn verifier_for(server: &RecordingServer) -> JwtVerifier {
    verifier(pool(server, TokenUse::Access))
}

#[tokio::test]
async fn verify_sync_uses_only_cached_keys() {
    let key1 = key(1);
    let key2 = key(2);
    let server = jwks_server(&[&key1]);
    let verifier = verifier(pool(&server, TokenUse::Access));
    let valid = token(&key1, &access_claims());

    assert_eq!(
        verifier.verify_sync(&valid),
        Err(JwtError::JwksNotCached {
            jwks_uri: jwks_url(&server, POOL_ID)
        })
    );
    assert_eq!(server.request_count(), 0);

    verifier.hydrate().await.expect("hydrate");
    assert_eq!(server.request_count(), 1);
    let claims = verifier.verify_sync(&valid).expect("cached key");
    assert_eq!(claims.username(), Some("alice"));

    // Unknown kid: no fetch from verify_sync.
    assert!(matches!(
        verifier.verify_sync(&token(&key2, &access_claims())),
        Err(JwtError::UnknownKid { .. })
    ));
    // The other checks run as in verify.
    assert!(matches!(
        verifier.verify_sync(&token(
            &key1,
            &with(access_claims(), json!({ "exp": now() - 60 }))
        )),
        Err(JwtError::Expired { .. })
    ));
    // hydrate again: already cached, nothing fetched.
    verifier.hydrate().await.expect("hydrate again");
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn several_pools() {
    let key1 = key(1);
    let key2 = key(2);
    let server_a = jwks_server(&[&key1]);
    let server_b = jwks_server(&[&key2]);
    const POOL_B: &str = "eu-west-1_PoolB";
    let issuer_b = format!("https://cognito-idp.eu-west-1.amazonaws.com/{POOL_B}");
    let verifier = JwtVerifier::builder()
        .pool(pool(&server_a, TokenUse::Access))
        .pool(
            UserPool::new("eu-west-1", POOL_B)
                .jwks_url(jwks_url(&server_b, POOL_B))
                .client_id("client-b")
                .token_use(TokenUse::Id)
                .require_any_group(["readers"]),
        )
        .build()
        .expect("two pools");

    let a = token(&key1, &access_claims());
    let b_claims = with(id_claims(), json!({ "iss": issuer_b, "aud": "client-b" }));
    let b = token(&key2, &b_claims);
    verifier.verify(&a).await.expect("pool A's access token");
    let claims = verifier.verify(&b).await.expect("pool B's ID token");
    assert_eq!(claims.iss, issuer_b);
    assert_eq!(server_a.request_count(), 1);
    assert_eq!(server_b.request_count(), 1);

    // Each pool has its own rules: client, token_use, keys.
    assert_eq!(
        verify_err(
            &verifier,
            &token(&key2, &with(b_claims.clone(), json!({ "aud": CLIENT_ID })))
        )
        .await,
        JwtError::ClientNotAllowed(CLIENT_ID.into())
    );
    assert!(matches!(
        verify_err(&verifier, &token(&key1, &id_claims())).await,
        JwtError::WrongTokenUse { .. }
    ));
    // Pool A's key does not sign for pool B (pool B's JWKS lacks it).
    let err = verify_err(&verifier, &token(&key1, &b_claims)).await;
    assert_eq!(
        err,
        JwtError::UnknownKid {
            kid: "key-1".into(),
            jwks_uri: jwks_url(&server_b, POOL_B)
        }
    );
    // …nor does pool B's key under pool A's kid.
    let forged = sign(&rs256_header(key1.kid), &b_claims, &key2);
    assert!(matches!(
        verify_err(&verifier, &forged).await,
        JwtError::UnknownKid { .. }
    ));
    assert_eq!(server_a.request_count(), 1);
    assert_eq!(
        server_b.request_count(),
        2,
        "pool B refetched once for key-1"
    );

    // hydrate fetches every pool's JWKS.
    let cold = JwtVerifier::builder()
        .pool(pool(&server_a, TokenUse::Access))
        .pool(
            UserPool::new("eu-west-1", POOL_B)
                .jwks_url(jwks_url(&server_b, POOL_B))
                .client_id("client-b")
                .token_use(TokenUse::Id),
        )
        .build()
        .expect("two pools");
    cold.hydrate().await.expect("hydrate both");
    assert_eq!(server_a.request_count(), 2);
    assert_eq!(server_b.request_count(), 3);
    cold.verify_sync(&a).expect("pool A, sync");
    cold.verify_sync(&b).expect("pool B, sync");
}

#[tokio::test]
async fn pools_sharing_a_jwks_url_share_one_cache() {
    let key1 = key(1);
    let server = jwks_server(&[&key1]);
    let shared = format!("{}/keys.json", server.endpoint());
    let verifier = JwtVerifier::builder()
        .pool(
            UserPool::new(REGION, POOL_ID)
                .jwks_url(shared.clone())
                .client_id(CLIENT_ID)
                .token_use(TokenUse::Access),
        )
        .pool(
            UserPool::new(REGION, "us-east-1_Second")
                .jwks_url(shared)
                .client_id(CLIENT_ID)
                .token_use(TokenUse::Access),
        )
        .build()
        .expect("two pools");
    verifier
        .verify(&token(&key1, &access_claims()))
        .await
        .expect("first pool");
    verifier
        .verify(&token(
            &key1,
            &with(
                access_claims(),
                json!({ "iss": issuer("us-east-1_Second") }),
            ),
        ))
        .await
        .expect("second pool");
    assert_eq!(server.request_count(), 1);
}

// ---------------------------------------------------------------------------------------
// JWKS failures
// ---------------------------------------------------------------------------------------

fn assert_fetch_error(err: &JwtError, expected_reason: &str) {
    match err {
        JwtError::JwksFetch { reason, .. } => assert!(
            reason.contains(expected_reason),
            "reason {reason:?} lacks {expected_reason:?}"
        ),
        other => panic!("expected JwksFetch ({expected_reason}), got {other:?}"),
    }
}

#[tokio::test]
async fn jwks_endpoint_down() {
    let key1 = key(1);
    // A port nothing listens on: bind, note the port, close.
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("local_addr");
    let url = format!("http://{addr}/{POOL_ID}/.well-known/jwks.json");
    let verifier = verifier(
        UserPool::new(REGION, POOL_ID)
            .jwks_url(url.clone())
            .client_id(CLIENT_ID)
            .token_use(TokenUse::Access),
    );
    let err = verify_err(&verifier, &token(&key1, &access_claims())).await;
    match &err {
        JwtError::JwksFetch { jwks_uri, reason } => {
            assert_eq!(jwks_uri, &url);
            assert!(!reason.is_empty());
        }
        other => panic!("expected JwksFetch, got {other:?}"),
    }
    assert!(err
        .to_string()
        .starts_with(&format!("cannot fetch the JWKS at {url}: ")));
    assert!(matches!(
        verifier.hydrate().await,
        Err(JwtError::JwksFetch { .. })
    ));
}

#[tokio::test]
async fn jwks_garbage_is_a_fetch_error() {
    let key1 = key(1);
    let server = jwks_server(&[&key1]);
    server.push(
        CannedResponse::empty(200)
            .with_header("Content-Type", "text/html")
            .with_body("<html><body>Welcome to nginx!</body></html>"),
    );
    server.push(CannedResponse::empty(200).with_body(r#"{"kys": []}"#));
    server.push(CannedResponse::empty(200).with_body("{\"keys\": [")); // truncated JSON
    server.push(CannedResponse::empty(500).with_body("Internal Server Error"));
    server.push(CannedResponse::empty(404));
    server.push(CannedResponse::empty(200).with_body(vec![b' '; 2 * 1024 * 1024]));
    server.push(jwks_response(&[&key1]).with_behaviour(Behaviour::CloseAfterHeaders));
    // A JWKS whose only key for the kid is not an RSA signing key.
    server.push(CannedResponse::empty(200).with_body(
        json!({ "keys": [{ "kid": key1.kid, "kty": "EC", "crv": "P-256", "x": "AA", "y": "AA" }] })
            .to_string(),
    ));
    // An RSA key with an empty modulus.
    server.push(CannedResponse::empty(200).with_body(
        json!({ "keys": [{ "kid": key1.kid, "kty": "RSA", "n": "", "e": "AQAB" }] }).to_string(),
    ));
    // No refetch interval, so that every verification fetches the next response.
    let verifier = JwtVerifier::builder()
        .pool(pool(&server, TokenUse::Access))
        .jwks_refetch_interval(Duration::ZERO)
        .build()
        .expect("verifier");
    let t = token(&key1, &access_claims());

    assert_fetch_error(&verify_err(&verifier, &t).await, "not a JWKS");
    assert_fetch_error(&verify_err(&verifier, &t).await, "not a JWKS");
    assert_fetch_error(&verify_err(&verifier, &t).await, "not a JWKS");
    assert_fetch_error(&verify_err(&verifier, &t).await, "HTTP status 500");
    assert_fetch_error(&verify_err(&verifier, &t).await, "HTTP status 404");
    assert_fetch_error(
        &verify_err(&verifier, &t).await,
        "larger than 1048576 bytes",
    );
    assert!(matches!(
        verify_err(&verifier, &t).await,
        JwtError::JwksFetch { .. }
    ));
    let err = verify_err(&verifier, &t).await;
    assert!(
        matches!(&err, JwtError::UnsupportedKey { kid, reason } if kid == "key-1" && reason.contains("EC")),
        "{err:?}"
    );
    let err = verify_err(&verifier, &t).await;
    assert!(
        matches!(&err, JwtError::UnsupportedKey { reason, .. } if reason.contains("0 bits")),
        "{err:?}"
    );
    // The server recovers: so does the verifier.
    verifier.verify(&t).await.expect("good JWKS at last");
    assert_eq!(server.request_count(), 10);
}

#[tokio::test(start_paused = true)]
async fn failed_fetch_is_rate_limited_too() {
    let key1 = key(1);
    let jwks_endpoint = MemoryJwks::new(503, String::new());
    let verifier = jwks_endpoint.verifier(Duration::from_secs(1));
    let t = token(&key1, &access_claims());

    assert_fetch_error(&verify_err(&verifier, &t).await, "HTTP status 503");
    jwks_endpoint.set(200, jwks(&[&key1]));
    // Within the interval the last failure is repeated without a request.
    tokio::time::advance(Duration::from_millis(999)).await;
    assert_fetch_error(&verify_err(&verifier, &t).await, "HTTP status 503");
    assert_eq!(jwks_endpoint.count(), 1);
    tokio::time::advance(Duration::from_millis(1)).await;
    verifier.verify(&t).await.expect("after the interval");
    assert_eq!(jwks_endpoint.count(), 2);
}

#[tokio::test]
async fn jwks_fetch_times_out() {
    let key1 = key(1);
    let server = RecordingServer::start(CannedResponse::hang());
    let verifier = JwtVerifier::builder()
        .pool(pool(&server, TokenUse::Access))
        .jwks_timeout(Duration::from_millis(300))
        .build()
        .expect("verifier");
    // Over a real socket: the kind of error is checked, not how long it took (a hang guard of 60 s
    // fails the test instead of hanging it).
    let err = tokio::time::timeout(
        Duration::from_secs(60),
        verify_err(&verifier, &token(&key1, &access_claims())),
    )
    .await
    .expect("the JWKS timeout ends the call");
    assert_fetch_error(&err, "within 300ms");
}

// ---------------------------------------------------------------------------------------
// Builder validation
// ---------------------------------------------------------------------------------------

#[test]
fn builder_rejects_incomplete_or_ambiguous_settings() {
    let base = || {
        UserPool::new(REGION, POOL_ID)
            .client_id(CLIENT_ID)
            .token_use(TokenUse::Access)
    };
    let build = |pools: Vec<UserPool>| {
        pools
            .into_iter()
            .fold(JwtVerifier::builder(), |b, p| b.pool(p))
            .build()
            .map(|_| ())
    };

    assert_eq!(build(vec![]), Err(BuildError::NoPools));
    assert_eq!(
        build(vec![
            UserPool::new(REGION, POOL_ID).token_use(TokenUse::Access)
        ]),
        Err(BuildError::NoClientId(POOL_ID.into()))
    );
    assert_eq!(
        build(vec![UserPool::new(REGION, POOL_ID).client_id(CLIENT_ID)]),
        Err(BuildError::NoTokenUse(POOL_ID.into()))
    );
    assert_eq!(
        build(vec![base(), base()]),
        Err(BuildError::DuplicateIssuer(issuer(POOL_ID)))
    );
    assert_eq!(
        build(vec![UserPool::new(REGION, POOL_ID)
            .client_id(CLIENT_ID)
            .token_use(TokenUse::Id)
            .require_any_scope(["a"])]),
        Err(BuildError::ScopesOnIdTokens(POOL_ID.into()))
    );
    assert!(matches!(
        build(vec![base().jwks_url("ftp://example.com/jwks.json")]),
        Err(BuildError::InvalidJwksUrl { .. })
    ));
    assert!(matches!(
        build(vec![base().jwks_url("not a url")]),
        Err(BuildError::InvalidJwksUrl { .. })
    ));
    assert!(matches!(
        build(vec![UserPool::new(REGION, "us-east-1_x/../y")
            .client_id(CLIENT_ID)
            .token_use(TokenUse::Access)]),
        Err(BuildError::InvalidPoolId(_))
    ));
    assert!(matches!(
        build(vec![UserPool::new("us-east-1.evil.com/", POOL_ID)
            .client_id(CLIENT_ID)
            .token_use(TokenUse::Access)]),
        Err(BuildError::InvalidRegion(_))
    ));
    assert_eq!(build(vec![base()]), Ok(()));

    // AWS's addresses, China included.
    let pool = UserPool::new("cn-north-1", "cn-north-1_Abc");
    assert_eq!(
        pool.effective_issuer(),
        "https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_Abc"
    );
    assert_eq!(
        pool.effective_jwks_url(),
        "https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_Abc/.well-known/jwks.json"
    );
    assert_eq!(pool.pool_id(), "cn-north-1_Abc");
}

// ---------------------------------------------------------------------------------------
// Hostile keys and tokens
// ---------------------------------------------------------------------------------------

/// A JWKS server with these keys, as given.
fn raw_jwks_server(keys: Vec<Value>) -> RecordingServer {
    RecordingServer::start(
        CannedResponse::empty(200)
            .with_header("Content-Type", "application/json")
            .with_body(json!({ "keys": keys }).to_string()),
    )
}

/// The JWK of `key` under `kid`, with `changes` merged in (a `null` removes a member).
fn jwk_as(key: &TestKey, kid: &str, changes: Value) -> Value {
    with(with(jwk(key), json!({ "kid": kid })), changes)
}

/// The token of [`access_claims`] signed by `key` under `kid`.
fn token_as(key: &TestKey, kid: &str) -> String {
    sign(&rs256_header(kid), &access_claims(), key)
}

const URL_SAFE_ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// `part` (unpadded base64url) with one of the unused bits of its last symbol set: the same bytes to
/// a lenient decoder, a different string. `None` when the length leaves no unused bits.
fn non_canonical(part: &str) -> Option<String> {
    if part.len().is_multiple_of(4) {
        return None;
    }
    let (body, last) = part.split_at(part.len() - 1);
    let index = URL_SAFE_ALPHABET
        .iter()
        .position(|c| *c == last.as_bytes()[0])
        .expect("base64url symbol");
    assert_eq!(
        index & 1,
        0,
        "a canonical last symbol has its low bit clear"
    );
    Some(format!(
        "{body}{}",
        char::from(URL_SAFE_ALPHABET[index | 1])
    ))
}

#[tokio::test]
async fn keys_that_cannot_verify_rs256_are_refused_by_kid() {
    let key1 = key(1);
    let public = RsaPublicKeyComponents::<Vec<u8>>::from(key1.pair.public());
    let mut short_modulus = vec![0xc5u8; 128];
    short_modulus[127] |= 1;
    let n = B64.encode(&public.n);
    let cases: Vec<(&str, Value, &str)> = vec![
        ("enc-key", json!({ "use": "enc" }), r#"use is "enc""#),
        ("rs512-key", json!({ "alg": "RS512" }), r#"alg is "RS512""#),
        (
            "short-key",
            json!({ "n": B64.encode(&short_modulus) }),
            "1024 bits",
        ),
        // 0x0100000001: five bytes.
        ("five-byte-e", json!({ "e": "AQAAAAE" }), "exponent"),
        ("e-one", json!({ "e": "AQ" }), "exponent"),
        ("e-even", json!({ "e": "AQAA" }), "exponent"),
        ("ec-key", json!({ "kty": "EC" }), "kty"),
        (
            "non-canonical-n",
            json!({ "n": non_canonical(&n).expect("a 2048-bit modulus leaves unused bits") }),
            "base64url",
        ),
    ];
    let server = raw_jwks_server(
        cases
            .iter()
            .map(|(kid, changes, _)| jwk_as(&key1, kid, changes.clone()))
            .collect(),
    );
    let verifier = verifier(pool(&server, TokenUse::Access));
    for (kid, _, reason_part) in &cases {
        let err = verify_err(&verifier, &token_as(&key1, kid)).await;
        match &err {
            JwtError::UnsupportedKey { kid: k, reason } => {
                assert_eq!(k, kid);
                assert!(reason.contains(reason_part), "{kid}: {reason}");
            }
            other => panic!("{kid}: expected UnsupportedKey, got {other:?}"),
        }
    }
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn duplicate_kids_are_ambiguous_unless_one_key_can_verify() {
    let key1 = key(1);
    let key2 = key(2);
    let server = raw_jwks_server(vec![
        // Two different RSA keys under one kid: which one signs is anyone's guess.
        jwk_as(&key1, "dup", json!({})),
        jwk_as(&key2, "dup", json!({})),
        // The same key twice is one key.
        jwk_as(&key1, "twice", json!({})),
        jwk_as(&key1, "twice", json!({})),
        // An encryption key and a signing key under one kid (RFC 7517 allows it): the signing
        // key verifies, whatever the order.
        jwk_as(&key1, "mixed", json!({ "use": "enc" })),
        jwk_as(&key1, "mixed", json!({})),
        json!({ "kid": "ec-first", "kty": "EC", "crv": "P-256", "x": "AA", "y": "AA" }),
        jwk_as(&key2, "ec-first", json!({})),
    ]);
    let verifier = verifier(pool(&server, TokenUse::Access));

    for signer in [&key1, &key2] {
        let err = verify_err(&verifier, &token_as(signer, "dup")).await;
        assert!(
            matches!(&err, JwtError::UnsupportedKey { kid, reason }
                if kid == "dup" && reason.contains("several")),
            "{err:?}"
        );
    }
    verifier
        .verify(&token_as(&key1, "twice"))
        .await
        .expect("a key listed twice");
    verifier
        .verify(&token_as(&key1, "mixed"))
        .await
        .expect("the signing key of a kid shared with an encryption key");
    verifier
        .verify(&token_as(&key2, "ec-first"))
        .await
        .expect("the RSA key of a kid shared with an EC key");
    assert_eq!(
        verify_err(&verifier, &token_as(&key1, "ec-first")).await,
        JwtError::InvalidSignature
    );
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_known_kid_verifies_after_failed_and_garbage_refetches() {
    let key1 = key(1);
    let key2 = key(2);
    let server = jwks_server(&[&key1]);
    let verifier = JwtVerifier::builder()
        .pool(pool(&server, TokenUse::Access))
        .jwks_refetch_interval(Duration::ZERO)
        .build()
        .expect("verifier");
    let known = token(&key1, &access_claims());
    let unknown = token(&key2, &access_claims());
    verifier.verify(&known).await.expect("first fetch");
    assert_eq!(server.request_count(), 1);

    let bad_answers = [
        CannedResponse::empty(500).with_body("Internal Server Error"),
        CannedResponse::empty(200).with_body("<html>captive portal</html>"),
        CannedResponse::empty(200).with_body(r#"{"keys": "none"}"#),
        CannedResponse::empty(200).with_body(vec![b'{'; 4096]),
        jwks_response(&[&key1]).with_behaviour(Behaviour::CloseAfterHeaders),
    ];
    for (i, bad) in bad_answers.into_iter().enumerate() {
        server.push(bad);
        // An unknown kid refetches; the fetch fails…
        assert!(
            matches!(
                verify_err(&verifier, &unknown).await,
                JwtError::JwksFetch { .. }
            ),
            "answer {i}"
        );
        assert_eq!(server.request_count(), 2 + i, "answer {i}");
        // …and the keys fetched before stay in use, with no further request.
        verifier.verify(&known).await.expect("the cached key");
        verifier.verify_sync(&known).expect("the cached key, sync");
        assert_eq!(server.request_count(), 2 + i, "answer {i}");
    }
}

#[tokio::test]
async fn base64url_with_non_canonical_trailing_bits_is_malformed() {
    let key1 = key(1);
    let server = jwks_server(&[&key1]);
    let verifier = verifier(pool(&server, TokenUse::Access));
    let lenient = base64::engine::GeneralPurpose::new(
        &base64::alphabet::URL_SAFE,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );

    // Claims padded until the header and payload parts have unused bits.
    let mut filler = String::new();
    let genuine = loop {
        let t = token(&key1, &with(access_claims(), json!({ "x": filler })));
        if t.split('.').all(|p| !p.len().is_multiple_of(4)) {
            break t;
        }
        filler.push('x');
    };
    verifier
        .verify(&genuine)
        .await
        .expect("the canonical token");
    let parts: Vec<&str> = genuine.split('.').collect();
    for i in 0..3 {
        let altered = non_canonical(parts[i]).expect("unused bits");
        assert_eq!(
            lenient.decode(&altered).expect("lenient decoder"),
            lenient.decode(parts[i]).expect("lenient decoder"),
            "part {i}: same bytes to a lenient decoder"
        );
        let mut forged = parts.clone();
        forged[i] = &altered;
        let err = verify_err(&verifier, &forged.join(".")).await;
        assert!(
            matches!(&err, JwtError::Malformed(m) if m.contains("base64url")),
            "part {i}: {err:?}"
        );
    }
}

#[tokio::test]
async fn duplicate_members_in_the_header_or_payload_are_malformed() {
    let key1 = key(1);
    let server = jwks_server(&[&key1]);
    let verifier = verifier(pool(&server, TokenUse::Access));
    let claims = access_claims().to_string();
    let payload = &claims[1..]; // the members, without the opening brace

    let cases = [
        (
            r#"{"alg":"HS256","alg":"RS256","kid":"key-1"}"#.to_owned(),
            claims.clone(),
        ),
        (
            r#"{"alg":"RS256","alg":"RS256","kid":"key-1"}"#.to_owned(),
            claims.clone(),
        ),
        (
            r#"{"alg":"RS256","kid":"key-2","kid":"key-1"}"#.to_owned(),
            claims.clone(),
        ),
        (
            r#"{"alg":"RS256","kid":"key-1"}"#.to_owned(),
            format!(r#"{{"exp":1,{payload}"#),
        ),
        (
            r#"{"alg":"RS256","kid":"key-1"}"#.to_owned(),
            format!(r#"{{"iss":"https://evil.example.com",{payload}"#),
        ),
    ];
    for (header, payload) in &cases {
        let err = verify_err(&verifier, &sign_raw(header, payload, &key1)).await;
        assert!(
            matches!(&err, JwtError::Malformed(m) if m.contains("duplicate")),
            "{header} {payload:.40}: {err:?}"
        );
    }
    // Duplicates inside a claim's own value are the claim's business.
    let nested = format!(r#"{{"custom:obj":{{"a":1,"a":2}},{payload}"#);
    verifier
        .verify(&sign_raw(
            r#"{"alg":"RS256","kid":"key-1"}"#,
            &nested,
            &key1,
        ))
        .await
        .expect("a nested duplicate");
}

#[tokio::test]
async fn exp_edge_values() {
    let key1 = key(1);
    let server = jwks_server(&[&key1]);
    let strict = JwtVerifier::builder()
        .pool(pool(&server, TokenUse::Access))
        .leeway(Duration::ZERO)
        .build()
        .expect("verifier");
    let with_exp = |exp: Value| token(&key1, &with(access_claims(), json!({ "exp": exp })));

    // `exp` is the first instant the token is no longer valid: exp == now is expired.
    let now = now();
    assert!(matches!(
        verify_err(&strict, &with_exp(json!(now))).await,
        JwtError::Expired { exp, .. } if exp == now
    ));
    // Fractional seconds are dropped: half a second from now is now, expired.
    assert!(matches!(
        verify_err(&strict, &with_exp(json!(now as f64 + 0.5))).await,
        JwtError::Expired { .. }
    ));
    let claims = strict
        .verify(&with_exp(json!(now as f64 + 3600.75)))
        .await
        .expect("a fractional exp in the future");
    assert_eq!(claims.exp, now + 3600);

    // Out of range, whatever the type: refused, never wrapped or saturated into a valid time.
    for exp in [
        json!(1e300),
        json!(-1e300),
        json!(1e15),
        json!(u64::MAX),
        json!(i64::MAX),
        json!(1_000_000_000_000_000_i64),
        json!(i64::MIN),
    ] {
        let err = verify_err(&strict, &with_exp(exp.clone())).await;
        assert!(
            matches!(&err, JwtError::Malformed(m) if m.contains("exp")),
            "{exp}: {err:?}"
        );
    }
    // The largest accepted value.
    strict
        .verify(&with_exp(json!(999_999_999_999_999_i64)))
        .await
        .expect("exp just under 10^15");
}

#[test]
fn http_jwks_urls_are_refused_unless_loopback() {
    let build = |url: &str| {
        JwtVerifier::builder()
            .pool(
                UserPool::new(REGION, POOL_ID)
                    .jwks_url(url)
                    .client_id(CLIENT_ID)
                    .token_use(TokenUse::Access),
            )
            .build()
            .map(|_| ())
    };
    for url in [
        "http://example.com/jwks.json",
        "http://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1/.well-known/jwks.json",
        "http://10.0.0.1/jwks.json",
        "http://192.168.1.10:9229/jwks.json",
        "http://0.0.0.0:9229/jwks.json",
        "http://127.0.0.1.nip.io/jwks.json",
        "http://localhost.example.com/jwks.json",
        "http://[::2]/jwks.json",
        "http://cognito-local:9229/pool/.well-known/jwks.json",
    ] {
        match build(url) {
            Err(BuildError::InvalidJwksUrl { reason, .. }) => {
                assert!(reason.contains("https"), "{url}: {reason}")
            }
            other => panic!("{url}: expected InvalidJwksUrl, got {other:?}"),
        }
    }
    // Loopback (the test servers of this file and moto) and https.
    for url in [
        "http://127.0.0.1:9229/jwks.json",
        "http://127.1.2.3/jwks.json",
        "http://localhost:9229/jwks.json",
        "http://LocalHost/jwks.json",
        "http://[::1]:8080/jwks.json",
        "https://example.com/jwks.json",
        "HTTPS://example.com/jwks.json",
    ] {
        assert_eq!(build(url), Ok(()), "{url}");
    }
    // The documented opt-in, for an emulator on a trusted network.
    for url in [
        "http://example.com/jwks.json",
        "http://cognito-local:9229/pool/.well-known/jwks.json",
    ] {
        let built = JwtVerifier::builder()
            .pool(
                UserPool::new(REGION, POOL_ID)
                    .jwks_url(url)
                    .client_id(CLIENT_ID)
                    .token_use(TokenUse::Access),
            )
            .allow_insecure_http_jwks(true)
            .build();
        assert!(built.is_ok(), "{url}: {built:?}");
    }
    // The opt-in lifts the https rule only: other URLs stay refused.
    let built = JwtVerifier::builder()
        .pool(
            UserPool::new(REGION, POOL_ID)
                .jwks_url("ftp://example.com/jwks.json")
                .client_id(CLIENT_ID)
                .token_use(TokenUse::Access),
        )
        .allow_insecure_http_jwks(true)
        .build();
    assert!(
        matches!(built, Err(BuildError::InvalidJwksUrl { .. })),
        "{built:?}"
    );
}

/// The hidden constructor the fuzz targets use: a JWKS document cached without any request.
#[test]
fn hydrate_from_a_jwks_document_without_fetching() {
    let key1 = key(1);
    let verifier = JwtVerifier::builder()
        .pool(
            UserPool::new(REGION, POOL_ID)
                .client_id(CLIENT_ID)
                .token_use(TokenUse::Access),
        )
        .build()
        .expect("verifier");
    let valid = token(&key1, &access_claims());
    assert!(matches!(
        verifier.verify_sync(&valid),
        Err(JwtError::JwksNotCached { .. })
    ));
    assert!(matches!(
        verifier.hydrate_from_jwks_document(b"<html>"),
        Err(JwtError::JwksFetch { .. })
    ));
    verifier
        .hydrate_from_jwks_document(jwks(&[&key1]).as_bytes())
        .expect("a JWKS document");
    verifier
        .verify_sync(&valid)
        .expect("verified with no fetch");
}
