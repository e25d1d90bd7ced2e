"""API answers from the stored representations: a record's JSON as portal.changes last
rendered it (PublicDigest.representation), not rebuilt from its rows and links on each
request.

portal.changes renders every published record's representation whenever a change may
touch it (the same recheck that keeps the changes feed), with its links as paths; here
they are made absolute for the request. A plain JSON request (no ``format``) is answered
from them; anything else, and any record not stored yet, by the serializers.
tests/api/test_stored.py holds the two equal, byte for byte, for every record.
"""

from rest_framework.renderers import JSONRenderer

from portal.models import PublicDigest

# The only keys whose values are this site's own paths: the API URL and the page URL. In
# JSON text '"url":"/' is always that key and the start of its value: a string never
# holds an unescaped quote, and a longer key ("html_url") has no quote before "url".
OWN_PATHS = ('"url":"/', '"html_url":"/')


class StoredJSON(bytes):
    """JSON already rendered: the renderer sends it as it is."""


class StoredResults(bytes):
    """A page's records as a JSON array, for the list envelope."""


def answers_from_store(request) -> bool:
    """A JSON answer with links as the serializers make them absolute: no ``format``
    parameter (DRF carries it into every link)."""
    renderer = getattr(request, "accepted_renderer", None)
    return getattr(renderer, "format", None) == "json" and "format" not in request.query_params


def absolute(text: str, request) -> str:
    origin = request._current_scheme_host
    for own in OWN_PATHS:
        text = text.replace(own, f"{own[:-1]}{origin}/")
    return text


def record(path: str, request):
    """(the JSON, when it last changed) of the published record at this API path, or
    None when none is stored there."""
    row = (
        PublicDigest.objects.filter(url=path)
        .exclude(representation="")
        .values_list("representation", "changed_at")
        .first()
    )
    if row is None:
        return None
    return StoredJSON(absolute(row[0], request).encode()), row[1]


def records(model, pks, request) -> StoredResults | None:
    """The JSON array of these records in this order, or None if any is not stored."""
    rows = dict(
        PublicDigest.objects.filter(model_label=model._meta.label, record_pk__in=pks)
        .exclude(representation="")
        .values_list("record_pk", "representation")
    )
    if len(rows) < len(set(pks)):
        return None
    return StoredResults(absolute("[" + ",".join(rows[pk] for pk in pks) + "]", request).encode())


class StoredJSONRenderer(JSONRenderer):
    """DRF's JSON renderer, which sends stored JSON as it is: a record, or a list page
    whose results are stored (the envelope rendered, the records put in as they are)."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, StoredJSON):
            return bytes(data)
        if isinstance(data, dict) and isinstance(data.get("results"), StoredResults):
            envelope = {key: value for key, value in data.items() if key != "results"}
            head = super().render(envelope, accepted_media_type, renderer_context)
            # The pagination's envelope: count, next, previous, then results.
            return head[:-1] + b',"results":' + data["results"] + b"}"
        return super().render(data, accepted_media_type, renderer_context)
