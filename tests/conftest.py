import pytest
from django.core.cache import cache


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
