"""Measure 4: employment and income growth for adults in CoC Program-funded projects.

* Projects: a CoC Program funder (2.06: 2 PSH, 3 RRH, 4 SSO, 5 TH, 43 YHDP, 44 joint
  TH/RRH, 54 unsheltered and 55 rural special NOFOs) in force on some day of the period,
  and a project type of TH, SH or PH (HUD's reference code leaves out the other types).
* Stayers (4.1–4.3): adults (18 or older at the later of project start and report start)
  still enrolled at the report end who have been in the project 365 days or more; each
  person's latest such enrollment. Their income at the annual assessment (the latest
  record within 30 days of the household's most recent anniversary, by the report end, the
  engine's rule) is compared with the previous annual assessment, or, without one, the
  income at project start.
* Leavers (4.4–4.6): adults who exited a CoC-funded project in the period and are stayers
  in none; each person's latest enrollment; income at exit compared with income at start.
* A person is in the universe when a start (or previous annual) income record exists;
  one without a later record has no increase. Total monthly income is the engine's (the
  APR's): 4.02's total when positive, else the sum of the sources marked Yes; earned
  income is the earned amount; non-employment cash income the total minus the earned.
  "Increased": the later amount is greater.
"""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from sunflower.reports.engine import ReportContext, Table, question
from sunflower.reports.engine.annual import (
    ANNUAL_STAGE,
    latest_in_window,
    with_annual_due,
)
from sunflower.reports.engine.income import with_total_income

from .common import CURRENT_COLUMNS, PH, SH, TH, measure_table, percent, spm_enrollments

COC_FUNDERS = [2, 3, 4, 5, 43, 44, 54, 55]
PROJECT_TYPES = [TH, SH, *PH]
START_STAGE, EXIT_STAGE = 1, 3

STAYER_UNIVERSE = "Universe: Number of adults (system stayers)"
LEAVER_UNIVERSE = "Universe: Number of adults who exited (system leavers)"
# (question, stayers?, income column, its name in the row labels)
TABLES = [
    ("spm_4.1", True, "earned", "earned"),
    ("spm_4.2", True, "other", "non-employment cash"),
    ("spm_4.3", True, "total", "total"),
    ("spm_4.4", False, "earned", "earned"),
    ("spm_4.5", False, "other", "non-employment cash"),
    ("spm_4.6", False, "total", "total"),
]


def _coc_funded(ctx: ReportContext) -> pl.DataFrame:
    params = ctx.params
    funded = ctx.frames["Funder"].filter(
        pl.col("Funder").is_in(COC_FUNDERS)
        & (pl.col("StartDate").is_null() | (pl.col("StartDate") <= params.end))
        & (pl.col("EndDate").is_null() | (pl.col("EndDate") >= params.start))
    )
    return (
        spm_enrollments(ctx)
        .filter(pl.col("ProjectType").is_in(PROJECT_TYPES))
        .join(funded.select("ProjectID").unique(), on="ProjectID", how="semi")
        .filter(pl.col("ExitDate").is_null() | (pl.col("ExitDate") >= params.start))
    )


def _amounts(records: pl.DataFrame) -> pl.DataFrame:
    """IncomeBenefits records with ``earned``, ``total`` (the engine's monthly income rule,
    as in the APR) and ``other`` = total - earned, the non-employment cash income."""
    return with_total_income(records).with_columns(
        earned=pl.col("earned_income"),
        total=pl.col("total_income"),
        other=pl.col("total_income") - pl.col("earned_income"),
    )


def _records(ctx: ReportContext, stage: int) -> pl.DataFrame:
    return ctx.frames["IncomeBenefits"].filter(
        (pl.col("DataCollectionStage") == stage) & (pl.col("InformationDate") <= ctx.params.end)
    )


def _on_date(frame: pl.DataFrame, records: pl.DataFrame, date_column: str) -> pl.DataFrame:
    """Each enrollment's record dated on ``date_column`` (the latest updated of several)."""
    return (
        frame.select("EnrollmentID", date_column)
        .join(records, on="EnrollmentID", how="inner")
        .filter(pl.col("InformationDate") == pl.col(date_column))
        .sort("DateUpdated", descending=True, nulls_last=True, maintain_order=True)
        .unique("EnrollmentID", keep="first", maintain_order=True)
        .drop(date_column)
    )


def stayers(ctx: ReportContext) -> pl.DataFrame:
    end = ctx.params.end
    frame = (
        _coc_funded(ctx)
        .filter(
            pl.col("ExitDate").is_null()
            & (pl.col("EntryDate") <= end - timedelta(days=365))
            & (pl.col("age") >= 18)
        )
        .sort(["PersonalID", "EntryDate", "EnrollmentID"], descending=[False, True, False])
        .unique("PersonalID", keep="first", maintain_order=True)
    )
    frame = with_annual_due(ctx, frame)
    annuals = _records(ctx, ANNUAL_STAGE)
    later = latest_in_window(frame, annuals, end)
    # The previous anniversary's assessment, when the household had one.
    previous_due = (
        frame.select("EnrollmentID", annual_due=pl.col("annual_due").dt.offset_by("-1y"))
        .join(frame.select("EnrollmentID", "EntryDate"), on="EnrollmentID")
        .filter(pl.col("annual_due") > pl.col("EntryDate"))
    )
    previous = latest_in_window(previous_due.drop("EntryDate"), annuals, end)
    at_start = _on_date(frame, _records(ctx, START_STAGE), "EntryDate")
    earlier = pl.concat(
        [previous.select(at_start.columns), at_start.join(previous, on="EnrollmentID", how="anti")]
    )
    return _compared(frame, earlier, later)


def leavers(ctx: ReportContext) -> pl.DataFrame:
    params = ctx.params
    funded = _coc_funded(ctx)
    staying = funded.filter(pl.col("ExitDate").is_null()).select("PersonalID")
    frame = (
        funded.join(staying, on="PersonalID", how="anti")
        .filter(pl.col("ExitDate").is_between(params.start, params.end))
        .sort(["PersonalID", "EntryDate", "EnrollmentID"], descending=[False, True, False])
        .unique("PersonalID", keep="first", maintain_order=True)
        .filter(pl.col("age") >= 18)
    )
    at_start = _on_date(frame, _records(ctx, START_STAGE), "EntryDate")
    at_exit = _on_date(frame, _records(ctx, EXIT_STAGE), "ExitDate")
    return _compared(frame, at_start, at_exit)


def _compared(frame: pl.DataFrame, earlier: pl.DataFrame, later: pl.DataFrame) -> pl.DataFrame:
    """PersonalID, EnrollmentID and, per income column, whether it increased."""
    columns = ["earned", "other", "total"]
    earlier = _amounts(earlier).select(
        "EnrollmentID", *[pl.col(c).alias(f"s_{c}") for c in columns]
    )
    later = _amounts(later).select("EnrollmentID", *[pl.col(c).alias(f"e_{c}") for c in columns])
    return (
        frame.select("PersonalID", "EnrollmentID")
        .join(earlier, on="EnrollmentID", how="inner")
        .join(later, on="EnrollmentID", how="left")
        .with_columns(
            **{
                f"increased_{c}": (pl.col(f"e_{c}") > pl.col(f"s_{c}")).fill_null(False)
                for c in columns
            }
        )
    )


def _table(ctx: ReportContext, name: str, stayer: bool, column: str, label: str) -> Table:
    frame = ctx.memo(
        ("spm4", stayer), lambda: stayers(ctx) if stayer else leavers(ctx), shared=True
    )
    rows = [
        STAYER_UNIVERSE if stayer else LEAVER_UNIVERSE,
        f"Number of adults {'' if stayer else 'who exited '}with increased {label} income",
        f"Percentage of adults who increased {label} income",
    ]
    counts = {(0, 1): pl.lit(True), (1, 1): pl.col(f"increased_{column}")}
    table = measure_table(name, CURRENT_COLUMNS, rows, frame, counts)
    table.set(2, 1, percent(table.values[1][1], table.values[0][1]), kind="average")
    return table


def _register(name: str, stayer: bool, column: str, label: str):
    def measure(ctx: ReportContext) -> Table:
        return _table(ctx, name, stayer, column, label)

    who = "stayers" if stayer else "leavers"
    measure.__name__ = f"measure_{name.removeprefix('spm_').replace('.', '_')}"
    measure.__doc__ = f"Adult system {who} of CoC-funded projects whose {label} income grew."
    return question(name, "spm")(measure)


measure_4_1, measure_4_2, measure_4_3, measure_4_4, measure_4_5, measure_4_6 = (
    _register(*spec) for spec in TABLES
)
