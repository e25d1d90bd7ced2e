"""Operations: a restore never overwrites users by accident, the action log is backed up,
and a deleted record comes back with its links and history."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from initiatives.models import Agreement, AgreementParty
from tests.editorial.test_import_backup import empty_the_database
from tests.editorial.test_versions import change_url, edit, role_client
from tests.factories import AgreementFactory, CountryFactory, DialogueFactory, TopicFactory

pytestmark = pytest.mark.django_db


def test_restore_refuses_to_overwrite_users_unless_told_to_merge(tmp_path):
    publisher = role_client("Publisher")
    edit(publisher, DialogueFactory(), description="Logged.")
    path = tmp_path / "backup.json"
    call_command("backup_portal", str(path))
    empty_the_database()
    User = get_user_model()
    User.objects.create_user(username="publisher", email="kept@example.org")

    with pytest.raises(CommandError, match=r"already has users \(publisher\).*--merge-users"):
        call_command("restore_portal", str(path))
    assert User.objects.get(username="publisher").email == "kept@example.org"

    call_command("restore_portal", str(path), merge_users=True)
    restored = User.objects.get(username="publisher")
    assert restored.email == "" and restored.groups.filter(name="Publisher").exists()


def test_the_admin_action_log_is_in_the_backup(tmp_path):
    publisher = role_client("Publisher")
    dialogue = DialogueFactory()
    edit(publisher, dialogue, description="Logged.")
    logged = list(LogEntry.objects.values_list("object_id", "action_flag", "change_message"))
    assert logged
    path = tmp_path / "backup.json"
    call_command("backup_portal", str(path))
    empty_the_database()
    LogEntry.objects.all().delete()
    call_command("restore_portal", str(path))
    assert list(LogEntry.objects.values_list("object_id", "action_flag", "change_message")) == (
        logged
    )
    assert LogEntry.objects.get().user.username == "publisher"


def test_a_publisher_restores_a_deleted_record_with_its_links_and_history():
    publisher = role_client("Publisher")
    agreement = AgreementFactory(name="Japan-Vietnam MoC")
    agreement.topics.set([TopicFactory(name="Open RAN")])
    AgreementParty.objects.create(
        agreement=agreement, country=CountryFactory(code="VN", name="Vietnam"), position=1
    )
    edit(publisher, agreement, subject="ICT cooperation")
    citations = list(agreement.citations.all())
    versions = agreement.history.count()
    delete_url = reverse("admin:initiatives_agreement_delete", args=[agreement.pk])
    assert publisher.post(delete_url, {"post": "yes"}).status_code == 302
    assert not Agreement.objects.filter(pk=agreement.pk).exists()

    deleted_url = reverse("admin:initiatives_agreement_deleted")
    page = publisher.get(deleted_url)
    assert b"Japan-Vietnam MoC" in page.content
    deletion = agreement.history.get(history_type="-")
    response = publisher.post(deleted_url, {"version": deletion.history_id})
    assert response.status_code == 302

    restored = Agreement.objects.get(pk=agreement.pk)
    assert restored.status == "draft" and restored.subject == "ICT cooperation"
    assert [topic.name for topic in restored.topics.all()] == ["Open RAN"]
    assert list(restored.citations.all()) == citations
    assert [str(party) for party in restored.parties.all()] == ["Vietnam"]
    assert restored.history.count() == versions + 2  # the deletion, then the restore
    assert publisher.get(change_url(restored)).status_code == 200


def test_an_editor_may_not_see_deleted_records():
    editor = role_client("Editor")
    assert editor.get(reverse("admin:initiatives_agreement_deleted")).status_code == 403
