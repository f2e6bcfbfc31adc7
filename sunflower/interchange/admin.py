from django.contrib import admin

from sunflower.core.admin import RecordAdmin
from sunflower.interchange.models import ImportFinding, ImportRun


class ImportFindingInline(admin.TabularInline):
    model = ImportFinding
    fields = ["severity", "code", "file", "line", "column", "value", "message", "expected"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False


@admin.register(ImportRun)
class ImportRunAdmin(RecordAdmin):
    """Import runs are audit records: readable, never edited here."""

    list_display = [
        "id", "created_at", "original_name", "source_name", "status", "dry_run",
        "error_count", "warning_count", "requested_by",
    ]
    list_filter = ["status", "dry_run"]
    search_fields = ["original_name", "source_name"]
    inlines = [ImportFindingInline]


@admin.register(ImportFinding)
class ImportFindingAdmin(admin.ModelAdmin):
    list_display = ["run", "severity", "code", "file", "line", "column", "value"]
    list_filter = ["severity", "code"]
    list_select_related = ["run"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
