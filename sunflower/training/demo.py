"""Demo courses for the embedded default: HMIS basics for every role, Coordinated Entry for
the CES roles; the demo logins have passed them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from sunflower.accounts.roles import Role

CES_ROLES = [
    Role.ACCESS_POINT,
    Role.AGENCY_CES,
    Role.AGENCY_CES_OUTREACH,
    Role.VICTIM_SERVICE_PROVIDER,
]

COURSES = [
    {
        "slug": "hmis-basics",
        "title": "HMIS basics and privacy",
        "summary": "What HMIS is for, how client data is protected, and searching before creating.",
        "required_for": [role.value for role in Role],
        "lessons": [
            (
                "Why we collect data",
                "HMIS gives the CoC an **unduplicated** count of people served, "
                "and shows which programs help people leave homelessness.",
            ),
            (
                "Privacy and consent",
                "Share a client's information only as their **Release of "
                "Information** allows. Never share your password.",
            ),
            (
                "Search before you create",
                "Search by name, birth date and the last four digits of the "
                "SSN first: a duplicate record splits a person's history.",
            ),
        ],
        "questions": [
            (
                "What do you do before creating a client?",
                ["Search for the client first", "Nothing", "Ask another agency"],
                0,
            ),
            ("Who may use your HMIS password?", ["Only you", "Your supervisor", "Your team"], 0),
            (
                "What decides whether a client's data is shared with other agencies?",
                ["The client's Release of Information", "The case manager's choice", "Nothing"],
                0,
            ),
        ],
    },
    {
        "slug": "coordinated-entry",
        "title": "Coordinated Entry essentials",
        "summary": "Assessment, prioritization and referral in CES.",
        "required_for": [role.value for role in CES_ROLES],
        "lessons": [
            (
                "Access, assessment, prioritization, referral",
                "CES identifies households, assesses "
                "them with one standard tool, prioritizes by need and refers to openings.",
            ),
        ],
        "questions": [
            (
                "How does CES order households for housing?",
                ["By need, with the standard assessment", "First come, first served", "By agency"],
                0,
            ),
        ],
    },
]


def load_training_demo(users) -> int:
    from .models import Choice, Course, Lesson, Question, QuizAttempt

    if settings.PRODUCTION:
        raise ImproperlyConfigured("Demo content is never loaded in production.")
    for order, spec in enumerate(COURSES):
        course, created = Course.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "title": spec["title"],
                "summary": spec["summary"],
                "required_for": spec["required_for"],
                "order": order,
            },
        )
        if not created:
            continue
        for n, (title, body) in enumerate(spec["lessons"]):
            Lesson.objects.create(course=course, order=n, title=title, body=body)
        for n, (text, choices, right) in enumerate(spec["questions"]):
            question = Question.objects.create(course=course, order=n, text=text)
            for i, choice in enumerate(choices):
                Choice.objects.create(question=question, text=choice, is_correct=i == right)
    for user in users:
        for course in Course.objects.all():
            if not QuizAttempt.objects.filter(user=user, course=course, passed=True).exists():
                QuizAttempt.objects.create(user=user, course=course, score_percent=100, passed=True)
    return Course.objects.count()
