"""The one HUD report engine: frames, universe, tables, registry, comparison, and the report
concepts HUD's questions share (labels, demographics, disabilities, annual assessment,
income, lengths of stay, destinations, chronic homelessness). A question module holds only
its question."""

from .frames import HmisFrames, from_csv_folder
from .params import ReportParams
from .registry import REPORT_KINDS, ReportResult, question, questions_of, run_report
from .table import HOUSEHOLD_COLUMNS, Table, count_grid, rate
from .universe import ReportContext

__all__ = [
    "HOUSEHOLD_COLUMNS",
    "REPORT_KINDS",
    "HmisFrames",
    "ReportContext",
    "ReportParams",
    "ReportResult",
    "Table",
    "count_grid",
    "from_csv_folder",
    "question",
    "questions_of",
    "rate",
    "run_report",
]
