"""FY2024 → FY2026 on a small FY2024 export built from the FY2026 kit.

The test takes the first rows of every FY2026 kit file and undoes the FY2024 → FY2026 changes:
Sex and MentalHealthConsultation are removed; gender, sexual orientation and C4 translation
columns are put back; HispanicLatinao is renamed HispanicLatinaeo. It also sets one R18 value to
99, which FY2024 allowed. Converting that folder back must give the original FY2026 values,
except where the source cannot hold them (Sex, MentalHealthConsultation) and the 99.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from sunflower.interchange.legacy import convert_to_fy2026, detect_version

pytestmark = [pytest.mark.interchange]

ROOT = Path(__file__).resolve().parents[2]
FY2026_KIT = ROOT / "tests" / "fixtures" / "testkit" / "fy2026" / "source"
ROWS_PER_FILE = 30

# HMIS CSV FY2024 Client.csv and Enrollment.csv, typed from HUD's FY2024 CSV specification.
FY2024_CLIENT = [
    "PersonalID",
    "FirstName",
    "MiddleName",
    "LastName",
    "NameSuffix",
    "NameDataQuality",
    "SSN",
    "SSNDataQuality",
    "DOB",
    "DOBDataQuality",
    "AmIndAKNative",
    "Asian",
    "BlackAfAmerican",
    "HispanicLatinaeo",
    "MidEastNAfrican",
    "NativeHIPacific",
    "White",
    "RaceNone",
    "AdditionalRaceEthnicity",
    "Woman",
    "Man",
    "NonBinary",
    "CulturallySpecific",
    "Transgender",
    "Questioning",
    "DifferentIdentity",
    "GenderNone",
    "DifferentIdentityText",
    "VeteranStatus",
    "YearEnteredService",
    "YearSeparated",
    "WorldWarII",
    "KoreanWar",
    "VietnamWar",
    "DesertStorm",
    "AfghanistanOEF",
    "IraqOIF",
    "IraqOND",
    "OtherTheater",
    "MilitaryBranch",
    "DischargeStatus",
    "DateCreated",
    "DateUpdated",
    "UserID",
    "DateDeleted",
    "ExportID",
]
FY2024_ENROLLMENT_REMOVED_IN_FY2026 = {
    "SexualOrientation": "RunawayYouth",  # inserted after this column
    "SexualOrientationOther": "SexualOrientation",
    "TranslationNeeded": "ThresholdScore",
    "PreferredLanguage": "TranslationNeeded",
    "PreferredLanguageDifferent": "PreferredLanguage",
}
GENDER = [
    "Woman",
    "Man",
    "NonBinary",
    "CulturallySpecific",
    "Transgender",
    "Questioning",
    "DifferentIdentity",
    "GenderNone",
    "DifferentIdentityText",
]


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def _fy2024_client(row: dict[str, str]) -> dict[str, str]:
    out = dict(row)
    out["HispanicLatinaeo"] = out.pop("HispanicLatinao")
    sex = out.pop("Sex")
    out.update(dict.fromkeys(GENDER, "0"))
    out["Woman"] = "1" if sex == "0" else "0"
    out["Man"] = "1" if sex == "1" else "0"
    out["GenderNone"] = sex if sex in ("8", "9", "99") else ""
    out["DifferentIdentityText"] = ""
    return out


def _fy2024_enrollment_header(fy2026: list[str]) -> list[str]:
    header = [c for c in fy2026 if c != "MentalHealthConsultation"]
    for column, after in FY2024_ENROLLMENT_REMOVED_IN_FY2026.items():
        header.insert(header.index(after) + 1, column)
    return header


@pytest.fixture(scope="module")
def fy2024(tmp_path_factory):
    """(FY2024 folder, original FY2026 rows per file)."""
    folder = tmp_path_factory.mktemp("fy2024")
    originals: dict[str, list[dict[str, str]]] = {}
    for path in sorted(FY2026_KIT.iterdir()):
        header, rows = _read(path)
        rows = rows[:ROWS_PER_FILE]
        originals[path.name] = rows
        if path.name == "Client.csv":
            _write(folder / path.name, FY2024_CLIENT, [_fy2024_client(r) for r in rows])
        elif path.name == "Enrollment.csv":
            rows24 = [
                dict(r, SexualOrientation="2" if i % 3 == 0 else "", TranslationNeeded="0")
                for i, r in enumerate(rows)
            ]
            _write(folder / path.name, _fy2024_enrollment_header(header), rows24)
        elif path.name == "Exit.csv":
            rows24 = [dict(r) for r in rows]
            rows24[2]["CounselingReceived"] = "99"  # allowed by FY2024 list 1.7
            _write(folder / path.name, header, rows24)
        elif path.name == "Export.csv":
            _write(folder / path.name, header, [dict(rows[0], CSVVersion="2024 v1.3")])
        elif path.name == "Disabilities.csv":
            # DL24 spells these TcellCount/TcellSource: headers match without regard to case.
            renamed = [
                {"TCellCount": "TcellCount", "TCellSource": "TcellSource"}.get(c, c) for c in header
            ]
            _write(
                folder / path.name,
                renamed,
                [{renamed[i]: r[c] for i, c in enumerate(header)} for r in rows],
            )
        else:
            _write(folder / path.name, header, rows)
    return folder, originals


def test_fy2024_folder_is_detected(fy2024):
    folder, _ = fy2024
    detection = detect_version(folder)
    assert detection.version == "2024"
    assert detection.differences["2024"] == 0


def test_fy2024_converted_back_gives_the_original_fy2026_values(fy2024, tmp_path):
    folder, originals = fy2024
    report = convert_to_fy2026(folder, tmp_path)
    assert report.source_version == "2024"
    mismatches = []
    for name, rows in originals.items():
        header, converted = _read(tmp_path / name)
        assert header == _read(FY2026_KIT / name)[0], name
        assert len(converted) == len(rows), name
        for index, (ours, original) in enumerate(zip(converted, rows, strict=True)):
            for column, value in original.items():
                expected = value
                if (name, column) in (
                    ("Client.csv", "Sex"),
                    ("Enrollment.csv", "MentalHealthConsultation"),
                ):
                    expected = ""  # FY2024 cannot hold them
                elif (name, column) == ("Export.csv", "CSVVersion"):
                    expected = "2026"
                elif (name, column, index) == ("Exit.csv", "CounselingReceived", 2):
                    expected = ""  # 99 has no place in list 1.10
                if ours[column] != expected:
                    mismatches.append((name, index, column, ours[column], expected))
    assert mismatches == []


def test_fy2024_report(fy2024, tmp_path):
    folder, originals = fy2024
    report = convert_to_fy2026(folder, tmp_path)
    dropped = {e.column: e.count for e in report.entries("dropped", "Client.csv")}
    assert sorted(dropped) == sorted(GENDER)
    clients = len(originals["Client.csv"])
    assert dropped["Woman"] == dropped["Man"] == clients
    assert dropped["DifferentIdentityText"] == 0
    enrollment = {e.column: e.count for e in report.entries("dropped", "Enrollment.csv")}
    assert enrollment["SexualOrientation"] == len(range(0, len(originals["Enrollment.csv"]), 3))
    assert enrollment["TranslationNeeded"] == len(originals["Enrollment.csv"])
    (renamed,) = report.entries("renamed", "Client.csv")
    assert (renamed.source, renamed.column) == ("HispanicLatinaeo", "HispanicLatinao")
    added = {e.column for e in report.entries("added_empty")}
    assert added == {"Sex", "MentalHealthConsultation"}
    (recode,) = report.entries("recoded", "Exit.csv", "CounselingReceived")
    assert (recode.old, recode.new, recode.count) == ("99", "", 1)
    assert report.unmappable_count == 0
    assert report.steps == ["FY2024 -> FY2026"]
