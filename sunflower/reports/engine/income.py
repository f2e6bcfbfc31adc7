"""Income and sources (4.02), non-cash benefits (4.03) and health insurance (4.04) at the
three APR/CAPER collection points, written once for Q16–Q21, the youth tables (Q27g–Q27i)
and the CAPER.

Each stage function returns one row per client of ``ctx.served`` in that stage's universe
(its ``CLIENT_COLUMNS``), with the matching IncomeBenefits record's columns joined (all null when there is none;
computed once per report context, so every question shares them):

* ``income_at_start``: every client; the record with DataCollectionStage 1 (project start)
  and InformationDate equal to the project start date.
* ``income_at_annual_assessment``: stayers, with ``engine.annual``'s ``annual_due`` (null
  while no annual assessment is required) and its latest record within 30 days of it,
  known by the report end.
* ``income_at_exit``: leavers; the DataCollectionStage 3 record dated on the exit date.

``benefits_at`` is the non-cash benefit questions' (Q20a / Q20b) own selection of the
annual and exit records (see its docstring). ``with_total_income`` adds the monthly cash
income the questions classify.
"""

from __future__ import annotations

import polars as pl

from .annual import ANNUAL_STAGE, latest_in_window, with_annual_due
from .labels import DK_PNTA, NOT_COLLECTED
from .universe import ReportContext

START, ANNUAL, EXIT = "start", "annual", "exit"
STAGES = (START, ANNUAL, EXIT)

# 4.02 cash income sources: (yes/no field, amount field, HUD's row label).
INCOME_SOURCES: list[tuple[str, str, str]] = [
    ("Earned", "EarnedAmount", "Earned Income"),
    ("Unemployment", "UnemploymentAmount", "Unemployment Insurance"),
    ("SSI", "SSIAmount", "Supplemental Security Income (SSI)"),
    ("SSDI", "SSDIAmount", "Social Security Disability Insurance (SSDI)"),
    (
        "VADisabilityService",
        "VADisabilityServiceAmount",
        "VA Service – Connected Disability Compensation",
    ),
    (
        "VADisabilityNonService",
        "VADisabilityNonServiceAmount",
        "VA Non-Service Connected Disability Pension",
    ),
    ("PrivateDisability", "PrivateDisabilityAmount", "Private Disability Insurance"),
    ("WorkersComp", "WorkersCompAmount", "Worker’s Compensation"),
    ("TANF", "TANFAmount", "Temporary Assistance for Needy Families (TANF)"),
    ("GA", "GAAmount", "General Assistance (GA)"),
    ("SocSecRetirement", "SocSecRetirementAmount", "Retirement Income from Social Security"),
    ("Pension", "PensionAmount", "Pension or retirement income from a former job"),
    ("ChildSupport", "ChildSupportAmount", "Child Support"),
    ("Alimony", "AlimonyAmount", "Alimony and other spousal support"),
    ("OtherIncomeSource", "OtherIncomeAmount", "Other Source"),
]

# 4.03 non-cash benefit sources: (field, HUD's row label).
BENEFIT_SOURCES: list[tuple[str, str]] = [
    ("SNAP", "Supplemental Nutrition Assistance Program (SNAP) (Previously known as Food Stamps)"),
    ("WIC", "Special Supplemental Nutrition Program for Women, Infants, and Children (WIC)"),
    ("TANFChildCare", "TANF Child Care Services"),
    ("TANFTransportation", "TANF Transportation Services"),
    ("OtherTANF", "Other TANF-Funded Services"),
    ("OtherBenefitsSource", "Other Source"),
]

# 4.04 health insurance sources: (field, HUD's row label).
INSURANCE_SOURCES: list[tuple[str, str]] = [
    ("Medicaid", "MEDICAID"),
    ("Medicare", "MEDICARE"),
    ("SCHIP", "State Children’s Health Insurance Program"),
    ("VHAServices", "Veteran's Health Administration (VHA)"),
    ("EmployerProvided", "Employer – Provided Health Insurance"),
    ("COBRA", "Health Insurance obtained through COBRA"),
    ("PrivatePay", "Private Pay Health Insurance"),
    ("StateHealthIns", "State Health Insurance for Adults"),
    ("IndianHealthServices", "Indian Health Services Program"),
    ("OtherInsurance", "Other"),
]

# Income groups of Q16 (upper bounds of monthly cash income).
INCOME_RANGES: list[tuple[float, str]] = [
    (150, "$1 - $150"),
    (250, "$151 - $250"),
    (500, "$251 - $500"),
    (1000, "$501 - $1,000"),
    (1500, "$1,001 - $1,500"),
    (2000, "$1,501 - $2,000"),
]
NO_INCOME = "No Income"
HIGHEST_RANGE = "$2,001+"
NO_ANNUAL_REQUIRED = "No Annual Required"
ANNUAL_MISSING = "Required Annual Missing"

# IncomeBenefits columns a stage frame carries (everything but the export bookkeeping).
_RECORD_COLUMNS = [
    "IncomeBenefitsID",
    "InformationDate",
    "DataCollectionStage",
    "IncomeFromAnySource",
    "TotalMonthlyIncome",
    *[column for source in INCOME_SOURCES for column in source[:2]],
    "BenefitsFromAnySource",
    *[field for field, _ in BENEFIT_SOURCES],
    "InsuranceFromAnySource",
    *[field for field, _ in INSURANCE_SOURCES],
]


# The columns of ``served`` a stage frame carries: who the client is and what the income
# questions split by. Narrow on purpose: joining every served column costs more than the
# questions that read the frames.
CLIENT_COLUMNS = [
    "PersonalID",
    "EnrollmentID",
    "client_number",
    "HouseholdID",
    "ProjectType",
    "EntryDate",
    "ExitDate",
    "leaver",
    "stayer",
    "age_group",
    "is_adult",
    "is_hoh",
    "adult_or_hoh",
    "household_type",
    "DisablingCondition",
]


def _clients(ctx: ReportContext) -> pl.DataFrame:
    return ctx.served.select(CLIENT_COLUMNS)


# The client columns a stage's records are matched on: a subset that presents none of them
# differently (Q27's youth presented as adults) takes its stage frames from the report's.
_MATCHED_ON = {
    "PersonalID",
    "EnrollmentID",
    "client_number",
    "HouseholdID",
    "EntryDate",
    "ExitDate",
    "leaver",
    "stayer",
}


def _stage_memo(ctx: ReportContext, stage: str, build) -> pl.DataFrame:
    def build_or_narrow() -> pl.DataFrame:
        narrowed = ctx.from_report(lambda report: income_at(report, stage), _MATCHED_ON)
        return narrowed if narrowed is not None else build()

    return ctx.memo(f"income_{stage}", build_or_narrow)


# Records are chosen on their keys alone (row number ``_row`` in the IncomeBenefits frame,
# EnrollmentID, dates), and their ~50 columns taken once for the rows a stage frame keeps:
# sorting and deduplicating every column of the records costs several times more.
_LATEST_UPDATE_FIRST = {
    "by": ["DateUpdated", "IncomeBenefitsID"],
    "descending": True,
    "nulls_last": True,
}


def _stage_record_keys(ctx: ReportContext, stage: int) -> pl.DataFrame:
    """``_row``, EnrollmentID, InformationDate and the update keys of the IncomeBenefits
    records of one DataCollectionStage, in file order."""
    return (
        ctx.frames["IncomeBenefits"]
        .select(
            "EnrollmentID", "InformationDate", "DataCollectionStage", *_LATEST_UPDATE_FIRST["by"]
        )
        .with_row_index("_row")
        .filter(pl.col("DataCollectionStage") == stage)
        .drop("DataCollectionStage")
    )


def _record_keys(ctx: ReportContext, stage: int) -> pl.DataFrame:
    """``_row``, EnrollmentID and InformationDate of the records of one stage, latest
    update first (the frames' own, so every subset of the report shares them)."""
    return ctx.memo(
        f"income_record_keys_{stage}",
        lambda: (
            _stage_record_keys(ctx, stage)
            .sort(**_LATEST_UPDATE_FIRST)
            .select("_row", "EnrollmentID", "InformationDate")
        ),
        shared=True,
    )


def _dated_record_keys(ctx: ReportContext, stage: int) -> pl.DataFrame:
    """One record per (EnrollmentID, InformationDate) of a stage: the latest updated. Most
    dates have a single record; only the others are sorted to find it."""

    def build() -> pl.DataFrame:
        keys = _stage_record_keys(ctx, stage).with_columns(
            _several=pl.struct("EnrollmentID", "InformationDate").is_duplicated()
        )
        latest_of_several = (
            keys.filter(pl.col("_several"))
            .sort(**_LATEST_UPDATE_FIRST)
            .unique(["EnrollmentID", "InformationDate"], keep="first", maintain_order=True)
        )
        return pl.concat([keys.filter(~pl.col("_several")), latest_of_several]).select(
            "_row", "EnrollmentID", "InformationDate"
        )

    return ctx.memo(f"income_dated_record_keys_{stage}", build, shared=True)


def _with_record_columns(ctx: ReportContext, frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with the record columns of its ``_row`` (all null where ``_row`` is null)
    in place of ``_row``."""
    records = ctx.memo(
        "income_record_columns",
        lambda: ctx.frames["IncomeBenefits"].select(_RECORD_COLUMNS),
        shared=True,
    )
    taken = records[frame["_row"]]
    return frame.drop("_row", *[c for c in taken.columns if c in frame.columns]).hstack(taken)


def income_at_start(ctx: ReportContext) -> pl.DataFrame:
    """Every served client with the project-start record dated on the project start."""

    def build() -> pl.DataFrame:
        records = _dated_record_keys(ctx, 1)
        matched = _clients(ctx).join(
            records,
            left_on=["EnrollmentID", "EntryDate"],
            right_on=["EnrollmentID", "InformationDate"],
            how="left",
        )
        return _with_record_columns(ctx, matched).with_columns(
            InformationDate=pl.when(pl.col("IncomeBenefitsID").is_not_null()).then(
                pl.col("EntryDate")
            )
        )

    return _stage_memo(ctx, START, build)


def income_at_exit(ctx: ReportContext) -> pl.DataFrame:
    """Every leaver with the project-exit record dated on the exit date."""

    def build() -> pl.DataFrame:
        records = _dated_record_keys(ctx, 3)
        matched = (
            _clients(ctx)
            .filter(pl.col("leaver"))
            .join(
                records,
                left_on=["EnrollmentID", "ExitDate"],
                right_on=["EnrollmentID", "InformationDate"],
                how="left",
            )
        )
        return _with_record_columns(ctx, matched).with_columns(
            InformationDate=pl.when(pl.col("IncomeBenefitsID").is_not_null()).then(
                pl.col("ExitDate")
            )
        )

    return _stage_memo(ctx, EXIT, build)


def income_at_annual_assessment(ctx: ReportContext) -> pl.DataFrame:
    """Every stayer with ``annual_due`` and the latest annual-assessment record dated within
    30 days of it (all record columns null when none is due or none was recorded)."""

    def build() -> pl.DataFrame:
        stayers = with_annual_due(ctx, _clients(ctx).filter(pl.col("stayer")))
        records = latest_in_window(stayers, _record_keys(ctx, ANNUAL_STAGE), ctx.params.end)
        matched = stayers.join(records.drop("InformationDate"), on="EnrollmentID", how="left")
        return _with_record_columns(ctx, matched)

    return _stage_memo(ctx, ANNUAL, build)


def income_at(ctx: ReportContext, stage: str) -> pl.DataFrame:
    return {
        START: income_at_start,
        ANNUAL: income_at_annual_assessment,
        EXIT: income_at_exit,
    }[stage](ctx)


def _latest_record_any_stage(ctx: ReportContext, enrollment_ids: pl.Series) -> pl.DataFrame:
    """EnrollmentID -> ``_row`` of its IncomeBenefits record with the latest
    InformationDate, of any collection stage, for these enrollments (ties: the first in the
    file, as HUD's reference code's sort keeps; the stable sort after the filter keeps the
    file order)."""
    return (
        ctx.frames["IncomeBenefits"]
        .select("EnrollmentID", "InformationDate")
        .with_row_index("_row")
        .filter(pl.col("EnrollmentID").is_in(enrollment_ids.implode()))
        .sort("InformationDate", descending=True, nulls_last=True, maintain_order=True)
        .unique("EnrollmentID", keep="first", maintain_order=True)
        .select("EnrollmentID", "_row")
    )


def benefits_at(ctx: ReportContext, stage: str) -> pl.DataFrame:
    """The records Q20a / Q20b read, one row per client of the stage's universe.

    APR/CAPER programming specifications, Q20a (Q20b: "Use the same logic for client and
    record selection as Q20a"):

    * annual (3d, 3e): "If the head of household has the required annual assessment record,
      allow other household members who are also stayers to be included in the universe
      according to their most recent data even if it is not annual assessment data and
      regardless of their length of stay." Those members take their latest record of any
      stage (the specification sets no date limit; HUD's reference code none either);
      everyone else keeps the annual-assessment rule of ``income_at_annual_assessment``.
    * exit (4f): "report only heads of households who left plus other adult household
      members who left at the same time as the head of household": leavers whose exit date
      is a head of household's exit date in the same household.
    """

    def build_annual() -> pl.DataFrame:
        frame = income_at_annual_assessment(ctx)
        hoh_assessed = (
            frame.select("HouseholdID", "is_hoh", "IncomeBenefitsID")
            .filter(pl.col("is_hoh") & pl.col("IncomeBenefitsID").is_not_null())["HouseholdID"]
            .implode()
        )
        members = pl.col("HouseholdID").is_in(hoh_assessed) & ~pl.col("is_hoh")
        kept = frame.filter(~members)
        others = frame.filter(members).select(
            *[c for c in frame.columns if c not in _RECORD_COLUMNS]
        )
        latest = _with_record_columns(
            ctx,
            others.join(
                _latest_record_any_stage(ctx, others["EnrollmentID"]),
                on="EnrollmentID",
                how="left",
            ),
        )
        return pl.concat([kept, latest.select(frame.columns)], how="vertical_relaxed")

    def build_exit() -> pl.DataFrame:
        heads_exits = (
            ctx.enrollments.select("HouseholdID", "RelationshipToHoH", "ExitDate")
            .filter((pl.col("RelationshipToHoH") == 1) & pl.col("ExitDate").is_not_null())
            .select("HouseholdID", hoh_exit=pl.col("ExitDate"))
            .unique()
        )
        return income_at_exit(ctx).join(
            heads_exits,
            left_on=["HouseholdID", "ExitDate"],
            right_on=["HouseholdID", "hoh_exit"],
            how="semi",
        )

    if stage == ANNUAL:
        return ctx.memo("benefits_annual", build_annual)
    if stage == EXIT:
        return ctx.memo("benefits_exit", build_exit)
    return income_at_start(ctx)


def _amount(flag: str, amount: str) -> pl.Expr:
    """A source's amount counts only when the source is marked Yes and the amount is
    positive."""
    return pl.when((pl.col(flag) == 1) & (pl.col(amount) > 0)).then(pl.col(amount)).otherwise(0.0)


def with_total_income(frame: pl.DataFrame, annual: bool = False) -> pl.DataFrame:
    """Adds ``earned_income``, ``total_income`` (null when unknown) and ``income_group``
    (Q16's row).

    Total monthly income is TotalMonthlyIncome when positive, else the sum of the
    sources' amounts; it is 0 when the client reported no income (IncomeFromAnySource 0, or
    a non-positive total with no contradicting "Yes"). In the annual column a stayer whose
    household has no assessment due is "No Annual Required" and one whose due assessment
    is absent is "Required Annual Missing"."""
    sources_sum = pl.sum_horizontal([_amount(flag, amount) for flag, amount, _ in INCOME_SOURCES])
    any_source = pl.col("IncomeFromAnySource")
    total = (
        pl.when(pl.col("TotalMonthlyIncome") > 0)
        .then(pl.col("TotalMonthlyIncome"))
        .when(sources_sum > 0)
        .then(sources_sum)
        .when(
            (any_source == 0)
            | ((pl.col("TotalMonthlyIncome") <= 0) & (any_source.is_null() | (any_source == 1)))
        )
        .then(0.0)
    )
    # Lazy, so that polars sums the sources once for the two uses of the sum.
    frame = frame.lazy().with_columns(
        earned_income=_amount("Earned", "EarnedAmount"),
        total_income=total,
    )
    group = pl.when(pl.col("total_income").is_null()).then(
        pl.when(any_source.is_in([8, 9])).then(pl.lit(DK_PNTA)).otherwise(pl.lit(NOT_COLLECTED))
    )
    group = group.when(pl.col("total_income") == 0).then(pl.lit(NO_INCOME))
    for upper, label in INCOME_RANGES:
        group = group.when(pl.col("total_income") <= upper).then(pl.lit(label))
    group = group.otherwise(pl.lit(HIGHEST_RANGE))
    if annual:
        group = (
            pl.when(pl.col("annual_due").is_null())
            .then(pl.lit(NO_ANNUAL_REQUIRED))
            .when(pl.col("IncomeBenefitsID").is_null())
            .then(pl.lit(ANNUAL_MISSING))
            .otherwise(group)
        )
    return frame.with_columns(income_group=group).collect()


def has_income_information() -> pl.Expr:
    """IncomeFromAnySource answered Yes or No (the Q17/Q18/Q19 "income information")."""
    return pl.col("IncomeFromAnySource").is_in([0, 1])
