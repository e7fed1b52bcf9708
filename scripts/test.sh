#!/usr/bin/env bash
# The project's single test command: installs the test servers on first use, then runs
# every test of the workspace. Extra arguments go to `cargo test`.
#   bash scripts/test.sh
#   bash scripts/test.sh --test idp_moto -- --nocapture
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

# moto (user pools, identity pools); tests start and stop their own servers on 127.0.0.1.
MOTO_PYTHON="$(bash scripts/moto.sh | tail -n 1)"
export MOTO_PYTHON

cargo test --workspace --all-features "$@"
