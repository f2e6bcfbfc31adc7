"""Program Add / Close / Modify: the agency's request, the HMIS team's meeting (an .ics
invitation), its review, the Oversight Committee's vote for non-HUD-funded programs, and the
change made in HMIS from the request, which keeps the link to the project."""

from __future__ import annotations

from datetime import datetime, timedelta

import icalendar
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sunflower.accounts.actions import hmis_user_for
from sunflower.accounts.models import DutyAssignment
from sunflower.accounts.policy import Action, can
from sunflower.accounts.roles import Duty
from sunflower.core.mail import absolute, send_templated
from sunflower.hmis.models import Funder, Inventory, Project, ProjectCoC
from sunflower.portal.actions import agency_admin_emails, hmis_team_emails

from .models import CommitteeVote, ProgramRequest

MEETING_MINUTES = 60
RESIDENTIAL_TYPES = {0, 1, 2, 3, 8, 9, 10, 13}


def _mail(
    template: str, request: ProgramRequest, to: list[str], attachment=None, **context
) -> None:
    context = {
        "request": request,
        "url": absolute(reverse("governance:request", args=[request.pk])),
        **context,
    }
    send_templated(f"governance/emails/{template}", context, to, attachment=attachment)


def committee_members():
    return DutyAssignment.objects.filter(
        duty=Duty.COMMITTEE_MEMBER, is_active=True, user__is_active=True
    ).select_related("user")


def _requester_emails(request: ProgramRequest) -> list[str]:
    return sorted({request.submitted_by.email, *agency_admin_emails(request.organization)})


def validate(request: ProgramRequest) -> None:
    """What each kind of request must say, as field errors the form shows."""
    errors = {}
    if request.kind == ProgramRequest.Kind.ADD:
        for field in ("project_name", "project_type", "start_date", "coc_code"):
            if getattr(request, field) in (None, ""):
                errors[field] = _("Required for a new program.")
        if not request.funders:
            errors["funders"] = _("Choose at least one funding source.")
        if request.project_type in RESIDENTIAL_TYPES and not request.beds:
            errors["beds"] = _("A residential program needs its beds (and units).")
        if request.geocode and (len(request.geocode) != 6 or not request.geocode.isdigit()):
            errors["geocode"] = _("A geocode is six digits.")
    else:
        if request.project_id is None:
            errors["project"] = _("Choose the program.")
        elif request.project.organization_id != request.organization_id:
            errors["project"] = _("That program belongs to another agency.")
        if request.kind == ProgramRequest.Kind.CLOSE and request.end_date is None:
            errors["end_date"] = _("Give the last day of operation.")
    if request.start_date and request.end_date and request.end_date < request.start_date:
        errors["end_date"] = _("The end date is before the start date.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def submit(user, request: ProgramRequest) -> ProgramRequest:
    if not can(user, Action.REQUEST_USERS_AND_PROGRAM_CHANGES, request.organization):
        raise PermissionDenied
    validate(request)
    request.submitted_by = user
    request.status = ProgramRequest.Status.SUBMITTED
    request.save()
    _mail("submitted", request, hmis_team_emails())
    return request


def _require_team(user) -> None:
    if not can(user, Action.MANAGE_USERS_PROJECTS_APPROVALS):
        raise PermissionDenied


def meeting_invitation(request: ProgramRequest, attendees: list[str]) -> bytes:
    """The .ics invitation (RFC 5545, METHOD:REQUEST) to the request's meeting."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Sunflower HMIS//Program requests//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    event = icalendar.Event()
    event.add("uid", f"program-request-{request.pk}@sunflower-hmis")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", request.meeting_at)
    event.add("dtend", request.meeting_at + timedelta(minutes=MEETING_MINUTES))
    event.add("summary", f"HMIS program request: {request.get_kind_display()} - {request.title()}")
    event.add("location", request.meeting_place)
    event.add("description", absolute(reverse("governance:request", args=[request.pk])))
    for address in attendees:
        event.add("attendee", f"mailto:{address}")
    calendar.add_component(event)
    return calendar.to_ical()


@transaction.atomic
def schedule_meeting(request: ProgramRequest, user, at: datetime, place: str) -> ProgramRequest:
    _require_team(user)
    if request.status not in (ProgramRequest.Status.SUBMITTED, ProgramRequest.Status.SCHEDULED):
        raise ValidationError(_("The meeting is scheduled before the review only."))
    if at <= timezone.now():
        raise ValidationError({"meeting_at": _("Choose a time in the future.")})
    request.meeting_at, request.meeting_place = at, place.strip()
    request.status = ProgramRequest.Status.SCHEDULED
    request.save()
    attendees = sorted({*_requester_emails(request), user.email})
    invitation = (
        "meeting.ics",
        meeting_invitation(request, attendees),
        "text/calendar; method=REQUEST",
    )
    _mail("meeting", request, attendees, attachment=invitation)
    return request


@transaction.atomic
def review(request: ProgramRequest, user, approve: bool, note: str = "") -> ProgramRequest:
    """The HMIS team's review after the meeting: a non-HUD-funded program goes on to the
    Oversight Committee; anything else is approved or declined here."""
    _require_team(user)
    if request.status not in (ProgramRequest.Status.SUBMITTED, ProgramRequest.Status.SCHEDULED):
        raise ValidationError(_("This request is not waiting for the HMIS team's review."))
    if not approve and not note.strip():
        raise ValidationError({"note": _("Say why the request is declined.")})
    request.decision_note = note.strip()
    if approve and request.needs_committee():
        request.status = ProgramRequest.Status.COMMITTEE
        request.save()
        _mail("committee", request, sorted({d.user.email for d in committee_members()}))
        return request
    _decide(request, user, approve)
    return request


def _decide(request: ProgramRequest, user, approve: bool) -> None:
    request.status = ProgramRequest.Status.APPROVED if approve else ProgramRequest.Status.DECLINED
    request.decided_by, request.decided_at = user, timezone.now()
    request.save()
    _mail("decided", request, _requester_emails(request))


def tally(request: ProgramRequest) -> dict:
    votes = dict.fromkeys(CommitteeVote.Vote.values, 0)
    for vote in request.votes.all():
        votes[vote.vote] += 1
    return {**votes, "members": committee_members().count()}


@transaction.atomic
def vote(request: ProgramRequest, member, choice: str, comment: str = "") -> CommitteeVote:
    """A committee member's vote (changeable until the decision). The request is approved
    when more than half of the committee's members approve, declined once half reject."""
    if not can(member, Action.VOTE_IN_COMMITTEE):
        raise PermissionDenied
    request = ProgramRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ProgramRequest.Status.COMMITTEE:
        raise ValidationError(_("Voting on this request is closed."))
    if choice not in CommitteeVote.Vote.values:
        raise ValidationError({"vote": _("Choose approve, reject or abstain.")})
    if choice == CommitteeVote.Vote.REJECT and not comment.strip():
        raise ValidationError({"comment": _("Say why you reject it.")})
    ballot, _created = CommitteeVote.objects.update_or_create(
        request=request,
        member=member,
        defaults={"vote": choice, "comment": comment.strip(), "voted_at": timezone.now()},
    )
    count = tally(request)
    if count["approve"] * 2 > count["members"]:
        _decide(request, member, approve=True)
    elif count["reject"] * 2 >= count["members"]:
        _decide(request, member, approve=False)
    return ballot


@transaction.atomic
def apply(request: ProgramRequest, user) -> Project:
    """Make the approved change in HMIS: create the project (with its CoC, funders and
    inventory), change it, or close it; the request keeps the link to the project."""
    _require_team(user)
    request = ProgramRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ProgramRequest.Status.APPROVED:
        raise ValidationError(_("Only an approved request is made in HMIS."))
    hmis_user = hmis_user_for(user)
    kind = ProgramRequest.Kind
    if request.kind == kind.ADD:
        project = Project.objects.create(
            organization=request.organization,
            project_name=request.project_name,
            operating_start_date=request.start_date,
            operating_end_date=request.end_date,
            continuum_project=1,
            project_type=request.project_type,
            user=hmis_user,
        )
        ProjectCoC.objects.create(
            project=project,
            coc_code=request.coc_code,
            geocode=request.geocode or "000000",
            user=hmis_user,
        )
        _add_funders_and_beds(request, project, hmis_user)
    elif request.kind == kind.MODIFY:
        project = request.project
        if request.project_name:
            project.project_name = request.project_name
        if request.project_type is not None:
            project.project_type = request.project_type
        project.user = hmis_user
        project.save()
        _add_funders_and_beds(request, project, hmis_user)
    else:
        project = request.project
        project.operating_end_date = request.end_date
        project.user = hmis_user
        project.save()
        # What was open ends with the program.
        for related in (
            project.funders.filter(end_date__isnull=True),
            project.inventories.filter(inventory_end_date__isnull=True),
        ):
            for record in related:
                field = "end_date" if isinstance(record, Funder) else "inventory_end_date"
                setattr(record, field, request.end_date)
                record.user = hmis_user
                record.save()
    request.project = project
    request.status = ProgramRequest.Status.DONE
    request.applied_by, request.applied_at = user, timezone.now()
    request.save()
    _mail("done", request, _requester_emails(request))
    return project


def _add_funders_and_beds(request: ProgramRequest, project: Project, hmis_user) -> None:
    start = request.start_date or timezone.localdate()
    existing = set(project.funders.filter(end_date__isnull=True).values_list("funder", flat=True))
    for code in request.funders:
        if code not in existing:
            Funder.objects.create(
                project=project,
                funder=code,
                grant_id=request.grant_id or "n/a",
                start_date=start,
                other_funder="Local" if code == 46 else "",
                user=hmis_user,
            )
    if request.beds:
        Inventory.objects.create(
            project=project,
            coc_code=request.coc_code
            or project.project_cocs.values_list("coc_code", flat=True).first()
            or "",
            household_type=request.household_type or 1,
            availability=1,
            unit_inventory=request.units or request.beds,
            bed_inventory=request.beds,
            inventory_start_date=start,
            user=hmis_user,
        )


# --- the End User Committee -------------------------------------------------------------


def meeting_calendar(meetings) -> bytes:
    """The committee's meetings as one .ics file (subscribe or import)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Sunflower HMIS//End User Committee//EN")
    calendar.add("version", "2.0")
    for meeting in meetings:
        event = icalendar.Event()
        event.add("uid", f"end-user-meeting-{meeting.pk}@sunflower-hmis")
        event.add("dtstamp", timezone.now())
        event.add("dtstart", meeting.starts_at)
        event.add("dtend", meeting.starts_at + timedelta(minutes=meeting.minutes))
        event.add("summary", meeting.title)
        event.add("location", meeting.place)
        calendar.add_component(event)
    return calendar.to_ical()


def post_question(meeting, user, text: str):
    from .models import MeetingQuestion

    if not meeting.is_upcoming():
        raise ValidationError(_("Questions are posted before the meeting."))
    if not text.strip():
        raise ValidationError({"text": _("Write your question.")})
    return MeetingQuestion.objects.create(meeting=meeting, author=user, text=text.strip())


def answer_question(question, user, answer: str):
    _require_team(user)
    if not answer.strip():
        raise ValidationError({"answer": _("Write the answer.")})
    question.answer, question.answered_at = answer.strip(), timezone.now()
    question.save(update_fields=["answer", "answered_at"])
    return question
