"""Measure 5: persons who become homeless for the first time.

* 5.1: persons with a project start in ES (entry/exit or night-by-night), SH or TH during
  the period; 5.2 adds PH. Each person's [client start date] is their earliest such start.
* The look-back: [client start date] minus 730 days (24 months), never before the
  look-back stop date. A person was "in ES, SH, TH or any PH within 24 months" when an
  enrollment in those project types started before the client start date and had not
  ended before the look-back date (an exit on that date counts); the others are
  experiencing homelessness for the first time.
"""

from __future__ import annotations

import polars as pl

from sunflower.reports.engine import ReportContext, Table, question

from .common import ES, PH, SH, TH, lookback_stop, measure_table, spm_enrollments

LOOKBACK_DAYS = 730
COLUMNS_5_1 = ["Previous FY", "Current FY 5.1", "Difference"]
COLUMNS_5_2 = ["Previous FY", "Current FY 5.2", "Difference"]
_PRIOR = (
    "Of persons above, count those who were in ES-EE, ES-NbN, SH, TH, or any PH within 24 "
    "months prior to their start during the reporting year."
)
_FIRST = (
    "Of persons above, count those who did not have entries in ES-EE, ES-NbN, SH, TH or PH "
    "in the previous 24 months. (i.e. number of persons experiencing homelessness for the "
    "first time)"
)
ROWS_5_1 = [
    "Universe: Person with entries into ES-EE, ES-NbN, SH, or TH during the reporting period.",
    _PRIOR,
    _FIRST,
]
ROWS_5_2 = [
    "Universe: Person with entries into ES-EE, ES-NbN, SH, TH, or PH during the reporting period.",
    _PRIOR,
    _FIRST,
]
LOOKBACK_TYPES = [*ES, SH, TH, *PH]


def first_time(ctx: ReportContext, types: list[int]) -> pl.DataFrame:
    """PersonalID, EnrollmentID (the client's first start in the period), client_start,
    lookback_date, seen_before (an enrollment in the 24 months before)."""
    params = ctx.params
    enrollments = spm_enrollments(ctx)
    starts = (
        enrollments.filter(
            pl.col("ProjectType").is_in(types)
            & pl.col("EntryDate").is_between(params.start, params.end)
        )
        .sort("PersonalID", "EntryDate", "EnrollmentID")
        .unique("PersonalID", keep="first", maintain_order=True)
        .select(
            "PersonalID",
            "EnrollmentID",
            client_start=pl.col("EntryDate"),
            lookback_date=pl.max_horizontal(
                pl.col("EntryDate").dt.offset_by(f"-{LOOKBACK_DAYS}d"),
                pl.lit(lookback_stop(ctx)),
            ),
        )
    )
    earlier = (
        starts.join(
            enrollments.filter(pl.col("ProjectType").is_in(LOOKBACK_TYPES)).select(
                "PersonalID", "EntryDate", "ExitDate"
            ),
            on="PersonalID",
            how="inner",
        )
        .filter(
            (pl.col("EntryDate") < pl.col("client_start"))
            & (pl.col("ExitDate").is_null() | (pl.col("ExitDate") >= pl.col("lookback_date")))
        )
        .select("PersonalID")
        .unique()
        .with_columns(seen_before=pl.lit(True))
    )
    return starts.join(earlier, on="PersonalID", how="left").with_columns(
        seen_before=pl.col("seen_before").fill_null(False)
    )


def _table(ctx: ReportContext, name: str, columns, rows, types) -> Table:
    frame = first_time(ctx, types)
    counts = {
        (0, 1): pl.lit(True),
        (1, 1): pl.col("seen_before"),
        (2, 1): ~pl.col("seen_before"),
    }
    return measure_table(name, columns, rows, frame, counts)


@question("spm_5.1", "spm")
def measure_5_1(ctx: ReportContext) -> Table:
    """First-time homeless among persons starting in ES, SH or TH in the period."""
    return _table(ctx, "spm_5.1", COLUMNS_5_1, ROWS_5_1, [*ES, SH, TH])


@question("spm_5.2", "spm")
def measure_5_2(ctx: ReportContext) -> Table:
    """First-time homeless among persons starting in ES, SH, TH or PH in the period."""
    return _table(ctx, "spm_5.2", COLUMNS_5_2, ROWS_5_2, [*ES, SH, TH, *PH])
