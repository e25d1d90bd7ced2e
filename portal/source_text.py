"""The source text every record is transcribed from, and how quotes are found in it.

Pure Python, so the fixture checker can use it without Django.
"""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SOURCE_PATH = Path(__file__).resolve().parent.parent / "fixtures" / "source.txt"

_WHITESPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Fold every run of white space, line breaks included, into one space."""
    return _WHITESPACE.sub(" ", text).strip()


@dataclass(frozen=True)
class Paragraph:
    number: int  # 1-based, in the order the paragraphs stand in the file
    text: str  # normalised
    start: int  # offsets in the normalised full text
    end: int


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

    def contains(self, quote: str) -> bool:
        return normalize(quote) in self.text

    def paragraphs_for(self, quote: str) -> list[int]:
        """Numbers of the paragraphs a quote stands in (every occurrence)."""
        needle = normalize(quote)
        if not needle:
            return []
        found = set()
        position = self.text.find(needle)
        while position != -1:
            end = position + len(needle)
            for paragraph in self.paragraphs:
                if paragraph.start < end and position < paragraph.end:
                    found.add(paragraph.number)
            position = self.text.find(needle, position + 1)
        return sorted(found)


@cache
def load_source(path: Path = SOURCE_PATH) -> SourceText:
    return SourceText(Path(path).read_text(encoding="utf-8"))
