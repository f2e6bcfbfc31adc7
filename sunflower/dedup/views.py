"""The duplicates queue: HMIS administrators merge, dismiss and undo (docs/merge.md)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sunflower.dedup.actions import can_merge, mark_not_duplicate, merge_clients, unmerge
from sunflower.dedup.batch import DEFAULT_THRESHOLD
from sunflower.dedup.models import BatchRun, ClientMerge, DuplicateCandidate

QUEUE_LIMIT = 50
RECENT_MERGES = 20
BATCH_STALE_HOURS = 6


def _require_admin(request) -> None:
    if not can_merge(request.user):
        raise PermissionDenied


def _enrollment_count(column: str):
    from sunflower.hmis.models import Enrollment

    counts = (
        Enrollment.objects.filter(client=OuterRef(column))
        .order_by()
        .values("client")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


@require_GET
def queue(request):
    _require_admin(request)
    candidates = (
        DuplicateCandidate.objects.filter(status=DuplicateCandidate.Status.OPEN)
        .select_related("client_a", "client_b")
        .annotate(
            enrollments_a=_enrollment_count("client_a"),
            enrollments_b=_enrollment_count("client_b"),
        )[:QUEUE_LIMIT]
    )
    merges = ClientMerge.objects.select_related("survivor", "merged", "performed_by", "undone_by")[
        :RECENT_MERGES
    ]
    last_run = BatchRun.objects.first()
    return render(
        request,
        "dedup/queue.html",
        {"candidates": candidates, "merges": merges, "last_run": last_run},
    )


@require_POST
def start_batch(request):
    """Start the batch matcher over all clients (a Celery job; in-process without Redis)."""
    from sunflower.dedup.tasks import find_duplicates_task

    _require_admin(request)
    with transaction.atomic():
        # A run stuck for hours (its worker died) does not block a new one.
        recent = timezone.now() - dt.timedelta(hours=BATCH_STALE_HOURS)
        if BatchRun.objects.filter(status__in=BatchRun.ACTIVE, started__gte=recent).exists():
            messages.error(request, _("A search for duplicates is already running."))
            return redirect("dedup:queue")
        run = BatchRun.objects.create(threshold=DEFAULT_THRESHOLD, started_by=request.user)
        transaction.on_commit(lambda: find_duplicates_task.delay(run.pk))
    messages.success(
        request, _("The search for duplicates has started. Its figures appear on this page.")
    )
    return redirect("dedup:queue")


@require_POST
def merge(request, pk):
    _require_admin(request)
    candidate = get_object_or_404(
        DuplicateCandidate.objects.select_related("client_a", "client_b"),
        pk=pk,
        status=DuplicateCandidate.Status.OPEN,
    )
    survivor_pk = request.POST.get("survivor")
    pair = {
        str(candidate.client_a_id): candidate.client_a,
        str(candidate.client_b_id): candidate.client_b,
    }
    if survivor_pk not in pair:
        messages.error(request, _("Choose which record to keep."))
        return redirect("dedup:queue")
    survivor = pair.pop(survivor_pk)
    (merged,) = pair.values()
    try:
        done = merge_clients(request.user, survivor, merged, candidate=candidate)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("dedup:queue")
    messages.success(request, _("Merged. You can undo this merge from this page."))
    return redirect("dedup:merge_detail", pk=done.pk)


@require_POST
def not_duplicate(request, pk):
    _require_admin(request)
    candidate = get_object_or_404(DuplicateCandidate, pk=pk)
    try:
        mark_not_duplicate(request.user, candidate)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Marked as not a duplicate."))
    return redirect("dedup:queue")


@require_GET
def merge_detail(request, pk):
    _require_admin(request)
    record = get_object_or_404(
        ClientMerge.objects.select_related("survivor", "merged", "performed_by", "undone_by"),
        pk=pk,
    )
    moved = sorted(record.moved_counts.items())
    return render(request, "dedup/merge_detail.html", {"merge": record, "moved": moved})


@require_POST
def undo(request, pk):
    _require_admin(request)
    record = get_object_or_404(ClientMerge, pk=pk)
    try:
        unmerge(request.user, record)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Merge undone: both records are back as they were."))
    return redirect("dedup:merge_detail", pk=record.pk)
