"""Housing move-in date, HUD 3.20 (sunflower/hmis/move_in.py, docs/services.md).
Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sunflower.accounts.roles import Role
from sunflower.hmis import move_in, stay
from sunflower.hmis.models import Enrollment
from sunflower.hmis.testing import make_client, make_enrollment, make_project

pytestmark = [pytest.mark.casemgmt, pytest.mark.django_db]

START = dt.date(2025, 1, 15)
MOVE_IN = dt.date(2025, 3, 3)


@pytest.fixture
def agency_user(world):
    return world.user_with(Role.AGENCY_CES, organization=world.own_agency)


@pytest.fixture
def psh(world):
    return make_project(world.own_agency, project_type=3, project_name="PSH")


@pytest.fixture
def household(psh):
    """A head, a partner present all along, a child who joined after the move-in and a member
    who left before it."""
    head = make_enrollment(make_client(last_name="Head"), psh, entry_date=START)

    def member(entry, relationship):
        return make_enrollment(
            make_client(),
            psh,
            entry_date=entry,
            household_id=head.household_id,
            relationship_to_hoh=relationship,
        )

    partner = member(START, 3)
    child = member(MOVE_IN + dt.timedelta(days=10), 2)
    left = member(START, 5)
    return head, partner, child, left


def dates(*enrollments):
    return [Enrollment.objects.get(pk=e.pk).move_in_date for e in enrollments]


@pytest.mark.parametrize(
    ("project_type", "rrh_sub_type", "collects"),
    [
        (3, None, True),
        (9, None, True),
        (10, None, True),
        (13, 2, True),
        (13, 1, False),
        (2, None, False),
        (0, None, False),
        (14, None, False),
    ],
)
def test_only_permanent_housing_collects_it(world, project_type, rrh_sub_type, collects):
    project = make_project(world.own_agency, project_type=project_type, rrh_sub_type=rrh_sub_type)
    assert move_in.collects_move_in(project) is collects


def test_members_share_the_date_join_on_their_start_or_get_none(agency_user, household):
    head, partner, child, left = household
    stay.record_exit(agency_user, [left], MOVE_IN - dt.timedelta(days=1), 101)
    changed = move_in.record_move_in(agency_user, head, MOVE_IN)
    assert dates(head, partner, child, left) == [MOVE_IN, MOVE_IN, child.entry_date, None]
    assert {e.pk for e in changed} == {head.pk, partner.pk, child.pk}


def test_changing_and_clearing_are_audited(agency_user, household):
    head, partner, *_ = household
    move_in.record_move_in(agency_user, head, MOVE_IN)
    later = MOVE_IN + dt.timedelta(days=2)
    move_in.record_move_in(agency_user, head, later)
    move_in.record_move_in(agency_user, head, None)
    assert dates(head, partner) == [None, None]
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Enrollment),
        object_id=head.pk,
        action=LogEntry.Action.UPDATE,
    ).order_by("timestamp", "pk")
    changes = [entry.changes_dict.get("move_in_date") for entry in entries]
    changes = [c for c in changes if c]
    assert changes[-3:] == [
        ["None", str(MOVE_IN)],
        [str(MOVE_IN), str(later)],
        [str(later), "None"],
    ]


REFUSALS = [
    ("future", "move_in_date", "cannot be in the future"),
    (START - dt.timedelta(days=1), "move_in_date", "before the project start date"),
]


@pytest.mark.parametrize(("when", "field", "words"), REFUSALS)
def test_each_refusal_names_its_field_and_writes_nothing(
    agency_user, household, when, field, words
):
    if when == "future":
        when = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as refusal:
        move_in.record_move_in(agency_user, household[0], when)
    assert any(words in m for m in refusal.value.message_dict[field])
    assert dates(*household) == [None] * 4


def test_after_the_exit_is_refused(agency_user, household):
    head = household[0]
    stay.record_exit(agency_user, [head], MOVE_IN, 101)
    move_in.record_move_in(agency_user, head, MOVE_IN)  # the exit day itself is allowed
    with pytest.raises(ValidationError) as refusal:
        move_in.record_move_in(agency_user, head, MOVE_IN + dt.timedelta(days=1))
    assert "after the exit date" in refusal.value.message_dict["move_in_date"][0]
    assert dates(head) == [MOVE_IN]


def test_only_the_head_of_household_records_it(agency_user, household):
    with pytest.raises(ValidationError) as refusal:
        move_in.record_move_in(agency_user, household[1], MOVE_IN)
    assert "head of household" in refusal.value.messages[0]
    assert dates(*household) == [None] * 4


def test_a_shelter_does_not_record_it(agency_user, world):
    enrollment = make_enrollment(make_client(), world.own_project)
    with pytest.raises(ValidationError):
        move_in.record_move_in(agency_user, enrollment, MOVE_IN)
    assert dates(enrollment) == [None]


def test_the_page_saves_and_clears(client, agency_user, household):
    head, partner, *_ = household
    client.force_login(agency_user)
    url = f"/enrollments/{head.pk}/move-in/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"move_in_date": MOVE_IN.isoformat()})
    assert response.status_code == 302
    assert dates(head, partner) == [MOVE_IN, MOVE_IN]
    page = client.get(f"/enrollments/{head.pk}/").content.decode()
    assert 'data-testid="move-in-date"' in page and 'data-testid="record-move-in"' in page
    # A member's page shows the panel, not the link.
    page = client.get(f"/enrollments/{partner.pk}/").content.decode()
    assert 'data-testid="move-in"' in page and 'data-testid="record-move-in"' not in page
    assert client.get(f"/enrollments/{partner.pk}/move-in/").status_code == 404
    response = client.post(url, {"move_in_date": "", "clear": "1"})
    assert response.status_code == 302
    assert dates(head, partner) == [None, None]


def test_the_page_shows_the_error_and_keeps_the_date(client, agency_user, household):
    client.force_login(agency_user)
    response = client.post(
        f"/enrollments/{household[0].pk}/move-in/", {"move_in_date": "2024-12-01"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="error-move_in_date"' in page and 'value="2024-12-01"' in page
    assert dates(household[0]) == [None]


def test_a_shelter_enrollment_has_no_move_in_panel(client, agency_user, world):
    enrollment = make_enrollment(make_client(), world.own_project)
    client.force_login(agency_user)
    assert (
        'data-testid="move-in"' not in client.get(f"/enrollments/{enrollment.pk}/").content.decode()
    )
    assert client.get(f"/enrollments/{enrollment.pk}/move-in/").status_code == 404


@pytest.mark.parametrize(
    ("role", "where"),
    [
        (Role.AGENCY_CES, "other"),
        (Role.VICTIM_SERVICE_PROVIDER, "own"),
        (Role.ACCESS_POINT, "own"),
    ],
)
def test_refused_users_get_404_and_nothing_is_written(client, world, household, role, where):
    user = world.user_with(role, organization=world.own_agency)
    target = household[0] if where == "own" else world.other_enrollment  # other: PSH of B
    client.force_login(user)
    url = f"/enrollments/{target.pk}/move-in/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"move_in_date": MOVE_IN.isoformat()}).status_code == 404
    with pytest.raises(PermissionDenied):
        move_in.record_move_in(user, target, MOVE_IN)
    assert dates(target) == [None]
