"""The API answers plain JSON requests from the stored representations (portal.api.stored):
byte for byte what the serializers give, for every record and list, in a fixed, small
number of queries; and a change is in the very next answer."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from portal.api.v1 import router
from portal.models import PublicDigest, Topic

pytestmark = pytest.mark.django_db
KINDS = [prefix for prefix, _, _ in router.registry]
LISTS = [
    f"/api/v1/{kind}/?{query}"
    for kind in KINDS
    for query in ["page_size=500", "ordering=-updated_at&page_size=7&page=2", "cursor=&page_size=9"]
] + [
    "/api/v1/initiatives/?country=VN",
    "/api/v1/agreements/?topic=5g&ordering=-date_start",
    "/api/v1/countries/?page=last&page_size=20",
]


def answers(client, urls):
    found = {}
    for url in urls:
        response = client.get(url)
        found[url] = (response.status_code, response.get("Last-Modified"), response.content)
    return found


def test_every_record_and_list_is_answered_as_the_serializers_answer(site):
    client = Client()
    records = list(PublicDigest.objects.values_list("url", flat=True))
    assert len(records) > 500
    from_store = answers(client, [*records, *LISTS])
    PublicDigest.objects.update(representation="")  # nothing stored: the serializers answer
    from_serializers = answers(client, [*records, *LISTS])
    assert {status for status, _, _ in from_store.values()} == {200}
    different = [url for url in from_store if from_store[url] != from_serializers[url]]
    assert different == []


def tables_read(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def test_a_record_is_one_query_and_a_page_three(site):
    client = Client()
    record = tables_read(client, "/api/v1/agreements/moc-japan-vietnam-ict-2024/")
    assert [sql for sql in record if "portal_cache" not in sql] == [
        sql for sql in record if "portal_publicdigest" in sql
    ]
    assert len([sql for sql in record if "portal_publicdigest" in sql]) == 1
    page = [sql for sql in tables_read(client, "/api/v1/countries/") if "portal_cache" not in sql]
    # The count, the page's keys (filters and ordering), their stored JSON.
    assert len(page) == 3
    assert "portal_publicdigest" in page[-1]


def test_a_change_is_in_the_next_answer(site, django_capture_on_commit_callbacks):
    client = Client()
    url = "/api/v1/topics/5g/"
    linked = client.get(url).json()["agreements"][0]["url"].removeprefix("http://testserver")
    with django_capture_on_commit_callbacks(execute=True):
        topic = Topic.objects.get(slug="5g")
        topic.name = "Fifth-generation mobile"
        topic.save()
    assert client.get(url).json()["name"] == "Fifth-generation mobile"
    shown = [link["name"] for link in client.get(linked).json()["topics"]]
    assert "Fifth-generation mobile" in shown


def test_a_format_parameter_is_answered_by_the_serializers(site):
    data = Client().get("/api/v1/topics/5g/?format=json").json()
    assert data["agreements"][0]["url"].endswith("?format=json")
