"""What an import found wrong with the files: errors (block the import) and warnings (import and
are reported).

Every finding has a stable machine code. ``CODES`` lists them all with their severity and the
reason for it; docs/interchange.md shows the same table. A code always has the same severity.

The collector (:class:`Findings`) counts every finding by code but keeps at most ``limit``
detailed findings in memory, errors before warnings, so that a file with a million bad rows
cannot exhaust memory and an error is never crowded out by warnings.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import asdict, dataclass, fields
from typing import IO, NamedTuple

ERROR = "error"
WARNING = "warning"

# Values longer than this are cut in findings (and in ImportFinding.value).
VALUE_LIMIT = 200
DEFAULT_LIMIT = 10_000


class Code(NamedTuple):
    severity: str
    summary: str  # what is wrong
    why: str  # why it has this severity


CODES: dict[str, Code] = {
    # --- reading the upload -------------------------------------------------------------------
    "path_not_found": Code(ERROR, "The path is not a folder or a .zip file.", "Nothing to read."),
    "converted_from_older_version": Code(
        WARNING,
        "The export is an older HMIS CSV version; it was converted to FY2026 first.",
        "Read the migration report: what was recoded, dropped or left empty.",
    ),
    "older_version_not_convertible": Code(
        ERROR,
        "The export looks like an older HMIS CSV version that could not be converted.",
        "Without a conversion its files cannot be read as FY2026.",
    ),
    "unreadable_file": Code(
        ERROR,
        "A file or the zip cannot be read (corrupt zip, I/O error).",
        "Its rows are unknown.",
    ),
    "unsafe_zip_entry": Code(
        ERROR,
        "A zip entry has an absolute path or '..'.",
        "A crafted zip; nothing in it is trusted.",
    ),
    "zip_too_large": Code(
        ERROR,
        "A zip entry expands far more than data does (zip bomb) or beyond the size limit.",
        "Reading it would exhaust the disk or memory.",
    ),
    "ambiguous_file": Code(
        ERROR,
        "The same HUD file appears more than once (in two folders of the zip, or in two cases).",
        "Which one to import is unknown.",
    ),
    "missing_file": Code(
        ERROR,
        "A file of the FY2026 export is missing.",
        "HUD exports always have all 24 files (header-only when empty); a missing file "
        "means an incomplete or wrong export.",
    ),
    "unknown_file": Code(
        WARNING,
        "A file that is not part of the HMIS CSV FY2026 format.",
        "Not imported; vendors add their own files.",
    ),
    "empty_file": Code(ERROR, "The file has no header line.", "Its columns are unknown."),
    "unsupported_encoding": Code(
        ERROR,
        "The file is UTF-16 or UTF-32.",
        "Only UTF-8 (with or without BOM) and Windows-1252 are read.",
    ),
    "undecodable": Code(
        ERROR,
        "The file is neither UTF-8 nor Windows-1252.",
        "Its text cannot be known.",
    ),
    "not_utf8": Code(
        WARNING,
        "The file is not UTF-8; it was read as Windows-1252.",
        "FY2026 says UTF-8, but older systems write Windows-1252; the text is recovered.",
    ),
    "mixed_encoding": Code(
        WARNING,
        "The file mixes UTF-8 and other bytes; it was read as Windows-1252.",
        "Some characters may be garbled (e.g. 'Ã±' for 'ñ'); check the names it names.",
    ),
    "malformed_csv": Code(
        ERROR,
        "The CSV cannot be parsed from this line on (bad quoting, unterminated quote, huge field).",
        "The rest of the file cannot be read reliably.",
    ),
    "nul_byte": Code(ERROR, "A value contains a NUL byte.", "A damaged file; databases refuse it."),
    # --- headers -------------------------------------------------------------------------------
    "missing_column": Code(
        ERROR,
        "A column of the spec is missing from the header.",
        "Columns are matched by name; the file is not FY2026.",
    ),
    "unknown_column": Code(
        ERROR,
        "A header is not a column of the spec.",
        "Usually a different format version; values would land in the wrong place.",
    ),
    "duplicate_column": Code(ERROR, "A header appears twice.", "Which value counts is unknown."),
    "wrong_field_count": Code(
        ERROR,
        "The row has more or fewer fields than the header (truncated row, unquoted comma).",
        "Values would land in the wrong columns.",
    ),
    # --- values --------------------------------------------------------------------------------
    "missing_value": Code(
        ERROR,
        "A required identifier, relation, code, date or number is empty.",
        "The database refuses it or reports need it.",
    ),
    "missing_text": Code(
        WARNING,
        "A required descriptive text is empty (e.g. Assessment.AssessmentLocation).",
        "HUD's own test kit has such rows; the record is usable and imported with an empty text.",
    ),
    "missing_user_id": Code(
        WARNING,
        "UserID is empty.",
        "Only names who last touched the record; imported with no user.",
    ),
    "missing_export_id": Code(
        WARNING,
        "ExportID is empty.",
        "HUD's test kit leaves it empty on Organization; imported with no export.",
    ),
    "string_too_long": Code(
        ERROR, "Text longer than the spec allows.", "The database column cannot hold it."
    ),
    "not_an_integer": Code(ERROR, "Not a whole number.", "The database refuses it."),
    "integer_out_of_range": Code(
        ERROR, "A whole number outside -2147483648..2147483647.", "The database refuses it."
    ),
    "invalid_date": Code(ERROR, "Not a date YYYY-MM-DD.", "The database refuses it."),
    "invalid_datetime": Code(
        ERROR, "Not a date and time YYYY-MM-DD HH:MM:SS.", "The database refuses it."
    ),
    "datetime_without_time": Code(
        WARNING,
        "A date and time column holds a date only.",
        "Some exports print midnight as a bare date; read as 00:00:00.",
    ),
    "invalid_money": Code(
        ERROR,
        "Not an amount (digits, optional '.', at most 2 decimals, at most 10 digits before it).",
        "The database refuses it.",
    ),
    "negative_money": Code(ERROR, "A negative amount in an M+ column.", "The database refuses it."),
    "invalid_code": Code(
        ERROR,
        "Not a code of the column's HUD list (for TypeProvided, SubTypeProvided and "
        "DisabilityResponse: of the list the other column selects).",
        "The database refuses it (check constraints), or reports would misread it.",
    ),
    "retired_code": Code(
        WARNING,
        "A code HUD retired (Funder 47 ESG-CV, 48 HOPWA-CV); historical rows still carry it.",
        "HUD's test kit has three; stored as sent (the data model keeps retired codes for "
        "historical records and never offers them for new data).",
    ),
    "sub_type_not_applicable": Code(
        WARNING,
        "SubTypeProvided is given but applies only to SSVF services (RecordType 144) of "
        "type 3, 4 or 5.",
        "The extra value is harmless; imported as sent.",
    ),
    "invalid_ssn": Code(
        WARNING,
        "SSN is not 9 digits (or 'x' for unknown digits).",
        "HUD's test kit has two; SSNDataQuality tells reports how far to trust it.",
    ),
    "race_none_with_race": Code(
        WARNING,
        "RaceNone is given while a race field is Yes.",
        "HUD's test kit has three; imported as sent.",
    ),
    # --- records and relations ------------------------------------------------------------------
    "duplicate_id": Code(
        ERROR,
        "The record's identifier appears twice in the file.",
        "Which record counts is unknown; the database keeps one per source.",
    ),
    "missing_parent": Code(
        ERROR,
        "The record names a parent that is in neither the file nor this source's data "
        "(Enrollment -> Client/Project, Exit -> Enrollment, ...).",
        "The database refuses an orphan; reports would lose the record.",
    ),
    "unknown_user": Code(
        WARNING,
        "UserID is not in User.csv (nor among this source's users).",
        "HUD's test kit has 4,330; imported with no user.",
    ),
    "export_id_mismatch": Code(
        WARNING,
        "ExportID is not Export.csv's ExportID.",
        "Only a label of the export; imported with no export.",
    ),
    "client_mismatch": Code(
        WARNING,
        "The record's PersonalID is not the PersonalID of its enrollment.",
        "Imported as sent; the record follows its enrollment in reports.",
    ),
    "exit_before_entry": Code(
        ERROR,
        "ExitDate is before the enrollment's EntryDate.",
        "The database refuses it (trigger); reports would compute negative stays.",
    ),
    "duplicate_exit": Code(
        ERROR,
        "A second (non-deleted) exit for the same enrollment.",
        "The database keeps one exit per enrollment.",
    ),
    "end_before_start": Code(
        ERROR,
        "An end date before its start date (Project, Funder, Inventory, Export).",
        "The database refuses it (check constraints).",
    ),
    "enrollment_coc_not_in_project": Code(
        WARNING,
        "EnrollmentCoC is not one of the project's ProjectCoC codes.",
        "HUD's test kit has one; imported as sent.",
    ),
    "move_in_non_ph": Code(
        WARNING,
        "MoveInDate on a project that is not permanent housing (types 3, 9, 10, 13).",
        "HUD's test kit has 52; imported as sent, reports ignore it.",
    ),
    "move_in_after_exit": Code(
        WARNING, "MoveInDate after ExitDate.", "HUD's test kit has such rows; imported as sent."
    ),
    "date_to_street_after_entry": Code(
        WARNING,
        "DateToStreetESSH after EntryDate.",
        "HUD's test kit has such rows; imported as sent.",
    ),
    "cls_outside_enrollment": Code(
        WARNING,
        "CurrentLivingSituation InformationDate outside the enrollment.",
        "HUD's test kit has such rows; imported as sent.",
    ),
    "household_head_count": Code(
        WARNING,
        "A household without exactly one head of household (RelationshipToHoH 1).",
        "HUD's test kit has a household with two heads; the database enforces one head only "
        "for records entered in Sunflower.",
    ),
    # --- the export as a whole -----------------------------------------------------------------
    "export_row_count": Code(
        ERROR, "Export.csv does not have exactly one row.", "The export's identity is unknown."
    ),
    "csv_version": Code(
        WARNING,
        "Export.csv CSVVersion does not name FY2026.",
        "Columns are checked anyway; a wrong version shows up as header errors.",
    ),
    "hashed_export": Code(
        ERROR,
        "Export.csv HashStatus 4: names and SSN are SHA-256 hashes.",
        "Sunflower stores clear values; a 64-character hash does not fit the SSN column.",
    ),
    "no_source_name": Code(
        ERROR,
        "No data source name: give --source, or Export.csv SourceName or SourceID.",
        "Records are keyed by (data source, HUD identifier).",
    ),
    "native_source": Code(
        ERROR,
        "The data source named is Sunflower's own (native) one.",
        "Imports never write over records entered in Sunflower.",
    ),
    "database_error": Code(
        ERROR,
        "The database refused a record while writing; the whole import was rolled back.",
        "Nothing was written; the message is the database's.",
    ),
}


def severity_of(code: str) -> str:
    return CODES[code].severity


@dataclass(slots=True)
class Finding:
    severity: str
    code: str
    file: str = ""
    line: int | None = None
    column: str = ""
    value: str = ""
    message: str = ""
    expected: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


CSV_FIELDS = [f.name for f in fields(Finding)]


def truncate(value: str, limit: int = VALUE_LIMIT) -> str:
    if value is None:
        return ""
    value = str(value)
    return value if len(value) <= limit else value[: limit - 1] + "…"


def printable(text: str) -> str:
    """Text safe to store anywhere: NUL bytes (which PostgreSQL refuses) shown as ``\\0``."""
    return text.replace("\x00", "\\0") if "\x00" in text else text


class Findings:
    """Counts every finding by code; keeps at most ``limit`` of them in detail (errors first)."""

    def __init__(self, limit: int = DEFAULT_LIMIT):
        self.limit = limit
        self.counts: Counter[str] = Counter()
        self._errors: list[Finding] = []
        self._warnings: list[Finding] = []

    # --- adding ---------------------------------------------------------------------------
    def add(
        self,
        code: str,
        file: str = "",
        line: int | None = None,
        column: str = "",
        value: str = "",
        message: str = "",
        expected: str = "",
    ) -> None:
        severity = CODES[code].severity
        self.counts[code] += 1
        kept = len(self._errors) + len(self._warnings)
        if kept >= self.limit:
            if severity == WARNING or not self._warnings:
                return
            self._warnings.pop()  # an error displaces the latest warning
        finding = Finding(
            severity,
            code,
            printable(file),
            line,
            printable(column),
            truncate(printable(value)),
            printable(message or CODES[code].summary),
            printable(expected),
        )
        (self._errors if severity == ERROR else self._warnings).append(finding)

    def count_only(self, code: str, n: int) -> None:
        """Count ``n`` more findings of ``code`` without details (past what is kept)."""
        if n > 0:
            self.counts[code] += n

    # --- reading --------------------------------------------------------------------------
    @property
    def error_count(self) -> int:
        return sum(n for code, n in self.counts.items() if CODES[code].severity == ERROR)

    @property
    def warning_count(self) -> int:
        return sum(n for code, n in self.counts.items() if CODES[code].severity == WARNING)

    @property
    def has_errors(self) -> bool:
        return self.error_count > 0

    @property
    def truncated(self) -> bool:
        return sum(self.counts.values()) > len(self._errors) + len(self._warnings)

    def by_code(self) -> dict[str, int]:
        """{code: count}, errors first, then by count."""
        return dict(
            sorted(
                self.counts.items(),
                key=lambda item: (CODES[item[0]].severity != ERROR, -item[1], item[0]),
            )
        )

    def errors(self) -> list[Finding]:
        return list(self._errors)

    def warnings(self) -> list[Finding]:
        return list(self._warnings)

    def codes(self) -> set[str]:
        return set(self.counts)

    def of(self, code: str) -> list[Finding]:
        return [f for f in self if f.code == code]

    def __iter__(self):
        """Kept findings, errors first, each group in the order found."""
        yield from self._errors
        yield from self._warnings

    def __len__(self) -> int:
        return len(self._errors) + len(self._warnings)

    def sorted(self, file_order: dict[str, int] | None = None) -> list[Finding]:
        """Errors first, then by file (HUD order when given), line and column."""
        order = file_order or {}
        return sorted(
            self,
            key=lambda f: (
                f.severity != ERROR,
                order.get(f.file, len(order)),
                f.file,
                f.line or 0,
                f.column,
            ),
        )

    def to_csv(self, stream: IO[str], findings: list[Finding] | None = None) -> int:
        """Write the kept findings (or ``findings``) as CSV with a header; returns the rows.

        Cells that a spreadsheet would run as a formula (starting with = + - @) get a leading
        apostrophe: the values come from uploaded files."""
        writer = csv.writer(stream)
        writer.writerow(CSV_FIELDS)
        rows = 0
        for finding in self if findings is None else findings:
            writer.writerow(
                [
                    finding.severity,
                    finding.code,
                    spreadsheet_safe(finding.file),
                    "" if finding.line is None else finding.line,
                    spreadsheet_safe(finding.column),
                    spreadsheet_safe(finding.value),
                    spreadsheet_safe(finding.message),
                    spreadsheet_safe(finding.expected),
                ]
            )
            rows += 1
        return rows


def spreadsheet_safe(text: str) -> str:
    return "'" + text if text and text[0] in "=+-@\t\r" else text
