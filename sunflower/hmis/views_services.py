"""During-the-stay pages and enrollment-page sections: services, current living situations,
housing move-in date (docs/services.md). Every page opens the enrollment through
views.access_enrollment (policy, audited view, 404 on refusal)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sunflower.accounts.policy import Action, visible_enrollments
from sunflower.core.forms import add_validation_errors
from sunflower.hmis import current_living, move_in, services
from sunflower.hmis.forms_services import CurrentLivingSituationForm, MoveInForm, ServiceForm
from sunflower.hmis.sections import Section
from sunflower.hmis.views import access_enrollment


def _editable_household(user, enrollment):
    """The other members of the household in this project whose records `user` may edit."""
    return list(
        visible_enrollments(user, Action.EDIT_HMIS_DATA)
        .filter(
            project_id=enrollment.project_id,
            household_id=enrollment.household_id,
            data_source_id=enrollment.data_source_id,
        )
        .exclude(pk=enrollment.pk)
        .select_related("client")
        .prefetch_related("exits")
        .order_by("client__last_name", "client__first_name", "pk")
    )




def _back(enrollment, anchor: str):
    return redirect(f"{enrollment_url(enrollment)}#{anchor}")


def enrollment_url(enrollment) -> str:
    return reverse("enrollment_detail", args=[enrollment.pk])


@require_http_methods(["GET", "POST"])
def service_new(request, pk: int):
    enrollment = access_enrollment(request.user, pk, Action.EDIT_HMIS_DATA)
    record_types = services.allowed_record_types(enrollment.project)
    url = reverse("service_new", args=[enrollment.pk])
    members = _editable_household(request.user, enrollment)
    partial = request.method == "POST" and request.POST.get("_partial")
    if request.method == "POST" and not partial:
        form = ServiceForm(
            request.POST, record_types=record_types, members=members, partial_url=url
        )
        if form.is_valid():
            data = form.cleaned_data
            chosen = [m for m in members if m.pk in set(data["household_members"])]
            try:
                written = services.record_service(
                    request.user,
                    enrollment,
                    data["record_type"],
                    data["type_provided"],
                    data["date_provided"],
                    household_members=chosen,
                    **form.details(),
                )
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Service recorded for %(count)d household member(s).")
                    % {"count": len(written)},
                )
                return _back(enrollment, "services-heading")
    else:
        initial = {"date_provided": timezone.localdate()}
        if len(record_types) == 1:
            initial["record_type"] = record_types[0]
        if partial:
            # Re-ask the questions for the kind and type chosen, keeping what was typed.
            initial.update(
                {
                    k: v
                    for k, v in request.POST.items()
                    if k not in ("csrfmiddlewaretoken", "_partial", "household_members")
                }
            )
        form = ServiceForm(
            initial=initial, record_types=record_types, members=members, partial_url=url
        )
    context = {"enrollment": enrollment, "form": form, "record_types": record_types}
    if partial:
        return render(request, "hmis/_service_details.html", context)
    return render(request, "hmis/service_form.html", context)


@require_POST
def service_delete(request, pk: int, service_pk: int):
    enrollment = access_enrollment(request.user, pk, Action.EDIT_HMIS_DATA)
    from sunflower.hmis.models import Services

    service = get_object_or_404(Services.objects, pk=service_pk, enrollment=enrollment)
    try:
        services.delete_service(request.user, service)
    except PermissionDenied as refusal:
        raise Http404("No such service.") from refusal
    messages.success(request, _("Service deleted."))
    return _back(enrollment, "services-heading")


@require_http_methods(["GET", "POST"])
def cls_new(request, pk: int):
    enrollment = access_enrollment(request.user, pk, Action.EDIT_HMIS_DATA)
    project_type = enrollment.project.project_type
    url = reverse("cls_new", args=[enrollment.pk])
    partial = request.method == "POST" and request.POST.get("_partial")
    if request.method == "POST" and not partial:
        form = CurrentLivingSituationForm(request.POST, project_type=project_type, partial_url=url)
        if form.is_valid():
            data = form.cleaned_data
            try:
                current_living.record_current_living_situation(
                    request.user,
                    enrollment,
                    data["information_date"],
                    data["current_living_situation"],
                    **form.details(),
                )
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, _("Current living situation recorded."))
                return _back(enrollment, "living-situations-heading")
    elif partial:
        # Re-ask the conditional questions for the answers so far, keeping what was typed.
        form = CurrentLivingSituationForm(
            initial={k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"},
            project_type=project_type,
            partial_url=url,
        )
    else:
        form = CurrentLivingSituationForm(
            initial={"information_date": timezone.localdate()},
            project_type=project_type,
            partial_url=url,
        )
    context = {"enrollment": enrollment, "form": form}
    if partial:
        return render(request, "hmis/_cls_details.html", context)
    return render(request, "hmis/cls_form.html", context)


@require_http_methods(["GET", "POST"])
def move_in_edit(request, pk: int):
    enrollment = access_enrollment(request.user, pk, Action.EDIT_HMIS_DATA)
    if not move_in.collects_move_in(enrollment.project):
        raise Http404("This project does not record a move-in date.")
    if not enrollment.is_head_of_household:
        raise Http404("The move-in date is recorded on the head of household's enrollment.")
    if request.method == "POST":
        form = MoveInForm(request.POST)
        if form.is_valid():
            date = None if request.POST.get("clear") else form.cleaned_data["move_in_date"]
            if date is None and not request.POST.get("clear"):
                form.add_error("move_in_date", _("Enter the move-in date."))
            else:
                try:
                    changed = move_in.record_move_in(request.user, enrollment, date)
                except ValidationError as error:
                    add_validation_errors(form, error)
                else:
                    messages.success(
                        request,
                        _("Move-in date saved for %(count)d household member(s).")
                        % {"count": len(changed)},
                    )
                    return _back(enrollment, "move-in-heading")
    else:
        form = MoveInForm(initial={"move_in_date": enrollment.move_in_date})
    return render(request, "hmis/move_in_form.html", {"enrollment": enrollment, "form": form})


# --- enrollment page sections --------------------------------------------------------------


def services_context(request, enrollment, editable=False, **loaded):
    """Two queries whatever the number of services: the services (bed nights excepted) and the
    count of bed nights."""
    from sunflower.hmis.models import Services

    rows = list(
        Services.objects.filter(enrollment=enrollment)
        .exclude(record_type=services.BED_NIGHT)
        .order_by("-date_provided", "-pk")
    )
    bed_nights = Services.objects.filter(
        enrollment=enrollment, record_type=services.BED_NIGHT
    ).count()
    return {
        "enrollment": enrollment,
        "rows": [
            {
                "service": row,
                "kind": row.get_record_type_display(),
                "type": services.type_label(row.record_type, row.type_provided),
            }
            for row in rows
        ],
        "bed_nights": bed_nights,
        # One query (the project's funders): offer the form only where a service type applies.
        "can_record": editable and bool(services.allowed_record_types(enrollment.project)),
    }


def living_situations_context(request, enrollment, editable=False, **loaded):
    from sunflower.hmis.models import CurrentLivingSituation

    return {
        "enrollment": enrollment,
        "rows": list(
            CurrentLivingSituation.objects.filter(enrollment=enrollment).order_by(
                "-information_date", "-pk"
            )
        ),
        "editable": editable,
    }


def move_in_context(request, enrollment, editable=False, **loaded):
    """Only in permanent housing projects; no query."""
    if not move_in.collects_move_in(enrollment.project):
        return None
    return {
        "enrollment": enrollment,
        "editable": editable and enrollment.is_head_of_household,
        "is_head": enrollment.is_head_of_household,
    }


SERVICES_SECTION = Section("services-heading", "hmis/_section_services.html", services_context)
LIVING_SITUATIONS_SECTION = Section(
    "living-situations-heading", "hmis/_section_cls.html", living_situations_context
)
MOVE_IN_SECTION = Section("move-in-heading", "hmis/_section_move_in.html", move_in_context)
