"""axe-core on the homeless history section of the client page and on the record-a-period form
(blank and with errors), at desktop and phone widths; reuses test_accessibility's helpers."""

from __future__ import annotations

import datetime as dt

import pytest
from browsing import sign_in
from django.urls import reverse
from test_accessibility import (  # tests/e2e is on sys.path (rootdir-less test dir)
    check_at_every_size,
    shelter,  # noqa: F401  (fixture)
)

from sunflower.chronic.actions import record_period
from sunflower.chronic.models import HomelessPeriod

pytestmark = [pytest.mark.casemgmt, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def show_form_error(page, url, client_pk):
    page.goto(url + reverse("homeless_period_new", args=[client_pk]))
    page.fill("#id_start_date", "2025-06-30")
    page.fill("#id_end_date", "2025-01-01")
    page.get_by_role("button", name="Record the period").click()
    page.locator(".usa-error-message").first.wait_for()


@pytest.mark.parametrize("name", ["section", "form", "form-error"])
def test_homeless_history_pages_pass_axe_and_fit_a_phone(live_server, page, shelter, name):  # noqa: F811
    project, user, johnson, enrollment = shelter
    record_period(
        user,
        johnson,
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2025, 3, 31),
        place=HomelessPeriod.Place.UNSHELTERED,
        evidence=HomelessPeriod.Evidence.THIRD_PARTY,
        verifier_organization="Riverside Outreach",
        verifier_name="Pat Worker",
        source_hidden=True,
    )
    sign_in(page, live_server, user.email)

    def show():
        if name == "section":
            page.goto(live_server.url + reverse("client_detail", args=[johnson.pk]))
            page.locator("[data-testid=homeless-history]").wait_for()
        elif name == "form":
            page.goto(live_server.url + reverse("homeless_period_new", args=[johnson.pk]))
        else:
            show_form_error(page, live_server.url, johnson.pk)

    check_at_every_size(page, name, show)
