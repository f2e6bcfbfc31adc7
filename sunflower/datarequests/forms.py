from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sunflower.core.forms import style
from sunflower.portal.spam import HoneypotMixin

from . import extract
from .models import DataRequest, DataRequestDecision, Identifier

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _text(label, help_text="", rows=4, required=True):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class DataRequestForm(HoneypotMixin, forms.Form):
    """The public form. Required fields are checked here; the request's own rules (the
    period, the identifiers' justification) in actions.validate."""

    requester_name = forms.CharField(label=_("Your name"), max_length=200)
    requester_email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("The private link to follow your request is sent to this address."),
    )
    requester_organization = forms.CharField(label=_("Organization or institution"), max_length=200)
    requester_phone = forms.CharField(label=_("Phone (optional)"), max_length=30, required=False)
    title = forms.CharField(label=_("Short title of the request"), max_length=200)
    purpose = _text(
        _("Purpose"),
        _("The question you want to answer, and who the study or report is for."),
    )
    data_wanted = _text(
        _("Data wanted"),
        _(
            "Which people, programs and measures (for example: people served by project type "
            "and age group, exits to permanent housing)."
        ),
    )
    period_start = forms.DateField(label=_("Period from"), widget=DATE)
    period_end = forms.DateField(label=_("Period to"), widget=DATE)
    intended_use = _text(
        _("Use and publication"),
        _("How the data will be analysed, published or shared, and by whom."),
    )
    retention_plan = _text(
        _("Retention and destruction"),
        _("Where the data will be kept, who can see it, how long, and how it will be destroyed."),
        rows=3,
    )
    identifiers_requested = forms.BooleanField(
        label=_("I need client-level data with personal identifiers"),
        required=False,
        help_text=_(
            "Extracts are aggregate and de-identified unless the Oversight Committee "
            "approves identifiers."
        ),
    )
    identifiers_justification = _text(
        _("Why identifiers are needed (only if you ask for them)"),
        _("For example an approved research protocol linking records with another data set."),
        rows=3,
        required=False,
    )
    agreement = forms.BooleanField(
        label=_("I will use the data only as described and keep and destroy it as stated."),
        error_messages={"required": _("Confirm how you will use and keep the data.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        messages = {
            "requester_name": _("Give your name."),
            "requester_email": _("Give an e-mail address: the status link is sent to it."),
            "requester_organization": _("Give your organization or institution."),
            "title": _("Give the request a short title."),
            "purpose": _("Describe the purpose of the request."),
            "data_wanted": _("Describe the data you want."),
            "period_start": _("Give the first day of the period."),
            "period_end": _("Give the last day of the period."),
            "intended_use": _("Say how the data will be used and published."),
            "retention_plan": _(
                "Say how long you will keep the data and how it will be destroyed."
            ),
        }
        for name, message in messages.items():
            self.fields[name].error_messages["required"] = message
        for name in ("period_start", "period_end"):
            self.fields[name].error_messages["invalid"] = _("Enter a date (YYYY-MM-DD).")
        self.fields["requester_email"].error_messages["invalid"] = _(
            "Enter an e-mail address such as name@example.org."
        )
        style(self)

    def request_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("website", None)
        data.pop("agreement", None)
        return data


class ResponseForm(forms.Form):
    text = _text(_("Your answer to the requested changes"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].error_messages["required"] = _(
            "Write your answer to the requested changes."
        )
        style(self)


class AcknowledgeForm(forms.Form):
    complexity = forms.ChoiceField(
        label=_("Complexity"), choices=DataRequest.Complexity.choices, widget=forms.RadioSelect
    )
    note = _text(_("Note for the timeline (optional)"), rows=2, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=DataRequestDecision.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose approve, decline or needs changes.")},
    )
    comment = _text(
        _("Comment (sent to the requester)"),
        _("Required to decline or to ask for changes."),
        rows=3,
        required=False,
    )
    approved_identifiers = forms.MultipleChoiceField(
        label=_("Identifiers approved"),
        choices=Identifier.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only if the requester asked for them; leave empty for de-identified data."),
    )

    def __init__(self, *args, committee: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not committee:
            del self.fields["approved_identifiers"]
        style(self)


class FeeForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Fee (US dollars)"), min_value=0, max_digits=9, decimal_places=2
    )
    note = _text(_("What the fee covers (sent to the requester)"), rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class FulfilForm(forms.Form):
    dimensions = forms.MultipleChoiceField(
        label=_("Tables (people counted by)"),
        choices=extract.DIMENSIONS,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one table.")},
    )
    breakdown = forms.ChoiceField(
        label=_("Broken down by"), choices=extract.BREAKDOWNS, required=False
    )
    identifier_columns = forms.MultipleChoiceField(
        label=_("Client-level file with these approved identifiers"),
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    days = forms.IntegerField(label=_("Days the download link lasts"), min_value=1, max_value=90)

    def __init__(self, *args, approved=(), **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Identifier.choices)
        if approved:
            self.fields["identifier_columns"].choices = [(v, labels[v]) for v in approved]
        else:
            del self.fields["identifier_columns"]
        style(self)
