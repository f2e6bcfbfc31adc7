"""The CoC data-quality dashboard: HUD's data-quality tables (the "dq" report) computed for
each project the user may report on, summarised by agency and project, with every finding
linked to the records behind it.

The measures, per project, for the period:
* completeness and accuracy: Q6a personally identifying information (overall issue rate),
  Q6b universal data elements and Q6c income and housing (issues, worst element's rate),
  Q6d chronic-homelessness elements (records unable to calculate);
* timeliness: Q6e, the share of project starts and exits entered within 3 days (days from
  the event to the record's creation);
* consistency: Q6b's relationship-to-head-of-household issues (households without exactly
  one head) are among the UDE issues; Q6f inactive records (stayers with no contact or bed
  night in 90 days).

The data are read once (``from_database`` with the user's scope); each project's tables are
then computed from those frames, so the number of queries does not grow with projects.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sunflower.reports.engine import ReportParams, run_report
from sunflower.reports.engine.database import from_database
from sunflower.reports.engine.table import COUNT, Table

# Cells that are not findings: denominators, totals of other cells, on-time rows.
NOT_FINDINGS = {
    "Q6a": {"rows": {"Overall Score"}, "columns": {"Total", "% of Issue Rate"}},
    "Q6b": {"rows": set(), "columns": {"Total", "Percent of Issue Rate"}},
    "Q6c": {"rows": set(), "columns": {"Total", "Percent of Issue Rate"}},
    "Q6d": {"rows": {"Total"}, "columns": {"Count of total records"}},
    "Q6e": {"rows": {"0 days", "1-3 days"}, "columns": set()},
    "Q6f": {"rows": set(), "columns": {"Number of Records"}},
}
ON_TIME_ROWS = ("0 days", "1-3 days")


@dataclass
class Finding:
    question: str
    row: int
    col: int
    row_label: str
    column_label: str
    count: int


@dataclass
class ProjectQuality:
    project: object  # hmis.Project
    clients: int
    pii_rate: float
    ude_issues: int
    ude_worst_rate: float
    income_housing_issues: int
    chronic_unable_rate: float
    starts_on_time: float | None
    exits_on_time: float | None
    inactive: int
    findings: list[Finding] = field(default_factory=list)

    @property
    def issue_count(self) -> int:
        return sum(f.count for f in self.findings)


def project_tables(frames, params: ReportParams, project_id: str) -> dict[str, Table]:
    one = ReportParams(params.start, params.end, params.coc, (project_id,))
    return run_report("dq", frames, one).tables


def _column_sum(table: Table, column: str) -> int:
    c = table.col_index(column)
    return sum(int(row[c] or 0) for row in table.values)


def _worst_rate(table: Table) -> float:
    c = len(table.columns) - 1
    return max((float(row[c] or 0) for row in table.values), default=0.0)


def _on_time(table: Table, column: str) -> float | None:
    c = table.col_index(column)
    total = sum(int(row[c] or 0) for row in table.values)
    if not total:
        return None
    on_time = sum(int(table.get(label, column) or 0) for label in ON_TIME_ROWS)
    return on_time / total


def findings_of(tables: dict[str, Table]) -> list[Finding]:
    found = []
    for name, skip in NOT_FINDINGS.items():
        table = tables[name]
        for r, row_label in enumerate(table.rows):
            if row_label in skip["rows"]:
                continue
            for c, column_label in enumerate(table.columns):
                value = table.values[r][c]
                if column_label in skip["columns"] or table.kind(r, c) != COUNT:
                    continue
                if value:
                    found.append(Finding(name, r, c, row_label, column_label, int(value)))
    return found


def summarise(project, tables: dict[str, Table]) -> ProjectQuality:
    q6a, q6b, q6c, q6d, q6e, q6f = (tables[n] for n in ("Q6a", "Q6b", "Q6c", "Q6d", "Q6e", "Q6f"))
    return ProjectQuality(
        project=project,
        clients=int(tables["Q5a"].get("Total number of persons served", "Count of Clients for DQ")),
        pii_rate=float(q6a.get("Overall Score", "% of Issue Rate") or 0),
        ude_issues=_column_sum(q6b, "Total"),
        ude_worst_rate=_worst_rate(q6b),
        income_housing_issues=_column_sum(q6c, "Total"),
        chronic_unable_rate=float(q6d.values[q6d.row_index("Total")][-1] or 0),
        starts_on_time=_on_time(q6e, "Number of Project Start Records"),
        exits_on_time=_on_time(q6e, "Number of Project Exit Records"),
        inactive=_column_sum(q6f, "Number of Inactive Records"),
        findings=findings_of(tables),
    )


def dashboard(user, params: ReportParams, projects) -> list[ProjectQuality]:
    """Every project of ``projects`` (the user's reportable projects in the CoC) that had
    clients in the period, ordered by agency and project."""
    ids = tuple(p.project_id for p in projects)
    if not ids:
        return []
    frames = from_database(user, ReportParams(params.start, params.end, params.coc, ids))
    rows = []
    for project in projects:
        quality = summarise(project, project_tables(frames, params, project.project_id))
        if quality.clients:
            rows.append(quality)
    return rows
