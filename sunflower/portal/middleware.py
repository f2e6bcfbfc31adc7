"""A signed-in user who has not signed the New User Agreement in force signs it before
anything else (a new version makes everyone sign again)."""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse

from .actions import agreement_in_force, has_signed

SESSION_KEY = "portal_agreement_signed"
# Pages a user must reach to sign, or to leave.
_OPEN_PREFIXES = ("/static/", "/i18n/", "/accounts/logout/", "/portal/")


class AgreementRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_OPEN_PREFIXES)
        ):
            agreement = agreement_in_force()
            # The session remembers the version signed, so the check costs no query per page.
            if agreement is not None and request.session.get(SESSION_KEY) != agreement.version:
                if not has_signed(user, agreement):
                    return redirect(reverse("portal:agreement") + "?next=" + request.path)
                request.session[SESSION_KEY] = agreement.version
        return self.get_response(request)
