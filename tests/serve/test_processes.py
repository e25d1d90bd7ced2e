"""Two real granian instances (two workers each, the `make serve` configuration) and a
third process on one database, with and without Redis: a change made through any of
them is seen through every other on the very next request; a staff session made on one
works on the other; the API throttle counts requests to both.

The database kind follows the suite's DATABASE_URL (SQLite: a temporary file;
PostgreSQL: a database of its own beside the suite's, the second instance pooling its
connections with DATABASE_POOL). The Redis variants run when
TEST_REDIS_URL names a Redis database they may flush (CI: .ci/run sets it).
"""

import os
import re
import time
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests
from django_otp.oath import TOTP

from tests.serve.servers import THROTTLE, Stack

PASSWORD = "a long passphrase for the tests 7"
# Two fixed ports CI runs nothing else on; SERVE_TEST_PORTS="a,b" moves them (two suites at once).
PORTS = tuple(int(p) for p in os.environ.get("SERVE_TEST_PORTS", "8121,8122").split(","))


def suite_database_url():
    return os.environ.get("DATABASE_URL", "")


def on_postgres():
    return suite_database_url().startswith(("postgres://", "postgresql://"))


def fresh_postgres_database():
    """A database of its own on the suite's server: <suite database>_procs."""
    import psycopg

    parts = urlsplit(suite_database_url())
    name = f"{parts.path.lstrip('/') or 'portal'}_procs"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def redis_url_or_skip():
    url = os.environ.get("TEST_REDIS_URL", "")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set (CI sets it; .ci/run starts redis-server)")
    import redis

    redis.Redis.from_url(url).flushdb()
    return url


@pytest.fixture(scope="module", params=["database", "redis"])
def stack(request, tmp_path_factory):
    redis_url = redis_url_or_skip() if request.param == "redis" else ""
    database_url = (
        fresh_postgres_database()
        if on_postgres()
        else f"sqlite:///{tmp_path_factory.mktemp('procs') / 'db.sqlite3'}"
    )
    stack = Stack(database_url, redis_url)
    stack.manage("migrate", "--noinput", "-v0")
    stack.shell(
        "from django.contrib.auth import get_user_model\n"
        "from portal.models import Topic\n"
        "topic = Topic.objects.create(slug='open-ran', name='Open RAN', status='published')\n"
        # Publishing checks for a citation (portal/admin.py).
        "from portal.models import Citation, Source\n"
        "paper = Source.objects.create(slug='white-paper', name='White paper', kind='document')\n"
        "cited = Citation.objects.create(document=paper, section='5', quote='Open RAN')\n"
        "topic.citations.add(cited)\n"
        f"chief = get_user_model().objects.create_superuser('chief', password={PASSWORD!r})\n"
        "from django_otp.plugins.otp_totp.models import TOTPDevice\n"
        f"TOTPDevice.objects.create(user=chief, name='app', confirmed=True, key={TOTP_KEY!r})\n"
    )
    try:
        # On PostgreSQL the second instance takes its connections from psycopg's pool.
        first, second = PORTS
        stack.bases = [stack.serve(first), stack.serve(second, DATABASE_POOL="3")]
        yield stack
    finally:
        stack.stop()


def public(base, path):
    """An anonymous reader: no cookies."""
    return requests.get(base + path, timeout=10)


def read_everywhere(bases, path, times=4):
    """The page from every instance, several times (each has two workers)."""
    return [public(base, path) for base in bases for _ in range(times)]


# An administrator needs a second factor (portal/security.py): a real TOTP device whose
# key the test knows, so it types the code an authenticator app would show.
TOTP_KEY = "3132333435363738393031323334353637383930"


def staff_login(session, base):
    page = session.get(f"{base}/admin/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = session.post(
        f"{base}/admin/login/?next=/admin/",
        data={
            "username": "chief",
            "password": PASSWORD,
            "otp_token": f"{TOTP(bytes.fromhex(TOTP_KEY)).token():06d}",
            "csrfmiddlewaretoken": token,
        },
        headers={"Referer": f"{base}/admin/login/"},
        timeout=10,
    )
    assert response.url.endswith("/admin/"), "the staff login failed"


def admin_action(session, base, action, topic_pk):
    page = session.get(f"{base}/admin/portal/topic/", timeout=10)
    assert page.status_code == 200 and "/admin/login/" not in page.url
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = session.post(
        f"{base}/admin/portal/topic/",
        data={
            "action": action,
            "_selected_action": str(topic_pk),
            "csrfmiddlewaretoken": token,
            "index": "0",
        },
        headers={"Referer": f"{base}/admin/portal/topic/"},
        timeout=10,
    )
    assert response.status_code == 200 and "Set to " in response.text, response.text


def test_a_change_through_one_process_is_seen_through_every_other_at_once(stack):
    a, b = stack.bases
    topic_pk = int(stack.shell("from portal.models import Topic\nprint(Topic.objects.get().pk)"))

    # Both instances serve the page, and from their caches once warm.
    for path in ["/topics/open-ran/", "/api/v1/topics/open-ran/"]:
        answers = read_everywhere([a, b], path)
        assert {r.status_code for r in answers} == {200}
        assert "hit" in {r.headers.get("X-Cache") for r in answers[4:]}
        assert "hit" in {r.headers.get("X-Cache") for r in answers[:4]}

    # A staff member signs in on A and unpublishes there: B hides it on the next request.
    staff = requests.Session()
    staff_login(staff, a)
    admin_action(staff, a, "unpublish", topic_pk)
    for path in ["/topics/open-ran/", "/api/v1/topics/open-ran/"]:
        answers = read_everywhere([b, a], path)
        assert {r.status_code for r in answers} == {404}, [
            (r.url, r.status_code, r.headers.get("X-Cache")) for r in answers
        ]

    # The same session works on B (sessions are shared): publish there, A shows it again.
    admin_action(staff, b, "publish", topic_pk)
    assert {r.status_code for r in read_everywhere([a, b], "/topics/open-ran/")} == {200}

    # A third process (a management shell, like an import or a fixture load) renames it.
    stack.shell(
        "from portal.models import Topic\n"
        "topic = Topic.objects.get()\n"
        "topic.name = 'Open radio access networks'\n"
        "topic.save()\n"
    )
    for response in read_everywhere([a, b], "/api/v1/topics/open-ran/"):
        assert response.json()["name"] == "Open radio access networks"
    for response in read_everywhere([b, a], "/topics/open-ran/"):
        assert "Open radio access networks" in response.text


def burst_in_one_window(bases):
    """Twice THROTTLE distinct requests (some refused with a 400: each still reaches the
    limit and counts) inside one fixed one-minute window of the limit; a burst that
    crosses into the next window (a slow machine) is sent again from that window's start."""
    for _ in range(2):
        window = time.time() // 60
        answers = [
            (base, public(base, f"/api/v1/topics/?page_size={n % 50 + 1}&n={n}").status_code)
            for n, base in enumerate(bases * THROTTLE)
        ]
        if time.time() // 60 == window:
            return answers
        time.sleep(max(0.0, (time.time() // 60 + 1) * 60 - time.time()) + 0.2)
    pytest.fail("two bursts of requests each took longer than a minute's window")


def test_the_api_throttle_counts_requests_to_both_instances(stack):
    a, b = stack.bases
    answers = burst_in_one_window([a, b])
    allowed = [base for base, status in answers if status != 429]
    # One count for both: were each instance counting alone, each would allow THROTTLE.
    assert 0 < len(allowed) <= THROTTLE
    assert {base for base, status in answers if status == 429} == {a, b}
