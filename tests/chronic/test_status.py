"""The pure derivation: HUD's "chronically homeless at project start" table branch by branch,
and the interval arithmetic of the client's status (properties and examples)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sunflower.chronic.status import (
    AtStart,
    Disability,
    EntryAnswers,
    Evidence,
    Kind,
    Source,
    Status,
    chronic_at_project_start,
    counted_nights,
    derive_status,
    disability_from,
    months_touched,
    occasions_of,
)

pytestmark = [pytest.mark.casemgmt]

ENTRY = dt.date(2025, 6, 1)
AS_OF = dt.date(2025, 12, 31)
D = dt.date


def answers(**fields) -> EntryAnswers:
    values = {"entry_date": ENTRY, "project_type": 3, "disabling_condition": 1}
    values.update(fields)
    return EntryAnswers(**values)


# --- (a) HUD's table ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("disabling", "expected"),
    [
        (0, AtStart.NO),
        (8, AtStart.DOESNT_KNOW_OR_REFUSED),
        (9, AtStart.DOESNT_KNOW_OR_REFUSED),
        (99, AtStart.MISSING),
        (None, AtStart.MISSING),
    ],
)
def test_disabling_condition_decides_first(disabling, expected):
    result = chronic_at_project_start(
        answers(
            disabling_condition=disabling, living_situation=116, date_to_street_essh=D(2020, 1, 1)
        )
    )
    assert result.value == expected


def test_homeless_situation_with_a_year_on_the_street_is_chronic():
    result = chronic_at_project_start(
        answers(living_situation=116, date_to_street_essh=ENTRY - dt.timedelta(days=365))
    )
    assert result.value == AtStart.YES


def test_homeless_situation_364_days_then_times_and_months():
    recent = ENTRY - dt.timedelta(days=364)
    fewer = answers(
        living_situation=116, date_to_street_essh=recent, times_homeless_past_three_years=3
    )
    assert chronic_at_project_start(fewer).value == AtStart.NO
    enough = answers(
        living_situation=116,
        date_to_street_essh=recent,
        times_homeless_past_three_years=4,
        months_homeless_past_three_years=112,
    )
    assert chronic_at_project_start(enough).value == AtStart.YES
    short = answers(
        living_situation=116,
        date_to_street_essh=recent,
        times_homeless_past_three_years=4,
        months_homeless_past_three_years=111,
    )
    assert chronic_at_project_start(short).value == AtStart.NO


@pytest.mark.parametrize(
    ("times", "months", "expected"),
    [
        (8, None, AtStart.DOESNT_KNOW_OR_REFUSED),
        (99, None, AtStart.MISSING),
        (None, None, AtStart.MISSING),
        (4, 9, AtStart.DOESNT_KNOW_OR_REFUSED),
        (4, 99, AtStart.MISSING),
        (4, 113, AtStart.YES),
    ],
)
def test_unknown_times_or_months(times, months, expected):
    result = chronic_at_project_start(
        answers(
            living_situation=101,
            times_homeless_past_three_years=times,
            months_homeless_past_three_years=months,
        )
    )
    assert result.value == expected


def test_shelter_project_uses_the_duration_whatever_the_situation():
    result = chronic_at_project_start(
        answers(
            project_type=0,
            living_situation=335,
            los_under_threshold=0,
            date_to_street_essh=D(2023, 1, 1),
        )
    )
    assert result.value == AtStart.YES


def test_institution_under_90_days_after_the_street_then_the_same_test():
    base = {
        "living_situation": 207,
        "previous_street_essh": 1,
        "date_to_street_essh": D(2024, 1, 1),
    }
    assert chronic_at_project_start(answers(los_under_threshold=1, **base)).value == AtStart.YES
    assert chronic_at_project_start(answers(los_under_threshold=0, **base)).value == AtStart.NO
    not_street = {**base, "previous_street_essh": 0}
    assert (
        chronic_at_project_start(answers(los_under_threshold=1, **not_street)).value == AtStart.NO
    )


def test_temporary_or_permanent_situation_under_7_nights():
    base = {"living_situation": 435, "los_under_threshold": 1, "previous_street_essh": 1}
    assert (
        chronic_at_project_start(answers(date_to_street_essh=D(2024, 1, 1), **base)).value
        == AtStart.YES
    )
    assert (
        chronic_at_project_start(
            answers(los_under_threshold=0, living_situation=302, date_to_street_essh=D(2024, 1, 1))
        ).value
        == AtStart.NO
    )


def test_child_who_is_not_head_of_household():
    child = answers(disabling_condition=0)
    assert chronic_at_project_start(child, age=10, is_head_of_household=False).value == (
        AtStart.NOT_APPLICABLE
    )
    assert (
        chronic_at_project_start(
            child, age=10, is_head_of_household=False, household_status=AtStart.YES
        ).value
        == AtStart.YES
    )
    # A 17-year-old head of household is assessed on their own answers.
    assert chronic_at_project_start(child, age=17, is_head_of_household=True).value == AtStart.NO


# --- (b) interval arithmetic: properties ---------------------------------------------------

nights_sets = st.sets(st.integers(min_value=0, max_value=2000), max_size=200)


@given(nights_sets)
def test_occasions_cover_every_night_and_are_separated_by_breaks(nights):
    occasions = occasions_of(nights)
    covered = set()
    for first, last in occasions:
        assert first in nights and last in nights  # occasions start and end on real nights
        covered.update(range(first, last + 1))
    assert nights <= covered
    for (_, last), (first, _) in zip(occasions, occasions[1:], strict=False):
        assert first - last - 1 >= 7


@given(nights_sets)
def test_gap_nights_inside_an_occasion_are_all_shorter_than_a_break(nights):
    for first, last in occasions_of(nights):
        inside = sorted(n for n in nights if first <= n <= last)
        assert all(b - a - 1 < 7 for a, b in zip(inside, inside[1:], strict=False))


@given(nights_sets, st.integers(min_value=0, max_value=2000), st.integers(0, 200))
def test_institution_stays_count_only_when_short_and_entered_from_homelessness(
    homeless, start, length
):
    counted = counted_nights(homeless, [(start, start + length)])
    assert homeless <= counted
    added = counted - homeless
    if added:
        assert length + 1 < 90
        assert any(start - 7 <= n < start for n in homeless)
        assert added == set(range(start, start + length + 1)) - homeless  # the whole stay
    elif length + 1 < 90 and any(start - 7 <= n < start for n in homeless):
        assert set(range(start, start + length + 1)) <= homeless


def test_a_short_stay_may_follow_another_short_stay():
    counted = counted_nights({100}, [(101, 150), (151, 200)])
    assert set(range(100, 201)) == counted


@settings(max_examples=50)
@given(st.lists(st.tuples(st.integers(0, 1500), st.integers(0, 120)), max_size=8))
def test_status_is_independent_of_source_order_and_attribution_adds_up(spans):
    ranges = [
        (D(2022, 1, 1) + dt.timedelta(days=s), D(2022, 1, 1) + dt.timedelta(days=s + n))
        for s, n in spans
    ]
    sources = [Source(f"s{i}", f"s{i}", Evidence(1 + i % 4), (r,)) for i, r in enumerate(ranges)]
    as_of = D(2026, 6, 1)
    forward = derive_status(sources, Disability.YES, as_of)
    backward = derive_status(list(reversed(sources)), Disability.YES, as_of)
    assert forward.status == backward.status
    assert forward.occasions == backward.occasions
    # No night is attributed twice: the trace adds up to the distinct homeless nights.
    distinct = set().union(*(s.nights(as_of) for s in sources)) if sources else set()
    assert sum(line.nights for line in forward.trace) == len(distinct)


@given(st.integers(1, 1200), st.integers(0, 3000))
def test_months_touched_by_consecutive_nights(count, offset):
    first = D(2020, 1, 1).toordinal() + offset
    months = months_touched(range(first, first + count))
    assert -(-count // 31) <= months <= min(count, count // 28 + 2)


# --- (b) examples -------------------------------------------------------------------------


def homeless(first, last, evidence=Evidence.HMIS_RECORD, label="stay"):
    return Source(label, label, evidence, ((first, last),))


def test_twelve_continuous_months_is_chronic():
    result = derive_status([homeless(D(2025, 1, 1), D(2025, 12, 31))], Disability.YES, AS_OF)
    assert result.status == Status.CHRONIC
    assert result.continuous_months == 12
    assert result.currently_homeless


def test_eleven_months_is_not_yet_with_months_needed():
    result = derive_status([homeless(D(2025, 2, 1), D(2025, 12, 31))], Disability.YES, AS_OF)
    assert result.status == Status.NOT_YET
    assert result.months_needed == 1
    ended = derive_status([homeless(D(2025, 2, 1), D(2025, 11, 30))], Disability.YES, AS_OF)
    assert not ended.currently_homeless
    assert ended.months_needed is None


def test_gap_of_six_nights_does_not_break_but_seven_does():
    first = homeless(D(2025, 1, 1), D(2025, 6, 30), label="a")
    joined = homeless(D(2025, 7, 7), D(2025, 12, 31), label="b")  # 6 nights missing
    assert len(derive_status([first, joined], Disability.YES, AS_OF).occasions) == 1
    split = homeless(D(2025, 7, 8), D(2025, 12, 31), label="b")  # 7 nights missing
    result = derive_status([first, split], Disability.YES, AS_OF)
    assert len(result.occasions) == 2
    assert result.status == Status.NOT_YET  # two occasions, neither 12 months


def test_four_occasions_in_three_years_totalling_twelve_months():
    sources = [
        homeless(D(2023, 3, 1), D(2023, 5, 31), label="1"),
        homeless(D(2023, 9, 1), D(2023, 11, 30), label="2"),
        homeless(D(2024, 3, 1), D(2024, 5, 31), label="3"),
        homeless(D(2025, 3, 1), D(2025, 5, 31), label="4"),
    ]
    result = derive_status(sources, Disability.YES, AS_OF)
    assert result.occasions_in_window == 4
    assert result.months_in_window == 12
    assert result.status == Status.CHRONIC
    assert derive_status(sources[:3], Disability.YES, AS_OF).status == Status.NOT_YET


def test_occasion_older_than_three_years_does_not_count_toward_the_four():
    sources = [
        homeless(D(2022, 3, 1), D(2022, 5, 31), label="old"),
        homeless(D(2023, 9, 1), D(2023, 11, 30), label="2"),
        homeless(D(2024, 3, 1), D(2024, 5, 31), label="3"),
        homeless(D(2025, 3, 1), D(2025, 5, 31), label="4"),
    ]
    result = derive_status(sources, Disability.YES, AS_OF)
    assert result.occasions_in_window == 3
    assert result.status == Status.NOT_YET


def test_short_institutional_stay_bridges_and_counts():
    street = homeless(D(2025, 1, 1), D(2025, 5, 31), label="street")
    jail = Source(
        "jail", "jail", Evidence.THIRD_PARTY, ((D(2025, 6, 1), D(2025, 8, 15)),), Kind.INSTITUTION
    )
    shelter = homeless(D(2025, 8, 16), D(2025, 12, 31), label="shelter")
    result = derive_status([street, jail, shelter], Disability.YES, AS_OF)
    assert len(result.occasions) == 1
    assert result.status == Status.CHRONIC
    jail_line = next(line for line in result.trace if line.label == "jail")
    assert jail_line.nights == 76


def test_institutional_stay_of_90_days_breaks():
    street = homeless(D(2024, 10, 1), D(2025, 3, 31), label="street")
    hospital = Source(
        "h", "h", Evidence.THIRD_PARTY, ((D(2025, 4, 1), D(2025, 6, 29)),), Kind.INSTITUTION
    )  # 90 nights
    shelter = homeless(D(2025, 6, 30), D(2025, 12, 31), label="shelter")
    result = derive_status([street, hospital, shelter], Disability.YES, AS_OF)
    assert len(result.occasions) == 2
    assert result.status == Status.NOT_YET


def test_institutional_stay_not_entered_from_homelessness_does_not_count():
    hospital = Source(
        "h", "h", Evidence.THIRD_PARTY, ((D(2025, 4, 1), D(2025, 4, 20)),), Kind.INSTITUTION
    )
    result = derive_status([hospital], Disability.YES, AS_OF)
    assert result.occasions == []
    assert result.trace[0].nights == 0


def test_overlap_goes_to_the_better_evidence_and_self_certification_is_capped():
    self_cert = homeless(D(2025, 1, 1), D(2025, 12, 31), Evidence.SELF_CERTIFICATION, "self")
    letter = homeless(D(2025, 6, 1), D(2025, 12, 31), Evidence.THIRD_PARTY, "letter")
    result = derive_status([self_cert, letter], Disability.YES, AS_OF)
    by_label = {line.label: line.nights for line in result.trace}
    assert by_label["letter"] == 214
    assert by_label["self"] == 151
    assert result.self_certified_months == 5
    assert result.self_certification_exceeded
    capped = homeless(D(2025, 10, 1), D(2025, 12, 31), Evidence.SELF_CERTIFICATION, "self")
    assert not derive_status([capped, letter], Disability.YES, AS_OF).self_certification_exceeded


def test_disability_decides_between_chronic_no_disability_and_unknown():
    year = [homeless(D(2025, 1, 1), D(2025, 12, 31))]
    assert derive_status(year, Disability.NO, AS_OF).status == Status.NO_DISABILITY
    assert derive_status(year, Disability.UNKNOWN, AS_OF).status == Status.UNKNOWN
    assert derive_status([], Disability.YES, AS_OF).status == Status.UNKNOWN


def test_disability_from_answers():
    assert disability_from([0, 1], []) == Disability.YES
    assert disability_from([0, 99], [None]) == Disability.NO
    assert disability_from([99], [1]) == Disability.YES
    assert disability_from([8, 99], []) == Disability.UNKNOWN


def test_more_than_one_occasion_resting_only_on_self_certification_is_flagged():
    self_cert = Evidence.SELF_CERTIFICATION
    sources = [
        homeless(D(2023, 3, 1), D(2023, 3, 31), self_cert, "1"),
        homeless(D(2023, 9, 1), D(2023, 9, 30), Evidence.THIRD_PARTY, "2"),
        homeless(D(2024, 3, 1), D(2024, 3, 31), Evidence.THIRD_PARTY, "3"),
    ]
    one = derive_status(sources, Disability.YES, AS_OF)
    assert one.self_certified_occasions == 1 and not one.self_certification_exceeded
    two = derive_status(
        [*sources, homeless(D(2025, 3, 1), D(2025, 3, 31), self_cert, "4")], Disability.YES, AS_OF
    )
    assert two.self_certified_occasions == 2
    assert two.self_certified_months == 2
    assert two.self_certification_exceeded
