"""Quotes found in the source text, also where they are written joined across the paper's
line-break hyphens."""

from portal.source_text import Part, SourceText

TEXT = """The MIC decided the measures to be imple-

(2) A heading between the halves

mented for the core digital fields. Also, the Japan-

UK Comprehensive Economic Partnership Agreement and the Japan-

global reach of the partnership were discussed at high-level ses-

sions in the meet-

ing."""


def source():
    return SourceText(TEXT)


def test_a_quote_as_printed_is_found_in_its_paragraph():
    assert source().parts_for("to be imple-") == [Part(1, "to be imple-")]
    assert source().paragraphs_for("A heading between") == [2]


def test_a_quote_joined_across_a_line_break_hyphen_is_found_in_both_paragraphs():
    text = source()
    quote = "the measures to be implemented for the core digital fields."
    assert text.contains(quote)
    assert text.paragraphs_for(quote) == [1, 3]
    assert text.parts_for(quote) == [
        Part(1, "the measures to be imple-"),
        Part(3, "mented for the core digital fields."),
    ]


def test_the_hyphen_stays_before_a_capital():
    text = source()
    assert text.parts_for("the Japan-UK Comprehensive") == [
        Part(3, "the Japan-"),
        Part(4, "UK Comprehensive"),
    ]
    assert not text.contains("the JapanUK Comprehensive")
    # Before lower case the break's hyphen goes: "Japan-global" is not how it joins.
    assert not text.contains("the Japan-global reach")


def test_a_quote_may_run_across_two_breaks():
    quote = "discussed at high-level sessions in the meeting."
    assert source().parts_for(quote) == [
        Part(5, "discussed at high-level ses-"),
        Part(6, "sions in the meet-"),
        Part(7, "ing."),
    ]


def test_a_quote_that_is_not_in_the_text_is_not_found():
    text = source()
    assert not text.contains("to be implemented for the core business")
    assert not text.contains("imple mented")
    assert text.paragraphs_for("nowhere") == []
    assert text.parts_for("nowhere") == []


def test_the_real_source_finds_the_audited_joins():
    from portal.source_text import load_source

    text = load_source()
    for quote in [
        "the basic policies and measures to be implemented for the core digital fields",
        "will be continued until 2027, with efforts to enhance exercise content.",
        "with four countries: Vietnam, Uzbekistan, Iran, and Thailand.",
    ]:
        parts = text.parts_for(quote)
        assert len(parts) == 2 and parts[0].text.endswith("-"), quote
