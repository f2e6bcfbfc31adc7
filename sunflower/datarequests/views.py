"""Data-request pages: the public form, the requester's private status page and the
download link (``@public``, reached by secret tokens only), and the staff queue and detail
page for the HMIS team and the Oversight Committee."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sunflower.audit.actions import record_view
from sunflower.audit.middleware import client_address
from sunflower.core.forms import add_validation_errors
from sunflower.core.middleware import public
from sunflower.portal.spam import count_submission, over_limit

from . import actions
from .forms import (
    AcknowledgeForm,
    DataRequestForm,
    DecisionForm,
    FeeForm,
    FulfilForm,
    ResponseForm,
)
from .models import Body, DataExtract, DataRequest, DataRequestDecision

RATE_LIMIT_NAME = "datarequest"


def _no_store(response):
    response["Cache-Control"] = "private, no-store"
    # The token never leaves in a Referer to another site (same-origin keeps CSRF checks).
    response["Referrer-Policy"] = "same-origin"
    return response


@public
@require_http_methods(["GET", "POST"])
def new_request(request):
    initial = {}
    if request.user.is_authenticated:
        initial = {
            "requester_name": request.user.get_full_name(),
            "requester_email": request.user.email,
            "requester_phone": getattr(request.user, "phone", ""),
        }
        membership = (
            request.user.memberships.filter(is_active=True).select_related("organization").first()
        )
        if membership:
            initial["requester_organization"] = membership.organization.organization_name
    form = DataRequestForm(request.POST or None, initial=initial)
    address = client_address(request)
    if request.method == "POST":
        if over_limit(RATE_LIMIT_NAME, address):
            form.add_error(
                None,
                _("Too many requests from your network in the last hour. Please try again later."),
            )
        elif not form.is_valid():
            if "website" in form.errors:  # the honeypot: say so where it shows
                form.add_error(None, form.errors["website"][0])
        else:
            try:
                created = actions.submit_request(
                    submitted_by=request.user,
                    language=get_language() or settings.LANGUAGE_CODE,
                    **form.request_fields(),
                )
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                count_submission(RATE_LIMIT_NAME, address)
                messages.success(
                    request,
                    _("Your request was sent. We e-mailed you the link to this page: keep it."),
                )
                return redirect("datarequests:status", token=created.token)
    return render(
        request,
        "datarequests/new.html",
        {
            "form": form,
            "days": actions.link_days(),
            "targets": _targets(),
            "committee_after": _targets()["committee"] - _targets()["khrc"],
        },
    )


def _targets() -> dict:
    from .models import target_days

    return target_days()


@public
@require_http_methods(["GET", "POST"])
def status(request, token: str):
    """The requester's page: the steps with their dates, the fee to accept, the answer to
    requested changes, and the download link once delivered."""
    item = get_object_or_404(DataRequest, token=token)
    response_form = ResponseForm(request.POST if request.POST.get("form") == "response" else None)
    if request.method == "POST":
        choice = request.POST.get("form")
        try:
            if choice == "accept_fee":
                actions.accept_fee(item)
                messages.success(request, _("Thank you: the fee is accepted."))
                return redirect(request.path)
            if choice == "withdraw":
                actions.withdraw(item, request.POST.get("reason", ""))
                messages.success(request, _("Your request is withdrawn."))
                return redirect(request.path)
            if choice == "response" and response_form.is_valid():
                actions.respond(item, response_form.cleaned_data["text"])
                messages.success(request, _("Your answer was sent to the reviewers."))
                return redirect(request.path)
        except ValidationError as error:
            add_validation_errors(response_form, error)
    extract = actions.current_extract(item)
    return _no_store(
        render(
            request,
            "datarequests/status.html",
            {
                "item": item,
                "steps": actions.timeline(item),
                "decisions": item.decisions.all(),
                "notes": item.events.exclude(note="").exclude(kind="acknowledged"),
                "extract": extract,
                "extract_expired": extract.is_expired() if extract else False,
                "response_form": response_form,
            },
        )
    )


@public
def download(request, token: str):
    try:
        extract, handle = actions.open_extract(token, request.user)
    except DataExtract.DoesNotExist:
        raise Http404 from None
    except actions.ExtractGone:
        return _no_store(render(request, "datarequests/expired.html", status=410))
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{extract.request.reference}-extract.zip",
        content_type="application/zip",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return _no_store(response)


# --- staff pages ---------------------------------------------------------------------------


def queue(request):
    """The HMIS team's queue (every request); committee members see theirs."""
    rows = actions.visible_requests(request.user).prefetch_related(
        Prefetch("decisions", queryset=DataRequestDecision.objects.order_by("decided_at", "pk"))
    )
    team = actions.is_team(request.user)
    view = request.GET.get("view") or ("open" if team else "committee")
    if view == "committee":
        rows = rows.filter(status=DataRequest.Status.COMMITTEE)
    elif view == "open":
        rows = rows.filter(status__in=DataRequest.OPEN_STATUSES)
    return render(
        request,
        "datarequests/queue.html",
        {"rows": list(rows[:300]), "view": view, "team": team},
    )


@require_http_methods(["GET", "POST"])
def detail(request, pk: int):
    item = get_object_or_404(actions.visible_requests(request.user), pk=pk)
    user = request.user
    team = actions.is_team(user)
    record_view(user, item)
    posted = request.POST.get("form") if request.method == "POST" else None
    Status = DataRequest.Status

    def bound(name):
        return request.POST if posted == name else None

    forms = {}
    if team and item.is_open() and item.acknowledged_at is None:
        forms["acknowledge"] = AcknowledgeForm(  # its own ids: the fee form has a note too
            bound("acknowledge"), initial={"complexity": item.complexity}, auto_id="ack_%s"
        )
    if item.status == Status.SUBMITTED and actions.may_decide(user, Body.KHRC):
        forms["khrc"] = DecisionForm(bound("khrc"))
    if item.status == Status.COMMITTEE and actions.may_decide(user, Body.COMMITTEE):
        forms["committee"] = DecisionForm(bound("committee"), committee=True)
    if team and item.is_open():
        forms["fee"] = FeeForm(bound("fee"))
    if team and item.status == Status.APPROVED and not item.fee_pending():
        forms["fulfil"] = FulfilForm(
            bound("fulfil"),
            approved=actions.approved_identifiers(item),
            initial={"days": actions.link_days(), "dimensions": ["project_type", "age_group"]},
        )
    form = forms.get(posted)
    if posted and form is None:
        raise PermissionDenied
    if form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            if posted == "acknowledge":
                actions.acknowledge(item, user, data["complexity"], data["note"])
                messages.success(request, _("Request acknowledged."))
            elif posted in ("khrc", "committee"):
                body = Body.KHRC if posted == "khrc" else Body.COMMITTEE
                actions.record_decision(
                    item,
                    user,
                    body,
                    data["decision"],
                    data["comment"],
                    data.get("approved_identifiers", []),
                )
                messages.success(request, _("Decision recorded."))
            elif posted == "fee":
                actions.quote_fee(item, user, data["amount"], data["note"])
                messages.success(request, _("Fee quoted; the requester was e-mailed."))
            elif posted == "fulfil":
                actions.fulfil(
                    item,
                    user,
                    data["dimensions"],
                    data["breakdown"],
                    data.get("identifier_columns", []),
                    data["days"],
                )
                messages.success(request, _("Extract delivered; the requester was e-mailed."))
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            return redirect("datarequests:detail", pk=item.pk)
    return render(
        request,
        "datarequests/detail.html",
        {
            "item": item,
            "team": team,
            "forms": forms,
            "steps": actions.timeline(item),
            "decisions": item.decisions.select_related("decided_by"),
            "events": item.events.select_related("by"),
            "extracts": item.extracts.all(),
            "approved": actions.approved_identifiers(item),
        },
    )
