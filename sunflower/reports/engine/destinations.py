"""Exit destinations (HMIS 3.12): HUD's destination groups, the positive / excluded
classification by project type, and the two destination tables the APR and CAPER repeat
(Q23c / Q25i / Q27f1 and Q23d / Q25j / Q27f2).

The value lists are data, in ``sunflower/reports/data/``:

* ``destinations.csv``: one row per FY2024+ destination code, in HUD's Q23c row order, with
  its group (Homeless / Institutional / Temporary / Permanent / Other), HUD's Q23c row label
  and its class for street outreach and for every other project type: ``P`` positive,
  ``X`` excluded from the percentage's denominator, ``N`` neither (HUD's "Destination
  classification" appendix; the reference code's DestinationClassification table).
* ``destination_subsidy_types.csv``: the subsidy types of destination 435 (Q23d's rows).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

import polars as pl

from .table import HOUSEHOLD_COLUMNS, Table, count_grid, rate

GROUPS = ("Homeless", "Institutional", "Temporary", "Permanent", "Other")
POSITIVE, EXCLUDED, NEITHER = "P", "X", "N"

DATA_NOT_COLLECTED = 99
RENTAL_WITH_ONGOING_SUBSIDY = 435
STREET_OUTREACH = 4
HOMELESSNESS_PREVENTION = 12

POSITIVE_ROW = "Total persons exiting to positive housing destinations"
EXCLUDED_ROW = "Total persons whose destinations excluded them from the calculation"
PERCENTAGE_ROW = "Percentage"


@dataclass(frozen=True)
class Destination:
    code: int
    group: str
    label: str
    class_street_outreach: str
    class_other_projects: str


def _data_rows(name: str) -> list[dict[str, str]]:
    path = resources.files("sunflower.reports") / "data" / name
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def destinations() -> tuple[Destination, ...]:
    return tuple(
        Destination(
            int(row["code"]),
            row["group"],
            row["label"],
            row["class_street_outreach"],
            row["class_other_projects"],
        )
        for row in _data_rows("destinations.csv")
    )


@cache
def subsidy_types() -> tuple[tuple[int, str], ...]:
    return tuple(
        (int(row["code"]), row["label"]) for row in _data_rows("destination_subsidy_types.csv")
    )


def destination_code() -> pl.Expr:
    """3.12 Destination with a missing value read as "Data not collected" (99)."""
    return pl.col("Destination").fill_null(DATA_NOT_COLLECTED)


def destination_group() -> pl.Expr:
    """Homeless / Institutional / Temporary / Permanent / Other; null for an unknown code."""
    mapping = {d.code: d.group for d in destinations()}
    return destination_code().replace_strict(mapping, default=None, return_dtype=pl.String)


def destination_class() -> pl.Expr:
    """P / X / N for the destination of the enrollment's project type.

    Street outreach has its own column in HUD's classification; every other project type
    (HP read as PSH, as HUD's reference code does) shares the other column, which is
    Appendix A's "HP & PH (all)" column. Project types Appendix A has no column for (7
    Other, 11 Day Shelter, 14 Coordinated Entry) take that column too (Appendix A:
    "Undefined project types should use the "HP & PH (all)" column when determining
    positive exit destinations"; HUD's reference code counts them neither positive nor
    excluded)."""
    outreach = {d.code: d.class_street_outreach for d in destinations()}
    others = {d.code: d.class_other_projects for d in destinations()}
    code = destination_code()
    return (
        pl.when(pl.col("ProjectType") == STREET_OUTREACH)
        .then(code.replace_strict(outreach, default=None, return_dtype=pl.String))
        .otherwise(code.replace_strict(others, default=None, return_dtype=pl.String))
    )


def _leavers(frame: pl.LazyFrame) -> pl.LazyFrame:
    return frame.filter(pl.col("leaver"))


def destination_rows() -> list[tuple[str, pl.Expr | None]]:
    """Q23c's destination rows: per group a heading, one row per destination label (codes 8
    and 9 share one) and a subtotal; then the total over every listed destination."""
    code = destination_code()
    rows: list[tuple[str, pl.Expr | None]] = []
    for group in GROUPS:
        rows.append((f"{group} Situations", None))
        members = [d for d in destinations() if d.group == group]
        labels = list(dict.fromkeys(d.label for d in members))
        for label in labels:
            codes = [d.code for d in members if d.label == label]
            rows.append((label, code.is_in(codes)))
        rows.append((f"{group} Subtotal", code.is_in([d.code for d in members])))
    rows.append(("Total", code.is_in([d.code for d in destinations()])))
    return rows


def destination_table(
    name: str,
    frame: pl.DataFrame | pl.LazyFrame,
    columns: list[tuple[str, pl.Expr]] | None = None,
) -> Table:
    """Q23c-shaped table over the leavers of ``frame`` (a ``served``-like frame, e.g. the
    report's clients, its veterans or its youth): destination rows, then the positive and
    excluded counts and Percentage = positive / (total - excluded)."""
    columns = columns if columns is not None else HOUSEHOLD_COLUMNS
    # Lazy: only the columns the rows read are filtered, not every column of ``served``.
    leavers = _leavers(frame.lazy()).with_columns(_destination_class=destination_class())
    listed = destination_code().is_in([d.code for d in destinations()])
    rows = destination_rows() + [
        (POSITIVE_ROW, listed & (pl.col("_destination_class") == POSITIVE)),
        (EXCLUDED_ROW, listed & (pl.col("_destination_class") == EXCLUDED)),
        (PERCENTAGE_ROW, None),
    ]
    table = count_grid(name, leavers, rows, columns)
    total_r, positive_r = table.row_index("Total"), table.row_index(POSITIVE_ROW)
    excluded_r, percentage_r = table.row_index(EXCLUDED_ROW), table.row_index(PERCENTAGE_ROW)
    for c in range(len(columns)):
        total = table.values[total_r][c]
        excluded = table.values[excluded_r][c]
        table.set(percentage_r, c, rate(table.values[positive_r][c], total - excluded), kind="rate")
    return table


def subsidy_table(
    name: str,
    frame: pl.DataFrame | pl.LazyFrame,
    columns: list[tuple[str, pl.Expr]] | None = None,
) -> Table:
    """Q23d-shaped table: leavers of ``frame`` who exited to "Rental by client, with ongoing
    housing subsidy" (435), by 3.12A subsidy type, and their total.

    HP leavers are left out, as in HUD's reference code (HP's exits are reported by the
    CAPER's Q24a housing assessment instead)."""
    columns = columns if columns is not None else HOUSEHOLD_COLUMNS
    leavers = _leavers(frame.lazy()).filter(
        (pl.col("Destination") == RENTAL_WITH_ONGOING_SUBSIDY)
        & (pl.col("ProjectType") != HOMELESSNESS_PREVENTION)
    )
    subsidy = pl.col("DestinationSubsidyType")
    rows: list[tuple[str, pl.Expr | None]] = [
        (label, subsidy == code) for code, label in subsidy_types()
    ]
    rows.append(("Total", subsidy.is_in([code for code, _ in subsidy_types()])))
    return count_grid(name, leavers, rows, columns)
