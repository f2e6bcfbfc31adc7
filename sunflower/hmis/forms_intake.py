"""Forms of the household enrollment and project-start intake pages (docs/intake.md)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from sunflower.hmis import vocabulary as hud

L = hud.ResidencePriorLengthOfStay
# 3.917: a stay short enough that the person may still be chronically homeless.
UNDER_90_DAYS = {
    L.ONE_NIGHT_OR_LESS,
    L.TWO_TO_SIX_NIGHTS,
    L.ONE_WEEK_OR_MORE_BUT_LESS_THAN_ONE_MONTH,
    L.ONE_MONTH_OR_MORE_BUT_LESS_THAN_90_DAYS,
}
UNDER_7_NIGHTS = {L.ONE_NIGHT_OR_LESS, L.TWO_TO_SIX_NIGHTS}
WITH_SUBSIDY = 435  # "Rental by client, with ongoing housing subsidy": asks 3.917 field 1A
HISTORY_FIELDS = (
    "date_to_street_essh",
    "times_homeless_past_three_years",
    "months_homeless_past_three_years",
)


def living_situation_group(code) -> str:
    """HUD's living situation groups by code: 1xx homeless, 2xx institutional, 3xx temporary,
    4xx permanent; 8, 9, 99 missing."""
    if code is None:
        return ""
    return {1: "homeless", 2: "institutional", 3: "temporary", 4: "permanent"}.get(
        int(code) // 100, "missing"
    )


def asked_questions(living_situation, length_of_stay, previous_street_essh) -> set[str]:
    """The 3.917 questions HUD asks given the answers so far (the element's conditional logic)."""
    group = living_situation_group(living_situation)
    asked = {"living_situation"}
    if not group:
        return asked
    if living_situation is not None and int(living_situation) == WITH_SUBSIDY:
        asked.add("rental_subsidy_type")
    if group == "missing":
        return asked
    asked.add("length_of_stay")
    if group == "homeless":
        return asked | set(HISTORY_FIELDS)
    if length_of_stay is None:
        return asked
    threshold = UNDER_90_DAYS if group == "institutional" else UNDER_7_NIGHTS
    if int(length_of_stay) in threshold:
        asked.add("previous_street_essh")
        if previous_street_essh is not None and int(previous_street_essh) == hud.NoYesMissing.YES:
            asked |= set(HISTORY_FIELDS)
    return asked


def _choice(choices, label, help_text=""):
    return forms.TypedChoiceField(
        choices=[("", "—")] + list(choices.choices),
        coerce=int,
        empty_value=None,
        required=False,
        label=label,
        help_text=help_text,
    )


class PriorLivingSituationForm(forms.Form):
    """HUD data element 3.917 Prior Living Situation, with its conditional questions."""

    living_situation = _choice(hud.PriorLivingSituation, "Where did the client stay last night?")
    rental_subsidy_type = _choice(
        hud.RentalSubsidyType,
        "Rental subsidy type",
        "Asked when the client rented with an ongoing housing subsidy.",
    )
    length_of_stay = _choice(hud.ResidencePriorLengthOfStay, "Length of stay in that place")
    previous_street_essh = _choice(
        hud.NoYesMissing,
        "On the night before, did the client stay on the streets, in emergency shelter or a safe haven?",
        "Asked after an institutional stay of less than 90 days or another stay of less than 7 nights.",
    )
    date_to_street_essh = forms.DateField(
        required=False,
        label="Approximate date this episode of homelessness started",
        widget=forms.DateInput(attrs={"type": "date", "class": "usa-input"}),
    )
    times_homeless_past_three_years = _choice(
        hud.TimesHomelessPastThreeYears,
        "Times on the streets, in emergency shelter or a safe haven in the past three years",
    )
    months_homeless_past_three_years = _choice(
        hud.MonthsHomelessPastThreeYears,
        "Total months homeless on the streets, in emergency shelter or a safe haven in the past three years",
    )

    def __init__(self, *args, entry_date=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.entry_date = entry_date
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs.setdefault("class", "usa-select")

    def clean(self):
        data = super().clean()
        asked = asked_questions(
            data.get("living_situation"),
            data.get("length_of_stay"),
            data.get("previous_street_essh"),
        )
        for name in asked:
            if name in self.errors:
                continue
            if data.get(name) is None:
                self.add_error(name, "HUD requires an answer to this question here.")
        # Questions not asked are not stored (HUD: null when the logic skips them).
        for name in (
            "rental_subsidy_type",
            "length_of_stay",
            "previous_street_essh",
            *HISTORY_FIELDS,
        ):
            if name not in asked:
                data[name] = None
        if "length_of_stay" in asked and data.get("length_of_stay") is not None:
            group = living_situation_group(data.get("living_situation"))
            if group in ("institutional", "temporary", "permanent"):
                data["los_under_threshold"] = (
                    hud.NoYesMissing.YES if "previous_street_essh" in asked else hud.NoYesMissing.NO
                )
            else:
                data["los_under_threshold"] = None
        else:
            data["los_under_threshold"] = None
        started = data.get("date_to_street_essh")
        limit = self.entry_date or timezone.localdate()
        if started and started > limit:
            self.add_error(
                "date_to_street_essh", "This date cannot be after the project start date."
            )
        return data


class IntakeForm(PriorLivingSituationForm):
    """Project-start intake of one member: 3.917 (when required) and 3.08."""

    disabling_condition = forms.TypedChoiceField(
        choices=[("", "—")] + list(hud.NoYesReasonsForMissingData.choices),
        coerce=int,
        empty_value=None,
        label="Disabling condition",
        widget=forms.Select(attrs={"class": "usa-select"}),
    )

    def __init__(self, *args, ask_prior_living=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.ask_prior_living = ask_prior_living
        if not ask_prior_living:
            for name in list(self.fields):
                if name != "disabling_condition":
                    del self.fields[name]

    def clean(self):
        if self.ask_prior_living:
            return super().clean()
        return forms.Form.clean(self)

    def prior_living_fields(self):
        return [self[name] for name in self.fields if name != "disabling_condition"]


class EnrollHouseholdForm(forms.Form):
    project = forms.ModelChoiceField(
        queryset=None, label="Project", widget=forms.Select(attrs={"class": "usa-select"})
    )
    entry_date = forms.DateField(
        label="Project start date",
        widget=forms.DateInput(attrs={"type": "date", "class": "usa-input"}),
    )
    enrollment_coc = forms.CharField(
        required=False,
        max_length=6,
        label="Enrollment CoC",
        help_text="Needed only when the project operates in several CoCs (e.g. KS-507).",
        widget=forms.TextInput(attrs={"class": "usa-input"}),
    )
    q = forms.CharField(
        required=False,
        label="Find a client (name, date of birth, HMIS ID)",
        widget=forms.TextInput(attrs={"class": "usa-input", "autocomplete": "off"}),
    )

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["entry_date"].initial = timezone.localdate()
