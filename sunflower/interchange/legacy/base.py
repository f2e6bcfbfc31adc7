"""The shape of one conversion step (FY2022 → FY2024, FY2024 → FY2026).

A step reads rows from an upstream row source: the raw export or the step before it. It offers
the same interface itself, so steps chain one row at a time:

- ``files()``: the target version's file names.
- ``columns(file)``: the target version's columns for the file.
- ``rows(file)``: dicts keyed by target column, plus the ``ROW``/``RECORD_ID`` keys.

``plan(file)`` gives, for every target column, its ``Origin``: the upstream columns it comes
from and how. The converter follows these origins back to the source to report renamed, mapped,
added and dropped columns in terms of the source's own columns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

from .csvio import RECORD_ID, ROW
from .report import MigrationReport

Row = dict[str, str]


class RowSource(Protocol):
    version: str

    def files(self) -> list[str]: ...

    def columns(self, file: str) -> list[str]: ...

    def rows(self, file: str) -> Iterator[Row]: ...


@dataclass(frozen=True)
class Origin:
    """Where a target column's values come from.

    kind: "copy" (same column), "rename", "recode" (same meaning, codes changed), "derived"
    (computed from the listed columns, possibly from other files) or "new" (nothing in the
    source; ``note`` says why it is empty or how it is filled).
    """

    kind: str
    sources: tuple[tuple[str, str], ...] = ()
    note: str = ""


def copy(file: str, column: str) -> Origin:
    return Origin("copy", ((file, column),))


def row_ref(row: Row) -> tuple[str, str]:
    return (row.get(ROW, ""), row.get(RECORD_ID, ""))


def carry(row: Row) -> Row:
    """A new output row that keeps the source row's position and ID."""
    return {ROW: row.get(ROW, ""), RECORD_ID: row.get(RECORD_ID, "")}


class Step:
    """Base class: copies same-named columns, leaves new ones empty, applies per-file hooks."""

    name = ""
    source_version = ""
    target_version = ""

    def __init__(self, upstream: RowSource, report: MigrationReport):
        self.up = upstream
        self.report = report
        self.version = self.target_version
        self._plans: dict[str, dict[str, Origin]] = {}

    # -- to override -------------------------------------------------------------------------
    def target_columns(self) -> dict[str, tuple[str, ...]]:
        raise NotImplementedError

    def special_plan(self, file: str) -> dict[str, Origin]:
        """Origins that differ from "copy the same column" or "new, empty"."""
        return {}

    def new_column_note(self, file: str, column: str) -> str:
        return f"new in FY{self.target_version}; not in FY{self.source_version}"

    def hook(self, file: str) -> Callable[[Row, Row], None] | None:
        """A function (upstream row, output row) -> None that finishes the output row."""
        return None

    def derived_rows(self, file: str) -> Iterator[Row] | None:
        """Rows of a file that the step makes itself rather than converting one upstream file."""
        return None

    # -- interface ---------------------------------------------------------------------------
    def files(self) -> list[str]:
        return list(self.target_columns())

    def columns(self, file: str) -> list[str]:
        return list(self.target_columns().get(file, ()))

    def plan(self, file: str) -> dict[str, Origin]:
        if file not in self._plans:
            upstream = (
                {c.lower(): c for c in self.up.columns(file)} if file in self.up.files() else {}
            )
            special = self.special_plan(file)
            plan: dict[str, Origin] = {}
            for column in self.columns(file):
                if column in special:
                    plan[column] = special[column]
                elif column.lower() in upstream:
                    # Header names are matched without regard to case (WorkPlace/Workplace).
                    plan[column] = copy(file, upstream[column.lower()])
                else:
                    plan[column] = Origin("new", (), self.new_column_note(file, column))
            self._plans[file] = plan
        return self._plans[file]

    def rows(self, file: str) -> Iterator[Row]:
        derived = self.derived_rows(file)
        if derived is not None:
            yield from derived
            return
        if file not in self.up.files():
            return
        plan = self.plan(file)
        simple = [
            (column, origin.sources[0][1])
            for column, origin in plan.items()
            if origin.kind in ("copy", "rename", "recode")
            and len(origin.sources) == 1
            and origin.sources[0][0] == file
        ]
        empty = [
            column
            for column, origin in plan.items()
            if origin.kind not in ("copy", "rename", "recode")
        ]
        finish = self.hook(file)
        for row in self.up.rows(file):
            out = carry(row)
            for column, source in simple:
                out[column] = row.get(source, "") or ""
            for column in empty:
                out[column] = ""
            if finish is not None:
                finish(row, out)
            yield out

    # -- helpers for subclasses ----------------------------------------------------------------
    def recoded(
        self, file: str, column: str, old: str, new: str, *, source: str = "", detail: str = ""
    ) -> None:
        self.report.add(
            "recoded",
            file,
            column,
            step=self.name,
            source=source or column,
            old=old,
            new=new,
            detail=detail,
        )

    def unmappable(self, file: str, column: str, value: str, row: Row, detail: str) -> None:
        self.report.add(
            "unmappable", file, column, step=self.name, old=value, detail=detail, row=row_ref(row)
        )
