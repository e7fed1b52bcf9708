#!/usr/bin/env bash
# Checks that the `rust-version` each published package declares is true: at least the highest
# `rust-version` that any crate of its resolved dependency tree declares (normal and build
# dependencies, every target platform), with no features, the default ones and all of them. A user on
# an older toolchain then gets cargo's clear "requires rustc X" message instead of a build failure
# deep in a dependency.
#   bash scripts/msrv_check.sh            # check, print the figure per package and feature set
# Exit status 1 names the package, the feature set and the dependency that needs a newer Rust.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

# The published packages (scripts/package_check.sh packages the same list).
PACKAGES=(cognito-codegen cognito)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# rust_version of every package in the lock file, by "name version".
cargo metadata --format-version 1 --all-features --locked >"$work/metadata.json"

for package in "${PACKAGES[@]}"; do
    for features in --no-default-features default --all-features; do
        args=()
        [[ "$features" != default ]] && args+=("$features")
        # `cargo tree` resolves features as a build of this one package would (resolver 2).
        cargo tree --locked -p "$package" "${args[@]}" -e normal,build --target all \
            --prefix none -f '{p}' >"$work/tree-$package-$features.txt"
    done
done

python3 - "$work" "${PACKAGES[@]}" <<'EOF'
import json
import sys

work, packages = sys.argv[1], sys.argv[2:]
metadata = json.load(open(f"{work}/metadata.json"))


def parse(version):
    """`1.85` or `1.94.1` as a comparable tuple (a missing patch is 0)."""
    parts = [int(p) for p in version.split("-")[0].split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


declared = {}
workspace = set(metadata["workspace_members"])
own = {}
for p in metadata["packages"]:
    declared[(p["name"], p["version"])] = p.get("rust_version")
    if p["id"] in workspace:
        own[p["name"]] = p.get("rust_version")

failed = False
for package in packages:
    mine = own.get(package)
    if mine is None:
        print(f"{package}: declares no rust-version")
        failed = True
        continue
    for features in ["--no-default-features", "default", "--all-features"]:
        highest, by = None, None
        for line in open(f"{work}/tree-{package}-{features}.txt"):
            fields = line.split()
            if len(fields) < 2 or fields[0] == package:
                continue
            name, version = fields[0], fields[1].lstrip("v")
            rv = declared.get((name, version))
            if rv is not None and (highest is None or parse(rv) > parse(highest)):
                highest, by = rv, f"{name} {version}"
        label = "default features" if features == "default" else features
        if highest is None:
            print(f"{package} ({label}): rust-version {mine}; no dependency declares one")
        elif parse(mine) < parse(highest):
            print(
                f"{package} ({label}): rust-version {mine} is below {highest}, "
                f"which {by} declares"
            )
            failed = True
        else:
            print(f"{package} ({label}): rust-version {mine} >= {highest} ({by})")
sys.exit(1 if failed else 0)
EOF
