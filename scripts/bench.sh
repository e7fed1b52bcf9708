#!/usr/bin/env bash
# Client benchmark (bench/): builds cognito-bench in release and runs it. It starts its own canned-response
# server on 127.0.0.1 (the same binary with --server, in a separate process) and prints, for AdminGetUser at
# concurrency 1 and 32, requests/s and client CPU µs per request for `cognito` and for a hand-written
# reqwest + aws-sigv4 + serde_json floor. Extra arguments go to the binary:
#   bash scripts/bench.sh
#   bash scripts/bench.sh --requests 50000 --concurrency 1,8,32 --max-seconds 30
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

cargo build --release --package cognito-bench
echo "machine: $(nproc) CPUs; $(lscpu | grep -m1 'Model name' | sed 's/Model name: *//')" >&2
exec "$REPO/target/release/cognito-bench" "$@"
