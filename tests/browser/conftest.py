"""Browser tests: Playwright drives Debian's Chromium against the live test server.

Playwright never downloads a browser here; CHROMIUM_PATH (default /usr/bin/chromium)
names the one to drive. Screenshots of each step go to test-artifacts/screenshots/.
"""

import os
import re
from pathlib import Path
from unittest import mock

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from pytest_django.live_server_helper import LiveServer

from portal.roles import ROLES, sync_role_groups

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make around it are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import sync_playwright  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


class ProductionStaticLiveServer(LiveServer):
    """pytest-django's live server answers /static/ itself from the app folders, which
    do not hold the hashed names the manifest storage writes into pages; so the pages
    came up unstyled. This one leaves /static/ to WhiteNoise, as in production."""

    def __init__(self, addr):
        with mock.patch("django.contrib.staticfiles.handlers.StaticFilesHandler", lambda app: app):
            super().__init__(addr)


@pytest.fixture(scope="session")
def live_server():
    server = ProductionStaticLiveServer("localhost")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"No Chromium at {CHROMIUM}: install Debian's chromium (see .ci/run).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    violations = watch_csp(page)
    yield page
    context.close()
    assert not errors, f"JavaScript errors: {errors}"
    assert not violations, f"Content-Security-Policy violations: {violations}"


# Every page the browser tests open runs under the site's CSP; a violation fails the test.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile}:${event.lineNumber} (${event.sample})`);
});
"""


def watch_csp(page):
    """Collects CSP violations (the 'securitypolicyviolation' events and Chromium's own
    'Refused to ...' console errors) into the returned list."""
    violations = []
    page.add_init_script(REPORT_CSP_VIOLATIONS)

    def on_console(message):
        text = message.text
        if "CSP violation" in text or "Content Security Policy" in text:
            violations.append(f"{message.page.url if message.page else ''}: {text}")

    page.on("console", on_console)
    return violations


@pytest.fixture
def shoot(page, request):
    """shoot("step") saves a full-page screenshot named after the test and the step."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    test_name = re.sub(r"[^\w-]+", "_", request.node.name)
    counter = iter(range(1, 100))

    def take(step):
        path = SCREENSHOTS / f"{test_name}-{next(counter):02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    take.folder = SCREENSHOTS
    return take


@pytest.fixture(autouse=True)
def _live_server_helper(request):
    """pytest-django's helper of this name gives every live-server test transactional_db:
    its own empty database, emptied again after it. Tests that read the real fixtures
    (portal_data) share one load per module instead; loading them takes longer than most
    tests (a test that writes asks for transactional_db and builds its own records)."""
    if "live_server" not in request.fixturenames:
        yield
        return
    if "portal_data" not in request.fixturenames:
        request.getfixturevalue("transactional_db")
    live_server = request.getfixturevalue("live_server")
    live_server._live_server_modified_settings.enable()
    yield
    live_server._live_server_modified_settings.disable()


@pytest.fixture(scope="module")
def portal_data_of_module(site_snapshot, django_db_blocker):
    """The real fixtures, as make run loads them, committed once for a module's tests and
    emptied after it as transactional_db empties the database after a test."""
    with django_db_blocker.unblock():
        if Group.objects.filter(name__in=ROLES).count() < len(ROLES):
            sync_role_groups(apps)
        with transaction.atomic():
            site_snapshot.restore()
        yield
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def portal_data(portal_data_of_module, django_db_blocker):
    """The real fixtures, for a test that only reads them (through the browser or the ORM)."""
    from countries.models import Country

    with django_db_blocker.unblock():
        if not Country.objects.exists():
            pytest.fail(
                "The module's fixtures are gone: a transactional_db test before this one "
                "emptied the database. Keep tests that write in a module of their own."
            )
        yield


def axe_violations(page):
    # Evaluated through the DevTools protocol: a <script> tag would break the page's CSP.
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return result["violations"]
