import pytest
from django.apps import apps
from django.conf import settings as dj_settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.utils import translation

from portal.roles import ROLES, sync_role_groups


@pytest.fixture(autouse=True)
def site_language():
    """Each test starts in English, as a fresh process does: LocaleMiddleware activates a
    language for each request and leaves it active in the thread after, so a test's
    /ja/ request would otherwise name the next test's URLs in Japanese."""
    translation.activate(dj_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def views_uncached(settings):
    """Views are tested as they build their answers: the whole-response cache is off and
    the default cache (throttle counters) is this process's memory, so query counts and
    repeated requests measure the views. tests/serve/ tests the cache and the shared
    stores, across real processes."""
    settings.CACHE_RESPONSES = False
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }


@pytest.fixture(autouse=True)
def generous_throttle(settings, views_uncached):
    """Tests send many requests from one address; the throttle test sets its own rate."""
    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"client": "100000/minute"},
    }


@pytest.fixture(autouse=True)
def role_groups(request):
    """The role groups come from a data migration, and the flush that ends every
    transactional test (a live server) empties them: a test that uses the database finds
    them made again, as that migration makes them."""
    marker = request.node.get_closest_marker("django_db")
    fixtures = set(request.fixturenames)
    if marker is None and not fixtures & {"db", "transactional_db", "live_server"}:
        return
    if "portal_data" in fixtures:  # the browser tests' shared data (tests/browser/conftest.py)
        return
    transactional = (marker is not None and marker.kwargs.get("transaction")) or fixtures & {
        "transactional_db",
        "live_server",
    }
    request.getfixturevalue("transactional_db" if transactional else "db")
    if Group.objects.filter(name__in=ROLES).count() < len(ROLES):
        sync_role_groups(apps)


@pytest.fixture
def admin_client(admin_user):
    """pytest-django's admin_client, signed in as an administrator must: through the login
    form with the password and a one-time code from a real TOTP device (tests/staff.py).
    Its own client, so a test can hold it beside the anonymous `client`."""
    from tests.staff import admin_login, enrol_authenticator

    signed_in = Client()
    enrol_authenticator(admin_user)
    admin_login(signed_in, admin_user, "password")
    return signed_in


@pytest.fixture(scope="session")
def site_snapshot(django_db_setup, django_db_blocker):
    """The rows `load_portal_data` leaves, loaded once in this test process (tests/snapshot.py)."""
    from tests.snapshot import Snapshot

    with django_db_blocker.unblock():
        return Snapshot.of_load()


@pytest.fixture(scope="module")
def site_data(site_snapshot, django_db_blocker):
    """The site fixtures for a module, as `load_portal_data` and its commit leave them (the
    changes feed and the search index included); all of it rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        site_snapshot.restore()
        # As at a commit, so gone as after one: a change in a test registers its own.
        connection.run_on_commit.clear()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def site_rows(site_snapshot, db):
    """The site fixtures for one test, put back in its transaction (a module whose other
    tests build their own records)."""
    site_snapshot.restore()


@pytest.fixture
def site(site_data, django_db_blocker):
    with django_db_blocker.unblock():
        yield
