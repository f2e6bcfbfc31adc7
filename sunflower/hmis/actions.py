"""Changes of state for HUD records entered in Sunflower (pages call these, never save())."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from sunflower.accounts.policy import Action, can


def can_create_client(user) -> bool:
    return can(user, Action.CREATE_CLIENT)


def create_client(user, data: dict):
    """Create a client from `data` (Client field values) as `user`. Raises PermissionDenied
    if the policy does not let `user` enter HMIS data for a new client, ValidationError (and
    saves nothing) if the data breaks a HUD rule. django-auditlog records the creation."""
    from sunflower.accounts.actions import hmis_user_for
    from sunflower.hmis.models import Client

    if not can_create_client(user):
        raise PermissionDenied
    with transaction.atomic():
        client = Client(**data)
        client.full_clean()
        client.user = hmis_user_for(user)
        client.save()
    return client
