"""Telling people about CES work: a notification in the application and the same by e-mail.

Neither names a client or a household (e-mail leaves the system): they say what happened and
link to the page, where the access policy decides what the reader sees.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail

from sunflower.ces.models import Notification


def notify(users: Iterable, subject: str, body: str, link: str = "") -> list[Notification]:
    recipients = {u.pk: u for u in users if u is not None and u.is_active}.values()
    notes = Notification.objects.bulk_create(
        [Notification(user=u, subject=subject[:200], body=body, link=link) for u in recipients]
    )
    site = getattr(settings, "SITE_URL", "").rstrip("/")
    text = f"{body}\n\n{site}{link}" if link else body
    send_mass_mail(
        [(f"[Sunflower] {subject}", text, settings.DEFAULT_FROM_EMAIL, [u.email])
         for u in recipients],
        fail_silently=True,  # the in-app notification is the record; mail is a courtesy copy
    )
    return notes


def agency_staff(organization_id: int):
    """Active users whose role at the agency manages its openings and referrals."""
    from sunflower.accounts.models import User
    from sunflower.accounts.policy import ROLE_TABLE, Action, Scope

    roles = [r for r, s in ROLE_TABLE[Action.MANAGE_OPENINGS_AND_REFERRALS].items()
             if s is not Scope.NONE]
    return User.objects.filter(
        is_active=True, memberships__organization_id=organization_id,
        memberships__is_active=True, memberships__role__in=roles,
    ).distinct()


def ce_leads(region):
    """Who a passed deadline escalates to: the region's CES coordinators (or those of every
    region); if there are none, the HMIS administrators."""
    from django.db.models import Q

    from sunflower.accounts.models import User
    from sunflower.accounts.roles import Duty, Role

    coordinators = User.objects.filter(
        Q(duties__region=region) | Q(duties__region__isnull=True),
        is_active=True, duties__duty=Duty.CES_REGIONAL_COORDINATOR, duties__is_active=True,
    ).distinct()
    if coordinators.exists():
        return coordinators
    return User.objects.filter(
        is_active=True, memberships__role=Role.HMIS_ADMIN, memberships__is_active=True
    ).distinct()
