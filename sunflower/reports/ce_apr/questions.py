"""The CE APR's questions. Q5a, Q6a, Q7a and Q8a are the APR's, run on the CE universe
(``CoordinatedEntryContext``) with the rows the CE APR does not report set to 0 as HUD's
CSV prints them; Q4a is the APR's table over the projects' clients with CE activity; Q9a–Q10
are the CE APR's own."""

from __future__ import annotations

import polars as pl

from sunflower.reports.apr import q04_q09, q06_q09
from sunflower.reports.engine import HOUSEHOLD_COLUMNS, Table, count_grid, question, rate
from sunflower.reports.engine.table import RATE, count_cells

from .universe import CoordinatedEntryContext

CE_APR = "ce_apr"

# 4.20.2 Event, as the CE APR's rows name them (Q9c, Q9d, Q10).
EVENT_LABELS = {
    1: "Referral to Prevention Assistance project",
    2: "Problem Solving/Diversion/Rapid Resolution intervention or service",
    3: "Referral to scheduled Coordinated Entry Crisis Needs Assessment",
    4: "Referral to scheduled Coordinated Entry Housing Needs Assessment",
    5: "Post-placement/follow-up case management",
    6: "Street Outreach project or services",
    7: "Housing Navigation project or services",
    8: "Non-continuum services: Ineligible for continuum services",
    9: "Non continuum services: No availability in continuum services",
    10: "Emergency Shelter bed opening",
    11: "Transitional Housing bed/unit opening",
    12: "Joint TH-RRH project/unit/resource opening",
    13: "RRH project resource opening",
    14: "PSH project resource opening",
    15: "Other PH project",
    16: "Referral to emergency assistance/flex fund/furniture assistance",
    17: "Referral to Emergency Housing Voucher (EHV)",
    18: "Referral to a Housing Stability Voucher",
}
ACCESS_EVENTS = [1, 2, 3, 4]
REFERRAL_EVENTS = list(range(5, 19))
# Referrals to a residential project or voucher: the ones with a 4.20.D referral result.
RESIDENTIAL_REFERRALS = [10, 11, 12, 13, 14, 15, 17, 18]
PROBLEM_SOLVING, AFTERCARE = 2, 5
REFERRAL_RESULTS = {
    1: "Successful referral: client accepted",
    2: "Unsuccessful referral: client rejected",
    3: "Unsuccessful referral: provider rejected",
}
PRIORITIZED = "Placed on Prioritization List (Prioritized)"


def _zeroed(table: Table, rows: list[str]) -> Table:
    """Rows the CE APR does not report: 0 in HUD's CSV, no one behind them."""
    indexes = [table.row_index(label) for label in rows]
    for r in indexes:
        for c in range(len(table.columns)):
            table.set(r, c, 0)
    if table.members is not None:
        table.members = table.members.filter(~pl.col("row").is_in(indexes))
    return table


@question("Q4a", CE_APR)
def q4a(ctx: CoordinatedEntryContext) -> Table:
    """Project identifiers: each CE project, with the clients whose household had an
    assessment or event in the period while they were enrolled."""
    activity = pl.concat(
        [
            ctx.assessments.select("HouseholdID", pl.col("AssessmentDate").alias("day")),
            ctx.events.filter(pl.col("EventDate") <= ctx.params.end).select(
                "HouseholdID", pl.col("EventDate").alias("day")
            ),
        ]
    ).unique()
    active = (
        ctx.coc_enrollments.select(
            "ProjectID",
            "PersonalID",
            "EnrollmentID",
            "HouseholdID",
            "RelationshipToHoH",
            "EntryDate",
            "ExitDate",
        )
        .join(activity, on="HouseholdID", how="inner")
        .filter(
            (pl.col("day") >= pl.col("EntryDate"))
            & (pl.col("ExitDate").is_null() | (pl.col("day") <= pl.col("ExitDate")))
        )
        .unique("EnrollmentID")
    )
    return q04_q09.project_identifiers(ctx, active, blank_if_not_applicable=True)


@question("Q5a", CE_APR)
def q5a(ctx: CoordinatedEntryContext) -> Table:
    """Report validations of the assessed clients; the leaver, stayer, chronic, parenting
    youth and long-stay rows are not part of the CE APR."""
    return _zeroed(
        q04_q09.q5a(ctx),
        [
            "Number of leavers",
            "Number of adult leavers",
            "Number of adult and head of household leavers",
            "Number of stayers",
            "Number of adult stayers",
            "Number of chronically homeless persons",
            "Number of parenting youth under age 25 with children",
            "Heads of households and adult stayers in the project 365 days or more",
        ],
    )


@question("Q6a", CE_APR)
def q6a(ctx: CoordinatedEntryContext) -> Table:
    """Data quality of personally identifying information, of the assessed clients."""
    return q06_q09.q6a(ctx)


@question("Q7a", CE_APR)
def q7a(ctx: CoordinatedEntryContext) -> Table:
    """Persons assessed by age group and household type (no move-in count in the CE APR)."""
    return _zeroed(
        q04_q09.q7a(ctx), ["For PSH & RRH - the total persons served who moved into housing"]
    )


@question("Q8a", CE_APR)
def q8a(ctx: CoordinatedEntryContext) -> Table:
    """Households assessed (no move-in count in the CE APR)."""
    return _zeroed(
        q06_q09.q8a(ctx),
        ["For PSH & RRH – the total households served who moved into housing"],
    )


def _heads(ctx: CoordinatedEntryContext) -> pl.DataFrame:
    return ctx.served.filter(pl.col("is_hoh"))


@question("Q9a", CE_APR)
def q9a(ctx: CoordinatedEntryContext) -> Table:
    """Households by how their assessment was done (4.19.3 Assessment Type)."""
    kind = pl.col("AssessmentType")
    rows = [
        ("Phone", kind == 1),
        ("Virtual", kind == 2),
        ("In-person", kind == 3),
        ("Total Households Assessed", kind.is_in([1, 2, 3])),
    ]
    return count_grid("Q9a", _heads(ctx), rows, HOUSEHOLD_COLUMNS)


def _share_row(
    table: Table, row: int, numerator: Table, n_row: int, denominator: Table, d_row: int
):
    for c in range(len(table.columns)):
        table.set(row, c, rate(numerator.values[n_row][c], denominator.values[d_row][c]), kind=RATE)


@question("Q9b", CE_APR)
def q9b(ctx: CoordinatedEntryContext) -> Table:
    """Households placed on the prioritization list (4.19.7) at their assessment."""
    status = pl.col("PrioritizationStatus")
    share = (
        "Percent of Assessed Prioritized Of the total HH Assessed report the percent of those "
        "placed on the prioritization list"
    )
    table = count_grid(
        "Q9b",
        _heads(ctx),
        [
            (PRIORITIZED, status == 1),
            ("Not Placed on Prioritization List", status == 2),
            (share, pl.lit(True)),
        ],
        HOUSEHOLD_COLUMNS,
    )
    assessed = [list(table.values[2])]
    denominator = Table("assessed", table.columns, ["assessed"], assessed)
    _share_row(table, 2, table, 0, denominator, 0)
    table.members = table.members.filter(pl.col("row") != 2)
    return table


def _latest_events(ctx: CoordinatedEntryContext, events: list[int]) -> pl.DataFrame:
    return ctx.latest_events.filter(pl.col("Event").is_in(events))


@question("Q9c", CE_APR)
def q9c(ctx: CoordinatedEntryContext) -> Table:
    """Access events after the assessment: each household's latest event, when it is one of
    4.20.2 responses 1–4."""
    access = _latest_events(ctx, ACCESS_EVENTS)
    event = pl.col("Event")
    housed = "Result: Client housed/Re-Housed in a safe alternative"
    share = "Percent of successful referrals to Problem Solving/Diversion/Rapid Resolution"
    rows = [(EVENT_LABELS[code], event == code) for code in ACCESS_EVENTS]
    rows += [
        ("Total", pl.lit(True)),
        (housed, (event == PROBLEM_SOLVING) & (pl.col("ProbSolDivRRResult") == 1)),
        (share, None),
    ]
    table = count_grid("Q9c", access, rows, HOUSEHOLD_COLUMNS)
    _share_row(table, 6, table, 5, table, ACCESS_EVENTS.index(PROBLEM_SOLVING))
    return table


@question("Q9d", CE_APR)
def q9d(ctx: CoordinatedEntryContext) -> Table:
    """Referrals after the assessment: each household's latest event, when it is one of
    4.20.2 responses 5–18, with the results of referrals to residential projects."""
    referrals = _latest_events(ctx, REFERRAL_EVENTS)
    event, result = pl.col("Event"), pl.col("ReferralResult")
    residential = event.is_in(RESIDENTIAL_REFERRALS)
    referred_share = "Of the total HH prioritized (Q9b row 1) what percentage received a referral"
    success_share = "Percent of successful referrals to residential projects"
    rows = [(EVENT_LABELS[code], event == code) for code in REFERRAL_EVENTS]
    rows += [("Total", pl.lit(True)), (referred_share, None)]
    rows += [(label, residential & (result == code)) for code, label in REFERRAL_RESULTS.items()]
    rows += [
        ("No result recorded", residential & result.is_null()),
        (
            "Result: Enrolled in Aftercare project",
            (event == AFTERCARE) & (pl.col("ReferralCaseManageAfter") == 1),
        ),
        (success_share, None),
    ]
    table = count_grid("Q9d", referrals, rows, HOUSEHOLD_COLUMNS)

    # Of the prioritized households (Q9b row 1), the share whose latest event is a referral.
    heads = _heads(ctx)
    referred = referrals["PersonalID"].implode()
    prioritized = pl.col("PrioritizationStatus") == 1
    counts = count_grid(
        "shares",
        heads,
        [
            ("prioritized", prioritized),
            ("referred", prioritized & pl.col("PersonalID").is_in(referred)),
        ],
        HOUSEHOLD_COLUMNS,
    )
    _share_row(table, table.row_index(referred_share), counts, 1, counts, 0)
    # Of the households referred to a residential project, the share accepted.
    residential_total = count_grid(
        "residential", referrals, [("residential", residential)], HOUSEHOLD_COLUMNS
    )
    _share_row(
        table,
        table.row_index(success_share),
        table,
        table.row_index(REFERRAL_RESULTS[1]),
        residential_total,
        0,
    )
    return table


@question("Q10", CE_APR)
def q10(ctx: CoordinatedEntryContext) -> Table:
    """Every assessment (by 4.19.4 level) and event (by 4.20.2) of the period, counted as
    occurrences (not clients), with their results."""
    columns = [
        "Total Occurrences",
        "Successful Referral",
        "Unsuccessful Referral client rejected",
        "Unsuccessful Referral provider rejected",
        "Rehoused in safe alternative",
        "Enrolled in aftercare",
    ]
    rows = ["Crisis Needs Assessment", "Housing Needs Assessment", *EVENT_LABELS.values()]
    table = Table("Q10", columns, rows)
    assessments = ctx.assessments.select(
        "PersonalID",
        "EnrollmentID",
        ("a" + pl.col("AssessmentID")).alias("occurrence"),
        "AssessmentLevel",
    )
    events = ctx.events.filter(pl.col("EventDate") <= ctx.params.end).select(
        "PersonalID",
        "EnrollmentID",
        ("e" + pl.col("EventID")).alias("occurrence"),
        "Event",
        "ReferralResult",
        "ProbSolDivRRResult",
        "ReferralCaseManageAfter",
    )
    level = pl.col("AssessmentLevel")
    count_cells(table, assessments, {(0, 0): level == 1, (1, 0): level == 2}, "occurrence")
    event, result = pl.col("Event"), pl.col("ReferralResult")
    residential = event.is_in(RESIDENTIAL_REFERRALS)
    cells = {}
    for r, code in enumerate(EVENT_LABELS, start=2):
        cells[(r, 0)] = event == code
        for c, result_code in enumerate(REFERRAL_RESULTS, start=1):
            cells[(r, c)] = (event == code) & residential & (result == result_code)
        cells[(r, 4)] = (
            (event == code) & (event == PROBLEM_SOLVING) & (pl.col("ProbSolDivRRResult") == 1)
        )
        cells[(r, 5)] = (
            (event == code) & (event == AFTERCARE) & (pl.col("ReferralCaseManageAfter") == 1)
        )
    for r in (0, 1):
        for c in range(1, len(columns)):
            table.set(r, c, 0)
    count_cells(table, events, cells, "occurrence")
    # The drill-down lists clients: map each occurrence back to its client.
    table.members = _occurrence_members(table.members, assessments, events)
    return table


def _occurrence_members(members, assessments: pl.DataFrame, events: pl.DataFrame):
    """count_cells keyed the cells by occurrence id: present them by client."""
    owners = pl.concat(
        [
            assessments.select("occurrence", "PersonalID"),
            events.select("occurrence", "PersonalID"),
        ]
    ).lazy()
    return (
        members.rename({"PersonalID": "occurrence"})
        .join(owners, on="occurrence", how="left")
        .select("row", "col", "PersonalID", "EnrollmentID")
    )
