"""Forms over HUD records. Messages are shown next to the field they are about."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sunflower.hmis import vocabulary as hud
from sunflower.hmis.models import Client
from sunflower.hmis.models.client import RACE_FIELDS

MISSING_CODES = {8, 9, 99}  # client doesn't know, prefers not to answer, not collected
EARLIEST_DOB = dt.date(1900, 1, 1)


def _choice(field_choices, blank=True):
    options = [(value, label) for value, label in field_choices]
    return ([("", _("Choose…"))] if blank else []) + options


class ClientForm(forms.ModelForm):
    """The universal data elements of a new client (3.01 name, 3.02 SSN, 3.03 DOB, 4.21 sex,
    3.04 race and ethnicity, 3.07 veteran status)."""

    # Typed with dashes (123-45-6789); stored as 9 characters.
    ssn = forms.CharField(required=False, max_length=11, label=_("SSN"))

    # Race and ethnicity: HUD's 0/1 columns, shown as checkboxes.
    am_ind_ak_native = forms.BooleanField(
        required=False, label=_("American Indian, Alaska Native, or Indigenous")
    )
    asian = forms.BooleanField(required=False, label=_("Asian or Asian American"))
    black_af_american = forms.BooleanField(
        required=False, label=_("Black, African American, or African")
    )
    hispanic_latinao = forms.BooleanField(required=False, label=_("Hispanic/Latina/e/o"))
    mid_east_n_african = forms.BooleanField(
        required=False, label=_("Middle Eastern or North African")
    )
    native_hi_pacific = forms.BooleanField(
        required=False, label=_("Native Hawaiian or Pacific Islander")
    )
    white = forms.BooleanField(required=False, label=_("White"))

    class Meta:
        model = Client
        fields = [
            "first_name",
            "middle_name",
            "last_name",
            "name_suffix",
            "name_data_quality",
            "ssn",
            "ssn_data_quality",
            "dob",
            "dob_data_quality",
            "sex",
            *RACE_FIELDS,
            "race_none",
            "additional_race_ethnicity",
            "veteran_status",
        ]
        labels = {
            "first_name": _("First name"),
            "middle_name": _("Middle name"),
            "last_name": _("Last name"),
            "name_suffix": _("Suffix"),
            "name_data_quality": _("Name data quality"),
            "ssn": _("SSN"),
            "ssn_data_quality": _("SSN data quality"),
            "dob": _("Date of birth"),
            "dob_data_quality": _("Date of birth data quality"),
            "sex": _("Sex"),
            "race_none": _("No race or ethnicity given, because"),
            "additional_race_ethnicity": _("Additional race and ethnicity detail"),
            "veteran_status": _("Veteran status"),
        }
        help_texts = {
            "ssn": _(
                "9 digits, dashes allowed. For a partial SSN choose “Approximate or partial SSN reported” and type the digits known, with x for the others."
            ),
            "dob": _("YYYY-MM-DD."),
        }
        widgets = {"dob": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        coded = {
            "name_data_quality": hud.NameDataQuality.choices,
            "ssn_data_quality": hud.SSNDataQuality.choices,
            "dob_data_quality": hud.DOBDataQuality.choices,
            "sex": hud.Sex.choices,
            "race_none": hud.RaceNone.choices,
            "veteran_status": hud.NoYesReasonsForMissingData.choices,
        }
        for name, choices in coded.items():
            field = self.fields[name]
            field.choices = _choice(choices)
        self.fields["sex"].required = True
        for field in self.fields.values():
            css = (
                "usa-checkbox__input"
                if isinstance(field, forms.BooleanField)
                else ("usa-select" if isinstance(field.widget, forms.Select) else "usa-input")
            )
            field.widget.attrs.setdefault("class", css)
            field.widget.attrs.setdefault("autocomplete", "off")

    # --- one field at a time -------------------------------------------------------------

    def clean_first_name(self):
        return self.cleaned_data["first_name"].strip()

    def clean_last_name(self):
        return self.cleaned_data["last_name"].strip()

    def clean_middle_name(self):
        return self.cleaned_data["middle_name"].strip()

    def clean_ssn(self):
        ssn = re.sub(r"[\s-]", "", self.cleaned_data.get("ssn") or "").lower()
        if ssn and not re.fullmatch(r"[0-9x]{1,9}", ssn):
            raise forms.ValidationError(
                _(
                    "An SSN has digits only (dashes allowed; x for an unknown digit of a partial SSN)."
                ),
                code="ssn_characters",
            )
        return ssn

    def clean_dob(self):
        dob = self.cleaned_data.get("dob")
        if dob is not None and dob > timezone.localdate():
            raise forms.ValidationError(
                _("The date of birth cannot be in the future."), code="dob_future"
            )
        if dob is not None and dob < EARLIEST_DOB:
            raise forms.ValidationError(
                _("The date of birth cannot be before 1900."), code="dob_too_early"
            )
        return dob

    # --- the rules between fields ------------------------------------------------------

    def clean(self):
        data = super().clean()
        for name in RACE_FIELDS:
            data[name] = 1 if data.get(name) else 0
        self._check_name(data)
        self._check_ssn(data)
        self._check_dob(data)
        if not any(data[name] for name in RACE_FIELDS) and data.get("race_none") is None:
            self.add_error(
                "race_none",
                _("Check at least one race or ethnicity, or choose why none is given."),
            )
        return data

    def _check_name(self, data):
        quality = data.get("name_data_quality")
        first, last = data.get("first_name", ""), data.get("last_name", "")
        if quality == hud.NameDataQuality.FULL_NAME_REPORTED:
            if not first:
                self.add_error(
                    "first_name", _("Enter the first name, or choose another name data quality.")
                )
            if not last:
                self.add_error(
                    "last_name", _("Enter the last name, or choose another name data quality.")
                )
        elif quality == hud.NameDataQuality.PARTIAL_STREET_NAME_OR_CODE_NAME_REPORTED and not (
            first or last
        ):
            self.add_error("first_name", _("Enter the partial, street or code name."))

    def _check_ssn(self, data):
        quality, ssn = data.get("ssn_data_quality"), data.get("ssn")
        if quality is None or ssn is None:
            return
        if quality == hud.SSNDataQuality.FULL_SSN_REPORTED:
            from sunflower.dedup.matching import valid_ssn

            if not re.fullmatch(r"\d{9}", ssn):
                self.add_error(
                    "ssn",
                    _(
                        "A full SSN has 9 digits. If only part is known, choose “Approximate or partial SSN reported” as SSN data quality."
                    ),
                )
            elif not valid_ssn(ssn):
                self.add_error(
                    "ssn",
                    _(
                        "This is not an SSN that is ever issued (check the digits), or choose “Approximate or partial SSN reported”."
                    ),
                )
        elif quality == hud.SSNDataQuality.APPROXIMATE_OR_PARTIAL_SSN_REPORTED:
            if not ssn:
                self.add_error(
                    "ssn",
                    _(
                        "Type the digits of the SSN that are known (x for the others), or choose another SSN data quality."
                    ),
                )
        elif quality in MISSING_CODES and ssn:
            self.add_error(
                "ssn",
                _(
                    "Leave the SSN empty when its data quality says it is not known, or choose another SSN data quality."
                ),
            )

    def _check_dob(self, data):
        quality, dob = data.get("dob_data_quality"), data.get("dob")
        if quality is None or "dob" in self.errors:
            return
        if quality in (
            hud.DOBDataQuality.FULL_DOB_REPORTED,
            hud.DOBDataQuality.APPROXIMATE_OR_PARTIAL_DOB_REPORTED,
        ):
            if dob is None:
                self.add_error(
                    "dob", _("Enter the date of birth: its data quality says it was reported.")
                )
        elif quality in MISSING_CODES and dob is not None:
            self.add_error(
                "dob",
                _(
                    "Leave the date of birth empty when its data quality says it is not known, or choose another date of birth data quality."
                ),
            )

    def model_values(self) -> dict:
        """The cleaned values, as Client field values (for actions.create_client)."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
