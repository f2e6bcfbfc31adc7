"""axe-core on the duplicates queue with the batch matcher's section (its button and the last
run's figures) and an open candidate, at desktop and phone widths; reuses test_accessibility's
helpers."""

from __future__ import annotations

import pytest
from browsing import PASSWORD, sign_in
from django.urls import reverse
from django.utils import timezone
from test_accessibility import (  # tests/e2e is on sys.path (rootdir-less test dir)
    check_at_every_size,
)

from sunflower.accounts.roles import Role
from sunflower.accounts.testing import create_user_with_role
from sunflower.dedup.actions import record_candidate
from sunflower.dedup.models import BatchRun
from sunflower.hmis.testing import make_client, make_organization

pytestmark = [pytest.mark.casemgmt, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_duplicates_queue_with_batch_figures_passes_axe_and_fits_a_phone(live_server, page):
    admin = create_user_with_role(
        "e2e.dedup@example.org",
        Role.HMIS_ADMIN,
        PASSWORD,
        organization=make_organization(organization_name="HMIS Lead"),
    )
    first = make_client(first_name="Maria", last_name="Delgado")
    second = make_client(first_name="Mari", last_name="Delgado")
    record_candidate(first, second, 0.97, ["same DOB", "similar first name"], "batch")
    BatchRun.objects.create(
        threshold=0.9,
        status=BatchRun.Status.SUCCEEDED,
        finished=timezone.now(),
        clients=2,
        pairs_compared=1,
        candidates_found=1,
        candidates_new=1,
    )
    sign_in(page, live_server, admin.email)

    def show():
        page.goto(live_server.url + reverse("dedup:queue"))
        page.locator("[data-testid=last-batch-run]").wait_for()

    check_at_every_size(page, "queue", show)
