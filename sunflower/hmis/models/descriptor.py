"""Export.csv and the project descriptor files: Organization, User, Project, Funder, ProjectCoC,
Inventory, Affiliation, HMISParticipation, CEParticipation."""

from __future__ import annotations

from django.db import models

from sunflower.hmis import vocabulary as hud
from sunflower.hmis.models.base import HudModel, HudRecord, PiiKind, add_error, new_hud_id


def end_not_before_start(model_name: str, start: str, end: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(**{f"{end}__isnull": True})
        | models.Q(**{f"{end}__gte": models.F(start)}),
        name=f"hmis_{model_name}_{end}_gte_start",
        violation_error_message=f"{end} cannot be before {start}.",
    )


def end_before_start_errors(instance, start: str, end: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    start_value, end_value = getattr(instance, start), getattr(instance, end)
    if start_value and end_value and end_value < start_value:
        add_error(errors, end, f"The end date {end_value} is before the start date {start_value}.")
    return errors


class Export(HudModel):
    """Export.csv: one row per export received (import) or produced (export)."""

    hud_file = "Export.csv"
    hud_id_field = "export_id"
    pii_fields = {
        "source_contact_first": PiiKind.NAME,
        "source_contact_last": PiiKind.NAME,
        "source_contact_phone": PiiKind.CONTACT,
        "source_contact_extension": PiiKind.CONTACT,
        "source_contact_email": PiiKind.CONTACT,
    }

    export_id = models.CharField(max_length=32, default=new_hud_id)
    source_type = models.IntegerField(choices=hud.SourceType)
    source_id = models.CharField(max_length=350, blank=True, default="")
    source_name = models.CharField(max_length=50, blank=True, default="")
    source_contact_first = models.CharField(max_length=50, blank=True, default="")
    source_contact_last = models.CharField(max_length=50, blank=True, default="")
    source_contact_phone = models.CharField(max_length=10, blank=True, default="")
    source_contact_extension = models.CharField(max_length=5, blank=True, default="")
    source_contact_email = models.CharField(max_length=320, blank=True, default="")
    export_date = models.DateTimeField()
    export_start_date = models.DateField()
    export_end_date = models.DateField()
    software_name = models.CharField(max_length=50)
    software_version = models.CharField(max_length=50, blank=True, default="")
    csv_version = models.CharField(max_length=50, blank=True, default="")
    export_period_type = models.IntegerField(choices=hud.ExportPeriodType)
    export_directive = models.IntegerField(choices=hud.ExportDirective)
    hash_status = models.IntegerField(choices=hud.HashStatus)
    implementation_id = models.CharField(max_length=200)

    class Meta:
        ordering = ["-export_date", "-id"]

    def hud_rule_errors(self) -> dict[str, list[str]]:
        errors = super().hud_rule_errors()
        for field, messages in end_before_start_errors(
            self, "export_start_date", "export_end_date"
        ).items():
            errors.setdefault(field, []).extend(messages)
        return errors


class Organization(HudRecord):
    """Organization.csv (2.01)."""

    hud_file = "Organization.csv"
    hud_id_field = "organization_id"

    organization_id = models.CharField(max_length=32, default=new_hud_id)
    organization_name = models.CharField(max_length=200)
    victim_service_provider = models.IntegerField(choices=hud.NoYes)
    organization_common_name = models.CharField(max_length=200, blank=True, default="")

    class Meta(HudRecord.Meta):
        ordering = ["organization_name", "id"]

    def __str__(self) -> str:
        return self.organization_name


class HmisUser(HudRecord):
    """User.csv: the people HUD's UserID columns name. Not the login user (accounts.User)."""

    hud_file = "User.csv"
    hud_id_field = "user_id"
    pii_fields = {
        "user_first_name": PiiKind.NAME,
        "user_last_name": PiiKind.NAME,
        "user_phone": PiiKind.CONTACT,
        "user_extension": PiiKind.CONTACT,
        "user_email": PiiKind.CONTACT,
    }

    user = None  # User.csv has no UserID column of its own: the HUD id below is UserID.
    user_id = models.CharField(max_length=32, default=new_hud_id)
    user_first_name = models.CharField(max_length=50, blank=True, default="")
    user_last_name = models.CharField(max_length=50, blank=True, default="")
    user_phone = models.CharField(max_length=10, blank=True, default="")
    user_extension = models.CharField(max_length=5, blank=True, default="")
    user_email = models.CharField(max_length=320, blank=True, default="")

    class Meta(HudRecord.Meta):
        verbose_name = "HMIS user"
        ordering = ["user_last_name", "user_first_name", "id"]


class Project(HudRecord):
    """Project.csv (2.02)."""

    hud_file = "Project.csv"
    hud_id_field = "project_id"

    project_id = models.CharField(max_length=32, default=new_hud_id)
    organization = models.ForeignKey(
        "Organization", on_delete=models.PROTECT, related_name="projects"
    )
    project_name = models.CharField(max_length=200)
    project_common_name = models.CharField(max_length=200, blank=True, default="")
    operating_start_date = models.DateField()
    operating_end_date = models.DateField(null=True, blank=True)
    continuum_project = models.IntegerField(choices=hud.NoYes)
    project_type = models.IntegerField(choices=hud.ProjectType, null=True, blank=True)
    housing_type = models.IntegerField(choices=hud.HousingType, null=True, blank=True)
    rrh_sub_type = models.IntegerField(choices=hud.RRHSubType, null=True, blank=True)
    residential_affiliation = models.IntegerField(choices=hud.NoYes, null=True, blank=True)
    target_population = models.IntegerField(choices=hud.TargetPopulation, null=True, blank=True)
    hopwa_med_assisted_living_fac = models.IntegerField(
        choices=hud.HOPWAMedAssistedLivingFac, null=True, blank=True
    )
    pit_count = models.IntegerField(null=True, blank=True)

    class Meta(HudRecord.Meta):
        ordering = ["project_name", "id"]
        constraints = [
            end_not_before_start("project", "operating_start_date", "operating_end_date")
        ]

    def __str__(self) -> str:
        return self.project_name

    def hud_rule_errors(self) -> dict[str, list[str]]:
        errors = super().hud_rule_errors()
        for field, messages in end_before_start_errors(
            self, "operating_start_date", "operating_end_date"
        ).items():
            errors.setdefault(field, []).extend(messages)
        return errors


class Funder(HudRecord):
    """Funder.csv (2.06)."""

    hud_file = "Funder.csv"
    hud_id_field = "funder_id"

    funder_id = models.CharField(max_length=32, default=new_hud_id)
    project = models.ForeignKey("Project", on_delete=models.PROTECT, related_name="funders")
    funder = models.IntegerField(choices=hud.FundingSource)
    other_funder = models.CharField(max_length=100, blank=True, default="")
    grant_id = models.CharField(max_length=100)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta(HudRecord.Meta):
        ordering = ["start_date", "id"]
        constraints = [end_not_before_start("funder", "start_date", "end_date")]

    def hud_rule_errors(self) -> dict[str, list[str]]:
        errors = super().hud_rule_errors()
        for field, messages in end_before_start_errors(self, "start_date", "end_date").items():
            errors.setdefault(field, []).extend(messages)
        return errors


class ProjectCoC(HudRecord):
    """ProjectCoC.csv (2.03): one row per project and CoC code."""

    hud_file = "ProjectCoC.csv"
    hud_id_field = "project_coc_id"

    project_coc_id = models.CharField(max_length=32, default=new_hud_id)
    project = models.ForeignKey("Project", on_delete=models.PROTECT, related_name="project_cocs")
    coc_code = models.CharField(max_length=6)
    geocode = models.CharField(max_length=6)
    address1 = models.CharField(max_length=100, blank=True, default="")
    address2 = models.CharField(max_length=100, blank=True, default="")
    city = models.CharField(max_length=50, blank=True, default="")
    state = models.CharField(max_length=2, blank=True, default="")
    zip = models.CharField(max_length=5, blank=True, default="")
    geography_type = models.IntegerField(choices=hud.GeographyType, null=True, blank=True)

    class Meta(HudRecord.Meta):
        verbose_name = "project CoC"
        ordering = ["coc_code", "id"]
        indexes = [models.Index(fields=["project", "coc_code"], name="hmis_projectcoc_coc_idx")]


class Inventory(HudRecord):
    """Inventory.csv (2.07): beds and units."""

    hud_file = "Inventory.csv"
    hud_id_field = "inventory_id"

    inventory_id = models.CharField(max_length=32, default=new_hud_id)
    project = models.ForeignKey("Project", on_delete=models.PROTECT, related_name="inventories")
    coc_code = models.CharField(max_length=6)
    household_type = models.IntegerField(choices=hud.HouseholdType)
    availability = models.IntegerField(choices=hud.Availability, null=True, blank=True)
    unit_inventory = models.IntegerField()
    bed_inventory = models.IntegerField()
    ch_vet_bed_inventory = models.IntegerField(null=True, blank=True)
    youth_vet_bed_inventory = models.IntegerField(null=True, blank=True)
    vet_bed_inventory = models.IntegerField(null=True, blank=True)
    ch_youth_bed_inventory = models.IntegerField(null=True, blank=True)
    youth_bed_inventory = models.IntegerField(null=True, blank=True)
    ch_bed_inventory = models.IntegerField(null=True, blank=True)
    other_bed_inventory = models.IntegerField(null=True, blank=True)
    es_bed_type = models.IntegerField(choices=hud.BedType, null=True, blank=True)
    inventory_start_date = models.DateField()
    inventory_end_date = models.DateField(null=True, blank=True)

    class Meta(HudRecord.Meta):
        verbose_name_plural = "inventories"
        ordering = ["inventory_start_date", "id"]
        constraints = [
            end_not_before_start("inventory", "inventory_start_date", "inventory_end_date")
        ]

    def hud_rule_errors(self) -> dict[str, list[str]]:
        errors = super().hud_rule_errors()
        for field, messages in end_before_start_errors(
            self, "inventory_start_date", "inventory_end_date"
        ).items():
            errors.setdefault(field, []).extend(messages)
        return errors


class Affiliation(HudRecord):
    """Affiliation.csv (2.02.C): an SSO or RRH services-only project and a residential
    project it is affiliated with."""

    hud_file = "Affiliation.csv"
    hud_id_field = "affiliation_id"

    affiliation_id = models.CharField(max_length=32, default=new_hud_id)
    project = models.ForeignKey("Project", on_delete=models.PROTECT, related_name="affiliations")
    res_project = models.ForeignKey(
        "Project", on_delete=models.PROTECT, related_name="residential_affiliations"
    )

    class Meta(HudRecord.Meta):
        ordering = ["id"]


class HMISParticipation(HudRecord):
    """HMISParticipation.csv (2.08)."""

    hud_file = "HMISParticipation.csv"
    hud_id_field = "hmis_participation_id"

    hmis_participation_id = models.CharField(max_length=32, default=new_hud_id)
    project = models.ForeignKey(
        "Project", on_delete=models.PROTECT, related_name="hmis_participations"
    )
    hmis_participation_type = models.IntegerField(choices=hud.HMISParticipationType)
    hmis_participation_status_start_date = models.DateField()
    hmis_participation_status_end_date = models.DateField(null=True, blank=True)

    class Meta(HudRecord.Meta):
        verbose_name = "HMIS participation"
        ordering = ["hmis_participation_status_start_date", "id"]


class CEParticipation(HudRecord):
    """CEParticipation.csv (2.09)."""

    hud_file = "CEParticipation.csv"
    hud_id_field = "ce_participation_id"

    ce_participation_id = models.CharField(max_length=32, default=new_hud_id)
    project = models.ForeignKey(
        "Project", on_delete=models.PROTECT, related_name="ce_participations"
    )
    access_point = models.IntegerField(choices=hud.NoYes)
    prevention_assessment = models.IntegerField(choices=hud.NoYes, null=True, blank=True)
    crisis_assessment = models.IntegerField(choices=hud.NoYes, null=True, blank=True)
    housing_assessment = models.IntegerField(choices=hud.NoYes, null=True, blank=True)
    direct_services = models.IntegerField(choices=hud.NoYes, null=True, blank=True)
    receives_referrals = models.IntegerField(choices=hud.NoYes)
    ce_participation_status_start_date = models.DateField()
    ce_participation_status_end_date = models.DateField(null=True, blank=True)

    class Meta(HudRecord.Meta):
        verbose_name = "CE participation"
        ordering = ["ce_participation_status_start_date", "id"]
