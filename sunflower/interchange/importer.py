"""The HMIS CSV FY2026 import: validate everything (pass 1), then write all or nothing (pass 2).

Entry points:

* :func:`import_hmis_csv` — a plain function for the management command and the background
  task: ``import_hmis_csv(path, source=None, dry_run=False, user=None, progress=None)``.
* :func:`run_import` — for the upload page and its task: runs an :class:`ImportRun` made earlier
  (status "queued") and returns it finished.

Every call records an ImportRun (the audit record: who, when, source, counts, findings). The
records themselves are written in ONE transaction: an import lands whole or leaves the database
as it was. docs/interchange.md explains the rules.
"""

from __future__ import annotations

import logging
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.utils import timezone

from sunflower.hmis import models as hmis
from sunflower.interchange.findings import DEFAULT_LIMIT, ERROR, Finding, Findings, truncate
from sunflower.interchange.models import PROGRESS_CACHE_KEY, ImportFinding, ImportRun
from sunflower.interchange.reader import open_source
from sunflower.interchange.validation import FILE_ORDER, HUD_ORDER, Plan, Validator
from sunflower.interchange.writer import Writer

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]

# How many findings an ImportRun stores in detail (all are counted).
STORED_FINDINGS = 10_000


@dataclass
class ImportResult:
    """What an import did. ``status`` is an ImportRun.Status value."""

    status: str
    dry_run: bool
    source_name: str
    findings: Findings
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    data_source_id: int | None = None
    message: str = ""
    seconds: float = 0.0
    run: ImportRun | None = None

    @property
    def ok(self) -> bool:
        return self.status == ImportRun.Status.SUCCEEDED

    @property
    def error_count(self) -> int:
        return self.findings.error_count

    @property
    def warning_count(self) -> int:
        return self.findings.warning_count

    @property
    def rows(self) -> int:
        return sum(counts["read"] for counts in self.counts.values())

    def sorted_findings(self) -> list[Finding]:
        return self.findings.sorted(HUD_ORDER)


class _Progress:
    """Fans progress out to the caller's callback, the cache and, while validating (at most once
    a second), the ImportRun row. While writing, only the cache: the writes happen inside one
    transaction, on a connection that may be busy streaming a COPY."""

    def __init__(self, run: ImportRun | None, callback: Progress | None):
        self.run = run
        self.callback = callback
        self.last_saved = 0.0

    def __call__(self, phase: str, done: int, total: int) -> None:
        if self.callback is not None:
            self.callback(phase, done, total)
        if self.run is None or self.run.pk is None:
            return
        cache.set(
            PROGRESS_CACHE_KEY.format(pk=self.run.pk),
            {"phase": phase, "done": done, "total": total},
            timeout=24 * 3600,
        )
        if phase == "writing":
            return
        now = time.monotonic()
        if now - self.last_saved >= 1.0 or done >= total:
            self.last_saved = now
            self.run.progress_phase, self.run.progress_done, self.run.progress_total = (
                phase, done, total,
            )
            ImportRun.objects.filter(pk=self.run.pk).update(
                progress_phase=phase, progress_done=done, progress_total=total
            )


def import_hmis_csv(
    path,
    source: str | None = None,
    dry_run: bool = False,
    user=None,
    progress: Progress | None = None,
    *,
    run: ImportRun | None = None,
    max_findings: int = DEFAULT_LIMIT,
) -> ImportResult:
    """Import the HMIS CSV FY2026 export at ``path`` (a folder or a .zip).

    ``source`` names the data source (default: Export.csv SourceName, else SourceID).
    ``dry_run`` validates only. ``progress(phase, done, total)`` is called as rows are read
    ("validating") and written ("writing"). ``run`` is an existing ImportRun to fill in; without
    one, a new one is recorded. Never raises for bad files: the findings say what is wrong.
    """
    started = time.monotonic()
    path = Path(path)
    findings = Findings(max_findings)
    if run is None:
        run = ImportRun.objects.create(
            source_name=(source or "")[:100],
            original_name=path.name[:255],
            requested_by=user if getattr(user, "pk", None) else None,
            dry_run=dry_run,
        )
    run.status = ImportRun.Status.VALIDATING
    run.started_at = timezone.now()
    run.save(update_fields=["status", "started_at"])
    report = _Progress(run, progress)
    result = ImportResult(
        status=ImportRun.Status.REJECTED, dry_run=dry_run, source_name=source or "",
        findings=findings, run=run,
    )
    try:
        with _as_fy2026(path, findings) as fy2026_path:
            _validate_and_write(
                fy2026_path, findings, source, dry_run, run, report, result
            )
    except Exception as exc:
        # A bug, not bad data: record it on the run, then let it surface.
        logger.exception("HMIS CSV import %s crashed", run.pk)
        result.status = ImportRun.Status.FAILED
        result.message = f"The import stopped on an internal error: {exc!r}. Nothing was written."
        _finish(run, result, started)
        raise
    _finish(run, result, started)
    return result


@contextmanager
def _as_fy2026(path: Path, findings: Findings):
    """Yield a path holding FY2026 files: `path` itself, or a scratch folder with the FY2022 /
    FY2024 export converted by HUD's mappings (sunflower.interchange.legacy)."""
    from sunflower.interchange.legacy import ConversionError, convert_to_fy2026, detect_version
    from sunflower.interchange.legacy.csvio import SourceError

    if not path.exists():
        yield path  # open_source reports path_not_found
        return
    try:
        detection = detect_version(path)
    except (OSError, ValueError, ConversionError, SourceError, zipfile.BadZipFile, zlib.error):
        detection = None  # unreadable: open_source reports exactly what is wrong with the files
    if detection is None or detection.version in (None, "2026"):
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="sunflower-convert-") as scratch:
        target = Path(scratch) / "fy2026"
        try:
            migration = convert_to_fy2026(path, target)
        except (ConversionError, OSError, ValueError) as exc:
            findings.add(
                "older_version_not_convertible",
                value=detection.label,
                message=f"{detection.label} export could not be converted: {exc}",
            )
            yield None
            return
        findings.add(
            "converted_from_older_version",
            value=detection.label,
            message=(
                f"Converted from {detection.label} to FY2026: "
                f"{len(migration.entries())} mapping notes (see the migration report)."
            ),
        )
        for column, value in _fill_export_period(target).items():
            findings.add(
                "converted_from_older_version",
                file="Export.csv",
                column=column,
                value=value,
                message=f"The older export left {column} empty; it was set from the data.",
                expected="the export's own metadata",
            )
        for entry in migration.entries():
            if entry.kind in {"unmappable", "missing_required"} and entry.file != "Export.csv":
                findings.add(
                    "converted_from_older_version",
                    file=entry.file,
                    column=entry.column,
                    value=str(getattr(entry, "value", "") or ""),
                    message=str(getattr(entry, "detail", "") or entry.kind),
                )
        yield target


def _fill_export_period(folder: Path) -> dict[str, str]:
    """Older exports (HUD's FY2022 kit among them) may leave Export.csv's dates and
    ImplementationID empty. Fill them from the converted data: the period spans the earliest
    project start to the latest start or exit; returns what was filled."""
    import csv

    def column_values(file_name: str, column: str):
        with (folder / file_name).open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if row.get(column):
                    yield row[column]

    export_path = folder / "Export.csv"
    with export_path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        headers = list(reader.fieldnames or [])
        rows = list(reader)
    if len(rows) != 1:
        return {}  # the validator reports a malformed Export.csv
    export = rows[0]
    entries = list(column_values("Enrollment.csv", "EntryDate"))
    dates = entries + list(column_values("Exit.csv", "ExitDate"))
    defaults = {
        "ExportStartDate": min(entries) if entries else "",
        "ExportEndDate": max(dates) if dates else "",
        "ExportDate": timezone.localtime().strftime("%Y-%m-%d %H:%M:%S"),
        "ImplementationID": "converted-" + (export.get("ExportID") or "unknown"),
    }
    filled = {}
    for column, value in defaults.items():
        if column in export and not export[column] and value:
            export[column] = value
            filled[column] = value
    if filled:
        with export_path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=headers, quoting=csv.QUOTE_MINIMAL)
            writer.writeheader()
            writer.writerow(export)
    return filled


def _validate_and_write(path, findings, source, dry_run, run, report, result) -> None:
    """Pass 1 (validate) and, when it found no errors and this is no dry run, pass 2 (write)."""
    if path is None:
        return
    source_handle = open_source(path, findings)
    if source_handle is None:
        return
    with source_handle:
        plan = Validator(source_handle, findings, source, report).run()
        result.source_name = plan.source_name
        result.counts = {
            name: {"read": file_plan.rows, "inserted": 0, "updated": 0, "unchanged": 0}
            for name, file_plan in plan.files.items()
        }
        if findings.has_errors:
            result.status = ImportRun.Status.REJECTED
            result.message = (
                f"Rejected: {findings.error_count:,} errors in the files; nothing was written."
            )
        elif dry_run:
            result.status = ImportRun.Status.SUCCEEDED
            result.data_source_id = plan.data_source.pk if plan.data_source else None
            result.message = (
                f"Dry run: {plan.total_rows:,} rows would be imported into "
                f"{plan.source_name!r}; nothing was written."
            )
        else:
            run.status = ImportRun.Status.WRITING
            run.save(update_fields=["status"])
            _write(plan, source_handle, findings, report, result)


def _write(plan: Plan, source_handle, findings: Findings, report, result: ImportResult) -> None:
    try:
        with transaction.atomic():
            data_source, created = hmis.DataSource.objects.get_or_create(
                name=plan.source_name,
                defaults={
                    "description": "Imported from HMIS CSV ("
                    + (plan.export.get("SoftwareName") or "unknown software")[:150]
                    + ")",
                },
            )
            if data_source.is_native:  # created between pass 1 and now
                raise DatabaseError("The data source is the native one.")
            writer = Writer.for_connection(plan, source_handle, data_source, findings, report)
            result.counts = writer.write()
    except DatabaseError as exc:
        findings.add(
            "database_error",
            message=f"The database refused the import; nothing was written: {exc}",
            expected="records the database accepts (report this: validation should have "
            "caught it)",
        )
        result.status = ImportRun.Status.FAILED
        result.message = f"Failed: the database refused a record ({exc}); nothing was written."
        return
    result.status = ImportRun.Status.SUCCEEDED
    result.data_source_id = data_source.pk
    totals = {
        key: sum(counts[key] for counts in result.counts.values())
        for key in ("read", "inserted", "updated", "unchanged")
    }
    result.message = (
        f"Imported {totals['read']:,} rows into {plan.source_name!r}: {totals['inserted']:,} "
        f"new, {totals['updated']:,} updated, {totals['unchanged']:,} unchanged."
    )


def _finish(run: ImportRun, result: ImportResult, started: float) -> None:
    findings = result.findings
    result.seconds = time.monotonic() - started
    run.status = result.status
    run.source_name = (result.source_name or run.source_name)[:100]
    run.data_source_id = result.data_source_id
    run.counts = {name: result.counts[name] for name in FILE_ORDER if name in result.counts}
    run.error_count = findings.error_count
    run.warning_count = findings.warning_count
    run.finding_counts = findings.by_code()
    run.message = result.message
    run.finished_at = timezone.now()
    if result.status == ImportRun.Status.SUCCEEDED:
        total = result.rows
        run.progress_phase, run.progress_done, run.progress_total = "done", total, total
    run.save()
    run.findings.all().delete()
    ImportFinding.objects.bulk_create(
        [
            ImportFinding(
                run=run,
                severity=finding.severity,
                code=finding.code,
                file=finding.file[:100],
                line=finding.line,
                column=finding.column[:100],
                value=truncate(finding.value),
                message=finding.message,
                expected=finding.expected,
            )
            for finding in findings.sorted(HUD_ORDER)[:STORED_FINDINGS]
        ],
        batch_size=1000,
    )
    cache.delete(PROGRESS_CACHE_KEY.format(pk=run.pk))


def run_import(run: ImportRun, path=None) -> ImportRun:
    """Run a queued ImportRun (the upload page makes it, the background task calls this).

    ``path`` defaults to the run's stored upload. Returns the run, finished: status succeeded,
    rejected (errors in the files) or failed (the database refused; nothing written).
    """
    if path is None:
        path = run.upload.path
    import_hmis_csv(
        path,
        source=run.source_name or None,
        dry_run=run.dry_run,
        user=run.requested_by,
        run=run,
    )
    return run


def findings_as_csv(run: ImportRun, stream) -> int:
    """Write a run's stored findings as CSV (the page's download); returns the rows."""
    collector = Findings()
    rows = [
        Finding(f.severity, f.code, f.file, f.line, f.column, f.value, f.message, f.expected)
        for f in run.findings.order_by("id")
    ]
    return collector.to_csv(stream, rows)


__all__ = [
    "ERROR",
    "ImportResult",
    "findings_as_csv",
    "import_hmis_csv",
    "run_import",
]
