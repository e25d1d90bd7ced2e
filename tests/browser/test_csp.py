"""The strict Content-Security-Policy in a real browser: the pages, the API docs (Swagger UI)
and the admin work under it, with no violation (the page fixture fails on any)."""

from django.apps import apps
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from portal.roles import sync_role_groups
from tests.browser.conftest import watch_csp
from tests.factories import DialogueFactory
from tests.staff import LOGIN_URL, current_code, role_user

PASSWORD = "a-long-password-for-csp-tests-7302"


def test_public_pages_run_under_the_csp(page, portal_data):
    # One load of the fixtures for every page: each page fails the test on a violation.
    for path in ["/", "/search/?q=Vietnam", "/map/", "/timeline/", "/countries/"]:
        response = page.goto(path)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        expect(page.get_by_role("heading", level=1).first).to_be_visible()


def test_the_api_docs_work_under_the_csp(page, transactional_db, shoot):
    response = page.goto("/api/v1/docs/")
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("ICT Strategy Portal API")
    operation = page.locator("#operations-regions-regions_list")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    expect(
        operation.locator(".live-responses-table .response .response-col_status")
    ).to_contain_text("200")
    shoot("api-docs")


def sign_in(page, username):
    page.goto(LOGIN_URL)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
    if device:
        page.get_by_label("One-time code").fill(current_code(device))
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()


def test_the_admin_works_under_the_csp(page, transactional_db, shoot):
    sync_role_groups(apps)
    role_user("publisher", "Publisher", PASSWORD)
    dialogue = DialogueFactory(name="Japan-Utopia ICT Policy Dialogue", slug="japan-utopia")
    sign_in(page, "publisher")
    page.goto(f"/admin/initiatives/dialogue/{dialogue.pk}/change/")
    page.get_by_text("Add another Meeting").click()  # the admin's inline formset script
    expect(page.locator("#id_meetings-0-slug")).to_be_visible()
    shoot("admin-change-form")
    page.goto("/admin/initiatives/meeting/")
    expect(page.get_by_role("search", name="Search meetings")).to_be_visible()
    page.goto("/admin/initiatives/meeting/add/")
    expect(page.locator("#id_name")).to_be_visible()


def test_an_editor_enrols_an_authenticator_in_the_browser(browser, live_server, transactional_db):
    sync_role_groups(apps)
    role_user("editor", "Editor", PASSWORD)
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    violations = watch_csp(page)
    sign_in(page, "editor")
    page.get_by_role("link", name="Two-factor authentication").click()
    expect(page.locator(".two-factor-qr svg")).to_be_visible()
    device = TOTPDevice.objects.get(user__username="editor", confirmed=False)
    page.get_by_label("Code shown by the app").fill(current_code(device))
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".messagelist")).to_contain_text("Two-factor authentication is on")
    context.close()
    assert not violations
