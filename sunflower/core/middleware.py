"""Fail closed: every page needs a signed-in user unless its view is marked public."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.urls import resolve

PUBLIC_VIEW_ATTRIBUTE = "sunflower_public"


def public(view):
    """Mark a view as reachable without signing in (login page, password reset, public portal)."""
    setattr(view, PUBLIC_VIEW_ATTRIBUTE, True)
    return view


class LoginRequiredMiddleware:
    """Refuses anonymous requests to any view not marked with `@public`.

    Django 5.1 has its own LoginRequiredMiddleware; ours also covers static files served by
    WhiteNoise (which answers before us) and the admin, and keeps one marker for public views.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.user.is_authenticated:
            return None
        if getattr(view_func, PUBLIC_VIEW_ATTRIBUTE, False):
            return None
        view_class = getattr(view_func, "view_class", None)
        if view_class is not None and getattr(view_class, PUBLIC_VIEW_ATTRIBUTE, False):
            return None
        match = resolve(request.path_info)
        if match.app_name == "admin" and match.url_name == "login":
            return None
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
