"""Every error under /api/ in one shape: RFC 9457 problem details.

A body is ``{"type", "title", "status", "detail"}`` plus ``invalid_params``
(``[{"name", "reason"}]``) when query parameters are at fault. It is always
``application/problem+json``, whatever format the request asked for: a CSV
client gets a JSON error it can read, not a CSV row.

DRF views raise their errors through ``exception_handler``; everything else
under /api/ (unknown routes, server errors, errors from middleware) is rewritten
by ``portal.api.middleware.ApiMiddleware``.
"""

import json
from http import HTTPStatus

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from rest_framework import exceptions, serializers
from rest_framework.views import set_rollback

MEDIA_TYPE = "application/problem+json"
API_PREFIX = "/api/"

# What each status means for a client of this API, when nothing more precise is known.
DEFAULT_DETAILS = {
    400: "The request is not valid.",
    404: "There is nothing at this address. The API root (/api/v1/) lists every resource.",
    405: "This API is read-only: use GET, HEAD or OPTIONS.",
    406: "This resource answers as application/json or text/csv only.",
    429: "Too many requests from this address; wait and try again (see Retry-After).",
    500: "The server failed to answer. The error has been logged.",
    503: "The service is unavailable for a moment; try again shortly.",
}


def problem_body(status, detail=None, invalid_params=None):
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": str(detail or DEFAULT_DETAILS.get(status, HTTPStatus(status).description)),
    }
    if invalid_params:
        body["invalid_params"] = invalid_params
    return body


def problem_response(status, detail=None, *, invalid_params=None, headers=None):
    body = problem_body(status, detail, invalid_params)
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, cls=DjangoJSONEncoder),
        status=status,
        content_type=MEDIA_TYPE,
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


class InvalidParameters(exceptions.ValidationError):
    """Query parameters the endpoint refuses, each with its reason (a 400)."""

    def __init__(self, reasons: dict[str, str]):
        super().__init__({name: [reason] for name, reason in reasons.items()})


def _flatten(messages):
    if isinstance(messages, dict):
        return " ".join(_flatten(value) for value in messages.values())
    if isinstance(messages, list):
        return " ".join(_flatten(message) for message in messages)
    return str(messages)


def exception_handler(exc, context):
    """DRF's handler, answering with a problem document instead of its own shapes."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    if not isinstance(exc, exceptions.APIException):
        return None  # a server error: Django logs it, ApiMiddleware shapes it
    headers = {}
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(max(1, round(exc.wait)))
    invalid_params = None
    if isinstance(exc.detail, dict):
        invalid_params = [
            {"name": name, "reason": _flatten(messages)} for name, messages in exc.detail.items()
        ]
        detail = " ".join(f"{item['name']}: {item['reason']}" for item in invalid_params)
    elif isinstance(exc.detail, list):
        detail = _flatten(exc.detail)
    else:
        detail = str(exc.detail)
    set_rollback()
    return problem_response(exc.status_code, detail, invalid_params=invalid_params, headers=headers)


class InvalidParamSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The query parameter.")
    reason = serializers.CharField(help_text="Why its value was refused.")


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details: the body of every error response."""

    type = serializers.CharField(help_text='"about:blank": the status explains the problem.')
    title = serializers.CharField(help_text='The HTTP status phrase, e.g. "Bad Request".')
    status = serializers.IntegerField(help_text="The HTTP status code.")
    detail = serializers.CharField(help_text="What went wrong, in plain words.")
    invalid_params = InvalidParamSerializer(
        many=True, required=False, help_text="For a 400: each refused parameter and why."
    )
