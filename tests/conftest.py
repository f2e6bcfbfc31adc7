"""Fixtures shared by every area's tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest


@dataclass
class World:
    """Two agencies with a client each, a CE project with a CES client and an assessment,
    and two regions: the smallest world in which every cell of the role table shows."""

    own_agency: object
    other_agency: object
    lead_agency: object
    own_project: object
    other_project: object
    ce_project: object
    own_client: object
    other_client: object
    ces_client: object
    own_enrollment: object
    other_enrollment: object
    ces_enrollment: object
    assessment: object
    region_1: object
    region_2: object
    _users: dict = field(default_factory=dict)

    def user_with(
        self, role, organization=None, email=None, password="a-long-enough-password", **fields
    ):
        from sunflower.accounts.testing import create_user_with_role

        email = email or f"{role.value.replace('_', '-')}@example.org"
        return create_user_with_role(
            email, role, password=password, organization=organization or self.own_agency, **fields
        )

    def records_for(self, action):
        """(a record of the user's own agency, one of another agency, a CES record)."""
        return self.own_enrollment, self.other_enrollment, self.assessment


@pytest.fixture
def world(db):
    from sunflower.geo.models import ContinuumOfCare, Region
    from sunflower.hmis.testing import (
        make_assessment,
        make_client,
        make_enrollment,
        make_organization,
        make_project,
    )

    own_agency = make_organization(organization_name="Agency A")
    other_agency = make_organization(organization_name="Agency B")
    lead_agency = make_organization(organization_name="HMIS Lead")
    own_project = make_project(own_agency, project_type=0, project_name="A Shelter")
    other_project = make_project(other_agency, project_type=3, project_name="B Housing")
    ce_project = make_project(lead_agency, project_type=14, project_name="Regional CE")
    own_client = make_client(last_name="Ownclient")
    other_client = make_client(last_name="Otherclient")
    ces_client = make_client(last_name="Cesclient")
    ces_enrollment = make_enrollment(ces_client, ce_project, entry_date=dt.date(2025, 3, 1))
    coc, _ = ContinuumOfCare.objects.get_or_create(code="KS-507", defaults={"name": "BoS"})
    return World(
        own_agency=own_agency,
        other_agency=other_agency,
        lead_agency=lead_agency,
        own_project=own_project,
        other_project=other_project,
        ce_project=ce_project,
        own_client=own_client,
        other_client=other_client,
        ces_client=ces_client,
        own_enrollment=make_enrollment(own_client, own_project),
        other_enrollment=make_enrollment(other_client, other_project),
        ces_enrollment=ces_enrollment,
        assessment=make_assessment(ces_enrollment),
        region_1=Region.objects.create(coc=coc, number=91, name="Test Region 91"),
        region_2=Region.objects.create(coc=coc, number=92, name="Test Region 92"),
    )


@pytest.fixture(autouse=True)
def _english_unless_a_test_asks():
    """A request in Spanish leaves Spanish active in the thread (LocaleMiddleware activates
    it); the next test starts in the default language again."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _no_agreement_cached_from_another_test():
    """The agreement in force is cached (sunflower/portal/actions.py); a test's rolled-back
    agreement must not stay in force for the next test. Every test starts with none (no
    migration makes one), cached as none, so a page's first request costs no extra query
    (list pages assert their query counts); creating one in a test clears the cache."""
    from django.core.cache import cache

    from sunflower.portal.actions import AGREEMENT_CACHE_KEY

    cache.set(AGREEMENT_CACHE_KEY, {}, timeout=3600)


@pytest.fixture(autouse=True)
def _native_data_source_after_flush(request):
    """Transactional tests (live server, browser) flush every table between tests, which also
    removes the native data source that migration hmis.0002 made; put it back."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    from sunflower.hmis.models.base import NATIVE_DATA_SOURCE_ID, DataSource

    DataSource.objects.get_or_create(
        pk=NATIVE_DATA_SOURCE_ID,
        defaults={
            "name": "Sunflower",
            "description": "Records entered in Sunflower itself.",
            "is_native": True,
        },
    )


@pytest.fixture
def report_results_in_tmp(settings, tmp_path):
    """Finished report runs kept in a temporary folder (their ids restart in every test
    database, so they must not land in the checkout's var/report_runs)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "reports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "report_runs"), "base_url": None},
        },
    }
