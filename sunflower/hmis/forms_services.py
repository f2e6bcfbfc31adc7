"""Forms of the during-the-stay pages: services, current living situation, move-in date
(docs/services.md). The forms parse and show values; the rules live in services.py,
current_living.py and move_in.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sunflower.core.forms import style  # noqa: F401  (shared by every app's forms)
from sunflower.hmis import current_living, services
from sunflower.hmis import vocabulary as hud

DATE_WIDGET = {"type": "date"}


def _date_field(label, required=True, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
    )


def _code_field(label, help_text=""):
    return forms.TypedChoiceField(
        label=label, coerce=int, required=False, empty_value=None, help_text=help_text
    )


def refresh_on_change(field, url: str, target: str, select: str | None = None) -> None:
    """htmx: when the answer changes, POST the form (no personal data in the URL) and swap in
    the questions that follow. On the field itself, so that a field swapped in keeps it."""
    field.widget.attrs.update(
        {
            "hx-post": url,
            "hx-trigger": "change",
            "hx-target": target,
            "hx-swap": "outerHTML",
            "hx-include": "closest form",
            "hx-vals": '{"_partial": "1"}',
        }
    )
    if select:
        field.widget.attrs["hx-select"] = select


def _any_integer(field: forms.TypedChoiceField) -> None:
    """Accept any integer: the action refuses a wrong code with a message naming the rule
    (a plain "not a valid choice" would not)."""
    field.valid_value = lambda value: str(value).lstrip("-").isdigit()


class ServiceForm(forms.Form):
    date_provided = _date_field(_("Date provided"))
    record_type = forms.TypedChoiceField(label=_("Kind of service"), coerce=int)
    type_provided = forms.TypedChoiceField(
        label=_("Service provided"), coerce=int, required=False, empty_value=None
    )
    sub_type_provided = _code_field(_("Sub-type"))
    other_type_provided = forms.CharField(
        label=_("Other service (describe)"), required=False, max_length=50
    )
    moving_on_other_type = forms.CharField(
        label=_("Other Moving On assistance (describe)"), required=False, max_length=50
    )
    fa_amount = forms.DecimalField(
        label=_("Amount (US dollars)"), required=False, decimal_places=2, max_digits=12
    )
    fa_start_date = _date_field(_("Assistance start date"), required=False)
    fa_end_date = _date_field(
        _("Assistance end date"), required=False, help_text=_("Leave empty if not known yet.")
    )
    referral_outcome = _code_field(_("Referral outcome"))
    household_members = forms.TypedMultipleChoiceField(
        label=_("Also record this service for"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, record_types=(), members=(), partial_url="", **kwargs):
        super().__init__(*args, **kwargs)
        if partial_url:
            refresh_on_change(self.fields["record_type"], partial_url, "#service-type-and-details")
            refresh_on_change(
                self.fields["type_provided"], partial_url, "#service-details", "#service-details"
            )
        self.fields["record_type"].choices = [
            ("", _("Choose the kind of service")),
            *[(code, hud.RecordType(code).label) for code in record_types],
        ]
        record_type = self._value("record_type")
        type_provided = self._value("type_provided")
        types = services.type_choices(int(record_type)) if _is_int(record_type) else []
        if not _is_int(type_provided) or int(type_provided) not in dict(types):
            type_provided = None  # a type of another kind of service: ask again
        self.fields["type_provided"].choices = [("", _("Choose the service")), *types]
        self.fields["sub_type_provided"].choices = [
            ("", "—"),
            *(services.sub_type_choices(int(type_provided)) if _is_int(type_provided) else []),
        ]
        self.fields["referral_outcome"].choices = [("", "—"), *hud.PATHReferralOutcome.choices]
        for name in ("record_type", "type_provided", "sub_type_provided"):
            _any_integer(self.fields[name])
        self.fields["household_members"].choices = [
            (m.pk, f"{m.client.first_name} {m.client.last_name}") for m in members
        ]
        self.asked = services.asked_fields(record_type, type_provided)
        style(self)

    def _value(self, name):
        source = self.data if self.is_bound else self.initial
        return source.get(name)

    def shown(self, name: str) -> bool:
        return name in self.asked or bool(self.errors.get(name))

    def details(self) -> dict:
        data = self.cleaned_data
        return {name: data.get(name) for name in services.DETAIL_FIELDS}

    def detail_fields(self):
        return [self[name] for name in services.DETAIL_FIELDS if self.shown(name)]


class CurrentLivingSituationForm(forms.Form):
    information_date = _date_field(_("Information date"))
    current_living_situation = forms.TypedChoiceField(
        label=_("Current living situation"), coerce=int
    )
    cls_subsidy_type = _code_field(_("Rental subsidy type"))
    leave_situation14_days = _code_field(
        _("Must the client leave the current living situation within 14 days?")
    )
    subsequent_residence = _code_field(_("Has a subsequent residence been identified?"))
    resources_to_obtain = _code_field(
        _(
            "Does the individual or family have the resources or support networks to obtain other permanent housing?"
        )
    )
    lease_own60_day = _code_field(
        _(
            "Has the client had a lease or ownership interest in a permanent housing unit in the last 60 days?"
        )
    )
    moved_two_or_more = _code_field(
        _("Has the client moved two or more times in the last 60 days?")
    )
    verified_by = forms.CharField(
        label=_("Verified by"),
        required=False,
        max_length=200,
        help_text=_("The project or person who verified the living situation."),
    )
    location_details = forms.CharField(
        label=_("Location details"),
        required=False,
        max_length=250,
        help_text=_("Optional: where the contact took place (no more than needed)."),
    )

    def __init__(self, *args, project_type=None, partial_url="", **kwargs):
        super().__init__(*args, **kwargs)
        if partial_url:
            for name in ("current_living_situation", "leave_situation14_days"):
                refresh_on_change(self.fields[name], partial_url, "#cls-details", "#cls-details")
        self.fields["current_living_situation"].choices = [
            ("", _("Choose the living situation")),
            *_grouped_living_situations(),
        ]
        self.fields["cls_subsidy_type"].choices = [("", "—"), *hud.RentalSubsidyType.choices]
        for name in ("leave_situation14_days", *current_living.FOLLOW_UP_FIELDS):
            self.fields[name].choices = [("", "—"), *hud.NoYesReasonsForMissingData.choices]
        for name in (
            "current_living_situation",
            "cls_subsidy_type",
            "leave_situation14_days",
            *current_living.FOLLOW_UP_FIELDS,
        ):
            _any_integer(self.fields[name])
        source = self.data if self.is_bound else self.initial
        situation = source.get("current_living_situation")
        self.asked = current_living.asked_fields(
            project_type,
            situation if _is_int(situation) else None,
            source.get("leave_situation14_days")
            if _is_int(source.get("leave_situation14_days"))
            else None,
        )
        style(self)

    def shown(self, name: str) -> bool:
        return name in self.asked or bool(self.errors.get(name))

    def details(self) -> dict:
        data = self.cleaned_data
        return {name: data.get(name) for name in current_living.DETAIL_FIELDS}

    def detail_fields(self):
        return [self[name] for name in current_living.DETAIL_FIELDS if self.shown(name)]


class MoveInForm(forms.Form):
    move_in_date = _date_field(
        _("Housing move-in date"),
        required=False,
        help_text=_(
            "The first night the household slept in its permanent housing unit. "
            "Household members present that day get the same date."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


def _is_int(value) -> bool:
    return value is not None and str(value).strip().lstrip("-").isdigit()


def _grouped_living_situations():
    groups = {
        1: _("Homeless situations"),
        2: _("Institutional situations"),
        3: _("Temporary housing situations"),
        4: _("Permanent housing situations"),
    }
    grouped: dict[str, list] = {str(label): [] for label in groups.values()}
    other = str(_("Other"))
    grouped[other] = []
    for code, label in hud.CurrentLivingSituation.choices:
        group = groups.get(code // 100)
        grouped[str(group) if group else other].append((code, label))
    return [(label, choices) for label, choices in grouped.items() if choices]
