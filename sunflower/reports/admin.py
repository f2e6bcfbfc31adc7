"""Django admin for report runs: a read-only list, where an administrator deletes old runs
(a deleted run takes its stored tables and drill-down lists, which hold client IDs, with it:
models._delete_result_files). Runs are created only from the reports page."""

from __future__ import annotations

from django.contrib import admin

from sunflower.core.admin import RecordAdmin
from sunflower.reports.models import ReportRun


@admin.register(ReportRun)
class ReportRunAdmin(RecordAdmin):
    list_display = ("pk", "report", "requested_by", "status", "created_at", "seconds")
    list_filter = ("report", "status")
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in ReportRun._meta.fields] + ["projects"]
