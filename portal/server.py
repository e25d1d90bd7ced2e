"""`make serve`: the portal under granian, set from the environment like portal/settings.py.

HOST, PORT        where to listen (default 127.0.0.1:8000, like `make run`)
WEB_CONCURRENCY   worker processes (default: one per CPU core this process may use)
WEB_THREADS       Python threads per worker (default 2: one slow request, say a query
                  running into the statement timeout, does not hold a whole worker)
WEB_MAX_RSS       MiB a worker may grow to before it is replaced (default 1024)
ACCESS_LOG        1: a line per request on standard output

Run as `python -m portal.server`. The project is imported here, before the workers are
forked: a broken setting stops the server at once, and the workers share the imported code.
"""

import os
import socket

from granian import Granian
from granian.constants import Interfaces
from granian.http import HTTP1Settings

# A request's line and headers must fit in this many bytes (hyper's smallest buffer is
# 8 KiB): a longer one is refused before any Python runs, which bounds every query string.
REQUEST_HEAD_MAX_BYTES = 16384


def refuse_a_taken_port(host, port):
    """granian's workers bind with SO_REUSEPORT, so a second server started on a taken
    port would silently share its connections with the first (an old version beside a new
    one): stop instead, as a server that binds plainly would."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            message = f"{host}:{port} is taken ({error.strerror}): is a server running?"
            raise SystemExit(message) from None


def server():
    host, port = os.environ.get("HOST", "127.0.0.1"), int(os.environ.get("PORT", "8000"))
    refuse_a_taken_port(host, port)
    # granian starts every request's WSGI environ from this process's environment, where
    # a variable such as HTTP_X_FORWARDED_PROTO would read as a header on every request.
    for name in [name for name in os.environ if name.startswith("HTTP_")]:
        del os.environ[name]
    import portal.wsgi  # noqa: F401  (see the module's docstring)

    return Granian(
        "portal.wsgi:application",
        interface=Interfaces.WSGI,
        address=host,
        port=port,
        workers=int(os.environ.get("WEB_CONCURRENCY") or len(os.sched_getaffinity(0))),
        blocking_threads=int(os.environ.get("WEB_THREADS") or 2),
        http1_settings=HTTP1Settings(
            header_read_timeout=10_000, max_buffer_size=REQUEST_HEAD_MAX_BYTES
        ),
        log_access=os.environ.get("ACCESS_LOG", "") in {"1", "true"},
        respawn_failed_workers=True,
        workers_max_rss=int(os.environ.get("WEB_MAX_RSS") or 1024),
        workers_kill_timeout=20,
    )


if __name__ == "__main__":
    server().serve()
