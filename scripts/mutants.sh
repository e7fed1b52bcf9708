#!/usr/bin/env bash
# Mutation testing of the code that decides behaviour, with cargo-mutants (https://mutants.rs): each
# mutant (a `>` made `>=`, a constant changed, a function body replaced by a default value, …) is built and
# the test suite run against it; a mutant no test notices ("missed") marks a hole in the tests.
#
# Too slow for CI (every mutant is a build and a test run: hours on 2 cores); run it by hand before
# resolving a change to these files, and put the figures and the survivors in README.md ("Mutation
# testing"). Goal: at least 90 % of the viable mutants caught.
#
#   bash scripts/mutants.sh                 # every core file below
#   bash scripts/mutants.sh -j 4            # extra arguments go to cargo mutants (here: 4 jobs)
#   bash scripts/mutants.sh --file src/retry.rs   # only the given file(s) instead of the list
#   MUTANTS_ALL_TESTS=1 bash scripts/mutants.sh   # also run the slow tests (see SLOW_TESTS)
#
# Results go to target/mutants/mutants.out (override with MUTANTS_OUT=DIR): caught.txt, missed.txt,
# timeout.txt, unviable.txt, and a log and a diff per mutant. The script ends with the counts and the
# score, and exits 0 only when the score reaches the goal (cargo-mutants' own exit code otherwise, for a
# broken baseline or a usage error).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

GOAL_PERCENT=90

# The core: retry and backoff; pagination; signing and the request builders (and the send path that
# assembles each attempt); error decoding; SECRET_HASH / app-client secret filling; SRP and the sign-in
# flow; token refresh; JWT claim checks. (The generated code comes from macro_rules! in src/macros.rs,
# which cargo-mutants does not mutate: its behaviour is tested through the runtime functions it calls.)
CORE_FILES=(
    src/retry.rs
    src/paginate.rs
    src/sign.rs
    src/client.rs
    src/operation.rs
    src/error.rs
    src/auth/secret_hash.rs
    src/auth/app_client.rs
    src/auth/srp.rs
    src/auth/flow.rs
    src/auth/tokens.rs
    src/jwt/claims.rs
    src/jwt/verifier.rs
)

# Tests that take seconds and guard against panics and leaks rather than decide outcomes: skipped by
# default so that each mutant's test run stays short.
SLOW_TESTS=(decoders_never_panic served_responses_end_in_typed_results many_tasks_share_one_client)

if ! cargo mutants --version >/dev/null 2>&1; then
    echo "mutants.sh: installing cargo-mutants from crates.io" >&2
    cargo install cargo-mutants --locked
fi

# The moto tests take part: they kill mutants of the sign-in flow and of signing.
if MOTO_PY="$(bash scripts/moto.sh | tail -n 1)"; then
    export MOTO_PYTHON="$MOTO_PY"
else
    echo "mutants.sh: moto could not be installed: its tests will skip, and the score will be lower" >&2
fi

file_args=()
if ! printf '%s\n' "$@" | grep -qx -- '--file\|-f'; then
    for f in "${CORE_FILES[@]}"; do
        file_args+=(--file "$f")
    done
fi

test_args=()
if [ "${MUTANTS_ALL_TESTS:-0}" != 1 ]; then
    test_args+=(--)
    for t in "${SLOW_TESTS[@]}"; do
        test_args+=(--skip "$t")
    done
fi

OUT="${MUTANTS_OUT:-$REPO/target/mutants}"
mkdir -p "$OUT"

status=0
cargo mutants --all-features --output "$OUT" "${file_args[@]}" "$@" -- "${test_args[@]}" || status=$?

# 0: all caught; 2: some missed; 3: some timed out (counted as caught). Anything else is not a result.
case "$status" in
    0 | 2 | 3) ;;
    *)
        echo "mutants.sh: cargo mutants failed (exit $status); see $OUT/mutants.out/logs" >&2
        exit "$status"
        ;;
esac

dir="$OUT/mutants.out"
[ -f "$dir/caught.txt" ] || dir="$OUT"
count() { if [ -f "$dir/$1" ]; then grep -c . "$dir/$1" || true; else echo 0; fi; }
caught="$(count caught.txt)"
missed="$(count missed.txt)"
timeout="$(count timeout.txt)"
unviable="$(count unviable.txt)"
viable=$((caught + missed + timeout))

if [ "$missed" -gt 0 ]; then
    echo
    echo "mutants.sh: missed mutants (no test failed):"
    sed 's/^/    /' "$dir/missed.txt"
fi
echo
if [ "$viable" -eq 0 ]; then
    echo "mutants.sh: no viable mutant was tested"
    exit 1
fi
score_tenths=$(((caught + timeout) * 1000 / viable))
echo "mutants.sh: $caught caught, $timeout timed out (counted as caught), $missed missed, $unviable unviable:" \
    "$((score_tenths / 10)).$((score_tenths % 10)) % of $viable viable mutants caught (goal: $GOAL_PERCENT %)"
if [ "$score_tenths" -ge $((GOAL_PERCENT * 10)) ]; then
    exit 0
fi
exit 2
