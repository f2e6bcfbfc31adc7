"""Data-request pages: the public form (signed out and in, errors keep the input, honeypot,
rate limit, CSRF), the status page and its link, the download, the staff pages and their
access, the Spanish pages."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sunflower.datarequests import actions
from sunflower.datarequests.models import Body, DataExtract, DataRequest

from .conftest import approve_both, submit

pytestmark = [pytest.mark.portal, pytest.mark.django_db(transaction=True)]

FORM = {
    "requester_name": "Dana Researcher",
    "requester_email": "dana@university.example",
    "requester_organization": "Kansas State University",
    "title": "Shelter use by age, 2025",
    "purpose": "A study of shelter use.",
    "data_wanted": "People served by project type and age group.",
    "period_start": "2025-01-01",
    "period_end": "2025-12-31",
    "intended_use": "A paper with aggregate tables.",
    "retention_plan": "Destroyed after two years.",
    "agreement": "on",
}


def test_the_public_form_opens_signed_out_and_is_linked_from_the_portal(client):
    response = client.get(reverse("datarequests:new"))
    assert response.status_code == 200
    assert 'name="website"' in response.content.decode()  # the honeypot
    assert reverse("datarequests:new") in client.get(reverse("portal:home")).content.decode()


def test_a_signed_in_user_finds_the_form_filled_in(client, team):
    client.force_login(team)
    html = client.get(reverse("datarequests:new")).content.decode()
    assert 'value="lee@hmis.example"' in html and 'value="Lee Team"' in html
    client.post(reverse("datarequests:new"), {**FORM, "requester_email": "lee@hmis.example"})
    assert DataRequest.objects.get().submitted_by == team


def test_submitting_sends_the_requester_to_the_status_page_with_the_link_mailed(client, team):
    response = client.post(reverse("datarequests:new"), FORM, follow=True)
    request = DataRequest.objects.get()
    assert response.redirect_chain[-1][0] == reverse("datarequests:status", args=[request.token])
    html = response.content.decode()
    assert "We e-mailed you the link" in html and request.reference in html
    assert 'data-testid="timeline"' in html
    link = re.search(r"https://hmis\.example\.org(/data-requests/status/\S+/)", mail.outbox[0].body)
    assert client.get(link.group(1)).status_code == 200


def test_errors_keep_what_was_typed_and_say_what_to_fix(client):
    response = client.post(
        reverse("datarequests:new"),
        {**FORM, "purpose": "", "period_end": "2024-01-01", "identifiers_requested": "on"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and not DataRequest.objects.exists()
    assert "Describe the purpose of the request." in html
    assert "Kansas State University" in html and "People served by project type" in html
    assert 'value="2024-01-01"' in html
    response = client.post(reverse("datarequests:new"), {**FORM, "period_end": "2024-01-01"})
    html = response.content.decode()
    assert "The period ends before it starts." in html and 'value="2025-01-01"' in html
    response = client.post(reverse("datarequests:new"), {**FORM, "identifiers_requested": "on"})
    assert "why you need personal identifiers" in response.content.decode()
    assert not DataRequest.objects.exists()


def test_the_honeypot_refuses_a_bot(client):
    response = client.post(reverse("datarequests:new"), {**FORM, "website": "http://spam"})
    assert response.status_code == 200 and not DataRequest.objects.exists()
    assert "could not be accepted" in response.content.decode()


def test_at_most_five_requests_an_hour_from_one_address(client):
    for n in range(5):
        client.post(reverse("datarequests:new"), {**FORM, "title": f"Request {n}"})
    assert DataRequest.objects.count() == 5
    response = client.post(reverse("datarequests:new"), {**FORM, "title": "One more"})
    html = response.content.decode()
    assert "Too many requests" in html and "One more" in html
    assert DataRequest.objects.count() == 5


def test_the_forms_are_protected_against_cross_site_requests(team):
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(reverse("datarequests:new"), FORM).status_code == 403
    request = submit()
    actions.quote_fee(request, team, "100", "Custom tables")
    status_url = reverse("datarequests:status", args=[request.token])
    assert browser.post(status_url, {"form": "accept_fee"}).status_code == 403
    request.refresh_from_db()
    assert request.fee_accepted_at is None


def test_the_status_page_accepts_the_fee_and_answers_changes(client, team, member):
    request = submit()
    actions.quote_fee(request, team, "120.50", "Custom tables")
    url = reverse("datarequests:status", args=[request.token])
    html = client.get(url).content.decode()
    assert "$120.50" in html and 'data-testid="accept-fee"' in html
    response = client.post(url, {"form": "accept_fee"}, follow=True)
    assert "the fee is accepted" in response.content.decode()
    request.refresh_from_db()
    assert request.fee_accepted_at
    actions.record_decision(request, team, Body.KHRC, "changes", "Say which counties.")
    html = client.get(url).content.decode()
    assert "Say which counties." in html and 'data-testid="response-form"' in html
    response = client.post(url, {"form": "response", "text": ""})
    assert "Write your answer" in response.content.decode()
    client.post(url, {"form": "response", "text": "Sedgwick and Shawnee."})
    request.refresh_from_db()
    assert request.status == DataRequest.Status.SUBMITTED


def test_one_requests_link_shows_that_request_only(client):
    mine, theirs = submit(title="My study"), submit(title="Their study")
    html = client.get(reverse("datarequests:status", args=[mine.token])).content.decode()
    assert "My study" in html and "Their study" not in html
    assert client.get(reverse("datarequests:status", args=["not-a-token"])).status_code == 404
    assert client.get(reverse("datarequests:download", args=[mine.token])).status_code == 404
    assert theirs.token not in html


def test_the_download_link_streams_the_zip_then_expires_with_410(client, hmis_world, team, member):
    request = approve_both(submit(), team, member)
    extract = actions.fulfil(request, team, ["sex"], days=30)
    html = client.get(reverse("datarequests:status", args=[request.token])).content.decode()
    url = reverse("datarequests:download", args=[extract.token])
    assert url in html
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "private, no-store"
    assert f"{request.reference}-extract.zip" in response["Content-Disposition"]
    assert b"".join(response.streaming_content)[:2] == b"PK"
    DataExtract.objects.filter(pk=extract.pk).update(expires_at=timezone.now())
    response = client.get(url)
    assert response.status_code == 410 and "expired" in response.content.decode()


def test_people_outside_the_hmis_team_and_committee_cannot_see_the_queue(
    client, team, member, outsider
):
    request = submit(title="Not yet reviewed")
    client.force_login(outsider)
    assert client.get(reverse("datarequests:queue")).status_code == 403
    assert client.get(reverse("datarequests:detail", args=[request.pk])).status_code == 403
    client.logout()
    assert client.get(reverse("datarequests:queue")).status_code == 302  # sign in first
    client.force_login(member)
    assert "Not yet reviewed" not in client.get(reverse("datarequests:queue")).content.decode()
    assert client.get(reverse("datarequests:detail", args=[request.pk])).status_code == 404
    actions.record_decision(request, team, Body.KHRC, "approve")
    html = client.get(reverse("datarequests:queue")).content.decode()
    assert "Not yet reviewed" in html
    html = client.get(reverse("datarequests:detail", args=[request.pk])).content.decode()
    assert 'data-testid="committee-form"' in html and 'data-testid="fee-form"' not in html
    response = client.post(
        reverse("datarequests:detail", args=[request.pk]), {"form": "fee", "amount": "5"}
    )
    assert response.status_code == 403


def test_the_committee_page_lists_the_data_requests_waiting_for_its_decision(
    client, team, member
):
    waiting = submit(title="Shelter use by age")
    submit(title="Not reviewed by KHRC yet")
    actions.record_decision(waiting, team, Body.KHRC, "approve")
    client.force_login(member)
    html = client.get(reverse("committee")).content.decode()
    listed = re.search(r'data-testid="committee-data-requests">(.*?)</ul>', html, re.S).group(1)
    assert "Shelter use by age" in listed and waiting.reference in listed
    assert reverse("datarequests:detail", args=[waiting.pk]) in listed
    assert "Not reviewed by KHRC yet" not in html
    actions.record_decision(waiting, member, Body.COMMITTEE, "approve")
    html = client.get(reverse("committee")).content.decode()
    assert "No data request waits for the committee." in html


def test_the_hmis_team_finds_data_requests_in_its_navigation(client, team, member):
    client.force_login(team)
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("datarequests:queue")}"' in html
    client.force_login(member)  # a committee member reaches them from the committee page
    html = client.get(reverse("home")).content.decode()
    assert 'data-nav-key="data_requests"' not in html and 'data-nav-key="committee"' in html


def test_the_team_records_decisions_and_fulfils_from_the_detail_page(client, hmis_world, team):
    request = submit()
    client.force_login(team)
    url = reverse("datarequests:detail", args=[request.pk])
    response = client.post(url, {"form": "khrc", "decision": "decline"})
    assert "requester reads this" in response.content.decode()
    client.post(url, {"form": "khrc", "decision": "approve", "comment": ""})
    client.post(url, {"form": "committee", "decision": "approve", "comment": "At the meeting"})
    request.refresh_from_db()
    assert request.status == DataRequest.Status.APPROVED
    assert request.decisions.get(body=Body.COMMITTEE).on_behalf
    html = client.get(url).content.decode()
    assert "recorded by the HMIS team for the committee" in html
    response = client.post(url, {"form": "fulfil", "days": "30"})
    assert "Choose at least one table." in response.content.decode()
    client.post(
        url,
        {
            "form": "fulfil",
            "dimensions": ["sex", "age_group"],
            "breakdown": "project_type",
            "days": "14",
        },
    )
    request.refresh_from_db()
    extract = request.extracts.get()
    assert request.status == DataRequest.Status.DELIVERED
    assert extract.dimensions == ["sex", "age_group"] and extract.breakdown == "project_type"
    assert (extract.expires_at - timezone.now()).days in (13, 14)


def test_the_staff_list_costs_a_bounded_number_of_queries(
    client, team, member, django_assert_max_num_queries
):
    for n in range(12):
        request = submit(title=f"Request {n}")
        if n % 2:
            actions.record_decision(request, team, Body.KHRC, "approve")
    client.force_login(team)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("datarequests:queue") + "?view=all")
    assert response.content.decode().count('href="/data-requests/') >= 12


def test_the_public_data_request_pages_are_in_spanish(client, team):
    html = client.get(reverse("datarequests:new"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert 'lang="es"' in html and "Solicitar datos de HMIS" in html
    assert "Propósito" in html and "Enviar la solicitud" in html
    request = submit(language="es")
    html = client.get(
        reverse("datarequests:status", args=[request.token]), HTTP_ACCEPT_LANGUAGE="es"
    ).content.decode()
    assert "Pasos y fechas" in html and "Solicitud enviada" in html
    assert "Hola" in mail.outbox[0].body
