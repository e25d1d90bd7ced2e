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


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin_client, signed in as an administrator must: through the login
    form with the password and a one-time code from a real TOTP device (tests/staff.py)."""
    from tests.staff import admin_login, enrol_authenticator

    enrol_authenticator(admin_user)
    admin_login(client, admin_user, "password")
    return client
