"""Chronic homelessness, derived: pure functions, no database, usable by the HUD reports.

Two questions (docs/chronic-homelessness.md):

(a) `chronic_at_project_start`: HUD's "chronically homeless at project start" of one enrollment,
    from its 3.917 answers and 3.08 Disabling Condition, following the decision table of HUD's
    HMIS Standard Reporting Terminology Glossary ("Chronically Homeless at Project Start"), which
    the APR/CAPER, SPM and LSA programming specifications reuse.

(b) `derive_status`: whether the client's history, from every source (HMIS stays and bed nights,
    3.917 self-reports, verified periods recorded outside HMIS), meets the definition of 24 CFR
    578.3 today: a disabling condition, and either 12 months of continuous homelessness or at
    least four occasions in the last three years totalling at least 12 months. Occasions are
    separated by breaks of at least 7 nights; a stay of fewer than 90 days in an institution,
    entered from homelessness, does not break an occasion and counts toward the total.

Dates are nights: a range (first, last) holds every night from first to last inclusive.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# Lazy translations only: this module reads no database and needs no request.
from django.utils.translation import gettext_lazy as _

ONE_DAY = dt.timedelta(days=1)
BREAK_NIGHTS = 7  # a break in homelessness: at least 7 consecutive nights (24 CFR 578.3)
INSTITUTION_LIMIT_DAYS = 90  # institutional stays shorter than this do not break homelessness
MONTHS_REQUIRED = 12
OCCASIONS_REQUIRED = 4
LOOKBACK_YEARS = 3
# CoC PSH documentation (HUD CoC FAQ 1907; Notice CPD-16-11): self-certification alone may
# document at most 3 of the 12 months, or one of the four occasions.
SELF_CERTIFICATION_MONTHS_LIMIT = 3
SELF_CERTIFICATION_OCCASIONS_LIMIT = 1

# HUD project types (list 2.02.6) whose clients are literally homeless while enrolled.
ES_ENTRY_EXIT, ES_NIGHT_BY_NIGHT, STREET_OUTREACH, SAFE_HAVEN = 0, 1, 4, 8
HOMELESS_PROJECT_TYPES = frozenset({ES_ENTRY_EXIT, ES_NIGHT_BY_NIGHT, STREET_OUTREACH, SAFE_HAVEN})

YES, NO = 1, 0
DOESNT_KNOW_OR_REFUSED = frozenset({8, 9})
NOT_COLLECTED = 99


# --- (a) chronically homeless at project start ---------------------------------------------


class AtStart(enum.StrEnum):
    YES = "yes"
    NO = "no"
    DOESNT_KNOW_OR_REFUSED = "doesnt_know_or_refused"
    MISSING = "missing"  # data not collected, or no answer
    NOT_APPLICABLE = "not_applicable"  # a child who is not the head of household


@dataclass(frozen=True)
class EntryAnswers:
    """The answers of one enrollment that HUD's logic reads (3.08, 3.917, 2.02.6, 3.10)."""

    entry_date: dt.date
    project_type: int | None
    disabling_condition: int | None
    living_situation: int | None = None
    length_of_stay: int | None = None
    los_under_threshold: int | None = None
    previous_street_essh: int | None = None
    date_to_street_essh: dt.date | None = None
    times_homeless_past_three_years: int | None = None
    months_homeless_past_three_years: int | None = None

    @classmethod
    def from_enrollment(cls, enrollment, project_type: int | None = None) -> EntryAnswers:
        if project_type is None:
            project_type = enrollment.project.project_type
        return cls(
            entry_date=enrollment.entry_date,
            project_type=project_type,
            disabling_condition=enrollment.disabling_condition,
            living_situation=enrollment.living_situation,
            length_of_stay=enrollment.length_of_stay,
            los_under_threshold=enrollment.los_under_threshold,
            previous_street_essh=enrollment.previous_street_essh,
            date_to_street_essh=enrollment.date_to_street_essh,
            times_homeless_past_three_years=enrollment.times_homeless_past_three_years,
            months_homeless_past_three_years=enrollment.months_homeless_past_three_years,
        )


@dataclass(frozen=True)
class AtStartResult:
    value: AtStart
    reason: str  # which line of HUD's table decided, in plain words (English, for the trace)


def situation_group(living_situation: int | None) -> str | None:
    """HUD's living situation groups (list 3.12.1 codes): 1xx homeless, 2xx institutional,
    3xx temporary, 4xx permanent; anything else (8, 9, 99, None) has no group."""
    if living_situation is None or living_situation < 100:
        return None
    return {1: "homeless", 2: "institutional", 3: "temporary", 4: "permanent"}.get(
        living_situation // 100
    )


def _missing_kind(value: int | None) -> AtStart | None:
    if value in DOESNT_KNOW_OR_REFUSED:
        return AtStart.DOESNT_KNOW_OR_REFUSED
    if value is None or value == NOT_COLLECTED:
        return AtStart.MISSING
    return None


def _duration(answers: EntryAnswers) -> AtStartResult | None:
    """Lines 4-6 (and 10-12, 17-19, 24-26) of the glossary table: is the time homeless long
    enough? None when the answers leave it undecided (the caller continues)."""
    start = answers.date_to_street_essh
    if start is not None and start <= answers.entry_date - dt.timedelta(days=365):
        return AtStartResult(AtStart.YES, _("homeless since 365 days or more before entry"))
    times = answers.times_homeless_past_three_years
    if times in (1, 2, 3):
        return AtStartResult(AtStart.NO, _("fewer than 4 times homeless in the past 3 years"))
    missing = _missing_kind(times)
    if missing is not None:
        return AtStartResult(missing, _("times homeless in the past 3 years not known"))
    months = answers.months_homeless_past_three_years
    if months in (112, 113):
        return AtStartResult(AtStart.YES, _("4 or more times and 12 or more months in 3 years"))
    missing = _missing_kind(months)
    if missing is not None:
        return AtStartResult(missing, _("months homeless in the past 3 years not known"))
    return None  # 4+ times but fewer than 12 months


def chronic_at_project_start(
    answers: EntryAnswers,
    age: int | None = None,
    is_head_of_household: bool = True,
    household_status: AtStart | None = None,
) -> AtStartResult:
    """HUD's "Chronically Homeless at Project Start" for one enrollment.

    Adults and heads of household are assessed from their own answers. A child (under 18) who
    is not the head of household takes the household's status when the caller knows it (the
    APR counts every member of a household whose head or an adult is chronically homeless);
    otherwise NOT_APPLICABLE.
    """
    if age is not None and age < 18 and not is_head_of_household:
        if household_status is not None:
            return AtStartResult(household_status, _("a child takes the household's status"))
        return AtStartResult(AtStart.NOT_APPLICABLE, _("a child who is not the head of household"))

    disabling = answers.disabling_condition
    if disabling == NO:
        return AtStartResult(AtStart.NO, _("no disabling condition (3.08)"))
    missing = _missing_kind(disabling)
    if missing is not None:
        return AtStartResult(missing, _("disabling condition (3.08) not known"))

    group = situation_group(answers.living_situation)
    # Lines 3-12: ES, SH and SO clients, and anyone coming from a homeless situation, need only
    # the time homeless.
    if answers.project_type in HOMELESS_PROJECT_TYPES or group == "homeless":
        decided = _duration(answers)
        if decided is not None:
            return decided
        if group == "homeless":
            return AtStartResult(AtStart.NO, _("4 or more times but fewer than 12 months"))
    # Lines 14-26: from an institution (under 90 days), or from temporary, permanent or other
    # situations (under 7 nights), and homeless the night before that stay.
    if answers.los_under_threshold == NO:
        return AtStartResult(
            AtStart.NO,
            _("stayed 90 days or more in an institution")
            if group == "institutional"
            else _("stayed 7 nights or more in housing or another situation"),
        )
    if answers.previous_street_essh == NO:
        return AtStartResult(AtStart.NO, _("not on the street, in ES or SH before that stay"))
    decided = _duration(answers)
    if decided is not None:
        return decided
    return AtStartResult(AtStart.NO, _("4 or more times but fewer than 12 months"))


# --- (b) chronic status from every source ------------------------------------------------


class Evidence(enum.IntEnum):
    """HUD's order of preference for documentation, best first (24 CFR 578.103(a)(4))."""

    HMIS_RECORD = 1
    THIRD_PARTY = 2
    INTAKE_OBSERVATION = 3
    SELF_CERTIFICATION = 4


class Kind(enum.StrEnum):
    HOMELESS = "homeless"  # street, emergency shelter, safe haven
    INSTITUTION = "institution"  # an institutional stay (counts only when short and entered
    # from homelessness)


@dataclass(frozen=True)
class Source:
    """Nights from one source: an HMIS stay, the bed nights of a night-by-night shelter, a 3.917
    self-report, a verified period. `label` is what the viewer may read: the loader has already
    replaced a hidden source's label by "withheld"."""

    key: str
    label: str
    evidence: Evidence
    ranges: tuple[tuple[dt.date, dt.date], ...]
    kind: Kind = Kind.HOMELESS
    withheld: bool = False

    def nights(self, until: dt.date) -> set[int]:
        out: set[int] = set()
        for first, last in self.ranges:
            last = min(last, until)
            if first <= last:
                out.update(range(first.toordinal(), last.toordinal() + 1))
        return out


class Disability(enum.StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class Status(enum.StrEnum):
    CHRONIC = "chronic"
    NOT_YET = "not_yet"  # the history does not meet the definition (yet)
    NO_DISABILITY = "no_disability"  # the history meets it but no disabling condition is recorded
    UNKNOWN = "unknown"  # no history, or a disabling condition not known


@dataclass(frozen=True)
class Occasion:
    first: dt.date
    last: dt.date
    nights: int  # nights counted (homeless nights, short institutional stays and short gaps)
    months: int  # calendar months with at least one counted night


@dataclass(frozen=True)
class TraceLine:
    label: str
    first: dt.date | None
    last: dt.date | None
    nights: int  # nights this source contributed (after better evidence took overlaps)
    note: str = ""
    withheld: bool = False


@dataclass
class ChronicStatus:
    status: Status
    as_of: dt.date
    disability: Disability
    continuous_months: int  # months of the most recent occasion
    months_in_window: int  # months of the occasions within the last three years
    occasions: list[Occasion]
    occasions_in_window: int
    # Months still needed if the current occasion goes on: 0 when the history qualifies,
    # None when the client is not homeless now (a new occasion would have to start).
    months_needed: int | None
    self_certified_months: int
    currently_homeless: bool
    self_certified_occasions: int = 0  # occasions in the window resting only on self-report
    trace: list[TraceLine] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    @property
    def self_certification_exceeded(self) -> bool:
        return (
            self.self_certified_months > SELF_CERTIFICATION_MONTHS_LIMIT
            or self.self_certified_occasions > SELF_CERTIFICATION_OCCASIONS_LIMIT
        )


def _date(ordinal: int) -> dt.date:
    return dt.date.fromordinal(ordinal)


def _runs(nights: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted maximal runs of consecutive nights, as (first, last) ordinals."""
    runs: list[tuple[int, int]] = []
    for night in sorted(set(nights)):
        if runs and night == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], night)
        else:
            runs.append((night, night))
    return runs


def months_touched(nights: Iterable[int]) -> int:
    """Calendar months holding at least one of `nights`: HUD counts a month in which the person
    spent at least one night homeless (HMIS Data Standards 3.917.5; 24 CFR 578.3 as applied by
    HUD's recordkeeping guidance)."""
    return len({(_date(n).year, _date(n).month) for n in nights})


def counted_nights(homeless: set[int], institution_stays: Iterable[tuple[int, int]]) -> set[int]:
    """Homeless nights plus the institutional stays that do not break homelessness: each stay
    (judged whole, as recorded) shorter than 90 days and entered from homelessness, that is
    with a counted night fewer than 7 nights before it (a stay may follow another short one)."""
    counted = set(homeless)
    for first, last in sorted(institution_stays):
        if last - first + 1 >= INSTITUTION_LIMIT_DAYS:
            continue
        if any(n in counted for n in range(first - BREAK_NIGHTS, first)):
            counted.update(range(first, last + 1))
    return counted


def occasions_of(counted: set[int]) -> list[tuple[int, int]]:
    """Occasions: runs of counted nights joined across gaps shorter than 7 nights (a gap that
    short is not a break; its nights belong to the occasion)."""
    occasions: list[tuple[int, int]] = []
    for first, last in _runs(counted):
        if occasions and first - occasions[-1][1] - 1 < BREAK_NIGHTS:
            occasions[-1] = (occasions[-1][0], last)
        else:
            occasions.append((first, last))
    return occasions


def derive_status(
    sources: Sequence[Source], disability: Disability, as_of: dt.date
) -> ChronicStatus:
    until = as_of
    homeless_by_source: list[tuple[Source, set[int]]] = []
    institution_stays: list[tuple[int, int]] = []
    homeless: set[int] = set()
    for source in sources:
        nights = source.nights(until)
        if source.kind == Kind.INSTITUTION:
            institution_stays.extend(
                (first.toordinal(), last.toordinal())
                for first, last in source.ranges
                if first <= until
            )
        else:
            homeless |= nights
        homeless_by_source.append((source, nights))
    counted = counted_nights(homeless, institution_stays)
    spans = occasions_of(counted)
    occasion_nights = [set(range(first, last + 1)) for first, last in spans]
    occasions = [
        Occasion(_date(first), _date(last), len(nights), months_touched(nights))
        for (first, last), nights in zip(spans, occasion_nights, strict=True)
    ]

    window_first = _lookback_start(as_of).toordinal()
    window_nights = set().union(*occasion_nights) if occasion_nights else set()
    window_nights = {n for n in window_nights if window_first <= n <= until.toordinal()}
    occasions_in_window = sum(1 for first, last in spans if last >= window_first)
    months_in_window = months_touched(window_nights)
    continuous_months = occasions[-1].months if occasions else 0
    currently_homeless = bool(spans) and until.toordinal() - spans[-1][1] - 1 < BREAK_NIGHTS

    continuous = continuous_months >= MONTHS_REQUIRED
    episodic = occasions_in_window >= OCCASIONS_REQUIRED and months_in_window >= MONTHS_REQUIRED
    qualifies = continuous or episodic

    # Which source contributed which nights: each counted night goes to the best evidence
    # that covers it (HUD's order of preference), ties to the first listed.
    all_counted = set().union(*occasion_nights) if occasion_nights else set()
    attributed: set[int] = set()
    trace: list[TraceLine] = []
    self_certified: set[int] = set()
    order = sorted(range(len(homeless_by_source)), key=lambda i: homeless_by_source[i][0].evidence)
    contributed: dict[int, set[int]] = {}
    for index in order:
        source, nights = homeless_by_source[index]
        mine = (nights & all_counted) - attributed
        attributed |= mine
        contributed[index] = mine
        if source.evidence == Evidence.SELF_CERTIFICATION:
            self_certified |= mine
    for index, (source, nights) in enumerate(homeless_by_source):
        first = min((r[0] for r in source.ranges), default=None)
        last = max((r[1] for r in source.ranges), default=None)
        note = ""
        if source.kind == Kind.INSTITUTION and not (nights & all_counted):
            note = _("not counted: 90 days or more, or not entered from homelessness")
        elif not nights:
            note = _("no nights recorded")
        elif not contributed[index]:
            note = _("covered by better evidence")
        trace.append(
            TraceLine(
                source.label, first, last, len(contributed[index]), note, source.withheld
            )
        )
    # Gap nights (shorter than a break) are counted but belong to no source.
    self_certified_months = months_touched(self_certified & window_nights)
    better_evidence = attributed - self_certified
    self_certified_occasions = sum(
        1
        for (first, last), nights in zip(spans, occasion_nights, strict=True)
        if last >= window_first and nights & self_certified and not nights & better_evidence
    )

    reasons: list[str] = []
    if not sources:
        status = Status.UNKNOWN
        reasons.append(_("no homeless history recorded"))
    elif not qualifies:
        status = Status.NOT_YET
    elif disability == Disability.YES:
        status = Status.CHRONIC
    elif disability == Disability.NO:
        status = Status.NO_DISABILITY
        reasons.append(_("no disabling condition recorded"))
    else:
        status = Status.UNKNOWN
        reasons.append(_("disabling condition not known"))
    if continuous:
        reasons.append(_("12 months or more of continuous homelessness"))
    if episodic:
        reasons.append(_("4 or more occasions in 3 years totalling 12 months or more"))
    return ChronicStatus(
        status=status,
        as_of=as_of,
        disability=disability,
        continuous_months=continuous_months,
        months_in_window=months_in_window,
        occasions=occasions,
        occasions_in_window=occasions_in_window,
        months_needed=(
            0
            if qualifies
            else MONTHS_REQUIRED - continuous_months
            if currently_homeless
            else None
        ),
        self_certified_months=self_certified_months,
        currently_homeless=currently_homeless,
        self_certified_occasions=self_certified_occasions,
        trace=trace,
        reasons=reasons,
    )


def _lookback_start(as_of: dt.date) -> dt.date:
    """The first night of the three years that end on `as_of`."""
    try:
        back = as_of.replace(year=as_of.year - LOOKBACK_YEARS)
    except ValueError:  # 29 February
        back = as_of.replace(year=as_of.year - LOOKBACK_YEARS, day=28)
    return back + ONE_DAY


def disability_from(
    disabling_conditions: Iterable[int | None], impairing_disabilities: Iterable[int | None]
) -> Disability:
    """YES when any enrollment's 3.08 is yes or any 4.05-4.10 row is indefinite and impairing;
    NO when some answer is an explicit no and none is yes; UNKNOWN otherwise."""
    conditions = list(disabling_conditions)
    impairing = list(impairing_disabilities)
    if YES in conditions or YES in impairing:
        return Disability.YES
    if NO in conditions:
        return Disability.NO
    return Disability.UNKNOWN
