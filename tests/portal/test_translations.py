"""The Japanese catalogue is complete and its compiled .mo (committed, so that `make run`
needs no gettext) says exactly what the .po says."""

import ast
import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
PO = LOCALE / "ja" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
FIELD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$')


def entries(path):
    """Each entry of a .po file: {"flags": [...], "msgid": ..., "msgstr" or "msgstr[0]": ...}."""
    found = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        entry, field = {"flags": []}, None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] += [flag.strip() for flag in line[2:].split(",")]
            elif line.startswith("#"):
                continue
            elif match := FIELD.match(line):
                field = match.group(1)
                entry[field] = ast.literal_eval(match.group(2))
            elif line.startswith('"'):
                entry[field] += ast.literal_eval(line)
        if "msgid" in entry:  # not a block of obsolete (#~) lines
            found.append(entry)
    return found


def messages():
    return [entry for entry in entries(PO) if entry.get("msgid")]


def test_every_message_is_translated_and_none_is_fuzzy():
    untranslated = [
        entry["msgid"]
        for entry in messages()
        if not all(value for key, value in entry.items() if key.startswith("msgstr"))
    ]
    fuzzy = [entry["msgid"] for entry in messages() if "fuzzy" in entry["flags"]]
    assert (untranslated, fuzzy) == ([], [])
    assert len(messages()) > 300


def test_the_compiled_catalogue_matches_the_po_file():
    with MO.open("rb") as file:
        compiled = gettext.GNUTranslations(file)._catalog
    expected = {}
    for entry in messages():
        key = entry["msgid"]
        if "msgctxt" in entry:
            key = f"{entry['msgctxt']}\x04{key}"
        if "msgid_plural" in entry:
            expected[(key, 0)] = entry["msgstr[0]"]
        else:
            expected[key] = entry["msgstr"]
    compiled.pop("", None)  # the header
    assert compiled == expected, "Run: manage.py compilemessages -l ja"


@pytest.mark.skipif(
    shutil.which("xgettext") is None,
    reason="Reading the templates for messages needs GNU gettext: apt-get install gettext.",
)
def test_the_po_file_holds_every_message_the_code_and_templates_have(tmp_path):
    """makemessages over a copy of the project finds no message the .po file lacks."""
    root = Path(settings.BASE_DIR)
    for name in ["manage.py", "pyproject.toml"]:
        shutil.copy(root / name, tmp_path / name)
    for name in ["portal", "countries", "frameworks", "initiatives", "templates", "locale"]:
        shutil.copytree(root / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "ja", "--no-location", "-v0"],
        cwd=tmp_path,
        check=True,
        env={"SECRET_KEY": "x", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path)},
    )
    made = {(e.get("msgctxt"), e["msgid"]) for e in entries(tmp_path / PO.relative_to(root))}
    kept = {(e.get("msgctxt"), e["msgid"]) for e in entries(PO)}
    made, kept = ({key for key in keys if key[1]} for keys in (made, kept))
    assert made - kept == set(), "Run: manage.py makemessages -l ja, then translate"
    assert kept - made == set(), "The .po file holds messages nothing uses any more"
