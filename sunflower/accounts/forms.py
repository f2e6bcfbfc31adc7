"""Admin forms for the e-mail user (Django's user forms assume a `username` field)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from sunflower.accounts.models import User


class _EmailFormMixin:
    """E-mail addresses are stored in lower case and unique whatever their case."""

    def clean_email(self):
        email = (self.cleaned_data.get("email") or "").strip().lower()
        others = User.objects.filter(email__iexact=email)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if email and others.exists():
            raise forms.ValidationError(_("A user with this e-mail address already exists."))
        return email


class AdminUserCreationForm(_EmailFormMixin, auth_forms.AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "first_name", "last_name")


class AdminUserChangeForm(_EmailFormMixin, auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
