"""Each kind of broken file gets its own finding (file, line, column, value, expected), blocks
the import and writes nothing; warnings import."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.utils import timezone

from sunflower.hmis import models as hmis
from sunflower.interchange import writer as writer_module
from sunflower.interchange.findings import CODES, Findings
from sunflower.interchange.importer import import_hmis_csv
from sunflower.interchange.models import ImportRun

pytestmark = [pytest.mark.interchange, pytest.mark.django_db]


def only(result, code):
    found = result.findings.of(code)
    assert found, f"no {code} in {result.findings.by_code()}"
    return found[0]


def rejected(result, code):
    """The import was blocked, and ``code`` is among its errors; returns its first finding."""
    assert result.status == ImportRun.Status.REJECTED, result.message
    assert CODES[code].severity == "error"
    return only(result, code)


@pytest.fixture
def make(ic, tmp_path):
    """make(change) -> the tiny export with ``change(rows)`` applied, as a folder."""
    counter = iter(range(1000))

    def build(change=None, **options):
        rows = ic.tiny_rows()
        if change is not None:
            change(rows)
        return ic.write_export(tmp_path / f"export{next(counter)}", rows, **options)

    return build


@pytest.fixture
def untouched(ic):
    """Asserts at the end of the test that no HUD table changed."""
    before = ic.dump_tables()
    yield
    assert ic.dump_tables() == before


# --- the tiny export is valid ---------------------------------------------------------------


def test_the_tiny_export_imports_cleanly(make, ic):
    result = import_hmis_csv(make())
    assert result.status == "succeeded", result.message
    assert result.findings.by_code() == {}
    ds = hmis.DataSource.objects.get(name="Tiny HMIS")
    service = hmis.Services.all_objects.get(data_source=ds, services_id="S2")
    assert service.fa_amount == Decimal("725.25")
    assert service.fa_start_date == dt.date(2024, 1, 7)
    assert service.enrollment.enrollment_id == "EN2"
    income = hmis.IncomeBenefits.all_objects.get(data_source=ds)
    assert income.earned_amount == Decimal("1250.50")
    affiliation = hmis.Affiliation.all_objects.get(data_source=ds)
    assert (affiliation.project.project_id, affiliation.res_project.project_id) == ("P2", "P1")
    assert hmis.ProjectCoC.all_objects.get(project_coc_id="PC1").zip == "66044"
    question = hmis.AssessmentQuestions.all_objects.get(data_source=ds)
    assert question.assessment.assessment_id == "AS1"
    again = import_hmis_csv(make())
    assert all(c["unchanged"] == c["read"] for c in again.counts.values())


def test_the_source_name_comes_from_the_option_then_source_name_then_source_id(make):
    assert import_hmis_csv(make(), source="County HMIS").source_name == "County HMIS"

    def no_name(rows):
        rows["Export.csv"][0]["SourceName"] = ""

    assert import_hmis_csv(make(no_name)).source_name == "KS-507"
    assert set(hmis.DataSource.objects.values_list("name", flat=True)) >= {
        "County HMIS",
        "KS-507",
    }


def test_progress_is_reported_for_both_phases(make):
    calls = []
    result = import_hmis_csv(make(), progress=lambda *call: calls.append(call))
    phases = [phase for phase, _done, _total in calls]
    assert phases[0] == "validating" and phases[-1] == "writing"
    assert calls[-1][1] == calls[-1][2] == result.rows


def test_a_dry_run_writes_nothing(make, untouched):
    result = import_hmis_csv(make(), dry_run=True)
    assert result.status == "succeeded" and result.dry_run
    assert "nothing was written" in result.message
    assert not hmis.DataSource.objects.filter(name="Tiny HMIS").exists()


# --- files and headers ----------------------------------------------------------------------


def test_a_missing_file(make, untouched):
    finding = rejected(import_hmis_csv(make(skip=("Exit.csv",))), "missing_file")
    assert finding.file == "Exit.csv"
    assert "all 24 files" in finding.expected


def test_an_unknown_file_is_a_warning(make):
    folder = make()
    (folder / "CustomClientExtras.csv").write_text("a,b\n1,2\n")
    result = import_hmis_csv(folder)
    assert result.status == "succeeded"
    assert only(result, "unknown_file").file == "CustomClientExtras.csv"


def test_a_wrong_header(make, untouched):
    folder = make()
    path = folder / "Client.csv"
    path.write_text(path.read_text().replace("FirstName", "FirstNme", 1))
    result = import_hmis_csv(folder)
    unknown = rejected(result, "unknown_column")
    assert (unknown.file, unknown.line, unknown.column) == ("Client.csv", 1, "FirstNme")
    assert "FirstName" in unknown.expected
    missing = rejected(result, "missing_column")
    assert (missing.file, missing.line, missing.column) == ("Client.csv", 1, "FirstName")


def test_headers_match_case_insensitively_in_any_order(make, ic):
    folder = make()
    path = folder / "ProjectCoC.csv"
    headers, rows = ic.read_rows(path)
    reordered = list(reversed(headers))
    text = ic.csv_text(reordered, rows).replace("ZIP", "Zip")
    path.write_text(text)
    result = import_hmis_csv(folder)
    assert result.status == "succeeded", result.findings.by_code()
    assert hmis.ProjectCoC.all_objects.get(project_coc_id="PC1").zip == "66044"


def test_a_duplicate_column(make, untouched):
    folder = make()
    path = folder / "Event.csv"
    lines = path.read_text().splitlines()
    lines[0] += ",EventDate"
    lines[1:] = [line + ",2024-01-09" for line in lines[1:]]
    path.write_text("\n".join(lines) + "\n")
    finding = rejected(import_hmis_csv(folder), "duplicate_column")
    assert (finding.file, finding.column) == ("Event.csv", "EventDate")


def test_an_empty_file(make, untouched):
    folder = make()
    (folder / "Event.csv").write_bytes(b"")
    assert rejected(import_hmis_csv(folder), "empty_file").file == "Event.csv"


def test_a_path_that_is_neither_folder_nor_zip(tmp_path, untouched):
    (tmp_path / "export.csv").write_text("x")
    assert rejected(import_hmis_csv(tmp_path / "export.csv"), "path_not_found")
    assert rejected(import_hmis_csv(tmp_path / "nothing-here"), "path_not_found")


# --- rows and values ------------------------------------------------------------------------


def test_a_duplicate_primary_id(make, untouched):
    def change(rows):
        rows["Client.csv"].append(dict(rows["Client.csv"][0]))

    finding = rejected(import_hmis_csv(make(change)), "duplicate_id")
    assert (finding.file, finding.line, finding.column, finding.value) == (
        "Client.csv",
        4,
        "PersonalID",
        "C1",
    )


def test_an_orphan_enrollment(make, untouched):
    def change(rows):
        rows["Enrollment.csv"][1]["PersonalID"] = "C9"

    finding = rejected(import_hmis_csv(make(change)), "missing_parent")
    assert (finding.file, finding.line, finding.column, finding.value) == (
        "Enrollment.csv",
        3,
        "PersonalID",
        "C9",
    )
    assert finding.expected == "a PersonalID of Client.csv"
    assert "not in Client.csv" in finding.message


def test_an_enrollment_of_a_missing_project(make, untouched):
    def change(rows):
        rows["Enrollment.csv"][0]["ProjectID"] = "P404"

    finding = rejected(import_hmis_csv(make(change)), "missing_parent")
    assert (finding.file, finding.column, finding.value) == ("Enrollment.csv", "ProjectID", "P404")


def test_an_orphan_exit(make, untouched):
    def change(rows):
        rows["Exit.csv"][0]["EnrollmentID"] = "EN404"

    finding = rejected(import_hmis_csv(make(change)), "missing_parent")
    assert (finding.file, finding.line, finding.column, finding.value) == (
        "Exit.csv",
        2,
        "EnrollmentID",
        "EN404",
    )
    assert finding.expected == "a EnrollmentID of Enrollment.csv"


def test_a_parent_already_imported_from_the_same_source_is_not_an_orphan(make):
    assert import_hmis_csv(make()).ok

    def delta(rows):  # a delta export: a new service for an enrollment sent earlier
        for name in rows:
            if name not in ("Export.csv", "Services.csv"):
                rows[name] = []
        rows["Services.csv"] = [dict(rows["Services.csv"][0], ServicesID="S9")]

    result = import_hmis_csv(make(delta))
    assert result.ok, result.findings.by_code()
    assert result.counts["Services.csv"]["inserted"] == 1
    service = hmis.Services.all_objects.get(services_id="S9")
    assert service.enrollment.enrollment_id == "EN1" and service.user.user_id == "U1"
    # ...but from another source it is.
    other = import_hmis_csv(make(delta), source="Another HMIS")
    assert rejected(other, "missing_parent").value in ("EN1", "C1")


def test_an_invalid_code(make, untouched):
    def change(rows):
        rows["Client.csv"][1]["VeteranStatus"] = "7"

    finding = rejected(import_hmis_csv(make(change)), "invalid_code")
    assert (finding.file, finding.line, finding.column) == ("Client.csv", 3, "VeteranStatus")
    assert finding.value == "*"  # VeteranStatus is personal data: masked
    assert "NoYesReasonsForMissingData" in finding.expected and "99" in finding.expected


def test_an_invalid_conditional_code(make, untouched):
    def change(rows):
        rows["Services.csv"][0]["TypeProvided"] = "5"  # RecordType 200 (bed night): only 200
        rows["Disabilities.csv"][0]["DisabilityResponse"] = "4"  # type 10: 0-3, 8, 9, 99

    result = import_hmis_csv(make(change))
    codes = {(f.file, f.column, f.value) for f in result.findings.of("invalid_code")}
    assert codes == {
        ("Services.csv", "TypeProvided", "5"),
        ("Disabilities.csv", "DisabilityResponse", "4"),
    }
    assert result.status == "rejected"


def test_a_retired_code_is_a_warning(make):
    def change(rows):
        rows["Funder.csv"][0]["Funder"] = "48"

    result = import_hmis_csv(make(change))
    assert result.ok
    assert only(result, "retired_code").value == "48"
    funder = hmis.Funder.all_objects.get(funder_id="F1")
    # Kept as sent: the data model lists retired codes for historical records.
    assert funder.funder == 48


@pytest.mark.parametrize("value", ["2024-13-01", "01/05/2024", "2024-1-5", "yesterday"])
def test_a_bad_date(make, untouched, value):
    def change(rows):
        rows["Enrollment.csv"][0]["EntryDate"] = value

    finding = rejected(import_hmis_csv(make(change)), "invalid_date")
    assert (finding.file, finding.line, finding.column, finding.value) == (
        "Enrollment.csv",
        2,
        "EntryDate",
        value,
    )
    assert finding.expected == "a date YYYY-MM-DD; required"


def test_a_bad_datetime_and_a_date_only_datetime(make, untouched):
    def change(rows):
        rows["Client.csv"][0]["DateUpdated"] = "2024-01-02T10:00:00"

    finding = rejected(import_hmis_csv(make(change)), "invalid_datetime")
    assert (finding.column, finding.value) == ("DateUpdated", "2024-01-02T10:00:00")


def test_a_date_only_datetime_is_read_as_midnight(make):
    def change(rows):
        rows["Client.csv"][0]["DateCreated"] = "2024-01-02"

    result = import_hmis_csv(make(change))
    assert result.ok
    assert only(result, "datetime_without_time").column == "DateCreated"
    client = hmis.Client.all_objects.get(personal_id="C1")
    assert client.date_created == dt.datetime(2024, 1, 2, tzinfo=timezone.get_default_timezone())


def test_a_missing_required_value(make, untouched):
    def change(rows):
        rows["Exit.csv"][0]["Destination"] = ""

    finding = rejected(import_hmis_csv(make(change)), "missing_value")
    assert (finding.file, finding.line, finding.column) == ("Exit.csv", 2, "Destination")
    assert finding.expected.endswith("; required")


def test_a_too_long_string(make, untouched):
    def change(rows):
        rows["Project.csv"][0]["ProjectName"] = "x" * 201
        rows["Client.csv"][0]["FirstName"] = "Bartholomew" * 5  # 55 characters

    result = import_hmis_csv(make(change))
    findings = {f.column: f for f in result.findings.of("string_too_long")}
    assert findings["ProjectName"].value.startswith("xxx")
    assert "201 characters" in findings["ProjectName"].message
    assert findings["ProjectName"].expected == "text of at most 200 characters; required"
    assert findings["FirstName"].value == "*" * 20  # a name: masked
    assert result.status == "rejected"


def test_a_non_integer(make, untouched):
    def change(rows):
        rows["Inventory.csv"][0]["BedInventory"] = "ten"

    finding = rejected(import_hmis_csv(make(change)), "not_an_integer")
    assert (finding.file, finding.line, finding.column, finding.value) == (
        "Inventory.csv",
        2,
        "BedInventory",
        "ten",
    )
    assert finding.expected == "a whole number; required"


def test_an_integer_too_large(make, untouched):
    def change(rows):
        rows["Inventory.csv"][0]["BedInventory"] = "99999999999"

    assert rejected(import_hmis_csv(make(change)), "integer_out_of_range").value == "99999999999"


@pytest.mark.parametrize(
    ("value", "code"),
    [("12.345", "invalid_money"), ("$12", "invalid_money"), ("-5.00", "negative_money")],
)
def test_bad_money(make, untouched, value, code):
    def change(rows):
        rows["IncomeBenefits.csv"][0]["TotalMonthlyIncome"] = value

    finding = rejected(import_hmis_csv(make(change)), code)
    assert (finding.column, finding.value) == ("TotalMonthlyIncome", value)


def test_an_exit_before_entry(make, untouched):
    def change(rows):
        rows["Exit.csv"][0]["ExitDate"] = "2024-01-01"

    finding = rejected(import_hmis_csv(make(change)), "exit_before_entry")
    assert (finding.file, finding.line, finding.column, finding.value) == (
        "Exit.csv",
        2,
        "ExitDate",
        "2024-01-01",
    )
    assert finding.expected == "on or after 2024-01-05"


def test_two_exits_for_one_enrollment(make, untouched):
    def change(rows):
        rows["Exit.csv"].append(dict(rows["Exit.csv"][0], ExitID="X2"))

    finding = rejected(import_hmis_csv(make(change)), "duplicate_exit")
    assert (finding.line, finding.value) == (3, "EN1")


def test_a_deleted_exit_and_its_replacement_are_fine(make):
    def change(rows):
        rows["Exit.csv"].append(
            dict(rows["Exit.csv"][0], ExitID="X2", DateDeleted="2024-01-21 00:00:00")
        )

    result = import_hmis_csv(make(change))
    assert result.ok, result.findings.by_code()
    assert hmis.Exit.all_objects.count() == 2 and hmis.Exit.objects.count() == 1


def test_an_end_date_before_its_start(make, untouched):
    def change(rows):
        rows["Project.csv"][0]["OperatingEndDate"] = "2019-12-31"

    finding = rejected(import_hmis_csv(make(change)), "end_before_start")
    assert (finding.file, finding.column, finding.value) == (
        "Project.csv",
        "OperatingEndDate",
        "2019-12-31",
    )


def test_export_csv_must_have_one_row(make, untouched):
    def change(rows):
        rows["Export.csv"].append(dict(rows["Export.csv"][0]))

    assert rejected(import_hmis_csv(make(change)), "export_row_count").value == "2"


def test_a_hashed_export_is_refused(make, untouched):
    def change(rows):
        rows["Export.csv"][0]["HashStatus"] = "4"

    assert rejected(import_hmis_csv(make(change)), "hashed_export").column == "HashStatus"


def test_the_native_source_is_refused(make, untouched):
    result = import_hmis_csv(make(), source=hmis.DataSource.native().name)
    rejected(result, "native_source")


def test_warnings_of_the_kits_kinds(make):
    def change(rows):
        rows["Client.csv"][0]["SSN"] = "12345"
        rows["Client.csv"][0]["RaceNone"] = "8"
        rows["Enrollment.csv"][0]["MoveInDate"] = "2024-01-06"  # P1 is a shelter
        rows["Enrollment.csv"][0]["DateToStreetESSH"] = "2024-01-07"
        rows["Enrollment.csv"][1]["EnrollmentCoC"] = "KS-505"
        rows["Enrollment.csv"][1]["RelationshipToHoH"] = "2"  # HH2 has no head
        rows["Enrollment.csv"][2]["UserID"] = "U404"
        rows["Enrollment.csv"][2]["ExportID"] = "E0"
        rows["CurrentLivingSituation.csv"][0]["InformationDate"] = "2023-12-01"
        rows["Assessment.csv"][0]["AssessmentLocation"] = ""
        rows["Services.csv"][0]["PersonalID"] = "C2"  # EN1 is C1's

    result = import_hmis_csv(make(change))
    assert result.ok, result.message
    assert set(result.findings.by_code()) == {
        "invalid_ssn",
        "race_none_with_race",
        "move_in_non_ph",
        "date_to_street_after_entry",
        "enrollment_coc_not_in_project",
        "household_head_count",
        "unknown_user",
        "export_id_mismatch",
        "cls_outside_enrollment",
        "missing_text",
        "client_mismatch",
    }
    assert only(result, "invalid_ssn").value == "*2345"
    enrollment = hmis.Enrollment.all_objects.get(enrollment_id="EN3")
    assert enrollment.user is None and enrollment.export is None


def test_the_findings_collector_keeps_errors_first_and_counts_everything():
    findings = Findings(limit=3)
    for line in range(5):
        findings.add("unknown_user", file="Client.csv", line=line, value="9")
    findings.add("missing_parent", file="Exit.csv", line=7, value="EN9")
    assert findings.counts == {"unknown_user": 5, "missing_parent": 1}
    assert len(findings) == 3 and findings.truncated
    assert [f.code for f in findings] == ["missing_parent", "unknown_user", "unknown_user"]
    assert (findings.error_count, findings.warning_count) == (1, 5)


def test_findings_are_capped_and_counted(make, monkeypatch):
    from sunflower.interchange import importer

    monkeypatch.setattr(importer, "STORED_FINDINGS", 2)

    def change(rows):
        for row in rows["Services.csv"]:
            row["UserID"] = "U404"

    result = import_hmis_csv(make(change))
    run = result.run
    assert run.finding_counts == {"unknown_user": 3}
    assert run.warning_count == 3 and run.findings.count() == 2


# --- all or nothing -------------------------------------------------------------------------


def test_an_error_in_the_last_file_leaves_the_database_as_it_was(make, ic):
    assert import_hmis_csv(make()).ok  # an earlier import, to stay untouched
    before_counts, before = ic.hud_counts(), ic.dump_tables()

    def change(rows):
        rows["Client.csv"][0]["FirstName"] = "Changed"
        rows["Client.csv"][0]["DateUpdated"] = "2025-01-01 00:00:00"
        rows["Client.csv"].append(dict(rows["Client.csv"][1], PersonalID="C3"))
        rows["YouthEducationStatus.csv"][0]["EnrollmentID"] = "EN404"  # the last file

    result = import_hmis_csv(make(change))
    finding = rejected(result, "missing_parent")
    assert finding.file == "YouthEducationStatus.csv"
    assert ic.hud_counts() == before_counts
    assert ic.dump_tables() == before


def test_a_database_failure_mid_write_rolls_everything_back(make, ic, monkeypatch):
    before_counts, before = ic.hud_counts(), ic.dump_tables()
    original = writer_module.Writer.for_connection

    def failing(*args, **kwargs):
        writer = original(*args, **kwargs)
        write_file = writer.write_file

        def write_file_then_fail(plan):
            if plan.hud_file.file_name == "Services.csv":
                raise IntegrityError("injected failure while writing Services.csv")
            return write_file(plan)

        writer.write_file = write_file_then_fail
        return writer

    monkeypatch.setattr(writer_module.Writer, "for_connection", staticmethod(failing))
    result = import_hmis_csv(make())
    assert result.status == ImportRun.Status.FAILED
    finding = only(result, "database_error")
    assert "injected failure" in finding.message
    assert ic.hud_counts() == before_counts
    assert ic.dump_tables() == before
    run = ImportRun.objects.get(pk=result.run.pk)
    assert run.status == "failed" and run.data_source is None
    assert run.findings.filter(code="database_error").exists()


def test_a_refusal_by_the_database_itself_rolls_back(make, ic):
    assert import_hmis_csv(make()).ok
    before = ic.dump_tables()

    def change(rows):  # a new ExitID for EN1 while the old exit stays: one exit too many
        rows["Exit.csv"][0]["ExitID"] = "X1-new"
        rows["Client.csv"][0]["DateUpdated"] = "2025-01-01 00:00:00"
        rows["Client.csv"][0]["FirstName"] = "Changed"

    result = import_hmis_csv(make(change))
    assert result.status == ImportRun.Status.FAILED, result.message
    assert only(result, "database_error")
    assert ic.dump_tables() == before


def test_records_keep_their_soft_delete(make):
    def change(rows):
        rows["Client.csv"][1]["DateDeleted"] = "2024-01-30 12:00:00"

    assert import_hmis_csv(make(change)).ok
    assert hmis.Client.all_objects.get(personal_id="C2").is_deleted
    assert not hmis.Client.objects.filter(personal_id="C2").exists()
