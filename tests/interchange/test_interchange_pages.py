"""The import and export pages: upload → background job → result page and findings CSV;
export → download; both behind the access policy."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sunflower.accounts.roles import Role
from sunflower.hmis import models as hmis
from sunflower.interchange.importer import import_hmis_csv
from sunflower.interchange.models import ExportRun, ImportRun

pytestmark = [pytest.mark.interchange, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[2]
KIT = ROOT / "tests" / "fixtures" / "testkit" / "fy2026" / "source"
FY2022_KIT = ROOT / "tests" / "fixtures" / "testkit" / "fy2022" / "dec2022_source"


def zipped(folder: Path, drop: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.glob("*.csv")):
            if path.name != drop:
                archive.write(path, path.name)
    return buffer.getvalue()


def test_only_hmis_admins_reach_the_import_page(world, client):
    client.force_login(world.user_with(Role.AGENCY_ADMIN))
    assert client.get(reverse("interchange:imports")).status_code == 403
    client.force_login(world.user_with(Role.HMIS_ADMIN, email="lead@example.org"))
    assert client.get(reverse("interchange:imports")).status_code == 200


def test_uploading_the_kit_imports_it_and_shows_the_result(
    world, client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    admin = world.user_with(Role.HMIS_ADMIN, email="lead@example.org")
    client.force_login(admin)
    upload = SimpleUploadedFile("kit.zip", zipped(KIT), content_type="application/zip")

    with django_capture_on_commit_callbacks(execute=True):
        with_commit = client.post(
            reverse("interchange:imports"), {"file": upload, "source": "Data Lab kit"}
        )

    run = ImportRun.objects.get()
    assert with_commit.status_code == 302
    assert with_commit["Location"] == reverse("interchange:import_detail", args=[run.pk])
    # The job ran in-process (no Redis): the run finished and the kit landed whole.
    run.refresh_from_db()
    assert run.status == ImportRun.Status.SUCCEEDED, run.message
    assert run.requested_by == admin
    assert run.error_count == 0 and run.warning_count > 0
    assert (
        hmis.Client.objects.filter(data_source__name="Data Lab kit").count()
        == sum(1 for _ in (KIT / "Client.csv").open()) - 1
    )
    page = client.get(reverse("interchange:import_detail", args=[run.pk]))
    assert page.status_code == 200
    assert b'data-status="succeeded"' in page.content
    assert b"unknown_user" in page.content
    findings = client.get(reverse("interchange:import_findings_csv", args=[run.pk]))
    assert findings.status_code == 200
    lines = findings.content.decode().splitlines()
    assert len(lines) - 1 == run.findings.count()
    assert "Funder.csv" in findings.content.decode()


def test_an_upload_with_a_missing_file_is_rejected_and_writes_nothing(
    world, client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.user_with(Role.HMIS_ADMIN, email="lead@example.org"))
    before = hmis.Client.all_objects.count()
    upload = SimpleUploadedFile("broken.zip", zipped(KIT, drop="Enrollment.csv"))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("interchange:imports"), {"file": upload})

    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.REJECTED
    assert run.finding_counts.get("missing_file") == 1
    assert hmis.Client.all_objects.count() == before
    page = client.get(reverse("interchange:import_detail", args=[run.pk]))
    assert b"Enrollment.csv" in page.content


def test_the_form_keeps_what_was_typed_when_the_file_is_not_a_zip(world, client):
    client.force_login(world.user_with(Role.HMIS_ADMIN, email="lead@example.org"))
    response = client.post(
        reverse("interchange:imports"),
        {"file": SimpleUploadedFile("Client.csv", b"a,b\n"), "source": "Old HMIS"},
    )
    assert response.status_code == 200
    assert "Upload the export as one .zip file." in response.content.decode()
    assert 'value="Old HMIS"' in response.content.decode()
    assert not ImportRun.objects.exists()


def test_an_fy2022_export_is_converted_and_imported_whole():
    result = import_hmis_csv(FY2022_KIT, source="Data Lab FY2022")
    assert result.error_count == 0, result.sorted_findings()[:10]
    assert result.findings.counts["converted_from_older_version"] >= 1
    data_source = hmis.DataSource.objects.get(name="Data Lab FY2022")
    enrollments = hmis.Enrollment.objects.filter(data_source=data_source)
    assert enrollments.count() == sum(1 for _ in (FY2022_KIT / "Enrollment.csv").open()) - 1
    # FY2022 living situation 1 (emergency shelter) is FY2026's 101.
    assert enrollments.filter(living_situation=101).exists()
    assert not enrollments.filter(living_situation__lt=100, living_situation__gt=99).exists()


def test_agency_user_exports_own_projects_and_downloads_it(
    world, client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    user = world.user_with(Role.AGENCY_CES)
    client.force_login(user)
    page = client.get(reverse("interchange:exports"))
    offered = set(page.context["form"].fields["projects"].queryset)
    assert offered == {world.own_project}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("interchange:exports"),
            {
                "start": "2025-01-01",
                "end": "2025-12-31",
                "projects": [world.own_project.pk],
                "directive": "2",
            },
        )

    run = ExportRun.objects.get()
    assert response["Location"] == reverse("interchange:export_detail", args=[run.pk])
    run.refresh_from_db()
    assert run.status == ExportRun.Status.SUCCEEDED, run.message
    assert run.counts["Enrollment.csv"] == 1 and run.counts["Client.csv"] == 1
    download = client.get(reverse("interchange:export_download", args=[run.pk]))
    assert download.status_code == 200
    with zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))) as archive:
        clients = archive.read("Client.csv").decode()
    assert world.own_client.personal_id in clients
    assert world.other_client.personal_id not in clients
    assert LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, object_pk=str(run.pk), actor=user
    ).exists()

    # Another user never sees or downloads it.
    client.force_login(world.user_with(Role.AGENCY_CES, email="colleague@example.org"))
    assert client.get(reverse("interchange:export_download", args=[run.pk])).status_code == 404


def test_export_of_a_project_outside_the_scope_is_refused(world, client):
    client.force_login(world.user_with(Role.AGENCY_CES))
    response = client.post(
        reverse("interchange:exports"),
        {
            "start": "2025-01-01",
            "end": "2025-12-31",
            "projects": [world.other_project.pk],
            "directive": "2",
        },
    )
    assert response.status_code == 200  # the form refuses a choice it does not offer
    assert not ExportRun.objects.exists()


def test_access_point_cannot_export(world, client):
    client.force_login(world.user_with(Role.ACCESS_POINT))
    assert client.get(reverse("interchange:exports")).status_code == 403
