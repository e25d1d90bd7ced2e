"""What helps two people not trip over each other, and a change be read before it is live:
the "open by someone else" notice, the preview of a pending change, slugs from names."""

import os
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.urls import reverse
from django.utils import timezone

from initiatives.models import Dialogue
from portal import open_records
from portal.models import PendingRevision, Status
from tests.editorial.test_versions import change_url, edit
from tests.editorial.test_workflow import form_data
from tests.factories import DialogueFactory, TopicFactory

pytestmark = pytest.mark.django_db


def notice_of(response):
    html = response.content.decode()
    start = html.find('class="messagelist open-notice"')
    return "" if start == -1 else html[start : html.find("</ul>", start)]


# Open by someone else.


def test_a_record_open_by_another_person_says_who_and_when(editor, publisher):
    dialogue = DialogueFactory(status=Status.DRAFT)
    assert notice_of(editor.get(change_url(dialogue))) == ""  # nobody else has it open
    notice = notice_of(publisher.get(change_url(dialogue)))
    assert "editor opened this record at" in notice
    assert timezone.localtime().strftime("%H:") in notice
    # The editor now reads that the publisher has it open, and never their own name.
    notice = notice_of(editor.get(change_url(dialogue)))
    assert "publisher opened this record" in notice and "editor opened" not in notice


def test_the_notice_ends_after_the_window_and_after_a_save(editor, publisher, settings):
    dialogue = DialogueFactory(status=Status.DRAFT)
    editor.get(change_url(dialogue))
    key = open_records._key(dialogue)
    marks = caches["default"].get(key)
    stale = timezone.now() - open_records.window() - timedelta(seconds=1)
    caches["default"].set(key, {uid: {**m, "at": stale.isoformat()} for uid, m in marks.items()})
    assert notice_of(publisher.get(change_url(dialogue))) == ""

    editor.get(change_url(dialogue))
    assert "editor opened" in notice_of(publisher.get(change_url(dialogue)))
    assert edit(editor, dialogue, description="Saved.").status_code == 302
    assert "editor opened" not in notice_of(publisher.get(change_url(dialogue)))


def shared_caches():
    """The stores every server process shares: the database's cache table, and Redis when
    a test database of it is given (TEST_REDIS_URL)."""
    stores = [
        (
            "database",
            {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "portal_cache"},
        )
    ]
    if os.environ.get("TEST_REDIS_URL"):
        stores.append(
            (
                "redis",
                {
                    "BACKEND": "django.core.cache.backends.redis.RedisCache",
                    "LOCATION": os.environ["TEST_REDIS_URL"],
                },
            )
        )
    return stores


@pytest.mark.parametrize(("name", "store"), shared_caches(), ids=lambda value: str(value)[:8])
def test_the_open_mark_is_kept_where_every_process_reads_it(name, store, settings, editor):
    settings.CACHES = {**settings.CACHES, "default": store}
    dialogue = DialogueFactory(status=Status.DRAFT)
    editor.get(change_url(dialogue))
    # A store made afresh, as another process would make it, holds the mark.
    if name == "database":
        fresh = DatabaseCache("portal_cache", {})
    else:
        from django.core.cache.backends.redis import RedisCache

        fresh = RedisCache(store["LOCATION"], {})
    try:
        marks = fresh.get(open_records._key(dialogue))
        assert [mark["name"] for mark in marks.values()] == ["editor"]
    finally:
        fresh.delete(open_records._key(dialogue))


def test_a_cache_outage_leaves_the_form_working(editor, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2},
        },
    }
    dialogue = DialogueFactory(status=Status.DRAFT)
    response = editor.get(change_url(dialogue))
    assert response.status_code == 200 and notice_of(response) == ""


# Preview of a pending change on the public page.


def ask_for_change(editor, dialogue, topic):
    data = form_data(editor.get(change_url(dialogue)))
    data.update(description="Proposed wording.", topics=[str(topic.pk)])
    assert editor.post(change_url(dialogue), data).status_code == 302
    return PendingRevision.objects.pending().get()


def test_staff_preview_a_pending_change_on_the_public_page(editor, publisher, client):
    dialogue = DialogueFactory(description="As published.")
    topic = TopicFactory(name="Open RAN")
    revision = ask_for_change(editor, dialogue, topic)
    review = publisher.get(reverse("admin:portal_pendingrevision_review", args=[revision.pk]))
    preview_url = f"{dialogue.get_absolute_url()}?preview={revision.pk}"
    assert f'href="{preview_url}"' in review.content.decode()

    response = publisher.get(preview_url)
    page = response.content.decode()
    assert "Proposed wording." in page and "As published." not in page
    assert "Open RAN" in page and "Preview of a pending change asked by editor" in page
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    # Nothing of it stays: the record, its links, its version and history are as before.
    stored = Dialogue.objects.get(pk=dialogue.pk)
    assert stored.description == "As published." and not stored.topics.exists()
    assert stored.version == dialogue.version
    assert stored.history.count() == dialogue.history.count()
    assert "As published." in publisher.get(dialogue.get_absolute_url()).content.decode()
    # The Editor who asked previews it too (Editors may read the Review page).
    assert "Proposed wording." in editor.get(preview_url).content.decode()


def test_the_public_never_sees_a_preview(editor, client, settings):
    settings.CACHE_RESPONSES = True  # and nothing of a preview gets into the response cache
    dialogue = DialogueFactory(description="As published.")
    revision = ask_for_change(editor, dialogue, TopicFactory())
    preview_url = f"{dialogue.get_absolute_url()}?preview={revision.pk}"
    for _ in range(2):
        page = client.get(preview_url).content.decode()
        assert "As published." in page and "Proposed wording." not in page
    assert "Proposed wording." in editor.get(preview_url).content.decode()
    assert "Proposed wording." not in client.get(preview_url).content.decode()


def test_a_preview_id_of_another_record_or_a_decided_change_is_not_found(editor, publisher):
    dialogue = DialogueFactory(description="As published.")
    other = DialogueFactory()
    revision = ask_for_change(editor, dialogue, TopicFactory())
    assert publisher.get(f"{other.get_absolute_url()}?preview={revision.pk}").status_code == 404
    assert publisher.get(f"{dialogue.get_absolute_url()}?preview=abc").status_code == 404
    revision.reject(None)
    assert publisher.get(f"{dialogue.get_absolute_url()}?preview={revision.pk}").status_code == 404


def test_staff_without_the_review_role_get_no_preview(editor, db):
    from django.contrib.auth import get_user_model
    from django.test import Client

    dialogue = DialogueFactory(description="As published.")
    revision = ask_for_change(editor, dialogue, TopicFactory())
    plain_staff = get_user_model().objects.create_user("helper", password="x" * 20, is_staff=True)
    client = Client()
    client.force_login(plain_staff)
    response = client.get(f"{dialogue.get_absolute_url()}?preview={revision.pk}")
    assert response.status_code == 404


# Slugs from names.


def test_every_kind_with_a_slug_fills_it_from_the_name(editor):
    from django.contrib import admin

    for model, model_admin in admin.site._registry.items():
        if "slug" not in {field.name for field in model._meta.fields}:
            continue
        if not hasattr(model_admin, "get_fields_names"):
            continue
        assert model_admin.get_prepopulated_fields(None) == {"slug": ["name"]}, model
    published = DialogueFactory()
    admin_of = admin.site._registry[Dialogue]
    assert admin_of.get_prepopulated_fields(None, published) == {}  # a published id stays


def test_a_slug_left_empty_is_made_from_the_name(editor):
    url = reverse("admin:initiatives_dialogue_add")
    data = {k: v for k, v in form_data(editor.get(url)).items() if v != ""}
    data.update(name="Japan–Utopia ICT Policy Dialogue", slug="")
    response = editor.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Dialogue.objects.get(name__startswith="Japan").slug == "japanutopia-ict-policy-dialogue"
