"""The site's URLs plus a ceiling for `make bench` (scripts/bench.py): the same 50
initiatives as /api/v1/initiatives/?page_size=50, by one raw SQL query and json.dumps,
through the same middleware. Used only when BENCH=1 (portal/settings.py)."""

import json

from django.db import connection
from django.http import HttpResponse
from django.urls import path

from portal.urls import urlpatterns as site_urlpatterns

CEILING_SQL = """
    SELECT slug, name, kind, description, date_start, date_end, date_precision, updated_at
    FROM initiatives_initiative WHERE status = 'published' ORDER BY name, id LIMIT 50
"""


def ceiling(request):
    with connection.cursor() as cursor:
        cursor.execute(CEILING_SQL)
        columns = [column[0] for column in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    body = json.dumps({"count": len(rows), "results": rows}, default=str)
    return HttpResponse(body, content_type="application/json")


urlpatterns = [path("bench/ceiling/", ceiling), *site_urlpatterns]
