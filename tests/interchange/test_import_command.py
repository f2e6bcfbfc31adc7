"""``sunflower import-hmis-csv`` and the Python API the upload page and its task call."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from sunflower.hmis import models as hmis
from sunflower.interchange.importer import findings_as_csv, run_import
from sunflower.interchange.models import ImportRun

pytestmark = [pytest.mark.interchange, pytest.mark.django_db]


def run_command(*args):
    out = io.StringIO()
    try:
        call_command("import-hmis-csv", *map(str, args), stdout=out, stderr=io.StringIO())
    except SystemExit as exc:
        return exc.code, out.getvalue()
    return 0, out.getvalue()


def test_the_command_imports_and_prints_a_summary(ic, tmp_path):
    folder = ic.write_export(tmp_path / "export")
    code, out = run_command(folder)
    assert code == 0, out
    assert "succeeded" in out and "Imported 32 rows into 'Tiny HMIS'" in out
    assert "Client.csv" in out and "0 errors, 0 warnings" in out
    code, out = run_command(folder, "--source", "Again")
    assert code == 0 and hmis.DataSource.objects.filter(name="Again").exists()
    run = ImportRun.objects.order_by("-id").first()
    assert run.status == "succeeded" and run.requested_by is None  # the audit record


def test_the_command_dry_run(ic, tmp_path):
    code, out = run_command(ic.write_export(tmp_path / "export"), "--dry-run")
    assert code == 0 and "Dry run" in out
    assert not hmis.Client.all_objects.exists()


def test_the_command_exits_1_on_errors_and_writes_the_findings_csv(ic, tmp_path):
    rows = ic.tiny_rows()
    rows["Exit.csv"][0]["EnrollmentID"] = "EN404"
    rows["Client.csv"][0]["SSN"] = "123"
    folder = ic.write_export(tmp_path / "export", rows)
    target = tmp_path / "findings.csv"
    code, out = run_command(folder, "--findings-csv", target)
    assert code == 1
    assert "rejected" in out and "missing_parent" in out and "First 2 findings" in out
    with open(target, encoding="utf-8", newline="") as handle:
        found = list(csv.DictReader(handle))
    assert [row["code"] for row in found] == ["missing_parent", "invalid_ssn"]
    orphan = found[0]
    assert orphan == {
        "severity": "error",
        "code": "missing_parent",
        "file": "Exit.csv",
        "line": "2",
        "column": "EnrollmentID",
        "value": "EN404",
        "message": "EnrollmentID EN404 is not in Enrollment.csv.",
        "expected": "a EnrollmentID of Enrollment.csv",
    }
    assert found[1]["value"] == "***"  # never the SSN in clear
    assert not hmis.Client.all_objects.exists()


def test_run_import_runs_a_queued_upload(ic, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    archive = ic.zip_folder(ic.write_export(tmp_path / "export"), tmp_path / "upload.zip")
    user = _user()
    run = ImportRun.objects.create(
        upload=SimpleUploadedFile("upload.zip", archive.read_bytes()),
        original_name="upload.zip",
        requested_by=user,
        source_name="Uploaded HMIS",
    )
    assert run.status == "queued" and run.live_progress()["done"] == 0
    assert run_import(run) is run
    run.refresh_from_db()
    assert run.status == ImportRun.Status.SUCCEEDED
    assert run.requested_by == user and run.data_source.name == "Uploaded HMIS"
    assert run.rows_read == 32 and run.counts["Enrollment.csv"]["inserted"] == 3
    assert run.live_progress() == {"phase": "done", "done": 32, "total": 32}
    assert run.finished_at >= run.started_at >= run.created_at


def test_a_rejected_upload_keeps_its_findings_for_the_page(ic, tmp_path):
    rows = ic.tiny_rows()
    rows["Enrollment.csv"][0]["EntryDate"] = "2024-02-31"
    folder = ic.write_export(tmp_path / "export", rows)
    run = ImportRun.objects.create(original_name="export", dry_run=True)
    run_import(run, folder)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.REJECTED and run.data_source is None
    assert run.error_count == 1 and run.finding_counts == {"invalid_date": 1}
    finding = run.findings.get()
    assert (finding.file, finding.line, finding.column, finding.value) == (
        "Enrollment.csv",
        2,
        "EntryDate",
        "2024-02-31",
    )
    stream = io.StringIO()
    assert findings_as_csv(run, stream) == 1
    assert stream.getvalue().splitlines()[0] == (
        "severity,code,file,line,column,value,message,expected"
    )


def _user():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(
        email="importer@example.org", password="a-long-enough-password"
    )


def test_the_findings_csv_is_safe_to_open_in_a_spreadsheet():
    from sunflower.interchange.findings import Findings

    findings = Findings()
    findings.add("invalid_code", file="Client.csv", line=2, column="Sex", value="=HYPERLINK(1)")
    stream = io.StringIO()
    findings.to_csv(stream)
    row = next(csv.DictReader(io.StringIO(stream.getvalue())))
    assert row["value"] == "'=HYPERLINK(1)"


def test_the_documentation_lists_every_finding_code_with_its_severity(ic):
    from sunflower.interchange.findings import CODES

    text = (ic.KIT.parents[4] / "docs" / "interchange.md").read_text(encoding="utf-8")
    for code, info in CODES.items():
        assert f"| `{code}` | {info.severity} |" in text, code
    assert text.index("## Import") < text.index("## Export") < text.index("## Older versions")
