"""The HMIS Data Quality report: HUD's data-quality tables on any scope. On each of the
kit's APR and CAPER project sets its tables are HUD's expected Q5a–Q6f, cell for cell (bar
the documented differences), and a whole-CoC run covers every project."""

from __future__ import annotations

import pytest

from sunflower.reports.engine import ReportParams, questions_of, run_report
from sunflower.reports.engine.compare import compare_table
from sunflower.reports.known_differences import is_known

pytestmark = pytest.mark.reports

DQ_TABLES = ["Q4a", "Q5a", "Q6a", "Q6b", "Q6c", "Q6d", "Q6e", "Q6f"]


def test_the_report_is_the_data_quality_tables():
    assert list(questions_of("dq")) == DQ_TABLES


@pytest.mark.parametrize("report", ["apr", "caper"])
def test_on_each_kit_project_set_it_gives_hud_s_expected_tables(kit, kit_frames, report):
    runs = [run for run in kit.runs() if run[0] == report]
    assert runs
    for _report, slug, ids in runs:
        result = run_report("dq", kit_frames, ReportParams(kit.start, kit.end, kit.coc, ids))
        for name in DQ_TABLES:
            expected = kit.expected_tables(report, slug) / f"{name}.csv"
            comparison = compare_table(name, result.tables[name], expected)
            assert comparison.cells > 0
            unexplained = [
                d
                for d in comparison.differences
                if not is_known(report, slug, name, d.row, d.column)
            ]
            assert not unexplained, (slug, name, unexplained[:3])


def test_a_whole_coc_run_covers_every_project_of_the_coc(kit, kit_frames):
    whole = run_report("dq", kit_frames, ReportParams(kit.start, kit.end, kit.coc))
    one = run_report("dq", kit_frames, ReportParams(kit.start, kit.end, kit.coc, ("780",)))
    total = "Total number of persons served"
    everyone = whole.tables["Q5a"].get(total, "Count of Clients")
    assert everyone > one.tables["Q5a"].get(total, "Count of Clients") > 0
    projects = kit_frames["ProjectCoC"].filter(kit_frames["ProjectCoC"]["CoCCode"] == kit.coc)
    assert len(whole.tables["Q4a"].rows) == projects["ProjectID"].n_unique() > 1
