"""Bed nights and exits (sunflower/hmis/stay.py, views_stay.py, docs/stay-and-exit.md).
Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sunflower.accounts.roles import Role
from sunflower.hmis import stay
from sunflower.hmis.models import Exit, Services
from sunflower.hmis.testing import make_client, make_enrollment, make_project

pytestmark = [pytest.mark.casemgmt, pytest.mark.django_db]

WEEK = [dt.date(2025, 3, 1) + dt.timedelta(days=n) for n in range(7)]
PASSWORD = "a-long-enough-password"


@pytest.fixture
def agency_user(world):
    return world.user_with(Role.AGENCY_CES, organization=world.own_agency)


@pytest.fixture
def shelter(world):
    return make_project(world.own_agency, project_type=1, project_name="Night shelter")


@pytest.fixture
def guests(shelter):
    return [
        make_enrollment(make_client(last_name=f"Guest{n}"), shelter, entry_date=dt.date(2025, 2, 1))
        for n in range(3)
    ]


def logged_in(client, user):
    client.force_login(user)
    return client


def bed_url(project):
    return f"/projects/{project.pk}/bed-nights/"


def exit_url(enrollment):
    return f"/enrollments/{enrollment.pk}/exit/"


def bed_nights(project, night=None):
    rows = Services.objects.filter(enrollment__project=project, record_type=200)
    return rows.filter(date_provided=night) if night else rows


# --- bed nights ---------------------------------------------------------------------------


def test_a_week_of_bed_nights_for_three_clients(client, agency_user, shelter, guests):
    logged_in(client, agency_user)
    ids = [str(e.pk) for e in guests]
    for night in WEEK:
        response = client.post(bed_url(shelter), {"night": night.isoformat(), "enrollments": ids})
        assert response.status_code == 302
    assert bed_nights(shelter).count() == 21
    assert set(bed_nights(shelter).values_list("type_provided", flat=True)) == {200}
    agency_user.refresh_from_db()
    assert agency_user.hmis_user_id is not None
    assert all(s.user_id == agency_user.hmis_user_id for s in bed_nights(shelter))

    # Posting a night again adds nothing.
    client.post(bed_url(shelter), {"night": WEEK[0].isoformat(), "enrollments": ids})
    assert bed_nights(shelter).count() == 21

    # Unticking one client removes (soft-deletes) that night's bed night only.
    client.post(bed_url(shelter), {"night": WEEK[0].isoformat(), "enrollments": ids[:2]})
    assert bed_nights(shelter).count() == 20
    removed = Services.all_objects.get(enrollment=guests[2], date_provided=WEEK[0])
    assert removed.date_deleted is not None

    # Ticking again brings the night back (a new row; the deleted one stays deleted).
    client.post(bed_url(shelter), {"night": WEEK[0].isoformat(), "enrollments": ids})
    assert bed_nights(shelter).count() == 21


def test_the_page_shows_the_nights_ticks(client, agency_user, shelter, guests):
    stay.record_bed_nights(agency_user, shelter, WEEK[0], [guests[0].pk])
    response = logged_in(client, agency_user).get(bed_url(shelter), {"night": WEEK[0].isoformat()})
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        f'id="enrollment-{guests[0].pk}" type="checkbox" name="enrollments" value="{guests[0].pk}" checked'
        in html
    )
    assert f'value="{guests[1].pk}">' in html
    assert f'<label class="usa-checkbox__label" for="enrollment-{guests[1].pk}">' in html
    assert 'id="check-all"' in html


def test_record_bed_nights_is_idempotent(agency_user, shelter, guests):
    ids = [e.pk for e in guests]
    first = stay.record_bed_nights(agency_user, shelter, WEEK[0], ids)
    second = stay.record_bed_nights(agency_user, shelter, WEEK[0], ids)
    assert len(first.added) == 3
    assert (len(second.added), len(second.removed), second.unchanged) == (0, 0, 3)


def test_a_client_not_in_the_project_is_refused_and_nothing_written(
    client, world, agency_user, shelter, guests
):
    outsider = world.own_enrollment  # enrolled in another project of the same agency
    logged_in(client, agency_user)
    response = client.post(
        bed_url(shelter),
        {"night": WEEK[0].isoformat(), "enrollments": [guests[0].pk, outsider.pk]},
    )
    assert response.status_code == 200
    assert "No bed nights were saved" in response.content.decode()
    assert f"{outsider.pk} is not an enrollment in Night shelter" in response.content.decode()
    assert not Services.all_objects.exists()


def test_a_client_enrolled_after_the_night_is_refused(agency_user, shelter, guests):
    late = make_enrollment(make_client(), shelter, entry_date=WEEK[3])
    with pytest.raises(ValidationError) as refusal:
        stay.record_bed_nights(agency_user, shelter, WEEK[0], [guests[0].pk, late.pk])
    assert "after that night" in " ".join(refusal.value.messages)
    assert not Services.all_objects.exists()


def test_an_exited_client_is_not_listed_nor_accepted(agency_user, shelter, guests):
    stay.record_exit(agency_user, [guests[0]], WEEK[2], 101)
    assert guests[0] not in stay.open_enrollments(shelter, WEEK[2])
    assert guests[0] in stay.open_enrollments(shelter, WEEK[1])
    with pytest.raises(ValidationError):
        stay.record_bed_nights(agency_user, shelter, WEEK[3], [guests[0].pk])


def test_another_agencys_project_is_forbidden(client, world, agency_user, guests):
    logged_in(client, agency_user)
    assert client.get(bed_url(world.other_project)).status_code == 403
    response = client.post(
        bed_url(world.other_project),
        {"night": WEEK[0].isoformat(), "enrollments": [world.other_enrollment.pk]},
    )
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        stay.record_bed_nights(
            agency_user, world.other_project, WEEK[0], [world.other_enrollment.pk]
        )
    assert not Services.all_objects.exists()


@pytest.mark.parametrize("role", [Role.VICTIM_SERVICE_PROVIDER, Role.ACCESS_POINT])
def test_vsp_and_access_point_are_forbidden(client, world, shelter, guests, role):
    user = world.user_with(role, organization=world.own_agency)
    logged_in(client, user)
    assert client.get(bed_url(shelter)).status_code == 403
    response = client.post(
        bed_url(shelter), {"night": WEEK[0].isoformat(), "enrollments": [guests[0].pk]}
    )
    assert response.status_code == 403
    assert client.get(exit_url(guests[0])).status_code == 403
    assert not Services.all_objects.exists()


def _check_in_page_queries(client, shelter):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(bed_url(shelter), {"night": WEEK[0].isoformat()})
    assert response.status_code == 200
    return len(queries)


def test_the_check_in_page_query_count_does_not_grow(
    client, agency_user, shelter, guests, django_assert_num_queries
):
    stay.record_bed_nights(agency_user, shelter, WEEK[0], [guests[0].pk])
    logged_in(client, agency_user)
    client.get(bed_url(shelter))  # warm up (session, first-use caches)
    with CaptureQueriesContext(connection) as three:
        client.get(bed_url(shelter), {"night": WEEK[0].isoformat()})
    more = [
        make_enrollment(make_client(), shelter, entry_date=dt.date(2025, 2, 1)) for _ in range(27)
    ]
    stay.record_bed_nights(
        agency_user, shelter, WEEK[0], [guests[0].pk, *(e.pk for e in more[:10])]
    )
    with django_assert_num_queries(len(three)):
        response = client.get(bed_url(shelter), {"night": WEEK[0].isoformat()})
    assert response.content.decode().count('name="enrollments"') == 30


# --- exits --------------------------------------------------------------------------------


@pytest.fixture
def household(shelter):
    head = make_enrollment(make_client(last_name="Head"), shelter, entry_date=dt.date(2025, 2, 1))
    members = [
        make_enrollment(
            make_client(last_name=f"Member{n}"),
            shelter,
            entry_date=dt.date(2025, 2, 1),
            household_id=head.household_id,
            relationship_to_hoh=2,
        )
        for n in range(2)
    ]
    return [head, *members]


def exit_data(**overrides):
    data = {
        "exit_date": "2025-03-10",
        "destination": "101",
        "destination_subsidy_type": "",
        "other_destination": "",
    }
    data.update(overrides)
    return data


def test_exit_of_the_whole_household_writes_one_exit_per_member(client, agency_user, household):
    logged_in(client, agency_user)
    response = client.post(exit_url(household[0]), exit_data(whole_household="on"))
    assert response.status_code == 302
    exits = Exit.objects.filter(enrollment__in=household)
    assert exits.count() == 3
    assert {e.exit_date for e in exits} == {dt.date(2025, 3, 10)}
    assert {e.client_id for e in exits} == {e.client_id for e in household}


def test_exit_of_one_member(client, agency_user, household):
    logged_in(client, agency_user)
    response = client.post(exit_url(household[1]), exit_data())
    assert response.status_code == 302
    assert list(Exit.objects.values_list("enrollment_id", flat=True)) == [household[1].pk]
    # The rest of the household can still be exited together, the exited member excepted.
    client.post(exit_url(household[0]), exit_data(whole_household="on"))
    assert Exit.objects.count() == 3


def test_exit_before_entry_is_a_form_error_next_to_the_date(client, agency_user, household):
    logged_in(client, agency_user)
    response = client.post(
        exit_url(household[0]),
        exit_data(exit_date="2025-01-20", destination="17", other_destination="With a cousin"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="error-exit_date"' in html
    assert "before the project start date 2025-02-01" in html
    assert 'value="2025-01-20"' in html
    assert 'value="With a cousin"' in html
    assert '<option value="17" selected>' in html
    assert not Exit.all_objects.exists()


def test_record_exit_refuses_exit_before_entry_before_the_trigger(agency_user, household):
    with pytest.raises(ValidationError) as refusal:
        stay.record_exit(agency_user, household, dt.date(2025, 1, 1), 101)
    assert "exit_date" in refusal.value.message_dict
    assert not Exit.all_objects.exists()


def test_435_requires_a_subsidy_type(client, agency_user, household):
    logged_in(client, agency_user)
    response = client.post(exit_url(household[0]), exit_data(destination="435"))
    assert 'data-testid="error-destination_subsidy_type"' in response.content.decode()
    assert not Exit.all_objects.exists()
    response = client.post(
        exit_url(household[0]), exit_data(destination="435", destination_subsidy_type="419")
    )
    assert response.status_code == 302
    assert Exit.objects.get().destination_subsidy_type == 419


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"destination": 435}, "destination_subsidy_type"),
        ({"destination": 101, "destination_subsidy_type": 419}, "destination_subsidy_type"),
        ({"destination": 17}, "other_destination"),
        ({"destination": 12345}, "destination"),
    ],
)
def test_record_exit_rules(agency_user, household, values, field):
    with pytest.raises(ValidationError) as refusal:
        stay.record_exit(agency_user, [household[0]], dt.date(2025, 3, 10), **values)
    assert field in refusal.value.message_dict
    assert not Exit.all_objects.exists()


def test_a_second_exit_is_refused(agency_user, household):
    stay.record_exit(agency_user, [household[0]], dt.date(2025, 3, 10), 101)
    with pytest.raises(ValidationError):
        stay.record_exit(agency_user, [household[0]], dt.date(2025, 3, 11), 101)
    assert Exit.objects.count() == 1


def test_exit_of_another_agencys_enrollment_is_forbidden(client, world, agency_user):
    logged_in(client, agency_user)
    assert client.post(exit_url(world.other_enrollment), exit_data()).status_code == 403
    with pytest.raises(PermissionDenied):
        stay.record_exit(agency_user, [world.other_enrollment], dt.date(2025, 3, 10), 101)
    assert not Exit.all_objects.exists()


def test_destination_select_is_grouped_with_hud_labels(client, agency_user, household):
    html = logged_in(client, agency_user).get(exit_url(household[0])).content.decode()
    for group in (
        "Homeless situations",
        "Institutional situations",
        "Temporary housing situations",
        "Permanent housing situations",
        "Other",
    ):
        assert f'<optgroup label="{group}">' in html
    assert "Rental by client, with ongoing housing subsidy" in html
    assert 'for="id_whole_household"' in html


# --- audit --------------------------------------------------------------------------------


def test_auditlog_records_the_services_and_exits(agency_user, shelter, guests):
    result = stay.record_bed_nights(agency_user, shelter, WEEK[0], [e.pk for e in guests])
    exits = stay.record_exit(agency_user, [guests[0]], WEEK[1], 101)
    services_type = ContentType.objects.get_for_model(Services)
    exit_type = ContentType.objects.get_for_model(Exit)
    created = LogEntry.objects.filter(action=LogEntry.Action.CREATE)
    assert set(created.filter(content_type=services_type).values_list("object_id", flat=True)) == {
        s.pk for s in result.added
    }
    assert created.filter(content_type=exit_type, object_id=exits[0].pk).exists()
    removed = stay.record_bed_nights(agency_user, shelter, WEEK[0], [guests[1].pk])
    assert (
        LogEntry.objects.filter(
            action=LogEntry.Action.UPDATE,
            content_type=services_type,
            object_id__in=[s.pk for s in removed.removed],
        ).count()
        == 2
    )


# --- exit-stage data elements ----------------------------------------------------------------


@pytest.fixture
def funded_household(world):
    from sunflower.hmis.models import Funder

    project = make_project(world.own_agency, project_type=3, project_name="PSH")
    Funder.objects.create(
        project=project, funder=2, grant_id="G1", start_date=dt.date(2020, 1, 1)
    )  # HUD: CoC - Permanent Supportive Housing
    head = make_enrollment(
        make_client(last_name="Head", dob=dt.date(1980, 1, 1)),
        project,
        entry_date=dt.date(2025, 2, 1),
    )
    kid = make_enrollment(
        make_client(last_name="Kid", dob=dt.date(2015, 1, 1)),
        project,
        entry_date=dt.date(2025, 2, 1),
        household_id=head.household_id,
        relationship_to_hoh=2,
    )
    return head, kid


def exit_answers(enrollment, on=dt.date(2025, 3, 10)):
    """ "No" to every exit-stage question `enrollment`'s member is asked."""
    from sunflower.hmis import elements

    asked = elements.member_questions(enrollment, "exit", on)
    known = dict(asked.context)
    data = {}
    for question in asked.questions:
        if not question.is_asked(known) or question.required == "total":
            continue
        codes = [code for code, _label in question.choices]
        value = 0 if 0 in codes else codes[0]
        known[question.key] = value
        data[f"m{enrollment.pk}-{question.key}"] = str(value)
    return data


def test_unfunded_shelter_exit_asks_no_elements(client, agency_user, household):
    logged_in(client, agency_user)
    html = client.get(exit_url(household[0])).content.decode()
    assert "exit-elements-" not in html


def test_household_exit_writes_exit_stage_rows_for_each_member(
    client, agency_user, funded_household
):
    from sunflower.hmis.models import Disabilities, IncomeBenefits

    head, kid = funded_household
    logged_in(client, agency_user)
    html = client.get(exit_url(head)).content.decode()
    assert f'data-testid="exit-elements-{kid.pk}"' in html
    data = exit_data(whole_household="on") | exit_answers(head) | exit_answers(kid)
    response = client.post(exit_url(head), data)
    assert response.status_code == 302
    rows = IncomeBenefits.objects.filter(data_collection_stage=3)
    assert {(r.enrollment_id, r.information_date) for r in rows} == {
        (head.pk, dt.date(2025, 3, 10)),
        (kid.pk, dt.date(2025, 3, 10)),
    }
    assert rows.get(enrollment=head).income_from_any_source == 0
    assert rows.get(enrollment=kid).income_from_any_source is None  # 4.02: adults only
    assert Disabilities.objects.filter(data_collection_stage=3).count() == 12


def test_exit_element_errors_keep_values_and_write_no_exit(client, agency_user, funded_household):
    from sunflower.hmis.models import IncomeBenefits

    head, _kid = funded_household
    logged_in(client, agency_user)
    data = exit_data() | exit_answers(head)
    data[f"m{head.pk}-insurance_from_any_source"] = "1"  # then each insurance is required
    data["other_destination"] = ""
    response = client.post(exit_url(head), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="error-medicaid"' in html and 'data-testid="form-errors"' in html
    assert 'value="2025-03-10"' in html
    assert not Exit.objects.exists() and not IncomeBenefits.objects.exists()


def test_exit_of_one_member_asks_only_that_member(client, agency_user, funded_household):
    from sunflower.hmis.models import IncomeBenefits

    head, kid = funded_household
    logged_in(client, agency_user)
    # The head's questions are left blank: only the kid exits, so only the kid's are checked.
    response = client.post(exit_url(kid), exit_data() | exit_answers(kid))
    assert response.status_code == 302
    assert list(IncomeBenefits.objects.values_list("enrollment_id", flat=True)) == [kid.pk]
