"""The reports pages: an agency user runs an APR on their project, reads the tables, drills
into a cell (only their clients, each listed client audited), downloads the Sage zip and the
XLSX; an Access Point user is refused; nobody opens another agency's run or cell."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.urls import reverse

from .conftest import COC, END, START

pytestmark = [pytest.mark.reports, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _results_in_tmp(report_results_in_tmp):
    """Every test here keeps its runs' results in a temporary folder."""


def run_apr(client, django_capture_on_commit_callbacks, project, report="apr"):
    """Submit the form as a user would; the job runs in-process on commit (eager Celery)."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:index"),
            {
                "report": report,
                "coc": COC,
                "projects": [project.pk] if project is not None else [],
                "start": START.isoformat(),
                "end": END.isoformat(),
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    from sunflower.reports.models import ReportRun

    return ReportRun.objects.latest("id")


def q5a_total_cell(run):
    from sunflower.reports.results import load_tables

    table = load_tables(run.pk)["Q5a"]
    return (
        table,
        table.row_index("Total number of persons served"),
        table.col_index("Count of Clients"),
    )


def test_agency_user_runs_an_apr_and_sees_every_table(
    client, report_world, django_capture_on_commit_callbacks
):
    from sunflower.reports.engine.registry import questions_of

    client.force_login(report_world["users"]["agency"])
    page = client.get(reverse("reports:index"))
    assert page.status_code == 200
    form = page.context["form"]
    # Only the agency's own project is offered.
    assert list(form.fields["projects"].queryset) == [report_world["projects"]["own"]]

    run = run_apr(client, django_capture_on_commit_callbacks, report_world["projects"]["own"])

    assert run.status == "succeeded", run.error
    assert run.progress == 100
    assert run.params["project_ids"] == [report_world["projects"]["own"].project_id]
    response = client.get(reverse("reports:run", args=[run.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    for name in questions_of("apr"):
        assert f'data-question="{name}"' in body
    table, r, c = q5a_total_cell(run)
    assert table.values[r][c] == 3  # the agency's three clients, not the other agency's
    assert reverse("reports:cell", args=[run.pk, "Q5a", r, c]) in body


def test_leaving_projects_empty_reports_on_the_agencys_projects_in_the_coc(
    client, report_world, django_capture_on_commit_callbacks
):
    client.force_login(report_world["users"]["agency"])
    run = run_apr(client, django_capture_on_commit_callbacks, None)
    assert run.status == "succeeded", run.error
    assert run.params["project_ids"] == [report_world["projects"]["own"].project_id]
    assert list(run.projects.all()) == [report_world["projects"]["own"]]


@pytest.mark.security
def test_drill_down_lists_the_clients_behind_the_cell_and_audits_each(
    client, report_world, django_capture_on_commit_callbacks
):
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from sunflower.hmis.models import Client

    client.force_login(report_world["users"]["agency"])
    run = run_apr(client, django_capture_on_commit_callbacks, report_world["projects"]["own"])
    _table, r, c = q5a_total_cell(run)
    url = reverse("reports:cell", args=[run.pk, "Q5a", r, c])
    # No personal data in the URL: run id, question, row and column only.
    assert url == f"/reports/runs/{run.pk}/Q5a/{r}/{c}/"
    client_type = ContentType.objects.get_for_model(Client)
    accesses = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, content_type=client_type)
    before = set(accesses.values_list("pk", flat=True))

    response = client.get(url)

    assert response.status_code == 200
    listed = {person["client"].pk for person in response.context["people"]}
    assert listed == {person.pk for person in report_world["clients"]["own"]}
    body = response.content.decode()
    assert "Avery" in body and "Drew" not in body
    new_entries = accesses.exclude(pk__in=before)
    assert sorted(int(entry.object_pk) for entry in new_entries) == sorted(listed)
    assert {entry.actor_id for entry in new_entries} == {report_world["users"]["agency"].pk}


def test_a_cell_that_is_not_a_count_does_not_drill_down(
    client, report_world, django_capture_on_commit_callbacks
):
    client.force_login(report_world["users"]["agency"])
    run = run_apr(client, django_capture_on_commit_callbacks, report_world["projects"]["own"])
    assert client.get(reverse("reports:cell", args=[run.pk, "Q5a", 99, 0])).status_code == 404
    assert client.get(reverse("reports:cell", args=[run.pk, "Q99", 0, 0])).status_code == 404


def test_zip_and_xlsx_downloads(client, report_world, django_capture_on_commit_callbacks):
    client.force_login(report_world["users"]["agency"])
    run = run_apr(client, django_capture_on_commit_callbacks, report_world["projects"]["own"])
    from sunflower.reports.results import load_tables

    tables = load_tables(run.pk)

    response = client.get(reverse("reports:download_zip", args=[run.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == sorted(f"{name}.csv" for name in tables)
    assert archive.read("Q5a.csv").decode() == tables["Q5a"].to_csv()

    response = client.get(reverse("reports:download_xlsx", args=[run.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = zipfile.ZipFile(io.BytesIO(response.content))  # an XLSX is a zip of XML parts
    sheets = [n for n in workbook.namelist() if n.startswith("xl/worksheets/sheet")]
    assert len(sheets) == len(tables)
    assert "Q5a" in workbook.read("xl/workbook.xml").decode()


@pytest.mark.security
@pytest.mark.parametrize("role", ["access_point", "vsp"])
def test_access_point_and_vsp_users_are_refused(client, report_world, role):
    client.force_login(report_world["users"][role])
    response = client.get(reverse("reports:index"))
    assert response.status_code == 403
    response = client.post(
        reverse("reports:index"),
        {"report": "apr", "coc": COC, "start": START.isoformat(), "end": END.isoformat()},
    )
    assert response.status_code == 403
    from sunflower.reports.models import ReportRun

    assert not ReportRun.objects.exists()


@pytest.mark.security
def test_the_nav_link_shows_only_for_permitted_users(client, report_world):
    url = reverse("reports:index")
    client.force_login(report_world["users"]["agency"])
    assert f'href="{url}"' in client.get(reverse("home")).content.decode()
    client.force_login(report_world["users"]["access_point"])
    assert f'href="{url}"' not in client.get(reverse("home")).content.decode()


@pytest.mark.security
def test_a_project_of_another_agency_cannot_be_chosen(client, report_world):
    from sunflower.reports.models import ReportRun

    client.force_login(report_world["users"]["agency"])
    response = client.post(
        reverse("reports:index"),
        {
            "report": "apr",
            "coc": COC,
            "projects": [report_world["projects"]["other"].pk],
            "start": START.isoformat(),
            "end": END.isoformat(),
        },
    )
    assert response.status_code == 200
    assert "projects" in response.context["form"].errors
    assert not ReportRun.objects.exists()


@pytest.mark.security
def test_another_agency_cannot_see_the_run_its_cells_or_downloads(
    client, report_world, django_capture_on_commit_callbacks
):
    client.force_login(report_world["users"]["agency"])
    run = run_apr(client, django_capture_on_commit_callbacks, report_world["projects"]["own"])
    _table, r, c = q5a_total_cell(run)

    client.force_login(report_world["users"]["other_agency"])
    for url in (
        reverse("reports:run", args=[run.pk]),
        reverse("reports:cell", args=[run.pk, "Q5a", r, c]),
        reverse("reports:download_zip", args=[run.pk]),
        reverse("reports:download_xlsx", args=[run.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert run not in client.get(reverse("reports:index")).context["runs"]


@pytest.mark.security
def test_the_hmis_lead_sees_a_run_but_the_drill_down_stays_within_what_they_may_see(
    client, report_world, django_capture_on_commit_callbacks
):
    client.force_login(report_world["users"]["agency"])
    run = run_apr(client, django_capture_on_commit_callbacks, report_world["projects"]["own"])
    _table, r, c = q5a_total_cell(run)
    client.force_login(report_world["users"]["admin"])
    response = client.get(reverse("reports:cell", args=[run.pk, "Q5a", r, c]))
    assert response.status_code == 200
    assert len(response.context["people"]) == 3


def test_progress_is_polled_until_the_run_finishes(client, report_world):
    from sunflower.reports.models import ReportRun

    user = report_world["users"]["agency"]
    run = ReportRun.objects.create(
        report="apr",
        requested_by=user,
        params={"start": "2025-01-01", "end": "2025-12-31", "coc": COC, "project_ids": []},
        status=ReportRun.Status.RUNNING,
        progress=40,
        progress_question="Q10a",
    )
    client.force_login(user)
    response = client.get(reverse("reports:run", args=[run.pk]), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'hx-trigger="every 1s"' in body and "40%" in body and "Q10a" in body
    ReportRun.objects.filter(pk=run.pk).update(status=ReportRun.Status.SUCCEEDED)
    response = client.get(reverse("reports:run", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true"


@pytest.mark.security
def test_a_client_the_user_may_no_longer_see_is_not_listed(
    client, report_world, django_capture_on_commit_callbacks
):
    """The drill-down asks the policy when it is opened, not when the report ran."""
    from sunflower.hmis.models import Enrollment

    client.force_login(report_world["users"]["agency"])
    run = run_apr(client, django_capture_on_commit_callbacks, report_world["projects"]["own"])
    _table, r, c = q5a_total_cell(run)
    moved = report_world["clients"]["own"][0]
    Enrollment.objects.filter(client=moved).update(project=report_world["projects"]["other"])

    response = client.get(reverse("reports:cell", args=[run.pk, "Q5a", r, c]))

    listed = {person["client"].pk for person in response.context["people"]}
    assert moved.pk not in listed and len(listed) == 2
    assert response.context["hidden"] == 1


def test_the_hmis_lead_runs_a_whole_coc(client, report_world, django_capture_on_commit_callbacks):
    client.force_login(report_world["users"]["admin"])
    run = run_apr(client, django_capture_on_commit_callbacks, None)
    assert run.status == "succeeded", run.error
    assert run.params["project_ids"] == []  # every project of the CoC
    table, r, c = q5a_total_cell(run)
    assert table.values[r][c] == 5
    client.force_login(report_world["users"]["agency"])
    assert client.get(reverse("reports:run", args=[run.pk])).status_code == 404


def test_the_caper_runs_from_the_page_too(client, report_world, django_capture_on_commit_callbacks):
    from sunflower.reports.engine.registry import questions_of
    from sunflower.reports.results import load_tables

    client.force_login(report_world["users"]["agency"])
    run = run_apr(
        client, django_capture_on_commit_callbacks, report_world["projects"]["own"], "caper"
    )
    assert run.status == "succeeded", run.error
    assert set(load_tables(run.pk)) == set(questions_of("caper"))


def test_a_failed_run_says_why_and_deleting_a_run_removes_its_files(
    client, report_world, django_capture_on_commit_callbacks, monkeypatch
):
    from sunflower.reports.engine import registry
    from sunflower.reports.results import results_storage, stored_name

    client.force_login(report_world["users"]["agency"])
    run = run_apr(client, django_capture_on_commit_callbacks, report_world["projects"]["own"])
    storage = results_storage()
    assert storage.exists(stored_name(run.pk, "tables", "Q5a.csv"))
    assert storage.exists(stored_name(run.pk, "members", "Q5a.parquet"))
    pk = run.pk
    run.delete()
    assert not storage.exists(stored_name(pk, "tables.json"))
    assert not storage.exists(str(pk))

    def broken(*args, **kwargs):
        raise ValueError("a question failed")

    monkeypatch.setattr(registry, "run_report", broken)
    run = run_apr(client, django_capture_on_commit_callbacks, report_world["projects"]["own"])
    assert run.status == "failed"
    assert "a question failed" in run.error
    page = client.get(reverse("reports:run", args=[run.pk])).content.decode()
    assert "a question failed" in page
    assert client.get(reverse("reports:download_zip", args=[run.pk])).status_code == 404


def test_an_administrator_deletes_an_old_run_in_the_admin(
    client, report_world, django_capture_on_commit_callbacks
):
    from sunflower.reports.models import ReportRun
    from sunflower.reports.results import results_storage, stored_name

    client.force_login(report_world["users"]["agency"])
    run = run_apr(client, django_capture_on_commit_callbacks, report_world["projects"]["own"])
    # The HMIS administrator, with Django admin rights (as the CES admin tests give them).
    admin_user = report_world["users"]["admin"]
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    listing = client.get(reverse("admin:reports_reportrun_changelist"))
    assert listing.status_code == 200
    assert client.get(reverse("admin:reports_reportrun_add")).status_code == 403
    pk = run.pk
    response = client.post(
        reverse("admin:reports_reportrun_delete", args=[pk]), {"post": "yes"}, follow=True
    )
    assert response.status_code == 200
    assert not ReportRun.objects.filter(pk=pk).exists()
    assert not results_storage().exists(stored_name(pk, "tables.json"))


def test_the_hmis_lead_runs_the_ce_apr_over_the_whole_coc(
    client, report_world, django_capture_on_commit_callbacks
):
    """A system-level report: the CoC's access points, whatever projects are chosen."""
    from sunflower.hmis.models import CEParticipation, Enrollment
    from sunflower.hmis.testing import make_assessment
    from sunflower.reports.engine.registry import questions_of
    from sunflower.reports.results import load_tables

    own, other = report_world["projects"]["own"], report_world["projects"]["other"]
    CEParticipation.objects.create(
        project=own,
        access_point=1,
        receives_referrals=0,
        ce_participation_status_start_date=dt.date(2024, 1, 1),
    )
    for enrollment in Enrollment.objects.filter(project__in=[own, other]):
        make_assessment(enrollment, assessment_date=dt.date(2025, 4, 1), assessment_type=1)
    client.force_login(report_world["users"]["admin"])
    # A project chosen does not narrow a CoC-wide report.
    run = run_apr(client, django_capture_on_commit_callbacks, other, "ce_apr")
    assert run.status == "succeeded", run.error
    assert run.params["project_ids"] == []
    tables = load_tables(run.pk)
    assert set(tables) == set(questions_of("ce_apr"))
    # Only the access point's three households (the other project is not one).
    assert tables["Q9a"].get("Phone", "Total") == 3


@pytest.mark.security
def test_agency_roles_are_not_offered_coc_wide_reports_nor_can_post_them(client, report_world):
    client.force_login(report_world["users"]["agency"])
    page = client.get(reverse("reports:index"))
    offered = {value for value, _label in page.context["form"].fields["report"].choices}
    assert "apr" in offered and "ce_apr" not in offered
    response = client.post(
        reverse("reports:index"),
        {"report": "ce_apr", "coc": COC, "start": START.isoformat(), "end": END.isoformat()},
    )
    # Not a choice for them: the form refuses it and keeps what was typed.
    assert response.status_code == 200
    assert "report" in response.context["form"].errors
    from sunflower.reports.models import ReportRun

    assert not ReportRun.objects.filter(report="ce_apr").exists()
