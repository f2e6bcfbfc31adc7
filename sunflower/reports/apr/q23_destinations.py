"""APR / CAPER exit destinations: Q23c (destination), Q23d (subsidy type of destination
435), Q23e (destination group by race and ethnicity), and the veterans' Q25i / Q25j.

The tables themselves are built by ``engine.destinations`` so that the youth questions
(Q27f1, Q27f2) reuse them on their own clients; Q23e's race and ethnicity columns are
``engine.demographics``'s."""

from __future__ import annotations

import polars as pl

from sunflower.reports.engine import ReportContext, Table, count_grid, question
from sunflower.reports.engine.demographics import race_tabulation, race_tabulation_columns
from sunflower.reports.engine.destinations import (
    GROUPS,
    destination_code,
    destination_group,
    destination_table,
    destinations,
    subsidy_table,
)
from sunflower.reports.engine.table import VETERAN_COLUMNS

APR_AND_CAPER = ("apr", "caper")


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
    leavers = (
        ctx.served.lazy()
        .filter(pl.col("leaver"))
        .with_columns(_group=destination_group(), race_tabulation=race_tabulation())
    )
    listed = destination_code().is_in([d.code for d in destinations()])
    rows = [(f"{group} Situations", pl.col("_group") == group) for group in GROUPS]
    rows.append(("Total", listed))
    columns = [("Total", pl.lit(True)), *race_tabulation_columns()]
    return count_grid("Q23e", leavers, rows, columns)


@question("Q25i", "apr")
def q25i(ctx: ReportContext) -> Table:
    """Q23c for veterans."""
    return destination_table("Q25i", ctx.served.lazy().filter(pl.col("veteran")))


@question("Q25j", "apr")
def q25j(ctx: ReportContext) -> Table:
    """Q23d for veterans."""
    return subsidy_table("Q25j", ctx.served.lazy().filter(pl.col("veteran")), VETERAN_COLUMNS)
