"""gunicorn settings for `make serve` (read from the environment like portal/settings.py).

HOST, PORT        where to listen (default 127.0.0.1:8000, like `make run`)
WEB_CONCURRENCY   worker processes (default: two per CPU core this process may use)
GUNICORN_THREADS  threads per worker (default 2: keep-alive and slow clients do not
                  hold a whole worker; Python runs one at a time, so more rarely pays)

Two workers a core, not one: each worker accepts connections as it can, and with
keep-alive one may win most of a burst and keep them while another core idles (measured
by `make bench`, 2 workers on 2 cores: one run in four served at half the rate; with 4
workers of 2 threads, none).
FORWARDED_ALLOW_IPS  proxies trusted for X-Forwarded-* (gunicorn's default: 127.0.0.1)
"""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * len(os.sched_getaffinity(0)))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
# Import the project once, in the master, before forking: less memory, faster start,
# and a broken setting stops the server at once instead of every worker failing.
preload_app = True
timeout = 30
graceful_timeout = 20
keepalive = 5
# A worker that has served this many requests is replaced (a leak cannot grow forever).
max_requests = 20000
max_requests_jitter = 2000
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
# No runtime control socket: it sits at one path per user, which a second instance on
# the same machine would fight over, and nothing here uses it.
control_socket_disable = True
