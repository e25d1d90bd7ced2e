from io import StringIO
from textwrap import dedent

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from countries.models import Country, Organization
from frameworks.models import Person
from initiatives.models import Agreement, Meeting
from portal.models import Citation, Status

pytestmark = pytest.mark.django_db

SOURCES = """
- slug: white-paper
  name: MIC White Paper 2025, Part II Chapter 2 Section 8
  kind: document
  citations:
    - section: Section 8
      quote: Section 8 Promotion of international strategies for ICT
"""
COUNTRIES = """
- code: VN
  aliases: [Vietnam]
  citations:
    - section: "2. (3) D (A) Fire prevention"
      quote: the ministry will continue to engage with Vietnam
"""
ORGANIZATIONS = """
- slug: mic
  name: Ministry of Internal Affairs and Communications
  acronym: MIC
  kind: ministry
  citations:
    - section: "1. (1) Initiatives so far"
      quote: the MIC has been actively engaged in the overseas expansion of digital infrastructure
"""
AGREEMENTS = """
- slug: moc-japan-vietnam-firefighting
  name: Memorandum of Cooperation in the Field of Firefighting
  kind: memorandum_of_cooperation
  date: "2018-10-08"
  parties:
    - organization: mic
      as_written: Minister for Internal Affairs and Communications of Japan
    - country: VN
  citations:
    - section: "2. (3) D (A) Fire prevention"
      quote: Socialist Republic of Vietnam” on October 8, 2018
"""


def write(folder, **files):
    for name, text in files.items():
        (folder / f"{name}.yaml").write_text(dedent(text), encoding="utf-8")
    return folder


def load(folder):
    out = StringIO()
    call_command("load_portal_data", fixtures=str(folder), stdout=out)
    return out.getvalue()


@pytest.fixture
def fixtures(tmp_path):
    return write(
        tmp_path,
        sources=SOURCES,
        countries=COUNTRIES,
        organizations=ORGANIZATIONS,
        agreements=AGREEMENTS,
    )


def test_loading_creates_published_records_with_their_links(fixtures):
    output = load(fixtures)
    assert "agreements: 1 created, 0 updated, 0 unchanged, 0 conflicts" in output
    agreement = Agreement.objects.get(slug="moc-japan-vietnam-firefighting")
    assert agreement.status == Status.PUBLISHED
    assert agreement.date.iso() == "2018-10-08"
    assert [str(p) for p in agreement.parties.all()] == [
        "Minister for Internal Affairs and Communications of Japan",
        "Vietnam",
    ]
    assert Country.objects.get(code="VN").name == "Vietnam"


def planner_rows(table):
    """The row count the database's planner holds for a table, or None without statistics."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            rows = cursor.fetchone()[0]
            return None if rows < 0 else rows
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if not cursor.fetchone():
            return None
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
        row = cursor.fetchone()
        return int(row[0].split()[0]) if row else None


def test_a_load_leaves_the_planner_statistics_of_what_it_loaded(fixtures):
    table = Agreement._meta.db_table
    with connection.cursor() as cursor:  # PostgreSQL keeps statistics through a rollback
        cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    assert planner_rows(table) in (None, 0)
    load(fixtures)
    assert planner_rows(table) == 1


def test_a_second_load_changes_nothing_and_says_so(fixtures):
    load(fixtures)
    output = load(fixtures)
    assert "agreements: 0 created, 0 updated, 1 unchanged, 0 conflicts" in output
    assert output.strip().endswith("Nothing changed.")


def test_a_changed_fixture_updates_an_untouched_record(fixtures):
    load(fixtures)
    write(fixtures, organizations=ORGANIZATIONS.replace("kind: ministry", "kind: agency"))
    output = load(fixtures)
    assert "organizations: 0 created, 1 updated" in output
    assert Organization.objects.get(slug="mic").kind == "agency"


def test_a_record_edited_by_a_person_is_left_alone_and_reported(fixtures):
    load(fixtures)
    Organization.objects.filter(slug="mic").update(description="Edited in the admin.")
    write(fixtures, organizations=ORGANIZATIONS.replace("kind: ministry", "kind: agency"))
    output = load(fixtures)
    assert "organizations: 0 created, 0 updated, 0 unchanged, 1 conflicts" in output
    assert "conflict: organization mic was edited since the last load" in output
    mic = Organization.objects.get(slug="mic")
    assert (mic.kind, mic.description) == ("ministry", "Edited in the admin.")


def test_a_broken_fixture_names_the_record_and_loads_nothing(fixtures):
    write(fixtures, agreements=AGREEMENTS.replace("country: VN", "country: XX"))
    with pytest.raises(CommandError) as error:
        load(fixtures)
    message = str(error.value)
    assert "agreements.yaml: record 'moc-japan-vietnam-firefighting'" in message
    assert "no country 'XX'" in message
    assert not Organization.objects.exists()
    assert not Citation.objects.exists()


def test_a_quote_missing_from_the_source_is_refused(fixtures):
    write(fixtures, countries=COUNTRIES.replace("continue to engage", "never engage"))
    with pytest.raises(CommandError, match="countries.yaml: record 'VN': citation 1: quote not"):
        load(fixtures)
    assert not Country.objects.exists()


def test_a_date_finer_than_real_is_refused(fixtures):
    write(fixtures, agreements=AGREEMENTS.replace('"2018-10-08"', '"2018-02-30"'))
    with pytest.raises(CommandError, match="not a real date"):
        load(fixtures)


def test_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="is not a folder"):
        load(tmp_path / "nowhere")


def test_a_misspelt_field_is_refused_rather_than_ignored(fixtures):
    write(fixtures, organizations=ORGANIZATIONS.replace("acronym: MIC", "acronim: MIC"))
    with pytest.raises(CommandError, match="record 'mic': unknown field 'acronim'"):
        load(fixtures)


def test_a_quote_given_two_different_footnotes_is_refused(fixtures):
    footnote = """
- slug: footnote-1
  name: Footnote 1
  kind: footnote
  footnote: "1"
  document: white-paper
  citations:
    - section: Footnote 1
      quote: Section 8 Promotion of international strategies for ICT
"""
    organizations = ORGANIZATIONS.replace("acronym: MIC", "acronym: MIC\n  aliases: [the MIC]")
    organizations += """
- slug: ministry
  name: The ministry
  kind: ministry
  citations:
    - section: "1. (1) Initiatives so far"
      quote: the MIC has been actively engaged in the overseas expansion of digital infrastructure
      footnote: footnote-1
"""
    write(fixtures, sources=SOURCES + footnote, organizations=organizations)
    with pytest.raises(CommandError, match="record 'ministry': citation 1 gives footnote"):
        load(fixtures)
    assert not Organization.objects.exists()


JICT = """
- slug: jict
  name: Fund Corporation for the Overseas Development of Japan's ICT and Postal Services
  acronym: JICT
  kind: fund
  citations:
    - section: "2. (2) JICT"
      quote: a public-private fund under the jurisdiction of the MIC
"""
DIALOGUES = """
- slug: japan-germany-ict-policy-dialogue
  name: Japan-Germany ICT Policy Dialogue
  kind: policy_dialogue
  citations:
    - section: "6. (2) B (B) Germany"
      quote: the MIC has been holding the “Japan-Germany ICT Policy Dialogue”
  meetings:
    - slug: 8th
      number: 8
      name: 8th Japan-Germany ICT Policy Dialogue
      date: "2024-11"
      citations:
        - section: "6. (2) B (B) Germany"
          quote: The 8th meeting was held in November 2024
"""


def test_a_record_that_left_the_fixtures_is_deleted(fixtures):
    write(fixtures, organizations=ORGANIZATIONS + JICT, dialogues=DIALOGUES)
    load(fixtures)
    write(fixtures, organizations=ORGANIZATIONS, dialogues=DIALOGUES.split("  meetings:")[0])
    output = load(fixtures)
    assert "organizations: 0 created, 0 updated, 1 unchanged, 0 conflicts, 1 removed" in output
    assert "meetings: 0 created, 0 updated, 0 unchanged, 0 conflicts, 1 removed" in output
    assert list(Organization.objects.values_list("slug", flat=True)) == ["mic"]
    assert not Meeting.objects.exists()
    assert load(fixtures).strip().endswith("Nothing changed.")


def test_a_record_that_left_the_fixtures_but_was_edited_is_kept_and_reported(fixtures):
    write(fixtures, organizations=ORGANIZATIONS + JICT)
    load(fixtures)
    Organization.objects.filter(slug="jict").update(description="Edited in the admin.")
    write(fixtures, organizations=ORGANIZATIONS)
    output = load(fixtures)
    assert "0 removed, 1 kept though gone" in output
    assert "kept: organization jict was edited since the last load" in output
    assert Organization.objects.filter(slug="jict").exists()


def test_a_record_that_left_the_fixtures_but_is_still_linked_is_kept_and_reported(fixtures):
    write(fixtures, organizations=ORGANIZATIONS + JICT)
    load(fixtures)
    # A person links their own agreement to the JICT in the admin.
    drafted = Agreement.objects.create(slug="drafted", name="Drafted", kind="other")
    drafted.parties.create(organization=Organization.objects.get(slug="jict"))
    write(fixtures, organizations=ORGANIZATIONS)
    output = load(fixtures)
    assert "kept: organization jict is still linked from" in output
    assert Organization.objects.filter(slug="jict").exists()


def test_records_people_made_and_kinds_without_a_file_are_never_deleted(fixtures):
    load(fixtures)
    Organization.objects.create(slug="made-in-admin", name="Made in the admin", kind="other")
    (fixtures / "agreements.yaml").unlink()
    output = load(fixtures)
    assert "removed" not in output
    assert Organization.objects.filter(slug="made-in-admin").exists()
    assert Agreement.objects.filter(slug="moc-japan-vietnam-firefighting").exists()


PEOPLE = """
- slug: kono-takahiro
  name: KONO Takahiro
  appointments:
    - role: Vice-chair
      organization: mic
      term: 2024/2027
      citations:
        - section: "5. (6) A Initiatives in ITU-R"
          quote: For the next study period (2024 to 2027), Mr. KONO Takahiro
  citations:
    - section: "5. (6) A Initiatives in ITU-R"
      quote: For the next study period (2024 to 2027), Mr. KONO Takahiro
"""


def test_an_appointment_term_is_loaded_apart_from_its_date(fixtures):
    write(fixtures, people=PEOPLE)
    load(fixtures)
    post = Person.objects.get(slug="kono-takahiro").appointments.get()
    assert (post.term, post.date) == ("2024/2027", None)
    assert load(fixtures).strip().endswith("Nothing changed.")


def test_a_misspelt_appointment_field_is_refused(fixtures):
    write(fixtures, people=PEOPLE.replace("term:", "period:"))
    with pytest.raises(CommandError, match="appointment: unknown field 'period'"):
        load(fixtures)
