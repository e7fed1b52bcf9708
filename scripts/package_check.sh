#!/usr/bin/env bash
# Checks that the published packages can be published, and that the packaged `cognito` builds on its own:
#
# 1. `cargo package` of every published package, in dependency order (cognito-codegen, then cognito):
#    cargo (>= 1.90) resolves `cognito`'s dependency on `cognito-codegen` through a local overlay of the
#    packages just made, and builds each one from its `.crate`, as `cargo publish` would.
# 2. Each package ships what its build needs and nothing of the repository's test data: every file is
#    one of the expected kinds, and each `.crate` stays well under crates.io's 10 MB limit.
# 3. A scratch project outside the repository, made of the unpacked `.crate` files only, uses `cognito`
#    with its default features and builds; with all of its features, `cognito` type-checks there too.
#
# The builds share the usual target directory (`CARGO_TARGET_DIR`, else `target/`), so dependencies that
# the workspace has already compiled are not compiled again.
#   bash scripts/package_check.sh
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

# Published packages, in dependency order (xtask and cognito-bench are `publish = false`).
PACKAGES=(cognito-codegen cognito)
TARGET="${CARGO_TARGET_DIR:-$REPO/target}"
export CARGO_TARGET_DIR="$TARGET"
LIMIT=$((10 * 1000 * 1000))

version_of() {
    cargo metadata --format-version 1 --no-deps --locked |
        python3 -c 'import json, sys
name = sys.argv[1]
print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == name))' "$1"
}

args=()
for package in "${PACKAGES[@]}"; do
    args+=(-p "$package")
done
# A clean clone has nothing to allow; a working copy with uncommitted changes is packaged as it is.
dirty=()
if [[ -n "$(git status --porcelain 2>/dev/null)" ]]; then
    dirty=(--allow-dirty)
fi
cargo package --locked "${dirty[@]}" "${args[@]}"

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

mkdir -p "$scratch/crates"
for package in "${PACKAGES[@]}"; do
    version="$(version_of "$package")"
    crate="$TARGET/package/$package-$version.crate"
    size="$(stat -c %s "$crate")"
    if ((size > LIMIT / 2)); then
        echo "package_check: $crate is $size bytes, more than half of crates.io's 10 MB limit" >&2
        exit 1
    fi
    # What a package may ship: its manifest, Rust sources, the three API documents, README, LICENSE.
    unexpected="$(tar -tzf "$crate" | sed "s|^$package-$version/||" | grep -Ev \
        '^(Cargo\.toml|Cargo\.toml\.orig|Cargo\.lock|\.cargo_vcs_info\.json|README\.md|LICENSE|build\.rs|(src|examples)/.*\.rs|spec/cognito-(idp|identity|sync)\.openapi\.json|)$' || true)"
    if [[ -n "$unexpected" ]]; then
        echo "package_check: $crate ships files its build does not need:" >&2
        echo "$unexpected" >&2
        exit 1
    fi
    echo "package_check: $package $version: $(tar -tzf "$crate" | grep -vc '/$') files, $size bytes"
    # `-m`: files dated now, so that the shared target directory never takes an earlier scratch
    # build of the same package for this one.
    tar -xzmf "$crate" -C "$scratch/crates"
done

cognito_version="$(version_of cognito)"
codegen_version="$(version_of cognito-codegen)"
cognito_dir="$scratch/crates/cognito-$cognito_version"
# Every feature of the packaged cognito, forwarded by the scratch project's `all` feature.
features="$(cargo metadata --format-version 1 --no-deps --manifest-path "$cognito_dir/Cargo.toml" |
    python3 -c 'import json, sys
features = json.load(sys.stdin)["packages"][0]["features"]
print(", ".join(f"\"cognito/{name}\"" for name in sorted(features) if name != "default"))')"
# The scratch project: a package that is its own workspace, outside the repository, depending on the
# unpacked crates only.
mkdir -p "$scratch/app/src"
cat >"$scratch/app/Cargo.toml" <<EOF
[package]
name = "package-check"
version = "0.0.0"
edition = "2021"
publish = false

[features]
all = [$features]

[dependencies]
cognito = { path = "../crates/cognito-$cognito_version" }

# The packaged cognito names cognito-codegen by version only, as on crates.io: take the packaged one.
[patch.crates-io]
cognito-codegen = { path = "../crates/cognito-codegen-$codegen_version" }

[workspace]
EOF
cat >"$scratch/app/src/main.rs" <<'EOF'
//! Uses the packaged crate as an application would: a configuration, a client, a call's input.
fn main() {
    let config = cognito::Config::builder()
        .region("us-east-1")
        .endpoint_url("http://127.0.0.1:9")
        .build();
    let idp = cognito::idp::Client::new(&config);
    let call = idp.get_user().access_token("not a real token");
    println!("{:?}", call.as_input());
}
EOF
# The versions the repository tested with.
cp "$cognito_dir/Cargo.lock" "$scratch/app/Cargo.lock"
cargo build --manifest-path "$scratch/app/Cargo.toml"
"$TARGET/debug/package-check" >/dev/null
cargo check --manifest-path "$scratch/app/Cargo.toml" --features all
echo "package_check: ok"
