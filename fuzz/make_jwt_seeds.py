#!/usr/bin/env python3
"""Writes the fixtures, seeds and dictionaries of the `token` and `jwks` fuzz targets.

    python3 fuzz/make_jwt_seeds.py      # from the repository root; needs the `cryptography` package

Keys: the committed test keys tests/data/jwt/key1.pk8.der (kid key-1) and key2.pk8.der (kid key-2).
The tokens expire in 2100, so that the valid seeds stay valid.
"""
import base64
import json
import os

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FUZZ = os.path.join(ROOT, "fuzz")
ISS_A = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1"
ISS_B = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_PoolB"
EXP = 4102444800  # 2100-01-01
IAT = 1700000000


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def load(n: int):
    with open(os.path.join(ROOT, "tests/data/jwt", f"key{n}.pk8.der"), "rb") as f:
        return serialization.load_der_private_key(f.read(), password=None)


KEYS = {"key-1": load(1), "key-2": load(2)}


def jwk(kid: str, **changes):
    numbers = KEYS[kid].public_key().public_numbers()
    n = numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")
    e = numbers.e.to_bytes((numbers.e.bit_length() + 7) // 8, "big")
    key = {"alg": "RS256", "e": b64(e), "kid": kid, "kty": "RSA", "n": b64(n), "use": "sig"}
    key.update(changes)
    return {k: v for k, v in key.items() if v is not None}


def sign_parts(header: str, payload: str, kid: str):
    signing_input = f"{b64(header.encode())}.{b64(payload.encode())}"
    signature = KEYS[kid].sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return signing_input, signature


def token(header: str, payload: str, kid: str = "key-1") -> str:
    signing_input, signature = sign_parts(header, payload, kid)
    return f"{signing_input}.{b64(signature)}"


def compact(value) -> str:
    return json.dumps(value, separators=(",", ":"))


ACCESS = {
    "sub": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", "iss": ISS_A, "client_id": "app-client-1",
    "token_use": "access", "scope": "aws.cognito.signin.user.admin orders/read",
    "cognito:groups": ["readers"], "auth_time": IAT, "iat": IAT, "exp": EXP, "username": "alice",
    "jti": "abcdefab-1234-5678-9abc-def012345678",
}
ID = {
    "sub": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", "iss": ISS_B, "aud": "client-b", "token_use": "id",
    "cognito:groups": ["readers"], "cognito:username": "alice", "email": "alice@example.com",
    "email_verified": True, "auth_time": IAT, "iat": IAT, "exp": EXP,
}


def header(kid="key-1", **extra):
    h = {"alg": "RS256", "kid": kid, "typ": "JWT"}
    h.update(extra)
    return compact(h)


def write(path: str, data: bytes):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def main():
    jwks = {"keys": [jwk("key-1"), jwk("key-2")]}
    write(os.path.join(FUZZ, "fixtures/jwks.json"), (json.dumps(jwks, indent=1) + "\n").encode())
    access = token(header(), compact(ACCESS))
    id_token = token(header("key-2"), compact(ID), "key-2")
    write(os.path.join(FUZZ, "fixtures/access_token.txt"), access.encode())
    write(os.path.join(FUZZ, "fixtures/id_token.txt"), id_token.encode())

    # token: b"0" + token text, or b"1" + header JSON 0xFF payload JSON 0xFF signature bytes.
    seeds = os.path.join(FUZZ, "seeds/token")
    text = {
        "valid_access": access,
        "valid_id": id_token,
        "expired": token(header(), compact({**ACCESS, "exp": IAT})),
        "not_yet_valid": token(header(), compact({**ACCESS, "nbf": EXP - 10})),
        "float_exp": token(header(), compact({**ACCESS, "exp": EXP + 0.5})),
        "huge_exp": token(header(), compact(ACCESS).replace(str(EXP), "1e300")),
        "alg_none": f"{b64(compact({'alg': 'none', 'kid': 'key-1'}).encode())}.{b64(compact(ACCESS).encode())}.",
        "alg_hs256": token(compact({"alg": "HS256", "kid": "key-1"}), compact(ACCESS)),
        "duplicate_alg": token('{"alg":"HS256","alg":"RS256","kid":"key-1"}', compact(ACCESS)),
        "duplicate_exp": token(header(), '{"exp":1,' + compact(ACCESS)[1:]),
        "crit": token(header(crit=["exp"]), compact(ACCESS)),
        "unknown_kid": token(header("key-9"), compact(ACCESS)),
        "wrong_key": token(header("key-2"), compact(ACCESS), "key-1"),
        "wrong_client": token(header(), compact({**ACCESS, "client_id": "other"})),
        "no_scope": token(header(), compact({**ACCESS, "scope": "openid"})),
        "unknown_issuer": token(header(), compact({**ACCESS, "iss": "https://evil.example.com"})),
        "id_not_in_group": token(header("key-2"), compact({**ID, "cognito:groups": ["x"]}), "key-2"),
        "padded_signature": access + "==",
    }
    for name, t in text.items():
        write(os.path.join(seeds, f"{name}.bin"), b"0" + t.encode())
    for name, (h, p, kid) in {
        "parts_access": (header(), compact(ACCESS), "key-1"),
        "parts_id": (header("key-2"), compact(ID), "key-2"),
    }.items():
        _, signature = sign_parts(h, p, kid)
        write(os.path.join(seeds, f"{name}.bin"), b"1" + h.encode() + b"\xff" + p.encode() + b"\xff" + signature)

    seeds = os.path.join(FUZZ, "seeds/jwks")
    short = b64(b"\xc5" * 127 + b"\x01")
    documents = {
        "valid": jwks,
        "valid_one": {"keys": [jwk("key-1")]},
        "enc": {"keys": [jwk("key-1", use="enc")]},
        "rs512": {"keys": [jwk("key-1", alg="RS512")]},
        "short_modulus": {"keys": [jwk("key-1", n=short)]},
        "five_byte_e": {"keys": [jwk("key-1", e="AQAAAAE")]},
        "e_one": {"keys": [jwk("key-1", e="AQ")]},
        "duplicate_kid": {"keys": [jwk("key-1"), {**jwk("key-2"), "kid": "key-1"}]},
        "mixed_kid": {"keys": [{"kid": "key-1", "kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"}, jwk("key-1")]},
        "no_alg_no_use": {"keys": [jwk("key-1", alg=None, use=None)]},
        "extra_members": {"keys": [jwk("key-1", x5c=["AA"])], "other": {"a": [1, 2, 3]}},
        "empty": {"keys": []},
        "not_array": {"keys": "none"},
    }
    for name, document in documents.items():
        write(os.path.join(seeds, f"{name}.json"), compact(document).encode())
    write(os.path.join(seeds, "array_form.json"), compact([[jwk("key-1")]]).encode())
    write(os.path.join(seeds, "key_as_array.json"),
          compact({"keys": [["key-1", "RSA", "RS256", "sig", jwk("key-1")["n"], "AQAB"]]}).encode())


if __name__ == "__main__":
    main()
