"""Street outreach: contacts where people sleep, encampments, and the record of map views
(docs/outreach.md). Every model here is audited (sunflower.audit.registry, app "outreach")."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sunflower.hmis import vocabulary as hud


class LocationSource(models.TextChoices):
    GPS = "gps", _("Phone location (GPS)")
    TAP = "tap", _("Tapped on the map")


class OutreachService(models.TextChoices):
    """What was given or done at a street contact (a Sunflower list, not a HUD one; HUD
    Services records for PATH or RHY funders are entered on the enrollment page)."""

    FOOD = "food", _("Food or water")
    HYGIENE = "hygiene", _("Hygiene kit")
    CLOTHING = "clothing", _("Clothing, blanket or sleeping bag")
    HEALTH = "health", _("First aid or health check")
    TRANSPORT = "transport", _("Transportation")
    SHELTER_REFERRAL = "shelter_referral", _("Referral to shelter")
    CES_REFERRAL = "ces_referral", _("Referral to coordinated entry")
    BENEFITS = "benefits", _("Help with benefits or documents")
    CONVERSATION = "conversation", _("Conversation, information only")


class OutreachContact(models.Model):
    """One contact with a person on the street. With a known client it writes the HUD Current
    Living Situation (4.12) of the client's street outreach enrollment (`living_record`); an
    unnamed person's contact keeps the answers until it is linked to a client."""

    # Made on the phone before sending: sending the same entry twice records it once.
    client_uuid = models.UUIDField(_("entry identifier"), unique=True, default=uuid.uuid4)
    project = models.ForeignKey(
        "hmis.Project", on_delete=models.PROTECT, related_name="outreach_contacts"
    )
    organization = models.ForeignKey(
        "hmis.Organization", on_delete=models.PROTECT, related_name="outreach_contacts"
    )
    client = models.ForeignKey(
        "hmis.Client",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outreach_contacts",
    )
    enrollment = models.ForeignKey(
        "hmis.Enrollment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outreach_contacts",
    )
    living_record = models.OneToOneField(
        "hmis.CurrentLivingSituation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outreach_contact",
    )
    person_description = models.CharField(
        _("person (unnamed)"),
        max_length=200,
        blank=True,
        default="",
        help_text=_("An alias or description to identify the person later."),
    )
    contacted_at = models.DateTimeField(_("date and time of contact"), db_index=True)
    current_living_situation = models.IntegerField(
        _("current living situation"), choices=hud.CurrentLivingSituation
    )
    location_details = models.CharField(_("location details"), max_length=250, blank=True)
    services_given = models.JSONField(_("services given"), default=list, blank=True)
    engaged = models.BooleanField(
        _("date of engagement"),
        default=False,
        help_text=_("The person engaged at this contact (4.13 Date of Engagement)."),
    )
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    accuracy_m = models.PositiveIntegerField(_("accuracy (metres)"), null=True, blank=True)
    location_source = models.CharField(max_length=3, choices=LocationSource)
    county = models.ForeignKey(
        "geo.County", on_delete=models.PROTECT, related_name="outreach_contacts"
    )
    # A victim service provider's contact or a client currently fleeing: the exact point is
    # never shown outside the agency (docs/outreach.md, "Who sees what").
    dv_flag = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="outreach_contacts"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    linked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-contacted_at", "-pk"]
        indexes = [
            models.Index(fields=["organization", "contacted_at"], name="outreach_contact_org_at"),
            models.Index(fields=["county", "contacted_at"], name="outreach_contact_county_at"),
        ]

    def __str__(self) -> str:
        return f"Outreach contact {self.pk}"

    def policy_organization_ids(self) -> set[int]:
        return {self.organization_id}

    @property
    def services_display(self) -> list[str]:
        labels = dict(OutreachService.choices)
        return [str(labels.get(code, code)) for code in self.services_given]


class EncampmentStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive (nobody seen)")
    CLEARED = "cleared", _("Cleared")
    RELOCATED = "relocated", _("Moved elsewhere")


class Encampment(models.Model):
    """A named site where people sleep: a point or an area (GeoJSON Polygon)."""

    name = models.CharField(_("name"), max_length=120)
    geometry = models.JSONField(_("place"), help_text=_("A GeoJSON Point or Polygon."))
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    county = models.ForeignKey("geo.County", on_delete=models.PROTECT, related_name="encampments")
    status = models.CharField(
        _("status"), max_length=10, choices=EncampmentStatus, default=EncampmentStatus.ACTIVE
    )
    estimated_people = models.PositiveIntegerField(_("estimated people"), null=True, blank=True)
    last_visited_at = models.DateTimeField(_("last visit"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    organization = models.ForeignKey(
        "hmis.Organization", on_delete=models.PROTECT, related_name="encampments"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="encampments"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["county", "status"], name="outreach_camp_county_status")]

    def __str__(self) -> str:
        return self.name

    def policy_organization_ids(self) -> set[int]:
        return {self.organization_id}


class EncampmentVisit(models.Model):
    encampment = models.ForeignKey(Encampment, on_delete=models.CASCADE, related_name="visits")
    visited_at = models.DateTimeField(_("visited at"), db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=EncampmentStatus)
    estimated_people = models.PositiveIntegerField(_("estimated people"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="encampment_visits"
    )
    organization = models.ForeignKey(
        "hmis.Organization", on_delete=models.PROTECT, related_name="encampment_visits"
    )

    class Meta:
        ordering = ["-visited_at", "-pk"]

    def __str__(self) -> str:
        return f"Visit {self.pk} to encampment {self.encampment_id}"


class MapViewKind(models.TextChoices):
    MAP = "map", _("Outreach map")
    COUNTY_COUNTS = "county_counts", _("Contacts per county")


class MapView(models.Model):
    """One look at the outreach map's data: who, when, with which filters, how much was shown.
    Written for every data request (and audited as a CREATE like every model here)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="outreach_map_views"
    )
    viewed_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # The map (points for outreach users) or the suppressed counts by county (other roles).
    kind = models.CharField(max_length=16, choices=MapViewKind.choices, default=MapViewKind.MAP)
    filters = models.JSONField(default=dict)  # ids and dates only, never names
    points_shown = models.PositiveIntegerField(default=0)
    contacts_counted = models.PositiveIntegerField(default=0)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-viewed_at", "-pk"]

    def __str__(self) -> str:
        return f"Map view {self.pk}"
