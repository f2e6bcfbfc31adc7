"""The sheltered PIT count and the HIC for one night: who is in on the night (an exit the
next morning still counts, a night-by-night shelter needs the bed night), each person once,
households as they were that night; beds by household type and availability."""

from __future__ import annotations

from datetime import date

import pytest

from sunflower.reports.engine import ReportParams, run_report

from .builders import client, enrollment, frames

pytestmark = pytest.mark.reports

NIGHT = date(2026, 1, 28)
ONE_NIGHT = ReportParams(NIGHT, NIGHT, "KS-507")


def _world(**files):
    files.setdefault(
        "Project",
        [
            {"ProjectID": "ES", "OrganizationID": "O1", "ProjectName": "Shelter", "ProjectType": 0},
            {"ProjectID": "NBN", "OrganizationID": "O1", "ProjectName": "Night", "ProjectType": 1},
            {"ProjectID": "TH", "OrganizationID": "O1", "ProjectName": "Transit", "ProjectType": 2},
            {"ProjectID": "PSH", "OrganizationID": "O1", "ProjectName": "Home", "ProjectType": 3},
        ],
    )
    files.setdefault(
        "ProjectCoC",
        [
            {"ProjectCoCID": f"PC{p}", "ProjectID": p, "CoCCode": "KS-507"}
            for p in ("ES", "NBN", "TH", "PSH")
        ],
    )
    return frames(**files)


def _people():
    return {
        "Client": [
            client("MOM", Sex=0, White=1),
            client("KID", dob="2020-02-02", Sex=1, White=1, HispanicLatinao=1),
            client("SOLO", dob="1950-01-01", Sex=1, BlackAfAmerican=1, VeteranStatus=1),
            client("LEFT"),
            client("NIGHT", BlackAfAmerican=1, White=1),
            client("MISSED"),
            client("HOUSED"),
        ],
        "Enrollment": [
            enrollment("E1", "MOM", "2026-01-10", "H1", ProjectID="TH"),
            enrollment("E2", "KID", "2026-01-10", "H1", relationship=2, ProjectID="TH"),
            # Leaves the morning after the count: in that night.
            enrollment("E3", "SOLO", "2026-01-20", "H2", ProjectID="ES"),
            # Left on the day of the count: not in that night.
            enrollment("E4", "LEFT", "2026-01-05", "H3", ProjectID="ES"),
            enrollment("E5", "NIGHT", "2026-01-01", "H4", ProjectID="NBN"),
            enrollment("E6", "MISSED", "2026-01-01", "H5", ProjectID="NBN"),
            enrollment(
                "E7", "HOUSED", "2025-06-01", "H6", ProjectID="PSH", MoveInDate="2025-07-01"
            ),
        ],
        "Exit": [
            {"ExitID": "X3", "EnrollmentID": "E3", "PersonalID": "SOLO", "ExitDate": "2026-01-29"},
            {"ExitID": "X4", "EnrollmentID": "E4", "PersonalID": "LEFT", "ExitDate": "2026-01-28"},
        ],
        "Services": [
            {
                "ServicesID": "S5",
                "EnrollmentID": "E5",
                "PersonalID": "NIGHT",
                "DateProvided": "2026-01-28",
                "RecordType": 200,
                "TypeProvided": 200,
            },
            # The night before, not the night of the count.
            {
                "ServicesID": "S6",
                "EnrollmentID": "E6",
                "PersonalID": "MISSED",
                "DateProvided": "2026-01-27",
                "RecordType": 200,
                "TypeProvided": 200,
            },
        ],
    }


def test_the_sheltered_count_takes_who_was_in_that_night():
    tables = run_report("pit", _world(**_people()), ONE_NIGHT).tables
    families, singles = tables["PIT1"], tables["PIT2"]
    assert families.get("Total Number of Households", "Transitional Housing") == 1
    assert families.get("Total Number of Persons", "Total") == 2
    assert families.get("Number of Persons (under age 18)", "Transitional Housing") == 1
    assert families.get("White & Hispanic/Latina/e/o", "Total") == 1
    # SOLO (exits next morning) and NIGHT (bed night) are in; LEFT and MISSED are not; the
    # PSH client is not sheltered.
    assert singles.get("Total Number of Persons", "Emergency Shelter") == 2
    assert singles.get("Number of Persons (over 64)", "Total") == 1
    assert singles.get("Multi-Racial (all other)", "Total") == 1
    assert singles.get("Male", "Total") == 1
    assert tables["PIT5"].get("Total Number of Veterans", "Emergency Shelter") == 1
    assert tables["PIT3"].get("Total Number of Persons", "Total") == 0
    row = singles.row_index("Total Number of Persons")
    assert set(singles.cell_members(row, 0)["PersonalID"]) == {"SOLO", "NIGHT"}


def test_the_hic_adds_beds_by_household_type_and_counts_who_is_in_them():
    inventory = [
        {
            "InventoryID": "I1",
            "ProjectID": "ES",
            "CoCCode": "KS-507",
            "HouseholdType": 1,
            "Availability": 1,
            "BedInventory": 20,
            "UnitInventory": 20,
            "VetBedInventory": 5,
            "CHVetBedInventory": 2,
            "ESBedType": 1,
            "InventoryStartDate": "2020-01-01",
        },
        {
            "InventoryID": "I2",
            "ProjectID": "ES",
            "CoCCode": "KS-507",
            "HouseholdType": 1,
            "Availability": 2,
            "BedInventory": 10,
            "UnitInventory": 10,
            "ESBedType": 1,
            "InventoryStartDate": "2020-01-01",
        },
        {
            "InventoryID": "I3",
            "ProjectID": "TH",
            "CoCCode": "KS-507",
            "HouseholdType": 3,
            "BedInventory": 12,
            "UnitInventory": 4,
            "InventoryStartDate": "2020-01-01",
        },
        # Ended before the night: not counted.
        {
            "InventoryID": "I4",
            "ProjectID": "TH",
            "CoCCode": "KS-507",
            "HouseholdType": 3,
            "BedInventory": 99,
            "UnitInventory": 9,
            "InventoryStartDate": "2020-01-01",
            "InventoryEndDate": "2025-12-31",
        },
        # Another CoC's beds of the same project.
        {
            "InventoryID": "I5",
            "ProjectID": "TH",
            "CoCCode": "KS-505",
            "HouseholdType": 3,
            "BedInventory": 7,
            "UnitInventory": 2,
            "InventoryStartDate": "2020-01-01",
        },
    ]
    data = _world(Inventory=inventory, **_people())
    tables = run_report("hic", data, ONE_NIGHT).tables
    by_type = tables["HIC2"]
    assert by_type.get("Emergency Shelter", "Beds HH w/o Children") == 20
    assert by_type.get("Emergency Shelter", "Seasonal Beds") == 10
    assert by_type.get("Emergency Shelter", "Veteran Beds") == 7
    assert by_type.get("Emergency Shelter", "CH Beds") == 2
    assert by_type.get("Transitional Housing", "Beds HH w/ Children") == 12
    assert by_type.get("Transitional Housing", "Units HH w/ Children") == 4
    assert by_type.get("Total", "Year-Round Beds") == 32
    # In that night: SOLO and NIGHT in ES, the family in TH, the housed PSH client.
    assert by_type.get("Emergency Shelter", "PIT Count") == 2
    assert by_type.get("Transitional Housing", "PIT Count") == 2
    assert by_type.get("Permanent Supportive Housing", "PIT Count") == 1
    assert by_type.get("Emergency Shelter", "Utilization") == pytest.approx(2 / 20)
    # Beds are numbers, not client counts: no drill-down on them.
    r = by_type.row_index("Emergency Shelter")
    assert not by_type.is_count_cell(r, by_type.col_index("Year-Round Beds"))
    assert by_type.is_count_cell(r, by_type.col_index("PIT Count"))
    assert by_type.formatted(r, by_type.col_index("Year-Round Beds")) == "20"


def test_on_the_kit_the_pit_and_the_hic_find_the_same_sheltered_people(kit, kit_frames):
    night = date(2022, 1, 26)
    params = ReportParams(night, night, kit.coc)
    pit = run_report("pit", kit_frames, params).tables
    hic = run_report("hic", kit_frames, params).tables["HIC2"]
    for column, kind in (
        ("Emergency Shelter", "Emergency Shelter"),
        ("Transitional Housing", "Transitional Housing"),
    ):
        persons = sum(
            pit[t].get("Total Number of Persons", column) for t in ("PIT1", "PIT2", "PIT3", "PIT4")
        )
        assert persons == hic.get(kind, "PIT Count") > 0
