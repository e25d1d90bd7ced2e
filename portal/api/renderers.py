"""CSV for the API: a header row of readable labels, then one row a record.

A list asked for as CSV (``?format=csv`` or ``Accept: text/csv``) streams every
matching record, not one page (see ``RecordViewSet.list``). Cells:

- a linked record is "Name (id)"; several are joined with "; ";
- an agreement's party is its role and record, "country: Japan (JP), organization:
  Ministry of ... (mic)", parties joined with "; ";
- a date gives three columns: the value at its precision, its first and last day;
- citations are "section: quote", joined with " | ".
"""

import csv
import io

from rest_framework.renderers import BaseRenderer

LABELS = {"id": "ID", "url": "API URL", "html_url": "Page URL", "as_written": "As written"}
PARTY_ROLES = ["country", "organization", "framework"]


def label(name):
    return LABELS.get(name) or name.replace("_", " ").capitalize()


def is_link(value):
    return isinstance(value, dict) and "id" in value and "name" in value


def link_cell(value):
    return f"{value['name']} ({value['id']})"


def is_date(value):
    return isinstance(value, dict) and "precision" in value and "value" in value


def party_cell(party):
    sides = [f"{role}: {link_cell(party[role])}" for role in PARTY_ROLES if party.get(role)]
    if party.get("as_written"):
        sides.append(f"as written: {party['as_written']}")
    return ", ".join(sides)


def cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if is_link(value):
        return link_cell(value)
    if isinstance(value, dict):
        if any(role in value for role in PARTY_ROLES):
            return party_cell(value)
        if "quote" in value:
            return f"{value['section']}: {value['quote']}"
        return "; ".join(f"{key}: {cell(item)}" for key, item in value.items())
    if isinstance(value, list):
        separator = " | " if value and isinstance(value[0], dict) and "quote" in value[0] else "; "
        return separator.join(cell(item) for item in value)
    return str(value)


class CSVTable:
    """Rows of API records as CSV lines; the columns come from the first record."""

    def __init__(self):
        self.columns = None
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer)

    def _take(self):
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return text

    def header(self, record):
        self.columns = list(record)
        labels = []
        for name in self.columns:
            if is_date(record[name]) or name == "date":
                labels += [label(name), f"{label(name)} start", f"{label(name)} end"]
            else:
                labels.append(label(name))
        self.writer.writerow(labels)
        return self._take()

    def row(self, record):
        cells = []
        for name in self.columns:
            value = record.get(name)
            if name == "date" or is_date(value):
                value = value or {}
                cells += [value.get("value", ""), value.get("start", ""), value.get("end", "")]
            else:
                cells.append(cell(value))
        self.writer.writerow(cells)
        return self._take()

    def lines(self, records):
        for record in records:
            if self.columns is None:
                yield self.header(record)
            yield self.row(record)


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
            rows = [data]  # one record
        return "".join(CSVTable().lines(rows)).encode(self.charset)
