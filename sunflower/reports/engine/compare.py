"""Cell-by-cell comparison of our tables with HUD's expected CSV tables.

Rows are matched by label and columns by header, both after normalising case and
punctuation (a label used twice is matched by occurrence); numbers compare numerically
(0.0001 tolerance, HUD's rates have four decimals); an empty cell matches only an empty one.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from .labels import normalise
from .table import Table

TOLERANCE = 0.0001


def _number(text: str):
    try:
        return float(text.replace(",", "")) if text.strip() else None
    except ValueError:
        return None


def cells_equal(ours: str, expected: str) -> bool:
    ours, expected = (ours or "").strip(), (expected or "").strip()
    if ours == expected:
        return True
    a, b = _number(ours), _number(expected)
    if a is not None and b is not None:
        return abs(a - b) <= TOLERANCE + 1e-9
    return normalise(ours) == normalise(expected)


@dataclass
class CellDifference:
    question: str
    row: str
    column: str
    expected: str
    ours: str | None  # None: we have no such cell


@dataclass
class QuestionComparison:
    question: str
    cells: int = 0
    matched: int = 0
    differences: list[CellDifference] = field(default_factory=list)
    missing_table: bool = False


def read_expected(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _row_keys(header: list[str], body: list[list[str]]) -> list[str]:
    key = next((i for i, h in enumerate(header) if normalise(h) == "projectid"), None)
    if key is None:
        return [str(i) for i in range(len(body))]
    return [row[key] if key < len(row) else "" for row in body]


def _keyed(labels: list[str]) -> dict[tuple[str, int], int]:
    seen: dict[str, int] = {}
    keyed = {}
    for index, label in enumerate(labels):
        key = normalise(label)
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        keyed[(key, occurrence)] = index
    return keyed


def compare_table(question: str, table: Table | None, expected_path: Path) -> QuestionComparison:
    expected = read_expected(expected_path)
    result = QuestionComparison(question)
    if not expected:
        return result
    header, body = expected[0], expected[1:]
    if table is None:
        result.missing_table = True
    ours = table.csv_rows() if table is not None else [[]]
    label_column = table.label_column if table is not None else header[0] == ""
    if label_column:
        exp_cols, exp_rows = header[1:], [row[0] if row else "" for row in body]
        our_cols = ours[0][1:] if ours[0] else []
        our_rows = [row[0] for row in ours[1:]]
    else:
        # One row per project (Q4a): rows are matched by Project ID.
        exp_cols, our_cols = header, ours[0]
        exp_rows = _row_keys(exp_cols, body)
        our_rows = _row_keys(our_cols, ours[1:])
    our_col_index = _keyed(our_cols)
    our_row_index = _keyed(our_rows)
    exp_col_keys = list(_keyed(exp_cols).items())
    for (row_key, row_occ), exp_r in _keyed(exp_rows).items():
        for (col_key, col_occ), exp_c in exp_col_keys:
            offset = 1 if label_column else 0
            row = body[exp_r]
            value = row[exp_c + offset] if exp_c + offset < len(row) else ""
            result.cells += 1
            our_r = our_row_index.get((row_key, row_occ))
            our_c = our_col_index.get((col_key, col_occ))
            if our_r is None or our_c is None:
                result.differences.append(
                    CellDifference(question, exp_rows[exp_r], exp_cols[exp_c], value, None)
                )
                continue
            our_value = ours[our_r + 1][our_c + offset]
            if cells_equal(our_value, value):
                result.matched += 1
            else:
                result.differences.append(
                    CellDifference(question, exp_rows[exp_r], exp_cols[exp_c], value, our_value)
                )
    return result


def compare_report(tables: dict[str, Table], expected_dir: Path) -> list[QuestionComparison]:
    from .registry import question_sort_key

    expected_dir = Path(expected_dir)
    found = [*expected_dir.glob("Q*.csv"), *expected_dir.glob("spm_*.csv")]
    files = sorted(found, key=lambda p: question_sort_key(p.stem))
    if not files:
        raise FileNotFoundError(f"{expected_dir} has no Q*.csv or spm_*.csv tables to compare with")
    return [compare_table(path.stem, tables.get(path.stem), path) for path in files]
