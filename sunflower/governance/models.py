"""Program Add / Close / Modify requests and the HMIS Oversight Committee's votes on them
(docs/governance.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sunflower.hmis import vocabulary as hud


class ProgramRequest(models.Model):
    class Kind(models.TextChoices):
        ADD = "add", _("Add a program")
        MODIFY = "modify", _("Modify a program")
        CLOSE = "close", _("Close a program")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted: the HMIS team schedules a meeting")
        SCHEDULED = "scheduled", _("Meeting scheduled")
        COMMITTEE = "committee", _("With the Oversight Committee")
        APPROVED = "approved", _("Approved: to be made in HMIS")
        DONE = "done", _("Done in HMIS")
        DECLINED = "declined", _("Declined")

    kind = models.CharField(_("request"), max_length=10, choices=Kind.choices)
    organization = models.ForeignKey(
        "hmis.Organization",
        on_delete=models.PROTECT,
        related_name="program_requests",
        verbose_name=_("agency"),
    )
    # The project closed or modified; for an added one, the project made from the request.
    project = models.ForeignKey(
        "hmis.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="program_requests",
    )
    project_name = models.CharField(_("program name"), max_length=200, blank=True)
    project_type = models.IntegerField(
        _("project type"), choices=hud.ProjectType, null=True, blank=True
    )
    funders = models.JSONField(_("funding sources"), default=list, blank=True)  # HUD 2.06 codes
    grant_id = models.CharField(_("grant identifier"), max_length=100, blank=True)
    coc_code = models.CharField(_("CoC"), max_length=6, blank=True)
    geocode = models.CharField(_("geocode"), max_length=6, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    beds = models.PositiveIntegerField(_("beds"), null=True, blank=True)
    units = models.PositiveIntegerField(_("units"), null=True, blank=True)
    household_type = models.IntegerField(
        _("households served"), choices=hud.HouseholdType, null=True, blank=True
    )
    notes = models.TextField(_("what changes, and why"), blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    meeting_at = models.DateTimeField(null=True, blank=True)
    meeting_place = models.CharField(max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title()}"

    def title(self) -> str:
        return self.project_name or (self.project.project_name if self.project_id else "")

    @property
    def hud_funded(self) -> bool:
        """HUD funds it when any funding source is a HUD program (HUD's labels say "HUD:")."""
        labels = dict(hud.FundingSource.choices)
        return any(str(labels.get(code, "")).startswith("HUD:") for code in self.funders)

    def needs_committee(self) -> bool:
        """Non-HUD-funded programs join HMIS only with the Oversight Committee's approval."""
        return self.kind == self.Kind.ADD and not self.hud_funded

    def policy_organization_ids(self) -> set[int]:
        return {self.organization_id}


class CommitteeVote(models.Model):
    class Vote(models.TextChoices):
        APPROVE = "approve", _("Approve")
        REJECT = "reject", _("Reject")
        ABSTAIN = "abstain", _("Abstain")

    request = models.ForeignKey(ProgramRequest, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    vote = models.CharField(max_length=10, choices=Vote.choices)
    comment = models.TextField(blank=True)
    voted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["voted_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["request", "member"], name="one_vote_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.vote}"


class EndUserMeeting(models.Model):
    """A meeting of the HMIS & CES End User Committee: open to every HMIS user; the calendar,
    agendas and notes are public (they never hold client information)."""

    title = models.CharField(_("title"), max_length=200, default="HMIS & CES End User Committee")
    starts_at = models.DateTimeField(_("starts"))
    minutes = models.PositiveSmallIntegerField(_("length in minutes"), default=60)
    place = models.CharField(_("where (room or video link)"), max_length=300)
    agenda = models.TextField(_("agenda (Markdown)"), blank=True)
    notes = models.TextField(_("notes (Markdown)"), blank=True)

    class Meta:
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return f"{self.title} {self.starts_at:%Y-%m-%d}"

    def is_upcoming(self) -> bool:
        return self.starts_at >= timezone.now()


class MeetingQuestion(models.Model):
    """A question a user posts ahead of a meeting, for the HMIS team to take up."""

    meeting = models.ForeignKey(EndUserMeeting, on_delete=models.CASCADE, related_name="questions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("your question"))
    posted_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["posted_at", "pk"]

    def __str__(self) -> str:
        return self.text[:80]
