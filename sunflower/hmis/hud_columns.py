"""The one mapping between HUD's CSV files and Sunflower's models.

Built at import time from the FY2026 spec tables in ``spec/fy2026/`` (csv_files.csv and
csv_columns.csv), so the CSV importer and exporter never name a column or field themselves:

    >>> from sunflower.hmis.hud_columns import HUD_FILES
    >>> enrollment = HUD_FILES["Enrollment.csv"]
    >>> enrollment.model, enrollment.hud_id_field
    (<class 'sunflower.hmis.models.enrollment.Enrollment'>, 'enrollment_id')
    >>> column = enrollment.column("PersonalID")
    >>> column.field_name, column.lookup
    ('client', 'client__personal_id')

Rules (docs/hud-data-model.md):

* Field names are ``snake_case(column)``.
* A column naming a parent record (PersonalID, EnrollmentID, ProjectID, OrganizationID,
  AssessmentID, ResProjectID, UserID, ExportID) is a ForeignKey named by ``RELATIONS``, except
  the file's own primary key, which stays a CharField holding the HUD identifier. On export the
  value is the parent's HUD identifier (``HudColumn.lookup`` / ``HudColumn.export_value``).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from typing import Any, NamedTuple

from django.db import models

from sunflower.hmis import models as hmis

SPEC_VERSION = "fy2026"

# Mixed-case abbreviations HUD writes as one word.
_WORDS = {"CoC": "Coc", "HoH": "Hoh"}
# Columns whose name the rule below does not give (none so far; add here, not in callers).
SNAKE_CASE_OVERRIDES: dict[str, str] = {}

# Column -> (ForeignKey field name, parent model name). Applies to every file except the
# file's own primary key column.
RELATIONS: dict[str, tuple[str, str]] = {
    "PersonalID": ("client", "Client"),
    "EnrollmentID": ("enrollment", "Enrollment"),
    "ProjectID": ("project", "Project"),
    "OrganizationID": ("organization", "Organization"),
    "AssessmentID": ("assessment", "Assessment"),
    "ResProjectID": ("res_project", "Project"),
    "UserID": ("user", "HmisUser"),
    "ExportID": ("export", "Export"),
}

# File -> model name where they differ ("User" is the login user, accounts.User).
MODEL_NAMES = {"User.csv": "HmisUser"}


def snake_case(column: str) -> str:
    """HUD column name -> model field name.

    1. ``CoC`` and ``HoH`` are words (``EnrollmentCoC`` -> ``enrollment_coc``).
    2. A trailing ``ID`` is a word (``HealthAndDVID`` -> ``health_and_dv_id``).
    3. A word starts at an upper-case letter after a lower-case letter or digit, and at the last
       capital of a run of capitals followed by a lower-case letter (``DOBDataQuality`` ->
       ``dob_data_quality``, ``TCellCount`` -> ``t_cell_count``). Digits stay with the word
       before them (``HH5Plus`` -> ``hh5_plus``, ``Address1`` -> ``address1``).
    4. Lower-case everything.
    """
    if column in SNAKE_CASE_OVERRIDES:
        return SNAKE_CASE_OVERRIDES[column]
    text = column
    for word, replacement in _WORDS.items():
        text = text.replace(word, replacement)
    text = re.sub(r"(?<=[A-Z])(?=ID$)", "_", text)
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", text)
    return text.lower()


# --- the spec tables ------------------------------------------------------------------------


def _read_spec(name: str) -> list[dict[str, str]]:
    spec = resources.files("sunflower.hmis").joinpath("spec", SPEC_VERSION, name)
    with spec.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@dataclass(frozen=True)
class SpecColumn:
    """One row of csv_columns.csv."""

    file: str
    position: int
    column: str
    type: str  # S50, I, D, T, M, M+
    base_type: str  # S, I, D, T, M
    max_length: int | None
    nullable: bool
    value_list: str  # key of value_lists.json, or ""
    list_code: str
    conditional_value_lists: str
    data_element: str
    spec_notes: str

    @classmethod
    def from_row(cls, row: dict[str, str]) -> SpecColumn:
        return cls(
            file=row["file"],
            position=int(row["position"]),
            column=row["column"],
            type=row["type"],
            base_type=row["base_type"],
            max_length=int(row["max_length"]) if row["max_length"] else None,
            nullable=row["nullable"] == "Y",
            value_list=row["value_list"],
            list_code=row["list_code"],
            conditional_value_lists=row["conditional_value_lists"],
            data_element=row["data_element"],
            spec_notes=row["spec_notes"],
        )

    @property
    def conditional_lists(self) -> dict[str, str]:
        """``"RecordType=141:PATHServices; ..."`` -> ``{"RecordType=141": "PATHServices"}``."""
        pairs = (part.strip() for part in self.conditional_value_lists.split(";"))
        return dict(pair.rsplit(":", 1) for pair in pairs if pair)


class Relation(NamedTuple):
    """A column that points at a parent record."""

    field_name: str  # "client"
    model_name: str  # "Client"
    hud_id_field: str  # "personal_id": what the CSV holds

    @property
    def model(self) -> type[models.Model]:
        return getattr(hmis, self.model_name)


class HudColumn(NamedTuple):
    """(csv column, model field name, spec row) and, for parent columns, the relation."""

    csv_column: str
    field_name: str
    spec: SpecColumn
    relation: Relation | None = None

    @property
    def is_relation(self) -> bool:
        return self.relation is not None

    @property
    def lookup(self) -> str:
        """The ORM path of the CSV value: ``client__personal_id`` for a parent, else the field."""
        if self.relation is None:
            return self.field_name
        return f"{self.field_name}__{self.relation.hud_id_field}"

    @property
    def attname(self) -> str:
        """The model attribute that stores the value (``client_id`` for a ForeignKey)."""
        return f"{self.field_name}_id" if self.relation is not None else self.field_name

    def export_value(self, instance: models.Model) -> Any:
        """The column's value for ``instance``: the parent's HUD identifier for a relation
        (``enrollment.client.personal_id``), None when there is no parent."""
        if self.relation is None:
            return getattr(instance, self.field_name)
        parent = getattr(instance, self.field_name)
        return None if parent is None else getattr(parent, self.relation.hud_id_field)


@dataclass(frozen=True)
class HudFile:
    """One CSV file: its model and its columns in HUD's order."""

    file_name: str  # "Client.csv"
    model: type[models.Model]
    primary_key: str  # "PersonalID"
    hud_id_field: str  # "personal_id"
    key_date_column: str  # "EntryDate" or ""
    columns: tuple[HudColumn, ...]

    @property
    def headers(self) -> list[str]:
        return [column.csv_column for column in self.columns]

    @property
    def key_date_field(self) -> str | None:
        return snake_case(self.key_date_column) if self.key_date_column else None

    @cached_property
    def _by_header(self) -> dict[str, HudColumn]:
        return {column.csv_column.lower(): column for column in self.columns}

    def column(self, header: str) -> HudColumn:
        """The column for a CSV header, matched case-insensitively (sources differ: ``Zip``,
        ``TcellCount``). Raises KeyError."""
        return self._by_header[header.lower()]

    def field(self, field_name: str) -> HudColumn:
        for column in self.columns:
            if column.field_name == field_name:
                return column
        raise KeyError(field_name)


def _build() -> dict[str, HudFile]:
    files = _read_spec("csv_files.csv")
    primary_keys = {row["file"]: row["primary_key"] for row in files}
    hud_id_fields = {
        MODEL_NAMES.get(file, file.removesuffix(".csv")): snake_case(pk)
        for file, pk in primary_keys.items()
    }
    columns: dict[str, list[HudColumn]] = {row["file"]: [] for row in files}
    for row in _read_spec("csv_columns.csv"):
        spec = SpecColumn.from_row(row)
        name = spec.column
        relation = None
        if name in RELATIONS and name != primary_keys[spec.file]:
            field_name, model_name = RELATIONS[name]
            relation = Relation(field_name, model_name, hud_id_fields[model_name])
            field_name = relation.field_name
        else:
            field_name = snake_case(name)
        columns[spec.file].append(HudColumn(name, field_name, spec, relation))
    result = {}
    for row in sorted(files, key=lambda r: int(r["order"])):
        file = row["file"]
        ordered = sorted(columns[file], key=lambda column: column.spec.position)
        result[file] = HudFile(
            file_name=file,
            model=getattr(hmis, MODEL_NAMES.get(file, file.removesuffix(".csv"))),
            primary_key=row["primary_key"],
            hud_id_field=snake_case(row["primary_key"]),
            key_date_column=row["key_date_column"],
            columns=tuple(ordered),
        )
    return result


# "Client.csv" -> HudFile, in HUD's file order (Export.csv first).
HUD_FILES: dict[str, HudFile] = _build()
_BY_MODEL = {hud_file.model: hud_file for hud_file in HUD_FILES.values()}


def hud_file_for(model: type[models.Model] | models.Model) -> HudFile:
    """The HudFile of a model class or instance."""
    if isinstance(model, models.Model):
        model = type(model)
    return _BY_MODEL[model]
