"""The backup drill, with real processes: back up, restore into a new database, compare.

A portal database (PostgreSQL when DATABASE_URL names one, as in CI; a SQLite file
otherwise) gets the fixtures, a user and a few edits with their history, each through
`manage.py` in its own process. `backup_portal` writes the file; a NEW database
(`<name>_restore`) is migrated and `restore_portal` reads it. The API's full listing of
every kind (walked by cursor) and every record's history must be identical in both, and
a restore must refuse, changing nothing, when the new database already holds a user of
the same name.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable

# Edits made in the original before the backup, so that histories are more than one row.
EDITS = """
from initiatives.models import Agreement
from portal.models import Status, Topic
topic = Topic.objects.order_by("pk").first()
topic.name = topic.name + " (renamed for the drill)"
topic.save()
agreement = Agreement.objects.published().order_by("pk").first()
agreement.status = Status.DRAFT
agreement.save()
"""


def database_urls(tmp_path):
    """(original, restore) database URLs: beside the test's own database, never it."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return (
            f"sqlite:///{tmp_path / 'drill.sqlite3'}",
            f"sqlite:///{tmp_path / 'restore.sqlite3'}",
        )
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "portal"
    return tuple(
        urlunsplit(parts._replace(path=f"/{name}_{suffix}")) for suffix in ("drill", "restore")
    )


def recreate(url):
    """An empty database at url (PostgreSQL: dropped and created again)."""
    if url.startswith("sqlite:"):
        Path(urlsplit(url).path).unlink(missing_ok=True)
        return
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def clone(source, target):
    """target: a copy of the (migrated, empty) database at source; faster than migrating."""
    if source.startswith("sqlite:"):
        shutil.copyfile(urlsplit(source).path, urlsplit(target).path)
        return
    import psycopg

    parts = urlsplit(source)
    admin = urlunsplit(parts._replace(path="/postgres"))
    name, copy = parts.path.lstrip("/"), urlsplit(target).path.lstrip("/")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"')


def drop(url):
    if url.startswith("sqlite:"):
        return
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


def run(url, *args, check=True):
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "testserver",
        "API_THROTTLE_RATE": "1000000/minute",
        "CACHE_RESPONSES": "0",
        "REDIS_URL": "",
        "SECURE_SSL_REDIRECT": "false",
        "PORTAL_PASSWORD": "drill-password-0123456789",
    }
    result = subprocess.run(
        [PYTHON, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    if check:
        assert result.returncode == 0, (args, result.stdout[-2000:], result.stderr[-2000:])
    return result


def manage(url, *args, check=True):
    return run(url, "manage.py", *args, check=check)


def snapshot(url, keep=None):
    text = run(url, "tests/security/drill_snapshot.py").stdout
    if keep:  # for a look after a failure
        keep.write_text(text)
    return json.loads(text)


@pytest.fixture
def databases(tmp_path):
    original, restored = database_urls(tmp_path)
    recreate(original)
    yield original, restored
    drop(original)
    drop(restored)


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="drilled on production's database, PostgreSQL (the PostgreSQL pass of CI); on "
    "SQLite the README's backup and restore commands run in tests/editorial",
)
def test_a_restore_into_a_new_database_gives_the_same_api_and_history(tmp_path, databases):
    original, restored = databases
    manage(original, "migrate", "--noinput", "-v0")
    # The new database: migrated, empty (a copy of the original before any data).
    clone(original, restored)
    manage(original, "load_portal_data")
    manage(
        original, "create_role_user", "drill-admin", "--role", "Editor", "--email", "a@example.org"
    )
    manage(original, "shell", "-c", EDITS)
    backup = tmp_path / "backup.json"
    manage(original, "backup_portal", str(backup))

    # A user of the same name is already there: the restore refuses and changes nothing.
    manage(
        restored, "create_role_user", "drill-admin", "--role", "Editor", "--email", "b@example.org"
    )
    refused = manage(restored, "restore_portal", str(backup), check=False)
    assert refused.returncode != 0
    assert "overwrite" in refused.stderr
    before = snapshot(restored)
    assert before["users"] == [["drill-admin", "b@example.org"]]
    assert all(records == [] for records in before["listing"].values())

    # Without that user (another one stays), the restore goes through.
    manage(restored, "shell", "-c", "from django.contrib.auth.models import User; "
           "User.objects.filter(username='drill-admin').delete()")  # fmt: skip
    manage(restored, "create_role_user", "keeper", "--role", "Editor")
    manage(restored, "restore_portal", str(backup))

    expected = snapshot(original, tmp_path / "original.json")
    actual = snapshot(restored, tmp_path / "restored.json")
    assert sum(len(records) for records in expected["listing"].values()) > 100
    assert actual["listing"] == expected["listing"]
    assert any(len(rows) > 1 for rows in expected["history"].values())
    assert actual["history"] == expected["history"]
    assert set(map(tuple, expected["users"])) <= set(map(tuple, actual["users"]))
    assert ("keeper", "") in set(map(tuple, actual["users"]))
