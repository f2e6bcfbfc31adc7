"""Training: required courses per role, lessons before the quiz, scoring, refreshers, the
onboarding gate and the HMIS team's completion page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from sunflower.accounts.roles import Role
from sunflower.accounts.testing import create_user_with_role
from sunflower.portal import actions as portal
from sunflower.portal.models import AccessRequest
from sunflower.training import actions
from sunflower.training.actions import add_months
from sunflower.training.models import Choice, Course, Lesson, Question, QuizAttempt
from sunflower.training.testing import record_practice_pass

pytestmark = [pytest.mark.portal, pytest.mark.django_db]

PASSWORD = "Sunflower-test-password-2026"


def make_course(slug, roles, questions=2, refresher_months=12):
    course = Course.objects.create(
        slug=slug,
        title=slug.title(),
        required_for=[r.value for r in roles],
        refresher_months=refresher_months,
        pass_percent=80,
    )
    Lesson.objects.create(course=course, order=1, title="One", body="**Search first.**")
    Lesson.objects.create(course=course, order=2, title="Two", body="Consent.")
    for n in range(questions):
        question = Question.objects.create(course=course, order=n, text=f"Question {n}?")
        Choice.objects.create(question=question, text="Right", is_correct=True)
        Choice.objects.create(question=question, text="Wrong")
    return course


def answers(course, right=True):
    return {q.pk: q.choices.get(is_correct=right).pk for q in course.questions.all()}


def read_all(user, course):
    for lesson in course.lessons.all():
        actions.complete_lesson(user, lesson)


def test_required_courses_follow_the_role():
    basics = make_course("basics", list(Role))
    ces = make_course("ces", [Role.AGENCY_CES, Role.ACCESS_POINT])
    admin = create_user_with_role("a@example.org", Role.AGENCY_ADMIN, PASSWORD)
    worker = create_user_with_role("w@example.org", Role.AGENCY_CES, PASSWORD)
    assert actions.required_courses(admin) == [basics]
    assert actions.required_courses(worker) == [basics, ces]


def test_the_quiz_needs_every_lesson_and_every_answer_and_scores_against_the_pass_mark():
    course = make_course("basics", list(Role), questions=5)
    user = create_user_with_role("w@example.org", Role.AGENCY_CES, PASSWORD)
    with pytest.raises(ValidationError, match="Read every lesson"):
        actions.submit_quiz(user, course, answers(course))
    read_all(user, course)
    partial = dict(list(answers(course).items())[:3])
    with pytest.raises(ValidationError, match="2 left"):
        actions.submit_quiz(user, course, partial)
    four_of_five = answers(course)
    last = course.questions.last()
    four_of_five[last.pk] = last.choices.get(is_correct=False).pk
    attempt = actions.submit_quiz(user, course, four_of_five)
    assert (attempt.score_percent, attempt.passed) == (80, True)
    three_of_five = dict(four_of_five)
    first = course.questions.first()
    three_of_five[first.pk] = first.choices.get(is_correct=False).pk
    attempt = actions.submit_quiz(user, course, three_of_five)
    assert (attempt.score_percent, attempt.passed) == (60, False)
    # A later failed attempt does not undo the pass.
    assert actions.statuses(user, [course])[0].current


def test_a_pass_runs_out_after_the_refresher_period():
    course = make_course("basics", list(Role), refresher_months=12)
    lifelong = make_course("lifelong", list(Role), refresher_months=0)
    user = create_user_with_role("w@example.org", Role.AGENCY_CES, PASSWORD)
    thirteen_months_ago = timezone.now() - timedelta(days=396)
    for c in (course, lifelong):
        QuizAttempt.objects.create(
            user=user, course=c, score_percent=100, passed=True, taken_at=thirteen_months_ago
        )
    old, forever = actions.statuses(user, [course, lifelong])
    assert (old.state, old.current) == ("refresher_due", False)
    assert forever.current and forever.valid_until is None
    assert actions.training_blockers(user) == ["Pass the training \u201cBasics\u201d."]


def test_add_months_keeps_the_day_or_takes_the_months_last():
    moment = timezone.now().replace(year=2026, month=1, day=31)
    assert add_months(moment, 1).date().isoformat() == "2026-02-28"
    assert add_months(moment, 12).date().isoformat() == "2027-01-31"
    assert (
        add_months(moment.replace(year=2027, month=12, day=15), 2).date().isoformat()
        == "2028-02-15"
    )


def test_an_onboarding_account_is_switched_on_only_after_its_required_trainings(mailoutbox):
    course = make_course("basics", list(Role))
    agency_admin = create_user_with_role("admin@example.org", Role.AGENCY_ADMIN, PASSWORD)
    hmis = create_user_with_role("team@example.org", Role.HMIS_ADMIN, PASSWORD)
    request = portal.submit_access_request(
        first_name="Rosa",
        last_name="Delgado",
        email="rosa@example.org",
        phone="",
        job_title="",
        organization=agency_admin.memberships.get().organization,
        requested_role=Role.AGENCY_CES.value,
        supervisor_name="Mae",
        supervisor_email="mae@example.org",
        reason="",
    )
    portal.decide_as_agency(request, agency_admin, approve=True)
    portal.decide_as_hmis_team(request, hmis, approve=True)
    account = AccessRequest.objects.get().account
    account.set_password("Prairie-wind-sunflower-42")
    account.save()
    assert not portal.activate_if_ready(account)
    assert portal.activation_blockers(account) == [
        "Pass the training \u201cBasics\u201d.",
        "Pass the practice test in the training environment.",
    ]
    record_practice_pass(account)  # the practice test's own tests: test_environment.py
    assert portal.activation_blockers(account) == ["Pass the training \u201cBasics\u201d."]
    read_all(account, course)
    actions.submit_quiz(account, course, answers(course))
    account.refresh_from_db()
    assert account.is_active


def test_an_inactive_trainee_trains_from_the_onboarding_session_only(client):
    course = make_course("basics", list(Role))
    trainee = create_user_with_role("t@example.org", Role.AGENCY_CES, PASSWORD)
    trainee.is_active = False
    trainee.save()
    assert client.get(reverse("training:mine")).status_code == 302  # no session: sign in
    session = client.session
    session["portal_onboarding_user"] = trainee.pk
    session.save()
    page = client.get(reverse("training:mine")).content.decode()
    assert 'data-course="basics"' in page
    lesson = course.lessons.first()
    client.post(reverse("training:lesson", args=["basics", lesson.pk]))
    assert trainee.lessons_completed.filter(lesson=lesson).exists()


def test_the_quiz_page_scores_and_keeps_the_answers_of_a_failed_attempt(client):
    course = make_course("basics", list(Role))
    user = create_user_with_role("w@example.org", Role.AGENCY_CES, PASSWORD)
    read_all(user, course)
    client.force_login(user)
    url = reverse("training:quiz", args=["basics"])
    wrong = {f"q{k}": v for k, v in answers(course, right=False).items()}
    response = client.post(url, wrong)
    html = response.content.decode()
    assert 'data-testid="quiz-failed"' in html and "You scored 0%" in html
    assert html.count("checked") == len(wrong)
    response = client.post(url, {f"q{k}": v for k, v in answers(course).items()})
    assert response.status_code == 302
    assert QuizAttempt.objects.filter(user=user, passed=True).count() == 1


def test_the_completion_page_is_the_hmis_teams_and_lists_every_agency(
    client, django_assert_max_num_queries
):
    make_course("basics", list(Role))
    ces = make_course("ces", [Role.AGENCY_CES])
    hmis = create_user_with_role("team@example.org", Role.HMIS_ADMIN, PASSWORD)
    workers = [
        create_user_with_role(f"w{n}@example.org", Role.AGENCY_CES, PASSWORD) for n in range(6)
    ]
    vsp = create_user_with_role("vsp@example.org", Role.VICTIM_SERVICE_PROVIDER, PASSWORD)
    QuizAttempt.objects.create(user=workers[0], course=ces, score_percent=100, passed=True)
    record_practice_pass(workers[1])
    client.force_login(workers[0])
    assert client.get(reverse("training:completion")).status_code == 403
    client.force_login(hmis)
    with django_assert_max_num_queries(12):
        html = client.get(reverse("training:completion")).content.decode()
    assert all(w.email in html for w in workers)
    courses_html = re.sub(r'<td data-testid="practice-cell">.*?</td>', "", html, flags=re.S)
    # basics for all six, the team and the VSP; ces for five
    assert courses_html.count("not passed") == 6 + 1 + 1 + 5
    practice = dict(
        re.findall(
            r"<td>([^<]+@example\.org)[^<]*</td>.*?<td data-testid=\"practice-cell\">(.*?)</td>",
            html,
            flags=re.S,
        )
    )
    assert "passed" in practice[workers[1].email] and "not" not in practice[workers[1].email]
    assert "not passed" in practice[workers[0].email] and "not passed" in practice[hmis.email]
    assert "not required" in practice[vsp.email]  # a VSP enters no client records
    csv_text = client.get(reverse("training:completion") + "?format=csv").content.decode()
    lines = csv_text.splitlines()
    assert lines[0] == "Agency,User,Role,Basics,Ces,Practice test"
    assert "passed " in csv_text
    by_email = {line.split(",")[1]: line.split(",") for line in lines[1:]}
    assert by_email[workers[1].email][-1].startswith("passed ")
    assert by_email[vsp.email][-1] == "not required"
    assert by_email[workers[2].email][-1] == "not passed"
