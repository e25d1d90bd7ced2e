"""The whole published dataset in one download, versioned by the changes feed.

``/api/v1/download/datapackage.json`` is a Frictionless Data Package: one CSV per
kind, each with its table schema, size and SHA-256; ``/api/v1/download/portal.json``
is every record of every kind in one JSON file. The version is the id of the last
change in the feed, so a new version is built (once, then cached) after any change.
"""

import csv
import hashlib
import io
import json

from django.core.cache import cache
from django.db.models import Max
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.views import APIView

from portal.api.renderers import CSVTable
from portal.api.views import ApiViewMixin
from portal.changes import api_kinds
from portal.models import Change


def data_version():
    return Change.objects.aggregate(last=Max("id"))["last"] or 0


def _records(viewset, request):
    queryset = viewset.queryset.all().order_by("pk")
    return viewset.serializer_class(queryset, many=True, context={"request": request}).data


def build(request, version):
    files, resources, everything = {}, [], {}
    for _label, (basename, viewset) in sorted(api_kinds().items(), key=lambda item: item[1][0]):
        records = _records(viewset, request)
        everything[basename] = records
        table = CSVTable()
        body = "".join(table.lines(records)).encode("utf-8")
        name = f"{basename}.csv"
        files[name] = (body, "text/csv; charset=utf-8")
        labels = _labels(body)
        resources.append(
            {
                "name": basename,
                "path": name,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": len(body),
                "hash": f"sha256:{hashlib.sha256(body).hexdigest()}",
                "schema": {"fields": [{"name": label, "type": "string"} for label in labels]},
            }
        )
    whole = json.dumps(
        {"version": version, "records": everything}, ensure_ascii=False, default=str
    ).encode("utf-8")
    files["portal.json"] = (whole, "application/json")
    package = {
        "profile": "tabular-data-package",
        "name": "ict-strategy-portal",
        "title": "Japan's international ICT strategy, as published on the portal",
        "version": str(version),
        "resources": resources,
        "json": {
            "path": "portal.json",
            "bytes": len(whole),
            "hash": f"sha256:{hashlib.sha256(whole).hexdigest()}",
        },
    }
    files["datapackage.json"] = (
        json.dumps(package, ensure_ascii=False, indent=1).encode("utf-8"),
        "application/json",
    )
    return files


def _labels(body):
    first = body.decode("utf-8").splitlines()[:1]
    return next(csv.reader(io.StringIO(first[0]))) if first else []


def files_for(request):
    version = data_version()
    key = f"api-download:{version}:{request.get_host()}"
    files = cache.get(key)
    if files is None:
        files = build(request, version)
        cache.set(key, files, timeout=24 * 3600)
    return version, files


class DownloadView(ApiViewMixin, APIView):
    """One file of the bulk download: datapackage.json, portal.json or <kind>.csv."""

    @extend_schema(
        responses={
            (200, "application/json"): OpenApiTypes.OBJECT,
            (200, "text/csv"): OpenApiTypes.STR,
        },
        description="datapackage.json (the default), portal.json, or <kind>.csv.",
    )
    def get(self, request, name="datapackage.json"):
        version, files = files_for(request)
        if name not in files:
            raise NotFound(f"No file {name!r}. datapackage.json lists every file.")
        body, content_type = files[name]
        response = HttpResponse(body, content_type=content_type)
        response["ETag"] = f'"{version}-{hashlib.sha256(body).hexdigest()[:16]}"'
        response["Content-Disposition"] = f'inline; filename="{name}"'
        return response
