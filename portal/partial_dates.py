"""Dates kept at the precision the source gives them.

The white paper says "2021", "April 2024", "December 24, 2024", "FY2023" or
"6-7 February 2024". A ``DateSpan`` keeps exactly that: the first day of the
period it starts in, the first day of the period it ends in (for a range) and
the precision. It never invents a finer date than the text states.

Pure Python, so the fixture checker can use it without Django; a label follows Django's
active language when Django is set up ("April 2024", "2024年4月").
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date

YEAR = "year"
MONTH = "month"
DAY = "day"
FISCAL_YEAR = "fiscal_year"
PRECISIONS = (YEAR, FISCAL_YEAR, MONTH, DAY)

MONTH_NAMES = [calendar.month_name[number] for number in range(1, 13)]

_PATTERNS = {
    DAY: re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"),
    MONTH: re.compile(r"^(\d{4})-(\d{2})$"),
    YEAR: re.compile(r"^(\d{4})$"),
    FISCAL_YEAR: re.compile(r"^FY(\d{4})$"),
}


def _active_language() -> str:
    try:
        from django.conf import settings
        from django.utils.translation import get_language
    except ImportError:
        return "en"
    return (get_language() or "en") if settings.configured else "en"


class InvalidDate(ValueError):
    """A date string that is not one of the accepted forms."""


def _parse_one(text: str) -> tuple[date, str]:
    for precision, pattern in _PATTERNS.items():
        match = pattern.match(text)
        if not match:
            continue
        numbers = [int(group) for group in match.groups()]
        try:
            if precision == DAY:
                return date(*numbers), precision
            if precision == MONTH:
                return date(numbers[0], numbers[1], 1), precision
            if precision == FISCAL_YEAR:
                # A Japanese fiscal year starts on April 1.
                return date(numbers[0], 4, 1), precision
            return date(numbers[0], 1, 1), precision
        except ValueError as error:
            raise InvalidDate(f"{text!r} is not a real date: {error}") from None
    raise InvalidDate(
        f"{text!r} is not a date: use YYYY, YYYY-MM, YYYY-MM-DD or FYYYYY, "
        "and START/END for a range"
    )


def period_end(start: date, precision: str) -> date:
    """The last day of the period that begins on ``start``."""
    if precision == DAY:
        return start
    if precision == MONTH:
        return start.replace(day=calendar.monthrange(start.year, start.month)[1])
    if precision == FISCAL_YEAR:
        return date(start.year + 1, 3, 31)
    return date(start.year, 12, 31)


@dataclass(frozen=True)
class DateSpan:
    start: date
    precision: str
    end: date | None = None

    def __post_init__(self):
        if self.precision not in PRECISIONS:
            raise InvalidDate(f"unknown precision {self.precision!r}")
        if self.end is not None and self.end < self.start:
            raise InvalidDate(
                f"the end ({self._iso_one(self.end)}) is before the start "
                f"({self._iso_one(self.start)})"
            )
        if (self.end or self.start).year == 9999 and self.precision == FISCAL_YEAR:
            # FY9999 would end on 31 March 10000, past the last date Python can hold.
            raise InvalidDate(f"{self._iso_one(self.end or self.start)} ends after the year 9999")

    @classmethod
    def parse(cls, text: str) -> "DateSpan":
        text = str(text).strip()
        if "/" in text:
            first, _, last = text.partition("/")
            start, precision = _parse_one(first.strip())
            end, end_precision = _parse_one(last.strip())
            if precision != end_precision:
                raise InvalidDate(f"{text!r}: both ends of a range need the same precision")
            return cls(start=start, precision=precision, end=end)
        start, precision = _parse_one(text)
        return cls(start=start, precision=precision)

    @property
    def last_day(self) -> date:
        """The last day the span covers, for range filters."""
        return period_end(self.end or self.start, self.precision)

    @property
    def year(self) -> int:
        return self.start.year

    def _iso_one(self, value: date) -> str:
        if self.precision == DAY:
            return value.isoformat()
        if self.precision == MONTH:
            return f"{value.year:04d}-{value.month:02d}"
        if self.precision == FISCAL_YEAR:
            return f"FY{value.year:04d}"
        return f"{value.year:04d}"

    def iso(self) -> str:
        """The ISO 8601 form at the stated precision ("2024-04", "2021/2023")."""
        if self.end is None:
            return self._iso_one(self.start)
        return f"{self._iso_one(self.start)}/{self._iso_one(self.end)}"

    def iso_start(self) -> str:
        return self._iso_one(self.start)

    def html_datetime(self) -> str | None:
        """The start as HTML's <time datetime> takes it ("2024", "2024-04", "2024-04-01"), or
        None for a fiscal year: HTML has no form for April to March, and its first day would
        state a precision the text does not give."""
        return None if self.precision == FISCAL_YEAR else self._iso_one(self.start)

    def iso_end(self) -> str | None:
        return None if self.end is None else self._iso_one(self.end)

    def _label_one(self, value: date) -> str:
        if self.precision == DAY:
            return f"{value.day} {MONTH_NAMES[value.month - 1]} {value.year}"
        if self.precision == MONTH:
            return f"{MONTH_NAMES[value.month - 1]} {value.year}"
        return self._iso_one(value)

    def label(self, language: str | None = None) -> str:
        """How a person reads it, in the active language (or `language`): "6–7 February
        2024", "April 2024", "FY2023"; in Japanese "2024年2月6日～7日", "2024年4月",
        "2023年度" (Western years: the text gives no era)."""
        if (language or _active_language()) == "ja":
            return self._label_ja()
        if self.end is None or self.end == self.start:
            return self._label_one(self.start)
        start, end = self.start, self.end
        if self.precision == DAY and (start.year, start.month) == (end.year, end.month):
            return f"{start.day}–{end.day} {MONTH_NAMES[end.month - 1]} {end.year}"
        if self.precision == MONTH and start.year == end.year:
            return f"{MONTH_NAMES[start.month - 1]}–{MONTH_NAMES[end.month - 1]} {end.year}"
        if self.precision in (YEAR, FISCAL_YEAR):
            return f"{self._label_one(start)}–{self._label_one(end)}"
        return f"{self._label_one(start)} – {self._label_one(end)}"

    def _label_one_ja(self, value: date, after: date | None = None) -> str:
        """One end in Japanese; the end of a range leaves out the year (and month) it
        shares with the start: "2024年2月6日～7日"."""
        year = "" if after and after.year == value.year else f"{value.year}年"
        if self.precision == DAY:
            month = "" if not year and after.month == value.month else f"{value.month}月"
            return f"{year}{month}{value.day}日"
        if self.precision == MONTH:
            return f"{year}{value.month}月"
        if self.precision == FISCAL_YEAR:
            return f"{value.year}年度"
        return f"{value.year}年"

    def _label_ja(self) -> str:
        if self.end is None or self.end == self.start:
            return self._label_one_ja(self.start)
        return f"{self._label_one_ja(self.start)}～{self._label_one_ja(self.end, self.start)}"

    def __str__(self):
        return self.iso()
