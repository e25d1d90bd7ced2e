"""The map and the timeline as tools, in a browser, on the site fixtures."""

import re

from django.http import QueryDict
from playwright.sync_api import expect

from portal.world_map import map_context
from tests.browser.conftest import axe_violations


def test_filter_the_map_zoom_it_and_open_a_country(page, shoot, portal_data):
    expected = map_context(QueryDict("topic=submarine-cables"))
    top = expected["places"][0]
    page.goto("/map/")
    shoot("whole-map")
    assert axe_violations(page) == []
    filters = page.get_by_role("form", name="Map filters")
    filters.get_by_label("Topic").select_option("submarine-cables")
    filters.get_by_role("button", name="Show on the map").click()
    expect(page).to_have_url(re.compile(r"/map/\?topic=submarine-cables"))
    expect(page.locator(".map-status")).to_contain_text(f"{expected['total']} records")
    listed = page.get_by_role("region", name="Countries and their records")
    first = listed.get_by_role("link").nth(1)  # after Japan, shown apart
    expect(first).to_contain_text(f"{top.name} {top.count}")
    # Zoom and pan come from static/js/map.js.
    svg = page.locator("#world-map svg")
    whole = svg.get_attribute("viewBox")
    page.get_by_role("button", name="Zoom in").click()
    assert svg.get_attribute("viewBox") != whole
    page.get_by_role("button", name="Pan right").click()
    page.get_by_role("button", name="Show the whole world").click()
    expect(svg).to_have_attribute("viewBox", re.compile(r"^0(\.0)? 0(\.0)? 1010"))
    shoot("submarine-cables")
    first.click()
    expect(page).to_have_url(
        re.compile(rf"/explore/\?.*topic=submarine-cables.*country={top.code}")
    )
    expect(page.locator(".results-heading")).to_have_text(
        f"{top.count} record{'s' if top.count != 1 else ''}"
    )
    shoot("explore-from-map")


def test_jump_to_a_year_on_the_timeline_newest_first(page, shoot, portal_data):
    page.goto("/timeline/")
    page.get_by_role("link", name="Newest first").click()
    expect(page).to_have_url(re.compile(r"ordering=-date"))
    jumps = page.get_by_role("navigation", name="Jump to a year")
    years = [int(year) for year in re.findall(r"\d{4}", jumps.inner_text())]
    assert years == sorted(years, reverse=True)
    target = years[len(years) // 2]
    jumps.get_by_role("link", name=re.compile(rf"^{target}\b")).click()
    expect(page).to_have_url(re.compile(rf"#year-{target}$"))
    expect(page.get_by_role("heading", name=str(target), exact=True)).to_be_in_viewport()
    shoot("jumped")
    assert axe_violations(page) == []
