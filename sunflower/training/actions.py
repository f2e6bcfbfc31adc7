"""Training rules: which courses a user must pass, reading lessons, scoring a quiz, when a
pass runs out, and the completion table the HMIS team reads."""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from sunflower.accounts.models import Membership

from .models import Course, Lesson, LessonCompletion, PracticeAttempt, QuizAttempt


def add_months(moment: datetime, months: int) -> datetime:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, monthrange(year, month)[1]))


def roles_held(user) -> set[str]:
    """The user's roles, whether or not the account is active yet (a trainee's is not)."""
    return set(Membership.objects.filter(user=user, is_active=True).values_list("role", flat=True))


def required_courses(user) -> list[Course]:
    roles = roles_held(user)
    return [
        course
        for course in Course.objects.filter(is_published=True)
        if roles.intersection(course.required_for)
    ]


@dataclass(frozen=True)
class CourseStatus:
    course: Course
    required: bool
    lessons_total: int
    lessons_done: int
    passed_at: datetime | None
    valid_until: datetime | None

    @property
    def current(self) -> bool:
        """Passed, and the pass has not run out."""
        if self.passed_at is None:
            return False
        return self.valid_until is None or self.valid_until > timezone.now()

    @property
    def state(self) -> str:
        if self.current:
            return "passed"
        if self.passed_at is not None:
            return "refresher_due"
        return "in_progress" if self.lessons_done else "not_started"


def _valid_until(course: Course, passed_at: datetime | None) -> datetime | None:
    if passed_at is None or not course.refresher_months:
        return None
    return add_months(passed_at, course.refresher_months)


def statuses(user, courses=None, required=None) -> list[CourseStatus]:
    """Each course's standing for ``user``, in three queries whatever the number of courses."""
    courses = list(courses if courses is not None else Course.objects.filter(is_published=True))
    required = {
        course.pk for course in (required if required is not None else required_courses(user))
    }
    lesson_counts: dict[int, int] = {}
    for course_id in Lesson.objects.filter(course__in=courses).values_list("course_id", flat=True):
        lesson_counts[course_id] = lesson_counts.get(course_id, 0) + 1
    done: dict[int, int] = {}
    for course_id in LessonCompletion.objects.filter(
        user=user, lesson__course__in=courses
    ).values_list("lesson__course_id", flat=True):
        done[course_id] = done.get(course_id, 0) + 1
    last_pass: dict[int, datetime] = {}
    for course_id, taken_at in QuizAttempt.objects.filter(
        user=user, course__in=courses, passed=True
    ).values_list("course_id", "taken_at"):
        if course_id not in last_pass or taken_at > last_pass[course_id]:
            last_pass[course_id] = taken_at
    return [
        CourseStatus(
            course=course,
            required=course.pk in required,
            lessons_total=lesson_counts.get(course.pk, 0),
            lessons_done=done.get(course.pk, 0),
            passed_at=last_pass.get(course.pk),
            valid_until=_valid_until(course, last_pass.get(course.pk)),
        )
        for course in courses
    ]


def training_blockers(user) -> list[str]:
    """The onboarding requirement: every required course passed (portal.actions)."""
    courses = required_courses(user)
    return [
        _("Pass the training “%(course)s”.") % {"course": status.course.title}
        for status in statuses(user, courses, required=courses)
        if not status.current
    ]


def complete_lesson(user, lesson: Lesson) -> None:
    LessonCompletion.objects.get_or_create(user=user, lesson=lesson)


@transaction.atomic
def submit_quiz(user, course: Course, answers: dict[int, int]) -> QuizAttempt:
    """Score the answers ({question id: choice id}); every lesson must have been read and
    every question answered. A pass may complete onboarding."""
    from sunflower.portal.actions import activate_if_ready

    lessons = set(course.lessons.values_list("pk", flat=True))
    read = set(
        LessonCompletion.objects.filter(user=user, lesson__course=course).values_list(
            "lesson_id", flat=True
        )
    )
    if lessons - read:
        raise ValidationError(_("Read every lesson of the course before taking its quiz."))
    questions = list(course.questions.prefetch_related("choices"))
    if not questions:
        raise ValidationError(_("This course has no quiz yet."))
    missing = [q for q in questions if q.pk not in answers]
    if missing:
        raise ValidationError(_("Answer every question (%(n)d left).") % {"n": len(missing)})
    correct = 0
    for question in questions:
        right = {choice.pk for choice in question.choices.all() if choice.is_correct}
        correct += answers[question.pk] in right
    score = round(100 * correct / len(questions))
    attempt = QuizAttempt.objects.create(
        user=user,
        course=course,
        score_percent=score,
        passed=score >= course.pass_percent,
        answers={str(k): v for k, v in answers.items()},
    )
    if attempt.passed:
        activate_if_ready(user)
    return attempt


@dataclass(frozen=True)
class PracticeStatus:
    """The practice test on the completion page: when the user first passed it (None: not
    yet). Absent (None instead of a PracticeStatus) where the role has no practice task."""

    passed_at: datetime | None


def completion_table(organization_ids=None):
    """(courses, rows): each row a membership, per course its CourseStatus or None where the
    role does not require the course, and its PracticeStatus (or None where the role takes no
    practice test); for the HMIS team's completion page."""
    from .practice import tasks_for  # practice imports this module

    memberships = list(
        Membership.objects.filter(is_active=True)
        .select_related("user", "organization")
        .order_by("organization__organization_name", "user__last_name", "user__first_name")
    )
    if organization_ids is not None:
        memberships = [m for m in memberships if m.organization_id in organization_ids]
    courses = [c for c in Course.objects.filter(is_published=True) if c.required_for]
    users = {m.user_id for m in memberships}
    last_pass: dict[tuple[int, int], datetime] = {}
    for user_id, course_id, taken_at in QuizAttempt.objects.filter(
        user_id__in=users, passed=True
    ).values_list("user_id", "course_id", "taken_at"):
        key = (user_id, course_id)
        if key not in last_pass or taken_at > last_pass[key]:
            last_pass[key] = taken_at
    first_practice_pass: dict[int, datetime] = dict(
        PracticeAttempt.objects.filter(user_id__in=users, passed_at__isnull=False)
        .values("user_id")
        .annotate(first=Min("passed_at"))
        .values_list("user_id", "first")
    )
    rows = []
    for membership in memberships:
        practice = (
            PracticeStatus(first_practice_pass.get(membership.user_id))
            if tasks_for(membership.role)
            else None
        )
        cells = []
        for course in courses:
            passed_at = last_pass.get((membership.user_id, course.pk))
            required = membership.role in course.required_for
            cells.append(
                CourseStatus(course, True, 0, 0, passed_at, _valid_until(course, passed_at))
                if required
                else None
            )
        rows.append((membership, cells, practice))
    return courses, rows
