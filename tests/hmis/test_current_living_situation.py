"""Current Living Situation, HUD 4.12 (sunflower/hmis/current_living.py, docs/services.md).
Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sunflower.accounts.roles import Role
from sunflower.hmis import current_living
from sunflower.hmis.models import CurrentLivingSituation
from sunflower.hmis.testing import make_client, make_enrollment, make_project

pytestmark = [pytest.mark.casemgmt, pytest.mark.django_db]

START = dt.date(2025, 1, 15)
DAY = dt.date(2025, 3, 3)
STREET, HOST_HOME, SUBSIDIZED_RENTAL = 116, 332, 435


@pytest.fixture
def agency_user(world):
    return world.user_with(Role.AGENCY_CES, organization=world.own_agency)


@pytest.fixture
def outreach(world):
    project = make_project(world.own_agency, project_type=4, project_name="Street Outreach")
    return make_enrollment(make_client(), project, entry_date=START)


def record(user, enrollment, situation=STREET, when=DAY, **details):
    return current_living.record_current_living_situation(
        user, enrollment, when, situation, **details
    )


def test_a_homeless_situation_needs_no_follow_up_and_is_audited(agency_user, outreach):
    cls = record(agency_user, outreach, location_details="Under the 5th St bridge")
    cls.refresh_from_db()
    agency_user.refresh_from_db()
    assert cls.current_living_situation == STREET and cls.leave_situation14_days is None
    assert cls.user_id == agency_user.hmis_user_id is not None
    assert LogEntry.objects.filter(
        action=LogEntry.Action.CREATE,
        content_type=ContentType.objects.get_for_model(CurrentLivingSituation),
        object_id=cls.pk,
    ).exists()


def test_leaving_within_14_days_asks_the_four_follow_ups(agency_user, outreach):
    with pytest.raises(ValidationError) as refusal:
        record(agency_user, outreach, HOST_HOME)
    assert "leave_situation14_days" in refusal.value.message_dict
    with pytest.raises(ValidationError) as refusal:
        record(agency_user, outreach, HOST_HOME, leave_situation14_days=1)
    assert set(refusal.value.message_dict) == set(current_living.FOLLOW_UP_FIELDS)
    assert not CurrentLivingSituation.all_objects.exists()
    cls = record(
        agency_user,
        outreach,
        HOST_HOME,
        leave_situation14_days=1,
        subsequent_residence=0,
        resources_to_obtain=0,
        lease_own60_day=1,
        moved_two_or_more=99,
    )
    assert (cls.subsequent_residence, cls.moved_two_or_more) == (0, 99)
    # "No" ends the questions.
    assert record(agency_user, outreach, HOST_HOME, leave_situation14_days=0)


REFUSALS = [
    (STREET, "future", {}, "information_date", "cannot be in the future"),
    (STREET, START - dt.timedelta(days=1), {}, "information_date", "before the project start"),
    (SUBSIDIZED_RENTAL, DAY, {"leave_situation14_days": 0}, "cls_subsidy_type", "Answer"),
    (STREET, DAY, {"cls_subsidy_type": 419}, "cls_subsidy_type", "Not asked"),
    (STREET, DAY, {"leave_situation14_days": 0}, "leave_situation14_days", "Not asked"),
    (
        HOST_HOME,
        DAY,
        {"leave_situation14_days": 0, "lease_own60_day": 1},
        "lease_own60_day",
        "Not asked",
    ),
    (STREET, DAY, {"verified_by": "CE"}, "verified_by", "only in Coordinated Entry"),
    (STREET, DAY, {"location_details": "x" * 251}, "location_details", "At most 250"),
    (24, DAY, {}, "current_living_situation", "not a code"),  # "Deceased": a destination only
]


@pytest.mark.parametrize(("situation", "when", "details", "field", "words"), REFUSALS)
def test_each_refusal_names_its_field_and_writes_nothing(
    agency_user, outreach, situation, when, details, field, words
):
    if when == "future":
        when = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as refusal:
        record(agency_user, outreach, situation, when, **details)
    messages = refusal.value.message_dict.get(field, [])
    assert any(words in m for m in messages), refusal.value.message_dict
    assert not CurrentLivingSituation.all_objects.exists()


def test_a_subsidized_rental_records_its_subsidy_type(agency_user, outreach):
    cls = record(
        agency_user, outreach, SUBSIDIZED_RENTAL, cls_subsidy_type=419, leave_situation14_days=0
    )
    assert cls.cls_subsidy_type == 419


def test_coordinated_entry_records_who_verified(world):
    access_point = world.user_with(Role.ACCESS_POINT, organization=world.own_agency)
    cls = record(access_point, world.ces_enrollment, verified_by="Regional CE street team")
    assert cls.verified_by == "Regional CE street team"


@pytest.mark.parametrize(
    ("role", "where"),
    [
        (Role.AGENCY_CES, "other"),
        (Role.VICTIM_SERVICE_PROVIDER, "own"),
        (Role.ACCESS_POINT, "own"),  # not a CE enrollment
    ],
)
def test_refused_users_get_404_and_nothing_is_written(client, world, outreach, role, where):
    user = world.user_with(role, organization=world.own_agency)
    target = outreach if where == "own" else world.other_enrollment
    client.force_login(user)
    url = f"/enrollments/{target.pk}/living-situation/new/"
    assert client.get(url).status_code == 404
    response = client.post(
        url, {"information_date": DAY.isoformat(), "current_living_situation": str(STREET)}
    )
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        record(user, target)
    assert not CurrentLivingSituation.all_objects.exists()


def test_the_page_asks_the_follow_ups_and_keeps_what_was_typed(client, agency_user, outreach):
    client.force_login(agency_user)
    url = f"/enrollments/{outreach.pk}/living-situation/new/"
    page = client.get(url).content.decode()
    assert 'name="leave_situation14_days"' not in page
    response = client.post(
        url,
        {
            "information_date": DAY.isoformat(),
            "current_living_situation": str(HOST_HOME),
            "location_details": "Sister's couch",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="error-leave_situation14_days"' in page
    assert "Sister&#x27;s couch" in page
    assert not CurrentLivingSituation.all_objects.exists()
    # htmx: the conditional questions for the answers so far, without the page around them.
    fragment = client.post(
        url,
        {
            "_partial": "1",
            "current_living_situation": str(HOST_HOME),
            "leave_situation14_days": "1",
        },
    ).content.decode()
    assert "<html" not in fragment and 'name="moved_two_or_more"' in fragment
    response = client.post(
        url,
        {
            "information_date": DAY.isoformat(),
            "current_living_situation": str(HOST_HOME),
            "leave_situation14_days": "0",
        },
    )
    assert response.status_code == 302
    assert CurrentLivingSituation.objects.get().leave_situation14_days == 0


def test_the_section_query_count_does_not_grow(client, agency_user, outreach):
    record(agency_user, outreach)
    client.force_login(agency_user)
    url = f"/enrollments/{outreach.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(10):
        record(agency_user, outreach, when=DAY - dt.timedelta(days=n + 1))
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert len(many) == len(one)
    assert page.count('data-testid="cls-row"') == 11
    assert 'data-testid="record-cls"' in page
