"""APR/CAPER Q11–Q15: age, race and ethnicity, physical and mental health conditions,
domestic violence, living situation at project start.

Every table counts rows of ``ctx.served`` (one row per client, the latest enrollment in the
report). The CAPER has the same Q11, Q12, Q13a1, Q13b1, Q13c1, Q14a, Q14b and Q15; the
condition-count tables Q13a2/Q13b2/Q13c2 are APR-only. Race and ethnicity come from
``engine.demographics``, the conditions and their collection points from
``engine.disabilities``, the age bands from ``engine.universe``.
"""

from __future__ import annotations

import polars as pl

from sunflower.reports.engine import HOUSEHOLD_COLUMNS, ReportContext, Table, count_grid, question
from sunflower.reports.engine.demographics import race_and_ethnicity, race_and_ethnicity_labels
from sunflower.reports.engine.disabilities import (
    BOTH_SUBSTANCES,
    CONDITION_ROWS,
    condition_records,
    conditions_at,
)
from sunflower.reports.engine.labels import DK_PNTA, NOT_COLLECTED, NOT_COLLECTED_LOWER
from sunflower.reports.engine.table import SPLIT_HOUSEHOLD_COLUMNS
from sunflower.reports.engine.universe import AGE_BANDS, AGE_DK_PNTA, AGE_NOT_COLLECTED

APR_AND_CAPER = ("apr", "caper")


def _adults_and_heads(frame: pl.DataFrame) -> pl.LazyFrame:
    """Lazy: only the columns a question reads are filtered."""
    return frame.lazy().filter(pl.col("is_adult") | pl.col("is_hoh"))


# --- Q11 ------------------------------------------------------------------------------------
@question("Q11", *APR_AND_CAPER)
def q11(ctx: ReportContext) -> Table:
    """Age: everyone served, by age band (the engine's ``detailed_age_group``: age at the
    later of project start and report start) and household type."""
    band = pl.col("detailed_age_group")
    rows = [(label, band == label) for _, _, label in AGE_BANDS]
    rows += [
        (DK_PNTA, pl.col("age_group") == AGE_DK_PNTA),
        (NOT_COLLECTED, pl.col("age_group") == AGE_NOT_COLLECTED),
        ("Total", pl.lit(True)),
    ]
    return count_grid("Q11", ctx.served, rows, HOUSEHOLD_COLUMNS)


# --- Q12 ------------------------------------------------------------------------------------
@question("Q12", *APR_AND_CAPER)
def q12(ctx: ReportContext) -> Table:
    """Race and ethnicity (combined): everyone served."""
    # Lazy, so that polars reads each race field's flag once for the row's name and count.
    frame = ctx.served.lazy().with_columns(race_row=race_and_ethnicity())
    rows = [(label, pl.col("race_row") == label) for label in race_and_ethnicity_labels()]
    rows.append(("Total", pl.lit(True)))
    return count_grid("Q12", frame, rows, HOUSEHOLD_COLUMNS)


# --- Q13 ------------------------------------------------------------------------------------
# The columns of a client the condition tables read (HUD's split household columns).
_CONDITION_CLIENT_COLUMNS = [
    "PersonalID",
    "EnrollmentID",
    "household_type",
    "age_group",
    "DisablingCondition",
]


def _condition_clients(ctx: ReportContext, point: str) -> pl.DataFrame:
    """Who each collection point counts: everyone at start, leavers at exit, stayers at the
    latest assessment (once per context: Qx1 and Qx2 count the same clients)."""
    who = {"start": pl.lit(True), "exit": pl.col("leaver"), "latest": pl.col("stayer")}[point]
    return ctx.memo(
        f"condition_clients_{point}",
        lambda: ctx.served.lazy().filter(who).select(_CONDITION_CLIENT_COLUMNS).collect(),
    )


def _condition_records(ctx: ReportContext, point: str) -> pl.DataFrame:
    """The Disabilities records of the point's clients' enrollments at that point."""

    def build() -> pl.DataFrame:
        records = conditions_at(condition_records(ctx), point)
        clients = _condition_clients(ctx, point).select("EnrollmentID")
        return records.join(clients, on="EnrollmentID", how="semi")

    return ctx.memo(f"condition_records_{point}", build)


def _condition_table(name: str, clients: pl.DataFrame, records: pl.DataFrame) -> Table:
    """Qx1: clients with each condition (a client counts once in each row they have)."""
    present = records.filter(pl.col("condition").is_not_null()).select("EnrollmentID", "condition")
    frame = clients.join(present, on="EnrollmentID", how="inner")
    rows = [(label, pl.col("condition") == label) for label in CONDITION_ROWS]
    return count_grid(name, frame, rows, SPLIT_HOUSEHOLD_COLUMNS)


def _condition_count_table(name: str, clients: pl.DataFrame, records: pl.DataFrame) -> Table:
    """Qx2: clients by number of conditions ("both alcohol and drug use" counts as two).
    With none, the row follows the Disabling Condition (3.08) of the enrollment: No -> None,
    Yes -> Unknown, 8/9 -> DK/PNTA, missing -> Data Not Collected.

    Every Yes record of the collection point counts, also two records of one condition
    (the specifications count "affirmative responses ... recorded at the relevant data
    collection stage" and say nothing of duplicates; HUD's reference code sums records)."""
    counts = (
        records.filter(pl.col("condition").is_not_null())
        .select("EnrollmentID", "condition")
        .group_by("EnrollmentID")
        .agg(
            condition_count=pl.when(pl.col("condition") == BOTH_SUBSTANCES)
            .then(2)
            .otherwise(1)
            .sum()
        )
    )
    frame = clients.join(counts, on="EnrollmentID", how="left").with_columns(
        pl.col("condition_count").fill_null(0)
    )
    number, disabling = pl.col("condition_count"), pl.col("DisablingCondition")
    none_found = number == 0
    rows = [
        ("None", none_found & (disabling == 0)),
        ("One Condition", number == 1),
        ("Two Conditions", number == 2),
        ("Three Or More Conditions", number >= 3),
        ("Unknown", none_found & (disabling == 1)),
        (DK_PNTA, none_found & disabling.is_in([8, 9])),
        (NOT_COLLECTED, none_found & ~disabling.is_in([0, 1, 8, 9]).fill_null(False)),
        ("Total", pl.lit(True)),
    ]
    return count_grid(name, frame, rows, SPLIT_HOUSEHOLD_COLUMNS)


def _condition_question(ctx: ReportContext, name: str, point: str, count_conditions: bool):
    clients = _condition_clients(ctx, point)
    records = _condition_records(ctx, point)
    if count_conditions:
        return _condition_count_table(name, clients, records)
    return _condition_table(name, clients, records)


@question("Q13a1", *APR_AND_CAPER)
def q13a1(ctx: ReportContext) -> Table:
    """Physical and mental health conditions at start: everyone served."""
    return _condition_question(ctx, "Q13a1", "start", count_conditions=False)


@question("Q13b1", *APR_AND_CAPER)
def q13b1(ctx: ReportContext) -> Table:
    """Physical and mental health conditions at exit: leavers."""
    return _condition_question(ctx, "Q13b1", "exit", count_conditions=False)


@question("Q13c1", *APR_AND_CAPER)
def q13c1(ctx: ReportContext) -> Table:
    """Physical and mental health conditions for stayers: latest assessment."""
    return _condition_question(ctx, "Q13c1", "latest", count_conditions=False)


@question("Q13a2", "apr")
def q13a2(ctx: ReportContext) -> Table:
    """Number of conditions at start: everyone served."""
    return _condition_question(ctx, "Q13a2", "start", count_conditions=True)


@question("Q13b2", "apr")
def q13b2(ctx: ReportContext) -> Table:
    """Number of conditions at exit: leavers."""
    return _condition_question(ctx, "Q13b2", "exit", count_conditions=True)


@question("Q13c2", "apr")
def q13c2(ctx: ReportContext) -> Table:
    """Number of conditions for stayers: latest assessment."""
    return _condition_question(ctx, "Q13c2", "latest", count_conditions=True)


# --- Q14 ------------------------------------------------------------------------------------
def _adults_and_heads_with_dv(ctx: ReportContext) -> pl.DataFrame:
    """Adults and heads of household with their 4.11 (Q14a and Q14b; once per context)."""
    return ctx.memo(
        "adults_and_heads_with_dv",
        lambda: _with_latest_health_and_dv(
            ctx,
            _adults_and_heads(ctx.served)
            .select("PersonalID", "EnrollmentID", "household_type")
            .collect(),
        ),
    )


def _with_latest_health_and_dv(ctx: ReportContext, clients: pl.DataFrame) -> pl.DataFrame:
    """HMIS 4.11 from the enrollment's latest HealthAndDV record on or before the report
    end (any collection stage)."""
    records = (
        ctx.frames["HealthAndDV"]
        .select("EnrollmentID", "InformationDate", "DomesticViolenceSurvivor", "WhenOccurred")
        .filter(
            pl.col("EnrollmentID").is_in(clients["EnrollmentID"].implode())
            & (pl.col("InformationDate") <= ctx.params.end)
        )
        .sort(["EnrollmentID", "InformationDate"], descending=[False, True], maintain_order=True)
        .unique("EnrollmentID", keep="first", maintain_order=True)
        .drop("InformationDate")
    )
    return clients.join(records, on="EnrollmentID", how="left")


@question("Q14a", *APR_AND_CAPER)
def q14a(ctx: ReportContext) -> Table:
    """Domestic violence history: adults and heads of household."""
    frame = _adults_and_heads_with_dv(ctx)
    survivor = pl.col("DomesticViolenceSurvivor")
    rows = [
        ("Yes", survivor == 1),
        ("No", survivor == 0),
        (DK_PNTA, survivor.is_in([8, 9])),
        (NOT_COLLECTED, ~survivor.is_in([0, 1, 8, 9]).fill_null(False)),
        ("Total", pl.lit(True)),
    ]
    return count_grid("Q14a", frame, rows, HOUSEHOLD_COLUMNS)


@question("Q14b", *APR_AND_CAPER)
def q14b(ctx: ReportContext) -> Table:
    """When the domestic violence occurred: adults and heads of household who are
    survivors (4.11 = Yes)."""
    frame = _adults_and_heads_with_dv(ctx).filter(pl.col("DomesticViolenceSurvivor") == 1)
    when = pl.col("WhenOccurred")
    rows = [
        ("Within the past three months", when == 1),
        ("Three to six months ago", when == 2),
        ("Six months to one year ago", when == 3),
        ("One year or more", when == 4),
        (DK_PNTA, when.is_in([8, 9])),
        (NOT_COLLECTED, ~when.is_in([1, 2, 3, 4, 8, 9]).fill_null(False)),
        ("Total", pl.lit(True)),
    ]
    return count_grid("Q14b", frame, rows, HOUSEHOLD_COLUMNS)


# --- Q15 ------------------------------------------------------------------------------------
# HMIS 3.917.1 prior living situation (FY2024+ codes), in HUD's groups and row order.
LIVING_SITUATION_GROUPS: list[tuple[str, list[tuple[str, list[int]]]]] = [
    (
        "Homeless",
        [
            ("Place not meant for habitation", [116]),
            ("Emergency shelter", [101]),
            ("Safe Haven", [118]),
        ],
    ),
    (
        "Institutional",
        [
            ("Foster care home or foster care group home", [215]),
            ("Hospital or other residential non-psychiatric medical facility", [206]),
            ("Jail, prison or juvenile detention facility", [207]),
            ("Long-term care facility or nursing home", [225]),
            ("Psychiatric hospital or other psychiatric facility", [204]),
            ("Substance abuse treatment facility or detox center", [205]),
        ],
    ),
    (
        "Temporary",
        [
            ("Transitional housing for homeless persons", [302]),
            ("Residential project or halfway house with no homeless criteria", [329]),
            ("Hotel or motel paid for without emergency shelter voucher", [314]),
            ("Host Home", [332]),
            ("Staying or living in a friend\u2019s room, apartment or house", [336]),
            ("Staying or living in a family member\u2019s room, apartment or house", [335]),
        ],
    ),
    (
        "Permanent",
        [
            ("Rental by client, no ongoing housing subsidy", [410]),
            ("Rental by client, with ongoing housing subsidy", [435]),
            ("Owned by client, with ongoing housing subsidy", [421]),
            ("Owned by client, no ongoing housing subsidy", [411]),
        ],
    ),
    (
        "Other",
        [
            (DK_PNTA, [8, 9]),
            # 99 or a blank.
            (NOT_COLLECTED_LOWER, [99]),
        ],
    ),
]


LISTED_LIVING_SITUATIONS = [
    code for _, rows in LIVING_SITUATION_GROUPS for _, codes in rows for code in codes
]


def _prior_living_situation() -> pl.Expr:
    """3.917.1 with a blank read as Data not collected (99). A code outside the response
    list is null: the client is in no row, not even the Total (the specifications are
    silent; HUD's reference code drops them, its Total being the sum of the subtotals)."""
    situation = pl.col("LivingSituation").fill_null(99)
    return pl.when(situation.is_in(LISTED_LIVING_SITUATIONS)).then(situation)


def living_situation_table(name: str, frame: pl.DataFrame | pl.LazyFrame) -> Table:
    """Q15 / Q27d: clients of ``frame`` (already narrowed to who the question counts, e.g.
    adults and heads of household) by living situation at project start, grouped Homeless /
    Institutional / Temporary / Permanent / Other with subtotals. HUD's group headings carry
    zeros; HUD's APR table shows no "Other Situations" heading."""
    situation = pl.col("prior_living_situation")
    rows: list[tuple[str, pl.Expr]] = []
    for group, group_rows in LIVING_SITUATION_GROUPS:
        if group != "Other":
            rows.append((f"{group} Situations", pl.lit(False)))
        group_codes = []
        for label, codes in group_rows:
            rows.append((label, situation.is_in(codes)))
            group_codes += codes
        rows.append((f"{group} Subtotal", situation.is_in(group_codes)))
    rows.append(("Total", situation.is_not_null()))
    frame = frame.with_columns(prior_living_situation=_prior_living_situation())
    return count_grid(name, frame, rows, HOUSEHOLD_COLUMNS)


@question("Q15", *APR_AND_CAPER)
def q15(ctx: ReportContext) -> Table:
    """Living situation at project start: adults and heads of household."""
    return living_situation_table("Q15", _adults_and_heads(ctx.served))
