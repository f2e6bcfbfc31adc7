"""Client record pages. Every client is opened through policy.access_client (audited)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from sunflower.accounts.policy import Action, access_client, can, visible_enrollments
from sunflower.hmis.data_quality import nudges_for_client, with_last_activity

NIGHT_BY_NIGHT_SHELTER = 1


def client_detail(request, pk: int):
    client = access_client(request.user, pk)
    # One query for the enrollments with their last activity (data-quality nudges), one for
    # their exits, whatever their number.
    enrollments = list(
        with_last_activity(
            visible_enrollments(request.user)
            .filter(client=client)
            .select_related("project", "project__organization")
            .prefetch_related("exits")
            .order_by("-entry_date")
        )
    )
    # Which enrollments this user may change (exit, bed nights): one query, not one per row.
    editable = set(
        visible_enrollments(request.user, Action.EDIT_HMIS_DATA)
        .filter(client=client)
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "hmis/client_detail.html",
        {
            "client_record": client,
            "enrollments": enrollments,
            "nudges": nudges_for_client(client, enrollments, timezone.localdate()),
            "editable": editable,
            "night_by_night": NIGHT_BY_NIGHT_SHELTER,
            # The enrollment page takes agency projects (not CE): the same roles that may
            # create a client record.
            "can_enroll": can(request.user, Action.CREATE_CLIENT),
        },
    )
