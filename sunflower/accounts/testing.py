"""Builders of users with a role, for tests (and the e2e browser test)."""

from __future__ import annotations

from sunflower.accounts.actions import grant_role
from sunflower.accounts.roles import Role


def create_user_with_role(
    email: str, role: Role, password: str | None = None, organization=None, **user_fields
):
    """A user with one active membership: `role` at `organization` (a new agency if None)."""
    from sunflower.accounts.models import User
    from sunflower.hmis.testing import make_organization

    user = User.objects.create_user(email=email, password=password, **user_fields)
    if organization is None:
        organization = make_organization(
            victim_service_provider=1 if role == Role.VICTIM_SERVICE_PROVIDER else 0
        )
    grant_role(user, organization, role)
    return user
