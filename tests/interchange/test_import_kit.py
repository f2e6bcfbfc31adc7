"""HUD's FY2026 test kit imports whole, with its known findings as warnings; re-importing it
changes nothing; a newer export updates exactly what changed."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.utils import timezone

from sunflower.hmis import models as hmis
from sunflower.hmis.hud_columns import HUD_FILES
from sunflower.interchange.findings import CODES, ERROR
from sunflower.interchange.importer import import_hmis_csv
from sunflower.interchange.models import ImportFinding, ImportRun

pytestmark = [pytest.mark.interchange, pytest.mark.django_db]

SOURCE = "I COUNT Network"  # Export.csv SourceName


def kit_row_counts(kit_dir) -> dict[str, int]:
    counts = {}
    for name in HUD_FILES:
        with open(kit_dir / name, encoding="utf-8", newline="") as handle:
            counts[name] = sum(1 for _ in csv.reader(handle)) - 1
    return counts


@pytest.fixture(scope="module")
def kit(django_db_setup, django_db_blocker, ic):
    """The kit imported once for the module, inside a transaction rolled back at the end (each
    test runs in its own savepoint within it)."""
    with django_db_blocker.unblock(), transaction.atomic():
        before = ic.hud_counts()
        result = import_hmis_csv(ic.KIT)
        yield SimpleNamespace(
            result=result,
            before=before,
            data_source=hmis.DataSource.objects.get(name=SOURCE),
            dump=ic.dump_tables(),
        )
        transaction.set_rollback(True)


def test_the_kit_imports_with_no_error_and_every_row_lands(kit, ic):
    result = kit.result
    assert result.status == "succeeded", result.message
    assert result.error_count == 0, [f for f in result.findings if f.severity == ERROR][:5]
    expected = kit_row_counts(ic.KIT)
    assert sum(expected.values()) == 19_453
    assert {name: counts["read"] for name, counts in result.counts.items()} == expected
    assert {name: counts["inserted"] for name, counts in result.counts.items()} == expected
    for name, hud_file in HUD_FILES.items():
        stored = hud_file.model._base_manager.filter(data_source=kit.data_source).count()
        assert stored == expected[name], name


def test_the_kits_known_findings_are_warnings_with_the_kits_counts(kit, ic):
    by_code = kit.result.findings.by_code()
    assert by_code == ic.KIT_WARNINGS
    assert all(CODES[code].severity == "warning" for code in by_code)
    move_in = kit.result.findings.of("move_in_non_ph")
    assert any("826156" in f.message or f.line for f in move_in)
    funder_47 = kit.result.findings.of("retired_code")
    assert {(f.file, f.line, f.column, f.value) for f in funder_47} >= {
        ("Funder.csv", 2, "Funder", "47")
    }


def test_spot_checks(kit):
    ds = kit.data_source
    client = hmis.Client.all_objects.get(data_source=ds, personal_id="528656")
    assert (client.first_name, client.last_name, client.name_suffix) == ("Brow", "Ilk", "Jr.")
    assert client.dob == dt.date(1988, 7, 12)
    assert client.ssn == "836742063"
    assert client.sex == 1 and client.black_af_american == 1 and client.race_none is None
    # Local time (TIME_ZONE) as Django reads a naive datetime.
    assert client.date_created == dt.datetime(
        2015, 1, 6, 10, 19, 36, tzinfo=timezone.get_default_timezone()
    )
    assert client.date_updated == dt.datetime(
        2015, 9, 30, 17, 18, 23, tzinfo=timezone.get_default_timezone()
    )
    assert client.user.user_id == "28"
    assert client.export.export_id == "MERGED-ID"

    enrollment = hmis.Enrollment.all_objects.get(data_source=ds, enrollment_id="849668")
    assert enrollment.project.project_id == "1362"
    assert enrollment.client.personal_id == "595460"
    assert enrollment.household_id == "s_849668"
    assert enrollment.entry_date == dt.date(2022, 5, 4)
    assert enrollment.living_situation == 336
    assert enrollment.date_to_street_essh == dt.date(2022, 5, 4)

    exit_ = hmis.Exit.all_objects.get(data_source=ds, exit_id="826158")
    assert exit_.enrollment.enrollment_id == "826158"
    assert exit_.exit_date == dt.date(2021, 10, 1)
    assert exit_.destination == 410

    income = hmis.IncomeBenefits.all_objects.get(data_source=ds, income_benefits_id="826158_1")
    assert income.total_monthly_income == Decimal("1100.00")

    disability = hmis.Disabilities.all_objects.get(data_source=ds, disabilities_id="826158_1_C")
    assert (disability.disability_type, disability.disability_response) == (7, 0)

    service = hmis.Services.all_objects.get(data_source=ds, services_id="1")
    assert (service.record_type, service.type_provided) == (200, 200)
    assert service.date_provided == dt.date(2021, 8, 22)
    assert service.user.user_id == "26"
    # UserIDs missing from User.csv (73, 19, 0, ...) leave the user empty.
    assert hmis.Services.all_objects.filter(data_source=ds, user__isnull=True).count() == 4269

    organization = hmis.Organization.all_objects.get(data_source=ds, organization_id="1361")
    assert organization.export is None  # ExportID empty
    assert hmis.Project.all_objects.get(data_source=ds, project_id="1362").organization == (
        organization
    )
    # Funder 47 (ESG-CV, retired in FY2026) is kept as sent, with a warning.
    funder = hmis.Funder.all_objects.get(data_source=ds, funder_id="1688")
    assert funder.funder == 47
    # The kit's household with two heads lands (imported records are not held to one head).
    assert hmis.Assessment.all_objects.filter(data_source=ds, assessment_location="").count() == 8
    export = hmis.Export.objects.get(data_source=ds)
    assert (export.export_id, export.source_name, export.csv_version) == (
        "MERGED-ID",
        "I COUNT Network",
        "2026 v1.0",
    )


def test_the_run_is_recorded_with_its_findings(kit, ic):
    KIT_WARNINGS = ic.KIT_WARNINGS
    run = kit.result.run
    run.refresh_from_db()
    assert run.status == ImportRun.Status.SUCCEEDED
    assert run.data_source == kit.data_source
    assert run.source_name == SOURCE
    assert run.error_count == 0 and run.warning_count == sum(KIT_WARNINGS.values())
    assert run.finding_counts == KIT_WARNINGS
    assert run.counts["Client.csv"] == {"read": 514, "inserted": 514, "updated": 0, "unchanged": 0}
    assert run.started_at and run.finished_at and run.finished_at >= run.started_at
    assert run.findings.count() == sum(KIT_WARNINGS.values())
    ssn = ImportFinding.objects.get(
        run=run, code="invalid_ssn", line__isnull=False, value__endswith="5182"
    )
    assert ssn.value == "****5182"  # PersonalID 706394's SSN 92415182, masked
    assert not ImportFinding.objects.filter(run=run, value__contains="92415182").exists()


def test_re_importing_the_same_export_changes_nothing(kit, ic):
    result = import_hmis_csv(ic.KIT)
    assert result.status == "succeeded"
    for name, counts in result.counts.items():
        assert counts["inserted"] == counts["updated"] == 0, name
        assert counts["unchanged"] == counts["read"], name
    assert ic.dump_tables() == kit.dump


def test_the_kit_zipped_in_a_subfolder_imports_the_same(kit, ic, tmp_path):
    archive = ic.zip_folder(ic.KIT, tmp_path / "kit.zip", prefix="export_2026/")
    result = import_hmis_csv(archive, source="Kit from zip")
    assert result.status == "succeeded", result.message
    assert result.findings.by_code() == ic.KIT_WARNINGS
    zipped = hmis.DataSource.objects.get(name="Kit from zip")

    def clients(ds):
        return sorted(
            (
                {
                    k: v
                    for k, v in row.items()
                    if k not in ("id", "data_source_id", "user_id", "export_id")
                }
                for row in hmis.Client.all_objects.filter(data_source=ds).values()
            ),
            key=lambda row: row["personal_id"],
        )

    assert clients(zipped) == clients(kit.data_source)
    assert hmis.Services.all_objects.filter(data_source=zipped).count() == 6385


def test_a_newer_export_updates_exactly_what_changed(kit, ic, kit_copy):
    read_rows, write_rows = ic.read_rows, ic.write_rows
    headers, clients = read_rows(kit_copy / "Client.csv")
    for row in clients:
        if row["PersonalID"] == "528656":
            row["FirstName"] = "Browne"
            row["DateUpdated"] = "2023-01-15 09:30:00"
        if row["PersonalID"] == "595460":
            row["FirstName"] = "Older"  # an older DateUpdated: ignored
            row["DateUpdated"] = "2001-01-01 00:00:00"
    write_rows(kit_copy / "Client.csv", headers, clients)
    headers, enrollments = read_rows(kit_copy / "Enrollment.csv")
    for row in enrollments:
        if row["EnrollmentID"] == "849668":
            row["DateDeleted"] = "2023-01-16 11:00:00"
            row["DateUpdated"] = "2023-01-16 11:00:00"
    write_rows(kit_copy / "Enrollment.csv", headers, enrollments)
    headers, exports = read_rows(kit_copy / "Export.csv")
    exports[0]["ExportDate"] = "2027-01-01 00:00:00"
    write_rows(kit_copy / "Export.csv", headers, exports)

    result = import_hmis_csv(kit_copy)
    assert result.status == "succeeded", result.message
    changed = {name: c["updated"] for name, c in result.counts.items() if c["updated"]}
    assert changed == {"Export.csv": 1, "Client.csv": 1, "Enrollment.csv": 1}
    assert all(c["inserted"] == 0 for c in result.counts.values())

    after = ic.dump_tables()
    for model_name, rows in after.items():
        before = kit.dump[model_name]
        differing = [(old, new) for old, new in zip(before, rows, strict=True) if old != new]
        if model_name == "Client":
            assert len(differing) == 1
            old, new = differing[0]
            assert new["personal_id"] == "528656" and new["first_name"] == "Browne"
            assert new["date_updated"] == dt.datetime(
                2023, 1, 15, 9, 30, tzinfo=timezone.get_default_timezone()
            )
            assert {k for k in new if new[k] != old[k]} == {"first_name", "date_updated"}
        elif model_name == "Enrollment":
            assert len(differing) == 1
            old, new = differing[0]
            assert new["enrollment_id"] == "849668"
            assert {k for k in new if new[k] != old[k]} == {"date_deleted", "date_updated"}
        elif model_name == "Export":
            assert len(differing) == 1
        else:
            assert not differing, model_name
    enrollment = hmis.Enrollment.all_objects.get(
        data_source=kit.data_source, enrollment_id="849668"
    )
    assert enrollment.is_deleted
    assert not hmis.Enrollment.objects.filter(pk=enrollment.pk).exists()
