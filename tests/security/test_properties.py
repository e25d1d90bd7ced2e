"""Property tests: date parsing, the changes feed's cursor, the admin import's preview.

Filters and path parameters of every endpoint are fuzzed in tests/api/
test_no_server_errors.py, paging in tests/api/test_paging.py, and random edit sequences
against the changes feed in tests/api/test_changes.py.
"""

import calendar
import csv
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from initiatives.models import Dialogue
from portal.api.views import decode_change_cursor, encode_change_cursor
from portal.partial_dates import DAY, FISCAL_YEAR, MONTH, YEAR, DateSpan, InvalidDate
from portal.resources import resource_for
from tests.editorial.test_workflow import PASSWORD
from tests.factories import DialogueFactory
from tests.staff import signed_in_client

TRICKY = st.sampled_from(
    ["", " ", "²", "١٢", "0", "-1", "9" * 30, "FY", "FY99999", "2024-13", "2024-02-30",
     "2024-00-01", "0000", "2024/2023", "2024-02-06/2024-02-07", "FY2024/FY2023", "\x00",
     "=HYPERLINK(\"x\")", "<script>", "\u202e", "🇯🇵", "None", "null", "a" * 400]
)  # fmt: skip
CELL = st.one_of(TRICKY, st.text(st.characters(exclude_categories=["Cs"]), max_size=40))


# Dates ---------------------------------------------------------------------------------


@st.composite
def spans(draw):
    """A DateSpan as the source may state it: one date or a range, at one precision."""
    precision = draw(st.sampled_from([YEAR, FISCAL_YEAR, MONTH, DAY]))
    first = draw(st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)))
    assume(not (precision == FISCAL_YEAR and first.year == 9999))
    start = {
        DAY: first,
        MONTH: first.replace(day=1),
        YEAR: date(first.year, 1, 1),
        FISCAL_YEAR: date(first.year, 4, 1),
    }[precision]
    if not draw(st.booleans()):
        return DateSpan(start=start, precision=precision)
    later = draw(st.dates(min_value=first, max_value=date(9999, 12, 31)))
    assume(not (precision == FISCAL_YEAR and later.year == 9999))
    end = {
        DAY: later,
        MONTH: later.replace(day=1),
        YEAR: date(later.year, 1, 1),
        FISCAL_YEAR: date(later.year, 4, 1),
    }[precision]
    return DateSpan(start=start, end=end, precision=precision)


@given(span=spans())
def test_a_date_reads_back_as_itself_at_its_precision(span):
    again = DateSpan.parse(span.iso())
    assert again == span
    assert again.iso() == span.iso()
    assert span.start <= span.last_day
    assert span.label()  # every span has a reading


@given(span=spans())
def test_the_last_day_is_the_end_of_the_stated_period(span):
    last = span.last_day
    if span.precision == DAY:
        assert last == (span.end or span.start)
    elif span.precision == MONTH:
        assert last.day == calendar.monthrange(last.year, last.month)[1]
        assert last.month == (span.end or span.start).month
    elif span.precision == YEAR:
        assert (last.month, last.day) == (12, 31)
    else:  # a fiscal year ends on 31 March of the next calendar year
        assert (last.month, last.day) == (3, 31)
        assert last.year == (span.end or span.start).year + 1


def test_a_fiscal_year_that_would_end_after_9999_is_an_invalid_date():
    with pytest.raises(InvalidDate, match="after the year 9999"):
        DateSpan.parse("FY9999")
    with pytest.raises(InvalidDate):
        DateSpan.parse("FY2024/FY9999")
    assert DateSpan.parse("9999").last_day == date(9999, 12, 31)


DATE_LIKE = st.from_regex(r"\AFY?\d{1,5}(-\d{1,3}){0,2}\Z")


@given(text=st.one_of(TRICKY, st.text(max_size=30), DATE_LIKE))
@example("2024-02-29")
@example("2023-02-29")
def test_any_text_is_a_date_or_an_invalid_date_never_another_error(text):
    try:
        span = DateSpan.parse(text)
    except InvalidDate:
        return
    assert DateSpan.parse(span.iso()) == span


# The changes feed's cursor ----------------------------------------------------------------


@given(number=st.integers(min_value=0, max_value=999_999_999))
def test_a_change_cursor_names_the_change_it_was_made_from(number):
    assert decode_change_cursor(encode_change_cursor(number)) == number


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(since=st.one_of(TRICKY, st.text(max_size=30), st.from_regex(r"\Achange-\d{1,12}\Z")))
def test_any_since_is_a_page_or_a_400_problem(since):
    assume("\x00" not in since)  # a NUL is refused before any view (tests/api)
    response = Client().get("/api/v1/changes/", {"since": since})
    assert response.status_code in (200, 400), response.content[:300]
    if response.status_code == 400:
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["invalid_params"][0]["name"] == "since"
    else:
        assert response.json()["next"].split("since=")[1].startswith("change-")


# The admin import's preview ----------------------------------------------------------


@pytest.fixture
def publisher(db):
    DialogueFactory(slug="japan-utopia-dialogue", name="Japan-Utopia Dialogue")
    return signed_in_client(Client(), "publisher", "Publisher", PASSWORD)


def as_csv(rows):
    stream = io.StringIO()
    writer = csv.writer(stream)
    writer.writerows(rows)
    return stream.getvalue()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_an_import_preview_of_random_cells_never_fails_the_server(publisher, data):
    header = next(csv.reader(io.StringIO(resource_for(Dialogue)().export().csv)))
    rows = data.draw(
        st.lists(st.fixed_dictionaries(dict.fromkeys(header, CELL)), min_size=1, max_size=3)
    )
    text = as_csv([header, *([row[column] for column in header] for row in rows)])
    upload = SimpleUploadedFile("dialogues.csv", text.encode("utf-8"), content_type="text/csv")
    response = publisher.post(
        reverse("admin:initiatives_dialogue_import"),
        {"resource": "0", "format": "0", "import_file": upload},
    )
    assert response.status_code == 200, (rows, response.content[:500])
    # A preview changes nothing; whatever it found wrong is said on the page.
    assert list(Dialogue.objects.values_list("slug", flat=True)) == ["japan-utopia-dialogue"]
