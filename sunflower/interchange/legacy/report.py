"""The migration report: what a conversion mapped, dropped, added and could not map.

Entries have a ``kind``. The kinds are listed in ``KINDS`` in report order:

- ``file``: per file, rows in and out and how the file came about (converted, derived from another
  file, created empty, consumed into another file, missing in the source, ignored).
- ``renamed``: a column that HUD renamed. The values are unchanged.
- ``mapped``: a column computed from other source columns (recoded, derived, split).
- ``recoded``: value counts per old → new code, for each step and column.
- ``derived``: where derived values came from (for example, EnrollmentCoC from the head of
  household), with counts.
- ``filled``: a value written where the source had none (HUD's 99 "Data not collected", 0 "not
  selected", an assumed code), with counts.
- ``added_empty``: a column the source version lacks that is left empty, with the reason.
- ``dropped``: a source column with no place in the target, and how many non-empty values were lost
  (with the code counts for coded columns).
- ``unmappable``: a code with no mapping, left empty and counted, with example rows.
- ``missing_required``: a non-nullable target column that is still empty, with example rows.
- ``not_in_list``: a value kept as it is although the FY2026 list lacks it. The importer decides.
- ``normalized``: a value rewritten in the spec's format (a datetime given as a bare date).
- ``note``: anything else worth knowing.

``as_text()`` renders a readable report, and ``as_csv()`` writes one line per entry.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

KINDS = (
    "file",
    "renamed",
    "mapped",
    "recoded",
    "derived",
    "filled",
    "added_empty",
    "dropped",
    "unmappable",
    "missing_required",
    "not_in_list",
    "normalized",
    "note",
)

_TITLES = {
    "file": "Files",
    "renamed": "Columns renamed",
    "mapped": "Columns mapped from other columns",
    "recoded": "Values recoded (old -> new: rows)",
    "derived": "Where derived values came from",
    "filled": "Values filled in where the source had none",
    "added_empty": "Columns added empty",
    "dropped": "Columns dropped (non-empty values lost)",
    "unmappable": "Values that could not be mapped (left empty)",
    "missing_required": "Required values still missing",
    "not_in_list": "Values kept although the FY2026 list lacks them",
    "normalized": "Values normalized",
    "note": "Notes",
}

#: Example rows kept per entry; the count is always complete.
MAX_EXAMPLES = 100

CSV_FIELDS = ("kind", "step", "file", "column", "source", "old", "new", "count", "detail", "rows")


@dataclass
class Entry:
    kind: str
    file: str
    column: str = ""
    source: str = ""
    old: str = ""
    new: str = ""
    count: int = 0
    step: str = ""
    detail: str = ""
    examples: list[tuple[str, str]] = field(default_factory=list)  # (row number, record ID)

    def rows_text(self) -> str:
        return "; ".join(
            f"row {row} (ID {rid})" if rid else f"row {row}" for row, rid in self.examples
        )


class MigrationReport:
    """Collects what a conversion did. Counting entries are keyed and summed."""

    def __init__(self, source: str = "", target: str = ""):
        self.source = source
        self.target = target
        self.source_version: str | None = None
        self.target_version = "2026"
        self.csv_version = ""
        self.evidence: list[str] = []
        self.steps: list[str] = []
        self._entries: dict[tuple[str, ...], Entry] = {}
        self._file_order: list[str] = []

    # -- recording -------------------------------------------------------------------------
    def set_file_order(self, files: Iterable[str]) -> None:
        self._file_order = list(files)

    def add(
        self,
        kind: str,
        file: str,
        column: str = "",
        *,
        step: str = "",
        source: str = "",
        old: str = "",
        new: str = "",
        detail: str = "",
        count: int = 1,
        row: tuple[str, str] | None = None,
    ) -> Entry:
        """Add ``count`` to the entry with these fields, creating it if needed."""
        if kind not in KINDS:
            raise ValueError(f"unknown report kind {kind!r}")
        key = (kind, step, file, column, source, old, new, detail)
        entry = self._entries.get(key)
        if entry is None:
            entry = Entry(kind, file, column, source, old, new, 0, step, detail)
            self._entries[key] = entry
        entry.count += count
        if row is not None and len(entry.examples) < MAX_EXAMPLES:
            entry.examples.append(row)
        return entry

    def note(self, file: str, text: str, *, step: str = "", count: int = 0) -> None:
        self.add("note", file, step=step, detail=text, count=count)

    # -- reading ---------------------------------------------------------------------------
    def _sort_key(self, entry: Entry, order: dict[str, int]) -> tuple:
        return (
            KINDS.index(entry.kind),
            order.get(entry.file, len(order)),
            entry.file,
            entry.column,
            entry.step,
            _code_key(entry.old),
            _code_key(entry.new),
            entry.source,
            entry.detail,
        )

    def entries(
        self, kind: str | None = None, file: str | None = None, column: str | None = None
    ) -> list[Entry]:
        """Entries in report order, optionally filtered."""
        selected = [
            e
            for e in self._entries.values()
            if (kind is None or e.kind == kind)
            and (file is None or e.file == file)
            and (column is None or e.column == column)
        ]
        order = {name: i for i, name in enumerate(self._file_order)}
        return sorted(selected, key=lambda e: self._sort_key(e, order))

    def total(self, kind: str) -> int:
        return sum(e.count for e in self._entries.values() if e.kind == kind)

    @property
    def unmappable_count(self) -> int:
        return self.total("unmappable")

    # -- rendering -------------------------------------------------------------------------
    def as_text(self) -> str:
        out: list[str] = ["HMIS CSV migration report", ""]
        out.append(f"Source: {self.source}")
        source_label = f"FY{self.source_version}" if self.source_version else "unknown version"
        csv_version = f" (Export.CSVVersion {self.csv_version!r})" if self.csv_version else ""
        out.append(f"Source version: {source_label}{csv_version}")
        out.append(f"Target: {self.target} (HMIS CSV FY{self.target_version})")
        if self.steps:
            out.append("Steps: " + ", ".join(self.steps))
        for line in self.evidence:
            out.append(f"  evidence: {line}")
        out.append(
            "Totals: "
            + ", ".join(
                f"{kind} {self.total(kind)}"
                for kind in ("recoded", "filled", "unmappable", "missing_required", "not_in_list")
            )
        )
        for kind in KINDS:
            entries = self.entries(kind)
            if not entries:
                continue
            out.extend(["", _TITLES[kind]])
            for entry in entries:
                out.append("  " + _entry_text(entry))
        return "\n".join(out) + "\n"

    def as_csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(CSV_FIELDS)
        for entry in self.entries():
            writer.writerow(
                [
                    entry.kind,
                    entry.step,
                    entry.file,
                    entry.column,
                    entry.source,
                    entry.old,
                    entry.new,
                    entry.count,
                    entry.detail,
                    entry.rows_text(),
                ]
            )
        return buffer.getvalue()

    def write_text(self, path: str | Path) -> None:
        Path(path).write_text(self.as_text(), encoding="utf-8")

    def write_csv(self, path: str | Path) -> None:
        Path(path).write_text(self.as_csv(), encoding="utf-8")

    def __str__(self) -> str:
        return self.as_text()


def _code_key(value: str) -> tuple[int, int, str]:
    stripped = value.strip()
    if stripped.lstrip("-").isdigit():
        return (0, int(stripped), "")
    return (1, 0, value)


def _show(value: str) -> str:
    return repr(value) if value == "" or not value.strip() else value


def _entry_text(e: Entry) -> str:
    where = f"{e.file} {e.column}".strip()
    step = f" [{e.step}]" if e.step else ""
    rows = f" - e.g. {e.rows_text()}" if e.examples else ""
    detail = f" - {e.detail}" if e.detail else ""
    if e.kind == "file":
        return f"{where}: {e.detail}"
    if e.kind == "renamed":
        return f"{e.file} {e.source} -> {e.column}{step}{detail}"
    if e.kind == "mapped":
        return f"{where} <- {e.source}{detail}"
    if e.kind == "recoded":
        source = f" (from {e.source})" if e.source and e.source != e.column else ""
        return f"{where}{source}{step}: {_show(e.old)} -> {_show(e.new)}: {e.count}{detail}"
    if e.kind == "derived":
        return f"{where}: {e.count} from {e.detail}"
    if e.kind == "filled":
        return f"{where}: {_show(e.new)} in {e.count} rows{detail}{rows}"
    if e.kind == "added_empty":
        return f"{where}{detail}"
    if e.kind == "dropped":
        return f"{where}: {e.count} non-empty values lost{detail}"
    if e.kind in ("unmappable", "missing_required", "not_in_list"):
        value = f" value {_show(e.old)}" if e.kind != "missing_required" else ""
        return f"{where}{value}{step}: {e.count} rows{detail}{rows}"
    if e.kind == "normalized":
        return f"{where}: {e.count} values{detail}"
    count = f" ({e.count})" if e.count else ""
    return f"{e.file}: {e.detail}{count}{step}" if e.file else f"{e.detail}{count}{step}"
