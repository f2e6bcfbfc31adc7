"""Program request pages: agencies submit and follow theirs, the HMIS team schedules,
reviews and makes the change in HMIS, the Oversight Committee votes."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sunflower.accounts.policy import Action, Scope, agency_ids_with, can, require
from sunflower.core.forms import add_validation_errors
from sunflower.core.middleware import public
from sunflower.datarequests import actions as datarequest_actions
from sunflower.datarequests.models import DataRequest
from sunflower.hmis.models import Organization
from sunflower.portal.markup import render_markdown

from . import actions
from .forms import ProgramRequestForm, QuestionForm, ReviewForm, ScheduleForm, VoteForm
from .models import EndUserMeeting, MeetingQuestion, ProgramRequest


def _agencies(user) -> set[int]:
    if can(user, Action.MANAGE_USERS_PROJECTS_APPROVALS):
        return set(Organization.objects.values_list("pk", flat=True))
    return agency_ids_with(user, Action.REQUEST_USERS_AND_PROGRAM_CHANGES, Scope.OWN_AGENCY)


def _visible(user):
    queryset = ProgramRequest.objects.select_related("organization", "project", "submitted_by")
    if can(user, Action.MANAGE_USERS_PROJECTS_APPROVALS):
        return queryset
    if can(user, Action.VOTE_IN_COMMITTEE):
        # A committee member also sees what the committee votes on, or voted on.
        committee = Q(status=ProgramRequest.Status.COMMITTEE) | Q(votes__isnull=False)
        return queryset.filter(Q(organization_id__in=_agencies(user)) | committee).distinct()
    return queryset.filter(organization_id__in=_agencies(user))


def request_list(request):
    require(request.user, Action.REQUEST_USERS_AND_PROGRAM_CHANGES)
    return render(
        request, "governance/request_list.html", {"rows": list(_visible(request.user)[:200])}
    )


@require_http_methods(["GET", "POST"])
def new_request(request):
    require(request.user, Action.REQUEST_USERS_AND_PROGRAM_CHANGES)
    form = ProgramRequestForm(request.POST or None, agencies=_agencies(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            created = actions.submit(request.user, form.save(commit=False))
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Request sent to the HMIS team."))
            return redirect("governance:request", pk=created.pk)
    return render(request, "governance/request_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def request_detail(request, pk: int):
    item = get_object_or_404(_visible(request.user), pk=pk)
    user, Status = request.user, ProgramRequest.Status
    team = can(user, Action.MANAGE_USERS_PROJECTS_APPROVALS)
    waiting_review = item.status in (Status.SUBMITTED, Status.SCHEDULED)
    forms = {
        "schedule": ScheduleForm(request.POST if request.POST.get("form") == "schedule" else None)
        if team and waiting_review
        else None,
        "review": ReviewForm(request.POST if request.POST.get("form") == "review" else None)
        if team and waiting_review
        else None,
        "vote": VoteForm(request.POST if request.POST.get("form") == "vote" else None)
        if item.status == Status.COMMITTEE and can(user, Action.VOTE_IN_COMMITTEE)
        else None,
    }
    if request.method == "POST":
        name = request.POST.get("form")
        form = forms.get(name)
        try:
            if name == "apply" and team:
                actions.apply(item, user)
                messages.success(request, _("Done in HMIS."))
                return redirect(request.path)
            if form is not None and form.is_valid():
                data = form.cleaned_data
                if name == "schedule":
                    actions.schedule_meeting(item, user, data["meeting_at"], data["place"])
                    messages.success(request, _("Meeting scheduled; the invitation was sent."))
                elif name == "review":
                    actions.review(item, user, data["decision"] == "approve", data["note"])
                    messages.success(request, _("Review recorded."))
                else:
                    actions.vote(item, user, data["vote"], data["comment"])
                    messages.success(request, _("Your vote is recorded."))
                return redirect(request.path)
        except ValidationError as error:
            if form is None:
                messages.error(request, " ".join(error.messages))
            else:
                add_validation_errors(form, error)
    return render(
        request,
        "governance/request_detail.html",
        {
            "item": item,
            "forms": forms,
            "can_apply": team and item.status == Status.APPROVED,
            "votes": list(item.votes.select_related("member")),
            "tally": actions.tally(item) if item.needs_committee() else None,
        },
    )


def committee(request):
    """The Oversight Committee's page: requests waiting for its vote, and its past decisions."""
    require(request.user, Action.VOTE_IN_COMMITTEE)
    waiting = ProgramRequest.objects.filter(status=ProgramRequest.Status.COMMITTEE).select_related(
        "organization"
    )
    decided = (
        ProgramRequest.objects.filter(votes__isnull=False)
        .exclude(status=ProgramRequest.Status.COMMITTEE)
        .distinct()
        .select_related("organization")[:50]
    )
    # Data requests reach the committee too (docs/data-requests.md); the data-request rules
    # decide which the member sees.
    data_requests = datarequest_actions.visible_requests(request.user).filter(
        status=DataRequest.Status.COMMITTEE
    )
    return render(
        request,
        "governance/committee.html",
        {
            "waiting": list(waiting),
            "decided": list(decided),
            "data_requests": list(data_requests.order_by("submitted_at", "pk")),
        },
    )


# --- the End User Committee -------------------------------------------------------------


@public
def end_user_committee(request):
    """Public: upcoming and past meetings with agendas and notes; signed-in users post
    questions ahead of a meeting."""
    meetings = list(EndUserMeeting.objects.prefetch_related("questions__author"))
    upcoming = sorted((m for m in meetings if m.is_upcoming()), key=lambda m: m.starts_at)
    past = [m for m in meetings if not m.is_upcoming()][:12]
    form = QuestionForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(reverse("login") + "?next=" + request.path)
        meeting = get_object_or_404(EndUserMeeting, pk=request.POST.get("meeting"))
        if form.is_valid():
            try:
                actions.post_question(meeting, request.user, form.cleaned_data["text"])
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, _("Your question is posted for the meeting."))
                return redirect(request.path)
    return render(
        request,
        "governance/end_user_committee.html",
        {
            "upcoming": [(m, render_markdown(m.agenda)) for m in upcoming],
            "past": [(m, render_markdown(m.agenda), render_markdown(m.notes)) for m in past],
            "form": form,
            "team": can(request.user, Action.MANAGE_USERS_PROJECTS_APPROVALS),
        },
    )


@public
def end_user_calendar(request):
    ics = actions.meeting_calendar(EndUserMeeting.objects.all())
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="end-user-committee.ics"'
    return response


@require_POST
def answer(request, pk: int):
    question = get_object_or_404(MeetingQuestion, pk=pk)
    try:
        actions.answer_question(question, request.user, request.POST.get("answer", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("governance:end_user_committee")
