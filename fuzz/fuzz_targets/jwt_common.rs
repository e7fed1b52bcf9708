//! What the `token` and `jwks` targets share: a verifier of two pools (an access-token pool that
//! requires a scope, an ID-token pool that requires a group), the fixed JWKS of the committed test keys
//! (`fuzz/fixtures/jwks.json`, made by `fuzz/make_jwt_seeds.py`), two tokens valid under it, and what
//! must hold of every token the verifier accepts.

use std::hint::black_box;

use cognito::jwt::{Claims, JwtVerifier, TokenUse, UserPool};

pub const ISSUER_A: &str = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1";
pub const ISSUER_B: &str = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_PoolB";
pub const JWKS: &str = include_str!("../fixtures/jwks.json");
/// An access token of pool A under `key-1`, valid until 2100.
pub const ACCESS_TOKEN: &str = include_str!("../fixtures/access_token.txt");
/// An ID token of pool B under `key-2`, valid until 2100.
pub const ID_TOKEN: &str = include_str!("../fixtures/id_token.txt");

/// The verifier, with no key set yet. No request is ever made: the targets call only `verify_sync`.
pub fn verifier() -> JwtVerifier {
    JwtVerifier::builder()
        .pool(
            UserPool::new("us-east-1", "us-east-1_TestPool1")
                .client_id("app-client-1")
                .token_use(TokenUse::Access)
                .require_all_scopes(["orders/read"]),
        )
        .pool(
            UserPool::new("eu-west-1", "eu-west-1_PoolB")
                .client_id("client-b")
                .token_use(TokenUse::Id)
                .require_any_group(["readers"]),
        )
        .build()
        .expect("the fuzz verifier's settings are valid")
}

/// Panics unless `claims` meet every requirement of their pool.
pub fn check_accepted(claims: &Claims) {
    match claims.iss.as_str() {
        ISSUER_A => {
            assert_eq!(claims.token_use, "access");
            assert_eq!(claims.client_id.as_deref(), Some("app-client-1"));
            assert!(claims.has_scope("orders/read"));
        }
        ISSUER_B => {
            assert_eq!(claims.token_use, "id");
            assert!(claims.aud.iter().any(|a| a == "client-b"));
            assert!(claims.in_group("readers"));
        }
        other => panic!("accepted a token of issuer {other:?}"),
    }
    black_box(format!("{claims:?} {:?}", claims.username()));
}
