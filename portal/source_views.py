"""The source reader: the white paper's text in reading order, each paragraph with the
records that cite it, and a citation's quote marked where it stands."""

import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import CharField, IntegerField, Value
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.generic import TemplateView

from portal.models import Citation, Source
from portal.record_kinds import RECORD_KINDS
from portal.source_reader import FOOTNOTE, HEADING, SUPERSCRIPT_DIGITS, load_reader
from portal.source_text import load_source


@dataclass(frozen=True)
class CitingRecord:
    kind: str
    name: str
    url: str


def _citing_rows(model, index):
    """The published records of one kind with the paragraphs of each citation they rest on,
    as rows of one UNION: (kind index, name, id, parent id, paragraphs)."""
    through = model.citations.through
    owner = next(f.name for f in through._meta.fields if f.related_model is model)
    id_field = "code" if any(f.name == "code" for f in model._meta.fields) else "slug"
    parent = f"{owner}__{model.link_related[0]}__slug" if model.link_related else None
    return through.objects.filter(model.objects.published_condition(f"{owner}__")).values_list(
        Value(index, output_field=IntegerField()),
        f"{owner}__name",
        f"{owner}__{id_field}",
        parent or Value("", output_field=CharField()),
        "citation__paragraphs",
        "citation__quote",
        "citation__section",
    )


def records_by_paragraph(reader) -> dict[int, list[CitingRecord]]:
    """Every published record that cites the text, under the reader paragraph each of its
    citations points to (Citation.reader_place), by that paragraph's first number: one
    query for every kind together."""
    rows = [_citing_rows(model, index) for index, model in enumerate(RECORD_KINDS)]
    found: dict[int, dict[str, CitingRecord]] = {}
    places = {}
    for index, name, key, parent, paragraphs, quote, section in rows[0].union(*rows[1:], all=True):
        if (quote, section) not in places:
            places[quote, section] = reader.place(paragraphs or [], quote, section)
        place = places[quote, section]
        if place is None:
            continue
        model = RECORD_KINDS[index]
        meta = model._meta
        args = [parent, key] if parent else [key]
        record = CitingRecord(
            meta.verbose_name,
            name,
            reverse(f"{meta.app_label}:{meta.model_name}-detail", args=args),
        )
        found.setdefault(place.paragraph.number, {})[record.url] = record
    return {
        number: sorted(records.values(), key=lambda r: (r.kind, r.name.casefold()))
        for number, records in found.items()
    }


FOOTNOTE_MARK = re.compile(f"[{SUPERSCRIPT_DIGITS}]+")


def footnote_number(mark: str) -> int:
    return int(mark.translate(str.maketrans(SUPERSCRIPT_DIGITS, "1234567890")))


@dataclass
class Footnotes:
    """The source's footnotes: where each one's text is (by its number: "²" -> 2), which
    are cited in the running text, and which citing marks already carry an anchor."""

    paragraph_of: dict[int, int]
    cited_in_text: set[int]
    anchored: set[int]

    @classmethod
    def of(cls, reader):
        paragraph_of, cited_in_text = {}, set()
        for division in reader.divisions:
            for footnote in division.footnotes:
                mark = FOOTNOTE_MARK.match(footnote.text)
                if mark:
                    paragraph_of.setdefault(footnote_number(mark.group()), footnote.number)
            for paragraph in division.paragraphs:
                cited_in_text.update(
                    footnote_number(mark.group()) for mark in FOOTNOTE_MARK.finditer(paragraph.text)
                )
        return cls(paragraph_of, cited_in_text & set(paragraph_of), set())

    def links(self, paragraph):
        """Where the paragraph's footnote marks go: a mark in the running text links down
        to its footnote; the mark a footnote opens with links back up to where the text
        first cites it."""
        events = []
        for mark in FOOTNOTE_MARK.finditer(paragraph.text):
            number = footnote_number(mark.group())
            if number not in self.cited_in_text:
                continue
            if paragraph.kind == FOOTNOTE:
                if mark.start() != 0:
                    continue
                tag = (
                    f'<a href="#fnref-{number}" '
                    f'aria-label="Back to where footnote {number} is cited">'
                )
            else:
                anchor = "" if number in self.anchored else f' id="fnref-{number}"'
                self.anchored.add(number)
                tag = (
                    f'<a href="#p{self.paragraph_of[number]}"{anchor} class="footnote-ref" '
                    f'aria-label="Footnote {number}">'
                )
            events += [(mark.start(), 3, tag), (mark.end(), -1, "</a>")]
        return events


def render_paragraph(paragraph, marked=None, footnotes: Footnotes | None = None) -> str:
    """The paragraph's text, escaped, with an anchor where each source paragraph joined in
    it begins (so "paragraph 9" opens where it starts), its footnote marks linked and the
    quote in <mark>."""
    events = [
        (start, 1, f'<span id="p{n}"></span>')
        for n, start in zip(paragraph.numbers[1:], paragraph.starts[1:], strict=True)
    ]
    if footnotes:
        events += footnotes.links(paragraph)
    if marked:
        events += [(marked[0], 2, '<mark id="quote">'), (marked[1], 0, "</mark>")]
    html, position = [], 0
    for offset, _, tag in sorted(events):
        html += [escape(paragraph.text[position:offset]), tag]
        position = offset
    html.append(escape(paragraph.text[position:]))
    return mark_safe("".join(html))


class SourceTextView(TemplateView):
    """The source's text, readable: /sources/<slug>/text/, ?highlight=<citation key>."""

    template_name = "portal/source_text.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        source = get_object_or_404(Source.objects.published(), slug=kwargs["slug"])
        if not source.has_text:
            raise Http404("The portal holds no text of this source.")
        reader = load_reader(load_source(settings.SOURCE_TEXT_PATH))
        highlight = self.highlight(source, reader)
        citing = records_by_paragraph(reader)
        footnotes = Footnotes.of(reader)
        divisions = []
        for division in reader.divisions:
            items = []
            for paragraph in [*division.paragraphs, *division.footnotes]:
                marked = highlight[1] if highlight and highlight[0] is paragraph else None
                items.append(
                    {
                        "paragraph": paragraph,
                        "html": render_paragraph(paragraph, marked, footnotes),
                        "records": citing.get(paragraph.number, []),
                        "marked": marked is not None,
                    }
                )
            first = division.paragraphs[0] if division.paragraphs else None
            divisions.append(
                {
                    "heading": first.text if first and first.kind == HEADING else "",
                    "paragraphs": [i for i in items if i["paragraph"].kind != FOOTNOTE],
                    "footnotes": [i for i in items if i["paragraph"].kind == FOOTNOTE],
                }
            )
        context.update(
            source=source,
            divisions=divisions,
            highlighted=highlight[2] if highlight else None,
            paragraph_count=len(reader.by_anchor),
        )
        return context

    def highlight(self, source, reader):
        """The citation named by ?highlight=, its reader paragraph and the quote's place
        in it; None when there is none (an unknown key is not an error: the text shows)."""
        key = self.request.GET.get("highlight", "")
        if not key or len(key) > 40:
            return None
        citation = Citation.objects.filter(key=key, document=source).first()
        if citation is not None:
            citation.document = source
        place = citation.reader_place if citation else None
        return (place.paragraph, place.span, citation) if place else None
