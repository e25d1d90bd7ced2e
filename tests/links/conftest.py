"""The small portal of tests/explore/ (three partners, a region, a framework tree)."""

from tests.explore.conftest import graph  # noqa: F401 (a fixture)
