"""HUD's FY2026 test kit: every cell of every APR and CAPER table, compared with the tables
HUD Data Lab's own code computed from the same files (tests/fixtures/testkit/fy2026/expected).

A cell may differ only if sunflower/reports/known_differences.py documents it, quoting the
specification section that HUD's expected value contradicts.
"""

from __future__ import annotations

import csv
import json
import shutil
from io import StringIO

import polars as pl
import pytest
from django.core.management import CommandError, call_command

from sunflower.reports.engine import ReportParams, run_report
from sunflower.reports.engine.compare import compare_report
from sunflower.reports.engine.table import COUNT
from sunflower.reports.known_differences import KNOWN_DIFFERENCES, is_known

from .conftest import KIT_DIR

pytestmark = pytest.mark.reports


def _kit_runs():
    from sunflower.reports.testkit import Kit

    return [pytest.param(r, s, ids, id=f"{r}-{s}") for r, s, ids in Kit.load(KIT_DIR).runs()]


@pytest.fixture(scope="module")
def results(kit, kit_frames):
    """Every kit run, computed once for the module."""
    cache = {}

    def get(report, slug, ids):
        if (report, slug) not in cache:
            # HUD's reference tables hold the current year only (no SPM prior year).
            cache[(report, slug)] = run_report(
                report, kit_frames, ReportParams(kit.start, kit.end, kit.coc, ids), prior_year=False
            )
        return cache[(report, slug)]

    return get


@pytest.mark.parametrize("report, slug, ids", _kit_runs())
def test_every_cell_matches_hud(kit, results, report, slug, ids):
    comparisons = compare_report(
        results(report, slug, ids).tables, kit.expected_tables(report, slug)
    )
    assert comparisons, "the kit has expected tables for this run"
    missing = [c.question for c in comparisons if c.missing_table]
    assert not missing, f"questions without a table: {missing}"
    unexplained = [
        f"{d.question} {d.row!r} / {d.column!r}: HUD {d.expected!r}, ours {d.ours!r}"
        for c in comparisons
        for d in c.differences
        if not is_known(report, slug, d.question, d.row, d.column)
    ]
    assert not unexplained, "\n".join(unexplained[:50])


@pytest.mark.parametrize("report, slug, ids", _kit_runs())
def test_every_count_cell_lists_exactly_the_clients_it_counts(results, report, slug, ids):
    """The drill-down's members agree with the counts, cell by cell."""
    checked = 0
    for table in results(report, slug, ids).tables.values():
        if table.members is None:
            continue
        per_cell = (
            table.collect_members()
            .group_by("row", "col")
            .agg(pl.col("PersonalID").n_unique().alias("n"))
        )
        listed = {(row, col): n for row, col, n in per_cell.iter_rows()}
        for (row, col), n in listed.items():
            assert table.kind(row, col) == COUNT, (table.name, row, col)
            assert table.values[row][col] == n, (table.name, table.rows[row], table.columns[col])
            checked += 1
    # Every report has dozens of non-zero count cells on the kit (the SPM's fewest: 32).
    assert checked > 25


def test_known_differences_quote_the_specification():
    for difference in KNOWN_DIFFERENCES:
        assert difference.report in {"apr", "caper", "ce_apr", "spm"}
        assert len(difference.spec) > 40 and '"' in difference.spec, difference
        assert difference.why


def test_report_testkit_command_runs_the_kit_and_writes_its_layout(tmp_path):
    out = StringIO()
    try:
        call_command("report-testkit", "--kit", str(KIT_DIR), "--out", str(tmp_path), stdout=out)
        status = 0
    except SystemExit as exit_:
        status = exit_.code
    lines = out.getvalue().strip().splitlines()
    matched, _, total = lines[-1].removesuffix(" cells match").partition(" of ")
    assert int(total) > 30000 and 0 < int(matched) <= int(total)
    assert status == (0 if matched == total else 1) or status == 0
    # Our tables in the kit's layout, readable by any comparator.
    q5a = list(csv.reader((tmp_path / "apr" / "psh-coc-i" / "Q5a.csv").open()))
    assert q5a[0] == ["", "Count of Clients for DQ", "Count of Clients"]
    assert (tmp_path / "caper" / "so-esg" / "Q7a.csv").is_file()
    assert any(line.startswith("ce_apr") and "systemwide" in line for line in lines)
    assert (tmp_path / "ce_apr" / "systemwide" / "Q9d.csv").is_file()


def test_any_kit_in_the_same_layout_runs(tmp_path):
    """A kit of our own (one project, a shorter list) runs the same way from its kit.json."""
    kit = tmp_path / "kit"
    shutil.copytree(KIT_DIR / "source", kit / "data")
    (kit / "expected" / "apr" / "only-psh").mkdir(parents=True)
    shutil.copy(
        KIT_DIR / "expected" / "apr" / "psh-coc-i" / "Q5a.csv",
        kit / "expected" / "apr" / "only-psh",
    )
    (kit / "expected" / "projects.csv").write_text("report,slug,ProjectID\napr,only-psh,780\n")
    manifest = json.loads((KIT_DIR / "kit.json").read_text())
    manifest.update(source="data", reports=["apr"])
    (kit / "kit.json").write_text(json.dumps(manifest))
    out = StringIO()
    call_command("report-testkit", "--kit", str(kit), stdout=out)
    assert out.getvalue().strip().splitlines()[-1] == "32 of 32 cells match"


def test_report_command_prints_a_per_question_agreement_table():
    out = StringIO()
    call_command(
        "report",
        "apr",
        "--csv",
        str(KIT_DIR / "source"),
        "--start",
        "2021-10-01",
        "--end",
        "2022-09-30",
        "--coc",
        "XX-501",
        "--projects",
        "780",
        "--compare",
        str(KIT_DIR / "expected" / "apr" / "psh-coc-i"),
        stdout=out,
    )
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["question", "cells", "match", "status"]
    q5a = next(line.split() for line in lines if line.startswith("Q5a "))
    assert q5a == ["Q5a", "32", "32", "ok"]
    assert lines[-1].split()[1:3] == ["of", lines[-1].split()[2]]


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--start", "2022-13-01", "--end", "2022-09-30"], "is not a date"),
        (["--start", "2022-10-01", "--end", "2022-09-30"], "before it starts"),
    ],
)
def test_report_command_refuses_bad_input_clearly(arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("report", "apr", "--csv", str(KIT_DIR / "source"), *arguments)


def test_a_folder_that_is_not_an_hmis_export_is_refused(tmp_path):
    (tmp_path / "notes.csv").write_text("a,b\n1,2\n")
    with pytest.raises(CommandError, match="not an HMIS CSV export"):
        call_command(
            "report", "apr", "--csv", str(tmp_path), "--start", "2021-10-01", "--end", "2022-09-30"
        )
