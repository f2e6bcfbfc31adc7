"""Column lists and code tables of the HMIS CSV versions the legacy converter knows.

FY2022 and FY2024 come from ``data/`` (see ``data/SOURCE.md``); FY2026 from the project's
reference pack in ``sunflower/hmis/spec/fy2026/``. Everything is read from inside the package.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
FY2026_SPEC_DIR = Path(__file__).resolve().parents[2] / "hmis" / "spec" / "fy2026"

FY2022 = "2022"
FY2024 = "2024"
FY2026 = "2026"
VERSIONS = (FY2022, FY2024, FY2026)

#: The value written to Export.CSVVersion. The spec says it "may, but is not required to, include
#: the [year] and [version]"; we claim the year only.
FY2026_CSV_VERSION = "2026"


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@dataclass(frozen=True)
class Fy2026Column:
    """One row of the FY2026 pack's csv_columns.csv, as far as the converter needs it."""

    file: str
    position: int
    column: str
    type: str
    nullable: bool
    value_list: str
    conditional_value_lists: str

    @property
    def is_datetime(self) -> bool:
        return self.type == "T"

    def conditional_lists(self) -> tuple[str, list[tuple[str, str]]]:
        """(condition column, [(condition value or 'other', list name)]), or ("", [])."""
        if not self.conditional_value_lists:
            return "", []
        condition_column = ""
        pairs: list[tuple[str, str]] = []
        for part in self.conditional_value_lists.split(";"):
            part = part.strip()
            if not part:
                continue
            condition, _, list_name = part.partition(":")
            column, _, value = condition.partition("=")
            condition_column = column.strip()
            pairs.append((value.strip(), list_name.strip()))
        return condition_column, pairs


@cache
def fy2026_files() -> tuple[str, ...]:
    """The 24 FY2026 file names in the spec's order."""
    rows = _read_csv(FY2026_SPEC_DIR / "csv_files.csv")
    return tuple(row["file"] for row in sorted(rows, key=lambda r: int(r["order"])))


@cache
def fy2026_columns() -> dict[str, tuple[Fy2026Column, ...]]:
    """FY2026 columns per file, in spec order."""
    result: dict[str, list[Fy2026Column]] = {name: [] for name in fy2026_files()}
    for row in _read_csv(FY2026_SPEC_DIR / "csv_columns.csv"):
        result[row["file"]].append(
            Fy2026Column(
                file=row["file"],
                position=int(row["position"]),
                column=row["column"],
                type=row["base_type"] or row["type"],
                nullable=row["nullable"].strip().upper() != "N",
                value_list=row["value_list"],
                conditional_value_lists=row["conditional_value_lists"],
            )
        )
    return {name: tuple(sorted(cols, key=lambda c: c.position)) for name, cols in result.items()}


@cache
def value_lists() -> dict[str, frozenset[str]]:
    """FY2026 value lists: list name -> set of codes (as strings)."""
    with (FY2026_SPEC_DIR / "value_lists.json").open(encoding="utf-8") as handle:
        raw = json.load(handle)
    return {name: frozenset(codes) for name, codes in raw.items()}


@cache
def columns(version: str) -> dict[str, tuple[str, ...]]:
    """File name -> column names in order, for one version ("2022", "2024" or "2026")."""
    if version == FY2026:
        return {name: tuple(c.column for c in cols) for name, cols in fy2026_columns().items()}
    if version not in (FY2022, FY2024):
        raise ValueError(f"unknown HMIS CSV version {version!r}")
    result: dict[str, list[tuple[int, str]]] = {}
    for row in _read_csv(DATA_DIR / f"fy{version}_columns.csv"):
        result.setdefault(row["file"], []).append((int(row["position"]), row["column"]))
    return {name: tuple(col for _, col in sorted(cols)) for name, cols in result.items()}


@cache
def living_situation_fy2022() -> dict[str, tuple[str, str]]:
    """FY2022 3.12.1 code -> (FY2024 3.12.1 code, FY2024 3.12.A subsidy type or "")."""
    return {
        row["fy2022_code"]: (row["fy2024_code"], row["fy2024_subsidy_type"])
        for row in _read_csv(DATA_DIR / "living_situation_fy2022_to_fy2024.csv")
    }


@cache
def value_map(name: str) -> dict[str, tuple[str, str]]:
    """One of the small maps in value_maps.csv: from value -> (to value, note)."""
    rows = [row for row in _read_csv(DATA_DIR / "value_maps.csv") if row["map"] == name]
    if not rows:
        raise KeyError(name)
    return {row["from_value"]: (row["to_value"], row["note"]) for row in rows}


@cache
def renamed_columns(step: str) -> dict[str, dict[str, str]]:
    """file -> {new column: old column} for one step ("fy2022_to_fy2024", ...)."""
    result: dict[str, dict[str, str]] = {}
    for row in _read_csv(DATA_DIR / "renamed_columns.csv"):
        if row["step"] == step:
            result.setdefault(row["file"], {})[row["new_column"]] = row["old_column"]
    return result
