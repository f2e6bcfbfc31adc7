"""What a report is asked for: the period, the CoC and the projects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class ReportParams:
    start: date
    end: date
    coc: str = ""
    # HUD ProjectIDs (strings, as in the CSV). Empty means every project of the CoC.
    project_ids: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError(f"the report ends ({self.end}) before it starts ({self.start})")
        if (self.end - self.start).days > 366 * 5:
            raise ValueError("a report period may be at most five years")

    @property
    def day_after_end(self) -> date:
        from datetime import timedelta

        return self.end + timedelta(days=1)
