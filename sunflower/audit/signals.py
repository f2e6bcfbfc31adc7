"""Sign-in events go to the append-only SecurityEvent table."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from sunflower.audit.actions import record_security_event
from sunflower.audit.middleware import current_request
from sunflower.audit.models import SecurityEvent


@receiver(user_logged_in, dispatch_uid="sunflower_audit_login")
def on_login(sender, request, user, **kwargs):
    record_security_event(SecurityEvent.Kind.LOGIN, request, user, attempted_login=user.email)


@receiver(user_logged_out, dispatch_uid="sunflower_audit_logout")
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        record_security_event(SecurityEvent.Kind.LOGOUT, request, user, attempted_login=user.email)


@receiver(user_login_failed, dispatch_uid="sunflower_audit_login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    # Django scrubs the password from `credentials`; only the login name is kept.
    attempted = credentials.get("username") or credentials.get("email") or ""
    record_security_event(
        SecurityEvent.Kind.LOGIN_FAILED, request or current_request(), attempted_login=attempted
    )


@receiver(user_locked_out, dispatch_uid="sunflower_audit_locked_out")
def on_locked_out(sender, request, username, ip_address, **kwargs):
    record_security_event(SecurityEvent.Kind.LOCKED_OUT, request, attempted_login=username or "")
