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


# OpenAPI links (3.0 "links" on a 200 response): how an answer leads to other operations.
# Schemathesis' stateful phase follows them, so chains of real ids are tested, not only
# made-up ones. All are derived: list -> detail from the router, detail -> linked detail
# from the link graph (portal.links), the changes feed -> the record it names.


def _link(operation_id, pointer, description):
    return {
        "operationId": operation_id,
        "parameters": {"id": f"$response.body#/{pointer}"},
        "description": description,
    }


def _operation_ids(schema):
    """{path: {method: operationId}} of the schema."""
    return {
        path: {method: operation.get("operationId") for method, operation in item.items()}
        for path, item in schema.get("paths", {}).items()
    }


def add_links(result, generator, request, public):
    """drf-spectacular postprocessing hook: declare the links between operations."""
    from portal.api.fields import API_BASENAMES
    from portal.api.v1 import router
    from portal.links import sides

    paths = result.get("paths", {})
    ids = _operation_ids(result)

    def operation(path):
        return paths.get(path, {}).get("get")

    def retrieve_id(prefix):
        return ids.get(f"/api/v1/{prefix}/{{id}}/", {}).get("get")

    by_label = {}
    for prefix, viewset, _ in router.registry:
        model = viewset.queryset.model
        by_label[model._meta.label] = prefix
    changes = operation("/api/v1/changes/")
    download, download_file = operation("/api/v1/download/"), operation("/api/v1/download/{name}")
    if download is not None and download_file is not None:
        # One view serves both paths: name the second operation for itself.
        download_file["operationId"] = "download_file"
        _links_of(download)["first_file"] = {
            "operationId": "download_file",
            "parameters": {"name": "$response.body#/resources/0/path"},
            "description": "The data package's first file (a CSV of one kind).",
        }
    for prefix, viewset, _ in router.registry:
        retrieve = retrieve_id(prefix)
        listing = operation(f"/api/v1/{prefix}/")
        if retrieve is None or listing is None:
            continue
        _links_of(listing)[f"first_{prefix}"] = _link(
            retrieve, "results/0/id", f"The first {prefix} record of the page."
        )
        if changes is not None:
            _links_of(changes)[f"changed_{prefix}"] = _link(
                retrieve,
                "results/0/id",
                f"The record the first change names, when it is one of the {prefix}.",
            )
        detail = operation(f"/api/v1/{prefix}/{{id}}/")
        for side in sides(viewset.queryset.model):
            if side.inline or side.target._meta.label not in API_BASENAMES:
                continue
            target = retrieve_id(by_label.get(side.target._meta.label, ""))
            if target is None:
                continue
            pointer = f"{side.name}/0/id" if side.many else f"{side.name}/id"
            _links_of(detail)[f"{side.name}"] = _link(
                target, pointer, f"A linked record: {side.label}."
            )
    return result


def _links_of(operation):
    return operation["responses"]["200"].setdefault("links", {})


# What the server refuses, said in the schema, so that a client (and schemathesis) can
# tell a valid request from an invalid one without trying it.
NO_CONTROL = "\\x00-\\x1f\\x7f-\\x9f"
# Text without control characters (refused everywhere: portal.api.views).
PLAIN_TEXT = f"^[^{NO_CONTROL}]*$"
PATH_TEXT = f"^[^/{NO_CONTROL}]+$"
INTEGER_BOUNDS = {
    # portal.validation.is_whole_number takes up to nine digits.
    "page": {"minimum": 1, "maximum": 999_999_999},
    "page_size": {"minimum": 1, "maximum": 500},  # PortalPagination.max_page_size
    "year": {"minimum": 1, "maximum": 9999},
}


def _tighten(parameter):
    from django.conf import settings

    from portal.api.pagination import CURSOR_PATTERN
    from portal.api.views import CHANGE_CURSOR_PATTERN

    schema = parameter.setdefault("schema", {})
    name = parameter["name"]
    if parameter["in"] == "path":
        if schema.get("type") == "string" and "pattern" not in schema:
            schema["pattern"] = PATH_TEXT
        elif "[^/]" in schema.get("pattern", ""):  # a meeting: dialogue/meeting
            schema["pattern"] = schema["pattern"].replace("[^/]", f"[^/{NO_CONTROL}]")
        return
    if parameter["in"] != "query":
        return
    if not parameter.get("required"):
        # An empty parameter is the same as leaving it out (django-filter's rule, kept by
        # every parameter of the API).
        parameter["allowEmptyValue"] = True
    if name in INTEGER_BOUNDS and schema.get("type") in ("integer", "number"):
        schema["type"] = "integer"
        for key, value in INTEGER_BOUNDS[name].items():
            schema.setdefault(key, value)
    elif name == "q" and schema.get("type") == "string":
        # The word cap counts Unicode words (portal.limits), which a JSON Schema pattern
        # (ECMA: \w is ASCII) cannot state; the description does.
        schema["maxLength"] = settings.QUERY_MAX_CHARS
        parameter["description"] = (
            f"{parameter.get('description', '')} At most {settings.QUERY_MAX_CHARS} "
            f"characters and {settings.QUERY_MAX_WORDS} words; more is a 400."
        ).strip()
    elif name == "cursor" and schema.get("type") == "string":
        schema["pattern"] = CURSOR_PATTERN
    elif name == "since" and schema.get("type") == "string":
        schema["pattern"] = CHANGE_CURSOR_PATTERN
    target = schema.get("items", schema) if schema.get("type") == "array" else schema
    if target.get("type") == "string" and not {"enum", "format", "pattern"} & set(target):
        target["pattern"] = PLAIN_TEXT


def tighten_parameters(result, generator, request, public):
    """drf-spectacular postprocessing hook: bounds and patterns the server enforces."""
    for item in result.get("paths", {}).values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                _tighten(parameter)
    return result
