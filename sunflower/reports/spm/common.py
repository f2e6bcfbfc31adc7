"""What every System Performance Measure shares: the CoC's enrollments over the look-back,
bed nights, and the table shapes.

* ``spm_enrollments(ctx)``: every enrollment, from the look-back stop date to the report
  end, of a household whose head of household's 3.16 Enrollment CoC is the report's CoC
  (a household with no Enrollment CoC counts when its project operates in this CoC only),
  in the CoC's continuum projects; with project type, exit, destination, DOB, age, the
  household's adjusted move-in date and whether the client was literally homeless at
  project start. Built once per report run (it reads only the frames and the parameters,
  so running a measure on the previous year's parameters is just another ReportParams).
* ``spm_bed_nights(ctx)``: the night-by-night shelters' bed nights (4.14) of those
  enrollments, from the look-back stop date to the report end.
* ``measure_table`` / ``percent``: HUD's SPM layout (Previous FY / Current FY /
  Difference columns, the previous year's left empty) and its percentages (two decimals).

Column names: HUD's for HUD columns; snake_case for derived ones.
"""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from sunflower.reports.engine.lengths import bed_nights
from sunflower.reports.engine.registry import lookback_start
from sunflower.reports.engine.table import AVERAGE, Table, count_cells
from sunflower.reports.engine.universe import ReportContext, full_years, member_move_in

# HMIS project types (2.02.6).
ES_EE, ES_NBN, TH, PSH, SO, SSO, SH, PH_HOUSING_ONLY, PH_WITH_SERVICES, RRH = (
    0,
    1,
    2,
    3,
    4,
    6,
    8,
    9,
    10,
    13,
)
ES = [ES_EE, ES_NBN]
PH = [PSH, PH_HOUSING_ONLY, PH_WITH_SERVICES, RRH]
# Permanent housing other than rapid re-housing (Measure 7b.2).
PH_NOT_RRH = [PSH, PH_HOUSING_ONLY, PH_WITH_SERVICES]

# 3.917 prior living situations: homeless (1xx); 2xx institutional, 3xx temporary and 4xx
# permanent are literal homelessness only after a short stay that followed a night on the
# street or in ES/SH (LOSUnderThreshold and PreviousStreetESSH both Yes).
_HOMELESS_SITUATIONS = [101, 116, 118]

CURRENT_COLUMNS = ["Previous FY", "Current FY", "Difference"]


# The SPM's look-back; the report reads one year more, for the prior year's measures.
LOOKBACK_YEARS = 7


def lookback_stop(ctx: ReportContext):
    """The SPM's [Lookback Stop Date]: seven years before the report start."""
    return lookback_start("spm", ctx.params, years=LOOKBACK_YEARS)


def spm_enrollments(ctx: ReportContext) -> pl.DataFrame:
    return ctx.memo("spm_enrollments", lambda: _build_enrollments(ctx), shared=True)


def _build_enrollments(ctx: ReportContext) -> pl.DataFrame:
    params = ctx.params
    frames = ctx.frames
    projects = ctx.projects.filter(pl.col("ContinuumProject") == 1).select(
        "ProjectID", "ProjectType"
    )
    enrollment_columns = [
        "EnrollmentID",
        "PersonalID",
        "ProjectID",
        "EntryDate",
        "HouseholdID",
        "RelationshipToHoH",
        "EnrollmentCoC",
        "LivingSituation",
        "LOSUnderThreshold",
        "PreviousStreetESSH",
        "DateToStreetESSH",
        "MoveInDate",
    ]
    enrollments = (
        frames["Enrollment"]
        .lazy()
        .select(enrollment_columns)
        .filter(pl.col("EntryDate") <= params.end)
        .join(projects.lazy(), on="ProjectID", how="inner")
    )
    if params.coc:
        # Projects operating in this CoC only: a household without an Enrollment CoC is the
        # CoC's (HUD's reference code does the same).
        single = (
            frames["ProjectCoC"]
            .lazy()
            .group_by("ProjectID")
            .agg(n=pl.col("CoCCode").n_unique(), ours=(pl.col("CoCCode") == params.coc).any())
            .filter((pl.col("n") == 1) & pl.col("ours"))
            .select("ProjectID", single_coc=pl.lit(True))
        )
        households = (
            enrollments.filter(pl.col("RelationshipToHoH") == 1)
            .join(single, on="ProjectID", how="left")
            .filter(
                (pl.col("EnrollmentCoC") == params.coc)
                | (pl.col("EnrollmentCoC").is_null() & pl.col("single_coc").fill_null(False))
            )
            .select("HouseholdID")
            .unique()
        )
        enrollments = enrollments.join(households, on="HouseholdID", how="semi")
    exits = frames["Exit"].lazy().select("EnrollmentID", "ExitDate", "Destination")
    clients = frames["Client"].lazy().select("PersonalID", "DOB")
    stop = lookback_stop(ctx)
    enrollments = (
        enrollments.join(exits, on="EnrollmentID", how="left")
        .with_columns(
            # An exit after the report end is no exit for the report.
            ExitDate=pl.when(pl.col("ExitDate") <= params.end).then(pl.col("ExitDate")),
            Destination=pl.when(pl.col("ExitDate") <= params.end).then(pl.col("Destination")),
        )
        # Nothing a measure reads ended before the look-back stop date.
        .filter(pl.col("ExitDate").is_null() | (pl.col("ExitDate") >= stop))
        .join(clients, on="PersonalID", how="left")
    )
    # The household's move-in date: the head of household's, in permanent housing (the
    # earliest head's enrollment of the household), applied to each member as HUD's
    # Glossary does (a member who joined later is housed from their own start).
    move_in = (
        enrollments.filter((pl.col("RelationshipToHoH") == 1) & pl.col("ProjectType").is_in(PH))
        .sort("EntryDate")
        .group_by("HouseholdID")
        .agg(hoh_move_in=pl.col("MoveInDate").first())
    )
    date_for_age = pl.max_horizontal(pl.col("EntryDate"), pl.lit(params.start))
    literally_homeless = pl.col("LivingSituation").is_in(_HOMELESS_SITUATIONS) | (
        pl.col("LivingSituation").is_between(200, 499)
        & (pl.col("LOSUnderThreshold") == 1)
        & (pl.col("PreviousStreetESSH") == 1)
    )
    hoh_move_in = pl.col("hoh_move_in")
    return (
        enrollments.join(move_in, on="HouseholdID", how="left")
        .with_columns(
            # A move-in after the report end has not happened yet for the report.
            hoh_move_in=pl.when(pl.col("ProjectType").is_in(PH) & (hoh_move_in <= params.end))
            .then(hoh_move_in)
            .otherwise(None)
        )
        .with_columns(
            move_in=member_move_in(pl.col("hoh_move_in")),
            age=pl.when(pl.col("DOB").is_not_null() & (pl.col("DOB") <= date_for_age)).then(
                full_years(pl.col("DOB"), date_for_age)
            ),
            literally_homeless=(
                pl.col("ProjectType").is_in([*ES, SH]) | literally_homeless
            ).fill_null(False),
        )
        .drop("hoh_move_in", "EnrollmentCoC", "LOSUnderThreshold", "PreviousStreetESSH")
        # An integer key per person: Measure 1 sorts and groups millions of rows by person.
        .with_columns(person=pl.col("PersonalID").rank("dense").cast(pl.UInt32))
        .collect()
    )


def spm_bed_nights(ctx: ReportContext) -> pl.DataFrame:
    """(EnrollmentID, DateProvided, PersonalID, person): bed nights of the night-by-night shelters,
    each on or after the project start, before the exit, not after the report end and not
    before the look-back stop date (the engine's rule, Glossary Method 2)."""

    def build() -> pl.DataFrame:
        stays = spm_enrollments(ctx).filter(pl.col("ProjectType") == ES_NBN)
        nights = bed_nights(ctx, stays.select("EnrollmentID", "EntryDate", "ExitDate"))
        return nights.filter(pl.col("DateProvided") >= lookback_stop(ctx)).join(
            stays.select("EnrollmentID", "PersonalID", "person"), on="EnrollmentID", how="left"
        )

    return ctx.memo("spm_bed_nights", build, shared=True)


def active_in_period(ctx: ReportContext, frame: pl.DataFrame) -> pl.DataFrame:
    """Enrollments of ``frame`` active in the period (Glossary, active clients): entry and
    exit around the period; for night-by-night shelters, a bed night in the period or an
    exit in it (Method 2)."""
    start, end = ctx.params.start, ctx.params.end
    overlaps = (pl.col("EntryDate") <= end) & (
        pl.col("ExitDate").is_null() | (pl.col("ExitDate") >= start)
    )
    nights = spm_bed_nights(ctx)
    with_night = nights.filter(pl.col("DateProvided") >= start).select("EnrollmentID").unique()
    frame = frame.join(with_night.with_columns(_night=pl.lit(True)), on="EnrollmentID", how="left")
    exited_in_period = pl.col("ExitDate").is_between(start, end)
    nbn = pl.col("ProjectType") == ES_NBN
    return frame.filter(
        pl.when(nbn)
        .then(exited_in_period.fill_null(False) | (overlaps & pl.col("_night").fill_null(False)))
        .otherwise(overlaps)
    ).drop("_night")


def day_after(value):
    return value + timedelta(days=1)


def percent(numerator, denominator) -> float:
    """HUD's SPM percentages: a percent with two decimals, 0 when nothing to divide."""
    return round(100.0 * numerator / denominator, 2) if denominator else 0.0


def measure_table(
    name: str,
    columns: list[str],
    rows: list[str],
    frame: pl.DataFrame,
    counts: dict[tuple[int, int], pl.Expr],
) -> Table:
    """A table with HUD's labels whose count cells (r, c) count the distinct clients of
    ``frame`` for whom the expression holds (members kept for the drill-down)."""
    table = Table(name, columns, rows)
    count_cells(table, frame, counts)
    return table


def set_average(table: Table, r: int, c: int, value: float | None) -> None:
    table.set(r, c, None if value is None else round(float(value), 2), kind=AVERAGE)
