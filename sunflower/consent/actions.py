"""Recording and revoking releases of information, through the access policy
(docs/consent.md). Views are thin; every rule is here."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sunflower.accounts.policy import Action, require
from sunflower.consent.models import ReleaseOfInformation
from sunflower.documents.models import Document
from sunflower.geo.models import ContinuumOfCare
from sunflower.hmis.models import Organization

# HUD's privacy standards leave the term to the CoC; practice (and the Kansas CoCs' release
# forms) is one year, after which the client signs again.
MAX_TERM_DAYS = 366


def default_end_date(start: dt.date) -> dt.date:
    """One year less a day after `start` (a release signed 1 March runs to the last day of
    February)."""
    try:
        anniversary = start.replace(year=start.year + 1)
    except ValueError:  # 29 February
        anniversary = start.replace(year=start.year + 1, day=28)
    return anniversary - dt.timedelta(days=1)


def release_documents(client):
    """The client's attached releases of information, newest first: what a release may cite."""
    return Document.objects.current().filter(
        client=client, kind=Document.Kind.RELEASE_OF_INFORMATION
    )


def coc_choices() -> list[tuple[str, str]]:
    """The CoCs a release can name: those this HMIS serves, then the others known."""
    return [
        (coc.code, f"{coc.code} {coc.name}")
        for coc in ContinuumOfCare.objects.order_by("-served", "code")
    ]


def record_release(
    user,
    client,
    *,
    organization: Organization | None = None,
    coc_code: str = "",
    scope: str,
    start_date: dt.date | None,
    end_date: dt.date | None,
    method: str,
    note: str = "",
    document: Document | None = None,
) -> ReleaseOfInformation:
    """Record the client's release. The user must be allowed to enter HMIS data for the client
    (the sharing agency reading the record may not)."""
    require(user, Action.EDIT_HMIS_DATA, client)
    errors: dict[str, str] = {}
    coc_code = (coc_code or "").strip()
    note = (note or "").strip()
    if organization is None and not coc_code:
        errors["organization"] = _(
            "Choose the agency, or the CoC, the client allows to see the record."
        )
    elif organization is not None and coc_code:
        errors["coc_code"] = _("Name one agency or one CoC, not both.")
    elif coc_code and coc_code not in {code for code, _label in coc_choices()}:
        errors["coc_code"] = _("Choose a CoC from the list.")
    if scope not in ReleaseOfInformation.Scope.values:
        errors["scope"] = _("Choose what the client allows to be seen.")
    if method not in ReleaseOfInformation.Method.values:
        errors["method"] = _("Choose how the client gave consent.")
    if start_date is None:
        errors["start_date"] = _("Enter the date the release starts.")
    if end_date is None:
        errors["end_date"] = _("Enter the date the release ends (usually one year).")
    if start_date and end_date:
        if end_date < start_date:
            errors["end_date"] = _("The end date is before the start date.")
        elif (end_date - start_date).days > MAX_TERM_DAYS:
            errors["end_date"] = _(
                "A release lasts one year at most; the client signs again after."
            )
    if method == ReleaseOfInformation.Method.VERBAL_WITH_WITNESS and not note:
        errors["note"] = _("For verbal consent, write who witnessed it and why it was not signed.")
    if document is not None and (
        document.client_id != client.pk
        or document.kind != Document.Kind.RELEASE_OF_INFORMATION
        or document.deleted_at is not None
    ):
        errors["document"] = _("Choose one of this client's release of information documents.")
    if errors:
        raise ValidationError(errors)
    release = ReleaseOfInformation(
        client=client,
        organization=organization,
        coc_code=coc_code if organization is None else "",
        scope=scope,
        start_date=start_date,
        end_date=end_date,
        method=method,
        note=note,
        document=document,
        entered_by=user,
    )
    with transaction.atomic():
        release.save()
    _forget_sharing(user)
    return release


def revoke_release(user, release: ReleaseOfInformation, reason: str) -> ReleaseOfInformation:
    """The client withdraws consent: the release stops sharing from now (what the other agency
    already saw cannot be unseen; the audit log shows it)."""
    require(user, Action.EDIT_HMIS_DATA, release.client)
    reason = (reason or "").strip()
    if release.revoked_at is not None:
        raise ValidationError({"reason": _("This release was already revoked.")})
    if not reason:
        raise ValidationError(
            {"reason": _("Say why the release is revoked (for example, “client’s request”).")}
        )
    release.revoked_at = timezone.now()
    release.revoked_by = user
    release.revocation_reason = reason
    with transaction.atomic():
        release.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    _forget_sharing(user)
    return release


def releases_shown_to(user, client, editor: bool):
    """Releases of `client` listed on the client page: all of them to those who may edit the
    record; to an agency the record is only shared with, the releases that name it."""
    from sunflower.accounts.policy import Scope, agency_ids_with
    from sunflower.hmis.models import ProjectCoC

    releases = ReleaseOfInformation.objects.filter(client=client).select_related(
        "organization", "document", "entered_by", "revoked_by"
    )
    if editor:
        return releases
    agencies = agency_ids_with(user, Action.VIEW_CLIENT_RECORD, Scope.OWN_AGENCY)
    cocs = ProjectCoC.objects.filter(project__organization_id__in=agencies).values("coc_code")
    return releases.filter(Q(organization_id__in=agencies) | Q(coc_code__in=cocs))


def _forget_sharing(user) -> None:
    user.__dict__.pop("_sunflower_sharing", None)
