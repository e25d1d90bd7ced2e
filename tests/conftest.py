import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def generous_throttle(settings):
    """Tests send many requests from one address; the throttle test sets its own rate."""
    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"client": "100000/minute"},
    }
