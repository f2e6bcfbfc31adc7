"""CES pages through the test client: the list, a household's reasons, assessing through the
form, openings, the referral steps, the VSP's view, and query-count bounds."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from sunflower.ces.models import ListEntry, Opening, Referral
from sunflower.ces.testing import HOUSING_ANSWERS, HOUSING_SCORE

pytestmark = pytest.mark.ces


@pytest.fixture
def signed(ces):
    """Every CES user of the world has signed the CE Participation Agreement."""
    from sunflower.ces.testing import sign_agreement

    for user in (ces.access_point_user, ces.agency_user, ces.coordinator, ces.vsp_user, ces.admin):
        sign_agreement(user)
    return ces


def _login(client, user):
    client.force_login(user)
    return client


def _post_assessment(client, enrollment, ces, **overrides):
    data = {
        "region": ces.region.pk,
        "access_point": ces.access_point.pk,
        "assessment_date": timezone.localdate().isoformat(),
        "assessment_type": 3,
        "entry_mode": "live",
    }
    for key, value in HOUSING_ANSWERS.items():
        if value in ("", None):
            continue
        data[f"q-{key}"] = value
    data.update(overrides)
    return client.post(reverse("ces_assess", args=[enrollment.pk]), data)


def test_access_point_assesses_through_the_form(client, signed):
    ces = signed
    enrollment = ces.household(first_name="Marisol", last_name="Quintana")
    _login(client, ces.access_point_user)
    page = client.get(reverse("ces"))
    assert page.status_code == 200 and b"Marisol" in page.content
    form = client.get(reverse("ces_assess", args=[enrollment.pk]))
    assert form.status_code == 200 and b"Which conditions?" in form.content

    response = _post_assessment(client, enrollment, ces)

    entry = ListEntry.objects.get(client=enrollment.client)
    assert response.status_code == 302 and response.url == reverse("ces_entry", args=[entry.pk])
    assert entry.score == HOUSING_SCORE and entry.rank == 1
    detail = client.get(response.url)
    assert b"Rank 1 on the CES Test Region list" in detail.content
    assert b"Assessment score" in detail.content  # the rule trace


def test_a_missing_answer_keeps_what_was_typed_and_saves_nothing(client, signed):
    ces = signed
    enrollment = ces.household()
    _login(client, ces.access_point_user)
    response = _post_assessment(client, enrollment, ces, **{"q-mental_health": ""})
    assert response.status_code == 200
    assert b"Answer this question." in response.content
    assert b'value="18"' in response.content  # months homeless, as typed
    assert not ListEntry.objects.filter(client=enrollment.client).exists()


def test_list_page_filters_and_a_bounded_number_of_queries(
    client, signed, django_assert_max_num_queries
):
    ces = signed
    for veteran in (0, 1, 0, 0, 1):
        ces.assess(ces.household(veteran_status=veteran))
    _login(client, ces.vsp_user)
    url = reverse("ces_list", args=[ces.region.pk])
    with django_assert_max_num_queries(14):
        page = client.get(url)
    assert page.status_code == 200
    assert page.content.count(b'data-testid="list-row"') == 5
    veterans = client.get(url, {"veteran": "1"})
    assert veterans.content.count(b'data-testid="list-row"') == 2
    for _ in range(20):
        ces.assess(ces.household())
    with django_assert_max_num_queries(14):  # the same with 25 households: no N+1
        client.get(url)


def test_vsp_sees_the_list_but_cannot_assess_or_refer(client, signed):
    ces = signed
    entry = ces.assess(ces.household()).entry
    opening = ces.opening()
    _login(client, ces.vsp_user)
    assert client.get(reverse("ces_list", args=[ces.region.pk])).status_code == 200
    detail = client.get(reverse("ces_entry", args=[entry.pk]))
    assert detail.status_code == 200 and b'data-testid="refer-' not in detail.content
    assert client.get(reverse("ces_assess", args=[entry.enrollment_id])).status_code == 404
    response = client.post(reverse("ces_refer"), {"opening": opening.pk, "entry": entry.pk})
    assert response.status_code == 403
    assert not Referral.objects.exists()


def test_vsp_adds_a_deidentified_household_that_others_can_refer(client, signed):
    ces = signed
    _login(client, ces.vsp_user)
    response = client.post(
        reverse("ces_new_deidentified"),
        {
            "alias": "Blue Heron",
            "vsp_reference": "SH-2026-114",
            "region": ces.region.pk,
            "household_type": "family",
            "household_size": 2,
            "score": 19,
            "days_homeless": 40,
        },
    )
    entry = ListEntry.objects.get(alias="Blue Heron")
    assert response.status_code == 302
    assert entry.client_id is None and entry.vsp_organization == ces.vsp_agency
    assert entry.fleeing_dv and entry.rank == 1
    opening = ces.opening(household_types=["family"])
    _login(client, ces.coordinator)
    client.post(reverse("ces_refer"), {"opening": opening.pk, "entry": entry.pk})
    referral = Referral.objects.get(entry=entry)
    assert referral.event is None  # no HUD rows for a survivor in HMIS
    # the access point cannot write the VSP's record
    _login(client, ces.access_point_user)
    assert client.get(reverse("ces_new_deidentified")).status_code == 403


def test_referral_steps_through_the_pages(client, signed):
    ces = signed
    entry = ces.assess(ces.household()).entry
    opening = ces.opening()
    _login(client, ces.coordinator)
    detail = client.get(reverse("ces_entry", args=[entry.pk]))
    assert f'data-testid="refer-{opening.pk}"'.encode() in detail.content
    response = client.post(reverse("ces_refer"), {"opening": opening.pk, "entry": entry.pk})
    referral = Referral.objects.get()
    assert response.url == reverse("ces_referral", args=[referral.pk])

    _login(client, ces.agency_user)
    url = reverse("ces_referral", args=[referral.pk])
    page = client.get(url)
    assert b'data-testid="accept-form"' in page.content
    declined = client.post(url, {"step": "decline", "decline-reason": "other"})
    assert b"Say why" in declined.content
    client.post(url, {"step": "accept"})
    client.post(url, {"step": "enroll", "enroll-day": timezone.localdate().isoformat()})
    client.post(url, {"step": "move_in", "move_in-day": timezone.localdate().isoformat()})
    referral.refresh_from_db()
    entry.refresh_from_db()
    assert referral.status == Referral.Status.MOVED_IN
    assert entry.status == ListEntry.Status.HOUSED
    assert Opening.objects.get(pk=opening.pk).status == Opening.Status.FILLED


def test_agency_posts_an_opening_for_its_own_projects_only(client, signed):
    ces = signed
    _login(client, ces.agency_user)
    form = client.get(reverse("ces_new_opening"))
    assert ces.psh.project_name.encode() in form.content
    assert ces.ce_project.project_name.encode() not in form.content
    response = client.post(
        reverse("ces_new_opening"),
        {
            "project": ces.psh.pk,
            "region": ces.region.pk,
            "title": "Two-bedroom PSH",
            "bedrooms": 2,
            "max_household_size": 4,
            "available_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    assert Opening.objects.get().title == "Two-bedroom PSH"
    _login(client, ces.access_point_user)
    assert client.get(reverse("ces_new_opening")).status_code == 403


def test_opening_page_lists_eligible_households_and_why_not(client, signed):
    ces = signed
    veteran = ces.assess(ces.household(veteran_status=1)).entry
    other = ces.assess(ces.household(last_name="Notaveteran")).entry
    opening = ces.opening(requires_veteran=True)
    _login(client, ces.coordinator)
    page = client.get(reverse("ces_opening", args=[opening.pk]), {"why_not": other.pk})
    assert page.status_code == 200
    assert page.content.count(b"ces/households/") >= 1
    assert f"/ces/households/{veteran.pk}/".encode() in page.content
    assert b"The opening is for veterans; no one in the household is one." in page.content


def test_regional_console_is_for_coordinators(client, signed):
    ces = signed
    _login(client, ces.coordinator)
    page = client.get(reverse("ces_regional_list"))
    assert page.status_code == 200 and b"CES Test Region" in page.content
    assert b"CES Other Region" not in page.content
    _login(client, ces.access_point_user)
    assert client.get(reverse("ces_regional_list")).status_code == 403


def _client_fields(**overrides):
    data = {
        "first_name": "Tobias",
        "last_name": "Wren",
        "name_data_quality": 1,
        "ssn": "",
        "ssn_data_quality": 99,
        "dob": "1988-04-09",
        "dob_data_quality": 1,
        "sex": 1,
        "white": "on",
        "veteran_status": 0,
    }
    data.update(overrides)
    return data


def test_access_point_enters_a_new_household_then_assesses(client, signed):
    from sunflower.hmis.models import Client, Enrollment

    ces = signed
    _login(client, ces.access_point_user)
    data = _client_fields(ce_project=ces.ce_project.pk, entry_date=timezone.localdate().isoformat())
    response = client.post(reverse("ces_intake"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    enrollment = Enrollment.objects.get(client__last_name="Wren")
    assert response.url == reverse("ces_assess", args=[enrollment.pk])
    assert enrollment.project == ces.ce_project and enrollment.relationship_to_hoh == 1
    assert client.get(response.url).status_code == 200
    # a plain client record stays out of an Access Point's reach
    assert Client.objects.filter(last_name="Wren").count() == 1


def test_intake_refuses_a_future_start_and_saves_nothing(client, signed):
    from sunflower.hmis.models import Client

    ces = signed
    _login(client, ces.access_point_user)
    future = (timezone.localdate() + timezone.timedelta(days=2)).isoformat()
    response = client.post(
        reverse("ces_intake"), _client_fields(ce_project=ces.ce_project.pk, entry_date=future)
    )
    assert response.status_code == 200
    assert b"in the future" in response.content
    assert b'value="Tobias"' in response.content
    assert not Client.objects.filter(last_name="Wren").exists()


def test_vsp_cannot_enter_a_household(client, signed):
    _login(client, signed.vsp_user)
    assert client.get(reverse("ces_intake")).status_code == 403


def test_coordinator_recomputes_only_their_region(client, signed):
    ces = signed
    entry = ces.assess(ces.household()).entry
    ListEntry.objects.filter(pk=entry.pk).update(rank=None)
    _login(client, ces.coordinator)
    response = client.post(reverse("ces_recompute", args=[ces.region.pk]))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.rank == 1
    assert client.post(reverse("ces_recompute", args=[ces.other_region.pk])).status_code == 403
    _login(client, ces.access_point_user)
    assert client.post(reverse("ces_recompute", args=[ces.region.pk])).status_code == 403


def test_only_its_vsp_updates_or_removes_a_survivor_household(client, signed):
    from sunflower.accounts.roles import Role
    from sunflower.accounts.testing import create_user_with_role
    from sunflower.ces.testing import sign_agreement
    from sunflower.hmis.testing import make_organization

    ces = signed
    entry = ListEntry.objects.create(
        region=ces.region,
        vsp_organization=ces.vsp_agency,
        alias="Blue Heron",
        household_type="adults",
        score=10,
        last_contact_on=timezone.localdate(),
    )
    url = reverse("ces_edit_deidentified", args=[entry.pk])
    other_vsp = create_user_with_role(
        "other-vsp@example.org",
        Role.VICTIM_SERVICE_PROVIDER,
        "pw-long-enough-1",
        organization=make_organization(victim_service_provider=1),
    )
    sign_agreement(other_vsp)
    for outsider in (other_vsp, ces.admin, ces.coordinator):
        _login(client, outsider)
        assert client.get(url).status_code == 403
    _login(client, ces.vsp_user)
    response = client.post(
        url,
        {
            "alias": "Blue Heron",
            "region": ces.region.pk,
            "household_type": "adults",
            "household_size": 1,
            "score": 22,
            "days_homeless": 10,
        },
    )
    entry.refresh_from_db()
    assert response.status_code == 302 and entry.score == 22 and entry.rank == 1
    client.post(url, {"remove": "1"})
    entry.refresh_from_db()
    assert entry.status == ListEntry.Status.REMOVED and entry.rank is None
