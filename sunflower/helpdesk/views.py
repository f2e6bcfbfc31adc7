"""Help-desk pages: the public form and the requester's private status page (``@public``),
and the HMIS team's queue and ticket pages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sunflower.accounts.models import User
from sunflower.accounts.policy import Action, require
from sunflower.audit.actions import record_view
from sunflower.audit.middleware import client_address
from sunflower.core.forms import add_validation_errors
from sunflower.core.middleware import public
from sunflower.portal.spam import count_submission, over_limit

from . import actions
from .forms import MessageForm, ReplyForm, SurveyForm, TicketForm, UpdateForm
from .models import Ticket


@public
@require_http_methods(["GET", "POST"])
def new_ticket(request):
    initial = {}
    if request.user.is_authenticated:
        initial = {
            "requester_name": request.user.get_full_name(),
            "requester_email": request.user.email,
        }
    form = TicketForm(request.POST or None, initial=initial)
    address = client_address(request)
    if request.method == "POST":
        if over_limit("ticket", address):
            form.add_error(
                None,
                _("Too many requests from your network in the last hour. Please try again later."),
            )
        elif form.is_valid():
            data = form.cleaned_data
            ticket = actions.open_ticket(
                subject=data["subject"],
                body=data["body"],
                category=data["category"],
                requester_name=data["requester_name"],
                requester_email=data["requester_email"],
                requester=request.user if request.user.is_authenticated else None,
            )
            count_submission("ticket", address)
            return redirect("helpdesk:status", token=ticket.token)
    return render(request, "helpdesk/new_ticket.html", {"form": form})


@public
@require_http_methods(["GET", "POST"])
def status(request, token: str):
    """The requester's page: public messages only, a reply box, the survey once resolved."""
    ticket = get_object_or_404(Ticket, token=token)
    reply_form = MessageForm(request.POST if "body" in request.POST else None)
    survey_form = SurveyForm(request.POST if "satisfaction" in request.POST else None)
    if request.method == "POST":
        try:
            if reply_form.is_bound and reply_form.is_valid():
                actions.requester_reply(ticket, reply_form.cleaned_data["body"])
                messages.success(request, _("Your message was added."))
                return redirect(request.path)
            if survey_form.is_bound and survey_form.is_valid():
                actions.rate(
                    ticket,
                    survey_form.cleaned_data["satisfaction"],
                    survey_form.cleaned_data["comment"],
                )
                messages.success(request, _("Thank you for your feedback."))
                return redirect(request.path)
        except ValidationError as error:
            add_validation_errors(survey_form if survey_form.is_bound else reply_form, error)
    return render(
        request,
        "helpdesk/status.html",
        {
            "ticket": ticket,
            "thread": ticket.messages.filter(is_internal=False),
            "reply_form": reply_form,
            "survey_form": survey_form,
        },
    )


def queue(request):
    require(request.user, Action.MANAGE_USERS_PROJECTS_APPROVALS)
    view = request.GET.get("view", "open")
    tickets = Ticket.objects.select_related("assigned_to").annotate(
        replies=Count("messages", filter=Q(messages__is_internal=False))
    )
    if view == "open":
        tickets = tickets.exclude(status__in=[Ticket.Status.RESOLVED, Ticket.Status.CLOSED])
    elif view == "mine":
        tickets = tickets.filter(assigned_to=request.user).exclude(status=Ticket.Status.CLOSED)
    category = request.GET.get("category")
    if category in Ticket.Category.values:
        tickets = tickets.filter(category=category)
    rows = list(tickets[:300])
    return render(
        request,
        "helpdesk/queue.html",
        {"rows": rows, "view": view, "category": category, "categories": Ticket.Category.choices},
    )


@require_http_methods(["GET", "POST"])
def ticket(request, pk: int):
    require(request.user, Action.MANAGE_USERS_PROJECTS_APPROVALS)
    ticket = get_object_or_404(Ticket.objects.select_related("assigned_to", "requester"), pk=pk)
    record_view(request.user, ticket)
    reply_form = ReplyForm(request.POST if request.POST.get("form") == "reply" else None)
    update_form = UpdateForm(
        request.POST if request.POST.get("form") == "update" else None,
        initial={
            "status": ticket.status,
            "priority": ticket.priority,
            "assigned_to": ticket.assigned_to_id,
        },
    )
    if request.method == "POST":
        try:
            if reply_form.is_bound and reply_form.is_valid():
                data = reply_form.cleaned_data
                actions.reply(
                    ticket,
                    request.user,
                    data["body"],
                    internal=data["internal"],
                    articles=data["articles"],
                )
                messages.success(
                    request, _("Note added.") if data["internal"] else _("Reply sent.")
                )
                return redirect(request.path)
            if update_form.is_bound and update_form.is_valid():
                data = update_form.cleaned_data
                assignee = (
                    User.objects.filter(pk=data["assigned_to"]).first()
                    if data["assigned_to"]
                    else None
                )
                actions.update(
                    ticket,
                    request.user,
                    status=data["status"],
                    priority=data["priority"],
                    assigned_to=assignee,
                )
                messages.success(request, _("Ticket updated."))
                return redirect(request.path)
        except ValidationError as error:
            add_validation_errors(reply_form if reply_form.is_bound else update_form, error)
    return render(
        request,
        "helpdesk/ticket.html",
        {
            "ticket": ticket,
            "thread": ticket.messages.select_related("author"),
            "reply_form": reply_form,
            "update_form": update_form,
        },
    )
