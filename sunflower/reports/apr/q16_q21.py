"""APR Q16–Q21 (and the CAPER's Q16, Q17, Q19b, Q20a, Q21): cash income, non-cash
benefits and health insurance at project start, at the latest annual assessment (stayers)
and at exit (leavers).

The table builders take the people to count (rows of ``ctx.served``) and the words HUD uses
for them, so the youth questions (Q27g–Q27i) reuse them with youth instead of adults. The
stage frames are ``engine.income``'s (shared by every question of a run); each stage is a
column of ``engine.table.column_table``.
"""

from __future__ import annotations

import polars as pl

from sunflower.reports.engine import ReportContext, Table, count_grid, question, rate
from sunflower.reports.engine.income import (
    ANNUAL,
    ANNUAL_MISSING,
    BENEFIT_SOURCES,
    EXIT,
    HIGHEST_RANGE,
    INCOME_RANGES,
    INCOME_SOURCES,
    INSURANCE_SOURCES,
    NO_ANNUAL_REQUIRED,
    NO_INCOME,
    STAGES,
    START,
    benefits_at,
    has_income_information,
    income_at,
    with_total_income,
)
from sunflower.reports.engine.labels import DK_PNTA, NOT_COLLECTED
from sunflower.reports.engine.table import ADULT_HOUSEHOLD_TYPES, MONEY, RATE, column_table

APR_AND_CAPER = ("apr", "caper")

INCOME_COLUMNS = {
    START: "Income at Start",
    ANNUAL: "Income at Latest Annual Assessment for Stayers",
    EXIT: "Income at Exit for Leavers",
}
# Q18's column headers as HUD's reference output writes them.
CATEGORY_COLUMNS = {START: "entryIncome", ANNUAL: "annualIncome", EXIT: "exitIncome"}
BENEFIT_COLUMNS = {
    START: "Benefit at Start",
    ANNUAL: "Benefit at Latest Annual Assessment for Stayers",
    EXIT: "Benefit at Exit for Leavers",
}
INSURANCE_COLUMNS = {
    START: "At Start",
    ANNUAL: "At Annual Assessment for Stayers",
    EXIT: "At Exit for Leavers",
}

Rows = list[tuple[str, pl.Expr | None]]


# --- shared pieces ----------------------------------------------------------------------
def _stage_frame(ctx: ReportContext, people: pl.DataFrame, stage: str) -> pl.DataFrame:
    """The stage's income rows for ``people``, with total income and, for the annual and
    exit stages, whether the client also had income information at start. Built once per
    context, stage and ``people`` frame (Q16–Q19 all count ``adults(ctx)``); ``people`` are
    matched on their ``client_number``."""

    def build() -> tuple[pl.DataFrame, pl.DataFrame]:
        frame = income_at(ctx, stage).filter(
            pl.col("client_number").is_in(people["client_number"].implode())
        )
        frame = with_total_income(frame, annual=stage == ANNUAL)
        frame = frame.with_columns(
            informed_at_start=pl.col("client_number").is_in(_informed_at_start(ctx))
        )
        # ``people`` is kept with the frame so that its id is not reused while cached.
        return frame, people

    return ctx.memo(f"income_stage_frame_{stage}_{id(people)}", build)[0]


def _informed_at_start(ctx: ReportContext) -> pl.Series:
    """The ``client_number`` of the clients with income information at start (once per
    context)."""
    return ctx.memo(
        "informed_at_start",
        lambda: (
            income_at(ctx, START)
            .select("client_number", "IncomeFromAnySource")
            .filter(has_income_information())["client_number"]
            .implode()
        ),
    )


def _informed_at_start_and(stage: str) -> pl.Expr | None:
    """Q17/Q18's last row: income information (IncomeFromAnySource Yes/No) both at start
    and at the annual assessment / exit; HUD leaves the start cell empty."""
    if stage == START:
        return None
    return pl.col("informed_at_start") & has_income_information()


def adults(ctx: ReportContext) -> pl.DataFrame:
    """The adults served: who they are (the income questions take their rows from the
    stage frames)."""
    return ctx.memo(
        "adults",
        lambda: (
            ctx.served.lazy()
            .filter(pl.col("is_adult"))
            .select("PersonalID", "EnrollmentID", "client_number")
            .collect()
        ),
    )


# --- Q16 --------------------------------------------------------------------------------
def income_ranges_table(
    ctx: ReportContext, people: pl.DataFrame, name: str = "Q16", total_label: str = "Total adults"
) -> Table:
    """Cash income ranges: each person's total monthly income at each stage."""
    labels = [
        NO_INCOME,
        *[label for _, label in INCOME_RANGES],
        HIGHEST_RANGE,
        DK_PNTA,
        NOT_COLLECTED,
        NO_ANNUAL_REQUIRED,
        ANNUAL_MISSING,
    ]
    columns = []
    for stage in STAGES:
        frame = _stage_frame(ctx, people, stage)
        rows = [(label, pl.col("income_group") == label) for label in labels]
        rows.append((total_label, pl.lit(True)))
        columns.append((INCOME_COLUMNS[stage], frame, rows))
    return column_table(name, columns)


@question("Q16", *APR_AND_CAPER)
def q16(ctx: ReportContext) -> Table:
    return income_ranges_table(ctx, adults(ctx))


# --- Q17 --------------------------------------------------------------------------------
def income_sources_table(
    ctx: ReportContext,
    people: pl.DataFrame,
    name: str = "Q17",
    information_label: str = "Adults with Income Information at Start and Annual Assessment/Exit",
) -> Table:
    """Cash income sources: people with each source marked Yes at each stage."""
    columns = []
    for stage in STAGES:
        frame = _stage_frame(ctx, people, stage)
        rows: Rows = [(label, pl.col(flag) == 1) for flag, _, label in INCOME_SOURCES]
        rows.append((information_label, _informed_at_start_and(stage)))
        columns.append((INCOME_COLUMNS[stage], frame, rows))
    return column_table(name, columns)


@question("Q17", *APR_AND_CAPER)
def q17(ctx: ReportContext) -> Table:
    return income_sources_table(ctx, adults(ctx))


# --- Q18 --------------------------------------------------------------------------------
def income_categories_table(
    ctx: ReportContext, people: pl.DataFrame, name: str = "Q18", word: str = "Adults"
) -> Table:
    """Client cash income category: earned only, other only, both, none, unknown."""
    earned, total = pl.col("earned_income"), pl.col("total_income")
    only_earned = (earned > 0) & (earned >= total)
    both = (earned > 0) & (earned < total)
    only_other = (earned == 0) & (total > 0)
    unknown_total = total.is_null()
    dk = pl.col("IncomeFromAnySource").is_in([8, 9])
    columns = []
    for stage in STAGES:
        frame = _stage_frame(ctx, people, stage)
        if stage == ANNUAL:
            # No assessment due / due but absent come before the record's own answers.
            recorded = ~pl.col("income_group").is_in([NO_ANNUAL_REQUIRED, ANNUAL_MISSING])
        else:
            recorded = pl.lit(True)

        # The two annual-assessment rows are greyed out at start and exit.
        def annual_only(expr: pl.Expr, stage: str = stage) -> pl.Expr | None:
            return expr if stage == ANNUAL else None

        rows: Rows = [
            (f"{word} with Only Earned Income (i.e., Employment Income)", recorded & only_earned),
            (f"{word} with Only Other Income", recorded & only_other),
            (f"{word} with Both Earned and Other Income", recorded & both),
            (f"{word} with No Income", recorded & (total == 0)),
            (DK_PNTA, recorded & unknown_total & dk),
            ("Missing Income Information", recorded & unknown_total & ~dk.fill_null(False)),
            (NO_ANNUAL_REQUIRED, annual_only(pl.col("income_group") == NO_ANNUAL_REQUIRED)),
            (ANNUAL_MISSING, annual_only(pl.col("income_group") == ANNUAL_MISSING)),
            ("Total", pl.lit(True)),
            ("1 or more source of income", recorded & (total > 0)),
            (
                f"{word} with Income Information at Start and Annual Assessment/Exit",
                _informed_at_start_and(stage),
            ),
        ]
        columns.append((CATEGORY_COLUMNS[stage], frame, rows))
    return column_table(name, columns)


@question("Q18", "apr")
def q18(ctx: ReportContext) -> Table:
    return income_categories_table(ctx, adults(ctx))


# --- Q19a1 / Q19a2 ----------------------------------------------------------------------
_CHANGE_KINDS = [
    ("earned", "Number of Adults with Earned Income", "Average Change in Earned Income"),
    ("other", "Number of Adults with Other Income", "Average Change in Other Income"),
    (
        "total",
        "Number of Adults with Any Income (i.e., Total Income)",
        "Average Change in Overall Income",
    ),
]


def _amounts(frame: pl.DataFrame, prefix: str) -> pl.DataFrame:
    """Earned, other and total monthly amounts of the people with a known total income."""
    total, earned = pl.col("total_income"), pl.col("earned_income")
    return frame.filter(has_income_information() & total.is_not_null()).select(
        "PersonalID",
        "EnrollmentID",
        pl.when((total > 0) & (earned > 0)).then(earned).otherwise(0.0).alias(f"{prefix}earned"),
        pl.when((total > 0) & (earned < total))
        .then(total - earned)
        .otherwise(0.0)
        .alias(f"{prefix}other"),
        total.alias(f"{prefix}total"),
    )


def income_change_table(
    ctx: ReportContext, people: pl.DataFrame, name: str, compare_stage: str
) -> Table:
    """Change in each income category from start to the annual assessment (stayers) or
    exit (leavers), for people with income information (Yes/No) at both points."""
    point = "Annual Assessment" if compare_stage == ANNUAL else "Exit"
    columns = [
        f"Had Income Category at Start and Did Not Have It at {point}",
        f"Retained Income Category But Had Less at {point} Than at Start",
        f"Retained Income Category and Same at {point} as at Start",
        f"Retained Income Category and Increased at {point}",
        f"Did Not Have the Income Category at Start and Gained the Income Category at {point}",
        f"Did Not Have the Income Category at Start or at {point}",
        "Total Adults including those with No Income",
        f"Performance Measure Adults who Gained or Increased Income from Start to {point} "
        "Average Gain",
        "Performance measure Percent of persons who accomplished this measure",
    ]
    start = _amounts(_stage_frame(ctx, people, START), "start_").drop("EnrollmentID")
    later = _amounts(_stage_frame(ctx, people, compare_stage), "later_")
    both = later.join(start, on="PersonalID", how="inner")

    table = Table(name, columns, [label for _, *labels in _CHANGE_KINDS for label in labels])
    members = []
    for k, (kind, count_label, _) in enumerate(_CHANGE_KINDS):
        before, after = pl.col(f"start_{kind}"), pl.col(f"later_{kind}")
        groups = [
            (before > 0) & (after == 0),
            (before > after) & (after > 0),
            (before == after) & (after > 0),
            (before < after) & (before > 0),
            (before == 0) & (after > 0),
            (before == 0) & (after == 0),
            pl.lit(True),
            ((before < after) & (before > 0)) | ((before == 0) & (after > 0)),
        ]
        grid = count_grid(
            name,
            both,
            [(count_label, pl.lit(True))],
            [(label, expr) for label, expr in zip(columns[:8], groups, strict=True)],
        )
        count_row, average_row = 2 * k, 2 * k + 1
        members.append(grid.members.with_columns(row=pl.lit(count_row, pl.Int32)))
        change = after - before
        averages = both.select(
            [
                change.filter(expr).mean().alias(str(g))
                for g, expr in enumerate(groups)
                if g not in (2, 5)
            ]
        ).row(0, named=True)
        for g in range(8):
            table.set(count_row, g, grid.values[0][g])
            # "Same" and "neither" have no change; the all-adults average is only shown for
            # total income (HUD shows 0.00 in the cells it does not compute).
            average = averages.get(str(g))
            if g == 6 and kind != "total":
                average = None
            table.set(average_row, g, average or 0.0, kind=MONEY)
        table.set(count_row, 8, rate(grid.values[0][7], grid.values[0][6]), kind=RATE)
    table.members = pl.concat(members)
    return table


@question("Q19a1", "apr")
def q19a1(ctx: ReportContext) -> Table:
    return income_change_table(ctx, adults(ctx), "Q19a1", ANNUAL)


@question("Q19a2", "apr")
def q19a2(ctx: ReportContext) -> Table:
    return income_change_table(ctx, adults(ctx), "Q19a2", EXIT)


# --- Q19b -------------------------------------------------------------------------------
def disabling_condition_income_table(
    ctx: ReportContext,
    people: pl.DataFrame,
    name: str = "Q19b",
    word: str = "Adult",
    household_types: list[tuple[str, str]] = ADULT_HOUSEHOLD_TYPES,
) -> Table:
    """Leavers with income information at exit, by income source, household type and
    disabling condition (3.08 Yes / No)."""
    frame = _stage_frame(ctx, people, EXIT).filter(
        has_income_information() & pl.col("DisablingCondition").is_in([0, 1])
    )
    rows: Rows = [(label, pl.col(flag) == 1) for flag, _, label in INCOME_SOURCES]
    rows.append(("No Sources", pl.col("IncomeFromAnySource") == 0))
    rows.append((f"Unduplicated Total {word}s", pl.lit(True)))
    columns = []
    for short, household in household_types:
        in_household = pl.col("household_type") == household
        columns += [
            (
                f"{short}: {word} with Disabling Condition",
                in_household & (pl.col("DisablingCondition") == 1),
            ),
            (
                f"{short}: {word} without Disabling Condition",
                in_household & (pl.col("DisablingCondition") == 0),
            ),
            (f"{short}: Total {word}s", in_household),
            (f"{short}: % with Disabling Condition by Source", pl.lit(False)),
        ]
    table = count_grid(name, frame, rows, columns)
    for h in range(len(household_types)):
        with_condition, total, percent = 4 * h, 4 * h + 2, 4 * h + 3
        for r in range(len(rows)):
            if r == len(rows) - 1:
                table.set(r, percent, None)
            else:
                value = rate(table.values[r][with_condition], table.values[r][total])
                table.set(r, percent, value, kind=RATE)
    return table


@question("Q19b", *APR_AND_CAPER)
def q19b(ctx: ReportContext) -> Table:
    return disabling_condition_income_table(ctx, adults(ctx))


# --- Q20a / Q20b ------------------------------------------------------------------------
def _benefit_frame(ctx: ReportContext, people: pl.DataFrame, stage: str) -> pl.DataFrame:
    """The stage's records for ``people`` (``engine.income.benefits_at``: at exit only the
    heads of household who left and the members who left with them; at the annual
    assessment, the other stayers of a head with an annual assessment by their latest
    record). Built once per context, stage and ``people`` frame (Q20a and Q20b)."""

    def build() -> tuple[pl.DataFrame, pl.DataFrame]:
        records = benefits_at(ctx, stage)
        # Only the columns Q20a / Q20b read are filtered.
        columns = ["PersonalID", "EnrollmentID", "client_number", "BenefitsFromAnySource"]
        columns += [field for field, _ in BENEFIT_SOURCES]
        columns += [c for c in ("annual_due",) if c in records.columns]
        frame = records.select(columns).filter(
            pl.col("client_number").is_in(people["client_number"].implode())
        )
        # ``people`` is kept with the frame so that its id is not reused while cached.
        return frame, people

    return ctx.memo(f"benefit_frame_{stage}_{id(people)}", build)[0]


def _any_benefit() -> pl.Expr:
    return pl.any_horizontal([pl.col(field) == 1 for field, _ in BENEFIT_SOURCES]).fill_null(False)


@question("Q20a", *APR_AND_CAPER)
def q20a(ctx: ReportContext) -> Table:
    """Type of non-cash benefit sources, adults."""
    columns = []
    for stage in STAGES:
        rows: Rows = [(label, pl.col(field) == 1) for field, label in BENEFIT_SOURCES]
        columns.append((BENEFIT_COLUMNS[stage], _benefit_frame(ctx, adults(ctx), stage), rows))
    return column_table("Q20a", columns)


@question("Q20b", "apr")
def q20b(ctx: ReportContext) -> Table:
    """Number of non-cash benefit sources, adults."""
    any_benefit = _any_benefit()
    answer = pl.col("BenefitsFromAnySource")
    one_or_more = (answer == 1) | any_benefit
    no_sources = (answer == 0) & ~any_benefit
    dk = answer.is_in([8, 9]) & ~any_benefit
    columns = []
    for stage in STAGES:
        frame = _benefit_frame(ctx, adults(ctx), stage)
        due = pl.col("annual_due").is_not_null() if stage == ANNUAL else pl.lit(True)
        rows: Rows = [
            ("No sources", due & no_sources),
            ("One or more source(s)", due & one_or_more),
            (DK_PNTA, due & dk),
            (
                "Not collected/annual assessment not due",
                ~due | ~(no_sources | one_or_more | dk).fill_null(False),
            ),
            ("Total", pl.lit(True)),
        ]
        columns.append((BENEFIT_COLUMNS[stage], frame, rows))
    return column_table("Q20b", columns)


# --- Q21 --------------------------------------------------------------------------------
@question("Q21", *APR_AND_CAPER)
def q21(ctx: ReportContext) -> Table:
    """Health insurance, every client."""
    insurance_count = pl.sum_horizontal(
        [(pl.col(field) == 1).fill_null(False).cast(pl.Int32) for field, _ in INSURANCE_SOURCES]
    )
    answer = pl.col("InsuranceFromAnySource")
    columns = []
    for stage in STAGES:
        frame = income_at(ctx, stage)
        if stage == ANNUAL:
            frame = frame.with_columns(annual_required=pl.col("annual_due").is_not_null())
        else:
            frame = frame.with_columns(annual_required=pl.lit(True))
        required = pl.col("annual_required")
        none = required & (insurance_count == 0)
        rows: Rows = [
            (label, required & (pl.col(field) == 1)) for field, label in INSURANCE_SOURCES
        ]
        rows += [
            ("No health insurance", none & answer.is_in([0, 1])),
            (DK_PNTA, none & answer.is_in([8, 9])),
            (NOT_COLLECTED, none & ~answer.is_in([0, 1, 8, 9]).fill_null(False)),
            ("Annual assessment not required", ~required),
            ("One source of insurance", required & (insurance_count == 1)),
            ("More than one source of insurance", required & (insurance_count > 1)),
        ]
        columns.append((INSURANCE_COLUMNS[stage], frame, rows))
    return column_table("Q21", columns)


__all__ = [
    "disabling_condition_income_table",
    "income_categories_table",
    "income_change_table",
    "income_ranges_table",
    "income_sources_table",
]
