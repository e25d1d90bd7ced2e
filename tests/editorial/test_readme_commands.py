"""Every shell command of the README works as written, on a fresh clone after `make run`.

The test copies the files git tracks into a temporary folder (a fresh clone of the
working tree, sharing this checkout's installed `.venv`), runs `make run` there on a free
port and, once it serves, runs the README's commands in the order the README gives them,
each through bash in a clean environment: no SECRET_KEY, DEBUG, DATABASE_URL or REDIS_URL
unless the command itself sets them. The database is the clone's own SQLite file, as on a
newcomer's machine. Each command must exit 0.

What is not run as written, and why (SKIPPED and ADAPTED below say it per command):
- `make run` runs once as the setup, with `-o .venv/.installed` (the shared `.venv` is
  installed already) and a free port instead of 8000; `make serve` never exits either
  and is left to tests/serve/;
- `make test` is the whole suite, this test among it; `make requirements` re-pins from
  the package index; `git diff` reviews that; `make bench` at 100 times the data is a
  benchmark of many minutes, run by hand;
- commands that talk to the server at 127.0.0.1:8000 talk to the one `make run` started;
  the conditional request with "<the ETag from before>" needs a value read by hand;
- a command on a PostgreSQL database (the restore "into a new, empty, migrated
  database", the search evaluation) runs on a new SQLite file named after that database
  instead (tests make no PostgreSQL databases of their own);
- `enrol_totp NAME --confirm 123456`: 123456 stands for "the code the app shows now",
  which the test computes from the device as an authenticator app would.
"""

import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"

SKIPPED = {
    r"^make run\b": "the setup: run once before the others, see run_make_run()",
    r"\bmake serve\b": "a production server that never exits (tests/serve/ starts it)",
    r"\bmake test\b": "the whole suite, this test among it",
    r"^make requirements\b": "re-pins every package from the package index",
    r"^make bench\b": "a benchmark of many minutes (100 times the data), run by hand, not in tests",
    r"^git diff\b": "reviews what `make requirements` moved",
    r"<the ETag from before>": "needs an ETag read from an earlier answer by hand",
}


def readme_commands(text):
    """Every command line of the README's ```sh blocks, in order (comments dropped)."""
    commands = []
    for block in re.findall(r"^ *```sh\n(.*?)^ *```", text, flags=re.MULTILINE | re.DOTALL):
        for line in block.splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                commands.append(line)
    return commands


def skip_reason(command):
    return next((why for pattern, why in SKIPPED.items() if re.search(pattern, command)), None)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clean_env(home):
    """What a newcomer's shell has: a PATH, a home, a locale; no portal settings."""
    return {"PATH": os.environ["PATH"], "HOME": str(home), "LANG": "C.UTF-8", "TERM": "dumb"}


def fresh_clone(target):
    """The files git tracks (as in the working tree), with this checkout's .venv."""
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    for name in filter(None, tracked.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)  # mtimes kept: make sees nothing to rebuild
    (target / ".venv").symlink_to(ROOT / ".venv")


def run_make_run(clone, env, port):
    """`make run` until it serves: migrate, load the fixtures, runserver on `port`."""
    server = subprocess.Popen(
        ["make", "-o", ".venv/.installed", "run", f"PORT={port}"],
        cwd=clone,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(
                f"make run stopped with {server.returncode}:\n{server.stdout.read().decode()}"
            )
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)
            return server
        except urllib.error.HTTPError:
            return server  # it answers
        except OSError:
            time.sleep(1)
    stop(server)
    pytest.fail("make run did not serve within 10 minutes")


def stop(server):
    """Ends `make run` and the runserver (and its reloader) it started, as one group."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(server.pid, signal.SIGKILL)


def current_totp_code(database, username):
    """The code an authenticator app shows now for the user's device (django-otp's TOTP)."""
    from django_otp.oath import TOTP

    with sqlite3.connect(database) as db:
        key, step, t0, digits, drift = db.execute(
            "SELECT d.key, d.step, d.t0, d.digits, d.drift FROM otp_totp_totpdevice d "
            "JOIN auth_user u ON u.id = d.user_id WHERE u.username = ?",
            [username],
        ).fetchone()
    totp = TOTP(bytes.fromhex(key), step, t0, digits, drift)
    return f"{totp.token():0{digits}d}"


def adapt(command, clone, port, tmp_path):
    """The command as the test runs it: the same but for the server's port, the restore
    target and a one-time code (see the module's docstring)."""
    command = command.replace("127.0.0.1:8000", f"127.0.0.1:{port}")
    # Each PostgreSQL database the README names becomes its own SQLite file.
    command = re.sub(
        r"DATABASE_URL=postgres://\S+/(\w+)",
        lambda match: f"DATABASE_URL=sqlite:///{tmp_path / match.group(1)}.sqlite3",
        command,
    )
    match = re.search(r"enrol_totp (\S+) --confirm 123456", command)
    if match:
        code = current_totp_code(clone / "db.sqlite3", match.group(1))
        command = command.replace("--confirm 123456", f"--confirm {code}")
    return command


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the commands run on their own fresh copy with SQLite, whatever database the suite "
    "uses: once, in the SQLite pass",
)
def test_the_readme_commands_work_as_written_after_make_run(tmp_path):
    if not (ROOT / ".venv" / "bin" / "python").exists():
        pytest.skip("no .venv: make install-dev first")
    commands = readme_commands(README.read_text(encoding="utf-8"))
    assert any("create_role_user" in command for command in commands)
    clone = tmp_path / "clone"
    clone.mkdir()
    fresh_clone(clone)
    env = clean_env(tmp_path)
    port = free_port()
    server = run_make_run(clone, env, port)
    ran, skipped, failures = [], [], []
    try:
        for command in commands:
            reason = skip_reason(command)
            if reason:
                skipped.append((command, reason))
                continue
            adapted = adapt(command, clone, port, tmp_path)
            result = subprocess.run(
                ["bash", "-c", adapted],
                cwd=clone,
                env=env,
                capture_output=True,
                timeout=600,
            )
            ran.append(command)
            output = (result.stdout + result.stderr).decode(errors="replace")
            if result.returncode != 0 or "Traceback" in output:
                failures.append(f"$ {command}\n(exit {result.returncode})\n{output[-3000:]}")
    finally:
        stop(server)
    print("\n".join([f"ran: {c}" for c in ran] + [f"skipped: {c} ({why})" for c, why in skipped]))
    assert not failures, "\n\n".join(failures)
    assert len(ran) >= 10, ran


def test_the_skips_are_only_those_the_docstring_names():
    commands = readme_commands(README.read_text(encoding="utf-8"))
    skipped = [command for command in commands if skip_reason(command)]
    assert all(
        re.match(r"(\S+=\S+ )*make (run|serve|test|requirements|bench)\b|git diff|curl ", command)
        for command in skipped
    ), skipped
