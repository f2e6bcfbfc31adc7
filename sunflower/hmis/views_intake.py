"""Household enrollment and project-start intake pages (docs/intake.md). Personal data (the
client search) travels in POST bodies only, never in URLs."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from sunflower.accounts.policy import (
    CE_PROJECT_TYPE,
    Action,
    visible_clients,
    visible_enrollments,
    visible_projects,
)
from sunflower.hmis import elements, intake
from sunflower.hmis import vocabulary as hud
from sunflower.hmis.forms_elements import ElementsForm
from sunflower.hmis.forms_intake import EnrollHouseholdForm, IntakeForm
from sunflower.hmis.requirements import element_names
from sunflower.hmis.search import search_clients

RELATIONSHIPS = hud.RelationshipToHoH.choices


def enrollable_projects(user):
    """Projects the user may enter program data for. Coordinated Entry enrollments are made by
    CES intake, not here, so a CES-only scope (Access Point) leaves nothing."""
    return (
        visible_projects(user, Action.EDIT_HMIS_DATA)
        .exclude(project_type=CE_PROJECT_TYPE)
        .select_related("organization")
        .order_by("project_name")
    )


@require_http_methods(["GET", "POST"])
def enroll_new(request):
    projects = enrollable_projects(request.user)
    if not projects.exists():
        raise PermissionDenied
    form = EnrollHouseholdForm(request.POST or None, projects=projects)
    selected_pks = _int_list(request.POST.getlist("member"))
    visible = visible_clients(request.user, Action.VIEW_CLIENT_RECORD)
    selected = list(visible.filter(pk__in=selected_pks))
    relationships = {c.pk: request.POST.get(f"relationship_{c.pk}", "") for c in selected}
    results = []
    member_errors: list[str] = []
    if request.method == "POST":
        query = request.POST.get("q", "")
        if request.POST.get("action") == "search" or not selected:
            chosen = {c.pk for c in selected}
            results = [
                m for m in search_clients(request.user, query, limit=15) if m.pk not in chosen
            ]
            if request.POST.get("action") != "search":
                member_errors.append("Add at least one household member.")
        elif form.is_valid():
            members = [intake.MemberInput(c.pk, _int(relationships[c.pk])) for c in selected]
            try:
                enrollments = intake.enroll_household(
                    request.user,
                    form.cleaned_data["project"],
                    members,
                    form.cleaned_data["entry_date"],
                    form.cleaned_data["enrollment_coc"].strip(),
                )
            except ValidationError as error:
                for field, messages_ in error.message_dict.items():
                    if field in form.fields:
                        for message in messages_:
                            form.add_error(field, message)
                    else:
                        member_errors.extend(messages_)
            else:
                messages.success(request, "Household enrolled. Now the head of household's intake.")
                return redirect("intake", pk=enrollments[0].pk)
    return render(
        request,
        "hmis/enroll_household.html",
        {
            "form": form,
            "selected": [(c, relationships.get(c.pk, "")) for c in selected],
            "results": results,
            "relationships": RELATIONSHIPS,
            "member_errors": member_errors,
        },
    )


# Elements collected on other pages (client record, household enrollment) or by the intake
# form's own 3.917/3.08 fields rather than the element engine.
ELSEWHERE = {"3.01", "3.02", "3.03", "3.04", "3.06", "3.07", "3.10", "3.15", "3.16"}
ON_INTAKE_FORM = {"3.08", "3.917"}


@require_http_methods(["GET", "POST"])
def intake_form(request, pk: int):
    enrollment = (
        visible_enrollments(request.user, Action.EDIT_HMIS_DATA)
        .select_related("client", "project")
        .filter(pk=pk)
        .first()
    )
    if enrollment is None:
        raise Http404("No such enrollment.")
    asked = elements.member_questions(enrollment, "project_start", enrollment.entry_date)
    required = asked.required
    ask_prior = "3.917" in required
    kwargs = {"entry_date": enrollment.entry_date, "ask_prior_living": ask_prior}
    element_kwargs = {"questions": asked.questions, "context": asked.context, "prefix": "el"}
    if request.method == "POST":
        form = IntakeForm(request.POST, **kwargs)
        elements_form = ElementsForm(request.POST, **element_kwargs)
        if form.is_valid() & elements_form.is_valid():
            try:
                intake.record_intake(
                    request.user,
                    enrollment,
                    form.cleaned_data,
                    member_questions=asked,
                    element_values=elements_form.cleaned_data,
                )
            except ValidationError as error:
                for field, messages_ in error.message_dict.items():
                    target = field if field in form.fields else None
                    for message in messages_:
                        form.add_error(target, message)
            else:
                messages.success(request, "Intake saved.")
                return redirect("client_detail", pk=enrollment.client_id)
    else:
        initial = {name: getattr(enrollment, name) for name in intake.INTAKE_FIELDS}
        if initial["disabling_condition"] == hud.NoYesReasonsForMissingData.DATA_NOT_COLLECTED:
            initial["disabling_condition"] = None
        form = IntakeForm(initial=initial, **kwargs)
        elements_form = ElementsForm(
            initial=elements.current_values(enrollment, asked.questions, "project_start"),
            **element_kwargs,
        )
    names = element_names()
    on_page = ELSEWHERE | ON_INTAKE_FORM | {q.element for q in asked.questions}
    return render(
        request,
        "hmis/intake_form.html",
        {
            "form": form,
            "elements_form": elements_form,
            "enrollment": enrollment,
            "required": [(e, names.get(e, e), e in on_page) for e in required],
        },
    )


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _int_list(values):
    return [v for v in (_int(x) for x in values) if v is not None]
