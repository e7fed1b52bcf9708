#!/usr/bin/env bash
# Client benchmark, in one run: `cognito`, a hand-written reqwest + aws-sigv4 + serde_json floor and the
# official SDK (aws-config + aws-sdk-cognitoidentityprovider) calling AdminGetUser on one canned-response
# server on 127.0.0.1 (cognito-bench --server, a separate process), at concurrency 1 and 32. Prints, per
# client and concurrency, requests/s and client CPU µs per request (median of the rounds, with the range),
# then a side-by-side table with the ratios to the floor.
#
# Builds bench/ (cognito-bench, a workspace member) and bench/official (its own workspace, outside the
# repository's, so `cargo test --workspace` never compiles the official SDK) in release, the latter into
# target/official-bench. Extra arguments go to cognito-bench:
#   bash scripts/bench.sh
#   bash scripts/bench.sh --requests 50000 --concurrency 1,8,32 --max-seconds 30
#   BENCH_OFFICIAL=0 bash scripts/bench.sh     # cognito and the floor only (no official SDK build)
# The machine is shared: hold its build lock, e.g. `flock /tmp/cargo.lock bash scripts/bench.sh`.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

cargo build --release --package cognito-bench
official=()
if [[ "${BENCH_OFFICIAL:-1}" != 0 ]]; then
    cargo build --release --manifest-path bench/official/Cargo.toml --target-dir target/official-bench
    official=(--official "$REPO/target/official-bench/release/official-bench")
fi
echo "machine: $(nproc) CPUs; $(lscpu | grep -m1 'Model name' | sed 's/Model name: *//')" >&2
exec "$REPO/target/release/cognito-bench" "${official[@]}" "$@"
