"""CE APR rules the kit does not exercise, on tiny data sets (the kit's own agreement is in
test_testkit.py): which projects and households are in, the household's assessment, the
one latest event after it, the 90-day grace window, and Q10's occurrences."""

from __future__ import annotations

import pytest

from sunflower.reports.engine import REPORT_KINDS, ReportParams, from_csv_folder, run_report

from .builders import PERIOD, client, enrollment, frames
from .conftest import KIT_DIR

pytestmark = pytest.mark.reports

CE_PERIOD = ReportParams(PERIOD.start, PERIOD.end, "KS-507")  # the whole CoC


def _ce_frames(enrollments, clients, assessments, events=(), **files):
    files.setdefault(
        "Project",
        [
            {
                "ProjectID": "P1",
                "OrganizationID": "O1",
                "ProjectName": "Access point",
                "ProjectType": 6,
                "ContinuumProject": 1,
            },
            {
                "ProjectID": "P2",
                "OrganizationID": "O1",
                "ProjectName": "Not an access point",
                "ProjectType": 6,
                "ContinuumProject": 1,
            },
        ],
    )
    files.setdefault(
        "ProjectCoC",
        [
            {"ProjectCoCID": "PC1", "ProjectID": "P1", "CoCCode": "KS-507"},
            {"ProjectCoCID": "PC2", "ProjectID": "P2", "CoCCode": "KS-507"},
        ],
    )
    files.setdefault(
        "CEParticipation",
        [
            {
                "CEParticipationID": "C1",
                "ProjectID": "P1",
                "AccessPoint": 1,
                "CEParticipationStatusStartDate": "2020-01-01",
            },
            {
                "CEParticipationID": "C2",
                "ProjectID": "P2",
                "AccessPoint": 0,
                "ReceivesReferrals": 1,
                "CEParticipationStatusStartDate": "2020-01-01",
            },
        ],
    )
    return frames(
        Enrollment=list(enrollments),
        Client=list(clients),
        Assessment=list(assessments),
        Event=list(events),
        **files,
    )


def assessment(aid, eid, pid, day, kind=3, level=2, prioritized=1):
    return {
        "AssessmentID": aid,
        "EnrollmentID": eid,
        "PersonalID": pid,
        "AssessmentDate": day,
        "AssessmentType": kind,
        "AssessmentLevel": level,
        "PrioritizationStatus": prioritized,
    }


def event(vid, eid, pid, day, code, result=None, **fields):
    return {
        "EventID": vid,
        "EnrollmentID": eid,
        "PersonalID": pid,
        "EventDate": day,
        "Event": code,
        "ReferralResult": result,
        **fields,
    }


def _run(data, only=None):
    return run_report("ce_apr", data, CE_PERIOD, only=only).tables


def test_only_access_points_and_households_assessed_in_the_period_count():
    data = _ce_frames(
        [
            enrollment("E1", "A", "2025-11-01", "H1"),
            enrollment("E2", "B", "2025-11-01", "H2"),
            # Assessed, but in a project that only receives referrals.
            enrollment("E3", "C", "2025-11-01", "H3", ProjectID="P2"),
            # Assessed before the period only.
            enrollment("E4", "D", "2025-01-01", "H4"),
        ],
        [client(p) for p in "ABCD"],
        [
            assessment("S1", "E1", "A", "2025-12-01", kind=1),
            assessment("S2", "E2", "B", "2026-02-01", kind=3, prioritized=2),
            assessment("S3", "E3", "C", "2025-12-01"),
            assessment("S4", "E4", "D", "2025-09-30"),
        ],
    )
    tables = _run(data, {"Q5a", "Q9a", "Q9b"})
    assert tables["Q5a"].get("Total number of persons served", "Count of Clients") == 2
    q9a = tables["Q9a"]
    assert q9a.get("Phone", "Total") == 1 and q9a.get("In-person", "Total") == 1
    assert q9a.get("Total Households Assessed", "Without Children") == 2
    q9b = tables["Q9b"]
    assert q9b.get("Placed on Prioritization List (Prioritized)", "Total") == 1
    share = q9b.rows[2]
    assert q9b.get(share, "Total") == pytest.approx(0.5)
    assert q9b.formatted(2, 0) == "0.5000"


def test_the_household_takes_its_latest_assessment_and_members_active_on_that_day():
    data = _ce_frames(
        [
            enrollment("E1", "HEAD", "2025-11-01", "H1"),
            enrollment("E2", "KID", "2025-11-01", "H1", relationship=2),
            # Left the household before the latest assessment: not counted.
            enrollment("E3", "GONE", "2025-11-01", "H1", relationship=3),
        ],
        [client("HEAD"), client("KID", dob="2015-05-05"), client("GONE")],
        [
            assessment("S1", "E1", "HEAD", "2025-12-01", kind=1),
            # A member's later assessment is the household's.
            assessment("S2", "E2", "KID", "2026-03-01", kind=2),
        ],
        Exit=[
            {"ExitID": "X3", "EnrollmentID": "E3", "PersonalID": "GONE", "ExitDate": "2026-01-15"}
        ],
    )
    tables = _run(data, {"Q7a", "Q9a"})
    q7a = tables["Q7a"]
    assert q7a.get("Total", "Total") == 2
    assert q7a.get("Children", "With Children And Adults") == 1
    assert tables["Q9a"].get("Virtual", "With Children And Adults") == 1
    assert tables["Q9a"].get("Phone", "Total") == 0


def test_one_latest_event_per_household_reported_in_q9c_or_q9d():
    data = _ce_frames(
        [
            enrollment("E1", "A", "2025-11-01", "H1"),
            enrollment("E2", "B", "2025-11-01", "H2"),
            enrollment("E3", "C", "2025-11-01", "H3"),
        ],
        [client(p) for p in "ABC"],
        [assessment(f"S{i}", f"E{i}", p, "2025-12-01") for i, p in enumerate("ABC", start=1)],
        [
            # A: a diversion, then a later RRH referral accepted: the referral is the one.
            event("V1", "E1", "A", "2025-12-05", 2, ProbSolDivRRResult=1),
            event("V2", "E1", "A", "2026-01-05", 13, result=1),
            # B: before the assessment (not after it), then a diversion that housed them.
            event("V3", "E2", "B", "2025-11-15", 13, result=1),
            event("V4", "E2", "B", "2025-12-02", 2, ProbSolDivRRResult=1),
            # C: a referral 60 days after the period counts; none recorded for its result.
            event("V5", "E3", "C", "2026-11-29", 14),
        ],
    )
    tables = _run(data, {"Q9c", "Q9d", "Q10"})
    q9c, q9d = tables["Q9c"], tables["Q9d"]
    diversion = "Problem Solving/Diversion/Rapid Resolution intervention or service"
    assert q9c.get(diversion, "Total") == 1  # B only: A's latest event is a referral
    assert q9c.get("Result: Client housed/Re-Housed in a safe alternative", "Total") == 1
    assert q9c.get(q9c.rows[6], "Total") == pytest.approx(1.0)
    assert q9d.get("RRH project resource opening", "Total") == 1
    assert q9d.get("PSH project resource opening", "Total") == 1
    assert q9d.get("Total", "Total") == 2
    assert q9d.get("Successful referral: client accepted", "Total") == 1
    assert q9d.get("No result recorded", "Total") == 1
    prioritized_share = q9d.row_index(
        "Of the total HH prioritized (Q9b row 1) what percentage received a referral"
    )
    assert q9d.values[prioritized_share][0] == pytest.approx(2 / 3)
    success = q9d.row_index("Percent of successful referrals to residential projects")
    assert q9d.values[success][0] == pytest.approx(0.5)
    # Q10 counts the period's occurrences (not V5, after the end) and lists their clients.
    q10 = tables["Q10"]
    assert q10.get("Housing Needs Assessment", "Total Occurrences") == 3
    assert q10.get("RRH project resource opening", "Total Occurrences") == 2
    assert q10.get("RRH project resource opening", "Successful Referral") == 2
    assert q10.get("PSH project resource opening", "Total Occurrences") == 0
    assert q10.get(diversion, "Rehoused in safe alternative") == 2
    rrh = q10.row_index("RRH project resource opening")
    assert set(q10.cell_members(rrh, 0)["PersonalID"]) == {"A", "B"}


def test_a_later_assessment_after_the_period_closes_the_event_window():
    data = _ce_frames(
        [enrollment("E1", "A", "2025-11-01", "H1")],
        [client("A")],
        [
            assessment("S1", "E1", "A", "2025-12-01"),
            assessment("S2", "E1", "A", "2026-10-10"),  # after the end, within 90 days
        ],
        [event("V1", "E1", "A", "2026-10-20", 13, result=1)],
    )
    tables = _run(data, {"Q9d"})
    assert tables["Q9d"].get("Total", "Total") == 0


def test_an_event_of_the_same_enrollment_comes_before_a_later_one_elsewhere():
    data = _ce_frames(
        [
            enrollment("E1", "A", "2025-11-01", "H1"),
            enrollment("E9", "A", "2025-11-01", "H9"),
        ],
        [client("A")],
        [assessment("S1", "E1", "A", "2025-12-01")],
        [
            event("V1", "E1", "A", "2025-12-10", 4),
            event("V2", "E9", "A", "2026-02-10", 13, result=1),
        ],
    )
    tables = _run(data, {"Q9c", "Q9d"})
    housing_assessment = "Referral to scheduled Coordinated Entry Housing Needs Assessment"
    assert tables["Q9c"].get(housing_assessment, "Total") == 1
    assert tables["Q9d"].get("Total", "Total") == 0


def test_a_kit_run_reads_only_the_files_the_report_declares(kit):
    data = from_csv_folder(KIT_DIR / "source")
    result = run_report("ce_apr", data, ReportParams(kit.start, kit.end, kit.coc))
    assert result.tables["Q10"].get("Housing Needs Assessment", "Total Occurrences") > 0
    read = set(data.seconds) - {"(read at once)"}
    assert read <= set(REPORT_KINDS["ce_apr"].files), read - set(REPORT_KINDS["ce_apr"].files)
