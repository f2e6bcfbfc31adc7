"""The record of every HMIS CSV import (its audit record) and the findings it reported."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import models

from sunflower.interchange.findings import VALUE_LIMIT

PROGRESS_CACHE_KEY = "interchange:import-run:{pk}:progress"


class ImportRun(models.Model):
    """One import of an HMIS CSV export: who asked, when, from which source, what came of it.

    Bulk SQL writes the records without Django signals, so this row (with its findings) is the
    audit record of the import: the per-row audit log has no entries for imported records.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        VALIDATING = "validating", "Validating"
        WRITING = "writing", "Writing"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"  # the database refused a record; nothing was written
        REJECTED = "rejected", "Rejected"  # blocked by errors in the files; nothing was written

    FINISHED = (Status.SUCCEEDED, Status.FAILED, Status.REJECTED)

    data_source = models.ForeignKey(
        "hmis.DataSource",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Set once the import has written (or would write) to it.",
    )
    source_name = models.CharField(
        max_length=100, blank=True, default="",
        help_text="--source, or else Export.csv SourceName or SourceID.",
    )
    original_name = models.CharField(max_length=255, blank=True, default="")
    upload = models.FileField(
        upload_to="interchange/imports/%Y/%m/", max_length=500, blank=True, default=""
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hmis_import_runs",
    )
    dry_run = models.BooleanField(default=False)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    progress_phase = models.CharField(max_length=20, blank=True, default="")
    progress_done = models.BigIntegerField(default=0)
    progress_total = models.BigIntegerField(default=0)
    counts = models.JSONField(
        default=dict, blank=True,
        help_text="Per file: read, inserted, updated, unchanged.",
    )
    error_count = models.IntegerField(default=0)
    warning_count = models.IntegerField(default=0)
    finding_counts = models.JSONField(default=dict, blank=True, help_text="Findings by code.")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    message = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "HMIS CSV import"

    def __str__(self) -> str:
        return f"Import {self.pk} of {self.original_name or self.source_name} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def rows_read(self) -> int:
        return sum(counts.get("read", 0) for counts in (self.counts or {}).values())

    def live_progress(self) -> dict:
        """{"phase", "done", "total"}: the latest progress, from the cache while the import runs
        (its writes are inside one transaction other connections cannot see) or the row."""
        progress = cache.get(PROGRESS_CACHE_KEY.format(pk=self.pk))
        if progress and not self.is_finished:
            return progress
        return {
            "phase": self.progress_phase,
            "done": self.progress_done,
            "total": self.progress_total,
        }


class ImportFinding(models.Model):
    """One finding of an import (at most 10,000 per run are stored; ImportRun.finding_counts has
    every count). Personal data in ``value`` is masked (an SSN shows its last 4 characters)."""

    SEVERITIES = [("error", "Error"), ("warning", "Warning")]

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="findings")
    severity = models.CharField(max_length=7, choices=SEVERITIES)
    code = models.CharField(max_length=40)
    file = models.CharField(max_length=100, blank=True, default="")
    line = models.BigIntegerField(null=True, blank=True)
    column = models.CharField(max_length=100, blank=True, default="")
    value = models.CharField(max_length=VALUE_LIMIT, blank=True, default="")
    message = models.TextField(blank=True, default="")
    expected = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["run", "severity", "code"], name="interchange_finding_idx")]

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{self.severity} {self.code} {where}"


class ExportRun(models.Model):
    """One HMIS CSV export a user asked for: what, by whom, and the zip it produced.

    Only the requester may download the file (it holds client data from their scope at the
    time of the export); each download is an access entry in the audit log.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    FINISHED = (Status.SUCCEEDED, Status.FAILED)

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hmis_export_runs"
    )
    projects = models.ManyToManyField("hmis.Project", blank=True, related_name="+")
    coc_code = models.CharField(max_length=6, blank=True, default="")
    start = models.DateField()
    end = models.DateField()
    directive = models.PositiveSmallIntegerField(default=2)  # 2 full refresh, 1 delta
    hash_status = models.PositiveSmallIntegerField(default=1)  # 1 unhashed, 4 SHA-256
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    progress_file = models.CharField(max_length=60, blank=True, default="")
    progress_rows = models.BigIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    file = models.FileField(upload_to="interchange/exports/%Y/%m/", max_length=500, blank=True)
    message = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"Export {self.pk} ({self.start}..{self.end})"

    @property
    def total_rows(self) -> int:
        return sum((self.counts or {}).values())
