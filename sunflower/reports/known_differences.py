"""Cells where we are convinced HUD's reference output contradicts HUD's written
programming specification. Each entry quotes the specification; the test kit runner and
the tests accept a difference only if it is listed here (docs/reports.md lists them too).
"""

from __future__ import annotations

from dataclasses import dataclass

from .engine.compare import normalise


@dataclass(frozen=True)
class KnownDifference:
    report: str
    slug: str  # "*" for every project of the kit
    question: str
    row: str
    column: str
    spec: str  # the specification's section, quoted
    why: str


KNOWN_DIFFERENCES: list[KnownDifference] = []


def is_known(report: str, slug: str, question: str, row: str, column: str) -> bool:
    return any(
        d.report == report
        and d.slug in ("*", slug)
        and d.question == question
        and normalise(d.row) == normalise(row)
        and normalise(d.column) == normalise(column)
        for d in KNOWN_DIFFERENCES
    )
