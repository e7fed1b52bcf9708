#!/usr/bin/env python3
"""Known-answer SigV4 signatures, computed with botocore (an independent signer and serializer).

Regenerate with the Python of moto's virtualenv (moto depends on botocore; nothing is installed and no
network is used):

    bash scripts/moto.sh                                  # creates .venv with moto[server] (and botocore)
    .venv/bin/python scripts/sigv4_vectors.py             # writes tests/data/sigv4/botocore.json

For one request of each service — a user-pools call (AWS JSON 1.1), an identity-pools call with session
credentials (AWS JSON 1.1), and two Cognito Sync calls (REST-JSON) whose path carries an identity id with
a `:` and whose query and body carry `+`, `/` and `=` — the script:

1. serializes the parameters with botocore's own serializer for the service's protocol, from botocore's
   own service model (method, path with its labels percent-encoded, query string, headers, body);
2. writes the JSON body compactly (botocore writes `{"a": 1}`, the crate `{"a":1}`; the members are
   given in the crate's declaration order) and checks that it decodes to exactly botocore's body;
3. signs that request with botocore's `SigV4Auth`, the clock pinned to 2026-12-02T12:34:56Z and fixed
   credentials;
4. records the method, URL, headers, body, canonical request, string to sign, and the headers the
   signer adds (`Authorization`, `X-Amz-Date`, `X-Amz-Security-Token`).

The Rust test (`known_answer_signatures` in `src/sign.rs`) builds each request with the crate's generated
operations, checks that method, URL, headers and body are byte-identical to these, signs it with the
crate's signer at the same time with the same credentials, and compares every signing header exactly.
"""

import datetime
import hashlib
import importlib.metadata
import json
import os
import platform
import sys

import botocore.auth
import botocore.credentials
import botocore.serialize
import botocore.session
from botocore.awsrequest import AWSRequest
from botocore.utils import percent_encode_sequence

TIME = datetime.datetime(2026, 12, 2, 12, 34, 56, tzinfo=datetime.timezone.utc)
REGION = "us-east-1"
ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
SESSION_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLE+session/token=="
IDENTITY_ID = "us-east-1:0f9e8d7c-6b5a-4c3d-9e2f-1a0b9c8d7e6f"
POOL_ID = "us-east-1:4a5b6c7d-8e9f-4a0b-9c1d-2e3f4a5b6c7d"

# (name, service, signing name, operation, parameters in the crate's member order, session token?)
CASES = [
    (
        "idp_list_users",
        "cognito-idp",
        "cognito-idp",
        "ListUsers",
        {
            "UserPoolId": "us-east-1_AbCdEfGhI",
            "AttributesToGet": ["email", "custom:team/role"],
            "Limit": 60,
            "PaginationToken": "eyJ+page/token==",
            "Filter": 'email ^= "a+b/c="',
        },
        False,
    ),
    (
        "identity_get_open_id_token_for_developer_identity",
        "cognito-identity",
        "cognito-identity",
        "GetOpenIdTokenForDeveloperIdentity",
        {
            "IdentityPoolId": POOL_ID,
            "IdentityId": IDENTITY_ID,
            "Logins": {"login.example.com": "alice+1/x="},
            "TokenDuration": 3600,
        },
        True,
    ),
    (
        "sync_list_records",
        "cognito-sync",
        "cognito-sync",
        "ListRecords",
        {
            "IdentityPoolId": POOL_ID,
            "IdentityId": IDENTITY_ID,
            "DatasetName": "settings.v1",
            "LastSyncCount": 7,
            "NextToken": "a+b/c==",
            "MaxResults": 10,
            "SyncSessionToken": "s=1+2/3",
        },
        False,
    ),
    (
        "sync_update_records",
        "cognito-sync",
        "cognito-sync",
        "UpdateRecords",
        {
            "IdentityPoolId": POOL_ID,
            "IdentityId": IDENTITY_ID,
            "DatasetName": "settings.v1",
            "DeviceId": "device+1/a=",
            "RecordPatches": [
                {
                    "Op": "replace",
                    "Key": "theme",
                    "Value": "dark+blue/=",
                    "SyncCount": 3,
                }
            ],
            "SyncSessionToken": "s=1+2/3",
        },
        False,
    ),
]


def endpoint(service):
    return f"https://{service}.{REGION}.amazonaws.com"


def compact(body_bytes):
    """The body as the crate writes it: the same members, with no spaces."""
    if not body_bytes:
        return b""
    return json.dumps(json.loads(body_bytes), separators=(",", ":")).encode("utf-8")


def main():
    out_path = os.path.join(os.path.dirname(__file__), "..", "tests", "data", "sigv4", "botocore.json")
    session = botocore.session.get_session()
    # Pin the signer's clock.
    botocore.auth.get_current_datetime = lambda: TIME.replace(tzinfo=None)

    vectors = []
    for name, service, signing_name, operation, params, with_token in CASES:
        model = session.get_service_model(service)
        op = model.operation_model(operation)
        serializer = botocore.serialize.create_serializer(model.metadata["protocol"], include_validation=True)
        serialized = serializer.serialize_to_request(params, op)

        body = compact(serialized["body"])
        if serialized["body"]:
            assert json.loads(body) == json.loads(serialized["body"]), name
        url = endpoint(service) + serialized["url_path"]
        if serialized["query_string"]:
            url += "?" + percent_encode_sequence(serialized["query_string"])
        headers = {k.lower(): v for k, v in serialized["headers"].items()}

        credentials = botocore.credentials.Credentials(
            ACCESS_KEY, SECRET_KEY, SESSION_TOKEN if with_token else None
        )
        request = AWSRequest(method=serialized["method"], url=url, headers=dict(headers), data=body)
        signer = botocore.auth.SigV4Auth(credentials, signing_name, REGION)
        signer.add_auth(request)
        # What was signed: the request as it was before `Authorization` was added.
        unsigned = AWSRequest(method=request.method, url=request.url, headers=dict(request.headers), data=body)
        del unsigned.headers["Authorization"]
        unsigned.context = request.context
        canonical = signer.canonical_request(unsigned)
        string_to_sign = signer.string_to_sign(unsigned, canonical)
        signature = signer.signature(string_to_sign, unsigned)
        assert request.headers["Authorization"].endswith("Signature=" + signature), name

        added = {}
        for k, v in request.headers.items():
            if k.lower() not in headers:
                added[k.lower()] = v
        assert set(added) <= {"authorization", "x-amz-date", "x-amz-security-token"}, added
        vectors.append(
            {
                "name": name,
                "service": service,
                "signing_name": signing_name,
                "operation": operation,
                "session_token": SESSION_TOKEN if with_token else None,
                "method": serialized["method"],
                "url": url,
                "headers": headers,
                "body": body.decode("utf-8"),
                "body_sha256": hashlib.sha256(body).hexdigest(),
                "canonical_request": canonical,
                "string_to_sign": string_to_sign,
                "signed": added,
            }
        )

    # The cases must exercise what they are there for.
    sync = [v for v in vectors if v["service"] == "cognito-sync"]
    assert any("%3A" in v["url"].split("?")[0] for v in sync), "a path label with `:`"
    query = next(v["url"].split("?", 1)[1] for v in sync if "?" in v["url"])
    for encoded in ("%2B", "%2F", "%3D"):
        assert encoded in query, f"a query with {encoded}"
    assert any(v["session_token"] for v in vectors)

    document = {
        "generator": "scripts/sigv4_vectors.py",
        "botocore": importlib.metadata.version("botocore"),
        "python": platform.python_version(),
        "region": REGION,
        "time": TIME.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "time_unix": int(TIME.timestamp()),
        "access_key": ACCESS_KEY,
        "secret_key": SECRET_KEY,
        "vectors": vectors,
    }
    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(document, f, indent=2, sort_keys=False)
        f.write("\n")
    print(f"wrote {len(vectors)} vectors to {os.path.normpath(out_path)}", file=sys.stderr)


if __name__ == "__main__":
    main()
