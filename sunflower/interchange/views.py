"""Import and export pages. Views parse, ask the policy, call the interchange, render."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from sunflower.accounts.policy import Action, require, visible_projects
from sunflower.audit.actions import record_view
from sunflower.interchange.export_runs import current_progress, queue_export
from sunflower.interchange.forms import ExportForm, ImportUploadForm
from sunflower.interchange.models import ExportRun, ImportRun
from sunflower.interchange.tasks import run_export_task, run_import_task

FINDINGS_ON_PAGE = 200


def imports(request):
    require(request.user, Action.IMPORT_HMIS_CSV)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        run = ImportRun.objects.create(
            source_name=form.cleaned_data["source"],
            original_name=upload.name[:255],
            upload=upload,
            requested_by=request.user,
            dry_run=form.cleaned_data["dry_run"],
        )
        # Queue after the commit so the worker finds the row (and the stored file).
        transaction.on_commit(lambda: run_import_task.delay(run.pk))
        messages.info(request, _("The import is queued."))
        return redirect("interchange:import_detail", pk=run.pk)
    runs = ImportRun.objects.select_related("requested_by", "data_source").order_by("-id")[:25]
    return render(request, "interchange/imports.html", {"form": form, "runs": runs})


def import_detail(request, pk: int):
    require(request.user, Action.IMPORT_HMIS_CSV)
    run = get_object_or_404(ImportRun.objects.select_related("requested_by", "data_source"), pk=pk)
    context = {
        "run": run,
        "findings": run.findings.order_by("id")[:FINDINGS_ON_PAGE],
        "findings_on_page": FINDINGS_ON_PAGE,
        "counts": sorted(run.counts.items()) if run.counts else [],
        "finding_counts": sorted((run.finding_counts or {}).items()),
        "progress": run.live_progress(),
    }
    template = "interchange/_import_status.html" if request.htmx else "interchange/import_detail.html"
    return render(request, template, context)


def import_findings_csv(request, pk: int):
    require(request.user, Action.IMPORT_HMIS_CSV)
    from sunflower.interchange.importer import findings_as_csv

    run = get_object_or_404(ImportRun, pk=pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-findings.csv"'
    findings_as_csv(run, response)
    return response


def exports(request):
    require(request.user, Action.RUN_PROGRAM_REPORTS)
    from sunflower.hmis.models import ProjectCoC

    projects = visible_projects(request.user, Action.RUN_PROGRAM_REPORTS).select_related(
        "organization"
    )
    cocs = sorted(
        set(
            ProjectCoC.objects.filter(project__in=projects).values_list("coc_code", flat=True)
        )
    )
    form = ExportForm(request.POST or None, projects=projects, cocs=cocs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        run = queue_export(
            user=request.user,
            projects=data["projects"],
            coc_code=data["coc_code"],
            start=data["start"],
            end=data["end"],
            directive=data["directive"],
            hash_status=4 if data["hashed"] else 1,
        )
        transaction.on_commit(lambda: run_export_task.delay(run.pk))
        messages.info(request, _("The export is queued."))
        return redirect("interchange:export_detail", pk=run.pk)
    runs = ExportRun.objects.filter(requested_by=request.user).order_by("-id")[:25]
    return render(request, "interchange/exports.html", {"form": form, "runs": runs})


def _own_export(request, pk: int) -> ExportRun:
    """A user sees only the exports they asked for: the file holds their scope's client data."""
    require(request.user, Action.RUN_PROGRAM_REPORTS)
    return get_object_or_404(ExportRun, pk=pk, requested_by=request.user)


def export_detail(request, pk: int):
    run = _own_export(request, pk)
    template = "interchange/_export_status.html" if request.htmx else "interchange/export_detail.html"
    progress_file, progress_rows = current_progress(run)
    context = {
        "run": run,
        "counts": sorted((run.counts or {}).items()),
        "progress_file": progress_file,
        "progress_rows": progress_rows,
    }
    return render(request, template, context)


def export_download(request, pk: int):
    run = _own_export(request, pk)
    if run.status != ExportRun.Status.SUCCEEDED or not run.file:
        return redirect("interchange:export_detail", pk=run.pk)
    record_view(request.user, run)
    return FileResponse(run.file.open("rb"), as_attachment=True, filename=f"hmis-csv-export-{run.pk}.zip")
