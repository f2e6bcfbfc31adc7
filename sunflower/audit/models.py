"""Append-only security events (sign-ins, failed sign-ins, lock-outs, sign-outs).

Changes to records and views of client records are in django-auditlog's LogEntry table (see
sunflower.audit.registry and sunflower.audit.actions); both tables refuse UPDATE and DELETE in
the database itself (migration 0002).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove an audit record."""


class SecurityEvent(models.Model):
    class Kind(models.TextChoices):
        LOGIN = "login", _("signed in")
        LOGIN_FAILED = "login_failed", _("failed sign-in")
        LOGOUT = "logout", _("signed out")
        LOCKED_OUT = "locked_out", _("locked out")
        PASSWORD_RESET_REQUESTED = "password_reset_requested", _("password reset requested")

    kind = models.CharField(max_length=32, choices=Kind.choices, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What was typed as the login name; kept for failed attempts with no matching user.
    attempted_login = models.CharField(max_length=254, blank=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.attempted_login}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Security events are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Security events are never deleted.")
