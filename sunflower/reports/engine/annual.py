"""The annual assessment (HMIS Reporting Glossary, "Annual Assessment"), written once for the
data-quality question Q6c and the income, benefit and insurance questions (Q16–Q21, Q27).

* ``annual_assessment_due``: per household, ``annual_due``, the anniversary of the head of
  household's project start most recently reached by the report end (none while the
  household has not been in the project a year: no annual assessment is required).
* ``with_annual_due``: per household member, the household's ``annual_due``, or none for a
  member who joined after that anniversary.
* ``latest_in_window``: per enrollment, the latest record (DataCollectionStage 5) dated
  within 30 days of its ``annual_due`` and not after the report end (Glossary, "Annual
  Assessment", 6: "dated on or between: a. 30 days prior to the [anniversary date] ... b.
  and the lesser of (30 days after the [anniversary date], [report end date])" and 8:
  "Exclude any data with an [information date] > [report end date]"). Every question that
  reads the annual assessment (Q6c, Q16–Q21, Q27) uses this one rule.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from .universe import ReportContext, full_years

ANNUAL_STAGE = 5
ANNUAL_WINDOW_DAYS = 30


def annual_assessment_due(ctx: ReportContext) -> pl.DataFrame:
    """HouseholdID -> ``annual_due``, for households in the project a year or more."""

    def build() -> pl.DataFrame:
        hoh_start = (
            ctx.frames["Enrollment"]
            .select("HouseholdID", "EntryDate", "RelationshipToHoH")
            .filter(pl.col("RelationshipToHoH") == 1)
            .group_by("HouseholdID")
            .agg(hoh_start=pl.col("EntryDate").max())
        )
        years = full_years(pl.col("hoh_start"), pl.lit(ctx.params.end))
        households = hoh_start.with_columns(years_in_project=years).filter(
            pl.col("years_in_project") > 0
        )
        # The anniversary: the start moved on by the whole years, one offset per distinct
        # number of years (a calendar offset, so 29 February falls on 28 February), rather
        # than an offset parsed from text on every row.
        annual_due = pl.lit(None, pl.Date)
        for count in households["years_in_project"].unique().sort():
            annual_due = (
                pl.when(pl.col("years_in_project") == count)
                .then(pl.col("hoh_start").dt.offset_by(f"{count}y"))
                .otherwise(annual_due)
            )
        return households.select("HouseholdID", annual_due=annual_due)

    return ctx.memo("annual_due", build, shared=True)


def with_annual_due(ctx: ReportContext, members: pl.DataFrame) -> pl.DataFrame:
    """``members`` (HouseholdID, EntryDate, ...) with ``annual_due``: the household's, except
    for a member who joined after that anniversary (Glossary, "Annual Assessment", 7: "If the
    household member's [project start date] is > [anniversary date] (i.e., the person entered
    the household after the annual assessment may have been collected), that person is not
    yet required to have an annual assessment")."""
    due = pl.col("annual_due")
    return members.join(annual_assessment_due(ctx), on="HouseholdID", how="left").with_columns(
        annual_due=pl.when(pl.col("EntryDate") <= due).then(due)
    )


def latest_in_window(due: pl.DataFrame, records: pl.DataFrame, report_end: date) -> pl.DataFrame:
    """One row per EnrollmentID of ``due`` (EnrollmentID, annual_due) that has an annual
    assessment record: the latest of ``records`` (EnrollmentID, InformationDate, …; stage 5
    only) within 30 days of ``annual_due`` and dated on or before ``report_end``. Ties on
    the date go to the earlier row of ``records``."""
    distance = (pl.col("InformationDate") - pl.col("annual_due")).dt.total_days()
    in_window = (distance.abs() <= ANNUAL_WINDOW_DAYS) & (pl.col("InformationDate") <= report_end)
    return (
        due.select("EnrollmentID", "annual_due")
        .filter(pl.col("annual_due").is_not_null())
        .join(records, on="EnrollmentID", how="inner")
        .filter(in_window)
        .sort("InformationDate", descending=True, maintain_order=True)
        .unique("EnrollmentID", keep="first", maintain_order=True)
        .drop("annual_due")
    )
