"""The source text put back in reading order, for the source reader page.

The text is a two-column PDF extraction: a sentence that runs from the foot of one column
to the head of the next stops in one paragraph and goes on some paragraphs later, some
paragraphs stand in the other column's place, a few are printed twice, and footnotes sit
among the paragraphs. The reader keeps every paragraph's number (the one citations use,
portal.source_text) and only joins, orders and drops exact repeats: it never changes a
word. Where a paragraph goes on is an editor's reading of the text, declared once below;
everything else (headings, footnotes, figure titles, repeats) is read off the text.

Pure Python, like portal.source_text, so it can be checked without Django.
"""

import re
from dataclasses import dataclass, field
from functools import cache

from portal.source_text import SourceText, normalize

# Paragraph n stops mid-sentence and paragraph CONTINUES[n] goes on with it. Read off the
# sense of the text: "... to be imple-" (8) is followed by "mented for the core ..." (9).
CONTINUES = {
    8: 9,
    12: 13,
    16: 17,
    18: 19,  # footnote 1 and its URL
    20: 21,  # footnote 2 and its URL
    26: 25,
    30: 31,
    32: 33,
    34: 42,
    36: 45,
    38: 47,
    41: 48,
    51: 52,
    54: 55,
    58: 59,
    61: 62,
    66: 65,
    69: 75,
    75: 80,
    79: 81,
    83: 84,
    87: 88,
    96: 97,
    100: 101,
    101: 104,
    108: 121,
    113: 119,
    115: 124,
    117: 118,
    118: 127,
    128: 131,
    130: 132,
    139: 142,
    141: 145,
    146: 147,
    149: 158,
    152: 160,
    156: 162,
    164: 166,
    166: 176,
    168: 177,
    171: 178,
    175: 180,
    186: 187,
    192: 193,
    199: 200,
    200: 207,
    208: 217,
    212: 219,
    214: 221,
    216: 223,
    228: 239,
    230: 240,
    232: 241,
    236: 242,
    248: 256,
    251: 259,
    253: 254,
    265: 266,
    275: 276,
    279: 280,
    284: 285,
    287: 288,
    290: 291,
    296: 297,
}

# Whole paragraphs the extraction put in the other column's place: paragraph n is read
# right after the (joined) paragraph holding MOVED_AFTER[n], under the heading it belongs to.
MOVED_AFTER = {
    43: 34,  # data centres: core communication infrastructure, after 5G
    44: 43,
    46: 36,  # traffic infrastructure: utilization models, after the medical field
    122: 108,  # TEL's operations: APEC
    123: 111,  # the APT ministerial meeting: APT
    143: 139,  # WRC-23: ITU-R
    144: 143,
    157: 146,  # TSAG: ITU-T
    159: 149,  # projects with the ITU: ITU-D
    161: 152,  # the GDC's objectives: GDC
    163: 156,  # the IGF Village: IGF
    179: 171,  # the OECD MCM of May 2024: OECD
    218: 208,  # the Japan-EU Digital Partnership Council: EU
    220: 212,  # the Japan-UK Digital Council: U.K.
    222: 214,  # Beyond 5G/6G with Germany: Germany
    243: 236,  # Malaysia and Vietnam: Southeast Asian countries
    244: 243,
    257: 248,  # memoranda with Central and South America
    258: 257,
    260: 251,  # demonstration projects: Africa
}

HEADING = "heading"
PARAGRAPH = "paragraph"
FOOTNOTE = "footnote"
FIGURE = "figure"

SUPERSCRIPT_DIGITS = "¹²³⁴⁵⁶⁷⁸⁹⁰"
_HEADINGS = [
    (2, re.compile(r"^Section \d+ ")),
    (3, re.compile(r"^\d+\. \S")),
    (4, re.compile(r"^\(\d+\) \S")),
    (5, re.compile(r"^[A-Z] [A-Z“]")),
    (6, re.compile(r"^\([A-Z]\) \S")),
]
_FIGURE = re.compile(r"^(Figure [\w-]+[: ]|\(Source\) )")
# A sentence, a heading or a footnote ends on one of these (a footnote mark may follow).
_ENDS = re.compile(r"[.:)”\"]\**[" + SUPERSCRIPT_DIGITS + r"]*$")


@dataclass
class ReaderParagraph:
    """One paragraph of the reader: one or more source paragraphs joined, in order."""

    kind: str
    numbers: list[int]  # the source paragraphs joined here, in reading order
    text: str = ""
    starts: list[int] = field(default_factory=list)  # where each one begins in `text`
    repeats: list[int] = field(default_factory=list)  # exact repeats dropped in its favour
    level: int = 0  # of a heading

    @property
    def number(self) -> int:
        return self.numbers[0]

    @property
    def anchors(self) -> list[int]:
        return [*self.numbers, *self.repeats]

    @property
    def breaks_off(self) -> bool:
        """The sentence stops here and the text never goes on with it."""
        return self.kind == PARAGRAPH and not _ENDS.search(self.text)


@dataclass(frozen=True)
class Place:
    """Where a quote stands in the reader: its paragraph and its offsets in the text."""

    paragraph: ReaderParagraph
    span: tuple[int, int]

    @property
    def anchor(self) -> int:
        """The number of the source paragraph the quote starts in."""
        starts = zip(self.paragraph.numbers, self.paragraph.starts, strict=True)
        return [number for number, start in starts if start <= self.span[0]][-1]


@dataclass
class Division:
    """What stands under one numbered heading ("2. ..."), with the footnotes printed there."""

    paragraphs: list[ReaderParagraph] = field(default_factory=list)
    footnotes: list[ReaderParagraph] = field(default_factory=list)


def join(head: str, rest: str) -> str:
    """Join two pieces of one sentence. A word the paper broke at a line end ("imple-" /
    "mented") is joined as portal.source_text reads it: the hyphen goes before lower case,
    stays before upper case ("Japan-" / "UK")."""
    if re.search(r"\w-$", head):
        return (head[:-1] if rest[:1].islower() else head) + rest
    return f"{head} {rest}"


def kind_of(text: str) -> tuple[str, int]:
    if text[:1] in SUPERSCRIPT_DIGITS:
        return FOOTNOTE, 0
    if _FIGURE.match(text):
        return FIGURE, 0
    # A heading is short and is no sentence; it may end in an abbreviation ("the U.S.").
    sentence = text.endswith(".") and "." not in text.split()[-1][:-1]
    if len(text) < 130 and not sentence:
        for level, pattern in _HEADINGS:
            if pattern.match(text):
                return HEADING, level
    return PARAGRAPH, 0


class Reader:
    """The source's paragraphs as a reader reads them."""

    def __init__(self, source: SourceText):
        by_number = {p.number: p for p in source.paragraphs}
        continued = set(CONTINUES.values())
        first_seen = {}
        repeats = {}
        for p in source.paragraphs:
            if p.text in first_seen and p.number not in CONTINUES and p.number not in continued:
                repeats[p.number] = first_seen[p.text]
            else:
                first_seen.setdefault(p.text, p.number)
        self._check(by_number, continued, repeats)

        heads = {}
        for p in source.paragraphs:
            if p.number in continued or p.number in repeats:
                continue
            kind, level = kind_of(p.text)
            paragraph = ReaderParagraph(kind, [], level=level)
            number = p.number
            while number is not None:
                piece = by_number[number].text
                paragraph.text = join(paragraph.text, piece) if paragraph.numbers else piece
                paragraph.starts.append(len(paragraph.text) - len(piece))
                paragraph.numbers.append(number)
                number = CONTINUES.get(number)
            heads[p.number] = paragraph

        self.by_anchor = {}
        for paragraph in heads.values():
            for number in paragraph.numbers:
                self.by_anchor[number] = paragraph
        for repeat, original in repeats.items():
            self.by_anchor[original].repeats.append(repeat)
            self.by_anchor[repeat] = self.by_anchor[original]

        order = [heads[n] for n in sorted(heads) if n not in MOVED_AFTER]
        for moved in sorted(MOVED_AFTER, key=self._depth):
            after = self.by_anchor[MOVED_AFTER[moved]]
            order.insert(order.index(after) + 1, heads[moved])
        self.paragraphs = order
        self._headings, stack = {}, []
        for paragraph in order:
            if paragraph.kind == HEADING:
                stack = [(level, text) for level, text in stack if level < paragraph.level]
                stack.append((paragraph.level, paragraph.text))
            self._headings[id(paragraph)] = [text for _, text in stack]

        self.divisions = [Division()]
        for paragraph in order:
            if paragraph.kind == HEADING and paragraph.level <= 3 and self.divisions[-1].paragraphs:
                self.divisions.append(Division())
            division = self.divisions[-1]
            (division.footnotes if paragraph.kind == FOOTNOTE else division.paragraphs).append(
                paragraph
            )

    @staticmethod
    def _depth(number: int) -> int:
        """Moves that follow another move are placed after it."""
        depth = 0
        while number in MOVED_AFTER:
            number, depth = MOVED_AFTER[number], depth + 1
        return depth

    @staticmethod
    def _check(by_number, continued, repeats):
        """The declared reading order must fit the text: a sentence goes on only from a
        paragraph that stops mid-sentence, each paragraph goes on in at most one place and
        each is placed once."""
        for head, rest in CONTINUES.items():
            if head not in by_number or rest not in by_number:
                raise ValueError(f"Paragraph {head} or {rest} is not in the text.")
            url = by_number[rest].text.startswith(("http", "<http"))
            if _ENDS.search(by_number[head].text) and not url:
                raise ValueError(f"Paragraph {head} ends a sentence; nothing goes on from it.")
        if len(continued) != len(CONTINUES):
            raise ValueError("A paragraph is declared to go on from two others.")
        for moved, after in MOVED_AFTER.items():
            if moved in continued or moved in repeats or after not in by_number:
                raise ValueError(f"Paragraph {moved} cannot be moved after {after}.")

    def paragraph_for(self, number: int) -> ReaderParagraph | None:
        return self.by_anchor.get(number)

    def find(self, paragraph: ReaderParagraph, quote: str) -> tuple[int, int] | None:
        """Where a citation's quote stands in a reader paragraph, as offsets in its text."""
        needle = normalize(quote)
        position = paragraph.text.find(needle) if needle else -1
        return None if position == -1 else (position, position + len(needle))

    def place(self, numbers: list[int], quote: str, section: str = "") -> Place | None:
        """Where a citation points in the reader: of the paragraphs its quote stands in
        (``numbers``, as the citation keeps them), the one under the headings its section
        names, where the quote stands as whole words; the first where neither tells them
        apart ("ing." stands in seven paragraphs, two under "B Internet Governance Forum
        (IGF)", as a word in one)."""
        best, best_score = None, (-1, False)
        for number in numbers:
            paragraph = self.by_anchor.get(number)
            span = self.find(paragraph, quote) if paragraph else None
            if span is None:
                continue
            headings = sum(1 for heading in self.headings_above(paragraph) if heading in section)
            # A quote is words, or a piece as printed: "ing." is the piece that ends
            # "meet-" / "ing.", not the end of "footing.".
            text, (start, end) = paragraph.text, span
            whole = start in paragraph.starts or (
                not (start and text[start - 1].isalnum()) and not text[end : end + 1].isalnum()
            )
            score = (headings, whole)
            if score > best_score:
                best, best_score = Place(paragraph, span), score
        return best

    def headings_above(self, paragraph: ReaderParagraph) -> list[str]:
        """The texts of the headings a paragraph stands under, outermost first."""
        return self._headings[id(paragraph)]


@cache
def load_reader(source: SourceText) -> Reader:
    return Reader(source)
