"""Measure 3.2: the number of persons in ES, SH and TH during the year (HMIS's annual
count; Measure 3.1, the point-in-time count, comes from the PIT count, not HMIS).

Active in the period (Glossary, active clients): ES entry/exit, SH and TH by project start
and exit (Method 1); ES night-by-night with a bed night in the period or an exit in it
(Method 2). Each person once per row; the first row counts each person once over all.
"""

from __future__ import annotations

import polars as pl

from sunflower.reports.engine import ReportContext, Table, question

from .common import CURRENT_COLUMNS, ES, SH, TH, active_in_period, measure_table, spm_enrollments

ROWS = [
    # HUD's kit prints the 3.2 unduplicated total under this label.
    ("Total PIT Count of sheltered and unsheltered persons", [*ES, SH, TH]),
    ("Emergency Shelter Total", ES),
    ("Safe Haven Total", [SH]),
    ("Transitional Housing Total", [TH]),
]


@question("spm_3", "spm")
def measure_3(ctx: ReportContext) -> Table:
    """Unduplicated persons in ES, SH and TH during the period, and by project type."""
    sheltered = active_in_period(
        ctx, spm_enrollments(ctx).filter(pl.col("ProjectType").is_in([*ES, SH, TH]))
    )
    counts = {(r, 1): pl.col("ProjectType").is_in(types) for r, (_, types) in enumerate(ROWS)}
    table = measure_table("spm_3", CURRENT_COLUMNS, [label for label, _ in ROWS], sheltered, counts)
    # A project type the CoC does not operate (Safe Havens, in most CoCs) is not applicable:
    # its row stays empty, as HUD's reference leaves it, rather than a count of 0.
    operated = set(spm_enrollments(ctx)["ProjectType"].unique().to_list()) | set(
        ctx.projects["ProjectType"].to_list()
    )
    for r, (_, types) in enumerate(ROWS):
        if not operated & set(types):
            table.set(r, 1, None)
    return table
