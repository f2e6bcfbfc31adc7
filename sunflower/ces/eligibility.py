"""Who may be referred to an opening, and, for anyone who may not, which rule says no.

Each requirement is written once as a Requirement: a database filter (for "the eligible
households of this opening, in priority order") and a check on one household (for "why not")
derived from the same fields, and a test holds the two to the same answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from sunflower.ces.models import ListEntry, Opening


@dataclass(frozen=True)
class Requirement:
    applies: Callable[[Opening], bool]
    q: Callable[[Opening], Q]
    holds: Callable[[Opening, ListEntry], bool]
    explain: Callable[[Opening, ListEntry], str]


def _types(opening: Opening) -> list[str]:
    return list(opening.household_types or [])


def _type_label(value: str) -> str:
    return str(dict(ListEntry.HouseholdType.choices).get(value, value))


REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement(
        applies=lambda o: True,
        q=lambda o: Q(region_id=o.region_id),
        holds=lambda o, e: e.region_id == o.region_id,
        explain=lambda o, e: "The household is on another region's list.",
    ),
    Requirement(
        applies=lambda o: True,
        q=lambda o: Q(status=ListEntry.Status.ACTIVE),
        holds=lambda o, e: e.status == ListEntry.Status.ACTIVE,
        explain=lambda o, e: f"The household is not active on the list ({e.get_status_display()}).",
    ),
    Requirement(
        applies=lambda o: bool(_types(o)),
        q=lambda o: Q(household_type__in=_types(o)),
        holds=lambda o, e: e.household_type in _types(o),
        explain=lambda o, e: (
            f"The opening is for {', '.join(_type_label(t) for t in _types(o))}; the household "
            f"is {_type_label(e.household_type)}."
        ),
    ),
    Requirement(
        applies=lambda o: True,
        q=lambda o: Q(household_size__lte=o.max_household_size),
        holds=lambda o, e: e.household_size <= o.max_household_size,
        explain=lambda o, e: (
            f"The unit fits {o.max_household_size} people; the household has {e.household_size}."
        ),
    ),
    Requirement(
        applies=lambda o: o.requires_veteran,
        q=lambda o: Q(veteran=True),
        holds=lambda o, e: e.veteran,
        explain=lambda o, e: "The opening is for veterans; no one in the household is one.",
    ),
    Requirement(
        applies=lambda o: o.requires_youth,
        q=lambda o: Q(youth=True),
        holds=lambda o, e: e.youth,
        explain=lambda o, e: "The opening is for youth aged 18 to 24.",
    ),
    Requirement(
        applies=lambda o: o.requires_chronic,
        q=lambda o: Q(chronic=True),
        holds=lambda o, e: e.chronic,
        explain=lambda o, e: "The opening is for chronically homeless households.",
    ),
    Requirement(
        applies=lambda o: o.requires_dv,
        q=lambda o: Q(fleeing_dv=True),
        holds=lambda o, e: e.fleeing_dv,
        explain=lambda o, e: "The opening is for survivors fleeing domestic violence.",
    ),
    Requirement(
        applies=lambda o: o.max_monthly_income is not None,
        q=lambda o: Q(monthly_income__lte=o.max_monthly_income),
        holds=lambda o, e: e.monthly_income is not None
        and e.monthly_income <= o.max_monthly_income,
        explain=lambda o, e: (
            "The household's income is not recorded; the opening has an income limit."
            if e.monthly_income is None
            else f"Monthly income ${e.monthly_income:,.0f} is above the limit of "
            f"${o.max_monthly_income:,.0f}."
        ),
    ),
    Requirement(
        applies=lambda o: o.min_score is not None,
        q=lambda o: Q(score__gte=o.min_score),
        holds=lambda o, e: e.score is not None and e.score >= o.min_score,
        explain=lambda o, e: f"The opening needs a score of {o.min_score} or more; the "
        f"household's is {e.score if e.score is not None else 'not recorded'}.",
    ),
)


def why_not(opening: Opening, entry: ListEntry) -> list[str]:
    """Every rule that makes the household ineligible for the opening (empty: eligible)."""
    return [
        r.explain(opening, entry)
        for r in REQUIREMENTS
        if r.applies(opening) and not r.holds(opening, entry)
    ]


def eligible_entries(opening: Opening) -> QuerySet:
    """The households that may be referred to the opening, in list order."""
    condition = Q()
    for requirement in REQUIREMENTS:
        if requirement.applies(opening):
            condition &= requirement.q(opening)
    return ListEntry.objects.filter(condition).order_by("rank", "id")
