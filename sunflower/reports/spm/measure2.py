"""Measure 2: the extent to which persons who exit homelessness to permanent housing
destinations return to homelessness within 6, 12 and 24 months.

* The exits: each client's earliest exit to a permanent destination (3.12, HUD's
  "Permanent" group) from SO, ES, TH, SH or PH dated in the 730 days before the period
  (from the report start minus 730 days to the report end minus 730 days); of two exits on
  one day, the stay that started earlier.
* The return: the client's first project start in SO, ES, TH, SH or PH on or after that
  exit date and within 730 days of it. A start in PH is a return only when it is more than
  14 days after that exit and more than 14 days after the exit from any other PH stay of
  the client (a move from one PH project to another is not a return).
* Days to return = project start - exit date: 0–180, 181–365, 366–730.
"""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from sunflower.reports.engine import ReportContext, Table, question
from sunflower.reports.engine.destinations import destination_group

from .common import ES, PH, SH, SO, TH, measure_table, percent, spm_enrollments

LOOKBACK_DAYS = 730
TRANSFER_DAYS = 14

COLUMNS = [
    "Total Number of Persons who Exited to a Permanent Housing Destination (2 Years Prior)",
    "Number Returning to Homelessness in Less than 6 Months (0 - 180 days)",
    "Percentage of Returns in Less than 6 Months (0 - 180 days)",
    "Number Returning to Homelessness from 6 to 12 Months (181 - 365 days)",
    "Percentage of Returns from 6 to 12 Months (181 - 365 days)",
    "Number Returning to Homelessness from 13 to 24 Months (366 - 730 days)",
    "Percentage of Returns from 13 to 24 Months (366 - 730 days)",
    "Number of Returns in 2 Years",
    "Percentage of Returns in 2 Years",
]
# (row label, project types of the exit)
ROWS = [
    ("Exit was from SO", [SO]),
    ("Exit was from ES", ES),
    ("Exit was from TH", [TH]),
    ("Exit was from SH", [SH]),
    ("Exit was from PH", PH),
    ("Total Returns to Homelessness", [SO, *ES, TH, SH, *PH]),
]
# (count column, percentage column, lowest day, highest day)
BANDS = [(1, 2, 0, 180), (3, 4, 181, 365), (5, 6, 366, 730), (7, 8, 0, 730)]
TYPES = [SO, *ES, TH, SH, *PH]


def returns(ctx: ReportContext) -> pl.DataFrame:
    """One row per client exiting to permanent housing in the look-back window:
    PersonalID, EnrollmentID, ProjectType (of the exit), ExitDate, days_to_return (null
    when the client did not return)."""
    params = ctx.params
    window = (
        params.start - timedelta(days=LOOKBACK_DAYS),
        params.end - timedelta(days=LOOKBACK_DAYS),
    )
    stays = spm_enrollments(ctx).filter(pl.col("ProjectType").is_in(TYPES))
    exits = (
        stays.filter(pl.col("ExitDate").is_between(*window) & (destination_group() == "Permanent"))
        .sort("PersonalID", "ExitDate", "EntryDate", "EnrollmentID")
        .unique("PersonalID", keep="first", maintain_order=True)
        .select("PersonalID", "EnrollmentID", "ProjectType", "ExitDate")
    )
    ph = pl.col("ProjectType").is_in(PH)
    later = stays.join(exits.select("PersonalID"), on="PersonalID", how="semi").select(
        "PersonalID", r_id="EnrollmentID", r_entry="EntryDate", r_ph=ph
    )
    # PH starts within 14 days after another PH exit of the client: transfers.
    ph_exits = stays.filter(ph & pl.col("ExitDate").is_not_null()).select(
        "PersonalID", other_id="EnrollmentID", other_exit="ExitDate"
    )
    transfers = (
        later.filter(pl.col("r_ph"))
        .join(ph_exits, on="PersonalID", how="inner")
        .filter(
            (pl.col("other_id") != pl.col("r_id"))
            & (pl.col("r_entry") >= pl.col("other_exit"))
            & (pl.col("r_entry") <= pl.col("other_exit").dt.offset_by(f"{TRANSFER_DAYS}d"))
        )
        .select("r_id")
        .unique()
    )
    days = (pl.col("r_entry") - pl.col("ExitDate")).dt.total_days()
    first_return = (
        exits.join(later, on="PersonalID", how="inner")
        .join(transfers, on="r_id", how="anti")
        .filter(
            (pl.col("r_id") != pl.col("EnrollmentID"))
            & (days >= 0)
            & (days <= LOOKBACK_DAYS)
            & (~pl.col("r_ph") | (days > TRANSFER_DAYS))
        )
        .group_by("PersonalID")
        .agg(days_to_return=days.min())
    )
    return exits.join(first_return, on="PersonalID", how="left")


@question("spm_2", "spm")
def measure_2(ctx: ReportContext) -> Table:
    """Returns to homelessness within 6, 12 and 24 months of an exit to permanent housing
    in the two years before the period, by the project type exited."""
    frame = returns(ctx)
    days = pl.col("days_to_return")
    counts = {}
    for r, (_, types) in enumerate(ROWS):
        of_row = pl.col("ProjectType").is_in(types)
        counts[(r, 0)] = of_row
        for c, _, low, high in BANDS:
            counts[(r, c)] = of_row & days.is_between(low, high)
    table = measure_table("spm_2", COLUMNS, [label for label, _ in ROWS], frame, counts)
    for r in range(len(ROWS)):
        total = table.values[r][0]
        for c, pc, _, _ in BANDS:
            table.set(r, pc, percent(table.values[r][c], total), kind="average")
    return table
