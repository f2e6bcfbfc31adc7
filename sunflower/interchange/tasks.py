"""Background jobs of the interchange: imports and exports run in a Celery worker (or in-process
when no Redis is configured, see settings.CELERY_TASK_ALWAYS_EAGER)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="interchange.run_import")
def run_import_task(run_id: int) -> str:
    from sunflower.interchange.importer import run_import
    from sunflower.interchange.models import ImportRun

    run = ImportRun.objects.get(pk=run_id)
    if run.status != ImportRun.Status.QUEUED:
        return run.status  # delivered twice: the first delivery did the work
    return run_import(run).status


@shared_task(name="interchange.run_export")
def run_export_task(run_id: int) -> str:
    from sunflower.interchange.export_runs import run_export
    from sunflower.interchange.models import ExportRun

    run = ExportRun.objects.get(pk=run_id)
    if run.status != ExportRun.Status.QUEUED:
        return run.status
    return run_export(run).status
