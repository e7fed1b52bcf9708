#!/usr/bin/env python3
"""Known-answer vectors for Cognito's SRP, computed with pycognito (an independent implementation).

Generated with: Python 3.11.7, pycognito 2024.5.1 (PyPI). This script installs nothing; to regenerate:

    python3 -m venv /tmp/srpvenv
    /tmp/srpvenv/bin/pip install pycognito==2024.5.1
    /tmp/srpvenv/bin/python scripts/srp_vectors.py            # writes tests/data/srp/pycognito.json

Every value comes from pycognito's own code (`pycognito.aws_srp`): `AWSSRP` with its random private value
`a` pinned by subclassing, `calculate_u`, `get_password_authentication_key`,
`get_device_authentication_key`, `process_challenge` and `process_device_challenge` with the clock pinned
by replacing the module's `datetime`, `generate_hash_device` with `os.urandom` pinned, and
`AWSSRP.get_secret_hash`. No network is used: the boto3 client is a dummy that is never called.

The "server" side (salt, verifier, B = k*v + g^b) is simulated here from deterministic pseudo-random
inputs so that the vectors are realistic, and the script checks that the server's session key equals
pycognito's, i.e. that the password is accepted. Inputs are picked so that the padding rules are
exercised: salts, A, B and u with the high bit set (padded with 00), with an odd number of hex digits,
and plain ones; the script asserts that every such case is covered.

The Rust test `tests/srp_vectors.rs` checks every vector byte for byte.
"""

import base64
import datetime as real_datetime
import importlib.metadata
import json
import os
import platform
import random
import sys

from pycognito import aws_srp
from pycognito.aws_srp import (
    AWSSRP,
    G_HEX,
    N_HEX,
    calculate_u,
    compute_hkdf,
    generate_hash_device,
    hash_sha256,
    hex_hash,
    hex_to_long,
    long_to_hex,
    pad_hex,
)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "srp", "pycognito.json")

BIG_N = hex_to_long(N_HEX)
G = hex_to_long(G_HEX)
K = hex_to_long(hex_hash("00" + N_HEX + "0" + G_HEX))


# --- pinning pycognito's sources of time and randomness -------------------------------------------


class PinnedClock:
    """Stands in for the `datetime` module inside pycognito.aws_srp."""

    def __init__(self):
        self.now = None
        outer = self

        class _DT:
            @staticmethod
            def utcnow():
                return outer.now

        self.datetime = _DT


CLOCK = PinnedClock()
aws_srp.datetime = CLOCK  # pycognito calls datetime.datetime.utcnow()


class PinnedUrandom:
    """Stands in for the `os` module inside pycognito.aws_srp: urandom pops pinned bytes."""

    def __init__(self):
        self.queue = []

    def urandom(self, n):
        chunk = self.queue.pop(0)
        assert len(chunk) == n, (len(chunk), n)
        return chunk


URANDOM = PinnedUrandom()
aws_srp.os = URANDOM


def make_srp(a, **kwargs):
    class PinnedAWSSRP(AWSSRP):
        def generate_random_small_a(self):
            return a

    return PinnedAWSSRP(client=object(), client_id="client-id-unused", **kwargs)


def pin_clock(unix, nanos):
    CLOCK.now = real_datetime.datetime(1970, 1, 1) + real_datetime.timedelta(
        seconds=unix, microseconds=nanos // 1000
    )


# --- helpers --------------------------------------------------------------------------------------


def rand_int(rng, nbytes):
    return int.from_bytes(rng.randbytes(nbytes), "big")


def high_bit(h):
    return len(h) % 2 == 0 and h[0] in "89abcdef"


def odd(h):
    return len(h) % 2 == 1


def plain(h):
    return len(h) % 2 == 0 and h[0] in "01234567"


PRED = {
    "high": high_bit,
    "odd": odd,
    "plain": plain,
    # at least one leading zero byte, which the integer form drops
    "short": lambda h: len(h) <= 30,
    "any": lambda h: True,
}


def draw(rng, make, pred, what):
    for _ in range(100000):
        value = make()
        if pred(long_to_hex(value)):
            return value
    raise RuntimeError(f"no {what} found")


def server_key(a_pub, b, v, u):
    """The server's side of SRP-6a: S = (A * v^u)^b mod N, then the same HKDF."""
    s = pow(a_pub * pow(v, u, BIG_N), b, BIG_N)
    return compute_hkdf(bytearray.fromhex(pad_hex(s)), bytearray.fromhex(pad_hex(long_to_hex(u))))


def x_for(salt_hex, realm, user, password):
    inner = hash_sha256(f"{realm}{user}:{password}".encode("utf-8"))
    return hex_to_long(hex_hash(pad_hex(salt_hex) + inner))


# --- user SRP (USER_SRP_AUTH / PASSWORD_VERIFIER) -------------------------------------------------

USER_CASES = [
    # name, pool id, USER_ID_FOR_SRP, password, secret block bytes, unix time, nanos, predicates A/salt/B/u
    ("plain", "us-east-1_AbCdEf123", "alice", "Correct-Horse-1", 32, 1700000000, 0, "any", "plain", "plain", "plain"),
    ("salt-high-bit", "us-east-1_AbCdEf123", "bob@example.com", "P@ssw0rd!", 48, 1709164800, 0, "high", "high", "high", "high"),
    ("salt-odd-length", "eu-west-2_Zx9Qw8Er7", "8f1c2d3e-4b5a-6978-8a9b-0c1d2e3f4a5b", "hunter2hunter2", 64, 1704067200, 0, "plain", "odd", "plain", "odd"),
    ("b-odd-length", "ap-southeast-2_Q1w2E3r4T", "carol", "colon:in:password", 16, 1712345678, 999_999_999, "any", "plain", "odd", "high"),
    ("unicode", "us-west-2_uNiCoDe01", "d\u00e9j\u00e0-vu", "p\u00e4:ss w\u00f6rd \u20ac \U0001f510", 96, 951782400, 500_000_000, "high", "high", "plain", "plain"),
    ("leap-day-2000", "us-east-1_AbCdEf123", "erin", "x", 1024, 951825599, 0, "plain", "plain", "high", "odd"),
    ("day-1-sunday", "ca-central-1_Pool42", "frank_the_user", "Sunday password", 200, 1709427600, 0, "odd", "any", "any", "any"),
    ("end-of-year", "us-east-1_AbCdEf123", "grace", "", 33, 1735689599, 0, "any", "high", "odd", "any"),
]

DEVICE_CASES = [
    # name, device group key, device key, USERNAME, secret block bytes, unix time, nanos, predicates A/salt/B/u
    ("device-plain", "-2W8Fsx1V", "us-east-1_b8e9c2b0-5f4e-4a33-b6ad-1f0f6c4bd1c0", "alice", 64, 1700000123, 0, "any", "plain", "plain", "any"),
    ("device-high-bits", "-hQ7xZk3p", "eu-west-2_0c1d2e3f-4a5b-4c6d-8e9f-a0b1c2d3e4f5", "8f1c2d3e-4b5a-6978-8a9b-0c1d2e3f4a5b", 128, 1709251199, 0, "high", "high", "high", "high"),
    ("device-odd", "-a1B2c3D4", "us-west-2_11111111-2222-4333-8444-555555555555", "bob@example.com", 40, 1706745600, 0, "plain", "odd", "odd", "odd"),
    ("device-leap-day", "-Zz9Yy8Xx", "ap-south-1_deadbeef-0000-4000-8000-feedfacecafe", "d\u00e9j\u00e0-vu", 512, 1582934400, 0, "odd", "short", "high", "plain"),
]

SECRET_HASH_CASES = [
    ("alice", "1example23456789", "secret-key-value"),
    ("bob@example.com", "5abcdefghijklmnopqrstuvwxy", "1q2w3e4r5t6y7u8i9o0pabcdefghijklmnopqrstuvwxyz12"),
    ("d\u00e9j\u00e0-vu", "client", "s\u00e9cr\u00e9t"),
    ("", "", ""),
]


def user_vector(rng, case):
    name, pool_id, user_id, password, sb_len, unix, nanos, pa, ps, pb, pu = case
    pool_name = pool_id.split("_")[1]
    a = draw(rng, lambda: rand_int(rng, 128) % BIG_N, lambda h: PRED[pa](long_to_hex(pow(G, int(h, 16), BIG_N))), "a")
    srp = make_srp(a, username="unused", password=password, pool_id=pool_id)
    a_pub = srp.large_a_value
    salt = draw(rng, lambda: rand_int(rng, 16), PRED[ps], "salt")
    salt_hex = long_to_hex(salt)
    v = pow(G, x_for(salt_hex, pool_name, user_id, password), BIG_N)

    def make_b():
        b = rand_int(rng, 32)
        big_b = (K * v + pow(G, b, BIG_N)) % BIG_N
        return b, big_b

    for _ in range(100000):
        b, big_b = make_b()
        if PRED[pb](long_to_hex(big_b)) and PRED[pu](long_to_hex(calculate_u(a_pub, big_b))):
            break
    else:
        raise RuntimeError("no B found")
    secret_block = base64.standard_b64encode(rng.randbytes(sb_len)).decode()
    b_hex = long_to_hex(big_b)

    u = calculate_u(a_pub, big_b)
    key = srp.get_password_authentication_key(user_id, password, big_b, salt_hex)
    assert bytes(key) == server_key(a_pub, b, v, u), f"{name}: server and client keys differ"

    pin_clock(unix, nanos)
    challenge = {"USER_ID_FOR_SRP": user_id, "SALT": salt_hex, "SRP_B": b_hex, "SECRET_BLOCK": secret_block}
    # pycognito answers with the challenge's USERNAME if present, else the request's; Cognito sends
    # USERNAME = USER_ID_FOR_SRP, as does amazon-cognito-identity-js.
    response = srp.process_challenge(dict(challenge, USERNAME=user_id), {"USERNAME": "unused"})
    return {
        "name": name,
        "pool_id": pool_id,
        "password": password,
        "a": long_to_hex(a),
        "challenge": challenge,
        "now_unix": unix,
        "now_subsec_nanos": nanos,
        "srp_a": srp.get_auth_params()["SRP_A"],
        "u": long_to_hex(u),
        "key": bytes(key).hex(),
        "response": response,
    }


def device_vector(rng, case):
    name, group, device_key, username, sb_len, unix, nanos, pa, ps, pb, pu = case
    # The device was confirmed earlier: generate_hash_device gives the password, salt and verifier.
    for _ in range(100000):
        pw_bytes, salt_bytes = rng.randbytes(40), rng.randbytes(16)
        if PRED[ps](long_to_hex(int.from_bytes(salt_bytes, "big"))):
            break
    else:
        raise RuntimeError("no device salt found")
    URANDOM.queue = [pw_bytes, salt_bytes]
    device_password, config = generate_hash_device(group, device_key)
    assert not URANDOM.queue
    salt_hex = long_to_hex(int.from_bytes(base64.standard_b64decode(config["Salt"]), "big"))
    v = int.from_bytes(base64.standard_b64decode(config["PasswordVerifier"]), "big")

    a = draw(rng, lambda: rand_int(rng, 128) % BIG_N, lambda h: PRED[pa](long_to_hex(pow(G, int(h, 16), BIG_N))), "a")
    srp = make_srp(
        a, username=username, password="unused", pool_id="us-east-1_unused",
        device_key=device_key, device_group_key=group, device_password=device_password,
    )
    a_pub = srp.large_a_value
    for _ in range(100000):
        b = rand_int(rng, 32)
        big_b = (K * v + pow(G, b, BIG_N)) % BIG_N
        if PRED[pb](long_to_hex(big_b)) and PRED[pu](long_to_hex(calculate_u(a_pub, big_b))):
            break
    else:
        raise RuntimeError("no B found")
    secret_block = base64.standard_b64encode(rng.randbytes(sb_len)).decode()
    u = calculate_u(a_pub, big_b)
    key = srp.get_device_authentication_key(group, device_key, device_password, big_b, salt_hex)
    assert bytes(key) == server_key(a_pub, b, v, u), f"{name}: server and client keys differ"

    pin_clock(unix, nanos)
    challenge = {"USERNAME": username, "SALT": salt_hex, "SRP_B": long_to_hex(big_b), "SECRET_BLOCK": secret_block}
    response = srp.process_device_challenge(challenge)
    return {
        "name": name,
        "device_group_key": group,
        "device_key": device_key,
        "device_password": device_password,
        "a": long_to_hex(a),
        "challenge": challenge,
        "now_unix": unix,
        "now_subsec_nanos": nanos,
        "srp_a": long_to_hex(a_pub),
        "u": long_to_hex(u),
        "key": bytes(key).hex(),
        "response": response,
        "device_verifier": {
            "password_random": pw_bytes.hex(),
            "salt_random": salt_bytes.hex(),
            "device_password": device_password,
            "salt_b64": config["Salt"],
            "verifier_b64": config["PasswordVerifier"],
        },
    }


def main():
    rng = random.Random(20240501)
    users = [user_vector(rng, c) for c in USER_CASES]
    devices = [device_vector(rng, c) for c in DEVICE_CASES]

    # Coverage of the padding rules across all vectors.
    def covered(values):
        return {k for k, p in (("high", high_bit), ("odd", odd), ("plain", plain)) for h in values if p(h)}

    every = users + devices
    for field, get in (
        ("salt", lambda v: v["challenge"]["SALT"]),
        ("srp_a", lambda v: v["srp_a"]),
        ("SRP_B", lambda v: v["challenge"]["SRP_B"]),
        ("u", lambda v: v["u"]),
    ):
        got = covered([get(v) for v in every])
        assert got == {"high", "odd", "plain"}, (field, got)

    secret_hashes = [
        {"username": u, "client_id": c, "client_secret": s, "secret_hash": AWSSRP.get_secret_hash(u, c, s)}
        for (u, c, s) in SECRET_HASH_CASES
    ]
    doc = {
        "generator": f"scripts/srp_vectors.py with pycognito {importlib.metadata.version('pycognito')} "
        f"on Python {platform.python_version()}",
        "k": long_to_hex(K),
        "user_srp": users,
        "device_srp": devices,
        "secret_hash": secret_hashes,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {len(users)} user, {len(devices)} device and {len(secret_hashes)} secret-hash vectors to {OUT}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
