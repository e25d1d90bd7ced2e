"""The filters a list reads (portal/filters.py), as each request copies them."""

import pytest
from django.http import QueryDict

from initiatives.filters import InitiativeFilter
from initiatives.models import Initiative
from tests.factories import CountryFactory, InitiativeFactory

pytestmark = pytest.mark.django_db


def test_each_filterset_filters_by_its_own_copy_of_an_id_filter():
    """A filterset copies its filters; a record filter's copy shares nothing a request
    changes: its filter method reads its own filterset, its queryset of choices is a
    clone, and the class's filter is left as it was."""
    vietnam = CountryFactory(code="VN", name="Vietnam")
    kenya = CountryFactory(code="KE", name="Kenya")
    hanoi = InitiativeFactory(name="Hanoi data centre")
    hanoi.countries.set([vietnam])
    nairobi = InitiativeFactory(name="Nairobi cable")
    nairobi.countries.set([kenya])
    base = InitiativeFilter.base_filters["country"]
    queryset = Initiative.objects.published()

    found = []
    for code in ("VN", "KE"):
        filterset = InitiativeFilter(QueryDict(f"country={code}"), queryset=queryset)
        copied = filterset.filters["country"]
        assert copied is not base
        assert copied.parent is filterset
        assert copied.filter.f is copied
        assert copied.extra["queryset"] is not base.extra["queryset"]
        found.append([initiative.name for initiative in filterset.qs])

    assert found == [["Hanoi data centre"], ["Nairobi cable"]]
    assert not hasattr(base, "parent")
    assert base.extra["queryset"]._result_cache is None
