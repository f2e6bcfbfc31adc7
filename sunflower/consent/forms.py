from django import forms
from django.utils.translation import gettext_lazy as _

from sunflower.consent.models import ReleaseOfInformation

DATE = {"type": "date", "class": "usa-input"}


class ReleaseForm(forms.Form):
    GRANTEE_AGENCY = "agency"
    GRANTEE_COC = "coc"

    grantee = forms.ChoiceField(
        label=_("Who may see the record"),
        choices=[
            (GRANTEE_AGENCY, _("One agency")),
            (GRANTEE_COC, _("Every participating agency of a CoC")),
        ],
        initial=GRANTEE_AGENCY,
        widget=forms.RadioSelect(attrs={"class": "usa-radio__input"}),
    )
    organization = forms.TypedChoiceField(
        label=_("Agency"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    coc_code = forms.ChoiceField(
        label=_("CoC"), required=False, widget=forms.Select(attrs={"class": "usa-select"})
    )
    scope = forms.ChoiceField(
        label=_("What may be seen"),
        choices=ReleaseOfInformation.Scope.choices,
        widget=forms.RadioSelect(attrs={"class": "usa-radio__input"}),
    )
    start_date = forms.DateField(
        label=_("Start date"), required=False, widget=forms.DateInput(DATE, format="%Y-%m-%d")
    )
    end_date = forms.DateField(
        label=_("End date"),
        required=False,
        help_text=_("Usually one year after the start date."),
        widget=forms.DateInput(DATE, format="%Y-%m-%d"),
    )
    method = forms.ChoiceField(
        label=_("How consent was given"),
        choices=[("", _("- Select -")), *ReleaseOfInformation.Method.choices],
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        help_text=_("Required for verbal consent: who witnessed it and why it was not signed."),
        widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 3}),
    )
    document = forms.TypedChoiceField(
        label=_("Signed release (document)"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs={"class": "usa-select"}),
    )

    def __init__(self, *args, organizations=(), cocs=(), documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [("", _("- Select -"))] + [
            (o.pk, o.organization_name) for o in organizations
        ]
        self.fields["coc_code"].choices = [("", _("- Select -")), *cocs]
        self.fields["document"].choices = [("", _("No document attached yet"))] + [
            (d.pk, f"{d.title} ({d.uploaded_at:%Y-%m-%d})") for d in documents
        ]


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the release revoked?"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 3}),
    )
