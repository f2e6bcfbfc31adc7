"""Client record pages. Every client is opened through policy.access_client (audited)."""

from __future__ import annotations

from django.shortcuts import render

from sunflower.accounts.policy import access_client, visible_enrollments


def client_detail(request, pk: int):
    client = access_client(request.user, pk)
    enrollments = (
        visible_enrollments(request.user)
        .filter(client=client)
        .select_related("project", "project__organization")
        .prefetch_related("exits").order_by("-entry_date")
    )
    return render(
        request,
        "hmis/client_detail.html",
        {"client_record": client, "enrollments": enrollments},
    )
