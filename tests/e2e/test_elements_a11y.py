"""Accessibility and phone-sized layouts of the data-element pages (the full project-start
intake, the annual assessment, the exit with its exit-stage elements, the annuals list), in a
real browser. Same checks as test_accessibility.py: no serious or critical axe-core violation
at desktop and phone width, no sideways scrolling on a phone."""

from __future__ import annotations

import datetime as dt

import pytest
from browsing import PASSWORD, sign_in
from django.urls import reverse
from django.utils import timezone
from test_accessibility import (  # tests/e2e is on sys.path (rootdir-less test dir)
    check_at_every_size,
)

from sunflower.accounts.actions import hmis_user_for
from sunflower.accounts.roles import Role
from sunflower.accounts.testing import create_user_with_role
from sunflower.hmis.elements import anniversary
from sunflower.hmis.testing import make_client, make_enrollment, make_organization, make_project

pytestmark = [pytest.mark.casemgmt, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HOPWA_PERMANENT_HOUSING = 15  # HOPWA asks the most questions (4.04 reasons, W3, W4, W6)
RHY_TLP = 24


@pytest.fixture
def psh():
    """A HOPWA- and RHY-funded project with a household of two enrolled a year ago."""
    from sunflower.hmis.models import Funder, ProjectCoC

    agency = make_organization(organization_name="Prairie Housing")
    project = make_project(agency, project_type=2, project_name="Prairie Transitional Housing")
    ProjectCoC.objects.create(project=project, coc_code="KS-507", geocode="209999")
    for code in (HOPWA_PERMANENT_HOUSING, RHY_TLP):
        Funder.objects.create(
            project=project, funder=code, grant_id=f"G{code}", start_date=dt.date(2020, 1, 1)
        )
    user = create_user_with_role(
        "e2e.elements@example.org",
        Role.AGENCY_CES,
        PASSWORD,
        organization=agency,
        first_name="Pat",
        last_name="Worker",
    )
    entered_by = hmis_user_for(user)
    start = anniversary(timezone.localdate(), -1)
    head = make_enrollment(
        make_client(
            first_name="Jordan", last_name="Reed", dob=dt.date(2004, 4, 1), user=entered_by
        ),
        project,
        start,
    )
    make_enrollment(
        make_client(first_name="Sky", last_name="Reed", dob=dt.date(2022, 2, 1), user=entered_by),
        project,
        start,
        household_id=head.household_id,
        relationship_to_hoh=2,
    )
    return user, project, head


def show_intake_error(head):
    def show(page, url):
        page.goto(url + reverse("intake", args=[head.pk]))
        page.select_option("#id_el-income_from_any_source", "1")
        page.get_by_role("button", name="Save the intake").click()
        page.locator(".usa-error-message").first.wait_for()

    return show


def goto(path):
    def show(page, url):
        page.goto(url + path)

    return show


def pages(project, head):
    assessment = reverse("new_assessment", args=[head.pk])
    return {
        "intake": goto(reverse("intake", args=[head.pk])),
        "intake-error": show_intake_error(head),
        "annual": goto(f"{assessment}?stage=annual"),
        "update": goto(f"{assessment}?stage=update"),
        "exit": goto(reverse("exit_enrollment", args=[head.pk])),
        "annuals-list": goto(reverse("annuals_due", args=[project.pk])),
        "enrollment-record": goto(reverse("enrollment_detail", args=[head.pk])),
    }


@pytest.mark.parametrize(
    "name",
    ["intake", "intake-error", "annual", "update", "exit", "annuals-list", "enrollment-record"],
)
def test_element_pages_have_no_serious_axe_violation_and_fit_a_phone(live_server, page, psh, name):
    user, project, head = psh
    show = pages(project, head)[name]
    sign_in(page, live_server, user.email)
    check_at_every_size(page, name, lambda: show(page, live_server.url))


def test_dependent_questions_show_when_their_answer_calls_for_them(live_server, page, psh):
    user, _project, head = psh
    sign_in(page, live_server, user.email)
    page.goto(live_server.url + reverse("intake", args=[head.pk]))
    earned = page.locator("#id_el-earned")
    amount = page.locator("#id_el-earned_amount")
    assert not earned.is_visible() and not amount.is_visible()
    page.select_option("#id_el-income_from_any_source", "1")
    assert earned.is_visible() and not amount.is_visible()
    page.select_option("#id_el-earned", "1")
    assert amount.is_visible()
    page.select_option("#id_el-income_from_any_source", "0")  # hides the whole chain
    assert not earned.is_visible() and not amount.is_visible()
