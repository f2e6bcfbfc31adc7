"""New user access: the public request form, the agency administrator's and the HMIS team's
decisions, the inactive account and its onboarding link, the New User Agreement, and
activation. E-mail is read from Django's test outbox."""

from __future__ import annotations

import re

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from sunflower.accounts.models import User
from sunflower.accounts.roles import Role
from sunflower.accounts.testing import create_user_with_role
from sunflower.hmis.testing import make_organization
from sunflower.portal import actions
from sunflower.portal.models import AccessRequest, AgreementSignature, UserAgreement
from sunflower.training.testing import record_practice_pass

pytestmark = [pytest.mark.portal, pytest.mark.django_db]

PASSWORD = "Sunflower-test-password-2026"
NEW_PASSWORD = "Prairie-wind-sunflower-42"


@pytest.fixture
def agency():
    return make_organization(organization_name="Flint Hills Housing")


@pytest.fixture
def agency_admin(agency):
    return create_user_with_role("admin@flinthills.example", Role.AGENCY_ADMIN, PASSWORD, agency)


@pytest.fixture
def hmis_admin():
    return create_user_with_role("team@hmis.example", Role.HMIS_ADMIN, PASSWORD)


@pytest.fixture
def agreement():
    return UserAgreement.objects.create(
        version="2026-1", body="I keep client data **confidential**."
    )


def form_data(agency, **overrides):
    data = {
        "first_name": "Rosa",
        "last_name": "Delgado",
        "email": "Rosa.Delgado@Flinthills.example",
        "phone": "785-555-0101",
        "job_title": "Case manager",
        "organization": agency.pk,
        "requested_role": Role.AGENCY_CES.value,
        "supervisor_name": "Mae Turner",
        "supervisor_email": "mae@flinthills.example",
        "reason": "PSH case management",
        "website": "",
    }
    data.update(overrides)
    return data


def submit(client, agency, **overrides):
    return client.post(reverse("portal:request_access"), form_data(agency, **overrides))


def test_the_public_form_records_a_request_and_mails_the_requester_and_agency_admins(
    client, agency, agency_admin, hmis_admin
):
    response = submit(client, agency)
    assert response.status_code == 302
    request = AccessRequest.objects.get()
    assert request.email == "rosa.delgado@flinthills.example"
    assert request.status == AccessRequest.Status.AWAITING_AGENCY
    recipients = [message.to for message in mail.outbox]
    assert ["rosa.delgado@flinthills.example"] in recipients
    assert ["admin@flinthills.example"] in recipients  # the agency admin, not the HMIS team
    assert ["team@hmis.example"] not in recipients


def test_a_request_with_errors_keeps_what_was_typed_and_creates_nothing(client, agency):
    response = submit(
        client, agency, supervisor_email="rosa.delgado@flinthills.example", phone="785-555-0199"
    )
    assert response.status_code == 200
    assert AccessRequest.objects.count() == 0
    html = response.content.decode()
    assert "must be someone else" in html
    assert 'value="785-555-0199"' in html  # nothing the person typed is lost


def test_the_honeypot_refuses_a_bot(client, agency):
    response = submit(client, agency, website="http://spam.example")
    assert response.status_code == 200
    assert AccessRequest.objects.count() == 0
    assert mail.outbox == []


def test_too_many_requests_from_one_address_are_refused(client, agency, settings):
    from django.core.cache import cache

    cache.clear()
    for n in range(5):
        assert submit(client, agency, email=f"person{n}@example.org").status_code == 302
    response = submit(client, agency, email="person9@example.org")
    assert response.status_code == 200
    assert "Too many requests" in response.content.decode()
    assert AccessRequest.objects.count() == 5
    cache.clear()


def test_an_address_with_an_account_or_a_pending_request_is_told_so(client, agency, agency_admin):
    response = submit(client, agency, email="admin@flinthills.example")
    assert "already has an account" in response.content.decode()
    assert submit(client, agency).status_code == 302
    response = submit(client, agency)
    assert "already being reviewed" in response.content.decode()
    assert AccessRequest.objects.count() == 1


def _request(agency) -> AccessRequest:
    fields = form_data(agency)
    fields.pop("website")
    fields["organization"] = agency
    return actions.submit_access_request(**fields)


def test_an_agency_admin_decides_only_their_agency_and_only_the_agency_step(agency, agency_admin):
    other_admin = create_user_with_role("other@example.org", Role.AGENCY_ADMIN, PASSWORD)
    request = _request(agency)
    with pytest.raises(PermissionDenied):
        actions.decide_as_agency(request, other_admin, approve=True)
    case_manager = create_user_with_role("cm@example.org", Role.AGENCY_CES, PASSWORD, agency)
    with pytest.raises(PermissionDenied):
        actions.decide_as_agency(request, case_manager, approve=True)
    actions.decide_as_agency(request, agency_admin, approve=True)
    request.refresh_from_db()
    assert request.status == AccessRequest.Status.AWAITING_HMIS
    with pytest.raises(PermissionDenied):
        actions.decide_as_hmis_team(request, agency_admin, approve=True)
    assert not User.objects.filter(email=request.email).exists()


def test_declining_needs_a_reason_which_reaches_the_requester(
    agency, agency_admin, django_capture_on_commit_callbacks
):
    request = _request(agency)
    with pytest.raises(ValidationError):
        actions.decide_as_agency(request, agency_admin, approve=False, note="  ")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.decide_as_agency(request, agency_admin, approve=False, note="Not on our staff")
    request.refresh_from_db()
    assert request.status == AccessRequest.Status.DECLINED
    assert mail.outbox[-1].to == [request.email]
    assert "Not on our staff" in mail.outbox[-1].body


def test_hmis_approval_creates_an_inactive_account_with_the_role_and_mails_the_link(
    agency, agency_admin, hmis_admin, agreement, django_capture_on_commit_callbacks
):
    request = _request(agency)
    with django_capture_on_commit_callbacks(execute=True):
        actions.decide_as_agency(request, agency_admin, approve=True)
    assert mail.outbox[-1].to == ["team@hmis.example"]  # the HMIS team is told it is their turn
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.decide_as_hmis_team(request, hmis_admin, approve=True)
    account = User.objects.get(email="rosa.delgado@flinthills.example")
    assert not account.is_active
    assert not account.has_usable_password()
    membership = account.memberships.get()
    assert (membership.organization, membership.role) == (agency, Role.AGENCY_CES)
    assert mail.outbox[-1].to == [account.email]
    assert "/portal/onboarding/" in mail.outbox[-1].body
    assert actions.activation_blockers(account) == [
        "Choose a password.",
        "Sign the New User Agreement.",
        "Pass the practice test in the training environment.",
    ]


@pytest.fixture
def approved_account(agency, agency_admin, hmis_admin, django_capture_on_commit_callbacks):
    """An account made from an approved request, and the onboarding link e-mailed to it."""
    request = _request(agency)
    actions.decide_as_agency(request, agency_admin, approve=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.decide_as_hmis_team(request, hmis_admin, approve=True)
    link = re.search(r"(/portal/onboarding/\S+/)", mail.outbox[-1].body).group(1)
    return User.objects.get(email=request.email), link


def test_onboarding_sets_the_password_signs_the_agreement_and_activates(
    client, approved_account, agreement
):
    account, link = approved_account
    record_practice_pass(account)  # the practice test's own tests are in tests/training
    response = client.post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.check_password(NEW_PASSWORD) and not account.is_active
    page = client.get(link).content.decode()
    assert "confidential" in page  # the agreement's text, rendered from Markdown
    response = client.post(link, {"typed_name": "Someone Else", "agree": "on"})
    assert "Type your name as it is on your account" in response.content.decode()
    assert not AgreementSignature.objects.exists()
    mail.outbox.clear()
    client.post(link, {"typed_name": "rosa  delgado", "agree": "on"}, REMOTE_ADDR="10.1.2.3")
    signature = AgreementSignature.objects.get()
    assert (signature.agreement, signature.ip_address) == (agreement, "10.1.2.3")
    account.refresh_from_db()
    assert account.is_active
    assert mail.outbox[-1].subject == "Your HMIS account is active"
    response = client.post(reverse("login"), {"username": account.email, "password": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_an_onboarding_link_reopened_asks_for_the_password_and_a_forged_link_fails(
    client, approved_account, agreement
):
    account, link = approved_account
    client.post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    other = client.__class__()
    page = other.get(link).content.decode()
    assert 'data-testid="confirm-password-form"' in page
    assert 'data-testid="sign-agreement-form"' not in page
    other.post(link, {"password": "wrong"})
    other.post(link, {"typed_name": "Rosa Delgado", "agree": "on"})
    assert not AgreementSignature.objects.exists()
    assert other.get(link[:-3] + "xx/").status_code == 400


def test_a_new_agreement_version_sends_a_signed_in_user_to_sign_again(
    client, agency_admin, agreement
):
    AgreementSignature.objects.create(user=agency_admin, agreement=agreement, typed_name="x")
    client.force_login(agency_admin)
    assert client.get(reverse("home")).status_code == 200
    UserAgreement.objects.create(version="2027-1", body="New terms.")
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:agreement"))
    agency_admin.first_name, agency_admin.last_name = "Mae", "Turner"
    agency_admin.save()
    response = client.post(response["Location"], {"typed_name": "Mae Turner", "agree": "on"})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert agency_admin.agreement_signatures.count() == 2


def test_the_queue_shows_each_reviewer_their_requests(client, agency, agency_admin, hmis_admin):
    mine = _request(agency)
    other_agency = make_organization(organization_name="Prairie Shelter")
    fields = form_data(other_agency, email="ana@prairie.example")
    fields.pop("website")
    fields["organization"] = other_agency
    theirs = actions.submit_access_request(**fields)
    client.force_login(agency_admin)
    page = client.get(reverse("agency_requests")).content.decode()
    assert mine.full_name() in page and "Prairie Shelter" not in page
    assert client.get(reverse("agency_request", args=[theirs.pk])).status_code == 404
    client.force_login(hmis_admin)
    page = client.get(reverse("agency_requests")).content.decode()
    assert "Prairie Shelter" in page and "Flint Hills Housing" in page
    case_manager = create_user_with_role("cm@example.org", Role.AGENCY_CES, PASSWORD, agency)
    client.force_login(case_manager)
    assert client.get(reverse("agency_requests")).status_code == 403


def test_the_decision_page_records_the_agency_step(client, agency, agency_admin):
    request = _request(agency)
    client.force_login(agency_admin)
    url = reverse("agency_request", args=[request.pk])
    assert client.get(url).status_code == 200
    viewed = LogEntry.objects.get_for_object(request).filter(action=LogEntry.Action.ACCESS)
    assert viewed.get().actor == agency_admin  # reading an applicant's details is audited
    response = client.post(url, {"decision": "decline", "note": ""})
    assert "Say why" in response.content.decode()
    response = client.post(url, {"decision": "approve", "note": "Our new case manager"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.agency_decided_by) == (
        AccessRequest.Status.AWAITING_HMIS,
        agency_admin,
    )
