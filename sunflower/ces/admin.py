"""Django admin for Coordinated Entry configuration: assessment tools and their versions,
access points, prioritization rules and the CE Participation Agreement.

A published (or retired) tool version never changes: the admin shows it read-only. A draft's
definition is checked with sunflower.ces.tools.validate_definition when saved, every problem
listed at once. Prioritization rules are checked and the lists recomputed as on the CES
pages. Access points are designated on the CES access points page, which writes HUD's
CEParticipation row; here they can be renamed or have their counties corrected.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from sunflower.ces import assessments, tools
from sunflower.ces.models import (
    AccessPoint,
    AgreementSignature,
    AssessmentTool,
    ParticipationAgreement,
    PrioritizationRules,
    ToolVersion,
)

FROZEN = (ToolVersion.Status.PUBLISHED, ToolVersion.Status.RETIRED)


class ToolVersionForm(forms.ModelForm):
    class Meta:
        model = ToolVersion
        fields = ["tool", "number", "definition", "notes"]

    def clean_definition(self):
        definition = self.cleaned_data.get("definition")
        try:
            tools.validate_definition(definition)
        except ValidationError as error:
            raise ValidationError(
                ["The definition has problems; nothing was saved:", *error.messages]
            ) from error
        return definition


class ToolVersionInline(admin.TabularInline):
    model = ToolVersion
    fields = ("number", "status", "published_at", "notes")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AssessmentTool)
class AssessmentToolAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "purpose", "is_active", "published")
    list_filter = ("purpose", "is_active")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [ToolVersionInline]

    @admin.display(description="published version")
    def published(self, obj) -> str:
        version = obj.published_version()
        return f"v{version.number}" if version else "-"


@admin.register(ToolVersion)
class ToolVersionAdmin(admin.ModelAdmin):
    form = ToolVersionForm
    list_display = ("__str__", "status", "created_at", "published_at")
    list_filter = ("status", "tool")
    actions = ["publish_drafts"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status in FROZEN:
            return ("tool", "number", "status", "definition", "notes", "created_at",
                    "published_at")
        return ("status", "created_at", "published_at")

    def has_change_permission(self, request, obj=None):
        # A published version is shown, never saved: its form has no editable field, and a
        # save that slipped through is refused here.
        if obj is not None and obj.status in FROZEN and request.method == "POST":
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status in FROZEN:
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description="Publish the selected drafts")
    def publish_drafts(self, request, queryset):
        for version in queryset.order_by("tool", "number"):
            try:
                assessments.publish(request.user, version)
            except ValidationError as error:
                self.message_user(request, f"{version}: {' '.join(error.messages)}",
                                  messages.ERROR)
            else:
                self.message_user(request, f"{version} is published.", messages.SUCCESS)


@admin.register(AccessPoint)
class AccessPointAdmin(admin.ModelAdmin):
    list_display = ("name", "project", "mode", "coc", "region", "start_date", "end_date")
    list_filter = ("mode", "coc", "region")
    search_fields = ("name", "project__project_name")
    raw_id_fields = ("project",)
    filter_horizontal = ("counties",)
    readonly_fields = ("project", "mode", "coc", "region", "start_date", "end_date",
                       "ce_participation")

    def has_add_permission(self, request):
        return False  # designate on the CES access points page: it writes CEParticipation

    def has_delete_permission(self, request, obj=None):
        return False  # end it on the CES access points page instead: HUD keeps the history

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        point = form.instance
        if point.region_id is not None:
            outside = point.counties.exclude(region_id=point.region_id)
        else:
            outside = point.counties.exclude(coc_id=point.coc_id)
        if outside.exists():
            names = ", ".join(outside.values_list("name", flat=True))
            point.counties.remove(*outside)
            self.message_user(
                request, f"Removed counties outside the access point's area: {names}.",
                messages.WARNING,
            )


class PrioritizationRulesForm(forms.ModelForm):
    class Meta:
        model = PrioritizationRules
        fields = ["coc", "region", "rules", "inactive_after_days"]

    def clean_rules(self):
        from sunflower.ces.prioritization import validate_rules

        return validate_rules(self.cleaned_data.get("rules"))

    def clean(self):
        data = super().clean()
        region, coc = data.get("region"), data.get("coc")
        if region is not None and coc is not None and region.coc_id != coc.pk:
            raise ValidationError({"region": f"{region.name} is not a region of {coc.code}."})
        return data


@admin.register(PrioritizationRules)
class PrioritizationRulesAdmin(admin.ModelAdmin):
    form = PrioritizationRulesForm
    list_display = ("coc", "region", "inactive_after_days", "changed_at", "changed_by")
    readonly_fields = ("changed_at", "changed_by")

    def save_model(self, request, obj, form, change):
        from sunflower.ces.prioritization import recompute
        from sunflower.geo.models import Region

        obj.changed_by = request.user
        super().save_model(request, obj, form, change)
        if obj.region_id is not None:
            regions = [obj.region]
        else:
            own = set(PrioritizationRules.objects.filter(region__coc=obj.coc)
                      .values_list("region_id", flat=True))
            regions = [r for r in Region.objects.filter(coc=obj.coc) if r.pk not in own]
        for region in regions:
            recompute(region, "prioritization rules changed")


class SignatureInline(admin.TabularInline):
    model = AgreementSignature
    fields = ("signed_at", "user", "organization", "signed_name")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ParticipationAgreement)
class ParticipationAgreementAdmin(admin.ModelAdmin):
    list_display = ("version", "effective_on", "signature_count")
    search_fields = ("version",)
    inlines = [SignatureInline]

    @admin.display(description="signatures")
    def signature_count(self, obj) -> int:
        return obj.signatures.count()

    def get_readonly_fields(self, request, obj=None):
        # What people signed stays what they signed: a signed version's text is frozen;
        # publish a new version instead.
        if obj is not None and obj.signatures.exists():
            return ("version", "text", "effective_on")
        return ()

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.signatures.exists():
            return False
        return super().has_delete_permission(request, obj)
