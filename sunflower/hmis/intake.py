"""Enrolling a household in a project, and what HUD requires at intake (docs/intake.md).

Pages call these actions; they check the access policy, validate HUD's household rules and
write every record through the ORM as the user's HMIS user, so django-auditlog records them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from sunflower.accounts.policy import Action, can, require, visible_clients
from sunflower.hmis import requirements
from sunflower.hmis import vocabulary as hud

HEAD = hud.RelationshipToHoH.SELF


@dataclass(frozen=True)
class MemberInput:
    """One household member to enroll: a client (instance or internal pk) and relationship."""

    client: object
    relationship_to_hoh: int


def can_enroll(user, project=None) -> bool:
    return can(user, Action.EDIT_HMIS_DATA, project)


def age_on(dob: dt.date | None, on: dt.date) -> int | None:
    if dob is None:
        return None
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def required_elements(
    project, stage: str, relationship: int, age: int | None, on=None
) -> list[str]:
    """HUD data element numbers (e.g. "3.917") required of one member of a household enrolled
    in `project` at collection `stage`, read from the requirement matrix. An unknown age counts
    as an adult (the adult questions are asked rather than skipped)."""
    return requirements.required_for(
        project.project_type,
        requirements.active_funders(project, on),
        stage,
        is_head=relationship == HEAD,
        is_adult=age is None or age >= requirements.ADULT_AGE,
    )


def enrollment_coc_choices(project) -> list[str]:
    return sorted(set(project.project_cocs.values_list("coc_code", flat=True)))


def enroll_household(
    user, project, members: list[MemberInput], entry_date: dt.date, enrollment_coc: str = ""
) -> list:
    """Enroll `members` as one household in `project` from `entry_date`. Raises
    PermissionDenied unless the policy lets `user` enter HMIS data for the project, and
    ValidationError (saving nothing) if a HUD household rule is broken. Returns the
    enrollments, head of household first."""
    from sunflower.accounts.actions import hmis_user_for
    from sunflower.hmis.models import Client, Enrollment, Exit

    require(user, Action.EDIT_HMIS_DATA, project)
    errors: dict[str, list[str]] = {}

    def error(field, message):
        errors.setdefault(field, []).append(message)

    today = timezone.localdate()
    if entry_date is None:
        error("entry_date", "Enter the project start date.")
    elif entry_date > today:
        error("entry_date", "The project start date cannot be in the future.")
    elif entry_date < project.operating_start_date or (
        project.operating_end_date and entry_date > project.operating_end_date
    ):
        error("entry_date", "The project was not operating on this date.")

    if not members:
        error("members", "Add at least one household member.")
    heads = [m for m in members if m.relationship_to_hoh == HEAD]
    if members and len(heads) != 1:
        error(
            "members",
            "Mark exactly one member as head of household."
            if not heads
            else "A household has only one head of household.",
        )
    for member in members:
        if member.relationship_to_hoh not in hud.RelationshipToHoH.values:
            error("members", "Choose each member's relationship to the head of household.")
            break

    pks = [m.client.pk if isinstance(m.client, Client) else int(m.client) for m in members]
    if len(set(pks)) != len(pks):
        error("members", "A client is listed twice.")
    visible = {c.pk: c for c in visible_clients(user, Action.VIEW_CLIENT_RECORD).filter(pk__in=pks)}
    if any(pk not in visible for pk in pks):
        error("members", "One of the members is not a client you may enroll.")

    cocs = enrollment_coc_choices(project)
    if len(cocs) == 1 and not enrollment_coc:
        enrollment_coc = cocs[0]
    if not enrollment_coc:
        error("enrollment_coc", "Choose the CoC the household is enrolled in.")
    elif cocs and enrollment_coc not in cocs:
        error("enrollment_coc", "This CoC is not one the project operates in.")

    if entry_date and visible and not errors.get("entry_date"):
        left = Exit.objects.filter(enrollment=OuterRef("pk"), exit_date__lte=entry_date)
        already = (
            Enrollment.objects.filter(
                project=project, client_id__in=visible, entry_date__lte=entry_date
            )
            .exclude(Exists(left))
            .select_related("client")
        )
        for enrollment in already:
            error(
                "members",
                f"{enrollment.client.first_name} {enrollment.client.last_name} is already "
                f"enrolled in this project on {entry_date} (since {enrollment.entry_date}).",
            )
    if errors:
        raise ValidationError(errors)

    ordered = sorted(
        zip(pks, members, strict=True), key=lambda pair: pair[1].relationship_to_hoh != HEAD
    )
    household_id = uuid.uuid4().hex
    created = []
    with transaction.atomic():
        hmis_user = hmis_user_for(user)
        for pk, member in ordered:
            created.append(
                save_new_enrollment(
                    visible[pk], project, entry_date, household_id,
                    member.relationship_to_hoh, enrollment_coc, hmis_user,
                )
            )
    return created


def save_new_enrollment(
    client, project, entry_date, household_id, relationship_to_hoh, enrollment_coc, hmis_user
):
    """Validate and save one enrollment as Sunflower starts it (the callers check the policy
    and the household rules)."""
    from sunflower.hmis.models import Enrollment

    enrollment = Enrollment(
        client=client,
        project=project,
        entry_date=entry_date,
        household_id=household_id,
        relationship_to_hoh=relationship_to_hoh,
        enrollment_coc=enrollment_coc,
        # 3.08 is answered in the intake form; until then it is "not collected".
        disabling_condition=hud.NoYesReasonsForMissingData.DATA_NOT_COLLECTED,
    )
    enrollment.full_clean()
    enrollment.user = hmis_user
    enrollment.save()
    return enrollment


INTAKE_FIELDS = (
    "living_situation",
    "rental_subsidy_type",
    "length_of_stay",
    "los_under_threshold",
    "previous_street_essh",
    "date_to_street_essh",
    "times_homeless_past_three_years",
    "months_homeless_past_three_years",
    "disabling_condition",
)


def record_intake(user, enrollment, values: dict, member_questions=None, element_values=None):
    """Save the project-start answers of `enrollment`: 3.917 and 3.08 (`values`) and the
    matrix's other elements (`element_values`, validated by forms_elements.ElementsForm for
    `member_questions`), written with DataCollectionStage 1 and InformationDate = the
    project start date, all or nothing."""
    from sunflower.accounts.actions import hmis_user_for
    from sunflower.hmis import elements

    require(user, Action.EDIT_HMIS_DATA, enrollment)
    with transaction.atomic():
        for name in INTAKE_FIELDS:
            if name in values:
                setattr(enrollment, name, values[name])
        if (
            element_values is not None
            and "3.08" in member_questions.required
            and elements.implies_disabling_condition(element_values)
            and enrollment.disabling_condition != hud.NoYesReasonsForMissingData.YES
        ):
            raise ValidationError(
                {
                    "disabling_condition": [
                        "Answer Yes: a disability recorded below is a disabling condition "
                        "(HUD 3.08 and 4.05–4.10)."
                    ]
                }
            )
        enrollment.full_clean()
        enrollment.user = hmis_user_for(user)
        enrollment.save()
        if member_questions is not None and element_values is not None:
            elements.record_elements(
                user,
                enrollment,
                "project_start",
                enrollment.entry_date,
                member_questions.questions,
                element_values,
            )
    return enrollment


def require_enroll(user, project) -> None:
    if not can_enroll(user, project):
        raise PermissionDenied
