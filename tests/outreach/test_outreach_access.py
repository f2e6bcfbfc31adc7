"""Who sees what on the outreach map: points only to the outreach workers of the agency (and
HMIS administrators), never another agency's DV-flagged points, counts by county for every
map user; every look at the map data is written down."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sunflower.accounts.roles import Role
from sunflower.accounts.testing import create_user_with_role
from sunflower.outreach import actions
from sunflower.outreach.models import MapView

pytestmark = [pytest.mark.outreach, pytest.mark.security]

PAGES = [
    ("outreach:map", []),
    ("outreach:map_data", []),
    ("outreach:contact_new", []),
    ("outreach:contacts", []),
    ("outreach:encampments", []),
]
DODGE_CITY = (37.7528, -100.0171)


@pytest.mark.parametrize(
    "role",
    [Role.AGENCY_CES, Role.AGENCY_ADMIN, Role.ACCESS_POINT, Role.VICTIM_SERVICE_PROVIDER],
    ids=lambda role: role.value,
)
@pytest.mark.parametrize(("name", "args"), PAGES, ids=[p[0] for p in PAGES])
def test_users_without_the_outreach_role_are_refused(outreach, client, role, name, args):
    user = create_user_with_role(f"{role.value}@x.example", role, organization=outreach.agency)
    client.force_login(user)
    response = client.get(reverse(name, args=args))
    assert response.status_code == 403
    assert MapView.objects.count() == 0


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.AGENCY_CES, 200),
        (Role.AGENCY_ADMIN, 200),
        (Role.ACCESS_POINT, 403),
        (Role.VICTIM_SERVICE_PROVIDER, 403),
    ],
    ids=lambda value: getattr(value, "value", str(value)),
)
def test_county_outlines_serve_both_maps(outreach, client, role, status):
    # The counties are the base map of the counts by county too; public Census shapes.
    user = create_user_with_role(f"{role.value}@x.example", role, organization=outreach.agency)
    client.force_login(user)
    assert client.get(reverse("outreach:county_shapes")).status_code == status


def test_anonymous_visitors_are_sent_to_sign_in(outreach, client):
    response = client.get(reverse("outreach:map_data"))
    assert response.status_code == 302 and "login" in response["Location"]


def _points(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("outreach:map_data"), params)
    assert response.status_code == 200
    return response.json()


def test_points_stay_in_their_agency_and_counts_are_county_level(outreach, client):
    actions.record_contact(outreach.worker, outreach.entry())
    actions.record_contact(
        outreach.other_worker, outreach.entry(project=outreach.other_project, where=DODGE_CITY)
    )

    mine = _points(client, outreach.worker)
    assert [f["properties"]["county"] for f in mine["points"]["features"]] == ["Shawnee"]
    assert mine["county_counts"] == {"20177": 1, "20057": 1}
    assert mine["hidden_points"] == 1
    theirs = _points(client, outreach.other_worker)
    assert [f["properties"]["county"] for f in theirs["points"]["features"]] == ["Ford"]
    # No names or client identifiers in what the map receives.
    assert "Streeter" not in str(mine) and "green coat" not in str(mine)


def test_dv_flagged_points_are_never_shown_outside_their_agency(outreach, client):
    outreach.agency.victim_service_provider = 1
    outreach.agency.save()
    contact, _ = actions.record_contact(outreach.worker, outreach.entry())
    assert contact.dv_flag
    admin = create_user_with_role("lead@hmis.example", Role.HMIS_ADMIN)

    assert len(_points(client, outreach.worker)["points"]["features"]) == 1  # its own agency
    for outsider in (admin, outreach.other_worker):
        data = _points(client, outsider)
        assert data["points"]["features"] == []
        assert data["county_counts"] == {"20177": 1}  # counted, at county level only


def test_hmis_administrators_see_every_agencys_other_points(outreach, client):
    actions.record_contact(outreach.worker, outreach.entry())
    actions.record_contact(
        outreach.other_worker, outreach.entry(project=outreach.other_project, where=DODGE_CITY)
    )
    admin = create_user_with_role("lead@hmis.example", Role.HMIS_ADMIN)
    assert len(_points(client, admin)["points"]["features"]) == 2


def test_filters_narrow_points_and_counts(outreach, client):
    from sunflower.geo.models import County

    actions.record_contact(outreach.worker, outreach.entry())
    actions.record_contact(
        outreach.worker, outreach.entry(where=DODGE_CITY, current_living_situation=101)
    )
    ford = County.objects.get(fips5="20057")
    assert _points(client, outreach.worker, county="20057")["county_counts"] == {"20057": 1}
    if ford.region_id:
        assert _points(client, outreach.worker, region=ford.region_id)["total"] >= 1
    assert _points(client, outreach.worker, living_situation=116)["county_counts"] == {"20177": 1}
    assert _points(client, outreach.worker, agency=outreach.other_agency.pk)["total"] == 0
    assert _points(client, outreach.worker, project=outreach.project.pk)["total"] == 2
    assert _points(client, outreach.worker, start="2020-01-01", end="2020-01-31")["total"] == 0


def test_every_map_data_request_is_audited(outreach, client):
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from sunflower.geo.models import County

    actions.record_contact(outreach.worker, outreach.entry())
    _points(client, outreach.worker, county="20177")
    _points(client, outreach.worker)
    views = list(MapView.objects.order_by("pk"))
    assert len(views) == 2
    assert views[0].user == outreach.worker and views[0].points_shown == 1
    assert views[0].filters["county"] == County.objects.get(fips5="20177").pk  # ids, no names
    entries = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(MapView))
    assert entries.count() == 2
    assert {entry.actor_id for entry in entries} == {outreach.worker.pk}


def test_the_map_data_query_count_does_not_grow(outreach, client):
    client.force_login(outreach.worker)
    url = reverse("outreach:map_data")
    actions.record_contact(outreach.worker, outreach.entry())
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(15):
        actions.record_contact(
            outreach.worker, outreach.entry(where=DODGE_CITY if n % 2 else (39.05, -95.70))
        )
    actions.create_encampment(
        outreach.worker,
        {
            "name": "Camp",
            "geometry": {"type": "Point", "coordinates": [-97.34, 37.69]},
            "organization": outreach.agency,
        },
    )
    with CaptureQueriesContext(connection) as many:
        data = client.get(url).json()
    assert len(data["points"]["features"]) == 16
    assert len(many) == len(few)
    assert len(many) <= 12


def test_the_map_page_makes_no_outside_request(outreach, client, settings):
    client.force_login(outreach.worker)
    html = client.get(reverse("outreach:map")).content.decode()
    assert "Outreach map" in html
    external = [url for url in re.findall(r'(?:src|href)="([^"]+)"', html) if "//" in url]
    assert external == []
    assert 'data-tile-url=""' in html
    settings.OUTREACH_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    assert "tiles.example.org" in client.get(reverse("outreach:map")).content.decode()


def test_another_agencys_contact_cannot_be_linked(outreach, client):
    contact, _ = actions.record_contact(
        outreach.other_worker, outreach.entry(project=outreach.other_project)
    )
    client.force_login(outreach.worker)
    assert client.get(reverse("outreach:contact_link", args=[contact.pk])).status_code == 404


def test_a_victim_service_providers_encampments_stay_in_its_agency(outreach, client):
    from django.core.exceptions import PermissionDenied

    outreach.agency.victim_service_provider = 1
    outreach.agency.save()
    site = actions.create_encampment(
        outreach.worker,
        {
            "name": "Safe camp",
            "geometry": {"type": "Point", "coordinates": [-95.6752, 39.0473]},
            "status": "active",
            "organization": outreach.agency,
        },
    )
    names = lambda data: [f["properties"]["name"] for f in data["encampments"]["features"]]  # noqa: E731
    assert names(_points(client, outreach.worker)) == ["Safe camp"]

    admin = create_user_with_role("lead@hmis.example", Role.HMIS_ADMIN)
    for outsider in (outreach.other_worker, admin):
        assert names(_points(client, outsider)) == []
        assert "Safe camp" not in client.get(reverse("outreach:encampments")).content.decode()
        assert client.get(reverse("outreach:encampment", args=[site.pk])).status_code == 404
        with pytest.raises(PermissionDenied):
            actions.record_visit(outsider, site, {"status": "cleared"})
    site.refresh_from_db()
    assert site.status == "active"


def test_a_map_view_draws_at_most_the_newest_points(outreach, client, settings):
    import datetime as dt

    from django.utils import timezone

    settings.OUTREACH_MAP_MAX_POINTS = 2
    for hours in (1, 2, 3):
        actions.record_contact(
            outreach.worker,
            outreach.entry(contacted_at=timezone.now() - dt.timedelta(hours=hours)),
        )
    data = _points(client, outreach.worker)
    assert data["points_limited"] is True and data["total"] == 3
    shown = [f["properties"]["at"] for f in data["points"]["features"]]
    assert len(shown) == 2 and shown == sorted(shown, reverse=True)
    settings.OUTREACH_MAP_MAX_POINTS = 3
    assert _points(client, outreach.worker)["points_limited"] is False


def test_the_period_takes_whole_local_days(outreach, client):
    import datetime as dt

    from django.utils import timezone

    # Just after midnight and just before the next: both on the day, none on the next.
    day = timezone.localdate() - dt.timedelta(days=3)
    midnight = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    for at in (midnight, midnight + dt.timedelta(hours=23, minutes=59)):
        actions.record_contact(outreach.worker, outreach.entry(contacted_at=at))
    assert _points(client, outreach.worker, start=day, end=day)["total"] == 2
    next_day = day + dt.timedelta(days=1)
    assert _points(client, outreach.worker, start=next_day, end=next_day)["total"] == 0
    before = day - dt.timedelta(days=1)
    assert _points(client, outreach.worker, start=before, end=before)["total"] == 0
