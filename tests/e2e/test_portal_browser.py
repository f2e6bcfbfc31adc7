"""The new-user access flow in a real browser: a person requests access on the public portal,
their agency administrator and then the HMIS team approve it, the person follows the e-mailed
link, chooses a password, signs the New User Agreement, passes the required training (a
lesson and its quiz; a wrong answer first), does the practice test in the training environment
(creates a client, enrolls them, enters a household in Coordinated Entry and assesses it, all
in the training database), and, the account now active, signs in to the live system.

Screenshots of each step: test-artifacts/e2e/portal/NN-step.png."""

from __future__ import annotations

import itertools
import re

import pytest
from browsing import PASSWORD, sign_in  # tests/e2e is on sys.path (no package)
from django.core import mail
from django.urls import reverse

from sunflower.accounts.roles import Role
from sunflower.accounts.testing import create_user_with_role

# The same steps as the case-management and CES browser tests, here in the training site.
from test_casemgmt_flows import add_member, fill_client_form  # noqa: E402  isort: skip
from test_ces_browser_flow import fill_housing_assessment  # noqa: E402  isort: skip

pytestmark = [
    pytest.mark.portal,
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, databases=["default", "training"]),
]

NEW_PASSWORD = "Prairie-wind-sunflower-42"
_shot_numbers = itertools.count(1)


@pytest.fixture
def shots(screenshot_taker):
    return screenshot_taker("portal", _shot_numbers)


def decide(page, live_server, person: str, note: str) -> None:
    page.goto(live_server.url + reverse("agency_requests"))
    page.get_by_role("link", name=person).click()
    page.click("label[for=id_decision_0]")  # USWDS hides the input behind its label
    page.fill("#id_note", note)
    page.click("[data-testid=record-decision]")
    page.wait_for_url(live_server.url + reverse("agency_requests"))


def test_a_new_user_requests_access_is_approved_twice_signs_and_signs_in(page, live_server, shots):
    from sunflower.hmis.testing import make_organization
    from sunflower.portal.models import UserAgreement
    from sunflower.training.practice import fill_environment

    fill_environment(clients=10)  # the training environment's synthetic data
    agency = make_organization(organization_name="Flint Hills Housing")
    create_user_with_role(
        "admin@flinthills.example",
        Role.AGENCY_ADMIN,
        PASSWORD,
        agency,
        first_name="Mae",
        last_name="Turner",
    )
    create_user_with_role(
        "team@hmis.example", Role.HMIS_ADMIN, PASSWORD, first_name="Lee", last_name="Ortiz"
    )
    UserAgreement.objects.create(
        version="2026-1", body="I keep client information **confidential**."
    )
    from sunflower.training.models import Choice, Course, Lesson, Question

    course = Course.objects.create(
        slug="hmis-basics", title="HMIS basics", required_for=[Role.AGENCY_CES.value]
    )
    Lesson.objects.create(course=course, title="Search first", body="Search **before** creating.")
    question = Question.objects.create(
        course=course, text="What do you do before creating a client?"
    )
    Choice.objects.create(question=question, text="Create it at once")
    Choice.objects.create(question=question, text="Search for the client", is_correct=True)
    from sunflower.accounts.models import User
    from sunflower.portal.models import AgreementSignature

    agreement = UserAgreement.objects.get()
    for reviewer in User.objects.all():  # the reviewers signed long ago
        AgreementSignature.objects.create(
            user=reviewer, agreement=agreement, typed_name=reviewer.get_full_name()
        )

    # The public portal: no sign-in.
    page.goto(live_server.url + reverse("portal:access"))
    page.click("[data-testid=request-access-link]")
    page.fill("#id_first_name", "Rosa")
    page.fill("#id_last_name", "Delgado")
    page.fill("#id_email", "rosa@flinthills.example")
    page.select_option("#id_organization", label="Flint Hills Housing")
    page.select_option("#id_requested_role", Role.AGENCY_CES.value)
    page.fill("#id_supervisor_name", "Mae Turner")
    page.fill("#id_supervisor_email", "rosa@flinthills.example")  # a mistake: her own address
    page.click("[data-testid=submit-access-request]")
    assert page.locator("[data-testid=error-supervisor_email]").is_visible()
    assert page.input_value("#id_first_name") == "Rosa"  # nothing typed is lost
    page.fill("#id_supervisor_email", "mae@flinthills.example")
    shots(page, "access-request")
    page.click("[data-testid=submit-access-request]")
    page.wait_for_selector("[data-testid=access-request-sent]")
    assert any(m.to == ["admin@flinthills.example"] for m in mail.outbox)

    # The agency administrator, then the HMIS team.
    sign_in(page, live_server, "admin@flinthills.example")
    decide(page, live_server, "Rosa Delgado", "Our new case manager")
    shots(page, "agency-approved")
    sign_in(page, live_server, "team@hmis.example")
    decide(page, live_server, "Rosa Delgado", "Trainings assigned")
    assert User.objects.get(email="rosa@flinthills.example").is_active is False

    # The e-mailed link: password, agreement, active.
    message = next(m for m in reversed(mail.outbox) if m.to == ["rosa@flinthills.example"])
    link = re.search(r"(/portal/onboarding/\S+/)", message.body).group(1)
    page.context.clear_cookies()
    page.goto(live_server.url + link)
    page.fill("#id_password1", NEW_PASSWORD)
    page.fill("#id_password2", NEW_PASSWORD)
    page.click("[data-testid=choose-password]")
    page.wait_for_selector("[data-testid=agreement-text]")
    assert "confidential" in page.inner_text("[data-testid=agreement-text]")
    page.fill("#id_typed_name", "Rosa Delgado")
    page.click("label[for=id_agree]")
    shots(page, "agreement")
    page.click("[data-testid=sign-agreement]")
    page.wait_for_selector("[data-testid=start-training]")
    assert "Pass the training" in page.inner_text("[data-testid=onboarding-steps]")
    assert User.objects.get(email="rosa@flinthills.example").is_active is False

    # The required training: the lesson, then the quiz (a wrong answer first).
    page.click("[data-testid=start-training]")
    page.get_by_role("link", name="HMIS basics").click()
    page.get_by_role("link", name="Search first").click()
    page.click("[data-testid=lesson-done]")
    page.click("[data-testid=take-quiz]")
    page.click(f"label[for=id_q{question.pk}_0]")  # "Create it at once"
    page.click("[data-testid=submit-quiz]")
    page.wait_for_selector("[data-testid=quiz-failed]")
    assert User.objects.get(email="rosa@flinthills.example").is_active is False
    page.click(f"label[for=id_q{question.pk}_1]")
    shots(page, "quiz")
    page.click("[data-testid=submit-quiz]")
    page.wait_for_url(live_server.url + reverse("training:mine"))
    assert User.objects.get(email="rosa@flinthills.example").is_active is False

    do_the_practice_test(page, live_server, shots)
    page.wait_for_url(live_server.url + reverse("login"))
    assert "Your account is active" in page.inner_text("main")
    assert User.objects.get(email="rosa@flinthills.example").is_active is True
    shots(page, "account-active")

    sign_in(page, live_server, "rosa@flinthills.example", NEW_PASSWORD)
    assert "Flint Hills Housing" in page.inner_text("main")


def do_the_practice_test(page, live_server, shots) -> None:
    """From the trainings page: into the training environment, the three tasks, back to the
    live site, the check."""
    import datetime as dt

    from django.utils import timezone

    from sunflower.hmis.models import Client, Project
    from sunflower.training.environment import TRAINING_DB

    url = live_server.url
    live_clients = Client.objects.count()
    page.click("[data-testid=practice-link]")
    page.click("[data-testid=open-training-environment]")
    page.wait_for_url(url + "/practice/")
    banner = page.locator("[data-testid=practice-banner]")
    assert "synthetic data only" in banner.inner_text()
    shots(page, "training-environment")

    # 1. Create a client.
    page.goto(url + "/practice" + reverse("client_create"))
    fill_client_form(page, "Prairie", "Practiceperson", dt.date(1988, 7, 9), 0)
    page.get_by_role("button", name="Check for duplicates and create").click()
    page.wait_for_url(re.compile(re.escape(url) + r"/practice/clients/\d+/$"))
    made = Client.objects.using(TRAINING_DB).get(last_name="Practiceperson")
    assert Client.objects.count() == live_clients  # not in the live database

    # 2. Enroll them in the training agency's shelter.
    shelter = Project.objects.using(TRAINING_DB).get(project_name="Training Emergency Shelter")
    page.goto(url + "/practice" + reverse("enroll_new"))
    page.select_option("#id_project", str(shelter.pk))
    page.fill("#id_entry_date", f"{timezone.localdate():%Y-%m-%d}")
    add_member(page, "Practiceperson", made, 1)
    page.click("button[name=action][value=enroll]")
    page.wait_for_url(re.compile(re.escape(url) + r"/practice/enrollments/\d+/intake/$"))

    # 3. A household in Coordinated Entry, and its assessment (the CE agreement first).
    page.goto(url + "/practice" + reverse("ces_intake"))
    page.get_by_label(re.compile("name", re.I)).first.fill("Trainee Practice")
    page.get_by_role("button", name="I agree and sign").click()
    page.wait_for_selector("[data-testid=practice-banner]")
    page.goto(url + "/practice" + reverse("ces_intake"))
    fill_client_form(page, "Second", "Practiceperson", dt.date(1979, 2, 3), 1)
    page.select_option("#id_ce_project", label="Training Coordinated Entry")
    page.get_by_role("button", name=re.compile("create|save|enter", re.I)).first.click()
    page.wait_for_url(re.compile(re.escape(url) + r"/practice/ces/enrollments/\d+/assess/$"))
    page.get_by_label("Region whose list the household joins").select_option(index=1)
    fill_housing_assessment(page)
    page.get_by_role("button", name="Save the assessment").click()
    page.wait_for_selector("[data-task=ces_assessment][data-done=yes]")
    shots(page, "practice-tasks-done")

    # Back on the live site: the check reads the work from the training database.
    page.click("[data-testid=practice-done]")
    page.wait_for_url(url + reverse("training:practice"))
    page.click("[data-testid=check-practice]")
