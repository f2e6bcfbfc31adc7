"""The extract of a data request: counts of people from the HMIS over the request's period,
with small-cell suppression, written as CSV files in a zip (docs/data-requests.md).

* The universe: every enrollment active at some point of the period (entry on or before its
  last day, no exit or an exit on or after its first day), in every project except those of
  victim service providers (VAWA: their clients are never in an HMIS extract).
* A table per dimension the HMIS team chose, counting distinct people; optionally broken
  down by a second dimension (project type or CoC) in columns. Categories use the report
  engine's vocabulary: HUD project types, the APR's age bands (age at the later of entry and
  the period's start), its race/ethnicity tabulation, HUD's destination groups.
* Suppression (sunflower.core.suppression): any count from 1 to
  ``DATA_REQUEST_SUPPRESS_BELOW - 1`` is written "<11", zeros are shown, and complementary
  cells are suppressed so that no suppressed count can be worked out from a total.
* Personal identifiers (names, SSN, date of birth, HMIS IDs, exact dates) are never in the
  tables. Only when the Oversight Committee approved identifiers is a client-level file
  added, with a research ID (a salted hash, different in every request) and exactly the
  identifier columns the committee approved.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone

from sunflower.core.suppression import Grid, shown, suppress
from sunflower.hmis import vocabulary as hud
from sunflower.hmis.models import Client, Enrollment, Exit, ProjectCoC
from sunflower.hmis.models.client import RACE_FIELDS as CLIENT_RACE_FIELDS
from sunflower.reports.engine.demographics import (
    HISPANIC_AND_RACE,
    MULTI_RACIAL,
    RACE_FIELDS,
    RACE_TABULATION_LABELS,
    RACE_UNKNOWN,
)
from sunflower.reports.engine.destinations import GROUPS, destinations
from sunflower.reports.engine.universe import AGE_BANDS

from .models import Identifier

UNKNOWN = "Unknown or not collected"
STILL_ENROLLED = "Still enrolled at the period's end"
TOTAL = "Total"

# (value, label) of the dimensions the HMIS team may choose; BREAKDOWNS go in columns.
DIMENSIONS = [
    ("project_type", "Project type"),
    ("coc", "Continuum of Care"),
    ("county", "County (of the project)"),
    ("age_group", "Age group"),
    ("sex", "Sex"),
    ("race", "Race and ethnicity"),
    ("veteran", "Veteran status (adults)"),
    ("destination", "Exit destination"),
]
BREAKDOWNS = [("", "None"), ("project_type", "Project type"), ("coc", "Continuum of Care")]
DIMENSION_LABELS = dict(DIMENSIONS)


def suppress_below() -> int:
    return max(2, int(getattr(settings, "DATA_REQUEST_SUPPRESS_BELOW", 11)))


__all__ = ["Grid", "build", "shown", "suppress", "suppress_below"]


# --- the people of the period ---------------------------------------------------------------


def _age(dob: date | None, on: date) -> int | None:
    if dob is None or dob > on:
        return None
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def age_group(dob: date | None, entry: date, period_start: date) -> str:
    age = _age(dob, max(entry, period_start))
    if age is None:
        return UNKNOWN
    return next(label for low, high, label in AGE_BANDS if low <= age <= high)


def race_category(client: dict) -> str:
    """The report engine's race tabulation: one race by name, two or more with or without
    Hispanic/Latina/o, or unknown."""
    selected = [client[name] == 1 for name in CLIENT_RACE_FIELDS]
    if sum(selected) == 0:
        return RACE_UNKNOWN
    if sum(selected) > 1:
        hispanic = selected[CLIENT_RACE_FIELDS.index("hispanic_latinao")]
        return HISPANIC_AND_RACE if hispanic else MULTI_RACIAL
    return RACE_FIELDS[selected.index(True)][1]


def _county_names() -> dict[int, str]:
    """Project -> county from its geocode: HUD's "balance of county" geocodes are the state's
    two digits, 9, then the county's three (SS9CCC); other geocodes name a city."""
    from sunflower.geo.models import County

    counties = {c.fips5: c.name for c in County.objects.all()}
    found: dict[int, str] = {}
    for project_id, geocode in ProjectCoC.objects.values_list("project_id", "geocode"):
        if project_id in found or len(geocode or "") != 6 or geocode[2] != "9":
            continue
        name = counties.get(geocode[:2] + geocode[3:])
        if name:
            found[project_id] = name
    return found


@dataclass
class Stay:
    """One enrollment of the period, with what the tables need (no identifier)."""

    client_id: int
    project_type: str
    coc: str
    county: str
    age_group: str
    sex: str
    race: str
    veteran: str
    destination: str
    entry_date: date
    exit_date: date | None
    project_id: int


def stays(period_start: date, period_end: date) -> list[Stay]:
    enrollments = (
        Enrollment.objects.filter(entry_date__lte=period_end)
        .exclude(project__organization__victim_service_provider=1)
        .select_related("client", "project")
    )
    exits: dict[int, tuple[date, int]] = {}
    for enrollment_id, exit_date, destination in Exit.objects.filter(
        enrollment__in=enrollments.values("pk")
    ).values_list("enrollment_id", "exit_date", "destination"):
        exits[enrollment_id] = (exit_date, destination)
    groups = {d.code: d.group for d in destinations()}
    counties = _county_names()
    project_types = dict(hud.ProjectType.choices)
    sexes = dict(hud.Sex.choices)
    veteran_labels = dict(hud.NoYesReasonsForMissingData.choices)
    found = []
    fields = ["pk", "entry_date", "enrollment_coc", "project_id", "project__project_type"]
    client_fields = ["client_id", "client__dob", "client__sex", "client__veteran_status"]
    race_fields = [f"client__{name}" for name in CLIENT_RACE_FIELDS]
    for row in enrollments.values(*fields, *client_fields, *race_fields):
        exit_date, destination = exits.get(row["pk"], (None, None))
        if exit_date is not None and exit_date < period_start:
            continue
        if exit_date is not None and exit_date > period_end:
            exit_date, destination = None, None  # still enrolled at the period's end
        client = {name: row[f"client__{name}"] for name in CLIENT_RACE_FIELDS}
        age = age_group(row["client__dob"], row["entry_date"], period_start)
        adult = age not in (UNKNOWN, "Under 5", "5-12", "13-17")
        found.append(
            Stay(
                client_id=row["client_id"],
                project_type=str(project_types.get(row["project__project_type"], UNKNOWN)),
                coc=row["enrollment_coc"] or UNKNOWN,
                county=counties.get(row["project_id"], UNKNOWN),
                age_group=age,
                sex=str(sexes.get(row["client__sex"], UNKNOWN)),
                race=race_category(client),
                veteran=str(veteran_labels.get(row["client__veteran_status"], UNKNOWN))
                if adult
                else "",
                destination=STILL_ENROLLED
                if exit_date is None
                else groups.get(destination, "Other"),
                entry_date=row["entry_date"],
                exit_date=exit_date,
                project_id=row["project_id"],
            )
        )
    return found


def _order(dimension: str, present: set[str]) -> list[str]:
    known = {
        "project_type": [str(label) for _, label in hud.ProjectType.choices],
        "age_group": [label for _, _, label in AGE_BANDS],
        "sex": [str(label) for _, label in hud.Sex.choices],
        "race": RACE_TABULATION_LABELS,
        "veteran": [str(label) for _, label in hud.NoYesReasonsForMissingData.choices],
        "destination": [*GROUPS, STILL_ENROLLED],
    }.get(dimension)
    if known is None:
        return sorted(present - {UNKNOWN}) + ([UNKNOWN] if UNKNOWN in present else [])
    return (
        [label for label in known if label in present]
        + sorted(present - set(known) - {UNKNOWN})
        + ([UNKNOWN] if UNKNOWN in present else [])
    )


def table(found: list[Stay], dimension: str, breakdown: str = "") -> Grid:
    """Distinct people per category (and per breakdown column). A person counts once in each
    category they had a stay in, and once in each total."""
    found = [s for s in found if getattr(s, dimension) != ""]  # veteran status: adults only
    rows = _order(dimension, {getattr(s, dimension) for s in found})
    # Without a breakdown the table has no columns: each row's total is its count.
    columns = _order(breakdown, {getattr(s, breakdown) for s in found}) if breakdown else []
    people = defaultdict(set)
    for s in found:
        row = getattr(s, dimension)
        people[(row, None)].add(s.client_id)
        people[(None, None)].add(s.client_id)
        if breakdown:
            column = getattr(s, breakdown)
            people[(row, column)].add(s.client_id)
            people[(None, column)].add(s.client_id)
    return Grid(
        rows=rows,
        columns=columns,
        cells=[[len(people[(r, c)]) for c in columns] for r in rows],
        row_totals=[len(people[(r, None)]) for r in rows],
        column_totals=[len(people[(None, c)]) for c in columns],
        total=len(people[(None, None)]),
    )


def grid_csv(grid: Grid, dimension: str, below: int) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([DIMENSION_LABELS[dimension], *grid.columns, TOTAL])
    for r, label in enumerate(grid.rows):
        cells = [shown(grid, r, c, below) for c in range(len(grid.columns))]
        writer.writerow([label, *cells, shown(grid, r, None, below)])
    cells = [shown(grid, None, c, below) for c in range(len(grid.columns))]
    writer.writerow([TOTAL, *cells, shown(grid, None, None, below)])
    return out.getvalue()


# --- the client-level file (only with identifiers the committee approved) -----------------


def research_id(request_reference: str, client_id: int) -> str:
    """A stable ID within one request, unlinkable across requests and not reversible."""
    key = f"{settings.SECRET_KEY}:datarequest:{request_reference}".encode()
    return hmac.new(key, str(client_id).encode(), hashlib.sha256).hexdigest()[:16]


def client_level_csv(found: list[Stay], reference: str, columns: list[str]) -> str:
    clients = {
        c["pk"]: c
        for c in Client.objects.filter(pk__in={s.client_id for s in found}).values(
            "pk", "first_name", "last_name", "dob", "ssn", "personal_id"
        )
    }
    header = ["research_id", "project_type", "coc", "age_group", "sex", "race", "destination"]
    if Identifier.NAME in columns:
        header += ["first_name", "last_name"]
    if Identifier.DOB in columns:
        header.append("dob")
    if Identifier.SSN in columns:
        header.append("ssn")
    if Identifier.PERSONAL_ID in columns:
        header.append("personal_id")
    if Identifier.DATES in columns:
        header += ["entry_date", "exit_date"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    for s in sorted(found, key=lambda s: (research_id(reference, s.client_id), s.entry_date)):
        person = clients[s.client_id]
        writer.writerow(
            {
                "research_id": research_id(reference, s.client_id),
                "project_type": s.project_type,
                "coc": s.coc,
                "age_group": s.age_group,
                "sex": s.sex,
                "race": s.race,
                "destination": s.destination,
                "first_name": person["first_name"],
                "last_name": person["last_name"],
                "dob": person["dob"].isoformat() if person["dob"] else "",
                "ssn": person["ssn"],
                "personal_id": person["personal_id"],
                "entry_date": s.entry_date.isoformat(),
                "exit_date": s.exit_date.isoformat() if s.exit_date else "",
            }
        )
    return out.getvalue()


# --- the zip ----------------------------------------------------------------------------


@dataclass
class Built:
    content: bytes
    people: int
    suppressed_cells: int


def readme(request, dimensions, breakdown, columns, below) -> str:
    lines = [
        f"Sunflower HMIS data request {request.reference}: {request.title}",
        f"Period: {request.period_start.isoformat()} to {request.period_end.isoformat()}",
        f"Prepared: {timezone.localdate().isoformat()}",
        "",
        "Each table counts distinct people with a project stay active during the period.",
        "A person counts once in every category they had a stay in, and once in each total.",
        "Victim service providers' clients are never included.",
        "",
        f"Small-cell suppression: counts from 1 to {below - 1} are shown as <{below}.",
        "Where a row or column had a single suppressed cell, the next smallest cell (or the",
        "total) is suppressed too, so that no suppressed count can be worked out from a total.",
        "",
        "Tables: " + ", ".join(DIMENSION_LABELS[d] for d in dimensions),
    ]
    if breakdown:
        lines.append(f"Broken down by: {DIMENSION_LABELS[breakdown]}")
    if columns:
        lines += [
            "",
            "client_level.csv: one row per stay, approved by the HMIS Oversight Committee with",
            "these identifiers: " + ", ".join(columns) + ". research_id is specific to this",
            "request. Keep and destroy the file as your approved retention plan says.",
        ]
    else:
        lines += ["", "No personal identifiers are included."]
    return "\n".join(lines) + "\n"


def build(request, dimensions: list[str], breakdown: str = "", columns=()) -> Built:
    below = suppress_below()
    found = stays(request.period_start, request.period_end)
    buffer = io.BytesIO()
    suppressed = 0
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme(request, dimensions, breakdown, columns, below))
        for dimension in dimensions:
            by = breakdown if breakdown != dimension else ""
            grid = suppress(table(found, dimension, by), below)
            suppressed += len(grid.hidden)
            name = f"people_by_{dimension}" + (f"_and_{by}" if by else "")
            archive.writestr(f"{name}.csv", grid_csv(grid, dimension, below))
        if columns:
            archive.writestr(
                "client_level.csv", client_level_csv(found, request.reference, list(columns))
            )
    return Built(buffer.getvalue(), len({s.client_id for s in found}), suppressed)


__all__ = ["BREAKDOWNS", "DIMENSIONS", "Grid", "build", "stays", "suppress", "table"]
