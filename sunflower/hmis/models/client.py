"""Client.csv: one row per person, with the universal demographic elements."""

from __future__ import annotations

from django.db import models

from sunflower.hmis import vocabulary as hud
from sunflower.hmis.models.base import HudRecord, PiiKind, add_error, new_hud_id

RACE_FIELDS = (
    "am_ind_ak_native",
    "asian",
    "black_af_american",
    "hispanic_latinao",
    "mid_east_n_african",
    "native_hi_pacific",
    "white",
)


class Client(HudRecord):
    """Client.csv (3.01 name, 3.02 SSN, 3.03 DOB, 4.21 sex, 3.04 race and ethnicity, 3.07
    veteran status, V1 veteran's information)."""

    hud_file = "Client.csv"
    hud_id_field = "personal_id"
    pii_fields = {
        "first_name": PiiKind.NAME,
        "middle_name": PiiKind.NAME,
        "last_name": PiiKind.NAME,
        "name_suffix": PiiKind.NAME,
        "ssn": PiiKind.SSN,
        "dob": PiiKind.DOB,
        "sex": PiiKind.DEMOGRAPHIC,
        **dict.fromkeys(RACE_FIELDS, PiiKind.DEMOGRAPHIC),
        "race_none": PiiKind.DEMOGRAPHIC,
        "additional_race_ethnicity": PiiKind.DEMOGRAPHIC,
        "veteran_status": PiiKind.DEMOGRAPHIC,
        "military_branch": PiiKind.DEMOGRAPHIC,
        "discharge_status": PiiKind.DEMOGRAPHIC,
    }

    personal_id = models.CharField(max_length=32, default=new_hud_id)
    first_name = models.CharField(max_length=50, blank=True, default="")
    middle_name = models.CharField(max_length=50, blank=True, default="")
    last_name = models.CharField(max_length=50, blank=True, default="")
    name_suffix = models.CharField(max_length=50, blank=True, default="")
    name_data_quality = models.IntegerField(choices=hud.NameDataQuality)
    ssn = models.CharField(max_length=9, blank=True, default="", db_index=True)
    ssn_data_quality = models.IntegerField(choices=hud.SSNDataQuality)
    dob = models.DateField(null=True, blank=True, db_index=True)
    dob_data_quality = models.IntegerField(choices=hud.DOBDataQuality)
    sex = models.IntegerField(choices=hud.Sex, null=True, blank=True)
    am_ind_ak_native = models.IntegerField(choices=hud.NoYes)
    asian = models.IntegerField(choices=hud.NoYes)
    black_af_american = models.IntegerField(choices=hud.NoYes)
    hispanic_latinao = models.IntegerField(choices=hud.NoYes)
    mid_east_n_african = models.IntegerField(choices=hud.NoYes)
    native_hi_pacific = models.IntegerField(choices=hud.NoYes)
    white = models.IntegerField(choices=hud.NoYes)
    race_none = models.IntegerField(choices=hud.RaceNone, null=True, blank=True)
    additional_race_ethnicity = models.CharField(max_length=100, blank=True, default="")
    veteran_status = models.IntegerField(choices=hud.NoYesReasonsForMissingData)
    year_entered_service = models.IntegerField(null=True, blank=True)
    year_separated = models.IntegerField(null=True, blank=True)
    world_war_ii = models.IntegerField(
        choices=hud.NoYesReasonsForMissingData, null=True, blank=True
    )
    korean_war = models.IntegerField(choices=hud.NoYesReasonsForMissingData, null=True, blank=True)
    vietnam_war = models.IntegerField(choices=hud.NoYesReasonsForMissingData, null=True, blank=True)
    desert_storm = models.IntegerField(
        choices=hud.NoYesReasonsForMissingData, null=True, blank=True
    )
    afghanistan_oef = models.IntegerField(
        choices=hud.NoYesReasonsForMissingData, null=True, blank=True
    )
    iraq_oif = models.IntegerField(choices=hud.NoYesReasonsForMissingData, null=True, blank=True)
    iraq_ond = models.IntegerField(choices=hud.NoYesReasonsForMissingData, null=True, blank=True)
    other_theater = models.IntegerField(
        choices=hud.NoYesReasonsForMissingData, null=True, blank=True
    )
    military_branch = models.IntegerField(choices=hud.MilitaryBranch, null=True, blank=True)
    discharge_status = models.IntegerField(choices=hud.DischargeStatus, null=True, blank=True)

    class Meta(HudRecord.Meta):
        ordering = ["last_name", "first_name", "id"]
        indexes = [models.Index(fields=["last_name", "first_name"], name="hmis_client_name_idx")]

    def __str__(self) -> str:
        return f"Client {self.personal_id}"

    def hud_rule_errors(self) -> dict[str, list[str]]:
        errors = super().hud_rule_errors()
        # 3.04: RaceNone is non-null only if every race field is "No".
        if self.race_none is not None and any(getattr(self, f) == 1 for f in RACE_FIELDS):
            add_error(
                errors,
                "race_none",
                "Race none (client doesn't know, prefers not to answer, not collected) cannot "
                "be given when a race or ethnicity is marked Yes.",
            )
        return errors
