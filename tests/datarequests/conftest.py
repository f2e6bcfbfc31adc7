"""Shared builders for the data-request tests: the HMIS team, a committee member, a
request ready for review, and a small HMIS world to count."""

from __future__ import annotations

import datetime as dt

import pytest

from sunflower.accounts.roles import Duty, Role
from sunflower.accounts.testing import create_user_with_role

PASSWORD = "Sunflower-test-password-2026"

REQUEST_FIELDS = {
    "requester_name": "Dana Researcher",
    "requester_email": "Dana@University.example",
    "requester_organization": "Kansas State University",
    "requester_phone": "785-555-0100",
    "title": "Shelter use by age, 2025",
    "purpose": "A study of shelter use by age group.",
    "data_wanted": "People served by project type and age group.",
    "period_start": dt.date(2025, 1, 1),
    "period_end": dt.date(2025, 12, 31),
    "intended_use": "A published paper with aggregate tables only.",
    "retention_plan": "Encrypted university server, destroyed after two years.",
    "identifiers_requested": False,
    "identifiers_justification": "",
}


@pytest.fixture(autouse=True)
def extracts_in_tmp(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "datarequests": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "data_extracts"), "base_url": None},
        },
    }
    settings.SITE_URL = "https://hmis.example.org"


@pytest.fixture(autouse=True)
def _no_rate_limit_left_from_another_test():
    from django.core.cache import cache

    from sunflower.portal.spam import _key

    for address in ("127.0.0.1", None):
        cache.delete(_key("datarequest", address))


@pytest.fixture
def team(db):
    return create_user_with_role(
        "lee@hmis.example", Role.HMIS_ADMIN, PASSWORD, first_name="Lee", last_name="Team"
    )


def make_member(email="member@committee.example"):
    from sunflower.accounts.models import DutyAssignment

    member = create_user_with_role(email, Role.AGENCY_ADMIN, PASSWORD)
    DutyAssignment.objects.create(
        user=member, duty=Duty.COMMITTEE_MEMBER, committee="HMIS Oversight Committee"
    )
    return member


@pytest.fixture
def member(db):
    return make_member()


@pytest.fixture
def outsider(db):
    return create_user_with_role("agency@agency.example", Role.AGENCY_ADMIN, PASSWORD)


def submit(**overrides):
    from sunflower.datarequests import actions

    return actions.submit_request(**{**REQUEST_FIELDS, **overrides})


@pytest.fixture
def hmis_world(db):
    """A shelter with 15 people (ages and sexes varied), a PSH project with 3 (small
    cells), a victim service provider's shelter with 2 (never counted), and one person whose
    stay ended before the period."""
    from sunflower.hmis.models import Exit
    from sunflower.hmis.testing import (
        make_client,
        make_enrollment,
        make_organization,
        make_project,
    )

    agency = make_organization(organization_name="Prairie Shelter Inc")
    shelter = make_project(agency, project_type=0, project_name="Prairie Shelter")
    housing = make_project(agency, project_type=3, project_name="Prairie Housing")
    vsp = make_organization(organization_name="Safe Home", victim_service_provider=1)
    vsp_shelter = make_project(vsp, project_type=0, project_name="Safe Home Shelter")
    people = []
    for n in range(15):
        client = make_client(
            first_name=f"Shelterfirst{n}",
            last_name=f"Shelterlast{n}",
            dob=dt.date(1990, 1, 1) if n < 12 else dt.date(2015, 1, 1),
            sex=n % 2,
        )
        enrollment = make_enrollment(client, shelter, entry_date=dt.date(2025, 2, 1))
        if n < 4:
            Exit.objects.create(
                enrollment=enrollment,
                client=client,
                exit_date=dt.date(2025, 6, 1),
                destination=435,  # rental with ongoing subsidy: permanent
            )
        people.append(client)
    for n in range(3):
        client = make_client(first_name=f"Housingfirst{n}", last_name=f"Housinglast{n}")
        make_enrollment(client, housing, entry_date=dt.date(2024, 6, 1))
    for n in range(2):
        client = make_client(first_name=f"Survivorfirst{n}", last_name=f"Survivorlast{n}")
        make_enrollment(client, vsp_shelter, entry_date=dt.date(2025, 3, 1))
    gone = make_client(first_name="Gonefirst", last_name="Gonelast")
    old = make_enrollment(gone, shelter, entry_date=dt.date(2023, 1, 1))
    Exit.objects.create(enrollment=old, client=gone, exit_date=dt.date(2023, 5, 1), destination=435)
    return {"shelter": shelter, "housing": housing, "people": people}


def approve_both(request, team, member, approved=()):
    from sunflower.datarequests import actions
    from sunflower.datarequests.models import Body

    actions.record_decision(request, team, Body.KHRC, "approve", "Fits the HMIS policy.")
    actions.record_decision(
        request, member, Body.COMMITTEE, "approve", "Approved at the meeting.", approved
    )
    request.refresh_from_db()
    return request
