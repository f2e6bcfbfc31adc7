"""The form that asks for a report: which report, the CoC or projects, and the period.

The choices offered are only what the policy lets the user report on (the view passes them
in); the view checks again on submit, and the database source of the frames a third time.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sunflower.reports.engine.registry import REPORT_KINDS

INPUT = {"class": "usa-input"}


class ReportRunForm(forms.Form):
    report = forms.ChoiceField(
        label=_("Report"),
        choices=[(kind.slug, kind.title) for kind in REPORT_KINDS.values()],
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    coc = forms.ChoiceField(
        label=_("Continuum of Care"),
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    projects = forms.ModelMultipleChoiceField(
        label=_("Projects"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"class": "usa-select", "size": 8}),
    )
    start = forms.DateField(
        label=_("Report start date"),
        help_text=_("For the PIT and HIC: the night of the count (the end date is not used)."),
        widget=forms.DateInput(attrs={"type": "date", **INPUT}),
    )
    end = forms.DateField(
        label=_("Report end date"), widget=forms.DateInput(attrs={"type": "date", **INPUT})
    )

    def __init__(self, *args, projects, cocs, whole_coc_allowed: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.whole_coc_allowed = whole_coc_allowed
        # System-level reports (CE APR, SPM) cover the whole CoC: offered only to roles that
        # reach every project (the HMIS Lead), not cut down to one agency's share.
        self.fields["report"].choices = [
            (kind.slug, kind.title)
            for kind in REPORT_KINDS.values()
            if whole_coc_allowed or not kind.coc_wide
        ]
        self.fields["projects"].queryset = projects
        self.fields["projects"].label_from_instance = lambda p: (
            f"{p.project_name} ({p.organization.organization_name})"
        )
        self.fields["coc"].choices = [(code, code) for code in cocs]
        self.fields["projects"].help_text = (
            _(
                "Leave empty to report on every project of the CoC. The CE APR and the "
                "System Performance Measures always cover the whole CoC."
            )
            if whole_coc_allowed
            else _("Leave empty to report on every project of your agency in the CoC.")
        )

    def clean(self):
        data = super().clean()
        check_period(self, data)
        return data


def check_period(form: forms.Form, data: dict) -> None:
    """The period rule every report and dashboard form shares (ReportParams' own): the end
    on or after the start, at most five years."""
    start, end = data.get("start"), data.get("end")
    if start and end:
        if end < start:
            form.add_error("end", _("The end date is before the start date."))
        elif (end - start).days > 366 * 5:
            form.add_error("end", _("A report period may be at most five years."))
