"""The stay pages: nightly bed-night check-in and exit (docs/stay-and-exit.md)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sunflower.accounts.policy import Action, require
from sunflower.hmis import stay
from sunflower.hmis.forms_elements import member_element_forms
from sunflower.hmis.forms_stay import BedNightForm, ExitForm, NightForm
from sunflower.hmis.models import Enrollment, Project
from sunflower.hmis.requirements import active_funders


@require_http_methods(["GET", "POST"])
def bed_nights(request, pk: int):
    project = get_object_or_404(Project.objects.select_related("organization"), pk=pk)
    require(request.user, Action.EDIT_HMIS_DATA, project)
    error = None
    if request.method == "POST":
        form = BedNightForm(request.POST)
        if form.is_valid():
            night = form.cleaned_data["night"]
            try:
                result = stay.record_bed_nights(
                    request.user, project, night, form.cleaned_data["enrollments"]
                )
            except ValidationError as refusal:
                error = " ".join(refusal.messages)
            else:
                messages.success(
                    request,
                    _(
                        "Bed nights saved for %(night)s: %(count)d checked in (%(added)d added, %(removed)d removed)."
                    )
                    % {
                        "night": f"{night:%Y-%m-%d}",
                        "count": result.checked_in,
                        "added": len(result.added),
                        "removed": len(result.removed),
                    },
                )
                return redirect(
                    f"{reverse('bed_nights', args=[project.pk])}?night={night:%Y-%m-%d}"
                )
        else:
            error = _(
                "The check-in could not be read (is the night a valid date?): nothing was saved."
            )
        night_form = NightForm({"night": request.POST.get("night", "")})
        night = night_form.night_or_today()
        ticked = set(form.cleaned_data.get("enrollments", [])) if form.is_valid() else set()
    else:
        night_form = NightForm(request.GET if "night" in request.GET else None)
        night = night_form.night_or_today()
        ticked = None
    enrollments = list(stay.open_enrollments(project, night))
    if ticked is None:
        ticked = set(stay.bed_nights_on(project, night).values_list("enrollment_id", flat=True))
    rows = [(enrollment, enrollment.pk in ticked) for enrollment in enrollments]
    return render(
        request,
        "hmis/bed_nights.html",
        {
            "project": project,
            "night": night,
            "night_form": night_form,
            "rows": rows,
            "all_checked": bool(rows) and all(checked for _, checked in rows),
            "error": error,
        },
    )


def _exit_date_or_today(data) -> dt.date:
    try:
        return dt.date.fromisoformat((data or {}).get("exit_date", ""))
    except ValueError:
        return timezone.localdate()


@require_http_methods(["GET", "POST"])
def exit_enrollment(request, pk: int):
    enrollment = get_object_or_404(Enrollment.objects.select_related("client", "project"), pk=pk)
    require(request.user, Action.EDIT_HMIS_DATA, enrollment)
    household = stay.household_open_enrollments(enrollment)
    already_exited = enrollment.exit

    def enrollments_for(whole_household: bool):
        return household if whole_household else [enrollment]

    posted = request.method == "POST" and already_exited is None
    data = request.POST if posted else None
    # Exit-stage elements (matrix stage "exit"), one form per member, funders on the exit date.
    on = _exit_date_or_today(data)
    funders = active_funders(enrollment.project, on)
    members = household if any(m.pk == enrollment.pk for m in household) else [enrollment]
    member_forms = member_element_forms(members, "exit", on, funders, data, values_stage="exit")
    if posted:
        form = ExitForm(request.POST, enrollments_for=enrollments_for)
        form_ok = form.is_valid()
        exiting = {e.pk for e in enrollments_for(bool(form.cleaned_data.get("whole_household")))}
        members_ok = all(
            member_form.is_valid()
            for member, _asked, member_form in member_forms
            if member.pk in exiting
        )
        if form_ok and members_ok:
            data = form.cleaned_data
            answers = {
                member.pk: (asked.questions, member_form.cleaned_data)
                for member, asked, member_form in member_forms
                if member.pk in exiting and asked.questions
            }
            try:
                exits = stay.record_exit(
                    request.user,
                    enrollments_for(data["whole_household"]),
                    data["exit_date"],
                    data["destination"],
                    data["destination_subsidy_type"],
                    data["other_destination"],
                    element_answers=answers,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Exit recorded for %(count)d enrollment(s).") % {"count": len(exits)},
                )
                return redirect("client_detail", pk=enrollment.client_id)
    else:
        form = ExitForm(enrollments_for=enrollments_for)
        members_ok = True
    return render(
        request,
        "hmis/exit_form.html",
        {
            "enrollment": enrollment,
            "household": household,
            "already_exited": already_exited,
            "form": form,
            "member_forms": [(m, f) for m, a, f in member_forms if a.questions],
            "member_errors": posted and not members_ok,
        },
    )
