"""HMIS CSV FY2026 export: the selected projects' data for a date range, streamed into a zip.

    from sunflower.interchange.exporter import export_hmis_csv
    result = export_hmis_csv(user=request.user, output="export.zip", projects=[project],
                             start=date(2024, 10, 1), end=date(2025, 9, 30))
    result.counts["Enrollment.csv"], result.rows_per_second

The rules (which records, deleted records, hashing, value formats) follow HUD's HMIS CSV Format
Specifications FY2026 and are described, with HUD's wording, in docs/interchange.md ("Export").
In short:

* Scope: the projects ``user`` may reach for ``Action.RUN_PROGRAM_REPORTS``
  (``policy.visible_projects``). Asking for a project outside them raises PermissionDenied.
  ``user=None`` is the system (the command's ``--all`` without ``--user``): every project.
* ExportPeriodType 3 (reporting period): the enrollments of the selected projects active in the
  period (EntryDate <= end and no exit before start), every record of those enrollments whose
  key date (InformationDate, DateProvided, ExitDate, ...) is not after ``end``, their clients,
  the selected projects' descriptor files, and the users any exported row names.
  ExportPeriodType 1 (updated): the records of the selected projects created, updated or deleted
  in the period.
* ExportDirective 2 (full refresh, the default) leaves deleted records out; 1 (delta refresh)
  includes them with DateDeleted.
* HashStatus 4 (SHA-256): FirstName, MiddleName and LastName are the SHA-256 of their Soundex
  code; SSN is its last four characters followed by the SHA-256 of the nine-character SSN.

Streaming: every file is written straight into the zip entry from ``values_list(...)
.iterator(chunk_size=CHUNK_SIZE)`` (parents' HUD identifiers come through joins, never a query per
row), so memory stays bounded by one chunk. The number of queries does not depend on the number
of rows. User.csv is the last entry of the zip: its rows (the users that exported rows name) are
known only once the other files are written.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import itertools
import os
import queue
import re
import threading
import time
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dt_time
from decimal import Decimal
from importlib import metadata
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from sunflower.hmis import models as hmis
from sunflower.hmis.hud_columns import HUD_FILES, HudColumn, HudFile

__all__ = [
    "CHUNK_SIZE",
    "CSV_VERSION",
    "SOFTWARE_NAME",
    "ExportError",
    "ExportResult",
    "export_hmis_csv",
    "hash_name",
    "hash_ssn",
    "soundex",
]

SOFTWARE_NAME = "Sunflower"
# HUD: "Format is required to be [year] v[version number] ... version 1.0 of the FY2026 CSV
# specifications would be '2026 v1.0'".
CSV_VERSION = "2026 v1.0"
# Rows fetched from the database, formatted and written at a time.
CHUNK_SIZE = 5000
# Lines end with CR LF (RFC 4180).
NEWLINE = "\r\n"

# HUD list 1.1 ExportPeriodType, 1.2 ExportDirective, 1.5 HashStatus, 1.9 SourceType.
UPDATED, REPORTING_PERIOD = 1, 3
DELTA_REFRESH, FULL_REFRESH = 1, 2
UNHASHED, SHA_256 = 1, 4
SOURCE_TYPE_COC_HMIS = 1

# Files written from the project selection, then the enrollment selection (HUD's order).
DESCRIPTOR_FILES = (
    "Organization.csv",
    "Project.csv",
    "Funder.csv",
    "ProjectCoC.csv",
    "Inventory.csv",
    "Affiliation.csv",
    "HMISParticipation.csv",
    "CEParticipation.csv",
)
ENROLLMENT_FILES = (
    "Exit.csv",
    "IncomeBenefits.csv",
    "HealthAndDV.csv",
    "EmploymentEducation.csv",
    "Disabilities.csv",
    "Services.csv",
    "CurrentLivingSituation.csv",
    "Assessment.csv",
    "AssessmentQuestions.csv",
    "AssessmentResults.csv",
    "Event.csv",
    "YouthEducationStatus.csv",
)
# The zip's entries, in the order they are written (HUD's order, User.csv last: see above).
FILE_ORDER = (
    "Export.csv",
    *DESCRIPTOR_FILES,
    "Client.csv",
    "Enrollment.csv",
    *ENROLLMENT_FILES,
    "User.csv",
)
# Client.csv columns hashed when HashStatus is 4 (HUD: "the following fields in Client.csv
# (and no others)").
HASHED_NAME_COLUMNS = ("FirstName", "MiddleName", "LastName")
HASHED_SSN_COLUMN = "SSN"


class ExportError(ValueError):
    """The export's parameters are not valid (dates, list codes, CoC code, projects whose
    ProjectIDs clash)."""


@dataclass
class ExportResult:
    """What an export wrote: rows per file (in zip order) and how long it took."""

    export_id: str
    start: date
    end: date
    period_type: int
    directive: int
    hash_status: int
    project_ids: list[str]
    counts: dict[str, int] = field(default_factory=dict)
    file_seconds: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    path: Path | None = None

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    def lines(self) -> list[str]:
        """A human-readable summary: rows per file, then the total and the rate."""
        width = max(len(name) for name in self.counts) if self.counts else 10
        lines = [f"{name:<{width}} {count:>12,}" for name, count in self.counts.items()]
        lines.append(
            f"{'total':<{width}} {self.rows:>12,} rows in {self.seconds:.2f} s "
            f"({self.rows_per_second:,.0f} rows/s)"
        )
        return lines


# --- hashing (HashStatus 4) ------------------------------------------------------------------

_SOUNDEX_CODES = {
    **dict.fromkeys("AEIOUY", ""),  # vowels separate equal codes
    **dict.fromkeys("HW", None),  # H and W do not
    **dict.fromkeys("BFPV", "1"),
    **dict.fromkeys("CGJKQSXZ", "2"),
    **dict.fromkeys("DT", "3"),
    "L": "4",
    **dict.fromkeys("MN", "5"),
    "R": "6",
}


def soundex(name: str) -> str:
    """American Soundex of ``name`` ("Robert" -> "R163"): the first letter, then the codes of
    the following consonants, equal neighbours (also across H and W) coded once, padded with
    zeros to four characters. Accents are dropped (é -> E); characters other than the letters
    A-Z are ignored. "" when the name has no such letter."""
    decomposed = unicodedata.normalize("NFKD", name).upper()
    letters = [c for c in decomposed if "A" <= c <= "Z"]
    if not letters:
        return ""
    code = [letters[0]]
    previous = _SOUNDEX_CODES[letters[0]]
    for letter in letters[1:]:
        digit = _SOUNDEX_CODES[letter]
        if digit is None:
            continue
        if digit and digit != previous:
            code.append(digit)
            if len(code) == 4:
                break
        previous = digit
    return "".join(code).ljust(4, "0")


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def hash_name(name: str) -> str:
    """HUD HashStatus 4: "SHA-256 hash of the SOUNDEX of the value" (64 lower-case hexadecimal
    characters). "" for an empty name or one without a letter A-Z (no Soundex code)."""
    code = soundex(name or "")
    return _sha256(code) if code else ""


def hash_ssn(ssn: str) -> str:
    """HUD HashStatus 4: "concatenation of the unhashed last 4 digits of the SSN followed by
    SHA-256 hash of the full SSN. In the case of a partial SSN, use a lower-case letter x to
    replace any missing digits. The resultant 9-character string will be hashed in the same
    manner as a complete SSN." 68 characters; "" for an empty SSN."""
    if not ssn or not ssn.strip():
        return ""
    kept = [c for c in ssn.strip() if c not in "- "]
    normalized = "".join(c if c.isascii() and c.isdigit() else "x" for c in kept)
    normalized = normalized[-9:].rjust(9, "x")
    return normalized[-4:] + _sha256(normalized)


# --- value formats -----------------------------------------------------------------------------
#
# HUD's data types: D "YYYY-MM-DD", T "YYYY-MM-DD hh:mm:ss", M "Number with two decimal
# places", I a whole number, S a string that "must be padded with double-quotes"; null is an empty
# cell. Like HUD's own sample files, strings, dates and datetimes are quoted and integers and
# money are not. Characters HUD forbids in string fields (< > [ ] { }) are stripped, double quotes
# doubled.

_STRIP = str.maketrans("", "", "<>[]{}")
_SPECIAL = frozenset('<>[]{}"')


def format_string(value: str | None) -> str:
    if not value:
        return ""
    if _SPECIAL.isdisjoint(value):
        return f'"{value}"'
    value = value.translate(_STRIP).replace('"', '""')
    return f'"{value}"' if value else ""


def format_date(value: date | None) -> str:
    return "" if value is None else f'"{value.isoformat()}"'


def format_money(value: Decimal | float | None) -> str:
    return "" if value is None else format(Decimal(value), ".2f")


def _datetime_formatter() -> Callable[[datetime | None], str]:
    """Datetimes in the HMIS's local time zone (settings.TIME_ZONE), to the second."""
    local = timezone.get_default_timezone()

    def format_datetime(value: datetime | None) -> str:
        if value is None:
            return ""
        if timezone.is_aware(value):
            value = value.astimezone(local)
        return f'"{value.isoformat(" ", "seconds")[:19]}"'

    return format_datetime


def _hashed_name(value: str | None) -> str:
    return format_string(hash_name(value)) if value else ""


def _hashed_ssn(value: str | None) -> str:
    return format_string(hash_ssn(value)) if value else ""


# --- one file: its columns, query and line formatter ---------------------------------------


@dataclass
class _FileSpec:
    """How one CSV file is written: the queryset's ``values_list`` fields and a function that
    turns a chunk of rows into CSV text."""

    hud_file: HudFile
    fields: list[Any]  # values_list(*fields); the last one is ``user_id`` when collect_users
    collect_users: bool
    format_rows: Callable[[list[tuple]], str]


def _line_formatter(kinds: list[tuple[str, int | None]], export_id: str) -> Callable:
    """Compile ``format_rows(rows) -> str`` for columns of the given kinds.

    ``kinds`` is one ``(kind, index into the row)`` per CSV column. The function is generated
    once per file (an f-string per line, no per-value loop), since it runs for every row of a
    statewide export. Only the kinds and indexes below enter the generated source.
    """
    helpers = {"S": "_s", "D": "_d", "T": "_t", "M": "_m", "HN": "_hn", "HS": "_hs"}
    cells = []
    for kind, index in kinds:
        if kind == "X":
            cells.append("{_x}")
        elif kind == "I":
            cells.append(f'{{"" if r[{int(index)}] is None else r[{int(index)}]}}')
        else:
            cells.append(f"{{{helpers[kind]}(r[{int(index)}])}}")
    source = (
        "def format_rows(rows):\n"
        "    return ''.join([f'" + ",".join(cells) + "{_nl}' for r in rows])\n"
    )
    namespace: dict[str, Any] = {
        "_s": format_string,
        "_d": format_date,
        "_t": _datetime_formatter(),
        "_m": format_money,
        "_hn": _hashed_name,
        "_hs": _hashed_ssn,
        "_x": format_string(export_id),
        "_nl": NEWLINE,
    }
    exec(compile(source, f"<hmis csv {len(kinds)} columns>", "exec"), namespace)  # noqa: S102
    return namespace["format_rows"]


def _file_spec(
    hud_file: HudFile, export_id: str, hash_status: int, *, in_database: bool = False
) -> _FileSpec:
    """The spec of one file. ``in_database``: PostgreSQL formats each line itself (see
    :class:`CsvLine`) unless a column is hashed, which is done here in Python."""
    kinds = [(column, _kind(hud_file, column, hash_status)) for column in hud_file.columns]
    collect_users = any(c.field_name == "user" and c.is_relation for c in hud_file.columns)
    tail = ["user_id"] if collect_users else []
    if in_database and not any(kind in {"HN", "HS"} for _column, kind in kinds):
        line = CsvLine(
            [(kind, None if kind == "X" else column.lookup) for column, kind in kinds],
            export_cell=format_string(export_id),
            time_zone=timezone.get_default_timezone_name(),
        )
        return _FileSpec(hud_file, [line, *tail], collect_users, _join_lines)
    fields: list[Any] = []
    indexed: list[tuple[str, int | None]] = []
    for column, kind in kinds:
        if kind == "X":
            indexed.append(("X", None))
            continue
        indexed.append((kind, len(fields)))
        fields.append(column.lookup)
    return _FileSpec(hud_file, [*fields, *tail], collect_users, _line_formatter(indexed, export_id))


def _join_lines(rows: list[tuple]) -> str:
    return "".join([row[0] + NEWLINE for row in rows])


class CsvLine(models.Func):
    """PostgreSQL: one CSV line, formatted by the database exactly as the Python formatters
    above do (the export's hot path: psycopg then reads one text value per row instead of
    building dates, datetimes and decimals that are only turned back into text).

    ``cells`` is one ``(kind, lookup)`` per column; kind "X" is the ExportID constant. The line
    is ``cell || ',' || cell ...`` (PostgreSQL functions take at most 100 arguments, and
    IncomeBenefits has 77 columns), each cell ``COALESCE(..., '')``.
    """

    output_field = models.TextField()
    _TEMPLATES = {
        # A string is quoted, its double quotes doubled, HUD's forbidden < > [ ] { } stripped;
        # empty (or emptied) is null.
        "S": """CASE WHEN {c} = '' THEN NULL WHEN {c} ~ '[][<>{}"]'"""
        """ THEN '"' || replace(NULLIF(translate({c}, '<>[]{}', ''), ''), '"', '""') || '"'"""
        """ ELSE '"' || {c} || '"' END""",
        "I": "({c})::text",
        "D": """'"' || to_char({c}, 'YYYY-MM-DD') || '"'""",
        "T": """'"' || to_char({c} AT TIME ZONE %s, 'YYYY-MM-DD HH24:MI:SS') || '"'""",
        # numeric(12, 2) prints two decimals.
        "M": "({c})::text",
    }

    def __init__(self, cells: list[tuple[str, str | None]], *, export_cell: str, time_zone: str):
        self.kinds = [kind for kind, _lookup in cells]
        self.export_cell = export_cell
        self.time_zone = time_zone
        expressions = [models.F(lookup) for kind, lookup in cells if kind != "X"]
        super().__init__(*expressions, output_field=models.TextField())

    def as_sql(self, compiler, connection, **extra):
        if connection.vendor != "postgresql":
            raise NotImplementedError("CsvLine formats lines in PostgreSQL only.")
        parts: list[str] = []
        params: list[Any] = []
        expressions = iter(self.get_source_expressions())
        for kind in self.kinds:
            if kind == "X":
                parts.append("%s")
                params.append(self.export_cell)
                continue
            sql, sql_params = compiler.compile(next(expressions))
            cell = self._TEMPLATES[kind].replace("{c}", sql)
            parts.append(f"COALESCE({cell}, '')")
            params.extend(sql_params)
            if kind == "T":
                params.append(self.time_zone)
        return "(" + " || ',' || ".join(parts) + ")", params


def _kind(hud_file: HudFile, column: HudColumn, hash_status: int) -> str:
    if column.is_relation and column.relation.model_name == "Export":
        return "X"  # every row carries this export's ExportID
    if hash_status == SHA_256 and hud_file.file_name == "Client.csv":
        if column.csv_column in HASHED_NAME_COLUMNS:
            return "HN"
        if column.csv_column == HASHED_SSN_COLUMN:
            return "HS"
    if column.is_relation:
        return "S"
    base = column.spec.base_type
    if base not in {"S", "I", "D", "T", "M"}:
        raise ExportError(f"{hud_file.file_name} {column.csv_column}: unknown type {base!r}")
    return base


# --- selection -----------------------------------------------------------------------------


class _Selection:
    """The querysets of one export, built from the parameters (no rows are read here)."""

    def __init__(
        self,
        *,
        project_pks: list[int],
        coc_code: str | None,
        start: date,
        end: date,
        period_type: int,
        include_deleted: bool,
    ):
        self.project_pks = project_pks
        self.coc_code = coc_code
        self.start = start
        self.end = end
        self.period_type = period_type
        self.include_deleted = include_deleted
        local = timezone.get_default_timezone()
        # The "updated" window: from start 00:00 to the end of the end date, local time.
        self.changed_from = datetime.combine(start, dt_time.min, tzinfo=local)
        self.changed_before = datetime.combine(end + timedelta(days=1), dt_time.min, tzinfo=local)

    def manager(self, model) -> models.QuerySet:
        base = model.all_objects if self.include_deleted else model.objects
        return base.all()

    def changed(self) -> Q:
        window = {"gte": self.changed_from, "lt": self.changed_before}
        return (
            Q(**{f"date_created__{k}": v for k, v in window.items()})
            | Q(**{f"date_updated__{k}": v for k, v in window.items()})
            | Q(**{f"date_deleted__{k}": v for k, v in window.items()})
        )

    def _period(self, queryset: models.QuerySet) -> models.QuerySet:
        if self.period_type == UPDATED:
            return queryset.filter(self.changed())
        return queryset

    # project descriptor files

    def _projects(self) -> models.QuerySet:
        """The selected projects and the residential projects their affiliations name (HUD:
        "Project.csv must include records for all projects selected by the user for inclusion
        in the export and for any ResProjectID in Affiliation.csv"). A selected project is
        never deleted unless the export includes deleted records (the scope comes from the
        active manager); a residential project that an exported affiliation names is exported
        even when deleted."""
        residential = self.affiliations().values("res_project_id")
        return hmis.Project.all_objects.filter(Q(pk__in=self.project_pks) | Q(pk__in=residential))

    def projects(self) -> models.QuerySet:
        return self._period(self._projects())

    def organizations(self) -> models.QuerySet:
        """The organizations of the projects (HUD: "one record in Organization.csv for each
        OrganizationID in Project.csv"), deleted or not."""
        organizations = hmis.Organization.all_objects.filter(
            pk__in=self._projects().values("organization_id")
        )
        return self._period(organizations)

    def affiliations(self) -> models.QuerySet:
        return self._period(self.manager(hmis.Affiliation).filter(project_id__in=self.project_pks))

    def descriptor(self, model) -> models.QuerySet:
        queryset = self.manager(model).filter(project_id__in=self.project_pks)
        if self.coc_code and model in (hmis.ProjectCoC, hmis.Inventory):
            queryset = queryset.filter(coc_code=self.coc_code)
        return self._period(queryset)

    # enrollments and what hangs off them

    def enrollments(self) -> models.QuerySet:
        """Reporting period: enrollments of the selected projects with EntryDate <= end and no
        exit before start (HUD: "Project Start Date is on or before the Export End Date; Project
        Exit Date is null OR Project Exit Date is on or after the Export Start Date")."""
        enrollments = self.manager(hmis.Enrollment).filter(project_id__in=self.project_pks)
        if self.coc_code:
            # HUD: "A CoC Code associated with the EnrollmentID(s) matches one or more CoC
            # Code(s) selected by a user". An enrollment without EnrollmentCoC follows its
            # project, which is in the CoC.
            enrollments = enrollments.filter(Q(enrollment_coc=self.coc_code) | Q(enrollment_coc=""))
        if self.period_type == UPDATED:
            return enrollments.filter(self.changed())
        if not self.include_deleted:
            enrollments = enrollments.filter(client__date_deleted__isnull=True)
        return enrollments.filter(entry_date__lte=self.end).exclude(
            Exists(hmis.Exit.objects.filter(enrollment_id=OuterRef("pk"), exit_date__lt=self.start))
        )

    def _in_scope_enrollments(self) -> models.QuerySet:
        """For "updated" exports: every enrollment of the selected projects (a record changed in
        the period belongs to the export whatever its enrollment's dates)."""
        enrollments = self.manager(hmis.Enrollment).filter(project_id__in=self.project_pks)
        if self.coc_code:
            enrollments = enrollments.filter(Q(enrollment_coc=self.coc_code) | Q(enrollment_coc=""))
        return enrollments

    def clients(self) -> models.QuerySet:
        """Every client of an exported enrollment (reporting period), or every client of the
        selected projects changed in the period (updated)."""
        if self.period_type == UPDATED:
            owners = self._in_scope_enrollments().values("client_id")
            return self.manager(hmis.Client).filter(pk__in=owners).filter(self.changed())
        return self.manager(hmis.Client).filter(pk__in=self.enrollments().values("client_id"))

    def enrollment_records(self, hud_file: HudFile) -> models.QuerySet:
        """Records of the exported enrollments. Reporting period: only those whose key date is
        not after the end (HUD: "data 'from the future' relative to the export range is not
        included ... Data prior to the export range should be included so long as it is
        attached to an enrollment which is active in the range")."""
        model = hud_file.model
        if model in (hmis.AssessmentQuestions, hmis.AssessmentResults):
            assessments = self.enrollment_records(HUD_FILES["Assessment.csv"])
            if self.period_type == UPDATED:
                assessments = self.manager(hmis.Assessment).filter(
                    enrollment_id__in=self._in_scope_enrollments().values("pk")
                )
            queryset = self.manager(model).filter(assessment_id__in=assessments.values("pk"))
            return self._period(queryset)
        if self.period_type == UPDATED:
            queryset = self.manager(model).filter(
                enrollment_id__in=self._in_scope_enrollments().values("pk")
            )
            return queryset.filter(self.changed())
        queryset = self.manager(model).filter(enrollment_id__in=self.enrollments().values("pk"))
        key_date = hud_file.key_date_field
        if key_date:
            queryset = queryset.filter(**{f"{key_date}__lte": self.end})
        return queryset

    def queryset(self, file_name: str) -> models.QuerySet:
        hud_file = HUD_FILES[file_name]
        if file_name == "Organization.csv":
            return self.organizations()
        if file_name == "Project.csv":
            return self.projects()
        if file_name == "Affiliation.csv":
            return self.affiliations()
        if file_name in DESCRIPTOR_FILES:
            return self.descriptor(hud_file.model)
        if file_name == "Client.csv":
            return self.clients()
        if file_name == "Enrollment.csv":
            return self.enrollments()
        if file_name in ENROLLMENT_FILES:
            return self.enrollment_records(hud_file)
        raise KeyError(file_name)


# --- scope -------------------------------------------------------------------------------------


def _project_pk(project: Any) -> int:
    return project.pk if isinstance(project, models.Model) else int(project)


def _select_projects(user, projects, coc_code: str | None, include_deleted: bool) -> list[int]:
    """The primary keys of the projects to export, within what ``user`` may reach."""
    from sunflower.accounts.policy import Action, can, visible_projects

    action = Action.RUN_PROGRAM_REPORTS

    def reachable_deleted(among: set[int] | None = None) -> set[int]:
        # Deleted projects are outside visible_projects (active records only); the policy
        # still decides, project by project, whether this user may reach them.
        deleted = hmis.Project.all_objects.filter(date_deleted__isnull=False)
        if among is not None:
            deleted = deleted.filter(pk__in=among)
        return {project.pk for project in deleted if can(user, action, project)}

    if user is None:
        reachable = (
            hmis.Project.all_objects.all() if include_deleted else hmis.Project.objects.all()
        )
    else:
        if not can(user, action):
            raise PermissionDenied("You may not export HMIS data.")
        reachable = visible_projects(user, action)
    if projects is None:
        allowed = set(reachable.values_list("pk", flat=True))
        if user is not None and include_deleted:
            allowed |= reachable_deleted()
    else:
        wanted = (
            set(projects.values_list("pk", flat=True))
            if isinstance(projects, models.QuerySet)
            else {_project_pk(project) for project in projects}
        )
        allowed = set(reachable.filter(pk__in=wanted).values_list("pk", flat=True))
        if user is not None and include_deleted and wanted - allowed:
            allowed |= reachable_deleted(wanted - allowed)
        refused = wanted - allowed
        if refused:
            if user is None:
                raise ExportError(f"No such project: {sorted(refused)}")
            raise PermissionDenied(f"You may not export {len(refused)} of the projects asked for.")
    candidates = hmis.Project.all_objects.filter(pk__in=sorted(allowed))
    if coc_code:
        in_coc = hmis.ProjectCoC.objects.filter(project_id=OuterRef("pk"), coc_code=coc_code)
        candidates = candidates.filter(Exists(in_coc))
    selected = list(candidates.values_list("pk", "project_id"))
    # HUD identifiers are unique per data source only: two sources' projects with one ProjectID
    # would make an export whose IDs clash.
    repeated = sorted(k for k, n in Counter(h for _pk, h in selected).items() if n > 1)
    if repeated:
        raise ExportError(
            f"ProjectIDs {', '.join(repeated[:5])} belong to projects of several data sources; "
            "export one data source at a time."
        )
    return sorted(pk for pk, _hud_id in selected)


def _source_id(project_pks: list[int], coc_code: str | None) -> str:
    """HUD: the CoC code(s) of the export, "in a semicolon-separated list"; S350."""
    if coc_code:
        return coc_code
    codes = sorted(
        set(
            hmis.ProjectCoC.objects.filter(project_id__in=project_pks)
            .values_list("coc_code", flat=True)
            .distinct()
        )
    )
    source_id = ""
    for code in codes:
        candidate = f"{source_id};{code}" if source_id else code
        if len(candidate) > 350:
            break
        source_id = candidate
    return source_id


def implementation_id() -> str:
    """HUD's ImplementationID: "unique to every source database ... should not change over
    time". ``settings.HMIS_IMPLEMENTATION_ID`` when set; otherwise derived from the creation time
    of this database's native data source (made once, by migration hmis.0002)."""
    configured = getattr(settings, "HMIS_IMPLEMENTATION_ID", "")
    if configured:
        return str(configured)[:200]
    native = hmis.DataSource.native()
    digest = hashlib.sha256(native.created_at.isoformat().encode()).hexdigest()[:24]
    return f"sunflower-{digest}"


def software_version() -> str:
    try:
        return metadata.version("sunflower")[:50]
    except metadata.PackageNotFoundError:
        return ""


def _phone(value: str) -> str:
    digits = re.sub(r"\D", "", value or "")
    return digits if re.fullmatch(r"[2-9][0-9]{2}[2-9][0-9]{2}[0-9]{4}", digits) else ""


def _export_record(
    user,
    *,
    source_id: str,
    start: date,
    end: date,
    period_type: int,
    directive: int,
    hash_status: int,
) -> hmis.Export:
    """The Export.csv row (saved once the zip is complete)."""
    return hmis.Export(
        source_type=SOURCE_TYPE_COC_HMIS,
        source_id=source_id,
        source_name=str(getattr(settings, "HMIS_SOURCE_NAME", "Sunflower HMIS"))[:50],
        source_contact_first=(getattr(user, "first_name", "") or "")[:50],
        source_contact_last=(getattr(user, "last_name", "") or "")[:50],
        source_contact_phone=_phone(getattr(user, "phone", "")),
        source_contact_email=(getattr(user, "email", "") or "")[:320],
        export_date=timezone.now().replace(microsecond=0),
        export_start_date=start,
        export_end_date=end,
        software_name=SOFTWARE_NAME,
        software_version=software_version(),
        csv_version=CSV_VERSION,
        export_period_type=period_type,
        export_directive=directive,
        hash_status=hash_status,
        implementation_id=implementation_id(),
    )


# --- the export --------------------------------------------------------------------------------


def export_hmis_csv(
    *,
    user,
    output: str | os.PathLike | BinaryIO,
    projects: Iterable[Any] | models.QuerySet | None = None,
    coc_code: str | None = None,
    start: date,
    end: date,
    period_type: int = REPORTING_PERIOD,
    directive: int = FULL_REFRESH,
    hash_status: int = UNHASHED,
    progress: Callable[[str, int], None] | None = None,
    compresslevel: int = 1,
    format_in_database: bool = True,
) -> ExportResult:
    """Write an HMIS CSV FY2026 export (a zip of the 24 files) to ``output``.

    ``user``: the requesting user; only projects they may reach for RUN_PROGRAM_REPORTS are
    exported, and asking for another raises PermissionDenied. ``None`` means the system
    (management command ``--all``): no restriction. ``projects``: Project instances, primary
    keys or a queryset; ``None`` for every reachable project. ``coc_code``: only projects with a
    ProjectCoC row for that CoC (and, per HUD, enrollments in that CoC). ``period_type``: 3
    reporting period or 1 updated. ``directive``: 2 full refresh (deleted records left out) or 1
    delta refresh (deleted records included with DateDeleted). ``hash_status``: 1 or 4 (SHA-256).
    ``progress(file_name, rows_written)`` is called after every chunk and at the end of each file.
    ``format_in_database``: on PostgreSQL, let the database format the lines (the same bytes as
    the Python formatters; False is for the test that proves it).
    """
    if start > end:
        raise ExportError(f"The start date {start} is after the end date {end}.")
    if period_type not in (REPORTING_PERIOD, UPDATED):
        raise ExportError("ExportPeriodType must be 3 (reporting period) or 1 (updated).")
    if directive not in (FULL_REFRESH, DELTA_REFRESH):
        raise ExportError("ExportDirective must be 2 (full refresh) or 1 (delta refresh).")
    if hash_status not in (UNHASHED, SHA_256):
        raise ExportError("HashStatus must be 1 (unhashed) or 4 (SHA-256).")
    if coc_code is not None and not re.fullmatch(r"[A-Za-z]{2}-[0-9]{3}", coc_code):
        raise ExportError(f"{coc_code!r} is not a CoC code (two letters, a dash, three digits).")
    started = time.perf_counter()
    include_deleted = directive == DELTA_REFRESH

    own_file = not hasattr(output, "write")
    path = Path(output) if own_file else None
    # PostgreSQL: one REPEATABLE READ transaction, so that every file sees the same data (HUD:
    # "All files required for a given export will be generated as part of a single process").
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    try:
        with transaction.atomic() if snapshot else contextlib.nullcontext():
            if snapshot:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ WRITE")
                    # The rows are read through server-side cursors, which PostgreSQL plans for
                    # the first 10% of the rows by default; the export reads them all.
                    cursor.execute("SET LOCAL cursor_tuple_fraction = 1.0")
            project_pks = _select_projects(user, projects, coc_code, include_deleted)
            export = _export_record(
                user,
                source_id=_source_id(project_pks, coc_code),
                start=start,
                end=end,
                period_type=period_type,
                directive=directive,
                hash_status=hash_status,
            )
            selection = _Selection(
                project_pks=project_pks,
                coc_code=coc_code,
                start=start,
                end=end,
                period_type=period_type,
                include_deleted=include_deleted,
            )
            result = ExportResult(
                export_id=export.export_id,
                start=start,
                end=end,
                period_type=period_type,
                directive=directive,
                hash_status=hash_status,
                project_ids=list(
                    hmis.Project.all_objects.filter(pk__in=project_pks).values_list(
                        "project_id", flat=True
                    )
                ),
                path=path,
            )
            handle = open(path, "wb") if own_file else output  # noqa: SIM115
            try:
                _write_zip(
                    handle,
                    export,
                    selection,
                    result,
                    hash_status,
                    progress,
                    compresslevel,
                    in_database=connection.vendor == "postgresql" and format_in_database,
                )
            finally:
                if own_file:
                    handle.close()
            _save_export(user, export)
    except BaseException:
        if own_file and path is not None and path.exists():
            path.unlink()
        raise
    result.seconds = time.perf_counter() - started
    return result


def _save_export(user, export: hmis.Export) -> None:
    """Keep the Export row (docs/hud-data-model.md: "one row per export received (import) or
    produced (export)"); the audit log records who made it."""
    from auditlog.context import set_actor

    if user is not None:
        with set_actor(user):
            export.save()
    else:
        export.save()


class _ZipWriter:
    """The zip, written by a thread of its own: the export's main thread reads and formats rows
    while this one compresses and writes them (zlib and the database both release the GIL, so
    the two overlap). Each file is an entry opened with ``ZipFile.open(name, "w")`` and wrapped
    in a UTF-8 text writer. At most ``QUEUE_CHUNKS`` chunks wait in the queue (bounded memory).
    """

    QUEUE_CHUNKS = 4

    def __init__(self, handle: BinaryIO, compresslevel: int):
        self._queue: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=self.QUEUE_CHUNKS)
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._run, args=(handle, compresslevel), name="hmis-csv-zip", daemon=True
        )
        self._thread.start()

    def open(self, name: str) -> None:
        self._put("open", name)

    def write(self, text: str) -> None:
        self._put("write", text)

    def close_entry(self) -> None:
        self._put("close", None)

    def finish(self) -> None:
        """Close the zip (its central directory is written now); raise the writer's error."""
        self._queue.put(("finish", None))
        self._thread.join()
        if self._error is not None:
            raise self._error

    def abort(self) -> None:
        self._queue.put(("abort", None))
        self._thread.join()

    def _put(self, operation: str, argument: Any) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put((operation, argument))

    def _run(self, handle: BinaryIO, compresslevel: int) -> None:
        try:
            with zipfile.ZipFile(
                handle, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel
            ) as archive:
                text = None
                while True:
                    operation, argument = self._queue.get()
                    if operation == "write":
                        text.write(argument)
                    elif operation == "open":
                        text = io.TextIOWrapper(
                            archive.open(argument, "w", force_zip64=True),
                            encoding="utf-8",
                            newline="",
                            write_through=True,
                        )
                    elif operation == "close":
                        text.close()
                        text = None
                    elif operation == "finish":
                        return
                    else:  # abort: leave the partial zip (the caller removes its own file)
                        return
        except BaseException as error:  # handed to the main thread
            self._error = error
            # Keep taking chunks so that the main thread never waits on a full queue.
            while self._queue.get()[0] not in ("finish", "abort"):
                pass


def _write_zip(
    handle: BinaryIO,
    export: hmis.Export,
    selection: _Selection,
    result: ExportResult,
    hash_status: int,
    progress: Callable[[str, int], None] | None,
    compresslevel: int,
    in_database: bool,
) -> None:
    users: set[int] = set()
    writer = _ZipWriter(handle, compresslevel)
    try:
        for file_name in FILE_ORDER:
            began = time.perf_counter()
            spec = _file_spec(
                HUD_FILES[file_name],
                export.export_id,
                hash_status,
                in_database=in_database and file_name not in ("Export.csv", "User.csv"),
            )
            writer.open(file_name)
            writer.write(",".join(f'"{h}"' for h in spec.hud_file.headers) + NEWLINE)
            if file_name == "Export.csv":
                row = tuple(getattr(export, f) for f in spec.fields)
                writer.write(spec.format_rows([row]))
                count = 1
            elif file_name == "User.csv":
                count = _write_users(writer, spec, users, file_name, progress)
            else:
                queryset = selection.queryset(file_name)
                count = _write_rows(writer, spec, queryset, users, file_name, progress)
            writer.close_entry()
            result.counts[file_name] = count
            result.file_seconds[file_name] = time.perf_counter() - began
    except BaseException:
        writer.abort()
        raise
    writer.finish()


def _write_rows(text, spec: _FileSpec, queryset, users: set[int], file_name: str, progress) -> int:
    rows_iter = queryset.order_by().values_list(*spec.fields).iterator(chunk_size=CHUNK_SIZE)
    count = 0
    while True:
        chunk = list(itertools.islice(rows_iter, CHUNK_SIZE))
        if not chunk:
            break
        text.write(spec.format_rows(chunk))
        if spec.collect_users:
            users.update(row[-1] for row in chunk)
        count += len(chunk)
        if progress is not None:
            progress(file_name, count)
    if progress is not None and count == 0:
        progress(file_name, 0)
    return count


def _write_users(text, spec: _FileSpec, users: set[int], file_name: str, progress) -> int:
    """User.csv: every user an exported row names (HUD: "User.csv must include user information
    for all users included in other tables"), deleted or not. HmisUser is a small table: it is
    read whole and filtered here, so that the query does not grow with the number of users."""
    rows = (
        hmis.HmisUser.all_objects.order_by("pk")
        .values_list("pk", *spec.fields)
        .iterator(chunk_size=CHUNK_SIZE)
    )
    count = 0
    batch: list[tuple] = []
    for row in rows:
        if row[0] in users:
            batch.append(row[1:])
            if len(batch) == CHUNK_SIZE:
                text.write(spec.format_rows(batch))
                count += len(batch)
                batch = []
    if batch:
        text.write(spec.format_rows(batch))
        count += len(batch)
    if progress is not None:
        progress(file_name, count)
    return count


# Public names for the report engine (sunflower/reports/engine/database.py), which reads the
# same selection of records as an export of the same parameters, straight into data frames.
select_projects = _select_projects
ExportSelection = _Selection
