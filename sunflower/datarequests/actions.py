"""Data-request rules: submission, the HMIS team's acknowledgement, KHRC's then the Oversight
Committee's decisions, the fee quote and its acceptance, the requester's answers, the
extract and its expiring link (docs/data-requests.md). Views only call these."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sunflower.accounts.policy import Action, can
from sunflower.core.mail import absolute, send_templated
from sunflower.portal.actions import hmis_team_emails

from . import extract as extracts
from .models import (
    Body,
    DataExtract,
    DataRequest,
    DataRequestDecision,
    DataRequestEvent,
    Identifier,
)

Status = DataRequest.Status
Outcome = DataRequestDecision.Outcome
Kind = DataRequestEvent.Kind


class ExtractGone(Exception):
    """The download link expired (or its file was removed)."""


def extract_storage():
    return storages["datarequests"]


def link_days() -> int:
    return int(getattr(settings, "DATA_REQUEST_LINK_DAYS", 30))


def status_link(request: DataRequest) -> str:
    return absolute(reverse("datarequests:status", args=[request.token]))


def download_link(extract: DataExtract) -> str:
    return absolute(reverse("datarequests:download", args=[extract.token]))


def _mail(template: str, request: DataRequest, to: list[str], *, language=None, **context):
    """Sent once the transaction commits. "[DR-000123]" starts every subject. Mails to the
    requester are written in the language they used; the team's in the site's language."""
    context = {
        "request": request,
        "status_url": status_link(request),
        "team_url": absolute(reverse("datarequests:detail", args=[request.pk])),
        **context,
    }
    send_templated(
        f"datarequests/emails/{template}",
        context,
        to,
        subject_prefix=f"[{request.reference}]",
        language=language or settings.LANGUAGE_CODE,
    )


def _to_requester(template: str, request: DataRequest, **context) -> None:
    _mail(template, request, [request.requester_email], language=request.language, **context)


def _event(request: DataRequest, kind: str, by=None, note: str = "") -> DataRequestEvent:
    return DataRequestEvent.objects.create(
        request=request, kind=kind, by=by if getattr(by, "pk", None) else None, note=note
    )


def committee_emails() -> list[str]:
    from sunflower.governance.actions import committee_members

    return [duty.user.email for duty in committee_members()]


# --- who may do what ----------------------------------------------------------------------


def is_team(user) -> bool:
    """The HMIS team (HMIS administrators): they run the queue and record KHRC's decision."""
    return can(user, Action.MANAGE_USERS_PROJECTS_APPROVALS)


def is_committee_member(user) -> bool:
    return can(user, Action.VOTE_IN_COMMITTEE)


def _require_team(user) -> None:
    if not is_team(user):
        raise PermissionDenied


def may_decide(user, body: str) -> bool:
    """KHRC's decision is recorded by the HMIS team (KHRC's HMIS administrators). The
    committee's by one of its members, or by the HMIS team on its behalf."""
    if body == Body.KHRC:
        return is_team(user)
    return is_committee_member(user) or is_team(user)


def visible_requests(user):
    """The staff queue: everything for the HMIS team; for committee members, what waits for
    the committee and what it decided. Anyone else sees nothing (PermissionDenied)."""
    queryset = DataRequest.objects.select_related("submitted_by", "acknowledged_by")
    if is_team(user):
        return queryset
    if is_committee_member(user):
        return queryset.filter(
            Q(status=Status.COMMITTEE) | Q(decisions__body=Body.COMMITTEE)
        ).distinct()
    raise PermissionDenied


# --- submission -------------------------------------------------------------------------


def validate(fields: dict) -> None:
    """What a request must say, as field errors the form shows beside each field."""
    errors: dict[str, str] = {}
    required = {
        "requester_name": _("Give your name."),
        "requester_email": _("Give an e-mail address: the status link is sent to it."),
        "requester_organization": _("Give your organization or institution."),
        "title": _("Give the request a short title."),
        "purpose": _("Describe the purpose of the request."),
        "data_wanted": _("Describe the data you want."),
        "intended_use": _("Say how the data will be used and published."),
        "retention_plan": _("Say how long you will keep the data and how it will be destroyed."),
    }
    for name, message in required.items():
        if not str(fields.get(name) or "").strip():
            errors[name] = message
    start, end = fields.get("period_start"), fields.get("period_end")
    if not isinstance(start, date):
        errors["period_start"] = _("Give the first day of the period.")
    if not isinstance(end, date):
        errors["period_end"] = _("Give the last day of the period.")
    if isinstance(start, date) and isinstance(end, date):
        if end < start:
            errors["period_end"] = _("The period ends before it starts.")
        elif start > timezone.localdate():
            errors["period_start"] = _("The period must start in the past.")
    if (
        fields.get("identifiers_requested")
        and not str(fields.get("identifiers_justification") or "").strip()
    ):
        errors["identifiers_justification"] = _(
            "Explain why you need personal identifiers and how you will protect them."
        )
    if errors:
        raise ValidationError(errors)


FIELDS = (
    "requester_name",
    "requester_email",
    "requester_organization",
    "requester_phone",
    "title",
    "purpose",
    "data_wanted",
    "period_start",
    "period_end",
    "intended_use",
    "retention_plan",
    "identifiers_requested",
    "identifiers_justification",
)


@transaction.atomic
def submit_request(*, submitted_by=None, language: str = "", **fields) -> DataRequest:
    """Anyone, signed in or not: the requester gets the private status link by e-mail, the
    HMIS team a notice."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    validate(fields)
    values = {
        name: (value.strip() if isinstance(value, str) else value) for name, value in fields.items()
    }
    values["requester_email"] = values["requester_email"].lower()
    if not values.get("identifiers_requested"):
        values["identifiers_justification"] = ""
    request = DataRequest.objects.create(
        submitted_by=submitted_by if getattr(submitted_by, "is_authenticated", False) else None,
        language=(language or translation.get_language() or settings.LANGUAGE_CODE)[:10],
        **values,
    )
    _event(request, Kind.SUBMITTED, submitted_by)
    _to_requester("submitted", request)
    _mail("new_for_team", request, hmis_team_emails())
    return request


# --- the HMIS team and the two decisions ---------------------------------------------------


def _locked(request: DataRequest) -> DataRequest:
    return DataRequest.objects.select_for_update().get(pk=request.pk)


@transaction.atomic
def acknowledge(request: DataRequest, user, complexity: str, note: str = "") -> DataRequest:
    """The HMIS team confirms it has the request and judges its complexity."""
    _require_team(user)
    request = _locked(request)
    if not request.is_open():
        raise ValidationError(_("This request is closed."))
    if complexity not in DataRequest.Complexity.values:
        raise ValidationError({"complexity": _("Choose standard or complex.")})
    first = request.acknowledged_at is None
    request.complexity = complexity
    if first:
        request.acknowledged_at, request.acknowledged_by = timezone.now(), user
    request.save()
    if first:
        _event(request, Kind.ACKNOWLEDGED, user, note.strip())
    return request


def approved_identifiers(request: DataRequest) -> list[str]:
    """The identifiers the committee's approval allowed (none unless it approved them)."""
    decision = (
        request.decisions.filter(body=Body.COMMITTEE, decision=Outcome.APPROVE)
        .order_by("-decided_at", "-pk")
        .first()
    )
    return list(decision.approved_identifiers) if decision else []


@transaction.atomic
def record_decision(
    request: DataRequest,
    user,
    body: str,
    decision: str,
    comment: str = "",
    approved: list[str] | tuple = (),
) -> DataRequestDecision:
    """KHRC decides first, then the committee. Approve moves the request on, decline closes
    it, "needs changes" returns it to the requester (who answers on the status page, and it
    comes back to the same body). The comment is sent to the requester."""
    if body not in Body.values:
        raise ValidationError(_("Unknown reviewing body."))
    if not may_decide(user, body):
        raise PermissionDenied
    request = _locked(request)
    waiting = Status.SUBMITTED if body == Body.KHRC else Status.COMMITTEE
    if request.status != waiting:
        if body == Body.COMMITTEE and request.status == Status.SUBMITTED:
            raise ValidationError(_("KHRC decides first; the committee reviews after."))
        raise ValidationError(_("This request is not waiting for this decision."))
    if decision not in Outcome.values:
        raise ValidationError({"decision": _("Choose approve, decline or needs changes.")})
    comment = comment.strip()
    if decision in (Outcome.DECLINE, Outcome.CHANGES) and not comment:
        raise ValidationError(
            {"comment": _("Say why, or what must change: the requester reads this.")}
        )
    approved = list(dict.fromkeys(approved or ()))
    if approved:
        if body != Body.COMMITTEE:
            raise ValidationError(
                {"approved_identifiers": _("Only the Oversight Committee approves identifiers.")}
            )
        if decision != Outcome.APPROVE:
            raise ValidationError(
                {"approved_identifiers": _("Identifiers are approved with the request only.")}
            )
        if not request.identifiers_requested:
            raise ValidationError(
                {"approved_identifiers": _("The requester did not ask for identifiers.")}
            )
        if set(approved) - set(Identifier.values):
            raise ValidationError({"approved_identifiers": _("Unknown identifier.")})
    on_behalf = body == Body.COMMITTEE and not is_committee_member(user)
    recorded = DataRequestDecision.objects.create(
        request=request,
        body=body,
        decision=decision,
        approved_identifiers=approved,
        comment=comment,
        decided_by=user,
        on_behalf=on_behalf,
    )
    if request.acknowledged_at is None:
        request.acknowledged_at, request.acknowledged_by = timezone.now(), user
        _event(request, Kind.ACKNOWLEDGED, user)
    if decision == Outcome.APPROVE:
        request.status = Status.COMMITTEE if body == Body.KHRC else Status.APPROVED
    elif decision == Outcome.DECLINE:
        request.status, request.closed_at = Status.DECLINED, timezone.now()
    else:
        request.status = Status.CHANGES
    request.save()
    _event(request, Kind.DECISION, user, comment)
    _to_requester("decision", request, decision=recorded)
    if request.status == Status.COMMITTEE:
        _mail("for_committee", request, committee_emails())
    if body == Body.COMMITTEE:
        _mail("committee_decided", request, hmis_team_emails(), decision=recorded)
    return recorded


@transaction.atomic
def respond(request: DataRequest, text: str) -> DataRequest:
    """The requester answers the changes asked for; the request goes back to whoever asked."""
    request = _locked(request)
    if request.status != Status.CHANGES:
        raise ValidationError(_("No changes are waiting for your answer."))
    if not text.strip():
        raise ValidationError({"text": _("Write your answer to the requested changes.")})
    asked = request.decisions.filter(decision=Outcome.CHANGES).order_by("-decided_at", "-pk")
    body = asked.values_list("body", flat=True).first()
    request.status = Status.COMMITTEE if body == Body.COMMITTEE else Status.SUBMITTED
    request.save()
    _event(request, Kind.RESPONSE, note=text.strip())
    _mail("requester_responded", request, hmis_team_emails(), text=text.strip())
    if request.status == Status.COMMITTEE:
        _mail("for_committee", request, committee_emails())
    return request


# --- the fee ------------------------------------------------------------------------------


@transaction.atomic
def quote_fee(request: DataRequest, user, amount, note: str = "") -> DataRequest:
    """A complex request's fee, quoted by the HMIS team before the extract is made; the
    extract waits for the requester's acceptance."""
    _require_team(user)
    request = _locked(request)
    if not request.is_open():
        raise ValidationError(_("This request is closed."))
    try:
        amount = Decimal(str(amount))
    except (ArithmeticError, ValueError):
        raise ValidationError({"amount": _("Give the fee in dollars.")}) from None
    if amount <= 0:
        raise ValidationError({"amount": _("A fee is more than zero.")})
    if not note.strip():
        raise ValidationError({"note": _("Say what the fee covers.")})
    request.complexity = DataRequest.Complexity.COMPLEX
    request.fee_amount, request.fee_note = amount, note.strip()
    request.fee_quoted_at, request.fee_accepted_at = timezone.now(), None
    if request.acknowledged_at is None:
        request.acknowledged_at, request.acknowledged_by = timezone.now(), user
        _event(request, Kind.ACKNOWLEDGED, user)
    request.save()
    _event(request, Kind.FEE_QUOTED, user, note.strip())
    _to_requester("fee_quoted", request)
    return request


@transaction.atomic
def accept_fee(request: DataRequest) -> DataRequest:
    """The requester accepts the quote on their status page."""
    request = _locked(request)
    if not request.is_open() or not request.fee_pending():
        raise ValidationError(_("There is no fee waiting for your acceptance."))
    request.fee_accepted_at = timezone.now()
    request.save()
    _event(request, Kind.FEE_ACCEPTED)
    _mail("fee_accepted", request, hmis_team_emails())
    return request


@transaction.atomic
def withdraw(request: DataRequest, reason: str = "") -> DataRequest:
    """The requester withdraws (for instance rather than pay the fee)."""
    request = _locked(request)
    if not request.is_open():
        raise ValidationError(_("This request is already closed."))
    request.status, request.closed_at = Status.WITHDRAWN, timezone.now()
    request.save()
    _event(request, Kind.WITHDRAWN, note=reason.strip())
    _mail("withdrawn", request, hmis_team_emails())
    return request


# --- fulfilment and the expiring link -----------------------------------------------------


@transaction.atomic
def fulfil(
    request: DataRequest,
    user,
    dimensions: list[str],
    breakdown: str = "",
    identifier_columns: list[str] | tuple = (),
    days: int | None = None,
) -> DataExtract:
    """Build the extract from HMIS (suppressed counts; a client-level file only with the
    identifiers the committee approved), keep it privately and mail the requester its
    expiring link."""
    _require_team(user)
    request = _locked(request)
    if request.status != Status.APPROVED:
        raise ValidationError(_("Only a request approved by KHRC and the committee is fulfilled."))
    if request.fee_pending():
        raise ValidationError(_("The requester has not accepted the fee yet."))
    valid = {value for value, _label in extracts.DIMENSIONS}
    dimensions = [d for d in dict.fromkeys(dimensions or ()) if d]
    if not dimensions:
        raise ValidationError({"dimensions": _("Choose at least one table.")})
    if set(dimensions) - valid:
        raise ValidationError({"dimensions": _("Unknown table.")})
    if breakdown and breakdown not in {value for value, _label in extracts.BREAKDOWNS}:
        raise ValidationError({"breakdown": _("Unknown breakdown.")})
    columns = list(dict.fromkeys(identifier_columns or ()))
    if set(columns) - set(approved_identifiers(request)):
        raise ValidationError(
            {"identifier_columns": _("Only identifiers the committee approved may be included.")}
        )
    days = link_days() if days is None else int(days)
    if not 1 <= days <= 90:
        raise ValidationError({"days": _("The link lasts from 1 to 90 days.")})
    built = extracts.build(request, dimensions, breakdown, columns)
    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    name = extract_storage().save(
        f"{request.reference}/{request.reference}-{stamp}.zip", ContentFile(built.content)
    )
    extract = DataExtract.objects.create(
        request=request,
        file_name=name,
        size=len(built.content),
        dimensions=dimensions,
        breakdown=breakdown,
        identifier_columns=columns,
        suppressed_cells=built.suppressed_cells,
        people=built.people,
        created_by=user,
        expires_at=timezone.now() + timedelta(days=days),
    )
    request.status, request.delivered_at = Status.DELIVERED, timezone.now()
    request.save()
    _event(request, Kind.DELIVERED, user)
    _to_requester("delivered", request, extract=extract, download_url=download_link(extract))
    return extract


def current_extract(request: DataRequest) -> DataExtract | None:
    return request.extracts.order_by("-created_at", "-pk").first()


def open_extract(token: str, user=None):
    """The extract's file for a download through its link: counted, dated in the timeline
    and in the audit log. Raises DataExtract.DoesNotExist or ExtractGone."""
    extract = DataExtract.objects.select_related("request").get(token=token)
    if extract.is_expired():
        raise ExtractGone
    try:
        handle = extract_storage().open(extract.file_name, "rb")
    except FileNotFoundError:
        raise ExtractGone from None
    now = timezone.now()
    DataExtract.objects.filter(pk=extract.pk).update(
        downloads=F("downloads") + 1, last_downloaded_at=now
    )
    _event(extract.request, Kind.DOWNLOADED, user)
    from sunflower.audit.actions import record_view

    record_view(user if getattr(user, "is_authenticated", False) else None, extract)
    return extract, handle


def expire_extracts(now=None) -> int:
    """Remove the files of extracts whose link has expired (run daily: manage.py
    datarequests-expire). Returns how many were removed."""
    now = now or timezone.now()
    count = 0
    for extract in DataExtract.objects.filter(expires_at__lte=now, expired_at__isnull=True):
        with transaction.atomic():
            extract_storage().delete(extract.file_name)
            extract.expired_at = now
            extract.save(update_fields=["expired_at"])
            _event(extract.request, Kind.EXPIRED)
        count += 1
    return count


# --- the requester's timeline ----------------------------------------------------------------


def timeline(request: DataRequest) -> list[dict]:
    """The steps the status page shows: each with its target date and, once done, its date."""
    decisions = list(request.decisions.all())

    def last(body):
        found = [d for d in decisions if d.body == body]
        return found[-1] if found else None

    khrc, committee = last(Body.KHRC), last(Body.COMMITTEE)
    extract = current_extract(request)
    steps = [
        {"key": "submitted", "label": _("Request submitted"), "done": request.submitted_at},
        {
            "key": "acknowledged",
            "label": _("Acknowledged by the HMIS team"),
            "due": request.acknowledge_due(),
            "done": request.acknowledged_at,
        },
        {
            "key": "khrc",
            "label": _("KHRC review"),
            "due": request.khrc_due(),
            "done": khrc.decided_at if khrc else None,
            "outcome": khrc.get_decision_display() if khrc else "",
        },
    ]
    if request.fee_quoted_at:
        steps += [
            {"key": "fee_quoted", "label": _("Fee quoted"), "done": request.fee_quoted_at},
            {"key": "fee_accepted", "label": _("Fee accepted"), "done": request.fee_accepted_at},
        ]
    steps += [
        {
            "key": "committee",
            "label": _("HMIS Oversight Committee review"),
            "due": request.committee_due(),
            "done": committee.decided_at if committee else None,
            "outcome": committee.get_decision_display() if committee else "",
        },
        {
            "key": "delivered",
            "label": _("Extract delivered"),
            "due": request.fulfilment_due(),
            "latest": request.fulfilment_latest(),
            "done": request.delivered_at,
        },
    ]
    if extract:
        steps.append(
            {
                "key": "expires",
                "label": _("Download link expires"),
                "due": extract.expires_at,
                "done": extract.expired_at
                or (extract.expires_at if extract.is_expired() else None),
            }
        )
    return steps
