#!/usr/bin/env bash
# Fuzzes the response decoders (fuzz/fuzz_targets/decode.rs) with cargo-fuzz / libFuzzer for N seconds
# (default 60), starting from the committed seeds in fuzz/seeds/decode and the dictionary fuzz/decode.dict.
# New corpus entries go to fuzz/corpus/decode, crashes to fuzz/artifacts/decode (both git-ignored).
#   bash scripts/fuzz.sh          # 60 s
#   bash scripts/fuzz.sh 600      # 10 min
# cargo-fuzz needs nightly flags; RUSTC_BOOTSTRAP=1 lets the stable toolchain accept them. cargo-fuzz is
# installed from crates.io on first use.
set -euo pipefail

SECONDS_TO_RUN="${1:-60}"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO/fuzz"

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

mkdir -p corpus/decode
RUSTC_BOOTSTRAP=1 cargo fuzz run decode corpus/decode seeds/decode -- \
    -dict=decode.dict \
    -max_total_time="$SECONDS_TO_RUN" \
    -max_len=65536 \
    -timeout=10 \
    -rss_limit_mb=2048 \
    -print_final_stats=1
