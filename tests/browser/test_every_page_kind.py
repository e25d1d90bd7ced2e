"""Every kind of page, in English and in Japanese, in a desktop and a phone browser: no axe
violation of any impact, no horizontal scroll on a phone, and screenshots of the pages a
reader meets first.

Screenshots go to test-artifacts/screenshots/<SCREENSHOT_SET>/ (default "after"): CI keeps
them as artifacts; SCREENSHOT_SET=before was run once on the code before the redesign.
"""

import os

import pytest

from portal.navigation import list_url
from portal.record_kinds import RECORD_KINDS
from tests.browser.conftest import SCREENSHOTS, axe_violations

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


def one_page_of_every_kind():
    """Home, every list, one published record of every kind, and the cross-kind views, each
    in English and in Japanese (/ja/)."""
    paths = ["/", "/search/?q=ITU", "/explore/", "/timeline/", "/map/"]
    for model in RECORD_KINDS:
        record = model.objects.published().order_by("pk").first()
        assert record is not None, f"The fixtures hold no published {model.__name__}."
        paths.append(list_url(model))
        paths.append(record.get_absolute_url())
    paths = list(dict.fromkeys(paths))
    return [*paths, *(f"/ja{path}" for path in paths)]


@pytest.fixture
def open_in(browser, live_server):
    contexts = []

    def open_page(viewport, path):
        context = browser.new_context(base_url=live_server.url, viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        response = page.goto(path)
        assert response.status == 200, path
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="a page's markup and styles do not depend on the database: 132 axe sweeps (over "
    "two minutes) once, in the SQLite pass; the PostgreSQL pass opens the same pages in "
    "tests/pages and tests/data",
)
def test_every_page_kind_has_no_axe_violation_and_no_sideways_scroll_on_a_phone(
    open_in, portal_data
):
    """axe finds no violation of any impact, on a desktop and on a phone; and no page is
    wider than the phone (one fixture load for both checks)."""
    found, too_wide = {}, {}
    for path in one_page_of_every_kind():
        for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page = open_in(viewport, path)
            violations = [
                (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                for v in axe_violations(page)
            ]
            if violations:
                found[f"{name} {path}"] = violations
            if viewport is PHONE:
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > PHONE["width"]:
                    too_wide[path] = width
            page.context.close()
    assert found == {}
    assert too_wide == {}


def test_screenshots_of_home_country_list_and_record(open_in, portal_data):
    """The four pages the issue compares before and after, on a desktop and a phone."""
    folder = SCREENSHOTS / os.environ.get("SCREENSHOT_SET", "after")
    folder.mkdir(parents=True, exist_ok=True)
    pages = {
        "home": "/",
        "country": "/countries/VN/",
        "list": "/agreements/",
        "record": "/agreements/",
    }
    for name, path in pages.items():
        for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page = open_in(viewport, path)
            if name == "record":
                page.locator("main tbody a").first.click()
                page.wait_for_load_state()
            page.screenshot(path=str(folder / f"{name}-{size}.png"), full_page=True)
            page.context.close()
    assert len(list(folder.glob("*.png"))) >= 8
