"""The system dashboards: the measures by CoC, region and county (a project's county from
its balance-of-county geocode), the signed-in page in the user's scope with CSV, and the
public page: anonymous, aggregates only, small cells suppressed."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.urls import reverse

from sunflower.reports.dashboards import suppressed

from .conftest import COC, END, START

pytestmark = [pytest.mark.reports, pytest.mark.django_db]
QUERY = {"coc": COC, "start": START.isoformat(), "end": END.isoformat()}


def test_small_cells_and_what_derives_from_them_are_suppressed():
    shown = suppressed(
        {
            "served": 240,
            "exits": 40,
            "exits_to_ph": 7,
            "ph_rate": 7 / 40,
            "prior_ph_exits": 0,
            "returns": 0,
            "return_rate": None,
            "move_ins": 12,
            "median_days_to_move_in": 31.0,
        }
    )
    assert shown["served"] == 240 and shown["exits"] == 40
    assert shown["exits_to_ph"] == "<11" and shown["ph_rate"] is None
    assert shown["returns"] == 0 and shown["return_rate"] is None
    assert shown["median_days_to_move_in"] == 31.0


@pytest.fixture
def geography(report_world):
    """Kansas counties and regions; the agency's project in Allen County's geocode."""
    from sunflower.geo.loading import load_kansas_geography
    from sunflower.hmis.models import Exit, ProjectCoC

    load_kansas_geography()
    ProjectCoC.objects.filter(project=report_world["projects"]["own"]).update(geocode="209001")
    # One of the agency's clients left for a rental of their own (410) in June.
    enrollment = report_world["clients"]["own"][0].enrollments.get()
    Exit.objects.create(
        enrollment=enrollment,
        client=enrollment.client,
        exit_date=dt.date(2025, 6, 30),
        destination=410,
    )
    cache.clear()
    return report_world


def test_the_hmis_lead_sees_the_coc_by_region_and_county_and_downloads_it(client, geography):
    from sunflower.geo.models import County

    allen = County.objects.get(name="Allen")
    client.force_login(geography["users"]["admin"])
    response = client.get(reverse("reports:dashboard"), QUERY)
    assert response.status_code == 200
    board = response.context["board"]
    assert board.total["served"] == 5
    assert board.total["entries"] == 5 and board.total["exits"] == 1
    assert board.total["exits_to_ph"] == 1 and board.total["ph_rate"] == 1.0
    assert board.total["median_stay"] == (dt.date(2025, 6, 30) - dt.date(2025, 3, 1)).days
    assert board.by_county["Allen"]["served"] == 3
    assert board.by_county["County not known"]["served"] == 2
    assert board.by_region[allen.region.name]["served"] == 3
    march = next(m for m in board.months if m["month"] == dt.date(2025, 3, 1))
    assert march["entries"] == 5
    body = response.content.decode()
    assert 'data-testid="dashboard-chart"' in body and "Avery" not in body

    download = client.get(reverse("reports:dashboard"), {**QUERY, "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(download.content.decode())))
    coc_row = next(row for row in rows if row["Area"] == "CoC")
    assert coc_row["People served"] == "5" and coc_row["Exits to permanent housing"] == "1"

    narrowed = client.get(reverse("reports:dashboard"), {**QUERY, "county": "Allen"})
    assert narrowed.context["board"].total["served"] == 3


def test_an_agency_user_sees_only_their_projects(client, geography):
    client.force_login(geography["users"]["agency"])
    response = client.get(reverse("reports:dashboard"), QUERY)
    assert response.context["board"].total["served"] == 3


@pytest.mark.security
def test_access_point_users_have_no_dashboard(client, geography):
    client.force_login(geography["users"]["access_point"])
    assert client.get(reverse("reports:dashboard"), QUERY).status_code == 403


@pytest.mark.security
def test_the_public_page_needs_no_login_and_shows_no_small_counts(client, geography, settings):
    from sunflower.geo.models import ContinuumOfCare

    ContinuumOfCare.objects.filter(code=COC).update(served=True)
    year = 2025  # FY2025: 1 October 2024 to 30 September 2025, the test enrollments' year
    response = client.get(reverse("public:dashboard"), {"coc": COC, "year": year})
    assert response.status_code == 200
    assert response.context["year"] == year
    coc_row = response.context["rows"][0]
    assert coc_row[0] == "CoC"
    values = coc_row[2]
    # Five people served: a small cell; the rate resting on one exit is not shown.
    assert values["served"] == "<11" and values["exits_to_ph"] == "<11"
    assert values["ph_rate"] is None and values["median_stay"] is None
    body = response.content.decode()
    assert "Avery" not in body and "<11" in body
    download = client.get(reverse("public:dashboard"), {"coc": COC, "year": year, "format": "csv"})
    assert "&lt;11" not in download.content.decode() and "<11" in download.content.decode()
