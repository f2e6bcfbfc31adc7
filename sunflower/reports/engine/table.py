"""Report tables: labelled rows and columns, typed cells, and who is behind each count.

A ``Table`` keeps, beside its values, a ``members`` frame (row, col, PersonalID,
EnrollmentID) listing the records counted in each count cell; the application's drill-down
reads it, the CSV writer ignores it.

``count_grid`` is the builder nearly every question uses: rows and columns are
(label, polars expression) pairs over one frame, and a cell counts distinct clients for
whom both hold; ``count_cells`` is the same for cells each with its own condition. Counts
are computed at once, members are kept lazy. ``column_table`` puts side by side columns
counted over different frames (the stages of Q16–Q21); ``relabelled`` takes another table's
cells under other labels (the youth tables of Q27).

The column sets HUD's tables share: ``HOUSEHOLD_COLUMNS`` (HUD's usual five),
``SPLIT_HOUSEHOLD_COLUMNS`` (Q13: adults and children of mixed households apart),
``VETERAN_COLUMNS`` (no children-only column), ``LEAVERS_AND_STAYERS`` (Q22a) and the
household-type prefixes of Q19b / Q27i (``ADULT_HOUSEHOLD_TYPES``,
``YOUTH_HOUSEHOLD_TYPES``).
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import polars as pl

from .labels import normalise
from .universe import (
    ADULT,
    ADULTS_AND_CHILDREN,
    ADULTS_ONLY,
    CHILD,
    CHILDREN_ONLY,
    UNKNOWN_HOUSEHOLD,
)

COUNT, RATE, MONEY, AVERAGE, TEXT = "count", "rate", "money", "average", "text"
# A whole number that counts no clients (beds, units): printed as a count, no drill-down.
NUMBER = "number"

_household = pl.col("household_type")
HOUSEHOLD_COLUMNS: list[tuple[str, pl.Expr]] = [
    ("Total", pl.lit(True)),
    ("Without Children", _household == ADULTS_ONLY),
    ("With Children And Adults", _household == ADULTS_AND_CHILDREN),
    ("With Only Children", _household == CHILDREN_ONLY),
    ("Unknown Household Type", _household == UNKNOWN_HOUSEHOLD),
]
HOUSEHOLD_LABELS = [label for label, _ in HOUSEHOLD_COLUMNS]

# Q13's six columns: the "with children and adults" household split into its adults and its
# children (a member of unknown age in such a household is only in Total).
SPLIT_HOUSEHOLD_COLUMNS: list[tuple[str, pl.Expr]] = [
    ("Total", pl.lit(True)),
    ("Without Children", _household == ADULTS_ONLY),
    (
        "Adults in HH with Children and Adults",
        (_household == ADULTS_AND_CHILDREN) & (pl.col("age_group") == ADULT),
    ),
    (
        "Children in HH with Children and Adults",
        (_household == ADULTS_AND_CHILDREN) & (pl.col("age_group") == CHILD),
    ),
    ("With Only Children", _household == CHILDREN_ONLY),
    ("Unknown Household Type", _household == UNKNOWN_HOUSEHOLD),
]

# The veterans' tables (Q25a, Q25b, Q25d, Q25j) have no "With Only Children" column: a
# veteran is an adult.
VETERAN_COLUMNS = [column for column in HOUSEHOLD_COLUMNS if column[0] != "With Only Children"]

LEAVERS_AND_STAYERS: list[tuple[str, pl.Expr]] = [
    ("Total", pl.lit(True)),
    ("Leavers", pl.col("leaver")),
    ("Stayers", pl.col("stayer")),
]

# Household-type prefixes of Q19b's column groups ("AO: ..."): adults' households, and the
# youth version (Q27i) that adds children-only households.
ADULT_HOUSEHOLD_TYPES = [
    ("AO", ADULTS_ONLY),
    ("AC", ADULTS_AND_CHILDREN),
    ("UK", UNKNOWN_HOUSEHOLD),
]
YOUTH_HOUSEHOLD_TYPES = [
    ("AO", ADULTS_ONLY),
    ("AC", ADULTS_AND_CHILDREN),
    ("CO", CHILDREN_ONLY),
    ("UK", UNKNOWN_HOUSEHOLD),
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

    def is_count_cell(self, r: int, c: int) -> bool:
        """A cell that counts clients (and so drills down): HUD's greyed-out cells (None)
        and rates, money and averages do not."""
        if not (0 <= r < len(self.rows) and 0 <= c < len(self.columns)):
            return False
        return self.values[r][c] is not None and self.kind(r, c) == COUNT

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
        if kind in (COUNT, NUMBER):
            return str(int(value))
        if kind == RATE:
            return f"{float(value):.4f}"
        if kind == MONEY:
            # Half to even on the decimal value (HUD's reference output: 996.585 ->
            # 996.58), not on the binary one.
            cents = Decimal(repr(float(value))).quantize(Decimal("0.01"), ROUND_HALF_EVEN)
            return f"{cents:.2f}"
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

    # --- stored form (a run's tables.json; members are stored apart) ----------------------
    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "columns": self.columns,
            "rows": self.rows,
            "values": self.values,
            "kinds": [[r, c, kind] for (r, c), kind in self.kinds.items()],
            "label_column": self.label_column,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Table:
        return cls(
            name=data["name"],
            columns=data["columns"],
            rows=data["rows"],
            values=data["values"],
            kinds={(r, c): kind for r, c, kind in data["kinds"]},
            label_column=data["label_column"],
        )


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


def _has_duplicates(ids: pl.Series) -> bool:
    """Whether an id occurs more than once (nulls count as one id, as in ``n_unique``)."""
    if ids.len() < 2:
        return False
    if ids.is_sorted():
        # ``served`` is sorted by PersonalID and its filters stay so: a repeated id is next
        # to its twin, one comparison per row instead of hashing every id.
        return ids.null_count() > 1 or bool((ids.slice(1) == ids.slice(0, ids.len() - 1)).any())
    return ids.n_unique() < ids.len()


def count_grid(
    name: str,
    frame: pl.DataFrame | pl.LazyFrame,
    rows: list[tuple[str, pl.Expr | None]],
    columns: list[tuple[str, pl.Expr]] | None = None,
    id_column: str = "PersonalID",
) -> Table:
    """Distinct ``id_column`` counts where row and column conditions both hold.

    A row whose expression is None is a section heading (all cells empty, as in HUD's CSV).
    ``frame`` may be lazy (e.g. ``ctx.served.lazy().filter(...)``): polars then filters and
    joins only the columns the conditions read, not every column of ``served``.
    """
    columns = columns if columns is not None else HOUSEHOLD_COLUMNS
    table = Table(name, [label for label, _ in columns], [label for label, _ in rows])
    counted = [(r, expr) for r, (_, expr) in enumerate(rows) if expr is not None]
    if not counted:
        return table
    # Each row and column condition evaluated once; a cell is the AND of two flags.
    enrollment = ["EnrollmentID"] if "EnrollmentID" in frame.collect_schema() else []
    flags = frame.select(
        pl.col(id_column),
        *enrollment,
        *[expr.fill_null(False).alias(f"_row{r}") for r, expr in counted],
        *[expr.fill_null(False).alias(f"_col{c}") for c, (_, expr) in enumerate(columns)],
    )
    if isinstance(flags, pl.LazyFrame):
        flags = flags.collect()
    cells = {
        (r, c): pl.col(f"_row{r}") & pl.col(f"_col{c}")
        for r, _ in counted
        for c in range(len(columns))
    }
    count_cells(table, flags, cells, id_column)
    return table


def count_cells(
    table: Table,
    frame: pl.DataFrame | pl.LazyFrame,
    cells: dict[tuple[int, int], pl.Expr],
    id_column: str = "PersonalID",
) -> None:
    """Sets each cell (r, c) of ``table`` to the distinct ``id_column`` count of the rows of
    ``frame`` (eager or lazy) where its expression holds, and the table's members to them
    (lazily)."""
    if not cells:
        return
    flags = [expr.fill_null(False).alias(f"r{r}c{c}") for (r, c), expr in cells.items()]
    flagged = frame.select(
        pl.col(id_column).cast(pl.String).alias("_id"),
        (
            pl.col("EnrollmentID").cast(pl.String)
            if "EnrollmentID" in frame.collect_schema()
            else pl.lit(None, pl.String)
        ).alias("_enrollment"),
        *flags,
    )
    if isinstance(flagged, pl.LazyFrame):
        flagged = flagged.collect()
    names = [f"r{r}c{c}" for r, c in cells]
    if _has_duplicates(flagged["_id"]):
        counts = flagged.select(
            [pl.col("_id").filter(pl.col(n)).n_unique().alias(n) for n in names]
        ).row(0)
    else:
        # One row per client (most frames are ``served``-shaped): a count is a sum.
        counts = flagged.select([pl.col(n).sum() for n in names]).row(0)
    for (r, c), count in zip(cells, counts, strict=True):
        table.values[r][c] = int(count)
    long = (
        flagged.lazy()
        .unpivot(index=["_id", "_enrollment"], on=names, variable_name="cell", value_name="hit")
        .filter(pl.col("hit"))
    )
    parts = long.with_columns(pl.col("cell").str.extract_groups(r"r(\d+)c(\d+)").alias("rc"))
    members = parts.select(
        pl.col("rc").struct.field("1").cast(pl.Int32).alias("row"),
        pl.col("rc").struct.field("2").cast(pl.Int32).alias("col"),
        pl.col("_id").alias("PersonalID"),
        pl.col("_enrollment").alias("EnrollmentID"),
    )
    table.members = members if table.members is None else pl.concat([table.members, members])


def column_table(
    name: str, columns: list[tuple[str, pl.DataFrame, list[tuple[str, pl.Expr | None]]]]
) -> Table:
    """One column per (label, frame, rows), each counted over its own frame (the collection
    stages of Q16–Q21, the two universes of Q5a); every column lists the same row labels
    (a None expression leaves that cell empty)."""
    row_labels = [label for label, _ in columns[0][2]]
    table = Table(name, [label for label, _, _ in columns], row_labels)
    members = []
    for c, (label, frame, rows) in enumerate(columns):
        grid = count_grid(name, frame, rows, [(label, pl.lit(True))])
        for r in range(len(rows)):
            table.values[r][c] = grid.values[r][0]
        if grid.members is not None:
            members.append(grid.members.with_columns(col=pl.lit(c, pl.Int32)))
    table.members = pl.concat(members) if members else None
    return table


def relabelled(
    name: str,
    rows: list[tuple[str, str]],
    columns: list[tuple[str, Table | None, str]],
) -> Table:
    """A table whose cell (our row, our column) is the cell (source row, source column) of
    the column's source table, with its kind and (lazy) members. ``rows``: (our label,
    source label); ``columns``: (our label, source table or None, source label). Labels
    match after HUD-label normalisation; a cell with no source stays empty."""
    table = Table(name, [label for label, _, _ in columns], [label for label, _ in rows])
    member_parts = []
    for c, (_, source, source_col) in enumerate(columns):
        if source is None:
            continue
        col_index = {normalise(label): i for i, label in enumerate(source.columns)}
        row_index: dict[str, int] = {}
        for i, label in enumerate(source.rows):
            row_index.setdefault(normalise(label), i)
        sc = col_index.get(normalise(source_col))
        if sc is None:
            continue
        mapping = []
        for r, (_, source_row) in enumerate(rows):
            sr = row_index.get(normalise(source_row))
            if sr is None:
                continue
            table.values[r][c] = source.values[sr][sc]
            table.kinds[(r, c)] = source.kind(sr, sc)
            mapping.append((sr, r))
        if source.members is not None and mapping:
            # One join per column (not one filter per cell): source row -> our row.
            rows_map = pl.LazyFrame(
                {
                    "row": [sr for sr, _ in mapping],
                    "_new_row": [r for _, r in mapping],
                },
                schema={"row": pl.Int32, "_new_row": pl.Int32},
            )
            member_parts.append(
                source.members.filter(pl.col("col") == sc)
                .join(rows_map, on="row", how="inner")
                .select(
                    pl.col("_new_row").alias("row"),
                    pl.lit(c, pl.Int32).alias("col"),
                    "PersonalID",
                    "EnrollmentID",
                )
            )
    if member_parts:
        table.members = pl.concat(member_parts)
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
