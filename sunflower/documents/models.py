"""Documents attached to a client or an enrollment: releases of information, verifications of
homelessness or disability, identification, income proofs (docs/documents.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sunflower.documents.storage import documents_storage, stored_name


class DocumentQuerySet(models.QuerySet):
    def current(self):
        return self.filter(deleted_at__isnull=True)


class Document(models.Model):
    class Kind(models.TextChoices):
        RELEASE_OF_INFORMATION = "release_of_information", _("Release of information")
        HOMELESSNESS_VERIFICATION = "homelessness_verification", _(
            "Verification of homelessness"
        )
        DISABILITY_VERIFICATION = "disability_verification", _("Verification of disability")
        INCOME_VERIFICATION = "income_verification", _("Income verification")
        IDENTIFICATION = "identification", _("Identification")
        OTHER = "other", _("Other")

    client = models.ForeignKey("hmis.Client", on_delete=models.PROTECT, related_name="documents")
    enrollment = models.ForeignKey(
        "hmis.Enrollment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    kind = models.CharField(max_length=40, choices=Kind, default=Kind.OTHER)
    title = models.CharField(_("description"), max_length=200)
    file = models.FileField(storage=documents_storage, upload_to=stored_name, max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    # DV-safety: when set, only this agency (and HMIS administrators, and the uploader) may see
    # the document, whoever else may open the client's record.
    restricted_to = models.ForeignKey(
        "hmis.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("visible only to"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["client", "uploaded_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def extension(self) -> str:
        return ALLOWED_TYPES.get(self.content_type, "bin")


# What may be attached, recognised by the file's first bytes (not its name or the browser's
# word): scans and photos of paper forms, and PDFs.
ALLOWED_TYPES = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg", "image/tiff": "tif"}
