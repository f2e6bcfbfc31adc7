"""The practice test's pages. On the live site: the trainee's status, the way in and the
check. On the practice site (/practice/): the entry link that signs the practice account in."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sunflower.core.middleware import public

from . import practice as practice_test
from .environment import in_training_environment, practice_path
from .models import PracticeAttempt
from .views import _needs_learner


def _live_only(view):
    def wrapped(request, *args, **kwargs):
        if in_training_environment():
            raise Http404
        return view(request, *args, **kwargs)

    wrapped.__name__, wrapped.__doc__ = view.__name__, view.__doc__
    return wrapped


@_needs_learner
@_live_only
def status(request, learner):
    """The trainee's practice test: what to do, how far they got, the way in."""
    role = practice_test.practice_role(learner)
    attempt = PracticeAttempt.objects.filter(user=learner).first() if role else None
    tasks = practice_test.tasks_for(role) if role else []
    done = attempt.tasks if attempt else {}
    return render(
        request,
        "training/practice.html",
        {
            "learner": learner,
            "role": role,
            "attempt": attempt,
            "rows": [(task, done.get(task.key)) for task in tasks],
            "passed": practice_test.passed(learner),
        },
    )


@_needs_learner
@_live_only
@require_POST
def start(request, learner):
    if practice_test.practice_role(learner) is None:
        raise Http404
    _attempt, token = practice_test.start_attempt(learner)
    return redirect(practice_path(reverse("training:practice_enter", args=[token])))


@_needs_learner
@_live_only
@require_POST
def check(request, learner):
    attempt = PracticeAttempt.objects.filter(user=learner).first()
    if attempt is None:
        messages.error(request, _("Open the training environment and do the tasks first."))
        return redirect("training:practice")
    attempt = practice_test.check_attempt(attempt)
    if attempt.passed_at is None:
        messages.error(request, _("Not every task is done yet: see the list below."))
        return redirect("training:practice")
    messages.success(request, _("Practice test passed."))
    learner.refresh_from_db()
    if not request.user.is_authenticated and learner.is_active:
        messages.success(request, _("Your account is active. Sign in to HMIS."))
        return redirect("login")
    return redirect("training:mine")


@public
def enter(request, token: str):
    """Practice site only: sign the attempt's practice account in (it has no password)."""
    if not in_training_environment():
        raise Http404
    try:
        entry = practice_test.read_entry_token(token)
    except signing.BadSignature:
        return render(
            request,
            "training/practice_unavailable.html",
            {
                "reason": _(
                    "This link into the training environment is out of date. Open the "
                    "training environment again from your trainings page."
                )
            },
            status=400,
        )
    try:
        account = practice_test.practice_account(entry)
    except practice_test.TrainingEnvironmentNotReady:
        return render(
            request,
            "training/practice_unavailable.html",
            {
                "reason": _(
                    "The training environment is not set up yet. The HMIS team sets it "
                    "up with “sunflower training-environment”."
                )
            },
            status=503,
        )
    login(request, account, backend="django.contrib.auth.backends.ModelBackend")
    return redirect("home")
