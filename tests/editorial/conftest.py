import pytest

from tests.editorial.test_versions import role_client


@pytest.fixture
def editor(db):
    return role_client("Editor")


@pytest.fixture
def publisher(db):
    return role_client("Publisher")


@pytest.fixture
def viewer(db):
    return role_client("Viewer")
