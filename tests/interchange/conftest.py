"""Fixtures for the HMIS CSV import tests: HUD's test kit, and a tiny valid export built here."""

from __future__ import annotations

import csv
import io
import shutil
import zipfile
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
KIT = PROJECT_DIR / "tests" / "fixtures" / "testkit" / "fy2026" / "source"

# The kit's findings that an importer must report as warnings (its README), as this importer
# counts them. The README says 4,330 UserIDs missing from User.csv; counting the files gives
# 4,328 (every UserID column of every file but User.csv, none empty).
KIT_WARNINGS = {
    "unknown_user": 4328,
    "retired_code": 3,  # Funder 47
    "missing_export_id": 10,  # Organization.ExportID
    "missing_text": 8,  # Assessment.AssessmentLocation
    "enrollment_coc_not_in_project": 1,
    "move_in_non_ph": 52,
    "race_none_with_race": 3,
    "invalid_ssn": 2,
    # "MoveInDate after ExitDate; DateToStreetESSH after EntryDate; CLS date outside the
    # enrollment; household without exactly one head": 7 in all.
    "move_in_after_exit": 1,
    "date_to_street_after_entry": 2,
    "cls_outside_enrollment": 2,
    "household_head_count": 2,
}


def hud_headers() -> dict[str, list[str]]:
    from sunflower.hmis.hud_columns import HUD_FILES

    return {name: hud_file.headers for name, hud_file in HUD_FILES.items()}


COMMON = {
    "DateCreated": "2024-01-02 10:00:00",
    "DateUpdated": "2024-01-02 10:00:00",
    "UserID": "U1",
    "ExportID": "E1",
}


def tiny_rows() -> dict[str, list[dict[str, str]]]:
    """A small valid FY2026 export: a few rows in every file (two clients, three enrollments)."""
    c = COMMON
    race = {
        "AmIndAKNative": "0",
        "Asian": "0",
        "BlackAfAmerican": "0",
        "HispanicLatinao": "1",
        "MidEastNAfrican": "0",
        "NativeHIPacific": "0",
        "White": "0",
    }
    child = {
        "DateCreated": c["DateCreated"],
        "DateUpdated": c["DateUpdated"],
        "UserID": "U1",
        "ExportID": "E1",
    }
    return {
        "Export.csv": [
            {
                "ExportID": "E1",
                "SourceType": "1",
                "SourceID": "KS-507",
                "SourceName": "Tiny HMIS",
                "ExportDate": "2024-02-01 08:00:00",
                "ExportStartDate": "2023-10-01",
                "ExportEndDate": "2024-01-31",
                "SoftwareName": "Tiny",
                "SoftwareVersion": "1",
                "CSVVersion": "2026 v1.0",
                "ExportPeriodType": "3",
                "ExportDirective": "2",
                "HashStatus": "1",
                "ImplementationID": "tiny-1",
            }
        ],
        "User.csv": [
            {
                "UserID": "U1",
                "UserFirstName": "Uma",
                "UserLastName": "User",
                "DateCreated": c["DateCreated"],
                "DateUpdated": c["DateUpdated"],
                "ExportID": "E1",
            },
        ],
        "Organization.csv": [
            {
                "OrganizationID": "O1",
                "OrganizationName": "Tiny Org",
                "VictimServiceProvider": "0",
                **c,
            },
        ],
        "Project.csv": [
            {
                "ProjectID": "P1",
                "OrganizationID": "O1",
                "ProjectName": "Tiny Shelter",
                "OperatingStartDate": "2020-01-01",
                "ContinuumProject": "1",
                "ProjectType": "0",
                **c,
            },
            {
                "ProjectID": "P2",
                "OrganizationID": "O1",
                "ProjectName": "Tiny PSH",
                "OperatingStartDate": "2020-01-01",
                "ContinuumProject": "1",
                "ProjectType": "3",
                **c,
            },
        ],
        "Funder.csv": [
            {
                "FunderID": "F1",
                "ProjectID": "P1",
                "Funder": "8",
                "GrantID": "G1",
                "StartDate": "2020-01-01",
                **c,
            },
        ],
        "ProjectCoC.csv": [
            {
                "ProjectCoCID": "PC1",
                "ProjectID": "P1",
                "CoCCode": "KS-507",
                "Geocode": "209001",
                "ZIP": "66044",
                **c,
            },
            {
                "ProjectCoCID": "PC2",
                "ProjectID": "P2",
                "CoCCode": "KS-507",
                "Geocode": "209001",
                **c,
            },
        ],
        "Inventory.csv": [
            {
                "InventoryID": "I1",
                "ProjectID": "P1",
                "CoCCode": "KS-507",
                "HouseholdType": "1",
                "UnitInventory": "5",
                "BedInventory": "10",
                "InventoryStartDate": "2020-01-01",
                **c,
            },
        ],
        "Affiliation.csv": [
            {"AffiliationID": "A1", "ProjectID": "P2", "ResProjectID": "P1", **c},
        ],
        "HMISParticipation.csv": [
            {
                "HMISParticipationID": "H1",
                "ProjectID": "P1",
                "HMISParticipationType": "1",
                "HMISParticipationStatusStartDate": "2020-01-01",
                **c,
            },
        ],
        "CEParticipation.csv": [
            {
                "CEParticipationID": "CE1",
                "ProjectID": "P1",
                "AccessPoint": "1",
                "ReceivesReferrals": "0",
                "CEParticipationStatusStartDate": "2020-01-01",
                **c,
            },
        ],
        "Client.csv": [
            {
                "PersonalID": "C1",
                "FirstName": "Ana",
                "LastName": "Pena",
                "NameDataQuality": "1",
                "SSN": "123456789",
                "SSNDataQuality": "1",
                "DOB": "1990-05-17",
                "DOBDataQuality": "1",
                "Sex": "0",
                **race,
                "VeteranStatus": "0",
                **c,
            },
            {
                "PersonalID": "C2",
                "FirstName": "Ben",
                "LastName": "Stone",
                "NameDataQuality": "1",
                "SSNDataQuality": "99",
                "DOBDataQuality": "99",
                **race,
                "VeteranStatus": "1",
                "MilitaryBranch": "1",
                **c,
            },
        ],
        "Enrollment.csv": [
            {
                "EnrollmentID": "EN1",
                "PersonalID": "C1",
                "ProjectID": "P1",
                "EntryDate": "2024-01-05",
                "HouseholdID": "HH1",
                "RelationshipToHoH": "1",
                "EnrollmentCoC": "KS-507",
                "LivingSituation": "116",
                "DisablingCondition": "0",
                **c,
            },
            {
                "EnrollmentID": "EN2",
                "PersonalID": "C2",
                "ProjectID": "P1",
                "EntryDate": "2024-01-06",
                "HouseholdID": "HH2",
                "RelationshipToHoH": "1",
                "EnrollmentCoC": "KS-507",
                "DisablingCondition": "1",
                **c,
            },
            {
                "EnrollmentID": "EN3",
                "PersonalID": "C2",
                "ProjectID": "P2",
                "EntryDate": "2024-01-10",
                "HouseholdID": "HH3",
                "RelationshipToHoH": "1",
                "EnrollmentCoC": "KS-507",
                "DisablingCondition": "1",
                "MoveInDate": "2024-01-15",
                **c,
            },
        ],
        "Exit.csv": [
            {
                "ExitID": "X1",
                "EnrollmentID": "EN1",
                "PersonalID": "C1",
                "ExitDate": "2024-01-20",
                "Destination": "410",
                **child,
            },
        ],
        "IncomeBenefits.csv": [
            {
                "IncomeBenefitsID": "IB1",
                "EnrollmentID": "EN1",
                "PersonalID": "C1",
                "InformationDate": "2024-01-05",
                "IncomeFromAnySource": "1",
                "TotalMonthlyIncome": "1250.50",
                "Earned": "1",
                "EarnedAmount": "1250.5",
                "DataCollectionStage": "1",
                **child,
            },
        ],
        "HealthAndDV.csv": [
            {
                "HealthAndDVID": "HD1",
                "EnrollmentID": "EN1",
                "PersonalID": "C1",
                "InformationDate": "2024-01-05",
                "DomesticViolenceSurvivor": "0",
                "DataCollectionStage": "1",
                **child,
            },
        ],
        "EmploymentEducation.csv": [
            {
                "EmploymentEducationID": "EE1",
                "EnrollmentID": "EN1",
                "PersonalID": "C1",
                "InformationDate": "2024-01-05",
                "Employed": "1",
                "DataCollectionStage": "1",
                **child,
            },
        ],
        "Disabilities.csv": [
            {
                "DisabilitiesID": "D1",
                "EnrollmentID": "EN1",
                "PersonalID": "C1",
                "InformationDate": "2024-01-05",
                "DisabilityType": "10",
                "DisabilityResponse": "3",
                "DataCollectionStage": "1",
                **child,
            },
            {
                "DisabilitiesID": "D2",
                "EnrollmentID": "EN2",
                "PersonalID": "C2",
                "InformationDate": "2024-01-06",
                "DisabilityType": "5",
                "DisabilityResponse": "1",
                "DataCollectionStage": "1",
                **child,
            },
        ],
        "Services.csv": [
            {
                "ServicesID": "S1",
                "EnrollmentID": "EN1",
                "PersonalID": "C1",
                "DateProvided": "2024-01-06",
                "RecordType": "200",
                "TypeProvided": "200",
                **child,
            },
            {
                "ServicesID": "S2",
                "EnrollmentID": "EN2",
                "PersonalID": "C2",
                "DateProvided": "2024-01-07",
                "RecordType": "152",
                "TypeProvided": "1",
                "FAAmount": "725.25",
                "FAStartDate": "2024-01-07",
                "FAEndDate": "2024-02-06",
                **child,
            },
            {
                "ServicesID": "S3",
                "EnrollmentID": "EN2",
                "PersonalID": "C2",
                "DateProvided": "2024-01-08",
                "RecordType": "144",
                "TypeProvided": "3",
                "SubTypeProvided": "1",
                **child,
            },
        ],
        "CurrentLivingSituation.csv": [
            {
                "CurrentLivingSitID": "CLS1",
                "EnrollmentID": "EN2",
                "PersonalID": "C2",
                "InformationDate": "2024-01-07",
                "CurrentLivingSituation": "116",
                "LocationDetails": "Under the bridge, north side",
                **child,
            },
        ],
        "Assessment.csv": [
            {
                "AssessmentID": "AS1",
                "EnrollmentID": "EN2",
                "PersonalID": "C2",
                "AssessmentDate": "2024-01-08",
                "AssessmentLocation": "Office",
                "AssessmentType": "1",
                "AssessmentLevel": "1",
                "PrioritizationStatus": "1",
                **child,
            },
        ],
        "AssessmentQuestions.csv": [
            {
                "AssessmentQuestionID": "AQ1",
                "AssessmentID": "AS1",
                "EnrollmentID": "EN2",
                "PersonalID": "C2",
                "AssessmentQuestion": "Where did you sleep?",
                "AssessmentAnswer": "Outside",
                **child,
            },
        ],
        "AssessmentResults.csv": [
            {
                "AssessmentResultID": "AR1",
                "AssessmentID": "AS1",
                "EnrollmentID": "EN2",
                "PersonalID": "C2",
                "AssessmentResultType": "Score",
                "AssessmentResult": "12",
                **child,
            },
        ],
        "Event.csv": [
            {
                "EventID": "EV1",
                "EnrollmentID": "EN2",
                "PersonalID": "C2",
                "EventDate": "2024-01-09",
                "Event": "1",
                **child,
            },
        ],
        "YouthEducationStatus.csv": [
            {
                "YouthEducationStatusID": "Y1",
                "EnrollmentID": "EN2",
                "PersonalID": "C2",
                "InformationDate": "2024-01-06",
                "DataCollectionStage": "1",
                **child,
            },
        ],
    }


def csv_text(headers: list[str], rows: list[dict[str, str]], newline: str = "\n") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=newline)
    writer.writerow(headers)
    for row in rows:
        unknown = set(row) - set(headers)
        assert not unknown, f"unknown columns {unknown}"
        writer.writerow([row.get(header, "") for header in headers])
    return buffer.getvalue()


def write_export(
    directory: Path,
    rows: dict[str, list[dict[str, str]]] | None = None,
    *,
    encoding: str = "utf-8",
    newline: str = "\n",
    skip: tuple[str, ...] = (),
) -> Path:
    """Write all 24 files (HUD headers, the given rows) into ``directory``; returns it."""
    rows = tiny_rows() if rows is None else rows
    directory.mkdir(parents=True, exist_ok=True)
    for name, headers in hud_headers().items():
        if name in skip:
            continue
        text = csv_text(headers, rows.get(name, []), newline)
        (directory / name).write_bytes(text.encode(encoding))
    return directory


def zip_folder(folder: Path, target: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, prefix + path.name)
    return target


def hud_counts() -> dict[str, int]:
    """Row counts of every HUD table (deleted rows included) and of DataSource."""
    from sunflower.hmis import models as hmis

    counts = {model.__name__: model._base_manager.count() for model in hmis.HUD_MODELS}
    counts["DataSource"] = hmis.DataSource.objects.count()
    return counts


def dump_tables() -> dict[str, list[dict]]:
    """Every row of every HUD table, every column, in primary-key order."""
    from sunflower.hmis import models as hmis

    return {
        model.__name__: list(model._base_manager.order_by("pk").values())
        for model in hmis.HUD_MODELS
    }


@pytest.fixture
def kit_copy(tmp_path) -> Path:
    target = tmp_path / "kit"
    shutil.copytree(KIT, target)
    return target


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write_rows(path: Path, headers: list[str], rows: list[dict[str, str]]) -> None:
    path.write_text(csv_text(headers, rows), encoding="utf-8", newline="")


@pytest.fixture(scope="session")
def ic():
    """The helpers above, for test modules (conftest modules are not imported by name)."""
    from types import SimpleNamespace

    return SimpleNamespace(
        KIT=KIT,
        KIT_WARNINGS=KIT_WARNINGS,
        tiny_rows=tiny_rows,
        csv_text=csv_text,
        write_export=write_export,
        zip_folder=zip_folder,
        hud_counts=hud_counts,
        dump_tables=dump_tables,
        read_rows=read_rows,
        write_rows=write_rows,
        hud_headers=hud_headers,
    )
