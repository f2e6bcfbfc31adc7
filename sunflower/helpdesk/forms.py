from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sunflower.accounts.models import Membership
from sunflower.accounts.roles import Role
from sunflower.core.forms import style
from sunflower.portal.models import ResourcePage
from sunflower.portal.spam import HoneypotMixin

from .models import Ticket


class TicketForm(HoneypotMixin, forms.Form):
    requester_name = forms.CharField(label=_("Your name"), max_length=200)
    requester_email = forms.EmailField(label=_("Your e-mail address"))
    category = forms.ChoiceField(
        label=_("What is it about?"), choices=[("", _("Choose one"))] + Ticket.Category.choices
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("How can we help?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Never include a client's name, birth date or SSN: describe the record instead."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Your message"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 5}))
    internal = forms.BooleanField(
        label=_("Internal note (not sent to the requester)"), required=False
    )
    articles = forms.ModelMultipleChoiceField(
        label=_("Link resource-center articles"),
        queryset=ResourcePage.objects.filter(is_published=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


def team_members():
    return (
        Membership.objects.filter(role=Role.HMIS_ADMIN, is_active=True, user__is_active=True)
        .select_related("user")
        .order_by("user__last_name")
    )


class UpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Ticket.Status.choices)
    priority = forms.ChoiceField(label=_("Priority"), choices=Ticket.Priority.choices)
    assigned_to = forms.TypedChoiceField(
        label=_("Assigned to"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].choices = [("", _("Nobody"))] + [
            (m.user_id, str(m.user)) for m in team_members()
        ]
        style(self)


class SurveyForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you with the help you received?"),
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything to add?"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)
