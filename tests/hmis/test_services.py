"""Services during the stay (sunflower/hmis/services.py, views_services.py, docs/services.md).
Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sunflower.accounts.roles import Role
from sunflower.hmis import services
from sunflower.hmis.models import Funder, Services
from sunflower.hmis.testing import make_client, make_enrollment, make_project

pytestmark = [pytest.mark.casemgmt, pytest.mark.django_db]

START = dt.date(2025, 1, 15)
DAY = dt.date(2025, 3, 3)
SSVF, PATH, HOPWA_PH, HUD_VASH, COC_PSH = 33, 21, 15, 20, 2


def fund(project, code, start=dt.date(2024, 1, 1), end=None):
    Funder.objects.create(
        project=project, funder=code, grant_id="G-1", start_date=start, end_date=end
    )
    return project


@pytest.fixture
def agency_user(world):
    return world.user_with(Role.AGENCY_CES, organization=world.own_agency)


@pytest.fixture
def ssvf(world):
    """An SSVF rapid re-housing project of the user's agency."""
    return fund(
        make_project(world.own_agency, project_type=13, rrh_sub_type=2, project_name="SSVF RRH"),
        SSVF,
    )


@pytest.fixture
def household(ssvf):
    """Head, partner and child entered together on START."""
    head = make_enrollment(make_client(last_name="Head"), ssvf, entry_date=START)
    members = [
        make_enrollment(
            make_client(last_name=f"Member{n}"),
            ssvf,
            entry_date=START,
            household_id=head.household_id,
            relationship_to_hoh=3,
        )
        for n in range(2)
    ]
    return [head, *members]


def record(user, enrollment, record_type=144, type_provided=1, when=DAY, **details):
    return services.record_service(user, enrollment, record_type, type_provided, when, **details)


# --- writing ---------------------------------------------------------------------------------


def test_an_ssvf_service_is_written_as_the_users_hmis_user_and_audited(agency_user, household):
    head = household[0]
    [service] = record(agency_user, head, 144, 3, sub_type_provided=2)
    service.refresh_from_db()
    agency_user.refresh_from_db()
    assert (service.record_type, service.type_provided, service.sub_type_provided) == (144, 3, 2)
    assert service.client_id == head.client_id
    assert service.user_id == agency_user.hmis_user_id is not None
    assert LogEntry.objects.filter(
        action=LogEntry.Action.CREATE,
        content_type=ContentType.objects.get_for_model(Services),
        object_id=service.pk,
    ).exists()


def test_ssvf_financial_assistance_keeps_amount_and_period(agency_user, household):
    [service] = record(
        agency_user,
        household[0],
        152,
        1,
        fa_amount=Decimal("850.00"),
        fa_start_date=DAY,
        fa_end_date=DAY + dt.timedelta(days=30),
    )
    service.refresh_from_db()
    assert service.fa_amount == Decimal("850.00")
    assert (service.fa_start_date, service.fa_end_date) == (DAY, DAY + dt.timedelta(days=30))


def today():
    return timezone.localdate()


REFUSALS = [
    # (record type, type provided, date, details, field, words in the message)
    (144, 1, "future", {}, "date_provided", "cannot be in the future"),
    (144, 1, START - dt.timedelta(days=1), {}, "date_provided", "before the project start"),
    (144, 99, DAY, {}, "type_provided", "is not a type of"),
    (141, 1, DAY, {}, "record_type", "does not record"),
    (200, 200, DAY, {}, "record_type", "bed-night check-in"),
    (144, 3, DAY, {}, "sub_type_provided", "Choose the sub-type"),
    (144, 3, DAY, {"sub_type_provided": 77}, "sub_type_provided", "is not a sub-type"),
    (144, 1, DAY, {"sub_type_provided": 1}, "sub_type_provided", "only for SSVF services"),
    (144, 6, DAY, {}, "other_type_provided", "Describe the service"),
    (144, 1, DAY, {"other_type_provided": "x"}, "other_type_provided", "only when"),
    (152, 1, DAY, {"fa_start_date": DAY}, "fa_amount", "Enter the amount"),
    (
        152,
        1,
        DAY,
        {"fa_amount": Decimal("-5"), "fa_start_date": DAY},
        "fa_amount",
        "cannot be negative",
    ),
    (152, 1, DAY, {"fa_amount": Decimal("5")}, "fa_start_date", "Enter the start date"),
    (
        152,
        1,
        DAY,
        {"fa_amount": Decimal("5"), "fa_start_date": DAY, "fa_end_date": START},
        "fa_end_date",
        "before the start date",
    ),
    (144, 1, DAY, {"fa_amount": Decimal("5")}, "fa_amount", "only for financial assistance"),
    (144, 1, DAY, {"referral_outcome": 1}, "referral_outcome", "only for PATH referrals"),
    (144, 1, DAY, {"fa_start_date": DAY}, "fa_start_date", "only for SSVF financial"),
]


@pytest.mark.parametrize(
    ("record_type", "type_provided", "when", "details", "field", "words"), REFUSALS
)
def test_each_refusal_names_its_field_and_writes_nothing(
    agency_user, household, record_type, type_provided, when, details, field, words
):
    if when == "future":
        when = today() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as refusal:
        record(agency_user, household[0], record_type, type_provided, when, **details)
    assert field in refusal.value.message_dict
    assert any(words in m for m in refusal.value.message_dict[field]), refusal.value.message_dict
    assert not Services.all_objects.exists()


def test_a_service_after_the_exit_date_is_refused(agency_user, household):
    from sunflower.hmis import stay

    stay.record_exit(agency_user, [household[0]], DAY, 101)
    record(agency_user, household[0], when=DAY)  # the exit day itself is within the stay
    with pytest.raises(ValidationError) as refusal:
        record(agency_user, household[0], when=DAY + dt.timedelta(days=1))
    assert "after the exit date" in refusal.value.message_dict["date_provided"][0]
    assert Services.objects.count() == 1


def test_moving_on_other_needs_its_description(agency_user, world):
    psh = fund(make_project(world.own_agency, project_type=3), COC_PSH)
    enrollment = make_enrollment(make_client(), psh, entry_date=START)
    with pytest.raises(ValidationError) as refusal:
        record(agency_user, enrollment, 300, 5)
    assert "moving_on_other_type" in refusal.value.message_dict
    [service] = record(agency_user, enrollment, 300, 5, moving_on_other_type="Furniture")
    assert service.moving_on_other_type == "Furniture"
    with pytest.raises(ValidationError) as refusal:
        record(agency_user, enrollment, 300, 1, moving_on_other_type="Furniture")
    assert "moving_on_other_type" in refusal.value.message_dict


def test_path_referral_records_its_outcome(agency_user, world):
    outreach = fund(make_project(world.own_agency, project_type=4), PATH)
    enrollment = make_enrollment(make_client(), outreach, entry_date=START)
    [referral] = record(agency_user, enrollment, 161, 7, referral_outcome=1)
    [service] = record(agency_user, enrollment, 141, 6)
    assert referral.referral_outcome == 1 and service.referral_outcome is None


# --- applicability ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("project_type", "funder", "expected"),
    [
        (13, SSVF, [144, 152]),
        (12, SSVF, [144, 152]),
        (4, PATH, [141, 161]),
        (6, PATH, [141, 161]),
        (0, PATH, []),  # PATH funds street outreach and services only
        (3, HOPWA_PH, [143, 151]),
        (6, 14, [143]),  # HOPWA housing information: services, no financial assistance
        (2, 24, [142]),  # RHY transitional living
        (4, 25, []),  # RHY street outreach project: no R14
        (3, HUD_VASH, [210]),
        (3, COC_PSH, [300]),
        (13, 3, []),  # CoC RRH: no Services records besides those above
        (1, 8, []),  # a night-by-night shelter's bed nights are on the check-in page
    ],
)
def test_record_types_follow_funders_and_project_type(world, project_type, funder, expected):
    project = fund(make_project(world.own_agency, project_type=project_type), funder)
    assert sorted(services.allowed_record_types(project, DAY)) == expected


def test_a_funder_not_active_on_the_service_date_does_not_count(agency_user, world):
    project = make_project(world.own_agency, project_type=13, rrh_sub_type=2)
    fund(project, SSVF, start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 31))
    enrollment = make_enrollment(make_client(), project, entry_date=START)
    with pytest.raises(ValidationError) as refusal:
        record(agency_user, enrollment, when=dt.date(2025, 2, 1))
    assert "does not record" in refusal.value.message_dict["record_type"][0]
    assert record(agency_user, enrollment, when=dt.date(2025, 3, 15))


def test_every_record_type_but_bed_nights_has_a_rule_with_a_source():
    rules = {rule.record_type: rule for rule in services.service_rules()}
    from sunflower.hmis import vocabulary as hud

    assert set(rules) == set(hud.RecordType.values)
    assert all(rule.source and rule.element for rule in rules.values())


# --- household-wide --------------------------------------------------------------------------


def test_one_service_for_several_household_members(agency_user, household):
    head, partner, child = household
    written = record(agency_user, head, 144, 2, household_members=[partner, child])
    assert {s.enrollment_id for s in written} == {head.pk, partner.pk, child.pk}
    assert Services.objects.filter(date_provided=DAY, type_provided=2).count() == 3


def test_household_recording_is_all_or_nothing(agency_user, household, ssvf):
    head, partner, _ = household
    late = make_enrollment(
        make_client(),
        ssvf,
        entry_date=DAY + dt.timedelta(days=1),
        household_id=head.household_id,
        relationship_to_hoh=2,
    )
    with pytest.raises(ValidationError) as refusal:
        record(agency_user, head, household_members=[partner, late])
    assert "before the project start date" in refusal.value.message_dict["date_provided"][0]
    assert not Services.all_objects.exists()


def test_household_members_must_be_of_this_household(agency_user, household, ssvf):
    stranger = make_enrollment(make_client(), ssvf, entry_date=START)
    with pytest.raises(ValidationError):
        record(agency_user, household[0], household_members=[stranger])
    assert not Services.all_objects.exists()


def test_the_page_records_for_the_ticked_members(client, agency_user, household):
    head, partner, child = household
    client.force_login(agency_user)
    response = client.post(
        f"/enrollments/{head.pk}/services/new/",
        {
            "date_provided": DAY.isoformat(),
            "record_type": "144",
            "type_provided": "2",
            "household_members": [str(child.pk)],
        },
    )
    assert response.status_code == 302
    assert set(Services.objects.values_list("enrollment_id", flat=True)) == {head.pk, child.pk}


# --- deleting --------------------------------------------------------------------------------


def test_delete_is_a_soft_delete_and_is_audited(client, agency_user, household):
    [service] = record(agency_user, household[0])
    client.force_login(agency_user)
    response = client.post(f"/enrollments/{household[0].pk}/services/{service.pk}/delete/")
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.date_deleted is not None
    assert not Services.objects.exists() and Services.all_objects.count() == 1
    assert LogEntry.objects.filter(
        action=LogEntry.Action.UPDATE,
        content_type=ContentType.objects.get_for_model(Services),
        object_id=service.pk,
    ).exists()


# --- pages -----------------------------------------------------------------------------------


def test_the_form_keeps_what_was_typed_and_shows_the_error_at_the_field(
    client, agency_user, household
):
    client.force_login(agency_user)
    response = client.post(
        f"/enrollments/{household[0].pk}/services/new/",
        {
            "date_provided": DAY.isoformat(),
            "record_type": "152",
            "type_provided": "1",
            "fa_amount": "-10",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="error-fa_amount"' in page
    assert 'data-testid="error-fa_start_date"' in page
    assert 'value="-10"' in page
    assert not Services.all_objects.exists()


def test_choosing_the_kind_of_service_asks_its_questions(client, agency_user, household):
    client.force_login(agency_user)
    url = f"/enrollments/{household[0].pk}/services/new/"
    page = client.post(
        url, {"_partial": "1", "record_type": "152", "date_provided": DAY.isoformat()}
    ).content.decode()
    assert 'id="service-type-and-details"' in page and "<html" not in page
    assert 'name="fa_amount"' in page and 'name="fa_start_date"' in page
    assert "Rental assistance" in page
    page = client.post(
        url, {"_partial": "1", "record_type": "144", "type_provided": "3"}
    ).content.decode()
    assert 'name="sub_type_provided"' in page and 'name="fa_amount"' not in page
    assert not Services.all_objects.exists()


def test_a_project_without_service_funders_says_so(client, agency_user, world):
    enrollment = make_enrollment(make_client(), world.own_project)
    client.force_login(agency_user)
    response = client.get(f"/enrollments/{enrollment.pk}/services/new/")
    assert 'data-testid="no-service-types"' in response.content.decode()
    page = client.get(f"/enrollments/{enrollment.pk}/").content.decode()
    assert 'data-testid="record-service"' not in page


@pytest.mark.parametrize(
    ("role", "where"),
    [
        (Role.AGENCY_CES, "other"),
        (Role.VICTIM_SERVICE_PROVIDER, "own"),
        (Role.ACCESS_POINT, "own"),
    ],
)
def test_refused_users_get_404_and_nothing_is_written(client, world, household, role, where):
    user = world.user_with(role, organization=world.own_agency)
    target = (
        household[0]
        if where == "own"
        else make_enrollment(
            make_client(), fund(make_project(world.other_agency, 13, rrh_sub_type=2), SSVF)
        )
    )
    client.force_login(user)
    url = f"/enrollments/{target.pk}/services/new/"
    assert client.get(url).status_code == 404
    response = client.post(
        url, {"date_provided": DAY.isoformat(), "record_type": "144", "type_provided": "1"}
    )
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        record(user, target)
    assert not Services.all_objects.exists()


def test_the_enrollment_page_lists_services_with_the_record_link(client, household, agency_user):
    record(agency_user, household[0])
    client.force_login(agency_user)
    page = client.get(f"/enrollments/{household[0].pk}/").content.decode()
    assert page.count('data-testid="service-row"') == 1
    assert 'data-testid="record-service"' in page


def _enrollment_page_queries(client, enrollment) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/enrollments/{enrollment.pk}/")
    assert response.status_code == 200
    return len(queries)


def test_the_services_section_query_count_does_not_grow(client, agency_user, household):
    head = household[0]
    record(agency_user, head)
    client.force_login(agency_user)
    client.get(f"/enrollments/{head.pk}/")  # warm up
    one = _enrollment_page_queries(client, head)
    for n in range(12):
        record(
            agency_user,
            head,
            152,
            1,
            when=DAY + dt.timedelta(days=n),
            fa_amount=10 + n,
            fa_start_date=DAY,
        )
    many = _enrollment_page_queries(client, head)
    assert many == one
    page = client.get(f"/enrollments/{head.pk}/").content.decode()
    assert page.count('data-testid="service-row"') == 13
    assert "$21.00" in page


def test_bed_nights_are_counted_not_listed_and_deleted_services_are_hidden(
    client, agency_user, world
):
    from sunflower.hmis import stay

    shelter = make_project(world.own_agency, project_type=1)
    guest = make_enrollment(make_client(), shelter, entry_date=START)
    for night in (DAY, DAY + dt.timedelta(days=1)):
        stay.record_bed_nights(agency_user, shelter, night, [guest.pk])
    client.force_login(agency_user)
    page = client.get(f"/enrollments/{guest.pk}/").content.decode()
    assert 'data-testid="bed-night-count"' in page and "2 bed nights" in page
    assert 'data-testid="service-row"' not in page


def test_another_agency_cannot_delete_a_service(world, agency_user, household):
    [service] = record(agency_user, household[0])
    other = world.user_with(Role.AGENCY_CES, organization=world.other_agency, email="b@example.org")
    with pytest.raises(PermissionDenied):
        services.delete_service(other, service)
    service.refresh_from_db()
    assert service.date_deleted is None
