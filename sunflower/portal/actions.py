"""The portal's domain rules: an access request's way through the agency administrator and
the HMIS team, the account it creates, the New User Agreement, and when an account may be
activated. Views call these; nothing else changes these records."""

from __future__ import annotations

import unicodedata

from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sunflower.accounts.actions import grant_role
from sunflower.accounts.models import Membership, User
from sunflower.accounts.policy import Action, can
from sunflower.accounts.roles import Role
from sunflower.core.mail import absolute, send_templated

from .models import AccessRequest, AgreementSignature, UserAgreement

ONBOARDING_SALT = "sunflower.portal.onboarding"
ONBOARDING_DAYS = 30
AGREEMENT_CACHE_KEY = "portal:agreement-in-force"
# More conditions on switching an account on, added by higher apps (training registers its
# required courses): each takes the user and returns what is still to do.
ONBOARDING_REQUIREMENTS: list = []


def _mail(template: str, context: dict, to: list[str]) -> None:
    # Sent at once: the callers already wait for the commit where it matters.
    send_templated(f"portal/emails/{template}", context, to, on_commit=False)


# --- access requests ----------------------------------------------------------------------


def agency_admin_emails(organization) -> list[str]:
    return sorted(
        Membership.objects.filter(
            organization=organization, role=Role.AGENCY_ADMIN, is_active=True, user__is_active=True
        ).values_list("user__email", flat=True)
    )


def hmis_team_emails() -> list[str]:
    return sorted(
        set(
            Membership.objects.filter(
                role=Role.HMIS_ADMIN, is_active=True, user__is_active=True
            ).values_list("user__email", flat=True)
        )
    )


def submit_access_request(**fields) -> AccessRequest:
    """Record a request from the public form; tell the requester and the agency's
    administrators (or, when the agency has none, the HMIS team)."""
    fields["email"] = fields["email"].strip().lower()
    if User.objects.filter(email__iexact=fields["email"]).exists():
        raise ValidationError(
            {
                "email": _(
                    'This e-mail address already has an account. Use "Forgot your password?" on the sign-in page, or ask your agency administrator.'
                )
            }
        )
    if AccessRequest.objects.filter(
        email__iexact=fields["email"],
        status__in=[AccessRequest.Status.AWAITING_AGENCY, AccessRequest.Status.AWAITING_HMIS],
    ).exists():
        raise ValidationError(
            {"email": _("A request for this e-mail address is already being reviewed.")}
        )
    access_request = AccessRequest.objects.create(**fields)
    context = {"request": access_request, "queue_url": absolute(reverse("agency_requests"))}
    _mail("access_request_received", context, [access_request.email])
    reviewers = agency_admin_emails(access_request.organization) or hmis_team_emails()
    if reviewers:
        _mail("access_request_to_review", context, reviewers)
    return access_request


def requests_for_review(user):
    """The requests ``user`` may decide: their agencies' (agency administrators), every one
    (the HMIS team)."""
    queryset = AccessRequest.objects.select_related(
        "organization", "agency_decided_by", "hmis_decided_by"
    )
    if can(user, Action.MANAGE_USERS_PROJECTS_APPROVALS):
        return queryset
    from sunflower.accounts.policy import Scope, agency_ids_with

    agencies = agency_ids_with(user, Action.REQUEST_USERS_AND_PROGRAM_CHANGES, Scope.OWN_AGENCY)
    return queryset.filter(organization_id__in=agencies)


@transaction.atomic
def decide_as_agency(
    access_request: AccessRequest, user, approve: bool, note: str = ""
) -> AccessRequest:
    """The agency administrator vouches for the person (or declines); the HMIS team is told."""
    if not can(user, Action.REQUEST_USERS_AND_PROGRAM_CHANGES, access_request):
        raise PermissionDenied
    access_request = AccessRequest.objects.select_for_update().get(pk=access_request.pk)
    if access_request.status != AccessRequest.Status.AWAITING_AGENCY:
        raise ValidationError(_("This request has already been decided by the agency."))
    if not approve and not note.strip():
        raise ValidationError(
            {"note": _("Say why the request is declined; the requester is told.")}
        )
    access_request.agency_decided_by = user
    access_request.agency_decided_at = timezone.now()
    access_request.agency_note = note.strip()
    access_request.status = (
        AccessRequest.Status.AWAITING_HMIS if approve else AccessRequest.Status.DECLINED
    )
    access_request.save()
    context = {"request": access_request, "queue_url": absolute(reverse("agency_requests"))}
    if approve:
        team = hmis_team_emails()
        if team:
            transaction.on_commit(lambda: _mail("access_request_to_review", context, team))
    else:
        transaction.on_commit(
            lambda: _mail("access_request_declined", context, [access_request.email])
        )
    return access_request


@transaction.atomic
def decide_as_hmis_team(
    access_request: AccessRequest, user, approve: bool, note: str = ""
) -> AccessRequest:
    """The HMIS team's decision. Approval creates the account, inactive, with the requested
    role at the agency, and e-mails the onboarding link (password, agreement, trainings)."""
    if not can(user, Action.MANAGE_USERS_PROJECTS_APPROVALS):
        raise PermissionDenied
    access_request = AccessRequest.objects.select_for_update().get(pk=access_request.pk)
    if access_request.status != AccessRequest.Status.AWAITING_HMIS:
        raise ValidationError(_("This request is not waiting for the HMIS team."))
    if not approve and not note.strip():
        raise ValidationError(
            {"note": _("Say why the request is declined; the requester is told.")}
        )
    access_request.hmis_decided_by = user
    access_request.hmis_decided_at = timezone.now()
    access_request.hmis_note = note.strip()
    if not approve:
        access_request.status = AccessRequest.Status.DECLINED
        access_request.save()
        context = {"request": access_request}
        transaction.on_commit(
            lambda: _mail("access_request_declined", context, [access_request.email])
        )
        return access_request
    if User.objects.filter(email__iexact=access_request.email).exists():
        raise ValidationError(_("An account with this e-mail address exists already."))
    account = User.objects.create_user(
        email=access_request.email,
        password=None,  # unusable until the person sets one from the onboarding link
        first_name=access_request.first_name,
        last_name=access_request.last_name,
        phone=access_request.phone,
        is_active=False,
    )
    grant_role(account, access_request.organization, Role(access_request.requested_role))
    access_request.account = account
    access_request.status = AccessRequest.Status.APPROVED
    access_request.save()
    context = {"request": access_request, "onboarding_url": absolute(onboarding_path(account))}
    transaction.on_commit(lambda: _mail("account_created", context, [account.email]))
    return access_request


# --- onboarding ---------------------------------------------------------------------------


def onboarding_path(user) -> str:
    token = signing.dumps({"user": user.pk}, salt=ONBOARDING_SALT, compress=True)
    return reverse("portal:onboarding", args=[token])


def user_from_onboarding_token(token: str):
    """The account an onboarding link was made for, or None when it is forged or expired."""
    try:
        data = signing.loads(token, salt=ONBOARDING_SALT, max_age=ONBOARDING_DAYS * 86400)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=data.get("user")).first()


def agreement_in_force() -> UserAgreement | None:
    """The agreement in force, cached: every signed-in page asks (see middleware.py)."""
    cached = cache.get(AGREEMENT_CACHE_KEY)
    if cached is None:
        agreement = UserAgreement.in_force()
        cached = {"pk": agreement.pk, "version": agreement.version} if agreement else {}
        # An hour at most, so an agreement dated for tomorrow comes into force on time.
        cache.set(AGREEMENT_CACHE_KEY, cached, timeout=3600)
    if not cached:
        return None
    return UserAgreement(pk=cached["pk"], version=cached["version"])


def forget_agreement_in_force() -> None:
    cache.delete(AGREEMENT_CACHE_KEY)


def has_signed(user, agreement: UserAgreement | None) -> bool:
    if agreement is None:
        return True
    return AgreementSignature.objects.filter(user=user, agreement_id=agreement.pk).exists()


def _normalized(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).casefold()
    return " ".join(text.split())


def sign_agreement(user, agreement: UserAgreement, typed_name: str, ip_address: str | None):
    """Record the signature; the typed name must be the account's name."""
    expected = user.get_full_name()
    if not typed_name.strip():
        raise ValidationError({"typed_name": _("Type your full name to sign.")})
    if expected and _normalized(typed_name) != _normalized(expected):
        raise ValidationError(
            {
                "typed_name": _("Type your name as it is on your account: %(name)s.")
                % {"name": expected}
            }
        )
    signature, _created = AgreementSignature.objects.get_or_create(
        user=user,
        agreement=agreement,
        defaults={"typed_name": typed_name.strip(), "ip_address": ip_address or None},
    )
    activate_if_ready(user)
    return signature


def activation_blockers(user) -> list[str]:
    """What the person must still do before the account is switched on: a password, the
    agreement, and what ``ONBOARDING_REQUIREMENTS`` add (the required trainings)."""
    blockers = []
    if not user.has_usable_password():
        blockers.append(_("Choose a password."))
    agreement = agreement_in_force()
    if agreement is not None and not has_signed(user, agreement):
        blockers.append(_("Sign the New User Agreement."))
    for requirement in ONBOARDING_REQUIREMENTS:
        blockers.extend(requirement(user))
    return blockers


def activate_if_ready(user) -> bool:
    """Switch on an account made from an approved access request once nothing blocks it."""
    if user.is_active or activation_blockers(user):
        return False
    if not AccessRequest.objects.filter(
        account=user, status=AccessRequest.Status.APPROVED
    ).exists():
        return False  # only onboarding accounts are switched on here; others by an administrator
    user.is_active = True
    user.save(update_fields=["is_active"])
    _mail("account_active", {"user": user, "login_url": absolute(reverse("login"))}, [user.email])
    return True
