"""Periods of homelessness verified outside HMIS, with their evidence (docs/chronic-homelessness.md).

HMIS stays and the 3.917 answers are already in the hmis app; a HomelessPeriod records what HMIS
does not hold: a letter from an outreach worker, a shelter's record in another system, what an
intake worker saw, or the client's own statement.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class HomelessPeriodQuerySet(models.QuerySet):
    def current(self):
        return self.filter(deleted_at__isnull=True)


class HomelessPeriod(models.Model):
    class Place(models.TextChoices):
        # HUD's literal homelessness for chronic purposes (24 CFR 578.3 "chronically homeless"):
        # a place not meant for human habitation, a safe haven or an emergency shelter.
        UNSHELTERED = "unsheltered", _("Place not meant for human habitation")
        EMERGENCY_SHELTER = "emergency_shelter", _("Emergency shelter")
        SAFE_HAVEN = "safe_haven", _("Safe haven")
        # A stay of fewer than 90 days in an institution does not break a period and counts
        # toward the total when the person was homeless just before it (24 CFR 578.3).
        INSTITUTION_UNDER_90_DAYS = "institution_under_90_days", _(
            "Institutional care facility, fewer than 90 days"
        )

    class Evidence(models.TextChoices):
        # HUD's order of preference for documenting chronic homelessness (24 CFR 578.103(a)(4)).
        HMIS_RECORD = "hmis_record", _("HMIS or comparable database record")
        THIRD_PARTY = "third_party", _(
            "Written third-party verification (outreach worker, shelter, other provider)"
        )
        INTAKE_OBSERVATION = "intake_observation", _("Intake worker's observation")
        SELF_CERTIFICATION = "self_certification", _("Self-certification by the client")

    client = models.ForeignKey(
        "hmis.Client", on_delete=models.PROTECT, related_name="homeless_periods"
    )
    start_date = models.DateField(_("first night"))
    end_date = models.DateField(_("last night"), null=True, blank=True)  # None: still going on
    place = models.CharField(_("where"), max_length=40, choices=Place)
    evidence = models.CharField(_("evidence"), max_length=40, choices=Evidence)
    verifier_organization = models.CharField(
        _("verifying organization"), max_length=200, blank=True, default=""
    )
    verifier_name = models.CharField(_("verified by"), max_length=200, blank=True, default="")
    document = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="homeless_periods",
    )
    # DV safety: when set, the verifier and the document are shown only to the entering agency
    # and to HMIS administrators (sunflower.chronic.actions.may_see_source).
    source_hidden = models.BooleanField(_("hide the source"), default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_by_agency = models.ForeignKey(
        "hmis.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = HomelessPeriodQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-pk"]
        indexes = [models.Index(fields=["client", "start_date"])]

    def __str__(self) -> str:
        return f"{self.get_place_display()} #{self.pk}"

    @property
    def is_institution(self) -> bool:
        return self.place == self.Place.INSTITUTION_UNDER_90_DAYS

    @property
    def is_self_certified(self) -> bool:
        return self.evidence == self.Evidence.SELF_CERTIFICATION
