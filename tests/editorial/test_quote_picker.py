"""The quote picker: search the source text, and a new citation comes filled with the
sentence, its section and the paper; plain links and forms, no script."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from portal.models import Citation
from portal.quote_picker import find_passages
from tests.editorial.test_versions import role_client
from tests.factories import CitationFactory, SourceFactory

pytestmark = pytest.mark.django_db

SYMPOSIUM = (
    "In December 2024, Brazil and the U.S. jointly held an Open RAN symposium, in which the "
    "MIC participated to brief on Japan's measures to foster Open RAN."
)
EARLIER = (
    "Based on the memoranda of cooperation concluded with each of the countries, the MIC has "
    "been pushing ahead with measures to help these countries solve their social issues by "
    "utilizing Japan's advanced ICT."
)
FIND_URL = reverse("admin:portal_citation_find_quote")


def test_words_find_the_sentence_that_holds_them_case_and_spacing_aside():
    [passage] = find_passages("jointly held an open  ran SYMPOSIUM")
    assert passage.quote == SYMPOSIUM
    assert passage.found == "jointly held an Open RAN symposium"
    assert passage.before + passage.found + passage.after == passage.quote
    assert find_passages("ra") == []  # too short to mean anything
    assert find_passages("words the paper never prints") == []


def test_the_section_comes_from_the_citations_around_the_passage():
    assert find_passages("held an Open RAN symposium")[0].section == ""  # nothing cited before it
    CitationFactory(
        section="6. (4) Cooperation with countries in Central and South America", quote=EARLIER
    )
    [passage] = find_passages("held an Open RAN symposium")
    assert passage.section == "6. (4) Cooperation with countries in Central and South America"


def test_an_editor_finds_a_quote_and_saves_it_as_a_citation(editor):
    paper = SourceFactory()
    CitationFactory(
        section="6. (4) Cooperation with countries in Central and South America", quote=EARLIER
    )
    add_page = editor.get(reverse("admin:portal_citation_add")).content.decode()
    assert f'href="{FIND_URL}"' in add_page  # the way in, from the add form

    found = editor.get(FIND_URL, {"q": "held an Open RAN symposium"})
    assert found.status_code == 200
    assert "<mark>held an Open RAN symposium</mark>" in found.content.decode()
    [passage] = found.context["passages"]
    fill = parse_qs(urlparse(passage.use_url).query)
    assert fill["quote"] == [SYMPOSIUM] and fill["document"] == [str(paper.pk)]

    form = editor.get(passage.use_url).context["adminform"].form
    assert form["quote"].value() == SYMPOSIUM
    assert form["section"].value().startswith("6. (4)")
    response = editor.post(
        reverse("admin:portal_citation_add"),
        {"document": paper.pk, "section": form["section"].value(), "quote": SYMPOSIUM},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    citation = Citation.objects.get(quote=SYMPOSIUM)
    assert citation.paragraphs == passage_paragraphs(SYMPOSIUM)


def passage_paragraphs(quote):
    from portal.source_text import load_source

    return load_source().paragraphs_for(quote)


def test_the_picker_keeps_the_popup_of_an_inlines_plus(editor):
    SourceFactory()
    page = editor.get(
        FIND_URL, {"q": "held an Open RAN symposium", "_popup": "1", "_to_field": "id"}
    )
    [passage] = page.context["passages"]
    fill = parse_qs(urlparse(passage.use_url).query)
    assert fill["_popup"] == ["1"] and fill["_to_field"] == ["id"]


def test_words_not_in_the_source_say_so_and_viewers_may_not_pick(editor):
    page = editor.get(FIND_URL, {"q": "never printed in the paper"}).content.decode()
    assert "is not in the source text" in page
    assert role_client("Viewer").get(FIND_URL, {"q": "Open RAN"}).status_code == 403
