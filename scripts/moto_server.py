#!/usr/bin/env python3
"""Run moto in-process on 127.0.0.1 with an OS-chosen port, for tests.

Protocol with the parent process:
  * stdout carries exactly one line, `READY http://127.0.0.1:<port>`, once the
    server is listening; nothing else is ever written to stdout.
  * the server runs until stdin reaches EOF (the parent closed its end of the
    pipe, or the parent died), then stops and the process exits 0.

Environment variables pass through to moto unchanged. moto reads some of them
once, when `moto.settings` is imported (e.g. INITIAL_NO_AUTH_ACTION_COUNT), so
they must be in the environment this process is started with; nothing here
imports moto before main() runs.

Set MOTO_SERVER_VERBOSE=1 to get werkzeug's per-request log on stderr.
"""

import logging
import os
import sys


def main() -> int:
    # Anything moto or werkzeug prints must not pollute the READY protocol on
    # stdout: keep the real stdout for the one line, route the rest to stderr.
    ready_out = os.fdopen(os.dup(sys.stdout.fileno()), "w")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr

    if os.environ.get("MOTO_SERVER_VERBOSE") not in ("1", "true"):
        logging.getLogger("werkzeug").setLevel(logging.WARNING)

    from moto.server import ThreadedMotoServer

    # moto 5.2.5's ThreadedMotoServer hands the port to werkzeug's make_server,
    # which binds it as given: port 0 lets the OS choose a free one, and
    # get_host_and_port() reads the bound address back. No race with other
    # processes picking the same port.
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    # moto builds a few URLs (S3 custom endpoints) from MOTO_PORT, as its own
    # CLI sets it.
    os.environ.setdefault("MOTO_PORT", str(port))

    ready_out.write(f"READY http://{host}:{port}\n")
    ready_out.flush()
    ready_out.close()

    try:
        while sys.stdin.buffer.read(65536):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
