"""The HUD HMIS CSV FY2026 data model: one model per CSV file, plus DataSource.

docs/hud-data-model.md explains the rules; sunflower.hmis.hud_columns maps CSV columns to fields.
"""

from sunflower.hmis.models.base import (
    NATIVE_DATA_SOURCE_ID,
    DataSource,
    HudModel,
    HudQuerySet,
    HudRecord,
    PiiKind,
    new_hud_id,
)
from sunflower.hmis.models.client import Client
from sunflower.hmis.models.descriptor import (
    Affiliation,
    CEParticipation,
    Export,
    Funder,
    HMISParticipation,
    HmisUser,
    Inventory,
    Organization,
    Project,
    ProjectCoC,
)
from sunflower.hmis.models.enrollment import (
    Assessment,
    AssessmentQuestions,
    AssessmentResults,
    CurrentLivingSituation,
    Disabilities,
    EmploymentEducation,
    Enrollment,
    Event,
    Exit,
    HealthAndDV,
    IncomeBenefits,
    Services,
    YouthEducationStatus,
)

# In HUD's file order (csv_files.csv).
HUD_MODELS = (
    Export,
    Organization,
    HmisUser,
    Project,
    Funder,
    ProjectCoC,
    Inventory,
    Affiliation,
    HMISParticipation,
    CEParticipation,
    Client,
    Enrollment,
    Exit,
    IncomeBenefits,
    HealthAndDV,
    EmploymentEducation,
    Disabilities,
    Services,
    CurrentLivingSituation,
    Assessment,
    AssessmentQuestions,
    AssessmentResults,
    Event,
    YouthEducationStatus,
)

__all__ = [
    "NATIVE_DATA_SOURCE_ID",
    "HUD_MODELS",
    "DataSource",
    "HudModel",
    "HudQuerySet",
    "HudRecord",
    "PiiKind",
    "new_hud_id",
    *(model.__name__ for model in HUD_MODELS),
]
