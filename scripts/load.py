"""Load test: `make serve` (granian) under wrk on loopback, with an edit in the middle.

    python scripts/load.py [--connections 64] [--duration 60] [--port 8250]

Serves the portal as `make serve` does (DEBUG off, granian with portal/server.py,
workers = 2 x cores) on a database with the fixtures (DATABASE_URL, or a new SQLite file),
then runs wrk (Debian package) on loopback over pages, API and search, rotating through
the paths. Half-way through, a Publisher's edit is saved through the ORM in a separate
process (a framework renamed); the very next public request, page and API, must show it
(the response cache is keyed by the data version: portal/serving/cache.py). At the end,
the edit is undone the same way.

Reports requests/s, latency p50/p90/p99 and answers by status; writes
test-artifacts/load.json. Fails (exit 1) on any 5xx, any socket error or timeout, any
non-2xx answer other than 429 (the API's rate limit, API_THROTTLE_RATE, 120/minute per
address by default: every wrk connection comes from 127.0.0.1), or an edit not seen.
Bounded: at most 256 connections and 300 seconds.
"""

import argparse
import html
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from wrk_paths import ROTATE_PATHS, environment

ROOT = Path(__file__).resolve().parents[1]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
MAX_CONNECTIONS, MAX_DURATION = 256, 300

WRK_SCRIPT = (
    ROTATE_PATHS
    + r"""
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  paths = read_paths()
  statuses = {}
  counter = math.random(#paths)
end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      merged[status] = (merged[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(merged) do
    table.insert(parts, string.format('"%d": %d', status, count))
  end
  local e = summary.errors
  io.write(string.format(
    'LOAD-RESULT {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"p50_ms": %.2f, "p90_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d, "status": %d}, ' ..
    '"statuses": {%s}}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    e.connect, e.read, e.write, e.timeout, e.status, table.concat(parts, ", ")))
end
"""
)

# The edit a Publisher makes half-way, and its undoing: a framework's name, through the
# ORM in its own process, recorded in the history under the Publisher's name.
EDIT = """
import os
from django.contrib.auth import get_user_model
from frameworks.models import Framework
framework = Framework.objects.get(slug=os.environ["LOAD_EDIT_SLUG"])
framework._history_user = get_user_model().objects.get(username="load-publisher")
framework.name = os.environ["LOAD_EDIT_NAME"]
framework.save()
"""


def serve_env(args, database_url):
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "load-only-secret-key-0123456789-abcdefghijklm"),
        "DEBUG": "0",
        "HOST": "127.0.0.1",
        "PORT": str(args.port),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "PORTAL_PASSWORD": "load-publisher-password-0123",
        **({"API_THROTTLE_RATE": args.api_rate} if args.api_rate else {}),
    }


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip


def get(base, path, source="127.0.0.1"):
    """GET base + path from a given loopback address: the edit check asks from 127.0.0.2,
    another client than wrk's, so the API's per-address rate limit is its own."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30, source_address=(source, 0))
    try:
        connection.request("GET", path, headers={"Accept-Encoding": "identity"})
        response = connection.getresponse()
        body = response.read().decode()
        if response.status != 200:
            raise OSError(f"GET {path}: {response.status} {body[:200]}")
        return response.status, body
    finally:
        connection.close()


def wait_for(base, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if get(base, "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"The server did not answer {base}/healthz within {seconds} s.")


def paths_to_load(base):
    """Pages, API and search, with real ids from the API."""
    frameworks = json.loads(get(base, "/api/v1/frameworks/?page_size=3")[1])["results"]
    agreements = json.loads(get(base, "/api/v1/agreements/?page_size=3")[1])["results"]
    paths = ["/", "/agreements/", "/frameworks/", "/countries/", "/search/?q=cable",
             "/api/v1/", "/api/v1/agreements/", "/api/v1/frameworks/",
             "/api/v1/search/?q=japan", "/api/v1/agreements/?q=cooperation"]  # fmt: skip
    for record in frameworks + agreements:
        kind = "frameworks" if record in frameworks else "agreements"
        paths += [f"/{kind}/{record['id']}/", f"/api/v1/{kind}/{record['id']}/"]
    return paths, frameworks[0]["id"], frameworks[0]["name"]


def save(env, slug, name):
    edit_env = {**env, "LOAD_EDIT_SLUG": slug, "LOAD_EDIT_NAME": name}
    subprocess.run([PYTHON, "manage.py", "shell", "-c", EDIT], cwd=ROOT, env=edit_env,
                   check=True, capture_output=True)  # fmt: skip


def edit_and_check(env, base, slug, name, results):
    """Save a Publisher's edit in another process, then ask the public site for it."""
    new_name = f"{name} (load test edit {int(time.time())})"
    started = time.monotonic()
    save(env, slug, new_name)
    saved = time.monotonic()
    page = get(base, f"/frameworks/{slug}/", source="127.0.0.2")[1]
    api = json.loads(get(base, f"/api/v1/frameworks/{slug}/", source="127.0.0.2")[1])
    results["edit"] = {
        "framework": slug,
        "new_name": new_name,
        "save_seconds": round(saved - started, 2),
        "seen_on_page": html.escape(new_name) in page,
        "seen_in_api": api["name"] == new_name,
        "first_check_after_save_seconds": round(time.monotonic() - saved, 3),
    }


def run_under_load(args, env, base, folder, log, results):
    """Serve, load, edit half-way; wrk's output."""
    server = subprocess.Popen([PYTHON, "-m", "portal.server"], cwd=ROOT, env=env,
                              stdout=log, stderr=log)  # fmt: skip
    try:
        wait_for(base)
        paths, slug, name = paths_to_load(base)
        results["paths"] = paths
        script = Path(folder) / "load.lua"
        script.write_text(WRK_SCRIPT)
        wrk = subprocess.Popen(
            ["wrk", "-t", str(args.threads), "-c", str(args.connections), "-d",
             f"{args.duration}s", "--timeout", "10s", "-s", str(script), base],
            env=environment(os.environ, paths),
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        timer = threading.Timer(args.duration / 2, edit_and_check, (env, base, slug, name, results))
        timer.start()
        output, _ = wrk.communicate(timeout=args.duration + 120)
        timer.join()
        save(env, slug, name)
        return output
    finally:
        server.terminate()
        server.wait(timeout=30)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--duration", type=int, default=60, help="seconds")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--port", type=int, default=int(os.environ.get("LOAD_PORT", "8250")))
    parser.add_argument("--api-rate", default="", help="API_THROTTLE_RATE for the server")
    parser.add_argument("--output", default=str(ROOT / "test-artifacts" / "load.json"))
    args = parser.parse_args()
    if not 1 <= args.connections <= MAX_CONNECTIONS or not 1 <= args.duration <= MAX_DURATION:
        raise SystemExit(f"At most {MAX_CONNECTIONS} connections and {MAX_DURATION} seconds.")

    folder = tempfile.mkdtemp(prefix="portal-load-")
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/load.sqlite3"
    env = serve_env(args, database_url)
    print(f"Setting up {database_url.split('@')[-1]} ...", flush=True)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_portal_data", "--if-empty")
    manage(env, "collectstatic", "--noinput", "-v0")
    subprocess.run([PYTHON, "manage.py", "create_role_user", "load-publisher", "--role",
                    "Publisher"], cwd=ROOT, env=env, capture_output=True)  # fmt: skip
    base = f"http://127.0.0.1:{args.port}"
    with open(Path(folder) / "server.log", "w") as log:
        output = run_under_load(args, env, base, folder, log, results := {})
    line = next(line for line in output.splitlines() if line.startswith("LOAD-RESULT "))
    figures = json.loads(line.removeprefix("LOAD-RESULT "))
    statuses = {int(status): count for status, count in figures["statuses"].items()}
    seconds = figures["duration_us"] / 1e6
    socket_errors = {k: v for k, v in figures["errors"].items() if k != "status"}
    server_errors = sum(count for status, count in statuses.items() if status >= 500)
    other_errors = sum(c for s, c in statuses.items() if s >= 400 and s != 429 and s < 500)
    tracebacks = (Path(folder) / "server.log").read_text().count("Traceback")
    results |= {
        "command": " ".join(sys.argv),
        "connections": args.connections,
        "duration_s": round(seconds, 1),
        "database": database_url.split(":")[0],
        "api_throttle_rate": args.api_rate or "default (120/minute)",
        "requests": figures["requests"],
        "requests_per_s": round(figures["requests"] / seconds, 1),
        "latency_ms": {k: figures[f"{k}_ms"] for k in ("p50", "p90", "p99", "max")},
        "statuses": dict(sorted(statuses.items())),
        "socket_errors": socket_errors,
        "server_errors_5xx": server_errors,
        "client_errors_other_than_429": other_errors,
        "server_tracebacks": tracebacks,
    }
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps({k: v for k, v in results.items() if k != "paths"}, indent=2))
    problems = []
    if server_errors or tracebacks:
        problems.append(f"{server_errors} answers 5xx, {tracebacks} tracebacks in the server log")
    if any(socket_errors.values()):
        problems.append(f"socket errors {socket_errors}")
    if other_errors:
        problems.append(f"{other_errors} answers 4xx other than 429")
    edit = results.get("edit", {})
    if not (edit.get("seen_on_page") and edit.get("seen_in_api")):
        problems.append(f"the Publisher's edit was not seen on the next request: {edit}")
    if problems:
        raise SystemExit("Load test failed: " + "; ".join(problems))
    print(f"Wrote {args.output}")


if __name__ == "__main__":
    main()
