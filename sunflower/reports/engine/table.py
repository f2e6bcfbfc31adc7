"""Report tables: labelled rows and columns, typed cells, and who is behind each count.

A ``Table`` keeps, beside its values, a ``members`` frame (row, col, PersonalID,
EnrollmentID) listing the records counted in each count cell; the application's drill-down
reads it, the CSV writer ignores it.

``count_grid`` is the builder nearly every question uses: rows and columns are
(label, polars expression) pairs over one frame, and a cell counts distinct clients for
whom both hold. ``HOUSEHOLD_COLUMNS`` are HUD's usual five columns.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from .universe import ADULTS_AND_CHILDREN, ADULTS_ONLY, CHILDREN_ONLY, UNKNOWN_HOUSEHOLD

COUNT, RATE, MONEY, AVERAGE, TEXT = "count", "rate", "money", "average", "text"

_household = pl.col("household_type")
HOUSEHOLD_COLUMNS: list[tuple[str, pl.Expr]] = [
    ("Total", pl.lit(True)),
    ("Without Children", _household == ADULTS_ONLY),
    ("With Children And Adults", _household == ADULTS_AND_CHILDREN),
    ("With Only Children", _household == CHILDREN_ONLY),
    ("Unknown Household Type", _household == UNKNOWN_HOUSEHOLD),
]

MEMBER_SCHEMA = {
    "row": pl.Int32,
    "col": pl.Int32,
    "PersonalID": pl.String,
    "EnrollmentID": pl.String,
}


@dataclass
class Table:
    name: str
    columns: list[str]
    rows: list[str]
    # values[r][c]: int, float, str or None (a cell HUD leaves empty)
    values: list[list[object]] = field(default_factory=list)
    kinds: dict[tuple[int, int], str] = field(default_factory=dict)
    members_frame: pl.LazyFrame | None = None
    # Q4a's header has no label column.
    label_column: bool = True

    def __post_init__(self):
        if not self.values:
            self.values = [[None] * len(self.columns) for _ in self.rows]

    # Who is behind each count cell, kept lazy: a report run computes counts only, and the
    # member lists are built when the drill-down or the stored result asks for them.
    @property
    def members(self) -> pl.LazyFrame | None:
        return self.members_frame

    @members.setter
    def members(self, frame: pl.DataFrame | pl.LazyFrame | None) -> None:
        self.members_frame = frame.lazy() if isinstance(frame, pl.DataFrame) else frame

    def collect_members(self) -> pl.DataFrame:
        if self.members_frame is None:
            return pl.DataFrame(schema=MEMBER_SCHEMA)
        return self.members_frame.collect()

    # --- access ----------------------------------------------------------------------------
    def row_index(self, label: str) -> int:
        return self.rows.index(label)

    def col_index(self, label: str) -> int:
        return self.columns.index(label)

    def get(self, row: str, col: str):
        return self.values[self.row_index(row)][self.col_index(col)]

    def set(self, row: int | str, col: int | str, value, kind: str | None = None) -> None:
        r = self.row_index(row) if isinstance(row, str) else row
        c = self.col_index(col) if isinstance(col, str) else col
        self.values[r][c] = value
        if kind:
            self.kinds[(r, c)] = kind

    def kind(self, r: int, c: int) -> str:
        if (r, c) in self.kinds:
            return self.kinds[(r, c)]
        value = self.values[r][c]
        if isinstance(value, bool | int):
            return COUNT
        if isinstance(value, float):
            return AVERAGE
        return TEXT

    def cell_members(self, r: int, c: int) -> pl.DataFrame:
        if self.members_frame is None:
            return pl.DataFrame(schema=MEMBER_SCHEMA)
        return self.members_frame.filter((pl.col("row") == r) & (pl.col("col") == c)).collect()

    # --- output ----------------------------------------------------------------------------
    def formatted(self, r: int, c: int) -> str:
        value = self.values[r][c]
        if value is None:
            return ""
        kind = self.kind(r, c)
        if kind == TEXT:
            return str(value)
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
            value = 0.0
        if kind == COUNT:
            return str(int(value))
        if kind == RATE:
            return f"{float(value):.4f}"
        if kind == MONEY:
            return f"{float(value):.2f}"
        return (
            f"{float(value):.4f}".rstrip("0").rstrip(".") if float(value) % 1 else str(int(value))
        )

    def csv_rows(self) -> list[list[str]]:
        if not self.label_column:
            return [self.columns] + [
                [self.formatted(r, c) for c in range(len(self.columns))]
                for r in range(len(self.rows))
            ]
        header = [""] + self.columns
        return [header] + [
            [label] + [self.formatted(r, c) for c in range(len(self.columns))]
            for r, label in enumerate(self.rows)
        ]

    def to_csv(self) -> str:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(self.csv_rows())
        return buffer.getvalue()

    def write_csv(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.name}.csv"
        path.write_text(self.to_csv(), encoding="utf-8")
        return path


def _members_of(
    frame: pl.DataFrame, condition: pl.Expr, r: int, c: int, id_column: str
) -> pl.DataFrame:
    enrollment = (
        pl.col("EnrollmentID") if "EnrollmentID" in frame.columns else pl.lit(None, pl.String)
    )
    return frame.filter(condition).select(
        pl.lit(r, pl.Int32).alias("row"),
        pl.lit(c, pl.Int32).alias("col"),
        pl.col(id_column).cast(pl.String).alias("PersonalID"),
        enrollment.cast(pl.String).alias("EnrollmentID"),
    )


def count_grid(
    name: str,
    frame: pl.DataFrame,
    rows: list[tuple[str, pl.Expr | None]],
    columns: list[tuple[str, pl.Expr]] | None = None,
    id_column: str = "PersonalID",
) -> Table:
    """Distinct ``id_column`` counts where row and column conditions both hold.

    A row whose expression is None is a section heading (all cells empty, as in HUD's CSV).
    """
    columns = columns if columns is not None else HOUSEHOLD_COLUMNS
    table = Table(name, [label for label, _ in columns], [label for label, _ in rows])
    flags = []
    for r, (_, row_expr) in enumerate(rows):
        if row_expr is None:
            continue
        for c, (_, col_expr) in enumerate(columns):
            flags.append(((r, c), (row_expr & col_expr).fill_null(False).alias(f"r{r}c{c}")))
    if not flags:
        return table
    flagged = frame.select(
        pl.col(id_column).cast(pl.String).alias("_id"),
        (
            pl.col("EnrollmentID").cast(pl.String)
            if "EnrollmentID" in frame.columns
            else pl.lit(None, pl.String)
        ).alias("_enrollment"),
        *[expr for _, expr in flags],
    )
    counts = flagged.select(
        [
            pl.col("_id").filter(pl.col(f"r{r}c{c}")).n_unique().alias(f"r{r}c{c}")
            for (r, c), _ in flags
        ]
    ).row(0, named=True)
    for (r, c), _ in flags:
        table.values[r][c] = int(counts[f"r{r}c{c}"])
    long = (
        flagged.lazy()
        .unpivot(
            index=["_id", "_enrollment"],
            on=[f"r{r}c{c}" for (r, c), _ in flags],
            variable_name="cell",
            value_name="hit",
        )
        .filter(pl.col("hit"))
    )
    parts = long.with_columns(pl.col("cell").str.extract_groups(r"r(\d+)c(\d+)").alias("rc"))
    table.members = parts.select(
        pl.col("rc").struct.field("1").cast(pl.Int32).alias("row"),
        pl.col("rc").struct.field("2").cast(pl.Int32).alias("col"),
        pl.col("_id").alias("PersonalID"),
        pl.col("_enrollment").alias("EnrollmentID"),
    )
    return table


def add_members(
    table: Table, frame: pl.DataFrame, r: int, c: int, id_column: str = "PersonalID"
) -> None:
    """Record who is behind a cell set by hand (e.g. a count computed outside count_grid)."""
    part = _members_of(frame, pl.lit(True), r, c, id_column)
    part = part.lazy()
    table.members = part if table.members is None else pl.concat([table.members, part])


def rate(numerator, denominator) -> float:
    """HUD's fractions: 0 when the denominator is 0."""
    return float(numerator) / float(denominator) if denominator else 0.0
