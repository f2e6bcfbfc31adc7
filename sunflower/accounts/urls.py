"""Sign-in, password reset, the home page, and the feature pages (coming soon)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from sunflower.accounts import views
from sunflower.accounts.admin_site import restrict_admin_to_hmis_admins
from sunflower.core.middleware import public

restrict_admin_to_hmis_admins()

# (path, URL name = feature key in sunflower.accounts.navigation.FEATURES)
FEATURE_PATHS = (
    # ces, ces_meetings and ces_regional_list are served by sunflower.ces (issue 5), reports
    # by sunflower.reports (issue 6), agency_requests by sunflower.portal and committee by sunflower.governance (issue 8),
    # outreach_map by sunflower.outreach (issue 9).
    ("administration/", "administration"),
)

urlpatterns = [
    path(
        "accounts/login/",
        public(auth_views.LoginView.as_view(template_name="registration/login.html")),
        name="login",
    ),
    # Django's LogoutView answers POST only (GET is 405).
    path("accounts/logout/", public(auth_views.LogoutView.as_view()), name="logout"),
    path(
        "accounts/password-reset/",
        public(
            auth_views.PasswordResetView.as_view(
                template_name="registration/password_reset_form.html",
                email_template_name="registration/password_reset_email.html",
                subject_template_name="registration/password_reset_subject.txt",
                success_url=reverse_lazy("password_reset_done"),
            )
        ),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/done/",
        public(
            auth_views.PasswordResetDoneView.as_view(
                template_name="registration/password_reset_done.html"
            )
        ),
        name="password_reset_done",
    ),
    path(
        "accounts/password-reset/complete/",
        public(
            auth_views.PasswordResetCompleteView.as_view(
                template_name="registration/password_reset_complete.html"
            )
        ),
        name="password_reset_complete",
    ),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        public(
            auth_views.PasswordResetConfirmView.as_view(
                template_name="registration/password_reset_confirm.html",
                success_url=reverse_lazy("password_reset_complete"),
            )
        ),
        name="password_reset_confirm",
    ),
    path("", views.home, name="home"),
    *[path(route, views.coming_soon, {"key": name}, name=name) for route, name in FEATURE_PATHS],
]
