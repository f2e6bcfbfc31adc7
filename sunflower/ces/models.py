"""Coordinated Entry: access points, assessment tools, the prioritization (by-name) list,
openings, referrals, case-conferencing meetings and the CE Participation Agreement.

HUD's own CE records stay in the HMIS data model (hmis.CEParticipation 2.09, hmis.Assessment
and its questions and results 4.19, hmis.Event 4.20); the tables here hold what HUD does not
define (tool versions, list positions, openings, deadlines, meetings) and point to the HUD rows
they wrote. docs/ces.md describes each.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


# --- 1. access points ----------------------------------------------------------------------


class AccessPoint(models.Model):
    """A project (and site) designated as a CES access point for a county (or, for a remote or
    virtual access point, for a whole region or CoC). Designating one writes HUD's
    CEParticipation row for the project (sunflower.ces.access_points)."""

    class Mode(models.TextChoices):
        PHYSICAL = "physical", _("Physical site")
        VIRTUAL = "virtual", _("Virtual (phone line, outreach team)")
        REMOTE = "remote", _("Remote (the HMIS Lead or a statewide line)")

    project = models.ForeignKey("hmis.Project", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices)
    coc = models.ForeignKey("geo.ContinuumOfCare", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(
        "geo.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text=_("Blank for a remote access point serving every region of the CoC."),
    )
    counties = models.ManyToManyField("geo.County", blank=True, related_name="+")
    prevention_assessment = models.BooleanField(_("prevention assessments"), default=True)
    crisis_assessment = models.BooleanField(_("crisis needs assessments"), default=False)
    housing_assessment = models.BooleanField(_("housing needs assessments"), default=True)
    direct_services = models.BooleanField(_("direct services"), default=False)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    ce_participation = models.ForeignKey(
        "hmis.CEParticipation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["coc__code", "region__number", "name"]

    def __str__(self) -> str:
        return self.name


# --- 2. assessment tools -------------------------------------------------------------------


class AssessmentTool(models.Model):
    """A CoC's assessment instrument; its questions live in versions (ToolVersion)."""

    class Purpose(models.TextChoices):
        HOUSING = "housing", _("Housing needs (prioritization)")
        PREVENTION = "prevention", _("Prevention (at risk of homelessness)")
        CRISIS = "crisis", _("Crisis needs")

    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("offered for new assessments"), default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def published_version(self):
        return self.versions.filter(status=ToolVersion.Status.PUBLISHED).order_by("-number").first()


class ToolVersion(models.Model):
    """One version of a tool: sections, questions, conditions, scoring and score bands, as a
    definition document (sunflower.ces.tools validates it). A published version never changes;
    an assessment keeps the version it was taken with."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    tool = models.ForeignKey(AssessmentTool, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default="draft")
    definition = models.JSONField(_("definition"))
    notes = models.TextField(_("what changed"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["tool__name", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["tool", "number"], name="ces_toolversion_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.tool.name} v{self.number}"


# --- 3. households on the prioritization list ---------------------------------------------


class ListEntry(models.Model):
    """A household on a region's prioritization (by-name) list.

    For a household in HMIS it points to the head of household's CE enrollment; a household a
    victim service provider serves has no HMIS client at all: an alias and the VSP's own
    reference, controlled by that VSP (docs/ces.md, "Survivors"). The `facts` the rules read
    are copied here when data changes, so a list recomputes without touching client tables."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive (no recent contact)")
        REFERRED = "referred", _("Referral pending")
        HOUSED = "housed", _("Housed")
        REMOVED = "removed", _("Removed")

    class HouseholdType(models.TextChoices):
        ADULTS = "adults", _("Adults only")
        FAMILY = "family", _("Adults with children")
        CHILDREN = "children", _("Children only")
        YOUTH = "youth", _("Unaccompanied youth (18-24)")

    region = models.ForeignKey("geo.Region", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default="active")
    # HMIS households
    client = models.ForeignKey(
        "hmis.Client", on_delete=models.PROTECT, null=True, blank=True, related_name="ces_entries"
    )
    enrollment = models.ForeignKey(
        "hmis.Enrollment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # de-identified households of a victim service provider
    vsp_organization = models.ForeignKey(
        "hmis.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    alias = models.CharField(_("alias"), max_length=60, blank=True)
    vsp_reference = models.CharField(_("VSP's own reference"), max_length=60, blank=True)
    # facts the prioritization and eligibility rules read
    household_type = models.CharField(max_length=10, choices=HouseholdType.choices)
    household_size = models.PositiveSmallIntegerField(default=1)
    score = models.IntegerField(null=True, blank=True)
    score_band = models.CharField(max_length=60, blank=True)
    recommended_intervention = models.CharField(max_length=60, blank=True)
    chronic = models.BooleanField(default=False)
    veteran = models.BooleanField(default=False)
    youth = models.BooleanField(default=False)
    fleeing_dv = models.BooleanField(default=False)
    days_homeless = models.PositiveIntegerField(default=0)
    monthly_income = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    vulnerability_flags = models.JSONField(default=list, blank=True)
    assessed_on = models.DateField(null=True, blank=True)
    last_contact_on = models.DateField(null=True, blank=True)
    # the list's answer
    override_tier = models.SmallIntegerField(
        default=0, help_text=_("Set by a CES meeting's override: higher tiers rank first.")
    )
    # Kept by sunflower.ces.prioritization.recompute; the reasons (rule trace) are derived from
    # the facts and the rules when shown, so they can never disagree with the rank.
    rank = models.PositiveIntegerField(null=True, blank=True)
    inactive_since = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["region", "rank", "id"]
        indexes = [
            models.Index(fields=["region", "status", "rank"], name="ces_entry_list"),
            # The list page reads a region's ranked households by rank range (views.region_list).
            models.Index(
                fields=["region", "rank"], condition=Q(rank__isnull=False), name="ces_entry_ranked"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="ces_entry_hmis_or_deidentified",
                condition=(Q(client__isnull=False, vsp_organization__isnull=True))
                | (Q(client__isnull=True, vsp_organization__isnull=False) & ~Q(alias="")),
            ),
            # One place per household per region while it is on the list.
            models.UniqueConstraint(
                fields=["client", "region"],
                condition=Q(status__in=["active", "inactive", "referred"]),
                name="ces_entry_one_open_per_client_region",
            ),
        ]

    def __str__(self) -> str:
        return self.alias if self.client_id is None else f"CES household {self.pk}"

    @property
    def is_deidentified(self) -> bool:
        return self.client_id is None

    def policy_organization_ids(self) -> set[int]:
        """Whose record this is, for the access policy's "own agency" scope: the VSP's for a
        de-identified household; for an HMIS household, the CE enrollment's project's agency."""
        if self.vsp_organization_id is not None:
            return {self.vsp_organization_id}
        if self.enrollment_id is not None:
            return {self.enrollment.project.organization_id}
        return set()


class RankChange(models.Model):
    """A household's position moved: the list's history (what the rank was, why it changed)."""

    entry = models.ForeignKey(ListEntry, on_delete=models.CASCADE, related_name="rank_changes")
    old_rank = models.PositiveIntegerField(null=True, blank=True)
    new_rank = models.PositiveIntegerField(null=True, blank=True)
    cause = models.CharField(max_length=200)
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class PrioritizationRules(models.Model):
    """The ordered rules a CoC (or one region, overriding its CoC) sorts its list by."""

    coc = models.ForeignKey("geo.ContinuumOfCare", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(
        "geo.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # [{"criterion": "score", "direction": "desc"}, ...]; sunflower.ces.prioritization.CRITERIA
    rules = models.JSONField()
    inactive_after_days = models.PositiveIntegerField(default=90)
    changed_at = models.DateTimeField(auto_now=True)
    changed_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["coc"], condition=Q(region__isnull=True), name="ces_rules_one_per_coc"
            ),
            models.UniqueConstraint(
                fields=["region"], condition=Q(region__isnull=False),
                name="ces_rules_one_per_region",
            ),
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class CesAssessment(models.Model):
    """An assessment taken with a tool version: the answers and the score. For an HMIS
    household it wrote the HUD 4.19 rows (`hud_assessment`); for a de-identified household it
    has none (survivor data stays with the VSP)."""

    class EntryMode(models.TextChoices):
        LIVE = "live", _("Entered while assessing")
        PAPER = "paper", _("Entered later from a paper form")

    entry = models.ForeignKey(ListEntry, on_delete=models.PROTECT, related_name="assessments")
    tool_version = models.ForeignKey(ToolVersion, on_delete=models.PROTECT, related_name="+")
    access_point = models.ForeignKey(
        AccessPoint, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assessment_date = models.DateField()
    assessment_type = models.IntegerField()  # HUD 4.19.3: phone, virtual, in person
    entry_mode = models.CharField(max_length=6, choices=EntryMode.choices, default="live")
    answers = models.JSONField()
    score = models.IntegerField()
    score_band = models.CharField(max_length=60, blank=True)
    recommended_intervention = models.CharField(max_length=60, blank=True)
    hud_assessment = models.OneToOneField(
        "hmis.Assessment", on_delete=models.PROTECT, null=True, blank=True, related_name="ces"
    )
    assessed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessment_date", "-id"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


# --- 4. openings ---------------------------------------------------------------------------


class Opening(models.Model):
    """A unit or slot a housing project posts for CES to fill, with its eligibility."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        FILLED = "filled", _("Filled")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    project = models.ForeignKey("hmis.Project", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("geo.Region", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    bedrooms = models.PositiveSmallIntegerField(_("bedrooms"), default=1)
    max_household_size = models.PositiveSmallIntegerField(_("largest household"), default=1)
    available_on = models.DateField(_("available from"))
    status = models.CharField(max_length=10, choices=Status.choices, default="open")
    # eligibility (blank / False = no requirement)
    household_types = models.JSONField(_("household types"), default=list, blank=True)
    requires_veteran = models.BooleanField(_("veterans only"), default=False)
    requires_youth = models.BooleanField(_("youth (18-24) only"), default=False)
    requires_chronic = models.BooleanField(_("chronically homeless only"), default=False)
    requires_dv = models.BooleanField(_("survivors of domestic violence only"), default=False)
    max_monthly_income = models.DecimalField(
        _("income limit (monthly)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    min_score = models.IntegerField(_("minimum score"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    posted_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    posted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["available_on", "id"]
        indexes = [models.Index(fields=["region", "status"], name="ces_opening_region")]

    def __str__(self) -> str:
        return self.title


# --- 5. referrals --------------------------------------------------------------------------


class Referral(models.Model):
    """A household referred to an opening, from offer to move-in or decline. Each step writes
    HUD's 4.20 event (`event`): the referral itself, then its result."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the agency")
        ACCEPTED = "accepted", _("Accepted by the agency")
        ENROLLED = "enrolled", _("Enrolled")
        MOVED_IN = "moved_in", _("Moved in")
        DECLINED_AGENCY = "declined_agency", _("Declined by the agency")
        DECLINED_HOUSEHOLD = "declined_household", _("Declined by the household")
        EXPIRED = "expired", _("Expired without a decision")
        WITHDRAWN = "withdrawn", _("Withdrawn by CES")

    OPEN_STATUSES = ("pending", "accepted", "enrolled")

    opening = models.ForeignKey(Opening, on_delete=models.PROTECT, related_name="referrals")
    entry = models.ForeignKey(ListEntry, on_delete=models.PROTECT, related_name="referrals")
    status = models.CharField(max_length=20, choices=Status.choices, default="pending")
    referred_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    referred_at = models.DateTimeField()
    decision_due = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decline_reason = models.CharField(max_length=40, blank=True)
    decline_note = models.TextField(blank=True)
    rank_at_referral = models.PositiveIntegerField(null=True, blank=True)
    event = models.OneToOneField(
        "hmis.Event", on_delete=models.PROTECT, null=True, blank=True, related_name="referral"
    )
    enrollment = models.ForeignKey(
        "hmis.Enrollment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-referred_at", "-id"]
        constraints = [
            # The database's own guarantee behind the row lock in sunflower.ces.referrals:
            # one live referral per opening.
            models.UniqueConstraint(
                fields=["opening"],
                condition=Q(status__in=["pending", "accepted", "enrolled"]),
                name="ces_referral_one_open_per_opening",
            ),
        ]

    def __str__(self) -> str:
        return f"Referral {self.pk}"

    def policy_organization_ids(self) -> set[int]:
        """A referral belongs to the agency whose opening it fills."""
        return {self.opening.project.organization_id}


class Notification(models.Model):
    """A message to one user in the application (also sent by e-mail). Never names a client:
    it links to the record, which the policy then checks."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="notifications")
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="ces_notification_unread")]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


# --- 6. CES meetings (case conferencing) ---------------------------------------------------


class Meeting(models.Model):
    region = models.ForeignKey("geo.Region", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    location = models.CharField(_("where (room or call link)"), max_length=300, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-starts_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def in_progress(self) -> bool:
        return self.started_at is not None and self.ended_at is None


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        TOP_HOUSEHOLD = "top", _("Top of the list")
        STUCK_REFERRAL = "stuck", _("Stuck referral")
        NEW_OPENING = "opening", _("New opening")
        OTHER = "other", _("Other")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    order = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    entry = models.ForeignKey(ListEntry, on_delete=models.PROTECT, null=True, blank=True)
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, null=True, blank=True)
    opening = models.ForeignKey(Opening, on_delete=models.PROTECT, null=True, blank=True)
    topic = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["meeting", "order"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(
        "hmis.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    present = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="ces_attendance_once"),
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class MeetingNote(models.Model):
    """What the meeting said and decided about one household (or in general)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="notes")
    entry = models.ForeignKey(ListEntry, on_delete=models.PROTECT, null=True, blank=True)
    note = models.TextField()
    decision = models.TextField(blank=True)
    written_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["written_at", "id"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class PriorityOverride(models.Model):
    """A meeting's decision to move a household up (or down) the list, with its reason. The
    entry's `override_tier` follows the active override; the list shows it."""

    entry = models.ForeignKey(ListEntry, on_delete=models.PROTECT, related_name="overrides")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="overrides")
    tier = models.SmallIntegerField()
    reason = models.TextField()
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoke_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class FollowUpTask(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="tasks")
    entry = models.ForeignKey(ListEntry, on_delete=models.PROTECT, null=True, blank=True)
    description = models.CharField(max_length=300)
    assignee = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


# --- 8. CE Participation Agreement ---------------------------------------------------------


class ParticipationAgreement(models.Model):
    """A version of the CoC's CE Participation Agreement text."""

    version = models.CharField(max_length=20, unique=True)
    text = models.TextField()
    effective_on = models.DateField()

    class Meta:
        ordering = ["-effective_on", "-id"]

    def __str__(self) -> str:
        return f"CE Participation Agreement {self.version}"


class AgreementSignature(models.Model):
    """A user (for themselves) or an agency administrator (for the agency) signed a version."""

    agreement = models.ForeignKey(
        ParticipationAgreement, on_delete=models.PROTECT, related_name="signatures"
    )
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="ces_signatures")
    organization = models.ForeignKey(
        "hmis.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text=_("Set when the user signed for their agency."),
    )
    signed_name = models.CharField(max_length=200)
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "user"], condition=Q(organization__isnull=True),
                name="ces_signature_user_once",
            ),
            models.UniqueConstraint(
                fields=["agreement", "organization"], condition=Q(organization__isnull=False),
                name="ces_signature_agency_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"
