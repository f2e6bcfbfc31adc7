"""Verified homeless periods: recording through the policy, DV-safe sources, the client page
section, and the derivation from HMIS stays, bed nights, self-reports and periods."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sunflower.accounts.roles import Role
from sunflower.chronic.actions import record_period, remove_period
from sunflower.chronic.models import HomelessPeriod
from sunflower.chronic.sections import CLIENT_HOMELESS_HISTORY
from sunflower.chronic.sources import load_client_history
from sunflower.chronic.status import Status
from sunflower.hmis.models import Disabilities, Exit, Services
from sunflower.hmis.testing import make_client, make_enrollment, make_project

pytestmark = [pytest.mark.casemgmt, pytest.mark.django_db]

TODAY = timezone.localdate()
AS_OF = dt.date(2025, 12, 31)
D = dt.date


def period_values(**fields):
    values = {
        "start_date": D(2024, 1, 1),
        "end_date": D(2024, 6, 30),
        "place": HomelessPeriod.Place.UNSHELTERED,
        "evidence": HomelessPeriod.Evidence.THIRD_PARTY,
        "verifier_organization": "Riverside Outreach",
        "verifier_name": "Pat Worker",
        "document": None,
        "source_hidden": False,
    }
    values.update(fields)
    return values


def form_data(**fields):
    data = {
        "start_date": "2024-01-01",
        "end_date": "2024-06-30",
        "place": "unsheltered",
        "evidence": "third_party",
        "verifier_organization": "Riverside Outreach",
        "verifier_name": "Pat Worker",
    }
    data.update(fields)
    return data


# --- recording --------------------------------------------------------------------------


def test_record_a_period_through_the_form_is_audited(world, client):
    user = world.user_with(Role.AGENCY_CES)
    client.force_login(user)

    response = client.post(reverse("homeless_period_new", args=[world.own_client.pk]), form_data())

    assert response.status_code == 302
    period = HomelessPeriod.objects.get()
    assert period.client == world.own_client
    assert period.entered_by == user
    assert period.entered_by_agency == world.own_agency
    entry = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(HomelessPeriod), object_pk=str(period.pk)
    )
    assert entry.action == LogEntry.Action.CREATE


def test_form_keeps_typed_input_and_shows_the_error_next_to_the_field(world, client):
    client.force_login(world.user_with(Role.AGENCY_CES))

    response = client.post(
        reverse("homeless_period_new", args=[world.own_client.pk]),
        form_data(start_date="2024-06-30", end_date="2024-01-01", verifier_name="Kept Name"),
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "The last night cannot be before the first night." in body
    assert 'value="Kept Name"' in body
    assert 'value="2024-06-30"' in body
    assert not HomelessPeriod.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"start_date": TODAY + dt.timedelta(days=1), "end_date": None}, "start_date", "future"),
        ({"end_date": TODAY + dt.timedelta(days=1)}, "end_date", "future"),
        (
            {"place": HomelessPeriod.Place.INSTITUTION_UNDER_90_DAYS, "end_date": D(2024, 3, 30)},
            "end_date",
            "90 days",
        ),
        (
            {"place": HomelessPeriod.Place.INSTITUTION_UNDER_90_DAYS, "end_date": None},
            "end_date",
            "last night",
        ),
        ({"verifier_organization": " "}, "verifier_organization", "organization"),
        (
            {"evidence": HomelessPeriod.Evidence.INTAKE_OBSERVATION, "verifier_name": ""},
            "verifier_name",
            "worker",
        ),
        ({"place": "car"}, "place", "where"),
    ],
)
def test_invalid_periods_are_refused_with_field_messages(world, fields, field, message):
    user = world.user_with(Role.AGENCY_CES)
    with pytest.raises(ValidationError) as refused:
        record_period(user, world.own_client, **period_values(**fields))
    assert message in " ".join(refused.value.message_dict[field])
    assert not HomelessPeriod.objects.exists()


def test_overlapping_duplicate_in_the_same_place_is_refused(world):
    user = world.user_with(Role.AGENCY_CES)
    record_period(user, world.own_client, **period_values())
    with pytest.raises(ValidationError) as refused:
        record_period(
            user,
            world.own_client,
            **period_values(start_date=D(2024, 6, 1), end_date=D(2024, 8, 1)),
        )
    assert "already covers" in refused.value.message_dict["start_date"][0]
    # Another place on the same nights is another source, not a duplicate.
    record_period(
        user,
        world.own_client,
        **period_values(place=HomelessPeriod.Place.EMERGENCY_SHELTER),
    )
    assert HomelessPeriod.objects.count() == 2


def test_document_must_be_the_clients_homelessness_verification(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sunflower.documents.actions import attach_document

    user = world.user_with(Role.AGENCY_CES)
    pdf = b"%PDF-1.4\n%%EOF\n"
    roi = attach_document(
        user, world.own_client, SimpleUploadedFile("a.pdf", pdf), "release_of_information", "ROI"
    )
    letter = attach_document(
        user,
        world.own_client,
        SimpleUploadedFile("b.pdf", pdf),
        "homelessness_verification",
        "Outreach letter",
    )
    try:
        with pytest.raises(ValidationError):
            record_period(user, world.own_client, **period_values(document=roi))
        period = record_period(user, world.own_client, **period_values(document=letter))
        assert period.document == letter
    finally:
        roi.file.delete(save=False)
        letter.file.delete(save=False)


# --- refusals -----------------------------------------------------------------------------


def test_other_agency_and_vsp_are_refused(world, client):
    url = reverse("homeless_period_new", args=[world.own_client.pk])
    for role, agency in (
        (Role.AGENCY_CES, world.other_agency),
        (Role.VICTIM_SERVICE_PROVIDER, None),
    ):
        user = world.user_with(role, organization=agency, email=f"{role}@example.org")
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, form_data()).status_code == 404
        with pytest.raises(PermissionDenied):
            record_period(user, world.own_client, **period_values())
    assert not HomelessPeriod.objects.exists()


def test_remove_is_a_soft_delete_and_refused_to_another_agency(world, client):
    owner = world.user_with(Role.AGENCY_CES)
    period = record_period(owner, world.own_client, **period_values())
    url = reverse("homeless_period_remove", args=[world.own_client.pk, period.pk])
    outsider = world.user_with(
        Role.AGENCY_CES, organization=world.other_agency, email="b@example.org"
    )
    client.force_login(outsider)
    assert client.post(url).status_code == 404

    client.force_login(owner)
    assert client.post(url).status_code == 302
    period.refresh_from_db()
    assert period.deleted_at is not None and period.deleted_by == owner
    assert HomelessPeriod.objects.current().count() == 0


# --- DV safety ----------------------------------------------------------------------------


@pytest.fixture
def hidden_period(world):
    # The client is also enrolled at the other agency, whose staff may open the record.
    make_enrollment(world.own_client, world.other_project, entry_date=D(2025, 2, 1))
    owner = world.user_with(Role.AGENCY_CES)
    return record_period(
        owner,
        world.own_client,
        **period_values(
            verifier_organization="Safe Harbor House",
            verifier_name="Dana Advocate",
            source_hidden=True,
        ),
    )


def test_hidden_source_is_shown_to_the_entering_agency_and_hmis_admin(world, client, hidden_period):
    page = reverse("client_detail", args=[world.own_client.pk])
    colleague = world.user_with(Role.AGENCY_ADMIN)
    admin = world.user_with(Role.HMIS_ADMIN, organization=world.lead_agency)
    for user in (colleague, admin):
        client.force_login(user)
        body = client.get(page).content.decode()
        assert "Safe Harbor House" in body
        assert "Dana Advocate" in body


def test_hidden_source_is_withheld_from_another_agency(world, client, hidden_period):
    other = world.user_with(Role.AGENCY_CES, organization=world.other_agency, email="b@example.org")
    client.force_login(other)

    body = client.get(reverse("client_detail", args=[world.own_client.pk])).content.decode()

    assert 'data-testid="homeless-period"' in body
    assert "Source withheld for safety" in body
    assert "source withheld for safety" in body  # the trace line too
    assert "Safe Harbor House" not in body and "Dana Advocate" not in body
    # Nor may they remove what they cannot see.
    with pytest.raises(PermissionDenied):
        remove_period(other, hidden_period)


def test_letter_behind_a_hidden_source_is_kept_to_the_entering_agency(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sunflower.documents.actions import attach_document, visible_documents

    make_enrollment(world.own_client, world.other_project, entry_date=D(2025, 2, 1))
    owner = world.user_with(Role.AGENCY_CES)
    letter = attach_document(
        owner,
        world.own_client,
        SimpleUploadedFile("b.pdf", b"%PDF-1.4\n%%EOF\n"),
        "homelessness_verification",
        "Shelter letter",
    )
    try:
        record_period(owner, world.own_client, **period_values(document=letter, source_hidden=True))
        other = world.user_with(
            Role.AGENCY_CES, organization=world.other_agency, email="b@example.org"
        )
        admin = world.user_with(Role.HMIS_ADMIN, organization=world.lead_agency)

        assert not visible_documents(other).filter(pk=letter.pk).exists()
        assert visible_documents(owner).filter(pk=letter.pk).exists()
        assert visible_documents(admin).filter(pk=letter.pk).exists()
        client.force_login(other)
        assert client.get(reverse("document_download", args=[letter.pk])).status_code == 404
        body = client.get(reverse("client_detail", args=[world.own_client.pk])).content.decode()
        assert "Shelter letter" not in body
    finally:
        letter.file.delete(save=False)


# --- the derivation from every source -----------------------------------------------------


def test_status_from_hmis_stays_bed_nights_self_report_and_periods(world):
    user = world.user_with(Role.AGENCY_CES)
    person = make_client(dob=D(1970, 1, 1))
    # An entry/exit shelter stay, Jan-Mar 2025 (exit night not counted); 3.917 reported homeless
    # since 1 Dec 2024.
    stay = make_enrollment(
        person,
        world.own_project,
        entry_date=D(2025, 1, 1),
        living_situation=116,
        date_to_street_essh=D(2024, 12, 1),
        disabling_condition=99,
    )
    Exit.objects.create(enrollment=stay, client=person, exit_date=D(2025, 4, 1), destination=116)
    # A night-by-night shelter: only the bed nights count (April 1-30, 2025).
    nbn = make_project(world.own_agency, project_type=1, project_name="Night Shelter")
    nightly = make_enrollment(person, nbn, entry_date=D(2025, 4, 1))
    for day in range(30):
        Services.objects.create(
            enrollment=nightly,
            client=person,
            record_type=200,
            type_provided=200,
            date_provided=D(2025, 4, 1) + dt.timedelta(day),
        )
    # A verified period on the street, May-Nov 2025, from an outreach letter.
    record_period(user, person, **period_values(start_date=D(2025, 5, 1), end_date=D(2025, 11, 30)))
    # The disability comes from a Disabilities row, indefinite and impairing.
    Disabilities.objects.create(
        enrollment=stay,
        client=person,
        information_date=D(2025, 1, 1),
        disability_type=9,
        disability_response=1,
        indefinite_and_impairs=1,
        data_collection_stage=1,
    )

    history = load_client_history(user, person, AS_OF)

    status = history.status
    assert status.status == Status.CHRONIC
    assert len(status.occasions) == 1
    assert status.occasions[0].first == D(2024, 12, 1)
    assert status.occasions[0].last == D(2025, 11, 30)
    assert status.continuous_months == 12
    nights = {line.label: line.nights for line in status.trace}
    assert nights["HMIS stay: A Shelter"] == 90
    assert nights["HMIS bed nights: Night Shelter"] == 30
    assert nights["Self-report at entry (3.917): A Shelter"] == 31
    assert status.self_certified_months == 1
    # Ongoing to AS_OF, the night-by-night enrollment itself adds nothing beyond its bed nights.
    assert not status.currently_homeless


def test_bed_nights_with_a_gap_of_seven_nights_make_two_occasions(world):
    user = world.user_with(Role.AGENCY_CES)
    person = make_client()
    nbn = make_project(world.own_agency, project_type=1)
    nightly = make_enrollment(person, nbn, entry_date=D(2025, 1, 1), disabling_condition=1)
    for day in [D(2025, 1, 1), D(2025, 1, 2), D(2025, 1, 10), D(2025, 1, 20)]:
        Services.objects.create(
            enrollment=nightly, client=person, record_type=200, type_provided=200, date_provided=day
        )

    status = load_client_history(user, person, AS_OF).status

    # 2 -> 10: 7 nights without a bed = a break; 10 -> 20: 9 nights = a break.
    assert [(o.first, o.last) for o in status.occasions] == [
        (D(2025, 1, 1), D(2025, 1, 2)),
        (D(2025, 1, 10), D(2025, 1, 10)),
        (D(2025, 1, 20), D(2025, 1, 20)),
    ]
    assert status.status == Status.NOT_YET


def test_short_institutional_period_bridges_two_recorded_periods(world):
    user = world.user_with(Role.AGENCY_CES)
    person = make_client()
    make_enrollment(person, world.own_project, entry_date=D(2025, 11, 1), disabling_condition=1)
    record_period(user, person, **period_values(start_date=D(2024, 11, 1), end_date=D(2025, 4, 30)))
    record_period(
        user,
        person,
        **period_values(
            start_date=D(2025, 5, 1),
            end_date=D(2025, 6, 30),
            place=HomelessPeriod.Place.INSTITUTION_UNDER_90_DAYS,
        ),
    )
    record_period(
        user,
        person,
        **period_values(
            start_date=D(2025, 7, 1),
            end_date=D(2025, 10, 31),
            place=HomelessPeriod.Place.EMERGENCY_SHELTER,
        ),
    )

    status = load_client_history(user, person, AS_OF).status

    assert len(status.occasions) == 1
    assert status.status == Status.CHRONIC
    assert status.currently_homeless  # the shelter enrollment is open


def test_self_certification_over_three_months_is_flagged(world, client):
    user = world.user_with(Role.AGENCY_CES)
    # Enrolled in a services-only project: no HMIS shelter nights cover the self-certification.
    person = make_client()
    make_enrollment(person, make_project(world.own_agency, project_type=6))
    record_period(
        user,
        person,
        **period_values(
            start_date=TODAY - dt.timedelta(days=200),
            end_date=None,
            evidence=HomelessPeriod.Evidence.SELF_CERTIFICATION,
        ),
    )
    client.force_login(user)

    body = client.get(reverse("client_detail", args=[person.pk])).content.decode()

    assert 'data-testid="self-certification-exceeded"' in body


def test_other_agencys_stay_is_counted_without_its_name(world):
    # The client's stay at another agency's shelter counts, but its project stays unnamed.
    other_shelter = make_project(world.other_agency, project_type=0, project_name="B Shelter")
    make_enrollment(world.own_client, other_shelter, entry_date=D(2024, 1, 1))
    user = world.user_with(Role.AGENCY_CES)

    status = load_client_history(user, world.own_client, AS_OF).status

    labels = [line.label for line in status.trace]
    assert "HMIS stay: a project not visible to you" in labels
    assert not any("B Shelter" in label for label in labels)


# --- the section's query count --------------------------------------------------------------


def section_queries(user, person) -> int:
    request = RequestFactory().get("/")
    request.user = user
    with CaptureQueriesContext(connection) as queries:
        CLIENT_HOMELESS_HISTORY.context(request, person)
    return len(queries)


def test_section_query_count_does_not_grow(world):
    user = world.user_with(Role.AGENCY_CES)
    nbn = make_project(world.own_agency, project_type=1)
    small = make_client()
    make_enrollment(small, nbn, entry_date=D(2025, 1, 1))
    large = make_client()
    for month in range(1, 7):
        enrollment = make_enrollment(large, nbn, entry_date=D(2024, month, 1))
        Exit.objects.create(
            enrollment=enrollment, client=large, exit_date=D(2024, month, 20), destination=116
        )
        for day in range(1, 8):
            Services.objects.create(
                enrollment=enrollment,
                client=large,
                record_type=200,
                type_provided=200,
                date_provided=D(2024, month, day),
            )
        record_period(
            user, large, **period_values(start_date=D(2023, month, 1), end_date=D(2023, month, 10))
        )
        Disabilities.objects.create(
            enrollment=enrollment,
            client=large,
            information_date=D(2024, month, 1),
            disability_type=5,
            disability_response=1,
            indefinite_and_impairs=1,
            data_collection_stage=1,
        )
    user = type(user).objects.get(pk=user.pk)  # no cached memberships

    assert section_queries(user, large) == section_queries(
        type(user).objects.get(pk=user.pk), small
    )
