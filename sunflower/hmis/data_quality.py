"""Data-quality nudges for the client page (docs/intake.md, "Data-quality nudges").

``nudges_for_client`` is a pure function of records already loaded: it runs no queries as long
as each enrollment has its ``project`` selected, its ``exits`` prefetched and the activity dates
of :func:`with_last_activity` annotated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import DateField, Max, OuterRef, QuerySet, Subquery
from django.utils import timezone

from sunflower.hmis.models.client import RACE_FIELDS

WARNING = "warning"
INFO = "info"

# HUD's "reasons for missing data": client doesn't know, prefers not to answer, not collected.
MISSING_CODES = frozenset({8, 9, 99})
ADULT_AGE = 18
HEAD_OF_HOUSEHOLD = 1
# HUD APR/CAPER Q6e "Timeliness" counts records by days between the start (or exit) date and the
# date the record was entered, in buckets 0, 1-3, 4-6, 7-10 and 11+ days. Anything past the
# 1-3 day bucket is "late" here.
LATE_ENTRY_DAYS = 3
IDLE_DAYS = 90


@dataclass(frozen=True)
class Nudge:
    severity: str  # WARNING or INFO
    element: str  # HUD data element number, "3.01"
    message: str
    enrollment_pk: int | None = None


def with_last_activity(enrollments: QuerySet) -> QuerySet:
    """Annotate ``last_service_date`` and ``last_cls_date`` (latest Services.date_provided and
    CurrentLivingSituation.information_date, deleted rows ignored), in the same query as the
    enrollments: one correlated MAX each, so the two relations do not multiply each other's
    rows as joins would."""
    from sunflower.hmis.models import CurrentLivingSituation, Services

    def latest(model, date_field: str) -> Subquery:
        rows = (
            model.objects.filter(enrollment_id=OuterRef("pk"))
            .order_by()
            .values("enrollment_id")
            .annotate(latest=Max(date_field))
            .values("latest")
        )
        return Subquery(rows, output_field=DateField())

    return enrollments.annotate(
        last_service_date=latest(Services, "date_provided"),
        last_cls_date=latest(CurrentLivingSituation, "information_date"),
    )


def age_on(dob: dt.date | None, on: dt.date) -> int | None:
    if dob is None:
        return None
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def is_adult(dob: dt.date | None, on: dt.date) -> bool:
    """An unknown age counts as an adult (as in the intake requirement matrix)."""
    age = age_on(dob, on)
    return age is None or age >= ADULT_AGE


def last_activity(enrollment) -> dt.date:
    """Latest of the entry date, the annotated service and current-living-situation dates and
    the enrollment's DateUpdated."""
    dates = [enrollment.entry_date]
    for name in ("last_service_date", "last_cls_date"):
        value = getattr(enrollment, name, None)
        if value is not None:
            dates.append(value)
    if enrollment.date_updated is not None:
        dates.append(timezone.localdate(enrollment.date_updated))
    return max(dates)


def _entered_on(record) -> dt.date | None:
    return timezone.localdate(record.date_created) if record.date_created else None


def _client_nudges(client, today: dt.date) -> list[Nudge]:
    nudges = []
    if client.name_data_quality in MISSING_CODES or not (client.first_name or client.last_name):
        nudges.append(Nudge(WARNING, "3.01", "Name is missing or not known."))
    if client.ssn_data_quality in MISSING_CODES or not client.ssn:
        nudges.append(Nudge(WARNING, "3.02", "Social Security Number is missing or not known."))
    if client.dob_data_quality in MISSING_CODES or client.dob is None:
        nudges.append(Nudge(WARNING, "3.03", "Date of birth is missing or not known."))
    no_race = all(getattr(client, f) != 1 for f in RACE_FIELDS)
    if client.race_none in MISSING_CODES or (no_race and client.race_none is None):
        nudges.append(Nudge(WARNING, "3.04", "Race and ethnicity is missing or not known."))
    if is_adult(client.dob, today) and client.veteran_status in MISSING_CODES:
        nudges.append(Nudge(WARNING, "3.07", "Veteran status is missing or not known."))
    return nudges


def _enrollment_nudges(client, enrollment, today: dt.date) -> list[Nudge]:
    pk = enrollment.pk
    project = enrollment.project.project_name
    nudges = []
    if enrollment.disabling_condition in MISSING_CODES:
        nudges.append(
            Nudge(WARNING, "3.08", f"{project}: disabling condition is missing or not known.", pk)
        )
    head_or_adult = enrollment.relationship_to_hoh == HEAD_OF_HOUSEHOLD or is_adult(
        client.dob, enrollment.entry_date
    )
    if head_or_adult and (
        enrollment.living_situation is None or enrollment.living_situation in MISSING_CODES
    ):
        nudges.append(
            Nudge(WARNING, "3.917", f"{project}: prior living situation is missing or not known.",
                  pk)
        )
    entered = _entered_on(enrollment)
    if entered is not None and (entered - enrollment.entry_date).days > LATE_ENTRY_DAYS:
        days = (entered - enrollment.entry_date).days
        nudges.append(
            Nudge(INFO, "3.10", f"{project}: project start was entered {days} days after it "
                  "happened.", pk)
        )
    exits = list(enrollment.exits.all())
    for exit_ in exits:
        entered = _entered_on(exit_)
        if entered is not None and (entered - exit_.exit_date).days > LATE_ENTRY_DAYS:
            days = (entered - exit_.exit_date).days
            nudges.append(
                Nudge(INFO, "3.11", f"{project}: project exit was entered {days} days after it "
                      "happened.", pk)
            )
    if not exits:
        idle = (today - last_activity(enrollment)).days
        if idle > IDLE_DAYS:
            nudges.append(
                Nudge(WARNING, "3.11", f"{project}: open enrollment with no activity for {idle} "
                      "days; record an exit if the client has left.", pk)
            )
    return nudges


def nudges_for_client(client, enrollments: Iterable, today: dt.date) -> list[Nudge]:
    """Every nudge for the client, warnings first (otherwise client elements, then enrollments
    in the order given)."""
    nudges = _client_nudges(client, today)
    for enrollment in enrollments:
        nudges.extend(_enrollment_nudges(client, enrollment, today))
    return sorted(nudges, key=lambda n: n.severity != WARNING)
