"""Running an ExportRun: the page queues it, the background task calls run_export()."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from sunflower.interchange.exporter import ExportError, export_hmis_csv
from sunflower.interchange.models import ExportRun

logger = logging.getLogger(__name__)


def progress_key(run_pk: int) -> str:
    return f"interchange:export-progress:{run_pk}"


def current_progress(run: ExportRun) -> tuple[str, int]:
    return cache.get(progress_key(run.pk)) or (run.progress_file, run.progress_rows)


@transaction.atomic
def queue_export(*, user, projects, coc_code: str, start, end, directive: int, hash_status: int):
    """Record an export request; the caller queues run_export_task after the commit."""
    run = ExportRun.objects.create(
        requested_by=user,
        coc_code=coc_code or "",
        start=start,
        end=end,
        directive=directive,
        hash_status=hash_status,
    )
    run.projects.set(projects)
    return run


def run_export(run: ExportRun) -> ExportRun:
    ExportRun.objects.filter(pk=run.pk).update(status=ExportRun.Status.RUNNING)
    projects = list(run.projects.all())

    # The export reads in one snapshot transaction, so progress goes through the cache, which
    # other requests can see before it commits.
    def progress(file_name: str, rows: int) -> None:
        cache.set(progress_key(run.pk), (file_name[:60], rows), timeout=3600)

    with tempfile.TemporaryDirectory() as scratch:
        target = Path(scratch) / f"hmis-csv-export-{run.pk}.zip"
        try:
            result = export_hmis_csv(
                user=run.requested_by,
                output=target,
                projects=projects or None,
                coc_code=run.coc_code or None,
                start=run.start,
                end=run.end,
                directive=run.directive,
                hash_status=run.hash_status,
                progress=progress,
            )
        except (ExportError, PermissionDenied) as exc:
            run.status = ExportRun.Status.FAILED
            run.message = str(exc) or "You may not export one of the chosen projects."
        else:
            with target.open("rb") as handle:
                run.file.save(target.name, File(handle), save=False)
            run.status = ExportRun.Status.SUCCEEDED
            run.counts = result.counts
            run.seconds = result.seconds
            run.message = f"{sum(result.counts.values()):,} rows in {result.seconds:.1f} s."
    run.finished_at = timezone.now()
    run.save()
    cache.delete(progress_key(run.pk))
    return run
