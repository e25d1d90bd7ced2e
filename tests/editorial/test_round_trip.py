"""Import and export are a round trip: an unchanged file changes nothing, per kind."""

import io

import pytest
import tablib
from django.apps import apps
from django.core.management import call_command

from initiatives.models import Agreement, AgreementParty, Dialogue
from portal.history import record_state
from portal.models import Record
from portal.resources import resource_for
from tests.factories import (
    AgreementFactory,
    CitationFactory,
    CountryFactory,
    DialogueFactory,
    MeetingFactory,
)

pytestmark = pytest.mark.django_db

KINDS = [
    model
    for model in apps.get_models()
    if issubclass(model, Record) and not model._meta.model_name.startswith("historical")
]


def snapshot(model):
    return {
        record.pk: (record.version, record_state(record))
        for record in model._base_manager.order_by("pk")
    }


def reimport(model, text, file_format="csv"):
    dataset = tablib.Dataset().load(text, format=file_format)
    return resource_for(model)().import_data(dataset, dry_run=False)


def row_errors(result):
    found = [str(error.error) for row in result.rows for error in row.errors]
    found += [str(row.error) for row in result.invalid_rows]
    return found


def test_every_kind_exports_and_imports_the_real_data_unchanged():
    call_command("load_portal_data", verbosity=0, stdout=io.StringIO())
    for model in KINDS:
        before = snapshot(model)
        assert before, f"no {model._meta.verbose_name_plural} in the fixtures"
        for file_format in ("csv", "json"):
            exported = getattr(resource_for(model)().export(), file_format)
            result = reimport(model, exported, file_format)
            assert not row_errors(result), (model, file_format, row_errors(result)[:3])
            assert result.totals["update"] == result.totals["new"] == 0, model
            assert snapshot(model) == before, f"importing {model.__name__} changed records"


def test_agreements_name_meetings_by_dialogue_and_parties_and_citations_readably():
    japan = CountryFactory()
    vietnam = CountryFactory(code="VN", name="Vietnam")
    quote = CitationFactory(section="Section 8 (readable)")
    for _ in range(2):  # the same meeting slug in two dialogues
        meeting = MeetingFactory(slug="1st", dialogue=DialogueFactory())
    agreement = AgreementFactory(meeting=meeting, citations=[quote])
    AgreementParty.objects.create(agreement=agreement, country=japan, position=1)
    AgreementParty.objects.create(
        agreement=agreement, country=vietnam, position=2, as_written="Viet Nam"
    )
    row = resource_for(Agreement)().export().dict[0]
    assert row["meeting"] == f"{meeting.dialogue.slug}/1st"
    assert row["parties"] == "country:JP\ncountry:VN “Viet Nam”"
    assert row["citations"].startswith("Section 8 (readable): “Section 8 Promotion")
    assert row["citations"].endswith(f"[{quote.key}]")
    assert row["version"] == str(agreement.version)


def test_a_changed_party_is_imported_as_one_new_version():
    agreement = AgreementFactory()
    AgreementParty.objects.create(agreement=agreement, country=CountryFactory(), position=1)
    CountryFactory(code="VN", name="Vietnam")
    dataset = resource_for(Agreement)().export()
    dataset.dict = []  # rebuilt below with the change
    row = resource_for(Agreement)().export().dict[0]
    row["parties"] = "country:JP\ncountry:VN “Viet Nam”"
    before = agreement.history.count()
    result = resource_for(Agreement)().import_data(
        tablib.Dataset(list(row.values()), headers=list(row)), dry_run=False
    )
    assert not row_errors(result) and result.totals["update"] == 1
    assert [str(party) for party in agreement.parties.all()] == ["Japan", "Viet Nam"]
    assert agreement.history.count() == before + 1
    assert agreement.history.order_by("-history_id").first().links["parties"][1]["as_written"] == (
        "Viet Nam"
    )


def test_a_row_changed_since_the_export_is_a_conflict_never_applied():
    dialogue = DialogueFactory(name="Before")
    exported = resource_for(Dialogue)().export().csv
    dialogue.description = "A newer edit."
    dialogue.save()
    result = reimport(Dialogue, exported.replace("Before", "From the old file"))
    assert any("changed in the database since the export" in e for e in row_errors(result))
    dialogue.refresh_from_db()
    assert dialogue.name == "Before" and dialogue.description == "A newer edit."


def test_every_error_of_a_file_is_reported_in_one_round():
    DialogueFactory(slug="utopia")
    row = resource_for(Dialogue)().export().dict[0]
    row.update(date="2024-13", countries="XX", version="")
    result = resource_for(Dialogue)().import_data(
        tablib.Dataset(list(row.values()), headers=list(row)), dry_run=True
    )
    errors = " ".join(row_errors(result))
    assert "2024-13" in errors and "no country XX" in errors and "has no version" in errors
