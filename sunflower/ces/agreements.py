"""The CE Participation Agreement: every CE end user, and every participating agency, signs the
current version in Sunflower before taking part in Coordinated Entry (docs/ces-participation.md).

A user signs for themselves; an agency administrator (or an HMIS administrator) signs for an
agency. The signature is the user's typed full name, which must match their account's name.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.urls import reverse

from sunflower.accounts.policy import active_memberships, is_hmis_admin
from sunflower.accounts.roles import Role
from sunflower.ces.models import AgreementSignature, ParticipationAgreement


def current_agreement() -> ParticipationAgreement | None:
    """The version in force: the latest effective on or before today (else the latest)."""
    from django.utils import timezone

    agreements = ParticipationAgreement.objects.order_by("-effective_on", "-id")
    return agreements.filter(effective_on__lte=timezone.localdate()).first() or agreements.first()


def has_signed(user, agreement: ParticipationAgreement | None = None) -> bool:
    """The user personally signed the current version (a signature for an agency does not
    count as the user's own)."""
    agreement = agreement or current_agreement()
    if agreement is None or not getattr(user, "is_authenticated", False):
        return False
    return AgreementSignature.objects.filter(
        agreement=agreement, user=user, organization__isnull=True
    ).exists()


def agency_signed(organization, agreement: ParticipationAgreement | None = None) -> bool:
    agreement = agreement or current_agreement()
    if agreement is None:
        return False
    return AgreementSignature.objects.filter(
        agreement=agreement, organization=organization
    ).exists()


def may_sign_for(user, organization) -> bool:
    """Agency administrators of the agency, and HMIS administrators, sign for an agency."""
    if is_hmis_admin(user):
        return True
    return any(
        m.organization_id == organization.pk and m.role == Role.AGENCY_ADMIN
        for m in active_memberships(user)
    )


def signable_agencies(user):
    """The agencies the user may sign for (every agency for an HMIS administrator)."""
    from sunflower.hmis.models import Organization

    if is_hmis_admin(user):
        return Organization.objects.order_by("organization_name")
    ids = [m.organization_id for m in active_memberships(user) if m.role == Role.AGENCY_ADMIN]
    return Organization.objects.filter(pk__in=ids).order_by("organization_name")


def _normalized(name: str) -> str:
    return " ".join(name.split()).casefold()


def sign(user, signed_name: str, for_organization=None) -> AgreementSignature:
    """Sign the current version, for the user or (`for_organization`) for an agency.

    Raises ValidationError (no agreement, name does not match, already signed) or
    PermissionDenied (signing for an agency the user does not administer)."""
    agreement = current_agreement()
    if agreement is None:
        raise ValidationError("There is no CE Participation Agreement to sign.")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied
    if for_organization is not None and not may_sign_for(user, for_organization):
        raise PermissionDenied
    full_name = user.get_full_name()
    if not full_name:
        raise ValidationError(
            {"signed_name": ["Your account has no name; ask an administrator to add it first."]}
        )
    if _normalized(signed_name or "") != _normalized(full_name):
        raise ValidationError(
            {"signed_name": [f"Type your full name exactly as on your account: {full_name}."]}
        )
    if for_organization is None and has_signed(user, agreement):
        raise ValidationError(f"You have already signed version {agreement.version}.")
    if for_organization is not None and agency_signed(for_organization, agreement):
        raise ValidationError(
            f"{for_organization} has already signed version {agreement.version}."
        )
    try:
        with transaction.atomic():
            return AgreementSignature.objects.create(
                agreement=agreement, user=user, organization=for_organization,
                signed_name=" ".join(signed_name.split()),
            )
    except IntegrityError as error:  # signed a moment ago in another tab
        raise ValidationError("This version has already been signed.") from error


def agreement_url(next_url: str = "") -> str:
    url = reverse("ces_agreement")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def agreement_required(view):
    """Send a user who has not signed the current version to the agreement page (and back to
    `next` after signing). Passes when no agreement exists at all."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if getattr(user, "is_authenticated", False):
            agreement = current_agreement()
            if agreement is not None and not has_signed(user, agreement):
                return redirect(agreement_url(request.get_full_path()))
        return view(request, *args, **kwargs)

    return wrapper
