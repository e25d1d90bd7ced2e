import re

from django.http import QueryDict
from playwright.sync_api import expect

from portal.explore import explore
from tests.browser.conftest import axe_violations


def test_explore_by_a_region_and_a_year_range(page, shoot, portal_data):
    expected = explore(params=QueryDict("region=southeast-asia&year_from=2023&year_to=2024"))
    assert expected.total > 0
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Explore").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Explore")
    shoot("everything")
    filters = page.get_by_role("form", name="Filters")
    filters.get_by_role("group", name="Region").get_by_role(
        "checkbox", name=re.compile(r"^Southeast Asia \d+$")
    ).check()
    filters.get_by_label("From", exact=True).select_option("2023")
    filters.get_by_label("to", exact=True).select_option("2024")
    filters.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"region=southeast-asia&year_from=2023&year_to=2024$"))
    expect(page.locator(".results-heading")).to_have_text(f"{expected.total} records")
    first = expected.rows[0]
    table = page.get_by_role("table", name=f"{expected.total} records")
    expect(table.get_by_role("link", name=str(first.record), exact=True)).to_be_visible()
    expect(
        page.get_by_role("group", name="Region").get_by_role(
            "checkbox", name=re.compile(r"^Southeast Asia")
        )
    ).to_be_checked()
    shoot("southeast-asia-2023-2024")
    assert axe_violations(page) == []
    # Each filter comes off on its own.
    page.get_by_role("link", name="Remove filter Southeast Asia").click()
    expect(page).to_have_url(re.compile(r"/explore/\?year_from=2023&year_to=2024$"))
    shoot("years-only")
