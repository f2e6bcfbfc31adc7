"""Coordinated Entry in a real browser: an access-point worker signs the CE Participation
Agreement and assesses a household; the household appears on its region's list with its
reasons; the regional coordinator refers it to an opening; the housing agency accepts,
enrolls and records the move-in; the household leaves the list; HUD 4.19 and 4.20 are in the
HMIS CSV export; a VSP user sees the list and cannot assess or refer.

Screenshots of each step: test-artifacts/e2e/ces/NN-step.png."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re

import pytest
from browsing import PASSWORD, sign_in  # tests/e2e is on sys.path (no package)
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from sunflower.accounts.roles import Duty, Role
from sunflower.accounts.testing import create_user_with_role
from sunflower.ces.testing import HOUSING_ANSWERS, HOUSING_SCORE

pytestmark = [pytest.mark.ces, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

_shot_numbers = itertools.count(1)


@pytest.fixture
def shots(screenshot_taker):
    return screenshot_taker("ces", _shot_numbers)


@pytest.fixture
def ces_world():
    """A CoC region, the lead's CE project and remote access point, a PSH agency, users of
    each CES role (all but the access-point worker have signed the agreement), and a
    household of one enrolled in Coordinated Entry."""
    from sunflower.accounts.models import DutyAssignment
    from sunflower.ces.assessments import ensure_default_tools
    from sunflower.ces.models import AccessPoint, ParticipationAgreement
    from sunflower.ces.testing import sign_agreement
    from sunflower.geo.models import ContinuumOfCare, Region
    from sunflower.hmis.models import ProjectCoC
    from sunflower.hmis.testing import make_client, make_enrollment, make_organization, make_project

    coc, _ = ContinuumOfCare.objects.update_or_create(
        code="KS-507", defaults={"name": "Kansas Balance of State", "served": True}
    )
    region = Region.objects.create(coc=coc, number=94, name="Region 94 (North Central)")
    lead = make_organization(organization_name="Kansas Statewide Homeless Coalition")
    ce = make_project(lead, project_type=14, project_name="Balance of State Coordinated Entry")
    housing = make_organization(organization_name="Flint Hills Housing")
    psh = make_project(housing, project_type=3, project_name="Flint Hills PSH")
    for project in (ce, psh):
        ProjectCoC.objects.create(project=project, coc_code="KS-507", geocode="209999")
    AccessPoint.objects.create(
        project=ce,
        name="Coalition phone line",
        mode=AccessPoint.Mode.REMOTE,
        coc=coc,
        start_date=dt.date(2024, 1, 1),
    )
    vsp_agency = make_organization(organization_name="Safe Harbor", victim_service_provider=1)
    ensure_default_tools()
    # The data migration's agreement is there on a fresh database, not after a flush.
    ParticipationAgreement.objects.get_or_create(
        version="2026.1",
        defaults={
            "text": "We take part in Coordinated Entry.",
            "effective_on": dt.date(2026, 1, 1),
        },
    )

    def person(email, role, agency, first, last):
        return create_user_with_role(
            email, role, PASSWORD, organization=agency, first_name=first, last_name=last
        )

    users = {
        "access_point": person("ap@example.org", Role.ACCESS_POINT, lead, "Aaron", "Pike"),
        "coordinator": person("coord@example.org", Role.AGENCY_CES, lead, "Cora", "Wells"),
        "agency": person("agency@example.org", Role.AGENCY_CES, housing, "Grace", "Hill"),
        "vsp": person("vsp@example.org", Role.VICTIM_SERVICE_PROVIDER, vsp_agency, "Val", "Soto"),
    }
    DutyAssignment.objects.create(
        user=users["coordinator"], duty=Duty.CES_REGIONAL_COORDINATOR, region=region
    )
    for key in ("coordinator", "agency", "vsp"):
        sign_agreement(users[key])
    client = make_client(first_name="Rosalind", last_name="Everly", dob=dt.date(1971, 5, 2))
    enrollment = make_enrollment(client, ce, entry_date=timezone.localdate() - dt.timedelta(days=5))
    return {
        "region": region,
        "ce": ce,
        "psh": psh,
        "lead": lead,
        "users": users,
        "client": client,
        "enrollment": enrollment,
        "coc": coc,
    }


def tick(page, selector: str) -> None:
    """Choose a USWDS radio or checkbox the way a user does: by its label (the input itself
    is visually hidden)."""
    input_id = page.locator(selector).get_attribute("id")
    page.locator(f'label[for="{input_id}"]').click()


def fill_housing_assessment(page):
    for key, value in HOUSING_ANSWERS.items():
        if value in ("", None):
            continue
        if isinstance(value, list):
            for item in value:
                tick(page, f"input[name='q-{key}'][value='{item}']")
        elif isinstance(value, int):
            page.locator(f"input[name='q-{key}']").fill(str(value))
        else:
            tick(page, f"input[name='q-{key}'][value='{value}']")


def test_assess_list_refer_accept_move_in_and_export(page, live_server, ces_world, shots):
    from sunflower.ces.models import ListEntry, Referral
    from sunflower.hmis import vocabulary as hud
    from sunflower.interchange.exporter import export_hmis_csv

    users, region = ces_world["users"], ces_world["region"]

    # The access-point worker signs the agreement on the way in, then assesses.
    sign_in(page, live_server, users["access_point"].email)
    page.goto(f"{live_server.url}{reverse('ces')}")
    expect_sign = page.get_by_test_id("sign-first")
    expect_sign.wait_for()
    shots(page, "agreement")
    page.get_by_label(re.compile("name", re.I)).first.fill("Aaron Pike")
    page.get_by_role("button", name="I agree and sign").click()
    page.wait_for_url(re.compile(r"/ces/$"))
    page.get_by_role("link", name=re.compile("Assess.*Rosalind Everly")).click()
    page.get_by_test_id("assessment-form").wait_for()
    # "Which conditions?" is hidden until the health question is answered yes. The deferred
    # script hides it after the form is attached, so wait for it rather than look once.
    conditions = page.locator("[data-show-if='physical_health']")
    expect(conditions).to_be_hidden()
    page.get_by_label("Region whose list the household joins").select_option(str(region.pk))
    fill_housing_assessment(page)
    expect(conditions).to_be_visible()
    shots(page, "assessment")
    page.get_by_role("button", name="Save the assessment").click()
    page.get_by_test_id("entry-status").wait_for()
    assert (
        "Rank 1 on the Region 94 (North Central) list"
        in page.get_by_test_id("entry-status").inner_text()
    )
    trace = page.get_by_test_id("rule-trace").inner_text()
    assert "Assessment score" in trace and str(HOUSING_SCORE) in trace
    shots(page, "household-reasons")

    # The housing agency posts an opening.
    sign_in(page, live_server, users["agency"].email)
    page.goto(f"{live_server.url}{reverse('ces_new_opening')}")
    page.get_by_label("Project").select_option(label="Flint Hills PSH")
    page.get_by_label("Region").select_option(str(region.pk))
    page.get_by_label("Title").fill("PSH one-bedroom, Manhattan")
    page.get_by_label("Available from").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Post the opening").click()
    page.get_by_test_id("eligible").wait_for()
    assert "Rosalind Everly" in page.get_by_test_id("eligible").inner_text()

    # The coordinator sees the household on the list and refers it.
    sign_in(page, live_server, users["coordinator"].email)
    page.goto(f"{live_server.url}{reverse('ces_list', args=[region.pk])}")
    assert "Rosalind Everly" in page.get_by_test_id("ces-list").inner_text()
    shots(page, "list")
    page.get_by_role("link", name="Rosalind Everly").click()
    page.get_by_role("button", name="Refer").click()
    page.get_by_test_id("referral-status").wait_for()
    assert "Waiting for the agency" in page.get_by_test_id("referral-status").inner_text()
    referral = Referral.objects.get()

    # The agency accepts, enrolls and records the move-in.
    sign_in(page, live_server, users["agency"].email)
    page.goto(f"{live_server.url}{reverse('ces_referral', args=[referral.pk])}")
    page.get_by_role("button", name="Accept the referral").click()
    page.get_by_test_id("enroll-form").wait_for()
    page.get_by_role("button", name="Enroll in the project").click()
    page.get_by_test_id("move-in-form").wait_for()
    page.get_by_role("button", name="Record the move-in").click()
    page.get_by_text("Moved in", exact=True).wait_for()
    shots(page, "moved-in")

    # The household has left the list.
    sign_in(page, live_server, users["coordinator"].email)
    page.goto(f"{live_server.url}{reverse('ces_list', args=[region.pk])}")
    assert "Rosalind Everly" not in page.get_by_test_id("ces-list").inner_text()
    assert ListEntry.objects.get(client=ces_world["client"]).status == ListEntry.Status.HOUSED

    # A VSP user sees the list but cannot assess or refer.
    sign_in(page, live_server, users["vsp"].email)
    page.goto(f"{live_server.url}{reverse('ces_list', args=[region.pk])}")
    page.get_by_test_id("ces-list").wait_for()
    page.goto(f"{live_server.url}{reverse('ces')}")
    assert page.get_by_test_id("ce-enrollments").count() == 0
    response = page.goto(
        f"{live_server.url}{reverse('ces_assess', args=[ces_world['enrollment'].pk])}"
    )
    assert response.status == 404
    shots(page, "vsp")

    # HUD 4.19 and 4.20 are in the HMIS CSV export.
    import csv
    import zipfile

    buffer = io.BytesIO()
    export_hmis_csv(
        user=None,
        output=buffer,
        projects=[ces_world["ce"], ces_world["psh"]],
        start=timezone.localdate() - dt.timedelta(days=30),
        end=timezone.localdate(),
    )
    archive = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))

    def rows(name):
        return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"))))

    (assessment,) = rows("Assessment.csv")
    assert assessment["AssessmentLevel"] == str(hud.AssessmentLevel.HOUSING_NEEDS_ASSESSMENT)
    assert assessment["PrioritizationStatus"] == "1"
    results = {
        r["AssessmentResultType"]: r["AssessmentResult"] for r in rows("AssessmentResults.csv")
    }
    assert results["Total score"] == str(HOUSING_SCORE)
    assert len(rows("AssessmentQuestions.csv")) >= 15
    (event,) = rows("Event.csv")
    assert event["Event"] == str(hud.EventType.REFERRAL_TO_PSH_PROJECT_RESOURCE_OPENING)
    assert event["ReferralResult"] == str(hud.ReferralResult.SUCCESSFUL_REFERRAL_CLIENT_ACCEPTED)
    assert event["ResultDate"] == timezone.localdate().isoformat()
