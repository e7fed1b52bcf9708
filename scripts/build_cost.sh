#!/usr/bin/env bash
# Build cost of an app that uses this crate: a clean `cargo build --release` of the quickstart example's
# code as a standalone binary crate (cognito as a path dependency), for three feature sets:
#
#   idp         `idp` + `rustls`: the smallest app that can call real AWS (https)
#   idp-native  `idp` + `native-tls`: the same over the platform's TLS (OpenSSL on Linux; needs libssl-dev)
#   idp-http    `idp` alone: plain http only (a local emulator), no TLS stack
#   default     the default features (idp, identity, sync, srp, tracing, rustls)
#
# and two references that are not part of `all`:
#
#   floor       cognito's own dependencies with `idp` + `rustls` (read from Cargo.toml) and the quickstart's
#               tokio, with an empty `main`: what any app that keeps these dependencies pays before a line
#               of cognito is compiled
#   official    the official SDK's minimal app (aws-config and aws-sdk-cognitoidentityprovider with trimmed
#               features, one AdminGetUser call), for a same-machine comparison
#
# Reports the wall time, the crates in `cargo tree -e normal` (the app itself included) and the stripped
# binary size.
#
#   bash scripts/build_cost.sh            # idp, idp-native, idp-http and default
#   bash scripts/build_cost.sh idp        # one of them
#
# Each build uses a fresh target directory under $BUILD_COST_DIR (default /tmp/cognito-build-cost) and the
# registry cache only, so the figure is a clean build. Nothing else should be building meanwhile.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
work="${BUILD_COST_DIR:-/tmp/cognito-build-cost}"
which="${1:-all}"

# new_app NAME: an empty binary crate at $work/NAME; prints its directory.
new_app() {
    local app="$work/$1"
    rm -rf "$app"
    mkdir -p "$app/src"
    echo "$app"
}

# manifest NAME DEPENDENCIES: the app's Cargo.toml.
manifest() {
    cat <<EOF
[package]
name = "$1"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
$2

[workspace]
EOF
}

# measure APP: a clean release build of the app at APP, then its crates and stripped size.
measure() {
    local app="$1" name
    name="$(basename "$app")"
    (cd "$app" && cargo generate-lockfile -q)
    local start end
    start=$(date +%s.%N)
    (cd "$app" && cargo build --release -q)
    end=$(date +%s.%N)
    local crates size bin
    crates=$(cd "$app" && cargo tree -e normal --prefix none | sed 's/ (\*)//' | sort -u | wc -l)
    bin="$app/target/release/$(sed -n 's/^name = "\(.*\)"/\1/p' "$app/Cargo.toml" | head -1)"
    strip -o "$app/stripped" "$bin"
    size=$(stat -c %s "$app/stripped")
    printf '%-10s clean release build %6.1f s   crates %3d   stripped %s bytes (%.2f MB)\n' \
        "$name" "$(echo "$end - $start" | bc)" "$crates" "$size" "$(echo "$size / 1000000" | bc -l)"
}

# cognito_app NAME FEATURES: the quickstart against cognito with FEATURES (a TOML inline-table tail).
cognito_app() {
    local app
    app="$(new_app "$1")"
    cp "$repo/examples/quickstart.rs" "$app/src/main.rs"
    manifest "quickstart-$1" "cognito = { path = \"$repo\", $2 }
tokio = { version = \"1\", features = [\"rt-multi-thread\", \"macros\"] }" >"$app/Cargo.toml"
    measure "$app"
}

# floor_app: cognito's [dependencies] minus the optional ones `idp` + `rustls` leave out, with an empty main.
floor_app() {
    local app deps
    app="$(new_app floor)"
    deps=$(awk '
        /^\[dependencies\]/ { on = 1; next }
        /^\[/ { on = 0 }
        on && NF {
            if ($0 ~ /optional = true/ && $1 !~ /^(rustls|tokio-rustls|webpki-roots)$/) next
            sub(/, optional = true/, "")
            if ($1 == "tokio") next
            print
        }' "$repo/Cargo.toml")
    manifest floor "$deps
tokio = { version = \"1\", features = [\"net\", \"rt\", \"sync\", \"time\", \"rt-multi-thread\", \"macros\"] }" \
        >"$app/Cargo.toml"
    cat >"$app/src/main.rs" <<'EOF'
//! cognito's dependency set and nothing else.
#[tokio::main]
async fn main() {
    println!("{:?}", rustls::version::TLS13);
}
EOF
    measure "$app"
}

# official_app: the official SDK's minimal user-pools app.
official_app() {
    local app
    app="$(new_app official)"
    manifest official 'aws-config = { version = "1", default-features = false, features = ["rt-tokio", "default-https-client", "behavior-version-latest"] }
aws-sdk-cognitoidentityprovider = { version = "1", default-features = false, features = ["rt-tokio", "default-https-client", "behavior-version-latest"] }
tokio = { version = "1", features = ["rt-multi-thread", "macros"] }' >"$app/Cargo.toml"
    cat >"$app/src/main.rs" <<'EOF'
//! The official SDK's minimal app: load the configuration, call AdminGetUser once.
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = aws_config::load_from_env().await;
    let client = aws_sdk_cognitoidentityprovider::Client::new(&config);
    let pool = std::env::var("POOL_ID").unwrap_or_default();
    let out = client.admin_get_user().user_pool_id(pool).username("alice").send().await?;
    println!("{:?}", out.username());
    Ok(())
}
EOF
    measure "$app"
}

case "$which" in
idp) cognito_app idp 'default-features = false, features = ["idp", "rustls"]' ;;
idp-native) cognito_app idp-native 'default-features = false, features = ["idp", "native-tls"]' ;;
idp-http) cognito_app idp-http 'default-features = false, features = ["idp"]' ;;
default) cognito_app default 'features = []' ;;
floor) floor_app ;;
official) official_app ;;
all)
    cognito_app idp 'default-features = false, features = ["idp", "rustls"]'
    cognito_app idp-native 'default-features = false, features = ["idp", "native-tls"]'
    cognito_app idp-http 'default-features = false, features = ["idp"]'
    cognito_app default 'features = []'
    ;;
*)
    echo "usage: $0 [idp|idp-native|idp-http|default|floor|official|all]" >&2
    exit 2
    ;;
esac
