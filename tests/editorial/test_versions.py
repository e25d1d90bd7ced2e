"""Whole-record versions: no lost update, history of links and inline rows, exact revert."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from initiatives.models import Agreement, AgreementParty, Dialogue
from portal.history import record_state, version_state
from portal.models import Status, VersionConflict
from portal.security import needs_second_factor
from tests.editorial.test_workflow import form_data
from tests.factories import (
    AgreementFactory,
    CitationFactory,
    CountryFactory,
    DialogueFactory,
    TopicFactory,
)
from tests.staff import admin_login, enrol_authenticator

ROLE_PASSWORD = "a-long-password-for-role-tests-4127"


def role_client(role):
    """A signed-in client for a user of the role; a role that needs a second factor signs
    in through the login form with a code from a real TOTP device (tests/staff.py)."""
    user = get_user_model().objects.create_user(
        username=role.lower(), password=ROLE_PASSWORD, is_staff=True
    )
    user.groups.add(Group.objects.get(name=role))
    client = Client()
    if needs_second_factor(user):
        enrol_authenticator(user)
        admin_login(client, user, ROLE_PASSWORD)
    else:
        client.force_login(user)
    return client


def change_url(record):
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])


def version_url(record, historical):
    opts = record._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history",
        args=[record.pk, historical.history_id],
    )


def history_url(record):
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[record.pk])


def edit(client, record, **changes):
    data = form_data(client.get(change_url(record)))
    data.update(changes)
    return client.post(change_url(record), data)


def errors_of(response):
    return " ".join(response.context["adminform"].form.non_field_errors())


def latest(record):
    return record.history.order_by("-history_date", "-history_id").first()


# No lost update.


@pytest.mark.django_db
def test_a_revert_makes_a_new_higher_version_and_an_old_form_is_refused(editor, publisher):
    dialogue = DialogueFactory(status=Status.DRAFT, description="One.")
    edit(editor, dialogue, description="Two.")
    dialogue.refresh_from_db()
    first = dialogue.history.order_by("history_date").first()
    stale_form = form_data(editor.get(change_url(dialogue)))  # opened at the newest version

    response = publisher.post(version_url(dialogue, first), {"base_version": dialogue.version})
    assert response.status_code == 302
    dialogue.refresh_from_db()
    versions = list(dialogue.history.order_by("history_date").values_list("version", flat=True))
    assert versions == sorted(set(versions)), "every version is higher than the one before"
    assert dialogue.description == "One." and dialogue.version == versions[-1] == 3

    refused = editor.post(change_url(dialogue), {**stale_form, "description": "Three."})
    assert refused.status_code == 200
    assert "publisher saved this record" in errors_of(refused)
    assert "description: “Two.” → “One.”" in errors_of(refused)
    assert refused.context["adminform"].form["description"].value() == "Three."  # kept
    dialogue.refresh_from_db()
    assert dialogue.description == "One."


@pytest.mark.django_db
def test_a_save_without_its_base_version_is_refused(editor):
    dialogue = DialogueFactory(status=Status.DRAFT, description="Kept.")
    data = form_data(editor.get(change_url(dialogue)))
    del data["base_version"]
    response = editor.post(change_url(dialogue), {**data, "description": "Unsafe."})
    assert response.status_code == 200
    assert "without the version it was opened at" in errors_of(response)
    dialogue.refresh_from_db()
    assert dialogue.description == "Kept."


@pytest.mark.django_db
def test_a_refused_editor_may_save_again_on_purpose(editor, publisher):
    dialogue = DialogueFactory(status=Status.DRAFT, description="Before.")
    stale = form_data(editor.get(change_url(dialogue)))
    edit(publisher, dialogue, description="Theirs.")
    refused = editor.post(change_url(dialogue), {**stale, "description": "Mine."})
    again = form_data(refused)  # the form as shown after the refusal, text kept
    assert again["description"] == "Mine."
    assert editor.post(change_url(dialogue), again).status_code == 302
    dialogue.refresh_from_db()
    assert dialogue.description == "Mine."


@pytest.mark.django_db
def test_save_if_version_refuses_a_stale_or_missing_base():
    dialogue = DialogueFactory()
    base = dialogue.version
    dialogue.description = "First."
    dialogue.save_if_version(base)
    assert dialogue.version == base + 1
    stale = Dialogue.objects.get(pk=dialogue.pk)
    stale.description = "Second, from the same base."
    with pytest.raises(VersionConflict):
        stale.save_if_version(base)
    with pytest.raises(VersionConflict):
        stale.save_if_version(None)
    assert Dialogue.objects.get(pk=dialogue.pk).description == "First."


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_the_same_moment_on_two_connections_cannot_both_win():
    if connection.vendor != "postgresql":
        pytest.skip("needs two real connections to one server: run with DATABASE_URL=postgres")
    dialogue = DialogueFactory(description="Before.")
    base = dialogue.version
    barrier = threading.Barrier(2)
    outcomes = {}

    def save(label):
        try:
            record = Dialogue.objects.get(pk=dialogue.pk)  # this thread's own connection
            record.description = f"Saved by {label}."
            barrier.wait(timeout=10)
            with transaction.atomic():
                record.save_if_version(base)
                # Hold the claimed row a moment, so the other UPDATE really waits on it.
                connections["default"].cursor().execute("SELECT pg_sleep(0.3)")
            outcomes[label] = "saved"
        except VersionConflict:
            outcomes[label] = "refused"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(label,)) for label in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["refused", "saved"]
    winner = next(label for label, outcome in outcomes.items() if outcome == "saved")
    dialogue.refresh_from_db()
    assert dialogue.description == f"Saved by {winner}."
    assert dialogue.version == base + 1


# Whole-record history.


def add_topic_form(client, record, topic):
    data = form_data(client.get(change_url(record)))
    data["topics"] = [*data.get("topics", []), str(topic.pk)]
    return data


@pytest.mark.django_db
def test_a_change_to_links_alone_is_a_version_with_words(editor):
    dialogue = DialogueFactory(status=Status.DRAFT)
    topic = TopicFactory(name="Open RAN")
    response = editor.post(change_url(dialogue), add_topic_form(editor, dialogue, topic))
    assert response.status_code == 302
    row = latest(dialogue)
    assert row.links["topics"] == [topic.pk]
    assert row.history_user.username == "editor"
    page = editor.get(history_url(dialogue)).content.decode()
    assert "added topic Open RAN" in page


def party_form(client, agreement, **rows):
    data = form_data(client.get(change_url(agreement)))
    data.update(rows)
    return data


@pytest.mark.django_db
def test_agreement_parties_are_part_of_each_version_and_of_its_diff(editor):
    agreement = AgreementFactory(status=Status.DRAFT)
    vietnam = CountryFactory(code="VN", name="Vietnam")
    data = party_form(
        editor,
        agreement,
        **{
            "parties-TOTAL_FORMS": "1",
            "parties-0-position": "1",
            "parties-0-country": str(vietnam.pk),
            "parties-0-as_written": "Viet Nam",
        },
    )
    assert editor.post(change_url(agreement), data).status_code == 302
    data = form_data(editor.get(change_url(agreement)))
    data["parties-0-as_written"] = "Vietnam's Ministry"
    assert editor.post(change_url(agreement), data).status_code == 302
    page = editor.get(history_url(agreement)).content.decode()
    assert "added party Viet Nam" in page
    assert (
        "party Vietnam&#x27;s Ministry: as written: “Viet Nam” → “Vietnam&#x27;s Ministry”" in page
    )


@pytest.mark.django_db
def test_the_history_names_dates_at_their_precision_and_no_storage_fields(editor):
    dialogue = DialogueFactory(status=Status.DRAFT)
    edit(editor, dialogue, date="2024-04")
    edit(editor, dialogue, date="fy2025")
    page = editor.get(history_url(dialogue)).content.decode()
    assert "date: no date → April 2024" in page
    assert "date: April 2024 → FY2025" in page
    for storage in ("date_start", "date_precision", "date_last", "None"):
        assert storage not in page


@pytest.mark.django_db
def test_changed_by_is_plain_text_for_those_who_may_not_open_users(editor):
    dialogue = DialogueFactory(status=Status.DRAFT)
    edit(editor, dialogue, description="Edited.")
    page = editor.get(history_url(dialogue)).content.decode()
    assert "/admin/auth/user/" not in page
    assert "editor" in page


@pytest.mark.django_db
def test_a_revert_restores_fields_topics_citations_and_parties(editor, publisher):
    old_topic, new_topic = TopicFactory(name="Old topic"), TopicFactory(name="New topic")
    old_quote, new_quote = CitationFactory(), CitationFactory()
    agreement = AgreementFactory(name="As loaded", citations=[old_quote])
    agreement.topics.set([old_topic])
    AgreementParty.objects.create(agreement=agreement, country=CountryFactory(), position=1)
    agreement.record_version()
    original = latest(agreement)

    agreement.name = "Edited"
    agreement.skip_history_when_saving = True
    agreement.save_if_version(agreement.version)
    agreement.topics.set([new_topic])
    agreement.citations.set([new_quote])
    agreement.parties.all().delete()
    del agreement.skip_history_when_saving
    agreement.record_version()

    page = publisher.get(version_url(agreement, original)).content.decode()
    assert "added topic Old topic" in page and "removed topic New topic" in page
    assert "added party Japan" in page
    response = publisher.post(version_url(agreement, original), {"base_version": agreement.version})
    assert response.status_code == 302
    agreement = Agreement.objects.get(pk=agreement.pk)
    assert agreement.name == "As loaded"
    assert list(agreement.topics.all()) == [old_topic]
    assert list(agreement.citations.all()) == [old_quote]
    assert [str(party) for party in agreement.parties.all()] == ["Japan"]
    assert agreement.version == 3
    assert latest(agreement).history_change_reason == f"Reverted to version {original.version}"


@pytest.mark.django_db
def test_an_editor_sees_a_version_but_may_not_revert(editor):
    dialogue = DialogueFactory(status=Status.DRAFT, description="One.")
    first = latest(dialogue)
    edit(editor, dialogue, description="Two.")
    page = editor.get(version_url(dialogue, first))
    assert page.status_code == 200 and b"Revert to version" not in page.content
    dialogue.refresh_from_db()
    assert (
        editor.post(version_url(dialogue, first), {"base_version": dialogue.version}).status_code
        == 403
    )


# Revert restores everything exactly: a property over random edits.

EDITS = st.lists(
    st.fixed_dictionaries(
        {
            "name": st.sampled_from(["Alpha", "Beta", "Gamma"]),
            "subject": st.text(alphabet="abc ", max_size=8),
            "date": st.sampled_from([None, "2021", "FY2023", "2024-04", "2024-12-24"]),
            "topics": st.sets(st.integers(0, 3)),
            "citations": st.sets(st.integers(0, 2), min_size=1),
            "parties": st.lists(st.integers(0, 2), unique=True, max_size=3),
            "as_written": st.sampled_from(["", "as the text names it"]),
        }
    ),
    min_size=1,
    max_size=5,
)


class RevertPropertyTest(HypothesisTestCase):
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(edits=EDITS, pick=st.integers(min_value=0))
    def test_reverting_to_any_version_restores_it_exactly(self, edits, pick):
        from portal.partial_dates import DateSpan

        topics = [TopicFactory() for _ in range(4)]
        quotes = [CitationFactory() for _ in range(3)]
        countries = [CountryFactory(code=code, name=code) for code in ("FR", "DE", "IT")]
        agreement = AgreementFactory(citations=[quotes[0]])
        agreement.record_version()
        for change in edits:
            agreement.skip_history_when_saving = True
            agreement.name, agreement.subject = change["name"], change["subject"]
            agreement.date = DateSpan.parse(change["date"]) if change["date"] else None
            agreement.save_if_version(agreement.version)
            agreement.topics.set([topics[i] for i in change["topics"]])
            agreement.citations.set([quotes[i] for i in change["citations"]])
            agreement.parties.all().delete()
            for position, index in enumerate(change["parties"], 1):
                AgreementParty.objects.create(
                    agreement=agreement,
                    position=position,
                    country=countries[index],
                    as_written=change["as_written"],
                )
            del agreement.skip_history_when_saving
            agreement.record_version()
        versions = list(agreement.history.order_by("history_date", "history_id"))
        target = versions[pick % len(versions)]
        before = agreement.version

        agreement.revert_to(target, agreement.version)

        agreement = Agreement.objects.get(pk=agreement.pk)
        restored = record_state(agreement)
        wanted = version_state(target)
        restored["fields"].pop("status"), wanted["fields"].pop("status")
        assert restored == wanted
        assert agreement.version == before + 1
        assert version_state(latest(agreement)) == record_state(agreement)
        assert agreement.status == Status.PUBLISHED
