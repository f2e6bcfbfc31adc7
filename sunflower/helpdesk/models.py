"""Help-desk tickets and their messages (docs/helpdesk.md)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Ticket(models.Model):
    class Category(models.TextChoices):
        ACCESS = "access", _("Access")
        DATA_ENTRY = "data_entry", _("Data entry")
        REPORTS = "reports", _("Reports")
        TECHNICAL = "technical", _("Technical")

    class Priority(models.TextChoices):
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")
        URGENT = "urgent", _("Urgent")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        OPEN = "open", _("Open")
        WAITING = "waiting", _("Waiting on the requester")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    class Source(models.TextChoices):
        WEB = "web", _("Web form")
        EMAIL = "email", _("E-mail")

    subject = models.CharField(_("subject"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.WEB)
    requester_name = models.CharField(_("your name"), max_length=200)
    requester_email = models.EmailField(_("your e-mail address"))
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
    )
    # The requester's private status link (no sign-in): a secret, not the ticket number.
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(null=True, blank=True)
    satisfaction_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "priority"]),
            models.Index(fields=["requester_email"]),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """The number in e-mail subjects, which threads replies to the ticket."""
        return f"HD-{self.pk:06d}" if self.pk else "HD-new"

    def targets(self) -> tuple[timedelta, timedelta]:
        first, resolve = settings.HELPDESK_TARGET_HOURS[self.priority]
        return timedelta(hours=first), timedelta(hours=resolve)

    def response_due(self):
        return self.created_at + self.targets()[0]

    def resolution_due(self):
        return self.created_at + self.targets()[1]

    def is_open(self) -> bool:
        return self.status not in (self.Status.RESOLVED, self.Status.CLOSED)

    def overdue(self, now=None) -> str:
        """'response' or 'resolution' when a target has passed, else ''."""
        now = now or timezone.now()
        if self.first_response_at is None and now > self.response_due():
            return "response"
        if self.is_open() and now > self.resolution_due():
            return "resolution"
        return ""


class TicketMessage(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author_email = models.EmailField(blank=True)
    body = models.TextField()
    # An internal note is for the HMIS team only: never shown or mailed to the requester.
    is_internal = models.BooleanField(default=False)
    from_requester = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    # The inbound e-mail's Message-ID: the same message fed twice is recorded once.
    message_id = models.CharField(max_length=300, blank=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.ticket.reference} message {self.pk}"
