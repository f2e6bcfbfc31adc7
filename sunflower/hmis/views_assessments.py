"""Update and annual assessments, the enrollment's data-collection records and the project's
"annuals coming due" list (docs/intake.md)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from sunflower.accounts.policy import Action, can, require, visible_enrollments
from sunflower.hmis import elements, requirements, stay
from sunflower.hmis import vocabulary as hud
from sunflower.hmis.forms_elements import member_element_forms
from sunflower.hmis.intake import age_on
from sunflower.hmis.models import (
    Disabilities,
    EmploymentEducation,
    Enrollment,
    HealthAndDV,
    IncomeBenefits,
    Project,
    YouthEducationStatus,
)
from sunflower.hmis.sections import Section

STAGES = {
    "update": gettext_lazy("Update"),
    "annual": gettext_lazy("Annual assessment"),
}
ROW_MODELS = (IncomeBenefits, HealthAndDV, Disabilities, EmploymentEducation, YouthEducationStatus)


class InformationDateForm(forms.Form):
    information_date = forms.DateField(
        label=gettext_lazy("Information date"),
        help_text=gettext_lazy("The date the information was collected."),
        widget=forms.DateInput(
            attrs={
                "type": "date",
                "class": "usa-input",
                "aria-describedby": "id_information_date-hint",
            },
            format="%Y-%m-%d",
        ),
    )


@require_http_methods(["GET", "POST"])
def new_assessment(request, pk: int):
    stage = request.GET.get("stage", "")
    if stage not in STAGES:
        raise Http404("Unknown assessment stage.")
    enrollment = (
        visible_enrollments(request.user, Action.EDIT_HMIS_DATA)
        .select_related("client", "project")
        .filter(pk=pk)
        .first()
    )
    if enrollment is None:
        raise Http404("No such enrollment.")
    if enrollment.exit is not None:
        messages.error(request, _("This enrollment has exited: record exit data on the exit."))
        return redirect("enrollment_detail", pk=enrollment.pk)
    today = timezone.localdate()
    # HUD: the annual is recorded for every household member at the same time; an update is
    # about the member whose information changed.
    members = stay.household_open_enrollments(enrollment) if stage == "annual" else [enrollment]
    funders = requirements.active_funders(enrollment.project, today)
    head_start = elements.household_head_start(enrollment)
    data = request.POST if request.method == "POST" else None
    member_forms = member_element_forms(members, stage, today, funders, data)
    default_date = today
    if stage == "annual" and elements.window_containing(head_start, today) is None:
        status = elements.annual_status(head_start, today, [])
        default_date = status.due if status and status.due <= today else today
    date_form = InformationDateForm(data, initial={"information_date": default_date})
    if data is not None:
        valid = date_form.is_valid()
        # Validate every member's form (not all() on a generator) so each shows its errors.
        results = [f.is_valid() for _m, _a, f in member_forms]
        valid = all(results) and valid
        if valid:
            answers = [
                (member, asked.questions, form.cleaned_data)
                for member, asked, form in member_forms
                if asked.questions
            ]
            try:
                elements.record_assessment(
                    request.user, stage, date_form.cleaned_data["information_date"], answers
                )
            except ValidationError as error:
                for field, messages_ in error.message_dict.items():
                    for message in messages_:
                        date_form.add_error(field if field in date_form.fields else None, message)
            else:
                messages.success(request, _("%(stage)s saved.") % {"stage": STAGES[stage]})
                return redirect("enrollment_detail", pk=enrollment.pk)
    window = elements.window_containing(head_start, default_date)
    return render(
        request,
        "hmis/assessment_form.html",
        {
            "enrollment": enrollment,
            "stage": stage,
            "stage_label": STAGES[stage],
            "date_form": date_form,
            "member_forms": [(m, f) for m, a, f in member_forms if a.questions],
            "nothing_required": not any(a.questions for _m, a, _f in member_forms),
            "member_errors": data is not None and any(f.errors for _m, _a, f in member_forms),
            "head_start": head_start,
            "window": window,
        },
    )


# --- the enrollment page section ----------------------------------------------------------------


def data_collection_context(request, enrollment, **loaded):
    """The enrollment's data-collection records by stage and information date (5 queries)."""
    found: dict[tuple[int, object], set[str]] = {}
    for model in ROW_MODELS:
        for stage, day in (
            model.objects.filter(enrollment=enrollment)
            .values_list("data_collection_stage", "information_date")
            .distinct()
        ):
            found.setdefault((stage, day), set()).add(model._meta.verbose_name_plural)
    stage_names = dict(hud.DataCollectionStage.choices)
    rows = [
        {"stage": stage_names.get(stage, stage), "date": day, "records": sorted(kinds)}
        for (stage, day), kinds in sorted(found.items(), key=lambda item: (item[0][1], item[0][0]))
    ]
    editable = loaded.get("editable")
    if editable is None:
        editable = can(request.user, Action.EDIT_HMIS_DATA, enrollment)
    open_stay = loaded.get("exit_record") is None and editable
    base = reverse("new_assessment", args=[enrollment.pk])
    return {
        "rows": rows,
        "update_url": f"{base}?stage=update" if open_stay else "",
        "annual_url": f"{base}?stage=annual" if open_stay else "",
    }


DATA_COLLECTION_SECTION = Section(
    "data-collection", "hmis/assessment_section.html", data_collection_context
)


# --- annuals coming due -----------------------------------------------------------------------


def annuals_due(request, pk: int):
    """Open enrollments of the project whose annual assessment is coming due (window opens in
    the next 30 days), due (in the window, none recorded) or overdue (window passed without
    one). A fixed number of queries whatever the number of enrollments."""
    project = get_object_or_404(Project.objects.select_related("organization"), pk=pk)
    require(request.user, Action.EDIT_HMIS_DATA, project)
    today = timezone.localdate()
    enrollments = list(stay.open_enrollments(project, today))
    funders = requirements.active_funders(project, today)
    heads = dict(
        Enrollment.objects.filter(
            project=project,
            household_id__in={e.household_id for e in enrollments},
            relationship_to_hoh=hud.RelationshipToHoH.SELF,
        ).values_list("household_id", "entry_date")
    )
    annual_dates: dict[int, list] = {}
    for enrollment_id, day in IncomeBenefits.objects.filter(
        enrollment__in=[e.pk for e in enrollments],
        data_collection_stage=hud.DataCollectionStage.ANNUAL_ASSESSMENT,
    ).values_list("enrollment_id", "information_date"):
        annual_dates.setdefault(enrollment_id, []).append(day)
    rows = []
    for enrollment in enrollments:
        age = age_on(enrollment.client.dob, enrollment.entry_date)
        if not requirements.required_for(
            project.project_type,
            funders,
            "annual",
            is_head=enrollment.relationship_to_hoh == hud.RelationshipToHoH.SELF,
            is_adult=age is None or age >= requirements.ADULT_AGE,
        ):
            continue
        head_start = heads.get(enrollment.household_id, enrollment.entry_date)
        status = elements.annual_status(head_start, today, annual_dates.get(enrollment.pk, []))
        if status is not None:
            rows.append((enrollment, status))
    rows.sort(key=lambda row: (row[1].due, row[0].client.last_name, row[0].pk))
    return render(
        request,
        "hmis/annuals_list.html",
        {"project": project, "rows": rows, "today": today},
    )
