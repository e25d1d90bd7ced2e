"""Atom feeds of new and changed records: valid, public only, bounded, escaped."""

import xml.etree.ElementTree as ET

import pytest
from django.db import transaction

from portal import changes
from portal.feeds import FEED_LIMIT
from portal.models import Status
from tests.factories import AgreementFactory, CountryFactory, FrameworkFactory, TopicFactory

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    assert feed.find(f"{ATOM}title").text
    assert feed.find(f"{ATOM}updated") is not None
    found = []
    for entry in feed.findall(f"{ATOM}entry"):
        # Every entry has what Atom requires: an absolute id, a title, an updated time.
        assert entry.find(f"{ATOM}id").text.startswith("urn:uuid:")
        assert entry.find(f"{ATOM}updated").text
        link = entry.find(f"{ATOM}link").get("href")
        assert link.startswith("http://testserver/")
        found.append((entry.find(f"{ATOM}title").text, link, entry.find(f"{ATOM}summary").text))
    return found


@pytest.mark.django_db
def test_a_published_record_appears_and_a_draft_never_does(client):
    TopicFactory(slug="public", name="Public topic", description="What the text says.")
    TopicFactory(slug="draft", name="Draft topic", status=Status.DRAFT)
    changes.refresh()
    found = entries(client, "/feeds/changes/")
    assert (
        "New: Public topic (topic)",
        "http://testserver/topics/public/",
        "What the text says.",
    ) in found
    assert not any("Draft topic" in title for title, _, _ in found)


@pytest.mark.django_db
def test_a_change_appears_newest_first_and_an_unpublished_record_leaves(client):
    topic = TopicFactory(slug="open-ran", name="Open RAN")
    other = TopicFactory(slug="later-unpublished", name="Soon a draft")
    changes.refresh()
    topic.name = "Open RAN (renamed)"
    topic.save()
    changes.refresh()
    titles = [title for title, _, _ in entries(client, "/feeds/changes/")]
    assert titles[0] == "Changed: Open RAN (renamed) (topic)"
    assert "New: Open RAN (renamed) (topic)" in titles
    other.status = Status.DRAFT
    other.save()
    changes.refresh()
    titles = [title for title, _, _ in entries(client, "/feeds/changes/")]
    assert not any("Soon a draft" in title for title in titles)


@pytest.mark.django_db(transaction=True)
def test_an_edit_reaches_the_feed_through_the_change_log_on_commit(client):
    with transaction.atomic():
        topic = TopicFactory(slug="ai", name="AI governance")
    with transaction.atomic():
        topic.description = "Now described."
        topic.save()
    found = entries(client, "/feeds/changes/")
    assert found[0] == (
        "Changed: AI governance (topic)",
        "http://testserver/topics/ai/",
        "Now described.",
    )


@pytest.mark.django_db
def test_names_are_escaped_and_the_feed_is_bounded(client):
    TopicFactory(slug="escape", name="<script>alert(1)</script> & “Data”", description="a < b & c")
    for number in range(FEED_LIMIT + 5):
        TopicFactory(slug=f"t{number}", name=f"Topic {number}")
    changes.refresh()
    found = entries(client, "/feeds/changes/")
    assert len(found) == FEED_LIMIT
    TopicFactory._meta.model.objects.filter(slug="escape").update(name="<b>x</b> & y")
    changes.refresh()
    content = client.get("/feeds/changes/").content.decode()
    assert "<b>x</b>" not in content and "&lt;b&gt;x&lt;/b&gt; &amp; y" in content
    assert entries(client, "/feeds/changes/")[0][0] == "Changed: <b>x</b> & y (topic)"


@pytest.fixture
def graph():
    vietnam = CountryFactory(code="VN", name="Vietnam")
    kenya = CountryFactory(code="KE", name="Kenya")
    itu = FrameworkFactory(slug="itu", name="ITU")
    open_ran = TopicFactory(slug="open-ran", name="Open RAN")
    with_vietnam = AgreementFactory(slug="moc-vietnam", name="MoC with Vietnam", framework=itu)
    with_vietnam.topics.add(open_ran)
    from initiatives.models import AgreementParty

    AgreementParty.objects.create(agreement=with_vietnam, position=1, country=vietnam)
    other = AgreementFactory(slug="moc-kenya", name="MoC with Kenya")
    AgreementParty.objects.create(agreement=other, position=1, country=kenya)
    draft = AgreementFactory(slug="draft-moc", name="Draft MoC", status=Status.DRAFT)
    AgreementParty.objects.create(agreement=draft, position=1, country=vietnam)
    changes.refresh()
    return vietnam


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "subject"),
    [
        ("/feeds/countries/VN/", "Vietnam"),
        ("/feeds/frameworks/itu/", "ITU"),
        ("/feeds/topics/open-ran/", "Open RAN"),
    ],
)
def test_a_subject_feed_holds_the_subject_and_the_records_that_mention_it(
    client, graph, url, subject, django_assert_num_queries
):
    with django_assert_num_queries(5):  # subject, changes, digests, agreements, subject's kind
        found = entries(client, url)
    titles = {title for title, _, _ in found}
    assert "New: MoC with Vietnam (agreement)" in titles
    assert any(title.startswith(f"New: {subject} (") for title in titles)
    assert "New: MoC with Kenya (agreement)" not in titles
    assert not any("Draft MoC" in title for title in titles)


@pytest.mark.django_db
def test_the_pages_link_their_feed(client, graph):
    country = client.get("/countries/VN/").content.decode()
    link = '<link rel="alternate" type="application/atom+xml" title="Vietnam: new and changed '
    assert link + 'records" href="/feeds/countries/VN/">' in country
    assert 'href="/feeds/changes/"' in country
    for url in ["/frameworks/itu/", "/topics/open-ran/"]:
        page = client.get(url).content.decode()
        assert f'href="/feeds{url}"' in page
    agreement = client.get("/agreements/moc-vietnam/").content.decode()
    assert "/feeds/agreements/" not in agreement


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/feeds/countries/XX/", "/feeds/topics/nothing/"])
def test_an_unknown_or_draft_subject_has_no_feed(client, url):
    TopicFactory(slug="nothing", name="Draft", status=Status.DRAFT)
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_the_site_feed_costs_a_fixed_number_of_queries(client, graph, django_assert_num_queries):
    # The changes, their digests, then one per kind among them: countries, frameworks,
    # agreements, topics and the white paper (a source) every factory record cites.
    with django_assert_num_queries(7):
        entries(client, "/feeds/changes/")
    for number in range(10):
        TopicFactory(slug=f"more-{number}", name=f"More {number}")
    changes.refresh()
    with django_assert_num_queries(7):
        entries(client, "/feeds/changes/")
