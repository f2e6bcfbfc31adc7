"""Data requests: a researcher's (or anyone's) request for HMIS data, its review by KHRC and
the HMIS Oversight Committee, the fee quote, and the extract delivered through an expiring
link (docs/data-requests.md)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DEFAULT_TARGET_DAYS = {
    "acknowledged": 5,
    "khrc": 30,
    "committee": 60,
    "fulfilment": 90,
    "latest": 120,
}


def new_token() -> str:
    return secrets.token_urlsafe(32)


def target_days() -> dict[str, int]:
    return {**DEFAULT_TARGET_DAYS, **getattr(settings, "DATA_REQUEST_TARGET_DAYS", {})}


class Body(models.TextChoices):
    """Who decides: the state housing agency that leads the HMIS, then the committee."""

    KHRC = "khrc", _("KHRC")
    COMMITTEE = "oversight_committee", _("HMIS Oversight Committee")


# Personal identifiers the committee may approve, one by one, for a client-level file.
class Identifier(models.TextChoices):
    NAME = "name", _("Name")
    DOB = "dob", _("Date of birth")
    SSN = "ssn", _("Social Security number")
    PERSONAL_ID = "personal_id", _("HMIS personal ID")
    DATES = "dates", _("Exact entry and exit dates")


class DataRequest(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted: with KHRC for review")
        CHANGES = "changes", _("Changes requested: waiting for you")
        COMMITTEE = "committee", _("With the HMIS Oversight Committee")
        APPROVED = "approved", _("Approved: the extract is being prepared")
        DELIVERED = "delivered", _("Delivered")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn by the requester")

    class Complexity(models.TextChoices):
        STANDARD = "standard", _("Standard")
        COMPLEX = "complex", _("Complex (a fee may apply)")

    OPEN_STATUSES = (Status.SUBMITTED, Status.CHANGES, Status.COMMITTEE, Status.APPROVED)

    requester_name = models.CharField(_("your name"), max_length=200)
    requester_email = models.EmailField(_("your e-mail address"))
    requester_organization = models.CharField(_("organization or institution"), max_length=200)
    requester_phone = models.CharField(_("phone"), max_length=30, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="data_requests",
    )
    # The language the requester used: their e-mails are written in it.
    language = models.CharField(max_length=10, default="en")
    title = models.CharField(_("short title"), max_length=200)
    purpose = models.TextField(_("purpose of the request"))
    data_wanted = models.TextField(_("data wanted"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    intended_use = models.TextField(_("how the data will be used and published"))
    retention_plan = models.TextField(_("retention and destruction plan"))
    identifiers_requested = models.BooleanField(_("personal identifiers requested"), default=False)
    identifiers_justification = models.TextField(_("why identifiers are needed"), blank=True)

    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    complexity = models.CharField(
        max_length=10, choices=Complexity.choices, default=Complexity.STANDARD
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    fee_amount = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    fee_note = models.TextField(blank=True)
    fee_quoted_at = models.DateTimeField(null=True, blank=True)
    fee_accepted_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The requester's private status link: a secret, never the reference or an e-mail.
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    @property
    def reference(self) -> str:
        return f"DR-{self.pk:06d}" if self.pk else "DR-new"

    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    # --- the timeline's targets (calendar days from submission) ---------------------------

    def target(self, step: str):
        return self.submitted_at + timedelta(days=target_days()[step])

    def acknowledge_due(self):
        return self.target("acknowledged")

    def khrc_due(self):
        return self.target("khrc")

    def committee_due(self):
        return self.target("committee")

    def fulfilment_due(self):
        return self.target("fulfilment")

    def fulfilment_latest(self):
        return self.target("latest")

    def overdue(self, now=None) -> bool:
        now = now or timezone.now()
        return self.is_open() and now > self.fulfilment_latest()

    def fee_pending(self) -> bool:
        return self.fee_quoted_at is not None and self.fee_accepted_at is None


class DataRequestDecision(models.Model):
    class Outcome(models.TextChoices):
        APPROVE = "approve", _("Approve")
        DECLINE = "decline", _("Decline")
        CHANGES = "changes", _("Needs changes")

    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="decisions")
    body = models.CharField(max_length=20, choices=Body.choices)
    decision = models.CharField(max_length=10, choices=Outcome.choices)
    # The committee alone approves identifiers, each one by name (Identifier values).
    approved_identifiers = models.JSONField(default=list, blank=True)
    comment = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The HMIS team recorded the committee's decision for it (taken at its meeting).
    on_behalf = models.BooleanField(default=False)
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_at", "pk"]

    def __str__(self) -> str:
        return f"{self.request.reference} {self.get_body_display()}: {self.get_decision_display()}"

    @property
    def identifiers_approved(self) -> bool:
        return bool(self.approved_identifiers)


class DataRequestEvent(models.Model):
    """One dated step of the request: the timeline the requester and the team see."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Request submitted")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged by the HMIS team")
        DECISION = "decision", _("Decision recorded")
        RESPONSE = "response", _("Requester answered the requested changes")
        FEE_QUOTED = "fee_quoted", _("Fee quoted")
        FEE_ACCEPTED = "fee_accepted", _("Fee accepted")
        WITHDRAWN = "withdrawn", _("Request withdrawn")
        DELIVERED = "delivered", _("Extract delivered")
        DOWNLOADED = "downloaded", _("Extract downloaded")
        EXPIRED = "expired", _("Download link expired")

    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Shown to the requester (decisions' comments, the requester's own answers).
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.request.reference} {self.kind} {self.at:%Y-%m-%d}"


class DataExtract(models.Model):
    """The delivered file, kept in the private ``datarequests`` storage and downloaded only
    through its secret, expiring link."""

    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="extracts")
    file_name = models.CharField(max_length=200)  # name in the datarequests storage
    size = models.PositiveIntegerField(default=0)
    dimensions = models.JSONField(default=list)
    breakdown = models.CharField(max_length=20, blank=True)
    identifier_columns = models.JSONField(default=list, blank=True)
    suppressed_cells = models.PositiveIntegerField(default=0)
    people = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    expires_at = models.DateTimeField()
    expired_at = models.DateTimeField(null=True, blank=True)  # when the file was removed
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    downloads = models.PositiveIntegerField(default=0)
    last_downloaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.request.reference} extract {self.created_at:%Y-%m-%d}"

    def is_expired(self, now=None) -> bool:
        return self.expired_at is not None or (now or timezone.now()) >= self.expires_at
