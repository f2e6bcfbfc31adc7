"""The outreach pages' forms: they check the shape of the answers; the rules are in
sunflower/outreach/actions.py."""

from __future__ import annotations

import datetime as dt
import json
import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sunflower.core.forms import style
from sunflower.hmis import vocabulary as hud
from sunflower.outreach import actions
from sunflower.outreach.models import EncampmentStatus, LocationSource, OutreachService

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateTimeLocal(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_LOCAL, **kwargs)


class EnrollmentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.client.last_name}, {obj.client.first_name} ({obj.project.project_name})"


class ContactForm(forms.Form):
    client_uuid = forms.UUIDField(widget=forms.HiddenInput)
    project = forms.ModelChoiceField(queryset=None, label=_("Outreach project"), empty_label=None)
    enrollment = EnrollmentChoice(
        queryset=None,
        required=False,
        label=_("Known client"),
        empty_label=_("— Not known yet: describe the person below —"),
    )
    person_description = forms.CharField(
        max_length=200,
        required=False,
        label=_("Person not yet identified"),
        help_text=_("An alias or short description, to identify them later. No full names here."),
    )
    contacted_at = forms.DateTimeField(
        label=_("Date and time of contact"),
        widget=DateTimeLocal(),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
    )
    current_living_situation = forms.TypedChoiceField(
        coerce=int, label=_("Where is the person staying? (HUD 4.12)")
    )
    services_given = forms.MultipleChoiceField(
        choices=OutreachService.choices,
        required=False,
        label=_("Services given"),
        widget=forms.CheckboxSelectMultiple,
    )
    engaged = forms.BooleanField(
        required=False,
        label=_("The person engaged today (date of engagement, 4.13)"),
    )
    location_details = forms.CharField(
        max_length=250,
        required=False,
        label=_("Location details"),
        help_text=_("Optional, e.g. “under the 5th Street bridge” (4.12.4)."),
    )
    latitude = forms.DecimalField(
        max_digits=12, decimal_places=9, required=False, widget=forms.HiddenInput
    )
    longitude = forms.DecimalField(
        max_digits=13, decimal_places=9, required=False, widget=forms.HiddenInput
    )
    accuracy_m = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)
    location_source = forms.ChoiceField(
        choices=LocationSource.choices, required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "client_uuid": uuid.uuid4(),
                "contacted_at": timezone.localtime().replace(second=0, microsecond=0),
                "current_living_situation": hud.CurrentLivingSituation.PLACE_NOT_MEANT_FOR_HABITATION,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = actions.outreach_projects(user)
        self.fields["enrollment"].queryset = actions.open_outreach_enrollments(user)
        self.fields["current_living_situation"].choices = actions.phone_living_situations()
        style(self)
        for name in ("latitude", "longitude", "accuracy_m", "location_source", "client_uuid"):
            self.fields[name].widget.attrs.pop("class", None)
        # CheckboxSelectMultiple is a RadioSelect to style(): give it the checkbox class.
        self.fields["services_given"].widget.attrs["class"] = "usa-checkbox__input"

    def clean(self):
        data = super().clean()
        if data.get("latitude") is None or data.get("longitude") is None:
            self.add_error(None, _("Choose the place: use your location or tap the map."))
        return data

    def contact_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["location_source"] = data.get("location_source") or LocationSource.TAP
        return data


class ContactCorrectionForm(forms.Form):
    """What a contact's correction may change (sunflower.outreach.actions.correct_contact)."""

    person_description = ContactForm.base_fields["person_description"]
    contacted_at = ContactForm.base_fields["contacted_at"]
    current_living_situation = ContactForm.base_fields["current_living_situation"]
    location_details = ContactForm.base_fields["location_details"]
    services_given = ContactForm.base_fields["services_given"]

    def __init__(self, *args, contact, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "person_description": contact.person_description,
                "contacted_at": timezone.localtime(contact.contacted_at),
                "current_living_situation": contact.current_living_situation,
                "location_details": contact.location_details,
                "services_given": contact.services_given,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["current_living_situation"].choices = actions.phone_living_situations()
        if contact.client_id is not None:
            del self.fields["person_description"]
        style(self)
        self.fields["services_given"].widget.attrs["class"] = "usa-checkbox__input"


class MapFilterForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    agency = forms.ModelChoiceField(queryset=None, required=False, label=_("Agency"))
    region = forms.ModelChoiceField(queryset=None, required=False, label=_("Region"))
    county = forms.ModelChoiceField(
        queryset=None, required=False, label=_("County"), to_field_name="fips5"
    )
    project = forms.ModelChoiceField(queryset=None, required=False, label=_("Project"))
    living_situation = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label=_("Living situation")
    )

    def __init__(self, *args, default_days: int = 30, **kwargs):
        from sunflower.geo.models import County, Region
        from sunflower.hmis.models import Organization, Project

        today = timezone.localdate()
        kwargs.setdefault(
            "initial", {"start": today - dt.timedelta(days=default_days), "end": today}
        )
        super().__init__(*args, **kwargs)
        projects = Project.objects.filter(project_type=actions.STREET_OUTREACH)
        self.fields["project"].queryset = projects.order_by("project_name")
        self.fields["agency"].queryset = Organization.objects.filter(
            pk__in=projects.values("organization_id")
        ).order_by("organization_name")
        self.fields["region"].queryset = Region.objects.select_related("coc")
        self.fields["county"].queryset = County.objects.all()
        self.fields["living_situation"].choices = [
            ("", _("Any")),
            *hud.CurrentLivingSituation.choices,
        ]
        style(self)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The end is before the start."))
        return data


class CountyCountsForm(MapFilterForm):
    """The filters of the counts by county: period, region and living situation only (by
    agency, project or county a count would be about a few workers or people)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("agency", "county", "project"):
            del self.fields[name]


class GeometryField(forms.CharField):
    """A place marked on the map: the page sends a GeoJSON geometry as text. This field only
    reads it; the actions check its shape and that it lies in Kansas. With keep_when_empty,
    nothing sent is None (the record keeps the place it has)."""

    widget = forms.HiddenInput

    def __init__(self, *, keep_when_empty=False, **kwargs):
        super().__init__(required=False, **kwargs)
        self.keep_when_empty = keep_when_empty

    def clean(self, value):
        raw = super().clean(value)
        if not raw and self.keep_when_empty:
            return None
        try:
            geometry = json.loads(raw)
        except ValueError:
            geometry = None
        if not isinstance(geometry, dict):
            raise forms.ValidationError(_("Mark the place on the map."))
        return geometry


class EncampmentForm(forms.Form):
    name = forms.CharField(max_length=120, label=_("Name of the site"))
    geometry = GeometryField()
    status = forms.ChoiceField(choices=EncampmentStatus.choices, label=_("Status"))
    estimated_people = forms.IntegerField(
        min_value=0, max_value=10000, required=False, label=_("Estimated people")
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    organization = forms.ModelChoiceField(queryset=None, label=_("Agency"), empty_label=None)

    def __init__(self, *args, user, **kwargs):
        from sunflower.hmis.models import Organization

        super().__init__(*args, **kwargs)
        agencies = actions.map_agency_ids(user)
        organizations = Organization.objects.order_by("organization_name")
        if agencies is not None:
            organizations = organizations.filter(pk__in=agencies)
        else:
            organizations = organizations.filter(pk__in=actions.own_agency_ids(user))
        self.fields["organization"].queryset = organizations
        style(self)
        self.fields["geometry"].widget.attrs.pop("class", None)


class EncampmentChangeForm(forms.Form):
    """Name, place and notes of a site; an empty place keeps the one it has."""

    name = forms.CharField(max_length=120, label=_("Name of the site"))
    geometry = GeometryField(keep_when_empty=True)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)
        self.fields["geometry"].widget.attrs.pop("class", None)


class VisitForm(forms.Form):
    visited_at = forms.DateTimeField(
        label=_("Visited at"), widget=DateTimeLocal(), input_formats=[DATETIME_LOCAL]
    )
    status = forms.ChoiceField(choices=EncampmentStatus.choices, label=_("Status"))
    estimated_people = forms.IntegerField(
        min_value=0, max_value=10000, required=False, label=_("Estimated people")
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "initial", {"visited_at": timezone.localtime().replace(second=0, microsecond=0)}
        )
        super().__init__(*args, **kwargs)
        style(self)


class LinkForm(forms.Form):
    enrollment = EnrollmentChoice(queryset=None, label=_("This person is"))

    def __init__(self, *args, user, project_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrollment"].queryset = actions.open_outreach_enrollments(
            user, project_ids=[project_id]
        )
        style(self)
