"""The transcribed records, loaded as `make run` loads them, checked against the source text."""

import io
from collections import defaultdict

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.db.models import ForeignKey, ManyToManyField, ManyToManyRel, ManyToOneRel

from frameworks.models import Appointment
from initiatives.models import Meeting
from portal.api.fields import api_url
from portal.coverage import UNCITED, paragraph_statuses
from portal.record_kinds import DATED_KINDS, RECORD_KINDS
from portal.source_text import load_source, normalize
from portal.validation import missing_date_tokens, number_in_quotes

# Marked so that pytest-django sets up the test database even when this module runs alone.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def fixture_data(django_db_setup, django_db_blocker):
    """Load the fixtures once for this module, in a transaction rolled back after it
    (a flush would also empty what migrations made, such as the role groups)."""
    with django_db_blocker.unblock(), transaction.atomic():
        output = io.StringIO()
        call_command("load_portal_data", stdout=output)
        yield output.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def db_access(fixture_data, django_db_blocker):
    with django_db_blocker.unblock():
        yield


def all_records():
    for model in RECORD_KINDS:
        yield from model.objects.all()


def quotes_of(record):
    return [normalize(citation.quote) for citation in record.citations.all()]


def test_the_fixtures_load_and_a_second_load_changes_nothing(fixture_data, db_access):
    assert "created" in fixture_data
    output = io.StringIO()
    call_command("load_portal_data", stdout=output)
    assert output.getvalue().strip().endswith("Nothing changed.")


def test_every_record_has_a_citation(db_access):
    missing = [
        f"{r._meta.model_name} {r.public_id}" for r in all_records() if not r.citations.exists()
    ]
    assert missing == []


def test_every_quote_occurs_in_the_source(db_access):
    from portal.models import Citation

    source = load_source(settings.SOURCE_TEXT_PATH)
    wrong = [c.key for c in Citation.objects.all() if not source.contains(c.quote)]
    assert wrong == []


def test_every_date_stands_in_the_records_quotes_at_its_precision(db_access):
    wrong = []
    for model in [*DATED_KINDS, Appointment]:
        for record in model.objects.exclude(date_start=None):
            quotes = quotes_of(record)
            if isinstance(record, Appointment):
                quotes += quotes_of(record.person)
            missing = missing_date_tokens(record.date, quotes)
            if missing:
                wrong.append(f"{model._meta.model_name} {record}: {record.date.iso()} {missing}")
    assert wrong == []


def test_every_number_stands_in_the_records_quotes(db_access):
    from initiatives.models import Statistic

    wrong = [
        f"{s.slug}: {s.value}"
        for s in Statistic.objects.all()
        if not number_in_quotes(s.value.normalize(), quotes_of(s))
    ]
    assert wrong == []


def links_of(record):
    """How many records this one links to or is linked from."""
    count = 0
    for field in record._meta.get_fields():
        if (
            field.name in ("citations", "loaded_digest")
            or getattr(field, "related_model", None) is None
        ):
            continue
        if isinstance(field, ForeignKey):
            count += getattr(record, field.attname) is not None
        elif isinstance(field, ManyToManyField | ManyToManyRel | ManyToOneRel):
            accessor = field.get_accessor_name() if field.auto_created else field.name
            count += getattr(record, accessor).exists()
    return count


def test_no_record_is_an_orphan(db_access):
    from portal.models import Source

    orphans = [
        f"{r._meta.model_name} {r.public_id}"
        for r in all_records()
        if not isinstance(r, Source) and links_of(r) == 0
    ]
    assert orphans == []


def test_no_two_records_of_a_kind_share_a_name_or_alias(db_access):
    clashes = []
    for model in RECORD_KINDS:
        owners = defaultdict(set)
        for record in model.objects.all():
            names = {record.name, *record.aliases}
            if isinstance(record, Meeting):
                names = {f"{record.dialogue.slug}: {name}" for name in names}
            for name in names:
                owners[normalize(name).casefold()].add(record.public_id)
        clashes += [
            (model._meta.model_name, n, sorted(ids)) for n, ids in owners.items() if len(ids) > 1
        ]
    assert clashes == []


def test_every_paragraph_that_states_a_fact_is_cited(db_access):
    uncited = [
        f"{p.number}: {p.text[:80]}"
        for p in paragraph_statuses(load_source(settings.SOURCE_TEXT_PATH))
        if p.status == UNCITED
    ]
    assert uncited == []


def test_every_record_has_a_page_and_every_list_page_opens(client, db_access):
    failures = []
    for model in RECORD_KINDS:
        list_url = f"/{model._meta.verbose_name_plural.replace(' ', '-')}/"
        if client.get(list_url).status_code != 200:
            failures.append(list_url)
        for record in model.objects.published():
            url = record.get_absolute_url()
            if client.get(url).status_code != 200:
                failures.append(url)
    assert failures == []


def test_every_record_is_served_by_the_api(client, db_access):
    failures = []
    for model in RECORD_KINDS:
        for record in model.objects.published():
            url = api_url(record, None)
            response = client.get(url)
            if response.status_code != 200 or response.json()["id"] != record.public_id:
                failures.append(url)
    assert failures == []
