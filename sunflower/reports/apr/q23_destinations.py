"""APR / CAPER exit destinations: Q23c (destination), Q23d (subsidy type of destination
435), Q23e (destination group by race and ethnicity), and the veterans' Q25i / Q25j.

The tables themselves are built by ``engine.destinations`` so that the youth questions
(Q27f1, Q27f2) reuse them on their own clients."""

from __future__ import annotations

import polars as pl

from sunflower.reports.engine import HOUSEHOLD_COLUMNS, ReportContext, Table, count_grid, question
from sunflower.reports.engine.destinations import (
    GROUPS,
    destination_code,
    destination_group,
    destination_table,
    destinations,
    subsidy_table,
)

APR_AND_CAPER = ("apr", "caper")

# The veterans' tables have no "With Only Children" column (a child is never a veteran).
VETERAN_COLUMNS = [column for column in HOUSEHOLD_COLUMNS if column[0] != "With Only Children"]

# 3.04 Race and Ethnicity: Client column -> HUD's label for someone who chose only it.
RACE_COLUMNS = {
    "AmIndAKNative": "American Indian, Alaska Native, or Indigenous",
    "Asian": "Asian or Asian American",
    "BlackAfAmerican": "Black, African American, or African",
    "HispanicLatinao": "Hispanic/Latina/o",
    "MidEastNAfrican": "Middle Eastern & North African",
    "NativeHIPacific": "Native Hawaiian or Pacific Islander",
    "White": "White",
}
RACE_AND_HISPANIC = "At Least 1 Race and Hispanic/Latina/o"
MULTI_RACIAL = "Multi-racial (does not include Hispanic/Latina/o)"
RACE_UNKNOWN = "Unknown (Doesn\u2019t Know, Prefers not to Answer, Data not Collected)"


def race_category() -> pl.Expr:
    """One category per client: the single race/ethnicity chosen; two or more including
    Hispanic/Latina/o; two or more without it; or none chosen (unknown)."""
    chosen = pl.sum_horizontal([(pl.col(c) == 1).fill_null(False) for c in RACE_COLUMNS])
    single = pl.when(pl.lit(False)).then(pl.lit(None, dtype=pl.String))
    for column, label in RACE_COLUMNS.items():
        single = single.when(pl.col(column) == 1).then(pl.lit(label))
    return (
        pl.when(chosen == 1)
        .then(single)
        .when((chosen > 1) & (pl.col("HispanicLatinao") == 1))
        .then(pl.lit(RACE_AND_HISPANIC))
        .when(chosen > 1)
        .then(pl.lit(MULTI_RACIAL))
        .otherwise(pl.lit(RACE_UNKNOWN))
    )


RACE_CATEGORIES = [*RACE_COLUMNS.values(), RACE_AND_HISPANIC, MULTI_RACIAL, RACE_UNKNOWN]


@question("Q23c", *APR_AND_CAPER)
def q23c(ctx: ReportContext) -> Table:
    """Exit destination of all leavers, with the positive-destination percentage."""
    return destination_table("Q23c", ctx.served)


@question("Q23d", *APR_AND_CAPER)
def q23d(ctx: ReportContext) -> Table:
    """Subsidy type of leavers exiting to rental with an ongoing housing subsidy."""
    return subsidy_table("Q23d", ctx.served)


@question("Q23e", *APR_AND_CAPER)
def q23e(ctx: ReportContext) -> Table:
    """Leavers by destination group (Q23c's subtotals) and race and ethnicity."""
    leavers = ctx.served.filter(pl.col("leaver")).with_columns(
        _group=destination_group(), _race=race_category()
    )
    listed = destination_code().is_in([d.code for d in destinations()])
    rows = [(f"{group} Situations", pl.col("_group") == group) for group in GROUPS]
    rows.append(("Total", listed))
    columns = [("Total", pl.lit(True))] + [
        (category, pl.col("_race") == category) for category in RACE_CATEGORIES
    ]
    return count_grid("Q23e", leavers, rows, columns)


@question("Q25i", "apr")
def q25i(ctx: ReportContext) -> Table:
    """Q23c for veterans."""
    return destination_table("Q25i", ctx.served.filter(pl.col("veteran")))


@question("Q25j", "apr")
def q25j(ctx: ReportContext) -> Table:
    """Q23d for veterans."""
    return subsidy_table("Q25j", ctx.served.filter(pl.col("veteran")), VETERAN_COLUMNS)
