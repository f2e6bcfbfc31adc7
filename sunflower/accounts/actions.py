"""Changes of state for users and memberships (every one through here or the admin)."""

from __future__ import annotations

from django.db import transaction

from sunflower.accounts.roles import Role


def sync_admin_flags(user) -> None:
    """Django admin access follows the HMIS administrator role and nothing else.

    `is_staff`/`is_superuser` are derived state, kept in step whenever a membership changes, so
    that the admin's own permission checks agree with the access policy.
    """
    is_admin = user.memberships.filter(is_active=True, role=Role.HMIS_ADMIN).exists()
    if user.is_staff != is_admin or user.is_superuser != is_admin:
        user.is_staff = is_admin
        user.is_superuser = is_admin
        user.save(update_fields=["is_staff", "is_superuser"])
    user._sunflower_memberships = None


@transaction.atomic
def grant_role(user, organization, role: Role):
    """Give `user` `role` at `organization` (replacing the role they had there)."""
    from sunflower.accounts.models import Membership

    membership, _ = Membership.objects.update_or_create(
        user=user, organization=organization, defaults={"role": role, "is_active": True}
    )
    sync_admin_flags(user)
    return membership


@transaction.atomic
def revoke_role(user, organization) -> None:
    from sunflower.accounts.models import Membership

    Membership.objects.filter(user=user, organization=organization).update(is_active=False)
    sync_admin_flags(user)


@transaction.atomic
def hmis_user_for(user):
    """The HUD User.csv row that `user`'s records carry as UserID, made on first need."""
    from sunflower.accounts.models import User
    from sunflower.hmis.models import HmisUser

    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.hmis_user_id is None:
        locked.hmis_user = HmisUser.objects.create(
            user_first_name=user.first_name[:50],
            user_last_name=user.last_name[:50],
            user_email=user.email[:320],
        )
        locked.save(update_fields=["hmis_user"])
    user.hmis_user = locked.hmis_user
    return locked.hmis_user
