"""APR Q27a–Q27m: the youth questions.

"Youth" is HUD's rule, already in ``ctx.served["youth"]``: a client aged 12 or over in a
household where nobody is over 24 (APR glossary; Q5a row "Number of youth under age 25").

Q27a, Q27b and Q27m are computed here. The other Q27 tables are the youth version of an
earlier question (Q27d ~ Q15, Q27e ~ Q22a1, ...): they run that question, looked up at call
time in the registry, on ``ctx.subset(<youth>)`` and take its cells under HUD's Q27 labels,
so values and drill-down members stay those of the earlier question's logic
(``engine.table.relabelled``). Where the youth universe differs from the earlier one
(Q27g/h/i also count youth who are not adults), the subset presents those youth to the
earlier question as adults (``ReportContext.subset``'s overrides).
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from sunflower.reports.engine import HOUSEHOLD_COLUMNS, ReportContext, Table, count_grid, question
from sunflower.reports.engine.income import INCOME_SOURCES
from sunflower.reports.engine.labels import (
    DK_PNTA,
    DK_PNTA_SPACED,
    NOT_COLLECTED,
    NOT_COLLECTED_LOWER,
)
from sunflower.reports.engine.lengths import TWO_YEAR_BANDS
from sunflower.reports.engine.registry import questions_of
from sunflower.reports.engine.table import HOUSEHOLD_LABELS, relabelled
from sunflower.reports.engine.universe import (
    ADULT,
    ADULTS_ONLY,
    AGE_DK_PNTA,
    AGE_NOT_COLLECTED,
    CHILDREN_ONLY,
)

YOUTH = pl.col("youth")
# RHY (HHS Runaway and Homeless Youth) funders: Funder 43 is the only one HUD's Q27m uses.
RHY_FUNDERS = [43]


# --- deriving a youth table from an earlier question ----------------------------------------
def _youth_context(
    ctx: ReportContext,
    predicate: pl.Expr = YOUTH,
    as_adults: bool = False,
    household_as: str | None = None,
) -> ReportContext:
    """The report narrowed to youth matching ``predicate``.

    ``as_adults``: the earlier question counts adults only, but the youth question counts
    every youth in ``predicate`` (e.g. youth heads of household under 18), so they are
    presented to it as adults. ``household_as``: present every kept client as living in that
    household type (used to read a household column the earlier table does not have).
    """
    overrides: dict[str, pl.Expr] = {}
    if as_adults:
        overrides.update(
            age_group=pl.lit(ADULT),
            is_adult=pl.lit(True),
            is_child=pl.lit(False),
            adult_or_hoh=pl.lit(True),
        )
    if household_as is not None:
        overrides["household_type"] = pl.lit(household_as)
    return ctx.subset(predicate, overrides)


def _earlier(name: str) -> Callable[[ReportContext], Table] | None:
    return questions_of("apr").get(name)


def _run_earlier(name: str, ctx: ReportContext) -> Table | None:
    function = _earlier(name)
    return function(ctx) if function is not None else None


def _youth_version(
    name: str,
    earlier_name: str,
    ctx: ReportContext,
    rows: list[str] | None,
    columns: list[str],
    row_sources: dict[str, str] | None = None,
    **context_options,
) -> Table:
    """The earlier question run on the youth subset, under the youth table's labels
    (``rows`` None: the earlier table's own rows, where HUD's youth table repeats them)."""
    source = _run_earlier(earlier_name, _youth_context(ctx, **context_options))
    if rows is None:
        rows = source.rows if source is not None else []
    row_sources = row_sources or {}
    return relabelled(
        name,
        [(label, row_sources.get(label, label)) for label in rows],
        [(label, source, label) for label in columns],
    )


# Rows of the youth tables that are not the earlier table's own.
TIME_TO_HOUSING_BANDS = [label for _, _, label in TWO_YEAR_BANDS[:-1]]
INCOME_SOURCE_ROWS = [label for _, _, label in INCOME_SOURCES]
INCOME_INFORMATION_ROW = "Youth with Income Information at Start and Annual Assessment/Exit"


# --- Q27a -----------------------------------------------------------------------------------
@question("Q27a", "apr")
def q27a(ctx: ReportContext) -> Table:
    """Age of youth, by household type. Youth are 12 or over, so the unknown-age rows can
    only be 0. The specifications' first row is "12-17" ("Add Youth filter to Q11 for
    programming. Adjust age ranges as shown above."), so 12-year-olds count in it; HUD's
    tables print it "13-17", the label kept here."""
    youth = ctx.served.lazy().filter(YOUTH)
    rows = [
        ("13-17", pl.col("age").is_between(12, 17)),
        ("18-24", pl.col("detailed_age_group") == "18-24"),
        (DK_PNTA, pl.col("age_group") == AGE_DK_PNTA),
        (NOT_COLLECTED, pl.col("age_group") == AGE_NOT_COLLECTED),
        ("Total", pl.lit(True)),
    ]
    return count_grid("Q27a", youth, rows, HOUSEHOLD_COLUMNS)


# --- Q27b -----------------------------------------------------------------------------------
@question("Q27b", "apr")
def q27b(ctx: ReportContext) -> Table:
    """Parenting youth: households where nobody is over 24 and a child of the head of
    household is present. The head and any adult are the parenting youth; a child of the
    head (RelationshipToHoH 2) is a child of parenting youth. A household with an adult
    parent is "18 to 24", any other "< 18"."""
    parenting_households = ctx.served.lazy().filter(
        pl.col("youth_household") & pl.col("has_child_of_hoh")
    )
    parent = pl.col("is_hoh") | pl.col("is_adult")
    with_adult = pl.col("household_type") == "adults_and_children"
    rows = [
        ("Parent youth < 18", ~with_adult),
        ("Parent youth 18 to 24", with_adult),
    ]
    columns = [
        ("Total Parenting Youth", parent),
        ("Total Children of Parenting Youth", ~parent & (pl.col("RelationshipToHoH") == 2)),
        ("Total Persons", pl.lit(True)),
        ("Total Households", pl.col("is_hoh")),
    ]
    return count_grid("Q27b", parenting_households, rows, columns)


# --- derived youth tables -------------------------------------------------------------------
@question("Q27d", "apr")
def q27d(ctx: ReportContext) -> Table:
    """Q15 (living situation) for youth heads of household."""
    return _youth_version(
        "Q27d", "Q15", ctx, None, HOUSEHOLD_LABELS, predicate=YOUTH & pl.col("is_hoh")
    )


@question("Q27e", "apr")
def q27e(ctx: ReportContext) -> Table:
    """Q22a1 (length of participation) for youth."""
    return _youth_version("Q27e", "Q22a1", ctx, None, ["Total", "Leavers", "Stayers"])


@question("Q27f1", "apr")
def q27f1(ctx: ReportContext) -> Table:
    """Q23c (exit destination) for youth leavers."""
    return _youth_version("Q27f1", "Q23c", ctx, None, HOUSEHOLD_LABELS)


@question("Q27f2", "apr")
def q27f2(ctx: ReportContext) -> Table:
    """Q23d (exit destination subsidy type) for youth leavers."""
    return _youth_version("Q27f2", "Q23d", ctx, None, HOUSEHOLD_LABELS)


@question("Q27g", "apr")
def q27g(ctx: ReportContext) -> Table:
    """Q17 (cash income sources) for youth adults and youth heads of household: unlike Q17
    (adults), Q27g also counts heads of household under 18, presented to Q17 as adults."""
    columns = [
        "Income at Start",
        "Income at Latest Annual Assessment for Stayers",
        "Income at Exit for Leavers",
    ]
    return _youth_version(
        "Q27g",
        "Q17",
        ctx,
        INCOME_SOURCE_ROWS + [INCOME_INFORMATION_ROW],
        columns,
        row_sources={
            INCOME_INFORMATION_ROW: (
                "Adults with Income Information at Start and Annual Assessment/Exit"
            )
        },
        predicate=YOUTH & pl.col("adult_or_hoh"),
        as_adults=True,
    )


@question("Q27h", "apr")
def q27h(ctx: ReportContext) -> Table:
    """Q18 (client cash income category) for youth adults and youth heads of household,
    rows "Adults with ..." read as "Youth with ..."."""
    youth_rows = [
        "Youth with Only Earned Income (i e , Employment Income)",
        "Youth with Only Other Income",
        "Youth with Both Earned and Other Income",
        "Youth with No Income",
        DK_PNTA,
        "Missing Income Information",
        "No Annual Required",
        "Required Annual Missing",
        "Total",
        "1 or more source of income",
        INCOME_INFORMATION_ROW,
    ]
    return _youth_version(
        "Q27h",
        "Q18",
        ctx,
        youth_rows,
        ["entryIncome", "annualIncome", "exitIncome"],
        row_sources={
            label: "Adults" + label.removeprefix("Youth")
            for label in youth_rows
            if label.startswith("Youth")
        },
        predicate=YOUTH & pl.col("adult_or_hoh"),
        as_adults=True,
    )


@question("Q27i", "apr")
def q27i(ctx: ReportContext) -> Table:
    """Q19b (disabling conditions and income at exit) for every youth leaver, by the four
    household types. Q19b counts adults and has no children-only column, so youth are
    presented to it as adults, and the children-only column is Q19b's "AO" column computed
    on youth of children-only households presented as adults-only households."""
    every_youth = _run_earlier("Q19b", _youth_context(ctx, as_adults=True))
    children_only_youth = _run_earlier(
        "Q19b",
        _youth_context(
            ctx,
            predicate=YOUTH & (pl.col("household_type") == CHILDREN_ONLY),
            as_adults=True,
            household_as=ADULTS_ONLY,
        ),
    )
    columns = []
    for prefix, source, source_prefix in (
        ("AO", every_youth, "AO"),
        ("AC", every_youth, "AC"),
        ("CO", children_only_youth, "AO"),
        ("UK", every_youth, "UK"),
    ):
        for youth_label, adult_label in (
            ("Youth with Disabling Condition", "Adult with Disabling Condition"),
            ("Youth without Disabling Condition", "Adult without Disabling Condition"),
            ("Total Youths", "Total Adults"),
            ("% with Disabling Condition by Source", "% with Disabling Condition by Source"),
        ):
            columns.append((f"{prefix}: {youth_label}", source, f"{source_prefix}: {adult_label}"))
    rows = [(label, label) for label in INCOME_SOURCE_ROWS + ["No Sources"]]
    rows.append(("Unduplicated Total Youths", "Unduplicated Total Adults"))
    return relabelled("Q27i", rows, columns)


@question("Q27j", "apr")
def q27j(ctx: ReportContext) -> Table:
    """Q22b (average and median length of participation) for youth."""
    return _youth_version(
        "Q27j", "Q22b", ctx, ["Average Length", "Median Length"], ["Leavers", "Stayers"]
    )


@question("Q27k", "apr")
def q27k(ctx: ReportContext) -> Table:
    """Q22c (time from project start to housing move-in) for youth."""
    rows = TIME_TO_HOUSING_BANDS + [
        "Total (persons moved into housing)",
        "Average length of time to housing",
        "Persons who were exited without move-in",
        "Total persons",
    ]
    return _youth_version("Q27k", "Q22c", ctx, rows, HOUSEHOLD_LABELS)


@question("Q27l", "apr")
def q27l(ctx: ReportContext) -> Table:
    """Q22e (time prior to housing) for youth."""
    rows = TIME_TO_HOUSING_BANDS + [
        "731 days or more",
        "Total (persons moved into housing)",
        "Not yet moved into housing",
        NOT_COLLECTED,
        "Total",
    ]
    return _youth_version("Q27l", "Q22e", ctx, rows, HOUSEHOLD_LABELS)


# --- Q27m -----------------------------------------------------------------------------------


@question("Q27m", "apr")
def q27m(ctx: ReportContext) -> Table:
    """Education status (C3, YouthEducationStatus.csv) of youth heads of household who left
    an RHY-funded project, at project start (stage 1) and exit (stage 3): each enrollment's
    latest record per stage. Client doesn't know (8) and prefers not to answer (9) share a
    row; Total persons counts those with a record at that stage."""
    params = ctx.params
    funders = ctx.frames["Funder"].filter(
        pl.col("Funder").is_in(RHY_FUNDERS)
        & (pl.col("StartDate").is_null() | (pl.col("StartDate") <= params.end))
        & (pl.col("EndDate").is_null() | (pl.col("EndDate") >= params.start))
    )
    universe = (
        ctx.served.lazy()
        .filter(
            YOUTH
            & pl.col("is_hoh")
            & pl.col("leaver")
            & pl.col("ProjectID").is_in(funders["ProjectID"].implode())
        )
        .select("PersonalID", "EnrollmentID")
        .collect()
    )
    status_columns = ["CurrentSchoolAttend", "MostRecentEdStatus", "CurrentEdStatus"]
    records = (
        ctx.frames["YouthEducationStatus"]
        .filter(pl.col("DataCollectionStage").is_in([1, 3]))
        .select("EnrollmentID", "InformationDate", "DataCollectionStage", *status_columns)
        .join(universe, on="EnrollmentID", how="inner")
        .sort("InformationDate", descending=True, nulls_last=True)
        .unique(["EnrollmentID", "DataCollectionStage"], keep="first", maintain_order=True)
        .with_columns(
            # 8 and 9 are one answer in the table.
            pl.when(pl.col(c) == 8).then(9).otherwise(pl.col(c)).alias(c)
            for c in status_columns
        )
    )
    attend = pl.col("CurrentSchoolAttend")
    recent = pl.col("MostRecentEdStatus")
    current = pl.col("CurrentEdStatus")
    not_a_row = pl.lit(False)  # section headings: HUD writes 0
    rows = [
        ("Not currently enrolled in any school or educational course", attend == 0),
        (
            "Currently enrolled but NOT attending regularly (when school or the course is in "
            "session)",
            attend == 1,
        ),
        (
            "Currently enrolled and attending regularly (when school or the course is in session)",
            attend == 2,
        ),
        (DK_PNTA_SPACED, attend == 9),
        # Only 99 (the specifications' "C3 = 99"); a blank is in no row but in the Total,
        # as in HUD's reference code.
        (NOT_COLLECTED_LOWER, attend == 99),
        ("For those not enrolled \u2013 most recent education status", not_a_row),
        ("K12: Graduated from high school", recent == 0),
        ("K12: Obtained GED", recent == 1),
        ("K12: Dropped out", recent == 2),
        ("K12: Suspended", recent == 3),
        ("K12: Expelled", recent == 4),
        ("Higher education: Pursuing a credential but not currently attending", recent == 5),
        ("Higher education: Dropped out", recent == 6),
        ("Higher education: Obtained a credential/degree", recent == 7),
        (DK_PNTA_SPACED, recent == 9),
        (NOT_COLLECTED_LOWER, recent == 99),
        ("For those currently enrolled \u2013 current status", not_a_row),
        ("Pursuing a high school diploma or GED", current == 0),
        ("Pursuing Associate\u2019s Degree", current == 1),
        ("Pursuing Bachelor\u2019s Degree", current == 2),
        ("Pursuing Graduate Degree", current == 3),
        ("Pursuing other post-secondary credential", current == 4),
        (DK_PNTA_SPACED, current == 9),
        (NOT_COLLECTED_LOWER, current == 99),
        ("Total persons", pl.lit(True)),
    ]
    columns = [
        ("At Project Start", pl.col("DataCollectionStage") == 1),
        ("At Project Exit", pl.col("DataCollectionStage") == 3),
    ]
    return count_grid("Q27m", records, rows, columns)
