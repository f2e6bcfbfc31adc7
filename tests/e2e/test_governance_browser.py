"""An agency asks to add a non-HUD-funded program; the HMIS team schedules the meeting and
approves it; the Oversight Committee votes it through; the HMIS team creates the project,
which then exists in HMIS, linked from the request.

Screenshots: test-artifacts/e2e/governance/NN-step.png."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from browsing import PASSWORD, sign_in  # tests/e2e is on sys.path (no package)
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from sunflower.accounts.roles import Duty, Role
from sunflower.accounts.testing import create_user_with_role

pytestmark = [pytest.mark.portal, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

_shot_numbers = itertools.count(1)


def test_a_non_hud_program_request_is_approved_by_the_committee_and_exists_in_hmis(
    page, live_server, screenshot_taker
):
    from sunflower.accounts.models import DutyAssignment
    from sunflower.governance.models import ProgramRequest
    from sunflower.hmis.models import Project
    from sunflower.hmis.testing import make_organization

    shots = screenshot_taker("governance", _shot_numbers)
    agency = make_organization(organization_name="Prairie Hope")
    create_user_with_role("admin@prairie.example", Role.AGENCY_ADMIN, PASSWORD, agency)
    create_user_with_role("team@hmis.example", Role.HMIS_ADMIN, PASSWORD)
    for n in range(2):
        member = create_user_with_role(f"m{n}@committee.example", Role.AGENCY_ADMIN, PASSWORD)
        DutyAssignment.objects.create(
            user=member, duty=Duty.COMMITTEE_MEMBER, committee="HMIS Oversight Committee"
        )

    sign_in(page, live_server, "admin@prairie.example")
    page.goto(live_server.url + reverse("governance:requests"))
    page.click("[data-testid=new-program-request]")
    page.select_option("#id_kind", "add")
    page.select_option("#id_organization", label="Prairie Hope")
    page.fill("#id_project_name", "Prairie Hope Winter Shelter")
    page.select_option("#id_project_type", "0")
    page.select_option("#id_funders", "46")  # local funding only: not HUD-funded
    page.fill("#id_coc_code", "KS-507")
    page.fill("#id_start_date", "2027-01-01")
    page.click("[data-testid=submit-program-request]")
    assert page.locator("[data-testid=error-beds]").is_visible()  # a shelter needs its beds
    assert page.input_value("#id_project_name") == "Prairie Hope Winter Shelter"
    page.fill("#id_beds", "24")
    page.fill("#id_units", "24")
    shots(page, "request")
    page.click("[data-testid=submit-program-request]")
    page.wait_for_selector("[data-testid=request-status]")
    request = ProgramRequest.objects.get()

    sign_in(page, live_server, "team@hmis.example")
    page.goto(live_server.url + reverse("governance:request", args=[request.pk]))
    at = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT10:00")
    page.fill("#id_meeting_at", at)
    page.fill("#id_place", "Video call")
    mail.outbox.clear()
    page.click("[data-testid=submit-schedule]")
    page.wait_for_selector("text=Meeting scheduled; the invitation was sent.")
    assert mail.outbox[-1].attachments[0][0] == "meeting.ics"
    page.click("label[for=id_decision_0]")
    page.click("[data-testid=submit-review]")
    page.wait_for_selector("text=Review recorded.")
    assert "Oversight Committee" in page.inner_text("[data-testid=request-status]")

    for n in range(2):
        sign_in(page, live_server, f"m{n}@committee.example")
        page.goto(live_server.url + reverse("committee"))
        page.get_by_role("link", name="Add a program: Prairie Hope Winter Shelter").click()
        page.click("label[for=id_vote_0]")
        page.fill("#id_comment", "Serves a county with no shelter")
        page.click("[data-testid=submit-vote]")
        page.wait_for_selector("text=Your vote is recorded.")
    shots(page, "committee-approved")
    request.refresh_from_db()
    assert request.status == ProgramRequest.Status.APPROVED

    sign_in(page, live_server, "team@hmis.example")
    page.goto(live_server.url + reverse("governance:request", args=[request.pk]))
    page.click("[data-testid=apply-request]")
    page.wait_for_selector("[data-testid=hmis-project]")
    shots(page, "in-hmis")
    project = Project.objects.get(project_name="Prairie Hope Winter Shelter")
    assert project.organization == agency and project.inventories.get().bed_inventory == 24
    request.refresh_from_db()
    assert request.project == project
