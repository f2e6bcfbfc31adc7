"""The access roles of the seed page, plus the duties some users carry on top of a role.

The role table in docs/access-control.md (from the product brief) is implemented by
sunflower.accounts.policy; this module only names the roles.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    # Values are stored in the database; keep them stable.
    VICTIM_SERVICE_PROVIDER = "vsp", _("Victim Service Provider (VSP)")
    ACCESS_POINT = "access_point", _("Access Point (CES access only)")
    AGENCY_CES = "agency_ces", _("Agency access and CES access")
    AGENCY_CES_OUTREACH = "agency_ces_outreach", _("Agency access and CES access + Outreach Map")
    AGENCY_ADMIN = "agency_admin", _("Agency administrator")
    HMIS_ADMIN = "hmis_admin", _("HMIS administrator")


class Duty(models.TextChoices):
    """Added duties: a user holds one of these besides a role, never instead of one."""

    CES_REGIONAL_COORDINATOR = "ces_regional_coordinator", _("CES regional coordinator")
    COMMITTEE_MEMBER = "committee_member", _("Committee member")
    # Attend one region's CES meetings and see its list during them, and nothing else of HMIS
    # (the Kansas BoS grants it to providers without an HMIS account; docs/ces.md).
    CASE_CONFERENCING = "case_conferencing", _("Case conferencing only")


# Roles that enter program data for their own agency's projects.
AGENCY_DATA_ROLES = frozenset({Role.AGENCY_CES, Role.AGENCY_CES_OUTREACH, Role.AGENCY_ADMIN})
