"""APR Q22a1–Q22g: length of participation, time to move-in and time prior to housing,
overall and by race and ethnicity (``engine.lengths`` computes the lengths,
``engine.demographics`` the race and ethnicity categories)."""

from __future__ import annotations

import polars as pl

from sunflower.reports.engine import HOUSEHOLD_COLUMNS, ReportContext, Table, count_grid, question
from sunflower.reports.engine.demographics import (
    RACE_TABULATION_LABELS,
    race_tabulation,
    race_tabulation_columns,
)
from sunflower.reports.engine.labels import NOT_COLLECTED
from sunflower.reports.engine.lengths import (
    APR_PARTICIPATION_BANDS,
    TWO_YEAR_BANDS,
    band_of,
    band_rows,
    band_table,
    with_participation_days,
    with_time_prior_to_housing,
    with_time_to_move_in,
)
from sunflower.reports.engine.table import LEAVERS_AND_STAYERS

APR_AND_CAPER = ("apr", "caper")


def _set_average_and_median(
    table: Table, frame: pl.LazyFrame, days: str, mean_row: int, median_row: int
) -> None:
    """Fill the mean and median rows of a by-race table (0 where nobody counts)."""
    stats = (
        frame.filter(pl.col(days).is_not_null())
        .group_by("race_tabulation")
        .agg(mean=pl.col(days).mean(), median=pl.col(days).median())
        .collect()
    )
    by_race = {row["race_tabulation"]: row for row in stats.iter_rows(named=True)}
    for c, label in enumerate(RACE_TABULATION_LABELS):
        row = by_race.get(label, {})
        table.set(mean_row, c, float(row.get("mean") or 0.0), kind="rate")
        table.set(median_row, c, float(row.get("median") or 0.0), kind="rate")


# --- Q22a1 / Q22b: length of participation ---------------------------------------------------
def participation(ctx: ReportContext) -> pl.DataFrame:
    """``served`` with its length of participation (Q22a1, Q22b and the CAPER's Q22a2 /
    Q22d read it; computed once per context)."""
    return ctx.memo("participation", lambda: with_participation_days(ctx, ctx.served))


def time_to_move_in(ctx: ReportContext) -> pl.DataFrame:
    """``served`` with Q22c's time to move-in (Q22c and Q22f; computed once per context)."""
    return ctx.memo("time_to_move_in", lambda: with_time_to_move_in(ctx, ctx.served))


@question("Q22a1", "apr")
def q22a1(ctx: ReportContext) -> Table:
    """Length of participation (CoC projects), leavers and stayers."""
    return band_table(
        "Q22a1",
        participation(ctx),
        "participation_days",
        APR_PARTICIPATION_BANDS,
        LEAVERS_AND_STAYERS,
    )


@question("Q22b", "apr")
def q22b(ctx: ReportContext) -> Table:
    """Average and median length of participation in days, leavers and stayers."""
    frame = participation(ctx).select("leaver", "stayer", "participation_days")
    table = Table("Q22b", ["Leavers", "Stayers"], ["Average Length", "Median Length"])
    for c, group in enumerate(["leaver", "stayer"]):
        days = frame.filter(pl.col(group))["participation_days"]
        table.set(0, c, round(float(days.mean()), 4) if days.len() else 0.0, kind="average")
        table.set(1, c, float(days.median()) if days.len() else 0.0, kind="average")
    return table


# --- Q22c / Q22f: project start to housing move-in -----------------------------------------
@question("Q22c", *APR_AND_CAPER)
def q22c(ctx: ReportContext) -> Table:
    """Length of time between project start date and housing move-in date (PSH & RRH).

    Universe (HUD): every client whose head of household moved in during the report
    period, plus leavers whose household never moved in. The total counts every person
    moved in, also one whose wait was longer than the last band (731 days or more)."""
    frame = time_to_move_in(ctx).with_columns(
        band=band_of(pl.col("days_to_move_in"), TWO_YEAR_BANDS)
    )
    moved_in = pl.col("moved_in")
    average_label = "Average length of time to housing"
    rows = [
        *[(label, moved_in & (pl.col("band") == label)) for _, _, label in TWO_YEAR_BANDS[:-1]],
        ("Total (persons moved into housing)", moved_in),
        (average_label, None),
        ("Persons who were exited without move-in", pl.col("exited_without_move_in")),
        ("Total persons", moved_in | pl.col("exited_without_move_in")),
    ]
    table = count_grid("Q22c", frame, rows, HOUSEHOLD_COLUMNS)
    # HUD reports the average in whole days.
    r = table.row_index(average_label)
    means = frame.select(
        pl.col("days_to_move_in").filter(moved_in & column.fill_null(False)).mean().alias(str(c))
        for c, (_, column) in enumerate(HOUSEHOLD_COLUMNS)
    ).row(0)
    for c, mean in enumerate(means):
        table.set(r, c, round(float(mean)) if mean is not None else 0, kind="average")
    return table


@question("Q22f", *APR_AND_CAPER)
def q22f(ctx: ReportContext) -> Table:
    """Length of time between project start and housing move-in by race and ethnicity."""
    # Lazy: the table and the averages read a few columns of every client.
    frame = time_to_move_in(ctx).lazy().with_columns(race_tabulation=race_tabulation())
    rows = [
        ("Persons Moved Into Housing", pl.col("moved_in")),
        ("Persons Exited Without Move In", pl.col("exited_without_move_in")),
        ("Average time to Move In", None),
        ("Median time to Move In", None),
    ]
    table = count_grid("Q22f", frame, rows, race_tabulation_columns())
    _set_average_and_median(table, frame.filter(pl.col("moved_in")), "days_to_move_in", 2, 3)
    return table


# --- Q22e / Q22g: start of homelessness (3.917) to housing -----------------------------------
def time_prior_to_housing(ctx: ReportContext) -> pl.LazyFrame:
    """The clients Q22e / Q22g count, with their time prior to housing (once per context)."""

    def build() -> pl.LazyFrame:
        frame = with_time_prior_to_housing(ctx, ctx.served)
        housed = pl.col("housing_date").is_not_null()
        joined_later = pl.col("joined_after_hoh")
        # Lazy: each question filters and reads only the columns it counts.
        return (
            frame.lazy()
            .filter(pl.col("in_time_prior_to_housing"))
            .with_columns(
                housed=housed,
                band=band_of(pl.col("days_prior_to_housing"), TWO_YEAR_BANDS),
                # Q22e 2c: a child who entered after the head of household is "data not
                # collected"; 6: so is a missing or later start of homelessness.
                data_not_collected=joined_later
                | (housed & pl.col("days_prior_to_housing").is_null()),
                not_yet_housed=~housed & ~joined_later,
            )
        )

    return ctx.memo("time_prior_to_housing", build)


@question("Q22e", *APR_AND_CAPER)
def q22e(ctx: ReportContext) -> Table:
    """Length of time prior to housing, based on 3.917 Date Homelessness Started."""
    frame = time_prior_to_housing(ctx)
    rows = [
        *band_rows("band", TWO_YEAR_BANDS),
        ("Total (persons moved into housing)", pl.col("band").is_not_null()),
        ("Not yet moved into housing", pl.col("not_yet_housed")),
        (NOT_COLLECTED, pl.col("data_not_collected")),
        ("Total", pl.lit(True)),
    ]
    return count_grid("Q22e", frame, rows, HOUSEHOLD_COLUMNS)


@question("Q22g", *APR_AND_CAPER)
def q22g(ctx: ReportContext) -> Table:
    """Length of time prior to housing (3.917) by race and ethnicity.

    Specifications, Q22g: children who entered after the head of household (2c) and clients
    whose start of homelessness is missing or after their housing (5) are "excluded from
    this question entirely"; row 3 (9) reports "clients who were active in a PH/PSH/RRH
    project but either have not moved into housing or did so after the [report end date]"
    (those with a start of homelessness; HUD's reference code leaves them out)."""
    frame = time_prior_to_housing(ctx).with_columns(race_tabulation=race_tabulation())  # lazy
    frame = frame.filter(
        ~pl.col("joined_after_hoh")
        & pl.col("homeless_since").is_not_null()
        & (~pl.col("housed") | pl.col("days_prior_to_housing").is_not_null())
    )
    rows = [
        ("Persons Moved Into Housing", pl.col("housed")),
        ("Persons Not Yet Moved Into Housing", ~pl.col("housed")),
        ("Average time to Move In", None),
        ("Median time to Move In", None),
    ]
    table = count_grid("Q22g", frame, rows, race_tabulation_columns())
    _set_average_and_median(table, frame.filter(pl.col("housed")), "days_prior_to_housing", 2, 3)
    return table
