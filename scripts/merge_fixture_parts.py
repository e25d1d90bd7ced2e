"""Merge transcription parts into one fixture file per kind.

    python scripts/merge_fixture_parts.py fixtures/parts fixtures

The source was transcribed in parts, each into its own folder of YAML files
(fixtures/parts/p1, p2 ...). The same entity (the MIC, Japan, ASEAN) appears in
several parts under one id. Merging unions list fields (aliases, topics, links,
citations, meetings by slug), ORs the flags, joins distinct notes, and keeps a
scalar that only one part gives. Where two parts give different values for a
scalar, the first part's value is kept and the disagreement is printed, for a
person to settle in the merged file.
"""

import sys
from pathlib import Path

import yaml

FILES = [
    "topics",
    "sources",
    "countries",
    "regions",
    "organizations",
    "frameworks",
    "people",
    "events",
    "dialogues",
    "agreements",
    "initiatives",
    "statistics",
    "figures",
]
FIRST_KEYS = ["slug", "code", "name", "acronym", "kind", "number", "date"]
LAST_KEYS = ["topics", "incomplete", "conflicting", "note", "citations"]
FLAGS = {"incomplete", "conflicting"}


def order_keys(record):
    keys = list(record)
    first = [key for key in FIRST_KEYS if key in record]
    last = [key for key in LAST_KEYS if key in record]
    middle = [key for key in keys if key not in first and key not in last]
    ordered = {key: record[key] for key in first + middle + last}
    for child in ("meetings", "appointments"):
        if child in ordered:
            ordered[child] = [order_keys(item) for item in ordered[child]]
    return ordered


def citation_id(citation):
    return (" ".join(str(citation.get("section", "")).split()), " ".join(citation["quote"].split()))


def merge_lists(name, old, new, where, report):
    if name == "citations":
        seen = {citation_id(c) for c in old}
        return old + [c for c in new if citation_id(c) not in seen]
    if name == "meetings":
        by_slug = {m["slug"]: m for m in old}
        merged = list(old)
        for meeting in new:
            if meeting["slug"] in by_slug:
                index = merged.index(by_slug[meeting["slug"]])
                merged[index] = merge(
                    by_slug[meeting["slug"]], meeting, f"{where}/{meeting['slug']}", report
                )
            else:
                merged.append(meeting)
        return merged
    if name == "parties":
        if old and new and old != new:
            report.append(f"{where}: parties differ; kept the first part's")
        return old or new
    result = list(old)
    for item in new:
        if item not in result:
            result.append(item)
    return result


def merge(old, new, where, report):
    merged = dict(old)
    for name, value in new.items():
        if name not in merged or merged[name] in (None, "", []):
            merged[name] = value
        elif value in (None, "", []) or merged[name] == value:
            continue
        elif name in FLAGS:
            merged[name] = bool(merged[name] or value)
        elif name == "note":
            merged[name] = f"{merged[name]} {value}".strip()
        elif isinstance(merged[name], list) and isinstance(value, list):
            merged[name] = merge_lists(name, merged[name], value, where, report)
        elif name == "description" and len(str(value)) > len(str(merged[name])):
            report.append(f"{where}: description differs; kept the longer")
            merged[name] = value
        else:
            report.append(f"{where}: {name} differs: kept {merged[name]!r}, not {value!r}")
    return merged


def main(parts_dir, out_dir):
    parts_dir, out_dir = Path(parts_dir), Path(out_dir)
    report = []
    for name in FILES:
        id_field = "code" if name == "countries" else "slug"
        merged = {}
        sources = [out_dir / f"{name}.yaml"] if name == "sources" else []
        sources += sorted(parts_dir.glob(f"*/{name}.yaml"))
        for path in sources:
            if not path.exists():
                continue
            for record in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
                key = str(record[id_field])
                where = f"{name}:{key} ({path.parent.name})"
                merged[key] = merge(merged[key], record, where, report) if key in merged else record
        if not merged:
            continue
        records = [order_keys(merged[key]) for key in sorted(merged)]
        text = yaml.safe_dump(records, allow_unicode=True, sort_keys=False, width=100)
        (out_dir / f"{name}.yaml").write_text(text, encoding="utf-8")
        print(f"{name}: {len(records)} records")
    for line in report:
        print("CHECK", line)


if __name__ == "__main__":
    main(*sys.argv[1:3])
