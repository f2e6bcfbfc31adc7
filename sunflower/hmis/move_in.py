"""Housing Move-in Date (HUD 3.20, Enrollment.MoveInDate) in permanent housing projects
(docs/services.md).

HUD collects the date for the head of household, in project types 3 (PSH), 9 (PH housing
only), 10 (PH housing with services) and 13 (RRH); for RRH Sunflower asks it only when the
project's RRH sub-type (2.02.A) is 2 "Housing with or without services" (an RRH: services only
project has no unit to move into). The other members' dates follow HUD's reporting rule:
members in the household on the move-in date share it; members who joined later moved in on
their own project start date; members who left before it get none.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from sunflower.accounts.policy import Action, can
from sunflower.hmis import vocabulary as hud

PERMANENT_HOUSING = frozenset({3, 9, 10})
RAPID_RE_HOUSING = hud.ProjectType.PH_RAPID_RE_HOUSING  # 13
RRH_HOUSING = hud.RRHSubType.RRH_HOUSING_WITH_OR_WITHOUT_SERVICES  # 2


def collects_move_in(project) -> bool:
    if project.project_type in PERMANENT_HOUSING:
        return True
    return project.project_type == RAPID_RE_HOUSING and project.rrh_sub_type == RRH_HOUSING


def _exit_date(enrollment) -> dt.date | None:
    exit_record = next(iter(enrollment.exits.all()), None)
    return exit_record.exit_date if exit_record else None


def member_move_in_date(head_move_in: dt.date | None, member) -> dt.date | None:
    """A household member's move-in date given the head's: the head's date when the member was
    in the household that day, the member's own project start when they joined later, none when
    they had left before (or when the head has none)."""
    if head_move_in is None:
        return None
    if member.entry_date > head_move_in:
        return member.entry_date
    left = _exit_date(member)
    if left is not None and left < head_move_in:
        return None
    return head_move_in


def move_in_errors(head, move_in_date: dt.date | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not collects_move_in(head.project):
        errors["__all__"] = [
            "This project does not record a housing move-in date: only permanent housing "
            "projects (PSH, PH housing only, PH housing with services, RRH housing) do."
        ]
        return errors
    if not head.is_head_of_household:
        errors["__all__"] = [
            "The housing move-in date is recorded on the head of household's enrollment."
        ]
        return errors
    if move_in_date is None:
        return errors  # clearing a date entered by mistake
    if move_in_date > timezone.localdate():
        errors["move_in_date"] = ["The move-in date cannot be in the future."]
    elif move_in_date < head.entry_date:
        errors["move_in_date"] = [
            f"The move-in date {move_in_date:%Y-%m-%d} is before the project start date "
            f"{head.entry_date:%Y-%m-%d}."
        ]
    else:
        left = _exit_date(head)
        if left is not None and move_in_date > left:
            errors["move_in_date"] = [
                f"The move-in date {move_in_date:%Y-%m-%d} is after the exit date {left:%Y-%m-%d}."
            ]
    return errors


def record_move_in(user, head_enrollment, move_in_date: dt.date | None) -> list:
    """Set (or, with None, clear) the household's housing move-in date from the head of
    household's enrollment. Returns the enrollments whose date changed. Each change is saved
    through the ORM, so django-auditlog records the old and new dates."""
    from sunflower.accounts.actions import hmis_user_for
    from sunflower.hmis.models import Enrollment

    if not can(user, Action.EDIT_HMIS_DATA, head_enrollment):
        raise PermissionDenied
    with transaction.atomic():
        household = list(
            Enrollment.objects.select_for_update()
            .filter(
                project_id=head_enrollment.project_id,
                data_source_id=head_enrollment.data_source_id,
                household_id=head_enrollment.household_id,
            )
            .select_related("client", "project")
            .prefetch_related("exits")
            .order_by("pk")
        )
        head = next((e for e in household if e.pk == head_enrollment.pk), None)
        if head is None:
            raise ValidationError({"__all__": ["No such enrollment."]})
        errors = move_in_errors(head, move_in_date)
        if errors:
            raise ValidationError(errors)
        hmis_user = None
        changed = []
        for member in household:
            if not can(user, Action.EDIT_HMIS_DATA, member):
                raise PermissionDenied
            wanted = (
                move_in_date if member.pk == head.pk else member_move_in_date(move_in_date, member)
            )
            if member.move_in_date == wanted:
                continue
            hmis_user = hmis_user or hmis_user_for(user)
            member.move_in_date = wanted
            member.user = hmis_user
            member.save(update_fields=["move_in_date", "user"])
            changed.append(member)
    return changed
