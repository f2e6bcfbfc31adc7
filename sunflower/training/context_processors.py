"""The training environment's banner: on every page of the practice site, with the practice
account's tasks ticked off as they are done."""

from __future__ import annotations

from django.urls import reverse

from .environment import in_training_environment, live_path


def practice(request):
    if not in_training_environment():
        return {}
    from .practice import TRAINING_DOMAIN, task_states, tasks_for

    user = getattr(request, "user", None)
    tasks = []
    if user is not None and user.is_authenticated and user.email.endswith("@" + TRAINING_DOMAIN):
        role = next(
            iter(user.memberships.filter(is_active=True).values_list("role", flat=True)), None
        )
        if role is not None:
            states = task_states(user, role)
            tasks = [(task, states[task.key]) for task in tasks_for(role)]
    return {"practice": {"tasks": tasks, "live_url": live_path(reverse("training:practice"))}}
