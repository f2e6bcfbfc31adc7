"""Fixtures of the street outreach tests: Kansas geography, an outreach agency with a street
outreach project, its outreach worker, and a client enrolled in the project."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import pytest
from django.utils import timezone

from sunflower.accounts.roles import Role
from sunflower.accounts.testing import create_user_with_role

PASSWORD = "a-long-enough-password"
# Places in Kansas counties (city centres, latitude, longitude) and their county FIPS codes.
TOPEKA = (39.0473, -95.6752)  # Shawnee 20177
WICHITA = (37.6872, -97.3301)  # Sedgwick 20173


@dataclass
class Outreach:
    agency: object
    project: object
    worker: object
    client: object
    enrollment: object
    other_agency: object
    other_project: object
    other_worker: object

    def entry(self, user=None, where=TOPEKA, **overrides) -> dict:
        values = {
            "client_uuid": uuid.uuid4(),
            "project": self.project,
            "enrollment": None,
            "person_description": "Man in a green coat, with a dog",
            "contacted_at": timezone.now() - dt.timedelta(hours=1),
            "current_living_situation": 116,
            "services_given": ["food", "hygiene"],
            "engaged": False,
            "latitude": where[0],
            "longitude": where[1],
            "accuracy_m": 12,
            "location_source": "gps",
            "location_details": "",
        }
        values.update(overrides)
        return values


@pytest.fixture
def geography(db):
    from sunflower.geo.loading import load_kansas_geography

    load_kansas_geography()


@pytest.fixture
def outreach(geography):
    from sunflower.hmis.testing import make_client, make_enrollment, make_organization, make_project

    agency = make_organization(organization_name="Prairie Outreach")
    project = make_project(agency, project_type=4, project_name="Prairie Street Outreach")
    other_agency = make_organization(organization_name="River Outreach")
    other_project = make_project(other_agency, project_type=4, project_name="River Outreach SO")
    client = make_client(first_name="Dana", last_name="Streeter")
    enrollment = make_enrollment(client, project, entry_date=dt.date(2025, 1, 15))
    return Outreach(
        agency=agency,
        project=project,
        worker=create_user_with_role(
            "worker@prairie.example", Role.AGENCY_CES_OUTREACH, PASSWORD, agency
        ),
        client=client,
        enrollment=enrollment,
        other_agency=other_agency,
        other_project=other_project,
        other_worker=create_user_with_role(
            "worker@river.example", Role.AGENCY_CES_OUTREACH, PASSWORD, other_agency
        ),
    )
