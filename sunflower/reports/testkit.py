"""Run every report of a HUD test kit and compare it with the kit's expected tables.

A kit is a folder with ``kit.json`` (period, CoC, reports, where the source and expected
tables are) and ``expected/projects.csv`` (report, slug, ProjectID(s) joined by "+").
Reports Sunflower does not have yet (e.g. CE APR before it lands) are listed as skipped.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .engine import REPORT_KINDS, ReportParams, from_csv_folder, questions_of, run_report
from .engine.compare import QuestionComparison, compare_report
from .known_differences import is_known


@dataclass
class KitRun:
    report: str
    slug: str
    project_ids: tuple[str, ...]
    comparisons: list[QuestionComparison] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def cells(self) -> int:
        return sum(c.cells for c in self.comparisons)

    @property
    def matched(self) -> int:
        return sum(c.matched for c in self.comparisons)

    def unexplained(self):
        return [
            d
            for c in self.comparisons
            for d in c.differences
            if not is_known(self.report, self.slug, d.question, d.row, d.column)
        ]


@dataclass
class Kit:
    folder: Path
    start: date
    end: date
    coc: str
    reports: list[str]
    source: Path
    expected: Path
    projects: list[dict]

    @classmethod
    def load(cls, folder: str | Path) -> Kit:
        folder = Path(folder)
        manifest_path = folder / "kit.json"
        if not manifest_path.is_file():
            raise FileNotFoundError(f"{folder} has no kit.json")
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        projects_path = folder / manifest.get("projects", "expected/projects.csv")
        with projects_path.open(encoding="utf-8", newline="") as handle:
            projects = list(csv.DictReader(handle))
        return cls(
            folder=folder,
            start=date.fromisoformat(manifest["report_start"]),
            end=date.fromisoformat(manifest["report_end"]),
            coc=manifest.get("coc", ""),
            reports=list(manifest.get("reports", [])),
            source=folder / manifest.get("source", "source"),
            expected=folder / manifest.get("expected", "expected"),
            projects=projects,
        )

    def runs(self):
        """(report, slug, project_ids) for every report Sunflower has, in the kit's order."""
        for row in self.projects:
            report = row["report"]
            if report not in self.reports or report in self.skipped_reports():
                continue
            ids = tuple(part.strip() for part in row["ProjectID"].split("+") if part.strip())
            if REPORT_KINDS[report].coc_wide:
                ids = ()  # "all with CE participation", "CoC-wide": the CoC is the scope
            yield report, row["slug"], ids

    def expected_tables(self, report: str, slug: str) -> Path:
        """``expected/<report>/<slug>/``, or ``expected/<report>/`` for a report with one run
        (the kit keeps the SPM's tables there)."""
        folder = self.expected / report / slug
        return folder if folder.is_dir() else self.expected / report

    def skipped_reports(self) -> list[str]:
        """The kit's reports Sunflower does not have (yet): unknown, or without questions."""
        return [
            report
            for report in self.reports
            if report not in REPORT_KINDS or not questions_of(report)
        ]


def run_kit(kit: Kit, out: Path | None = None, progress=None) -> list[KitRun]:
    import time

    frames = from_csv_folder(kit.source)
    results = []
    for report, slug, ids in kit.runs():
        began = time.perf_counter()
        params = ReportParams(kit.start, kit.end, kit.coc, ids)
        # HUD's reference tables hold the current year only (the kit's README).
        result = run_report(report, frames, params, prior_year=False)
        run = KitRun(report, slug, ids, seconds=time.perf_counter() - began)
        run.comparisons = compare_report(result.tables, kit.expected_tables(report, slug))
        if out is not None:
            for table in result.tables.values():
                table.write_csv(out / report / slug)
        results.append(run)
        if progress:
            progress(run)
    return results
