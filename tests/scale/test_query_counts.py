"""Every page kind and every API endpoint costs the same number of queries at 1× (the
fixtures) and at SCALE× (the fixtures plus synthetic copies, `generate_synthetic`).

The fixtures are loaded and copied once for the module, inside a transaction that is
rolled back at the end, so other tests never see them.
"""

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.api.fields import API_BASENAMES, api_url
from portal.changes import refresh
from portal.links import record_kinds
from portal.loading import Loader
from portal.management.commands.generate_synthetic import add_synthetic_copies

# Marked so that pytest-django sets up the test database even when this module runs alone.
pytestmark = pytest.mark.django_db

SCALE = 5

PAGES = [
    "/",
    "/search/?q=open+ran",
    "/timeline/",
    "/map/",
    "/explore/",
    "/explore/?country=VN",
    "/initiatives/?country=VN",
    "/initiatives/?q=digital",
]
API = [
    "/api/v1/",
    "/api/v1/search/?q=open+ran",
    "/api/v1/explore/",
    "/api/v1/explore/?country=VN",
    "/api/v1/changes/",
    "/api/v1/changes/?limit=1000",
    "/api/v1/initiatives/?page_size=50",
    "/api/v1/initiatives/?country=VN",
]


def the_most_linked(model):
    """A published record of this kind from the fixtures, the one with the most links."""
    from django.db.models import Count

    queryset = model.objects.published().filter(loaded_digest__gt="")
    return queryset.annotate(links=Count("citations")).order_by("-links", "pk").first()


def paths():
    found = [*PAGES, *API]
    for model in record_kinds():
        record = the_most_linked(model)
        meta = model._meta
        found.append(reverse(f"{meta.app_label}:{meta.model_name}-list"))
        found.append(record.get_absolute_url())
        found.append(reverse(f"v1:{API_BASENAMES[meta.label]}-list"))
        found.append(api_url(record, None))
    return found


def count_queries(client, path):
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code, response.content[:300])
    return len(context.captured_queries)


UNCACHED = {
    "CACHE_RESPONSES": False,
    "CACHES": {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    },
    "REST_FRAMEWORK": {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"client": "100000000/minute"},
    },
}


@pytest.fixture(scope="module")
def counts(django_db_setup, django_db_blocker):
    """{path: (queries at 1×, queries at SCALE×)}"""
    with django_db_blocker.unblock(), override_settings(**UNCACHED), transaction.atomic():
        Loader(settings.BASE_DIR / "fixtures").run()
        refresh()  # the changes feed, as the loader's commit would write it
        client = Client()
        checked = paths()
        for path in checked:  # warm: the first request builds per-process caches
            client.get(path)
        once = {path: count_queries(client, path) for path in checked}
        add_synthetic_copies(SCALE)
        many = {path: count_queries(client, path) for path in checked}
        transaction.set_rollback(True)
    return {path: (once[path], many[path]) for path in checked}


def test_every_kind_of_page_and_endpoint_is_measured(counts):
    kinds = {model._meta.model_name for model in record_kinds()}
    assert len([p for p in counts if p.startswith("/api/v1/")]) >= 2 * len(kinds)
    assert len([p for p in counts if not p.startswith("/api/")]) >= 2 * len(kinds)


def test_query_counts_do_not_grow_with_the_data(counts):
    grew = {path: both for path, both in counts.items() if both[0] != both[1]}
    assert not grew, f"queries at 1× and {SCALE}×: {grew}"
