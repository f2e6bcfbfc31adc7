"""CES meetings (case conferencing): scheduling per region, the agenda built from the list,
attendance, notes and decisions per household, priority overrides, follow-up tasks and the
minutes as PDF (docs/ces-meetings.md).

Every action asks the access policy. Running a meeting (schedule, agenda, start and end,
attendance, overrides, tasks) is the region's CES coordinator's (Action.RUN_REGIONAL_CES_LIST
for the meeting's region, which an HMIS administrator also holds); taking part (notes and
decisions) is every attendee's who may ATTEND_CES_MEETINGS for the region, VSP staff and
case-conferencing-only users included. Changes are recorded by django-auditlog (every ces
model is registered); the pages record each household they show (record_view).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from sunflower.accounts.policy import (
    DUTY_ACTIONS,
    ROLE_TABLE,
    Action,
    Scope,
    active_duties,
    active_memberships,
    can,
    require,
)
from sunflower.accounts.roles import Role
from sunflower.ces import prioritization
from sunflower.ces.models import (
    AgendaItem,
    Attendance,
    FollowUpTask,
    ListEntry,
    Meeting,
    MeetingNote,
    Opening,
    PriorityOverride,
    Referral,
)

TOP_N = 10
STUCK_AFTER_DAYS = 14
NEW_OPENINGS_DAYS = 14  # when the region has no earlier meeting
OVERRIDE_TIERS = range(-3, 4)  # -3 .. +3; 0 is "no override"
OVERRIDE_CAUSE = "priority override decided in CES meeting"
REVOKE_CAUSE = "priority override revoked in CES meeting"


# --- who may see what -------------------------------------------------------------------------


def attendable_region_ids(user) -> set[int] | None:
    """The regions whose meetings `user` may attend: None for every region (a role granting
    ATTEND_CES_MEETINGS, or a duty without a region), else the duties' regions."""
    if any(
        ROLE_TABLE[Action.ATTEND_CES_MEETINGS][Role(m.role)] is not Scope.NONE
        for m in active_memberships(user)
    ):
        return None
    regions: set[int] = set()
    for duty, action in DUTY_ACTIONS.items():
        if action != Action.ATTEND_CES_MEETINGS:
            continue
        for assignment in active_duties(user, duty):
            if assignment.region_id is None:
                return None
            regions.add(assignment.region_id)
    return regions


def visible_meetings(user) -> QuerySet:
    """The meetings `user` may attend (and so list)."""
    meetings = Meeting.objects.select_related("region")
    if not can(user, Action.ATTEND_CES_MEETINGS):
        return meetings.none()
    regions = attendable_region_ids(user)
    return meetings if regions is None else meetings.filter(region_id__in=regions)


def _attends_through_duty(user, meeting: Meeting) -> bool:
    return any(
        assignment.covers(meeting)
        for duty, action in DUTY_ACTIONS.items()
        if action == Action.ATTEND_CES_MEETINGS
        for assignment in active_duties(user, duty)
    )


def may_see_list_in_meeting(user, meeting: Meeting) -> bool:
    """Whether the meeting's pages may show the region's list and its households: always for
    a user who may view CES client information; for a case-conferencing duty holder, only
    while the meeting is in progress."""
    if can(user, Action.VIEW_CES_CLIENT_INFO):
        return True
    return meeting.in_progress and _attends_through_duty(user, meeting)


def may_run(user, meeting: Meeting) -> bool:
    return can(user, Action.RUN_REGIONAL_CES_LIST, meeting)


def household_label(entry: ListEntry | None) -> str:
    """How the meeting names a household: list rank and first name with last initial (HMIS)
    or the VSP's alias (de-identified). Never a full name, SSN or date of birth."""
    if entry is None:
        return "General"
    if entry.client_id is None:
        name = entry.alias
    else:
        last = (entry.client.last_name or "").strip()
        name = f"{entry.client.first_name} {last[:1]}." if last else entry.client.first_name
    return f"#{entry.rank} {name}" if entry.rank else f"(unranked) {name}"


# --- scheduling and running -----------------------------------------------------------------


def schedule_meeting(user, region, title: str, starts_at, location: str = "") -> Meeting:
    require(user, Action.RUN_REGIONAL_CES_LIST, region)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Give the meeting a title."})
    if starts_at is None:
        raise ValidationError({"starts_at": "Give the date and time the meeting starts."})
    return Meeting.objects.create(
        region=region, title=title[:200], starts_at=starts_at,
        location=(location or "").strip()[:300], created_by=user,
    )


def _require_running(user, meeting: Meeting) -> None:
    require(user, Action.RUN_REGIONAL_CES_LIST, meeting)


def _require_in_progress(meeting: Meeting) -> None:
    if not meeting.in_progress:
        raise ValidationError("This is done while the meeting is in progress.")


def start_meeting(user, meeting: Meeting, now=None) -> Meeting:
    _require_running(user, meeting)
    if meeting.started_at is not None:
        raise ValidationError("The meeting has already started.")
    meeting.started_at = now or timezone.now()
    meeting.save(update_fields=["started_at"])
    return meeting


def end_meeting(user, meeting: Meeting, now=None) -> Meeting:
    _require_running(user, meeting)
    _require_in_progress(meeting)
    meeting.ended_at = now or timezone.now()
    meeting.save(update_fields=["ended_at"])
    return meeting


def _discussed_entry_ids(meeting: Meeting) -> set[int]:
    ids = set(meeting.notes.exclude(entry=None).values_list("entry_id", flat=True))
    ids |= set(meeting.overrides.values_list("entry_id", flat=True))
    ids |= set(meeting.tasks.exclude(entry=None).values_list("entry_id", flat=True))
    return ids


def previous_meeting(meeting: Meeting) -> Meeting | None:
    return (
        Meeting.objects.filter(region_id=meeting.region_id, starts_at__lt=meeting.starts_at)
        .exclude(pk=meeting.pk)
        .order_by("-starts_at", "-id")
        .first()
    )


def build_agenda(
    user, meeting: Meeting, top_n: int = TOP_N, stuck_after_days: int = STUCK_AFTER_DAYS,
    now=None,
) -> list[AgendaItem]:
    """(Re)build the agenda from the list: the region's top `top_n` active households by rank,
    its referrals waiting past their decision deadline (or open longer than
    `stuck_after_days`), and its openings posted since the region's previous meeting (or in
    the last 14 days). Rebuilding replaces the items nothing was recorded on yet; topics added
    by hand and items whose household already has a note, override or task stay."""
    _require_running(user, meeting)
    if meeting.ended_at is not None:
        raise ValidationError("The meeting has ended; its agenda is part of the minutes.")
    now = now or timezone.now()
    with transaction.atomic():
        discussed = _discussed_entry_ids(meeting)
        kept = [
            item for item in meeting.agenda.select_for_update().order_by("order", "id")
            if item.kind == AgendaItem.Kind.OTHER
            or (item.entry_id or getattr(item.referral, "entry_id", None)) in discussed
        ]
        meeting.agenda.exclude(pk__in=[item.pk for item in kept]).delete()
        kept_keys = {(item.kind, item.entry_id, item.referral_id, item.opening_id) for item in kept}

        wanted: list[AgendaItem] = []
        top = ListEntry.objects.filter(
            region_id=meeting.region_id, status=ListEntry.Status.ACTIVE, rank__isnull=False
        ).order_by("rank", "id")[:top_n]
        wanted += [AgendaItem(kind=AgendaItem.Kind.TOP_HOUSEHOLD, entry=entry) for entry in top]
        stuck = Referral.objects.filter(
            opening__region_id=meeting.region_id, status__in=Referral.OPEN_STATUSES
        ).filter(
            Q(status=Referral.Status.PENDING, decision_due__lt=now)
            | Q(referred_at__lt=now - dt.timedelta(days=stuck_after_days))
        ).order_by("referred_at", "id")
        wanted += [
            AgendaItem(kind=AgendaItem.Kind.STUCK_REFERRAL, referral=referral,
                       entry_id=referral.entry_id, opening_id=referral.opening_id)
            for referral in stuck
        ]
        previous = previous_meeting(meeting)
        since = previous.starts_at if previous else now - dt.timedelta(days=NEW_OPENINGS_DAYS)
        openings = Opening.objects.filter(
            region_id=meeting.region_id, status=Opening.Status.OPEN, posted_at__gte=since
        ).order_by("posted_at", "id")
        wanted += [AgendaItem(kind=AgendaItem.Kind.NEW_OPENING, opening=o) for o in openings]

        kind_order = {k: i for i, k in enumerate(["top", "stuck", "opening", "other"])}
        items = kept + [
            item for item in wanted
            if (item.kind, item.entry_id, item.referral_id, item.opening_id) not in kept_keys
        ]
        items.sort(key=lambda item: kind_order[item.kind])
        for order, item in enumerate(items, 1):
            item.order = order
            item.meeting = meeting
            if item.pk is not None:
                item.save(update_fields=["order"])
        AgendaItem.objects.bulk_create([item for item in items if item.pk is None])
    return list(meeting.agenda.order_by("order"))


def record_attendance(user, meeting: Meeting, attendee, present: bool = True) -> Attendance:
    """Record who took part; the agency is the attendee's first active membership's (None for
    a case-conferencing-only user without an agency)."""
    _require_running(user, meeting)
    membership = attendee.memberships.filter(is_active=True).order_by("id").first()
    attendance, _created = Attendance.objects.update_or_create(
        meeting=meeting, user=attendee,
        defaults={"present": bool(present),
                  "organization_id": membership.organization_id if membership else None},
    )
    return attendance


def _check_entry(meeting: Meeting, entry: ListEntry | None) -> None:
    if entry is not None and entry.region_id != meeting.region_id:
        raise ValidationError("That household is not on this region's list.")


def add_note(user, meeting: Meeting, entry: ListEntry | None, note: str,
             decision: str = "") -> MeetingNote:
    """A note (and the decision, if any) on one household or on the meeting in general."""
    require(user, Action.ATTEND_CES_MEETINGS, meeting)
    _require_in_progress(meeting)
    _check_entry(meeting, entry)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Write the note."})
    return MeetingNote.objects.create(
        meeting=meeting, entry=entry, note=note, decision=(decision or "").strip(),
        written_by=user,
    )


# --- priority overrides ---------------------------------------------------------------------


def _set_tier(entry: ListEntry, tier: int) -> None:
    entry.override_tier = tier
    # a plain save, so that django-auditlog records the change of override_tier
    entry.save(update_fields=["override_tier", "updated_at"])


def decide_override(user, meeting: Meeting, entry: ListEntry, tier: int,
                    reason: str) -> PriorityOverride:
    """The meeting moves a household up (positive tier) or down (negative) the list, for a
    recorded reason. The previous active override of the household is revoked."""
    _require_running(user, meeting)
    _require_in_progress(meeting)
    _check_entry(meeting, entry)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Record the reason for the override: the list shows it."})
    try:
        tier = int(tier)
    except (TypeError, ValueError):
        tier = None
    if tier not in OVERRIDE_TIERS or tier == 0:
        raise ValidationError(
            {"tier": f"Choose a tier from {OVERRIDE_TIERS[0]:+d} to {OVERRIDE_TIERS[-1]:+d}, "
                     "not 0 (revoke the override instead)."}
        )
    if entry.status not in prioritization.RANKED_STATUSES:
        raise ValidationError("Only a household on the list (active or referred) is overridden.")
    with transaction.atomic():
        entry = ListEntry.objects.select_for_update().get(pk=entry.pk)
        now = timezone.now()
        for previous in entry.overrides.filter(revoked_at__isnull=True):
            previous.revoked_at = now
            previous.save(update_fields=["revoked_at"])
        override = PriorityOverride.objects.create(
            entry=entry, meeting=meeting, tier=tier, reason=reason, decided_by=user
        )
        _set_tier(entry, tier)
        prioritization.recompute(meeting.region, OVERRIDE_CAUSE)
    return override


def revoke_override(user, override: PriorityOverride, reason: str,
                    meeting: Meeting | None = None) -> PriorityOverride:
    """End an active override, in a meeting in progress (the one that decided it unless
    another is given). The reason is kept on the override and, for the minutes, as that
    meeting's decision on the household."""
    meeting = meeting or override.meeting
    _require_running(user, meeting)
    _require_in_progress(meeting)
    _check_entry(meeting, override.entry)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Record the reason for revoking the override."})
    if override.revoked_at is not None:
        raise ValidationError("This override was already revoked.")
    with transaction.atomic():
        entry = ListEntry.objects.select_for_update().get(pk=override.entry_id)
        override.revoked_at = timezone.now()
        override.revoked_by = user
        override.revoke_reason = reason
        override.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        MeetingNote.objects.create(
            meeting=meeting, entry=entry, written_by=user,
            note=f"Priority override (tier {override.tier:+d}) revoked.", decision=reason,
        )
        _set_tier(entry, 0)
        prioritization.recompute(meeting.region, REVOKE_CAUSE)
    return override


def active_override(entry: ListEntry) -> PriorityOverride | None:
    return entry.overrides.filter(revoked_at__isnull=True).first()


# --- follow-up tasks ------------------------------------------------------------------------


def add_task(user, meeting: Meeting, entry: ListEntry | None, description: str, assignee,
             due_on: dt.date) -> FollowUpTask:
    _require_running(user, meeting)
    _require_in_progress(meeting)
    _check_entry(meeting, entry)
    description = (description or "").strip()
    errors = {}
    if not description:
        errors["description"] = "Describe the task."
    if assignee is None or not can(assignee, Action.ATTEND_CES_MEETINGS, meeting):
        errors["assignee"] = "Assign the task to someone who takes part in this region's meetings."
    if due_on is None:
        errors["due_on"] = "Give the date the task is due."
    if errors:
        raise ValidationError(errors)
    return FollowUpTask.objects.create(
        meeting=meeting, entry=entry, description=description[:300], assignee=assignee,
        due_on=due_on,
    )


def complete_task(user, task: FollowUpTask, now=None) -> FollowUpTask:
    """The assignee (or the region's coordinator) marks the task done."""
    if task.assignee_id != user.pk and not may_run(user, task.meeting):
        raise PermissionDenied
    if task.done_at is not None:
        raise ValidationError("This task is already done.")
    task.done_at = now or timezone.now()
    task.save(update_fields=["done_at"])
    return task


# --- minutes --------------------------------------------------------------------------------

_PLAIN = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
    "\u2026": "...", "\u00a0": " ",
})


def _text(value) -> str:
    """Text the PDF's core fonts can draw (Latin-1)."""
    return str(value).translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


def _when(value) -> str:
    return timezone.localtime(value).strftime("%m/%d/%Y %I:%M %p") if value else "-"


def minutes_pdf(meeting: Meeting) -> bytes:
    """The meeting's minutes as a PDF: households by list rank and short label only."""
    from fpdf import FPDF

    meeting = Meeting.objects.select_related("region").get(pk=meeting.pk)
    attendance = meeting.attendance.select_related("user", "organization").order_by("user__email")
    agenda = meeting.agenda.select_related(
        "entry__client", "referral__entry__client", "referral__opening", "opening"
    ).order_by("order")
    notes = meeting.notes.select_related("entry__client", "written_by")
    overrides = meeting.overrides.select_related("entry__client", "decided_by").order_by(
        "decided_at", "id"
    )
    tasks = meeting.tasks.select_related("entry__client", "assignee")

    pdf = FPDF(format="Letter")
    pdf.set_title(_text(f"Minutes: {meeting.title}"))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()

    def heading(text: str, size: int = 13) -> None:
        pdf.set_font("Helvetica", "B", size)
        pdf.multi_cell(0, 8, _text(text), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)

    def line(text: str) -> None:
        pdf.multi_cell(0, 5, _text(text), new_x="LMARGIN", new_y="NEXT")

    heading(f"CES meeting minutes: {meeting.title}", 16)
    line(f"Region: {meeting.region.name} (region {meeting.region.number})")
    line(f"Scheduled: {_when(meeting.starts_at)}")
    line(f"Held: {_when(meeting.started_at)} to {_when(meeting.ended_at)}")
    line(f"Location: {meeting.location or '-'}")
    pdf.ln(3)

    heading("Attendance")
    for row in attendance:
        who = row.user.get_full_name() or row.user.email
        agency = row.organization.organization_name if row.organization else "no agency"
        line(f"{'Present' if row.present else 'Absent'}: {who} ({agency})")
    if not attendance:
        line("No attendance recorded.")
    pdf.ln(3)

    heading("Agenda")
    for item in agenda:
        line(f"{item.order}. {agenda_text(item)}")
    if not agenda:
        line("No agenda.")
    pdf.ln(3)

    heading("Notes and decisions")
    for note in notes:
        line(f"{household_label(note.entry)}: {note.note}")
        if note.decision:
            line(f"    Decision: {note.decision}")
    if not notes:
        line("No notes.")
    pdf.ln(3)

    heading("Priority overrides")
    for override in overrides:
        state = f" (revoked {_when(override.revoked_at)})" if override.revoked_at else ""
        line(f"{household_label(override.entry)}: tier {override.tier:+d}{state}. "
             f"Reason: {override.reason}")
    if not overrides:
        line("No overrides.")
    pdf.ln(3)

    heading("Follow-up tasks")
    for task in tasks:
        who = task.assignee.get_full_name() or task.assignee.email
        done = f", done {_when(task.done_at)}" if task.done_at else ""
        about = f" [{household_label(task.entry)}]" if task.entry_id else ""
        line(f"{task.description}{about}: {who}, due {task.due_on:%m/%d/%Y}{done}")
    if not tasks:
        line("No tasks.")
    return bytes(pdf.output())


def agenda_text(item: AgendaItem) -> str:
    """One agenda line, households by short label."""
    if item.kind == AgendaItem.Kind.TOP_HOUSEHOLD:
        return f"Top of the list: {household_label(item.entry)}"
    if item.kind == AgendaItem.Kind.STUCK_REFERRAL and item.referral is not None:
        referral = item.referral
        return (f"Stuck referral: {household_label(referral.entry)} to {referral.opening.title} "
                f"({referral.get_status_display()}, decision due {_when(referral.decision_due)})")
    if item.kind == AgendaItem.Kind.NEW_OPENING and item.opening is not None:
        return f"New opening: {item.opening.title} (available {item.opening.available_on:%m/%d/%Y})"
    return item.topic or item.get_kind_display()


def minutes_filename(meeting: Meeting) -> str:
    return f"ces-meeting-{meeting.pk}-minutes-{timezone.localtime(meeting.starts_at):%Y-%m-%d}.pdf"
