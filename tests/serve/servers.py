"""Real server processes for the tests: `make serve`'s server (portal/server.py) and
`manage.py` commands, all with one environment (one database, maybe one Redis)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
THROTTLE = 30  # API requests a minute, counted across both instances


class Stack:
    """The environment of every process: one database, maybe one Redis."""

    def __init__(self, database_url, redis_url):
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
        }
        self.env.update(
            DATABASE_URL=database_url,
            REDIS_URL=redis_url,
            SECRET_KEY="multi-instance-test-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            DEBUG="0",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SECURE_SSL_REDIRECT="false",
            SESSION_COOKIE_SECURE="false",
            CSRF_COOKIE_SECURE="false",
            CACHE_RESPONSES="1",
            API_THROTTLE_RATE=f"{THROTTLE}/minute",
            WEB_CONCURRENCY="2",
            WEB_THREADS="2",
        )
        self.servers = []

    def manage(self, *args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def shell(self, code):
        return self.manage("shell", "-v0", "-c", code)

    def serve(self, port, ready="/robots.txt", **settings):
        env = {**self.env, **settings, "PORT": str(port), "HOST": "127.0.0.1"}
        server = subprocess.Popen(
            [sys.executable, "-m", "portal.server"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.servers.append(server)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert server.poll() is None, server.stderr.read()
            try:
                if requests.get(base + ready, timeout=10).status_code == 200:
                    return base
            except requests.RequestException:  # not listening yet, or still starting
                time.sleep(0.3)
        raise AssertionError(f"the server on {port} did not answer within 90 s")

    def stop(self):
        for server in self.servers:
            server.terminate()
        for server in self.servers:
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
