"""Client record pages. Every client is opened through policy.access_client (audited)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from sunflower.accounts.policy import Action, access_client, can, visible_enrollments
from sunflower.audit.actions import record_view
from sunflower.hmis.data_quality import nudges_for_client, with_last_activity
from sunflower.hmis.sections import CLIENT_SECTIONS, ENROLLMENT_SECTIONS, render_sections

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
            "sections": render_sections(
                CLIENT_SECTIONS, request, client, enrollments=enrollments, editable=editable
            ),
        },
    )


def access_enrollment(user, pk: int, action: Action = Action.VIEW_CLIENT_RECORD):
    """The one way a page opens an enrollment: the policy decides (404 on refusal, like a
    missing record) and the view of the client's record is audited."""
    enrollment = (
        visible_enrollments(user, action)
        .select_related("client", "project", "project__organization")
        .filter(pk=pk)
        .first()
    )
    if enrollment is None:
        raise Http404("No such enrollment.")
    record_view(user, enrollment.client)
    return enrollment


def enrollment_detail(request, pk: int):
    """One enrollment: its household (the members this user may see), dates, and the sections
    the stay apps contribute (services, living situations, assessments, documents …)."""
    enrollment = access_enrollment(request.user, pk)
    household = list(
        visible_enrollments(request.user)
        .filter(household_id=enrollment.household_id, project_id=enrollment.project_id)
        .select_related("client")
        .prefetch_related("exits")
        .order_by("-relationship_to_hoh", "client__last_name")
    )
    # HUD: relationship 1 is the head; show the head first whatever the other codes are.
    household.sort(key=lambda member: member.relationship_to_hoh != 1)
    exit_record = next(iter(enrollment.exits.all()), None)
    editable = visible_enrollments(request.user, Action.EDIT_HMIS_DATA).filter(pk=pk).exists()
    return render(
        request,
        "hmis/enrollment_detail.html",
        {
            "enrollment": enrollment,
            "household": household,
            "exit_record": exit_record,
            "editable": editable,
            "night_by_night": NIGHT_BY_NIGHT_SHELTER,
            "sections": render_sections(
                ENROLLMENT_SECTIONS,
                request,
                enrollment,
                household=household,
                editable=editable,
                exit_record=exit_record,
            ),
        },
    )
