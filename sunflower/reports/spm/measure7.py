"""Measure 7: successful placement from street outreach (7a.1) and successful placement
in or retention of permanent housing (7b.1, 7b.2).

Enrollments active in the period by project start and exit (Glossary Method 1). A leaver
is a person with no such enrollment open at the report end in the measure's project
types; each leaver counts once, with their latest exit (of two on one day, the stay that
started first). Destinations are classified by HUD's table (``engine.destinations``: the
street outreach column for 7a.1, the other one for 7b): "excluded" destinations (deceased,
hospital, and for 7a.1 residential project, for 7b foster care and long-term care) leave the
universe.

* 7a.1: SO leavers; successful: a temporary or institutional destination classed positive
  for street outreach, or a permanent destination.
* 7b.1: leavers of ES, SH, TH and RRH, and of other PH who had not moved in when they
  exited; successful: a permanent destination.
* 7b.2: PH other than RRH: stayers who have moved in (by the report end) and leavers who
  had moved in; successful: stayers, and leavers to a permanent destination.
"""

from __future__ import annotations

import polars as pl

from sunflower.reports.engine import ReportContext, Table, question
from sunflower.reports.engine.destinations import (
    EXCLUDED,
    POSITIVE,
    destination_class,
    destination_group,
)

from .common import ES, PH, PH_NOT_RRH, SH, SO, TH, measure_table, percent, spm_enrollments

COLUMNS = ["Previous FY", "Current FY", "Percent Difference"]
ROWS_7A1 = [
    "Universe: Persons who exit Street Outreach",
    "Of persons above, those who exited to temporary & some institutional destinations",
    "Of the persons above, those who exited to permanent housing destinations",
    "% Successful exits",
]
ROWS_7B1 = [
    "Universe: Persons in ES-EE, ES-NbN,SH,TH, and PH - RRH who exited, plus persons in other "
    "PH projects who exited without moving into housing",
    "Of the persons above, those who exited to permanent housing destinations",
    "% Successful exits",
]
ROWS_7B2 = [
    "Universe: Persons in all PH projects except PH-RRH who exited after moving into housing, "
    "or who moved into housing and remained in the PH project",
    "Of persons above, those who remained in applicable PH projects and those who exited to "
    "permanent housing destinations",
    "% Successful exits/retention",
]
_PERMANENT = destination_group() == "Permanent"


def _active(ctx: ReportContext, types: list[int]) -> pl.DataFrame:
    start, end = ctx.params.start, ctx.params.end
    return spm_enrollments(ctx).filter(
        pl.col("ProjectType").is_in(types)
        & (pl.col("EntryDate") <= end)
        & (pl.col("ExitDate").is_null() | (pl.col("ExitDate") >= start))
    )


def _latest_exits(active: pl.DataFrame) -> pl.DataFrame:
    """Each leaver's latest exit: persons with no open enrollment in ``active``. Of two
    exits on one day, the stay that started first (the specifications do not say; HUD's
    reference output keeps that one)."""
    open_ = active.filter(pl.col("ExitDate").is_null()).select("PersonalID")
    return (
        active.join(open_, on="PersonalID", how="anti")
        .sort(
            ["PersonalID", "ExitDate", "EntryDate", "EnrollmentID"],
            descending=[False, True, False, False],
        )
        .unique("PersonalID", keep="first", maintain_order=True)
    )


@question("spm_7a1", "spm")
def measure_7a1(ctx: ReportContext) -> Table:
    """Street outreach leavers and their exits to temporary, some institutional and
    permanent destinations."""
    leavers = (
        _latest_exits(_active(ctx, [SO]))
        .with_columns(_class=destination_class())
        .filter(pl.col("_class").fill_null("") != EXCLUDED)
    )
    counts = {
        (0, 1): pl.lit(True),
        (1, 1): ~_PERMANENT & (pl.col("_class") == POSITIVE),
        (2, 1): _PERMANENT,
    }
    table = measure_table("spm_7a1", COLUMNS, ROWS_7A1, leavers, counts)
    successful = table.values[1][1] + table.values[2][1]
    table.set(3, 1, percent(successful, table.values[0][1]), kind="average")
    return table


@question("spm_7b1", "spm")
def measure_7b1(ctx: ReportContext) -> Table:
    """Exits from ES, SH, TH and RRH (and PH without a move-in) to permanent destinations."""
    leavers = (
        _latest_exits(_active(ctx, [*ES, SH, TH, *PH]))
        .filter(~(pl.col("ProjectType").is_in(PH_NOT_RRH) & pl.col("move_in").is_not_null()))
        .with_columns(_class=destination_class())
        .filter(pl.col("_class").fill_null("") != EXCLUDED)
    )
    counts = {(0, 1): pl.lit(True), (1, 1): _PERMANENT}
    table = measure_table("spm_7b1", COLUMNS, ROWS_7B1, leavers, counts)
    table.set(2, 1, percent(table.values[1][1], table.values[0][1]), kind="average")
    return table


@question("spm_7b2", "spm")
def measure_7b2(ctx: ReportContext) -> Table:
    """PH (not RRH) stayers who moved in and leavers who had moved in: retention or exit to
    permanent housing."""
    active = _active(ctx, PH_NOT_RRH)
    stayers = (
        active.filter(pl.col("ExitDate").is_null())
        .sort(["PersonalID", "EntryDate", "EnrollmentID"], descending=[False, True, True])
        .unique("PersonalID", keep="first", maintain_order=True)
        .filter(pl.col("move_in").is_not_null())
        .with_columns(stayer=pl.lit(True))
    )
    leavers = (
        _latest_exits(active)
        .filter(pl.col("move_in").is_not_null())
        .with_columns(_class=destination_class())
        .filter(pl.col("_class").fill_null("") != EXCLUDED)
        .drop("_class")
        .with_columns(stayer=pl.lit(False))
    )
    frame = pl.concat([stayers, leavers], how="vertical_relaxed")
    counts = {(0, 1): pl.lit(True), (1, 1): pl.col("stayer") | _PERMANENT}
    table = measure_table("spm_7b2", COLUMNS, ROWS_7B2, frame, counts)
    table.set(2, 1, percent(table.values[1][1], table.values[0][1]), kind="average")
    return table
