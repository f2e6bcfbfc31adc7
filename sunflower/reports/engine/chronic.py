"""Chronically homeless at project start (HUD HMIS Glossary / APR programming specs,
"Chronic homelessness at project start").

A person's own status comes from 3.08 Disabling Condition (or a 4.05–4.10 disability of long
duration recorded at entry) and 3.917 Prior Living Situation: time on the street / in
shelter since ``DateToStreetESSH`` of a year or more, or four or more occasions totalling
twelve or more months in three years. For residential projects other than ES, SH and SO the
prior-living-situation gate applies first (institutional and other stays count only when
under the threshold and preceded by literal homelessness).

Household rule: among members who entered on the household's first entry date, if anyone is
chronic, all are; a child takes the adults' / HoH's "No"; an adult or HoH whose status is
unknown takes the HoH's.
"""

from __future__ import annotations

import polars as pl

YES = "Y"
NO = "N"
DK_PNTA = "dk_pnta"
MISSING = "missing"

_RANK = {YES: 1, NO: 2, DK_PNTA: 3, MISSING: 4}
_LABEL = {rank: label for label, rank in _RANK.items()}


def _yes_no(expr_yes, expr_no, dk) -> pl.Expr:
    return (
        pl.when(expr_yes)
        .then(pl.lit(YES))
        .when(expr_no)
        .then(pl.lit(NO))
        .when(dk)
        .then(pl.lit(DK_PNTA))
        .otherwise(pl.lit(MISSING))
    )


def individual_status(enrollments: pl.DataFrame, disabilities: pl.DataFrame) -> pl.DataFrame:
    """EnrollmentID -> own chronic status at entry."""
    long_duration = (
        disabilities.filter(
            (pl.col("DataCollectionStage") == 1)
            & (pl.col("DisabilityResponse") != 0)
            & (pl.col("DisabilityType").is_in([6, 8]) | (pl.col("IndefiniteAndImpairs") == 1))
        )
        .select("EnrollmentID")
        .unique()
        .with_columns(has_disability=pl.lit(True))
    )
    frame = enrollments.select(
        "EnrollmentID",
        "DisablingCondition",
        "ProjectType",
        "EntryDate",
        "LivingSituation",
        "LOSUnderThreshold",
        "PreviousStreetESSH",
        "DateToStreetESSH",
        "TimesHomelessPastThreeYears",
        "MonthsHomelessPastThreeYears",
    ).join(long_duration, on="EnrollmentID", how="left")
    disabled = _yes_no(
        (pl.col("DisablingCondition") == 1) | pl.col("has_disability").fill_null(False),
        pl.col("DisablingCondition") == 0,
        pl.col("DisablingCondition").is_in([8, 9]),
    )
    start = pl.col("DateToStreetESSH")
    entry = pl.col("EntryDate")
    # A full year between the start of homelessness and entry.
    year_prior = start.is_not_null() & (start.dt.offset_by("1y") <= entry)
    four_times = _yes_no(
        pl.col("TimesHomelessPastThreeYears") == 4,
        pl.col("TimesHomelessPastThreeYears").is_in([1, 2, 3]),
        pl.col("TimesHomelessPastThreeYears").is_in([8, 9]),
    )
    twelve_months = _yes_no(
        pl.col("MonthsHomelessPastThreeYears") >= 112,
        pl.col("MonthsHomelessPastThreeYears").is_between(101, 111),
        pl.col("MonthsHomelessPastThreeYears").is_in([8, 9]),
    )
    duration = (
        pl.when(year_prior)
        .then(pl.lit(YES))
        .when(pl.col("four_times") != YES)
        .then(pl.col("four_times"))
        .otherwise(pl.col("twelve_months"))
    )
    living = pl.col("LivingSituation")
    status = (
        pl.when(pl.col("disabled") != YES)
        .then(pl.col("disabled"))
        .when(pl.col("ProjectType").is_in([0, 1, 4, 8]))
        .then(duration)
        .when(living.is_null())
        .then(pl.lit(MISSING))
        .when(living.is_between(100, 199))
        .then(duration)
        .when(pl.col("LOSUnderThreshold").is_null())
        .then(pl.lit(MISSING))
        .when(pl.col("LOSUnderThreshold") == 0)
        .then(pl.lit(NO))
        .when(pl.col("PreviousStreetESSH").is_null())
        .then(pl.lit(MISSING))
        .when(pl.col("PreviousStreetESSH") == 0)
        .then(pl.lit(NO))
        .otherwise(duration)
    )
    return frame.with_columns(
        disabled=disabled, four_times=four_times, twelve_months=twelve_months
    ).select("EnrollmentID", status.alias("chronic_own"))


def chronic_at_entry(ctx, served: pl.DataFrame) -> pl.DataFrame:
    """EnrollmentID -> ``chronic`` (Y / N / dk_pnta / missing) for the report's enrollments."""
    enrollments = ctx.enrollments
    own = individual_status(enrollments, ctx.frames["Disabilities"])
    members = (
        enrollments.select(
            "EnrollmentID", "HouseholdID", "EntryDate", "RelationshipToHoH", "age_group"
        )
        .join(own, on="EnrollmentID", how="left")
        .with_columns(rank=pl.col("chronic_own").replace_strict(_RANK, return_dtype=pl.Int64))
    )
    first = pl.col("EntryDate") == pl.col("EntryDate").min().over("HouseholdID")
    at_first = members.filter(first)
    hoh = pl.col("RelationshipToHoH") == 1
    adult_or_hoh = hoh | (pl.col("age_group") == "adult")
    at_first = at_first.with_columns(
        household_min=pl.col("rank").min().over("HouseholdID"),
        hoh_rank=pl.col("rank").filter(hoh).min().over("HouseholdID"),
        adult_rank=pl.col("rank").filter(adult_or_hoh).min().over("HouseholdID"),
    ).with_columns(
        rank=pl.when(pl.col("household_min") == 1)
        .then(1)
        .when((pl.col("adult_rank") == 2) & (pl.col("age_group") == "child"))
        .then(2)
        .when(pl.col("adult_rank").is_in([3, 4]) & pl.col("hoh_rank").is_not_null())
        .then(pl.col("hoh_rank"))
        .otherwise(pl.col("rank"))
    )
    ranks = members.select("EnrollmentID", "rank").join(
        at_first.select("EnrollmentID", pl.col("rank").alias("household_rank")),
        on="EnrollmentID",
        how="left",
    )
    return ranks.select(
        "EnrollmentID",
        pl.coalesce("household_rank", "rank")
        .replace_strict(_LABEL, return_dtype=pl.String)
        .alias("chronic"),
    )
