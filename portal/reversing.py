"""The URL of a record's page, without walking the URL patterns for every record.

reverse() resolves a name against every pattern each time it is called: a country page
at 100x the data names six hundred records, and reversing their URLs cost more than the
rest of the page. A record's URL is its pattern with its ids put in, so each name is
reversed once (per URL conf, script prefix and language) with markers in place of the
ids, and the ids then go where the markers stood. An id reverse() would quote or refuse
(anything but letters, digits, - and _) goes through reverse() itself.
"""

import re
from functools import lru_cache

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

_PLAIN = re.compile(r"[A-Za-z0-9_-]+")


def record_url(viewname, *ids):
    """reverse(viewname, args=ids), for ids that are slugs or codes."""
    if not all(isinstance(id_, str) and _PLAIN.fullmatch(id_) for id_ in ids):
        return reverse(viewname, args=ids)
    parts = _parts(
        viewname,
        len(ids),
        get_urlconf() or settings.ROOT_URLCONF,
        get_script_prefix(),
        get_language(),
    )
    if parts is None:
        return reverse(viewname, args=ids)
    url = parts[0]
    for id_, part in zip(ids, parts[1:], strict=True):
        url += id_ + part
    return url


@lru_cache(maxsize=1024)
def _parts(viewname, count, urlconf, script_prefix, language):
    """The URL's text around each id, or None when markers cannot stand for the ids."""
    markers = [f"0marker{number}0" for number in range(count)]
    try:
        url = reverse(viewname, args=markers, urlconf=urlconf)
    except NoReverseMatch:
        return None
    parts = []
    for marker in markers:
        head, found, url = url.partition(marker)
        if not found or marker in url:
            return None
        parts.append(head)
    return (*parts, url)
