"""Accessibility and phone-sized layouts of the during-the-stay pages (services, current living
situation, move-in date), in a real browser. Same checks as test_accessibility.py: no serious
or critical axe-core violation at desktop and phone width, no sideways scrolling on a phone."""

from __future__ import annotations

import datetime as dt

import pytest
from browsing import PASSWORD, sign_in
from django.urls import reverse
from django.utils import timezone
from test_accessibility import (  # tests/e2e is on sys.path (rootdir-less test dir)
    check_at_every_size,
    htmx_settled,
)

from sunflower.accounts.actions import hmis_user_for
from sunflower.accounts.roles import Role
from sunflower.accounts.testing import create_user_with_role
from sunflower.hmis.testing import make_client, make_enrollment, make_organization, make_project

pytestmark = [pytest.mark.casemgmt, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SSVF = 33


@pytest.fixture
def rrh():
    """An SSVF rapid re-housing project with a household of two and one recorded service."""
    from sunflower.hmis import services
    from sunflower.hmis.models import Funder, ProjectCoC

    agency = make_organization(organization_name="Veterans Housing Partners")
    project = make_project(
        agency, project_type=13, rrh_sub_type=2, project_name="Veterans Rapid Re-Housing"
    )
    ProjectCoC.objects.create(project=project, coc_code="KS-507", geocode="209999")
    Funder.objects.create(
        project=project, funder=SSVF, grant_id="SSVF-1", start_date=dt.date(2020, 1, 1)
    )
    user = create_user_with_role(
        "e2e.services@example.org",
        Role.AGENCY_CES,
        PASSWORD,
        organization=agency,
        first_name="Sam",
        last_name="Worker",
    )
    entered_by = hmis_user_for(user)
    start = timezone.localdate() - dt.timedelta(days=20)
    head = make_enrollment(
        make_client(first_name="Dana", last_name="Miller", user=entered_by), project, start
    )
    make_enrollment(
        make_client(first_name="Lee", last_name="Miller", user=entered_by),
        project,
        start,
        household_id=head.household_id,
        relationship_to_hoh=3,
    )
    services.record_service(user, head, 152, 1, start, fa_amount=900, fa_start_date=start)
    return user, head


def show_service_form_error(head):
    def show(page, url):
        page.goto(url + reverse("service_new", args=[head.pk]))
        page.select_option("#id_record_type", "152")
        page.locator("#id_fa_amount").wait_for()  # htmx asked the financial questions
        htmx_settled(page)
        page.fill("#id_fa_amount", "-5")
        page.get_by_role("button", name="Record the service").click()
        page.locator(".usa-error-message").first.wait_for()

    return show


def show_cls_follow_ups(head):
    def show(page, url):
        page.goto(url + reverse("cls_new", args=[head.pk]))
        page.select_option("#id_current_living_situation", "332")
        page.locator("#id_leave_situation14_days").wait_for()
        htmx_settled(page)
        page.select_option("#id_leave_situation14_days", "1")
        page.locator("#id_moved_two_or_more").wait_for()

    return show


def goto(path):
    def show(page, url):
        page.goto(url + path)

    return show


PAGE_NAMES = ["enrollment", "service", "service-error", "cls", "cls-follow-ups", "move-in"]


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_page_has_no_serious_axe_violation_and_fits_a_phone(live_server, page, rrh, name):
    user, head = rrh
    show = {
        "enrollment": goto(reverse("enrollment_detail", args=[head.pk])),
        "service": goto(reverse("service_new", args=[head.pk])),
        "service-error": show_service_form_error(head),
        "cls": goto(reverse("cls_new", args=[head.pk])),
        "cls-follow-ups": show_cls_follow_ups(head),
        "move-in": goto(reverse("move_in", args=[head.pk])),
    }[name]
    sign_in(page, live_server, user.email)
    check_at_every_size(page, name, lambda: show(page, live_server.url))
