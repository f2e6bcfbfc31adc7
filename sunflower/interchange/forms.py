from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 2 * 1024**3  # a statewide export zips to well under this


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("HMIS CSV export (.zip)"),
        help_text=_("A zip of the HMIS CSV files (FY2026, FY2024 or FY2022)."),
    )
    source = forms.CharField(
        label=_("Source system name"),
        max_length=100,
        required=False,
        help_text=_(
            "Records are kept apart per source; re-importing a newer export of the same source "
            "updates its records. Leave empty to use the export's SourceName."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Check only (dry run): validate and report, write nothing"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".zip"):
            raise forms.ValidationError(_("Upload the export as one .zip file."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 GB."))
        return upload


class ExportForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    projects = forms.ModelMultipleChoiceField(
        label=_("Projects"),
        queryset=None,
        required=False,
        help_text=_("Leave empty for every project you may report on (or the chosen CoC's)."),
    )
    coc_code = forms.ChoiceField(label=_("Continuum of Care"), required=False)
    directive = forms.TypedChoiceField(
        label=_("Export directive"),
        choices=[(2, _("Full refresh")), (1, _("Delta refresh (includes deleted records)"))],
        coerce=int,
        initial=2,
    )
    hashed = forms.BooleanField(
        label=_("Hash names and SSNs (SHA-256, HashStatus 4)"), required=False
    )

    def __init__(self, *args, projects, cocs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projects"].queryset = projects
        self.fields["projects"].label_from_instance = lambda p: (
            f"{p.project_name} ({p.organization.organization_name})"
        )
        self.fields["coc_code"].choices = [("", _("Any"))] + [(c, c) for c in cocs]

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The end date is before the start date."))
        return data
