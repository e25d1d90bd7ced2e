"""A database outage against a real PostgreSQL and a real server process.

`make serve`'s server serves the portal with DATABASE_URL naming a port where nothing
listens: pages answer a 503 page and the API a 503 problem+json, fast, with Retry-After
and no traceback. Then a PostgreSQL instance of our own starts on that port (initdb +
pg_ctl in a temporary folder) and the same server answers 200 without a restart; the
database stops again (503) and comes back (200). Everything started here is stopped and
removed at the end.
"""

import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SERVER_PORT = int(os.environ.get("OUTAGE_SERVER_PORT", "8141"))
DATABASE_PORT = int(os.environ.get("OUTAGE_DATABASE_PORT", "8142"))
DATABASE = "portal_outage"
PG_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
FAST = 3.0  # seconds: the promise for an answer while the database is down


def as_postgres(command, **kwargs):
    """PostgreSQL refuses to run as root: run its tools as the postgres user then."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run(prefix + command, check=True, capture_output=True, text=True, **kwargs)


class Cluster:
    def __init__(self, folder):
        self.folder = folder
        self.data = folder / "data"
        self.bin = Path(PG_BIN[-1])

    def init(self):
        as_postgres([str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U",
                     "postgres", "--no-sync"])  # fmt: skip

    def start(self):
        options = f"-p {DATABASE_PORT} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off"
        as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-w",
                     "-t", "60", "-l", str(self.folder / "log"), "start"])  # fmt: skip

    def stop(self):
        as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"])

    def running(self):
        return (self.data / "postmaster.pid").exists()


def get(path):
    """(status, headers, body, seconds) of a GET to the server under test."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{SERVER_PORT}{path}", timeout=30) as r:
            status, headers, body = r.status, r.headers, r.read().decode()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, error.headers, error.read().decode()
    return status, headers, body, time.monotonic() - started


def assert_unavailable():
    status, headers, body, seconds = get("/")
    assert status == 503 and seconds < FAST, (status, seconds)
    assert headers["Retry-After"].isdigit()
    assert "Service unavailable" in body and "Traceback" not in body

    status, headers, body, seconds = get("/api/v1/countries/")
    assert status == 503 and seconds < FAST, (status, seconds)
    assert headers["Content-Type"] == "application/problem+json"
    assert headers["Retry-After"].isdigit()
    problem = json.loads(body)
    assert problem["status"] == 503 and problem["title"] == "Service unavailable"
    assert {"type", "title", "status", "detail"} <= problem.keys()

    assert get("/healthz")[0] == 200  # the process is up
    status, _, body, seconds = get("/readyz")  # but not ready
    assert status == 503 and seconds < FAST and not json.loads(body)["checks"]["database"]["ok"]


def assert_available():
    for path in ("/", "/api/v1/countries/", "/readyz", "/healthz"):
        status, _, body, _ = get(path)
        assert status == 200, (path, status, body[:500])


@pytest.mark.skipif(
    not PG_BIN, reason="needs PostgreSQL's server programs (apt install postgresql)"
)
def test_the_site_answers_503_while_the_database_is_down_and_recovers_by_itself():
    for port in (SERVER_PORT, DATABASE_PORT):
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0, f"port {port} is taken"
    folder = Path(tempfile.mkdtemp(prefix="portal-outage-"))
    os.chmod(folder, 0o777)  # the postgres user writes here
    cluster = Cluster(folder)
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{DATABASE_PORT}/{DATABASE}",
        "SECRET_KEY": "outage-test-key-0123456789-abcdefghijklmnopqrstuvwxyz-0123456789",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "REDIS_URL": "",
        "HOST": "127.0.0.1",
        "PORT": str(SERVER_PORT),
        "WEB_CONCURRENCY": "1",
    }
    server = subprocess.Popen(
        [str(BIN / "python"), "-m", "portal.server"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(folder / "server.log").open("w"),
    )
    try:
        for _ in range(100):
            try:
                get("/healthz")
                break
            except OSError:
                time.sleep(0.2)
        assert_unavailable()

        cluster.init()
        cluster.start()
        as_postgres(
            [str(cluster.bin / "createdb"), "-h", "127.0.0.1", "-p", str(DATABASE_PORT), DATABASE]
        )
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        assert_available()  # the same server process, no restart

        cluster.stop()
        assert_unavailable()
        cluster.start()
        assert_available()
        assert "Traceback" not in (folder / "server.log").read_text()
    finally:
        server.terminate()
        server.wait(timeout=30)
        if cluster.running():
            subprocess.run(
                ["runuser", "-u", "postgres", "--"] * (os.geteuid() == 0)
                + [
                    str(cluster.bin / "pg_ctl"),
                    "-D",
                    str(cluster.data),
                    "-m",
                    "immediate",
                    "stop",
                ],  # fmt: skip
                capture_output=True,
            )
        shutil.rmtree(folder, ignore_errors=True)
