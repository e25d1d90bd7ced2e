"""The site's menu and breadcrumbs: every kind of record reachable from a grouped menu,
the section the reader is in marked, and the way back up from every page."""

from dataclasses import dataclass
from functools import cache

from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.links import HIERARCHY_DEPTH
from portal.record_kinds import RECORD_KINDS

# How the menu groups the kinds, by model name; every kind appears once.
KIND_GROUPS = [
    (_("Places"), ["country", "region"]),
    (_("Bodies and people"), ["framework", "organization", "person"]),
    (_("Cooperation"), ["agreement", "dialogue", "meeting", "initiative", "event"]),
    (_("Evidence"), ["statistic", "topic", "figure", "source"]),
]
# Views across the kinds, by URL name.
TOOLS = [
    (_("Explore"), "explore"),
    (_("Timeline"), "timeline"),
    (_("Map"), "map"),
    (_("API"), "v1:docs"),
]


@dataclass
class MenuItem:
    label: str
    url: str
    current: bool = False


def list_url(model):
    return reverse(f"{model._meta.app_label}:{model._meta.model_name}-list")


def kind_item(model) -> MenuItem:
    return MenuItem(str(model._meta.verbose_name_plural).capitalize(), list_url(model))


@cache
def _menu_links(language, script_prefix):
    """(group title, [(label, url)]) of the menu in a language (its URLs carry its prefix,
    and the site's): the same on every page."""
    kinds = {model._meta.model_name: model for model in RECORD_KINDS}
    groups = [
        (str(title), [(kind_item(kinds[name]).label, list_url(kinds[name])) for name in names])
        for title, names in KIND_GROUPS
    ]
    groups.append((str(_("Tools")), [(str(label), reverse(name)) for label, name in TOOLS]))
    return groups


def menu(path: str) -> list[tuple[str, list[MenuItem]]]:
    """The menu groups, with the item whose URL the path is under marked current."""
    groups = [
        (title, [MenuItem(label, url) for label, url in links])
        for title, links in _menu_links(get_language(), get_script_prefix())
    ]
    items = [item for _, group in groups for item in group]
    under = [item for item in items if path.startswith(item.url)]
    if under:
        max(under, key=lambda item: len(item.url)).current = True
    return groups


def ancestors(record) -> list:
    """The records above this one, top first: a framework's parents, a meeting's dialogue."""
    found = []
    current = record
    for _step in range(HIERARCHY_DEPTH):
        parent = getattr(current, "parent", None) or next(
            (getattr(current, name) for name in getattr(current, "link_related", ())), None
        )
        if parent is None or not parent.is_published:
            break
        found.append(parent)
        current = parent
    return found[::-1]


def home() -> MenuItem:
    return MenuItem(_("Home"), reverse("home"))


def record_breadcrumbs(record) -> list[MenuItem]:
    kind = type(record)
    return [
        home(),
        kind_item(kind),
        *(MenuItem(str(parent), parent.get_absolute_url()) for parent in ancestors(record)),
    ]
