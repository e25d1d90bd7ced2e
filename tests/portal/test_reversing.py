"""A record's URL (portal/reversing.py) is what reverse() gives, in every language and
under a script prefix; an id that is not a slug is refused as reverse() refuses it."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils import translation

from portal.reversing import record_url

CASES = [
    ("countries:country-detail", ("VN",)),
    ("initiatives:agreement-detail", ("moc-on-ict_2024",)),
    ("initiatives:meeting-detail", ("japan-vietnam-dialogue", "third-meeting")),
    ("portal:topic-detail", ("open-ran",)),
]


@pytest.mark.parametrize("language", ["en", "ja"])
@pytest.mark.parametrize("script_prefix", ["/", "/portal/"])
@pytest.mark.parametrize(("viewname", "ids"), CASES)
def test_a_record_url_is_what_reverse_gives(viewname, ids, language, script_prefix):
    try:
        set_script_prefix(script_prefix)
        with translation.override(language):
            url = record_url(viewname, *ids)
            assert url == reverse(viewname, args=ids)
            assert url.startswith(script_prefix)
            assert ("/ja/" in url) == (language == "ja")
    finally:
        set_script_prefix("/")


def test_an_id_that_is_not_a_slug_goes_through_reverse():
    with pytest.raises(NoReverseMatch):
        reverse("portal:figure-detail", args=["a b"])
    with pytest.raises(NoReverseMatch):
        record_url("portal:figure-detail", "a b")
