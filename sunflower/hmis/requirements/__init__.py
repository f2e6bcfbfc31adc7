"""The HUD data-collection requirement matrix: which data elements are asked of whom, when.

The rules are data (``matrix.csv`` and ``funder_groups.csv`` next to this file; sources in
``SOURCE.md``), read once. A row applies to a household member when the project's type is in
``project_types`` (or ``all``), the project has an active funder in one of ``funders``' groups
(or ``any``), the collection ``stage`` matches and the member is one of ``subjects``. Several
rows for one element are alternatives (any one makes the element required).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
STAGES = ("project_start", "update", "annual", "exit", "occurrence")
SUBJECTS = ("all", "hoh", "adults", "hoh_and_adults")
ADULT_AGE = 18


@dataclass(frozen=True)
class Requirement:
    element: str
    name: str
    stage: str
    subjects: str
    project_types: frozenset[int] | None  # None: every project type
    funder_groups: tuple[str, ...]  # empty: whatever the funding
    note: str

    def applies_to(self, project_type, funders: set[int], is_head: bool, is_adult: bool) -> bool:
        if self.project_types is not None and project_type not in self.project_types:
            return False
        if self.funder_groups:
            groups = funder_groups()
            if not any(funders & groups[group] for group in self.funder_groups):
                return False
        return {
            "all": True,
            "hoh": is_head,
            "adults": is_adult,
            "hoh_and_adults": is_head or is_adult,
        }[self.subjects]


@cache
def funder_groups() -> dict[str, frozenset[int]]:
    with open(HERE / "funder_groups.csv", newline="", encoding="utf-8") as handle:
        return {
            row["group"]: frozenset(int(code) for code in row["funding_sources"].split())
            for row in csv.DictReader(handle)
        }


@cache
def matrix() -> tuple[Requirement, ...]:
    groups = funder_groups()
    rows = []
    with open(HERE / "matrix.csv", newline="", encoding="utf-8") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            if row["stage"] not in STAGES or row["subjects"] not in SUBJECTS:
                raise ValueError(f"matrix.csv line {line}: unknown stage or subjects")
            funders = () if row["funders"] == "any" else tuple(row["funders"].split())
            unknown = [group for group in funders if group not in groups]
            if unknown:
                raise ValueError(f"matrix.csv line {line}: unknown funder group {unknown}")
            types = (
                None
                if row["project_types"] == "all"
                else frozenset(int(code) for code in row["project_types"].split())
            )
            rows.append(
                Requirement(
                    element=row["element"],
                    name=row["name"],
                    stage=row["stage"],
                    subjects=row["subjects"],
                    project_types=types,
                    funder_groups=funders,
                    note=row["note"],
                )
            )
    return tuple(rows)


def element_names() -> dict[str, str]:
    return {row.element: row.name for row in matrix()}


def active_funders(project, on: dt.date | None = None) -> set[int]:
    """The project's funding sources (2.06) active on `on` (every one when `on` is None)."""
    funders = project.funders.all()
    if on is not None:
        funders = [
            f for f in funders if f.start_date <= on and (f.end_date is None or f.end_date >= on)
        ]
    return {f.funder for f in funders}


def required_for(
    project_type, funders: set[int], stage: str, is_head: bool, is_adult: bool
) -> list[str]:
    """Element numbers (in matrix order, no repeats) required for one household member."""
    if stage not in STAGES:
        raise ValueError(f"unknown collection stage {stage!r}")
    found: list[str] = []
    for row in matrix():
        if row.stage != stage or row.element in found:
            continue
        if row.applies_to(project_type, funders, is_head, is_adult):
            found.append(row.element)
    return found
