"""Contacts per county for the roles without the map: counts only, small ones suppressed with
their complements, every look written down; and the recent-contacts list's audit of names."""

from __future__ import annotations

import re

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sunflower.accounts.roles import Role
from sunflower.accounts.testing import create_user_with_role
from sunflower.outreach import actions
from sunflower.outreach.models import MapView, MapViewKind

pytestmark = [pytest.mark.outreach, pytest.mark.security]

TOPEKA = (39.0473, -95.6752)  # Shawnee 20177
WICHITA = (37.6872, -97.3301)  # Sedgwick 20173
DODGE_CITY = (37.7528, -100.0171)  # Ford 20057
SHAWNEE, SEDGWICK, FORD = "20177", "20173", "20057"


def _record(outreach, where, times):
    for _ in range(times):
        actions.record_contact(outreach.worker, outreach.entry(where=where))


def _page(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("outreach:county_counts"), params)
    assert response.status_code == 200
    return response


def _counts(response) -> dict[str, str]:
    return {row["fips"]: row["count"] for row in response.context["result"]["counties"]}


@pytest.fixture
def planner(outreach):
    # An agency user without the outreach role: the counts, not the map.
    return create_user_with_role(
        "planner@prairie.example", Role.AGENCY_CES, organization=outreach.other_agency
    )


@pytest.mark.parametrize(
    "role", [Role.ACCESS_POINT, Role.VICTIM_SERVICE_PROVIDER], ids=lambda role: role.value
)
def test_roles_without_program_figures_are_refused(outreach, client, role):
    user = create_user_with_role(f"{role.value}@x.example", role, organization=outreach.agency)
    client.force_login(user)
    assert client.get(reverse("outreach:county_counts")).status_code == 403
    assert MapView.objects.count() == 0


def test_small_counts_and_their_complement_are_suppressed(outreach, client, planner):
    _record(outreach, DODGE_CITY, 20)
    _record(outreach, TOPEKA, 12)
    _record(outreach, WICHITA, 3)

    response = _page(client, planner)
    counts = _counts(response)
    assert counts[FORD] == "20"
    assert counts[SEDGWICK] == "<11"  # 3 contacts
    # With Sedgwick alone hidden, 35 - 20 - 12 would give it away: the next smallest goes too.
    assert counts[SHAWNEE] == "<11"
    assert response.context["result"]["total"] == "35"
    assert {value for fips, value in counts.items() if fips not in {FORD, SEDGWICK, SHAWNEE}} == {
        "0"
    }
    levels = {row["fips"]: row["level"] for row in response.context["result"]["counties"]}
    assert levels[FORD] == 20 and levels[SEDGWICK] is None and levels[SHAWNEE] is None


def test_a_county_never_shows_a_point_a_time_or_a_person(outreach, client, planner):
    actions.record_contact(
        outreach.worker,
        outreach.entry(enrollment=outreach.enrollment, person_description="", where=TOPEKA),
    )
    _record(outreach, TOPEKA, 11)

    html = _page(client, planner).content.decode()
    assert "Streeter" not in html and "green coat" not in html
    assert "Prairie Street Outreach" not in html  # no project
    assert str(TOPEKA[0]) not in html and str(TOPEKA[1]) not in html
    assert not re.search(r"\b\d{2}:\d{2}\b", html.split("<table", 1)[1])  # no times of day
    assert 'data-fips="20177"' in html


def test_every_look_is_written_down_with_its_filters(outreach, client, planner):
    _record(outreach, TOPEKA, 2)
    _page(client, planner, start="2026-01-01", end="2026-12-31", living_situation="116")
    look = MapView.objects.get()
    assert look.kind == MapViewKind.COUNTY_COUNTS
    assert look.user == planner and look.points_shown == 0
    assert look.filters == {"start": "2026-01-01", "end": "2026-12-31", "living_situation": 116}


def test_filters_narrow_the_counts_and_a_bad_period_is_refused(outreach, client, planner):
    from sunflower.geo.models import County

    _record(outreach, TOPEKA, 12)
    ford = County.objects.get(fips5=FORD)
    by_region = _counts(_page(client, planner, region=ford.region_id))
    assert FORD in by_region and SHAWNEE not in by_region
    assert set(by_region) == set(
        County.objects.filter(region=ford.region_id).values_list("fips5", flat=True)
    )
    assert _counts(_page(client, planner, living_situation="101"))[SHAWNEE] == "0"
    assert _counts(_page(client, planner, start="2020-01-01", end="2020-01-31"))[SHAWNEE] == "0"

    before = MapView.objects.count()
    response = _page(client, planner, start="2026-02-01", end="2026-01-01")
    assert response.context["result"] is None
    assert "The end is before the start." in response.content.decode()
    assert MapView.objects.count() == before


def test_the_threshold_is_a_setting(outreach, client, planner, settings):
    settings.OUTREACH_SUPPRESS_BELOW = 3
    _record(outreach, TOPEKA, 4)
    _record(outreach, WICHITA, 5)
    counts = _counts(_page(client, planner))
    assert counts[SHAWNEE] == "4" and counts[SEDGWICK] == "5"


def test_the_page_costs_the_same_queries_however_many_contacts(outreach, client, planner):
    _record(outreach, TOPEKA, 1)
    client.force_login(planner)
    url = reverse("outreach:county_counts")
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _record(outreach, WICHITA, 6)
    _record(outreach, DODGE_CITY, 6)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_outreach_workers_reach_the_counts_from_their_map_pages(outreach, client):
    response = _page(client, outreach.worker)
    assert reverse("outreach:map") in response.content.decode()  # the outreach navigation


def test_recent_contacts_audits_each_name_shown_once(outreach, client):
    for _ in range(3):
        actions.record_contact(
            outreach.worker,
            outreach.entry(enrollment=outreach.enrollment, person_description=""),
        )
    actions.record_contact(outreach.other_worker, outreach.entry(project=outreach.other_project))
    before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()

    client.force_login(outreach.worker)
    response = client.get(reverse("outreach:contacts"))
    html = response.content.decode()
    assert html.count("Dana Streeter") == 3
    assert "green coat" not in html  # the other agency's unnamed person
    accesses = LogEntry.objects.filter(action=LogEntry.Action.ACCESS)
    assert accesses.count() == before + 1
    assert accesses.latest("pk").object_pk == str(outreach.client.pk)


def test_recent_contacts_list_has_a_fixed_number_of_queries(outreach, client):
    actions.record_contact(outreach.worker, outreach.entry())
    client.force_login(outreach.worker)
    url = reverse("outreach:contacts")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(5):
        actions.record_contact(outreach.worker, outreach.entry())
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)
