"""The data-quality dashboard pages (/reports/data-quality/): by agency and project for the
chosen CoC and period, a project's findings, and the records behind a finding (audited,
policy-checked, with a link to fix each for users who may edit the project's data).

No personal data in any URL: a finding is named by project pk, question, row and column;
the period and CoC are query parameters.
"""

from __future__ import annotations

import csv
import datetime as dt

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sunflower.accounts.policy import Action, can, require, visible_clients
from sunflower.audit.actions import record_view
from sunflower.consent.levels import SharingLevel
from sunflower.reports.data_quality.dashboard import dashboard, findings_of, project_tables
from sunflower.reports.engine.database import from_database
from sunflower.reports.engine.params import ReportParams
from sunflower.reports.forms import check_period
from sunflower.reports.views import (
    ACTION,
    CLIENTS_ON_PAGE,
    _cocs_of,
    _enrollments_behind,
    _reportable_projects,
)

DATE = forms.DateInput(attrs={"type": "date", "class": "usa-input"})


class QualityFilter(forms.Form):
    coc = forms.ChoiceField(
        label=_("Continuum of Care"), widget=forms.Select(attrs={"class": "usa-select"})
    )
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("To"), widget=DATE)

    def clean(self):
        data = super().clean()
        check_period(self, data)
        return data


def _filter(request, cocs):
    """The period and CoC asked for; by default the CoC first in the list and the last 365
    days to today."""
    today = timezone.localdate()
    initial = {
        "coc": cocs[0] if cocs else "",
        "start": today - dt.timedelta(days=364),
        "end": today,
    }
    form = QualityFilter(request.GET or None, initial=initial)
    form.fields["coc"].choices = [(code, code) for code in cocs]
    if request.GET and form.is_valid():
        data = form.cleaned_data
        return form, ReportParams(data["start"], data["end"], data["coc"])
    if request.GET:
        return form, None
    return form, ReportParams(initial["start"], initial["end"], initial["coc"])


def _query(params: ReportParams) -> str:
    return f"coc={params.coc}&start={params.start.isoformat()}&end={params.end.isoformat()}"


def index(request):
    require(request.user, ACTION)
    projects = _reportable_projects(request.user)
    cocs = _cocs_of(projects)
    form, params = _filter(request, cocs)
    rows = []
    if params is not None and params.coc:
        in_coc = list(projects.filter(project_cocs__coc_code=params.coc).distinct())
        rows = dashboard(request.user, params, in_coc)
    if request.GET.get("format") == "csv" and params is not None:
        return _csv(rows, params)
    context = {
        "form": form,
        "rows": rows,
        "params": params,
        "query": _query(params) if params else "",
    }
    return render(request, "reports/quality/index.html", context)


def _csv(rows, params: ReportParams) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="data-quality-{params.coc}-{params.start}-{params.end}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(
        [
            "Agency",
            "Project",
            "Project ID",
            "Clients",
            "PII issue rate",
            "UDE issues",
            "Worst UDE issue rate",
            "Income and housing issues",
            "Chronic: unable to calculate",
            "Starts entered within 3 days",
            "Exits entered within 3 days",
            "Inactive records",
            "Findings",
        ]
    )
    for row in rows:
        project = row.project
        writer.writerow(
            [
                project.organization.organization_name,
                project.project_name,
                project.project_id,
                row.clients,
                f"{row.pii_rate:.4f}",
                row.ude_issues,
                f"{row.ude_worst_rate:.4f}",
                row.income_housing_issues,
                f"{row.chronic_unable_rate:.4f}",
                "" if row.starts_on_time is None else f"{row.starts_on_time:.4f}",
                "" if row.exits_on_time is None else f"{row.exits_on_time:.4f}",
                row.inactive,
                row.issue_count,
            ]
        )
    return response


def _project_and_params(request, pk: int):
    require(request.user, ACTION)
    projects = _reportable_projects(request.user)
    # A project the user may not report on is not found (its existence is not revealed).
    project = get_object_or_404(projects, pk=pk)
    _form, params = _filter(request, _cocs_of(projects))
    if params is None:
        raise Http404("Invalid period.")
    return project, params


def _tables(request, project, params):
    frames = from_database(
        request.user, ReportParams(params.start, params.end, params.coc, (project.project_id,))
    )
    return project_tables(frames, params, project.project_id)


def project_findings(request, pk: int):
    project, params = _project_and_params(request, pk)
    findings = findings_of(_tables(request, project, params))
    context = {"project": project, "params": params, "findings": findings, "query": _query(params)}
    return render(request, "reports/quality/project.html", context)


def finding_records(request, pk: int, question: str, row: int, col: int):
    project, params = _project_and_params(request, pk)
    table = _tables(request, project, params).get(question)
    if table is None or not table.is_count_cell(row, col):
        raise Http404("No such finding.")
    members = table.cell_members(row, col)
    personal_ids = members["PersonalID"].drop_nulls().unique().to_list()
    enrollment_ids = members["EnrollmentID"].drop_nulls().unique().to_list()
    clients = (
        visible_clients(request.user, ACTION, shared_minimum=SharingLevel.NONE)
        .filter(personal_id__in=personal_ids, enrollments__project=project)
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )
    page = Paginator(clients, CLIENTS_ON_PAGE).get_page(request.GET.get("page"))
    listed = list(page.object_list)
    enrollments = _enrollments_behind(listed, enrollment_ids, [project.pk])
    for client in listed:
        record_view(request.user, client)
    may_fix = can(request.user, Action.EDIT_HMIS_DATA, project)
    may_open = can(request.user, Action.VIEW_CLIENT_RECORD)
    people = []
    for client in listed:
        behind = enrollments.get(client.pk, [])
        people.append(
            {
                "client": client,
                "enrollments": [
                    {
                        "enrollment": enrollment,
                        "fix": reverse("enrollment_detail", args=[enrollment.pk])
                        if may_fix
                        else None,
                    }
                    for enrollment in behind
                ],
                "link": reverse("client_detail", args=[client.pk]) if may_open else None,
            }
        )
    context = {
        "project": project,
        "params": params,
        "query": _query(params),
        "question": question,
        "row_label": table.rows[row],
        "column_label": table.columns[col],
        "count": table.values[row][col],
        "page": page,
        "people": people,
        "hidden": max(len(personal_ids) - page.paginator.count, 0),
    }
    return render(request, "reports/quality/records.html", context)
