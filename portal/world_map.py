"""The world map: country outlines from a vendored package, shaded by how many records link each."""

import json
from collections import Counter
from functools import cache

from django.conf import settings

from countries.models import Country
from portal.models import Status

MAP_DATA = settings.BASE_DIR / "static" / "vendor" / "svg-maps-world" / "world.json"
# (lowest count, CSS class) from the top down; colours in portal.css keep text contrast.
SHADES = [(11, "shade-4"), (6, "shade-3"), (3, "shade-2"), (1, "shade-1")]
# Paths from a country to the records it is linked to, and what they are called.
COUNTED_LINKS = [
    ("agreement_parties__agreement", "agreements"),
    ("dialogues", "dialogues"),
    ("meetings", "meetings"),
    ("initiatives", "initiatives"),
    ("events", "events"),
    ("events_hosted", "events"),
]


@cache
def outlines():
    return json.loads(MAP_DATA.read_text(encoding="utf-8"))


def record_counts() -> dict[str, int]:
    """Distinct published records linked to each country, by ISO code."""
    linked = set()
    for path, kind in COUNTED_LINKS:
        rows = Country.objects.published().filter(**{f"{path}__status": Status.PUBLISHED})
        for code, pk in rows.values_list("code", f"{path}__pk"):
            linked.add((str(code), kind, pk))
    return Counter(code for code, _, _ in linked)


def shade(count):
    return next((name for lowest, name in SHADES if count >= lowest), "shade-0")


def map_context():
    counts = record_counts()
    countries = {str(c.code): c for c in Country.objects.published()}
    data = outlines()
    shapes = []
    for location in data["locations"]:
        code = location["id"].upper()
        country = countries.get(code)
        count = counts.get(code, 0)
        shapes.append(
            {
                "code": code,
                "name": country.name if country else location["name"],
                "path": location["path"],
                "count": count,
                "shade": shade(count),
                "url": country.get_absolute_url() if country else None,
            }
        )
    listed = sorted(
        ({"country": c, "count": counts.get(code, 0)} for code, c in countries.items()),
        key=lambda row: (-row["count"], row["country"].name),
    )
    return {"view_box": data["viewBox"], "shapes": shapes, "listed": listed, "shades": SHADES}
