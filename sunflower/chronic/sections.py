"""The "Homeless history and chronic status" section of the client page (hmis.sections)."""

from __future__ import annotations

from django.utils import timezone

from sunflower.accounts.policy import Action, can, visible_clients
from sunflower.chronic.sources import load_client_history
from sunflower.hmis.sections import Section


def _client_history(request, client, **loaded):
    from sunflower.consent.levels import SharingLevel

    # The status is derived from disabilities and every stay: part of the full record, not of
    # the profile or history another agency may read under a narrower release or CoC rule.
    if not visible_clients(request.user, shared_minimum=SharingLevel.FULL).filter(
        pk=client.pk
    ).exists():
        return None
    history = load_client_history(request.user, client, timezone.localdate())
    return {
        "client_pk": client.pk,
        "history": history,
        "status": history.status,
        "can_record": can(request.user, Action.EDIT_HMIS_DATA, client),
    }


CLIENT_HOMELESS_HISTORY = Section(
    "homeless-history", "chronic/_section.html", _client_history
)
