"""Django admin for the HUD data model: every HUD file's model plus DataSource.

Deliberately plain: list by HUD identifier and a few fields, search by HUD identifier. Deleted
records (DateDeleted) are listed too, flagged in the "deleted" column. Who may open the admin is
decided elsewhere.
"""

from __future__ import annotations

from django.contrib import admin

from sunflower.hmis import models as hmis

RELATION_FIELDS = (
    "client",
    "enrollment",
    "project",
    "organization",
    "assessment",
    "res_project",
    "user",
    "export",
)


@admin.register(hmis.DataSource)
class DataSourceAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "is_native", "created_at")
    search_fields = ("name",)


class HudAdmin(admin.ModelAdmin):
    """Admin of one HUD model; subclasses name a few extra columns in ``extra_display``."""

    extra_display: tuple[str, ...] = ()
    list_filter = ("data_source",)
    list_per_page = 50
    show_full_result_count = False

    def __init__(self, model, admin_site):
        self.list_display = (model.hud_id_field, *self.extra_display, "data_source")
        if issubclass(model, hmis.HudRecord):
            self.list_display += ("date_updated", "deleted")
        self.search_fields = (model.hud_id_field,)
        self.raw_id_fields = tuple(
            name for name in RELATION_FIELDS if any(f.name == name for f in model._meta.fields)
        )
        super().__init__(model, admin_site)

    def get_queryset(self, request):
        manager = getattr(self.model, "all_objects", self.model._default_manager)
        queryset = manager.get_queryset().select_related("data_source")
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    @admin.display(boolean=True, description="deleted")
    def deleted(self, obj) -> bool:
        return obj.date_deleted is not None


EXTRA_DISPLAY: dict[type, tuple[str, ...]] = {
    hmis.Export: ("export_date", "source_name", "export_start_date", "export_end_date"),
    hmis.Organization: ("organization_name", "victim_service_provider"),
    hmis.HmisUser: ("user_last_name", "user_first_name"),
    hmis.Project: ("project_name", "project_type", "operating_start_date", "operating_end_date"),
    hmis.Funder: ("project", "funder", "start_date", "end_date"),
    hmis.ProjectCoC: ("project", "coc_code", "geocode"),
    hmis.Inventory: ("project", "coc_code", "bed_inventory", "inventory_start_date"),
    hmis.Affiliation: ("project", "res_project"),
    hmis.HMISParticipation: ("project", "hmis_participation_type"),
    hmis.CEParticipation: ("project", "access_point", "receives_referrals"),
    hmis.Client: ("dob_data_quality", "veteran_status"),
    hmis.Enrollment: ("client", "project", "entry_date", "household_id", "relationship_to_hoh"),
    hmis.Exit: ("enrollment", "exit_date", "destination"),
    hmis.IncomeBenefits: ("enrollment", "information_date", "data_collection_stage"),
    hmis.HealthAndDV: ("enrollment", "information_date", "data_collection_stage"),
    hmis.EmploymentEducation: ("enrollment", "information_date", "data_collection_stage"),
    hmis.Disabilities: ("enrollment", "information_date", "disability_type"),
    hmis.Services: ("enrollment", "date_provided", "record_type", "type_provided"),
    hmis.CurrentLivingSituation: ("enrollment", "information_date", "current_living_situation"),
    hmis.Assessment: ("enrollment", "assessment_date", "assessment_level"),
    hmis.AssessmentQuestions: ("assessment", "assessment_question"),
    hmis.AssessmentResults: ("assessment", "assessment_result_type", "assessment_result"),
    hmis.Event: ("enrollment", "event_date", "event"),
    hmis.YouthEducationStatus: ("enrollment", "information_date", "data_collection_stage"),
}

for _model in hmis.HUD_MODELS:
    admin.site.register(
        _model,
        type(f"{_model.__name__}Admin", (HudAdmin,), {"extra_display": EXTRA_DISPLAY[_model]}),
    )
