import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase


@pytest.fixture(scope="module")
def site_data(django_db_setup, django_db_blocker):
    """The site fixtures, loaded once for a module as `load_portal_data` loads them: its
    on-commit work (the changes feed and the search index) runs as at a commit; all of it
    is rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("load_portal_data", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def site(site_data, django_db_blocker):
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Records made inside are committed as far as the app can tell: the search index
    is kept when a change commits (portal.changes)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
