"""The source reader puts the text in reading order without changing a word, and every
citation in the fixtures points to a reader paragraph its quote stands in."""

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from portal.source_reader import FIGURE, FOOTNOTE, HEADING, PARAGRAPH, load_reader
from portal.source_text import SOURCE_PATH, load_source, normalize

FIXTURES = Path(SOURCE_PATH).parent


def reader():
    return load_reader(load_source())


def letters(text):
    """The text without white space or hyphens: what joining may not change."""
    return re.sub(r"[\s-]", "", text)


def fixture_citations():
    found = []
    for path in sorted(FIXTURES.glob("*.yaml")):
        for record in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            children = [record]
            for name in ("meetings", "appointments"):
                children += record.get(name) or []
            for child in children:
                for citation in child.get("citations") or []:
                    found.append(
                        (f"{path.stem}:{record.get('slug') or record.get('code')}", citation)
                    )
    return found


def test_every_citation_quote_stands_in_the_reader_paragraph_it_links_to():
    source, text = load_source(), reader()
    citations = fixture_citations()
    assert len(citations) > 400
    for where, citation in citations:
        paragraphs = source.paragraphs_for(citation["quote"])
        place = text.place(paragraphs, citation["quote"], citation["section"])
        assert place is not None, (where, citation["quote"])
        quote = normalize(citation["quote"])
        assert place.paragraph.text[place.span[0] : place.span[1]] == quote
        assert quote in place.paragraph.text
        # The link's #p<number> is a paragraph the citation names, and it opens this one.
        assert place.anchor in paragraphs
        assert text.paragraph_for(place.anchor) is place.paragraph


def test_every_source_paragraph_has_its_anchor_once_and_nothing_is_added_or_lost():
    source, text = load_source(), reader()
    anchors = Counter(n for p in text.paragraphs for n in p.anchors)
    assert sorted(anchors) == [p.number for p in source.paragraphs]
    assert set(anchors.values()) == {1}
    repeats = {n for p in text.paragraphs for n in p.repeats}
    kept = [p for p in source.paragraphs if p.number not in repeats]
    # Joining takes out only the white space and a line-break hyphen: the characters of
    # every paragraph kept stand, in order, in the reader paragraph that holds its number.
    for paragraph in kept:
        assert letters(paragraph.text) in letters(text.paragraph_for(paragraph.number).text)
    assert sum(len(letters(p.text)) for p in kept) == sum(
        len(letters(p.text)) for p in text.paragraphs
    )


def test_only_exact_repeats_are_dropped():
    source, text = load_source(), reader()
    by_number = {p.number: p.text for p in source.paragraphs}
    dropped = {n: p for p in text.paragraphs for n in p.repeats}
    assert sorted(dropped) == [120, 261, 262]
    for number, paragraph in dropped.items():
        original = next(n for n in paragraph.numbers if by_number[n] == by_number[number])
        assert original < number


def test_a_sentence_is_joined_to_where_it_goes_on():
    text = reader()
    joined = text.paragraph_for(9)
    assert joined is text.paragraph_for(8)
    assert "measures to be implemented for the core digital fields" in joined.text
    # The extraction put the end first: "various coun-" (26) goes on in "tries, ..." (25).
    assert text.paragraph_for(25).numbers == [26, 25]
    assert "policy trends of various countries, the support criteria" in text.paragraph_for(25).text
    # Before a capital the hyphen stays: "the Japan-" / "UK Comprehensive".
    assert "the Japan-UK Comprehensive Economic Partnership" in text.paragraph_for(75).text


def test_paragraphs_read_in_order_under_their_headings():
    text = reader()
    order = [p.number for p in text.paragraphs]
    # Data centres (43) belong under "A Core communication infrastructure" (29), before "B" (35).
    assert order.index(29) < order.index(43) < order.index(35)
    assert text.headings_above(text.paragraph_for(244))[-1] == "C Southeast Asian countries"
    assert text.paragraph_for(244).text.startswith("With Vietnam, the MIC signed")


@pytest.mark.parametrize(
    ("number", "kind", "level"),
    [
        (1, HEADING, 2),
        (11, HEADING, 3),
        (129, HEADING, 4),
        (29, HEADING, 5),
        (40, HEADING, 6),
        (189, HEADING, 4),
        (210, HEADING, 6),
        (18, FOOTNOTE, 0),
        (22, FIGURE, 0),
        (283, FIGURE, 0),
        (4, PARAGRAPH, 0),
        (133, PARAGRAPH, 0),
    ],
)
def test_headings_figures_and_footnotes_are_read_off_the_text(number, kind, level):
    paragraph = reader().paragraph_for(number)
    assert (paragraph.kind, paragraph.level) == (kind, level)


def test_footnotes_stand_apart_with_their_url():
    text = reader()
    footnote = text.paragraph_for(19)
    assert footnote.numbers == [18, 19]
    division = next(d for d in text.divisions if footnote in d.footnotes)
    assert footnote not in division.paragraphs
    assert footnote.text.endswith("<https://www.kantei.go.jp/jp/singi/keikyou/dai58/siryou6.pdf>")


def test_a_sentence_the_text_never_finishes_is_shown_as_breaking_off():
    text = reader()
    assert text.paragraph_for(5).breaks_off
    assert not text.paragraph_for(8).breaks_off
