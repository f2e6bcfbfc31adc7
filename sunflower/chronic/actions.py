"""Recording and removing verified homeless periods, through the access policy; who may see a
hidden source (docs/chronic-homelessness.md)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sunflower.accounts.policy import (
    ROLE_TABLE,
    Action,
    Scope,
    active_memberships,
    is_hmis_admin,
    organizations_of,
    require,
)
from sunflower.accounts.roles import Role
from sunflower.chronic.models import HomelessPeriod
from sunflower.chronic.status import INSTITUTION_LIMIT_DAYS
from sunflower.documents.models import Document

TEXT_FIELDS = ("verifier_organization", "verifier_name")


def may_see_source(user, period: HomelessPeriod) -> bool:
    """A hidden source (verifier, organization, document) is shown only to the agency that
    entered it and to HMIS administrators; an unhidden one to anyone who sees the client."""
    if not period.source_hidden:
        return True
    if is_hmis_admin(user) or period.entered_by_id == user.pk:
        return True
    agencies = {m.organization_id for m in active_memberships(user)}
    return period.entered_by_agency_id is not None and period.entered_by_agency_id in agencies


def entering_agency(user, client):
    """The agency on whose behalf `user` records for `client`: a membership whose role lets
    the user edit this client's data through its agency, else the user's first membership (an
    HMIS administrator acts for the HMIS Lead)."""
    memberships = active_memberships(user)
    client_agencies = organizations_of(client)
    for membership in memberships:
        scope = ROLE_TABLE[Action.EDIT_HMIS_DATA][Role(membership.role)]
        if scope == Scope.OWN_AGENCY and membership.organization_id in client_agencies:
            return membership.organization
    return memberships[0].organization if memberships else None


def _validate(client, values: dict, today: dt.date) -> dict:
    errors: dict[str, str] = {}
    start, end = values.get("start_date"), values.get("end_date")
    place, evidence = values.get("place"), values.get("evidence")
    if start is None:
        errors["start_date"] = _("Enter the first night of the period.")
    elif start > today:
        errors["start_date"] = _("The first night cannot be in the future.")
    if end is not None:
        if end > today:
            errors["end_date"] = _("The last night cannot be in the future.")
        elif start is not None and end < start:
            errors["end_date"] = _("The last night cannot be before the first night.")
    if place not in HomelessPeriod.Place.values:
        errors["place"] = _("Choose where the client stayed.")
    if evidence not in HomelessPeriod.Evidence.values:
        errors["evidence"] = _("Choose what shows that the client stayed there.")
    if place == HomelessPeriod.Place.INSTITUTION_UNDER_90_DAYS and "end_date" not in errors:
        if end is None:
            errors["end_date"] = _("Enter the last night of the institutional stay.")
        elif start is not None and (end - start).days + 1 >= INSTITUTION_LIMIT_DAYS:
            errors["end_date"] = _(
                "A stay of 90 days or more in an institution breaks homelessness: record "
                "only shorter stays here."
            )
    if evidence in (
        HomelessPeriod.Evidence.THIRD_PARTY,
        HomelessPeriod.Evidence.HMIS_RECORD,
    ) and not values.get("verifier_organization"):
        errors["verifier_organization"] = _(
            "Enter the organization that verified the period (the provider or the system)."
        )
    if evidence == HomelessPeriod.Evidence.INTAKE_OBSERVATION and not values.get("verifier_name"):
        errors["verifier_name"] = _("Enter the name of the worker who observed the client.")
    document = values.get("document")
    if document is not None and (
        document.client_id != client.pk
        or document.deleted_at is not None
        or document.kind != Document.Kind.HOMELESSNESS_VERIFICATION
    ):
        errors["document"] = _("Choose one of the client's verifications of homelessness.")
    if not errors:
        duplicate = _overlapping(client, start, end, place)
        if duplicate is not None:
            errors["start_date"] = _(
                "A period in the same place already covers some of these nights "
                "(%(first)s to %(last)s)."
            ) % {
                "first": duplicate.start_date.isoformat(),
                "last": duplicate.end_date.isoformat() if duplicate.end_date else _("ongoing"),
            }
    return errors


def _overlapping(client, start, end, place) -> HomelessPeriod | None:
    from django.db.models import Q

    candidates = HomelessPeriod.objects.current().filter(client=client, place=place)
    if end is not None:
        candidates = candidates.filter(start_date__lte=end)
    return candidates.filter(Q(end_date__isnull=True) | Q(end_date__gte=start)).first()


def record_period(user, client, *, today: dt.date | None = None, **values) -> HomelessPeriod:
    """Record a verified period of homelessness for `client`. The user must be allowed to enter
    HMIS data for the client; an invalid period saves nothing."""
    require(user, Action.EDIT_HMIS_DATA, client)
    today = today or timezone.localdate()
    for name in TEXT_FIELDS:
        values[name] = (values.get(name) or "").strip()
    errors = _validate(client, values, today)
    if errors:
        raise ValidationError(errors)
    period = HomelessPeriod(
        client=client,
        start_date=values["start_date"],
        end_date=values.get("end_date"),
        place=values["place"],
        evidence=values["evidence"],
        verifier_organization=values["verifier_organization"],
        verifier_name=values["verifier_name"],
        document=values.get("document"),
        source_hidden=bool(values.get("source_hidden")),
        entered_by=user,
        entered_by_agency=entering_agency(user, client),
    )
    with transaction.atomic():
        period.save()
        if period.source_hidden and period.document is not None:
            # The letter would name the source: keep it to the entering agency too.
            from sunflower.documents.actions import restrict_document

            if period.entered_by_agency is not None:
                restrict_document(user, period.document, period.entered_by_agency)
    return period


def remove_period(user, period: HomelessPeriod) -> None:
    """Soft delete. A hidden period is removed only by those who may see its source, so that an
    agency that cannot see who verified it cannot erase a survivor's evidence either."""
    require(user, Action.EDIT_HMIS_DATA, period.client)
    if not may_see_source(user, period):
        raise PermissionDenied
    period.deleted_at = timezone.now()
    period.deleted_by = user
    period.save(update_fields=["deleted_at", "deleted_by"])
