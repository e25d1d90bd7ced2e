from datetime import date

import pytest

from portal.partial_dates import DateSpan, InvalidDate


@pytest.mark.parametrize(
    ("text", "iso", "label", "precision"),
    [
        ("2021", "2021", "2021", "year"),
        ("2024-04", "2024-04", "April 2024", "month"),
        ("2024-12-24", "2024-12-24", "24 December 2024", "day"),
        ("FY2023", "FY2023", "FY2023", "fiscal_year"),
        ("2024-02-06/2024-02-07", "2024-02-06/2024-02-07", "6–7 February 2024", "day"),
        ("2025-02/2025-03", "2025-02/2025-03", "February–March 2025", "month"),
        ("2022/2025", "2022/2025", "2022–2025", "year"),
        ("2023-11/2024-01", "2023-11/2024-01", "November 2023 – January 2024", "month"),
    ],
)
def test_dates_keep_the_precision_the_text_gives(text, iso, label, precision):
    span = DateSpan.parse(text)
    assert span.iso() == iso
    assert span.label() == label
    assert span.precision == precision


def test_a_fiscal_year_runs_from_april_to_march():
    span = DateSpan.parse("FY2023")
    assert span.start == date(2023, 4, 1)
    assert span.last_day == date(2024, 3, 31)


def test_a_month_covers_its_last_day():
    assert DateSpan.parse("2024-02").last_day == date(2024, 2, 29)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2024-13", "not a real date"),
        ("April 2024", "not a date"),
        ("2024-02-07/2024-02-06", "before the start"),
        ("2024/2024-05", "same precision"),
    ],
)
def test_bad_dates_are_refused_with_a_reason(text, message):
    with pytest.raises(InvalidDate, match=message):
        DateSpan.parse(text)


@pytest.mark.parametrize(
    ("text", "japanese"),
    [
        ("2024", "2024年"),
        ("FY2024", "2024年度"),
        ("2024-04", "2024年4月"),
        ("2024-04-01", "2024年4月1日"),
        ("2024-02-06/2024-02-07", "2024年2月6日～7日"),
        ("2024-02-27/2024-03-01", "2024年2月27日～3月1日"),
        ("2024-12-30/2025-01-02", "2024年12月30日～2025年1月2日"),
        ("2024-04/2024-06", "2024年4月～6月"),
        ("2024-11/2025-02", "2024年11月～2025年2月"),
        ("2021/2023", "2021年～2023年"),
        ("FY2023/FY2025", "2023年度～2025年度"),
    ],
)
def test_a_japanese_label_keeps_the_precision_in_year_month_day_order(text, japanese):
    assert DateSpan.parse(text).label("ja") == japanese


def test_the_label_follows_the_active_language():
    from django.utils import translation

    span = DateSpan.parse("2024-04")
    with translation.override("ja"):
        assert span.label() == "2024年4月"
    with translation.override("en"):
        assert span.label() == "April 2024"
