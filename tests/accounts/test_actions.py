"""Membership changes keep Django admin access in step with the HMIS administrator role."""

from __future__ import annotations

import pytest

from sunflower.accounts.actions import grant_role, hmis_user_for, revoke_role
from sunflower.accounts.roles import Role

pytestmark = [pytest.mark.foundation, pytest.mark.django_db]


def test_admin_flags_follow_the_hmis_admin_role(world):
    user = world.user_with(Role.AGENCY_CES)
    assert not user.is_staff and not user.is_superuser

    grant_role(user, world.lead_agency, Role.HMIS_ADMIN)
    user.refresh_from_db()
    assert user.is_staff and user.is_superuser

    revoke_role(user, world.lead_agency)
    user.refresh_from_db()
    assert not user.is_staff and not user.is_superuser


def test_a_membership_edited_directly_also_updates_the_flags(world):
    user = world.user_with(Role.AGENCY_ADMIN)
    membership = user.memberships.get()
    membership.role = Role.HMIS_ADMIN
    membership.save()
    user.refresh_from_db()
    assert user.is_staff


def test_hmis_user_is_made_once_and_carries_the_name(world):
    user = world.user_with(Role.AGENCY_CES, first_name="Rosa", last_name="Diaz")
    first = hmis_user_for(user)
    second = hmis_user_for(user)
    assert first.pk == second.pk
    assert (first.user_first_name, first.user_last_name) == ("Rosa", "Diaz")
    assert len(first.user_id) == 32
