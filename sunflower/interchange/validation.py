"""Pass 1 of an import: read every file once and find everything wrong, writing nothing.

Streams each file (``reader``), checks its header against the spec, parses every value by the
spec's type, checks codes, relations, duplicate identifiers and the cross-record rules, and
records findings (``findings.CODES`` says which are errors and which are warnings, and why).

Memory stays bounded by the number of records, not their size: only the identifier sets of each
file and a few small facts per enrollment (entry, move-in and exit dates, client) and per project
(type, CoC codes) are kept. Pass 2 (``writer``) reads the files again to write them.

Files are read in HUD's order, except that User.csv is read right after Export.csv, because every
file before it (Organization.csv) names UserIDs.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from sunflower.hmis import models as hmis
from sunflower.hmis import vocabulary
from sunflower.hmis.hud_columns import HUD_FILES, HudColumn, HudFile, hud_file_for
from sunflower.hmis.models.enrollment import (
    DISABILITY_RESPONSE_DEFAULT_LIST,
    DISABILITY_RESPONSE_LISTS,
    SSVF_RECORD_TYPE,
    SUB_TYPE_PROVIDED_LISTS,
    TYPE_PROVIDED_LISTS,
)
from sunflower.interchange.findings import Findings
from sunflower.interchange.reader import (
    CsvFile,
    FileScan,
    Header,
    ReadError,
    Source,
    map_header,
    scan,
)

Progress = Callable[[str, int, int], None]

# Validation and write order: HUD's, with User.csv moved up (see the module doc).
FILE_ORDER: list[str] = ["Export.csv", "User.csv"] + [
    name for name in HUD_FILES if name not in ("Export.csv", "User.csv")
]
HUD_ORDER = {name: position for position, name in enumerate(HUD_FILES)}

INT_MIN, INT_MAX = -(2**31), 2**31 - 1
MONEY_MAX_INTEGER_DIGITS = 10  # DecimalField(max_digits=12, decimal_places=2)
PERMANENT_HOUSING_TYPES = {"3", "9", "10", "13"}  # PSH, PH housing only, PH with services, RRH
HEAD_OF_HOUSEHOLD = "1"
RACE_COLUMNS = (
    "AmIndAKNative",
    "Asian",
    "BlackAfAmerican",
    "HispanicLatinao",
    "MidEastNAfrican",
    "NativeHIPacific",
    "White",
)


def retired_codes(list_name: str) -> dict[str, str]:
    """{code: label} of the codes HUD retired from `list_name` (the vocabulary lists them so
    that historical records keep them; importing one is a warning)."""
    codes = vocabulary.RETIRED_CODES.get(list_name, ())
    choices = vocabulary.HUD_LISTS.get(list_name)
    return {str(code): choices(code).label for code in sorted(codes)} if choices else {}


# Non-nullable text columns that are descriptions, not identifiers: empty is a warning.
DESCRIPTIVE_TEXT = {
    ("Export.csv", "SoftwareName"),
    ("Export.csv", "ImplementationID"),
    ("Organization.csv", "OrganizationName"),
    ("Project.csv", "ProjectName"),
    ("Funder.csv", "GrantID"),
    ("ProjectCoC.csv", "Geocode"),
    ("Assessment.csv", "AssessmentLocation"),
    ("AssessmentQuestions.csv", "AssessmentQuestion"),
    ("AssessmentResults.csv", "AssessmentResultType"),
}

# End dates the database checks against their start date: file -> (start, end).
END_NOT_BEFORE_START = {
    "Export.csv": ("ExportStartDate", "ExportEndDate"),
    "Project.csv": ("OperatingStartDate", "OperatingEndDate"),
    "Funder.csv": ("StartDate", "EndDate"),
    "Inventory.csv": ("InventoryStartDate", "InventoryEndDate"),
}

_INT = re.compile(r"-?[0-9]+")
_MONEY = re.compile(r"-?[0-9]+(?:\.[0-9]{1,2})?|-?\.[0-9]{1,2}")
_SSN = re.compile(r"[0-9xX]{9}")

# Kinds of column check.
STR, CODE, INT, DATE, DATETIME, MONEY, PK, REF, USER, EXPORT = range(10)


def mask(value: str, pii: str | None) -> str:
    """A value for a finding: personal data is masked (an SSN keeps its last 4 characters)."""
    if not pii or not value:
        return value
    if pii == hmis.PiiKind.SSN:
        return "*" * max(len(value) - 4, 0) + value[-4:] if len(value) > 4 else "*" * len(value)
    return "*" * min(len(value), 20)


_CODES_OF: dict[type, frozenset[str]] = {}


def codes_of(choices) -> frozenset[str]:
    """The codes of a vocabulary class as strings (cached: called per row)."""
    codes = _CODES_OF.get(choices)
    if codes is None:
        codes = _CODES_OF[choices] = frozenset(str(value) for value in choices.values)
    return codes


def list_text(name: str, codes) -> str:
    ordered = sorted(codes, key=lambda code: (len(code), code))
    shown = ", ".join(ordered[:40]) + (", …" if len(ordered) > 40 else "")
    return f"a code of HUD list {name}: {shown}"


class _Everything:
    def __contains__(self, value) -> bool:
        return True


_EVERYTHING = _Everything()


class Rule:
    """How one column of one file is checked."""

    __slots__ = (
        "column",
        "index",
        "kind",
        "spec",
        "required",
        "missing_code",
        "max_length",
        "codes",
        "list_name",
        "retired",
        "non_negative",
        "parent",
        "pii",
        "expected",
    )

    def __init__(self, hud_file: HudFile, column: HudColumn, index: int):
        spec = column.spec
        model = hud_file.model
        self.column = column.csv_column
        self.index = index
        self.spec = spec
        self.max_length = spec.max_length
        self.codes: frozenset[str] | None = None
        self.list_name = spec.value_list
        self.retired = retired_codes(spec.value_list) if spec.value_list else {}
        self.non_negative = spec.type == "M+"
        self.parent: str | None = None
        self.pii = getattr(model, "pii_fields", {}).get(column.field_name)
        base = spec.base_type
        if column.csv_column == hud_file.primary_key:
            self.kind = PK
        elif column.relation is not None:
            parent_file = hud_file_for(column.relation.model).file_name
            self.parent = parent_file
            self.kind = {"User.csv": USER, "Export.csv": EXPORT}.get(parent_file, REF)
        elif base == "S":
            self.kind = STR
        elif base == "I":
            self.kind = INT
        elif base == "D":
            self.kind = DATE
        elif base == "T":
            self.kind = DATETIME
        else:
            self.kind = MONEY
        if self.kind in (STR, INT) and not spec.conditional_value_lists:
            field = model._meta.get_field(column.field_name)
            if field.choices:
                self.codes = frozenset(str(value) for value, _label in field.flatchoices)
                if self.kind == INT:
                    self.kind = CODE
        self.required = not spec.nullable
        key = (hud_file.file_name, column.csv_column)
        if not self.required:
            self.missing_code = None
        elif self.kind == USER:
            self.missing_code = "missing_user_id"
        elif self.kind == EXPORT:
            self.missing_code = "missing_export_id"
        elif key in DESCRIPTIVE_TEXT:
            self.missing_code = "missing_text"
        else:
            self.missing_code = "missing_value"
        self.expected = self._expected()

    def _expected(self) -> str:
        spec = self.spec
        if self.codes is not None:
            text = list_text(self.list_name, self.codes)
        elif self.kind in (PK, REF, USER, EXPORT, STR):
            text = f"text of at most {self.max_length} characters"
        elif self.kind == INT:
            text = "a whole number"
        elif self.kind == DATE:
            text = "a date YYYY-MM-DD"
        elif self.kind == DATETIME:
            text = "a date and time YYYY-MM-DD HH:MM:SS"
        else:
            text = "an amount like 1234.56" + (", not negative" if self.non_negative else "")
        if spec.conditional_value_lists:
            text = f"a code of the list that applies: {spec.conditional_value_lists}"
        return text + ("" if spec.nullable else "; required")


@dataclass
class FilePlan:
    """A file that passed its checks: where it is, how it is encoded, its header, its rows."""

    hud_file: HudFile
    scan: FileScan
    header: Header
    rows: int = 0


@dataclass
class Plan:
    """What pass 1 hands pass 2."""

    files: dict[str, FilePlan] = field(default_factory=dict)
    source_name: str = ""
    data_source: hmis.DataSource | None = None  # the existing one, if any
    export: dict[str, str] = field(default_factory=dict)  # Export.csv's row

    @property
    def total_rows(self) -> int:
        return sum(plan.rows for plan in self.files.values())


class _Enrollment:
    __slots__ = ("entry", "move_in", "exit", "personal_id", "line")

    def __init__(self, entry: int, move_in: int, personal_id: str, line: int):
        self.entry = entry
        self.move_in = move_in
        self.exit = 0
        self.personal_id = personal_id
        self.line = line


class Validator:
    """Pass 1. ``run()`` returns the Plan; the findings land in ``findings``."""

    def __init__(
        self,
        source: Source,
        findings: Findings,
        source_name: str | None = None,
        progress: Progress | None = None,
        progress_every: int = 10_000,
    ):
        self.source = source
        self.findings = findings
        self.requested_source = (source_name or "").strip()
        self.progress = progress
        self.progress_every = progress_every
        self.plan = Plan()
        self.ids: dict[str, set[str]] = {name: set() for name in HUD_FILES}
        # parent file -> {hud id: [count, [(file, line, column), ...]]}; at most
        # findings.limit places are kept in all (the rest are counted).
        self.deferred: dict[str, dict[str, list]] = {}
        self.deferred_places = 0
        self.export_id = ""
        self.project_types: dict[str, str] = {}
        self.project_cocs: dict[str, set[str]] = {}
        self.enrollments: dict[str, _Enrollment] = {}
        self.households: dict[str, list[int]] = {}  # id -> [heads, members, first line]
        self.exited: set[str] = set()
        self._dates: dict[str, int | None] = {}
        self.done = 0
        self.total = 0
        self.file = ""

    # --- helpers ------------------------------------------------------------------------------
    def add(self, code, line=None, column="", value="", message="", expected="", pii=None):
        self.findings.add(
            code,
            file=self.file,
            line=line,
            column=column,
            value=mask(value, pii),
            message=message,
            expected=expected,
        )

    def date(self, value: str) -> int | None:
        """Ordinal of a YYYY-MM-DD date, or None; cached (dates repeat a lot)."""
        cached = self._dates.get(value, -1)
        if cached != -1:
            return cached
        result = None
        if len(value) == 10 and value[4] == "-" and value[7] == "-":
            try:
                result = dt.date.fromisoformat(value).toordinal()
            except ValueError:
                result = None
        if len(self._dates) > 500_000:
            self._dates.clear()
        self._dates[value] = result
        return result

    @staticmethod
    def datetime_ok(value: str) -> bool:
        if len(value) != 19 or value[10] != " " or value[4] != "-" or value[13] != ":":
            return False
        try:
            dt.datetime.fromisoformat(value)
        except ValueError:
            return False
        return True

    # --- the run ------------------------------------------------------------------------------
    def run(self) -> Plan:
        present = self.source.files
        scans: dict[str, FileScan] = {}
        if self.source.refused:
            return self.plan
        for name in FILE_ORDER:
            if name not in present:
                self.file = name
                self.add(
                    "missing_file",
                    message=f"The export has no {name}.",
                    expected="all 24 files of HMIS CSV FY2026 (a file without records has only "
                    "its header)",
                )
        for member in self.source.unknown:
            self.findings.add(
                "unknown_file",
                file=member.replace("\\", "/").rsplit("/", 1)[-1],
                value=member,
                message=f"{member} is not a file of HMIS CSV FY2026; it was not imported.",
            )
        for name in FILE_ORDER:
            if name in present:
                scans[name] = scan(self.source, name, self.findings)
        self.total = sum(max(s.lines - 1, 0) for s in scans.values())
        for name in FILE_ORDER:
            if name in scans and scans[name].ok:
                self.file = name
                self.validate_file(HUD_FILES[name], scans[name])
                if name == "Export.csv":
                    self.after_export()
        self.resolve_deferred()
        self.file = ""
        self._report_progress()
        return self.plan

    def _report_progress(self) -> None:
        if self.progress is not None:
            self.progress("validating", self.done, max(self.total, self.done))

    def validate_file(self, hud_file: HudFile, file_scan: FileScan) -> None:
        name = hud_file.file_name
        try:
            with CsvFile(self.source, file_scan, self.findings) as csv_file:
                if csv_file.header is None:
                    self.add(
                        "empty_file",
                        line=1,
                        message=f"{name} is empty: it has no header line.",
                        expected=", ".join(hud_file.headers),
                    )
                    return
                header = map_header(hud_file, csv_file.header, self.findings)
                if not header.ok:
                    return
                plan = FilePlan(hud_file, file_scan, header)
                self.read_rows(plan, csv_file)
        except ReadError:
            return
        self.plan.files[name] = plan

    def read_rows(self, plan: FilePlan, csv_file: CsvFile) -> None:
        hud_file = plan.hud_file
        name = hud_file.file_name
        index = plan.header.index
        width = len(plan.header.names)
        rules = [Rule(hud_file, column, index[column.csv_column]) for column in hud_file.columns]
        ids = self.ids[name]
        hook = getattr(self, "row_" + name.removesuffix(".csv").lower(), None)
        end_hook = getattr(self, "end_" + name.removesuffix(".csv").lower(), None)
        check_nul = plan.scan.has_nul
        # A parent file that failed its own checks is reported already: its children are not
        # reported as orphans of it too.
        parent_ids = {
            rule.parent: self.ids[rule.parent] if rule.parent in self.plan.files else _EVERYTHING
            for rule in rules
            if rule.parent
        }
        deferring = self.plan.data_source is not None
        export_id = self.export_id
        add = self.add
        date = self.date
        datetime_ok = self.datetime_ok
        int_re = _INT.fullmatch
        money_re = _MONEY.fullmatch
        every = self.progress_every
        rows = 0
        for line, row in csv_file.rows():
            rows += 1
            if rows % every == 0:
                self.done += every
                self._report_progress()
            if len(row) != width:
                add(
                    "wrong_field_count",
                    line=line,
                    value=f"{len(row)} fields",
                    message=f"Line {line} has {len(row)} fields; the header has {width}.",
                    expected=f"{width} fields (quote values that hold commas or line breaks)",
                )
                continue
            if check_nul and any("\x00" in value for value in row):
                for rule in rules:
                    if "\x00" in row[rule.index]:
                        add(
                            "nul_byte",
                            line=line,
                            column=rule.column,
                            value=row[rule.index].replace("\x00", "\\0"),
                            message=f"{rule.column} contains a NUL byte.",
                            expected=rule.expected,
                            pii=rule.pii,
                        )
                continue
            ok = True
            for rule in rules:
                value = row[rule.index]
                if not value:
                    if rule.missing_code is not None:
                        add(
                            rule.missing_code,
                            line=line,
                            column=rule.column,
                            message=f"{rule.column} is empty.",
                            expected=rule.expected,
                        )
                        if rule.missing_code == "missing_value":
                            ok = False
                    continue
                kind = rule.kind
                if kind == CODE:
                    if value in rule.retired:  # listed for history, still worth a warning
                        self.retired_code(plan, rule, line, value)
                        continue
                    if value in rule.codes:
                        continue
                    ok = False
                    if int_re(value):
                        add(
                            "invalid_code",
                            line=line,
                            column=rule.column,
                            value=value,
                            message=f"{rule.column} {value} is not a code of HUD list "
                            f"{rule.list_name}.",
                            expected=rule.expected,
                            pii=rule.pii,
                        )
                    else:
                        add(
                            "not_an_integer",
                            line=line,
                            column=rule.column,
                            value=value,
                            message=f"{rule.column} {value!r} is not a whole number.",
                            expected=rule.expected,
                            pii=rule.pii,
                        )
                elif kind in (REF, PK, STR, USER, EXPORT):
                    if len(value) > rule.max_length:
                        ok = False
                        add(
                            "string_too_long",
                            line=line,
                            column=rule.column,
                            value=value,
                            message=f"{rule.column} is {len(value)} characters long; the spec "
                            f"allows {rule.max_length}.",
                            expected=rule.expected,
                            pii=rule.pii,
                        )
                        continue
                    if kind == REF:
                        if value not in parent_ids[rule.parent]:
                            if deferring:
                                self.defer(rule.parent, value, line, rule.column)
                            else:
                                ok = False
                                self.missing_parent(rule.parent, value, line, rule.column)
                    elif kind == PK:
                        if value in ids:
                            ok = False
                            add(
                                "duplicate_id",
                                line=line,
                                column=rule.column,
                                value=value,
                                message=f"{rule.column} {value} appears more than once in "
                                f"{name}.",
                                expected=f"each {rule.column} once",
                            )
                        else:
                            ids.add(value)
                    elif kind == USER:
                        if value not in parent_ids["User.csv"]:
                            if deferring:
                                self.defer("User.csv", value, line, rule.column)
                            else:
                                self.unknown_user(value, line, rule.column)
                    elif kind == EXPORT:
                        if value != export_id:
                            add(
                                "export_id_mismatch",
                                line=line,
                                column=rule.column,
                                value=value,
                                message=f"ExportID {value} is not Export.csv's ExportID "
                                f"{export_id}; the record is imported without an export.",
                                expected=f"ExportID {export_id}",
                            )
                    elif rule.codes is not None and value not in rule.codes:
                        ok = False
                        add(
                            "invalid_code",
                            line=line,
                            column=rule.column,
                            value=value,
                            message=f"{rule.column} {value} is not a code of HUD list "
                            f"{rule.list_name}.",
                            expected=rule.expected,
                            pii=rule.pii,
                        )
                elif kind == DATE:
                    if date(value) is None:
                        ok = False
                        add(
                            "invalid_date",
                            line=line,
                            column=rule.column,
                            value=value,
                            message=f"{rule.column} {value!r} is not a date YYYY-MM-DD.",
                            expected=rule.expected,
                            pii=rule.pii,
                        )
                elif kind == DATETIME:
                    if not datetime_ok(value):
                        if date(value) is not None:
                            add(
                                "datetime_without_time",
                                line=line,
                                column=rule.column,
                                value=value,
                                message=f"{rule.column} {value} has no time; read as "
                                f"{value} 00:00:00.",
                                expected="a date and time YYYY-MM-DD HH:MM:SS",
                            )
                        else:
                            ok = False
                            add(
                                "invalid_datetime",
                                line=line,
                                column=rule.column,
                                value=value,
                                message=f"{rule.column} {value!r} is not a date and time "
                                "YYYY-MM-DD HH:MM:SS.",
                                expected=rule.expected,
                                pii=rule.pii,
                            )
                elif kind == INT:
                    if not int_re(value):
                        ok = False
                        add(
                            "not_an_integer",
                            line=line,
                            column=rule.column,
                            value=value,
                            message=f"{rule.column} {value!r} is not a whole number.",
                            expected=rule.expected,
                            pii=rule.pii,
                        )
                    elif len(value) >= 10 and not INT_MIN <= int(value) <= INT_MAX:
                        ok = False
                        add(
                            "integer_out_of_range",
                            line=line,
                            column=rule.column,
                            value=value,
                            message=f"{rule.column} {value} is too large for the database.",
                            expected=f"a whole number from {INT_MIN} to {INT_MAX}",
                            pii=rule.pii,
                        )
                else:  # M
                    if not money_re(value) or (
                        len(value.lstrip("-").split(".")[0]) > MONEY_MAX_INTEGER_DIGITS
                    ):
                        ok = False
                        add(
                            "invalid_money",
                            line=line,
                            column=rule.column,
                            value=value,
                            message=f"{rule.column} {value!r} is not an amount.",
                            expected=rule.expected,
                            pii=rule.pii,
                        )
                    elif rule.non_negative and value.startswith("-") and value.strip("-0.") != "":
                        ok = False
                        add(
                            "negative_money",
                            line=line,
                            column=rule.column,
                            value=value,
                            message=f"{rule.column} {value} is negative.",
                            expected=rule.expected,
                            pii=rule.pii,
                        )
            if hook is not None:
                hook(row, index, line, ok)
            if name in END_NOT_BEFORE_START:
                self.check_end_date(row, index, line)
        self.done += rows % every
        plan.rows = rows
        if end_hook is not None:
            end_hook(plan)
        self._report_progress()

    # --- relations ------------------------------------------------------------------------------
    def missing_parent(self, parent_file: str, value: str, line, column: str, file=None) -> None:
        parent = HUD_FILES[parent_file]
        self.findings.add(
            "missing_parent",
            file=file or self.file,
            line=line,
            column=column,
            value=value,
            message=f"{column} {value} is not in {parent_file}"
            + (" nor among this source's records." if self.plan.data_source else "."),
            expected=f"a {parent.primary_key} of {parent_file}",
        )

    def unknown_user(self, value: str, line, column: str, file=None) -> None:
        self.findings.add(
            "unknown_user",
            file=file or self.file,
            line=line,
            column=column,
            value=value,
            message=f"UserID {value} is not in User.csv; the record is imported without a user.",
            expected="a UserID of User.csv",
        )

    def defer(self, parent_file: str, value: str, line: int, column: str) -> None:
        """A parent missing from the file may exist in the database (same source): check later."""
        entry = self.deferred.setdefault(parent_file, {}).get(value)
        if entry is None:
            entry = self.deferred[parent_file][value] = [0, []]
        entry[0] += 1
        if len(entry[1]) < 50 and self.deferred_places < self.findings.limit:
            self.deferred_places += 1
            entry[1].append((self.file, line, column))

    def resolve_deferred(self) -> None:
        data_source = self.plan.data_source
        for parent_file, wanted in self.deferred.items():
            model = HUD_FILES[parent_file].model
            id_field = model.hud_id_field
            found: set[str] = set()
            keys = list(wanted)
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                found.update(
                    model.all_objects.filter(
                        data_source=data_source, **{f"{id_field}__in": chunk}
                    ).values_list(id_field, flat=True)
                )
            for value, (count, places) in wanted.items():
                if value in found:
                    continue
                for file, line, column in places:
                    if parent_file == "User.csv":
                        self.unknown_user(value, line, column, file=file)
                    else:
                        self.missing_parent(parent_file, value, line, column, file=file)
                code = "unknown_user" if parent_file == "User.csv" else "missing_parent"
                self.findings.count_only(code, count - len(places))
        self.deferred.clear()

    # --- codes ---------------------------------------------------------------------------------
    def retired_code(self, plan: FilePlan, rule: Rule, line: int, value: str) -> None:
        label = rule.retired[value]
        message = f"{rule.column} {value} ({label}) is a code HUD retired; imported as sent."
        self.add(
            "retired_code",
            line=line,
            column=rule.column,
            value=value,
            message=message,
            expected=rule.expected,
        )

    def check_end_date(self, row, index, line) -> None:
        start_column, end_column = END_NOT_BEFORE_START[self.file]
        start, end = row[index[start_column]], row[index[end_column]]
        if start and end:
            start_ord, end_ord = self.date(start), self.date(end)
            if start_ord is not None and end_ord is not None and end_ord < start_ord:
                self.add(
                    "end_before_start",
                    line=line,
                    column=end_column,
                    value=end,
                    message=f"{end_column} {end} is before {start_column} {start}.",
                    expected=f"{end_column} on or after {start_column}",
                )

    # --- per-file rules ----------------------------------------------------------------------
    def row_export(self, row, index, line, ok) -> None:
        if not self.plan.export:
            self.plan.export = {column: row[position] for column, position in index.items()}

    def end_export(self, plan: FilePlan) -> None:
        if plan.rows != 1:
            self.add(
                "export_row_count",
                line=2 if plan.rows else None,
                value=str(plan.rows),
                message=f"Export.csv has {plan.rows} rows.",
                expected="exactly one row describing the export",
            )
            return
        export = self.plan.export
        self.export_id = export.get("ExportID", "")
        if export.get("HashStatus") == "4":
            self.add(
                "hashed_export",
                line=2,
                column="HashStatus",
                value="4",
                message="The export is hashed (HashStatus 4, SHA-256): names and SSNs are "
                "hashes Sunflower cannot store.",
                expected="HashStatus 1 (unhashed)",
            )
        version = export.get("CSVVersion", "")
        if version and "2026" not in version:
            self.add(
                "csv_version",
                line=2,
                column="CSVVersion",
                value=version,
                message=f"CSVVersion {version!r} does not name FY2026.",
                expected="2026 v1.0 (or another FY2026 version)",
            )

    def after_export(self) -> None:
        """Export.csv is read: name the data source and look it up (it may not exist yet)."""
        name = self.requested_source or (
            self.plan.export.get("SourceName", "").strip()
            or self.plan.export.get("SourceID", "").strip()
        )
        name = name.replace("\x00", "")[:100]
        self.plan.source_name = name
        if not name:
            self.findings.add(
                "no_source_name",
                file="Export.csv",
                line=2,
                column="SourceName",
                message="There is no data source name: Export.csv has neither SourceName nor "
                "SourceID, and none was given.",
                expected="--source NAME, or SourceName/SourceID in Export.csv",
            )
            return
        data_source = hmis.DataSource.objects.filter(name=name).first()
        if data_source is not None and data_source.is_native:
            self.findings.add(
                "native_source",
                file="Export.csv",
                value=name,
                message=f"{name!r} is Sunflower's own data source; imports cannot write to it.",
                expected="another data source name (--source)",
            )
            return
        self.plan.data_source = data_source

    def row_project(self, row, index, line, ok) -> None:
        self.project_types[row[index["ProjectID"]]] = row[index["ProjectType"]]

    def row_projectcoc(self, row, index, line, ok) -> None:
        if not row[index["DateDeleted"]]:
            self.project_cocs.setdefault(row[index["ProjectID"]], set()).add(
                row[index["CoCCode"]]
            )

    def row_client(self, row, index, line, ok) -> None:
        ssn = row[index["SSN"]]
        if ssn and len(ssn) <= 9 and not _SSN.fullmatch(ssn):
            self.add(
                "invalid_ssn",
                line=line,
                column="SSN",
                value=ssn,
                message=f"SSN has {len(ssn)} characters or characters other than digits and 'x'.",
                expected="9 digits, 'x' for each unknown digit",
                pii=hmis.PiiKind.SSN,
            )
        race_none = row[index["RaceNone"]]
        if race_none and any(row[index[column]] == "1" for column in RACE_COLUMNS):
            self.add(
                "race_none_with_race",
                line=line,
                column="RaceNone",
                value=race_none,
                message="RaceNone is given while a race or ethnicity is Yes.",
                expected="RaceNone empty when any race field is 1",
                pii=hmis.PiiKind.DEMOGRAPHIC,
            )

    def row_enrollment(self, row, index, line, ok) -> None:
        enrollment_id = row[index["EnrollmentID"]]
        entry = self.date(row[index["EntryDate"]])
        move_in_text = row[index["MoveInDate"]]
        move_in = self.date(move_in_text) if move_in_text else None
        if enrollment_id and enrollment_id not in self.enrollments and entry is not None:
            self.enrollments[enrollment_id] = _Enrollment(
                entry, move_in or 0, row[index["PersonalID"]], line
            )
        project_id = row[index["ProjectID"]]
        if move_in_text and project_id in self.project_types:
            project_type = self.project_types[project_id]
            if project_type not in PERMANENT_HOUSING_TYPES:
                self.add(
                    "move_in_non_ph",
                    line=line,
                    column="MoveInDate",
                    value=move_in_text,
                    message=f"MoveInDate on project {project_id}, whose ProjectType "
                    f"{project_type or '(empty)'} is not permanent housing.",
                    expected="MoveInDate only for ProjectType 3, 9, 10 or 13",
                )
        street = row[index["DateToStreetESSH"]]
        if street and entry is not None:
            street_ord = self.date(street)
            if street_ord is not None and street_ord > entry:
                self.add(
                    "date_to_street_after_entry",
                    line=line,
                    column="DateToStreetESSH",
                    value=street,
                    message=f"DateToStreetESSH {street} is after EntryDate "
                    f"{row[index['EntryDate']]}.",
                    expected="DateToStreetESSH on or before EntryDate",
                )
        coc = row[index["EnrollmentCoC"]]
        cocs = self.project_cocs.get(project_id)
        if coc and cocs is not None and coc not in cocs:
            self.add(
                "enrollment_coc_not_in_project",
                line=line,
                column="EnrollmentCoC",
                value=coc,
                message=f"EnrollmentCoC {coc} is not a CoC of project {project_id} "
                f"({', '.join(sorted(cocs))}).",
                expected="one of the project's ProjectCoC codes",
            )
        if not row[index["DateDeleted"]]:
            household_id = row[index["HouseholdID"]]
            if household_id:
                tally = self.households.get(household_id)
                if tally is None:
                    tally = self.households[household_id] = [0, 0, line]
                tally[1] += 1
                if row[index["RelationshipToHoH"]] == HEAD_OF_HOUSEHOLD:
                    tally[0] += 1

    def end_enrollment(self, plan: FilePlan) -> None:
        # In a delta export (the source was imported before) a household's head may be among
        # the records already imported: only two or more heads are certain then.
        delta = self.plan.data_source is not None
        for household_id, (heads, members, line) in self.households.items():
            if heads > 1 or (heads == 0 and not delta):
                self.add(
                    "household_head_count",
                    line=line,
                    column="RelationshipToHoH",
                    value=household_id,
                    message=f"Household {household_id} has {heads} heads of household among "
                    f"{members} enrollments.",
                    expected="exactly one RelationshipToHoH 1 per HouseholdID",
                )
        self.households.clear()

    def _enrollment_of(self, row, index, line) -> _Enrollment | None:
        enrollment = self.enrollments.get(row[index["EnrollmentID"]])
        if enrollment is not None and "PersonalID" in index:
            personal_id = row[index["PersonalID"]]
            if personal_id and personal_id != enrollment.personal_id:
                self.add(
                    "client_mismatch",
                    line=line,
                    column="PersonalID",
                    value=personal_id,
                    message=f"PersonalID {personal_id} is not the client of enrollment "
                    f"{row[index['EnrollmentID']]} ({enrollment.personal_id}).",
                    expected=f"PersonalID {enrollment.personal_id}",
                )
        return enrollment

    def row_exit(self, row, index, line, ok) -> None:
        enrollment = self._enrollment_of(row, index, line)
        exit_text = row[index["ExitDate"]]
        exit_ord = self.date(exit_text) if exit_text else None
        deleted = bool(row[index["DateDeleted"]])
        enrollment_id = row[index["EnrollmentID"]]
        if not deleted and enrollment_id:
            if enrollment_id in self.exited:
                self.add(
                    "duplicate_exit",
                    line=line,
                    column="EnrollmentID",
                    value=enrollment_id,
                    message=f"Enrollment {enrollment_id} already has an exit in Exit.csv.",
                    expected="at most one exit (without DateDeleted) per enrollment",
                )
            else:
                self.exited.add(enrollment_id)
        if enrollment is None or exit_ord is None:
            return
        if not deleted and exit_ord < enrollment.entry:
            self.add(
                "exit_before_entry",
                line=line,
                column="ExitDate",
                value=exit_text,
                message=f"ExitDate {exit_text} is before the EntryDate "
                f"{dt.date.fromordinal(enrollment.entry)} of enrollment {enrollment_id}.",
                expected=f"on or after {dt.date.fromordinal(enrollment.entry)}",
            )
        if not deleted:
            enrollment.exit = exit_ord
            if enrollment.move_in and enrollment.move_in > exit_ord:
                self.add(
                    "move_in_after_exit",
                    line=line,
                    column="ExitDate",
                    value=exit_text,
                    message=f"The MoveInDate {dt.date.fromordinal(enrollment.move_in)} of "
                    f"enrollment {enrollment_id} is after its ExitDate {exit_text}.",
                    expected="MoveInDate on or before ExitDate",
                )

    def _child(self, row, index, line, ok) -> None:
        self._enrollment_of(row, index, line)

    row_incomebenefits = row_healthanddv = row_employmenteducation = _child
    row_assessment = row_event = row_youtheducationstatus = _child
    row_assessmentquestions = row_assessmentresults = _child

    def row_currentlivingsituation(self, row, index, line, ok) -> None:
        enrollment = self._enrollment_of(row, index, line)
        info = row[index["InformationDate"]]
        info_ord = self.date(info) if info else None
        if enrollment is None or info_ord is None:
            return
        if info_ord < enrollment.entry or (enrollment.exit and info_ord > enrollment.exit):
            end = dt.date.fromordinal(enrollment.exit) if enrollment.exit else "open"
            self.add(
                "cls_outside_enrollment",
                line=line,
                column="InformationDate",
                value=info,
                message=f"InformationDate {info} is outside enrollment "
                f"{row[index['EnrollmentID']]} ({dt.date.fromordinal(enrollment.entry)} to "
                f"{end}).",
                expected="a date within the enrollment",
            )

    def _conditional(self, row, index, line, column, value, codes, list_name) -> bool:
        if value in codes:
            return True
        code = "invalid_code" if _INT.fullmatch(value) else "not_an_integer"
        self.add(
            code,
            line=line,
            column=column,
            value=value,
            message=f"{column} {value} is not a code of HUD list {list_name}, which applies "
            "here."
            if code == "invalid_code"
            else f"{column} {value!r} is not a whole number.",
            expected=list_text(list_name, codes),
        )
        return False

    def row_services(self, row, index, line, ok) -> None:
        self._enrollment_of(row, index, line)
        record_type = row[index["RecordType"]]
        type_provided = row[index["TypeProvided"]]
        choices = TYPE_PROVIDED_LISTS.get(int(record_type)) if _INT.fullmatch(record_type) else None
        if choices is not None and type_provided:
            self._conditional(
                row, index, line, "TypeProvided", type_provided, codes_of(choices),
                choices.__name__,
            )
        sub_type = row[index["SubTypeProvided"]]
        if not sub_type:
            return
        sub_choices = None
        if record_type == str(SSVF_RECORD_TYPE) and _INT.fullmatch(type_provided or "x"):
            sub_choices = SUB_TYPE_PROVIDED_LISTS.get(int(type_provided))
        if sub_choices is None:
            if not _INT.fullmatch(sub_type):
                self._conditional(row, index, line, "SubTypeProvided", sub_type, (), "any")
                return
            self.add(
                "sub_type_not_applicable",
                line=line,
                column="SubTypeProvided",
                value=sub_type,
                message=f"SubTypeProvided {sub_type} given for RecordType {record_type}, "
                f"TypeProvided {type_provided}.",
                expected="SubTypeProvided only for RecordType 144 with TypeProvided 3, 4 or 5",
            )
            return
        self._conditional(
            row, index, line, "SubTypeProvided", sub_type, codes_of(sub_choices),
            sub_choices.__name__,
        )

    def row_disabilities(self, row, index, line, ok) -> None:
        self._enrollment_of(row, index, line)
        disability_type = row[index["DisabilityType"]]
        response = row[index["DisabilityResponse"]]
        if not response or not _INT.fullmatch(disability_type):
            return
        choices = DISABILITY_RESPONSE_LISTS.get(
            int(disability_type), DISABILITY_RESPONSE_DEFAULT_LIST
        )
        self._conditional(
            row, index, line, "DisabilityResponse", response, codes_of(choices), choices.__name__
        )


