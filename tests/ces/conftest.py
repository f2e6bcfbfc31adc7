"""A small CES world: one CoC with two regions, an access point, a housing agency with a PSH
project, users of each CES role, and a household enrolled in Coordinated Entry."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from sunflower.ces.testing import HOUSING_ANSWERS


@dataclass
class CesWorld:
    coc: object
    region: object
    other_region: object
    lead: object
    ce_project: object
    access_point: object
    housing_agency: object
    psh: object
    access_point_user: object
    agency_user: object
    coordinator: object
    vsp_user: object
    vsp_agency: object
    admin: object
    housing_tool: object
    prevention_tool: object

    def household(self, **client_fields):
        """A client enrolled (head of household) in the CE project."""
        from sunflower.hmis.testing import make_client, make_enrollment

        client = make_client(**client_fields)
        return make_enrollment(
            client, self.ce_project, entry_date=timezone.localdate() - dt.timedelta(days=10)
        )

    def assess(self, enrollment, answers=None, user=None, **fields):
        from sunflower.ces.assessments import assess

        values = {
            "tool_version": self.housing_tool,
            "answers": answers or HOUSING_ANSWERS,
            "assessment_date": timezone.localdate(),
            "assessment_type": 3,
            "region": self.region,
            "access_point": self.access_point,
            "enrollment": enrollment,
        }
        values.update(fields)
        return assess(user or self.access_point_user, **values)

    def opening(self, **fields):
        from sunflower.ces.models import Opening

        values = {
            "project": self.psh,
            "region": self.region,
            "title": "PSH one-bedroom",
            "bedrooms": 1,
            "max_household_size": 2,
            "available_on": timezone.localdate(),
            "posted_by": self.agency_user,
        }
        values.update(fields)
        return Opening.objects.create(**values)


@pytest.fixture
def ces(db):
    from sunflower.accounts.models import DutyAssignment
    from sunflower.accounts.roles import Duty, Role
    from sunflower.accounts.testing import create_user_with_role
    from sunflower.ces.assessments import ensure_default_tools
    from sunflower.ces.models import AccessPoint, AssessmentTool
    from sunflower.geo.models import ContinuumOfCare, Region
    from sunflower.hmis.models import ProjectCoC
    from sunflower.hmis.testing import make_organization, make_project

    coc, _ = ContinuumOfCare.objects.get_or_create(
        code="KS-507", defaults={"name": "Kansas Balance of State", "served": True}
    )
    region = Region.objects.create(coc=coc, number=81, name="CES Test Region")
    other_region = Region.objects.create(coc=coc, number=82, name="CES Other Region")
    lead = make_organization(organization_name="Coalition (HMIS Lead)")
    ce_project = make_project(lead, project_type=14, project_name="Statewide CE")
    housing_agency = make_organization(organization_name="Prairie Housing")
    psh = make_project(housing_agency, project_type=3, project_name="Prairie PSH")
    for project in (ce_project, psh):
        ProjectCoC.objects.create(project=project, coc_code="KS-507", geocode="209999")
    access_point = AccessPoint.objects.create(
        project=ce_project,
        name="Coalition phone line",
        mode=AccessPoint.Mode.REMOTE,
        coc=coc,
        region=None,
        start_date=dt.date(2024, 1, 1),
    )
    vsp_agency = make_organization(organization_name="Safe Harbor", victim_service_provider=1)
    coordinator = create_user_with_role(
        "coordinator@example.org", Role.AGENCY_CES, "pw-long-enough-1", organization=lead
    )
    DutyAssignment.objects.create(
        user=coordinator, duty=Duty.CES_REGIONAL_COORDINATOR, region=region
    )
    ensure_default_tools()
    return CesWorld(
        coc=coc,
        region=region,
        other_region=other_region,
        lead=lead,
        ce_project=ce_project,
        access_point=access_point,
        housing_agency=housing_agency,
        psh=psh,
        access_point_user=create_user_with_role(
            "ap@example.org", Role.ACCESS_POINT, "pw-long-enough-1", organization=lead
        ),
        agency_user=create_user_with_role(
            "housing@example.org",
            Role.AGENCY_CES,
            "pw-long-enough-1",
            organization=housing_agency,
        ),
        coordinator=coordinator,
        vsp_user=create_user_with_role(
            "vsp@example.org",
            Role.VICTIM_SERVICE_PROVIDER,
            "pw-long-enough-1",
            organization=vsp_agency,
        ),
        vsp_agency=vsp_agency,
        admin=create_user_with_role(
            "admin@example.org", Role.HMIS_ADMIN, "pw-long-enough-1", organization=lead
        ),
        housing_tool=AssessmentTool.objects.get(slug="housing-needs").published_version(),
        prevention_tool=AssessmentTool.objects.get(slug="prevention").published_version(),
    )
