"""Releases of information (client consent to share) and each CoC's sharing rule
(docs/consent.md). The access policy (accounts/policy.py) reads both; nothing else decides."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sunflower.consent.levels import LABELS, SharingLevel
from sunflower.geo.models import coc_code_validator


class ReleaseQuerySet(models.QuerySet):
    def current(self, today: dt.date | None = None):
        """In force on `today`: started, not ended, not revoked."""
        today = today or timezone.localdate()
        return self.filter(start_date__lte=today, end_date__gte=today, revoked_at__isnull=True)


class ReleaseOfInformation(models.Model):
    class Scope(models.TextChoices):
        PROFILE = SharingLevel.PROFILE.value, LABELS[SharingLevel.PROFILE]
        HISTORY = SharingLevel.HISTORY.value, LABELS[SharingLevel.HISTORY]
        FULL = SharingLevel.FULL.value, LABELS[SharingLevel.FULL]

    class Method(models.TextChoices):
        SIGNED_PAPER = "signed_paper", _("Signed paper form")
        ELECTRONIC_SIGNATURE = "electronic_signature", _("Electronic signature")
        VERBAL_WITH_WITNESS = "verbal_with_witness", _("Verbal, with a witness")

    client = models.ForeignKey("hmis.Client", on_delete=models.PROTECT, related_name="releases")
    # Who may see: one agency, or every participating agency of one CoC (exactly one is set).
    organization = models.ForeignKey(
        "hmis.Organization",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    coc_code = models.CharField(
        _("CoC"), max_length=6, blank=True, default="", validators=[coc_code_validator]
    )
    scope = models.CharField(_("what may be seen"), max_length=24, choices=Scope)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    method = models.CharField(_("how consent was given"), max_length=24, choices=Method)
    note = models.TextField(_("note"), blank=True, default="")
    document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("signed release"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revocation_reason = models.TextField(blank=True, default="")

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("release of information")
        verbose_name_plural = _("releases of information")
        indexes = [
            models.Index(fields=["client", "end_date"]),
            models.Index(fields=["organization", "end_date"]),
            models.Index(fields=["coc_code", "end_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(organization__isnull=False, coc_code="")
                    | (models.Q(organization__isnull=True) & ~models.Q(coc_code=""))
                ),
                name="consent_roi_one_grantee",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="consent_roi_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"ROI #{self.pk}"

    def status(self, today: dt.date | None = None) -> str:
        today = today or timezone.localdate()
        if self.revoked_at is not None:
            return "revoked"
        if self.start_date > today:
            return "future"
        if self.end_date < today:
            return "expired"
        return "current"

    def is_current(self, today: dt.date | None = None) -> bool:
        return self.status(today) == "current"

    @property
    def level(self) -> SharingLevel:
        return SharingLevel(self.scope)


class SharingRule(models.Model):
    """What the other participating agencies of one CoC see of a client WITHOUT a release.
    Never more than profile and history: the full record needs the client's release."""

    class Level(models.TextChoices):
        NONE = SharingLevel.NONE.value, LABELS[SharingLevel.NONE]
        PROFILE = SharingLevel.PROFILE.value, LABELS[SharingLevel.PROFILE]
        HISTORY = SharingLevel.HISTORY.value, LABELS[SharingLevel.HISTORY]

    coc_code = models.CharField(
        _("CoC code"), max_length=6, unique=True, validators=[coc_code_validator]
    )
    level = models.CharField(
        _("shared without a release"), max_length=24, choices=Level, default=Level.NONE
    )
    note = models.TextField(
        _("decision"), blank=True, default="", help_text=_("Who decided and when (CoC minutes).")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["coc_code"]
        verbose_name = _("CoC sharing rule")
        verbose_name_plural = _("CoC sharing rules")

    def __str__(self) -> str:
        return f"{self.coc_code}: {self.get_level_display()}"
