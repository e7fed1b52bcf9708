#!/usr/bin/env bash
# The project's single test command: installs the test servers on first use, then runs
# every test of the workspace. Extra arguments go to `cargo test`.
#   bash scripts/test.sh
#   bash scripts/test.sh --test idp_moto -- --nocapture
#
# Tests that need a server it could not install are skipped, not passed: each writes a line to the file
# named by COGNITO_TEST_SKIP_LOG, and the run ends with how many were skipped and why. In CI (CI=true) a
# missing server is a failure instead.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

is_ci() {
    case "${CI:-}" in
        true | TRUE | True | 1) return 0 ;;
        *) return 1 ;;
    esac
}

# moto (user pools, identity pools); tests start and stop their own servers on 127.0.0.1.
if MOTO_PY="$(bash scripts/moto.sh | tail -n 1)"; then
    export MOTO_PYTHON="$MOTO_PY"
elif is_ci; then
    echo "test.sh: moto could not be installed, and CI is set: failing" >&2
    exit 1
else
    echo "test.sh: moto could not be installed: the tests that need it will be skipped" >&2
fi

COGNITO_TEST_SKIP_LOG="$(mktemp "${TMPDIR:-/tmp}/cognito-skips.XXXXXX")"
export COGNITO_TEST_SKIP_LOG
trap 'rm -f "$COGNITO_TEST_SKIP_LOG"' EXIT

status=0
cargo test --workspace --all-features "$@" || status=$?

# One line per skipped test (a test that skips twice counts once); the last lines say how many and why.
if [ -s "$COGNITO_TEST_SKIP_LOG" ]; then
    echo
    echo "test.sh: skipped tests (reported as passed by cargo, but they did not run):"
    sort -u "$COGNITO_TEST_SKIP_LOG" | cut -f1 | sed 's/^/    /'
    sort -u "$COGNITO_TEST_SKIP_LOG" | cut -f2 | sort | uniq -c | while read -r count reason; do
        echo "test.sh: $count test(s) SKIPPED: $reason"
    done
else
    echo "test.sh: no test skipped"
fi
exit "$status"
