"""APR/CAPER Q6a–Q6f (data quality), Q7b (persons on the PIT dates), Q8a/Q8b (households
served and on the PIT dates), Q9a/Q9b (street outreach contacts and engagements).

Every data-quality question counts the DQ universe (``ctx.served_dq``: street-outreach
clients count only once engaged); its rates divide by the matching Q5a "Count of Clients for
DQ" row. The questions exist, unchanged, in both the APR and the CAPER.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from sunflower.reports.engine import HOUSEHOLD_COLUMNS, ReportContext, Table, count_grid, question
from sunflower.reports.engine.annual import ANNUAL_STAGE, latest_in_window, with_annual_due
from sunflower.reports.engine.demographics import no_race_selected
from sunflower.reports.engine.disabilities import report_disabilities
from sunflower.reports.engine.income import EXIT, INCOME_SOURCES, START, income_at
from sunflower.reports.engine.labels import DK_PNTA as DK_PNTA_LABEL
from sunflower.reports.engine.lengths import bed_nights
from sunflower.reports.engine.table import RATE, add_members, count_cells, rate

APR_AND_CAPER = ("apr", "caper")

DK_PNTA = [8, 9]
ES_NBN, STREET_OUTREACH, SERVICES_ONLY = 1, 4, 6
PATH_FUNDER = 21  # 2.06.1 HHS: PATH – Street Outreach & Supportive Services Only
PSH, RRH = 3, 13


# --- shared helpers ---------------------------------------------------------------------------


def _dq_counts(ctx: ReportContext) -> dict[str, int]:
    """The Q5a DQ-column counts that Q6 rates divide by (once per context)."""
    return ctx.memo("dq_counts", lambda: _count_dq(ctx))


def _count_dq(ctx: ReportContext) -> dict[str, int]:
    dq = ctx.served_dq
    adult, hoh = pl.col("is_adult"), pl.col("is_hoh")
    long_stay = pl.col("stayer") & (pl.col("days_in_project") >= 365) & (adult | hoh)
    long_households = (
        dq.lazy().filter(long_stay & hoh).select("HouseholdID").collect()["HouseholdID"].implode()
    )
    counts = dq.select(
        total=pl.len(),
        adults=adult.sum(),
        children=pl.col("is_child").sum(),
        leavers=pl.col("leaver").sum(),
        adult_and_hoh_leavers=((adult | hoh) & pl.col("leaver")).sum(),
        hoh=hoh.sum(),
        child_and_unknown_hoh=(~adult & hoh).sum(),
        long_stayers=(long_stay | (adult & pl.col("HouseholdID").is_in(long_households))).sum(),
    ).row(0, named=True)
    return {key: int(value or 0) for key, value in counts.items()}


def _flag_table(
    name: str,
    frame: pl.DataFrame,
    elements: list[tuple[str, pl.Expr, int]],
    columns: tuple[str, str, str, str, str],
) -> Table:
    """One row per data element; ``flag`` says "dk", "missing", "issue" or null.

    ``elements`` are (row label, flag expression, rate denominator); the Total column counts
    clients with any flag (each client has at most one flag per element, as HUD's tables
    take the first matching column).
    """
    dk_label, missing_label, issue_label, total_label, rate_label = columns
    flags = [(f"_flag{i}", flag) for i, (_, flag, _) in enumerate(elements)]
    table = Table(
        name,
        [dk_label, missing_label, issue_label, total_label, rate_label],
        [label for label, _, _ in elements],
    )
    cells = {}
    for r, (column, _) in enumerate(flags):
        flag = pl.col(column)
        for c, value in enumerate(("dk", "missing", "issue")):
            cells[(r, c)] = flag == value
        cells[(r, 3)] = flag.is_not_null()
    count_cells(table, frame.with_columns([flag.alias(column) for column, flag in flags]), cells)
    for r, (_, _, denominator) in enumerate(elements):
        table.set(r, 4, rate(table.values[r][3], denominator), kind=RATE)
    return table


def _flag(dk=None, missing=None, issue=None) -> pl.Expr:
    """HUD's columns in order: the first that matches is the client's flag."""
    expr = pl.when(pl.lit(False)).then(pl.lit(None, pl.String))
    for value, condition in (("dk", dk), ("missing", missing), ("issue", issue)):
        if condition is not None:
            expr = expr.when(condition.fill_null(False)).then(pl.lit(value))
    return expr.otherwise(pl.lit(None, pl.String))


# --- Q6a: personally identifying information --------------------------------------------------


# Nine digits all alike, or consecutive (ascending or descending, wrapping 9 -> 0): the
# strings themselves, so the check is one lookup rather than per-digit arithmetic.
_REPEATED_OR_SEQUENTIAL_SSNS = sorted(
    {str(d) * 9 for d in range(10)}
    | {"".join(str((d + i) % 10) for i in range(9)) for d in range(10)}
    | {"".join(str((d - i) % 10) for i in range(9)) for d in range(10)}
)


def _ssn_is_invalid() -> pl.Expr:
    """3.02 SSN data issue (HMIS Reporting Glossary, DQ Q2 column D): only digits besides
    the placeholder "x"; the last four digits present and not 0000; when present, the
    first three not 000, 666 or 9xx and the 4th–5th not 00; when all nine are present, not
    one digit repeated nor a run of consecutive digits (ascending or descending)."""
    ssn = pl.col("SSN").str.to_lowercase()
    area, group, serial = ssn.str.slice(0, 3), ssn.str.slice(3, 2), ssn.str.slice(5, 4)
    return (
        ~ssn.str.contains(r"^[0-9x]{9}$")
        | ~serial.str.contains(r"^[0-9]{4}$")
        | (serial == "0000")
        | (area == "000")
        | (area == "666")
        | area.str.contains(r"^9[0-9]{2}$")
        | (group == "00")
        | ssn.is_in(_REPEATED_OR_SEQUENTIAL_SSNS)
    )


@question("Q6a", *APR_AND_CAPER)
def q6a(ctx: ReportContext) -> Table:
    """Data quality: personally identifying information (3.01 Name, 3.02 SSN, 3.03 DOB,
    3.04 Race and Ethnicity)."""
    dq = ctx.served_dq
    denominator = _dq_counts(ctx)["total"]
    name_quality = pl.col("NameDataQuality")
    ssn_quality = pl.col("SSNDataQuality")
    dob, dob_quality = pl.col("DOB"), pl.col("DOBDataQuality")
    no_race = no_race_selected()
    elements = [
        (
            "Name",
            _flag(
                dk=name_quality.is_in(DK_PNTA),
                missing=(name_quality == 99)
                | pl.col("FirstName").is_null()
                | pl.col("LastName").is_null(),
                issue=name_quality == 2,
            ),
        ),
        (
            "SSN",
            _flag(
                dk=ssn_quality.is_in(DK_PNTA),
                missing=(ssn_quality == 99) | pl.col("SSN").is_null(),
                # Since FY2024 a partial SSN (quality 2) is no issue while it follows the
                # rules: column D is "=[rule]", not "=[2]" as for Name.
                issue=_ssn_is_invalid(),
            ),
        ),
        (
            "DOB",
            _flag(
                dk=dob_quality.is_in(DK_PNTA) & dob.is_null(),
                missing=dob.is_null(),
                issue=(dob_quality == 2)
                | (dob_quality.is_in([8, 9, 99]) & dob.is_not_null())
                | (dob < dt.date(1915, 1, 1))
                | (dob > pl.col("client_DateCreated").dt.date())
                | ((dob >= pl.col("EntryDate")) & pl.col("adult_or_hoh")),
            ),
        ),
        (
            "Race",
            _flag(
                dk=pl.col("RaceNone").is_in(DK_PNTA),
                missing=(pl.col("RaceNone") == 99) | no_race,
            ),
        ),
    ]
    # The flags once: the table and the overall score both read them. Computed lazily so
    # that polars evaluates the SSN's shared pieces (lower case, area, group, serial) once.
    flagged = (
        dq.lazy()
        .select("PersonalID", "EnrollmentID", *[flag.alias(label) for label, flag in elements])
        .collect()
    )
    table = _flag_table(
        "Q6a",
        flagged,
        [(label, pl.col(label), denominator) for label, _ in elements],
        (
            DK_PNTA_LABEL,
            "Information Missing",
            "Data Issues",
            "Total",
            "% of Issue Rate",
        ),
    )
    # Overall score: clients with any issue in any element; the other cells are greyed out
    # in the spec and written as 0 in HUD's CSV.
    any_issue = flagged.filter(
        pl.any_horizontal([pl.col(label).is_not_null() for label, _ in elements])
    )
    table.rows.append("Overall Score")
    table.values.append([0, 0, 0, any_issue["PersonalID"].n_unique(), None])
    overall = len(table.rows) - 1
    table.set(overall, 4, rate(table.values[overall][3], denominator), kind=RATE)
    add_members(table, any_issue, overall, 3)
    return table


# --- Q6b: universal data elements -------------------------------------------------------------


def _overlapping_enrollments(ctx: ReportContext, frame: pl.DataFrame) -> pl.Series:
    """EnrollmentIDs that start inside an earlier stay of the same client in the same
    project (3.10 Project Start Date data issue)."""
    earlier = (
        ctx.frames["Enrollment"]
        .select(
            "PersonalID", "ProjectID", pl.col("EntryDate").alias("earlier_entry"), "EnrollmentID"
        )
        .join(
            ctx.frames["Exit"].select("EnrollmentID", pl.col("ExitDate").alias("earlier_exit")),
            on="EnrollmentID",
            how="inner",
        )
        # Only an earlier stay with an exit can contain a later start.
        .filter(pl.col("earlier_exit").is_not_null())
        .drop("EnrollmentID")
    )
    return (
        frame.select("EnrollmentID", "PersonalID", "ProjectID", "EntryDate")
        .join(earlier, on=["PersonalID", "ProjectID"], how="inner")
        .filter(
            (pl.col("EntryDate") > pl.col("earlier_entry"))
            & (pl.col("EntryDate") < pl.col("earlier_exit"))
        )["EnrollmentID"]
        .unique()
    )


def _conflicting_disability(ctx: ReportContext, enrollment_ids: pl.Series) -> pl.Series:
    """The enrollments of ``enrollment_ids`` whose latest 4.05–4.10 records show a
    disability of long duration (so a 3.08 Disabling Condition of "No" conflicts with
    them)."""
    response, kind = pl.col("DisabilityResponse"), pl.col("DisabilityType")
    date = pl.col("InformationDate")
    long_duration = ((response == 1) | ((kind == 10) & response.is_in([2, 3]))) & (
        kind.is_in([6, 8]) | (kind.is_in([5, 7, 9, 10]) & (pl.col("IndefiniteAndImpairs") == 1))
    )
    records = report_disabilities(ctx)
    # Only an enrollment with a record of long duration can conflict: its latest date is
    # looked for among its own records only, not among every enrollment's.
    candidates = records.filter(
        long_duration & pl.col("EnrollmentID").is_in(enrollment_ids.implode())
    )["EnrollmentID"]
    return (
        records.filter(pl.col("EnrollmentID").is_in(candidates.implode()))
        .filter((date == date.max().over("EnrollmentID")) & long_duration)["EnrollmentID"]
        .unique()
    )


def _households_without_one_head(ctx: ReportContext) -> pl.Series:
    return (
        ctx.enrollments.group_by("HouseholdID")
        .agg(heads=pl.col("PersonalID").filter(pl.col("RelationshipToHoH") == 1).n_unique())
        .filter(pl.col("heads") != 1)["HouseholdID"]
    )


def _project_coc_codes(ctx: ReportContext) -> pl.DataFrame:
    """(ProjectID, EnrollmentCoC) pairs that are valid: a CoC of the project's 2.03
    Continuum of Care Information."""
    return (
        ctx.frames["ProjectCoC"]
        .select("ProjectID", pl.col("CoCCode").alias("EnrollmentCoC"), coc_valid=pl.lit(True))
        .unique(["ProjectID", "EnrollmentCoC"])
    )


@question("Q6b", *APR_AND_CAPER)
def q6b(ctx: ReportContext) -> Table:
    """Data quality: universal data elements."""
    dq = ctx.served_dq
    counts = _dq_counts(ctx)
    adult, child, hoh = pl.col("is_adult"), pl.col("is_child"), pl.col("is_hoh")
    veteran = pl.col("VeteranStatus")
    relationship = pl.col("RelationshipToHoH")
    disabling = pl.col("DisablingCondition")
    overlapping = _overlapping_enrollments(ctx, dq).implode()
    # The pairs are unique, so a left join keeps dq's rows in order: only the flag is taken
    # (a join of every dq column costs more).
    coc_valid = (
        dq.select("ProjectID", "EnrollmentCoC")
        .join(_project_coc_codes(ctx), on=["ProjectID", "EnrollmentCoC"], how="left")
        .get_column("coc_valid")
    )
    dq = dq.with_columns(coc_valid=coc_valid)
    # 3.08 No conflicting with a disability of long duration (only a "No" can conflict).
    said_no = dq.select("EnrollmentID", "DisablingCondition").filter(disabling == 0)
    conflicting = _conflicting_disability(ctx, said_no["EnrollmentID"]).implode()
    elements = [
        (
            "Veteran Status 3 07",
            _flag(
                dk=adult & veteran.is_in(DK_PNTA),
                missing=adult & ((veteran == 99) | veteran.is_null()),
                issue=child & (veteran == 1),
            ),
            counts["adults"] + counts["children"],
        ),
        (
            "Project Start Date 3 10",
            _flag(
                issue=pl.col("EnrollmentID").is_in(overlapping)
                | (pl.col("EntryDate") > pl.col("ExitDate"))
            ),
            counts["total"],
        ),
        (
            "Relationship to Head of Household 3 15",
            _flag(
                missing=relationship.is_null(),
                issue=~relationship.is_in([1, 2, 3, 4, 5])
                | pl.col("HouseholdID").is_in(_households_without_one_head(ctx).implode()),
            ),
            counts["total"],
        ),
        (
            "EnrollmentCoC 3 16",
            _flag(
                missing=hoh & pl.col("EnrollmentCoC").is_null(),
                # Glossary DQ Q3: not a valid CoC code "based on the project's Continuum of
                # Care Information (data element 2.03)".
                issue=hoh & pl.col("coc_valid").is_null(),
            ),
            counts["hoh"],
        ),
        (
            "Disabling Condition 3 08",
            _flag(
                dk=disabling.is_in(DK_PNTA),
                missing=(disabling == 99) | disabling.is_null(),
                issue=(disabling == 0) & pl.col("EnrollmentID").is_in(conflicting),
            ),
            counts["total"],
        ),
    ]
    # HUD's column order is DK/PNTA, Missing, Data Issues; Missing wins over DK/PNTA only
    # where both cannot hold, so the order of the checks above does not change any count.
    return _flag_table(
        "Q6b", dq, elements, ("DK/PNTA", "Missing", "Data Issues", "Total", "Percent of Issue Rate")
    )


# --- Q6c: income and housing data quality -----------------------------------------------------


def _income_answers(frame: pl.DataFrame, prefix: str) -> pl.DataFrame:
    """EnrollmentID, 4.02 IncomeFromAnySource and the number of sources marked Yes of the
    stage's income records, as ``<prefix>_any`` / ``<prefix>_sources``."""
    return frame.select(
        "EnrollmentID",
        pl.col("IncomeFromAnySource").alias(f"{prefix}_any"),
        pl.when(pl.col("IncomeBenefitsID").is_not_null())
        .then(
            pl.sum_horizontal(
                [(pl.col(flag).fill_null(0) == 1).cast(pl.Int64) for flag, _, _ in INCOME_SOURCES]
            )
        )
        .alias(f"{prefix}_sources"),
    )


def _income_flag(prefix: str) -> pl.Expr:
    """4.02 Income and Sources: missing, DK/PNTA, or "any source" contradicting the
    individual sources."""
    any_source, sources = pl.col(f"{prefix}_any"), pl.col(f"{prefix}_sources")
    return _flag(
        dk=any_source.is_in(DK_PNTA),
        missing=any_source.is_null() | (any_source == 99),
        issue=((any_source == 0) & (sources > 0))
        | ((any_source == 1) & (sources.is_null() | (sources == 0))),
    )


@question("Q6c", *APR_AND_CAPER)
def q6c(ctx: ReportContext) -> Table:
    """Data quality: income and housing data quality."""
    dq = ctx.served_dq
    counts = _dq_counts(ctx)
    # Start and exit: the income questions' records (engine.income). Annual assessment:
    # the latest stage-5 record within 30 days of the anniversary and not after the report
    # end, the income questions' rule (engine.annual, Glossary "Annual Assessment" 6 and 8).
    columns = ["PersonalID", "EnrollmentID", "HouseholdID", "Destination"]
    clients = with_annual_due(
        ctx, dq.select(*columns, "EntryDate", "adult_or_hoh", "leaver", "stayer")
    )
    annual_records = (
        ctx.frames["IncomeBenefits"]
        .lazy()  # filters only the selected columns
        .filter(pl.col("DataCollectionStage") == ANNUAL_STAGE)
        .select(
            "EnrollmentID",
            "InformationDate",
            "IncomeBenefitsID",
            "IncomeFromAnySource",
            *[flag for flag, _, _ in INCOME_SOURCES],
        )
        .collect()
    )
    annual = latest_in_window(clients, annual_records, ctx.params.end)
    frame = (
        clients.join(_income_answers(income_at(ctx, START), "start"), on="EnrollmentID", how="left")
        .join(_income_answers(income_at(ctx, EXIT), "exit"), on="EnrollmentID", how="left")
        .join(_income_answers(annual, "annual"), on="EnrollmentID", how="left")
    )
    destination = pl.col("Destination")
    adult_or_hoh = pl.col("adult_or_hoh")
    leaver = pl.col("leaver")
    annual_required = pl.col("annual_due").is_not_null() & pl.col("stayer") & adult_or_hoh
    elements = [
        (
            "Destination 3 12",
            _flag(
                dk=leaver & destination.is_in(DK_PNTA),
                missing=leaver & (destination.is_null() | destination.is_in([30, 99])),
            ),
            counts["leavers"],
        ),
        (
            "Income and Sources 4 02 at Start",
            pl.when(adult_or_hoh).then(_income_flag("start")),
            counts["adults"] + counts["child_and_unknown_hoh"],
        ),
        (
            "Income and Sources 4 02 at Annual Assessment",
            pl.when(annual_required).then(_income_flag("annual")),
            counts["long_stayers"],
        ),
        (
            "Income and Sources 4 02 at Exit",
            pl.when(leaver & adult_or_hoh).then(_income_flag("exit")),
            counts["adult_and_hoh_leavers"],
        ),
    ]
    return _flag_table(
        "Q6c",
        frame,
        elements,
        ("DK/PNTA", "Missing", "Data Issues", "Total", "Percent of Issue Rate"),
    )


# --- Q6d: chronic homelessness data quality ---------------------------------------------------

Q6D_GROUPS = [
    ("ES-EE ES-NbN SH Street Outreach", [0, 1, 4, 8]),
    ("TH", [2]),
    ("PH all", [3, 9, 10, 13]),
    ("CE", [14]),
    ("SSO Day Shelter HP", [6, 11, 12]),
]
Q6D_COLUMNS = [
    "Count of total records",
    "Missing time in institution 3 917 2",
    "Missing time in housing 3 917 2",
    "Approximate Date started 3 917 3 Missing",
    "Number of times 3 917 4 DK R missing",
    "Number of months 3 917 5 DK R missing",
    "Percent of records unable to calculate",
]
# 3.917 applies from the FY2017 data standards (project starts on or after 10/1/2016).
Q6D_FIRST_ENTRY = dt.date(2016, 10, 1)


@question("Q6d", *APR_AND_CAPER)
def q6d(ctx: ReportContext) -> Table:
    """Data quality: chronic homelessness (3.917 Prior Living Situation), adults and HoH who
    started on or after 10/1/2016."""
    project_type = pl.col("ProjectType")
    living = pl.col("LivingSituation")
    stay = pl.col("LengthOfStay")
    stay_missing = stay.is_null() | stay.is_in([8, 9, 99])
    street_shelter = project_type.is_in([0, 1, 4, 8])
    institutional = living.is_between(200, 299)
    housing_or_other = living.is_null() | living.is_between(0, 99) | living.is_between(300, 499)
    # 3.917 A (ES/SH/SO), literal homelessness, or a short institutional / other stay after
    # the street or shelter: the approximate start and the three-year history are due.
    history_due = (
        street_shelter
        | living.is_between(100, 199)
        | (
            (pl.col("PreviousStreetESSH") == 1)
            & (
                (institutional & stay.is_in([10, 11, 2, 3]))
                | (housing_or_other & stay.is_in([10, 11]))
            )
        )
    )
    times, months = pl.col("TimesHomelessPastThreeYears"), pl.col("MonthsHomelessPastThreeYears")
    checks = [
        ~street_shelter & institutional & stay_missing,
        ~street_shelter & housing_or_other & stay_missing,
        history_due & pl.col("DateToStreetESSH").is_null(),
        history_due & (times.is_null() | times.is_in([8, 9, 99])),
        history_due & (months.is_null() | months.is_in([8, 9, 99])),
    ]
    frame = (
        ctx.served_dq.lazy()
        .filter(
            (pl.col("EntryDate") >= Q6D_FIRST_ENTRY)
            & pl.col("adult_or_hoh")
            & project_type.is_in([t for _, types in Q6D_GROUPS for t in types])
        )
        .with_columns(
            [c.fill_null(False).alias(f"_check{i}") for i, c in enumerate(checks)],
        )
    )
    any_check = pl.any_horizontal([pl.col(f"_check{i}") for i in range(len(checks))])
    table = Table("Q6d", Q6D_COLUMNS, [label for label, _ in Q6D_GROUPS] + ["Total"])
    groups = [(label, project_type.is_in(types)) for label, types in Q6D_GROUPS]
    groups.append(("Total", pl.lit(True)))
    cells = {}
    for r, (label, in_group) in enumerate(groups):
        cells[(r, 0)] = in_group
        for i in range(len(checks)):
            # The Total row counts only records and the rate (HUD's CSV writes 0).
            cells[(r, i + 1)] = (
                in_group & pl.col(f"_check{i}") if label != "Total" else pl.lit(False)
            )
        cells[(r, 6)] = in_group & any_check  # the rate's numerator, replaced below
    count_cells(table, frame, cells)
    failing = [table.values[r][6] for r in range(len(groups))]
    table.members = table.members.filter(pl.col("col") != 6)
    for r in range(len(groups)):
        table.set(r, 6, rate(failing[r], table.values[r][0]), kind=RATE)
    return table


# --- Q6e: timeliness --------------------------------------------------------------------------

TIMELINESS_ROWS = ["< 0 days", "0 days", "1-3 days", "4-6 days", "7-10 days", "11+ days"]


def _timeliness_band(days: pl.Expr) -> pl.Expr:
    return (
        pl.when(days < 0)
        .then(pl.lit("< 0 days"))
        .when(days == 0)
        .then(pl.lit("0 days"))
        .when(days <= 3)
        .then(pl.lit("1-3 days"))
        .when(days <= 6)
        .then(pl.lit("4-6 days"))
        .when(days <= 10)
        .then(pl.lit("7-10 days"))
        .when(days.is_not_null())
        .then(pl.lit("11+ days"))
    )


@question("Q6e", *APR_AND_CAPER)
def q6e(ctx: ReportContext) -> Table:
    """Data quality: timeliness, days from project start / exit to the record's creation."""
    start, end = ctx.params.start, ctx.params.end
    entry, exit_date = pl.col("EntryDate"), pl.col("ExitDate")
    # Only who and the two bands: the rows are filtered a dozen times below.
    frame = ctx.served_dq.select(
        "PersonalID",
        "EnrollmentID",
        start_band=pl.when(entry.is_between(start, end)).then(
            _timeliness_band((pl.col("DateCreated").dt.date() - entry).dt.total_days())
        ),
        exit_band=pl.when(exit_date.is_not_null()).then(
            _timeliness_band((pl.col("exit_DateCreated").dt.date() - exit_date).dt.total_days())
        ),
    )
    columns = [
        ("Number of Project Start Records", "start_band"),
        ("Number of Project Exit Records", "exit_band"),
    ]
    table = Table("Q6e", [label for label, _ in columns], TIMELINESS_ROWS)
    for c, (_, band) in enumerate(columns):
        for r, label in enumerate(TIMELINESS_ROWS):
            hits = frame.filter(pl.col(band) == label)
            table.set(r, c, hits["PersonalID"].n_unique())
            add_members(table, hits, r, c)
    return table


# --- Q6f: inactive records --------------------------------------------------------------------


def _bed_nights_in_period(ctx: ReportContext) -> pl.DataFrame:
    """Bed nights in the report period on the report's enrollments, within the stay (on or
    after entry, before exit): Q6f's latest bed night, Q7b / Q8b's nights on the PIT dates."""
    return ctx.memo(
        "bed_nights_in_period",
        lambda: bed_nights(ctx, ctx.enrollments, night_of_exit=False, from_report_start=True),
    )


def path_funded_projects(ctx: ReportContext) -> pl.Series:
    """ProjectIDs with a 2.06 HHS PATH grant (Funder 21) active in the report period."""
    start, end = ctx.params.start, ctx.params.end
    funders = ctx.frames["Funder"]
    return funders.filter(
        (pl.col("Funder") == PATH_FUNDER)
        & (pl.col("StartDate").is_null() | (pl.col("StartDate") <= end))
        & (pl.col("EndDate").is_null() | (pl.col("EndDate") >= start))
    )["ProjectID"].unique()


@question("Q6f", *APR_AND_CAPER)
def q6f(ctx: ReportContext) -> Table:
    """Data quality: inactive records (HMIS Reporting Glossary, DQ Q7). Stayers who started
    more than 90 days before the report end and whose latest contact / bed night is more
    than 90 days before it (or who have none)."""
    end = ctx.params.end
    cutoff = end - dt.timedelta(days=90)
    project_type = pl.col("ProjectType")
    long_stayers = (
        ctx.served_dq.lazy()
        .filter(pl.col("stayer") & (pl.col("EntryDate") < cutoff))
        .select("PersonalID", "EnrollmentID", "ProjectID", "ProjectType", "adult_or_hoh")
        .collect()
    )
    latest_contact = (
        ctx.frames["CurrentLivingSituation"]
        .select("EnrollmentID", "InformationDate")
        .filter(pl.col("InformationDate") <= end)
        .group_by("EnrollmentID")
        .agg(latest=pl.col("InformationDate").max())
    )
    latest_night = (
        _bed_nights_in_period(ctx).group_by("EnrollmentID").agg(latest=pl.col("DateProvided").max())
    )
    outreach = (project_type == STREET_OUTREACH) | (
        (project_type == SERVICES_ONLY)
        & pl.col("ProjectID").is_in(path_funded_projects(ctx).implode())
    )
    activities = [
        # FY2026: row 2 is SO (any funder) and PATH-funded SSO; NbN shelters were removed.
        (
            "Contact (Adults and Heads of Household in Street Outreach or PATH-funded SSO)",
            outreach & pl.col("adult_or_hoh"),
            latest_contact,
        ),
        ("Bed Night (All clients in ES – NBN)", project_type == ES_NBN, latest_night),
    ]
    table = Table(
        "Q6f",
        ["Number of Records", "Number of Inactive Records", "Percent of Inactive Records"],
        [label for label, _, _ in activities],
    )
    for r, (_, applies, latest) in enumerate(activities):
        records = long_stayers.filter(applies).join(latest, on="EnrollmentID", how="left")
        inactive = records.filter(pl.col("latest").is_null() | (pl.col("latest") < cutoff))
        table.set(r, 0, records["PersonalID"].n_unique())
        table.set(r, 1, inactive["PersonalID"].n_unique())
        add_members(table, records, r, 0)
        add_members(table, inactive, r, 1)
        table.set(r, 2, rate(table.values[r][1], table.values[r][0]), kind=RATE)
    return table


# --- Q7b / Q8b: point-in-time counts ----------------------------------------------------------

PIT_MONTHS = [(1, "January"), (4, "April"), (7, "July"), (10, "October")]
# Spec Q7b instructions 6-7: a residential stay ends the night before the exit date; other
# project types count the exit day itself.
EXIT_AFTER_PIT_TYPES = [0, 1, 2, 3, 8, 9, 10, 13]
EXIT_ON_PIT_TYPES = [4, 6, 7, 11, 12, 14]


def pit_dates(start: dt.date, end: dt.date) -> list[tuple[str, dt.date | None]]:
    """The last Wednesday of January, April, July and October in the report period (the
    latest one when the period is longer than a year)."""
    dates = []
    for month, label in PIT_MONTHS:
        found = None
        for year in range(end.year, start.year - 1, -1):
            last = (dt.date(year, month + 1, 1) if month < 12 else dt.date(year + 1, 1, 1)) - (
                dt.timedelta(days=1)
            )
            wednesday = last - dt.timedelta(days=(last.weekday() - 2) % 7)
            if start <= wednesday <= end:
                found = wednesday
                break
        dates.append((label, found))
    return dates


def active_on(ctx: ReportContext, enrollments: pl.DataFrame, day: dt.date) -> pl.DataFrame:
    """Enrollments active on ``day``: started, moved in (PSH/RRH), and not yet exited; for
    ES night-by-night, a bed night on that date."""
    nights = (
        _bed_nights_in_period(ctx).filter(pl.col("DateProvided") == day)["EnrollmentID"].implode()
    )
    project_type, exit_date = pl.col("ProjectType"), pl.col("ExitDate")
    return enrollments.filter(
        (pl.col("EntryDate") <= day)
        & (
            ~project_type.is_in([PSH, RRH])
            | (pl.col("hoh_move_in_date").is_not_null() & (pl.col("hoh_move_in_date") <= day))
        )
        & (
            pl.col("EnrollmentID").is_in(nights)
            | (
                (project_type != ES_NBN)
                & (
                    exit_date.is_null()
                    | (project_type.is_in(EXIT_AFTER_PIT_TYPES) & (exit_date > day))
                    | (project_type.is_in(EXIT_ON_PIT_TYPES) & (exit_date >= day))
                )
            )
        )
    )


# The enrollment columns the point-in-time counts read (a narrow frame filters faster).
_PIT_COLUMNS = [
    "PersonalID",
    "EnrollmentID",
    "HouseholdID",
    "RelationshipToHoH",
    "ProjectType",
    "EntryDate",
    "ExitDate",
    "hoh_move_in_date",
]


def _pit_enrollments(ctx: ReportContext) -> pl.DataFrame:
    """The report's enrollments (``_PIT_COLUMNS``) with their client's household type, the
    column the point-in-time tables split by (once per context, for Q7b and Q8b)."""

    def build() -> pl.DataFrame:
        household_type = ctx.served.select("PersonalID", "household_type")
        return ctx.enrollments.select(_PIT_COLUMNS).join(
            household_type, on="PersonalID", how="left"
        )

    return ctx.memo("pit_enrollments", build)


def _pit_table(ctx: ReportContext, name: str, households: bool) -> Table:
    enrollments = _pit_enrollments(ctx)
    heads = enrollments.filter(pl.col("RelationshipToHoH") == 1) if households else None
    table = Table(name, [label for label, _ in HOUSEHOLD_COLUMNS], [m for _, m in PIT_MONTHS])
    members = []
    for r, (label, day) in enumerate(pit_dates(ctx.params.start, ctx.params.end)):
        people = active_on(ctx, enrollments, day) if day else enrollments.clear()
        if households:
            # A household is present when any member is; it is counted by its head.
            people = heads.filter(pl.col("HouseholdID").is_in(people["HouseholdID"].implode()))
        grid = count_grid(name, people, [(label, pl.lit(True))], HOUSEHOLD_COLUMNS)
        table.values[r] = grid.values[0]
        if grid.members is not None:
            members.append(grid.members.with_columns(row=pl.lit(r, pl.Int32)))
    table.members = pl.concat(members) if members else None
    return table


@question("Q7b", *APR_AND_CAPER)
def q7b(ctx: ReportContext) -> Table:
    """Point-in-time count of persons on the last Wednesday of January, April, July and
    October."""
    return _pit_table(ctx, "Q7b", households=False)


@question("Q8a", *APR_AND_CAPER)
def q8a(ctx: ReportContext) -> Table:
    """Number of households served (counted by their heads)."""
    end = ctx.params.end
    move_in = pl.col("hoh_move_in_date")
    rows = [
        ("Total Households", pl.col("is_hoh")),
        (
            "For PSH & RRH – the total households served who moved into housing",
            pl.col("is_hoh") & move_in.is_not_null() & (move_in <= end),
        ),
    ]
    return count_grid("Q8a", ctx.served, rows, HOUSEHOLD_COLUMNS)


@question("Q8b", *APR_AND_CAPER)
def q8b(ctx: ReportContext) -> Table:
    """Point-in-time count of households on the last Wednesday of January, April, July and
    October."""
    return _pit_table(ctx, "Q8b", households=True)


# --- Q9a / Q9b: street outreach contacts and engagements --------------------------------------

CONTACT_ROWS = ["Once", "2-5 times", "6-9 times", "10+ times"]
CONTACT_COLUMNS = [
    "All Persons Contacted",
    "First contact NOT staying on the Streets ES or SH",
    "First contact WAS staying on the Streets ES or SH",
    "First contact Worker unable to determine",
]
# A date of engagement without a contact on the same day counts as a contact whose living
# situation is unknown.
ENGAGEMENT_CONTACT = 999


def _contacts(ctx: ReportContext) -> pl.DataFrame:
    """Every contact (4.12 Current Living Situation) of an outreach / NbN enrollment, up to
    the date of engagement, within the stay and on or before the report end (Q9a and Q9b
    share them)."""
    return ctx.memo("outreach_contacts", lambda: _build_contacts(ctx))


def _build_contacts(ctx: ReportContext) -> pl.DataFrame:
    end = ctx.params.end
    served = (
        ctx.served.lazy()
        .filter(pl.col("ProjectType").is_in([ES_NBN, STREET_OUTREACH]))
        .select("EnrollmentID", "EntryDate", "ExitDate", "DateOfEngagement")
        .collect()
    )
    engagement = pl.col("DateOfEngagement")
    recorded = (
        served.join(
            ctx.frames["CurrentLivingSituation"].select(
                "EnrollmentID", "InformationDate", "CurrentLivingSituation"
            ),
            on="EnrollmentID",
            how="inner",
        )
        .filter(
            (pl.col("InformationDate") >= pl.col("EntryDate"))
            & (pl.col("ExitDate").is_null() | (pl.col("InformationDate") <= pl.col("ExitDate")))
            & (engagement.is_null() | (pl.col("InformationDate") <= engagement))
            & (pl.col("InformationDate") <= end)
        )
        .select("EnrollmentID", "InformationDate", "CurrentLivingSituation")
    )
    engaged_without_contact = served.filter(
        (engagement <= end)
        & ~pl.col("EnrollmentID").is_in(
            recorded.join(served, on="EnrollmentID")
            .filter(pl.col("InformationDate") == engagement)["EnrollmentID"]
            .implode()
        )
    ).select(
        "EnrollmentID",
        pl.col("DateOfEngagement").alias("InformationDate"),
        pl.lit(ENGAGEMENT_CONTACT, pl.Int64).alias("CurrentLivingSituation"),
    )
    return pl.concat([recorded, engaged_without_contact])


def _contact_table(name: str, clients: pl.DataFrame, contacts: pl.DataFrame) -> Table:
    situation = pl.col("CurrentLivingSituation")
    per_enrollment = (
        contacts.with_row_index("_order")
        .sort(["EnrollmentID", "InformationDate", "_order"])
        .group_by("EnrollmentID", maintain_order=True)
        .agg(contacts=pl.len(), first_situation=situation.first())
    )
    first = pl.col("first_situation")
    frame = clients.join(per_enrollment, on="EnrollmentID", how="inner").with_columns(
        # Spec Q9a instruction 1: C = 17 or 200-499, D = 100-199, E = 1-99 except 17 (and
        # an engagement date that is the only contact, instruction 4).
        first_group=pl.when(first.is_between(100, 199))
        .then(pl.lit("LH"))
        .when((first == 17) | first.is_between(200, 499))
        .then(pl.lit("not LH"))
        .when(first.is_between(1, 99) | (first == ENGAGEMENT_CONTACT))
        .then(pl.lit("unknown")),
        contact_band=pl.when(pl.col("contacts") == 1)
        .then(pl.lit("Once"))
        .when(pl.col("contacts") <= 5)
        .then(pl.lit("2-5 times"))
        .when(pl.col("contacts") <= 9)
        .then(pl.lit("6-9 times"))
        .otherwise(pl.lit("10+ times")),
    )
    group = pl.col("first_group")
    columns = [
        (CONTACT_COLUMNS[0], pl.lit(True)),
        (CONTACT_COLUMNS[1], group == "not LH"),
        (CONTACT_COLUMNS[2], group == "LH"),
        (CONTACT_COLUMNS[3], group == "unknown"),
    ]
    rows = [(label, pl.col("contact_band") == label) for label in CONTACT_ROWS]
    return count_grid(name, frame, [*rows, ("Total", pl.lit(True))], columns)


def _q9_clients(ctx: ReportContext) -> pl.DataFrame:
    """Adults and heads of household in outreach / NbN: who they are and when engaged (Q9a
    and Q9b; once per context)."""
    return ctx.memo(
        "q9_clients",
        lambda: (
            ctx.served.lazy()
            .filter(pl.col("ProjectType").is_in([ES_NBN, STREET_OUTREACH]) & pl.col("adult_or_hoh"))
            .select("PersonalID", "EnrollmentID", "DateOfEngagement")
            .collect()
        ),
    )


def _engaged_in_period(ctx: ReportContext) -> pl.Expr:
    return pl.col("DateOfEngagement").is_between(ctx.params.start, ctx.params.end)


@question("Q9a", *APR_AND_CAPER)
def q9a(ctx: ReportContext) -> Table:
    """Number of persons contacted (adults and HoH), by number of contacts and where they
    were staying at first contact."""
    start, end = ctx.params.start, ctx.params.end
    clients = _q9_clients(ctx)
    # Contacted in the period: a contact in the period up to engagement, or engaged in it.
    contacted = (
        clients.select("EnrollmentID", "DateOfEngagement")
        .join(
            ctx.frames["CurrentLivingSituation"].select("EnrollmentID", "InformationDate"),
            on="EnrollmentID",
            how="inner",
        )
        .filter(
            pl.col("InformationDate").is_between(start, end)
            & (
                pl.col("DateOfEngagement").is_null()
                | (pl.col("InformationDate") <= pl.col("DateOfEngagement"))
            )
        )["EnrollmentID"]
        .implode()
    )
    clients = clients.filter(pl.col("EnrollmentID").is_in(contacted) | _engaged_in_period(ctx))
    return _contact_table("Q9a", clients, _contacts(ctx))


@question("Q9b", *APR_AND_CAPER)
def q9b(ctx: ReportContext) -> Table:
    """Number of persons engaged in the period, as Q9a, and the rate of engagement."""
    contacts = _contacts(ctx)
    engaged = _contact_table("Q9b", _q9_clients(ctx).filter(_engaged_in_period(ctx)), contacts)
    contacted = q9a(ctx)
    table = Table("Q9b", engaged.columns, [*engaged.rows, "EngagementRate"])
    table.values = [*engaged.values, [None] * len(engaged.columns)]
    table.members = engaged.members
    total = engaged.rows.index("Total")
    for c in range(len(table.columns)):
        table.set(
            len(table.rows) - 1,
            c,
            rate(engaged.values[total][c], contacted.values[total][c]),
            kind=RATE,
        )
    return table
