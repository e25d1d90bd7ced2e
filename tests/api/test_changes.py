"""The changes feed lets a mirror stay equal to the API, through any sequence of edits."""

import time
from datetime import date

import pytest
import tablib
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from initiatives.models import Agreement, AgreementParty
from portal.models import Change, Status, Topic
from portal.resources import resource_for
from tests.factories import AgreementFactory, CountryFactory, TopicFactory

KINDS = ["agreements", "topics", "countries"]


def client():
    return Client()


def full_listing(http):
    records = {}
    for kind in KINDS:
        url = f"/api/v1/{kind}/?cursor=&page_size=100"
        while url:
            data = http.get(url).json()
            records |= {record["url"]: record for record in data["results"]}
            url = data["next"]
    return records


def start_cursor(http):
    return http.get("/api/v1/changes/?since=latest").json()["next"]


def follow(http, mirror, cursor):
    """Apply every change since the cursor; returns the cursor to ask next."""
    while True:
        page = http.get(cursor).json()
        for change in page["results"]:
            if not any(f"/api/v1/{kind}/" in change["url"] for kind in KINDS):
                continue
            if change["action"] in ("created", "updated"):
                response = http.get(change["url"])
                if response.status_code == 200:
                    mirror[change["url"]] = response.json()
                    continue
            mirror.pop(change["url"], None)
        cursor = page["next"]
        if not page["results"]:
            return cursor


@pytest.fixture
def graph(transactional_db):
    with transaction.atomic():
        japan = CountryFactory(code="JP", name="Japan")
        CountryFactory(code="VN", name="Vietnam")
        topics = [TopicFactory(slug=f"topic-{n}", name=f"Topic {n}") for n in range(3)]
        for number in range(4):
            agreement = AgreementFactory(
                slug=f"moc-{number}",
                name=f"Memorandum {number}",
                date_start=date(2024, 1, 1),
                date_precision="year",
            )
            agreement.topics.add(topics[number % 3])
            AgreementParty.objects.create(agreement=agreement, position=1, country=japan)
        AgreementFactory(slug="draft-0", name="A draft", status=Status.DRAFT)
    return client()


def pick(queryset, number):
    rows = list(queryset.order_by("pk"))
    return rows[number % len(rows)] if rows else None


def create(number):
    # The factory's sequence names it: a slug made from the count of agreements would
    # repeat a live one once an earlier example had deleted some (hypothesis runs every
    # example on the same database).
    agreement = AgreementFactory()
    agreement.topics.add(pick(Topic.objects.all(), number))


def edit(number):
    agreement = pick(Agreement.objects.all(), number)
    if agreement:
        agreement.description = f"Edited {number}"
        agreement.save()


def relink(number):
    agreement = pick(Agreement.objects.all(), number)
    topic = pick(Topic.objects.all(), number // 3)
    if agreement and topic:
        if agreement.topics.filter(pk=topic.pk).exists():
            agreement.topics.remove(topic)
        else:
            agreement.topics.add(topic)


def rename_topic(number):
    topic = pick(Topic.objects.all(), number)
    topic.name = f"Topic renamed {number}"
    topic.save()


def add_party(number):
    agreement = pick(Agreement.objects.all(), number)
    from countries.models import Country

    if agreement:
        AgreementParty.objects.create(
            agreement=agreement,
            position=agreement.parties.count() + 1,
            country=pick(Country.objects.all(), number),
        )


def publish(number):
    agreement = pick(Agreement.objects.filter(status=Status.DRAFT), number)
    if agreement:
        agreement.status = Status.PUBLISHED
        agreement.save()


def unpublish(number):
    agreement = pick(Agreement.objects.filter(status=Status.PUBLISHED), number)
    if agreement:
        agreement.status = Status.DRAFT
        agreement.save()


def delete(number):
    agreement = pick(Agreement.objects.all(), number)
    if agreement:
        agreement.delete()


def revert(number):
    """The admin's revert: the first version's fields, links and parties, as a new version."""
    agreement = pick(Agreement.objects.all(), number)
    if agreement:
        agreement.revert_to(agreement.history.earliest(), agreement.version)


def import_file(number):
    """An exported agreements file, one description changed, imported back (the admin's
    import): the row carries its version, so it applies as an edit."""
    resource = resource_for(Agreement)()
    rows = resource.export().dict
    if rows:
        row = rows[number % len(rows)]
        row["description"] = f"Imported {number}"
        result = resource.import_data(
            tablib.Dataset(list(row.values()), headers=list(row)), dry_run=False
        )
        assert not result.has_errors() and not result.has_validation_errors()


def rename_slug(number):
    agreement = pick(Agreement.objects.all(), number)
    if agreement:
        agreement.slug = f"{agreement.slug}-renamed"
        agreement.save()


EDITS = [
    create,
    edit,
    relink,
    rename_topic,
    add_party,
    publish,
    unpublish,
    delete,
    revert,
    import_file,
    rename_slug,
]


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    edits=st.lists(
        st.tuples(st.sampled_from(EDITS), st.integers(min_value=0, max_value=20)), max_size=6
    )
)
@example(edits=[(import_file, 1), (relink, 2), (revert, 1), (rename_topic, 0), (unpublish, 3)])
@example(edits=[(create, 5), (delete, 0), (create, 5)])
def test_a_mirror_from_a_full_fetch_and_the_feed_equals_the_api(graph, edits):
    http = client()
    cursor = start_cursor(http)
    mirror = full_listing(http)
    for edit_function, number in edits:
        with transaction.atomic():
            edit_function(number)
    follow(http, mirror, cursor)
    assert mirror == full_listing(http)


def test_renaming_a_linked_record_changes_the_records_that_show_it(graph):
    http = client()
    before = http.get("/api/v1/agreements/moc-0/")
    cursor = start_cursor(http)
    time.sleep(1.1)  # Last-Modified counts whole seconds
    with transaction.atomic():
        rename_topic(0)
    page = http.get(cursor).json()
    assert {(c["action"], c["url"].split("/api/v1/")[1]) for c in page["results"]} >= {
        ("updated", "topics/topic-0/"),
        ("updated", "agreements/moc-0/"),
    }
    after = http.get("/api/v1/agreements/moc-0/")
    assert after.json()["updated_at"] > before.json()["updated_at"]
    assert after.headers["ETag"] != before.headers["ETag"]
    again = http.get(
        "/api/v1/agreements/moc-0/", HTTP_IF_MODIFIED_SINCE=before.headers["Last-Modified"]
    )
    assert again.status_code == 200
    since = before.json()["updated_at"]
    listed = http.get("/api/v1/agreements/", {"updated_since": since}).json()["results"]
    assert "moc-0" in {record["id"] for record in listed}


def test_unpublished_and_deleted_records_leave_tombstones(graph):
    http = client()
    cursor = start_cursor(http)
    with transaction.atomic():
        Agreement.objects.filter(slug="moc-1").get().delete()
    with transaction.atomic():
        moc = Agreement.objects.get(slug="moc-2")
        moc.status = Status.DRAFT
        moc.save()
    actions = {change["id"]: change["action"] for change in http.get(cursor).json()["results"]}
    assert actions["moc-1"] == "deleted"
    assert actions["moc-2"] == "unpublished"
    assert Change.objects.filter(record_id="moc-1", action="deleted").exists()


def test_a_bad_cursor_is_a_400(graph):
    response = client().get("/api/v1/changes/?since=nonsense")
    assert response.status_code == 400
    assert response.json()["invalid_params"][0]["name"] == "since"


def test_a_rolled_back_edit_does_not_stop_later_changes_from_being_logged(graph):
    http = client()
    cursor = start_cursor(http)
    with pytest.raises(RuntimeError), transaction.atomic():
        edit(0)
        raise RuntimeError("abandon the edit")
    with transaction.atomic():
        rename_topic(1)
    ids = {change["id"] for change in http.get(cursor).json()["results"]}
    assert "topic-1" in ids


def test_the_feed_is_json_only_and_says_so(graph):
    # schemathesis found ?format=csv answering an empty page with no body and no type.
    response = client().get("/api/v1/changes/?format=csv&since=latest")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "format" in response.json()["invalid_params"][0]["name"]
