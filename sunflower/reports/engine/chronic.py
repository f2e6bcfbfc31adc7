"""Chronically homeless at project start (HMIS Reporting Glossary, "Chronic Homelessness
Status": "Disabling Condition", "CH at Project Start" and its flowchart, "CH at Project
Start Because of Other Household Members").

A person's own status, row by row of the Glossary's flowchart:

* row 1: 3.08 Disabling Condition, or a 4.05–4.10 record of project start (stage 1) that
  counts as a disabling condition (Glossary, "Disabling Condition": 4.06 / 4.08 Yes, or
  4.05 / 4.07 / 4.09 Yes and 4.10 alcohol, drug or both, with Dependent Field A "Yes",
  i.e. IndefiniteAndImpairs = 1). Otherwise 3.08 No / 8, 9 / 99 or blank stop as No /
  DK/PNTA / missing.
* rows 3–6: project types 0, 1, 4 and 8 go straight to the length of homelessness;
  rows 9–26: other project types by 3.917.1 (blank: missing; 100–199 straight on; any
  other value through 3.917.2A, then 3.917.2C, where 0 is No and a blank missing).
* length of homelessness: 3.917.3 "<= [project start date] - 365 days" is Yes; else 3.917.4
  (4+: go on; 1–3: No; 8/9: DK/PNTA; 99/blank: missing), then 3.917.5 (12+ months: Yes;
  1–11: No; 8/9: DK/PNTA; 99/blank: missing).

Household rule, among the members present on the household's first entry date: if anyone
is chronic, all are; "In cases where the head of household as well as all other adult
household members have an indeterminate CH status (don't know, prefers not to answer,
missing), any child household members should carry the same CH status as the head of
household." Adults and heads of household keep their own status ("All adults and heads of
household have a CH status at project start using their own data"). Where the Glossary is
silent, as HUD's reference code: a child of a household whose best adult status is No is
No, and a member of unknown age is treated as the children are.
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


def individual_status(
    enrollments: pl.DataFrame, disabilities: pl.DataFrame, carry: tuple[str, ...] = ()
) -> pl.LazyFrame:
    """EnrollmentID -> own chronic status at entry, ``chronic_own`` (lazy: polars then reads
    only the five Disabilities columns the rule needs), with the enrollments' ``carry``
    columns kept beside it."""
    kind, response = pl.col("DisabilityType"), pl.col("DisabilityResponse")
    long_duration = (
        disabilities.lazy()
        .filter(
            (pl.col("DataCollectionStage") == 1)
            & (
                (kind.is_in([6, 8]) & (response == 1))
                | (
                    (pl.col("IndefiniteAndImpairs") == 1)
                    & (
                        (kind.is_in([5, 7, 9]) & (response == 1))
                        | ((kind == 10) & response.is_in([1, 2, 3]))
                    )
                )
            )
        )
        .select("EnrollmentID")
        .collect()
        .get_column("EnrollmentID")
        .implode()
    )
    rule_columns = [
        "DisablingCondition",
        "ProjectType",
        "EntryDate",
        "LivingSituation",
        "LOSUnderThreshold",
        "PreviousStreetESSH",
        "DateToStreetESSH",
        "TimesHomelessPastThreeYears",
        "MonthsHomelessPastThreeYears",
    ]
    frame = enrollments.lazy().select(
        "EnrollmentID", *[c for c in carry if c not in rule_columns], *rule_columns
    )
    disabled = _yes_no(
        (pl.col("DisablingCondition") == 1)
        | pl.col("EnrollmentID").is_in(long_duration).fill_null(False),
        pl.col("DisablingCondition") == 0,
        pl.col("DisablingCondition").is_in([8, 9]),
    )
    start = pl.col("DateToStreetESSH")
    entry = pl.col("EntryDate")
    # Glossary flowchart rows 4, 10, 17, 24: "<= [project start date] (3.10) - 365 days".
    year_prior = start.is_not_null() & (start <= entry - pl.duration(days=365))
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
    ).select("EnrollmentID", *carry, status.alias("chronic_own"))


def chronic_at_entry(ctx) -> pl.DataFrame:
    """EnrollmentID -> ``chronic`` (Y / N / dk_pnta / missing) for the report's enrollments."""
    members = (
        individual_status(
            ctx.enrollments,
            ctx.frames["Disabilities"],
            carry=("HouseholdID", "EntryDate", "RelationshipToHoH", "age_group"),
        )
        .collect()
        .with_columns(rank=pl.col("chronic_own").replace_strict(_RANK, return_dtype=pl.Int64))
    )
    # The household rule applies to the members present on the household's first entry
    # date; each household's ranks are window aggregates over those members only.
    household = "HouseholdID"
    at_first = (pl.col("EntryDate") == pl.col("EntryDate").min().over(household)).fill_null(False)
    hoh = pl.col("RelationshipToHoH") == 1
    adult_or_hoh = hoh | (pl.col("age_group") == "adult")
    rank = pl.col("rank")
    members = members.with_columns(at_first=at_first).with_columns(
        household_min=rank.filter(pl.col("at_first")).min().over(household),
        hoh_rank=rank.filter(pl.col("at_first") & hoh).min().over(household),
        adult_rank=rank.filter(pl.col("at_first") & adult_or_hoh).min().over(household),
    )
    household_rank = (
        pl.when(pl.col("household_min") == 1)
        .then(1)
        .when((pl.col("adult_rank") == 2) & (pl.col("age_group") == "child"))
        .then(2)
        .when(
            pl.col("adult_rank").is_in([3, 4])
            & pl.col("hoh_rank").is_not_null()
            & ~adult_or_hoh.fill_null(False)
        )
        .then(pl.col("hoh_rank"))
        .otherwise(rank)
    )
    return members.select(
        "EnrollmentID",
        pl.coalesce(pl.when(pl.col("at_first")).then(household_rank), rank)
        .replace_strict(_LABEL, return_dtype=pl.String)
        .alias("chronic"),
    )
