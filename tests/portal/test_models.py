from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from countries.models import Country
from frameworks.models import Framework
from initiatives.models import AgreementParty, Meeting
from portal.models import Citation
from tests.factories import (
    AgreementFactory,
    CitationFactory,
    CountryFactory,
    DialogueFactory,
    EventFactory,
    FrameworkFactory,
    MeetingFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def test_event_ending_before_start_is_rejected_by_the_database():
    event = EventFactory()
    event.date_start, event.date_end, event.date_precision = (
        date(2024, 2, 7),
        date(2024, 2, 6),
        "day",
    )
    with pytest.raises(IntegrityError, match="end_not_before_start"), transaction.atomic():
        event.save()


def test_event_ending_before_start_is_a_form_error():
    event = EventFactory.build(
        date_start=date(2024, 2, 7), date_end=date(2024, 2, 6), date_precision="day"
    )
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "The end is before the start." in error.value.message_dict["date_end"]


def test_a_date_without_precision_is_rejected():
    event = EventFactory()
    event.date_start = date(2024, 2, 7)
    with pytest.raises(IntegrityError, match="date_has_precision"), transaction.atomic():
        event.save()


def test_unknown_country_code_is_rejected_by_the_database():
    with pytest.raises(IntegrityError, match="country_code_is_iso_3166"), transaction.atomic():
        Country.objects.create(code="XX", name="Nowhere")


def test_unknown_country_code_is_a_form_error():
    country = Country(code="XX", name="Nowhere")
    with pytest.raises(ValidationError) as error:
        country.full_clean()
    assert "code" in error.value.message_dict


def test_country_takes_its_iso_name_when_none_is_given():
    assert Country.objects.create(code="VN").name == "Vietnam"


def test_duplicate_slug_is_rejected():
    FrameworkFactory(slug="itu")
    with pytest.raises(IntegrityError), transaction.atomic():
        FrameworkFactory(slug="itu")


def test_duplicate_slug_is_a_form_error():
    FrameworkFactory(slug="itu")
    framework = Framework(slug="itu", name="ITU again")
    with pytest.raises(ValidationError) as error:
        framework.full_clean()
    assert "slug" in error.value.message_dict


def test_two_meetings_of_a_dialogue_cannot_share_a_number():
    dialogue = DialogueFactory()
    MeetingFactory(dialogue=dialogue, number=14, slug="14th")
    with (
        pytest.raises(
            IntegrityError,
            # PostgreSQL names the constraint, SQLite the columns.
            match="meeting_number_unique|initiatives_meeting.dialogue_id, initiatives_meeting.num",
        ),
        transaction.atomic(),
    ):
        MeetingFactory(dialogue=dialogue, number=14, slug="fourteenth")


def test_meetings_of_different_dialogues_may_share_a_slug():
    MeetingFactory(slug="14th")
    MeetingFactory(slug="14th")
    assert Meeting.objects.filter(slug="14th").count() == 2


def test_an_agreement_party_must_name_someone():
    agreement = AgreementFactory()
    with pytest.raises(IntegrityError, match="names_a_party"), transaction.atomic():
        AgreementParty.objects.create(agreement=agreement, as_written="nobody")


def test_a_framework_cannot_be_its_own_ancestor():
    un = FrameworkFactory(slug="un")
    itu = FrameworkFactory(slug="itu", parent=un)
    un.parent = itu
    with pytest.raises(ValidationError, match="own ancestor"):
        un.full_clean()


def test_a_quote_that_is_not_in_the_source_is_flagged():
    citation = Citation(
        document=SourceFactory(), section="2. (1)", quote="Japan signed a treaty on Mars."
    )
    with pytest.raises(ValidationError) as error:
        citation.full_clean()
    assert error.value.message_dict["quote"] == ["This quote does not occur in the source text."]


def test_a_citation_records_the_paragraphs_its_quote_stands_in():
    citation = CitationFactory(quote="Section 8 Promotion of international strategies for ICT")
    assert citation.paragraphs == [1]


def test_a_quote_joined_across_a_line_break_is_valid_and_keeps_both_paragraphs():
    quote = "four countries: Vietnam, Uzbekistan, Iran, and Thailand."
    citation = CitationFactory(quote=quote)
    citation.full_clean()
    assert citation.quote == quote
    assert len(citation.paragraphs) == 2
    assert [part.text for part in citation.parts] == [
        "four countries: Vietnam, Uz-",
        "bekistan, Iran, and Thailand.",
    ]
    assert citation.joined_at_break


def test_a_joined_quote_is_shown_whole_with_where_the_word_breaks(client):
    quote = "four countries: Vietnam, Uzbekistan, Iran, and Thailand."
    citation = CitationFactory(quote=quote)
    framework = FrameworkFactory(citations=[citation])
    page = client.get(framework.get_absolute_url()).content.decode()
    first, second = citation.paragraphs
    assert f"<blockquote>{quote}</blockquote>" in page
    assert f"“Uz-” ends paragraph {first}, “bekistan,” opens paragraph {second}" in page


def test_records_link_both_ways():
    japan = CountryFactory(code="JP")
    itu = FrameworkFactory(slug="itu")
    itu_t = FrameworkFactory(slug="itu-t", parent=itu)
    itu.members.add(japan)
    assert list(itu.children.all()) == [itu_t]
    assert list(japan.frameworks.all()) == [itu]
