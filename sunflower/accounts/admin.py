from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from sunflower.accounts.admin_site import PolicyAdminMixin, restrict_admin_to_hmis_admins
from sunflower.accounts.forms import AdminUserChangeForm, AdminUserCreationForm
from sunflower.accounts.models import User

# Admin modules are imported before the URLconf: restrict the site before its URLs are built.
restrict_admin_to_hmis_admins()


@admin.register(User)
class UserAdmin(PolicyAdminMixin, DjangoUserAdmin):
    """Django's user admin for the e-mail user: no user name, e-mail is the login."""

    form = AdminUserChangeForm
    add_form = AdminUserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "phone")}),
        # Admin access follows the HMIS administrator role (accounts.actions.sync_admin_flags);
        # Django's groups and per-model permissions are not used.
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "first_name",
                    "last_name",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    list_display = ("email", "first_name", "last_name", "is_active", "last_login")
    list_filter = ("is_active", "is_staff", "is_superuser")
    search_fields = ("email", "first_name", "last_name")
    ordering = ("email",)
    readonly_fields = ("is_staff", "is_superuser", "last_login", "date_joined")
    filter_horizontal = ()
