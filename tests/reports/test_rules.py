"""Rules of HUD's specifications and Glossary that HUD's test kit does not exercise, each on
a tiny data set built for it (tests/reports/builders.py)."""

from __future__ import annotations

import pytest

from sunflower.reports.engine import run_report

from .builders import PERIOD, client, enrollment, frames

pytestmark = pytest.mark.reports


def _table(report, data, question):
    return run_report(report, data, PERIOD, only={question}).tables[question]


def test_a_member_who_joined_after_the_anniversary_owes_no_annual_assessment():
    """Glossary, Annual Assessment 7: the household's anniversary is 2026-03-01 (HoH since
    2024-03-01); an adult who joined on 2026-05-01 is not yet required to have one, the HoH
    is (and has none)."""
    data = frames(
        Client=[client("A"), client("B", dob="1985-06-01")],
        Enrollment=[
            enrollment("E1", "A", "2024-03-01", "H1"),
            enrollment("E2", "B", "2026-05-01", "H1", relationship=3),
        ],
    )
    q16 = _table("apr", data, "Q16")
    annual = "Income at Latest Annual Assessment for Stayers"
    assert q16.get("No Annual Required", annual) == 1
    assert q16.get("Required Annual Missing", annual) == 1
    assert q16.get("Total adults", annual) == 2


def test_an_exit_after_the_report_end_is_no_exit_for_the_report():
    data = frames(
        Client=[client("A")],
        Enrollment=[enrollment("E1", "A", "2025-11-01", "H1")],
        Exit=[
            {
                "ExitID": "X1",
                "EnrollmentID": "E1",
                "PersonalID": "A",
                "ExitDate": "2026-10-15",
                "Destination": 435,
            }
        ],
    )
    q5a = _table("apr", data, "Q5a")
    assert q5a.get("Number of stayers", "Count of Clients") == 1
    assert q5a.get("Number of leavers", "Count of Clients") == 0


def test_q4a_shows_the_ce_access_point_status_in_force_at_the_report_end():
    """Spec Q4a, instruction 4: 2.09.1 as of the report end (the project is still open); a
    later record does not count yet, an earlier one is replaced by the one in force."""
    data = frames(
        Client=[client("A")],
        Enrollment=[enrollment("E1", "A", "2025-11-01", "H1")],
        CEParticipation=[
            {
                "CEParticipationID": "C1",
                "ProjectID": "P1",
                "AccessPoint": 0,
                "CEParticipationStatusStartDate": "2024-01-01",
            },
            {
                "CEParticipationID": "C2",
                "ProjectID": "P1",
                "AccessPoint": 1,
                "CEParticipationStatusStartDate": "2026-01-01",
            },
            {
                "CEParticipationID": "C3",
                "ProjectID": "P1",
                "AccessPoint": 0,
                "CEParticipationStatusStartDate": "2026-12-01",
            },
        ],
    )
    q4a = _table("apr", data, "Q4a")
    assert q4a.get("0", "Coordinated Entry Access Point") == "1"
    assert q4a.get("0", "HMIS Software Name and Version Number").startswith("Sunflower")
    assert q4a.get("0", "Total Active Clients") == 1
