"""CES meeting pages (docs/ces-meetings.md): the meetings of the regions the user may attend,
one meeting (agenda, attendance, notes and decisions, overrides, tasks, the region's list while
it is in progress) and its minutes as PDF. Every page and every form asks the access policy
through sunflower.ces.meetings; each household shown is recorded as viewed."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sunflower.accounts.models import User
from sunflower.accounts.policy import Action, can, require
from sunflower.audit.actions import record_view
from sunflower.ces import meetings
from sunflower.ces.agreements import agreement_required
from sunflower.ces.models import (
    AgendaItem,
    FollowUpTask,
    ListEntry,
    Meeting,
    MeetingNote,
    PriorityOverride,
)
from sunflower.ces.prioritization import RANKED_STATUSES
from sunflower.core.forms import add_validation_errors
from sunflower.geo.models import Region

# --- forms ----------------------------------------------------------------------------------


class UswdsForm(forms.Form):
    """Gives each widget its USWDS class."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "usa-checkbox__input"
            elif isinstance(widget, forms.Select):
                css = "usa-select"
            elif isinstance(widget, forms.Textarea):
                css = "usa-textarea"
            else:
                css = "usa-input"
            widget.attrs.setdefault("class", css)


def _entry_field(required: bool) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=gettext_lazy("Household"), coerce=int, empty_value=None, required=required,
        error_messages={"required": gettext_lazy("Choose the household.")},
    )


class ScheduleForm(UswdsForm):
    region = forms.TypedChoiceField(label=gettext_lazy("Region"), coerce=int)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    starts_at = forms.DateTimeField(
        label=gettext_lazy("Starts at"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    location = forms.CharField(
        label=gettext_lazy("Where (room or call link)"), max_length=300, required=False
    )

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.pk, r.name) for r in regions]


class AttendanceForm(UswdsForm):
    email = forms.EmailField(label=gettext_lazy("Attendee's e-mail"))
    present = forms.BooleanField(label=gettext_lazy("Present"), required=False, initial=True)

    def clean_email(self):
        user = User.objects.filter(email__iexact=self.cleaned_data["email"]).first()
        if user is None:
            raise ValidationError(_("No user has this e-mail address."))
        self.attendee = user
        return self.cleaned_data["email"]


class NoteForm(UswdsForm):
    entry = _entry_field(required=False)
    note = forms.CharField(label=gettext_lazy("Note"), widget=forms.Textarea(attrs={"rows": 3}))
    decision = forms.CharField(
        label=gettext_lazy("Decision"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class OverrideForm(UswdsForm):
    entry = _entry_field(required=True)
    tier = forms.TypedChoiceField(
        label=gettext_lazy("Tier (higher tiers rank first)"), coerce=int,
        choices=[(t, f"{t:+d}") for t in reversed(meetings.OVERRIDE_TIERS) if t],
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": gettext_lazy("Record the reason for the override: the list shows it.")
        },
    )


class RevokeForm(UswdsForm):
    override = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=gettext_lazy("Reason for revoking"),
        error_messages={"required": gettext_lazy("Record the reason for revoking the override.")},
    )


class TaskForm(UswdsForm):
    entry = _entry_field(required=False)
    description = forms.CharField(label=gettext_lazy("Task"), max_length=300)
    assignee = forms.TypedChoiceField(label=gettext_lazy("Assigned to"), coerce=int)
    due_on = forms.DateField(
        label=gettext_lazy("Due on"), widget=forms.DateInput(attrs={"type": "date"})
    )


def _set_entry_choices(form, entries) -> None:
    blank = [("", _("General (no household)"))] if not form.fields["entry"].required else [
        ("", _("Choose a household"))
    ]
    form.fields["entry"].choices = blank + [
        (entry.pk, meetings.household_label(entry)) for entry in entries
    ]




# --- the meetings -------------------------------------------------------------------------




def _schedule_regions(user) -> list:
    return [r for r in Region.objects.order_by("coc__code", "number")
            if can(user, Action.RUN_REGIONAL_CES_LIST, r)]


@require_http_methods(["GET", "POST"])
@agreement_required
def meeting_list(request):
    require(request.user, Action.ATTEND_CES_MEETINGS)
    regions = _schedule_regions(request.user) if can(
        request.user, Action.RUN_REGIONAL_CES_LIST
    ) else []
    form = None
    if regions:
        form = ScheduleForm(request.POST or None, regions=regions)
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            region = next(r for r in regions if r.pk == form.cleaned_data["region"])
            try:
                meeting = meetings.schedule_meeting(
                    request.user, region, form.cleaned_data["title"],
                    form.cleaned_data["starts_at"], form.cleaned_data["location"],
                )
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, _("Meeting scheduled."))
                return redirect("ces_meeting", pk=meeting.pk)
    rows = list(meetings.visible_meetings(request.user)[:200])
    return render(request, "ces/meeting_list.html", {"meetings": rows, "form": form})


def _meeting_for(request, pk: int) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("region"), pk=pk)
    require(request.user, Action.ATTEND_CES_MEETINGS, meeting)
    return meeting


def _detail_context(request, meeting: Meeting, bound: dict | None = None) -> dict:
    user = request.user
    bound = bound or {}
    runs = meetings.may_run(user, meeting)
    show = meetings.may_see_list_in_meeting(user, meeting)
    context = {
        "meeting": meeting, "runs": runs, "show_households": show,
        "attendance": list(
            meeting.attendance.select_related("user", "organization").order_by("user__email")
        ),
        "attendance_form": bound.get("attendance") or (AttendanceForm() if runs else None),
    }
    if not show:
        return context
    client = "entry__client"
    agenda = list(meeting.agenda.select_related(
        client, "referral__entry__client", "referral__opening", "opening"
    ).order_by("order"))
    notes = list(meeting.notes.select_related(client, "written_by"))
    overrides = list(meeting.overrides.select_related(client, "decided_by"))
    tasks = list(meeting.tasks.select_related(client, "assignee"))
    entries = []
    if meeting.in_progress:
        entries = list(
            ListEntry.objects.filter(region_id=meeting.region_id, status__in=RANKED_STATUSES)
            .select_related("client").order_by("rank", "id")
        )
        active = {
            o.entry_id: o for o in PriorityOverride.objects.filter(
                entry__in=entries, revoked_at__isnull=True
            ).order_by("-decided_at", "-id")
        }
        for entry in entries:
            entry.active_override = active.get(entry.pk)
    # Each household shown is a read of CES client information: recorded once per page.
    shown = {e.pk: e for e in entries}
    for item in agenda:
        for entry in (item.entry, getattr(item.referral, "entry", None)):
            if entry is not None:
                shown.setdefault(entry.pk, entry)
    for row in (*notes, *overrides, *tasks):
        if row.entry is not None:
            shown.setdefault(row.entry.pk, row.entry)
    for entry in shown.values():
        record_view(user, entry)

    in_progress = meeting.in_progress
    forms_ = {}
    if in_progress:
        forms_["note"] = bound.get("note") or NoteForm()
        if runs:
            forms_["override"] = bound.get("override") or OverrideForm()
            forms_["task"] = bound.get("task") or TaskForm(initial={"assignee": user.pk})
        for form in forms_.values():
            _set_entry_choices(form, entries)
        if "task" in forms_:
            forms_["task"].fields["assignee"].choices = _assignee_choices(
                user, meeting, context["attendance"]
            )
    revoke = bound.get("revoke")
    context.update({
        "agenda": [(item, meetings.agenda_text(item)) for item in agenda],
        "notes": [(n, meetings.household_label(n.entry)) for n in notes],
        "overrides": [(o, meetings.household_label(o.entry)) for o in overrides],
        "tasks": [
            (t, meetings.household_label(t.entry) if t.entry_id else "",
             t.done_at is None and (runs or t.assignee_id == user.pk))
            for t in tasks
        ],
        "entries": [(e, meetings.household_label(e)) for e in entries],
        "note_form": forms_.get("note"),
        "override_form": forms_.get("override"),
        "task_form": forms_.get("task"),
        "revoke_form": revoke,
        "revoke_for": revoke.data.get("override") if revoke is not None else None,
        "may_revoke": runs and in_progress,
    })
    return context


def _assignee_choices(user, meeting, attendance) -> list:
    people = {user.pk: user.get_full_name() or user.email}
    for row in attendance:
        people.setdefault(row.user_id, row.user.get_full_name() or row.user.email)
    return list(people.items())


@require_GET
@agreement_required
def meeting_detail(request, pk: int):
    meeting = _meeting_for(request, pk)
    return render(request, "ces/meeting_detail.html", _detail_context(request, meeting))


def _entry(meeting, entry_id):
    if entry_id is None:
        return None
    entry = ListEntry.objects.filter(pk=entry_id, region_id=meeting.region_id).first()
    if entry is None:
        raise ValidationError({"entry": _("That household is not on this region's list.")})
    return entry


STEPS = ("agenda", "start", "end", "attendance", "note", "override", "revoke", "task",
         "task-done")


@require_POST
@agreement_required
def meeting_step(request, pk: int, step: str):
    """Every form of the meeting page posts here; on an error the page comes back with what
    the user typed and the reason."""
    if step not in STEPS:
        raise Http404
    meeting = _meeting_for(request, pk)
    user = request.user
    done = {
        "agenda": _("Agenda built from the list."), "start": _("Meeting started."),
        "end": _("Meeting ended."), "attendance": _("Attendance recorded."),
        "note": _("Note saved."), "override": _("Priority override recorded; the list was "
                                                "ranked again."),
        "revoke": _("Override revoked; the list was ranked again."),
        "task": _("Task added."), "task-done": _("Task marked done."),
    }[step]
    form = None
    key = step
    try:
        if step == "agenda":
            meetings.build_agenda(user, meeting)
        elif step == "start":
            meetings.start_meeting(user, meeting)
        elif step == "end":
            meetings.end_meeting(user, meeting)
        elif step == "task-done":
            task = get_object_or_404(FollowUpTask, pk=request.POST.get("task"), meeting=meeting)
            meetings.complete_task(user, task)
        else:
            form = _bound_form(request, meeting, step)
            if form.is_valid():
                _run_form(user, meeting, step, form)
    except ValidationError as error:
        if form is None:
            messages.error(request, " ".join(error.messages))
            return redirect("ces_meeting", pk=meeting.pk)
        add_validation_errors(form, error)
    if form is not None and form.errors:
        context = _detail_context(request, meeting, {key: form})
        context["form_errors"] = True
        return render(request, "ces/meeting_detail.html", context)
    messages.success(request, done)
    return redirect(reverse("ces_meeting", args=[meeting.pk]))


def _bound_form(request, meeting, step):
    cls = {"attendance": AttendanceForm, "note": NoteForm, "override": OverrideForm,
           "revoke": RevokeForm, "task": TaskForm}[step]
    form = cls(request.POST)
    if "entry" in form.fields:
        entries = ListEntry.objects.filter(
            region_id=meeting.region_id, status__in=RANKED_STATUSES
        ).select_related("client").order_by("rank", "id")
        _set_entry_choices(form, entries)
    if step == "task":
        attendance = list(meeting.attendance.select_related("user"))
        form.fields["assignee"].choices = _assignee_choices(request.user, meeting, attendance)
    return form


def _run_form(user, meeting, step, form) -> None:
    data = form.cleaned_data
    if step == "attendance":
        meetings.record_attendance(user, meeting, form.attendee, data["present"])
    elif step == "note":
        meetings.add_note(user, meeting, _entry(meeting, data["entry"]), data["note"],
                          data["decision"])
    elif step == "override":
        meetings.decide_override(user, meeting, _entry(meeting, data["entry"]), data["tier"],
                                 data["reason"])
    elif step == "revoke":
        override = get_object_or_404(
            PriorityOverride, pk=data["override"], entry__region_id=meeting.region_id
        )
        meetings.revoke_override(user, override, data["reason"], meeting=meeting)
    elif step == "task":
        assignee = User.objects.filter(pk=data["assignee"], is_active=True).first()
        meetings.add_task(user, meeting, _entry(meeting, data["entry"]), data["description"],
                          assignee, data["due_on"])


@require_GET
@agreement_required
def meeting_minutes(request, pk: int):
    meeting = _meeting_for(request, pk)
    if not meetings.may_see_list_in_meeting(request.user, meeting):
        require(request.user, Action.VIEW_CES_CLIENT_INFO)  # refuses: 403
    pdf = meetings.minutes_pdf(meeting)
    shown = {}
    for model in (AgendaItem, MeetingNote, FollowUpTask, PriorityOverride):
        for row in model.objects.filter(meeting=meeting).exclude(entry=None).select_related(
            "entry"
        ):
            shown.setdefault(row.entry_id, row.entry)
    for entry in shown.values():
        record_view(request.user, entry)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{meetings.minutes_filename(meeting)}"'
    )
    response["Cache-Control"] = "no-store"
    return response
