"""The OpenAPI schema: every operation lists its error responses and rate-limit headers."""

from drf_spectacular.openapi import AutoSchema

from portal.api.problems import DEFAULT_DETAILS, MEDIA_TYPE, ProblemSerializer

RATE_LIMIT_HEADERS = {
    "RateLimit-Limit": "Requests allowed per window for this client address.",
    "RateLimit-Remaining": "Requests left in the current window.",
    "RateLimit-Reset": "Seconds until the current window ends.",
}

ERROR_DESCRIPTIONS = {
    400: "A query parameter is not valid; invalid_params names each one and why.",
    404: "No such record, page or resource.",
    405: "The API is read-only.",
    406: "The Accept header asks for a format this resource does not offer.",
    429: "Too many requests; Retry-After says how many seconds to wait.",
    500: DEFAULT_DETAILS[500],
    503: DEFAULT_DETAILS[503],
}

CSV_DESCRIPTION = (
    "CSV (RFC 4180, UTF-8): a header row of readable column labels, then one row per "
    "matching record - every match, not one page. A linked record is written as "
    '"Name (id)"; several are joined with "; ".'
)


def _header(description):
    return {"schema": {"type": "integer"}, "description": description}


class PortalAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        problem = self.resolve_serializer(ProblemSerializer, direction).ref
        for status, description in ERROR_DESCRIPTIONS.items():
            responses.setdefault(
                str(status),
                {"content": {MEDIA_TYPE: {"schema": problem}}, "description": description},
            )
        retry_after = _header("Seconds to wait before the next request.")
        responses["429"].setdefault("headers", {})["Retry-After"] = retry_after
        for response in responses.values():
            headers = response.setdefault("headers", {})
            for name, description in RATE_LIMIT_HEADERS.items():
                headers.setdefault(name, _header(description))
        return responses

    def _get_response_for_code(
        self, serializer, status_code, media_types=None, direction="response"
    ):
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        csv = response.get("content", {}).get("text/csv")
        if csv is not None:
            csv["schema"] = {"type": "string", "description": CSV_DESCRIPTION}
        return response
