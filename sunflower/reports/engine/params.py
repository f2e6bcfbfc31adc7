"""What a report is asked for: the period, the CoC and the projects, and their stored
form (``to_dict`` / ``from_dict``: the JSON a ReportRun keeps in ``params``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta


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
        return self.end + timedelta(days=1)

    def to_dict(self) -> dict:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "coc": self.coc,
            "project_ids": sorted(self.project_ids),
        }

    @classmethod
    def from_dict(cls, data: dict) -> ReportParams:
        return cls(
            start=date.fromisoformat(data["start"]),
            end=date.fromisoformat(data["end"]),
            coc=data.get("coc", ""),
            project_ids=tuple(data.get("project_ids", [])),
        )
