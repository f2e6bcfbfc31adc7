"""Test helpers: record a practice test as passed, for tests about the other onboarding steps
(the check itself is tested in tests/training/test_environment.py)."""

from __future__ import annotations

import secrets

from django.utils import timezone

from .models import PracticeAttempt
from .practice import practice_role


def record_practice_pass(user) -> PracticeAttempt:
    now = timezone.now()
    return PracticeAttempt.objects.create(
        user=user,
        role=practice_role(user) or "",
        practice_username=f"practice-{secrets.token_hex(6)}",
        checked_at=now,
        passed_at=now,
    )
