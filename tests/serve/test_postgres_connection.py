"""How the portal talks to PostgreSQL: parameters bound by the server and statements
prepared after a few runs, so a page's queries are planned once per connection."""

import pytest
from django.conf import settings
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL's prepared statements"
    ),
]


def test_a_repeated_statement_is_prepared_once_and_then_reused(client):
    connection.ensure_connection()
    assert connection.connection.prepare_threshold == settings.DATABASE_PREPARE_THRESHOLD > 0
    for _ in range(settings.DATABASE_PREPARE_THRESHOLD + 1):
        assert client.get("/initiatives/").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone()[0] > 0
