import pytest


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Records made inside are committed as far as the app can tell: the search index
    is kept when a change commits (portal.changes)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
