"""APR Q24b–Q26e: moving-on assistance, sex, veterans and chronically homeless persons.

The CAPER has Q24e, Q25a and Q26b with the same tables; the other questions are APR-only.
The conditions of Q26e and their collection points come from ``engine.disabilities``, the
age bands of Q25d / Q26d from ``engine.universe``.
"""

from __future__ import annotations

import polars as pl

from sunflower.reports.engine import HOUSEHOLD_COLUMNS, ReportContext, Table, count_grid, question
from sunflower.reports.engine.chronic import DK_PNTA as CHRONIC_DK_PNTA
from sunflower.reports.engine.chronic import NO, YES
from sunflower.reports.engine.disabilities import CONDITION_ROWS, condition_records
from sunflower.reports.engine.labels import (
    DK_PNTA,
    DK_PNTA_SENTENCE,
    NOT_COLLECTED,
    NOT_COLLECTED_LOWER,
)
from sunflower.reports.engine.table import VETERAN_COLUMNS
from sunflower.reports.engine.universe import AGE_BANDS, CHILDREN_ONLY

APR_AND_CAPER = ("apr", "caper")


def _category_rows(categories: list[str], column: str) -> list[tuple[str, pl.Expr]]:
    """One row per category of ``column`` plus HUD's Total row."""
    return [(label, pl.col(column) == label) for label in categories] + [
        ("Total", pl.col(column).is_in(categories))
    ]


# --- Q24b ----------------------------------------------------------------------------------
# C2 Moving On Assistance (Services RecordType 300), TypeProvided 1-5.
MOVING_ON_ASSISTANCE = {
    1: "Subsidized housing application assistance",
    2: "Financial assistance for Moving On (e g , security deposit, moving expenses)",
    3: "Non-financial assistance for Moving On (e g , housing navigation, transition support)",
    4: "Housing referral/placement",
    5: "Other (please specify)",
}
MOVING_ON_RECORD_TYPE = 300


@question("Q24b", "apr")
def q24b(ctx: ReportContext) -> Table:
    """Heads of household in PSH with a Moving On Assistance service dated in the report
    period, by type of assistance (a household counts once in each type it received)."""
    start, end = ctx.params.start, ctx.params.end
    services = (
        ctx.frames["Services"]
        .filter(
            (pl.col("RecordType") == MOVING_ON_RECORD_TYPE)
            & pl.col("DateProvided").is_between(start, end)
        )
        .select("EnrollmentID", "TypeProvided")
        .unique()
    )
    heads = ctx.served.lazy().filter(pl.col("is_hoh") & (pl.col("ProjectType") == 3))
    assisted = heads.join(services.lazy(), on="EnrollmentID", how="inner")
    rows = [(label, pl.col("TypeProvided") == code) for code, label in MOVING_ON_ASSISTANCE.items()]
    return count_grid("Q24b", assisted, rows, HOUSEHOLD_COLUMNS)


# --- Q24e ----------------------------------------------------------------------------------
@question("Q24e", *APR_AND_CAPER)
def q24e(ctx: ReportContext) -> Table:
    """3.06 Sex of everyone served (0 Female, 1 Male, 8/9 DK/PNTA, 99 or blank not
    collected)."""
    sex = pl.col("Sex")
    rows = [
        ("Female", sex == 0),
        ("Male", sex == 1),
        (DK_PNTA_SENTENCE, sex.is_in([8, 9])),
        (NOT_COLLECTED_LOWER, sex.is_null() | ~sex.is_in([0, 1, 8, 9])),
        ("Total", pl.lit(True)),
    ]
    return count_grid("Q24e", ctx.served, rows, HOUSEHOLD_COLUMNS)


# --- Q25a / Q25b ---------------------------------------------------------------------------
CH_VETERAN = "Chronically Homeless Veteran"
NON_CH_VETERAN = "Non-Chronically Homeless Veteran"
NOT_VETERAN = "Not a Veteran"
VETERAN_CATEGORIES = [
    CH_VETERAN,
    NON_CH_VETERAN,
    NOT_VETERAN,
    DK_PNTA_SENTENCE,
    NOT_COLLECTED_LOWER,
]


def _adult_veteran_category(served: pl.DataFrame) -> pl.LazyFrame:
    """Adults served with their Q25a category (3.07 Veteran Status and chronic status);
    lazy, so that only the columns a question reads are filtered."""
    veteran_status = pl.col("VeteranStatus")
    category = (
        pl.when((veteran_status == 1) & (pl.col("chronic") == YES))
        .then(pl.lit(CH_VETERAN))
        .when(veteran_status == 1)
        .then(pl.lit(NON_CH_VETERAN))
        .when(veteran_status == 0)
        .then(pl.lit(NOT_VETERAN))
        .when(veteran_status.is_in([8, 9]))
        .then(pl.lit(DK_PNTA_SENTENCE))
        .otherwise(pl.lit(NOT_COLLECTED_LOWER))
    )
    return served.lazy().filter(pl.col("is_adult")).with_columns(veteran_category=category)


@question("Q25a", *APR_AND_CAPER)
def q25a(ctx: ReportContext) -> Table:
    """Adults by veteran and chronic status."""
    adults = _adult_veteran_category(ctx.served)
    return count_grid(
        "Q25a", adults, _category_rows(VETERAN_CATEGORIES, "veteran_category"), VETERAN_COLUMNS
    )


@question("Q25b", "apr")
def q25b(ctx: ReportContext) -> Table:
    """Households (counted by their head) by the veteran status of their adults: the first
    category, in the table's order, that any adult of the household has."""
    adults = _adult_veteran_category(ctx.served)
    rank = {label: i for i, label in enumerate(VETERAN_CATEGORIES)}
    household_rank = adults.group_by("HouseholdID").agg(
        household_rank=pl.col("veteran_category").replace_strict(rank, return_dtype=pl.Int64).min()
    )
    heads = (
        ctx.served.lazy()
        .filter(pl.col("is_hoh") & (pl.col("household_type") != CHILDREN_ONLY))
        .join(household_rank, on="HouseholdID", how="left")
        .with_columns(
            # A household with no adult in the report has no veteran data.
            veteran_category=pl.col("household_rank")
            .fill_null(rank[NOT_COLLECTED_LOWER])
            .replace_strict({i: label for label, i in rank.items()}, return_dtype=pl.String)
        )
    )
    return count_grid(
        "Q25b", heads, _category_rows(VETERAN_CATEGORIES, "veteran_category"), VETERAN_COLUMNS
    )


# --- Q25d / Q26d ---------------------------------------------------------------------------
# Q11's bands (``detailed_age_group``) from 18 up, and the unknown ages.
ADULT_AGE_BANDS = [label for low, _, label in AGE_BANDS if low >= 18] + [
    DK_PNTA,
    NOT_COLLECTED,
]
CHILD_AGE_BANDS = [label for low, _, label in AGE_BANDS if low < 18]


def _adult_age_rows() -> list[tuple[str, pl.Expr]]:
    return [(band, pl.col("detailed_age_group") == band) for band in ADULT_AGE_BANDS]


@question("Q25d", "apr")
def q25d(ctx: ReportContext) -> Table:
    """Age of veterans (Q11's age bands for adults)."""
    veterans = ctx.served.lazy().filter(pl.col("veteran"))
    # Veterans are never children (3.07 is not asked of them), so the bands cover everyone.
    rows = _adult_age_rows() + [("Total", pl.lit(True))]
    return count_grid("Q25d", veterans, rows, VETERAN_COLUMNS)


@question("Q26d", "apr")
def q26d(ctx: ReportContext) -> Table:
    """Age of chronically homeless persons; children in one band."""
    chronic = ctx.served.lazy().filter(pl.col("chronic") == YES)
    rows = [("0 - 17", pl.col("detailed_age_group").is_in(CHILD_AGE_BANDS))]
    rows += _adult_age_rows()
    rows.append(("Total", pl.lit(True)))
    return count_grid("Q26d", chronic, rows, HOUSEHOLD_COLUMNS)


# --- Q26a / Q26b ---------------------------------------------------------------------------
CHRONIC = "Chronically Homeless"
NOT_CHRONIC = "Not Chronically Homeless"
CHRONIC_CATEGORIES = [CHRONIC, NOT_CHRONIC, DK_PNTA_SENTENCE, NOT_COLLECTED_LOWER]


def _chronic_category() -> pl.Expr:
    status = pl.col("chronic")
    return (
        pl.when(status == YES)
        .then(pl.lit(CHRONIC))
        .when(status == NO)
        .then(pl.lit(NOT_CHRONIC))
        .when(status == CHRONIC_DK_PNTA)
        .then(pl.lit(DK_PNTA_SENTENCE))
        .otherwise(pl.lit(NOT_COLLECTED_LOWER))
    )


@question("Q26a", "apr")
def q26a(ctx: ReportContext) -> Table:
    """Households (counted by their head) by chronic status: chronic if any adult or head
    is; otherwise DK/PNTA, then not collected, before "not chronic"."""
    members = (
        ctx.served.lazy()
        .filter(pl.col("adult_or_hoh"))
        .with_columns(chronic_category=_chronic_category())
    )
    # Precedence among the household's adults and head.
    precedence = {CHRONIC: 0, DK_PNTA_SENTENCE: 1, NOT_COLLECTED_LOWER: 2, NOT_CHRONIC: 3}
    household = members.group_by("HouseholdID").agg(
        household_precedence=pl.col("chronic_category")
        .replace_strict(precedence, return_dtype=pl.Int64)
        .min()
    )
    heads = (
        members.filter(pl.col("is_hoh"))
        .join(household, on="HouseholdID", how="left")
        .with_columns(
            chronic_category=pl.col("household_precedence").replace_strict(
                {i: label for label, i in precedence.items()}, return_dtype=pl.String
            )
        )
    )
    return count_grid(
        "Q26a", heads, _category_rows(CHRONIC_CATEGORIES, "chronic_category"), HOUSEHOLD_COLUMNS
    )


@question("Q26b", *APR_AND_CAPER)
def q26b(ctx: ReportContext) -> Table:
    """Everyone served by chronic status at project start."""
    persons = ctx.served.with_columns(chronic_category=_chronic_category())
    return count_grid(
        "Q26b",
        persons,
        _category_rows(CHRONIC_CATEGORIES, "chronic_category"),
        HOUSEHOLD_COLUMNS,
    )


# --- Q26e ----------------------------------------------------------------------------------
AT_START = "Conditions At Start"
AT_LATEST = "Conditions At Latest Assessment for Stayers"
AT_EXIT = "Conditions At Exit for Leavers"


@question("Q26e", "apr")
def q26e(ctx: ReportContext) -> Table:
    """Conditions of chronically homeless persons: at project start, at the latest
    assessment (start, update or annual, on or before the report end) for stayers, and at
    exit for leavers."""
    chronic = (
        ctx.served.lazy()
        .filter(pl.col("chronic") == YES)
        .select("PersonalID", "EnrollmentID", "leaver", "stayer")
        .collect()
    )
    conditions = (
        condition_records(ctx)
        .filter(pl.col("condition").is_not_null())
        .join(chronic, on="EnrollmentID", how="inner")
        .with_columns(
            at_start=pl.col("DataCollectionStage") == 1,
            at_latest=pl.col("stayer") & pl.col("at_latest_assessment"),
            at_exit=pl.col("leaver") & (pl.col("DataCollectionStage") == 3),
        )
    )
    rows = [(name, pl.col("condition") == name) for name in CONDITION_ROWS]
    columns = [
        (AT_START, pl.col("at_start")),
        (AT_LATEST, pl.col("at_latest")),
        (AT_EXIT, pl.col("at_exit")),
    ]
    return count_grid("Q26e", conditions, rows, columns)
