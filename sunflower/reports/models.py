"""A report a user asked the application to run, and where its results are kept.

The numbers and the clients behind them are stored as files, not in the database
(``results.py``): under ``<id>/`` in the private ``reports`` storage each question's table as HUD's CSV
(``tables/Qxx.csv``, the exact bytes of the Sage upload), the table's structure and cell kinds
(``tables.json``, to show it and build the XLSX without re-running) and its members frame as
parquet (``members/Qxx.parquet``: row, col, PersonalID, EnrollmentID). A members frame has a
row per client per cell, hundreds of thousands of rows for a large CoC, which parquet keeps
small and polars filters to one cell in milliseconds; as JSON in a database row it would be
large and slow to read for every drill-down.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from sunflower.reports.engine.registry import REPORT_KINDS


class ReportRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    FINISHED = (Status.SUCCEEDED, Status.FAILED)

    report = models.CharField(
        max_length=20, choices=[(kind.slug, kind.title) for kind in REPORT_KINDS.values()]
    )
    # {"start": "YYYY-MM-DD", "end": ..., "coc": "XX-501", "project_ids": [HUD ProjectIDs]}
    params = models.JSONField(default=dict)
    # The projects chosen, for the policy check on opening the run (see views._visible_run).
    projects = models.ManyToManyField("hmis.Project", blank=True, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="report_runs"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    # 0..100, with the question last finished, for the progress bar.
    progress = models.PositiveSmallIntegerField(default=0)
    progress_question = models.CharField(max_length=20, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"Report run {self.pk} ({self.report})"

    @property
    def title(self) -> str:
        kind = REPORT_KINDS.get(self.report)
        return kind.title if kind else self.report

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED


@receiver(post_delete, sender=ReportRun)
def _delete_result_files(sender, instance, **kwargs):
    """A deleted run takes its stored tables and members with it (they hold client IDs)."""
    from sunflower.reports.results import delete_results

    delete_results(instance.pk)
