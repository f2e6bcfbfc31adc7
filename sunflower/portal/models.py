"""The HMIS Lead's portal around the database: the public resource center, new-user access
requests and the New User Agreement each user signs (docs/portal.md)."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sunflower.accounts.roles import Role


def portal_storage():
    return storages["portal"]


class ResourcePage(models.Model):
    """A page of the resource center (a user guide, a policy, an FAQ), written in Markdown by
    the HMIS team, in English and, where translated, Spanish."""

    class Kind(models.TextChoices):
        GUIDE = "guide", _("User guide")
        POLICY = "policy", _("Policy")
        FAQ = "faq", _("Frequently asked questions")
        PAGE = "page", _("Page")

    slug = models.SlugField(
        unique=True, help_text=_("The page's address: /portal/resources/<slug>/")
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.GUIDE)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_es = models.CharField(_("title (Spanish)"), max_length=200, blank=True)
    body_en = models.TextField(_("text (English, Markdown)"))
    body_es = models.TextField(_("text (Spanish, Markdown)"), blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    order = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["kind", "order", "title_en"]

    def __str__(self) -> str:
        return self.title_en

    # The Spanish text when the visitor reads Spanish and the page has it; English otherwise.
    def title(self) -> str:
        return self.title_es if _spanish() and self.title_es else self.title_en

    def body(self) -> str:
        return self.body_es if _spanish() and self.body_es else self.body_en


def _spanish() -> bool:
    return (get_language() or "en").startswith("es")


ALLOWED_FILE_TYPES = (".pdf", ".docx", ".xlsx", ".pptx", ".csv", ".txt", ".png", ".jpg")


class ResourceFile(models.Model):
    """A file of the resource center (a policy PDF, a form), listed on its page."""

    page = models.ForeignKey(ResourcePage, on_delete=models.CASCADE, related_name="files")
    title = models.CharField(max_length=200)
    file = models.FileField(storage=portal_storage, upload_to="resources/%Y/")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class UserAgreement(models.Model):
    """A version of the New User Agreement. The one in force is the latest whose effective
    date has come; a new version makes every user sign again before going on."""

    version = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=200, default="HMIS New User Agreement")
    body = models.TextField(help_text=_("Markdown"))
    effective_on = models.DateField(default=timezone.localdate)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.version})"

    @classmethod
    def in_force(cls) -> UserAgreement | None:
        return cls.objects.filter(effective_on__lte=timezone.localdate()).first()


class AgreementSignature(models.Model):
    """One user's signature of one agreement version: the typed name, when, from where."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agreement_signatures"
    )
    agreement = models.ForeignKey(
        UserAgreement, on_delete=models.PROTECT, related_name="signatures"
    )
    typed_name = models.CharField(max_length=300)
    signed_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "agreement"], name="one_signature_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.user} signed {self.agreement.version}"


# Roles a person may ask for on the public form (HMIS administrators are appointed).
REQUESTABLE_ROLES = [(role.value, role.label) for role in Role if role != Role.HMIS_ADMIN]


class AccessRequest(models.Model):
    """A new user's request for an HMIS account: the agency administrator approves it, then
    the HMIS team, whose approval creates the account (inactive until onboarding is done)."""

    class Status(models.TextChoices):
        AWAITING_AGENCY = "awaiting_agency", _("Awaiting the agency administrator")
        AWAITING_HMIS = "awaiting_hmis", _("Awaiting the HMIS team")
        APPROVED = "approved", _("Approved: account created")
        DECLINED = "declined", _("Declined")

    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    email = models.EmailField(_("work e-mail address"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    organization = models.ForeignKey(
        "hmis.Organization",
        on_delete=models.PROTECT,
        related_name="access_requests",
        verbose_name=_("agency"),
    )
    requested_role = models.CharField(_("requested role"), max_length=30, choices=REQUESTABLE_ROLES)
    supervisor_name = models.CharField(_("supervisor's name"), max_length=200)
    supervisor_email = models.EmailField(_("supervisor's e-mail address"))
    reason = models.TextField(_("what you will use HMIS for"), blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.AWAITING_AGENCY)
    submitted_at = models.DateTimeField(default=timezone.now)
    agency_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    agency_decided_at = models.DateTimeField(null=True, blank=True)
    agency_note = models.TextField(blank=True)
    hmis_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hmis_decided_at = models.DateTimeField(null=True, blank=True)
    hmis_note = models.TextField(blank=True)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="access_requests",
    )

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["status", "organization"])]

    def __str__(self) -> str:
        return f"Access request {self.pk}"

    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def policy_organization_ids(self) -> set[int]:
        """The policy's question "whose record is this?": the agency asked to vouch."""
        return {self.organization_id}
