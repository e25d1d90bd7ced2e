"""The editorial workflow in a real browser: an editor drafts, a publisher publishes."""

import pytest
from django.apps import apps
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from initiatives.models import Meeting
from portal.models import Status
from portal.roles import sync_role_groups
from tests.factories import CitationFactory, DialogueFactory
from tests.staff import LOGIN_URL, current_code, role_user

PASSWORD = "a-long-password-for-browser-tests-5821"


@pytest.fixture
def staff(transactional_db):
    # The role groups come from a data migration, and the flush after every transactional
    # test empties them; make them again as that migration does.
    sync_role_groups(apps)
    return {
        role: role_user(role.lower(), role, PASSWORD) for role in ("Editor", "Publisher", "Viewer")
    }


@pytest.fixture
def open_as(browser, live_server):
    contexts = []

    def open_page(username=None):
        context = browser.new_context(base_url=live_server.url)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        if username:
            page.goto(LOGIN_URL)
            page.get_by_label("Username").fill(username)
            page.get_by_label("Password").fill(PASSWORD)
            device = TOTPDevice.objects.filter(user__username=username).first()
            if device:  # the Publisher's authenticator app
                page.get_by_label("One-time code").fill(current_code(device))
            page.get_by_role("button", name="Log in").click()
            expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
        return page

    yield open_page
    for context in contexts:
        context.close()


def test_an_editor_adds_a_meeting_a_publisher_publishes_it(staff, open_as, shoot, page):
    dialogue = DialogueFactory(name="Japan-Utopia ICT Policy Dialogue", slug="japan-utopia")

    editor = open_as("editor")
    editor.goto(f"/admin/initiatives/dialogue/{dialogue.pk}/change/")
    editor.get_by_text("Add another Meeting").click()
    editor.locator("#id_meetings-0-slug").fill("1st")
    editor.locator("#id_meetings-0-number").fill("1")
    editor.locator("#id_meetings-0-name").fill("1st Japan-Utopia ICT Policy Dialogue")
    editor.locator("#id_meetings-0-date").fill("2025-03")
    editor.locator("#id_meetings-0-format").select_option("online")
    editor.screenshot(path=str(shoot.folder / "admin-flow-01-editor-adds-meeting.png"))
    editor.get_by_role("button", name="Save", exact=True).first.click()
    expect(editor.locator(".messagelist")).to_contain_text("was changed successfully")
    meeting = Meeting.objects.get(dialogue=dialogue, slug="1st")
    assert meeting.status == Status.DRAFT
    meeting.citations.set([CitationFactory()])  # publishing needs a citation

    page.goto(dialogue.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(dialogue.name)
    expect(page.locator("main")).not_to_contain_text("1st Japan-Utopia ICT Policy Dialogue")

    publisher = open_as("publisher")
    publisher.goto("/admin/initiatives/meeting/")
    publisher.get_by_role("row", name="1st Japan-Utopia ICT Policy Dialogue").get_by_role(
        "checkbox"
    ).check()
    publisher.locator("select[name=action]").select_option("publish")
    publisher.get_by_role("button", name="Run").click()
    expect(publisher.locator(".messagelist")).to_contain_text(
        "Set to published: meeting “1st Japan-Utopia ICT Policy Dialogue”"
    )
    publisher.screenshot(path=str(shoot.folder / "admin-flow-02-publisher-publishes.png"))

    page.goto(dialogue.get_absolute_url())
    expect(page.locator("main")).to_contain_text("1st Japan-Utopia ICT Policy Dialogue")
    expect(page.locator("main")).to_contain_text("March 2025")
    shoot("dialogue-page-with-the-meeting")


def test_a_viewer_sees_the_record_but_has_no_save_button(staff, open_as, shoot):
    dialogue = DialogueFactory(name="Japan-Utopia ICT Policy Dialogue")
    viewer = open_as("viewer")
    viewer.goto(f"/admin/initiatives/dialogue/{dialogue.pk}/change/")
    expect(viewer.get_by_role("heading", name="View dialogue")).to_be_visible()
    expect(viewer.get_by_role("button", name="Save", exact=True)).to_have_count(0)
    expect(viewer.get_by_text("Add another Meeting")).to_have_count(0)
    viewer.screenshot(path=str(shoot.folder / "admin-flow-03-viewer-read-only.png"))


def test_a_second_editor_is_told_what_changed_and_keeps_what_they_typed(staff, open_as, shoot):
    dialogue = DialogueFactory(
        name="Japan-Utopia ICT Policy Dialogue", description="As loaded.", status=Status.DRAFT
    )
    url = f"/admin/initiatives/dialogue/{dialogue.pk}/change/"
    first, second = open_as("editor"), open_as("publisher")
    first.goto(url)
    second.goto(url)

    first.locator("#id_description").fill("The editor's text.")
    first.get_by_role("button", name="Save", exact=True).first.click()
    expect(first.locator(".messagelist")).to_contain_text("was changed successfully")

    second.locator("#id_description").fill("The publisher's text.")
    second.get_by_role("button", name="Save", exact=True).first.click()
    errors = second.locator(".errornote, .errorlist.nonfield")
    expect(errors.last).to_contain_text("editor saved this record")
    expect(errors.last).to_contain_text("description: “As loaded.” → “The editor's text.”")
    expect(second.locator("#id_description")).to_have_value("The publisher's text.")
    shoot("conflict-message")
    dialogue.refresh_from_db()
    assert dialogue.description == "The editor's text."


def test_a_publisher_approves_an_editors_change_to_a_live_record(staff, open_as, shoot, page):
    dialogue = DialogueFactory(name="Japan-Utopia ICT Policy Dialogue", description="As published.")

    editor = open_as("editor")
    editor.goto(f"/admin/initiatives/dialogue/{dialogue.pk}/change/")
    editor.locator("#id_description").fill("A reviewed improvement.")
    editor.get_by_role("button", name="Save", exact=True).first.click()
    expect(editor.locator(".messagelist")).to_contain_text("waits for a Publisher's review")

    page.goto(dialogue.get_absolute_url())
    expect(page.locator("main")).to_contain_text("As published.")
    expect(page.locator("main")).not_to_contain_text("A reviewed improvement.")

    publisher = open_as("publisher")
    publisher.goto("/admin/portal/pendingrevision/")
    publisher.get_by_role("link", name="Japan-Utopia ICT Policy Dialogue").click()
    expect(publisher.locator(".review-changes")).to_contain_text(
        "description: “As published.” → “A reviewed improvement.”"
    )
    publisher.locator("#id_comment").fill("Checked against the source.")
    shoot("publisher-reviews")
    publisher.get_by_role("button", name="Approve and publish").click()
    expect(publisher.locator(".messagelist")).to_contain_text("Approved")

    page.goto(dialogue.get_absolute_url())
    expect(page.locator("main")).to_contain_text("A reviewed improvement.")
    shoot("public-page-after-approval")


def test_a_record_open_by_someone_else_says_who(staff, open_as, shoot):
    dialogue = DialogueFactory(name="Japan-Utopia ICT Policy Dialogue", status=Status.DRAFT)
    url = f"/admin/initiatives/dialogue/{dialogue.pk}/change/"
    editor, publisher = open_as("editor"), open_as("publisher")
    editor.goto(url)
    expect(editor.locator(".open-notice")).to_have_count(0)
    publisher.goto(url)
    notice = publisher.locator(".open-notice")
    expect(notice).to_contain_text("editor opened this record at")
    expect(notice).to_contain_text("the second save is refused")
    shoot_page(publisher, shoot, "open-by-someone-else")

    editor.get_by_role("button", name="Save", exact=True).first.click()
    expect(editor.locator(".messagelist")).to_contain_text("was changed successfully")
    publisher.reload()
    expect(publisher.locator(".open-notice")).to_have_count(0)  # the editor saved and left


def test_a_publisher_previews_a_pending_change_on_the_public_page(staff, open_as, shoot, page):
    dialogue = DialogueFactory(name="Japan-Utopia ICT Policy Dialogue", description="As published.")
    editor = open_as("editor")
    editor.goto(f"/admin/initiatives/dialogue/{dialogue.pk}/change/")
    editor.locator("#id_description").fill("A wording to check first.")
    editor.get_by_role("button", name="Save", exact=True).first.click()
    expect(editor.locator(".messagelist")).to_contain_text("waits for a Publisher's review")

    publisher = open_as("publisher")
    publisher.goto("/admin/portal/pendingrevision/")
    publisher.get_by_role("link", name="Japan-Utopia ICT Policy Dialogue").click()
    publisher.get_by_role("link", name="Preview the public page with this change").click()
    expect(publisher.locator(".preview-notice")).to_contain_text("asked by editor")
    expect(publisher.locator("main")).to_contain_text("A wording to check first.")
    shoot_page(publisher, shoot, "preview-of-a-pending-change")

    page.goto(dialogue.get_absolute_url())  # the public, meanwhile
    expect(page.locator("main")).to_contain_text("As published.")
    expect(page.locator("main")).not_to_contain_text("A wording to check first.")


def shoot_page(page, shoot, step):
    page.screenshot(path=str(shoot.folder / f"admin-flow-{step}.png"), full_page=True)
