"""Check fixture YAML against the source text, without Django.

    python scripts/check_fixtures.py fixtures/parts/p3        # one part
    python scripts/check_fixtures.py fixtures                 # the merged files

Checks that each file is a list of records with an id, a name and citations;
that every quote occurs in the source text (white space folded); that every
date parses and its year, month and day appear in the record's quotes; that
every statistic's value appears in its quotes; and lists the references that
point at no record in the files checked.
"""

import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal.partial_dates import DateSpan  # noqa: E402
from portal.source_text import load_source, normalize  # noqa: E402
from portal.validation import missing_date_tokens, number_in_quotes  # noqa: E402

KIND_BY_FILE = {
    "topics": "topic",
    "sources": "source",
    "regions": "region",
    "countries": "country",
    "organizations": "organization",
    "frameworks": "framework",
    "people": "person",
    "events": "event",
    "dialogues": "dialogue",
    "agreements": "agreement",
    "initiatives": "initiative",
    "statistics": "statistic",
    "figures": "figure",
}

# field name -> kind it refers to; a list field holds several ids
REFERENCES = {
    "topics": "topic",
    "parent": None,  # same kind as the record
    "country": "country",
    "countries": "country",
    "members": "country",
    "region": "region",
    "regions": "region",
    "organization": "organization",
    "organizations": "organization",
    "framework": "framework",
    "frameworks": "framework",
    "event": "event",
    "events": "event",
    "agreements": "agreement",
    "agreement": "agreement",
    "initiative": "initiative",
    "topic": "topic",
    "footnote": "source",
    "document": "source",
}


class Checker:
    def __init__(self):
        self.source = load_source()
        self.problems = []
        self.ids = {kind: set() for kind in KIND_BY_FILE.values()}
        self.references = []  # (where, kind, id)

    def problem(self, where, message):
        self.problems.append(f"{where}: {message}")

    def check_citations(self, where, citations):
        quotes = []
        if not citations:
            self.problem(where, "no citations")
            return quotes
        for number, citation in enumerate(citations, 1):
            quote = (citation or {}).get("quote") or ""
            if not (citation or {}).get("section"):
                self.problem(where, f"citation {number} has no section")
            if not self.source.contains(quote):
                self.problem(where, f"citation {number} quote not in source: {quote[:80]!r}")
            if citation.get("footnote"):
                self.references.append((where, "source", citation["footnote"]))
            quotes.append(normalize(quote))
        return quotes

    def check_date(self, where, value, quotes):
        if value in (None, ""):
            return
        try:
            span = DateSpan.parse(value)
        except ValueError as error:
            self.problem(where, f"date: {error}")
            return
        missing = missing_date_tokens(span, quotes)
        if missing:
            self.problem(where, f"date {value!r}: {missing} not in its quotes")

    def check_references(self, where, kind, record):
        for field, target in REFERENCES.items():
            if field not in record or record[field] in (None, ""):
                continue
            if kind == "source" and field == "footnote":
                continue  # a source's footnote is its printed mark, not a link
            target = target or kind
            values = record[field]
            for value in values if isinstance(values, list) else [values]:
                self.references.append((where, target, str(value)))

    def check_record(self, where, kind, record, parent_quotes=()):
        quotes = self.check_citations(where, record.get("citations"))
        quotes = quotes + list(parent_quotes)
        self.check_date(where, record.get("date"), quotes)
        if kind == "appointment":
            self.check_date(f"{where} term", record.get("term"), quotes)
        value = record.get("value") if kind == "statistic" else None
        if value is not None and not number_in_quotes(str(value), quotes):
            self.problem(where, f"value {record['value']!r} not in its quotes")
        self.check_references(where, kind, record)

    def check_file(self, path: Path):
        kind = KIND_BY_FILE.get(path.stem)
        if kind is None:
            self.problem(path, f"unknown file name; use one of {sorted(KIND_BY_FILE)}")
            return
        try:
            records = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        except yaml.YAMLError as error:
            self.problem(path, f"YAML error: {error}")
            return
        if not isinstance(records, list):
            self.problem(path, "must be a list of records")
            return
        for index, record in enumerate(records):
            if not isinstance(record, dict):
                self.problem(f"{path}[{index}]", "record is not a mapping")
                continue
            key = record.get("code") if kind == "country" else record.get("slug")
            where = f"{path}:{key or index}"
            if not key:
                self.problem(where, "no id (code for countries, slug otherwise)")
                continue
            if key in self.ids[kind] and path.parent.name != "parts":
                pass
            self.ids[kind].add(str(key))
            if not record.get("name") and kind not in ("country",):
                self.problem(where, "no name")
            self.check_record(where, kind, record)
            for appointment in record.get("appointments") or []:
                self.check_record(f"{where} appointment", "appointment", appointment)
            for meeting in record.get("meetings") or []:
                self.check_record(f"{where}/{meeting.get('slug')}", "meeting", meeting)
            for party in record.get("parties") or []:
                self.check_references(f"{where} party", "party", party)

    def unresolved(self):
        return sorted(
            {
                (kind, key, where)
                for where, kind, key in self.references
                if key not in self.ids.get(kind, set())
            }
        )


def main(paths):
    checker = Checker()
    files = []
    for name in paths:
        path = Path(name)
        files.extend(sorted(path.glob("*.yaml")) if path.is_dir() else [path])
    for path in files:
        checker.check_file(path)
    for problem in checker.problems:
        print("ERROR", problem)
    for kind, key, where in checker.unresolved():
        print(f"UNRESOLVED {kind} {key!r} (from {where})")
    count = sum(len(ids) for ids in checker.ids.values())
    print(f"{len(files)} files, {count} records, {len(checker.problems)} errors")
    return 1 if checker.problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["fixtures"]))
