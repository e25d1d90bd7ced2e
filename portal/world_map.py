"""The world map: country outlines from a vendored package, shaded by how many records of the
chosen kinds, topic and years concern each country, counted by the explore engine.

The outlines are `world-simplified.json`, made from the vendored `world.json` by
scripts/simplify_world_map.py, so the page stays light. Japan, a party to nearly every
record of a portal about Japan's strategy, is drawn apart rather than shaded as the top
partner; its count comes from explore's "Japan's role" facet.
"""

import json
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext

from frameworks.models import Event
from initiatives.models import Agreement, Dialogue, Initiative, Meeting
from portal.explore import HOME_COUNTRY, JAPANS_ROLE, explore

MAP_DATA = settings.BASE_DIR / "static" / "vendor" / "svg-maps-world" / "world-simplified.json"
# (lowest count, CSS class) from the top down; colours in portal.css keep text contrast.
SHADES = [(11, "shade-4"), (6, "shade-3"), (3, "shade-2"), (1, "shade-1")]
# What Japan did with a country: the kinds the map counts unless others are chosen.
MAP_KINDS = (Event, Agreement, Dialogue, Meeting, Initiative)


@cache
def outlines():
    return json.loads(MAP_DATA.read_text(encoding="utf-8"))


def shade(count):
    return next((name for lowest, name in SHADES if count >= lowest), "shade-0")


@dataclass
class Place:
    code: str
    name: str
    count: int
    url: str | None  # its explore view under the map's filters; None with nothing to show


def map_context(params):
    """The map's shapes and the list beside it, from the explore facets of the chosen kinds
    (the MAP_KINDS by default), topic and years (and any other explore filter given). Each
    counted country links to the explore view that lists exactly what its count counts."""
    exploration = explore(params=params, kinds=MAP_KINDS, rows=False)
    selection = exploration.selection
    partners = next(facet for facet in exploration.facets if facet.param == "country")
    japan_facet = next(facet for facet in exploration.facets if facet.title == JAPANS_ROLE)
    # The explore view shows every kind unless told which: name the map's kinds.
    # A chosen country would narrow every country's link to itself; each link names its own.
    base = selection.query_items(leave_out="country")
    if not selection.kinds:
        base = [("kind", kind._meta.model_name) for kind in MAP_KINDS] + base
    explore_url = reverse("explore")

    def link(code):
        return f"{explore_url}?{urlencode([*base, ('country', code)])}"

    counts = {value.value: value for value in partners.values}
    places = [
        Place(value.value, value.label, value.count, link(value.value) if value.count else None)
        for value in partners.values
    ]
    places.sort(key=lambda place: (-place.count, place.name))
    japan_count = japan_facet.values[0].count if japan_facet.values else 0
    japan = Place(
        HOME_COUNTRY, gettext("Japan"), japan_count, link(HOME_COUNTRY) if japan_count else None
    )
    shapes = []
    for location in outlines()["locations"]:
        code = location["id"].upper()
        value = counts.get(code)
        count = value.count if value else 0
        shapes.append(
            {
                "code": code,
                "name": value.label if value else location["name"],
                "path": location["path"],
                "count": count,
                "shade": "home" if code == HOME_COUNTRY else shade(count),
                "url": japan.url if code == HOME_COUNTRY else (link(code) if count else None),
            }
        )
    kind_facet = exploration.facets[0]
    topic_facet = next(facet for facet in exploration.facets if facet.param == "topic")
    return {
        "view_box": outlines()["viewBox"],
        "shapes": shapes,
        "places": [place for place in places if place.count],
        "japan": japan,
        "shades": SHADES,
        "exploration": exploration,
        "selection": selection,
        "kind_values": kind_facet.values,
        "topic_values": topic_facet.values,
        "chosen_topics": {record.public_id for record in selection.records.get("topic", [])},
        "total": exploration.total,
    }
