#!/usr/bin/env bash
# Ensure moto[server] 5.2.5 is installed in a virtualenv at $REPO/.venv.
# Idempotent: returns quickly when the right version is already there.
# The last line printed on stdout is the path of the venv's python.
set -euo pipefail

MOTO_VERSION="5.2.5"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$REPO/.venv"
PY="$VENV/bin/python"

have_moto() {
    [ -x "$PY" ] && "$PY" -c "import moto, sys; sys.exit(moto.__version__ != \"$MOTO_VERSION\")" >/dev/null 2>&1
}

if ! have_moto; then
    if [ ! -x "$PY" ]; then
        echo "moto.sh: creating virtualenv at $VENV" >&2
        python3 -m venv "$VENV" >&2
    fi
    echo "moto.sh: installing moto[server]==$MOTO_VERSION (first use takes a minute or two)" >&2
    "$PY" -m pip install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION" >&2
    if ! have_moto; then
        echo "moto.sh: moto $MOTO_VERSION still not importable from $PY" >&2
        exit 1
    fi
fi

echo "$PY"
