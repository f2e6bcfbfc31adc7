"""Tiny HMIS data sets for rules HUD's kit does not exercise: rows as dicts, HUD's column
names, everything else of each file left empty."""

from __future__ import annotations

from datetime import date

import polars as pl

from sunflower.reports.engine import HmisFrames, ReportParams
from sunflower.reports.engine.frames import hud_schema

PERIOD = ReportParams(date(2025, 10, 1), date(2026, 9, 30), "KS-507", ("P1",))


def frames(**files: list[dict]) -> HmisFrames:
    """``frames(Enrollment=[{...}], Client=[{...}])``; a project P1 (PSH, type 3) of
    organization O1 in KS-507 is added unless given."""
    files.setdefault("Organization", [{"OrganizationID": "O1", "OrganizationName": "Agency"}])
    files.setdefault(
        "Project",
        [{"ProjectID": "P1", "OrganizationID": "O1", "ProjectName": "PSH", "ProjectType": 3}],
    )
    files.setdefault(
        "ProjectCoC", [{"ProjectCoCID": "PC1", "ProjectID": "P1", "CoCCode": "KS-507"}]
    )

    def load(stem: str) -> pl.DataFrame | None:
        rows = files.get(stem)
        if rows is None:
            return None
        columns = list(hud_schema()[stem])
        return pl.DataFrame(
            {c: [None if r.get(c) is None else str(r[c]) for r in rows] for c in columns},
            schema=dict.fromkeys(columns, pl.String),
        )

    return HmisFrames(load, description="test data")


def client(pid: str, dob: str = "1980-01-01", **fields) -> dict:
    return {"PersonalID": pid, "DOB": dob, "DOBDataQuality": 1, "VeteranStatus": 0, **fields}


def enrollment(
    eid: str, pid: str, entry: str, household: str, relationship: int = 1, **fields
) -> dict:
    return {
        "EnrollmentID": eid,
        "PersonalID": pid,
        "ProjectID": "P1",
        "EntryDate": entry,
        "HouseholdID": household,
        "RelationshipToHoH": relationship,
        "EnrollmentCoC": "KS-507",
        "DisablingCondition": 0,
        **fields,
    }
