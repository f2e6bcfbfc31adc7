"""Reading HMIS CSV files from a folder or a zip, one row at a time.

- File names and header names are matched without regard to case. A zip may hold the files at
  its top level or in one sub-folder (the folder that holds Export.csv).
- Each file is decoded as UTF-8 (with or without a byte-order mark). A file that is not valid
  UTF-8 is decoded as Windows-1252, the usual encoding of Excel-saved exports.
- Rows are streamed with the csv module. Nothing holds a whole file in memory.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import IO

from . import spec

#: Keys of row dicts that are not columns: the 1-based data row number in the source file and
#: the value of the source file's first column (its record ID). Steps copy them along.
ROW = "__row__"
RECORD_ID = "__id__"

_CHUNK = 1 << 16


class SourceError(Exception):
    """The source cannot be read as HMIS CSV."""


def _csv_field_limit() -> None:
    # Free-text columns can be long; the csv module's default limit is 128 KiB.
    csv.field_size_limit(16 * 1024 * 1024)


_csv_field_limit()


class SourceFiles:
    """The CSV files of one export: a folder or a .zip file."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._zip: zipfile.ZipFile | None = None
        self._members: dict[str, str] = {}  # lower-case file name -> member path / file path
        self._encodings: dict[str, str] = {}
        if self.path.is_dir():
            for child in sorted(self.path.iterdir()):
                if child.is_file() and child.suffix.lower() == ".csv":
                    self._members.setdefault(child.name.lower(), str(child))
        elif self.path.is_file() and zipfile.is_zipfile(self.path):
            self._zip = zipfile.ZipFile(self.path)
            names = [n for n in self._zip.namelist() if not n.endswith("/")]
            exports = [n for n in names if PurePosixPath(n).name.lower() == "export.csv"]
            root = str(PurePosixPath(exports[0]).parent) if exports else "."
            for name in names:
                member = PurePosixPath(name)
                if member.suffix.lower() != ".csv" or member.name.startswith("._"):
                    continue
                if str(member.parent) == root:
                    self._members.setdefault(member.name.lower(), name)
        else:
            raise SourceError(f"{self.path} is neither a folder nor a zip file")

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()
            self._zip = None

    def __enter__(self) -> SourceFiles:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def names(self) -> list[str]:
        """The CSV file names present, as spelled in the source."""
        return [PurePosixPath(m).name for m in self._members.values()]

    def has(self, name: str) -> bool:
        return name.lower() in self._members

    def _open_binary(self, name: str) -> IO[bytes]:
        member = self._members[name.lower()]
        if self._zip is not None:
            return self._zip.open(member)
        return open(member, "rb")  # noqa: SIM115 - closed by the caller

    def encoding(self, name: str) -> str:
        """utf-8-sig for UTF-8 (with or without BOM), else cp1252."""
        key = name.lower()
        if key not in self._encodings:
            decoder = codecs.getincrementaldecoder("utf-8")()
            encoding = "utf-8-sig"
            with self._open_binary(name) as handle:
                try:
                    while chunk := handle.read(_CHUNK):
                        decoder.decode(chunk)
                    decoder.decode(b"", final=True)
                except UnicodeDecodeError:
                    encoding = "cp1252"
            self._encodings[key] = encoding
        return self._encodings[key]

    @contextmanager
    def open_text(self, name: str) -> Iterator[IO[str]]:
        encoding = self.encoding(name)
        with self._open_binary(name) as raw:
            text = io.TextIOWrapper(raw, encoding=encoding, newline="", errors="strict")
            try:
                yield text
            finally:
                text.detach()

    def header(self, name: str) -> list[str]:
        with self.open_text(name) as handle:
            for row in csv.reader(handle):
                return [clean_header(h) for h in row]
        return []


def clean_header(name: str) -> str:
    return name.replace("\ufeff", "").strip().strip('"').strip()


class RawSource:
    """The source export read as rows of one HMIS CSV version.

    ``columns(file)`` is the version's column list for the file (plus any extra columns the file
    has); ``rows(file)`` yields dicts keyed by the version's spelling of each column, with missing
    columns as "". Per-column statistics are gathered on the first full pass over each file.
    """

    def __init__(self, files: SourceFiles, version: str):
        self.files_ = files
        self.version = version
        self._spec = spec.columns(version)
        self._headers: dict[str, list[str]] = {}
        self._canonical: dict[str, list[str]] = {}
        self.row_counts: dict[str, int] = {}
        self.nonempty: dict[str, Counter[str]] = {}
        self.values: dict[str, dict[str, Counter[str]]] = {}
        self.extra_fields: Counter[str] = Counter()

    def files(self) -> list[str]:
        return [name for name in self._spec if self.files_.has(name)]

    def unknown_files(self) -> list[str]:
        known = {name.lower() for name in self._spec}
        return [name for name in self.files_.names() if name.lower() not in known]

    def header(self, file: str) -> list[str]:
        """The file's header as written in the source."""
        if file not in self._headers:
            self._headers[file] = self.files_.header(file) if self.files_.has(file) else []
        return self._headers[file]

    def canonical_header(self, file: str) -> list[str]:
        """The source header with each known column spelled as the spec spells it."""
        if file not in self._canonical:
            by_lower = {c.lower(): c for c in self._spec.get(file, ())}
            self._canonical[file] = [by_lower.get(h.lower(), h) for h in self.header(file)]
        return self._canonical[file]

    def missing_columns(self, file: str) -> list[str]:
        if not self.files_.has(file):
            return []
        present = {h.lower() for h in self.header(file)}
        return [c for c in self._spec.get(file, ()) if c.lower() not in present]

    def extra_columns(self, file: str) -> list[str]:
        known = {c.lower() for c in self._spec.get(file, ())}
        return [h for h in self.canonical_header(file) if h and h.lower() not in known]

    def columns(self, file: str) -> list[str]:
        return list(self._spec.get(file, ())) + self.extra_columns(file)

    def rows(self, file: str) -> Iterator[dict[str, str]]:
        if not self.files_.has(file):
            return
        header = self.canonical_header(file)
        spec_columns = self._spec.get(file, ())
        first = spec_columns[0] if spec_columns else (header[0] if header else "")
        counting = file not in self.row_counts
        nonempty: Counter[str] = Counter()
        values: dict[str, Counter[str]] = {}
        count = extra = 0
        with self.files_.open_text(file) as handle:
            reader = csv.reader(handle)
            next(reader, None)
            for fields in reader:
                if not fields or (len(fields) == 1 and not fields[0].strip()):
                    continue  # blank line
                count += 1
                if len(fields) > len(header):
                    extra += 1
                row = dict.fromkeys(spec_columns, "")
                for name, value in zip(header, fields, strict=False):
                    if name:
                        row[name] = value
                row[ROW] = str(count)
                row[RECORD_ID] = row.get(first, "")
                if counting:
                    for name in header:
                        value = row.get(name, "")
                        if value.strip():
                            nonempty[name] += 1
                            if _is_code(value):
                                values.setdefault(name, Counter())[value.strip()] += 1
                yield row
        if counting:
            self.row_counts[file] = count
            self.nonempty[file] = nonempty
            self.values[file] = values
            self.extra_fields[file] = extra


def _is_code(value: str) -> bool:
    value = value.strip()
    return len(value) <= 4 and value.lstrip("-").isdigit()
