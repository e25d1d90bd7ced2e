"""`make serve`'s server (portal/server.py, granian) as a real process on a SQLite file:
what it promises beyond Django (README "Hosting" and "Bounded work")."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.serve.servers import ROOT, Stack


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def workers_of(server):
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    return sorted(int(pid) for pid in children)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The server with two workers, and with a variable in its environment that would read
    as a header were it passed on: the HTTPS redirect is on, so a request taken for HTTPS
    would not be redirected (hence ready at /healthz, which the redirect leaves alone)."""
    stack = Stack(f"sqlite:///{tmp_path_factory.mktemp('server') / 'db.sqlite3'}", "")
    stack.manage("migrate", "--noinput", "-v0")
    try:
        base = stack.serve(
            free_port(),
            ready="/healthz",
            SECURE_SSL_REDIRECT="true",
            HTTP_X_FORWARDED_PROTO="https",
            WEB_CONCURRENCY="2",
        )
        yield stack.servers[-1], base
    finally:
        stack.stop()


def test_the_environment_does_not_pass_for_request_headers(served):
    _, base = served
    response = requests.get(f"{base}/", allow_redirects=False, timeout=10)
    assert response.status_code == 301
    assert response.headers["Location"] == f"https://{base.removeprefix('http://')}/"


def test_a_request_head_over_16_kib_is_refused_before_django(served):
    _, base = served
    response = requests.get(f"{base}/healthz?q={'a' * 17000}", timeout=10)
    assert response.status_code == 431
    response = requests.get(f"{base}/healthz", headers={"X-Padding": "a" * 17000}, timeout=10)
    assert response.status_code == 431
    assert requests.get(f"{base}/healthz?padding={'a' * 8000}", timeout=10).status_code == 200


def test_a_worker_that_dies_is_replaced(served):
    server, base = served
    before = workers_of(server)
    assert len(before) == 2
    os.kill(before[0], signal.SIGKILL)
    deadline = time.monotonic() + 30
    while len(after := workers_of(server)) < 2 or before[0] in after:
        assert time.monotonic() < deadline, f"workers {after} 30 s after one was killed"
        time.sleep(0.2)
    # Fresh connections land on either worker: every one is answered.
    for _ in range(20):
        with requests.Session() as session:
            assert session.get(f"{base}/healthz", timeout=10).status_code == 200


def test_a_second_server_on_a_taken_port_stops_with_a_message():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "SECRET_KEY": "x" * 50}
        result = subprocess.run(
            [sys.executable, "-m", "portal.server"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode != 0
    assert f"127.0.0.1:{port} is taken" in result.stderr
