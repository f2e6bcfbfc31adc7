"""The reports pages: ask for a report, follow its progress, read its tables, drill into a
cell, download what Sage takes.

Access (sunflower.accounts.policy, action RUN_PROGRAM_REPORTS): agency roles report on their
own agency's projects, the HMIS Lead on every project or a whole CoC; Access Point and VSP
roles on none (403). A run is seen by the user who asked for it (its numbers come from their
scope) and by users whose scope is every project; to anyone else it does not exist (404). A
drill-down lists only clients the viewing user may see, and each client listed is an access
entry in the audit log. URLs carry the run id, question and cell indexes, never personal data.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from sunflower.accounts.policy import (
    ROLE_TABLE,
    Action,
    Scope,
    can,
    require,
    roles_of,
    visible_clients,
    visible_projects,
)
from sunflower.audit.actions import record_view
from sunflower.consent.levels import SharingLevel
from sunflower.reports.engine.params import ReportParams
from sunflower.reports.engine.registry import REPORT_KINDS
from sunflower.reports.forms import ReportRunForm
from sunflower.reports.models import ReportRun
from sunflower.reports.results import (
    cell_members,
    csv_zip,
    load_tables,
    xlsx_workbook,
)
from sunflower.reports.tasks import run_report_task

ACTION = Action.RUN_PROGRAM_REPORTS
CLIENTS_ON_PAGE = 100


def reports_everywhere(user) -> bool:
    """The user's role reaches every project (the HMIS Lead): whole-CoC reports, every run."""
    return any(ROLE_TABLE[ACTION][role] is Scope.ALL for role in roles_of(user))


def _reportable_projects(user):
    return visible_projects(user, ACTION).select_related("organization").order_by("project_name")


def _cocs_of(projects) -> list[str]:
    from sunflower.hmis.models import ProjectCoC

    return sorted(
        set(ProjectCoC.objects.filter(project__in=projects).values_list("coc_code", flat=True))
    )


def index(request):
    require(request.user, ACTION)
    projects = _reportable_projects(request.user)
    everywhere = reports_everywhere(request.user)
    form = ReportRunForm(
        request.POST or None,
        projects=projects,
        cocs=_cocs_of(projects),
        whole_coc_allowed=everywhere,
    )
    if request.method == "POST" and form.is_valid():
        run = _queue_run(request, form, projects, everywhere)
        if run is not None:
            run.refresh_from_db()  # without a worker the job has already run, on commit
            if not run.is_finished:
                messages.info(request, _("The report is queued."))
            return redirect("reports:run", pk=run.pk)
    runs = ReportRun.objects.filter(requested_by=request.user)[:25]
    return render(request, "reports/index.html", {"form": form, "runs": runs})


def _queue_run(request, form, reportable, everywhere: bool) -> ReportRun | None:
    data = form.cleaned_data
    coc = data["coc"]
    in_coc = reportable.filter(project_cocs__coc_code=coc).distinct()
    chosen = list(data["projects"])
    kind = REPORT_KINDS[data["report"]]
    if kind.coc_wide:
        # The form offers these only to roles that reach every project; check again.
        if not everywhere:
            raise PermissionDenied
        chosen = []
    # A project-level report (APR, CAPER) is of projects operating in the CoC (2.03
    # ProjectCoC); a project chosen outside it would be silently left out, so refuse it.
    outside = [p for p in chosen if not in_coc.filter(pk=p.pk).exists()]
    if outside:
        form.add_error(
            "projects",
            _("%(name)s does not operate in %(coc)s.")
            % {"name": outside[0].project_name, "coc": coc},
        )
        return None
    if not chosen and not everywhere:
        # Agency roles reach only their agency's projects: "the CoC" means theirs in it.
        chosen = list(in_coc)
        if not chosen:
            form.add_error("coc", _("None of your projects operates in %(coc)s.") % {"coc": coc})
            return None
    with transaction.atomic():
        run = ReportRun.objects.create(
            report=data["report"],
            requested_by=request.user,
            params=ReportParams(
                start=data["start"],
                # The PIT and HIC count one night: the start date.
                end=data["start"] if kind.one_night else data["end"],
                coc=coc,
                project_ids=tuple({p.project_id for p in chosen}),
            ).to_dict(),
        )
        run.projects.set(chosen)
        # Queue after the commit so the worker finds the row.
        transaction.on_commit(lambda: run_report_task.delay(run.pk))
    return run


def _visible_run(request, pk: int) -> ReportRun:
    """The run, if this user may see it; otherwise 404, so a run's existence is not revealed."""
    require(request.user, ACTION)
    run = get_object_or_404(ReportRun.objects.select_related("requested_by"), pk=pk)
    if run.requested_by_id == request.user.pk or reports_everywhere(request.user):
        return run
    raise Http404("No such report run.")


def run_detail(request, pk: int):
    run = _visible_run(request, pk)
    context = {"run": run}
    if request.htmx and not run.is_finished:
        return render(request, "reports/_run_status.html", context)
    if request.htmx:
        # Finished while the page polled: load the whole page, tables and all.
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    if run.status == ReportRun.Status.SUCCEEDED:
        context["tables"] = [_display_table(run, table) for table in load_tables(run.pk).values()]
    return render(request, "reports/run.html", context)


def _display_table(run: ReportRun, table) -> dict:
    """A table as the template shows it: each cell's text and, for a count, its drill-down."""
    rows = []
    for r, label in enumerate(table.rows):
        cells = []
        for c in range(len(table.columns)):
            link = (
                reverse("reports:cell", args=[run.pk, table.name, r, c])
                if table.is_count_cell(r, c)
                else None
            )
            cells.append({"text": table.formatted(r, c), "link": link})
        rows.append({"label": label, "cells": cells})
    return {
        "name": table.name,
        "columns": table.columns,
        "rows": rows,
        "label_column": table.label_column,
    }


def cell_detail(request, pk: int, question: str, row: int, col: int):
    run = _visible_run(request, pk)
    if run.status != ReportRun.Status.SUCCEEDED:
        raise Http404("The report has no results.")
    table = load_tables(run.pk).get(question)
    if table is None or not table.is_count_cell(row, col):
        raise Http404("No such cell.")
    members = cell_members(run.pk, question, row, col)
    personal_ids = members["PersonalID"].drop_nulls().unique().to_list()
    enrollment_ids = members["EnrollmentID"].drop_nulls().unique().to_list()
    # Only clients the viewing user may see for reports (their own agency's, for agency
    # roles); sharing by release does not extend a report's reach (policy.SHARED_READ_ACTIONS).
    clients = visible_clients(request.user, ACTION, shared_minimum=SharingLevel.NONE).filter(
        personal_id__in=personal_ids
    )
    project_pks = list(run.projects.values_list("pk", flat=True))
    if project_pks:
        # HUD PersonalIDs are unique per data source only: keep the run's projects' clients.
        clients = clients.filter(enrollments__project__in=project_pks).distinct()
    clients = clients.order_by("last_name", "first_name", "pk")
    page = Paginator(clients, CLIENTS_ON_PAGE).get_page(request.GET.get("page"))
    listed = list(page.object_list)
    enrollments = _enrollments_behind(listed, enrollment_ids, project_pks)
    for client in listed:
        record_view(request.user, client)  # every client shown is an access entry
    may_open = can(request.user, Action.VIEW_CLIENT_RECORD)
    context = {
        "run": run,
        "question": question,
        "row_label": table.rows[row],
        "column_label": table.columns[col],
        "count": table.values[row][col],
        "page": page,
        "people": [
            {
                "client": client,
                "enrollments": enrollments.get(client.pk, []),
                "link": reverse("client_detail", args=[client.pk]) if may_open else None,
            }
            for client in listed
        ],
        "hidden": max(len(personal_ids) - page.paginator.count, 0),
    }
    return render(request, "reports/cell.html", context)


def _enrollments_behind(clients, enrollment_ids, project_pks) -> dict[int, list]:
    from sunflower.hmis.models import Enrollment

    if not clients or not enrollment_ids:
        return {}
    enrollments = Enrollment.objects.filter(
        client__in=clients, enrollment_id__in=enrollment_ids
    ).select_related("project")
    if project_pks:
        enrollments = enrollments.filter(project__in=project_pks)
    behind: dict[int, list] = {}
    for enrollment in enrollments.order_by("entry_date"):
        behind.setdefault(enrollment.client_id, []).append(enrollment)
    return behind


def _finished_run(request, pk: int) -> ReportRun:
    run = _visible_run(request, pk)
    if run.status != ReportRun.Status.SUCCEEDED:
        raise Http404("The report has no results.")
    return run


def download_zip(request, pk: int):
    run = _finished_run(request, pk)
    response = HttpResponse(csv_zip(run.pk, load_tables(run.pk)), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{run.report}-{run.pk}-csv.zip"'
    return response


def download_xlsx(request, pk: int):
    run = _finished_run(request, pk)
    response = HttpResponse(
        xlsx_workbook(load_tables(run.pk), run.title),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{run.report}-{run.pk}.xlsx"'
    return response
