"""Data-quality nudges on the client page (sunflower/hmis/data_quality.py, docs/intake.md)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sunflower.accounts.roles import Role
from sunflower.hmis.data_quality import nudges_for_client, with_last_activity
from sunflower.hmis.models import Enrollment, Services
from sunflower.hmis.testing import make_client, make_enrollment

pytestmark = [pytest.mark.casemgmt, pytest.mark.django_db]

HOUSED = 101  # a prior living situation that is an answer (not 8/9/99)


def clean_client(**fields):
    return make_client(ssn="123456789", ssn_data_quality=1, **fields)


def clean_enrollment(client, project, entry_date=None, **fields):
    return make_enrollment(
        client,
        project,
        entry_date=entry_date or timezone.localdate(),
        living_situation=HOUSED,
        **fields,
    )


def nudges(client, today=None):
    enrollments = with_last_activity(
        Enrollment.objects.filter(client=client).select_related("project").prefetch_related("exits")
    )
    return nudges_for_client(client, list(enrollments), today or timezone.localdate())


def elements(found):
    return sorted(n.element for n in found)


def test_clean_client_has_no_nudges(world):
    client = clean_client()
    clean_enrollment(client, world.own_project)

    assert nudges(client) == []


def test_ssn_not_collected(world):
    client = clean_client()
    client.ssn, client.ssn_data_quality = "", 99
    client.save()
    clean_enrollment(client, world.own_project)

    found = nudges(client)

    assert elements(found) == ["3.02"]
    assert found[0].severity == "warning"
    assert found[0].enrollment_pk is None


def test_dob_client_doesnt_know(world):
    client = clean_client(dob=None, dob_data_quality=8)

    assert elements(nudges(client)) == ["3.03"]


def test_disabling_condition_not_collected(world):
    client = clean_client()
    enrollment = clean_enrollment(client, world.own_project, disabling_condition=99)

    found = nudges(client)

    assert elements(found) == ["3.08"]
    assert found[0].enrollment_pk == enrollment.pk
    assert "A Shelter" in found[0].message


def test_prior_living_situation_missing_for_head(world):
    client = clean_client()
    make_enrollment(client, world.own_project, entry_date=timezone.localdate())

    assert elements(nudges(client)) == ["3.917"]


def test_late_entry_gives_the_day_count(world):
    client = clean_client()
    clean_enrollment(client, world.own_project, timezone.localdate() - dt.timedelta(days=10))

    found = nudges(client)

    assert elements(found) == ["3.10"]
    assert found[0].severity == "info"
    assert "10 days" in found[0].message


def test_entry_within_three_days_is_on_time(world):
    client = clean_client()
    clean_enrollment(client, world.own_project, timezone.localdate() - dt.timedelta(days=3))

    assert nudges(client) == []


def idle_enrollment(client, project, days):
    entry = timezone.localdate() - dt.timedelta(days=days)
    enrollment = clean_enrollment(client, project, entry)
    when = timezone.make_aware(dt.datetime.combine(entry, dt.time(12)))
    Enrollment.objects.filter(pk=enrollment.pk).update(date_created=when, date_updated=when)
    return enrollment


def test_open_enrollment_idle_for_120_days(world):
    client = clean_client()
    enrollment = idle_enrollment(client, world.own_project, 120)

    found = nudges(client)

    assert elements(found) == ["3.11"]
    assert found[0].enrollment_pk == enrollment.pk
    assert "120 days" in found[0].message


def test_a_recent_service_is_activity(world):
    client = clean_client()
    enrollment = idle_enrollment(client, world.own_project, 120)
    Services.objects.create(
        enrollment=enrollment,
        client=client,
        record_type=200,
        type_provided=200,
        date_provided=timezone.localdate() - dt.timedelta(days=5),
    )
    Enrollment.objects.filter(pk=enrollment.pk).update(
        date_updated=dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    )

    assert nudges(client) == []


# --- the page ------------------------------------------------------------------------------


def page_queries(browser, user, client):
    browser.force_login(user)
    url = reverse("client_detail", args=[client.pk])
    browser.get(url)  # warm caches (session, permissions)
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_page_lists_nudges_with_project_names(world, client):
    user = world.user_with(Role.AGENCY_CES)
    record = clean_client()
    clean_enrollment(record, world.own_project, disabling_condition=99)

    html, _ = page_queries(client, user, record)

    assert 'data-testid="data-quality"' in html
    assert "A Shelter: disabling condition" in html


def test_page_query_count_does_not_grow_with_enrollments(world, client):
    user = world.user_with(Role.AGENCY_CES)
    one = clean_client()
    idle_enrollment(one, world.own_project, 120)
    five = clean_client()
    for days in (120, 200, 300, 400, 500):
        enrollment = idle_enrollment(five, world.own_project, days)
        Services.objects.create(
            enrollment=enrollment,
            client=five,
            record_type=200,
            type_provided=200,
            date_provided=enrollment.entry_date,
        )

    html_one, count_one = page_queries(client, user, one)
    html_five, count_five = page_queries(client, user, five)

    assert html_one.count('data-testid="nudge"') == 1
    assert html_five.count('data-testid="nudge"') == 5
    assert count_one == count_five
