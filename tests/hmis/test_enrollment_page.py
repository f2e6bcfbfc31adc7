"""The enrollment page: the household, the policy's refusals, the audit entry, a fixed query
count whatever the household's size."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sunflower.accounts.roles import Role
from sunflower.hmis.testing import make_client, make_enrollment

pytestmark = [pytest.mark.casemgmt, pytest.mark.django_db]


def household(project, size):
    head = make_enrollment(make_client(first_name="Head"), project, relationship_to_hoh=1)
    members = [
        make_enrollment(
            make_client(first_name=f"Member{n}"),
            project,
            household_id=head.household_id,
            relationship_to_hoh=2,
        )
        for n in range(size - 1)
    ]
    return head, members


def test_page_shows_the_household_head_first(world, client):
    head, members = household(world.own_project, 3)
    client.force_login(world.user_with(Role.AGENCY_CES))

    html = client.get(reverse("enrollment_detail", args=[members[0].pk])).content.decode()
    html = html[html.index('data-testid="household"') :]

    assert html.index("Head") < html.index("Member0")
    assert html.index("Head") < html.index("Member1")
    assert reverse("enrollment_detail", args=[head.pk]) in html


def test_other_agencys_enrollment_is_not_found(world, client):
    client.force_login(world.user_with(Role.AGENCY_CES))

    response = client.get(reverse("enrollment_detail", args=[world.other_enrollment.pk]))

    assert response.status_code == 404


def test_vsp_cannot_open_an_enrollment(world, client):
    client.force_login(world.user_with(Role.VICTIM_SERVICE_PROVIDER))

    response = client.get(reverse("enrollment_detail", args=[world.own_enrollment.pk]))

    assert response.status_code == 404


def test_opening_an_enrollment_audits_the_client_view(world, client):
    client.force_login(world.user_with(Role.AGENCY_CES))
    before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()

    client.get(reverse("enrollment_detail", args=[world.own_enrollment.pk]))

    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).order_by("-pk").first()
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == before + 1
    assert entry.object_pk == str(world.own_client.pk)


def queries_for(browser, enrollment):
    url = reverse("enrollment_detail", args=[enrollment.pk])
    browser.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert browser.get(url).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_the_household(world, client):
    client.force_login(world.user_with(Role.AGENCY_CES))
    small, _ = household(world.own_project, 1)
    large, _ = household(world.own_project, 6)

    assert queries_for(client, small) == queries_for(client, large)
