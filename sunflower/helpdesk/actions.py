"""Help-desk rules: opening a ticket (web form or e-mail), replies and internal notes,
assignment and status, the e-mails both ways, and the satisfaction survey."""

from __future__ import annotations

import re
from email.message import EmailMessage
from email.utils import parseaddr

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sunflower.accounts.models import User
from sunflower.accounts.policy import Action, can
from sunflower.core.mail import absolute, send_templated
from sunflower.portal.actions import hmis_team_emails

from .models import Ticket, TicketMessage

REFERENCE = re.compile(r"\[HD-(\d{6,})\]")


def status_link(ticket: Ticket) -> str:
    return absolute(reverse("helpdesk:status", args=[ticket.token]))


def _mail(template: str, ticket: Ticket, to: list[str], **context) -> None:
    """Every e-mail carries "[HD-000123]" in its subject, so a reply finds its ticket."""
    context = {
        "ticket": ticket,
        "status_url": status_link(ticket),
        "team_url": absolute(reverse("helpdesk:ticket", args=[ticket.pk])),
        **context,
    }
    send_templated(
        f"helpdesk/emails/{template}", context, to, subject_prefix=f"[{ticket.reference}]"
    )


def _require_team(user) -> None:
    if not can(user, Action.MANAGE_USERS_PROJECTS_APPROVALS):
        raise PermissionDenied


@transaction.atomic
def open_ticket(
    *,
    subject: str,
    body: str,
    category: str,
    requester_name: str,
    requester_email: str,
    requester=None,
    source: str = Ticket.Source.WEB,
    message_id: str = "",
) -> Ticket:
    email = requester_email.strip().lower()
    if requester is None:
        requester = User.objects.filter(email__iexact=email, is_active=True).first()
    ticket = Ticket.objects.create(
        subject=subject.strip()[:200] or _("(no subject)"),
        category=category,
        requester_name=requester_name.strip() or email,
        requester_email=email,
        requester=requester,
        source=source,
    )
    TicketMessage.objects.create(
        ticket=ticket,
        body=body,
        from_requester=True,
        author=requester,
        author_email=email,
        message_id=message_id,
    )
    _mail("opened", ticket, [email])
    team = hmis_team_emails()
    if team:
        _mail("new_for_team", ticket, team, body=body)
    return ticket


@transaction.atomic
def reply(ticket: Ticket, user, body: str, *, internal: bool = False, articles=()) -> TicketMessage:
    """The HMIS team answers (mailed to the requester) or writes a note (never mailed)."""
    _require_team(user)
    if not body.strip():
        raise ValidationError({"body": _("Write the reply or the note.")})
    links = "".join(
        f"\n\n{page.title()}: {absolute(reverse('portal:resource_page', args=[page.slug]))}"
        for page in articles
    )
    message = TicketMessage.objects.create(
        ticket=ticket,
        author=user,
        author_email=user.email,
        body=body.strip() + links,
        is_internal=internal,
    )
    if not internal:
        now = timezone.now()
        ticket.first_response_at = ticket.first_response_at or now
        if ticket.status in (Ticket.Status.NEW, Ticket.Status.OPEN):
            ticket.status = Ticket.Status.WAITING
        if ticket.assigned_to_id is None:
            ticket.assigned_to = user
        ticket.save()
        _mail("reply", ticket, [ticket.requester_email], message=message)
    return message


@transaction.atomic
def requester_reply(ticket: Ticket, body: str, *, message_id: str = "") -> TicketMessage:
    """The requester writes back (status page or e-mail): the ticket reopens, the assignee
    (or the team) is told."""
    if not body.strip():
        raise ValidationError({"body": _("Write your message.")})
    message = TicketMessage.objects.create(
        ticket=ticket,
        body=body.strip(),
        from_requester=True,
        author_email=ticket.requester_email,
        message_id=message_id,
    )
    ticket.status = Ticket.Status.OPEN
    ticket.resolved_at = None
    ticket.save()
    to = [ticket.assigned_to.email] if ticket.assigned_to_id else hmis_team_emails()
    if to:
        _mail("requester_replied", ticket, to, message=message)
    return message


@transaction.atomic
def update(ticket: Ticket, user, *, status: str, priority: str, assigned_to=None) -> Ticket:
    _require_team(user)
    if assigned_to is not None and not can(assigned_to, Action.MANAGE_USERS_PROJECTS_APPROVALS):
        raise ValidationError({"assigned_to": _("Assign tickets to HMIS team members only.")})
    was_open = ticket.is_open()
    ticket.status, ticket.priority, ticket.assigned_to = status, priority, assigned_to
    if was_open and status == Ticket.Status.RESOLVED:
        ticket.resolved_at = timezone.now()
        _mail("resolved", ticket, [ticket.requester_email])
    ticket.save()
    return ticket


def rate(ticket: Ticket, score: int, comment: str = "") -> Ticket:
    """The satisfaction survey, once the ticket is resolved or closed."""
    if ticket.is_open():
        raise ValidationError(_("The survey opens when the ticket is resolved."))
    if score not in range(1, 6):
        raise ValidationError({"satisfaction": _("Choose from 1 to 5.")})
    ticket.satisfaction, ticket.satisfaction_comment = score, comment.strip()
    ticket.save(update_fields=["satisfaction", "satisfaction_comment"])
    return ticket


# --- inbound e-mail -----------------------------------------------------------------------


def _text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    text = part.get_content()
    if part.get_content_type() == "text/html":
        text = re.sub(r"<[^>]+>", " ", text)
    # Keep the new text, not the quoted history below "On ... wrote:" or "> " lines.
    kept = []
    for line in text.splitlines():
        if re.match(r"^On .+ wrote:\s*$", line) or line.startswith(">"):
            break
        kept.append(line)
    return "\n".join(kept).strip()


def ingest_email(message: EmailMessage) -> tuple[Ticket, bool]:
    """File one inbound e-mail: a reply to a ticket (its "[HD-…]" reference and the
    requester's own address) joins that ticket; anything else opens a new one. The same
    Message-ID is filed once. Returns (ticket, whether anything was recorded)."""
    message_id = (message.get("Message-ID") or "").strip()
    if message_id:
        seen = TicketMessage.objects.filter(message_id=message_id).select_related("ticket").first()
        if seen is not None:
            return seen.ticket, False
    name, address = parseaddr(message.get("From", ""))
    if not address or "@" not in address:
        raise ValidationError(_("The e-mail has no sender address."))
    subject = str(message.get("Subject", "")).strip()
    body = _text_of(message) or _("(empty message)")
    match = REFERENCE.search(subject)
    if match:
        ticket = Ticket.objects.filter(pk=int(match.group(1))).first()
        if ticket is not None and ticket.requester_email == address.lower():
            requester_reply(ticket, body, message_id=message_id)
            return ticket, True
    ticket = open_ticket(
        subject=REFERENCE.sub("", subject).strip(),
        body=body,
        category=Ticket.Category.TECHNICAL,
        requester_name=name,
        requester_email=address,
        source=Ticket.Source.EMAIL,
        message_id=message_id,
    )
    return ticket, True
