"""Creating a client with likely duplicates shown first (sunflower/dedup/matching.py,
sunflower/hmis/views_client.py, docs/client-create.md). Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sunflower.accounts.roles import Role
from sunflower.dedup import matching
from sunflower.dedup.matching import likely_matches, transposed_dates, valid_ssn
from sunflower.hmis.actions import create_client
from sunflower.hmis.forms import ClientForm
from sunflower.hmis.models import Client
from sunflower.hmis.testing import make_client, make_enrollment

pytestmark = [pytest.mark.casemgmt, pytest.mark.django_db]

URL = "/clients/new/"
SSN = "123456789"


@pytest.fixture
def agency_user(world):
    return world.user_with(Role.AGENCY_CES, organization=world.own_agency)


@pytest.fixture
def admin_user(world):
    return world.user_with(Role.HMIS_ADMIN, organization=world.lead_agency)


def form_data(**overrides):
    data = {
        "first_name": "Alice",
        "middle_name": "",
        "last_name": "Jonson",
        "name_suffix": "",
        "name_data_quality": "1",
        "ssn": "",
        "ssn_data_quality": "99",
        "dob": "1985-03-14",
        "dob_data_quality": "1",
        "sex": "0",
        "white": "on",
        "race_none": "",
        "additional_race_ethnicity": "",
        "veteran_status": "0",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def model_values(**overrides):
    form = ClientForm(form_data(**overrides))
    assert form.is_valid(), form.errors
    return form.model_values()


def existing(project, **fields):
    client = make_client(**fields)
    make_enrollment(client, project)
    return client


def test_url_is_client_create():
    assert reverse("client_create") == URL


# --- scoring -------------------------------------------------------------------------------


def test_ssn_validity_and_transposed_dates():
    assert valid_ssn(SSN)
    for bad in (
        "12345678",
        "000123456",
        "666123456",
        "900123456",
        "123001234",
        "123450000",
        "111111111",
    ):
        assert not valid_ssn(bad)
    dates = transposed_dates(dt.date(1985, 3, 4))
    assert dt.date(1985, 4, 3) in dates
    assert dt.date(1985, 3, 4) not in dates


def test_same_dob_and_similar_name_is_strong(world, agency_user):
    johnson = existing(
        world.own_project, first_name="Alice", last_name="Johnson", dob=dt.date(1985, 3, 14)
    )
    existing(world.own_project, first_name="Bob", last_name="Ramirez", dob=dt.date(1985, 3, 14))

    matches = likely_matches(agency_user, model_values())

    assert [m.pk for m in matches] == [johnson.pk]
    assert matches[0].score >= 0.8
    assert matches[0].reasons == [matching.REASON_DOB, matching.REASON_NAME_SIMILAR]
    assert (matches[0].first_name, matches[0].last_name) == ("Alice", "Johnson")


def test_same_ssn_is_very_strong(world, agency_user):
    other = existing(
        world.own_project,
        first_name="Zed",
        last_name="Quux",
        dob=dt.date(1970, 1, 1),
        ssn=SSN,
        ssn_data_quality=1,
    )

    matches = likely_matches(agency_user, model_values(ssn="123-45-6789", ssn_data_quality="1"))

    assert [m.pk for m in matches] == [other.pk]
    assert matches[0].score >= 0.9
    assert matching.REASON_SSN in matches[0].reasons


def test_swapped_names_and_transposed_dob(world, agency_user):
    swapped = existing(
        world.own_project, first_name="Jonson", last_name="Alice", dob=dt.date(1985, 3, 14)
    )

    [match] = likely_matches(agency_user, model_values())
    assert match.pk == swapped.pk
    assert matching.REASON_NAME_SWAPPED in match.reasons
    assert match.score >= matching.SHOW_THRESHOLD

    late = existing(
        world.own_project, first_name="Carl", last_name="Mendez", dob=dt.date(1985, 4, 3)
    )
    near = likely_matches(
        agency_user, model_values(first_name="Carl", last_name="Mendes", dob="1985-03-04")
    )
    assert [m.pk for m in near] == [late.pk]
    assert matching.REASON_DOB_TRANSPOSED in near[0].reasons
    assert matching.SHOW_THRESHOLD <= near[0].score < 0.85


def test_different_person_is_not_a_match(world, agency_user):
    existing(world.own_project, first_name="Bob", last_name="Ramirez", dob=dt.date(1985, 3, 14))
    existing(world.own_project, first_name="Alice", last_name="Johnson", dob=dt.date(1990, 7, 1))

    assert likely_matches(agency_user, model_values()) == []


def test_other_agency_match_hides_name_from_agency_user_not_from_admin(
    world, agency_user, admin_user
):
    theirs = existing(
        world.other_project, first_name="Alice", last_name="Johnson", dob=dt.date(1985, 3, 14)
    )

    [hidden] = likely_matches(agency_user, model_values())
    assert hidden.pk == theirs.pk and not hidden.visible
    assert (hidden.first_name, hidden.last_name, hidden.dob, hidden.personal_id) == (
        "",
        "",
        None,
        "",
    )
    assert hidden.reasons and hidden.score >= 0.8

    [shown] = likely_matches(admin_user, model_values())
    assert (
        shown.visible and shown.last_name == "Johnson" and shown.personal_id == theirs.personal_id
    )


def test_match_step_query_count_is_bounded(world, agency_user):
    for i in range(12):
        project = world.own_project if i % 2 else world.other_project
        existing(
            project,
            first_name="Alice",
            last_name=f"Johnson{'x' * (i % 3)}",
            dob=dt.date(1985, 3, 14),
        )
    values = model_values()
    likely_matches(agency_user, values)  # memberships cached on the user

    with CaptureQueriesContext(connection) as queries:
        matches = likely_matches(agency_user, values)

    assert len(matches) == 10
    assert len(queries) <= 2


# --- the action ----------------------------------------------------------------------------


def test_create_client_sets_user_and_refuses_without_permission(world, agency_user):
    client = create_client(agency_user, model_values())
    assert client.user_id == agency_user.hmis_user_id
    for role in (Role.VICTIM_SERVICE_PROVIDER, Role.ACCESS_POINT):
        with pytest.raises(PermissionDenied):
            create_client(world.user_with(role), model_values(last_name="Other"))
    with pytest.raises(ValidationError):
        create_client(agency_user, {**model_values(), "race_none": 8})
    assert Client.objects.filter(last_name__in=["Jonson", "Other"]).count() == 1


# --- the page ------------------------------------------------------------------------------


def test_form_errors_keep_values_and_show_field_messages(world, agency_user, client):
    client.force_login(agency_user)
    before = Client.objects.count()
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()

    response = client.post(
        URL, form_data(ssn="12345", ssn_data_quality="1", dob=future, first_name="Alicia")
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="error-ssn"' in html and "9 digits" in html
    assert 'data-testid="error-dob"' in html and "future" in html
    assert 'value="Alicia"' in html and 'value="12345"' in html and 'value="Jonson"' in html
    assert Client.objects.count() == before

    response = client.post(URL, form_data(dob="", white=None))
    html = response.content.decode()
    assert 'data-testid="error-dob"' in html and 'data-testid="error-race_none"' in html
    assert Client.objects.count() == before


def test_duplicate_is_shown_and_nothing_created_until_confirmed(world, agency_user, client):
    johnson = existing(
        world.own_project, first_name="Alice", last_name="Johnson", dob=dt.date(1985, 3, 14)
    )
    client.force_login(agency_user)
    before = Client.objects.count()

    response = client.post(URL, form_data())

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="client-match"' in html and "Johnson" in html
    assert reverse("client_detail", args=[johnson.pk]) in html
    assert "score 85%" in html and matching.REASON_NAME_SIMILAR in html
    assert 'name="confirmed_no_match" value="1"' in html
    assert 'value="Jonson"' in html
    assert Client.objects.count() == before

    response = client.post(URL, {**form_data(), "confirmed_no_match": "1"})

    assert response.status_code == 302
    assert Client.objects.count() == before + 1
    created = Client.objects.get(last_name="Jonson")
    agency_user.refresh_from_db()
    assert created.user_id is not None and created.user_id == agency_user.hmis_user_id
    assert "Jonson" not in response["Location"] and "1985" not in response["Location"]
    entries = LogEntry.objects.get_for_object(created).filter(action=LogEntry.Action.CREATE)
    assert entries.count() == 1 and entries.get().actor_id == agency_user.pk


def test_hidden_match_at_other_agency_shown_without_name(world, agency_user, admin_user, client):
    theirs = existing(
        world.other_project,
        first_name="Alice",
        last_name="Johnson",
        dob=dt.date(1985, 3, 14),
        ssn=SSN,
        ssn_data_quality=1,
    )
    data = form_data(ssn=SSN, ssn_data_quality="1")

    client.force_login(agency_user)
    html = client.post(URL, data).content.decode()
    assert "A possible match exists" in html and matching.REASON_SSN in html
    assert "Johnson" not in html and theirs.personal_id not in html
    assert reverse("client_detail", args=[theirs.pk]) not in html

    client.force_login(admin_user)
    html = client.post(URL, data).content.decode()
    assert "Johnson" in html and theirs.personal_id in html


def test_no_match_creates_and_admin_lands_on_record(world, admin_user, client):
    client.force_login(admin_user)
    page = client.get(URL)
    assert page.status_code == 200 and 'data-testid="client-form"' in page.content.decode()
    response = client.post(URL, form_data(last_name="Unique", first_name="Zoe"))
    created = Client.objects.get(last_name="Unique")
    assert response.status_code == 302
    assert response["Location"] == reverse("client_detail", args=[created.pk])


@pytest.mark.parametrize("role", [Role.VICTIM_SERVICE_PROVIDER, Role.ACCESS_POINT])
def test_vsp_and_access_point_refused(world, client, role):
    client.force_login(world.user_with(role))
    before = Client.objects.count()
    assert client.get(URL).status_code == 403
    assert client.post(URL, {**form_data(), "confirmed_no_match": "1"}).status_code == 403
    assert Client.objects.count() == before


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_search_page_offers_create_only_to_roles_that_may(world, client):
    from django.urls import reverse

    from sunflower.accounts.roles import Role

    client.force_login(world.user_with(Role.AGENCY_CES, email="creator@example.org"))
    assert reverse("client_create").encode() in client.get(reverse("clients")).content
    client.force_login(world.user_with(Role.ACCESS_POINT, email="ap@example.org"))
    assert reverse("client_create").encode() not in client.get(reverse("clients")).content


def test_a_dismissed_match_goes_to_the_duplicates_queue(world, client):
    from django.urls import reverse

    from sunflower.accounts.roles import Role
    from sunflower.dedup.models import DuplicateCandidate

    client.force_login(world.user_with(Role.AGENCY_CES, email="q@example.org"))
    existing = world.own_client
    data = form_data(
        first_name=existing.first_name,
        last_name=existing.last_name,
        dob=existing.dob.isoformat(),
        confirmed_no_match="1",
    )
    response = client.post(reverse("client_create"), data)
    assert response.status_code == 302
    candidate = DuplicateCandidate.objects.get()
    assert existing.pk in (candidate.client_a_id, candidate.client_b_id)
    assert candidate.status == DuplicateCandidate.Status.OPEN
