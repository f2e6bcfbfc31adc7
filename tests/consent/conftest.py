"""A sharing world: the test world's two agencies both take part in KS-507 (2.03 ProjectCoC),
and a third agency takes part in KS-505 only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from sunflower.accounts.roles import Role


@dataclass
class Sharing:
    world: object
    user: object  # Agency + CES at the own agency (Agency A)
    writer: object  # Agency + CES at the other agency (Agency B), which serves other_client
    far_agency: object  # takes part in KS-505 only

    def release(
        self,
        client=None,
        *,
        organization=None,
        coc_code="",
        scope="profile",
        start=None,
        end=None,
        revoked=False,
        method="signed_paper",
        note="",
    ):
        from sunflower.consent.models import ReleaseOfInformation

        today = timezone.localdate()
        if organization is None and not coc_code:
            organization = self.world.own_agency
        return ReleaseOfInformation.objects.create(
            client=client or self.world.other_client,
            organization=organization,
            coc_code=coc_code,
            scope=scope,
            start_date=start or today - dt.timedelta(days=10),
            end_date=end or today + dt.timedelta(days=300),
            method=method,
            note=note,
            entered_by=self.writer,
            revoked_at=timezone.now() if revoked else None,
            revoked_by=self.writer if revoked else None,
            revocation_reason="client's request" if revoked else "",
        )

    def rule(self, level, coc_code="KS-507"):
        from sunflower.consent.models import SharingRule

        SharingRule.objects.update_or_create(coc_code=coc_code, defaults={"level": level})

    def fleeing(self, client=None, value=1, information_date=None, enrollment=None):
        from sunflower.hmis.models import HealthAndDV

        enrollment = enrollment or self.world.other_enrollment
        return HealthAndDV.objects.create(
            enrollment=enrollment,
            client=client or enrollment.client,
            information_date=information_date or dt.date(2025, 2, 1),
            domestic_violence_survivor=1,
            currently_fleeing=value,
            data_collection_stage=1,
        )

    def fresh(self, user=None):
        """The same user without the per-request caches (memberships, sharing)."""
        from sunflower.accounts.models import User

        return User.objects.get(pk=(user or self.user).pk)


@pytest.fixture
def sharing(world):
    from sunflower.hmis.models import ProjectCoC
    from sunflower.hmis.testing import make_organization, make_project

    ProjectCoC.objects.create(project=world.own_project, coc_code="KS-507", geocode="209999")
    ProjectCoC.objects.create(project=world.other_project, coc_code="KS-507", geocode="209999")
    far_agency = make_organization(organization_name="Agency C")
    far_project = make_project(far_agency, project_type=0, project_name="C Shelter")
    ProjectCoC.objects.create(project=far_project, coc_code="KS-505", geocode="209998")
    return Sharing(
        world=world,
        user=world.user_with(Role.AGENCY_CES, organization=world.own_agency),
        writer=world.user_with(
            Role.AGENCY_CES, organization=world.other_agency, email="b-writer@example.org"
        ),
        far_agency=far_agency,
    )
