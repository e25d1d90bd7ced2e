"""Deprecations: an operation or parameter of v1 that is going, announced on every use.

A deprecation is declared once, in DEPRECATIONS. From that one line:
- every response to a request that uses it carries ``Deprecation`` (RFC 9745: when it was
  deprecated, ``@`` and a Unix time), ``Sunset`` (RFC 8594: the HTTP date it stops working)
  and ``Link: <policy>; rel="deprecation"`` (ApiMiddleware calls ``announce``);
- the OpenAPI schema marks it (``deprecated: true`` on a whole operation or parameter; for
  some values of a parameter, the values and their replacement in its description), and
  the schema's description states the policy (``document``).

README "What may change within v1, and what never will" is the policy: at least six months
between Deprecation and Sunset.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.utils.http import http_date

POLICY = (
    "Deprecation policy: v1 only grows. A field, parameter or operation that is to go is "
    "first announced: responses that use it carry `Deprecation` (RFC 9745) and `Sunset` "
    '(RFC 8594) headers at least six months ahead, with `Link: <...>; rel="deprecation"` to '
    "this page, and this schema marks it deprecated. Anything that breaks a client is v2, "
    "at /api/v2/, beside v1 for at least a year."
)


@dataclass(frozen=True)
class Deprecation:
    """One thing of v1 that is going: a whole operation, a parameter, or some of its values."""

    path: str  # an API path; a regex when it contains "(" (a detail route)
    since: date  # when it was deprecated
    sunset: date  # when it stops working
    replacement: str  # what to use instead, as a client reads it
    parameter: str = ""  # empty: the whole operation
    values: frozenset = frozenset()  # empty: every value of the parameter

    def matches(self, request):
        if "(" in self.path:
            if not re.fullmatch(self.path, request.path):
                return False
        elif request.path != self.path:
            return False
        if not self.parameter:
            return True
        given = request.GET.getlist(self.parameter)
        if not given:
            return False
        return not self.values or any(value in self.values for value in given)

    @property
    def deprecation_header(self):
        moment = datetime(self.since.year, self.since.month, self.since.day, tzinfo=UTC)
        return f"@{int(moment.timestamp())}"

    @property
    def sunset_header(self):
        moment = datetime(self.sunset.year, self.sunset.month, self.sunset.day, tzinfo=UTC)
        return http_date(moment.timestamp())


def _meeting_formats():
    from initiatives.models import MeetingFormat

    return frozenset(MeetingFormat.values)


def deprecations():
    """Everything of v1 that is deprecated now."""
    return [
        # ?format=online on meetings: the filter's first name, which clashed with the
        # output format (?format=csv). Renamed meeting_format; the old name still works.
        Deprecation(
            path="/api/v1/meetings/",
            parameter="format",
            values=_meeting_formats(),
            since=date(2026, 11, 30),
            sunset=date(2027, 6, 1),
            replacement="meeting_format (e.g. ?meeting_format=online)",
        ),
    ]


def policy_url(request):
    from django.urls import reverse

    return request.build_absolute_uri(reverse("v1:docs"))


def announce(request, response):
    """Add the deprecation headers if the request uses something deprecated."""
    used = [item for item in deprecations() if item.matches(request)]
    if not used:
        return response
    # The earliest sunset is the one a client must act on first.
    first = min(used, key=lambda item: item.sunset)
    response["Deprecation"] = min(used, key=lambda item: item.since).deprecation_header
    response["Sunset"] = first.sunset_header
    link = f'<{policy_url(request)}>; rel="deprecation"; type="text/html"'
    existing = response.get("Link")
    response["Link"] = f"{existing}, {link}" if existing else link
    return response


def document(result, generator, request, public):
    """drf-spectacular postprocessing hook: the policy, and each deprecation, in the schema."""
    info = result.setdefault("info", {})
    info["description"] = f"{info.get('description', '')}\n\n{POLICY}".strip()
    for item in deprecations():
        for path, operations in result.get("paths", {}).items():
            if not (re.fullmatch(item.path, path) if "(" in item.path else path == item.path):
                continue
            for operation in operations.values():
                if not item.parameter:
                    operation["deprecated"] = True
                    continue
                for parameter in operation.get("parameters", []):
                    if parameter["name"] != item.parameter or parameter["in"] != "query":
                        continue
                    note = f"Deprecated since {item.since}, works until {item.sunset}: "
                    if item.values:
                        schema = parameter.setdefault("schema", {})
                        if "enum" in schema:
                            schema["enum"] = [*schema["enum"], *sorted(item.values)]
                        note += f"the values {', '.join(sorted(item.values))}"
                    else:
                        parameter["deprecated"] = True
                        note += "this parameter"
                    note += f"; use {item.replacement}."
                    parameter["description"] = f"{parameter.get('description', '')} {note}"
    return result
