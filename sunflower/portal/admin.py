"""The HMIS team edits the resource center and the agreement versions in the admin (HMIS
administrators only: accounts/admin_site.py). Requests and signatures are read-only records."""

from django.contrib import admin

from sunflower.core.admin import RecordAdmin

from .models import AccessRequest, AgreementSignature, ResourceFile, ResourcePage, UserAgreement


class ResourceFileInline(admin.TabularInline):
    model = ResourceFile
    extra = 1


@admin.register(ResourcePage)
class ResourcePageAdmin(admin.ModelAdmin):
    list_display = ["title_en", "kind", "slug", "is_published", "order", "updated_at"]
    list_filter = ["kind", "is_published"]
    search_fields = ["title_en", "title_es", "slug"]
    prepopulated_fields = {"slug": ["title_en"]}
    inlines = [ResourceFileInline]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(UserAgreement)
class UserAgreementAdmin(admin.ModelAdmin):
    list_display = ["version", "title", "effective_on", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        # A signed version is what people agreed to: it is never edited, only superseded.
        if obj is not None and obj.signatures.exists():
            return ["version", "title", "body", "effective_on"]
        return []


@admin.register(AgreementSignature)
class AgreementSignatureAdmin(RecordAdmin):
    list_display = ["user", "agreement", "signed_at", "ip_address"]
    list_filter = ["agreement"]
    search_fields = ["user__email", "typed_name"]


@admin.register(AccessRequest)
class AccessRequestAdmin(RecordAdmin):
    list_display = ["pk", "organization", "requested_role", "status", "submitted_at"]
    list_filter = ["status", "requested_role"]
    # Decided on the queue page, through the actions.
