"""Read replicas (portal/db_routers.py): a second connection alias, "replica", pointing at
the same database (on SQLite the same file), as DATABASE_REPLICA_URL would set it up.
Public reads go through it; staff, the admin, writes and transactions through "default"."""

import re

import pytest
from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test.utils import CaptureQueriesContext

from initiatives.models import Dialogue
from portal.db_routers import REPLICA, ReplicaRouter
from portal.models import Status
from portal.roles import RECORD_APPS
from tests.editorial.test_workflow import edit, role_client
from tests.factories import DialogueFactory, InitiativeFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def replica(transactional_db):
    """A second connection to the test database under the alias "replica"; committed
    rows (a transactional test) are what it sees, as a replica sees its primary's."""
    connections.settings[REPLICA] = dict(connections[DEFAULT_DB_ALIAS].settings_dict)
    # Connected here: the test case allows only the aliases it knew when it began.
    connections[REPLICA].connect()
    try:
        yield connections[REPLICA]
    finally:
        connections[REPLICA].close()
        del connections.settings[REPLICA]
        if hasattr(connections._connections, REPLICA):
            delattr(connections._connections, REPLICA)


def record_queries(captured):
    """The queries that read the records' tables (not sessions, users or the cache), by
    the ORM or in raw SQL (the search index is read so)."""
    tables = {
        model._meta.db_table for model in apps.get_models() if model._meta.app_label in RECORD_APPS
    }
    return [q["sql"] for q in captured if tables & set(re.findall(r"\w+", q["sql"]))]


def through_each(client, path, **kwargs):
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        response = client.get(path, **kwargs)
    assert response.status_code == 200, path
    return record_queries(primary.captured_queries), record_queries(replica.captured_queries)


@pytest.mark.parametrize(
    "path",
    ["/initiatives/", "/initiatives/the-initiative/", "/api/v1/initiatives/", "/search/?q=x"],
)
def test_public_reads_go_through_the_replica(replica, client, path):
    InitiativeFactory(slug="the-initiative", name="x marks the initiative")
    primary, from_replica = through_each(client, path)
    assert from_replica, "nothing was read from the replica"
    assert not primary, primary


def test_a_signed_in_user_reads_the_primary(replica):
    from django.test import Client

    dialogue = DialogueFactory(status=Status.DRAFT, name="Japan-Utopia ICT Policy Dialogue")
    editor = role_client(Client, "Editor")
    primary, from_replica = through_each(
        editor, f"/admin/initiatives/dialogue/{dialogue.pk}/change/"
    )
    assert primary and not from_replica
    # A staff member on a public page sees their draft: read from the primary.
    primary, from_replica = through_each(editor, f"/dialogues/{dialogue.slug}/")
    assert primary and not from_replica


def test_an_admin_save_writes_and_reads_through_the_primary(replica):
    from django.test import Client

    dialogue = DialogueFactory(status=Status.DRAFT, name="Japan-Utopia ICT Policy Dialogue")
    editor = role_client(Client, "Editor")
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as from_replica,
    ):
        response = edit(editor, dialogue, description="Saved through the primary.")
    assert response.status_code == 302
    assert not record_queries(from_replica.captured_queries)
    assert any(q["sql"].startswith("UPDATE") for q in primary.captured_queries)
    # Committed on the primary, so the replica (the same database here) has it too.
    assert Dialogue.objects.using(REPLICA).get(pk=dialogue.pk).description == (
        "Saved through the primary."
    )


def test_writes_and_reads_inside_a_transaction_use_the_primary(replica):
    router = ReplicaRouter()
    assert router.db_for_read(Dialogue) == REPLICA
    assert router.db_for_write(Dialogue) == DEFAULT_DB_ALIAS
    with transaction.atomic():
        assert router.db_for_read(Dialogue) == DEFAULT_DB_ALIAS
    from django.contrib.sessions.models import Session

    from portal.serving.models import DataVersion

    assert router.db_for_read(Session) == DEFAULT_DB_ALIAS
    assert router.db_for_read(DataVersion) == DEFAULT_DB_ALIAS
    assert not router.allow_migrate(REPLICA, "initiatives")


def test_without_a_replica_everything_uses_default(transactional_db):
    assert ReplicaRouter().db_for_read(Dialogue) == DEFAULT_DB_ALIAS
