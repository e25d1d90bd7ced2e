"""The link graph (portal.links): declared once, loaded in a fixed number of queries, and
shown both ways on every page and in every API record."""

import ast
import re
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from portal.api.fields import api_url
from portal.links import all_ends, record_kinds, sides

pytestmark = pytest.mark.django_db

# Which app's models may import which: foreign keys and imports point one way.
APPS_BELOW = {
    "portal": set(),
    "countries": {"portal"},
    "frameworks": {"portal", "countries"},
    "initiatives": {"portal", "countries", "frameworks"},
}

# Published records that no other record links to, each with the reason that is right
# ({(kind, id): reason}); today every published record is linked from another.
NOT_LINKED_TO = {}


def imported_apps(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module.split(".")[0], node
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0], node


@pytest.mark.parametrize("app", sorted(APPS_BELOW))
def test_models_import_only_the_apps_below_them_and_only_at_the_top(app):
    tree = ast.parse((Path(settings.BASE_DIR) / app / "models.py").read_text())
    top_level = {id(node) for node in tree.body}
    for module, node in imported_apps(tree):
        assert id(node) in top_level, f"{app}/models.py imports {module} inside a function"
        if module in APPS_BELOW and module != app:
            assert module in APPS_BELOW[app], f"{app}/models.py imports {module}, an app above it"


def test_every_link_has_an_end_on_both_kinds():
    ends = all_ends()
    kinds = set(record_kinds())
    assert len(kinds) == 14
    for end in ends:
        assert end.kind in kinds and end.target in kinds
        back = [e for e in ends if e.kind is end.target and e.target is end.kind]
        assert back, f"{end.kind.__name__}.{end.name} has no way back"


def test_a_kind_shows_each_side_once_under_one_label():
    for kind in record_kinds():
        names = [side.name for side in sides(kind)]
        assert len(names) == len(set(names)), kind
        assert all(side.label for side in sides(kind)), kind


@pytest.fixture
def published(site_data, django_db_blocker):
    with django_db_blocker.unblock():
        yield {
            (kind._meta.model_name, record.public_id): record
            for kind in record_kinds()
            for record in kind.objects.published().with_links()
            if record.is_published
        }


ARTICLE = re.compile(r'<article class="record">(.*?)</article>', re.S)
HREF = re.compile(r'href="([^"#?]+)"')


def page_links(client, record, by_page_url):
    response = client.get(record.get_absolute_url())
    assert response.status_code == 200, record.get_absolute_url()
    article = ARTICLE.search(response.text).group(1)
    return {by_page_url[href] for href in HREF.findall(article) if href in by_page_url}


def api_links(client, record, by_api_url):
    own = api_url(record, None)
    response = client.get(own)
    assert response.status_code == 200, own
    found = set()

    def walk(value):
        if isinstance(value, dict):
            path = urlsplit(value.get("url") or "").path
            if path in by_api_url and path != own:
                found.add(by_api_url[path])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(response.json())
    return found


def one_way(edges):
    return sorted(
        f"{source[0]} {source[1]} -> {target[0]} {target[1]}"
        for source, targets in edges.items()
        for target in targets
        if source not in edges.get(target, set())
    )


def test_every_published_link_is_shown_both_ways_on_pages_and_in_the_api(
    client, published, monkeypatch
):
    # Japan's page holds more of some relations than a page lists (test_bounded_sections):
    # here each section lists all of them.
    monkeypatch.setattr("portal.views.SECTION_ROWS", 1000)
    by_page_url = {record.get_absolute_url(): key for key, record in published.items()}
    by_api_url = {api_url(record, None): key for key, record in published.items()}
    page_edges = defaultdict(set)
    api_edges = defaultdict(set)
    for key, record in published.items():
        page_edges[key] = page_links(client, record, by_page_url) - {key}
        api_edges[key] = api_links(client, record, by_api_url) - {key}

    assert one_way(page_edges) == []
    assert one_way(api_edges) == []
    assert page_edges == api_edges

    linked_to = {target for targets in page_edges.values() for target in targets}
    not_linked_to = {key for key in published if key not in linked_to}
    assert not_linked_to == set(NOT_LINKED_TO), sorted(not_linked_to - set(NOT_LINKED_TO))
