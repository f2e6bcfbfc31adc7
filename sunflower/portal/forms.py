from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from sunflower.core.forms import style
from sunflower.hmis.models import Organization

from .models import REQUESTABLE_ROLES, AccessRequest
from .spam import HoneypotMixin


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class AccessRequestForm(HoneypotMixin, StyledForm, forms.ModelForm):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.filter(date_deleted__isnull=True).order_by(
            "organization_name"
        ),
        label=_("Agency"),
        empty_label=_("Choose your agency"),
        help_text=_("Not listed? Your agency is not in HMIS yet: contact the HMIS team."),
    )
    requested_role = forms.ChoiceField(
        choices=[("", _("Choose a role"))] + REQUESTABLE_ROLES,
        label=_("Requested role"),
        help_text=_('See "Access roles" for what each role can do.'),
    )

    class Meta:
        model = AccessRequest
        fields = [
            "first_name",
            "last_name",
            "email",
            "phone",
            "job_title",
            "organization",
            "requested_role",
            "supervisor_name",
            "supervisor_email",
            "reason",
        ]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        data = super().clean()
        email, supervisor = data.get("email"), data.get("supervisor_email")
        if email and supervisor and email.strip().lower() == supervisor.strip().lower():
            self.add_error(
                "supervisor_email", _("Your supervisor's address must be someone else's.")
            )
        return data


class DecisionForm(StyledForm):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("decline", _("Decline"))], widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note (required to decline; the requester sees a decline reason)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ChoosePasswordForm(StyledForm):
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, strip=False)

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        one, two = data.get("password1"), data.get("password2")
        if one and two and one != two:
            self.add_error("password2", _("The two passwords differ."))
        elif one:
            try:
                password_validation.validate_password(one, self.user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class ConfirmPasswordForm(StyledForm):
    password = forms.CharField(label=_("Your password"), widget=forms.PasswordInput, strip=False)


class SignAgreementForm(StyledForm):
    typed_name = forms.CharField(label=_("Type your full name to sign"), max_length=300)
    agree = forms.BooleanField(label=_("I have read the agreement and agree to it."))
