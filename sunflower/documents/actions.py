"""Attaching, opening and removing documents, through the access policy (docs/documents.md)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from sunflower.accounts.policy import (
    Action,
    active_memberships,
    is_hmis_admin,
    require,
    visible_clients,
    visible_enrollments,
)
from sunflower.audit.actions import record_view
from sunflower.documents.models import ALLOWED_TYPES, Document

# First bytes of each accepted type.
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)


def sniff_content_type(upload) -> str | None:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def max_bytes() -> int:
    return settings.DOCUMENTS_MAX_BYTES


def attach_document(
    user, client, upload, kind: str, title: str, enrollment=None, restricted_to=None
) -> Document:
    """Store `upload` for `client` (and `enrollment`, when given). The user must be allowed to
    enter HMIS data for the record; a refused file saves nothing. `restricted_to`: an agency of
    the user that alone may see the document (DV-safety)."""
    require(user, Action.EDIT_HMIS_DATA, enrollment or client)
    if enrollment is not None and enrollment.client_id != client.pk:
        raise ValidationError({"enrollment": _("This enrollment is not the client's.")})
    errors = {}
    if kind not in Document.Kind.values:
        errors["kind"] = _("Choose what kind of document this is.")
    if not (title or "").strip():
        errors["title"] = _("Describe the document (for example, “ROI signed at intake”).")
    content_type = None
    if upload is None:
        errors["file"] = _("Choose a file to attach.")
    elif upload.size == 0:
        errors["file"] = _("The file is empty.")
    elif upload.size > max_bytes():
        errors["file"] = _("The file is larger than %(limit)d MB.") % {
            "limit": max_bytes() // (1024 * 1024)
        }
    else:
        content_type = sniff_content_type(upload)
        if content_type is None:
            errors["file"] = _("Attach a PDF, PNG, JPEG or TIFF file.")
    if restricted_to is not None and restricted_to.pk not in _agencies(user):
        errors["restricted_to"] = _("A document can be kept to your own agency only.")
    if errors:
        raise ValidationError(errors)

    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    document = Document(
        client=client,
        enrollment=enrollment,
        kind=kind,
        title=title.strip(),
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=user,
        restricted_to=restricted_to,
    )
    with transaction.atomic():
        # The stored name is random (storage.stored_name): the original name may hold a
        # client's name and goes nowhere.
        document.file.save(f"upload.{ALLOWED_TYPES[content_type]}", upload, save=False)
        try:
            document.save()
        except Exception:
            document.file.delete(save=False)
            raise
    return document


def _agencies(user) -> set[int]:
    return {m.organization_id for m in active_memberships(user)}


def visible_documents(user, action: Action = Action.VIEW_CLIENT_RECORD):
    """Documents of clients the user may open: a client-level document needs the full record
    (own agency, or shared at the FULL level), a document of an enrollment needs the enrollment
    to be visible (another agency's stay stays closed), and a restricted document the user's
    agency (or the user's own upload)."""
    from django.db.models import Q

    from sunflower.consent.levels import SharingLevel

    # A client-level document (an ID card, a signed release) is part of the full record, not
    # of the profile another agency may see under a narrower release or sharing rule.
    documents = Document.objects.current().filter(
        Q(
            enrollment__isnull=True,
            client__in=visible_clients(user, action, shared_minimum=SharingLevel.FULL).values(
                "pk"
            ),
        )
        | Q(
            enrollment__isnull=False,
            client__in=visible_clients(user, action).values("pk"),
            enrollment__in=visible_enrollments(user, action).values("pk"),
        )
    )
    if is_hmis_admin(user):
        return documents
    return documents.filter(
        Q(restricted_to__isnull=True)
        | Q(restricted_to__in=_agencies(user))
        | Q(uploaded_by=user)
    )


def restrict_document(user, document: Document, agency) -> None:
    """Keep `document` to `agency` from now on (e.g. the letter behind a homeless-history
    period whose source is hidden for safety)."""
    require(user, Action.EDIT_HMIS_DATA, document.enrollment or document.client)
    if agency is None or (agency.pk not in _agencies(user) and not is_hmis_admin(user)):
        raise ValidationError({"restricted_to": _("A document can be kept to your own agency only.")})
    document.restricted_to = agency
    document.save(update_fields=["restricted_to"])


def open_document(user, pk: int) -> Document:
    """The one way to read a document: policy check, 404 on refusal, audited."""
    document = visible_documents(user).select_related("client").filter(pk=pk).first()
    if document is None:
        raise Http404("No such document.")
    record_view(user, document)
    return document


def remove_document(user, document: Document) -> None:
    """Soft delete: the file stays in storage (the record keeps its history); it is no longer
    listed or downloadable."""
    require(user, Action.EDIT_HMIS_DATA, document.enrollment or document.client)
    document.deleted_at = timezone.now()
    document.deleted_by = user
    document.save(update_fields=["deleted_at", "deleted_by"])
