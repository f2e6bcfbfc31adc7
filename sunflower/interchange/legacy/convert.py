"""Convert an HMIS CSV export of an older version to FY2026.

    from sunflower.interchange.legacy.convert import convert_to_fy2026
    report = convert_to_fy2026("export_fy2022.zip", "out/")
    print(report.as_text())

The source version is detected from the headers (``detect.py``). The steps are chained:
FY2022 → FY2024 → FY2026, or FY2024 → FY2026. An FY2026 source is only rewritten, with its
headers in spec order. Rows are streamed, one file at a time. The converter writes all 24
FY2026 files with exactly the spec's headers, in the spec's order.

Rules applied to every written value (and counted in the report):

- a datetime column holding a bare date gets ``00:00:00``;
- a non-nullable column left empty gets 99 ("Data not collected") when its list has 99.
  Otherwise it is reported as a required value still missing, and left empty;
- a value outside its FY2026 list is kept and reported, so the importer can decide;
- ``Export.CSVVersion`` becomes ``2026`` and ``ExportID`` is kept. Export values the source lacks
  (for example ``ExportStartDate`` or ``ImplementationID``) can be supplied with
  ``export_defaults``; they only fill empty values.

Nothing is drawn at random, and no CoC, sex or participation record is made up. See
``docs/interchange.md`` ("Older versions").
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from pathlib import Path

from . import spec
from .base import Origin, RowSource, Step, row_ref
from .csvio import RawSource, SourceFiles
from .detect import detect_files, version_label
from .fy2022_to_fy2024 import Fy2022ToFy2024
from .fy2024_to_fy2026 import Fy2024ToFy2026
from .report import MigrationReport

_BARE_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ConversionError(Exception):
    """The source cannot be converted (unknown version, or the target is not empty)."""


def convert_to_fy2026(
    source_path: str | Path,
    target_dir: str | Path,
    *,
    export_defaults: Mapping[str, str] | None = None,
    source_version: str | None = None,
    overwrite: bool = False,
) -> MigrationReport:
    """Convert the export at ``source_path`` (folder or zip) into an FY2026 folder.

    ``export_defaults``: values for FY2026 Export.csv columns that the source leaves empty, such as
    ``{"ExportStartDate": "2021-10-01", "ImplementationID": "..."}``.
    ``source_version``: "2022", "2024" or "2026", which overrides detection.
    ``overwrite``: allow replacing FY2026 files already in ``target_dir``.
    Returns the ``MigrationReport``; the caller decides where to keep it (``write_text``,
    ``write_csv``).
    """
    target = Path(target_dir)
    export_columns = spec.columns(spec.FY2026)["Export.csv"]
    unknown = sorted(set(export_defaults or {}) - set(export_columns))
    if unknown:
        raise ConversionError(f"export_defaults names columns Export.csv lacks: {unknown}")
    if not overwrite and target.exists():
        existing = [name for name in spec.fy2026_files() if (target / name).exists()]
        if existing:
            raise ConversionError(f"{target} already holds {', '.join(existing)}")

    report = MigrationReport(str(source_path), str(target))
    report.set_file_order((*spec.fy2026_files(), "EnrollmentCoC.csv"))
    with SourceFiles(source_path) as files:
        detection = detect_files(files)
        version = source_version or detection.version
        report.csv_version = detection.csv_version
        report.evidence = list(detection.evidence)
        if version not in spec.VERSIONS:
            raise ConversionError(
                "cannot tell which HMIS CSV version this is: " + "; ".join(detection.evidence)
            )
        report.source_version = version
        raw = RawSource(files, version)
        steps: list[Step] = []
        chain: RowSource = raw
        if version == spec.FY2022:
            chain = Fy2022ToFy2024(chain, report)
            steps.append(chain)
        if version in (spec.FY2022, spec.FY2024):
            chain = Fy2024ToFy2026(chain, report)
            steps.append(chain)
        labels = [version_label(version)] + [version_label(s.target_version) for s in steps]
        report.steps = [" -> ".join(labels)] if steps else ["rewrite only (already FY2026)"]

        target.mkdir(parents=True, exist_ok=True)
        origins = _Lineage(raw, steps)
        written: dict[str, int] = {}
        for file in spec.fy2026_files():
            written[file] = _write_file(
                target / file, file, chain, report, origins, export_defaults or {}
            )
        origins.report_columns(report)
        _report_files(report, raw, steps, written, origins.consumed)
    return report


# -- writing -------------------------------------------------------------------------------
def _allowed(column: spec.Fy2026Column, row: Mapping[str, str]) -> tuple[str, frozenset] | None:
    lists = spec.value_lists()
    if column.value_list:
        return column.value_list, lists.get(column.value_list, frozenset())
    condition, pairs = column.conditional_lists()
    if not condition:
        return None
    value = (row.get(condition) or "").strip()
    fallback = None
    for when, name in pairs:
        if when == value:
            return name, lists.get(name, frozenset())
        if when == "other":
            fallback = name
    if fallback is not None:
        return fallback, lists.get(fallback, frozenset())
    return None


def _write_file(
    path: Path,
    file: str,
    chain: RowSource,
    report: MigrationReport,
    lineage: _Lineage,
    export_defaults: Mapping[str, str],
) -> int:
    columns = spec.fy2026_columns()[file]
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.column for c in columns])
        if file not in chain.files():
            return 0
        for row in chain.rows(file):
            count += 1
            if file == "Export.csv":
                _finish_export(row, report, export_defaults)
            values: list[str] = []
            for column in columns:
                name = column.column
                value = row.get(name) or ""
                if not value.strip():
                    value = ""
                if value and column.is_datetime and _BARE_DATE.match(value.strip()):
                    value = value.strip() + " 00:00:00"
                    report.add(
                        "normalized",
                        file,
                        name,
                        detail="datetime given as a bare date: 00:00:00 added",
                    )
                if not value and not column.nullable:
                    codes = spec.value_lists().get(column.value_list, frozenset())
                    if "99" in codes:
                        value = "99"
                        report.add(
                            "filled",
                            file,
                            name,
                            new="99",
                            detail="Data not collected: " + lineage.empty_reason(file, name),
                        )
                    else:
                        report.add(
                            "missing_required",
                            file,
                            name,
                            row=row_ref(row),
                            detail=lineage.empty_reason(file, name),
                        )
                elif value:
                    allowed = _allowed(column, row)
                    if allowed is not None and value.strip() not in allowed[1]:
                        report.add(
                            "not_in_list",
                            file,
                            name,
                            old=value,
                            row=row_ref(row),
                            detail=f"list {allowed[0]}",
                        )
                values.append(value)
            writer.writerow(values)
    return count


def _finish_export(
    row: dict[str, str], report: MigrationReport, export_defaults: Mapping[str, str]
) -> None:
    old = row.get("CSVVersion", "")
    row["CSVVersion"] = spec.FY2026_CSV_VERSION
    if old != spec.FY2026_CSV_VERSION:
        report.add(
            "recoded",
            "Export.csv",
            "CSVVersion",
            old=old,
            new=spec.FY2026_CSV_VERSION,
            detail="the CSV version written",
        )
    for column, value in export_defaults.items():
        if not (row.get(column) or "").strip():
            row[column] = value
            report.add(
                "filled",
                "Export.csv",
                column,
                new=value,
                detail="supplied by the caller (export_defaults)",
            )


# -- lineage: which source columns each FY2026 column comes from ---------------------------------
class _Lineage:
    def __init__(self, raw: RawSource, steps: list[Step]):
        self.raw = raw
        self.steps = steps
        self._reasons: dict[tuple[str, str], str] = {}

    def trace(
        self, file: str, column: str, level: int | None = None
    ) -> tuple[set[tuple[str, str]], list[Origin]]:
        """(source columns reached, origins on the way, top first) for a column at ``level``."""
        if level is None:
            level = len(self.steps) - 1
        if level < 0:
            return {(file, column)}, []
        origin = self.steps[level].plan(file).get(column)
        if origin is None:
            return set(), []
        sources: set[tuple[str, str]] = set()
        origins = [origin]
        for source_file, source_column in origin.sources:
            found, more = self.trace(source_file, source_column, level - 1)
            sources |= found
            origins.extend(more)
        return sources, origins

    def empty_reason(self, file: str, column: str) -> str:
        key = (file, column)
        if key not in self._reasons:
            reason = "empty in the source"
            if self.steps:
                sources, origins = self.trace(file, column)
                if not sources:
                    note = next((o.note for o in reversed(origins) if o.note), "")
                    reason = f"not in the source ({note})" if note else "not in the source"
            self._reasons[key] = reason
        return self._reasons[key]

    def report_columns(self, report: MigrationReport) -> None:
        used: set[tuple[str, str]] = set()
        for file in spec.fy2026_files():
            traced = {
                column: self.trace(file, column) if self.steps else ({(file, column)}, [])
                for column in spec.columns(spec.FY2026)[file]
            }
            whole_file_new = all(
                not sources and origins and origins[-1].kind == "new"
                for sources, origins in traced.values()
            )
            for column, (sources, origins) in traced.items():
                used |= sources
                if not self.steps or whole_file_new:
                    continue  # the file entry says why the whole file is empty
                kinds = {o.kind for o in origins}
                notes = [o.note for o in origins if o.note]
                if not sources:
                    if origins[-1].kind == "new":
                        report.add(
                            "added_empty", file, column, count=0, detail=notes[-1] if notes else ""
                        )
                    else:
                        report.add(
                            "mapped",
                            file,
                            column,
                            source="(no source column)",
                            count=0,
                            detail="; ".join(dict.fromkeys(notes)),
                        )
                    continue
                if kinds <= {"copy", "rename"} and len(sources) == 1:
                    ((source_file, source_column),) = sources
                    if (source_file, source_column.lower()) != (file, column.lower()):
                        report.add(
                            "renamed",
                            file,
                            column,
                            count=0,
                            source=_where(source_file, source_column, file),
                        )
                    continue
                if kinds <= {"copy"}:
                    continue
                report.add(
                    "mapped",
                    file,
                    column,
                    count=0,
                    source=", ".join(_where(f, c, file) for f, c in sorted(sources)),
                    detail="; ".join(dict.fromkeys(notes)),
                )
        self.consumed: dict[str, list[str]] = {}
        for file in self.raw.files():
            if file not in spec.columns(spec.FY2026):
                # A file with no FY2026 counterpart (EnrollmentCoC.csv): the file entry says
                # which FY2026 columns it feeds; its other columns are not listed one by one.
                self.consumed[file] = sorted(
                    {
                        f"{f} {c}"
                        for f in spec.fy2026_files()
                        for c in spec.columns(spec.FY2026)[f]
                        if self.steps and any(sf == file for sf, _ in self.trace(f, c)[0])
                    }
                )
                continue
            for column in self.raw.canonical_header(file):
                if not column or (file, column) in used:
                    continue
                nonempty = self.raw.nonempty.get(file, {}).get(column, 0)
                codes = self.raw.values.get(file, {}).get(column)
                detail = self.removal(file, column)
                if codes and sum(codes.values()) == nonempty and len(codes) <= 20:
                    ordered = sorted(codes.items(), key=lambda kv: _int_key(kv[0]))
                    detail += "; values " + ", ".join(f"{k}: {v}" for k, v in ordered)
                report.add("dropped", file, column, count=nonempty, detail=detail)

    def removal(self, file: str, column: str) -> str:
        """Which step removed a source column, e.g. "removed in FY2026 (Woman in FY2024)"."""
        if column.lower() not in {c.lower() for c in spec.columns(self.raw.version).get(file, ())}:
            return f"not an HMIS CSV {version_label(self.raw.version)} column"
        current = {(file, column)}
        names: list[str] = []
        for step in self.steps:
            following = {
                (f, c)
                for f in step.files()
                for c, origin in step.plan(f).items()
                if any(source in current for source in origin.sources)
            }
            if not following:
                renamed = f" ({', '.join(names)})" if names else ""
                return f"removed in {version_label(step.target_version)}{renamed}"
            for _file, c in sorted(following):
                if c.lower() != column.lower():
                    names.append(f"{c} in {version_label(step.target_version)}")
            current = following
        return f"not in {version_label(spec.FY2026)}"


def _int_key(value: str) -> tuple[int, str]:
    return (int(value), "") if value.lstrip("-").isdigit() else (1 << 30, value)


def _where(source_file: str, source_column: str, file: str) -> str:
    return source_column if source_file == file else f"{source_file} {source_column}"


def _report_files(
    report: MigrationReport,
    raw: RawSource,
    steps: list[Step],
    written: dict[str, int],
    consumed: dict[str, list[str]],
) -> None:
    label = version_label(raw.version)
    present = set(raw.files())
    notes: dict[str, str] = {}
    for step in steps:
        notes.update(getattr(step, "file_notes", {}))
    for file in spec.fy2026_files():
        rows_out = written.get(file, 0)
        if file in present:
            rows_in = raw.row_counts.get(file, 0)
            detail = f"converted: {rows_in} rows in, {rows_out} rows out"
        elif file in notes:
            detail = f"{notes[file]}: {rows_out} rows"
        elif file in spec.columns(raw.version):
            detail = f"missing in the source: written with its header only ({rows_out} rows)"
        else:
            detail = f"not in {label}: written with its header only"
        report.add("file", file, count=rows_out, detail=detail)
    for file in raw.files():
        if file in spec.columns(spec.FY2026):
            continue
        rows_in = raw.row_counts.get(file, 0)
        feeds = consumed.get(file) or []
        detail = f"{label} file with no FY2026 counterpart: {rows_in} rows read"
        detail += f"; mapped into {', '.join(feeds)}" if feeds else "; dropped"
        report.add("file", file, count=rows_in, detail=detail)
    for name in raw.unknown_files():
        report.add("file", name, detail=f"ignored: not an HMIS CSV {label} file")
    for file in raw.files():
        missing = raw.missing_columns(file)
        if missing:
            report.note(
                file, f"columns missing in the source file (read as empty): {', '.join(missing)}"
            )
        extra = raw.extra_fields.get(file, 0)
        if extra:
            report.note(
                file, "rows with more fields than the header (extra fields ignored)", count=extra
            )
