"""From a record's citation to its paragraph in the source reader and back, in a browser."""

import pytest
from playwright.sync_api import expect

from portal.models import Citation
from tests.browser.conftest import ProductionStaticLiveServer, axe_violations


@pytest.fixture(scope="module")
def live_server():
    # This helper's own port range (see the brief); the other browser tests use any port.
    server = ProductionStaticLiveServer("localhost:8280")
    yield server
    server.stop()


def test_a_citation_opens_its_paragraph_with_the_quote_marked_and_leads_back(
    page, shoot, portal_data
):
    citation, record = next(
        (citation, record)
        for citation in Citation.objects.order_by("key")
        if citation.paragraphs == [244]
        for record in citation.agreements.published()
    )
    page.goto(record.get_absolute_url())
    shoot("record")
    page.locator(f'a[href="{citation.reader_url}"]').first.click()
    mark = page.locator("mark#quote")
    expect(mark).to_be_visible()
    expect(mark).to_be_in_viewport()
    assert citation.quote.split()[0] in mark.inner_text()
    expect(page.locator("#p244")).to_contain_text("With Vietnam, the MIC signed")
    shoot("reader")
    found = [(v["id"], v["impact"]) for v in axe_violations(page)]
    assert found == []
    page.locator("#p244 .source-meta").get_by_role("link", name=record.name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(record.name)
    expect(page.locator("section.cite")).to_contain_text("Cite this record")


def test_the_reader_fits_a_phone(browser, live_server, portal_data):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto("/sources/white-paper/text/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
