"""Every cell of the product brief's role table, allowed side and refused side.

EXPECTED below is transcribed independently from docs/access-control.md (the brief's table);
it is deliberately not read from policy.ROLE_TABLE, so a wrong cell in the policy fails here.
"""

from __future__ import annotations

import pytest

from sunflower.accounts import policy
from sunflower.accounts.policy import Action
from sunflower.accounts.roles import Duty, Role

pytestmark = [pytest.mark.foundation, pytest.mark.security, pytest.mark.django_db]

VSP, AP, AG, OUT, ADM, HMIS = (
    Role.VICTIM_SERVICE_PROVIDER,
    Role.ACCESS_POINT,
    Role.AGENCY_CES,
    Role.AGENCY_CES_OUTREACH,
    Role.AGENCY_ADMIN,
    Role.HMIS_ADMIN,
)
ROLES = [VSP, AP, AG, OUT, ADM, HMIS]

# Scopes: "all", "own" (own agency's records), "ces" (CES records only), "no".
EXPECTED: dict[Action, tuple[str, str, str, str, str, str]] = {
    #                                      VSP    AP     AG     OUT    ADM    HMIS
    Action.VIEW_CES_CLIENT_INFO: ("ces", "ces", "ces", "ces", "ces", "all"),
    Action.ATTEND_CES_MEETINGS: ("all", "all", "all", "all", "all", "all"),
    Action.VIEW_CLIENT_RECORD: ("no", "ces", "own", "own", "own", "all"),
    Action.EDIT_HMIS_DATA: ("no", "ces", "own", "own", "own", "all"),
    Action.CREATE_CLIENT: ("no", "no", "own", "own", "own", "all"),
    Action.CES_ASSESS_AND_REFER: ("no", "ces", "ces", "ces", "ces", "all"),
    Action.RUN_PROGRAM_REPORTS: ("no", "no", "own", "own", "own", "all"),
    Action.USE_OUTREACH_MAP: ("no", "no", "no", "own", "no", "all"),
    Action.VIEW_OUTREACH_COUNTY_COUNTS: ("no", "no", "all", "all", "all", "all"),
    Action.REQUEST_USERS_AND_PROGRAM_CHANGES: ("no", "no", "no", "no", "own", "all"),
    Action.MANAGE_USERS_PROJECTS_APPROVALS: ("no", "no", "no", "no", "no", "all"),
    Action.IMPORT_HMIS_CSV: ("no", "no", "no", "no", "no", "all"),
    Action.VIEW_AUDIT_LOG: ("no", "no", "no", "no", "no", "all"),
    Action.USE_DJANGO_ADMIN: ("no", "no", "no", "no", "no", "all"),
    Action.RUN_REGIONAL_CES_LIST: ("no", "no", "no", "no", "no", "all"),
    Action.VOTE_IN_COMMITTEE: ("no", "no", "no", "no", "no", "no"),
    Action.MANAGE_OPENINGS_AND_REFERRALS: ("no", "no", "own", "own", "own", "all"),
    Action.MANAGE_DEIDENTIFIED_HOUSEHOLDS: ("own", "no", "no", "no", "no", "no"),
}

CELLS = [
    pytest.param(action, role, EXPECTED[action][i], id=f"{action.value}-{role.value}")
    for action in Action
    for i, role in enumerate(ROLES)
]


def test_every_action_is_in_the_expected_table():
    assert set(EXPECTED) == set(Action)
    assert set(policy.ROLE_TABLE) == set(Action)


@pytest.mark.parametrize(("action", "role", "scope"), CELLS)
def test_role_table_cell(world, action, role, scope):
    # given a user with `role` at agency A
    user = world.user_with(role)
    own, other, ces = world.records_for(action)

    # then the capability exists somewhere exactly when the cell is not "no"
    assert policy.can(user, action) is (scope != "no")
    # and on records: own agency's, another agency's, a CES record
    assert policy.can(user, action, own) is (scope in {"all", "own"})
    assert policy.can(user, action, other) is (scope == "all")
    assert policy.can(user, action, ces) is (scope in {"all", "ces"})


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
def test_visible_clients_follow_the_view_row(world, role):
    user = world.user_with(role)
    scope = EXPECTED[Action.VIEW_CLIENT_RECORD][ROLES.index(role)]
    visible = set(policy.visible_clients(user).values_list("pk", flat=True))
    expected = {
        "all": {world.own_client.pk, world.other_client.pk, world.ces_client.pk},
        "own": {world.own_client.pk},
        "ces": {world.ces_client.pk},
        "no": set(),
    }[scope]
    assert visible == expected


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
def test_visible_enrollments_follow_the_view_row(world, role):
    user = world.user_with(role)
    scope = EXPECTED[Action.VIEW_CLIENT_RECORD][ROLES.index(role)]
    visible = set(policy.visible_enrollments(user).values_list("pk", flat=True))
    expected = {
        "all": {world.own_enrollment.pk, world.other_enrollment.pk, world.ces_enrollment.pk},
        "own": {world.own_enrollment.pk},
        "ces": {world.ces_enrollment.pk},
        "no": set(),
    }[scope]
    assert visible == expected


def test_vsp_can_never_write_even_a_ces_record(world):
    user = world.user_with(VSP)
    for record in (world.own_enrollment, world.ces_enrollment, world.assessment):
        assert not policy.can(user, Action.EDIT_HMIS_DATA, record)
        assert not policy.can(user, Action.CES_ASSESS_AND_REFER, record)


def test_inactive_user_and_inactive_membership_can_do_nothing(world):
    user = world.user_with(HMIS)
    user.is_active = False
    assert not any(policy.can(user, action) for action in Action)
    other = world.user_with(AG, email="inactive-membership@example.org")
    other.memberships.update(is_active=False)
    other._sunflower_memberships = None
    assert policy.allowed_actions(other) == set()


def test_anonymous_can_do_nothing():
    from django.contrib.auth.models import AnonymousUser

    assert policy.allowed_actions(AnonymousUser()) == set()
    assert not policy.visible_clients(AnonymousUser()).exists()


def test_role_at_another_agency_does_not_reach_this_agency(world):
    # a user who is agency staff at B only must not edit agency A's enrollment
    user = world.user_with(AG, organization=world.other_agency, email="b-staff@example.org")
    assert policy.can(user, Action.EDIT_HMIS_DATA, world.other_enrollment)
    assert not policy.can(user, Action.EDIT_HMIS_DATA, world.own_enrollment)


def test_regional_coordinator_duty_reaches_only_its_region(world):
    from sunflower.accounts.models import DutyAssignment

    user = world.user_with(AG, email="coordinator@example.org")
    assert not policy.can(user, Action.RUN_REGIONAL_CES_LIST)
    DutyAssignment.objects.create(
        user=user, duty=Duty.CES_REGIONAL_COORDINATOR, region=world.region_1
    )
    assert policy.can(user, Action.RUN_REGIONAL_CES_LIST)
    assert policy.can(user, Action.RUN_REGIONAL_CES_LIST, world.region_1)
    assert not policy.can(user, Action.RUN_REGIONAL_CES_LIST, world.region_2)


def test_committee_member_duty_grants_voting_only(world):
    from sunflower.accounts.models import DutyAssignment

    user = world.user_with(ADM, email="committee@example.org")
    assert not policy.can(user, Action.VOTE_IN_COMMITTEE)
    DutyAssignment.objects.create(
        user=user, duty=Duty.COMMITTEE_MEMBER, committee="HMIS Oversight Committee"
    )
    assert policy.can(user, Action.VOTE_IN_COMMITTEE)
    assert not policy.can(user, Action.MANAGE_USERS_PROJECTS_APPROVALS)


def test_access_client_refuses_like_a_missing_record(world):
    from django.http import Http404

    user = world.user_with(AG)
    assert policy.access_client(user, world.own_client.pk) == world.own_client
    with pytest.raises(Http404):
        policy.access_client(user, world.other_client.pk)
    with pytest.raises(Http404):
        policy.access_client(user, 10**9)


def test_a_client_entered_by_an_agency_is_visible_to_that_agency_only(world):
    from sunflower.hmis.actions import create_client

    user = world.user_with(AG)
    data = {
        "first_name": "Nova",
        "last_name": "Reed",
        "name_data_quality": 1,
        "ssn_data_quality": 99,
        "dob_data_quality": 99,
        "am_ind_ak_native": 0,
        "asian": 0,
        "black_af_american": 0,
        "hispanic_latinao": 0,
        "mid_east_n_african": 0,
        "native_hi_pacific": 0,
        "white": 1,
        "veteran_status": 0,
    }
    created = create_client(user, data)
    assert policy.visible_clients(user).filter(pk=created.pk).exists()
    assert policy.can(user, Action.EDIT_HMIS_DATA, created)
    other = world.user_with(AG, organization=world.other_agency, email="b@example.org")
    assert not policy.visible_clients(other).filter(pk=created.pk).exists()


# --- sharing (releases of information, CoC rules; docs/consent.md) --------------------------
# The one widening: VIEW_CLIENT_RECORD's own-agency scope also reads what other agencies share.
# Every other cell of EXPECTED holds whatever is shared.


@pytest.fixture
def shared_everything(world):
    """Agency B's client is shared with Agency A as far as anything can be: a current release
    naming A for the full record, and a KS-507 rule at profile and history."""
    import datetime as dt

    from django.utils import timezone

    from sunflower.consent.models import ReleaseOfInformation, SharingRule
    from sunflower.hmis.models import ProjectCoC

    for project in (world.own_project, world.other_project):
        ProjectCoC.objects.create(project=project, coc_code="KS-507", geocode="209999")
    SharingRule.objects.update_or_create(
        coc_code="KS-507", defaults={"level": "profile_and_history"}
    )
    today = timezone.localdate()
    ReleaseOfInformation.objects.create(
        client=world.other_client,
        organization=world.own_agency,
        scope="full",
        start_date=today - dt.timedelta(days=1),
        end_date=today + dt.timedelta(days=100),
        method="signed_paper",
        entered_by=world.user_with(HMIS, organization=world.lead_agency, email="l@example.org"),
    )
    return world


@pytest.mark.parametrize(("action", "role", "scope"), CELLS)
def test_sharing_widens_only_reading_the_record(shared_everything, action, role, scope):
    world = shared_everything
    user = world.user_with(role)
    widened = action == Action.VIEW_CLIENT_RECORD and scope == "own"

    # another agency's record: refused as in the table, except reading a shared one
    assert policy.can(user, action, world.other_enrollment) is (scope == "all" or widened)
    assert policy.can(user, action, world.other_client) is (scope == "all" or widened)
    # own and CES records exactly as in the table
    assert policy.can(user, action, world.own_enrollment) is (scope in {"all", "own"})
    assert policy.can(user, action, world.assessment) is (scope in {"all", "ces"})


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
def test_visible_clients_add_shared_clients_for_own_agency_readers_only(shared_everything, role):
    world = shared_everything
    user = world.user_with(role)
    scope = EXPECTED[Action.VIEW_CLIENT_RECORD][ROLES.index(role)]
    expected = {
        "all": {world.own_client.pk, world.other_client.pk, world.ces_client.pk},
        # the KS-507 rule shares every client enrolled in KS-507 (the CES client too)
        "own": {world.own_client.pk, world.other_client.pk, world.ces_client.pk},
        "ces": {world.ces_client.pk},
        "no": set(),
    }[scope]
    assert set(policy.visible_clients(user).values_list("pk", flat=True)) == expected
    editable = set(policy.visible_clients(user, Action.EDIT_HMIS_DATA).values_list("pk", flat=True))
    assert world.other_client.pk not in editable or scope == "all"
