"""`manage.py generate_synthetic`: refuses bad arguments and any database that holds
records; what it makes is marked synthetic and linked like the fixtures."""

import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from countries.models import Region
from initiatives.models import Agreement, Initiative, Meeting
from portal.models import Citation, Status
from tests.factories import TopicFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "arguments",
    [["--scale", "0"], ["--scale", "abc"], ["--scale", "1001"], ["--scale", "-3"], []],
)
def test_bad_arguments_exit_non_zero_with_a_message(arguments):
    result = subprocess.run(
        [sys.executable, "manage.py", "generate_synthetic", *arguments],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        env={"SECRET_KEY": "x", "DATABASE_URL": "sqlite:////nonexistent/never-made.sqlite3"},
    )
    assert result.returncode != 0
    assert "scale" in result.stderr


def test_bad_draft_every_is_refused():
    with pytest.raises(CommandError, match="draft-every"):
        call_command("generate_synthetic", "--scale", "2", "--draft-every", "0")


def test_a_database_holding_records_is_refused():
    TopicFactory(name="A real topic")
    with pytest.raises(CommandError, match="already holds records"):
        call_command("generate_synthetic", "--scale", "2")


def test_the_projects_own_database_is_refused(settings, monkeypatch):
    from django.db import connections

    database = {**connections["default"].settings_dict, "NAME": settings.BASE_DIR / "db.sqlite3"}
    if connections["default"].vendor != "sqlite":
        database["ENGINE"] = "django.db.backends.sqlite3"
    monkeypatch.setattr(connections["default"], "settings_dict", database)
    with pytest.raises(CommandError, match="make run"):
        call_command("generate_synthetic", "--scale", "2")


def test_copies_are_marked_linked_and_dated_at_every_precision(django_db_blocker):
    call_command("generate_synthetic", "--scale", "3", "--draft-every", "4", stdout=None)
    real = Initiative.objects.filter(loaded_digest__gt="")
    synthetic = Initiative.objects.filter(loaded_digest="")
    assert synthetic.count() == 2 * real.count()
    for record in synthetic:
        assert record.name.startswith("[synthetic] ")
        assert record.slug.endswith(("-syn1", "-syn2"))
        assert "generate_synthetic" in record.note
    assert not real.filter(name__startswith="[synthetic]").exists()
    assert set(synthetic.values_list("date_precision", flat=True)) >= {
        "year",
        "fiscal_year",
        "month",
        "day",
    }
    assert synthetic.filter(date_end__isnull=False).exists()
    assert synthetic.filter(status=Status.DRAFT).exists()
    # Copy k links to copy k: an agreement's framework, citations, parties.
    for agreement in Agreement.objects.filter(slug__endswith="-syn2", framework__isnull=False):
        assert agreement.framework.slug.endswith("-syn2")
        for citation in agreement.citations.all():
            assert citation.section.startswith("[synthetic 2] ")
        for party in agreement.parties.all():
            if party.organization:
                assert party.organization.slug.endswith("-syn2")
    assert Meeting.objects.filter(dialogue__slug__endswith="-syn1").count() == (
        Meeting.objects.filter(loaded_digest__gt="").count()
    )
    assert Citation.objects.count() % 3 == 0
    # Countries and regions are not copied: the copies link to the real ones.
    assert not Region.objects.filter(slug__contains="-syn").exists()
    linked = Initiative.objects.filter(slug__endswith="-syn1", regions__isnull=False)
    assert linked.exists()
    assert not linked.filter(regions__slug__contains="-syn").exists()
