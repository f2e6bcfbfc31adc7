"""The SPM's comparison with the prior year: the measures run again on the same frames with
the period one year earlier, their "Current FY" cells put in the "Previous FY" columns, and
the differences (current minus previous; percentage points for percentages) computed.

HUD's reference code computes only the current year, so the test-kit comparison runs the
SPM without this (``run_report(..., prior_year=False)``); the application and
``sunflower report spm`` fill both years.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from sunflower.reports.engine.params import ReportParams
from sunflower.reports.engine.table import AVERAGE, COUNT, NUMBER, Table

PREVIOUS, CURRENT, DIFFERENCE = "Previous FY", "Current FY", "Difference"


def year_before(day: date) -> date:
    if day.month == 2 and day.day == 29:
        return day.replace(year=day.year - 1, day=28)
    return day.replace(year=day.year - 1)


def prior_params(params: ReportParams) -> ReportParams:
    return ReportParams(
        year_before(params.start), year_before(params.end), params.coc, params.project_ids
    )


def _pairs(table: Table) -> list[tuple[int, int, str]]:
    """(previous column, current column, what they measure) of a table."""
    previous = {
        c: label[len(PREVIOUS) :].strip()
        for c, label in enumerate(table.columns)
        if label.startswith(PREVIOUS)
    }
    current = {
        c: label[len(CURRENT) :].strip()
        for c, label in enumerate(table.columns)
        if label.startswith(CURRENT)
    }
    pairs = []
    for p, suffix in previous.items():
        match = [c for c, other in current.items() if other == suffix]
        if not match and len(previous) == 1 and len(current) == 1:
            match = list(current)  # "Previous FY" / "Current FY 5 1"
        if match:
            pairs.append((p, match[0], suffix))
    return pairs


def _difference_columns(table: Table, pairs) -> list[tuple[int, int, int]]:
    """(difference column, previous column, current column)."""
    found = []
    for c, label in enumerate(table.columns):
        if DIFFERENCE not in label:
            continue
        about = label.split(DIFFERENCE, 1)[1].replace("In ", "", 1).strip()
        match = [(p, k) for p, k, suffix in pairs if about and about in suffix]
        if not match and not about and pairs:
            match = [pairs[-1][:2]]
        if match:
            found.append((c, *match[0]))
    return found


def fill(table: Table, prior: Table) -> None:
    """Put ``prior``'s current year into ``table``'s previous-year columns, and the
    differences."""
    pairs = _pairs(table)
    members = [] if table.members is None else [table.members]
    for p, k, _ in pairs:
        for r in range(len(table.rows)):
            value = prior.values[r][k]
            table.values[r][p] = value
            table.kinds[(r, p)] = prior.kind(r, k)
        if prior.members is not None:
            members.append(
                prior.members.filter(pl.col("col") == k).with_columns(col=pl.lit(p, pl.Int32))
            )
    for d, p, k in _difference_columns(table, pairs):
        for r in range(len(table.rows)):
            now, before = table.values[r][k], table.values[r][p]
            if not isinstance(now, int | float) or not isinstance(before, int | float):
                table.values[r][d] = None
                continue
            both_counts = table.kind(r, k) == COUNT and table.kind(r, p) == COUNT
            # A change in a count counts no one: a number, not a drill-down.
            table.set(
                r,
                d,
                now - before if both_counts else round(now - before, 2),
                kind=NUMBER if both_counts else AVERAGE,
            )
    if members:
        table.members = pl.concat(members)


def with_prior_year(run_report, frames, params: ReportParams, result):
    prior = run_report("spm", frames, prior_params(params), prior_year=False)
    for name, table in result.tables.items():
        if name in prior.tables:
            fill(table, prior.tables[name])
    return result
