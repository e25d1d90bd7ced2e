"""Which paragraphs of the source the records cite, and why the others need no citation."""

import re
from collections import Counter
from dataclasses import dataclass

from portal.models import Citation
from portal.source_text import SourceText

CITED = "cited"
HEADING = "heading"
CAPTION = "figure caption"
DUPLICATE = "duplicate"
UNCITED = "UNCITED"
STATUSES = [CITED, HEADING, CAPTION, DUPLICATE, UNCITED]

HEADING_PATTERNS = [
    r"Section \d+ .{0,80}",  # Section 8 Promotion of ...
    r"\d+\. [A-Z][^.]{0,90}",  # 3. Contribution to formulation ...
    r"\(\d+\) [A-Z0-9][^.]{0,90}",  # (6) International Telecommunication Union (ITU)
    r"[A-E] [A-Z][^.]{0,90}",  # B Initiatives in ITU-T
    r"\([A-C]\) [A-Z][^.]{0,40}",  # (A) Fire prevention
    r"- \(\d\) [A-Z][^.]{0,60}",  # - (1) Radiocommunication Sector (ITU-R)
    # Two headings the extraction ran together: "(2) Response ...**A Formulation ...**"
    r"\(\d+\) [A-Z][^.]{0,90}\*\*[A-E] [A-Z][^.]{0,90}\*\*",
]
CAPTION_PATTERNS = [r"Figure [\w-]+:? .{0,160}", r"\(Source\) .{0,200}"]


@dataclass
class ParagraphStatus:
    number: int
    text: str
    status: str


def _matches(patterns, text):
    return any(re.fullmatch(pattern, text) for pattern in patterns)


def paragraph_statuses(source: SourceText) -> list[ParagraphStatus]:
    cited = set()
    for paragraphs in Citation.objects.values_list("paragraphs", flat=True):
        cited.update(paragraphs or [])
    seen = Counter()
    statuses = []
    for paragraph in source.paragraphs:
        text = paragraph.text
        seen[text] += 1
        if paragraph.number in cited:
            status = CITED
        elif seen[text] > 1:
            status = DUPLICATE
        elif _matches(CAPTION_PATTERNS, text):
            status = CAPTION
        elif _matches(HEADING_PATTERNS, text) and not text.endswith("."):
            status = HEADING
        else:
            status = UNCITED
        statuses.append(ParagraphStatus(paragraph.number, text, status))
    return statuses
