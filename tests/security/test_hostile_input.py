"""Hostile text saved through the admin is stored exactly and escaped everywhere it shows.

A Publisher saves a published dialogue with a very long name, HTML and script, right-to-
left text (with a direction override), emoji and combining marks. The database holds the
very characters; every page that shows the record escapes them; the API's JSON, its CSV
and the bulk download (CSV and JSON) give them back exactly. A NUL character is a form
error naming the field (PostgreSQL cannot store it; Django refuses it on every database),
never a 500.
"""

import csv
import io
import json

import pytest
from django.test import Client

from initiatives.models import Dialogue
from tests.editorial.test_workflow import PASSWORD, edit
from tests.factories import DialogueFactory
from tests.staff import signed_in_client

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'
HOSTILE_NAMES = {
    "script": f"Dialogue {SCRIPT} & co",
    "rtl": "\u202eDialogue\u202c الحوار الرقمي בין יפן",
    "emoji": "Dialogue 🇯🇵🤝🇻🇳 👩🏽‍💻 e\u0301",
    "long": "Long " + "x" * 295,  # the field's whole 300 characters
}
HOSTILE_DESCRIPTION = f"{SCRIPT}\n" + "A very long description. " * 2000 + "\u202e end"


@pytest.fixture
def publisher():
    return signed_in_client(Client(), "publisher", "Publisher", PASSWORD)


def read_csv(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"))))


@pytest.mark.parametrize("kind", HOSTILE_NAMES)
def test_hostile_text_is_stored_exactly_and_escaped_everywhere(publisher, kind, transactional_db):
    name = HOSTILE_NAMES[kind]
    dialogue = DialogueFactory(slug="hostile", name="Plain")
    response = edit(publisher, dialogue, name=name, description=HOSTILE_DESCRIPTION)
    assert response.status_code == 302, response.content[:2000]
    dialogue.refresh_from_db()
    assert dialogue.name == name
    assert dialogue.description == HOSTILE_DESCRIPTION

    anonymous = Client()
    for url in ["/dialogues/hostile/", "/dialogues/", "/search/?q=Dialogue"]:
        page = anonymous.get(url).content.decode()
        assert "<script>alert" not in page, url
        assert "<img src=x" not in page, url
    detail = anonymous.get("/dialogues/hostile/").content.decode()
    if kind == "script":
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in detail
    else:
        assert name in detail  # nothing to escape: shown as it is

    api = anonymous.get("/api/v1/dialogues/hostile/").json()
    assert (api["name"], api["description"]) == (name, HOSTILE_DESCRIPTION)
    assert anonymous.get("/api/v1/dialogues/hostile/")["Content-Type"] == "application/json"
    (row,) = read_csv(anonymous.get("/api/v1/dialogues/?format=csv"))
    assert (row["Name"], row["Description"]) == (name, HOSTILE_DESCRIPTION)

    everything = json.loads(anonymous.get("/api/v1/download/portal.json").content)
    (found,) = [record for record in everything["records"]["dialogue"] if record["id"] == "hostile"]
    assert (found["name"], found["description"]) == (name, HOSTILE_DESCRIPTION)
    rows = read_csv(anonymous.get("/api/v1/download/dialogue.csv"))
    assert [row["Name"] for row in rows if row["ID"] == "hostile"] == [name]


def test_a_name_one_character_too_long_is_a_form_error(publisher):
    dialogue = DialogueFactory(slug="hostile", name="Plain")
    response = edit(publisher, dialogue, name="x" * 301)
    assert response.status_code == 200
    assert "name" in response.context["adminform"].form.errors
    assert Dialogue.objects.get(slug="hostile").name == "Plain"


@pytest.mark.parametrize("field", ["name", "description"])
def test_a_nul_character_is_a_form_error_naming_the_field(publisher, field):
    dialogue = DialogueFactory(slug="hostile", name="Plain", description="Plain")
    response = edit(publisher, dialogue, **{field: "before\x00after"})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors and "Null characters" in str(errors[field])
    dialogue.refresh_from_db()
    assert (dialogue.name, dialogue.description) == ("Plain", "Plain")
