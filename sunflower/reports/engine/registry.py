"""Which questions make up which report, and running a report.

A question is a function ``(ctx: ReportContext) -> Table`` registered with
``@question("Q5a", "apr", "caper")``: the CAPER reuses the APR's function wherever HUD's
specs say the question is the same, and registers its own where they differ.
"""

from __future__ import annotations

import importlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from .frames import HmisFrames
from .params import ReportParams
from .table import Table
from .universe import ReportContext

QuestionFunction = Callable[[ReportContext], Table]


@dataclass(frozen=True)
class ReportKind:
    slug: str
    title: str
    package: str  # imported to register the report's questions
    # The HMIS CSV files its questions read, read at once before they run (a test checks
    # that a kit run reads no other).
    files: tuple[str, ...] = ()
    # Years of history before the report start its questions read (the SPM's look-back);
    # a database source then selects enrollments active since then, not only in the period.
    lookback_years: int = 0
    # Where the project choice does not apply: the whole CoC is the report's scope.
    coc_wide: bool = False
    # Fills the "Previous FY" and "Difference" columns by running again a year earlier.
    prior_year: bool = False
    # A count of one night (PIT, HIC): the report's start date; its end is the same day.
    one_night: bool = False
    # The report's universe: "module:Class", a ReportContext subclass (the CE APR's);
    # empty for the APR's own.
    context: str = ""

    def new_context(self, frames: HmisFrames, params: ReportParams) -> ReportContext:
        if not self.context:
            return ReportContext(frames, params)
        module, name = self.context.split(":")
        return getattr(importlib.import_module(module), name)(frames, params)


_APR_AND_CAPER_FILES = (
    "Project",
    "Organization",
    "ProjectCoC",
    "Funder",
    "CEParticipation",
    "Affiliation",
    "Client",
    "Enrollment",
    "Exit",
    "IncomeBenefits",
    "HealthAndDV",
    "Disabilities",
    "Services",
    "CurrentLivingSituation",
)

# What the one-night counts read: who was where that night, and their chronic status.
_ONE_NIGHT_FILES = (
    "Project",
    "Organization",
    "ProjectCoC",
    "Client",
    "Enrollment",
    "Exit",
    "Services",
    "Disabilities",
)


REPORT_KINDS = {
    "apr": ReportKind(
        "apr",
        "CoC Annual Performance Report (APR) FY2026",
        "sunflower.reports.apr",
        files=(*_APR_AND_CAPER_FILES, "YouthEducationStatus"),
    ),
    "caper": ReportKind(
        "caper", "ESG CAPER FY2026", "sunflower.reports.caper", files=_APR_AND_CAPER_FILES
    ),
    "dq": ReportKind(
        "dq",
        "HMIS Data Quality (HUD's data-quality tables)",
        "sunflower.reports.data_quality",
        files=_APR_AND_CAPER_FILES,
    ),
    "pit": ReportKind(
        "pit",
        "Sheltered Point-in-Time Count (HDX)",
        "sunflower.reports.pit_hic",
        files=_ONE_NIGHT_FILES,
        coc_wide=True,
        one_night=True,
        context="sunflower.reports.pit_hic.pit:PointInTimeContext",
    ),
    "hic": ReportKind(
        "hic",
        "Housing Inventory Count (HDX)",
        "sunflower.reports.pit_hic",
        files=(*_ONE_NIGHT_FILES, "Inventory"),
        coc_wide=True,
        one_night=True,
    ),
    "ce_apr": ReportKind(
        "ce_apr",
        "Coordinated Entry APR FY2026",
        "sunflower.reports.ce_apr",
        files=(
            "Project",
            "Organization",
            "ProjectCoC",
            "CEParticipation",
            "Affiliation",
            "Client",
            "Enrollment",
            "Exit",
            "Disabilities",  # chronic status at entry, as the APR's universe derives it
            "Assessment",
            "Event",
        ),
        coc_wide=True,
        context="sunflower.reports.ce_apr.universe:CoordinatedEntryContext",
    ),
    "spm": ReportKind(
        "spm",
        "System Performance Measures FY2026",
        "sunflower.reports.spm",
        files=(
            "Project",
            "Organization",
            "ProjectCoC",
            "Funder",
            "Client",
            "Enrollment",
            "Exit",
            "IncomeBenefits",
            "Services",
        ),
        # Seven years before the current year, and one more for the prior year's measures.
        lookback_years=8,
        coc_wide=True,
        prior_year=True,
        context="sunflower.reports.spm.context:SpmContext",
    ),
}

_QUESTIONS: dict[str, dict[str, QuestionFunction]] = {}


def lookback_start(report: str, params: ReportParams, years: int | None = None) -> date | None:
    """The first day a report reads data from, when it looks back before its period
    (``years`` back instead of the report's own look-back, when given)."""
    years = REPORT_KINDS[report].lookback_years if years is None else years
    if not years:
        return None
    start = params.start
    # 29 February goes back to 28 February of a year without one.
    return start.replace(
        year=start.year - years, day=min(start.day, 28 if start.month == 2 else start.day)
    )


def question(name: str, *reports: str):
    def register(function: QuestionFunction) -> QuestionFunction:
        for report in reports:
            _QUESTIONS.setdefault(report, {})[name] = function
        function.question_name = name
        return function

    return register


def question_sort_key(name: str):
    """Q4a < Q5a < Q6a < ... < Q13a1 < Q13a2 < Q22a1 < Q27m (HUD's order); the SPM's
    spm_1a < spm_1b < spm_2 < ... < spm_4.1 < ... < spm_7b2 likewise."""
    match = re.match(r"(?:Q|spm_)(\d+)([a-z]*)[.]?(\d*)", name)
    number, letters, sub = match.groups() if match else (999, name, "")
    return (int(number), letters, int(sub or 0))


def questions_of(report: str) -> dict[str, QuestionFunction]:
    if report not in REPORT_KINDS:
        raise KeyError(f"unknown report {report!r}; known: {', '.join(REPORT_KINDS)}")
    importlib.import_module(REPORT_KINDS[report].package)
    registered = _QUESTIONS.get(report, {})
    return {name: registered[name] for name in sorted(registered, key=question_sort_key)}


@dataclass
class ReportResult:
    report: str
    params: ReportParams
    tables: dict[str, Table]
    seconds: dict[str, float] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def run_report(
    report: str,
    frames: HmisFrames,
    params: ReportParams,
    progress: Callable[[int, int, str], None] | None = None,
    only: set[str] | None = None,
    prior_year: bool = True,
) -> ReportResult:
    """Run every question of ``report``; ``progress(done, total, question)`` after each.
    ``prior_year``: for a report with a prior-year comparison (the SPM), fill it (HUD's
    test kit leaves it empty, so its comparison passes False)."""
    questions = questions_of(report)
    if only:
        questions = {name: fn for name, fn in questions.items() if name in only}
    kind = REPORT_KINDS[report]
    ctx = kind.new_context(frames, params)
    result = ReportResult(report, params, {})
    started = time.perf_counter()
    frames.preload(kind.files)
    result.seconds["read"] = time.perf_counter() - started
    started = time.perf_counter()
    ctx.prepare()  # the shared universe, timed on its own
    result.seconds["universe"] = time.perf_counter() - started
    for done, (name, function) in enumerate(questions.items(), start=1):
        began = time.perf_counter()
        table = function(ctx)
        table.name = name
        result.tables[name] = table
        result.seconds[name] = time.perf_counter() - began
        if progress:
            progress(done, len(questions), name)
    if prior_year and kind.prior_year:
        from sunflower.reports.spm.prior_year import with_prior_year

        started = time.perf_counter()
        result = with_prior_year(run_report, frames, params, result)
        result.seconds["prior year"] = time.perf_counter() - started
    return result


def run_on_csv(report: str, folder, params: ReportParams, **kwargs) -> ReportResult:
    from .frames import from_csv_folder

    return run_report(report, from_csv_folder(folder), params, **kwargs)
