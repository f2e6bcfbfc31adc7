from django import forms
from django.utils.translation import gettext_lazy as _

from sunflower.chronic.models import HomelessPeriod


class HomelessPeriodForm(forms.Form):
    start_date = forms.DateField(
        label=_("First night"),
        widget=forms.DateInput(attrs={"class": "usa-input", "type": "date"}),
    )
    end_date = forms.DateField(
        label=_("Last night (leave empty if it is still going on)"),
        required=False,
        widget=forms.DateInput(attrs={"class": "usa-input", "type": "date"}),
    )
    place = forms.ChoiceField(
        label=_("Where the client stayed"),
        choices=[("", _("- Select -"))] + HomelessPeriod.Place.choices,
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    evidence = forms.ChoiceField(
        label=_("Evidence"),
        choices=[("", _("- Select -"))] + HomelessPeriod.Evidence.choices,
        widget=forms.Select(attrs={"class": "usa-select"}),
        help_text=_(
            "In HUD's order of preference. For CoC permanent supportive housing, self-"
            "certification may cover at most 3 of the 12 months."
        ),
    )
    verifier_organization = forms.CharField(
        label=_("Verifying organization"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "usa-input"}),
    )
    verifier_name = forms.CharField(
        label=_("Verified by (name)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "usa-input"}),
    )
    document = forms.TypedChoiceField(
        label=_("Supporting document (optional)"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs={"class": "usa-select"}),
        help_text=_("Attach the letter first, as a verification of homelessness."),
    )
    source_hidden = forms.BooleanField(
        label=_("Hide the source for safety (only your agency and HMIS administrators see it)"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "usa-checkbox__input"}),
    )

    def __init__(self, *args, documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].choices = [("", _("No document"))] + [
            (d.pk, f"{d.title} ({d.uploaded_at:%Y-%m-%d})") for d in documents
        ]

    def clean(self):
        # Checked here too so that it shows with the form's other errors (actions re-checks).
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The last night cannot be before the first night."))
        return cleaned
