"""Admin import with a preview and all-or-nothing application; backup and restore."""

import json

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from initiatives.models import Dialogue
from portal.management.commands.backup_portal import LOAD_ORDER
from portal.resources import resource_for
from tests.editorial.test_workflow import PASSWORD, edit
from tests.factories import CitationFactory, DialogueFactory
from tests.staff import signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def publisher():
    return signed_in_client(Client(), "publisher", "Publisher", PASSWORD)


def exported_csv():
    return resource_for(Dialogue)().export().csv


def upload(client, text, name="dialogues.csv", file_format="0"):
    url = reverse("admin:initiatives_dialogue_import")
    upload = SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")
    return client.post(url, {"resource": "0", "format": file_format, "import_file": upload})


def confirm(client, preview):
    url = reverse("admin:initiatives_dialogue_process_import")
    return client.post(url, preview.context["confirm_form"].initial)


def renamed_and_one_added(date):
    """The exported CSV with the existing dialogue renamed and a new draft row dated date."""
    text = exported_csv().replace("Japan-Utopia Dialogue", "Japan-Utopia ICT Dialogue")
    header = text.splitlines()[0].split(",")
    new_row = dict.fromkeys(header, "")
    new_row.update(slug="japan-atlantis-dialogue", name="Japan-Atlantis Dialogue", date=date)
    new_row.update(status="draft", incomplete="False", conflicting="False")
    return text + ",".join(new_row[column] for column in header) + "\r\n"


def test_an_import_shows_a_preview_then_applies_it(publisher):
    DialogueFactory(slug="japan-utopia-dialogue", name="Japan-Utopia Dialogue")
    text = renamed_and_one_added(date="2025-03")

    preview = upload(publisher, text)
    assert preview.status_code == 200
    assert preview.context["confirm_form"] is not None
    assert b"Japan-Atlantis Dialogue" in preview.content
    assert Dialogue.objects.get(slug="japan-utopia-dialogue").name == "Japan-Utopia Dialogue"
    assert not Dialogue.objects.filter(slug="japan-atlantis-dialogue").exists()

    assert confirm(publisher, preview).status_code == 302
    assert Dialogue.objects.get(slug="japan-utopia-dialogue").name == "Japan-Utopia ICT Dialogue"
    added = Dialogue.objects.get(slug="japan-atlantis-dialogue")
    assert added.date.iso() == "2025-03"
    assert added.history.latest("history_date").history_user.username == "publisher"


def test_a_file_with_one_bad_row_changes_nothing_and_names_the_row(publisher):
    DialogueFactory(slug="japan-utopia-dialogue", name="Japan-Utopia Dialogue")
    rows = renamed_and_one_added(date="2024-13")

    response = upload(publisher, rows)

    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    assert b"2024-13" in response.content
    assert Dialogue.objects.get(slug="japan-utopia-dialogue").name == "Japan-Utopia Dialogue"
    assert not Dialogue.objects.filter(slug="japan-atlantis-dialogue").exists()


def test_an_unknown_linked_id_is_a_row_error(publisher):
    DialogueFactory(slug="japan-utopia-dialogue", name="Japan-Utopia Dialogue")
    text = exported_csv()
    header = text.splitlines()[0].split(",")
    row = text.splitlines()[1].split(",")
    row[header.index("countries")] = "XX"
    response = upload(publisher, "\r\n".join([",".join(header), ",".join(row)]) + "\r\n")
    assert response.context.get("confirm_form") is None
    assert b"no country XX" in response.content


def test_a_file_that_is_not_csv_is_a_form_error(publisher):
    response = upload(publisher, "\x00\x01 not a table", name="dialogues.csv")
    assert response.status_code == 200
    assert Dialogue.objects.count() == 0


def test_json_is_imported_too(publisher):
    DialogueFactory(slug="japan-utopia-dialogue", name="Japan-Utopia Dialogue")
    records = json.loads(resource_for(Dialogue)().export().json)
    records[0]["name"] = "Japan-Utopia Digital Dialogue"
    preview = upload(publisher, json.dumps(records), name="dialogues.json", file_format="1")
    assert confirm(publisher, preview).status_code == 302
    assert Dialogue.objects.get().name == "Japan-Utopia Digital Dialogue"


# Backup and restore.


def empty_the_database():
    """What a new, migrated database holds: no records, no history, no users."""
    records = [apps.get_model(label) for label in reversed(LOAD_ORDER)]
    history = [model.history.model for model in records if hasattr(model, "history")]
    for model in records + history:
        model._default_manager.all().delete()  # records first: deleting them adds history
    get_user_model().objects.all().delete()


def test_backup_and_restore_round_trip(tmp_path, publisher):
    dialogue = DialogueFactory(slug="japan-utopia-dialogue", citations=[CitationFactory()])
    edit(publisher, dialogue, description="Edited before the backup.", date="2024-04")
    before = list(Dialogue.objects.values())
    history_before = dialogue.history.count()
    path = tmp_path / "backup.json"
    call_command("backup_portal", str(path))

    with pytest.raises(CommandError, match="restore into an empty database"):
        call_command("restore_portal", str(path))

    empty_the_database()

    call_command("restore_portal", str(path))
    after = list(Dialogue.objects.values())
    assert after == before
    restored = Dialogue.objects.get()
    assert restored.date.iso() == "2024-04"
    assert restored.citations.count() == 1
    assert restored.history.count() == history_before
    assert restored.history.latest("history_date").history_user.username == "publisher"


def test_a_broken_backup_restores_nothing(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('[{"model": "initiatives.dialogue", "fields": {"name": "x"}}]')
    with pytest.raises(CommandError, match="Nothing was restored"):
        call_command("restore_portal", str(path))
    assert Dialogue.objects.count() == 0


def test_a_backup_to_an_unwritable_place_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError):
        call_command("backup_portal", str(tmp_path / "no-such-folder" / "backup.json"))
