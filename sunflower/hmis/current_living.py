"""Current Living Situation (HUD 4.12, CurrentLivingSituation.csv): where the client is staying
at each contact during the stay (docs/services.md).

The conditional questions follow the FY2026 CSV specification's notes on each column
(sunflower/hmis/spec/fy2026/csv_columns.csv):

* 4.12.A CLSSubsidyType: only, and then required, when the situation is 435 (rental by client
  with an ongoing housing subsidy);
* 4.12.3 VerifiedBy: only in Coordinated Entry projects (ProjectType 14);
* 4.12.B LeaveSituation14Days: only, and then required, for the institutional, temporary and
  permanent situations listed in LEAVE_SITUATION_ASKED;
* 4.12.C-F SubsequentResidence, ResourcesToObtain, LeaseOwn60Day, MovedTwoOrMore: only, and
  then required, when LeaveSituation14Days is Yes (1);
* 4.12.4 LocationDetails: optional free text (at most 250 characters).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from sunflower.hmis import vocabulary as hud
from sunflower.hmis.services import date_errors

RENTAL_WITH_ONGOING_SUBSIDY = 435
COORDINATED_ENTRY = 14
YES = 1
# CurrentLivingSituation.csv LeaveSituation14Days: "Null unless CurrentLivingSituation in ...".
LEAVE_SITUATION_ASKED = frozenset(
    {215, 206, 207, 225, 204, 205, 302, 329, 314, 332, 336, 335, 410, 435, 421, 411}
)
FOLLOW_UP_FIELDS = (
    "subsequent_residence",
    "resources_to_obtain",
    "lease_own60_day",
    "moved_two_or_more",
)
DETAIL_FIELDS = (
    "cls_subsidy_type",
    "verified_by",
    "leave_situation14_days",
    *FOLLOW_UP_FIELDS,
    "location_details",
)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def asked_fields(project_type, current_living_situation, leave_situation14_days) -> set[str]:
    """The conditional questions asked for these answers (the form shows only these)."""
    asked = {"location_details"}
    if project_type == COORDINATED_ENTRY:
        asked.add("verified_by")
    situation = None if _blank(current_living_situation) else int(current_living_situation)
    if situation == RENTAL_WITH_ONGOING_SUBSIDY:
        asked.add("cls_subsidy_type")
    if situation in LEAVE_SITUATION_ASKED:
        asked.add("leave_situation14_days")
        if not _blank(leave_situation14_days) and int(leave_situation14_days) == YES:
            asked.update(FOLLOW_UP_FIELDS)
    return asked


def cls_errors(
    enrollment, information_date, current_living_situation, details: dict
) -> dict[str, list[str]]:
    """The reasons (by field) this living situation may not be written; empty if none."""
    unknown = set(details) - set(DETAIL_FIELDS)
    if unknown:
        raise TypeError(f"unknown current living situation details {sorted(unknown)}")
    errors = date_errors(enrollment, information_date, "information date", "information_date")

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if _blank(current_living_situation):
        add("current_living_situation", "Choose the current living situation.")
        return errors
    situation = int(current_living_situation)
    if situation not in hud.CurrentLivingSituation.values:
        add(
            "current_living_situation",
            f"{situation} is not a code of the Current Living Situation list (4.12).",
        )
        return errors
    leave = details.get("leave_situation14_days")
    asked = asked_fields(enrollment.project.project_type, situation, leave)
    questions = {
        "cls_subsidy_type": "the rental subsidy type",
        "leave_situation14_days": "whether the client must leave within 14 days",
        "subsequent_residence": "whether a subsequent residence has been identified",
        "resources_to_obtain": "whether the household has the resources to obtain housing",
        "lease_own60_day": "whether the client had a lease or ownership in the last 60 days",
        "moved_two_or_more": "whether the client moved two or more times in the last 60 days",
    }
    for name, question in questions.items():
        value = details.get(name)
        if name in asked and _blank(value):
            add(name, f"Answer {question}.")
        elif name not in asked and not _blank(value):
            add(name, f"Not asked for this answer: leave {question} empty.")
        elif not _blank(value):
            choices = (
                hud.RentalSubsidyType
                if name == "cls_subsidy_type"
                else (hud.NoYesReasonsForMissingData)
            )
            if int(value) not in choices.values:
                add(name, f"{value} is not a code of its HUD list.")
    verified_by = details.get("verified_by")
    if not _blank(verified_by):
        if "verified_by" not in asked:
            add("verified_by", "“Verified by” is recorded only in Coordinated Entry projects.")
        elif len(verified_by.strip()) > 200:
            add("verified_by", "At most 200 characters.")
    location = details.get("location_details")
    if not _blank(location) and len(location.strip()) > 250:
        add("location_details", "At most 250 characters.")
    return errors


def record_current_living_situation(
    user, enrollment, information_date: dt.date, current_living_situation: int, **details
):
    """Write one Current Living Situation for `enrollment`. Raises PermissionDenied unless
    `user` may edit the enrollment's HMIS data, ValidationError (by field, writing nothing) if
    a HUD rule would be broken."""
    from sunflower.accounts.actions import hmis_user_for
    from sunflower.accounts.policy import Action, can
    from sunflower.hmis.models import CurrentLivingSituation, Enrollment

    if not can(user, Action.EDIT_HMIS_DATA, enrollment):
        raise PermissionDenied
    with transaction.atomic():
        locked = (
            Enrollment.objects.select_for_update()
            .select_related("client", "project")
            .prefetch_related("exits")
            .get(pk=enrollment.pk)
        )
        errors = cls_errors(locked, information_date, current_living_situation, details)
        if errors:
            raise ValidationError(errors)
        values = {}
        for name in DETAIL_FIELDS:
            value = details.get(name)
            if name in ("verified_by", "location_details"):
                values[name] = (value or "").strip()
            else:
                values[name] = None if _blank(value) else int(value)
        record = CurrentLivingSituation(
            enrollment=locked,
            client_id=locked.client_id,
            information_date=information_date,
            current_living_situation=int(current_living_situation),
            user=hmis_user_for(user),
            **values,
        )
        record.full_clean()
        record.save()  # auditlog records the CREATE
    return record
