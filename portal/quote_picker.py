"""The quote picker: find words in the source text and offer the sentence that holds them
as a citation's quote, with the paragraph it stands in and a section for it.

The quote is cut from the source as it stands (so it is found again when saved), and the
paragraphs are what Citation.save() reads from it. The section is only a suggestion, for
the editor to check: the section citations in the same paragraph already give, or else
those of the nearest cited paragraph before it (the headings above a quote are what the
earlier citations of that stretch say they are).
"""

import re
from collections import Counter
from dataclasses import dataclass

from portal.models import Citation, Source, SourceKind
from portal.source_text import load_source, normalize

MIN_CHARS = 3
LIMIT = 20


@dataclass
class Passage:
    paragraph: int
    quote: str  # the sentence holding the words, exactly as the source has it
    before: str  # the quote split around the words found, for showing them marked
    found: str
    after: str
    section: str  # suggested; "" when no citation comes before it
    use_url: str = ""  # the add form, filled with this passage


# A sentence ends at ".", "!" or "?" before a space and a capital, a digit or an opening
# quote; not after an abbreviation of capitals ("the U.S. and Japan", "U.K. In 2024").
_SENTENCE_END = re.compile(r"(?<![A-Z]\.[A-Z]\.)(?<=[.!?])\s+(?=[A-Z0-9“\"(])")


def sentence_around(text, start, end):
    """The sentence of `text` that holds text[start:end] (several if the words cross one)."""
    head, tail = 0, len(text)
    for boundary in _SENTENCE_END.finditer(text):
        if boundary.end() <= start:
            head = boundary.end()
        elif boundary.start() >= end:
            tail = boundary.start()
            break
    return head, tail


def cited_sections():
    """{paragraph number: the sections its citations give, counted}."""
    sections = {}
    for section, paragraphs in Citation.objects.values_list("section", "paragraphs"):
        for number in paragraphs or []:
            sections.setdefault(number, Counter())[section] += 1
    return sections


def suggested_section(number, sections):
    for candidate in range(number, 0, -1):
        if candidate in sections:
            return sections[candidate].most_common(1)[0][0]
    return ""


def find_passages(words, limit=LIMIT):
    """Where the words stand in the source (case and spacing aside), first to last."""
    needle = normalize(words).casefold()
    if len(needle) < MIN_CHARS:
        return []
    sections = cited_sections()
    passages = []
    for paragraph in load_source().paragraphs:
        text = paragraph.text
        position = text.casefold().find(needle)
        while position != -1 and len(passages) < limit:
            end = position + len(needle)
            head, tail = sentence_around(text, position, end)
            passages.append(
                Passage(
                    paragraph=paragraph.number,
                    quote=text[head:tail],
                    before=text[head:position],
                    found=text[position:end],
                    after=text[end:tail],
                    section=suggested_section(paragraph.number, sections),
                )
            )
            position = text.casefold().find(needle, tail)
    return passages


def the_paper():
    """The white paper, when there is exactly one document to cite."""
    documents = list(Source.objects.filter(kind=SourceKind.DOCUMENT)[:2])
    return documents[0] if len(documents) == 1 else None
