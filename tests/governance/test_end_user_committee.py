"""The End User Committee: a public calendar with agendas and notes (and an .ics), questions
signed-in users post ahead of a meeting, answered by the HMIS team."""

from __future__ import annotations

from datetime import timedelta

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from sunflower.accounts.roles import Role
from sunflower.accounts.testing import create_user_with_role
from sunflower.governance.models import EndUserMeeting, MeetingQuestion

pytestmark = [pytest.mark.portal, pytest.mark.django_db]

PASSWORD = "Sunflower-test-password-2026"


@pytest.fixture
def meetings():
    upcoming = EndUserMeeting.objects.create(
        starts_at=timezone.now() + timedelta(days=7),
        place="Video call",
        agenda="* **Exits** and destinations",
    )
    past = EndUserMeeting.objects.create(
        starts_at=timezone.now() - timedelta(days=30),
        place="Topeka",
        notes="Discussed <script>x</script>bed nights",
    )
    return upcoming, past


def test_the_calendar_is_public_with_agendas_notes_and_an_ics(client, meetings):
    upcoming, past = meetings
    html = client.get(reverse("governance:end_user_committee")).content.decode()
    assert "<strong>Exits</strong>" in html and "bed nights" in html and "<script>x" not in html
    assert "Sign in to post a question." in html
    calendar = icalendar.Calendar.from_ical(
        client.get(reverse("governance:end_user_calendar")).content
    )
    assert sorted(str(e["location"]) for e in calendar.walk("VEVENT")) == ["Topeka", "Video call"]


def test_a_signed_in_user_posts_a_question_ahead_and_the_team_answers(client, meetings):
    upcoming, past = meetings
    url = reverse("governance:end_user_committee")
    assert (
        client.post(url, {"meeting": upcoming.pk, "text": "How do I fix an exit date?"}).status_code
        == 302
    )
    assert not MeetingQuestion.objects.exists()  # anonymous: sent to sign in
    user = create_user_with_role("cm@example.org", Role.AGENCY_CES, PASSWORD)
    client.force_login(user)
    client.post(url, {"meeting": upcoming.pk, "text": "How do I fix an exit date?"})
    question = MeetingQuestion.objects.get()
    assert question.author == user
    response = client.post(url, {"meeting": past.pk, "text": "Too late?"})
    assert "posted before the meeting" in response.content.decode()
    assert MeetingQuestion.objects.count() == 1
    answer_url = reverse("governance:answer", args=[question.pk])
    client.post(answer_url, {"answer": "Edit the exit"})
    question.refresh_from_db()
    assert question.answer == ""  # only the HMIS team answers
    client.force_login(create_user_with_role("team@example.org", Role.HMIS_ADMIN, PASSWORD))
    client.post(answer_url, {"answer": "Open the enrollment and edit the exit."})
    question.refresh_from_db()
    assert question.answer.startswith("Open the enrollment")


def test_the_committee_page_is_in_spanish_too(client, meetings):
    html = client.get(
        reverse("governance:end_user_committee"), HTTP_ACCEPT_LANGUAGE="es"
    ).content.decode()
    assert "Comité de Usuarios Finales" in html
