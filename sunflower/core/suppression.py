"""Small-cell suppression of published counts, one rule for every part that shows figures
about people outside the HMIS team (data-request extracts, outreach counts by county).

* Primary suppression: any count from 1 to ``below - 1`` is shown as "<below"; zeros are shown.
* Complementary suppression: no suppressed cell can be worked out by subtracting from a total.
  In every row and every column (totals included), a line with exactly one suppressed cell gets
  the next smallest non-zero cell suppressed too, or, when there is none, its total. This
  repeats until every line is safe.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Grid:
    """A table of counts: ``cells[row][column]``, with row totals, column totals and the grand
    total. ``hidden`` holds the (row, column) of suppressed cells, a total's index being
    ``None`` (``(r, None)`` is row r's total, ``(None, c)`` column c's, ``(None, None)`` the
    grand total)."""

    rows: list[str]
    columns: list[str]
    cells: list[list[int]]
    row_totals: list[int]
    column_totals: list[int]
    total: int
    hidden: set = field(default_factory=set)

    @classmethod
    def column(cls, counts: dict[str, int], heading: str = "") -> Grid:
        """A one-column table: a count per row label, and their total."""
        rows = list(counts)
        values = [counts[row] for row in rows]
        return cls(rows, [heading], [[v] for v in values], values, [sum(values)], sum(values))

    def value(self, r, c) -> int:
        if r is None and c is None:
            return self.total
        if r is None:
            return self.column_totals[c]
        if c is None:
            return self.row_totals[r]
        return self.cells[r][c]

    def lines(self):
        """Every row and column with its total: the sums a reader could subtract from."""
        columns = [*range(len(self.columns)), None]
        for r in [*range(len(self.rows)), None]:
            yield [(r, c) for c in columns]
        for c in columns:
            yield [(r, c) for r in [*range(len(self.rows)), None]]


def suppress(grid: Grid, below: int) -> Grid:
    """Primary then complementary suppression, in place (see the module's docstring)."""
    every = [
        (r, c) for r in [*range(len(grid.rows)), None] for c in [*range(len(grid.columns)), None]
    ]
    grid.hidden = {key for key in every if 0 < grid.value(*key) < below}
    changed = True
    while changed:
        changed = False
        for line in grid.lines():
            hidden = [key for key in line if key in grid.hidden]
            if len(hidden) != 1:
                continue
            # The line's total is its last key; a reader subtracts the shown cells from it.
            candidates = sorted(
                (key for key in line[:-1] if key not in grid.hidden and grid.value(*key) > 0),
                key=lambda key: grid.value(*key),
            )
            target = candidates[0] if candidates else line[-1]
            if target in grid.hidden:  # the line's total alone, over zeros: nothing to hide
                continue
            grid.hidden.add(target)
            changed = True
    return grid


def shown(grid: Grid, r, c, below: int) -> str:
    return f"<{below}" if (r, c) in grid.hidden else str(grid.value(r, c))
