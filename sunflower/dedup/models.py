"""Duplicate client candidates and reversible client merges (docs/merge.md).

A merge never destroys a record: the merged client is soft-deleted (HUD's DateDeleted), its
child records are re-pointed to the survivor, and the `ClientMerge` row remembers exactly which
rows moved, so that the merge can be undone. The link from a merged client to its survivor
lives here, not on the HUD client table.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class DuplicateCandidate(models.Model):
    """Two client records that may be the same person. `client_a` has the smaller pk, so that a
    pair is stored once whatever order it was found in (see `for_pair`)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        MERGED = "merged", _("Merged")
        NOT_DUPLICATE = "not_duplicate", _("Not a duplicate")

    class FoundBy(models.TextChoices):
        ON_CREATE = "on_create", _("On create")
        BATCH = "batch", _("Batch")

    client_a = models.ForeignKey("hmis.Client", on_delete=models.PROTECT, related_name="+")
    client_b = models.ForeignKey("hmis.Client", on_delete=models.PROTECT, related_name="+")
    score = models.FloatField()
    reasons = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=20, choices=Status, default=Status.OPEN, db_index=True)
    found_by = models.CharField(max_length=20, choices=FoundBy, default=FoundBy.ON_CREATE)
    created = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["client_a", "client_b"], name="dedup_candidate_pair"),
            models.CheckConstraint(
                condition=Q(client_a__lt=F("client_b")), name="dedup_candidate_a_lt_b"
            ),
        ]

    def __str__(self) -> str:
        return f"Candidate {self.client_a_id}/{self.client_b_id} ({self.status})"

    @classmethod
    def for_pair(cls, first, second):
        """The candidate for two clients (or client pks), in either order, or None."""
        a, b = sorted([getattr(first, "pk", first), getattr(second, "pk", second)])
        return cls.objects.filter(client_a_id=a, client_b_id=b).first()


class ClientMerge(models.Model):
    """One merge of `merged` into `survivor`, and its undo.

    `moved` is the snapshot that makes the undo exact: ``{"hmis.Enrollment": {"pks": [...],
    "date_updated": {pk: iso}}, ...}``, every row (deleted ones included) whose client was
    `merged` at the time of the merge; `merged_date_deleted` is the merged client's DateDeleted
    before the merge (null unless it was deleted already, which merge_clients refuses)."""

    survivor = models.ForeignKey("hmis.Client", on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey("hmis.Client", on_delete=models.PROTECT, related_name="+")
    candidate = models.ForeignKey(
        DuplicateCandidate, on_delete=models.PROTECT, null=True, blank=True, related_name="merges"
    )
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    performed_at = models.DateTimeField()
    moved = models.JSONField(default=dict, blank=True)
    merged_date_deleted = models.DateTimeField(null=True, blank=True)
    merged_date_deleted_set = models.DateTimeField(
        help_text="The DateDeleted the merge gave the merged client."
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-performed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(survivor=F("merged")), name="dedup_merge_distinct_clients"
            ),
            # A client is merged away at most once at a time.
            models.UniqueConstraint(
                fields=["merged"],
                condition=Q(undone_at__isnull=True),
                name="dedup_merge_one_active_per_merged",
            ),
        ]

    def __str__(self) -> str:
        return f"Merge {self.merged_id} into {self.survivor_id}"

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None

    @property
    def moved_counts(self) -> dict[str, int]:
        return {label: len(entry["pks"]) for label, entry in self.moved.items()}


class BatchRun(models.Model):
    """One run of the batch duplicate matcher (dedup.batch): when, how much it compared, how many
    pairs it put in the queue. Holds no client data."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    started = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    threshold = models.FloatField()
    status = models.CharField(max_length=20, choices=Status, default=Status.QUEUED)
    clients = models.PositiveIntegerField(default=0)
    pairs_compared = models.BigIntegerField(default=0)
    candidates_found = models.PositiveIntegerField(
        default=0, help_text="Pairs at or above the threshold."
    )
    candidates_new = models.PositiveIntegerField(default=0)
    candidates_updated = models.PositiveIntegerField(default=0)
    candidates_skipped = models.PositiveIntegerField(
        default=0, help_text="Pairs already decided (merged or not a duplicate)."
    )
    error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-started", "-id"]

    def __str__(self) -> str:
        return f"Batch run {self.pk} ({self.status})"

    @property
    def seconds(self) -> float | None:
        if self.finished is None:
            return None
        return (self.finished - self.started).total_seconds()
