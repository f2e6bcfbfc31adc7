"""Background job of the reports: a run executes in a Celery worker, or in-process when no
Redis is configured (settings.CELERY_TASK_ALWAYS_EAGER), as the interchange's imports do."""

from __future__ import annotations

import logging
import time

from celery import shared_task
from django.core.exceptions import PermissionDenied
from django.utils import timezone

logger = logging.getLogger(__name__)


def execute_run(run):
    """Run the report as its requester may see the data, store the tables, record the outcome."""
    from sunflower.reports.engine.database import from_database
    from sunflower.reports.engine.params import ReportParams
    from sunflower.reports.engine.registry import lookback_start, run_report
    from sunflower.reports.models import ReportRun
    from sunflower.reports.results import save_tables

    started = time.perf_counter()
    ReportRun.objects.filter(pk=run.pk).update(
        status=ReportRun.Status.RUNNING, started_at=timezone.now(), progress=0
    )

    def progress(done: int, total: int, question: str) -> None:
        # An UPDATE of two columns per question: the page polls these.
        ReportRun.objects.filter(pk=run.pk).update(
            progress=int(100 * done / max(total, 1)), progress_question=question[:20]
        )

    try:
        params = ReportParams.from_dict(run.params)
        # The frames hold only what the requester may see (the policy, applied by the source).
        frames = from_database(run.requested_by, params, since=lookback_start(run.report, params))
        result = run_report(run.report, frames, params, progress=progress)
        save_tables(run.pk, result.tables)
    except PermissionDenied:
        status, error = ReportRun.Status.FAILED, "You may not report on one of the chosen projects."
    except Exception as exc:  # a failed report must say so on its page, not stay "running"
        logger.exception("report run %s failed", run.pk)
        status, error = ReportRun.Status.FAILED, f"The report could not be run: {exc}"
    else:
        status, error = ReportRun.Status.SUCCEEDED, ""
    outcome = {"status": status, "error": error, "finished_at": timezone.now()}
    if status == ReportRun.Status.SUCCEEDED:
        outcome["progress"] = 100
    ReportRun.objects.filter(pk=run.pk).update(**outcome, seconds=time.perf_counter() - started)
    run.refresh_from_db()
    return run


@shared_task(name="reports.run_report")
def run_report_task(run_id: int) -> str:
    from sunflower.reports.models import ReportRun

    run = ReportRun.objects.select_related("requested_by").get(pk=run_id)
    if run.status != ReportRun.Status.QUEUED:
        return run.status  # delivered twice: the first delivery did the work
    return execute_run(run).status
