"""System Performance Measures FY2026: HUD's test kit (every cell of the 15 tables) and the
rules the kit does not exercise, on small hand-built data."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from sunflower.reports.engine import REPORT_KINDS, ReportParams, from_csv_folder, run_report
from sunflower.reports.engine.compare import compare_report
from sunflower.reports.engine.table import COUNT
from sunflower.reports.engine.universe import ReportContext
from sunflower.reports.known_differences import is_known
from sunflower.reports.spm.measure1 import homeless_spells, length_of_time_homeless

from .builders import client, frames

pytestmark = pytest.mark.reports


@pytest.fixture(scope="module")
def spm_result(kit, kit_frames):
    # HUD's reference tables hold the current year only.
    return run_report(
        "spm", kit_frames, ReportParams(kit.start, kit.end, kit.coc), prior_year=False
    )


def test_every_spm_cell_matches_hud(kit, spm_result):
    comparisons = compare_report(spm_result.tables, kit.expected / "spm")
    assert len(comparisons) == 15
    assert not [c.question for c in comparisons if c.missing_table]
    differing = {
        (d.question, d.row, d.column)
        for c in comparisons
        for d in c.differences
        if not is_known("spm", "spm", d.question, d.row, d.column)
    }
    assert not differing, differing
    assert sum(c.cells for c in comparisons) == 200


def test_every_spm_count_cell_lists_exactly_the_clients_it_counts(spm_result):
    checked = 0
    for table in spm_result.tables.values():
        per_cell = (
            table.collect_members()
            .group_by("row", "col")
            .agg(pl.col("PersonalID").n_unique().alias("n"))
        )
        listed = {(row, col): n for row, col, n in per_cell.iter_rows()}
        for r in range(len(table.rows)):
            for c in range(len(table.columns)):
                if table.is_count_cell(r, c) and table.values[r][c]:
                    assert listed.get((r, c)) == table.values[r][c], (table.name, r, c)
                    checked += 1
        assert all(table.kind(r, c) == COUNT for r, c in listed)
    assert checked > 30


def test_a_kit_run_reads_only_the_files_the_spm_declares(kit):
    data = from_csv_folder(kit.source)
    run_report("spm", data, ReportParams(kit.start, kit.end, kit.coc))
    read = set(data.seconds) - {"(read at once)"}
    assert read <= set(REPORT_KINDS["spm"].files), read - set(REPORT_KINDS["spm"].files)


# --- small data ------------------------------------------------------------------------------
COC = "KS-507"
PERIOD = ReportParams(date(2025, 10, 1), date(2026, 9, 30), COC)
PROJECTS = {"ES": 0, "NBN": 1, "TH": 2, "PSH": 3, "SO": 4, "RRH": 13}


def _data(enrollments, exits=(), services=(), clients=None, **files):
    projects = [
        {
            "ProjectID": p,
            "OrganizationID": "O1",
            "ProjectName": p,
            "ProjectType": t,
            "ContinuumProject": 1,
        }
        for p, t in PROJECTS.items()
    ]
    coc = [{"ProjectCoCID": f"C{p}", "ProjectID": p, "CoCCode": COC} for p in PROJECTS]
    people = {e["PersonalID"] for e in enrollments}
    return frames(
        Project=projects,
        ProjectCoC=coc,
        Client=clients or [client(pid) for pid in sorted(people)],
        Enrollment=list(enrollments),
        Exit=list(exits),
        Services=list(services),
        **files,
    )


def _stay(eid, pid, project, entry, exit=None, destination=None, **fields):
    """An enrollment of a one-person household, and its exit row (or None)."""
    enrollment = {
        "EnrollmentID": eid,
        "PersonalID": pid,
        "ProjectID": project,
        "EntryDate": entry,
        "HouseholdID": f"H{eid}",
        "RelationshipToHoH": 1,
        "EnrollmentCoC": COC,
        "LivingSituation": 116,
        **fields,
    }
    exit_row = exit and {
        "ExitID": f"X{eid}",
        "EnrollmentID": eid,
        "PersonalID": pid,
        "ExitDate": exit,
        "Destination": destination or 17,
    }
    return enrollment, exit_row


def _world(*stays, services=(), **files):
    enrollments = [e for e, _ in stays]
    exits = [x for _, x in stays if x]
    return _data(enrollments, exits, services, **files)


def _night(sid, eid, pid, day):
    return {
        "ServicesID": sid,
        "EnrollmentID": eid,
        "PersonalID": pid,
        "DateProvided": day,
        "RecordType": 200,
        "TypeProvided": 200,
    }


def _days(data, pid, with_th=False, with_ph=False, params=PERIOD):
    lengths = length_of_time_homeless(ReportContext(data, params), with_th, with_ph, with_ph)
    row = lengths.filter(pl.col("PersonalID") == pid)
    return row["days"].item() if row.height else None


def _tables(data, params=PERIOD, only=None, prior_year=False):
    return run_report("spm", data, params, only=only, prior_year=prior_year).tables


def test_measure_2_a_return_on_day_180_and_on_day_181_fall_in_different_bands():
    # Exits to rental housing (410) from ES, 730 days before the period or less.
    data = _world(
        _stay("E1", "A", "ES", "2023-12-01", "2024-01-10", 410),
        _stay("E2", "A", "ES", "2024-07-08"),  # 180 days after the exit
        _stay("E3", "B", "ES", "2023-12-01", "2024-01-10", 410),
        _stay("E4", "B", "ES", "2024-07-09"),  # 181 days
        _stay("E5", "C", "ES", "2023-12-01", "2024-01-10", 410),  # no return
    )
    table = _tables(data, only={"spm_2"})["spm_2"]
    es = table.row_index("Exit was from ES")
    assert table.values[es][0] == 3
    assert table.values[es][1] == 1  # 0-180 days
    assert table.values[es][3] == 1  # 181-365 days
    assert table.values[es][7] == 2
    assert table.values[es][2] == pytest.approx(33.33)
    assert table.get("Total Returns to Homelessness", table.columns[7]) == 2


def test_measure_2_a_start_in_ph_within_14_days_is_not_a_return():
    data = _world(
        _stay("E1", "A", "TH", "2023-06-01", "2024-01-10", 435),
        _stay("E2", "A", "PSH", "2024-01-24"),  # 14 days: a transfer
        _stay("E3", "B", "TH", "2023-06-01", "2024-01-10", 435),
        _stay("E4", "B", "PSH", "2024-01-25"),  # 15 days: a return
    )
    table = _tables(data, only={"spm_2"})["spm_2"]
    th = table.row_index("Exit was from TH")
    assert table.values[th][0] == 2
    assert table.values[th][1] == 1
    members = table.cell_members(th, 1)
    assert members["PersonalID"].to_list() == ["B"]


def _intervals(rows):
    return pl.DataFrame(
        rows, schema={"person": pl.UInt32, "start": pl.Int32, "end": pl.Int32}, orient="row"
    )


def test_homeless_spells_merge_touching_stays_cut_out_housing_and_keep_clients_apart():
    kept = _intervals(
        [
            (1, 10, 20),
            (1, 20, 25),  # starts the night the first ends: one spell 10-30
            (1, 15, 30),  # overlaps both
            (1, 40, 50),
            (2, -400, -390),  # nights before 1970 are negative day numbers
            (2, 10, 20),
            (3, 5, 5),  # empty: no night
        ]
    )
    removed = _intervals([(1, 42, 45), (2, 0, 100), (3, 0, 10)])
    spells = homeless_spells(kept, removed).sort("person", "start").rows()
    assert spells == [(1, 10, 30), (1, 40, 42), (1, 45, 50), (2, -400, -390)]


def test_measure_1_night_by_night_counts_bed_nights_not_the_night_of_exit():
    data = _world(
        _stay("E1", "A", "NBN", "2025-11-01", "2025-11-05"),
        services=[
            _night("S1", "E1", "A", "2025-11-01"),
            _night("S2", "E1", "A", "2025-11-02"),
            _night("S3", "E1", "A", "2025-11-04"),
            _night("S4", "E1", "A", "2025-11-05"),  # the exit date: not a bed night
        ],
    )
    assert _days(data, "A") == 3


def test_measure_1b_counts_a_3917_date_before_the_look_back_stop_date():
    data = _world(
        _stay("E1", "A", "ES", "2025-11-01", "2025-11-11", DateToStreetESSH="2010-01-01"),
    )
    assert _days(data, "A") == 10
    assert _days(data, "A", with_ph=True) == (date(2025, 11, 11) - date(2010, 1, 1)).days


def test_measure_1a_transitional_housing_negates_shelter_nights_in_1a1_only():
    data = _world(
        _stay("E1", "A", "ES", "2025-10-01", "2025-10-15"),
        _stay("E2", "A", "TH", "2025-10-10", "2025-10-20"),
    )
    assert _days(data, "A") == 9  # 1 to 9 October
    assert _days(data, "A", with_th=True) == 19  # 1 to 19 October


def test_measure_1a_counts_a_spell_reaching_into_the_last_365_days_from_its_start():
    data = _world(
        _stay("E0", "A", "ES", "2022-01-01", "2022-02-01"),  # an earlier spell, apart
        _stay("E1", "A", "ES", "2024-01-01", "2025-12-01"),
        _stay("E2", "B", "ES", "2014-01-01", "2025-12-01"),  # began before the look-back
    )
    assert _days(data, "A") == (date(2025, 12, 1) - date(2024, 1, 1)).days
    # Nights before the look-back stop date (seven years before the report start) not counted.
    assert _days(data, "B") == (date(2025, 12, 1) - date(2018, 10, 1)).days


def test_measure_1_leaves_out_a_client_whose_nights_in_the_period_are_all_in_housing():
    data = _world(
        _stay("E1", "A", "ES", "2025-09-01", "2025-10-10"),
        _stay("E2", "A", "PSH", "2025-09-20", MoveInDate="2025-09-20"),
    )
    assert _days(data, "A") is None


def test_measure_5_an_exit_25_months_before_is_first_time_homelessness_and_23_months_is_not():
    data = _world(
        _stay("E1", "A", "ES", "2023-12-01", "2024-02-01"),  # 25 months before
        _stay("E2", "A", "ES", "2026-03-01"),
        _stay("E3", "B", "ES", "2023-12-01", "2024-04-01"),  # 23 months before
        _stay("E4", "B", "ES", "2026-03-01"),
    )
    table = _tables(data, only={"spm_5.1"})["spm_5.1"]
    assert [table.values[r][1] for r in range(3)] == [2, 1, 1]
    assert table.cell_members(2, 1)["PersonalID"].to_list() == ["A"]


def test_measure_7b2_counts_stayers_who_moved_in_and_leavers_to_permanent_housing():
    data = _world(
        _stay("E1", "A", "PSH", "2024-01-01", MoveInDate="2024-02-01"),  # stayer
        _stay("E2", "B", "PSH", "2024-01-01", "2026-01-01", 410, MoveInDate="2024-02-01"),
        _stay("E3", "C", "PSH", "2024-01-01", "2026-01-01", 116, MoveInDate="2024-02-01"),
        _stay("E4", "D", "PSH", "2024-01-01", "2026-01-01", 24, MoveInDate="2024-02-01"),
        _stay("E5", "E", "PSH", "2024-01-01", "2026-01-01", 410),  # never moved in: 7b.1
    )
    tables = _tables(data, only={"spm_7b1", "spm_7b2"})
    b2 = tables["spm_7b2"]
    assert b2.values[0][1] == 3  # deceased (24) is excluded
    assert b2.values[1][1] == 2
    assert b2.values[2][1] == pytest.approx(66.67)
    assert tables["spm_7b1"].cell_members(0, 1)["PersonalID"].to_list() == ["E"]


def test_a_measure_runs_on_the_previous_year_from_its_parameters_alone():
    data = _world(
        _stay("E1", "A", "ES", "2024-11-01", "2024-11-21"),
        _stay("E2", "B", "ES", "2025-11-01", "2025-11-04"),
    )
    previous = ReportParams(date(2024, 10, 1), date(2025, 9, 30), COC)
    this_year = _tables(data, only={"spm_1a"})["spm_1a"]
    last_year = _tables(data, previous, only={"spm_1a"})["spm_1a"]
    assert this_year.values[0][1] == 1 and this_year.values[0][3] == 3
    assert last_year.values[0][1] == 1 and last_year.values[0][3] == 20
    assert this_year.values[0][0] is None and this_year.values[0][2] is None


def test_the_report_compares_with_the_prior_year():
    """The application's SPM fills Previous FY from the same measure a year earlier and the
    difference (current minus previous)."""
    data = _world(
        _stay("E1", "A", "ES", "2024-11-01", "2024-11-21"),
        _stay("E2", "B", "ES", "2025-11-01", "2025-11-04"),
        _stay("E3", "C", "ES", "2025-12-01", "2025-12-11"),
    )
    table = _tables(data, only={"spm_1a"}, prior_year=True)["spm_1a"]
    columns = table.columns
    persons = table.values[0]
    assert persons[columns.index("Previous FY Universe Persons")] == 1
    assert persons[columns.index("Current FY Universe Persons")] == 2
    previous_average = persons[columns.index("Previous FY Average LOT Experiencing Homelessness")]
    current_average = persons[columns.index("Current FY Average LOT Experiencing Homelessness")]
    assert (previous_average, current_average) == (20, 6.5)
    assert persons[columns.index("Difference In Average")] == pytest.approx(-13.5)
    # Last year's person is behind last year's count.
    cell = table.cell_members(0, columns.index("Previous FY Universe Persons"))
    assert cell["PersonalID"].to_list() == ["A"]
    three = _tables(data, only={"spm_3"}, prior_year=True)["spm_3"]
    assert three.get("Emergency Shelter Total", "Previous FY") == 1
    assert three.get("Emergency Shelter Total", "Difference") == 1
    assert three.get("Safe Haven Total", "Difference") is None  # no Safe Haven: not applicable
