"""Print, as JSON, what a backup drill compares: the API's full listing and every history.

Run as its own process against the database DATABASE_URL names (tests/security/
test_backup_drill.py runs it once on the original and once on the restored copy):
    python tests/security/drill_snapshot.py > snapshot.json
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.core import serializers  # noqa: E402
from django.test import Client  # noqa: E402

from portal.roles import RECORD_APPS  # noqa: E402


def full_listing(client):
    """Every record of every kind in the API, walked by cursor: {list url: [records]}."""
    root = client.get("/api/v1/").json()
    listing = {}
    for name, url in sorted(root.items()):
        page = client.get(url, {"cursor": "", "page_size": 500})
        if not page.headers.get("Content-Type", "").startswith("application/json"):
            continue  # the docs page, or a list that takes no cursor (changes: a 400)
        if page.status_code != 200 or "results" not in page.json():
            continue  # not a list of records (search, changes, schema, docs, download)
        records = []
        while True:
            body = page.json()
            records += body["results"]
            if not body["next"]:
                break
            page = client.get(body["next"])
        listing[name] = records
    return listing


def histories():
    """Every history row of every record model, with its user by name."""
    found = {}
    for model in apps.get_models():
        if model._meta.app_label not in RECORD_APPS or not model.__name__.startswith("Historical"):
            continue
        rows = model.objects.order_by("history_id")
        found[model._meta.label] = serializers.serialize(
            "python", rows, use_natural_foreign_keys=True
        )
    return found


def users():
    from django.contrib.auth import get_user_model

    return list(get_user_model().objects.order_by("username").values_list("username", "email"))


if __name__ == "__main__":
    client = Client(HTTP_HOST="testserver")
    snapshot = {"listing": full_listing(client), "history": histories(), "users": users()}
    json.dump(snapshot, sys.stdout, indent=1, sort_keys=True, default=str)
