"""Every FY2026 CSV file has its model and every column its field of the right kind.

Reads the project's copy of HUD's spec tables directly, so it checks both the models and the
mapping in sunflower.hmis.hud_columns.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path

import pytest
from django.db import models

from sunflower.hmis import hud_columns, vocabulary
from sunflower.hmis import models as hmis
from sunflower.hmis.hud_columns import HUD_FILES, hud_file_for, snake_case
from sunflower.hmis.models import enrollment as enrollment_models

pytestmark = [pytest.mark.foundation]

SPEC_DIR = Path(__file__).resolve().parents[2] / "sunflower" / "hmis" / "spec" / "fy2026"


def _read(name: str) -> list[dict[str, str]]:
    with (SPEC_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


SPEC_FILES = _read("csv_files.csv")
SPEC_COLUMNS = _read("csv_columns.csv")
VALUE_LISTS = json.loads((SPEC_DIR / "value_lists.json").read_text(encoding="utf-8"))
COLUMNS_BY_FILE: dict[str, list[dict[str, str]]] = defaultdict(list)
for _row in SPEC_COLUMNS:
    COLUMNS_BY_FILE[_row["file"]].append(_row)
PRIMARY_KEYS = {row["file"]: row["primary_key"] for row in SPEC_FILES}

MODEL_NAMES = {
    "Export.csv": "Export",
    "Organization.csv": "Organization",
    "User.csv": "HmisUser",
    "Project.csv": "Project",
    "Funder.csv": "Funder",
    "ProjectCoC.csv": "ProjectCoC",
    "Inventory.csv": "Inventory",
    "Affiliation.csv": "Affiliation",
    "HMISParticipation.csv": "HMISParticipation",
    "CEParticipation.csv": "CEParticipation",
    "Client.csv": "Client",
    "Enrollment.csv": "Enrollment",
    "Exit.csv": "Exit",
    "IncomeBenefits.csv": "IncomeBenefits",
    "HealthAndDV.csv": "HealthAndDV",
    "EmploymentEducation.csv": "EmploymentEducation",
    "Disabilities.csv": "Disabilities",
    "Services.csv": "Services",
    "CurrentLivingSituation.csv": "CurrentLivingSituation",
    "Assessment.csv": "Assessment",
    "AssessmentQuestions.csv": "AssessmentQuestions",
    "AssessmentResults.csv": "AssessmentResults",
    "Event.csv": "Event",
    "YouthEducationStatus.csv": "YouthEducationStatus",
}
# Relation column -> (FK field, target model, on_delete, nullable)
RELATIONS = {
    "PersonalID": ("client", "Client", models.PROTECT, False),
    "EnrollmentID": ("enrollment", "Enrollment", models.PROTECT, False),
    "ProjectID": ("project", "Project", models.PROTECT, False),
    "OrganizationID": ("organization", "Organization", models.PROTECT, False),
    "AssessmentID": ("assessment", "Assessment", models.CASCADE, False),
    "ResProjectID": ("res_project", "Project", models.PROTECT, False),
    "UserID": ("user", "HmisUser", models.SET_NULL, True),
    "ExportID": ("export", "Export", models.SET_NULL, True),
}
NON_HUD_FIELDS = {"id", "data_source"}


def _file_columns() -> list:
    return [
        pytest.param(row, id=f"{row['file'].removesuffix('.csv')}.{row['column']}")
        for row in SPEC_COLUMNS
    ]


def _model(file: str) -> type[models.Model]:
    return getattr(hmis, MODEL_NAMES[file])


def test_spec_has_24_files_and_519_columns():
    assert len(SPEC_FILES) == 24
    assert len(SPEC_COLUMNS) == 519
    assert set(MODEL_NAMES) == {row["file"] for row in SPEC_FILES}


@pytest.mark.parametrize("file", [row["file"] for row in SPEC_FILES])
def test_every_file_has_its_model_and_mapping(file):
    model = _model(file)
    assert model._meta.app_label == "hmis"
    assert model.hud_file == file
    assert model.hud_id_field == snake_case(PRIMARY_KEYS[file])
    hud_file = HUD_FILES[file]
    assert hud_file.model is model
    assert hud_file_for(model) is hud_file
    assert hud_file.primary_key == PRIMARY_KEYS[file]
    expected = [
        row["column"] for row in sorted(COLUMNS_BY_FILE[file], key=lambda r: int(r["position"]))
    ]
    assert hud_file.headers == expected


def test_hud_files_are_in_hud_order():
    order = [row["file"] for row in sorted(SPEC_FILES, key=lambda r: int(r["order"]))]
    assert list(HUD_FILES) == order
    assert [hud_file.model for hud_file in HUD_FILES.values()] == list(hmis.HUD_MODELS)


@pytest.mark.parametrize("row", _file_columns())
def test_every_column_has_its_field(row):
    file, column = row["file"], row["column"]
    model = _model(file)
    nullable = row["nullable"] == "Y"
    mapped = HUD_FILES[file].column(column)
    assert mapped.spec.column == column and mapped.spec.type == row["type"]

    if column in RELATIONS and column != PRIMARY_KEYS[file]:
        name, target, on_delete, fk_null = RELATIONS[column]
        field = model._meta.get_field(name)
        assert isinstance(field, models.ForeignKey)
        assert field.related_model is getattr(hmis, target)
        assert field.remote_field.on_delete is on_delete
        assert field.null is fk_null
        assert mapped.field_name == name
        assert mapped.relation.hud_id_field == getattr(hmis, target).hud_id_field
        return

    name = snake_case(column)
    assert mapped.field_name == name and mapped.relation is None
    field = model._meta.get_field(name)
    base = row["base_type"]
    if column == PRIMARY_KEYS[file]:
        assert type(field) is models.CharField
        assert field.max_length == int(row["max_length"]) == 32
        assert not field.null and not field.blank
        assert field.default is hmis.new_hud_id
        return
    if column in {"DateCreated", "DateUpdated"}:
        assert type(field) is models.DateTimeField and not field.null
        return
    if column == "DateDeleted":
        assert type(field) is models.DateTimeField and field.null
        return
    if base == "S":
        assert type(field) is models.CharField
        assert field.max_length == int(row["max_length"])
        assert field.blank is nullable
        assert field.null is False  # nullable text is blank=True, default=""
        if nullable:
            assert field.default == ""
    elif base == "I":
        assert type(field) is models.IntegerField
        assert field.null is nullable
    elif base == "D":
        assert type(field) is models.DateField
        assert field.null is nullable
    elif base == "T":
        assert type(field) is models.DateTimeField
        assert field.null is nullable
    elif base == "M":
        assert type(field) is models.DecimalField
        assert (field.max_digits, field.decimal_places) == (12, 2)
        assert field.null is nullable
        non_negative = hmis.base.NON_NEGATIVE in field.validators
        assert non_negative is (row["type"] == "M+")
    else:  # pragma: no cover
        pytest.fail(f"unknown type {row['type']}")

    if row["value_list"]:
        codes = VALUE_LISTS[row["value_list"]]
        expected = [int(code) if base == "I" else code for code in codes]
        expected += sorted(vocabulary.RETIRED_CODES.get(row["value_list"], ()))
        assert [value for value, _ in field.flatchoices] == expected
    else:
        assert not field.choices, f"{column} has no HUD list"


@pytest.mark.parametrize("file", [row["file"] for row in SPEC_FILES])
def test_model_has_no_field_missing_from_the_spec(file):
    model = _model(file)
    expected = {HUD_FILES[file].column(row["column"]).field_name for row in COLUMNS_BY_FILE[file]}
    concrete = {field.name for field in model._meta.concrete_fields}
    assert concrete - NON_HUD_FIELDS == expected
    assert concrete >= NON_HUD_FIELDS


@pytest.mark.parametrize("model", hmis.HUD_MODELS, ids=lambda m: m.__name__)
def test_generated_constraints(model):
    constraints = {c.name: c for c in model._meta.constraints}
    checks = [c for c in constraints.values() if isinstance(c, models.CheckConstraint)]
    checked = {
        child[0].split("__")[0]
        for c in checks
        for child in c.condition.children
        if isinstance(child, tuple)
    }
    for field in model._meta.concrete_fields:
        if field.choices:
            assert field.name in checked, f"{field.name} has no check constraint"
        if hmis.base.NON_NEGATIVE in getattr(field, "validators", []):
            assert any(name.endswith(f"{field.name}_gte_0") for name in constraints)
    unique = [
        c
        for c in constraints.values()
        if isinstance(c, models.UniqueConstraint) and c.condition is None
    ]
    assert any(tuple(c.fields) == (model.hud_id_field, "data_source") for c in unique)
    assert all(len(name) <= 63 for name in constraints)


@pytest.mark.parametrize("model", hmis.HUD_MODELS, ids=lambda m: m.__name__)
def test_model_meta(model):
    assert model._meta.ordering, "every model has a default ordering"
    assert model._meta.get_field("data_source").related_model is hmis.DataSource
    if issubclass(model, hmis.HudRecord):
        assert model._meta.base_manager_name == "all_objects"
        assert model._meta.default_manager.name == "objects"
    for name in model.pii_fields:
        model._meta.get_field(name)


def test_indexes_on_searched_columns():
    def indexed(model, name):
        field = model._meta.get_field(name)
        return field.db_index or any(index.fields[0] == name for index in model._meta.indexes)

    for model, name in [
        (hmis.Client, "last_name"),
        (hmis.Client, "dob"),
        (hmis.Client, "ssn"),
        (hmis.Enrollment, "entry_date"),
        (hmis.Enrollment, "household_id"),
        (hmis.Enrollment, "project"),
        (hmis.Exit, "exit_date"),
        (hmis.Services, "date_provided"),
        (hmis.IncomeBenefits, "information_date"),
        (hmis.HealthAndDV, "information_date"),
        (hmis.EmploymentEducation, "information_date"),
        (hmis.Disabilities, "information_date"),
        (hmis.CurrentLivingSituation, "information_date"),
        (hmis.YouthEducationStatus, "information_date"),
    ]:
        assert indexed(model, name), f"{model.__name__}.{name}"


def test_pii_declared():
    assert hmis.Client.pii_fields["ssn"] == "ssn"
    assert hmis.Client.pii_fields["first_name"] == "name"
    assert hmis.Client.pii_fields["dob"] == "dob"
    assert hmis.HealthAndDV.pii_fields["domestic_violence_survivor"] == "dv"
    assert hmis.HealthAndDV.pii_fields["currently_fleeing"] == "dv"


@pytest.mark.parametrize(
    ("column", "name"),
    [
        ("PersonalID", "personal_id"),
        ("DOBDataQuality", "dob_data_quality"),
        ("SSN", "ssn"),
        ("HispanicLatinao", "hispanic_latinao"),
        ("LOSUnderThreshold", "los_under_threshold"),
        ("TCellCount", "t_cell_count"),
        ("HealthAndDVID", "health_and_dv_id"),
        ("ProjectCoCID", "project_coc_id"),
        ("EnrollmentCoC", "enrollment_coc"),
        ("RelationshipToHoH", "relationship_to_hoh"),
        ("HH5Plus", "hh5_plus"),
        ("ZIP", "zip"),
        ("WorldWarII", "world_war_ii"),
        ("CurrentLivingSitID", "current_living_sit_id"),
    ],
)
def test_snake_case(column, name):
    assert snake_case(column) == name


def test_field_names_are_unique_per_file():
    for hud_file in HUD_FILES.values():
        names = [column.field_name for column in hud_file.columns]
        assert len(names) == len(set(names)), hud_file.file_name


def test_conditional_lists_match_the_spec():
    conditional = {
        (row["file"], row["column"]): row["conditional_value_lists"]
        for row in SPEC_COLUMNS
        if row["conditional_value_lists"]
    }
    assert set(conditional) == {
        ("Services.csv", "TypeProvided"),
        ("Services.csv", "SubTypeProvided"),
        ("Disabilities.csv", "DisabilityResponse"),
    }

    def parse(text):
        return dict(pair.strip().rsplit(":", 1) for pair in text.split(";") if pair.strip())

    type_provided = parse(conditional[("Services.csv", "TypeProvided")])
    assert {
        f"RecordType={code}": choices.__name__
        for code, choices in enrollment_models.TYPE_PROVIDED_LISTS.items()
    } == type_provided
    sub_type = parse(conditional[("Services.csv", "SubTypeProvided")])
    assert {
        f"TypeProvided={code}": choices.__name__
        for code, choices in enrollment_models.SUB_TYPE_PROVIDED_LISTS.items()
    } == sub_type
    response = parse(conditional[("Disabilities.csv", "DisabilityResponse")])
    assert response == {
        "DisabilityType=10": enrollment_models.DISABILITY_RESPONSE_LISTS[10].__name__,
        "DisabilityType=other": enrollment_models.DISABILITY_RESPONSE_DEFAULT_LIST.__name__,
    }
    spec = HUD_FILES["Services.csv"].column("TypeProvided").spec
    assert spec.conditional_lists == type_provided


def test_export_path_of_a_parent_column():
    column = HUD_FILES["Enrollment.csv"].column("PersonalID")
    assert (column.field_name, column.lookup, column.attname) == (
        "client",
        "client__personal_id",
        "client_id",
    )
    exit_enrollment = HUD_FILES["Exit.csv"].column("EnrollmentID")
    assert exit_enrollment.lookup == "enrollment__enrollment_id"
    own = HUD_FILES["Client.csv"].column("PersonalID")
    assert (own.field_name, own.lookup, own.relation) == ("personal_id", "personal_id", None)
    user = HUD_FILES["Client.csv"].column("UserID")
    assert user.lookup == "user__user_id"


def test_headers_match_case_insensitively():
    assert HUD_FILES["ProjectCoC.csv"].column("Zip").field_name == "zip"
    assert HUD_FILES["Disabilities.csv"].column("TcellCount").field_name == "t_cell_count"
    assert HUD_FILES["Exit.csv"].column("WorkPlaceViolenceThreats").csv_column == (
        "WorkplaceViolenceThreats"
    )


def test_relations_table_is_the_documented_one():
    assert {column: field for column, (field, _model) in hud_columns.RELATIONS.items()} == {
        column: field for column, (field, *_rest) in RELATIONS.items()
    }
