"""Reports in a real browser: an agency user runs an APR of their project from the reports
page, reads the tables, drills into a cell (their clients only) and downloads the zip Sage
takes; an Access Point user is refused.

Screenshots of each step: test-artifacts/e2e/reports/NN-step.png."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import zipfile

import pytest
from browsing import PASSWORD, sign_in  # tests/e2e is on sys.path (no package)
from django.urls import reverse

from sunflower.accounts.roles import Role
from sunflower.accounts.testing import create_user_with_role

pytestmark = [
    pytest.mark.reports,
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("report_results_in_tmp"),
]

COC = "KS-507"
_shot_numbers = itertools.count(1)


@pytest.fixture
def shots(screenshot_taker):
    return screenshot_taker("reports", _shot_numbers)


@pytest.fixture
def reports_world():
    """A PSH agency with two adults enrolled in 2025, another agency with one, and users."""
    from sunflower.hmis.models import ProjectCoC
    from sunflower.hmis.testing import make_client, make_enrollment, make_organization, make_project

    housing = make_organization(organization_name="Flint Hills Housing")
    psh = make_project(housing, project_type=3, project_name="Flint Hills PSH")
    other = make_organization(organization_name="Prairie Shelter")
    other_project = make_project(other, project_type=3, project_name="Prairie PSH")
    for project in (psh, other_project):
        ProjectCoC.objects.create(project=project, coc_code=COC, geocode="209999")
    for first, last, project in (
        ("Rosalind", "Everly", psh),
        ("Tobias", "Marsh", psh),
        ("Wendell", "Oakes", other_project),
    ):
        client = make_client(first_name=first, last_name=last, dob=dt.date(1975, 6, 1))
        make_enrollment(
            client, project, entry_date=dt.date(2025, 2, 3), move_in_date=dt.date(2025, 2, 10)
        )
    users = {
        "agency": create_user_with_role(
            "agency@example.org",
            Role.AGENCY_CES,
            PASSWORD,
            organization=housing,
            first_name="Grace",
            last_name="Hill",
        ),
        "lead": create_user_with_role(
            "lead@example.org",
            Role.HMIS_ADMIN,
            PASSWORD,
            organization=make_organization(organization_name="HMIS Lead"),
            first_name="Lena",
            last_name="Ward",
        ),
        "access_point": create_user_with_role(
            "ap@example.org",
            Role.ACCESS_POINT,
            PASSWORD,
            organization=housing,
            first_name="Aaron",
            last_name="Pike",
        ),
    }
    return {"psh": psh, "users": users}


def test_agency_user_runs_an_apr_drills_down_and_downloads_the_zip(
    page, live_server, reports_world, shots, tmp_path
):
    sign_in(page, live_server, reports_world["users"]["agency"].email)

    # The reports page is in the navigation.
    page.get_by_test_id("primary-nav").get_by_role("link", name="Reports").click()
    page.get_by_test_id("report-form").wait_for()
    page.get_by_label("Report", exact=True).select_option("apr")
    page.get_by_label("Continuum of Care").select_option(COC)
    page.get_by_label("Projects").select_option(label="Flint Hills PSH (Flint Hills Housing)")
    page.get_by_label("Report start date").fill("2025-01-01")
    page.get_by_label("Report end date").fill("2025-12-31")
    shots(page, "ask")
    page.get_by_test_id("run-report").click()

    # The job runs; the page follows its progress and then shows every table.
    page.wait_for_url(re.compile(r"/reports/runs/\d+/$"))
    page.locator("[data-testid=run-status][data-status=succeeded]").wait_for(timeout=60_000)
    page.locator("table[data-question=Q5a]").wait_for()
    assert page.get_by_test_id("report-table").count() > 10
    shots(page, "tables")

    # Q5a "Total number of persons served": two of the agency's clients.
    total = page.locator("table[data-question=Q5a] tbody tr").filter(
        has_text="Total number of persons served"
    )
    count_link = total.locator("td a").last
    assert count_link.inner_text() == "2"
    count_link.click()
    page.get_by_test_id("cell-clients").wait_for()
    listed = page.get_by_test_id("cell-clients").inner_text()
    assert "Rosalind Everly" in listed and "Tobias Marsh" in listed
    assert "Wendell Oakes" not in listed  # another agency's client
    assert re.search(r"/reports/runs/\d+/Q5a/\d+/\d+/$", page.url)
    shots(page, "drill-down")

    # Back to the tables; download the zip of CSV tables for Sage.
    page.get_by_role("link", name="Back to Q5a").click()
    with page.expect_download() as download_info:
        page.get_by_test_id("download-zip").click()
    target = tmp_path / "apr.zip"
    download_info.value.save_as(target)
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        assert "Q5a.csv" in names
        q5a = archive.read("Q5a.csv").decode()
    assert q5a.startswith(",Count of Clients for DQ,Count of Clients\n")
    assert "Total number of persons served,2,2" in q5a


def test_access_point_user_is_refused(page, live_server, reports_world, shots):
    sign_in(page, live_server, reports_world["users"]["access_point"].email)
    nav = page.get_by_test_id("primary-nav")
    assert nav.get_by_role("link", name="Reports").count() == 0
    response = page.goto(live_server.url + reverse("reports:index"))
    assert response.status == 403
    assert page.get_by_test_id("report-form").count() == 0
    shots(page, "access-point-refused")


def test_the_hmis_lead_runs_the_spm_and_opens_the_data_quality_dashboard(
    page, live_server, reports_world, shots
):
    sign_in(page, live_server, reports_world["users"]["lead"].email)
    page.goto(live_server.url + reverse("reports:index"))
    page.get_by_label("Report", exact=True).select_option("spm")
    page.get_by_label("Continuum of Care").select_option(COC)
    page.get_by_label("Report start date").fill("2024-10-01")
    page.get_by_label("Report end date").fill("2025-09-30")
    page.get_by_test_id("run-report").click()
    page.wait_for_url(re.compile(r"/reports/runs/\d+/$"))
    page.locator("[data-testid=run-status][data-status=succeeded]").wait_for(timeout=60_000)
    page.locator("table[data-question=spm_7b2]").wait_for()
    # Measure 7b.2: the three PSH clients, housed and still there at the end of the year.
    universe = page.locator("table[data-question=spm_7b2] tbody tr").first
    assert "3" in universe.inner_text()
    shots(page, "spm")

    page.goto(live_server.url + reverse("reports:index"))
    page.get_by_test_id("quality-link").click()
    page.get_by_test_id("quality-filter").wait_for()
    page.fill("#id_start", "2025-01-01")
    page.fill("#id_end", "2025-12-31")
    page.get_by_test_id("quality-show").click()
    rows = page.get_by_test_id("quality-row")
    rows.first.wait_for()
    assert rows.count() == 2
    shots(page, "data-quality")
    page.get_by_role("link", name="Flint Hills PSH").click()
    page.get_by_test_id("quality-findings").wait_for()
    # No SSN recorded for the test clients: a finding, opening its records.
    page.get_by_test_id("quality-findings").locator("tr", has_text="SSN").locator("a").first.click()
    records = page.get_by_test_id("quality-records")
    records.wait_for()
    assert "Rosalind Everly" in records.inner_text()
    assert page.get_by_test_id("fix-link").count() >= 1
    shots(page, "data-quality-records")
