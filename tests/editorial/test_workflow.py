"""The editorial workflow in the admin: roles, drafts, history and revert, safe saves."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from initiatives.models import Dialogue, Meeting
from portal.models import Status
from tests.factories import DialogueFactory, MeetingFactory
from tests.staff import signed_in_client

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-password-for-tests-9137"


def role_client(client_class, role):
    return signed_in_client(client_class(), role.lower(), role, PASSWORD)


@pytest.fixture
def editor(client_class):
    return role_client(client_class, "Editor")


@pytest.fixture
def publisher(client_class):
    return role_client(client_class, "Publisher")


@pytest.fixture
def viewer(client_class):
    return role_client(client_class, "Viewer")


@pytest.fixture
def client_class():
    from django.test import Client

    return Client


def admin_url(name, *args):
    return reverse(f"admin:initiatives_dialogue_{name}", args=args)


def form_data(response):
    """The POST a browser would send for the admin form in response, unchanged."""
    data = {}

    def add(form):
        for bound in form:
            value = bound.value()
            if isinstance(value, bool) or bound.widget_type == "checkbox":
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(value, (list, tuple)):
                data[bound.html_name] = [str(item) for item in value]
            else:
                data[bound.html_name] = "" if value is None else str(value)

    add(response.context["adminform"].form)
    inlines = response.context.get("inline_admin_formsets", [])  # the history form has none
    for inline in inlines:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


def edit(client, dialogue, **changes):
    """Open the change form, make changes, save; returns the save's response."""
    url = admin_url("change", dialogue.pk)
    data = form_data(client.get(url))
    data.update(changes)
    return client.post(url, data)


# The permission matrix: each role against each action.


@pytest.mark.parametrize(
    ("role", "expected"),
    [("Editor", 200), ("Publisher", 200), ("Viewer", 200)],
)
def test_every_role_reads_the_admin(client_class, role, expected):
    dialogue = DialogueFactory()
    client = role_client(client_class, role)
    assert client.get(admin_url("changelist")).status_code == expected
    assert client.get(admin_url("change", dialogue.pk)).status_code == expected
    assert client.get(admin_url("history", dialogue.pk)).status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"), [("Editor", 200), ("Publisher", 200), ("Viewer", 403)]
)
def test_only_editors_and_publishers_may_add(client_class, role, expected):
    client = role_client(client_class, role)
    assert client.get(admin_url("add")).status_code == expected


def test_an_editor_saves_a_change(editor):
    dialogue = DialogueFactory(status=Status.DRAFT, name="Japan-Utopia ICT Policy Dialogue")
    response = edit(editor, dialogue, description="Edited by an editor.")
    assert response.status_code == 302, response.context["adminform"].form.errors
    dialogue.refresh_from_db()
    assert dialogue.description == "Edited by an editor."


def test_a_viewer_cannot_save(viewer):
    dialogue = DialogueFactory(description="As loaded.")
    url = admin_url("change", dialogue.pk)
    page = viewer.get(url)
    assert b'name="_save"' not in page.content
    response = viewer.post(url, {"name": "Changed by a viewer", "description": "Changed."})
    assert response.status_code == 403
    dialogue.refresh_from_db()
    assert dialogue.description == "As loaded."


@pytest.mark.parametrize(
    ("role", "expected"), [("Editor", 403), ("Publisher", 200), ("Viewer", 403)]
)
def test_only_publishers_may_delete(client_class, role, expected):
    dialogue = DialogueFactory()
    client = role_client(client_class, role)
    assert client.get(admin_url("delete", dialogue.pk)).status_code == expected


@pytest.mark.parametrize(
    ("role", "published"), [("Editor", False), ("Publisher", True), ("Viewer", False)]
)
def test_only_publishers_may_publish(client_class, role, published):
    dialogue = DialogueFactory(status=Status.DRAFT)
    client = role_client(client_class, role)
    client.post(
        admin_url("changelist"),
        {"action": "publish", "_selected_action": [dialogue.pk], "index": 0},
    )
    dialogue.refresh_from_db()
    assert (dialogue.status == Status.PUBLISHED) is published


def test_an_editor_cannot_publish_through_the_form(editor):
    dialogue = DialogueFactory(status=Status.DRAFT)
    response = edit(editor, dialogue, status=Status.PUBLISHED, description="Ready.")
    assert response.status_code == 302
    dialogue.refresh_from_db()
    assert dialogue.description == "Ready."
    assert dialogue.status == Status.DRAFT


@pytest.mark.parametrize(
    ("role", "expected"), [("Editor", 403), ("Publisher", 200), ("Viewer", 403)]
)
def test_only_publishers_may_import(client_class, role, expected):
    client = role_client(client_class, role)
    assert client.get(admin_url("import")).status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"), [("Editor", 200), ("Publisher", 200), ("Viewer", 200)]
)
def test_every_role_may_export(client_class, role, expected):
    client = role_client(client_class, role)
    assert client.get(admin_url("export")).status_code == expected


def test_the_role_groups_hold_exactly_their_permissions():
    editor = set(Group.objects.get(name="Editor").permissions.values_list("codename", flat=True))
    publisher = set(
        Group.objects.get(name="Publisher").permissions.values_list("codename", flat=True)
    )
    viewer = set(Group.objects.get(name="Viewer").permissions.values_list("codename", flat=True))
    assert {"view_dialogue", "add_dialogue", "change_dialogue"} <= editor
    assert "delete_dialogue" not in editor and "publish_record" not in editor
    assert {"delete_dialogue", "publish_record"} <= publisher
    assert editor < publisher
    assert viewer == {name for name in editor if name.startswith("view_")}


# History and revert.


def test_every_change_is_recorded_with_who_and_what(editor):
    dialogue = DialogueFactory(status=Status.DRAFT, description="First.")
    edit(editor, dialogue, description="Second.")
    latest, previous = dialogue.history.order_by("-history_date")[:2]
    assert latest.history_user.username == "editor"
    changes = {
        change.field: (change.old, change.new) for change in latest.diff_against(previous).changes
    }
    assert changes["description"] == ("First.", "Second.")
    page = editor.get(admin_url("history", dialogue.pk))
    assert b"Second." in page.content or b"description" in page.content


def revert(client, dialogue, history_entry):
    url = reverse(
        "admin:initiatives_dialogue_simple_history", args=[dialogue.pk, history_entry.history_id]
    )
    assert client.get(url).status_code == 200
    dialogue.refresh_from_db()
    return client.post(url, {"base_version": dialogue.version})


def test_a_publisher_reverts_to_an_earlier_version(editor, publisher):
    dialogue = DialogueFactory(status=Status.DRAFT, description="The text as loaded.")
    original = dialogue.history.earliest("history_date")
    edit(editor, dialogue, description="A mistaken edit.")
    response = revert(publisher, dialogue, original)
    assert response.status_code == 302
    dialogue.refresh_from_db()
    assert dialogue.description == "The text as loaded."
    assert dialogue.history.latest("history_date").history_user.username == "publisher"


def test_an_editor_cannot_revert(editor):
    dialogue = DialogueFactory(status=Status.DRAFT, description="The text as loaded.")
    original = dialogue.history.earliest("history_date")
    edit(editor, dialogue, description="Edited.")
    url = reverse(
        "admin:initiatives_dialogue_simple_history", args=[dialogue.pk, original.history_id]
    )
    assert editor.post(url, {"description": "The text as loaded."}).status_code == 403
    dialogue.refresh_from_db()
    assert dialogue.description == "Edited."


# No lost edits.


def test_a_second_concurrent_save_is_refused_with_what_changed(editor, publisher):
    dialogue = DialogueFactory(status=Status.DRAFT, description="Before either edit.")
    url = admin_url("change", dialogue.pk)
    first_form = form_data(editor.get(url))
    second_form = form_data(publisher.get(url))

    first = editor.post(url, {**first_form, "description": "The editor's text."})
    assert first.status_code == 302
    second = publisher.post(url, {**second_form, "description": "The publisher's text."})

    assert second.status_code == 200
    message = " ".join(second.context["adminform"].form.non_field_errors())
    assert "editor saved this record" in message
    assert "Before either edit." in message and "The editor's text." in message
    dialogue.refresh_from_db()
    assert dialogue.description == "The editor's text."


def test_a_save_after_reopening_goes_through(editor, publisher):
    dialogue = DialogueFactory(status=Status.DRAFT)
    edit(editor, dialogue, description="One.")
    assert edit(publisher, dialogue, description="Two.").status_code == 302
    dialogue.refresh_from_db()
    assert dialogue.description == "Two."


def test_a_date_is_entered_at_its_precision_and_a_bad_one_is_a_form_error(editor):
    dialogue = DialogueFactory(status=Status.DRAFT)
    edit(editor, dialogue, date="FY2023")
    dialogue.refresh_from_db()
    assert dialogue.date.iso() == "FY2023"
    response = edit(editor, dialogue, date="2024-02-07/2024-02-06")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["date"]
    dialogue.refresh_from_db()
    assert dialogue.date.iso() == "FY2023"


def test_an_editor_adds_a_meeting_inline_as_a_draft(editor):
    dialogue = DialogueFactory(status=Status.DRAFT)
    data = form_data(editor.get(admin_url("change", dialogue.pk)))
    data.update(
        {
            "meetings-TOTAL_FORMS": "1",
            "meetings-0-slug": "1st",
            "meetings-0-number": "1",
            "meetings-0-name": "1st meeting",
            "meetings-0-date": "2025-03",
            "meetings-0-format": "online",
        }
    )
    response = editor.post(admin_url("change", dialogue.pk), data)
    assert response.status_code == 302
    meeting = Meeting.objects.get(dialogue=dialogue, slug="1st")
    assert meeting.status == Status.DRAFT
    assert meeting.date.iso() == "2025-03"


def test_the_change_form_links_to_the_public_page(editor):
    dialogue = DialogueFactory(status=Status.DRAFT)
    page = editor.get(admin_url("change", dialogue.pk))
    assert dialogue.get_absolute_url().encode() in page.content
    assert b"Preview the draft" in page.content


# Drafts are not public.


def test_a_draft_is_absent_from_pages_api_search_and_sitemap(client):
    draft = DialogueFactory(name="Japan-Atlantis Secret Dialogue", status=Status.DRAFT)
    DialogueFactory(name="Japan-Utopia Open Dialogue")
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert b"Atlantis" not in client.get("/dialogues/").content
    assert draft.get_absolute_url().encode() not in client.get("/search/?q=Atlantis").content
    assert b"Atlantis" not in client.get("/sitemap.xml").content
    assert client.get(f"/api/v1/dialogues/{draft.slug}/").status_code == 404
    listed = client.get("/api/v1/dialogues/").json()
    assert [row["name"] for row in listed["results"]] == ["Japan-Utopia Open Dialogue"]
    assert client.get("/api/v1/search/?q=Atlantis").json()["results"] == []


def test_a_draft_meeting_is_absent_from_its_published_dialogue(client):
    dialogue = DialogueFactory()
    MeetingFactory(dialogue=dialogue, name="Draft meeting of spring", status=Status.DRAFT)
    assert b"Draft meeting of spring" not in client.get(dialogue.get_absolute_url()).content
    data = client.get(f"/api/v1/dialogues/{dialogue.slug}/").json()
    assert data["meetings"] == []


def test_staff_preview_a_draft_on_its_public_page(editor):
    draft = DialogueFactory(name="Japan-Atlantis Secret Dialogue", status=Status.DRAFT)
    response = editor.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert b"Japan-Atlantis Secret Dialogue" in response.content


# The command that makes users.


def test_create_role_user_refuses_an_unknown_role_and_a_missing_password(monkeypatch):
    from django.core.management.base import CommandError

    monkeypatch.delenv("PORTAL_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="Unknown role 'author'"):
        call_command("create_role_user", "someone", role="author", password=PASSWORD)
    with pytest.raises(CommandError, match="Give a password"):
        call_command("create_role_user", "someone", role="editor")
    with pytest.raises(CommandError, match="Password refused"):
        call_command("create_role_user", "someone", role="editor", password="123")
    assert not get_user_model().objects.filter(username="someone").exists()


def test_create_role_user_makes_an_administrator(monkeypatch):
    monkeypatch.setenv("PORTAL_PASSWORD", PASSWORD)
    call_command("create_role_user", "admin", role="administrator")
    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser and user.is_staff and user.check_password(PASSWORD)


def test_dialogue_records_stay_what_they_were_in_a_refused_save(viewer):
    dialogue = DialogueFactory(description="Kept.")
    viewer.post(admin_url("change", dialogue.pk), {"description": "Lost?"})
    assert Dialogue.objects.get(pk=dialogue.pk).description == "Kept."


def test_the_public_page_links_staff_to_the_admin_and_no_one_else(editor, client):
    dialogue = DialogueFactory()
    change_url = admin_url("change", dialogue.pk).encode()
    assert change_url in editor.get(dialogue.get_absolute_url()).content
    assert change_url not in client.get(dialogue.get_absolute_url()).content
