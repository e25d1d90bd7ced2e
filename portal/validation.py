"""Checks that a record's stored facts stand in its quotes (fixture checker and tests),
and of numbers given in a request."""

from portal.partial_dates import DAY, FISCAL_YEAR, MONTH, MONTH_NAMES, DateSpan

NUMBER_WORDS = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen", "twenty",
]  # fmt: skip


def is_whole_number(text):
    """ASCII digits only: "²" passes str.isdigit() but int() refuses it."""
    return text.isascii() and text.isdigit() and len(text) <= 9


def date_tokens(span: DateSpan) -> list[str]:
    """What a quote must contain to state a date at its precision: year, month name, day."""
    tokens = []
    for value in filter(None, [span.start, span.end]):
        if span.precision == FISCAL_YEAR:
            tokens.append(f"FY{value.year}")
            continue
        tokens.append(str(value.year))
        if span.precision in (MONTH, DAY):
            tokens.append(MONTH_NAMES[value.month - 1])
        if span.precision == DAY:
            tokens.append(str(value.day))
    return tokens


def missing_date_tokens(span: DateSpan, quotes) -> list[str]:
    joined = " ".join(quotes)
    return [token for token in date_tokens(span) if token not in joined]


def number_forms(value) -> list[str]:
    """The ways the text may write a number: 153.5, 6,000, 6000, or "five"."""
    text = format(value, "f") if not isinstance(value, str) else value
    forms = {text}
    try:
        number = float(text)
    except ValueError:
        return [text]
    if number.is_integer():
        forms.add(f"{int(number):,}")
        forms.add(str(int(number)))
        if 0 <= number < len(NUMBER_WORDS):
            forms.add(NUMBER_WORDS[int(number)])
    else:
        forms.add(f"{number:g}")
    return sorted(forms)


def number_in_quotes(value, quotes) -> bool:
    joined = " ".join(quotes)
    return any(form in joined for form in number_forms(value))
