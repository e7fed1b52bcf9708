#!/usr/bin/env bash
# Build cost of an app that uses this crate: a clean `cargo build --release` of the quickstart example's
# code as a standalone binary crate (cognito as a path dependency), for three feature sets:
#
#   idp         `idp` + `rustls`: the smallest app that can call real AWS (https)
#   idp-native  `idp` + `native-tls`: the same over the platform's TLS (OpenSSL on Linux; needs libssl-dev)
#   idp-http    `idp` alone: plain http only (a local emulator), no TLS stack
#   default     the default features (idp, identity, sync, srp, tracing, rustls)
#
# and references that are not part of `all`:
#
#   floor       cognito's own dependencies with `idp` + `rustls` (read from Cargo.toml: reqwest with its
#               `rustls` feature) and the quickstart's tokio, with an empty `main`: what any app that keeps
#               these dependencies pays before a line of cognito is compiled
#   official    the official SDK's minimal app (aws-config and aws-sdk-cognitoidentityprovider with trimmed
#               features, one AdminGetUser call), for a same-machine comparison
#
# and the typical service, a small axum + reqwest (its default features: rustls with aws-lc-rs, http2,
# charset, system-proxy) + serde (derive) + thiserror + tracing + tokio (rt-multi-thread, macros) app
# whose `main` uses each:
#
#   service              the service alone
#   service-cognito      the service with cognito (a path dependency, default features), used in `main`
#   service-official     the service with aws-config + aws-sdk-cognitoidentityprovider (default features
#                        and behavior-version-latest, what a user adds), used in `main` the same way
#   service-add-cognito  builds the service clean, then adds cognito (as in service-cognito) and builds
#                        again: the incremental wall time, and every unit the second build compiled, split
#                        into the crates cognito brings and the shared crates recompiled (with the
#                        features that changed, from the two builds' `--timings` unit lists)
#
# Reports the wall time, the crates in `cargo tree -e normal` (the app itself included) and the stripped
# binary size; where cognito is built, also its own units (cognito-codegen, cognito's build script and
# the cognito library) with their times from `cargo build --timings` (the unit table of
# target/cargo-timings/cargo-timing.html).
#
#   bash scripts/build_cost.sh            # idp, idp-native, idp-http and default
#   bash scripts/build_cost.sh idp        # one of them
#   flock /tmp/cargo.lock bash scripts/build_cost.sh service-add-cognito    # on a shared machine
#
# Each build uses a fresh target directory under $BUILD_COST_DIR (default /tmp/cognito-build-cost) and the
# registry cache only (crates are fetched before the clock starts), so the figure is a clean build.
# Nothing else should be building meanwhile.
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

# build APP [LABEL]: `cargo build --release --timings` of the app at APP (its crates fetched first); prints
# the wall time in seconds and keeps the timing report as APP/timings-LABEL.html.
build() {
    local app="$1" label="${2:-clean}" start end
    (cd "$app" && cargo fetch -q)
    start=$(date +%s.%N)
    (cd "$app" && cargo build --release -q --timings 2>"$app/build-$label.log") || {
        cat "$app/build-$label.log" >&2
        return 1
    }
    end=$(date +%s.%N)
    cp "$app/target/cargo-timings/cargo-timing.html" "$app/timings-$label.html"
    echo "$end - $start" | bc
}

# units HTML: the units a `--timings` report lists, one a line: name, version, mode, target, features
# (comma-separated), duration (s) and start (s; fresh units: no start and no duration), tab-separated.
units() {
    python3 - "$1" <<'EOF'
import json, sys
html = open(sys.argv[1], encoding="utf-8").read()
start = html.index("[", html.index("const UNIT_DATA ="))
data, _ = json.JSONDecoder().raw_decode(html, start)
for u in data:
    print("\t".join([u["name"], u["version"], u["mode"], u["target"].strip() or "lib",
                     ",".join(u["features"]), "%.2f" % u["duration"], "%.2f" % u["start"]]))
EOF
}

# cognito_units HTML: cognito's own units in a timing report, and their sum.
cognito_units() {
    units "$1" | awk -F'\t' '
        $1 == "cognito" || $1 == "cognito-codegen" {
            what = $1 " " $4
            printf "    %-40s %7.2f s   (from %.1f s to %.1f s of the build)\n", what, $6, $7, $7 + $6
            sum += $6
        }
        $6 + $7 > span { span = $6 + $7 }
        END {
            if (sum > 0) printf "    %-40s %7.2f s   (the last unit ended at %.1f s)\n", "cognito, all its own units", sum, span
        }'
}

# measure APP: a clean release build of the app at APP, then its crates and stripped size (and
# cognito's units when it has them).
measure() {
    local app="$1" name
    name="$(basename "$app")"
    (cd "$app" && cargo generate-lockfile -q)
    local secs crates size bin
    secs=$(build "$app" clean)
    crates=$(cd "$app" && cargo tree -e normal --prefix none | sed 's/ (\*)//' | sort -u | wc -l)
    bin="$app/target/release/$(sed -n 's/^name = "\(.*\)"/\1/p' "$app/Cargo.toml" | head -1)"
    strip -o "$app/stripped" "$bin"
    size=$(stat -c %s "$app/stripped")
    printf '%-10s clean release build %6.1f s   crates %3d   stripped %s bytes (%.2f MB)\n' \
        "$name" "$secs" "$crates" "$size" "$(echo "$size / 1000000" | bc -l)"
    if units "$app/timings-clean.html" | grep -qP '^cognito\t'; then
        echo "  cognito's own units (cargo build --timings):"
        cognito_units "$app/timings-clean.html"
    fi
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

# floor_app: cognito's [dependencies] that `idp` + `rustls` keep (the optional ones left out, reqwest with
# its `rustls` feature), with an empty main.
floor_app() {
    local app deps
    app="$(new_app floor)"
    deps=$(awk '
        /^\[dependencies\]/ { on = 1; next }
        /^\[/ { on = 0 }
        on && NF && $0 !~ /^#/ {
            if ($0 ~ /optional = true/) next
            if ($1 == "tokio") next
            if ($1 == "reqwest") sub(/ }$/, ", features = [\"rustls\"] }")
            print
        }' "$repo/Cargo.toml")
    manifest floor "$deps
tokio = { version = \"1\", features = [\"net\", \"rt\", \"sync\", \"time\", \"rt-multi-thread\", \"macros\"] }" \
        >"$app/Cargo.toml"
    cat >"$app/src/main.rs" <<'EOF'
//! cognito's dependency set and nothing else.
#[tokio::main]
async fn main() {
    println!("{}", std::any::type_name::<reqwest::Client>());
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

# The typical service's dependencies (reqwest on its default features).
SERVICE_DEPS='axum = "0.8"
reqwest = "0.13"
serde = { version = "1", features = ["derive"] }
thiserror = "2"
tracing = "0.1"
tokio = { version = "1", features = ["rt-multi-thread", "macros"] }'

# What each variant adds to the service's dependencies, and to its `main`.
COGNITO_DEP="cognito = { path = \"$repo\" }"
COGNITO_MAIN='    let idp = cognito::idp::Client::new(&cognito::Config::from_env().await?);
    let user = idp.admin_get_user().user_pool_id("us-east-1_Example").username("alice").send().await;
    tracing::info!(ok = user.is_ok(), "cognito");'
OFFICIAL_DEPS='aws-config = { version = "1", features = ["behavior-version-latest"] }
aws-sdk-cognitoidentityprovider = { version = "1", features = ["behavior-version-latest"] }'
OFFICIAL_MAIN='    let idp = aws_sdk_cognitoidentityprovider::Client::new(&aws_config::load_from_env().await);
    let user = idp.admin_get_user().user_pool_id("us-east-1_Example").username("alice").send().await;
    tracing::info!(ok = user.is_ok(), "official SDK");'

# service_main EXTRA: the service's main.rs, with EXTRA (lines of `main`) before the router is built.
service_main() {
    cat <<'EOF'
//! A typical small service: an axum API that calls out with reqwest, serde types, a thiserror error,
//! tracing events, on Tokio.
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

#[derive(Debug, thiserror::Error)]
enum AppError {
    #[error("upstream request failed: {0}")]
    Upstream(#[from] reqwest::Error),
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        tracing::warn!(error = %self, "request failed");
        (StatusCode::BAD_GATEWAY, self.to_string()).into_response()
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Greeting {
    name: String,
    upstream_status: u16,
}

async fn hello(
    State(http): State<reqwest::Client>,
    Path(name): Path<String>,
) -> Result<Json<Greeting>, AppError> {
    let status = http.get("https://example.com/").send().await?.status();
    tracing::info!(%name, %status, "hello");
    Ok(Json(Greeting { name, upstream_status: status.as_u16() }))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
EOF
    [[ -n "$1" ]] && printf '%s\n' "$1"
    cat <<'EOF'
    let app = Router::new()
        .route("/hello/{name}", get(hello))
        .with_state(reqwest::Client::new());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    tracing::info!(addr = %listener.local_addr()?, "listening");
    axum::serve(listener, app).await?;
    Ok(())
}
EOF
}

# service_app NAME EXTRA_DEPS EXTRA_MAIN: the typical service, plus EXTRA_DEPS and EXTRA_MAIN.
service_app() {
    local app
    app="$(new_app "$1")"
    manifest "$1" "$SERVICE_DEPS${2:+
$2}" >"$app/Cargo.toml"
    service_main "$3" >"$app/src/main.rs"
    measure "$app"
}

# service_add_cognito: the service built clean, then cognito added (as in service-cognito) and the service
# built again. Prints both times, and every unit of the second build: brought by cognito (not in the first
# build) or shared (in the first build too, recompiled; with the features that changed).
service_add_cognito() {
    local app secs
    app="$(new_app service-add-cognito)"
    manifest service-add-cognito "$SERVICE_DEPS" >"$app/Cargo.toml"
    service_main "" >"$app/src/main.rs"
    measure "$app"
    manifest service-add-cognito "$SERVICE_DEPS
$COGNITO_DEP" >"$app/Cargo.toml"
    service_main "$COGNITO_MAIN" >"$app/src/main.rs"
    secs=$(build "$app" add)
    printf '%-10s cognito added, incremental release build %6.1f s   crates %3d\n' "$(basename "$app")" \
        "$secs" "$(cd "$app" && cargo tree -e normal --prefix none | sed 's/ (\*)//' | sort -u | wc -l)"
    echo "  cognito's own units (cargo build --timings):"
    cognito_units "$app/timings-add.html"
    compare_units "$app/timings-clean.html" "$app/timings-add.html" service-add-cognito
}

# compare_units FIRST SECOND APP: the units the build of report SECOND compiled (the fresh ones, listed
# with no start and no duration, left out), against the build of report FIRST: brought by the addition
# (crates FIRST had not; or another build of a crate it had, e.g. for the host, while its own stayed
# fresh), or shared units recompiled (a unit of FIRST not fresh in SECOND), with the features that
# changed.
compare_units() {
    python3 - "$@" <<'EOF'
import json, sys
from collections import defaultdict

def units(path):
    html = open(path, encoding="utf-8").read()
    start = html.index("[", html.index("const UNIT_DATA ="))
    data, _ = json.JSONDecoder().raw_decode(html, start)
    return data

def key(u):
    return (u["name"], u["version"], u["target"].strip() or "lib", u["mode"])

def label(u):
    target = u["target"].strip()
    return f'{u["name"]} {u["version"]}{" " + target if target else ""}'

def fresh(u):
    return u["start"] == 0 and u["duration"] == 0

first, second, app = units(sys.argv[1]), units(sys.argv[2]), sys.argv[3]
before = defaultdict(list)  # key -> feature sets of the first build's units
for u in first:
    before[key(u)].append(frozenset(u["features"]))
reused = defaultdict(list)  # key -> feature sets of the second build's fresh units
for u in second:
    if fresh(u):
        reused[key(u)].append(frozenset(u["features"]))
built = [u for u in second if not fresh(u) and u["name"] != app]
mine = [u for u in second if not fresh(u) and u["name"] == app]
names_before = {u["name"] for u in first}

# The first build's units that the second did not reuse, per key.
invalidated = {}
for k, sets in before.items():
    left = list(sets)
    for f in reused.get(k, []):
        if f in left:
            left.remove(f)
    invalidated[k] = left

new_crates, new_units, shared = [], [], []
for u in sorted(built, key=lambda u: -u["duration"]):
    k, now = key(u), frozenset(u["features"])
    olds = invalidated.get(k, [])
    if olds:
        old = min(olds, key=lambda o: len(o ^ now))
        olds.remove(old)
        diff = [f"+{f}" for f in sorted(now - old)] + [f"-{f}" for f in sorted(old - now)]
        why = ("features " + " ".join(diff)) if diff else "same features: a dependency was rebuilt"
        shared.append((u, why))
    elif u["name"] in names_before:
        new_units.append(u)
    else:
        new_crates.append(u)

def total(us):
    return sum(u["duration"] for u in us)

print(f"  units: {len(second)} in the second build, {len(second) - len(built) - len(mine)} fresh, "
      f"{len(built) + len(mine)} compiled or run")
print(f"  brought by the addition, new crates: {len({u['name'] for u in new_crates})} crates, "
      f"{len(new_crates)} units, {total(new_crates):.1f} s of unit time")
for u in new_crates:
    print(f"    {label(u):<50} {u['duration']:7.2f} s")
print(f"  brought by the addition, another build of a crate the service has (the service's own stayed "
      f"fresh; e.g. for a build script): {len({u['name'] for u in new_units})} crates, "
      f"{len(new_units)} units, {total(new_units):.1f} s")
for u in new_units:
    print(f"    {label(u):<50} {u['duration']:7.2f} s   features {','.join(u['features']) or '-'}")
print(f"  shared crates recompiled: {len({u['name'] for (u, _) in shared})} crates, "
      f"{len(shared)} units, {total([u for (u, _) in shared]):.1f} s of unit time")
for u, why in shared:
    print(f"    {label(u):<50} {u['duration']:7.2f} s   {why}")
for u in mine:
    print(f"  the app itself: {label(u)} {u['duration']:.2f} s")
EOF
}

case "$which" in
idp) cognito_app idp 'default-features = false, features = ["idp", "rustls"]' ;;
idp-native) cognito_app idp-native 'default-features = false, features = ["idp", "native-tls"]' ;;
idp-http) cognito_app idp-http 'default-features = false, features = ["idp"]' ;;
default) cognito_app default 'features = []' ;;
floor) floor_app ;;
official) official_app ;;
service) service_app service "" "" ;;
service-cognito) service_app service-cognito "$COGNITO_DEP" "$COGNITO_MAIN" ;;
service-official) service_app service-official "$OFFICIAL_DEPS" "$OFFICIAL_MAIN" ;;
service-add-cognito) service_add_cognito ;;
all)
    cognito_app idp 'default-features = false, features = ["idp", "rustls"]'
    cognito_app idp-native 'default-features = false, features = ["idp", "native-tls"]'
    cognito_app idp-http 'default-features = false, features = ["idp"]'
    cognito_app default 'features = []'
    ;;
*)
    echo "usage: $0 [idp|idp-native|idp-http|default|floor|official|service|service-cognito|service-official|service-add-cognito|all]" >&2
    exit 2
    ;;
esac
