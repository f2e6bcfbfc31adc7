"""Fixtures for the report tests: HUD's FY2026 test kit (tests/fixtures/testkit/fy2026)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sunflower.accounts.roles import Role
from sunflower.accounts.testing import create_user_with_role

PROJECT_DIR = Path(__file__).resolve().parents[2]
KIT_DIR = PROJECT_DIR / "tests" / "fixtures" / "testkit" / "fy2026"


@pytest.fixture(scope="session")
def kit():
    from sunflower.reports.testkit import Kit

    return Kit.load(KIT_DIR)


@pytest.fixture(scope="session")
def kit_frames(kit):
    from sunflower.reports.engine import from_csv_folder

    return from_csv_folder(kit.source)


START, END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
COC = "KS-507"


@pytest.fixture
def report_world(db):
    """Two agencies, each with a PSH project in KS-507 and adults enrolled in 2025."""
    from sunflower.hmis.models import ProjectCoC
    from sunflower.hmis.testing import make_client, make_enrollment, make_organization, make_project

    agencies, projects, clients = {}, {}, {}
    for key, name, people in (
        ("own", "Prairie Housing", ["Avery", "Blake", "Casey"]),
        ("other", "River Housing", ["Drew", "Emery"]),
    ):
        agencies[key] = make_organization(organization_name=name)
        projects[key] = make_project(agencies[key], project_type=3, project_name=f"{name} PSH")
        ProjectCoC.objects.create(project=projects[key], coc_code=COC, geocode="209999")
        clients[key] = []
        for first in people:
            client = make_client(first_name=first, last_name="Report", dob=dt.date(1980, 1, 1))
            make_enrollment(client, projects[key], entry_date=dt.date(2025, 3, 1))
            clients[key].append(client)
    users = {
        "agency": create_user_with_role(
            "agency@example.org", Role.AGENCY_CES, organization=agencies["own"]
        ),
        "other_agency": create_user_with_role(
            "other@example.org", Role.AGENCY_ADMIN, organization=agencies["other"]
        ),
        "access_point": create_user_with_role(
            "ap@example.org", Role.ACCESS_POINT, organization=agencies["own"]
        ),
        "vsp": create_user_with_role("vsp@example.org", Role.VICTIM_SERVICE_PROVIDER),
        "admin": create_user_with_role(
            "lead@example.org", Role.HMIS_ADMIN, organization=make_organization()
        ),
    }
    return {"agencies": agencies, "projects": projects, "clients": clients, "users": users}
