"""The recheck that stores the API's representations runs one at a time (portal.changes).
Apart from test_stored.py: a module that loads the site holds the lock until its end."""

import threading

import pytest
from django.db import connection, connections

from portal.changes import one_refresh_at_a_time


@pytest.mark.django_db(transaction=True)
def test_rechecks_run_one_at_a_time():
    """Two rechecks at once could store an older representation over a newer one."""
    if connection.vendor != "postgresql":
        pytest.skip("needs two real connections to one server: run with DATABASE_URL=postgres")
    holding, release, second_done = threading.Event(), threading.Event(), threading.Event()

    def recheck(started, wait_for=None):
        try:
            with one_refresh_at_a_time():
                started.set()
                if wait_for is not None:
                    wait_for.wait(timeout=10)
        finally:
            connections.close_all()

    first = threading.Thread(target=recheck, args=(holding, release))
    first.start()
    assert holding.wait(timeout=10)
    second = threading.Thread(target=recheck, args=(second_done,))
    second.start()
    assert not second_done.wait(timeout=0.5)  # waits for the first to finish
    release.set()
    assert second_done.wait(timeout=10)
    first.join(timeout=10)
    second.join(timeout=10)
