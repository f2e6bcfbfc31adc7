"""During the stay and at its end: bed nights (night-by-night shelters) and exits.

Pages call these functions, never save() (docs/stay-and-exit.md). Every function checks the
access policy, works in one transaction and writes its records through the ORM one row at a
time, so that django-auditlog records each creation and each soft deletion.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from sunflower.accounts.policy import Action, can, require
from sunflower.hmis import vocabulary as hud

BED_NIGHT_RECORD_TYPE = hud.RecordType.BED_NIGHT  # 200
BED_NIGHT_TYPE_PROVIDED = hud.BedNight.BEDNIGHT  # 200

# Destination codes needing a companion element (HUD 3.12).
RENTAL_WITH_ONGOING_SUBSIDY = hud.Destination.RENTAL_BY_CLIENT_WITH_ONGOING_HOUSING_SUBSIDY  # 435
OTHER_DESTINATION = hud.Destination.OTHER  # 17

# Destination groups by the hundreds digit of the code (HUD list 3.12.1); the rest is "other".
DESTINATION_GROUPS: list[tuple[int, str]] = [
    (1, "Homeless situations"),
    (2, "Institutional situations"),
    (3, "Temporary housing situations"),
    (4, "Permanent housing situations"),
]


def destination_group(code: int) -> str:
    for hundreds, label in DESTINATION_GROUPS:
        if code // 100 == hundreds:
            return label
    return "Other"


def grouped_destination_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """The Destination list as <optgroup>s: homeless, institutional, temporary, permanent,
    other (HUD's own grouping of list 3.12.1)."""
    groups: dict[str, list[tuple[int, str]]] = {label: [] for _, label in DESTINATION_GROUPS}
    groups["Other"] = []
    for code, label in hud.Destination.choices:
        groups[destination_group(code)].append((code, label))
    return [(label, choices) for label, choices in groups.items() if choices]


# --- bed nights -------------------------------------------------------------------------------


def open_enrollments(project, night: dt.date) -> QuerySet:
    """The project's enrollments open on `night`: entered on or before it and not exited on
    or before it. A client who exits on a date did not sleep in the shelter that night (HUD:
    a night-by-night exit date is the day after the last bed night)."""
    from sunflower.hmis.models import Enrollment, Exit

    return (
        Enrollment.objects.filter(project=project, entry_date__lte=night)
        .exclude(Exists(Exit.objects.filter(enrollment=OuterRef("pk"), exit_date__lte=night)))
        .select_related("client")
        .order_by("client__last_name", "client__first_name", "pk")
    )


def bed_nights_on(project, night: dt.date) -> QuerySet:
    from sunflower.hmis.models import Services

    return Services.objects.filter(
        enrollment__project=project,
        date_provided=night,
        record_type=BED_NIGHT_RECORD_TYPE,
    )


@dataclass
class BedNightResult:
    night: dt.date
    added: list = field(default_factory=list)  # new Services rows
    removed: list = field(default_factory=list)  # soft-deleted Services rows
    unchanged: int = 0  # ticked enrollments that already had the night

    @property
    def checked_in(self) -> int:
        return len(self.added) + self.unchanged


def record_bed_nights(
    user, project, night: dt.date, enrollment_ids: Iterable[int]
) -> BedNightResult:
    """Make the project's bed nights for `night` exactly the ticked `enrollment_ids`: a bed
    night (Services, RecordType 200) for each ticked enrollment that has none that night, and
    the soft deletion of the night's bed night of each open enrollment not ticked.

    Raises PermissionDenied unless `user` may edit the project's HMIS data, ValidationError
    (writing nothing) if a ticked enrollment is not open in the project on `night` or the night
    is in the future. Idempotent: posting the same ticks again changes nothing."""
    from sunflower.accounts.actions import hmis_user_for
    from sunflower.hmis.models import Enrollment, Services

    require(user, Action.EDIT_HMIS_DATA, project)
    ticked = {int(pk) for pk in enrollment_ids}
    if night > timezone.localdate():
        raise ValidationError(
            {
                "night": [
                    f"{night:%Y-%m-%d} is in the future: bed nights are recorded for nights that have begun."
                ]
            }
        )
    with transaction.atomic():
        # Lock the project's enrollments that are ticked, so that two check-ins of the same
        # night (two staff at two desks) do not both add a bed night.
        list(
            Enrollment.objects.select_for_update()
            .filter(project=project, pk__in=ticked)
            .values_list("pk", flat=True)
        )
        open_by_pk = {e.pk: e for e in open_enrollments(project, night)}
        refused = sorted(ticked - open_by_pk.keys())
        if refused:
            raise ValidationError({"enrollments": [_refusal_message(project, night, refused)]})
        existing: dict[int, list] = {}
        for service in bed_nights_on(project, night).order_by("pk"):
            existing.setdefault(service.enrollment_id, []).append(service)
        result = BedNightResult(night=night)
        hmis_user = hmis_user_for(user)
        for pk in sorted(ticked):
            if pk in existing:
                result.unchanged += 1
                continue
            enrollment = open_by_pk[pk]
            service = Services(
                enrollment=enrollment,
                client_id=enrollment.client_id,
                date_provided=night,
                record_type=BED_NIGHT_RECORD_TYPE,
                type_provided=BED_NIGHT_TYPE_PROVIDED,
                user=hmis_user,
            )
            service.save()  # one row at a time: auditlog records each CREATE
            result.added.append(service)
        now = timezone.now()
        for pk, services in existing.items():
            if pk in ticked or pk not in open_by_pk:
                continue  # a closed enrollment's past bed nights are not on this page
            for service in services:
                service.user = hmis_user
                service.date_deleted = now
                service.save(update_fields=["date_deleted", "user"])
                result.removed.append(service)
    return result


def _refusal_message(project, night: dt.date, refused: list[int]) -> str:
    from sunflower.hmis.models import Enrollment

    known = {
        e.pk: e
        for e in Enrollment.objects.filter(pk__in=refused, project=project).prefetch_related(
            "exits"
        )
    }
    reasons = []
    for pk in refused:
        enrollment = known.get(pk)
        if enrollment is None:
            reasons.append(f"enrollment {pk} is not an enrollment in {project.project_name}")
        elif enrollment.entry_date > night:
            reasons.append(
                f"enrollment {enrollment.enrollment_id} starts on {enrollment.entry_date:%Y-%m-%d}, after that night"
            )
        else:
            reasons.append(
                f"enrollment {enrollment.enrollment_id} was exited on or before that night"
            )
    return f"No bed nights were saved for {night:%Y-%m-%d}: " + "; ".join(reasons) + "."


# --- exits --------------------------------------------------------------------------------


def household_open_enrollments(enrollment) -> list:
    """The open enrollments of `enrollment`'s household in the same project (itself included)."""
    from sunflower.hmis.models import Enrollment, Exit

    return list(
        Enrollment.objects.filter(
            project_id=enrollment.project_id,
            data_source_id=enrollment.data_source_id,
            household_id=enrollment.household_id,
        )
        .exclude(Exists(Exit.objects.filter(enrollment=OuterRef("pk"))))
        .select_related("client", "project")
        .order_by("relationship_to_hoh", "pk")
    )


def exit_errors(
    enrollments, exit_date, destination, destination_subsidy_type=None, other_destination=""
) -> dict[str, list[str]]:
    """The reasons (by field) an exit with these values may not be written; empty if none."""
    from sunflower.hmis.models import Exit

    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if exit_date is None:
        add("exit_date", "Enter the exit date.")
    elif exit_date > timezone.localdate():
        add("exit_date", "The exit date cannot be in the future.")
    else:
        for enrollment in enrollments:
            if exit_date < enrollment.entry_date:
                add(
                    "exit_date",
                    f"The exit date {exit_date:%Y-%m-%d} is before the project start date "
                    f"{enrollment.entry_date:%Y-%m-%d} of {enrollment.client}.",
                )
    if destination is None or destination == "":
        add("destination", "Choose the destination.")
    elif int(destination) not in hud.Destination.values:
        add("destination", f"{destination} is not a code of the HUD Destination list (3.12.1).")
    else:
        destination = int(destination)
        if destination == RENTAL_WITH_ONGOING_SUBSIDY:
            if destination_subsidy_type in (None, ""):
                add(
                    "destination_subsidy_type",
                    "Choose the subsidy type: the destination is a rental with an ongoing housing subsidy.",
                )
            elif int(destination_subsidy_type) not in hud.RentalSubsidyType.values:
                add(
                    "destination_subsidy_type",
                    f"{destination_subsidy_type} is not a code of the HUD Rental Subsidy Type list (3.12.A).",
                )
        elif destination_subsidy_type not in (None, ""):
            add(
                "destination_subsidy_type",
                "The subsidy type is recorded only for a rental by the client with an ongoing housing subsidy (435).",
            )
        if destination == OTHER_DESTINATION and not (other_destination or "").strip():
            add("other_destination", "Describe the destination: it is “Other”.")
        if destination != OTHER_DESTINATION and (other_destination or "").strip():
            add("other_destination", "Describe the destination only when it is “Other” (17).")
    if other_destination and len(other_destination.strip()) > 50:
        add("other_destination", "At most 50 characters.")
    exited = [e for e in enrollments if Exit.objects.filter(enrollment_id=e.pk).exists()]
    for enrollment in exited:
        add("__all__", f"{enrollment.client} has already exited this enrollment.")
    if not enrollments:
        add("__all__", "No open enrollment to exit.")
    return errors


def record_exit(
    user,
    enrollments,
    exit_date: dt.date,
    destination: int,
    destination_subsidy_type: int | None = None,
    other_destination: str = "",
    element_answers: dict | None = None,
) -> list:
    """Exit `enrollments` (one member, or every open enrollment of a household) on `exit_date`
    to `destination`: one Exit per enrollment, all or none. Raises PermissionDenied unless
    `user` may edit each enrollment's HMIS data, ValidationError (by field, writing nothing)
    if a HUD rule would be broken.

    `element_answers` ({enrollment pk: (questions, values)}, from forms_elements.ElementsForm)
    are the exit-stage data elements the requirement matrix asks of each member, written with
    DataCollectionStage 3 and InformationDate = the exit date (docs/stay-and-exit.md)."""
    from sunflower.accounts.actions import hmis_user_for
    from sunflower.hmis import elements
    from sunflower.hmis.models import Enrollment, Exit

    enrollments = list(enrollments)
    for enrollment in enrollments:
        if not can(user, Action.EDIT_HMIS_DATA, enrollment):
            raise PermissionDenied
    with transaction.atomic():
        # Lock the enrollments: two exits of the same stay at once would both pass the checks.
        locked = list(
            Enrollment.objects.select_for_update()
            .filter(pk__in=[e.pk for e in enrollments])
            .select_related("client")
            .order_by("pk")
        )
        errors = exit_errors(
            locked, exit_date, destination, destination_subsidy_type, other_destination
        )
        if errors:
            raise ValidationError(errors)
        hmis_user = hmis_user_for(user)
        subsidy = (
            int(destination_subsidy_type) if destination_subsidy_type not in (None, "") else None
        )
        exits = []
        for enrollment in locked:
            exit_record = Exit(
                enrollment=enrollment,
                client_id=enrollment.client_id,
                exit_date=exit_date,
                destination=int(destination),
                destination_subsidy_type=subsidy,
                other_destination=(other_destination or "").strip(),
                user=hmis_user,
            )
            exit_record.full_clean()
            exit_record.save()  # auditlog records the CREATE
            exits.append(exit_record)
            if element_answers and enrollment.pk in element_answers:
                questions, values = element_answers[enrollment.pk]
                elements.record_elements(
                    user, enrollment, "exit", exit_date, questions, values, exit_record=exit_record
                )
    return exits
