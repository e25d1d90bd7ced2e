"""The source reader page, the links to it from every citation, and the source's
bibliographic data."""

import re

import pytest
from django.urls import reverse

from portal.models import Status
from tests.factories import (
    CitationFactory,
    DialogueFactory,
    EventFactory,
    FrameworkFactory,
    MeetingFactory,
    SourceFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

VIETNAM = "With Vietnam, the MIC signed a memorandum of cooperation"
IGF_PIECE = "ing."
IGF_SECTION = "5. (7) United Nations > B Internet Governance Forum (IGF)"
TEXT_URL = "/sources/white-paper/text/"


def test_a_citation_links_to_its_paragraph_in_the_reader_with_the_quote_marked(client):
    citation = CitationFactory(quote=VIETNAM, section="6. (3) > C Southeast Asian countries")
    framework = FrameworkFactory(slug="vietnam-moc", name="Vietnam MoC", citations=[citation])
    page = client.get(framework.get_absolute_url()).content.decode()
    link = f"{TEXT_URL}?highlight={citation.key}#p244"
    assert f'href="{link}"' in page
    assert citation.paragraphs == [244]

    reader = client.get(link.split("#")[0])
    assert reader.status_code == 200
    html = reader.content.decode()
    marked = re.search(r'<div class="[^"]*source-marked[^"]*" id="p(\d+)">(.*?)</div>', html, re.S)
    assert marked.group(1) == "244"
    assert f'<mark id="quote">{VIETNAM}</mark>' in marked.group(2)
    assert html.count("<mark") == 1
    # From the paragraph, back to the record that cites it.
    assert f'<a href="{framework.get_absolute_url()}">Vietnam MoC</a>' in marked.group(2)


def test_a_piece_printed_in_many_places_links_to_the_one_under_its_section(client):
    citation = CitationFactory(quote=IGF_PIECE, section=IGF_SECTION)
    EventFactory(slug="igf-19", name="19th IGF", citations=[citation])
    assert 176 in citation.paragraphs and len(citation.paragraphs) > 2
    assert citation.reader_url == f"{TEXT_URL}?highlight={citation.key}#p176"
    html = client.get(citation.reader_url.split("#")[0]).content.decode()
    # 164, 166 and 176 read as one paragraph; the anchor of 176 stands where it begins.
    assert '<span id="p176"></span><mark id="quote">ing.</mark></p>' in html


def test_every_paragraph_number_has_an_anchor_and_headings_are_headings(client):
    SourceFactory()
    html = client.get(TEXT_URL).content.decode()
    ids = {int(n) for n in re.findall(r'id="p(\d+)"', html)}
    assert ids == set(range(1, 299))
    assert '<h4 id="p129">(6) International Telecommunication Union (ITU)</h4>' in html
    assert 'class="source-footnotes"' in html


def test_footnote_marks_link_to_their_footnote_and_back(client):
    SourceFactory()
    html = client.get(TEXT_URL).content.decode()
    # "... Digital Overseas Promotion 2030²." links down to footnote 2 (paragraph 20).
    assert (
        'Promotion 2030<a href="#p20" id="fnref-2" class="footnote-ref" '
        'aria-label="Footnote 2">²</a>' in html
    )
    assert (
        '<li id="p20"><a href="#fnref-2" aria-label="Back to where footnote 2 is cited">²</a>'
        in html
    )
    ids = re.findall(r'id="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    cited = set(re.findall(r'id="fnref-(\d+)"', html))
    assert len(cited) == 27  # every footnote of the text is cited in it
    for number in cited:
        target = re.search(rf'<a href="#p(\d+)" id="fnref-{number}"', html).group(1)
        assert f'id="p{target}"' in html
    for target in re.findall(r'href="#fnref-(\d+)"', html):
        assert target in cited


def test_the_reader_lists_only_published_records_in_a_fixed_number_of_queries(
    client, django_assert_num_queries
):
    citation = CitationFactory(quote=VIETNAM, section="C Southeast Asian countries")
    FrameworkFactory(slug="public", name="Public forum", citations=[citation])
    FrameworkFactory(slug="draft", name="Draft forum", status=Status.DRAFT, citations=[citation])
    dialogue = DialogueFactory(slug="hidden", name="Hidden dialogue", status=Status.DRAFT)
    MeetingFactory(
        dialogue=dialogue, slug="1st", name="Meeting of a draft dialogue", citations=[citation]
    )
    TopicFactory(slug="t", name="A topic", citations=[citation])
    client.get(TEXT_URL)
    with django_assert_num_queries(2):  # the source, then every citing record in one UNION
        html = client.get(TEXT_URL).content.decode()
    assert "Public forum" in html and "A topic" in html
    assert "Draft forum" not in html and "Meeting of a draft dialogue" not in html
    for slug in range(5):
        FrameworkFactory(slug=f"more-{slug}", name=f"More {slug}", citations=[citation])
    with django_assert_num_queries(2):
        client.get(TEXT_URL)
    with django_assert_num_queries(3):  # and the citation to highlight
        client.get(f"{TEXT_URL}?highlight={citation.key}")


@pytest.mark.parametrize("highlight", ["unknown", "x" * 200, ""])
def test_an_unknown_highlight_shows_the_text_unmarked(client, highlight):
    SourceFactory()
    response = client.get(TEXT_URL, {"highlight": highlight})
    assert response.status_code == 200
    assert b"<mark" not in response.content


def test_only_a_published_document_the_portal_holds_has_a_text_page(client):
    SourceFactory(slug="footnote-1", name="Footnote 1", kind="footnote")
    SourceFactory(slug="other-paper", name="Another paper", kind="document")
    SourceFactory(slug="white-paper", status=Status.DRAFT)
    for slug in ["footnote-1", "other-paper", "white-paper", "nothing"]:
        assert client.get(reverse("portal:source-text", args=[slug])).status_code == 404


def test_the_document_page_shows_its_bibliographic_data_as_entered_by_staff(client):
    source = SourceFactory(
        title="White Paper 2025",
        publisher="Ministry of Internal Affairs and Communications",
        year=2025,
    )
    html = client.get(source.get_absolute_url()).content.decode()
    assert "<cite>White Paper 2025</cite>" in html
    assert "Ministry of Internal Affairs and Communications" in html
    assert html.count("(entered by staff, not in the text)") == 3
    # No official URL is known from the data: the page says so and links to no guess.
    assert 'Official URL</dt><dd><span class="muted">Not entered yet.' in html
    assert f'href="{TEXT_URL}"' in html
    source.url = "https://example.org/white-paper-2025"
    source.save()
    html = client.get(source.get_absolute_url()).content.decode()
    assert html.count("(entered by staff, not in the text)") == 4


def test_the_api_gives_the_bibliographic_data(client):
    SourceFactory(title="White Paper 2025", publisher="Ministry", year=2025)
    data = client.get("/api/v1/sources/white-paper/").json()
    assert (data["title"], data["publisher"], data["year"], data["source_url"]) == (
        "White Paper 2025",
        "Ministry",
        2025,
        "",
    )
