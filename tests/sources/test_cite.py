"""Every record page tells how to cite it: plain text and BibTeX, with its permanent URL
and the access date, today's."""

import re

import pytest
from django.utils import timezone

from tests.factories import AgreementFactory, DialogueFactory, MeetingFactory, TopicFactory

pytestmark = pytest.mark.django_db


def cite_block(html):
    return re.search(r'<section class="cite".*?</section>', html, re.S).group(0)


@pytest.mark.parametrize(
    "make",
    [
        lambda: TopicFactory(slug="open-ran", name="Open RAN"),
        lambda: AgreementFactory(slug="moc", name="MoC"),
        lambda: MeetingFactory(
            dialogue=DialogueFactory(slug="d", name="D"), slug="2nd", name="2nd meeting"
        ),
    ],
)
def test_every_record_page_has_a_citation_with_its_permanent_url_and_todays_date(client, make):
    record = make()
    block = cite_block(client.get(record.get_absolute_url()).content.decode())
    url = f"http://testserver{record.get_absolute_url()}"
    today = timezone.localdate().isoformat()
    assert "Cite this record" in block
    assert f"{url} (accessed {today})." in block
    assert f"urldate = {{{today}}}" in block and f"url = {{{url}}}" in block
    assert "the day this page was made" in block
    assert "Transcribed from MIC White Paper 2025" in block


def test_bibtex_and_html_are_escaped(client):
    topic = TopicFactory(slug="odd", name="R&D 100% {costs} #1 <b>_x_</b>")
    block = cite_block(client.get(topic.get_absolute_url()).content.decode())
    # BibTeX special characters are escaped for LaTeX, then the whole for HTML.
    assert r"title = {R\&amp;D 100\% \{costs\} \#1 &lt;b&gt;\_x\_&lt;/b&gt;}" in block
    assert "<b>" not in block
    assert "@misc{ictportal:topics-odd," in block


def test_the_citation_costs_no_query(rf, django_assert_num_queries):
    from django.template import Context, Template

    topic = TopicFactory(slug="open-ran", name="Open RAN")
    template = Template("{% load citing %}{% cite_record record %}")
    with django_assert_num_queries(0):
        html = template.render(Context({"request": rf.get("/"), "record": topic}))
    assert "http://testserver/topics/open-ran/" in html
