import re

import pytest
from playwright.sync_api import expect

from countries.models import Country
from portal.links import side
from tests.browser.conftest import axe_violations


def a_country_with_an_agreement_made_under_a_framework():
    for country in Country.objects.published().with_links():
        for agreement in side(Country, "agreements").records(country):
            if (
                agreement.status == "published"
                and agreement.framework
                and agreement.framework.status == "published"
            ):
                return country, agreement
    pytest.fail("The fixtures hold no agreement made under a framework.")


def test_home_to_country_to_agreement_to_framework(page, shoot, portal_data):
    country, agreement = a_country_with_an_agreement_made_under_a_framework()
    page.goto("/")
    shoot("home")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Countries").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Countries")
    page.get_by_role("link", name=country.name, exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(country.name)
    shoot("country")
    page.locator("#linked-agreements").locator("..").get_by_role(
        "link", name=agreement.name, exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(agreement.name)
    shoot("agreement")
    page.locator(".facts").get_by_role("link", name=str(agreement.framework), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(agreement.framework.name)
    expect(page.locator("#linked-agreements").locator("..")).to_contain_text(agreement.name)
    shoot("framework")


def test_combining_two_facets_narrows_the_list_and_keeps_them_in_the_url(page, shoot, portal_data):
    page.goto("/agreements/")
    total = int(re.match(r"\d+", page.locator(".results-heading").inner_text()).group())
    filters = page.get_by_role("form", name="Filters")
    filters.locator(".facet", has_text="Country").get_by_role("checkbox").nth(1).check()
    filters.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"country="))
    after_one = int(re.match(r"\d+", page.locator(".results-heading").inner_text()).group())
    filters.locator("fieldset", has=page.get_by_text("Kind", exact=True)).get_by_role(
        "checkbox"
    ).first.check()
    filters.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"country=.*kind=|kind=.*country="))
    after_two = int(re.match(r"\d+", page.locator(".results-heading").inner_text()).group())
    shoot("two-facets")
    assert total >= after_one >= after_two >= 1
    assert page.locator(".active-filters li").count() == 3  # two filters and "Clear all"
    page.get_by_role("link", name=re.compile("^Remove filter Kind")).click()
    expect(page).not_to_have_url(re.compile(r"kind="))
    assert page.locator(".active-filters li").count() == 2


def test_search_and_open_a_result(page, shoot, portal_data):
    page.goto("/")
    page.get_by_role("searchbox", name="Search the portal").fill("Open RAN")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".search-results mark").first).to_be_visible()
    shoot("results")
    first = page.locator(".search-results li a").first
    name = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    shoot("result")


def test_click_a_country_on_the_map(page, shoot, portal_data):
    page.goto("/map/")
    shoot("map")
    # India: the middle of its outline lies inside it, so a click there lands on it.
    # It opens India's records in Explore, as its count on the map counts them.
    page.locator('svg a[data-code="IN"]').click()
    expect(page).to_have_url(re.compile(r"/explore/\?.*country=IN$"))
    expect(page.get_by_role("link", name="Remove filter India")).to_be_visible()
    shoot("country")


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/countries/",
        "/countries/VN/",
        "/agreements/",
        "/frameworks/itu/",
        "/search/?q=ITU",
        "/timeline/",
        "/map/",
        "/dialogues/",
    ],
)
def test_main_pages_have_no_critical_or_serious_accessibility_violations(page, portal_data, path):
    page.goto(path)
    found = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in axe_violations(page)
        if v["impact"] in ("critical", "serious")
    ]
    assert found == []


def test_pages_work_on_a_phone(browser, live_server, portal_data):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    for path, first_result in (
        ("/agreements/", ".data-table tbody tr"),
        ("/explore/?region=southeast-asia", ".explore-table tbody tr"),
        ("/search/?q=Japan", ".search-results li"),
    ):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        # The filters fold behind one "Filters" line (active ones show as chips above the
        # results): the first result is on the first screen.
        top = page.locator(first_result).first.bounding_box()["y"]
        assert top < 844, f"{path}: the first result starts {top:.0f} px down"
        filters = page.locator(".filters-disclosure > summary")
        expect(filters).to_be_visible()
        filters.click()
        expect(page.locator(".filters-disclosure .facets")).to_be_visible()
    context.close()
