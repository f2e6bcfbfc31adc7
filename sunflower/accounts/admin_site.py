"""The Django admin is for HMIS administrators only, as the access policy says.

`restrict_admin_to_hmis_admins()` replaces the admin site's `is_staff` check with the policy
(Action.USE_DJANGO_ADMIN) and sends sign-in to the one Sunflower login page. It is called when
the admin modules are discovered (accounts/admin.py) and again by accounts/urls.py; calling it
twice is harmless.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from sunflower.accounts.policy import Action, can


def may_use_admin(request) -> bool:
    user = request.user
    return bool(user.is_active and can(user, Action.USE_DJANGO_ADMIN))


def _admin_login(request, extra_context=None):
    """One login page for everything: the admin's own form would also demand `is_staff`."""
    if request.user.is_authenticated:
        # Signed in, but the policy refused the admin (else admin_view would not send us here).
        raise PermissionDenied
    target = request.GET.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("admin:index")
    return redirect_to_login(target, settings.LOGIN_URL)


def restrict_admin_to_hmis_admins(site: admin.AdminSite | None = None) -> None:
    site = site or admin.site
    site.has_permission = may_use_admin
    site.login = _admin_login
    site.site_header = _("Sunflower HMIS administration")
    site.site_title = _("Sunflower HMIS administration")
    site.index_title = _("Administration")
    site.site_url = "/"


class PolicyAdminMixin:
    """ModelAdmin permissions from the policy: an HMIS administrator may view, add, change
    and delete; nobody else reaches the admin at all. Without this, the admin would ask for
    Django's per-model permissions, which Sunflower does not hand out."""

    def has_module_permission(self, request):
        return may_use_admin(request)

    def has_view_permission(self, request, obj=None):
        return may_use_admin(request)

    def has_add_permission(self, request):
        return may_use_admin(request)

    def has_change_permission(self, request, obj=None):
        return may_use_admin(request)

    def has_delete_permission(self, request, obj=None):
        return may_use_admin(request)
