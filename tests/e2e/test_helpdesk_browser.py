"""A help-desk ticket sent by e-mail gets a reply, written in a real browser by the HMIS team,
that reaches the sender; the sender's status link shows it.

Screenshots: test-artifacts/e2e/helpdesk/NN-step.png."""

from __future__ import annotations

import itertools
import re
from email.message import EmailMessage

import pytest
from browsing import PASSWORD, sign_in
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from sunflower.accounts.roles import Role
from sunflower.accounts.testing import create_user_with_role

pytestmark = [pytest.mark.portal, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

_shot_numbers = itertools.count(1)


def test_an_emailed_ticket_gets_a_reply_that_reaches_the_sender(
    page, live_server, screenshot_taker, tmp_path
):
    shots = screenshot_taker("helpdesk", _shot_numbers)
    create_user_with_role(
        "lee@hmis.example", Role.HMIS_ADMIN, PASSWORD, first_name="Lee", last_name="Ortiz"
    )
    message = EmailMessage()
    message["From"] = "Rosa Delgado <rosa@agency.example>"
    message["To"] = "help@hmis.example"
    message["Subject"] = "Cannot see my project's clients"
    message["Message-ID"] = "<e2e-1@agency.example>"
    message.set_content("Since this morning the client list is empty.")
    (tmp_path / "in.eml").write_bytes(bytes(message))
    call_command("helpdesk-ingest", str(tmp_path / "in.eml"))

    sign_in(page, live_server, "lee@hmis.example")
    page.goto(live_server.url + reverse("helpdesk:queue"))
    page.get_by_role("link", name=re.compile(r"HD-\d+")).click()
    assert "client list is empty" in page.inner_text("[data-testid=thread]")
    mail.outbox.clear()
    page.fill("#id_body", "Your membership had lapsed; it is renewed. Please sign in again.")
    shots(page, "reply")
    page.click("[data-testid=send-reply]")
    page.wait_for_selector("text=Reply sent.")
    assert page.inner_text("[data-testid=ticket-status]") == "Waiting on the requester"

    sent = [m for m in mail.outbox if m.to == ["rosa@agency.example"]]
    assert len(sent) == 1 and "membership had lapsed" in sent[0].body
    link = re.search(r"(/help/status/\S+/)", sent[0].body).group(1)
    page.context.clear_cookies()
    page.goto(live_server.url + link)  # the sender's private link, no sign-in
    assert "membership had lapsed" in page.inner_text("[data-testid=thread]")
    shots(page, "status-page")
