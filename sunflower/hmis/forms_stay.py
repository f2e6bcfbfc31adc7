"""Forms of the stay pages: the nightly bed-night check-in and the exit (docs/stay-and-exit.md).

The forms parse and show values; the rules live in sunflower/hmis/stay.py."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sunflower.hmis import vocabulary as hud
from sunflower.hmis.stay import exit_errors, grouped_destination_choices


class NightForm(forms.Form):
    """The night shown by the check-in page (GET ?night=YYYY-MM-DD: a date is not personal)."""

    night = forms.DateField(
        label=_("Night of"),
        widget=forms.DateInput(attrs={"type": "date", "class": "usa-input"}, format="%Y-%m-%d"),
    )

    def night_or_today(self):
        if self.is_valid():
            return self.cleaned_data["night"]
        return timezone.localdate()


class BedNightForm(forms.Form):
    """The ticks of one night: `enrollments` are the ids of the clients who stayed."""

    night = forms.DateField(widget=forms.HiddenInput)
    enrollments = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any integer is accepted here; stay.record_bed_nights refuses those not open that
        # night with a message naming them (a plain "not a valid choice" would not).
        self.fields["enrollments"].valid_value = lambda value: str(value).isdigit()


class ExitForm(forms.Form):
    exit_date = forms.DateField(
        label=_("Exit date"),
        help_text=_(
            "The day the client left (for a night-by-night shelter: the day after the last bed night)."
        ),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    destination = forms.TypedChoiceField(label=_("Destination"), coerce=int)
    destination_subsidy_type = forms.TypedChoiceField(
        label=_("Rental subsidy type"),
        help_text=_(
            "Only when the destination is a rental by the client with an ongoing housing subsidy."
        ),
        coerce=int,
        required=False,
        empty_value=None,
    )
    other_destination = forms.CharField(
        label=_("Other destination (describe)"),
        help_text=_("Only when the destination is “Other”."),
        required=False,
        max_length=50,
    )
    whole_household = forms.BooleanField(label=_("Exit the whole household"), required=False)

    def __init__(self, *args, enrollments_for=None, **kwargs):
        """`enrollments_for(whole_household: bool)` gives the enrollments the exit would close,
        so that the form shows every rule's error next to its field."""
        super().__init__(*args, **kwargs)
        self.enrollments_for = enrollments_for
        self.fields["destination"].choices = [
            ("", _("Choose a destination")),
            *grouped_destination_choices(),
        ]
        self.fields["destination_subsidy_type"].choices = [
            ("", "—"),
            *hud.RentalSubsidyType.choices,
        ]
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs.setdefault("class", "usa-checkbox__input")
            elif isinstance(field.widget, forms.Select):
                field.widget.attrs.setdefault("class", "usa-select")
            else:
                field.widget.attrs.setdefault("class", "usa-input")
            if field.help_text:
                field.widget.attrs.setdefault("aria-describedby", f"id_{name}-hint")

    def clean(self):
        data = super().clean()
        if self.errors or self.enrollments_for is None:
            return data
        enrollments = self.enrollments_for(bool(data.get("whole_household")))
        for name, messages in exit_errors(
            enrollments,
            data.get("exit_date"),
            data.get("destination"),
            data.get("destination_subsidy_type"),
            data.get("other_destination", ""),
        ).items():
            for message in messages:
                self.add_error(None if name == "__all__" else name, message)
        return data
