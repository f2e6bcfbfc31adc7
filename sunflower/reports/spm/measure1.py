"""Measure 1: length of time persons remain homeless (1a: in ES, SH and TH; 1b: adding the
time before entry from 3.917 and the time in permanent housing before moving in).

Each client's homeless time is a set of nights. Kept: every night in an ES entry/exit or
SH stay (and TH in 1a.2 / 1b.2) from project start to the night before exit (to the report
end for stayers), every bed night (4.14) of a night-by-night shelter, and in 1b the nights
from project start to move-in (or exit) of a permanent housing stay of a client literally
homeless at entry whose stay started, moved in or ended without moving in during the
period, and the nights from 3.917 "approximate date homelessness started" to project start.
Removed ("negated"): nights in TH (1a.1 / 1b.1) and nights after move-in in permanent
housing. Enrollment nights go back no further than the look-back stop date (seven years);
3.917 dates are taken as recorded, even when earlier (HUD: "include all time reported in
that field").

The client counts when a night remains in the period. [client end date] is the last such
night; the client's length of time homeless counts every night of each continuous spell
that reaches into the 365 days up to it (a spell that began before those 365 days counts
from its beginning), none before the client's birth.

Written as interval arithmetic over every client at once (events keyed by client and date
in one integer, sorted, running sums, spells read off the sorted rows), not night by night
nor client by client: a stay of years is two events.
"""

from __future__ import annotations

import polars as pl

from sunflower.reports.engine import ReportContext, Table, question

from .common import (
    ES_EE,
    ES_NBN,
    PH,
    SH,
    TH,
    day_after,
    lookback_stop,
    measure_table,
    set_average,
    spm_bed_nights,
    spm_enrollments,
)

COLUMNS = [
    "Previous FY Universe Persons",
    "Current FY Universe Persons",
    "Previous FY Average LOT Experiencing Homelessness",
    "Current FY Average LOT Experiencing Homelessness",
    "Difference In Average",
    "Previous FY Median LOT Experiencing Homelessness",
    "Current FY Median LOT Experiencing Homelessness",
    "Difference In Median",
]
ROWS_1A = ["Persons in ES-EE, ES-NbN, and SH", "Persons in ES-EE, ES-NbN, SH, and TH"]
ROWS_1B = ["Persons in ES-EE, ES-NbN, SH, and PH", "Persons in ES-EE, ES-NbN, SH, TH, and PH"]

# Intervals as integers (the person's key, day numbers): sorting and grouping millions of
# them is several times faster than on string ids and dates.
_INTERVAL = {"person": pl.UInt32, "start": pl.Int32, "end": pl.Int32}
_KEY_SPAN = 1 << 32  # a day number (offset to be non-negative) fits below it
_DAY_OFFSET = 1 << 31


def _bed_night_runs(ctx: ReportContext) -> pl.DataFrame:
    """The bed nights as runs of consecutive nights (person, start, end): one interval per
    run rather than one per night."""

    def build() -> pl.DataFrame:
        # A person's consecutive nights are consecutive keys; another person's are far off.
        key = pl.col("key")
        nights = (
            spm_bed_nights(ctx)
            .select("person", day=pl.col("DateProvided").cast(pl.Int32))
            .select(key=_event_key("day"))
            .unique()
            .sort("key")
            .with_columns(
                first=(key != key.shift(1) + 1).fill_null(True),
                last=(key != key.shift(-1) - 1).fill_null(True),
            )
        )
        starts = nights.filter("first").select(
            person=key // _KEY_SPAN, start=(key % _KEY_SPAN).cast(pl.Int64) - _DAY_OFFSET
        )
        ends = nights.filter("last").select(end=(key % _KEY_SPAN).cast(pl.Int64) - _DAY_OFFSET + 1)
        return pl.concat([starts, ends], how="horizontal").cast(_INTERVAL)

    return ctx.memo("spm1_bed_night_runs", build, shared=True)


def _intervals(ctx: ReportContext, with_th: bool, with_ph: bool, with_3917: bool):
    """(kept, removed): each a frame of (person, start, end), day numbers, ``end``
    exclusive."""
    params = ctx.params
    enrollments = spm_enrollments(ctx)
    stop = lookback_stop(ctx)
    end_of_stay = pl.coalesce(pl.col("ExitDate"), pl.lit(day_after(params.end)))
    stays = [ES_EE, SH, *([TH] if with_th else [])]
    kept = [
        enrollments.filter(pl.col("ProjectType").is_in(stays)).select(
            "person", start=pl.col("EntryDate"), end=end_of_stay
        ),
    ]
    ph = pl.col("ProjectType").is_in(PH)
    move_in = pl.col("move_in")
    if with_ph:
        in_period = (
            pl.col("EntryDate").is_between(params.start, params.end)
            | move_in.is_between(params.start, params.end)
            | (move_in.is_null() & pl.col("ExitDate").is_between(params.start, params.end))
        )
        ph_stays = enrollments.filter(
            ph & pl.col("literally_homeless") & in_period.fill_null(False)
        )
        kept.append(
            ph_stays.select(
                "person", start=pl.col("EntryDate"), end=pl.coalesce(move_in, end_of_stay)
            )
        )
    kept = pl.concat(kept).with_columns(start=pl.max_horizontal("start", pl.lit(stop)))
    kept = pl.concat([kept.cast(_INTERVAL), _bed_night_runs(ctx).cast(_INTERVAL)])
    if with_3917:
        prior = _prior_homelessness(ctx, enrollments, with_th, with_ph)
        kept = pl.concat([kept, prior.cast(_INTERVAL)])
    removed_types = [*PH] + ([] if with_th else [TH])
    removed = enrollments.filter(
        pl.col("ProjectType").is_in(removed_types) & (~ph | move_in.is_not_null())
    ).select(
        "person",
        start=pl.when(ph).then(move_in).otherwise(pl.col("EntryDate")),
        end=end_of_stay,
    )
    return kept.cast(_INTERVAL), removed.cast(_INTERVAL)


def _prior_homelessness(
    ctx: ReportContext, enrollments: pl.DataFrame, with_th: bool, with_ph: bool
) -> pl.DataFrame:
    """3.917's time before project start: from the approximate date homelessness started to
    project start (for a night-by-night shelter, to its first bed night), for the stays
    counted in this measure that began on or after the look-back stop date, the client
    literally homeless at entry. A child without a date of their own takes the head of
    household's (HMIS Data Standards: 3.917 is collected for heads of household and adults)."""
    params = ctx.params
    stop = lookback_stop(ctx)
    move_in = pl.col("move_in")
    in_period = (
        pl.col("EntryDate").is_between(params.start, params.end)
        | move_in.is_between(params.start, params.end)
        | (move_in.is_null() & pl.col("ExitDate").is_between(params.start, params.end))
    ).fill_null(False)
    types = [ES_EE, ES_NBN, SH, *([TH] if with_th else [])]
    eligible = pl.col("ProjectType").is_in(types)
    if with_ph:
        eligible = eligible | (pl.col("ProjectType").is_in(PH) & in_period)
    stays = enrollments.filter(eligible & pl.col("literally_homeless"))
    heads = stays.filter(pl.col("RelationshipToHoH") == 1).select(
        "HouseholdID", hoh_date=pl.col("DateToStreetESSH")
    )
    first_night = (
        spm_bed_nights(ctx).group_by("EnrollmentID").agg(first_night=pl.col("DateProvided").min())
    )
    child = (pl.col("age") < 18).fill_null(False)
    stays = (
        stays.join(heads.unique("HouseholdID"), on="HouseholdID", how="left")
        .join(first_night, on="EnrollmentID", how="left")
        .with_columns(
            since=pl.when(pl.col("DateToStreetESSH").is_null() & child)
            .then(pl.col("hoh_date"))
            .otherwise(pl.col("DateToStreetESSH")),
            until=pl.when(pl.col("ProjectType") == ES_NBN)
            .then(pl.col("first_night"))
            .otherwise(pl.col("EntryDate")),
        )
    )
    return stays.filter((pl.col("until") >= stop) & (pl.col("since") < pl.col("until"))).select(
        "person", start=pl.col("since"), end=pl.col("until")
    )


def _event_key(day: str) -> pl.Expr:
    """(person, day) as one unsigned integer ordered as the pair: sorting one integer column
    is much faster than sorting two (and a group-by is then not needed)."""
    return pl.col("person").cast(pl.UInt64) * _KEY_SPAN + (
        pl.col(day).cast(pl.Int64) + _DAY_OFFSET
    ).cast(pl.UInt64)


def homeless_spells(kept: pl.DataFrame, removed: pl.DataFrame) -> pl.DataFrame:
    """(person, start, end): the maximal runs of nights covered by a ``kept`` interval and
    by no ``removed`` one."""
    kept = kept.filter(pl.col("start") < pl.col("end"))
    removed = removed.filter(pl.col("start") < pl.col("end")).join(
        kept.select("person").unique(), on="person", how="semi"
    )
    one, minus_one, zero = pl.lit(1, pl.Int32), pl.lit(-1, pl.Int32), pl.lit(0, pl.Int32)
    events = pl.concat(
        [
            kept.select(key=_event_key("start"), k=one, r=zero),
            kept.select(key=_event_key("end"), k=minus_one, r=zero),
            removed.select(key=_event_key("start"), k=zero, r=one),
            removed.select(key=_event_key("end"), k=zero, r=minus_one),
        ]
    ).sort("key")
    # Each client's events sum to zero, so running sums over the whole sorted frame are
    # each client's own depths; the depths after a day's last event hold from that day to
    # the next event: the segment is homeless when some kept interval and no removed one
    # covers it.
    key = pl.col("key")
    steps = (
        events.with_columns(kept_depth=pl.col("k").cum_sum(), removed_depth=pl.col("r").cum_sum())
        .filter(key != key.shift(-1).fill_null(0))
        .select(
            person=key // _KEY_SPAN,
            day=(key % _KEY_SPAN).cast(pl.Int64) - _DAY_OFFSET,
            homeless=(pl.col("kept_depth") > 0) & (pl.col("removed_depth") == 0),
        )
    )
    # A spell starts at a homeless segment not preceded by one of the same client and ends
    # where the last homeless segment of the run ends (the client's next event).
    homeless = pl.col("homeless")
    same_before = pl.col("person") == pl.col("person").shift(1)
    same_after = pl.col("person") == pl.col("person").shift(-1)
    steps = steps.with_columns(
        first=homeless & ~(homeless.shift(1) & same_before).fill_null(False),
        last=homeless & ~(homeless.shift(-1) & same_after).fill_null(False),
        next_day=pl.col("day").shift(-1),
    )
    starts = steps.filter("first").select("person", start="day")
    ends = steps.filter("last").select(end="next_day")
    return pl.concat([starts, ends], how="horizontal").cast(_INTERVAL)


def length_of_time_homeless(
    ctx: ReportContext, with_th: bool, with_ph: bool, with_3917: bool
) -> pl.DataFrame:
    """(PersonalID, days, client_end): one row per client counted; ``client_end`` is the
    day after the client's last homeless night."""
    key = ("spm1", with_th, with_ph, with_3917)
    return ctx.memo(key, lambda: _length(ctx, with_th, with_ph, with_3917), shared=True)


def _length(ctx: ReportContext, with_th: bool, with_ph: bool, with_3917: bool) -> pl.DataFrame:
    start = pl.lit(ctx.params.start).cast(pl.Int32)
    spells = homeless_spells(*_intervals(ctx, with_th, with_ph, with_3917=False))
    # The universe: clients with a night in the period, before 3.917 is added (a date
    # homelessness started does not make a client active).
    universe = (
        spells.group_by("person")
        .agg(client_end=pl.col("end").max())
        .filter(pl.col("client_end") > start)
    )
    if with_3917:
        kept, removed = _intervals(ctx, with_th, with_ph, with_3917=True)
        spells = homeless_spells(
            kept.join(universe, on="person", how="semi"),
            removed.join(universe, on="person", how="semi"),
        )
        universe = universe.drop("client_end").join(
            spells.group_by("person").agg(client_end=pl.col("end").max()), on="person"
        )
    people = (
        spm_enrollments(ctx)
        .select("person", "PersonalID", born=pl.col("DOB").cast(pl.Int32))
        .unique("person")
    )
    window = universe.join(people, on="person", how="left").with_columns(
        window_start=pl.max_horizontal(pl.col("client_end") - 365, pl.col("born"))
    )
    counted = (
        spells.join(window, on="person", how="inner")
        .filter(pl.col("end") > pl.col("window_start"))
        # No night before the client's birth.
        .with_columns(start=pl.max_horizontal("start", pl.col("born")))
        .with_columns(days=(pl.col("end") - pl.col("start")).clip(0))
    )
    return (
        counted.group_by("person")
        .agg(
            pl.col("PersonalID").first(),
            days=pl.col("days").sum().cast(pl.Int64),
            client_end=pl.col("client_end").first().cast(pl.Date),
        )
        .drop("person")
        .sort("PersonalID")
    )


def _table(ctx: ReportContext, name: str, rows: list[str], with_ph: bool) -> Table:
    parts = []
    for r, with_th in enumerate([False, True]):
        lengths = length_of_time_homeless(ctx, with_th, with_ph, with_3917=with_ph)
        parts.append(lengths.with_columns(_row=pl.lit(r)))
    frame = pl.concat(parts)
    counts = {(r, 1): pl.col("_row") == r for r in range(len(rows))}
    table = measure_table(name, COLUMNS, rows, frame, counts)
    for r, part in enumerate(parts):
        days = part["days"]
        set_average(table, r, 3, days.mean() if len(days) else 0.0)
        set_average(table, r, 6, days.median() if len(days) else 0.0)
    return table


@question("spm_1a", "spm")
def measure_1a(ctx: ReportContext) -> Table:
    """Persons in ES and SH (1a.1) and ES, SH and TH (1a.2): their number and their average
    and median length of time homeless, in days."""
    return _table(ctx, "spm_1a", ROWS_1A, with_ph=False)


@question("spm_1b", "spm")
def measure_1b(ctx: ReportContext) -> Table:
    """1a with the time before project start from 3.917 and the time in permanent housing
    before moving in (1b.1 without TH, 1b.2 with it)."""
    return _table(ctx, "spm_1b", ROWS_1B, with_ph=True)
