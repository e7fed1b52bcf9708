//! libFuzzer target for JWT verification: `JwtVerifier::verify_sync` against a key set hydrated from
//! the fixed JWKS of `fuzz/fixtures` (no I/O), on two pools. Whatever is accepted must meet its pool's
//! requirements (`jwt_common::check_accepted`); errors are formatted.
//!
//! Input layout: byte 0 even: the rest is the token text (lossy UTF-8). Byte 0 odd: the rest is the
//! header JSON, 0xFF, the payload JSON, 0xFF, the signature bytes; each is base64url-encoded and the
//! three are joined with dots (the seeds `parts_*` carry real signatures, so their mutations explore
//! the JSON of a token whose other parts are right). Run with `bash scripts/fuzz.sh [SECONDS] token`.

#![no_main]

#[path = "jwt_common.rs"]
mod jwt_common;

use std::hint::black_box;
use std::sync::LazyLock;

use cognito::jwt::JwtVerifier;
use libfuzzer_sys::fuzz_target;

static VERIFIER: LazyLock<JwtVerifier> = LazyLock::new(|| {
    let verifier = jwt_common::verifier();
    verifier
        .hydrate_from_jwks_document(jwt_common::JWKS.as_bytes())
        .expect("the fixture JWKS parses");
    verifier
        .verify_sync(jwt_common::ACCESS_TOKEN)
        .expect("the fixture access token verifies");
    verifier
        .verify_sync(jwt_common::ID_TOKEN)
        .expect("the fixture ID token verifies");
    verifier
});

/// Unpadded base64url.
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((mode, rest)) = data.split_first() else {
        return;
    };
    let token = if mode % 2 == 0 {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        let mut parts = rest.splitn(3, |b| *b == 0xff);
        let mut next = || base64url(parts.next().unwrap_or_default());
        let (header, payload, signature) = (next(), next(), next());
        format!("{header}.{payload}.{signature}")
    };
    match VERIFIER.verify_sync(&token) {
        Ok(claims) => jwt_common::check_accepted(&claims),
        Err(e) => {
            black_box((e.to_string(), format!("{e:?}")));
        }
    }
});
