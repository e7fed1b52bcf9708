//! libFuzzer target for the JWKS parser: the input is a JWKS document, cached for both pools by
//! `JwtVerifier::hydrate_from_jwks_document` (no I/O), then the two fixture tokens (`key-1`, `key-2`)
//! are verified against it with `verify_sync`: key lookup, duplicate and unusable keys, and RSA
//! verification under whatever modulus and exponent the document gives. Whatever is accepted must
//! meet its pool's requirements. Run with `bash scripts/fuzz.sh [SECONDS] jwks`.

#![no_main]

#[path = "jwt_common.rs"]
mod jwt_common;

use std::hint::black_box;
use std::sync::LazyLock;

use cognito::jwt::JwtVerifier;
use libfuzzer_sys::fuzz_target;

static VERIFIER: LazyLock<JwtVerifier> = LazyLock::new(jwt_common::verifier);

fuzz_target!(|data: &[u8]| {
    match VERIFIER.hydrate_from_jwks_document(data) {
        Ok(()) => {
            for token in [jwt_common::ACCESS_TOKEN, jwt_common::ID_TOKEN] {
                match VERIFIER.verify_sync(token) {
                    Ok(claims) => jwt_common::check_accepted(&claims),
                    Err(e) => {
                        black_box((e.to_string(), format!("{e:?}")));
                    }
                }
            }
        }
        Err(e) => {
            black_box(e.to_string());
        }
    }
});
