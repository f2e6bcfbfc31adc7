"""The data-quality dashboard: by agency and project (only the projects the user may
report on), each finding opening the records behind it (audited, with a link to fix for
users who may edit), a CSV download, and a number of queries that does not grow with the
number of projects."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .conftest import COC, END, START

pytestmark = [pytest.mark.reports, pytest.mark.django_db]
QUERY = {"coc": COC, "start": START.isoformat(), "end": END.isoformat()}


def _dashboard(client, **extra):
    return client.get(reverse("reports:quality"), {**QUERY, **extra})


def test_an_agency_user_sees_their_projects_and_each_finding_opens_its_records(
    client, report_world
):
    from auditlog.models import LogEntry

    own = report_world["projects"]["own"]
    client.force_login(report_world["users"]["agency"])
    response = _dashboard(client)
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.project for row in rows] == [own]
    # Every test client lacks an SSN (quality 99): a PII finding for each of the three.
    assert rows[0].clients == 3 and rows[0].pii_rate == pytest.approx(1.0)
    findings = {(f.question, f.row_label, f.column_label): f for f in rows[0].findings}
    ssn = findings[("Q6a", "SSN", "Information Missing")]
    assert ssn.count == 3

    page = client.get(reverse("reports:quality_project", args=[own.pk]), QUERY)
    assert page.status_code == 200
    url = reverse("reports:quality_records", args=[own.pk, "Q6a", ssn.row, ssn.col])
    assert url in page.content.decode()

    before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
    records = client.get(url, QUERY)
    assert records.status_code == 200
    listed = {person["client"].pk for person in records.context["people"]}
    assert listed == {person.pk for person in report_world["clients"]["own"]}
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() - before == 3
    # Agency + CES staff may edit their agency's data: each record links to its fix.
    assert records.content.decode().count('data-testid="fix-link"') == 3


@pytest.mark.security
def test_another_agencys_project_and_its_records_are_not_found(client, report_world):
    other = report_world["projects"]["other"]
    client.force_login(report_world["users"]["agency"])
    assert client.get(reverse("reports:quality_project", args=[other.pk]), QUERY).status_code == 404
    url = reverse("reports:quality_records", args=[other.pk, "Q6a", 1, 1])
    assert client.get(url, QUERY).status_code == 404


@pytest.mark.security
@pytest.mark.parametrize("role", ["access_point", "vsp"])
def test_access_point_and_vsp_users_are_refused(client, report_world, role):
    client.force_login(report_world["users"][role])
    assert _dashboard(client).status_code == 403


def test_the_dashboard_downloads_as_csv(client, report_world):
    client.force_login(report_world["users"]["admin"])
    response = _dashboard(client, format="csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {row["Project"] for row in rows} == {
        report_world["projects"]["own"].project_name,
        report_world["projects"]["other"].project_name,
    }
    assert {row["Clients"] for row in rows} == {"3", "2"}


def test_a_bad_period_says_so_and_keeps_what_was_typed(client, report_world):
    client.force_login(report_world["users"]["admin"])
    response = _dashboard(client, start=END.isoformat(), end=START.isoformat())
    assert response.status_code == 200
    assert "end" in response.context["form"].errors
    assert response.context["rows"] == []
    assert f'value="{END.isoformat()}"' in response.content.decode()


def test_queries_do_not_grow_with_the_number_of_projects(client, report_world):
    from sunflower.hmis.models import ProjectCoC
    from sunflower.hmis.testing import make_client, make_enrollment, make_project

    client.force_login(report_world["users"]["admin"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert _dashboard(client).status_code == 200
        return len(captured)

    before = queries()
    agency = report_world["agencies"]["own"]
    for n in range(3):
        project = make_project(agency, project_type=3, project_name=f"More PSH {n}")
        ProjectCoC.objects.create(project=project, coc_code=COC, geocode="209999")
        make_enrollment(make_client(), project, entry_date=START)
    after = queries()
    assert len(_dashboard(client).context["rows"]) == 5
    assert after == before
