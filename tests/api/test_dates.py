"""Timestamps in UTC with Z; every date object gives its first and last day."""

from datetime import date

import pytest
from django.test import Client

from tests.factories import AgreementFactory, DialogueFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dated(db):
    AgreementFactory(slug="fy", date_start=date(2024, 4, 1), date_precision="fiscal_year")
    AgreementFactory(slug="month", date_start=date(2024, 4, 1), date_precision="month")
    dialogue = DialogueFactory(slug="dde")
    MeetingFactory(
        dialogue=dialogue,
        slug="14th",
        number=14,
        date_start=date(2024, 2, 6),
        date_end=date(2024, 2, 7),
        date_precision="day",
    )
    return Client()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "/api/v1/agreements/fy/",
            {
                "value": "FY2024",
                "precision": "fiscal_year",
                "start": "2024-04-01",
                "end": "2025-03-31",
                "label": "FY2024",
            },
        ),
        (
            "/api/v1/agreements/month/",
            {
                "value": "2024-04",
                "precision": "month",
                "start": "2024-04-01",
                "end": "2024-04-30",
                "label": "April 2024",
            },
        ),
    ],
)
def test_a_date_object_spans_iso_days(dated, url, expected):
    assert dated.get(url).json()["date"] == expected


def test_a_dialogues_meetings_carry_the_same_date_object(dated):
    meeting = dated.get("/api/v1/meetings/dde/14th/").json()
    dialogue = dated.get("/api/v1/dialogues/dde/").json()
    assert dialogue["meetings"][0]["date"] == meeting["date"]
    assert meeting["date"]["start"] == "2024-02-06"
    assert meeting["date"]["end"] == "2024-02-07"


def test_timestamps_are_utc_with_z(dated):
    record = dated.get("/api/v1/agreements/fy/").json()
    assert record["updated_at"].endswith("Z")


def test_a_zone_less_updated_since_is_a_400_saying_so(dated):
    response = dated.get("/api/v1/agreements/?updated_since=2024-04-01T00:00:00")
    assert response.status_code == 400
    reason = response.json()["invalid_params"][0]["reason"]
    assert "time zone" in reason


def test_updated_since_reads_the_zone_it_is_given(dated):
    stamp = dated.get("/api/v1/agreements/fy/").json()["updated_at"]
    for value in [stamp, stamp.replace("Z", "+00:00")]:
        ids = [
            r["id"]
            for r in dated.get("/api/v1/agreements/", {"updated_since": value}).json()["results"]
        ]
        assert "fy" in ids
