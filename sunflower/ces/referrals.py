"""Referrals: from the offer of an opening to move-in, decline or expiry.

Each step writes HUD's 4.20 event for an HMIS household: the referral creates the Event
(its type follows the receiving project's type), the decision fills its ReferralResult and
ResultDate. Two coordinators referring to one opening at once: the opening's row is locked
while a referral is made, and a partial unique index allows one live referral per opening, so
exactly one succeeds and the other gets ReferralConflict (tests/ces/test_concurrency.py).
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from sunflower.accounts.policy import Action, can, require
from sunflower.ces import notify
from sunflower.ces.eligibility import why_not
from sunflower.ces.models import ListEntry, Opening, Referral
from sunflower.hmis import vocabulary as hud

# HUD 4.20.2 event for a referral to a project of each type (2.02.6).
EVENT_FOR_PROJECT_TYPE = {
    0: hud.EventType.REFERRAL_TO_EMERGENCY_SHELTER_BED_OPENING,
    1: hud.EventType.REFERRAL_TO_EMERGENCY_SHELTER_BED_OPENING,
    2: hud.EventType.REFERRAL_TO_TRANSITIONAL_HOUSING_BED_UNIT_OPENING,
    15: hud.EventType.REFERRAL_TO_JOINT_TH_RRH_PROJECT_UNIT_RESOURCE_OPENING,
    13: hud.EventType.REFERRAL_TO_RRH_PROJECT_RESOURCE_OPENING,
    3: hud.EventType.REFERRAL_TO_PSH_PROJECT_RESOURCE_OPENING,
    9: hud.EventType.REFERRAL_TO_OTHER_PH_PROJECT_UNIT_RESOURCE_OPENING,
    10: hud.EventType.REFERRAL_TO_OTHER_PH_PROJECT_UNIT_RESOURCE_OPENING,
    12: hud.EventType.REFERRAL_TO_PREVENTION_ASSISTANCE_PROJECT,
    4: hud.EventType.REFERRAL_TO_STREET_OUTREACH_PROJECT_OR_SERVICES,
    6: hud.EventType.REFERRAL_TO_HOUSING_NAVIGATION_PROJECT_OR_SERVICES,
}
# Projects where the household "moves in" on a later date than its project start (3.20).
MOVE_IN_PROJECT_TYPES = {3, 9, 10, 13, 15}

AGENCY_DECLINE_REASONS = {
    "not_eligible": "Household not eligible for the project",
    "unit_unavailable": "Unit no longer available",
    "unreachable": "Household could not be reached",
    "safety": "Safety concern for the household or others",
    "other": "Other (see note)",
}
HOUSEHOLD_DECLINE_REASONS = {
    "other_housing": "Found or chose other housing",
    "location": "Location does not work for the household",
    "unit": "Unit or program does not fit the household",
    "unreachable": "Household could not be reached",
    "other": "Other (see note)",
}


class ReferralConflict(ValidationError):
    """The opening was taken by another referral first."""


def decision_days() -> int:
    return settings.CES_REFERRAL_DECISION_DAYS


def reminder_hours() -> int:
    return settings.CES_REFERRAL_REMINDER_HOURS


def may_refer(user, entry: ListEntry) -> bool:
    return can(user, Action.CES_ASSESS_AND_REFER, entry) or can(
        user, Action.RUN_REGIONAL_CES_LIST, entry
    )


def _due(referral: Referral) -> str:
    return timezone.localtime(referral.decision_due).strftime("%m/%d/%Y %I:%M %p")


def _link(referral: Referral) -> str:
    return reverse("ces_referral", args=[referral.pk])


def refer(user, opening_id: int, entry_id: int, now=None) -> Referral:
    """Refer a household to an opening. Raises PermissionDenied, ReferralConflict (the opening
    already has a live referral) or ValidationError (not eligible, opening closed)."""
    try:
        with transaction.atomic():
            return _refer(user, opening_id, entry_id, now or timezone.now())
    except IntegrityError as error:  # the partial unique index: another referral won the race
        raise ReferralConflict(
            "Another coordinator referred a household to this opening a moment ago; it is no "
            "longer available. Choose another opening."
        ) from error


def _refer(user, opening_id: int, entry_id: int, now) -> Referral:
    from sunflower.accounts.actions import hmis_user_for
    from sunflower.ces.prioritization import recompute
    from sunflower.hmis.models import Event

    opening = Opening.objects.select_for_update(of=("self",)).select_related("project").get(pk=opening_id)
    entry = ListEntry.objects.select_for_update().get(pk=entry_id)
    if not may_refer(user, entry):
        raise PermissionDenied
    if opening.status != Opening.Status.OPEN:
        raise ValidationError("This opening is no longer open.")
    if opening.referrals.filter(status__in=Referral.OPEN_STATUSES).exists():
        raise ReferralConflict(
            "This opening already has a referral in progress; it is no longer available. "
            "Choose another opening."
        )
    problems = why_not(opening, entry)
    if problems:
        raise ValidationError(["The household is not eligible for this opening:", *problems])
    event = None
    if entry.enrollment_id is not None:
        event = Event.objects.create(
            enrollment_id=entry.enrollment_id,
            client_id=entry.client_id,
            event_date=timezone.localdate(now),
            event=EVENT_FOR_PROJECT_TYPE.get(
                opening.project.project_type,
                hud.EventType.REFERRAL_TO_OTHER_PH_PROJECT_UNIT_RESOURCE_OPENING,
            ),
            location_crisis_or_ph_housing=opening.project.project_name[:250],
            user=hmis_user_for(user),
        )
    referral = Referral.objects.create(
        opening=opening, entry=entry, referred_by=user, referred_at=now,
        decision_due=now + dt.timedelta(days=decision_days()), rank_at_referral=entry.rank,
        event=event,
    )
    entry.status = ListEntry.Status.REFERRED
    entry.save(update_fields=["status", "updated_at"])
    recompute(entry.region, "household referred")
    transaction.on_commit(
        lambda: notify.notify(
            notify.agency_staff(opening.project.organization_id),
            f"New CES referral to {opening.title}",
            f"A household was referred to {opening.title} ({opening.project.project_name}). "
            f"Please accept or decline by {_due(referral)}.",
            _link(referral),
        )
    )
    return referral


def _set_result(referral: Referral, result: int, when) -> None:
    if referral.event_id is None:
        return
    event = referral.event
    event.referral_result = result
    event.result_date = timezone.localdate(when)
    event.save(update_fields=["referral_result", "result_date"])


@transaction.atomic
def decide(user, referral: Referral, accept: bool, reason: str = "", note: str = "",
           now=None) -> Referral:
    """The receiving agency accepts or declines (with a reason) a pending referral."""
    from sunflower.ces.prioritization import recompute

    now = now or timezone.now()
    referral = Referral.objects.select_for_update(of=("self",)).select_related("opening__project", "entry").get(
        pk=referral.pk
    )
    require(user, Action.MANAGE_OPENINGS_AND_REFERRALS, referral)
    if referral.status != Referral.Status.PENDING:
        raise ValidationError("This referral has already been decided.")
    if not accept and reason not in AGENCY_DECLINE_REASONS:
        raise ValidationError({"reason": ["Choose the reason for declining."]})
    if not accept and reason == "other" and not note.strip():
        raise ValidationError({"note": ["Say why, when the reason is 'other'."]})
    referral.decided_at = now
    referral.decided_by = user
    referral.decline_note = note.strip()
    if accept:
        referral.status = Referral.Status.ACCEPTED
        _set_result(referral, hud.ReferralResult.SUCCESSFUL_REFERRAL_CLIENT_ACCEPTED, now)
    else:
        referral.status = Referral.Status.DECLINED_AGENCY
        referral.decline_reason = reason
        _set_result(referral, hud.ReferralResult.UNSUCCESSFUL_REFERRAL_PROVIDER_REJECTED, now)
        _back_on_list(referral.entry)
    referral.save()
    if not accept:
        recompute(referral.entry.region, "referral declined by the agency")
    transaction.on_commit(
        lambda: notify.notify(
            [referral.referred_by, *notify.ce_leads(referral.entry.region)],
            f"CES referral {'accepted' if accept else 'declined'}: {referral.opening.title}",
            f"The agency {'accepted' if accept else 'declined'} the referral to "
            f"{referral.opening.title}.",
            _link(referral),
        )
    )
    return referral


@transaction.atomic
def household_declines(user, referral: Referral, reason: str, note: str = "",
                       now=None) -> Referral:
    """The household turns the offer down (before or after the agency accepted)."""
    from sunflower.ces.prioritization import recompute

    now = now or timezone.now()
    referral = Referral.objects.select_for_update(of=("self",)).select_related("opening__project", "entry").get(
        pk=referral.pk
    )
    if not (may_refer(user, referral.entry)
            or can(user, Action.MANAGE_OPENINGS_AND_REFERRALS, referral)):
        raise PermissionDenied
    if referral.status not in (Referral.Status.PENDING, Referral.Status.ACCEPTED):
        raise ValidationError("Only an offer still open can be declined.")
    if reason not in HOUSEHOLD_DECLINE_REASONS:
        raise ValidationError({"reason": ["Choose the household's reason."]})
    if reason == "other" and not note.strip():
        raise ValidationError({"note": ["Say why, when the reason is 'other'."]})
    referral.status = Referral.Status.DECLINED_HOUSEHOLD
    referral.decline_reason = reason
    referral.decline_note = note.strip()
    referral.decided_at = referral.decided_at or now
    referral.decided_by = referral.decided_by or user
    _set_result(referral, hud.ReferralResult.UNSUCCESSFUL_REFERRAL_CLIENT_REJECTED, now)
    referral.save()
    _back_on_list(referral.entry)
    recompute(referral.entry.region, "referral declined by the household")
    return referral


def _back_on_list(entry: ListEntry) -> None:
    if entry.status == ListEntry.Status.REFERRED:
        entry.status = ListEntry.Status.ACTIVE
        entry.save(update_fields=["status", "updated_at"])


@transaction.atomic
def enroll(user, referral: Referral, entry_date: dt.date) -> Referral:
    """Enroll the accepted household in the opening's project (the case-management intake
    action, with its HUD household rules)."""
    from sunflower.hmis.intake import MemberInput, enroll_household
    from sunflower.hmis.models import Enrollment

    referral = Referral.objects.select_for_update(of=("self",)).select_related(
        "opening__project", "entry__enrollment"
    ).get(pk=referral.pk)
    require(user, Action.MANAGE_OPENINGS_AND_REFERRALS, referral)
    if referral.status != Referral.Status.ACCEPTED:
        raise ValidationError("Only an accepted referral leads to an enrollment.")
    if referral.entry.is_deidentified:
        raise ValidationError(
            "A victim service provider's household is enrolled in the VSP's own database; "
            "record the move-in instead."
        )
    ce = referral.entry.enrollment
    members = [
        MemberInput(m.client_id, m.relationship_to_hoh)
        for m in Enrollment.objects.filter(
            project_id=ce.project_id, household_id=ce.household_id
        ).order_by("id")
    ]
    enrollments = enroll_household(
        user, referral.opening.project, members, entry_date, ce.enrollment_coc
    )
    referral.enrollment = enrollments[0]
    referral.status = Referral.Status.ENROLLED
    referral.save(update_fields=["enrollment", "status"])
    return referral


@transaction.atomic
def move_in(user, referral: Referral, move_in_date: dt.date) -> Referral:
    """The household moved in: it leaves the list and the opening is filled."""
    from sunflower.ces.prioritization import recompute
    from sunflower.hmis.move_in import record_move_in

    referral = Referral.objects.select_for_update(of=("self",)).select_related(
        "opening__project", "entry", "enrollment"
    ).get(pk=referral.pk)
    require(user, Action.MANAGE_OPENINGS_AND_REFERRALS, referral)
    expected = Referral.Status.ACCEPTED if referral.entry.is_deidentified else (
        Referral.Status.ENROLLED
    )
    if referral.status != expected:
        raise ValidationError(
            "Enroll the household in the project before recording its move-in."
            if expected == Referral.Status.ENROLLED
            else "Only an accepted referral can move in."
        )
    if referral.enrollment is not None:
        if move_in_date < referral.enrollment.entry_date:
            raise ValidationError({"move_in_date": ["Move-in is before the project start."]})
        if referral.opening.project.project_type in MOVE_IN_PROJECT_TYPES:
            record_move_in(user, referral.enrollment, move_in_date)
    referral.status = Referral.Status.MOVED_IN
    referral.save(update_fields=["status"])
    entry = referral.entry
    entry.status = ListEntry.Status.HOUSED
    entry.save(update_fields=["status", "updated_at"])
    opening = referral.opening
    opening.status = Opening.Status.FILLED
    opening.save(update_fields=["status"])
    recompute(entry.region, "household housed")
    return referral


@transaction.atomic
def withdraw(user, referral: Referral, note: str) -> Referral:
    """CES takes a referral back (e.g. after an expired deadline, decided in a meeting)."""
    from sunflower.ces.prioritization import recompute

    referral = Referral.objects.select_for_update(of=("self",)).select_related("entry").get(pk=referral.pk)
    if not may_refer(user, referral.entry):
        raise PermissionDenied
    if referral.status not in (Referral.Status.PENDING, Referral.Status.ACCEPTED):
        raise ValidationError("Only an open referral can be withdrawn.")
    if not note.strip():
        raise ValidationError({"note": ["Say why the referral is withdrawn."]})
    referral.status = Referral.Status.WITHDRAWN
    referral.decline_note = note.strip()
    referral.save(update_fields=["status", "decline_note"])
    _back_on_list(referral.entry)
    recompute(referral.entry.region, "referral withdrawn")
    return referral


# --- deadlines -----------------------------------------------------------------------------


@dataclass
class DeadlineRun:
    reminded: int
    escalated: int


def check_deadlines(now=None) -> DeadlineRun:
    """Remind agencies of decisions coming due and escalate passed deadlines to the CE lead.
    Runs from Celery beat (sunflower.ces.tasks) and `sunflower ces_deadlines`; idempotent."""
    now = now or timezone.now()
    reminded = escalated = 0
    pending = Referral.objects.filter(status=Referral.Status.PENDING).select_related(
        "opening__project", "entry__region"
    )
    for referral in pending.filter(
        reminded_at__isnull=True, decision_due__lte=now + dt.timedelta(hours=reminder_hours()),
        decision_due__gt=now,
    ):
        notify.notify(
            notify.agency_staff(referral.opening.project.organization_id),
            f"Reminder: CES referral to {referral.opening.title} due soon",
            f"Please accept or decline by {_due(referral)}.",
            _link(referral),
        )
        Referral.objects.filter(pk=referral.pk).update(reminded_at=now)
        reminded += 1
    for referral in pending.filter(escalated_at__isnull=True, decision_due__lte=now):
        notify.notify(
            [*notify.ce_leads(referral.entry.region),
             *notify.agency_staff(referral.opening.project.organization_id)],
            f"Overdue: CES referral to {referral.opening.title}",
            f"The agency's decision was due {_due(referral)} and has not been made.",
            _link(referral),
        )
        Referral.objects.filter(pk=referral.pk).update(escalated_at=now)
        escalated += 1
    return DeadlineRun(reminded, escalated)


# --- time to decision ----------------------------------------------------------------------


@dataclass
class AgencyDecisions:
    organization: str
    referrals: int
    decided: int
    pending: int
    median_hours: float | None
    longest_hours: float | None
    late: int  # decided after the deadline, or still pending past it


def _is_late(referral: Referral, now) -> bool:
    """Decided after its deadline, or still pending past it."""
    if referral.decided_at is not None:
        return referral.decided_at > referral.decision_due
    return referral.status == Referral.Status.PENDING and now > referral.decision_due


def decision_report(queryset, now=None) -> list[AgencyDecisions]:
    """Time from referral to the agency's decision, per receiving agency."""
    now = now or timezone.now()
    rows: dict[str, list[Referral]] = {}
    for referral in queryset.select_related("opening__project__organization"):
        rows.setdefault(referral.opening.project.organization.organization_name, []).append(
            referral
        )
    report = []
    for name, referrals in sorted(rows.items()):
        hours = [
            (r.decided_at - r.referred_at).total_seconds() / 3600
            for r in referrals if r.decided_at is not None
        ]
        late = sum(1 for r in referrals if _is_late(r, now))
        report.append(
            AgencyDecisions(
                organization=name,
                referrals=len(referrals),
                decided=len(hours),
                pending=sum(1 for r in referrals if r.status == Referral.Status.PENDING),
                median_hours=round(statistics.median(hours), 1) if hours else None,
                longest_hours=round(max(hours), 1) if hours else None,
                late=late,
            )
        )
    return report
