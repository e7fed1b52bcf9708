#!/usr/bin/env bash
# Fuzzes one target of fuzz/ with cargo-fuzz / libFuzzer for N seconds (default 60), starting from the
# committed seeds in fuzz/seeds/TARGET and the dictionary fuzz/TARGET.dict:
#   decode  the response decoders (fuzz_targets/decode.rs; the default)
#   token   JWT verification, verify_sync against a fixed JWKS (fuzz_targets/token.rs)
#   jwks    the JWKS parser and key lookup (fuzz_targets/jwks.rs)
# New corpus entries go to fuzz/corpus/TARGET, crashes to fuzz/artifacts/TARGET (both git-ignored).
# Arguments after the target go to libFuzzer as they are (e.g. -runs=1000000).
#   bash scripts/fuzz.sh                  # decode, 60 s
#   bash scripts/fuzz.sh 600 token        # token, 10 min
#   bash scripts/fuzz.sh 300 jwks -runs=2000000
# libFuzzer prints `#N` progress lines and, at the end, `stat::number_of_executed_units`.
# cargo-fuzz needs nightly flags; RUSTC_BOOTSTRAP=1 lets the stable toolchain accept them. cargo-fuzz is
# installed from crates.io on first use. fuzz/make_jwt_seeds.py remakes the fixtures and seeds of token
# and jwks.
set -euo pipefail

SECONDS_TO_RUN="${1:-60}"
TARGET="${2:-decode}"
shift $(( $# < 2 ? $# : 2 ))
case "$TARGET" in
    decode | token | jwks) ;;
    *)
        echo "usage: bash scripts/fuzz.sh [SECONDS] [decode|token|jwks] [libFuzzer arguments...]" >&2
        exit 2
        ;;
esac
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO/fuzz"

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

mkdir -p "corpus/$TARGET"
RUSTC_BOOTSTRAP=1 cargo fuzz run "$TARGET" "corpus/$TARGET" "seeds/$TARGET" -- \
    -dict="$TARGET.dict" \
    -max_total_time="$SECONDS_TO_RUN" \
    -max_len=65536 \
    -timeout=10 \
    -rss_limit_mb=2048 \
    -print_final_stats=1 \
    "$@"
