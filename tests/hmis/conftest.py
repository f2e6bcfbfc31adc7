"""Fixtures for the HUD data model tests: data sources and minimal valid records."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sunflower.hmis import models as hmis
from sunflower.hmis import vocabulary as hud

PROJECT_DIR = Path(__file__).resolve().parents[2]
SPEC_DIR = PROJECT_DIR / "sunflower" / "hmis" / "spec" / "fy2026"


class Records:
    """Creates the smallest valid record of each kind (every required HUD column filled)."""

    def __init__(self, data_source: hmis.DataSource):
        self.data_source = data_source

    def organization(self, **fields) -> hmis.Organization:
        fields = {
            "organization_name": "Sunflower Shelter Inc.",
            "victim_service_provider": hud.NoYes.NO,
            **fields,
        }
        return hmis.Organization.objects.create(data_source=self.data_source, **fields)

    def project(self, **fields) -> hmis.Project:
        fields = {
            "project_name": "Night shelter",
            "operating_start_date": dt.date(2020, 1, 1),
            "continuum_project": hud.NoYes.YES,
            "project_type": hud.ProjectType.EMERGENCY_SHELTER_ENTRY_EXIT,
            **fields,
        }
        if "organization" not in fields:
            fields["organization"] = self.organization()
        return hmis.Project.objects.create(data_source=self.data_source, **fields)

    def client(self, **fields) -> hmis.Client:
        fields = {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "name_data_quality": hud.NameDataQuality.FULL_NAME_REPORTED,
            "ssn_data_quality": hud.SSNDataQuality.DATA_NOT_COLLECTED,
            "dob_data_quality": hud.DOBDataQuality.DATA_NOT_COLLECTED,
            "am_ind_ak_native": 0,
            "asian": 0,
            "black_af_american": 0,
            "hispanic_latinao": 0,
            "mid_east_n_african": 0,
            "native_hi_pacific": 0,
            "white": 1,
            "veteran_status": hud.NoYesReasonsForMissingData.NO,
            **fields,
        }
        return hmis.Client.objects.create(data_source=self.data_source, **fields)

    def enrollment(self, **fields) -> hmis.Enrollment:
        fields = {
            "entry_date": dt.date(2025, 10, 1),
            "household_id": "household-1",
            "relationship_to_hoh": hud.RelationshipToHoH.SELF,
            "enrollment_coc": "XX-501",
            "disabling_condition": hud.NoYesReasonsForMissingData.NO,
            **fields,
        }
        if "client" not in fields:
            fields["client"] = self.client()
        if "project" not in fields:
            fields["project"] = self.project()
        return hmis.Enrollment.objects.create(data_source=self.data_source, **fields)

    def exit(self, enrollment: hmis.Enrollment, **fields) -> hmis.Exit:
        fields = {
            "exit_date": dt.date(2025, 11, 1),
            "destination": hud.Destination.DECEASED,
            **fields,
        }
        return hmis.Exit.objects.create(
            data_source=self.data_source, enrollment=enrollment, client=enrollment.client, **fields
        )


@pytest.fixture
def native_source(db) -> hmis.DataSource:
    return hmis.DataSource.native()


@pytest.fixture
def imported_source(db) -> hmis.DataSource:
    return hmis.DataSource.objects.create(name="HUD CSV test kit", description="imported")


@pytest.fixture
def native(native_source) -> Records:
    return Records(native_source)


@pytest.fixture
def imported(imported_source) -> Records:
    return Records(imported_source)
