"""Client page sections: releases of information, the client's current households, and the
enrollment history across agencies as far as consent and CoC rules allow (docs/consent.md).
Each runs a fixed number of queries whatever the record's size."""

from __future__ import annotations

from django.utils import timezone

from sunflower.accounts.policy import Action, can, sharing_for, visible_enrollments
from sunflower.consent.actions import releases_shown_to
from sunflower.consent.levels import SharingLevel
from sunflower.hmis.models import Enrollment
from sunflower.hmis.sections import Section


def _releases(request, client, **loaded):
    editor = can(request.user, Action.EDIT_HMIS_DATA, client)
    today = timezone.localdate()
    releases = list(releases_shown_to(request.user, client, editor))
    for release in releases:
        release.state = release.status(today)
    if not releases and not editor:
        return None
    return {"releases": releases, "client_pk": client.pk, "can_record": editor}


def _households(request, client, enrollments=(), **loaded):
    """The households of the client's open enrollments that the user may see, with the other
    members the user may see (their enrollments in the same household and project)."""
    current = [e for e in enrollments if not e.exits.all()]
    if not current:
        return {"households": []}
    keys = {(e.household_id, e.project_id) for e in current}
    members = (
        visible_enrollments(request.user)
        .filter(household_id__in={household for household, _project in keys})
        .exclude(client=client)
        .select_related("client")
        .prefetch_related("exits")
        .order_by("relationship_to_hoh", "client__last_name", "client__first_name")
    )
    by_household: dict[tuple, list] = {key: [] for key in keys}
    for member in members:
        key = (member.household_id, member.project_id)
        if key in by_household:
            by_household[key].append(member)
    households = [
        {"enrollment": e, "members": by_household[(e.household_id, e.project_id)]} for e in current
    ]
    return {"households": households}


def _history(request, client, enrollments=(), **loaded):
    """Every enrollment of the client the user may know of: the ones the user may open (own
    agency, CES scope, or another agency's at level full) with a link; other agencies'
    enrollments shared at profile-and-history level without one. Victim service providers'
    enrollments are never listed to another agency."""
    sharing = sharing_for(request.user, client)
    openable = {e.pk for e in enrollments}
    rows = []
    for enrollment in (
        Enrollment.objects.filter(client=client)
        .select_related("project__organization")
        .prefetch_related("exits")
        .order_by("-entry_date", "-pk")
    ):
        linked = enrollment.pk in openable
        if not linked and not sharing.level_for(enrollment).at_least(SharingLevel.HISTORY):
            continue
        exit_record = next(iter(enrollment.exits.all()), None)
        rows.append({"enrollment": enrollment, "exit": exit_record, "linked": linked})
    return {"rows": rows, "level": sharing.level}


CLIENT_RELEASES = Section("releases", "consent/_releases_section.html", _releases)
CLIENT_HOUSEHOLDS = Section("household", "consent/_household_section.html", _households)
CLIENT_HISTORY = Section("enrollment-history", "consent/_history_section.html", _history)
