"""CSV for list endpoints: one row a record, linked records as their ids."""

import csv
import io

from rest_framework.renderers import BaseRenderer


def flatten(value):
    """A cell: links become their ids, lists are joined with "; "."""
    if value is None:
        return ""
    if isinstance(value, dict):
        if "id" in value:
            return value["id"]
        if "value" in value and "precision" in value:
            return value["value"]
        return ""
    if isinstance(value, list):
        if value and isinstance(value[0], dict) and "quote" in value[0]:
            return " | ".join(f"{c['section']}: {c['quote']}" for c in value)
        return "; ".join(str(flatten(item)) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, dict) and "results" in data:
            rows = data["results"]
        elif isinstance(data, list):
            rows = data
        else:
            # An error or a single record: one row of whatever fields it has.
            rows = [data]
        output = io.StringIO()
        columns = list(rows[0]) if rows else []
        writer = csv.writer(output)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([flatten(row.get(column)) for column in columns])
        return output.getvalue().encode(self.charset)
