"""The help desk: tickets from the web form and from e-mail, replies and internal notes
(and who receives what), the requester's status page, targets, assignment and the survey."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from sunflower.accounts.roles import Role
from sunflower.accounts.testing import create_user_with_role
from sunflower.helpdesk import actions
from sunflower.helpdesk.models import Ticket, TicketMessage
from sunflower.portal.models import ResourcePage

# Transactional: e-mails go out on commit, as in production.
pytestmark = [pytest.mark.portal, pytest.mark.django_db(transaction=True)]

PASSWORD = "Sunflower-test-password-2026"


@pytest.fixture
def team():
    return create_user_with_role("lee@hmis.example", Role.HMIS_ADMIN, PASSWORD, first_name="Lee")


def eml(
    path,
    *,
    sender="Rosa Delgado <rosa@agency.example>",
    subject="Cannot run my APR",
    body="The APR page says I have no projects.",
    message_id="<m1@agency.example>",
):
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, "help@hmis.example", subject
    message["Message-ID"] = message_id
    message.set_content(body)
    path.write_bytes(bytes(message))
    return path


def test_an_email_opens_a_ticket_once_and_acknowledges_the_sender(tmp_path, team):
    path = eml(tmp_path / "one.eml")
    call_command("helpdesk-ingest", str(path))
    call_command("helpdesk-ingest", str(path))  # fed twice: filed once
    ticket = Ticket.objects.get()
    assert (ticket.source, ticket.requester_email, ticket.subject) == (
        "email",
        "rosa@agency.example",
        "Cannot run my APR",
    )
    assert ticket.messages.get().body == "The APR page says I have no projects."
    to_sender = [m for m in mail.outbox if m.to == ["rosa@agency.example"]]
    assert len(to_sender) == 1 and f"[{ticket.reference}]" in to_sender[0].subject
    assert reverse("helpdesk:status", args=[ticket.token]) in to_sender[0].body
    to_team = [m for m in mail.outbox if m.to == ["lee@hmis.example"]]
    assert len(to_team) == 1 and "no projects" not in to_team[0].body  # a link, not the text


def test_a_reply_reaches_the_sender_and_their_email_reply_joins_the_ticket(tmp_path, team):
    call_command("helpdesk-ingest", str(eml(tmp_path / "one.eml")))
    ticket = Ticket.objects.get()
    mail.outbox.clear()
    actions.reply(ticket, team, "Ask your agency admin to add you to the project.")
    actions.reply(ticket, team, "Checked her memberships.", internal=True)
    assert [m.to for m in mail.outbox] == [["rosa@agency.example"]]  # the note is not mailed
    assert "agency admin" in mail.outbox[0].body and "memberships" not in mail.outbox[0].body
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.WAITING and ticket.first_response_at is not None
    assert ticket.assigned_to == team
    answer = eml(
        tmp_path / "two.eml",
        subject=f"Re: [{ticket.reference}] Reply: Cannot run my APR",
        body="Thanks, it works now.\n\nOn Mon, Lee wrote:\n> Ask your agency admin",
        message_id="<m2@agency.example>",
    )
    call_command("helpdesk-ingest", str(answer))
    assert Ticket.objects.count() == 1
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    assert ticket.messages.last().body == "Thanks, it works now."  # quoted history dropped
    assert mail.outbox[-1].to == ["lee@hmis.example"]


def test_a_reference_from_another_address_opens_a_new_ticket(tmp_path, team):
    call_command("helpdesk-ingest", str(eml(tmp_path / "one.eml")))
    first = Ticket.objects.get()
    other = eml(
        tmp_path / "x.eml",
        sender="x@elsewhere.example",
        subject=f"[{first.reference}] hi",
        message_id="<m3@x>",
    )
    call_command("helpdesk-ingest", str(other))
    assert Ticket.objects.count() == 2
    assert first.messages.count() == 1


def test_an_email_without_a_sender_is_refused_and_the_rest_still_land(tmp_path, team):
    bad = EmailMessage()
    bad["Subject"] = "no sender"
    bad.set_content("x")
    (tmp_path / "bad.eml").write_bytes(bytes(bad))
    with pytest.raises(CommandError):
        call_command("helpdesk-ingest", str(tmp_path / "bad.eml"), str(eml(tmp_path / "ok.eml")))
    assert Ticket.objects.count() == 1


def test_the_web_form_opens_a_ticket_and_the_status_page_hides_internal_notes(client, team):
    response = client.post(
        reverse("helpdesk:new"),
        {
            "requester_name": "Rosa",
            "requester_email": "rosa@agency.example",
            "category": "access",
            "subject": "Locked out",
            "body": "I am locked out.",
            "website": "",
        },
    )
    ticket = Ticket.objects.get()
    assert response["Location"] == reverse("helpdesk:status", args=[ticket.token])
    actions.reply(ticket, team, "Unlocked.")
    actions.reply(ticket, team, "Third lock-out this month.", internal=True)
    page = client.get(response["Location"]).content.decode()
    assert "Unlocked." in page and "Third lock-out" not in page
    client.post(response["Location"], {"body": "Thank you"})
    assert ticket.messages.filter(from_requester=True).count() == 2
    assert client.get(reverse("helpdesk:status", args=["not-a-token"])).status_code == 404


def test_a_web_form_with_errors_keeps_the_text(client):
    response = client.post(
        reverse("helpdesk:new"),
        {
            "requester_name": "Rosa",
            "requester_email": "not-an-address",
            "category": "access",
            "subject": "Locked out",
            "body": "I am locked out of HMIS.",
            "website": "",
        },
    )
    assert response.status_code == 200 and Ticket.objects.count() == 0
    assert "I am locked out of HMIS." in response.content.decode()


def test_only_the_hmis_team_opens_the_queue_and_tickets(client, team):
    ticket = actions.open_ticket(
        subject="s", body="b", category="reports", requester_name="R", requester_email="r@x.example"
    )
    worker = create_user_with_role("w@example.org", Role.AGENCY_ADMIN, PASSWORD)
    client.force_login(worker)
    assert client.get(reverse("helpdesk:queue")).status_code == 403
    assert client.get(reverse("helpdesk:ticket", args=[ticket.pk])).status_code == 403
    client.force_login(team)
    assert ticket.reference in client.get(reverse("helpdesk:queue")).content.decode()


def test_the_queue_flags_missed_targets_and_its_queries_do_not_grow(
    client, team, django_assert_max_num_queries
):
    for n in range(8):
        t = actions.open_ticket(
            subject=f"s{n}",
            body="b",
            category="technical",
            requester_name="R",
            requester_email=f"r{n}@x.example",
        )
    Ticket.objects.filter(pk=t.pk).update(
        priority="urgent", created_at=timezone.now() - timedelta(hours=3)
    )
    client.force_login(team)
    with django_assert_max_num_queries(10):
        html = client.get(reverse("helpdesk:queue")).content.decode()
    assert html.count("first response overdue") == 1


def test_resolving_mails_the_survey_link_and_the_rating_is_kept(client, team):
    ticket = actions.open_ticket(
        subject="s",
        body="b",
        category="data_entry",
        requester_name="R",
        requester_email="r@x.example",
    )
    page = ResourcePage.objects.create(slug="exits", title_en="Recording exits", body_en="x")
    actions.reply(ticket, team, "See the guide.", articles=[page])
    assert "/portal/resources/exits/" in mail.outbox[-1].body
    other = create_user_with_role("w@example.org", Role.AGENCY_ADMIN, PASSWORD)
    with pytest.raises(Exception, match="HMIS team"):
        actions.update(ticket, team, status="open", priority="normal", assigned_to=other)
    actions.update(ticket, team, status="resolved", priority="normal", assigned_to=team)
    assert "Rate our help" in mail.outbox[-1].body
    client.post(
        reverse("helpdesk:status", args=[ticket.token]), {"satisfaction": "5", "comment": "Fast"}
    )
    ticket.refresh_from_db()
    assert (ticket.satisfaction, ticket.satisfaction_comment, ticket.resolved_at is not None) == (
        5,
        "Fast",
        True,
    )
    assert TicketMessage.objects.filter(ticket=ticket).count() == 2
