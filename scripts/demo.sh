#!/usr/bin/env bash
# Runs an example (default: quickstart) against a local moto server on 127.0.0.1, installing moto on
# first use and stopping it on exit:
#   bash scripts/demo.sh                        # examples/quickstart.rs
#   bash scripts/demo.sh identity_credentials   # any example under examples/; extra arguments go to it
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

EXAMPLE=quickstart
if [ $# -gt 0 ] && [ -f "examples/$1.rs" ]; then
    EXAMPLE="$1"
    shift
fi

PY="$(bash scripts/moto.sh | tail -n 1)"

WORK="$(mktemp -d)"
MOTO_PID=""
cleanup() {
    # Closing fd 3 (the write end of moto's stdin) makes moto_server.py exit by itself;
    # the kill is the backstop.
    exec 3>&- || true
    if [ -n "$MOTO_PID" ] && kill -0 "$MOTO_PID" 2>/dev/null; then
        kill "$MOTO_PID" 2>/dev/null || true
        wait "$MOTO_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

mkfifo "$WORK/stdin"
"$PY" "$REPO/scripts/moto_server.py" <"$WORK/stdin" >"$WORK/stdout" &
MOTO_PID=$!
# Opening the fifo's write end lets the server's open of stdin proceed; we hold it
# until exit.
exec 3>"$WORK/stdin"

ENDPOINT=""
for _ in $(seq 600); do
    if ENDPOINT="$(sed -n 's/^READY //p' "$WORK/stdout" 2>/dev/null)" && [ -n "$ENDPOINT" ]; then
        break
    fi
    if ! kill -0 "$MOTO_PID" 2>/dev/null; then
        echo "demo.sh: moto_server.py exited before it was ready" >&2
        exit 1
    fi
    sleep 0.1
done
if [ -z "$ENDPOINT" ]; then
    echo "demo.sh: moto_server.py printed no READY line within 60 s" >&2
    exit 1
fi
echo "demo.sh: moto is listening on $ENDPOINT (pid $MOTO_PID)" >&2

# moto checks no signature by default: any credentials do.
AWS_ENDPOINT_URL="$ENDPOINT" \
AWS_REGION=us-east-1 \
AWS_ACCESS_KEY_ID=test \
AWS_SECRET_ACCESS_KEY=test \
    cargo run --example "$EXAMPLE" -- "$@" 3>&-
