"""Background job of the batch duplicate matcher: runs in a Celery worker (or in-process when no
Redis is configured, see settings.CELERY_TASK_ALWAYS_EAGER)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="dedup.find_duplicates")
def find_duplicates_task(run_id: int) -> str:
    from sunflower.dedup.batch import run_batch
    from sunflower.dedup.models import BatchRun

    run = BatchRun.objects.get(pk=run_id)
    if run.status != BatchRun.Status.QUEUED:
        return run.status  # delivered twice: the first delivery did the work
    try:
        run_batch(run)
    except Exception:
        run.refresh_from_db()
        if run.status != BatchRun.Status.FAILED:
            raise
    return run.status
