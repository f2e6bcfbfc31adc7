"""Enrollment.csv and the files that hang off an enrollment: Exit, IncomeBenefits, HealthAndDV,
EmploymentEducation, Disabilities, Services, CurrentLivingSituation, Assessment,
AssessmentQuestions, AssessmentResults, Event, YouthEducationStatus."""

from __future__ import annotations

from django.db import models

from sunflower.hmis import vocabulary as hud
from sunflower.hmis.models.base import (
    NATIVE_DATA_SOURCE_ID,
    NON_NEGATIVE,
    HudRecord,
    PiiKind,
    add_error,
    new_hud_id,
)

# HUD's conditional lists (csv_columns.csv, conditional_value_lists): these columns get no
# choices; clean() checks them against the list the other column selects.
TYPE_PROVIDED_LISTS: dict[int, type[models.IntegerChoices]] = {
    141: hud.PATHServices,
    142: hud.RHYServices,
    143: hud.HOPWAServices,
    144: hud.SSVFServices,
    151: hud.HOPWAFinancialAssistance,
    152: hud.SSVFFinancialAssistance,
    161: hud.PATHReferral,
    200: hud.BedNight,
    210: hud.VoucherTracking,
    300: hud.MovingOnAssistance,
}
# Services.SubTypeProvided: only when RecordType = 144 (SSVF service), by TypeProvided.
SSVF_RECORD_TYPE = 144
SUB_TYPE_PROVIDED_LISTS: dict[int, type[models.IntegerChoices]] = {
    3: hud.SSVFSubType3,
    4: hud.SSVFSubType4,
    5: hud.SSVFSubType5,
}
# Disabilities.DisabilityResponse: list 4.10.2 for substance use disorder (10), else 1.8.
SUBSTANCE_USE_DISORDER = 10
DISABILITY_RESPONSE_LISTS: dict[int, type[models.IntegerChoices]] = {
    SUBSTANCE_USE_DISORDER: hud.DisabilityResponse,
}
DISABILITY_RESPONSE_DEFAULT_LIST = hud.NoYesReasonsForMissingData

HEAD_OF_HOUSEHOLD = 1  # RelationshipToHoH "Self (Head of Household)"


def _is_code(value, choices: type[models.Choices]) -> bool:
    return value in choices.values


class Enrollment(HudRecord):
    """Enrollment.csv: one project stay. HouseholdID groups the members of a household."""

    hud_file = "Enrollment.csv"
    hud_id_field = "enrollment_id"
    pii_fields = {
        "disabling_condition": PiiKind.HEALTH,
        "mental_health_disorder_fam": PiiKind.HEALTH,
        "physical_disability_fam": PiiKind.HEALTH,
        "alcohol_drug_use_disorder_fam": PiiKind.HEALTH,
        "current_pregnant": PiiKind.HEALTH,
        "mental_health_consultation": PiiKind.HEALTH,
        "former_ward_juvenile_justice": PiiKind.JUSTICE,
        "juvenile_justice_years": PiiKind.JUSTICE,
        "juvenile_justice_months": PiiKind.JUSTICE,
        "incarcerated_parent": PiiKind.JUSTICE,
        "criminal_record": PiiKind.JUSTICE,
        "incarcerated_adult": PiiKind.JUSTICE,
        "prison_discharge": PiiKind.JUSTICE,
        "sex_offender": PiiKind.JUSTICE,
    }

    enrollment_id = models.CharField(max_length=32, default=new_hud_id)
    client = models.ForeignKey("Client", on_delete=models.PROTECT, related_name="enrollments")
    project = models.ForeignKey("Project", on_delete=models.PROTECT, related_name="enrollments")
    entry_date = models.DateField(db_index=True)
    household_id = models.CharField(max_length=32, db_index=True)
    relationship_to_hoh = models.IntegerField(choices=hud.RelationshipToHoH)
    enrollment_coc = models.CharField(max_length=6)
    living_situation = models.IntegerField(choices=hud.PriorLivingSituation, null=True, blank=True)
    rental_subsidy_type = models.IntegerField(choices=hud.RentalSubsidyType, null=True, blank=True)
    length_of_stay = models.IntegerField(
        choices=hud.ResidencePriorLengthOfStay, null=True, blank=True
    )
    los_under_threshold = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    previous_street_essh = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    date_to_street_essh = models.DateField(null=True, blank=True)
    times_homeless_past_three_years = models.IntegerField(
        choices=hud.TimesHomelessPastThreeYears, null=True, blank=True
    )
    months_homeless_past_three_years = models.IntegerField(
        choices=hud.MonthsHomelessPastThreeYears, null=True, blank=True
    )
    disabling_condition = models.IntegerField(choices=hud.NoYesReasonsForMissingData)
    date_of_engagement = models.DateField(null=True, blank=True)
    move_in_date = models.DateField(null=True, blank=True)
    date_of_path_status = models.DateField(null=True, blank=True)
    client_enrolled_in_path = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    reason_not_enrolled = models.IntegerField(choices=hud.ReasonNotEnrolled, null=True, blank=True)
    percent_ami = models.IntegerField(choices=hud.PercentAMI, null=True, blank=True)
    referral_source = models.IntegerField(choices=hud.ReferralSource, null=True, blank=True)
    count_outreach_referral_approaches = models.IntegerField(null=True, blank=True)
    date_of_bcp_status = models.DateField(null=True, blank=True)
    eligible_for_rhy = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    reason_no_services = models.IntegerField(choices=hud.ReasonNoServices, null=True, blank=True)
    runaway_youth = models.IntegerField(
        choices=hud.NoYesReasonsForMissingData, null=True, blank=True
    )
    former_ward_child_welfare = models.IntegerField(
        choices=hud.NoYesReasonsForMissingData, null=True, blank=True
    )
    child_welfare_years = models.IntegerField(choices=hud.RHYNumberofYears, null=True, blank=True)
    child_welfare_months = models.IntegerField(null=True, blank=True)
    former_ward_juvenile_justice = models.IntegerField(
        choices=hud.NoYesReasonsForMissingData, null=True, blank=True
    )
    juvenile_justice_years = models.IntegerField(
        choices=hud.RHYNumberofYears, null=True, blank=True
    )
    juvenile_justice_months = models.IntegerField(null=True, blank=True)
    unemployment_fam = models.IntegerField(
        choices=hud.NoYesReasonsForMissingData, null=True, blank=True
    )
    mental_health_disorder_fam = models.IntegerField(
        choices=hud.NoYesReasonsForMissingData, null=True, blank=True
    )
    physical_disability_fam = models.IntegerField(
        choices=hud.NoYesReasonsForMissingData, null=True, blank=True
    )
    alcohol_drug_use_disorder_fam = models.IntegerField(
        choices=hud.NoYesReasonsForMissingData, null=True, blank=True
    )
    insufficient_income = models.IntegerField(
        choices=hud.NoYesReasonsForMissingData, null=True, blank=True
    )
    incarcerated_parent = models.IntegerField(
        choices=hud.NoYesReasonsForMissingData, null=True, blank=True
    )
    vamc_station = models.CharField(
        max_length=5, choices=hud.VamcStationNumber, blank=True, default=""
    )
    target_screen_reqd = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    time_to_housing_loss = models.IntegerField(choices=hud.TimeToHousingLoss, null=True, blank=True)
    annual_percent_ami = models.IntegerField(choices=hud.AnnualPercentAMI, null=True, blank=True)
    literal_homeless_history = models.IntegerField(
        choices=hud.LiteralHomelessHistory, null=True, blank=True
    )
    client_leaseholder = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    hoh_leaseholder = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    subsidy_at_risk = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    eviction_history = models.IntegerField(choices=hud.EvictionHistory, null=True, blank=True)
    criminal_record = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    incarcerated_adult = models.IntegerField(choices=hud.IncarceratedAdult, null=True, blank=True)
    prison_discharge = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    sex_offender = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    disabled_hoh = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    current_pregnant = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    single_parent = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    dependent_under6 = models.IntegerField(choices=hud.DependentUnder6, null=True, blank=True)
    hh5_plus = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    coc_prioritized = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    hp_screening_score = models.IntegerField(null=True, blank=True)
    threshold_score = models.IntegerField(null=True, blank=True)
    mental_health_consultation = models.IntegerField(
        choices=hud.MentalHealthConsultation, null=True, blank=True
    )

    class Meta(HudRecord.Meta):
        ordering = ["entry_date", "id"]
        indexes = [
            models.Index(fields=["project", "entry_date"], name="hmis_enrollment_project_idx"),
        ]
        constraints = [
            # One head of household per household, for records entered in Sunflower only:
            # imported records keep what the source sent (HUD's own test kit has a household
            # with two heads) and the importer reports them. See docs/hud-data-model.md.
            models.UniqueConstraint(
                fields=["data_source", "household_id"],
                condition=models.Q(
                    relationship_to_hoh=HEAD_OF_HOUSEHOLD,
                    date_deleted__isnull=True,
                    data_source=NATIVE_DATA_SOURCE_ID,
                ),
                name="hmis_enrollment_one_hoh_native",
                violation_error_message="This household already has a head of household.",
            ),
        ]

    def __str__(self) -> str:
        return f"Enrollment {self.enrollment_id}"

    def hud_rule_errors(self) -> dict[str, list[str]]:
        errors = super().hud_rule_errors()
        if self.pk and self.entry_date:
            exit_ = (
                Exit.objects.filter(enrollment_id=self.pk, exit_date__lt=self.entry_date)
                .order_by("exit_date")
                .first()
            )
            if exit_ is not None:
                add_error(
                    errors,
                    "entry_date",
                    f"The entry date {self.entry_date} is after the exit date "
                    f"{exit_.exit_date} of this enrollment.",
                )
        if self.is_native and not self.is_deleted:
            if self.relationship_to_hoh == HEAD_OF_HOUSEHOLD and self.household_id:
                other = (
                    Enrollment.objects.filter(
                        data_source_id=self.data_source_id,
                        household_id=self.household_id,
                        relationship_to_hoh=HEAD_OF_HOUSEHOLD,
                    )
                    .exclude(pk=self.pk)
                    .first()
                )
                if other is not None:
                    add_error(
                        errors,
                        "relationship_to_hoh",
                        f"Household {self.household_id} already has a head of household "
                        f"(enrollment {other.enrollment_id}).",
                    )
            if self.move_in_date and self.entry_date and self.move_in_date < self.entry_date:
                add_error(
                    errors,
                    "move_in_date",
                    f"The move-in date {self.move_in_date} is before the entry date "
                    f"{self.entry_date}.",
                )
        return errors

    @property
    def is_head_of_household(self) -> bool:
        return self.relationship_to_hoh == HEAD_OF_HOUSEHOLD

    @property
    def exit(self) -> Exit | None:
        """The enrollment's (non-deleted) exit, or None. Not a database relation: to load
        exits with enrollments use ``prefetch_related("exits")``."""
        return self.exits.first()


class Exit(HudRecord):
    """Exit.csv: at most one (non-deleted) exit per enrollment, not before its entry date."""

    hud_file = "Exit.csv"
    hud_id_field = "exit_id"
    pii_fields = {
        "exchange_for_sex": PiiKind.EXPLOITATION,
        "exchange_for_sex_past_three_months": PiiKind.EXPLOITATION,
        "count_of_exchange_for_sex": PiiKind.EXPLOITATION,
        "asked_or_forced_to_exchange_for_sex": PiiKind.EXPLOITATION,
        "asked_or_forced_to_exchange_for_sex_past_three_months": PiiKind.EXPLOITATION,
        "workplace_violence_threats": PiiKind.EXPLOITATION,
        "workplace_promise_difference": PiiKind.EXPLOITATION,
        "coerced_to_continue_work": PiiKind.EXPLOITATION,
        "labor_exploit_past_three_months": PiiKind.EXPLOITATION,
        "counseling_received": PiiKind.HEALTH,
        "individual_counseling": PiiKind.HEALTH,
        "family_counseling": PiiKind.HEALTH,
        "group_counseling": PiiKind.HEALTH,
        "session_count_at_exit": PiiKind.HEALTH,
        "post_exit_counseling_plan": PiiKind.HEALTH,
        "sessions_in_plan": PiiKind.HEALTH,
    }

    exit_id = models.CharField(max_length=32, default=new_hud_id)
    enrollment = models.ForeignKey("Enrollment", on_delete=models.PROTECT, related_name="exits")
    client = models.ForeignKey("Client", on_delete=models.PROTECT, related_name="exits")
    exit_date = models.DateField(db_index=True)
    destination = models.IntegerField(choices=hud.Destination)
    destination_subsidy_type = models.IntegerField(
        choices=hud.RentalSubsidyType, null=True, blank=True
    )
    other_destination = models.CharField(max_length=50, blank=True, default="")
    housing_assessment = models.IntegerField(
        choices=hud.HousingAssessmentAtExit, null=True, blank=True
    )
    subsidy_information = models.IntegerField(choices=hud.SubsidyInformation, null=True, blank=True)
    project_completion_status = models.IntegerField(
        choices=hud.ProjectCompletionStatus, null=True, blank=True
    )
    early_exit_reason = models.IntegerField(choices=hud.ExpelledReason, null=True, blank=True)
    exchange_for_sex = models.IntegerField(
        choices=hud.NoYesReasonsForMissingData, null=True, blank=True
    )
    exchange_for_sex_past_three_months = models.IntegerField(
        choices=hud.NoYesReasonsForMissingData, null=True, blank=True
    )
    count_of_exchange_for_sex = models.IntegerField(
        choices=hud.CountExchangeForSex, null=True, blank=True
    )
    asked_or_forced_to_exchange_for_sex = models.IntegerField(
        choices=hud.NoYesReasonsForMissingData, null=True, blank=True
    )
    asked_or_forced_to_exchange_for_sex_past_three_months = models.IntegerField(
        choices=hud.NoYesReasonsForMissingData, null=True, blank=True
    )
    workplace_violence_threats = models.IntegerField(
        choices=hud.NoYesReasonsForMissingData, null=True, blank=True
    )
    workplace_promise_difference = models.IntegerField(
        choices=hud.NoYesReasonsForMissingData, null=True, blank=True
    )
    coerced_to_continue_work = models.IntegerField(
        choices=hud.NoYesReasonsForMissingData, null=True, blank=True
    )
    labor_exploit_past_three_months = models.IntegerField(
        choices=hud.NoYesReasonsForMissingData, null=True, blank=True
    )
    counseling_received = models.IntegerField(choices=hud.NoYes, null=True, blank=True)
    individual_counseling = models.IntegerField(choices=hud.NoYes, null=True, blank=True)
    family_counseling = models.IntegerField(choices=hud.NoYes, null=True, blank=True)
    group_counseling = models.IntegerField(choices=hud.NoYes, null=True, blank=True)
    session_count_at_exit = models.IntegerField(null=True, blank=True)
    post_exit_counseling_plan = models.IntegerField(choices=hud.NoYes, null=True, blank=True)
    sessions_in_plan = models.IntegerField(null=True, blank=True)
    destination_safe_client = models.IntegerField(
        choices=hud.NoYesReasonsForMissingData, null=True, blank=True
    )
    destination_safe_worker = models.IntegerField(choices=hud.WorkerResponse, null=True, blank=True)
    pos_adult_connections = models.IntegerField(choices=hud.WorkerResponse, null=True, blank=True)
    pos_peer_connections = models.IntegerField(choices=hud.WorkerResponse, null=True, blank=True)
    pos_community_connections = models.IntegerField(
        choices=hud.WorkerResponse, null=True, blank=True
    )
    aftercare_date = models.DateField(null=True, blank=True)
    aftercare_provided = models.IntegerField(choices=hud.AftercareProvided, null=True, blank=True)
    email_social_media = models.IntegerField(choices=hud.NoYes, null=True, blank=True)
    telephone = models.IntegerField(choices=hud.NoYes, null=True, blank=True)
    in_person_individual = models.IntegerField(choices=hud.NoYes, null=True, blank=True)
    in_person_group = models.IntegerField(choices=hud.NoYes, null=True, blank=True)
    cm_exit_reason = models.IntegerField(choices=hud.CmExitReason, null=True, blank=True)

    class Meta(HudRecord.Meta):
        ordering = ["exit_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment"],
                condition=models.Q(date_deleted__isnull=True),
                name="hmis_exit_one_per_enrollment",
                violation_error_message="This enrollment already has an exit.",
            ),
        ]
        # exit_date >= the enrollment's entry_date is a trigger (migration 0003).

    def hud_rule_errors(self) -> dict[str, list[str]]:
        errors = super().hud_rule_errors()
        if self.is_deleted or self.enrollment_id is None:
            return errors
        entry_date = self.enrollment.entry_date
        if self.exit_date and entry_date and self.exit_date < entry_date:
            add_error(
                errors,
                "exit_date",
                f"The exit date {self.exit_date} is before the entry date {entry_date}.",
            )
        other = Exit.objects.filter(enrollment_id=self.enrollment_id).exclude(pk=self.pk).first()
        if other is not None:
            add_error(
                errors,
                "enrollment",
                f"Enrollment {self.enrollment.enrollment_id} already has an exit "
                f"({other.exit_id}).",
            )
        return errors


class IncomeBenefits(HudRecord):
    """IncomeBenefits.csv (4.02 income, 4.03 benefits, 4.04 health insurance, W3, W4)."""

    hud_file = "IncomeBenefits.csv"
    hud_id_field = "income_benefits_id"
    pii_fields = {
        "adap": PiiKind.HEALTH,
        "no_adap_reason": PiiKind.HEALTH,
        "ryan_white_med_dent": PiiKind.HEALTH,
        "no_ryan_white_reason": PiiKind.HEALTH,
    }

    income_benefits_id = models.CharField(max_length=32, default=new_hud_id)
    enrollment = models.ForeignKey(
        "Enrollment", on_delete=models.PROTECT, related_name="income_benefits"
    )
    client = models.ForeignKey("Client", on_delete=models.PROTECT, related_name="income_benefits")
    information_date = models.DateField(db_index=True)
    income_from_any_source = models.IntegerField(
        choices=hud.NoYesReasonsForMissingData, null=True, blank=True
    )
    total_monthly_income = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[NON_NEGATIVE]
    )
    earned = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    earned_amount = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[NON_NEGATIVE]
    )
    unemployment = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    unemployment_amount = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[NON_NEGATIVE]
    )
    ssi = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    ssi_amount = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[NON_NEGATIVE]
    )
    ssdi = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    ssdi_amount = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[NON_NEGATIVE]
    )
    va_disability_service = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    va_disability_service_amount = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[NON_NEGATIVE]
    )
    va_disability_non_service = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    va_disability_non_service_amount = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[NON_NEGATIVE]
    )
    private_disability = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    private_disability_amount = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[NON_NEGATIVE]
    )
    workers_comp = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    workers_comp_amount = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[NON_NEGATIVE]
    )
    tanf = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    tanf_amount = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[NON_NEGATIVE]
    )
    ga = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    ga_amount = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[NON_NEGATIVE]
    )
    soc_sec_retirement = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    soc_sec_retirement_amount = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[NON_NEGATIVE]
    )
    pension = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    pension_amount = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[NON_NEGATIVE]
    )
    child_support = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    child_support_amount = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[NON_NEGATIVE]
    )
    alimony = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    alimony_amount = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[NON_NEGATIVE]
    )
    other_income_source = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    other_income_amount = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[NON_NEGATIVE]
    )
    other_income_source_identify = models.CharField(max_length=50, blank=True, default="")
    benefits_from_any_source = models.IntegerField(
        choices=hud.NoYesReasonsForMissingData, null=True, blank=True
    )
    snap = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    wic = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    tanf_child_care = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    tanf_transportation = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    other_tanf = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    other_benefits_source = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    other_benefits_source_identify = models.CharField(max_length=50, blank=True, default="")
    insurance_from_any_source = models.IntegerField(
        choices=hud.NoYesReasonsForMissingData, null=True, blank=True
    )
    medicaid = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    no_medicaid_reason = models.IntegerField(choices=hud.ReasonNotInsured, null=True, blank=True)
    medicare = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    no_medicare_reason = models.IntegerField(choices=hud.ReasonNotInsured, null=True, blank=True)
    schip = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    no_schip_reason = models.IntegerField(choices=hud.ReasonNotInsured, null=True, blank=True)
    vha_services = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    no_vha_reason = models.IntegerField(choices=hud.ReasonNotInsured, null=True, blank=True)
    employer_provided = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    no_employer_provided_reason = models.IntegerField(
        choices=hud.ReasonNotInsured, null=True, blank=True
    )
    cobra = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    no_cobra_reason = models.IntegerField(choices=hud.ReasonNotInsured, null=True, blank=True)
    private_pay = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    no_private_pay_reason = models.IntegerField(choices=hud.ReasonNotInsured, null=True, blank=True)
    state_health_ins = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    no_state_health_ins_reason = models.IntegerField(
        choices=hud.ReasonNotInsured, null=True, blank=True
    )
    indian_health_services = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    no_indian_health_services_reason = models.IntegerField(
        choices=hud.ReasonNotInsured, null=True, blank=True
    )
    other_insurance = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    other_insurance_identify = models.CharField(max_length=50, blank=True, default="")
    adap = models.IntegerField(choices=hud.NoYesReasonsForMissingData, null=True, blank=True)
    no_adap_reason = models.IntegerField(choices=hud.NoAssistanceReason, null=True, blank=True)
    ryan_white_med_dent = models.IntegerField(
        choices=hud.NoYesReasonsForMissingData, null=True, blank=True
    )
    no_ryan_white_reason = models.IntegerField(
        choices=hud.NoAssistanceReason, null=True, blank=True
    )
    connection_with_soar = models.IntegerField(
        choices=hud.NoYesReasonsForMissingData, null=True, blank=True
    )
    data_collection_stage = models.IntegerField(choices=hud.DataCollectionStage)

    class Meta(HudRecord.Meta):
        verbose_name = "income and benefits"
        verbose_name_plural = "income and benefits"
        ordering = ["information_date", "id"]


class HealthAndDV(HudRecord):
    """HealthAndDV.csv (4.11 domestic violence, R7 health status, W5 pregnancy)."""

    hud_file = "HealthAndDV.csv"
    hud_id_field = "health_and_dv_id"
    pii_fields = {
        "domestic_violence_survivor": PiiKind.DV,
        "when_occurred": PiiKind.DV,
        "currently_fleeing": PiiKind.DV,
        "general_health_status": PiiKind.HEALTH,
        "dental_health_status": PiiKind.HEALTH,
        "mental_health_status": PiiKind.HEALTH,
        "pregnancy_status": PiiKind.HEALTH,
        "due_date": PiiKind.HEALTH,
    }

    health_and_dv_id = models.CharField(max_length=32, default=new_hud_id)
    enrollment = models.ForeignKey(
        "Enrollment", on_delete=models.PROTECT, related_name="health_and_dvs"
    )
    client = models.ForeignKey("Client", on_delete=models.PROTECT, related_name="health_and_dvs")
    information_date = models.DateField(db_index=True)
    domestic_violence_survivor = models.IntegerField(
        choices=hud.NoYesReasonsForMissingData, null=True, blank=True
    )
    when_occurred = models.IntegerField(choices=hud.WhenDVOccurred, null=True, blank=True)
    currently_fleeing = models.IntegerField(
        choices=hud.NoYesReasonsForMissingData, null=True, blank=True
    )
    general_health_status = models.IntegerField(choices=hud.HealthStatus, null=True, blank=True)
    dental_health_status = models.IntegerField(choices=hud.HealthStatus, null=True, blank=True)
    mental_health_status = models.IntegerField(choices=hud.HealthStatus, null=True, blank=True)
    pregnancy_status = models.IntegerField(
        choices=hud.NoYesReasonsForMissingData, null=True, blank=True
    )
    due_date = models.DateField(null=True, blank=True)
    data_collection_stage = models.IntegerField(choices=hud.DataCollectionStage)

    class Meta(HudRecord.Meta):
        verbose_name = "health and DV"
        verbose_name_plural = "health and DV"
        ordering = ["information_date", "id"]


class EmploymentEducation(HudRecord):
    """EmploymentEducation.csv (R4 last grade completed, R5 school status, R6 employment)."""

    hud_file = "EmploymentEducation.csv"
    hud_id_field = "employment_education_id"

    employment_education_id = models.CharField(max_length=32, default=new_hud_id)
    enrollment = models.ForeignKey(
        "Enrollment", on_delete=models.PROTECT, related_name="employment_educations"
    )
    client = models.ForeignKey(
        "Client", on_delete=models.PROTECT, related_name="employment_educations"
    )
    information_date = models.DateField(db_index=True)
    last_grade_completed = models.IntegerField(
        choices=hud.LastGradeCompleted, null=True, blank=True
    )
    school_status = models.IntegerField(choices=hud.SchoolStatus, null=True, blank=True)
    employed = models.IntegerField(choices=hud.NoYesReasonsForMissingData, null=True, blank=True)
    employment_type = models.IntegerField(choices=hud.EmploymentType, null=True, blank=True)
    not_employed_reason = models.IntegerField(choices=hud.NotEmployedReason, null=True, blank=True)
    data_collection_stage = models.IntegerField(choices=hud.DataCollectionStage)

    class Meta(HudRecord.Meta):
        verbose_name = "employment and education"
        verbose_name_plural = "employment and education"
        ordering = ["information_date", "id"]


class Disabilities(HudRecord):
    """Disabilities.csv (4.05-4.10): one row per disability type per data collection stage."""

    hud_file = "Disabilities.csv"
    hud_id_field = "disabilities_id"
    pii_fields = {
        "disability_type": PiiKind.HEALTH,
        "disability_response": PiiKind.HEALTH,
        "indefinite_and_impairs": PiiKind.HEALTH,
        "t_cell_count_available": PiiKind.HEALTH,
        "t_cell_count": PiiKind.HEALTH,
        "t_cell_source": PiiKind.HEALTH,
        "viral_load_available": PiiKind.HEALTH,
        "viral_load": PiiKind.HEALTH,
        "viral_load_source": PiiKind.HEALTH,
        "anti_retroviral": PiiKind.HEALTH,
    }

    disabilities_id = models.CharField(max_length=32, default=new_hud_id)
    enrollment = models.ForeignKey(
        "Enrollment", on_delete=models.PROTECT, related_name="disabilities"
    )
    client = models.ForeignKey("Client", on_delete=models.PROTECT, related_name="disabilities")
    information_date = models.DateField(db_index=True)
    disability_type = models.IntegerField(choices=hud.DisabilityType)
    disability_response = models.IntegerField()
    indefinite_and_impairs = models.IntegerField(
        choices=hud.NoYesReasonsForMissingData, null=True, blank=True
    )
    t_cell_count_available = models.IntegerField(
        choices=hud.NoYesReasonsForMissingData, null=True, blank=True
    )
    t_cell_count = models.IntegerField(null=True, blank=True)
    t_cell_source = models.IntegerField(
        choices=hud.TCellSourceViralLoadSource, null=True, blank=True
    )
    viral_load_available = models.IntegerField(
        choices=hud.ViralLoadAvailable, null=True, blank=True
    )
    viral_load = models.IntegerField(null=True, blank=True)
    viral_load_source = models.IntegerField(
        choices=hud.TCellSourceViralLoadSource, null=True, blank=True
    )
    anti_retroviral = models.IntegerField(
        choices=hud.NoYesReasonsForMissingData, null=True, blank=True
    )
    data_collection_stage = models.IntegerField(choices=hud.DataCollectionStage)

    class Meta(HudRecord.Meta):
        verbose_name = "disabilities"
        verbose_name_plural = "disabilities"
        ordering = ["information_date", "id"]

    @property
    def disability_response_list(self) -> type[models.IntegerChoices]:
        return DISABILITY_RESPONSE_LISTS.get(self.disability_type, DISABILITY_RESPONSE_DEFAULT_LIST)

    def hud_rule_errors(self) -> dict[str, list[str]]:
        errors = super().hud_rule_errors()
        if self.disability_type is not None and self.disability_response is not None:
            choices = self.disability_response_list
            if not _is_code(self.disability_response, choices):
                add_error(
                    errors,
                    "disability_response",
                    f"{self.disability_response} is not a code of HUD list {choices.__name__}, "
                    f"which disability type {self.disability_type} uses.",
                )
        return errors


class Services(HudRecord):
    """Services.csv: services, bed nights, financial assistance and referrals (RecordType
    selects the list of TypeProvided)."""

    hud_file = "Services.csv"
    hud_id_field = "services_id"

    services_id = models.CharField(max_length=32, default=new_hud_id)
    enrollment = models.ForeignKey("Enrollment", on_delete=models.PROTECT, related_name="services")
    client = models.ForeignKey("Client", on_delete=models.PROTECT, related_name="services")
    date_provided = models.DateField(db_index=True)
    record_type = models.IntegerField(choices=hud.RecordType)
    type_provided = models.IntegerField()
    other_type_provided = models.CharField(max_length=50, blank=True, default="")
    moving_on_other_type = models.CharField(max_length=50, blank=True, default="")
    sub_type_provided = models.IntegerField(null=True, blank=True)
    fa_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    fa_start_date = models.DateField(null=True, blank=True)
    fa_end_date = models.DateField(null=True, blank=True)
    referral_outcome = models.IntegerField(choices=hud.PATHReferralOutcome, null=True, blank=True)

    class Meta(HudRecord.Meta):
        verbose_name = "service"
        verbose_name_plural = "services"
        ordering = ["date_provided", "id"]

    @property
    def type_provided_list(self) -> type[models.IntegerChoices] | None:
        return TYPE_PROVIDED_LISTS.get(self.record_type)

    @property
    def sub_type_provided_list(self) -> type[models.IntegerChoices] | None:
        if self.record_type != SSVF_RECORD_TYPE:
            return None
        return SUB_TYPE_PROVIDED_LISTS.get(self.type_provided)

    def hud_rule_errors(self) -> dict[str, list[str]]:
        errors = super().hud_rule_errors()
        choices = self.type_provided_list
        if (
            choices is not None
            and self.type_provided is not None
            and not _is_code(self.type_provided, choices)
        ):
            add_error(
                errors,
                "type_provided",
                f"{self.type_provided} is not a code of HUD list {choices.__name__}, which "
                f"record type {self.record_type} uses.",
            )
        sub_choices = self.sub_type_provided_list
        if self.sub_type_provided is not None:
            if sub_choices is None:
                add_error(
                    errors,
                    "sub_type_provided",
                    "A sub-type is given only for SSVF services (record type 144) of type 3, 4 "
                    "or 5.",
                )
            elif not _is_code(self.sub_type_provided, sub_choices):
                add_error(
                    errors,
                    "sub_type_provided",
                    f"{self.sub_type_provided} is not a code of HUD list {sub_choices.__name__}.",
                )
        return errors


class CurrentLivingSituation(HudRecord):
    """CurrentLivingSituation.csv (4.12)."""

    hud_file = "CurrentLivingSituation.csv"
    hud_id_field = "current_living_sit_id"
    pii_fields = {"location_details": PiiKind.LOCATION}

    current_living_sit_id = models.CharField(max_length=32, default=new_hud_id)
    enrollment = models.ForeignKey(
        "Enrollment", on_delete=models.PROTECT, related_name="current_living_situations"
    )
    client = models.ForeignKey(
        "Client", on_delete=models.PROTECT, related_name="current_living_situations"
    )
    information_date = models.DateField(db_index=True)
    current_living_situation = models.IntegerField(choices=hud.CurrentLivingSituation)
    cls_subsidy_type = models.IntegerField(choices=hud.RentalSubsidyType, null=True, blank=True)
    verified_by = models.CharField(max_length=200, blank=True, default="")
    leave_situation14_days = models.IntegerField(
        choices=hud.NoYesReasonsForMissingData, null=True, blank=True
    )
    subsequent_residence = models.IntegerField(
        choices=hud.NoYesReasonsForMissingData, null=True, blank=True
    )
    resources_to_obtain = models.IntegerField(
        choices=hud.NoYesReasonsForMissingData, null=True, blank=True
    )
    lease_own60_day = models.IntegerField(
        choices=hud.NoYesReasonsForMissingData, null=True, blank=True
    )
    moved_two_or_more = models.IntegerField(
        choices=hud.NoYesReasonsForMissingData, null=True, blank=True
    )
    location_details = models.CharField(max_length=250, blank=True, default="")

    class Meta(HudRecord.Meta):
        ordering = ["information_date", "id"]


class Assessment(HudRecord):
    """Assessment.csv (4.19 coordinated entry assessment)."""

    hud_file = "Assessment.csv"
    hud_id_field = "assessment_id"

    assessment_id = models.CharField(max_length=32, default=new_hud_id)
    enrollment = models.ForeignKey(
        "Enrollment", on_delete=models.PROTECT, related_name="assessments"
    )
    client = models.ForeignKey("Client", on_delete=models.PROTECT, related_name="assessments")
    assessment_date = models.DateField(db_index=True)
    assessment_location = models.CharField(max_length=250)
    assessment_type = models.IntegerField(choices=hud.AssessmentType)
    assessment_level = models.IntegerField(choices=hud.AssessmentLevel)
    prioritization_status = models.IntegerField(choices=hud.PrioritizationStatus)

    class Meta(HudRecord.Meta):
        ordering = ["assessment_date", "id"]


class AssessmentQuestions(HudRecord):
    """AssessmentQuestions.csv: the questions and answers of an assessment."""

    hud_file = "AssessmentQuestions.csv"
    hud_id_field = "assessment_question_id"
    pii_fields = {"assessment_answer": PiiKind.FREE_TEXT}

    assessment_question_id = models.CharField(max_length=32, default=new_hud_id)
    assessment = models.ForeignKey(
        "Assessment", on_delete=models.CASCADE, related_name="assessment_questions"
    )
    enrollment = models.ForeignKey(
        "Enrollment", on_delete=models.PROTECT, related_name="assessment_questions"
    )
    client = models.ForeignKey(
        "Client", on_delete=models.PROTECT, related_name="assessment_questions"
    )
    assessment_question_group = models.CharField(max_length=250, blank=True, default="")
    assessment_question_order = models.IntegerField(null=True, blank=True)
    assessment_question = models.CharField(max_length=250)
    assessment_answer = models.CharField(max_length=500, blank=True, default="")

    class Meta(HudRecord.Meta):
        verbose_name = "assessment question"
        verbose_name_plural = "assessment questions"
        ordering = ["assessment_question_group", "assessment_question_order", "id"]


class AssessmentResults(HudRecord):
    """AssessmentResults.csv: the results (scores) of an assessment."""

    hud_file = "AssessmentResults.csv"
    hud_id_field = "assessment_result_id"
    pii_fields = {"assessment_result": PiiKind.FREE_TEXT}

    assessment_result_id = models.CharField(max_length=32, default=new_hud_id)
    assessment = models.ForeignKey(
        "Assessment", on_delete=models.CASCADE, related_name="assessment_results"
    )
    enrollment = models.ForeignKey(
        "Enrollment", on_delete=models.PROTECT, related_name="assessment_results"
    )
    client = models.ForeignKey(
        "Client", on_delete=models.PROTECT, related_name="assessment_results"
    )
    assessment_result_type = models.CharField(max_length=250)
    assessment_result = models.CharField(max_length=250, blank=True, default="")

    class Meta(HudRecord.Meta):
        verbose_name = "assessment result"
        verbose_name_plural = "assessment results"
        ordering = ["id"]


class Event(HudRecord):
    """Event.csv (4.20 coordinated entry event)."""

    hud_file = "Event.csv"
    hud_id_field = "event_id"
    pii_fields = {"location_crisis_or_ph_housing": PiiKind.LOCATION}

    event_id = models.CharField(max_length=32, default=new_hud_id)
    enrollment = models.ForeignKey("Enrollment", on_delete=models.PROTECT, related_name="events")
    client = models.ForeignKey("Client", on_delete=models.PROTECT, related_name="events")
    event_date = models.DateField(db_index=True)
    event = models.IntegerField(choices=hud.EventType)
    prob_sol_div_rr_result = models.IntegerField(choices=hud.NoYesMissing, null=True, blank=True)
    referral_case_manage_after = models.IntegerField(
        choices=hud.NoYesMissing, null=True, blank=True
    )
    location_crisis_or_ph_housing = models.CharField(max_length=250, blank=True, default="")
    referral_result = models.IntegerField(choices=hud.ReferralResult, null=True, blank=True)
    result_date = models.DateField(null=True, blank=True)

    class Meta(HudRecord.Meta):
        ordering = ["event_date", "id"]


class YouthEducationStatus(HudRecord):
    """YouthEducationStatus.csv (C3)."""

    hud_file = "YouthEducationStatus.csv"
    hud_id_field = "youth_education_status_id"

    youth_education_status_id = models.CharField(max_length=32, default=new_hud_id)
    enrollment = models.ForeignKey(
        "Enrollment", on_delete=models.PROTECT, related_name="youth_education_statuses"
    )
    client = models.ForeignKey(
        "Client", on_delete=models.PROTECT, related_name="youth_education_statuses"
    )
    information_date = models.DateField(db_index=True)
    current_school_attend = models.IntegerField(
        choices=hud.CurrentSchoolAttended, null=True, blank=True
    )
    most_recent_ed_status = models.IntegerField(
        choices=hud.MostRecentEdStatus, null=True, blank=True
    )
    current_ed_status = models.IntegerField(choices=hud.CurrentEdStatus, null=True, blank=True)
    data_collection_stage = models.IntegerField(choices=hud.DataCollectionStage)

    class Meta(HudRecord.Meta):
        verbose_name_plural = "youth education statuses"
        ordering = ["information_date", "id"]
