"""Writing audit entries. Changes are recorded by django-auditlog's signals for every model
registered in sunflower.audit.registry; views of client records are recorded here."""

from __future__ import annotations

from auditlog.context import set_actor
from auditlog.signals import accessed

from sunflower.audit.middleware import client_address, current_request
from sunflower.audit.models import SecurityEvent


def record_view(user, instance) -> None:
    """Append an ACCESS entry (who, when, which record, from where) for a record a user opened."""
    request = current_request()
    with set_actor(user, remote_addr=client_address(request)):
        accessed.send(sender=instance.__class__, instance=instance)


def record_security_event(kind: str, request=None, user=None, attempted_login: str = "") -> SecurityEvent:
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""
    return SecurityEvent.objects.create(
        kind=kind,
        user=user if user is not None and getattr(user, "pk", None) else None,
        attempted_login=(attempted_login or "")[:254],
        remote_addr=client_address(request),
        user_agent=user_agent,
    )
