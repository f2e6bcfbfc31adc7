"""The prioritization (by-name) list: the rules a CoC configures, ranking a region's
households by them, the reasons behind each position, inactivity and restoring.

The rules are data (PrioritizationRules.rules, a list of {"criterion", "direction"}); the
criteria they can name are CRITERIA below. A household's position is decided by, in order: a
CES meeting's override tier (always first, so an override is visible as such), then each rule,
then the entry's number (first on the list first), so two computations of one list always
agree. The trace shown beside a household is computed from the same sort key, never stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from sunflower.ces.models import ListEntry, PrioritizationRules, RankChange

RANKED_STATUSES = (ListEntry.Status.ACTIVE, ListEntry.Status.REFERRED)
FACT_FIELDS = (
    "id", "rank", "override_tier", "score", "chronic", "veteran", "youth", "fleeing_dv",
    "days_homeless", "vulnerability_flags", "assessed_on", "household_size", "household_type",
)


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    value: Callable[[dict], object]  # from the entry's facts (a values() row)
    default_direction: str  # "desc": higher (or yes) first; "asc": lower (or earlier) first
    describe: Callable[[object], str] = str


def _yes_no(value) -> str:
    return "yes" if value else "no"


def _date(value) -> str:
    return value.strftime("%m/%d/%Y") if value else "not assessed"


CRITERIA: dict[str, Criterion] = {
    c.key: c
    for c in (
        Criterion("score", "Assessment score", lambda f: f["score"] or 0, "desc"),
        Criterion("chronic", "Chronically homeless", lambda f: f["chronic"], "desc", _yes_no),
        Criterion(
            "days_homeless", "Days homeless (last three years)",
            lambda f: f["days_homeless"], "desc",
        ),
        Criterion(
            "vulnerability", "Vulnerability flags",
            lambda f: len(f["vulnerability_flags"] or []), "desc",
        ),
        Criterion("veteran", "Veteran", lambda f: f["veteran"], "desc", _yes_no),
        Criterion("fleeing_dv", "Fleeing domestic violence", lambda f: f["fleeing_dv"], "desc",
                  _yes_no),
        Criterion("youth", "Youth (18-24)", lambda f: f["youth"], "desc", _yes_no),
        Criterion("household_size", "Household size", lambda f: f["household_size"], "desc"),
        Criterion(
            "assessed_on", "Assessment date", lambda f: f["assessed_on"] or dt.date.max, "asc",
            _date,
        ),
    )
}

DEFAULT_RULES = [
    {"criterion": "score", "direction": "desc"},
    {"criterion": "chronic", "direction": "desc"},
    {"criterion": "days_homeless", "direction": "desc"},
    {"criterion": "vulnerability", "direction": "desc"},
    {"criterion": "assessed_on", "direction": "asc"},
]
DEFAULT_INACTIVE_AFTER_DAYS = 90


def validate_rules(rules) -> list[dict]:
    """The rules, checked: a non-empty list of known criteria, each once, with a direction."""
    from django.core.exceptions import ValidationError

    if not isinstance(rules, list) or not rules:
        raise ValidationError("Give at least one rule.")
    seen = set()
    cleaned = []
    for index, rule in enumerate(rules, 1):
        key = rule.get("criterion") if isinstance(rule, dict) else None
        if key not in CRITERIA:
            raise ValidationError(
                f"Rule {index}: unknown criterion {key!r}; use one of {', '.join(CRITERIA)}."
            )
        if key in seen:
            raise ValidationError(f"Rule {index}: {CRITERIA[key].label} is already a rule.")
        direction = rule.get("direction", CRITERIA[key].default_direction)
        if direction not in ("asc", "desc"):
            raise ValidationError(f"Rule {index}: direction is 'asc' or 'desc'.")
        seen.add(key)
        cleaned.append({"criterion": key, "direction": direction})
    return cleaned


def rules_for(region) -> PrioritizationRules | None:
    """The region's own rules, else its CoC's, else None (the defaults apply)."""
    from django.db.models import Q

    found = {
        r.region_id: r
        for r in PrioritizationRules.objects.filter(
            Q(region=region) | Q(coc_id=region.coc_id, region__isnull=True)
        )
    }
    return found.get(region.pk) or found.get(None)


def active_rules(region) -> tuple[list[dict], int]:
    configured = rules_for(region)
    if configured is None:
        return DEFAULT_RULES, DEFAULT_INACTIVE_AFTER_DAYS
    return configured.rules, configured.inactive_after_days


def _sort_key(facts: dict, rules: list[dict]) -> tuple:
    key: list = [-(facts["override_tier"] or 0)]
    for rule in rules:
        value = CRITERIA[rule["criterion"]].value(facts)
        if isinstance(value, bool):
            value = int(value)
        if isinstance(value, dt.date):
            value = value.toordinal()
        key.append(-value if rule["direction"] == "desc" else value)
    key.append(facts["id"])
    return tuple(key)


def order(facts_rows: Iterable[dict], rules: list[dict]) -> list[dict]:
    return sorted(facts_rows, key=lambda f: _sort_key(f, rules))


@dataclass(frozen=True)
class TraceLine:
    label: str
    value: str
    direction: str


def trace(entry: ListEntry, rules: list[dict]) -> list[TraceLine]:
    """Why the household is where it is: each rule with the household's value, in order."""
    facts = {name: getattr(entry, name) for name in FACT_FIELDS}
    lines = []
    if entry.override_tier:
        lines.append(
            TraceLine("CES meeting override", f"tier {entry.override_tier:+d}", "higher first")
        )
    for rule in rules:
        criterion = CRITERIA[rule["criterion"]]
        if criterion.key == "assessed_on":
            shown, order_text = _date(entry.assessed_on), (
                "earlier first" if rule["direction"] == "asc" else "later first"
            )
        else:
            shown = criterion.describe(criterion.value(facts))
            order_text = "higher first" if rule["direction"] == "desc" else "lower first"
        lines.append(TraceLine(criterion.label, shown, order_text))
    return lines


@dataclass
class Recomputed:
    ranked: int
    changed: int
    inactivated: int
    seconds: float


def recompute(region, cause: str, today: dt.date | None = None) -> Recomputed:
    """Rank the region's households again (after a rule or data change) and record each
    position that moved. Households without contact for the rules' number of days become
    inactive first (and leave the ranking); a referred household keeps its place."""
    import time

    started = time.perf_counter()
    today = today or timezone.localdate()
    rules, inactive_after = active_rules(region)
    with transaction.atomic():
        cutoff = today - dt.timedelta(days=inactive_after)
        stale = ListEntry.objects.filter(
            region=region, status=ListEntry.Status.ACTIVE, last_contact_on__lt=cutoff
        )
        stale_ids = list(stale.values_list("id", flat=True))
        if stale_ids:
            _record_inactivation(stale_ids, today, inactive_after)
        rows = list(
            ListEntry.objects.filter(region=region, status__in=RANKED_STATUSES).values(
                *FACT_FIELDS
            )
        )
        ordered = order(rows, rules)
        changes = [(row["id"], row["rank"], place) for place, row in enumerate(ordered, 1)
                   if row["rank"] != place]
        # Households that left the ranking (inactive, housed, removed) lose their number.
        unranked = list(
            ListEntry.objects.filter(region=region, rank__isnull=False)
            .exclude(status__in=RANKED_STATUSES)
            .values_list("id", "rank")
        )
        changes += [(entry_id, old, None) for entry_id, old in unranked]
        _write_ranks([(entry_id, new) for entry_id, _old, new in changes])
        _record_changes(changes, cause[:200])
    return Recomputed(
        ranked=len(ordered), changed=len(changes), inactivated=len(stale_ids),
        seconds=time.perf_counter() - started,
    )


def _record_inactivation(entry_ids: list[int], today: dt.date, days: int) -> None:
    # Saved one by one so that django-auditlog records each status change.
    for entry in ListEntry.objects.filter(pk__in=entry_ids):
        entry.status = ListEntry.Status.INACTIVE
        entry.inactive_since = today
        entry.save(update_fields=["status", "inactive_since", "updated_at"])


def _write_ranks(pairs: list[tuple[int, int | None]]) -> None:
    """Set many ranks in one statement (the rank is derived data; RankChange is its history,
    so these rows skip the change log on purpose)."""
    if not pairs:
        return
    table = ListEntry._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Two arrays instead of a VALUES list: one statement, two parameters.
            cursor.execute(
                f"UPDATE {table} AS e SET rank = v.rank "  # noqa: S608
                "FROM unnest(%s::bigint[], %s::integer[]) AS v(id, rank) WHERE e.id = v.id",
                [[p[0] for p in pairs], [p[1] for p in pairs]],
            )
        else:
            cursor.executemany(
                f"UPDATE {table} SET rank = %s WHERE id = %s",  # noqa: S608
                [(rank, entry_id) for entry_id, rank in pairs],
            )


def _record_changes(changes: list[tuple[int, int | None, int | None]], cause: str) -> None:
    """Append the rank history: one RankChange per household whose position moved."""
    if not changes:
        return
    if connection.vendor != "postgresql":
        RankChange.objects.bulk_create(
            [RankChange(entry_id=i, old_rank=old, new_rank=new, cause=cause)
             for i, old, new in changes],
            batch_size=2000,
        )
        return
    table = RankChange._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (entry_id, old_rank, new_rank, cause, changed_at) "  # noqa: S608
            "SELECT v.entry_id, v.old_rank, v.new_rank, %s, %s "
            "FROM unnest(%s::bigint[], %s::integer[], %s::integer[]) AS v(entry_id, old_rank, new_rank)",
            [cause, timezone.now(), [c[0] for c in changes], [c[1] for c in changes],
             [c[2] for c in changes]],
        )


def restore(user, entry: ListEntry, today: dt.date | None = None) -> ListEntry:
    """Bring an inactive household back onto the list (contact made again)."""
    from django.core.exceptions import ValidationError

    from sunflower.accounts.policy import Action, require

    require(user, Action.CES_ASSESS_AND_REFER, entry)
    if entry.status != ListEntry.Status.INACTIVE:
        raise ValidationError("Only an inactive household can be restored.")
    entry.status = ListEntry.Status.ACTIVE
    entry.inactive_since = None
    entry.last_contact_on = today or timezone.localdate()
    entry.save(update_fields=["status", "inactive_since", "last_contact_on", "updated_at"])
    recompute(entry.region, "household restored to the list")
    return entry


def set_rules(user, region_or_coc, rules, inactive_after_days: int) -> PrioritizationRules:
    """Configure the rules of a CoC (or of one region), then recompute the lists they touch."""
    from django.core.exceptions import ValidationError

    from sunflower.accounts.policy import Action, require
    from sunflower.geo.models import ContinuumOfCare, Region

    require(user, Action.MANAGE_USERS_PROJECTS_APPROVALS)
    cleaned = validate_rules(rules)
    if inactive_after_days < 1:
        raise ValidationError("Inactive after: at least one day.")
    if isinstance(region_or_coc, Region):
        record, _ = PrioritizationRules.objects.update_or_create(
            region=region_or_coc,
            defaults={"coc_id": region_or_coc.coc_id, "rules": cleaned,
                      "inactive_after_days": inactive_after_days, "changed_by": user},
        )
        regions = [region_or_coc]
    elif isinstance(region_or_coc, ContinuumOfCare):
        record, _ = PrioritizationRules.objects.update_or_create(
            coc=region_or_coc, region__isnull=True,
            defaults={"rules": cleaned, "inactive_after_days": inactive_after_days,
                      "changed_by": user},
        )
        own = set(PrioritizationRules.objects.filter(region__coc=region_or_coc)
                  .values_list("region_id", flat=True))
        regions = [r for r in Region.objects.filter(coc=region_or_coc) if r.pk not in own]
    else:
        raise TypeError("rules belong to a Region or a ContinuumOfCare")
    for region in regions:
        recompute(region, "prioritization rules changed")
    return record
