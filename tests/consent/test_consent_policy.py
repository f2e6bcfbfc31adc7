"""Releases of information and CoC sharing rules, enforced by the one access policy
(sunflower/accounts/policy.py, docs/consent.md): every rule, allowed side and refused side."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sunflower.accounts import policy
from sunflower.accounts.policy import Action
from sunflower.accounts.roles import Role
from sunflower.consent.levels import SharingLevel
from sunflower.hmis.testing import make_client, make_enrollment, make_organization, make_project

pytestmark = [pytest.mark.casemgmt, pytest.mark.security, pytest.mark.django_db]

TODAY = timezone.localdate


def sees(user, client) -> bool:
    return policy.visible_clients(user).filter(pk=client.pk).exists()


def opens(user, enrollment) -> bool:
    return policy.visible_enrollments(user).filter(pk=enrollment.pk).exists()


# --- nothing shared ------------------------------------------------------------------------


def test_shipped_rules_share_nothing(sharing):
    from sunflower.consent.models import SharingRule

    assert dict(SharingRule.objects.values_list("coc_code", "level")) == {
        "KS-505": "none",
        "KS-507": "none",
    }
    world = sharing.world
    assert not sees(sharing.user, world.other_client)
    assert policy.sharing_level(sharing.user, world.other_client) == SharingLevel.NONE
    assert not policy.can(sharing.user, Action.VIEW_CLIENT_RECORD, world.other_client)


# --- releases ------------------------------------------------------------------------------


def test_current_release_naming_the_agency_shares_the_profile_for_reading_only(sharing):
    world = sharing.world
    sharing.release(scope="profile")

    assert sees(sharing.user, world.other_client)
    assert policy.can(sharing.user, Action.VIEW_CLIENT_RECORD, world.other_client)
    assert policy.sharing_level(sharing.user, world.other_client) == SharingLevel.PROFILE
    # reading only: no edit, no other-agency enrollment page, no CES or report reach
    assert not policy.can(sharing.user, Action.EDIT_HMIS_DATA, world.other_client)
    assert not policy.can(sharing.user, Action.EDIT_HMIS_DATA, world.other_enrollment)
    assert (
        not policy.visible_clients(sharing.user, Action.EDIT_HMIS_DATA)
        .filter(pk=world.other_client.pk)
        .exists()
    )
    assert not opens(sharing.user, world.other_enrollment)
    assert not policy.can(sharing.user, Action.VIEW_CLIENT_RECORD, world.other_enrollment)
    # the rest of the table is untouched
    assert sees(sharing.user, world.own_client)
    assert not sees(sharing.user, world.ces_client)


@pytest.mark.parametrize(
    ("start_days", "end_days", "revoked", "shared"),
    [
        pytest.param(-10, 300, False, True, id="current"),
        pytest.param(-365, -1, False, False, id="expired-yesterday"),
        pytest.param(-365, 0, False, True, id="ends-today"),
        pytest.param(1, 300, False, False, id="starts-tomorrow"),
        pytest.param(0, 300, False, True, id="starts-today"),
        pytest.param(-10, 300, True, False, id="revoked"),
    ],
)
def test_only_a_current_release_shares(sharing, start_days, end_days, revoked, shared):
    today = TODAY()
    release = sharing.release(
        start=today + dt.timedelta(days=start_days),
        end=today + dt.timedelta(days=end_days),
        revoked=revoked,
    )
    assert release.is_current() is shared
    assert sees(sharing.user, sharing.world.other_client) is shared
    assert (
        policy.sharing_level(sharing.user, sharing.world.other_client) == SharingLevel.PROFILE
    ) is shared


def test_release_naming_another_agency_does_not_share_with_this_one(sharing):
    sharing.release(organization=sharing.far_agency, scope="full")
    assert not sees(sharing.user, sharing.world.other_client)
    assert policy.sharing_level(sharing.user, sharing.world.other_client) == SharingLevel.NONE


def test_coc_wide_release_shares_with_the_cocs_participating_agencies_only(sharing):
    world = sharing.world
    sharing.release(coc_code="KS-507", scope="profile_and_history")
    assert sees(sharing.user, world.other_client)
    assert policy.sharing_level(sharing.user, world.other_client) == SharingLevel.HISTORY

    # an agency of KS-505 only is not a participating agency of KS-507
    far_user = sharing.world.user_with(
        Role.AGENCY_CES, organization=sharing.far_agency, email="c-staff@example.org"
    )
    assert not sees(far_user, world.other_client)
    assert policy.sharing_level(far_user, world.other_client) == SharingLevel.NONE


def test_full_release_opens_the_other_agencys_enrollment_read_only(sharing, client):
    from django.urls import reverse

    world = sharing.world
    sharing.release(scope="full")

    assert opens(sharing.user, world.other_enrollment)
    assert policy.can(sharing.user, Action.VIEW_CLIENT_RECORD, world.other_enrollment)
    assert not policy.can(sharing.user, Action.EDIT_HMIS_DATA, world.other_enrollment)
    assert (
        not policy.visible_enrollments(sharing.user, Action.EDIT_HMIS_DATA)
        .filter(pk=world.other_enrollment.pk)
        .exists()
    )
    client.force_login(sharing.user)
    assert (
        client.get(reverse("enrollment_detail", args=[world.other_enrollment.pk])).status_code
        == 200
    )
    assert client.get(reverse("exit_enrollment", args=[world.other_enrollment.pk])).status_code in {
        403,
        404,
    }


@pytest.mark.parametrize("scope", ["profile", "profile_and_history"])
def test_below_full_the_other_agencys_enrollment_page_stays_closed(sharing, client, scope):
    from django.urls import reverse

    sharing.release(scope=scope)
    client.force_login(sharing.user)
    response = client.get(reverse("enrollment_detail", args=[sharing.world.other_enrollment.pk]))
    assert response.status_code == 404


# --- CoC sharing rules ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        ("none", SharingLevel.NONE),
        ("profile", SharingLevel.PROFILE),
        ("profile_and_history", SharingLevel.HISTORY),
    ],
)
def test_rule_level_shares_without_a_release(sharing, level, expected):
    sharing.rule(level)
    other = sharing.world.other_client
    assert sees(sharing.user, other) is (expected != SharingLevel.NONE)
    assert policy.sharing_level(sharing.user, other) == expected
    # a rule never opens another agency's enrollment page, nor editing
    assert not opens(sharing.user, sharing.world.other_enrollment)
    assert not policy.can(sharing.user, Action.EDIT_HMIS_DATA, other)


def test_rule_reaches_only_agencies_of_the_coc_and_clients_enrolled_in_it(sharing):
    world = sharing.world
    sharing.rule("profile_and_history", "KS-507")
    far_user = world.user_with(
        Role.AGENCY_CES, organization=sharing.far_agency, email="c-staff@example.org"
    )
    assert not sees(far_user, world.other_client)  # Agency C is not in KS-507

    # a KS-505 rule does not share a client enrolled only in KS-507
    sharing.rule("none", "KS-507")
    sharing.rule("profile_and_history", "KS-505")
    assert not sees(sharing.user, world.other_client)
    # nor does a rule share a client no agency enrolled (entered only)
    assert not sees(sharing.user, make_client(last_name="Unenrolled"))


def test_agency_not_in_any_coc_gets_nothing_from_rules(sharing):
    from sunflower.hmis.models import ProjectCoC

    ProjectCoC.objects.filter(project=sharing.world.own_project).delete()
    sharing.rule("profile_and_history")
    assert not sees(sharing.user, sharing.world.other_client)


# --- never shared: victim service providers, clients fleeing DV ----------------------------


@pytest.fixture
def vsp_client(sharing):
    """A client served only by a victim service provider organization's project in KS-507."""
    from sunflower.hmis.models import ProjectCoC

    vsp = make_organization(organization_name="Safe Harbor", victim_service_provider=1)
    project = make_project(vsp, project_type=0, project_name="Safe Harbor Shelter")
    ProjectCoC.objects.create(project=project, coc_code="KS-507", geocode="209999")
    client = make_client(last_name="Harbor")
    return client, make_enrollment(client, project)


def test_rule_never_shares_a_victim_service_providers_client(sharing, vsp_client):
    client, _enrollment = vsp_client
    sharing.rule("profile_and_history")
    assert not sees(sharing.user, client)
    assert policy.sharing_level(sharing.user, client) == SharingLevel.NONE


def test_vsp_enrollments_stay_closed_even_with_a_full_release(sharing, vsp_client):
    client, enrollment = vsp_client
    sharing.release(client, scope="full")
    # the client consented to this agency: the profile is shared ...
    assert sees(sharing.user, client)
    # ... but never the victim service provider's records
    assert not opens(sharing.user, enrollment)
    assert policy.sharing_for(sharing.user, client).level_for(enrollment) == SharingLevel.NONE


def test_vsp_enrollment_does_not_carry_a_rule_for_a_client_also_served_elsewhere(
    sharing, vsp_client
):
    client, enrollment = vsp_client
    other_enrollment = make_enrollment(client, sharing.world.other_project)
    sharing.rule("profile_and_history")
    # shared through Agency B's enrollment, but the VSP row stays out of the history
    assert sees(sharing.user, client)
    shared = policy.sharing_for(sharing.user, client)
    assert shared.level_for(other_enrollment) == SharingLevel.HISTORY
    assert shared.level_for(enrollment) == SharingLevel.NONE


def test_client_fleeing_dv_is_not_shared_by_rule_or_coc_wide_release(sharing):
    other = sharing.world.other_client
    sharing.rule("profile_and_history")
    sharing.release(coc_code="KS-507", scope="full")
    assert sees(sharing.user, other)  # before the DV record

    sharing.fleeing(value=1)

    user = sharing.fresh()
    assert not sees(user, other)
    assert policy.sharing_level(user, other) == SharingLevel.NONE
    assert not opens(user, sharing.world.other_enrollment)


def test_client_fleeing_dv_is_shared_by_a_release_naming_the_agency(sharing):
    other = sharing.world.other_client
    sharing.fleeing(value=1)
    sharing.release(scope="profile_and_history")
    assert sees(sharing.user, other)
    assert policy.sharing_level(sharing.user, other) == SharingLevel.HISTORY


def test_only_the_latest_dv_record_counts(sharing):
    other = sharing.world.other_client
    sharing.rule("profile")
    sharing.fleeing(value=1, information_date=dt.date(2025, 2, 1))
    assert not sees(sharing.user, other)
    # a later assessment: no longer fleeing
    sharing.fleeing(value=0, information_date=dt.date(2025, 6, 1))
    assert sees(sharing.fresh(), other)
    # an even later one: fleeing again
    sharing.fleeing(value=1, information_date=dt.date(2025, 9, 1))
    assert not sees(sharing.fresh(), other)


# --- who gains nothing ---------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.VICTIM_SERVICE_PROVIDER, Role.ACCESS_POINT])
def test_roles_without_own_agency_reading_gain_nothing_from_sharing(sharing, role):
    sharing.release(scope="full")
    sharing.rule("profile_and_history")
    user = sharing.world.user_with(role, email=f"{role.value}-x@example.org")
    assert not sees(user, sharing.world.other_client)
    assert policy.sharing_level(user, sharing.world.other_client) == SharingLevel.NONE
    assert not opens(user, sharing.world.other_enrollment)


def test_hmis_admin_sees_everything(sharing, vsp_client):
    admin = sharing.world.user_with(Role.HMIS_ADMIN, organization=sharing.world.lead_agency)
    client, _ = vsp_client
    assert sees(admin, client)
    assert policy.sharing_level(admin, client) == SharingLevel.FULL


def test_visible_clients_without_sharing_is_available_for_record_parts(sharing):
    sharing.release(scope="profile_and_history")
    other = sharing.world.other_client
    visible = policy.visible_clients
    assert visible(sharing.user).filter(pk=other.pk).exists()
    assert not visible(sharing.user, shared_minimum=SharingLevel.FULL).filter(pk=other.pk).exists()
    assert not visible(sharing.user, shared_minimum=SharingLevel.NONE).filter(pk=other.pk).exists()
    sharing.release(scope="full")
    assert visible(sharing.user, shared_minimum=SharingLevel.FULL).filter(pk=other.pk).exists()


@pytest.mark.parametrize(
    "setup",
    [
        "nothing",
        "rule-profile",
        "rule-history",
        "release-full",
        "coc-release",
        "fleeing-rule",
        "fleeing-named",
    ],
)
def test_sharing_level_agrees_with_visible_clients(sharing, setup):
    """The client page's level and the list queryset decide the same way."""
    if setup == "rule-profile":
        sharing.rule("profile")
    elif setup == "rule-history":
        sharing.rule("profile_and_history")
    elif setup == "release-full":
        sharing.release(scope="full")
    elif setup == "coc-release":
        sharing.release(coc_code="KS-507", scope="profile")
    elif setup == "fleeing-rule":
        sharing.rule("profile_and_history")
        sharing.fleeing()
    elif setup == "fleeing-named":
        sharing.fleeing()
        sharing.release(scope="profile")
    other = sharing.world.other_client
    level = policy.sharing_level(sharing.user, other)
    assert sees(sharing.user, other) is level.at_least(SharingLevel.PROFILE)
    assert opens(sharing.user, sharing.world.other_enrollment) is (level == SharingLevel.FULL)
