"""The source text every record is transcribed from, and how quotes are found in it.

The paper breaks words at line ends with a hyphen ("imple-" / "mented"), and the
extraction often puts the two halves in paragraphs apart. A quote may be written
joined and readable ("implemented"); it is then found as two parts, one in each
paragraph, and every part keeps its paragraph.

Pure Python, so the fixture checker can use it without Django.
"""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SOURCE_PATH = Path(__file__).resolve().parent.parent / "fixtures" / "source.txt"

_WHITESPACE = re.compile(r"\s+")
# A paragraph that stops inside a word: "... to be imple-".
_BROKEN_WORD = re.compile(r"\w-$")


def normalize(text: str) -> str:
    """Fold every run of white space, line breaks included, into one space."""
    return _WHITESPACE.sub(" ", text).strip()


@dataclass(frozen=True)
class Paragraph:
    number: int  # 1-based, in the order the paragraphs stand in the file
    text: str  # normalised
    start: int  # offsets in the normalised full text
    end: int


@dataclass(frozen=True)
class Part:
    """The piece of a quote that stands in one paragraph, as printed there."""

    paragraph: int
    text: str  # normalised; ends with the line-break hyphen where the word goes on elsewhere

    @property
    def first_word(self) -> str:
        return self.text.split(" ")[0]

    @property
    def last_word(self) -> str:
        return self.text.split(" ")[-1]


class SourceText:
    def __init__(self, raw: str):
        self.raw = raw
        self.paragraphs = []
        pieces = []
        offset = 0
        for block in re.split(r"\n\s*\n", raw):
            text = normalize(block)
            if not text:
                continue
            if pieces:
                offset += 1  # the space that joins two paragraphs
            self.paragraphs.append(
                Paragraph(len(self.paragraphs) + 1, text, offset, offset + len(text))
            )
            pieces.append(text)
            offset += len(text)
        self.text = " ".join(pieces)
        self.broken = [p for p in self.paragraphs if _BROKEN_WORD.search(p.text)]
        self.broken_numbers = {p.number for p in self.broken}

    def contains(self, quote: str) -> bool:
        return bool(self.occurrences(quote))

    def paragraphs_for(self, quote: str) -> list[int]:
        """Numbers of the paragraphs a quote stands in (every occurrence)."""
        return sorted({part.paragraph for parts in self.occurrences(quote) for part in parts})

    def parts_for(self, quote: str) -> list[Part]:
        """The parts of the quote's first occurrence: one, or two where it is joined across a
        line-break hyphen."""
        occurrences = self.occurrences(quote)
        return occurrences[0] if occurrences else []

    def occurrences(self, quote: str) -> list[list[Part]]:
        """Every place the quote stands, each as its parts, in the order of the text. A quote
        found as it is printed is not looked for across line breaks."""
        needle = normalize(quote)
        if not needle:
            return []
        found = []
        position = self.text.find(needle)
        while position != -1:
            end = position + len(needle)
            found.append(
                [
                    Part(p.number, self.text[max(position, p.start) : min(end, p.end)])
                    for p in self.paragraphs
                    if p.start < end and position < p.end
                ]
            )
            position = self.text.find(needle, position + 1)
        return found or self._joined_occurrences(needle)

    def _joined_occurrences(self, needle: str) -> list[list[Part]]:
        """Where the quote runs from a paragraph that ends in a broken word ("imple-") into
        the one that goes on with it ("mented ..."), which the extraction may have put before
        or after it; and so on, where that one breaks a word at its end too. The joined word
        drops the hyphen when the next part starts in lower case ("implemented") and keeps it
        when it starts in upper case ("Japan-" / "UK" is "Japan-UK")."""
        found = []
        for head in self.broken:
            for body in (head.text[:-1], head.text):
                # The quote's first part ends where the body does, on the body's last character.
                position = needle.find(body[-1])
                while position != -1:
                    taken = position + 1
                    if body.endswith(needle[:taken]) and self._goes_on(body, needle[taken:]):
                        part = Part(head.number, head.text[len(body) - taken :])
                        found += [[part, *rest] for rest in self._continued(needle[taken:], head)]
                    position = needle.find(body[-1], taken)
        return found

    def _continued(self, needle: str, previous: Paragraph) -> list[list[Part]]:
        """The parts of a quote's remainder that starts a paragraph other than ``previous``."""
        found = []
        for paragraph in self.paragraphs:
            if paragraph is previous:
                continue
            if paragraph.text.startswith(needle):
                found.append([Part(paragraph.number, needle)])
            elif paragraph.number in self.broken_numbers:
                for body in (paragraph.text[:-1], paragraph.text):
                    rest = needle[len(body) :]
                    if needle.startswith(body) and self._goes_on(body, rest):
                        part = Part(paragraph.number, paragraph.text)
                        found += [[part, *more] for more in self._continued(rest, paragraph)]
        return found

    @staticmethod
    def _goes_on(body: str, rest: str) -> bool:
        """Whether ``rest`` may follow a broken word joined as ``body`` (the hyphen dropped
        before lower case, kept before upper case)."""
        if body.endswith("-"):
            return rest[:1].isupper()
        return rest[:1].islower()


@cache
def load_source(path: Path = SOURCE_PATH) -> SourceText:
    return SourceText(Path(path).read_text(encoding="utf-8"))
