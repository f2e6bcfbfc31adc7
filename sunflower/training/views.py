"""Training pages. A signed-in user trains as themselves; a new user whose account is not
active yet trains from the onboarding session (portal.views.onboarding_account), which is why
these views are ``@public`` and find their learner themselves."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sunflower.accounts.policy import Action, require
from sunflower.core.forms import add_validation_errors
from sunflower.core.middleware import public
from sunflower.portal.markup import render_markdown
from sunflower.portal.views import onboarding_account

from . import actions
from .forms import QuizForm
from .models import Course, Lesson


def _learner(request):
    if request.user.is_authenticated:
        return request.user
    return onboarding_account(request)


def _needs_learner(view):
    def wrapped(request, *args, **kwargs):
        learner = _learner(request)
        if learner is None:
            return redirect(reverse("login") + "?next=" + request.path)
        return view(request, learner, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return public(wrapped)


@_needs_learner
def mine(request, learner):
    """The learner's courses: required ones first, with progress and refresher dates."""
    rows = actions.statuses(learner)
    rows.sort(key=lambda status: (not status.required, status.course.order))
    from .practice import passed, practice_blockers, practice_role

    return render(
        request,
        "training/mine.html",
        {
            "learner": learner,
            "rows": rows,
            "blockers": actions.training_blockers(learner) + practice_blockers(learner),
            "practice_required": practice_role(learner) is not None,
            "practice_passed": passed(learner),
        },
    )


@_needs_learner
def course(request, learner, slug: str):
    course = get_object_or_404(Course, slug=slug, is_published=True)
    lessons = list(course.lessons.all())
    done = set(
        learner.lessons_completed.filter(lesson__course=course).values_list("lesson_id", flat=True)
    )
    return render(
        request,
        "training/course.html",
        {
            "course": course,
            "lessons": [(lesson, lesson.pk in done) for lesson in lessons],
            "all_read": all(lesson.pk in done for lesson in lessons),
            "status": actions.statuses(learner, [course])[0],
        },
    )


@_needs_learner
@require_http_methods(["GET", "POST"])
def lesson(request, learner, slug: str, pk: int):
    lesson = get_object_or_404(Lesson, pk=pk, course__slug=slug, course__is_published=True)
    if request.method == "POST":
        actions.complete_lesson(learner, lesson)
        following = lesson.course.lessons.filter(order__gt=lesson.order).first()
        if following is not None:
            return redirect("training:lesson", slug=slug, pk=following.pk)
        return redirect("training:course", slug=slug)
    return render(
        request, "training/lesson.html", {"lesson": lesson, "body": render_markdown(lesson.body)}
    )


@_needs_learner
@require_http_methods(["GET", "POST"])
def quiz(request, learner, slug: str):
    course = get_object_or_404(Course, slug=slug, is_published=True)
    questions = list(course.questions.prefetch_related("choices"))
    form = QuizForm(questions, request.POST or None)
    attempt = None
    if request.method == "POST" and form.is_valid():
        try:
            attempt = actions.submit_quiz(learner, course, form.answers())
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            if attempt.passed:
                messages.success(
                    request, _("Passed with %(score)d%%.") % {"score": attempt.score_percent}
                )
                learner.refresh_from_db()
                if not request.user.is_authenticated and learner.is_active:
                    # The last requirement of onboarding: the account is on, sign in.
                    messages.success(request, _("Your account is active. Sign in to HMIS."))
                    return redirect("login")
                return redirect("training:mine")
            form = QuizForm(questions, request.POST)  # keep the answers given, to look again
            form.is_valid()
    return render(
        request, "training/quiz.html", {"course": course, "form": form, "attempt": attempt}
    )


def completion(request):
    """HMIS team: who has passed what, across agencies (CSV with ?format=csv)."""
    require(request.user, Action.MANAGE_USERS_PROJECTS_APPROVALS)
    courses, rows = actions.completion_table()
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="training-completion.csv"'
        writer = csv.writer(response)
        writer.writerow(["Agency", "User", "Role", *[c.title for c in courses], "Practice test"])
        for membership, cells, practice in rows:
            writer.writerow(
                [
                    membership.organization.organization_name,
                    membership.user.email,
                    membership.get_role_display(),
                    *[_cell_text(cell) for cell in cells],
                    _practice_text(practice),
                ]
            )
        return response
    return render(request, "training/completion.html", {"courses": courses, "rows": rows})


def _cell_text(status) -> str:
    if status is None:
        return "not required"
    if status.current:
        return f"passed {status.passed_at:%Y-%m-%d}"
    return "refresher due" if status.passed_at else "not passed"


def _practice_text(status) -> str:
    if status is None:
        return "not required"
    return f"passed {status.passed_at:%Y-%m-%d}" if status.passed_at else "not passed"
