"""Accessibility of the consent pages in a real browser: the release of information form (blank
and with errors), the revoke form, and the client page with the household, enrollment history
and releases sections, at desktop and phone widths. axe-core must find no serious or critical
violation; at phone width the page must not scroll sideways. Helpers follow
tests/e2e/test_accessibility.py and are imported from there."""

from __future__ import annotations

import datetime as dt

import pytest
from browsing import PASSWORD, sign_in
from django.urls import reverse
from django.utils import timezone
from test_accessibility import (  # tests/e2e is on sys.path (rootdir-less test dir)
    check_at_every_size,
)

from sunflower.accounts.roles import Role
from sunflower.accounts.testing import create_user_with_role
from sunflower.hmis.testing import make_client, make_enrollment, make_organization, make_project

pytestmark = [
    pytest.mark.casemgmt,
    pytest.mark.security,
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def consent_world():
    """Agency A serves a household of two; Agency B served the head before and shares its
    history by the KS-507 rule; A has recorded a release to B."""
    from sunflower.consent.models import ReleaseOfInformation, SharingRule
    from sunflower.hmis.models import Exit, ProjectCoC

    agency_a = make_organization(organization_name="Sunrise Shelter Services")
    agency_b = make_organization(organization_name="Prairie Housing")
    shelter = make_project(agency_a, project_type=0, project_name="Sunrise Shelter")
    housing = make_project(agency_b, project_type=3, project_name="Prairie PSH")
    for project in (shelter, housing):
        ProjectCoC.objects.create(project=project, coc_code="KS-507", geocode="209999")
    SharingRule.objects.update_or_create(
        coc_code="KS-507", defaults={"level": "profile_and_history"}
    )
    user = create_user_with_role(
        "e2e.consent@example.org", Role.AGENCY_CES, PASSWORD, organization=agency_a
    )
    head = make_client(first_name="Robert", last_name="Johnson", dob=dt.date(1984, 7, 12))
    child = make_client(first_name="Rosa", last_name="Johnson", dob=dt.date(2016, 2, 3))
    today = timezone.localdate()
    make_enrollment(head, shelter, entry_date=today - dt.timedelta(days=5), household_id="hh-e2e")
    make_enrollment(
        child,
        shelter,
        entry_date=today - dt.timedelta(days=5),
        household_id="hh-e2e",
        relationship_to_hoh=2,
    )
    earlier = make_enrollment(head, housing, entry_date=dt.date(2024, 2, 1))
    Exit.objects.create(
        enrollment=earlier, client=head, exit_date=dt.date(2024, 9, 30), destination=410
    )
    release = ReleaseOfInformation.objects.create(
        client=head,
        organization=agency_b,
        scope="profile_and_history",
        start_date=today - dt.timedelta(days=1),
        end_date=today + dt.timedelta(days=300),
        method="signed_paper",
        entered_by=user,
    )
    return user, head, release


def show_release_form_error(page, url, head):
    page.goto(url + reverse("release_new", args=[head.pk]))
    page.select_option("#id_method", "verbal_with_witness")
    page.get_by_role("button", name="Record the release").click()
    page.locator(".usa-error-message").first.wait_for()


PAGES = {
    "client-record": lambda page, url, head, release: page.goto(
        url + reverse("client_detail", args=[head.pk])
    ),
    "release-form": lambda page, url, head, release: page.goto(
        url + reverse("release_new", args=[head.pk])
    ),
    "release-form-error": lambda page, url, head, release: show_release_form_error(page, url, head),
    "release-revoke": lambda page, url, head, release: page.goto(
        url + reverse("release_revoke", args=[release.pk])
    ),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_consent_page_has_no_serious_axe_violation_and_fits_a_phone(
    live_server, page, consent_world, name
):
    user, head, release = consent_world
    sign_in(page, live_server, user.email)

    def show():
        PAGES[name](page, live_server.url, head, release)
        if name == "client-record":
            assert page.locator("[data-testid=history-row]").count() == 2
            assert page.locator("[data-testid=household-member]").count() == 1
            assert page.locator("[data-testid=release-row]").count() == 1

    check_at_every_size(page, name, show)
