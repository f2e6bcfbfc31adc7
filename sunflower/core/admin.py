"""Admin pieces every app shares (this module registers nothing)."""

from __future__ import annotations

from django.contrib import admin


class RecordAdmin(admin.ModelAdmin):
    """An admin for records made elsewhere (by their pages and actions): listed and read,
    never added or edited here; deleting stays as each model's admin allows."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
