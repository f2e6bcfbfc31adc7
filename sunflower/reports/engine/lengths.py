"""Lengths of time shared by the APR/CAPER Q22 questions and the youth questions (Q27).

* ``with_participation_days``: a client's length of participation in the project, in days
  (bed nights for night-by-night shelters); ``bed_nights``: the bed nights of enrollments,
  also read by the data-quality and point-in-time questions.
* ``with_time_to_move_in`` / ``with_time_prior_to_housing``: days from project start to
  housing move-in (Q22c, Q22f) and from the start of homelessness (3.917) to housing (Q22e,
  Q22g).
* HUD's day bands (``*_BANDS``), ``band_of``, which labels a number of days with them, and
  ``band_table``, the table of clients by band.

Every function takes ``ctx`` and a frame shaped like ``ctx.served`` (so ``ctx.subset(...)``
frames work too) and returns that frame with columns added.
"""

from __future__ import annotations

import polars as pl

from .table import Table, count_grid
from .universe import ReportContext, days_between, member_move_in

Band = tuple[int, int | None, str]  # (lowest day, highest day or None for open-ended, label)

NIGHT_BY_NIGHT_SHELTER = 1
# HMIS project types whose housing starts at Housing Move-In Date (3.20): PSH, PH - housing
# only, PH - housing with services, RRH.
PERMANENT_HOUSING = [3, 9, 10, 13]
# Project types with a move-in date in Q22c/Q22f ("PSH & RRH").
PSH_AND_RRH = [3, 13]
# Project types of Q22e/Q22g: ES entry/exit, ES night-by-night, TH, PSH, SH, PH - housing
# only, RRH (HUD's list has no PH - housing with services).
TIME_PRIOR_TO_HOUSING_PROJECTS = [0, 1, 2, 3, 8, 9, 13]

_SHORT_BANDS: list[Band] = [
    (0, 7, "0 to 7 days"),
    (8, 14, "8 to 14 days"),
    (15, 21, "15 to 21 days"),
    (22, 30, "22 to 30 days"),
    (31, 60, "31 to 60 days"),
    (61, 90, "61 to 90 days"),
    (91, 180, "91 to 180 days"),
    (181, 365, "181 to 365 days"),
    (366, 730, "366 to 730 days (1-2 Yrs)"),
]
_LONG_BANDS: list[Band] = [
    (731, 1095, "731 to 1,095 days (2-3 Yrs)"),
    (1096, 1460, "1,096 to 1,460 days (3-4 Yrs)"),
    (1461, 1825, "1,461 to 1,825 days (4-5 Yrs)"),
    (1826, None, "More than 1,825 days (>5 Yrs)"),
]
# Q22a1 (APR length of participation).
APR_PARTICIPATION_BANDS: list[Band] = [
    (0, 30, "30 days or less"),
    *[band for band in _SHORT_BANDS if band[0] > 30],
    *_LONG_BANDS,
]
# Q22a2 (CAPER length of participation).
CAPER_PARTICIPATION_BANDS: list[Band] = [*_SHORT_BANDS, *_LONG_BANDS]
# Q22c, Q22d, Q22e: weeks and months up to two years, then one open band.
TWO_YEAR_BANDS: list[Band] = [*_SHORT_BANDS, (731, None, "731 days or more")]


def band_of(days: pl.Expr, bands: list[Band]) -> pl.Expr:
    """The label of the band ``days`` falls in; null when ``days`` is null or negative."""
    expr = pl.when(pl.lit(False)).then(pl.lit(None, dtype=pl.String))
    for low, high, label in bands:
        inside = days >= low if high is None else days.is_between(low, high)
        expr = expr.when(inside).then(pl.lit(label))
    return expr.otherwise(pl.lit(None, dtype=pl.String))


def band_rows(column: str, bands: list[Band]) -> list[tuple[str, pl.Expr]]:
    """count_grid rows, one per band, for a column made by ``band_of``."""
    return [(label, pl.col(column) == label) for _, _, label in bands]


def band_table(
    name: str,
    frame: pl.DataFrame,
    days: str,
    bands: list[Band],
    columns: list[tuple[str, pl.Expr]],
) -> Table:
    """Clients of ``frame`` by the band of their ``days`` column, and the Total row (the
    length-of-participation tables Q22a1, Q22a2, Q22d)."""
    frame = frame.with_columns(_band=band_of(pl.col(days), bands))
    return count_grid(name, frame, [*band_rows("_band", bands), ("Total", pl.lit(True))], columns)


# --- length of participation ---------------------------------------------------------------
def bed_nights(
    ctx: ReportContext,
    stays: pl.DataFrame,
    night_of_exit: bool = False,
    from_report_start: bool = False,
) -> pl.DataFrame:
    """(EnrollmentID, DateProvided), distinct: the bed nights of the enrollments of
    ``stays`` (EnrollmentID, EntryDate, ExitDate), written once for the lengths of stay
    (Q22) and the data-quality and point-in-time questions (Q6f, Q7b, Q8b).

    A bed night is a 4.14 Bed Night service (Services RecordType 200, TypeProvided 200)
    dated on or after the project start and on or before the report end, and not after the
    exit. A night dated on the exit date is not a bed night (Glossary, "Bed-Night and Length
    of Stay in Residence", Method 2: "< [project exit date] ... Note that while the [project
    exit date] is used for determining active clients, it shouldn't be counted as a
    bed-night"); ``night_of_exit`` counts it anyway (HUD's reference code does, in Q22's
    length of stay; no question uses it now).
    ``from_report_start``: only nights in the report period.
    """
    services = ctx.frames["Services"].filter(
        (pl.col("RecordType") == 200) & (pl.col("TypeProvided") == 200)
    )
    night, exit_date = pl.col("DateProvided"), pl.col("ExitDate")
    within_exit = night <= exit_date if night_of_exit else night < exit_date
    in_period = night <= ctx.params.end
    if from_report_start:
        in_period = in_period & (night >= ctx.params.start)
    return (
        services.select("EnrollmentID", "DateProvided")
        .filter(in_period)
        .join(stays.select("EnrollmentID", "EntryDate", "ExitDate"), on="EnrollmentID", how="inner")
        .filter((night >= pl.col("EntryDate")) & (exit_date.is_null() | within_exit))
        .select("EnrollmentID", "DateProvided")
        .unique()
    )


def bed_night_counts(ctx: ReportContext, frame: pl.DataFrame) -> pl.DataFrame:
    """EnrollmentID -> ``bed_nights``, the number of bed nights of each night-by-night
    enrollment of ``frame``, for its length of participation."""
    stays = frame.select("EnrollmentID", "EntryDate", "ExitDate", "ProjectType").filter(
        pl.col("ProjectType") == NIGHT_BY_NIGHT_SHELTER
    )
    return bed_nights(ctx, stays).group_by("EnrollmentID").agg(bed_nights=pl.len().cast(pl.Int64))


def with_participation_days(ctx: ReportContext, frame: pl.DataFrame) -> pl.DataFrame:
    """Adds ``participation_days``: exit date (for stayers, the day after the report end)
    minus project start date; for night-by-night shelters the number of bed nights."""
    counted = bed_night_counts(ctx, frame)
    frame = frame.drop("bed_nights", strict=False).join(counted, on="EnrollmentID", how="left")
    end_of_stay = pl.coalesce(pl.col("ExitDate"), pl.lit(ctx.params.day_after_end))
    return frame.with_columns(
        participation_days=pl.when(pl.col("ProjectType") == NIGHT_BY_NIGHT_SHELTER)
        .then(pl.col("bed_nights").fill_null(0))
        .otherwise(days_between(pl.col("EntryDate"), end_of_stay))
    ).drop("bed_nights")


# --- housing move-in -------------------------------------------------------------------------
def with_housing_move_in(ctx: ReportContext, frame: pl.DataFrame) -> pl.DataFrame:
    """Adds ``hoh_housing_move_in`` (the head of household's Housing Move-In Date in a
    permanent housing project) and ``housed_on``: the client's adjusted move-in date (the
    engine's ``move_in_date_adj`` covers PSH and RRH only).

    HUD: the head of household's move-in date applies to every member; a member who
    entered later is housed from their own project start (or birth); a member who exited
    before the household moved in was never housed, and a move-in after the report end
    has not happened yet for the report.
    """
    # PSH/RRH: the engine's household move-in, computed on the whole report (so it holds in
    # ctx.subset() frames too). Other permanent housing: from the heads' enrollments here.
    other_ph = [t for t in PERMANENT_HOUSING if t not in PSH_AND_RRH]
    heads = (
        ctx.enrollments.lazy()  # filters only the three columns read
        .filter((pl.col("RelationshipToHoH") == 1) & pl.col("ProjectType").is_in(other_ph))
        .group_by("HouseholdID")
        .agg(other_ph_move_in=pl.col("MoveInDate").min())
        .collect()
    )
    frame = (
        frame.drop("hoh_housing_move_in", "housed_on", strict=False)
        .join(heads, on="HouseholdID", how="left")
        .with_columns(
            hoh_housing_move_in=pl.when(pl.col("ProjectType").is_in(PSH_AND_RRH))
            .then(pl.col("hoh_move_in_date"))
            .otherwise(pl.col("other_ph_move_in"))
        )
        .drop("other_ph_move_in")
    )
    move_in = pl.col("hoh_housing_move_in")
    housed_on = pl.when(
        pl.col("ProjectType").is_in(PERMANENT_HOUSING) & (move_in <= ctx.params.end)
    ).then(member_move_in(move_in))
    return frame.with_columns(housed_on=housed_on)


def with_time_to_move_in(ctx: ReportContext, frame: pl.DataFrame) -> pl.DataFrame:
    """Adds, for PSH and RRH clients, Q22c's universe: ``moved_in`` (the head of household
    moved in during the report period), ``exited_without_move_in`` (a leaver whose head of
    household never moved in) and ``days_to_move_in``: project start to the household's
    move-in, or 0 for a member who joined after it (housed from their own start)."""
    frame = with_housing_move_in(ctx, frame)
    start, end = ctx.params.start, ctx.params.end
    ph = pl.col("ProjectType").is_in(PSH_AND_RRH)
    household_move_in = pl.col("hoh_housing_move_in")
    moved_in = (ph & household_move_in.is_between(start, end)).fill_null(False)
    housed_from = pl.max_horizontal(pl.col("EntryDate"), household_move_in)
    return frame.with_columns(
        moved_in=moved_in,
        exited_without_move_in=(
            ph & household_move_in.is_null() & pl.col("ExitDate").is_not_null()
        ).fill_null(False),
        days_to_move_in=pl.when(moved_in).then(days_between(pl.col("EntryDate"), housed_from)),
    )


def with_time_prior_to_housing(ctx: ReportContext, frame: pl.DataFrame) -> pl.DataFrame:
    """Adds, for the project types of Q22e/Q22g: ``housing_date`` (project start, or the
    move-in date in permanent housing), ``homeless_since`` (3.917 Date homelessness
    started: the client's own for adults and unknown ages when it is not after project
    start; the head of household's for a child who entered with the head) and
    ``days_prior_to_housing`` (null when either date is missing or out of order).

    ``in_time_prior_to_housing`` marks the clients of the project types the questions count;
    ``joined_after_hoh`` a child who started after the head of household, to whom the head's
    3.917 is not propagated (specifications, Q22e 2c: "Children who enter after the HoH would
    be counted on row 14 (data not collected)"; Q22g 2c: "Children who enter after the HoH
    are excluded from this question entirely")."""
    frame = with_housing_move_in(ctx, frame)
    child = (pl.col("age") < 18).fill_null(False)
    joined_later = child & (pl.col("EntryDate") != pl.col("hoh_entry_date")).fill_null(False)
    in_scope = pl.col("ProjectType").is_in(TIME_PRIOR_TO_HOUSING_PROJECTS)
    housing_date = (
        pl.when(pl.col("ProjectType").is_in(PERMANENT_HOUSING))
        .then(pl.col("housed_on"))
        .otherwise(pl.col("EntryDate"))
    )
    homeless_since = (
        pl.when(child)
        .then(
            pl.when(pl.col("EntryDate") == pl.col("hoh_entry_date")).then(
                pl.col("hoh_date_to_street")
            )
        )
        .when(pl.col("DateToStreetESSH") <= pl.col("EntryDate"))
        .then(pl.col("DateToStreetESSH"))
    )
    frame = frame.with_columns(
        in_time_prior_to_housing=in_scope.fill_null(False),
        joined_after_hoh=joined_later,
        housing_date=pl.when(in_scope).then(housing_date),
        homeless_since=pl.when(in_scope).then(homeless_since),
    )
    days = days_between(pl.col("homeless_since"), pl.col("housing_date"))
    return frame.with_columns(days_prior_to_housing=pl.when(days >= 0).then(days))
