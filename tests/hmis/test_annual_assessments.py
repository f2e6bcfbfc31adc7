"""Update and annual assessments, the enrollment's data-collection section and the project's
"annuals coming due" list (sunflower/hmis/views_assessments.py, elements.py, docs/intake.md).
SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sunflower.accounts.roles import Role
from sunflower.hmis import elements
from sunflower.hmis import vocabulary as hud
from sunflower.hmis.models import Disabilities, Funder, IncomeBenefits
from sunflower.hmis.testing import make_client, make_enrollment, make_project

pytestmark = [pytest.mark.casemgmt, pytest.mark.django_db]

TODAY = timezone.localdate()
A_YEAR_AGO = elements.anniversary(TODAY, -1)


@pytest.fixture
def agency_user(world):
    return world.user_with(Role.AGENCY_CES, organization=world.own_agency)


@pytest.fixture
def psh(world):
    project = make_project(world.own_agency, project_type=3, project_name="Sunflower PSH")
    Funder.objects.create(
        project=project,
        funder=hud.FundingSource.HUD_COC_PERMANENT_SUPPORTIVE_HOUSING,
        grant_id="G1",
        start_date=dt.date(2015, 1, 1),
    )
    return project


def household_in(project, entry_date, size=2):
    head = make_enrollment(
        make_client(last_name="Head", dob=dt.date(1980, 1, 1)), project, entry_date=entry_date
    )
    others = [
        make_enrollment(
            make_client(last_name=f"Kid{n}", dob=dt.date(2015, 1, 1)),
            project,
            entry_date=entry_date,
            household_id=head.household_id,
            relationship_to_hoh=2,
        )
        for n in range(size - 1)
    ]
    return [head, *others]


def annual_url(enrollment, stage="annual"):
    return f"/enrollments/{enrollment.pk}/assessments/new/?stage={stage}"


def no_answers(enrollment, stage, prefix):
    """POST data answering "No" to every question `enrollment`'s member is asked at `stage`."""
    asked = elements.member_questions(enrollment, stage, TODAY)
    known = dict(asked.context)
    data = {}
    for question in asked.questions:
        if not question.is_asked(known) or question.required == "total":
            continue
        codes = [code for code, _label in question.choices]
        value = 0 if 0 in codes else codes[0]
        known[question.key] = value
        data[f"{prefix}-{question.key}"] = str(value)
    return data


# --- the annual assessment page -------------------------------------------------------------


def test_annual_is_recorded_for_every_member_at_once(client, agency_user, psh):
    head, kid = household_in(psh, A_YEAR_AGO - dt.timedelta(days=5))
    client.force_login(agency_user)
    page = client.get(annual_url(head)).content.decode()
    assert f'data-testid="assessment-member-{kid.pk}"' in page
    assert 'data-testid="annual-window"' in page
    data = {"information_date": TODAY.isoformat()}
    data |= no_answers(head, "annual", f"m{head.pk}") | no_answers(kid, "annual", f"m{kid.pk}")
    response = client.post(annual_url(head), data)
    assert response.status_code == 302
    rows = IncomeBenefits.objects.filter(data_collection_stage=5)
    assert {r.enrollment_id for r in rows} == {head.pk, kid.pk}
    assert {r.information_date for r in rows} == {TODAY}
    assert rows.get(enrollment=kid).income_from_any_source is None  # 4.02 adults only
    assert rows.get(enrollment=head).income_from_any_source == 0
    assert not Disabilities.objects.exists()  # not an annual element
    # A second annual in the same window replaces the first one's rows.
    client.post(annual_url(head), data)
    assert IncomeBenefits.objects.filter(data_collection_stage=5).count() == 2


def test_annual_outside_the_window_is_refused_next_to_the_date(client, agency_user, psh):
    head, kid = household_in(psh, TODAY - dt.timedelta(days=200))
    client.force_login(agency_user)
    data = {"information_date": TODAY.isoformat()}
    data |= no_answers(head, "annual", f"m{head.pk}") | no_answers(kid, "annual", f"m{kid.pk}")
    response = client.post(annual_url(head), data)
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="error-information_date"' in html
    assert "30 days" in html and not IncomeBenefits.objects.exists()


def test_invalid_answers_keep_typed_values_and_write_nothing(client, agency_user, psh):
    head, kid = household_in(psh, A_YEAR_AGO)
    client.force_login(agency_user)
    data = {"information_date": TODAY.isoformat()}
    data |= no_answers(head, "annual", f"m{head.pk}") | no_answers(kid, "annual", f"m{kid.pk}")
    data[f"m{head.pk}-income_from_any_source"] = "1"
    data[f"m{head.pk}-earned"] = "1"
    data[f"m{head.pk}-earned_amount"] = "12.345"
    response = client.post(annual_url(head), data)
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="form-errors"' in html
    assert 'data-testid="error-earned_amount"' in html and 'value="12.345"' in html
    assert not IncomeBenefits.objects.exists()


def test_update_is_for_one_member_with_stage_2(client, agency_user, psh):
    head, kid = household_in(psh, TODAY - dt.timedelta(days=40))
    client.force_login(agency_user)
    page = client.get(annual_url(kid, "update")).content.decode()
    assert f'data-testid="assessment-member-{head.pk}"' not in page
    data = {"information_date": TODAY.isoformat()} | no_answers(kid, "update", f"m{kid.pk}")
    assert client.post(annual_url(kid, "update"), data).status_code == 302
    assert set(IncomeBenefits.objects.values_list("enrollment_id", "data_collection_stage")) == {
        (kid.pk, 2)
    }
    assert Disabilities.objects.filter(enrollment=kid, data_collection_stage=2).count() == 6


def test_record_assessment_refuses_a_date_before_the_start(agency_user, psh):
    head, _kid = household_in(psh, TODAY - dt.timedelta(days=10))
    with pytest.raises(ValidationError) as refused:
        elements.record_assessment(
            agency_user, "update", TODAY - dt.timedelta(days=20), [(head, [], {})]
        )
    assert "information_date" in refused.value.message_dict


def test_other_agency_and_vsp_are_refused(client, world, agency_user, psh):
    head, _kid = household_in(psh, A_YEAR_AGO)
    client.force_login(agency_user)
    assert client.get(annual_url(world.other_enrollment)).status_code == 404
    with pytest.raises(PermissionDenied):
        elements.record_assessment(
            world.user_with(
                Role.AGENCY_CES, organization=world.other_agency, email="other@example.org"
            ),
            "update",
            TODAY,
            [(head, [], {})],
        )
    client.force_login(world.user_with(Role.VICTIM_SERVICE_PROVIDER))
    assert client.get(annual_url(head)).status_code == 404
    assert client.get(annual_url(head, "bogus")).status_code == 404


# --- the enrollment page section ----------------------------------------------------------


def test_enrollment_page_lists_records_by_stage_and_links(client, agency_user, psh):
    head, kid = household_in(psh, A_YEAR_AGO)
    data = {"information_date": TODAY.isoformat()}
    data |= no_answers(head, "annual", f"m{head.pk}") | no_answers(kid, "annual", f"m{kid.pk}")
    client.force_login(agency_user)
    client.post(annual_url(head), data)
    html = client.get(f"/enrollments/{head.pk}/").content.decode()
    assert 'data-testid="data-collection-records"' in html
    assert "Annual assessment" in html and TODAY.isoformat() in html
    assert f"/enrollments/{head.pk}/assessments/new/?stage=update" in html


# --- annuals coming due -------------------------------------------------------------------


def annuals_url(project):
    return f"/projects/{project.pk}/annuals/"


def test_annuals_list_states(client, agency_user, psh):
    due, _ = household_in(psh, A_YEAR_AGO - dt.timedelta(days=3))
    upcoming, _ = household_in(psh, A_YEAR_AGO + dt.timedelta(days=45))
    overdue, _ = household_in(psh, A_YEAR_AGO - dt.timedelta(days=40))
    [recorded] = household_in(psh, A_YEAR_AGO - dt.timedelta(days=3), size=1)
    IncomeBenefits.objects.create(
        enrollment=recorded,
        client=recorded.client,
        information_date=TODAY,
        data_collection_stage=5,
    )
    recent, _ = household_in(psh, TODAY - dt.timedelta(days=100))
    client.force_login(agency_user)
    response = client.get(annuals_url(psh))
    rows = response.context["rows"]
    states = {enrollment.pk: status.state for enrollment, status in rows}
    assert states[due.pk] == "due" and states[upcoming.pk] == "upcoming"
    assert states[overdue.pk] == "overdue"
    assert recorded.pk not in states and recent.pk not in states
    # Every member of a listed household is listed (the annual is for all of them).
    assert len(rows) == 6  # three households of two
    due_row = next(status for enrollment, status in rows if enrollment.pk == due.pk)
    assert due_row.due == TODAY - dt.timedelta(days=3)


def test_annuals_list_skips_projects_without_annual_elements(client, world, agency_user):
    household_in(world.own_project, A_YEAR_AGO)  # an unfunded night-by-night shelter
    client.force_login(agency_user)
    assert client.get(annuals_url(world.own_project)).context["rows"] == []


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_annuals_list_query_count_does_not_grow(client, agency_user, psh):
    household_in(psh, A_YEAR_AGO)
    client.force_login(agency_user)
    client.get(annuals_url(psh))
    few = count_queries(client, annuals_url(psh))
    for n in range(6):
        household_in(psh, A_YEAR_AGO - dt.timedelta(days=n * 10), size=3)
    assert count_queries(client, annuals_url(psh)) == few


def test_annuals_list_policy(client, world, agency_user):
    client.force_login(agency_user)
    assert client.get(annuals_url(world.other_project)).status_code == 403
    client.force_login(world.user_with(Role.VICTIM_SERVICE_PROVIDER))
    assert client.get(annuals_url(world.own_project)).status_code == 403
