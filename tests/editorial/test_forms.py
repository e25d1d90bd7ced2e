"""Admin forms that help: fieldsets, aliases as lines, plain-words errors, dates at precision."""

import pytest
from django.urls import reverse

from initiatives.models import Dialogue
from portal.models import Status
from portal.partial_dates import DateSpan
from tests.editorial.test_versions import change_url, edit
from tests.factories import AgreementFactory, DialogueFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def test_the_change_form_is_in_fieldsets_with_aliases_one_a_line(editor):
    dialogue = DialogueFactory(status=Status.DRAFT, aliases=["JUD", "Utopia dialogue"])
    page = editor.get(change_url(dialogue)).content.decode()
    for title in ("What it is", "Links", "Status and notes"):
        assert f">{title}<" in page
    assert "JUD\nUtopia dialogue</textarea>" in page
    assert edit(editor, dialogue, aliases="JUD\n  \nThe dialogue\n").status_code == 302
    dialogue.refresh_from_db()
    assert dialogue.aliases == ["JUD", "The dialogue"]


def test_a_duplicate_slug_names_the_record_that_holds_it(publisher):
    DialogueFactory(name="Japan-Utopia Dialogue", slug="utopia", status="draft")
    other = DialogueFactory(status="draft")
    response = edit(publisher, other, slug="utopia")
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["slug"] == [
        "The slug “utopia” is already used by dialogue “Japan-Utopia Dialogue”: choose another."
    ]


def test_a_meeting_number_below_one_is_a_plain_words_error_on_the_field(publisher):
    meeting = MeetingFactory(number=3)
    response = edit(publisher, meeting, number="0")
    errors = response.context["adminform"].form.errors
    assert "number is 1 or more" in " ".join(errors["number"])
    assert "Constraint" not in response.content.decode()


def test_a_duplicate_meeting_number_names_the_meeting_and_its_dialogue(publisher):
    first = MeetingFactory(number=1, name="1st meeting")
    second = MeetingFactory(dialogue=first.dialogue, number=2)
    errors = edit(publisher, second, number="1").context["adminform"].form.errors
    assert errors["number"] == [
        f"The number “1” in dialogue “{first.dialogue}” is already used by meeting "
        "“1st meeting”: choose another."
    ]


def test_a_fiscal_year_is_read_in_any_case_and_a_bad_date_is_explained(editor):
    dialogue = DialogueFactory(status=Status.DRAFT)
    assert edit(editor, dialogue, date="fy2024").status_code == 302
    dialogue.refresh_from_db()
    assert dialogue.date.iso() == "FY2024"
    response = edit(editor, dialogue, date="spring 2024")
    message = " ".join(response.context["adminform"].form.errors["date"])
    assert "“spring 2024” is not a date" in message and "FY2023" in message
    assert "FYYYYY" not in response.content.decode()


def test_list_columns_show_dates_at_their_precision(editor):
    Dialogue.objects.filter(pk=DialogueFactory().pk)
    dialogue = DialogueFactory()
    dialogue.date = DateSpan.parse("2025-03")
    dialogue.save()
    page = editor.get(reverse("admin:initiatives_dialogue_changelist")).content.decode()
    assert "March 2025" in page
    assert "March 1, 2025" not in page


def test_citation_rows_are_labelled_by_their_quote(editor):
    agreement = AgreementFactory()
    page = editor.get(change_url(agreement)).content.decode()
    assert "object (" not in page


def test_import_and_export_pages_have_the_admin_breadcrumbs(publisher):
    for view in ("import", "export"):
        page = publisher.get(reverse(f"admin:initiatives_dialogue_{view}")).content.decode()
        assert '<ol class="breadcrumbs">' in page


def test_framework_choosers_name_the_parent(editor):
    from tests.factories import FrameworkFactory

    itu_t = FrameworkFactory(name="ITU Telecommunication Standardization Sector", acronym="ITU-T")
    sg16 = FrameworkFactory(name="Study Group 16", acronym="SG 16", parent=itu_t)
    dialogue = DialogueFactory(status="draft", framework=sg16)
    assert "ITU-T SG 16" in editor.get(change_url(dialogue)).content.decode()
    answer = editor.get(
        reverse("admin:autocomplete"),
        {
            "term": "SG 16",
            "app_label": "initiatives",
            "model_name": "dialogue",
            "field_name": "framework",
        },
    ).json()
    assert [result["text"] for result in answer["results"]] == ["ITU-T SG 16"]
