//! The arithmetic of Cognito's SRP-6a: the RFC 5054 3072-bit group, "padded hex" encoding, hashing and
//! the HKDF step, shared by user and device SRP.
//!
//! Secret values (`a`, x, g^x, S and the values between them) are [`SecretUint`]s, whose limbs are
//! overwritten when dropped, and their byte forms and hashes are wiped after use. What num-bigint
//! allocates inside its own arithmetic (the working values of `modpow`, products, the buffers of
//! `to_bytes_be`) is freed without being wiped: this code cannot reach it.

use std::ops::Deref;
use std::sync::LazyLock;

use num_bigint::BigUint;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::SrpError;
use crate::auth::secret_hash::hmac_sha256;

/// N of the 3072-bit group of RFC 5054 (appendix A), the one Cognito uses.
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

/// The group: N, g = 2 and the SRP-6a multiplier k = H(pad N ‖ pad g).
pub(crate) struct Group {
    pub(crate) n: BigUint,
    pub(crate) g: BigUint,
    pub(crate) k: BigUint,
}

pub(crate) static GROUP: LazyLock<Group> = LazyLock::new(|| {
    let n = match BigUint::parse_bytes(N_HEX.as_bytes(), 16) {
        Some(n) => n,
        None => unreachable!("N_HEX is a hexadecimal constant"),
    };
    let g = BigUint::from(2u32);
    let k = BigUint::from_bytes_be(&sha256(&[&pad(&n), &pad(&g)]));
    Group { n, g, k }
});

/// A secret big number: its limbs are overwritten when it is dropped (see [`wipe`]).
pub(crate) struct SecretUint(BigUint);

impl SecretUint {
    pub(crate) fn new(n: BigUint) -> Self {
        Self(n)
    }
}

impl Deref for SecretUint {
    type Target = BigUint;

    fn deref(&self) -> &BigUint {
        &self.0
    }
}

impl Drop for SecretUint {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

/// Overwrites the limbs of `n` in place, then sets it to 0.
///
/// num-bigint gives no access to its limb buffer; `assign_from_slice` with as many digits as `n` has
/// and a non-zero top digit clears the buffer and refills it without reallocating or trimming it, so
/// the old limbs are overwritten where they were. `black_box` keeps the compiler from treating those
/// writes as dead stores before the buffer is freed.
pub(crate) fn wipe(n: &mut BigUint) {
    let digits = n.iter_u32_digits().len();
    if digits > 0 {
        let mut filler = vec![0u32; digits];
        if let Some(top) = filler.last_mut() {
            *top = 1;
        }
        n.assign_from_slice(&filler);
        std::hint::black_box(&*n);
    }
    *n = BigUint::ZERO;
}

/// "Padded hex" as bytes: the minimal big-endian bytes of `n` (one `00` byte for zero), with a leading
/// `00` byte when the high bit of the first byte is set, so the value reads as positive. This is the
/// byte form of amazon-cognito-identity-js's `padHex` (even-length hex, `00` before a first digit ≥ 8).
/// Wiped when dropped, for the secret values that go through it.
pub(crate) fn pad(n: &BigUint) -> Zeroizing<Vec<u8>> {
    let bytes = Zeroizing::new(n.to_bytes_be());
    if bytes.first().is_some_and(|b| b & 0x80 != 0) {
        let mut padded = Zeroizing::new(Vec::with_capacity(bytes.len() + 1));
        padded.push(0);
        padded.extend_from_slice(&bytes);
        padded
    } else {
        bytes
    }
}

/// SHA-256 of the concatenation of `parts`.
pub(crate) fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().into()
}

/// Parses a hexadecimal number as Cognito sends it (`SALT`, `SRP_B`): one or more hex digits, either
/// case, any length (odd included), leading zeros allowed; nothing else (no sign, `0x`, `_` or spaces).
pub(crate) fn parse_hex(value: &str, field: &'static str) -> Result<BigUint, SrpError> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(SrpError::InvalidHex { field });
    }
    BigUint::parse_bytes(value.as_bytes(), 16).ok_or(SrpError::InvalidHex { field })
}

/// [`parse_hex`] of a server value that may have at most `max_digits` hex digits (leading zeros
/// included), checked before any parsing.
pub(crate) fn parse_hex_bounded(
    value: &str,
    field: &'static str,
    max_digits: usize,
) -> Result<BigUint, SrpError> {
    if value.len() > max_digits {
        return Err(SrpError::ValueTooLong {
            field,
            max_hex_digits: max_digits,
        });
    }
    parse_hex(value, field)
}

/// Lowercase hex of `bytes`, two digits a byte.
#[cfg(test)]
pub(crate) fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// A = g^a mod N.
pub(crate) fn public_value(a: &BigUint) -> BigUint {
    let group = &*GROUP;
    group.g.modpow(a, &group.n)
}

/// u = H(pad A ‖ pad B), as an integer.
pub(crate) fn scrambler(big_a: &BigUint, big_b: &BigUint) -> BigUint {
    BigUint::from_bytes_be(&sha256(&[&pad(big_a), &pad(big_b)]))
}

/// x = H(pad salt ‖ H(realm ‖ user ‖ ":" ‖ password)), where realm ‖ user is poolName ‖ userIdForSrp
/// for a user and deviceGroupKey ‖ deviceKey for a device.
pub(crate) fn private_x(salt: &BigUint, realm: &str, user: &str, password: &str) -> SecretUint {
    let inner = Zeroizing::new(sha256(&[
        realm.as_bytes(),
        user.as_bytes(),
        b":",
        password.as_bytes(),
    ]));
    let outer = Zeroizing::new(sha256(&[&pad(salt), &*inner]));
    SecretUint::new(BigUint::from_bytes_be(&*outer))
}

/// The client's session key: S = (B − k·g^x)^(a + u·x) mod N, then the first 16 bytes of
/// HKDF-SHA256(salt = pad u, input = pad S, info = "Caldera Derived Key"). Rejects B ≡ 0 (mod N) and
/// u = 0.
pub(crate) fn session_key(
    a: &BigUint,
    big_b: &BigUint,
    u: &BigUint,
    x: &BigUint,
) -> Result<[u8; 16], SrpError> {
    let group = &*GROUP;
    let b_mod_n = big_b % &group.n;
    if b_mod_n == BigUint::ZERO {
        return Err(SrpError::ServerValueZero);
    }
    if *u == BigUint::ZERO {
        return Err(SrpError::ScramblerZero);
    }
    // g^x is the verifier v, as good as the password to an attacker: secret like x.
    let gx = SecretUint::new(group.g.modpow(x, &group.n));
    let kgx = SecretUint::new((&group.k * &*gx) % &group.n);
    // (B − k·g^x) mod N, kept non-negative.
    let base = SecretUint::new((b_mod_n + &group.n - &*kgx) % &group.n);
    let exponent = SecretUint::new(a + u * x);
    let s = SecretUint::new(base.modpow(&exponent, &group.n));
    Ok(hkdf16(&pad(&s), &pad(u)))
}

/// The first 16 bytes of HKDF-SHA256 with info "Caldera Derived Key" (one expand block suffices).
/// The intermediate keys are wiped; the caller owns (and wipes) the result.
pub(crate) fn hkdf16(ikm: &[u8], salt: &[u8]) -> [u8; 16] {
    let prk = Zeroizing::new(hmac_sha256(salt, &[ikm]));
    let okm = Zeroizing::new(hmac_sha256(&*prk, &[b"Caldera Derived Key", &[1]]));
    let mut key = [0u8; 16];
    key.copy_from_slice(&okm[..16]);
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pad_rules() {
        assert_eq!(*pad(&BigUint::ZERO), vec![0]);
        assert_eq!(*pad(&BigUint::from(0x7fu32)), vec![0x7f]);
        assert_eq!(*pad(&BigUint::from(0x80u32)), vec![0, 0x80]);
        assert_eq!(*pad(&BigUint::from(0x123u32)), vec![0x01, 0x23]);
        assert_eq!(*pad(&BigUint::from(0xabcdu32)), vec![0, 0xab, 0xcd]);
        // N starts with FF: 385 bytes padded.
        assert_eq!(pad(&GROUP.n).len(), 385);
    }

    #[test]
    fn k_matches_pycognito() {
        // hex_hash("00" + N_HEX + "0" + G_HEX) in pycognito 2024.5.1.
        assert_eq!(
            GROUP.k.to_str_radix(16),
            "538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6"
        );
    }

    #[test]
    fn parse_hex_is_strict() {
        assert_eq!(parse_hex("0aF", "f").ok(), Some(BigUint::from(0xafu32)));
        assert_eq!(parse_hex("00", "f").ok(), Some(BigUint::ZERO));
        for bad in ["", "xyz", "+12", "1_2", " 12", "12 ", "0x12", "-1", "é"] {
            assert!(
                matches!(
                    parse_hex(bad, "f"),
                    Err(SrpError::InvalidHex { field: "f" })
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn wipe_overwrites_and_zeroes() {
        for bytes in [
            vec![],
            vec![7],
            vec![0xff; 8],
            vec![0x5a; 9],
            vec![0x80; 128],
            vec![0x01, 0, 0, 0, 0],
        ] {
            let mut n = BigUint::from_bytes_be(&bytes);
            wipe(&mut n);
            assert_eq!(n, BigUint::ZERO, "{bytes:?}");
        }
        let secret = SecretUint::new(BigUint::from(12345u32));
        assert_eq!(*secret, BigUint::from(12345u32));
    }

    #[test]
    fn hex_encoding() {
        assert_eq!(to_hex(&[0x00, 0x0f, 0xa0, 0xff]), "000fa0ff");
        assert_eq!(to_hex(&[]), "");
    }
}
