#!/usr/bin/env bash
# Build cost of an app that uses this crate: a clean `cargo build --release` of the quickstart example's
# code as a standalone binary crate (cognito as a path dependency), for three feature sets:
#
#   idp       `idp` + `rustls`: the smallest app that can call real AWS (https)
#   idp-http  `idp` alone: plain http only (a local emulator), no TLS stack
#   default   the default features (idp, identity, sync, srp, tracing, rustls)
#
# Reports the wall time, the crates in `cargo tree -e normal` (the app itself included) and the stripped
# binary size.
#
#   bash scripts/build_cost.sh            # all three
#   bash scripts/build_cost.sh idp        # one of them
#
# Each build uses a fresh target directory under $BUILD_COST_DIR (default /tmp/cognito-build-cost) and the
# registry cache only, so the figure is a clean build. Nothing else should be building meanwhile.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
work="${BUILD_COST_DIR:-/tmp/cognito-build-cost}"
which="${1:-all}"

measure() {
    local name="$1" features="$2"
    local app="$work/$name"
    rm -rf "$app"
    mkdir -p "$app/src"
    cp "$repo/examples/quickstart.rs" "$app/src/main.rs"
    cat >"$app/Cargo.toml" <<EOF
[package]
name = "quickstart-$name"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
cognito = { path = "$repo", $features }
tokio = { version = "1", features = ["rt-multi-thread", "macros"] }

[workspace]
EOF
    (cd "$app" && cargo generate-lockfile -q)
    local start end
    start=$(date +%s.%N)
    (cd "$app" && cargo build --release -q)
    end=$(date +%s.%N)
    local crates size
    crates=$(cd "$app" && cargo tree -e normal --prefix none | sed 's/ (\*)//' | sort -u | wc -l)
    strip -o "$app/stripped" "$app/target/release/quickstart-$name"
    size=$(stat -c %s "$app/stripped")
    printf '%-8s clean release build %6.1f s   crates %3d   stripped %s bytes (%.2f MB)\n' \
        "$name" "$(echo "$end - $start" | bc)" "$crates" "$size" "$(echo "$size / 1000000" | bc -l)"
}

case "$which" in
idp) measure idp 'default-features = false, features = ["idp", "rustls"]' ;;
idp-http) measure idp-http 'default-features = false, features = ["idp"]' ;;
default) measure default 'features = []' ;;
all)
    measure idp 'default-features = false, features = ["idp", "rustls"]'
    measure idp-http 'default-features = false, features = ["idp"]'
    measure default 'features = []'
    ;;
*)
    echo "usage: $0 [idp|idp-http|default|all]" >&2
    exit 2
    ;;
esac
