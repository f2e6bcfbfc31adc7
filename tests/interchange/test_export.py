"""The HMIS CSV FY2026 export (sunflower.interchange.exporter): files and headers, HUD's record
selection for a reporting period, deleted records, scope, hashing, formats, query count."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sunflower.accounts.models import User
from sunflower.accounts.roles import Role
from sunflower.hmis import models as hmis
from sunflower.hmis.testing import (
    make_assessment,
    make_enrollment,
    make_organization,
    make_project,
)
from sunflower.interchange import exporter
from sunflower.interchange.exporter import export_hmis_csv, hash_name, hash_ssn, soundex

pytestmark = [pytest.mark.interchange, pytest.mark.django_db]

START, END = dt.date(2025, 1, 1), dt.date(2025, 6, 30)
UTC = dt.UTC


def spec_headers() -> dict[str, list[str]]:
    """The FY2026 headers, read straight from the spec table (not through HUD_FILES)."""
    spec = resources.files("sunflower.hmis").joinpath("spec", "fy2026", "csv_columns.csv")
    headers: dict[str, list[tuple[int, str]]] = {}
    with spec.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            headers.setdefault(row["file"], []).append((int(row["position"]), row["column"]))
    return {file: [name for _, name in sorted(columns)] for file, columns in headers.items()}


def read_zip(data: bytes | io.BytesIO) -> tuple[dict[str, bytes], dict[str, list[dict]]]:
    """(raw bytes per file, rows per file as dicts)."""
    archive = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data)
    raw = {name: archive.read(name) for name in archive.namelist()}
    rows = {
        name: list(csv.DictReader(io.StringIO(content.decode("utf-8"), newline="")))
        for name, content in raw.items()
    }
    return raw, rows


def run_export(**kwargs) -> tuple[exporter.ExportResult, dict[str, bytes], dict[str, list[dict]]]:
    kwargs.setdefault("user", None)
    kwargs.setdefault("start", START)
    kwargs.setdefault("end", END)
    buffer = io.BytesIO()
    result = export_hmis_csv(output=buffer, **kwargs)
    raw, rows = read_zip(buffer.getvalue())
    return result, raw, rows


def ids(rows: list[dict], column: str) -> set[str]:
    return {row[column] for row in rows}


@dataclass
class Data:
    agency: hmis.Organization
    other_agency: hmis.Organization
    project: hmis.Project
    residential: hmis.Project
    other_project: hmis.Project
    before: hmis.Enrollment  # exited before the start: out
    after: hmis.Enrollment  # entered after the end: out
    spanning: hmis.Enrollment  # entered before, exited inside: in
    open: hmis.Enrollment  # no exit: in
    exits_later: hmis.Enrollment  # exit after the end: in, its exit is "from the future"
    deleted: hmis.Enrollment  # soft-deleted: out of a full refresh
    other: hmis.Enrollment  # another agency's project
    old_service: hmis.Services  # before the start, on an included enrollment: in
    future_service: hmis.Services  # after the end: out
    deleted_service: hmis.Services
    income: hmis.IncomeBenefits
    assessment: hmis.Assessment
    question: hmis.AssessmentQuestions
    staff: hmis.HmisUser
    unused_staff: hmis.HmisUser


def _exit(enrollment, day):
    return hmis.Exit.objects.create(
        enrollment=enrollment, client=enrollment.client, exit_date=day, destination=99
    )


def _service(enrollment, day):
    return hmis.Services.objects.create(
        enrollment=enrollment,
        client=enrollment.client,
        date_provided=day,
        record_type=200,
        type_provided=200,
    )


@pytest.fixture
def data(settings) -> Data:
    settings.TIME_ZONE = "America/Chicago"
    staff = hmis.HmisUser.objects.create(user_first_name="Casey", user_last_name="Worker")
    unused_staff = hmis.HmisUser.objects.create(user_first_name="Not", user_last_name="Named")
    agency = make_organization(organization_name="Agency A")
    other_agency = make_organization(organization_name="Agency B")
    project = make_project(agency, project_type=6, project_name="A Services")
    residential = make_project(other_agency, project_type=3, project_name="B Housing")
    other_project = make_project(other_agency, project_type=0, project_name="B Shelter")
    hmis.Affiliation.objects.create(project=project, res_project=residential)
    for p, coc in ((project, "KS-507"), (residential, "KS-505"), (other_project, "KS-505")):
        hmis.ProjectCoC.objects.create(project=p, coc_code=coc, geocode="209169", zip="06601")
        hmis.Funder.objects.create(
            project=p, funder=2, grant_id="G-1", start_date=dt.date(2020, 1, 1)
        )
        hmis.Inventory.objects.create(
            project=p,
            coc_code=coc,
            household_type=1,
            unit_inventory=5,
            bed_inventory=5,
            inventory_start_date=dt.date(2020, 1, 1),
        )
        hmis.HMISParticipation.objects.create(
            project=p,
            hmis_participation_type=1,
            hmis_participation_status_start_date=dt.date(2020, 1, 1),
        )
        hmis.CEParticipation.objects.create(
            project=p,
            access_point=0,
            receives_referrals=1,
            ce_participation_status_start_date=dt.date(2020, 1, 1),
        )

    before = make_enrollment(project=project, entry_date=dt.date(2024, 1, 1))
    _exit(before, dt.date(2024, 12, 31))
    after = make_enrollment(project=project, entry_date=dt.date(2025, 7, 1))
    spanning = make_enrollment(project=project, entry_date=dt.date(2024, 6, 1), user=staff)
    _exit(spanning, dt.date(2025, 1, 1))
    open_ = make_enrollment(project=project, entry_date=dt.date(2025, 6, 30))
    exits_later = make_enrollment(project=project, entry_date=dt.date(2025, 5, 1))
    _exit(exits_later, dt.date(2025, 7, 2))
    deleted = make_enrollment(project=project, entry_date=dt.date(2025, 2, 1))
    deleted.soft_delete()
    other = make_enrollment(project=other_project, entry_date=dt.date(2025, 3, 1))

    old_service = _service(spanning, dt.date(2024, 7, 1))
    future_service = _service(spanning, dt.date(2025, 7, 1))
    _service(before, dt.date(2024, 2, 1))
    deleted_service = _service(open_, dt.date(2025, 6, 30))
    deleted_service.soft_delete()
    income = hmis.IncomeBenefits.objects.create(
        enrollment=open_,
        client=open_.client,
        information_date=dt.date(2025, 6, 30),
        data_collection_stage=1,
        income_from_any_source=1,
        total_monthly_income=Decimal("1100"),
        earned=1,
        earned_amount=Decimal("12.5"),
        date_created=dt.datetime(2025, 1, 2, 15, 4, 5, tzinfo=UTC),
    )
    assessment = make_assessment(open_)
    question = hmis.AssessmentQuestions.objects.create(
        assessment=assessment,
        enrollment=open_,
        client=open_.client,
        assessment_question="Nights outside?",
        assessment_answer='About "ten" <nights> {or} [so]',
    )
    return Data(
        agency=agency,
        other_agency=other_agency,
        project=project,
        residential=residential,
        other_project=other_project,
        before=before,
        after=after,
        spanning=spanning,
        open=open_,
        exits_later=exits_later,
        deleted=deleted,
        other=other,
        old_service=old_service,
        future_service=future_service,
        deleted_service=deleted_service,
        income=income,
        assessment=assessment,
        question=question,
        staff=staff,
        unused_staff=unused_staff,
    )


# --- files and headers -------------------------------------------------------------------------


def test_every_fy2026_file_with_its_exact_headers_utf8_crlf(data):
    _result, raw, _rows = run_export(projects=[data.project])
    headers = spec_headers()
    assert set(raw) == set(headers)
    assert len(raw) == 24
    for name, content in raw.items():
        assert not content.startswith(b"\xef\xbb\xbf"), name  # no BOM
        text = content.decode("utf-8")
        first_line = text.split("\r\n", 1)[0]
        assert first_line == ",".join(f'"{h}"' for h in headers[name]), name
        assert text.endswith("\r\n")
        assert "\n" not in text.replace("\r\n", ""), name  # CRLF everywhere


def test_export_csv_row_describes_the_export(data, world):
    user = world.user_with(
        Role.AGENCY_ADMIN, organization=data.agency, first_name="Pat", last_name="Lee"
    )
    result, _raw, rows = run_export(user=user, projects=[data.project])
    (export,) = rows["Export.csv"]
    assert export["ExportID"] == result.export_id and len(result.export_id) == 32
    assert export["SourceType"] == "1"
    assert export["SourceID"] == "KS-507"
    assert (export["SourceContactFirst"], export["SourceContactLast"]) == ("Pat", "Lee")
    assert export["SourceContactEmail"] == user.email
    assert (export["ExportStartDate"], export["ExportEndDate"]) == ("2025-01-01", "2025-06-30")
    assert export["SoftwareName"] == "Sunflower"
    assert export["CSVVersion"] == "2026 v1.0"
    assert (export["ExportPeriodType"], export["ExportDirective"], export["HashStatus"]) == (
        "3",
        "2",
        "1",
    )
    assert export["ImplementationID"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", export["ExportDate"])
    for name, file_rows in rows.items():
        assert ids(file_rows, "ExportID") <= {result.export_id}, name
    saved = hmis.Export.objects.get(export_id=result.export_id)
    assert saved.hash_status == 1 and saved.source_contact_email == user.email


# --- which records -------------------------------------------------------------------------


def test_reporting_period_enrollments_and_their_clients(data):
    _result, _raw, rows = run_export(projects=[data.project])
    assert ids(rows["Enrollment.csv"], "EnrollmentID") == {
        data.spanning.enrollment_id,
        data.open.enrollment_id,
        data.exits_later.enrollment_id,
    }
    exported = [data.spanning, data.open, data.exits_later]
    assert ids(rows["Client.csv"], "PersonalID") == {e.client.personal_id for e in exported}
    assert data.before.client.personal_id not in ids(rows["Client.csv"], "PersonalID")


def test_enrollment_records_follow_their_enrollment_and_stop_at_the_end_date(data):
    _result, _raw, rows = run_export(projects=[data.project])
    # Exits: the spanning one; the exit after the end date is "from the future".
    assert ids(rows["Exit.csv"], "EnrollmentID") == {data.spanning.enrollment_id}
    # Services: the old one of an included enrollment is in, the future one is out, those of
    # the excluded enrollment are out.
    assert ids(rows["Services.csv"], "ServicesID") == {data.old_service.services_id}
    assert ids(rows["IncomeBenefits.csv"], "IncomeBenefitsID") == {data.income.income_benefits_id}
    assert ids(rows["Assessment.csv"], "AssessmentID") == {data.assessment.assessment_id}
    assert ids(rows["AssessmentQuestions.csv"], "AssessmentQuestionID") == {
        data.question.assessment_question_id
    }
    (question,) = rows["AssessmentQuestions.csv"]
    assert question["AssessmentID"] == data.assessment.assessment_id
    assert question["PersonalID"] == data.open.client.personal_id
    # Every PersonalID / EnrollmentID of an enrollment file is exported.
    clients = ids(rows["Client.csv"], "PersonalID")
    enrollments = ids(rows["Enrollment.csv"], "EnrollmentID")
    for name in exporter.ENROLLMENT_FILES:
        assert ids(rows[name], "PersonalID") <= clients, name
        assert ids(rows[name], "EnrollmentID") <= enrollments, name


def test_descriptor_files_for_the_selected_projects(data):
    _result, _raw, rows = run_export(projects=[data.project])
    # The affiliation's residential project is in Project.csv (HUD), with its organization.
    assert ids(rows["Project.csv"], "ProjectID") == {
        data.project.project_id,
        data.residential.project_id,
    }
    assert ids(rows["Organization.csv"], "OrganizationID") == {
        data.agency.organization_id,
        data.other_agency.organization_id,
    }
    for name in ("Funder.csv", "ProjectCoC.csv", "Inventory.csv", "HMISParticipation.csv"):
        assert ids(rows[name], "ProjectID") == {data.project.project_id}, name
    assert ids(rows["CEParticipation.csv"], "ProjectID") == {data.project.project_id}
    (affiliation,) = rows["Affiliation.csv"]
    assert affiliation["ResProjectID"] == data.residential.project_id


def test_user_csv_holds_exactly_the_users_named(data):
    _result, _raw, rows = run_export(projects=[data.project])
    assert ids(rows["User.csv"], "UserID") == {data.staff.user_id}
    named = set()
    for name, file_rows in rows.items():
        if file_rows and "UserID" in file_rows[0] and name != "User.csv":
            named |= ids(file_rows, "UserID") - {""}
    assert named == {data.staff.user_id}


def test_full_refresh_leaves_deleted_records_out(data):
    _result, _raw, rows = run_export(projects=[data.project])
    assert data.deleted.enrollment_id not in ids(rows["Enrollment.csv"], "EnrollmentID")
    assert data.deleted_service.services_id not in ids(rows["Services.csv"], "ServicesID")
    for name, file_rows in rows.items():
        if file_rows and "DateDeleted" in file_rows[0]:
            assert ids(file_rows, "DateDeleted") <= {""}, name


def test_delta_refresh_includes_deleted_records_with_date_deleted(data):
    _result, _raw, rows = run_export(projects=[data.project], directive=exporter.DELTA_REFRESH)
    enrollments = {row["EnrollmentID"]: row for row in rows["Enrollment.csv"]}
    assert enrollments[data.deleted.enrollment_id]["DateDeleted"]
    assert enrollments[data.open.enrollment_id]["DateDeleted"] == ""
    services = {row["ServicesID"]: row for row in rows["Services.csv"]}
    assert services[data.deleted_service.services_id]["DateDeleted"]
    assert rows["Export.csv"][0]["ExportDirective"] == "1"


def test_deleted_projects_follow_the_policy_in_a_delta_export(data, world):
    gone = make_project(data.agency, project_name="Closed")
    gone.soft_delete()
    theirs = make_project(data.other_agency, project_name="Their closed")
    theirs.soft_delete()
    user = world.user_with(Role.AGENCY_ADMIN, organization=data.agency)
    _result, _raw, rows = run_export(user=user, directive=exporter.DELTA_REFRESH)
    projects = {row["ProjectID"]: row for row in rows["Project.csv"]}
    assert projects[gone.project_id]["DateDeleted"]
    assert theirs.project_id not in projects
    with pytest.raises(PermissionDenied):
        run_export(user=user, projects=[theirs], directive=exporter.DELTA_REFRESH)
    # A full refresh leaves the deleted project out, even when asked for by the system.
    _result, _raw, rows = run_export(directive=exporter.FULL_REFRESH)
    assert gone.project_id not in ids(rows["Project.csv"], "ProjectID")


def test_updated_period_type_selects_records_changed_in_the_period(data):
    hmis.Enrollment.objects.filter(pk=data.spanning.pk).update(
        date_created=dt.datetime(2020, 1, 1, tzinfo=UTC),
        date_updated=dt.datetime(2020, 1, 2, tzinfo=UTC),
    )
    _result, _raw, rows = run_export(
        projects=[data.project],
        period_type=exporter.UPDATED,
        start=dt.date(2019, 12, 31),
        end=dt.date(2020, 1, 1),
    )
    assert ids(rows["Enrollment.csv"], "EnrollmentID") == {data.spanning.enrollment_id}
    assert rows["Services.csv"] == []
    assert rows["Export.csv"][0]["ExportPeriodType"] == "1"


def test_coc_selects_projects_and_enrollments_of_that_coc(data):
    _result, _raw, rows = run_export(coc_code="KS-505")
    assert ids(rows["Project.csv"], "ProjectID") == {
        data.residential.project_id,
        data.other_project.project_id,
    }
    assert ids(rows["ProjectCoC.csv"], "CoCCode") == {"KS-505"}
    # make_enrollment records EnrollmentCoC KS-507: HUD matches the enrollment's CoC too.
    assert rows["Enrollment.csv"] == []
    hmis.Enrollment.objects.filter(pk=data.other.pk).update(enrollment_coc="KS-505")
    _result, _raw, rows = run_export(coc_code="KS-505")
    assert ids(rows["Enrollment.csv"], "EnrollmentID") == {data.other.enrollment_id}
    assert rows["Export.csv"][0]["SourceID"] == "KS-505"


# --- scope ---------------------------------------------------------------------------------


def test_agency_user_cannot_export_another_agencys_project(data, world):
    user = world.user_with(Role.AGENCY_ADMIN, organization=data.agency)
    with pytest.raises(PermissionDenied):
        run_export(user=user, projects=[data.project, data.other_project])
    with pytest.raises(PermissionDenied):
        run_export(user=user, projects=hmis.Project.objects.filter(pk=data.other_project.pk))


def test_agency_user_exports_only_their_projects(data, world):
    user = world.user_with(Role.AGENCY_CES, organization=data.agency)
    _result, _raw, rows = run_export(user=user)  # every project they may reach
    # The world fixture's projects belong to other agencies: only Agency A's project is in.
    selected = ids(rows["Funder.csv"], "ProjectID")
    assert selected == {data.project.project_id}
    assert data.other.enrollment_id not in ids(rows["Enrollment.csv"], "EnrollmentID")
    assert ids(rows["Enrollment.csv"], "ProjectID") == {data.project.project_id}


def test_users_without_report_access_are_refused(data, world):
    user = world.user_with(Role.ACCESS_POINT, organization=data.agency)
    with pytest.raises(PermissionDenied):
        run_export(user=user)


def test_hmis_admin_reaches_every_project(data, world):
    user = world.user_with(Role.HMIS_ADMIN, organization=world.lead_agency)
    _result, _raw, rows = run_export(user=user, projects=[data.project, data.other_project])
    assert data.other.enrollment_id in ids(rows["Enrollment.csv"], "EnrollmentID")


def test_clashing_project_ids_of_two_data_sources_are_refused(data):
    other_source = hmis.DataSource.objects.create(name="Imported")
    organization = make_organization(data_source=other_source)
    make_project(organization, data_source=other_source, project_id=data.project.project_id)
    with pytest.raises(exporter.ExportError, match="several data sources"):
        run_export()
    _result, _raw, rows = run_export(projects=hmis.Project.objects.filter(data_source_id=1))
    assert data.project.project_id in ids(rows["Project.csv"], "ProjectID")


# --- hashing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Robert", "R163"),
        ("Rupert", "R163"),
        ("Rubin", "R150"),
        ("Ashcraft", "A261"),
        ("Tymczak", "T522"),
        ("Pfister", "P236"),
        ("Honeyman", "H555"),
        ("Lee", "L000"),
        ("O'Brien", "O165"),
        ("José", "J200"),
        ("", ""),
        ("123", ""),
    ],
)
def test_soundex(name, code):
    assert soundex(name) == code


def test_hashes_follow_hud_sha256_rules():
    sha = lambda text: hashlib.sha256(text.encode()).hexdigest()  # noqa: E731
    assert hash_name("Robert") == sha("R163") == hash_name("rupert")
    assert len(hash_name("Robert")) == 64
    assert hash_name("") == ""
    assert hash_ssn("123456789") == "6789" + sha("123456789")
    assert len(hash_ssn("123456789")) == 68
    # Partial SSNs: missing digits are lower-case x before hashing.
    assert hash_ssn("XXXXX6789") == "6789" + sha("xxxxx6789") == hash_ssn("6789")
    assert hash_ssn("") == ""


def test_hash_status_4_hashes_names_and_ssn_only(data):
    client = data.open.client
    hmis.Client.objects.filter(pk=client.pk).update(
        first_name="Robert", middle_name="", last_name="Pfister", name_suffix="Jr", ssn="123456789"
    )
    _result, _raw, rows = run_export(projects=[data.project], hash_status=exporter.SHA_256)
    row = next(r for r in rows["Client.csv"] if r["PersonalID"] == client.personal_id)
    sha = lambda text: hashlib.sha256(text.encode()).hexdigest()  # noqa: E731
    assert row["FirstName"] == sha("R163")
    assert row["MiddleName"] == ""
    assert row["LastName"] == sha("P236")
    assert row["NameSuffix"] == "Jr"  # HUD: these four fields "and no others"
    assert row["SSN"] == "6789" + sha("123456789")
    assert row["DOB"] == "1980-01-01"
    assert rows["Export.csv"][0]["HashStatus"] == "4"


# --- formats -------------------------------------------------------------------------------


def test_value_formats(data):
    hmis.Project.objects.filter(pk=data.project.pk).update(
        project_common_name='The "Best" <Place> {x}'
    )
    _result, raw, rows = run_export(projects=[data.project])
    (income,) = rows["IncomeBenefits.csv"]
    assert income["TotalMonthlyIncome"] == "1100.00"
    assert income["EarnedAmount"] == "12.50"
    assert income["UnemploymentAmount"] == ""
    # 15:04:05 UTC is 09:04:05 in Chicago (CST).
    assert income["DateCreated"] == "2025-01-02 09:04:05"
    assert income["InformationDate"] == "2025-06-30"
    line = raw["IncomeBenefits.csv"].decode().split("\r\n")[1]
    assert f'"{data.income.income_benefits_id}",' in line  # strings quoted
    assert ',"2025-06-30",1,1100.00,1,12.50,' in line  # dates quoted, numbers not
    project = next(r for r in rows["Project.csv"] if r["ProjectID"] == data.project.project_id)
    assert project["ProjectCommonName"] == 'The "Best" Place x'
    assert '"The ""Best"" Place x"' in raw["Project.csv"].decode()
    (question,) = rows["AssessmentQuestions.csv"]
    assert question["AssessmentAnswer"] == 'About "ten" nights or so'
    assert rows["ProjectCoC.csv"][0]["ZIP"] == "06601"


def test_database_and_python_formatting_give_the_same_bytes(data):
    # PostgreSQL formats the lines in the database; SQLite falls back to Python for both runs,
    # so there the test proves the flag changes nothing.
    hmis.Project.objects.filter(pk=data.project.pk).update(
        project_common_name='The "Best" <Place> {x}', project_name="{}"
    )
    outputs = []
    for in_database in (True, False):
        result, raw, _rows = run_export(
            projects=[data.project],
            directive=exporter.DELTA_REFRESH,
            format_in_database=in_database,
        )
        outputs.append(
            {
                name: sorted(content.decode().replace(result.export_id, "ID").split("\r\n"))
                for name, content in raw.items()
                if name != "Export.csv"
            }
        )
    assert outputs[0] == outputs[1]


# --- queries and streaming -----------------------------------------------------------------


def _add_enrollments(project, count, staff):
    for _ in range(count):
        enrollment = make_enrollment(project=project, entry_date=dt.date(2025, 2, 1), user=staff)
        _service(enrollment, dt.date(2025, 2, 2))
        hmis.IncomeBenefits.objects.create(
            enrollment=enrollment,
            client=enrollment.client,
            information_date=dt.date(2025, 2, 1),
            data_collection_stage=1,
        )


def test_query_count_does_not_grow_with_rows(world):
    project = make_project(world.own_agency)
    staff = hmis.HmisUser.objects.create(user_first_name="Q")
    user_pk = world.user_with(Role.AGENCY_ADMIN, organization=world.own_agency).pk
    # The content-type cache is process-wide (the audit log reads it); warm it so both measured
    # runs start alike whatever ran before this test.
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.get_for_models(*apps.get_models())
    counts = []
    for more in (5, 45):
        _add_enrollments(project, more, staff)
        user = User.objects.get(pk=user_pk)  # no membership cache from the previous run
        with CaptureQueriesContext(connection) as queries:
            result, _raw, rows = run_export(user=user, projects=[project])
        counts.append((len(queries), len(rows["Enrollment.csv"])))
    (few_queries, few), (many_queries, many) = counts
    assert (few, many) == (5, 50)
    assert few_queries == many_queries
    assert few_queries < 45  # about one per file plus the scope


def test_progress_and_result(data):
    seen = []
    result, _raw, rows = run_export(
        projects=[data.project], progress=lambda name, n: seen.append((name, n))
    )
    assert list(result.counts) == list(exporter.FILE_ORDER)
    assert result.counts["Enrollment.csv"] == len(rows["Enrollment.csv"]) == 3
    assert result.rows == sum(len(r) for r in rows.values())
    assert result.seconds > 0 and result.rows_per_second > 0
    assert ("Enrollment.csv", 3) in seen
    assert "total" in result.lines()[-1]


def test_writes_to_a_path_and_checks_parameters(data, tmp_path):
    path = tmp_path / "export.zip"
    result = export_hmis_csv(user=None, output=path, projects=[data.project], start=START, end=END)
    assert result.path == path and zipfile.is_zipfile(path)
    with pytest.raises(exporter.ExportError):
        export_hmis_csv(user=None, output=tmp_path / "x.zip", start=END, end=START)
    with pytest.raises(exporter.ExportError):
        export_hmis_csv(user=None, output=tmp_path / "x.zip", start=START, end=END, hash_status=2)
    with pytest.raises(exporter.ExportError):
        export_hmis_csv(user=None, output=tmp_path / "x.zip", start=START, end=END, coc_code="X")
    assert not (tmp_path / "x.zip").exists()


# --- the command ---------------------------------------------------------------------------


def export_command(path, *options):
    out = io.StringIO()
    dates = ["--start", "2025-01-01", "--end", "2025-06-30", "--quiet-progress"]
    call_command("export-hmis-csv", str(path), *dates, *options, stdout=out)
    return out.getvalue()


def test_command_all_projects_and_user(data, world, tmp_path):
    path = tmp_path / "all.zip"
    out = export_command(path, "--all")
    assert "Enrollment.csv" in out and "rows/s" in out
    _raw, rows = read_zip(path.read_bytes())
    assert data.other.enrollment_id in ids(rows["Enrollment.csv"], "EnrollmentID")

    world.user_with(Role.AGENCY_ADMIN, organization=data.agency, email="a@example.org")
    path = tmp_path / "mine.zip"
    mine = ["--projects", data.project.project_id, "--user", "A@example.org"]
    export_command(path, *mine, "--hash", "--directive", "delta")
    _raw, rows = read_zip(path.read_bytes())
    assert rows["Export.csv"][0]["HashStatus"] == "4"
    assert rows["Export.csv"][0]["ExportDirective"] == "1"
    assert rows["Export.csv"][0]["SourceContactEmail"] == "a@example.org"

    refused = tmp_path / "no.zip"
    theirs = ["--projects", data.other_project.project_id, "--user", "a@example.org"]
    with pytest.raises(CommandError, match="Refused"):
        export_command(refused, *theirs)
    with pytest.raises(CommandError, match="--user is required"):
        export_command(refused, "--coc", "KS-507")
    with pytest.raises(CommandError, match="No such project"):
        export_command(refused, "--projects", "nope", "--user", "a@example.org")
    assert not refused.exists()
