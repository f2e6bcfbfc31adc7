"""Accessibility and phone-sized layouts of the Coordinated Entry pages, in a real browser.
Same checks as test_accessibility.py: no serious or critical axe-core violation at desktop and
phone width, no sideways scrolling on a phone."""

from __future__ import annotations

import datetime as dt

import pytest
from browsing import PASSWORD, sign_in
from django.urls import reverse
from django.utils import timezone
from test_accessibility import (  # tests/e2e is on sys.path (rootdir-less test dir)
    check_at_every_size,
)

from sunflower.accounts.roles import Duty, Role
from sunflower.accounts.testing import create_user_with_role
from sunflower.ces.testing import HOUSING_ANSWERS

pytestmark = [pytest.mark.ces, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ces_pages():
    """A coordinator (HMIS admin too, so every page opens) with a household on the list, an
    opening, a referral and a meeting in progress."""
    from sunflower.accounts.actions import grant_role
    from sunflower.accounts.models import DutyAssignment
    from sunflower.ces import meetings, referrals
    from sunflower.ces.assessments import assess, ensure_default_tools
    from sunflower.ces.models import AccessPoint, AssessmentTool, Opening
    from sunflower.ces.testing import sign_agreement
    from sunflower.geo.models import ContinuumOfCare, Region
    from sunflower.hmis.models import ProjectCoC
    from sunflower.hmis.testing import make_client, make_enrollment, make_organization, make_project

    coc, _ = ContinuumOfCare.objects.update_or_create(
        code="KS-507", defaults={"name": "Kansas Balance of State", "served": True}
    )
    region = Region.objects.create(coc=coc, number=95, name="Region 95")
    lead = make_organization(organization_name="Kansas Statewide Homeless Coalition")
    ce = make_project(lead, project_type=14, project_name="Balance of State CE")
    psh = make_project(lead, project_type=3, project_name="Coalition PSH")
    for project in (ce, psh):
        ProjectCoC.objects.create(project=project, coc_code="KS-507", geocode="209999")
    point = AccessPoint.objects.create(
        project=ce,
        name="Coalition phone line",
        mode=AccessPoint.Mode.REMOTE,
        coc=coc,
        start_date=dt.date(2024, 1, 1),
    )
    ensure_default_tools()
    user = create_user_with_role(
        "e2e.ces.a11y@example.org",
        Role.AGENCY_CES,
        PASSWORD,
        organization=lead,
        first_name="Cora",
        last_name="Wells",
    )
    grant_role(user, make_organization(organization_name="Lead staff"), Role.HMIS_ADMIN)
    DutyAssignment.objects.create(user=user, duty=Duty.CES_REGIONAL_COORDINATOR, region=region)
    sign_agreement(user)
    enrollment = make_enrollment(
        make_client(first_name="Rosalind", last_name="Everly"),
        ce,
        entry_date=timezone.localdate() - dt.timedelta(days=3),
    )
    entry = assess(
        user,
        tool_version=AssessmentTool.objects.get(slug="housing-needs").published_version(),
        answers=HOUSING_ANSWERS,
        assessment_date=timezone.localdate(),
        assessment_type=3,
        region=region,
        access_point=point,
        enrollment=enrollment,
    ).entry
    second = make_enrollment(
        make_client(first_name="Milo", last_name="Brandt"),
        ce,
        entry_date=timezone.localdate() - dt.timedelta(days=3),
    )
    opening = Opening.objects.create(
        project=psh,
        region=region,
        title="PSH one-bedroom",
        available_on=timezone.localdate(),
        posted_by=user,
    )
    referral = referrals.refer(user, opening.pk, entry.pk)
    meeting = meetings.schedule_meeting(
        user, region, "Region 95 case conferencing", timezone.now(), "Video call"
    )
    meetings.build_agenda(user, meeting)
    meetings.start_meeting(user, meeting)
    return {
        "user": user,
        "region": region,
        "entry": entry,
        "second": second,
        "opening": opening,
        "referral": referral,
        "meeting": meeting,
    }


PAGES = {
    "ces-home": lambda w: reverse("ces"),
    "ces-intake": lambda w: reverse("ces_intake"),
    "ces-assess": lambda w: reverse("ces_assess", args=[w["second"].pk]),
    "ces-list": lambda w: reverse("ces_list", args=[w["region"].pk]),
    "ces-household": lambda w: reverse("ces_entry", args=[w["entry"].pk]),
    "ces-openings": lambda w: reverse("ces_openings"),
    "ces-new-opening": lambda w: reverse("ces_new_opening"),
    "ces-opening": lambda w: reverse("ces_opening", args=[w["opening"].pk]),
    "ces-referral": lambda w: reverse("ces_referral", args=[w["referral"].pk]),
    "ces-regions": lambda w: reverse("ces_regional_list"),
    "ces-meetings": lambda w: reverse("ces_meetings"),
    "ces-meeting": lambda w: reverse("ces_meeting", args=[w["meeting"].pk]),
    "ces-agreement": lambda w: reverse("ces_agreement"),
    "ces-access-points": lambda w: reverse("ces_access_points"),
    "ces-decisions": lambda w: reverse("ces_decision_report"),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_ces_page_has_no_serious_axe_violation_and_fits_a_phone(live_server, page, ces_pages, name):
    sign_in(page, live_server, ces_pages["user"].email)
    path = PAGES[name](ces_pages)
    check_at_every_size(page, name, lambda: page.goto(live_server.url + path))


def test_assessment_form_errors_are_accessible(live_server, page, ces_pages):
    sign_in(page, live_server, ces_pages["user"].email)
    url = live_server.url + reverse("ces_assess", args=[ces_pages["second"].pk])

    def show():
        page.goto(url)
        page.get_by_role("button", name="Save the assessment").click()
        page.get_by_test_id("form-errors").first.wait_for()

    check_at_every_size(page, "ces-assess-errors", show)
