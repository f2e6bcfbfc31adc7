from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sunflower.core.forms import style
from sunflower.hmis import vocabulary as hud
from sunflower.hmis.models import Organization, Project

from .models import CommitteeVote, ProgramRequest

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProgramRequestForm(forms.ModelForm):
    funders = forms.TypedMultipleChoiceField(
        label=_("Funding sources"),
        choices=hud.FundingSource.choices,
        coerce=int,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_(
            "A program with no HUD funding source needs the Oversight Committee's approval."
        ),
    )

    class Meta:
        model = ProgramRequest
        fields = [
            "kind",
            "organization",
            "project",
            "project_name",
            "project_type",
            "funders",
            "grant_id",
            "coc_code",
            "geocode",
            "start_date",
            "end_date",
            "beds",
            "units",
            "household_type",
            "notes",
        ]
        widgets = {"start_date": DATE, "end_date": DATE, "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(pk__in=agencies)
        self.fields["project"].queryset = Project.objects.filter(
            organization_id__in=agencies, date_deleted__isnull=True
        ).order_by("project_name")
        self.fields["project"].help_text = _("For a change or a closure.")
        style(self)


class ScheduleForm(forms.Form):
    meeting_at = forms.DateTimeField(
        label=_("Meeting (date and time)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    place = forms.CharField(label=_("Where (room or video link)"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("decline", _("Decline"))], widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class VoteForm(forms.Form):
    vote = forms.ChoiceField(
        label=_("Your vote"), choices=CommitteeVote.Vote.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Your question for the meeting"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Never include client names or other identifying details."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)
