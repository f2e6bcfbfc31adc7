"""Demo logins: one per role, plus a CES regional coordinator and a committee member.

Only for the embedded default and demos; refused in production. The password is printed by
`sunflower bootstrap_demo` and is the same for every demo login.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from sunflower.accounts.actions import grant_role
from sunflower.accounts.roles import Duty, Role

DEMO_PASSWORD = "sunflower-demo-2026"  # noqa: S105  (public by design, demo only)
DEMO_DOMAIN = "demo.sunflower.test"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    first_name: str
    last_name: str
    role: Role
    agency_kind: str  # which demo agency the login belongs to (see _pick_agency)
    duty: Duty | None = None


DEMO_LOGINS = [
    DemoLogin(f"vsp@{DEMO_DOMAIN}", "Valeria", "Soto", Role.VICTIM_SERVICE_PROVIDER, "vsp"),
    DemoLogin(f"access-point@{DEMO_DOMAIN}", "Aaron", "Pike", Role.ACCESS_POINT, "access_point"),
    DemoLogin(f"agency@{DEMO_DOMAIN}", "Grace", "Hill", Role.AGENCY_CES, "agency"),
    DemoLogin(f"outreach@{DEMO_DOMAIN}", "Omar", "Reyes", Role.AGENCY_CES_OUTREACH, "outreach"),
    DemoLogin(f"agency-admin@{DEMO_DOMAIN}", "Adele", "Marsh", Role.AGENCY_ADMIN, "agency"),
    DemoLogin(f"hmis-admin@{DEMO_DOMAIN}", "Harper", "Lind", Role.HMIS_ADMIN, "lead"),
    DemoLogin(
        f"coordinator@{DEMO_DOMAIN}", "Cora", "Wells", Role.AGENCY_CES, "agency",
        Duty.CES_REGIONAL_COORDINATOR,
    ),
    DemoLogin(
        f"committee@{DEMO_DOMAIN}", "Milo", "Grant", Role.AGENCY_ADMIN, "outreach",
        Duty.COMMITTEE_MEMBER,
    ),
]

LEAD_NAME = "Kansas Statewide Homeless Coalition"
CE_PROJECT_TYPE = 14
SO_PROJECT_TYPE = 4


def _pick_agency(kind: str):
    from sunflower.hmis.models import Organization

    organizations = Organization.objects.order_by("id")
    if kind == "lead":
        return organizations.filter(organization_name=LEAD_NAME).first() or organizations.first()
    if kind == "vsp":
        return organizations.filter(victim_service_provider=1).first()
    if kind == "access_point":
        return (
            organizations.filter(victim_service_provider=0, projects__project_type=CE_PROJECT_TYPE)
            .exclude(organization_name=LEAD_NAME)
            .first()
        )
    if kind == "outreach":
        return organizations.filter(
            victim_service_provider=0, projects__project_type=SO_PROJECT_TYPE
        ).first()
    # an ordinary agency with residential projects
    return (
        organizations.filter(victim_service_provider=0, projects__project_type__in=[0, 2, 3, 13])
        .exclude(organization_name=LEAD_NAME)
        .first()
    )


@transaction.atomic
def ensure_demo_logins() -> list[tuple[DemoLogin, object]]:
    """Create (or repair) the demo logins; returns each login with its agency."""
    from sunflower.accounts.models import DutyAssignment, User
    from sunflower.geo.models import Region

    if settings.PRODUCTION:
        raise ImproperlyConfigured("Demo logins are never created in production.")
    created = []
    for login in DEMO_LOGINS:
        agency = _pick_agency(login.agency_kind) or _pick_agency("agency")
        if agency is None:
            raise ImproperlyConfigured("Load the demo data before creating demo logins.")
        user, _ = User.objects.get_or_create(
            email=login.email,
            defaults={"first_name": login.first_name, "last_name": login.last_name},
        )
        user.set_password(DEMO_PASSWORD)
        user.is_active = True
        user.save()
        user.memberships.exclude(organization=agency).update(is_active=False)
        grant_role(user, agency, login.role)
        if login.duty is not None:
            region = Region.objects.filter(coc__code="KS-507").order_by("number").first()
            DutyAssignment.objects.get_or_create(
                user=user,
                duty=login.duty,
                defaults={
                    "region": region if login.duty == Duty.CES_REGIONAL_COORDINATOR else None,
                    "committee": "HMIS Oversight Committee"
                    if login.duty == Duty.COMMITTEE_MEMBER
                    else "",
                },
            )
        created.append((login, agency))
    return created
