from django.contrib import admin

from .models import DataExtract, DataRequest, DataRequestDecision, DataRequestEvent


class DecisionInline(admin.TabularInline):
    model = DataRequestDecision
    extra = 0
    readonly_fields = ["decided_at", "decided_by"]


class EventInline(admin.TabularInline):
    model = DataRequestEvent
    extra = 0
    readonly_fields = ["kind", "at", "by", "note"]


@admin.register(DataRequest)
class DataRequestAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "requester_organization", "status", "submitted_at"]
    list_filter = ["status", "complexity"]
    search_fields = ["title", "requester_organization"]
    readonly_fields = ["token", "submitted_at"]
    inlines = [DecisionInline, EventInline]


@admin.register(DataExtract)
class DataExtractAdmin(admin.ModelAdmin):
    list_display = ["request", "created_at", "expires_at", "downloads", "expired_at"]
    readonly_fields = ["token", "file_name", "size", "downloads", "last_downloaded_at"]
