"""Reading an HMIS CSV upload: a folder or a .zip, each file streamed row by row.

* A zip's CSV files may sit in a subfolder. Entries with an absolute path or ``..`` and entries
  that expand absurdly (zip bombs) are refused with an error finding; nothing is extracted to disk.
* Encoding is detected per file by scanning its bytes once (:func:`scan`): UTF-8 (a BOM is
  stripped); otherwise Windows-1252 with a warning (``not_utf8``, or ``mixed_encoding`` when
  valid UTF-8 sequences appear too); UTF-16/32 and bytes Windows-1252 does not define are errors.
* Rows are read with the ``csv`` module on a text stream opened with ``newline=""``, so CRLF and
  quoted fields holding commas or newlines work; every record keeps the physical line it starts on.
* Headers are matched to the spec's columns case-insensitively (``Zip``/``ZIP``).
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

from sunflower.hmis.hud_columns import HUD_FILES, HudFile
from sunflower.interchange.findings import Findings

CHUNK = 1 << 20
# A zip entry larger than this, expanding more than MAX_RATIO times, is a zip bomb; an entry
# (or a whole zip) past MAX_UNCOMPRESSED is refused outright.
BOMB_MIN_SIZE = 64 << 20
MAX_RATIO = 200
MAX_UNCOMPRESSED = 64 << 30

# Bytes that Windows-1252 leaves undefined (Python's cp1252 codec refuses them).
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
# A two- or three-byte UTF-8 sequence.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")

_FILES_BY_LOWER = {name.lower(): name for name in HUD_FILES}


# What reading a file or a zip member can raise besides csv.Error.
IO_ERRORS = (OSError, EOFError, RuntimeError, zipfile.BadZipFile, zlib.error, UnicodeDecodeError)


class ReadError(Exception):
    """A file stopped being readable mid-way (already recorded as a finding)."""


# --- the container --------------------------------------------------------------------------


class Source:
    """A folder or a zip: its HUD files by name, and a way to open each as bytes."""

    description = ""

    def __init__(self) -> None:
        self.files: dict[str, str] = {}  # "Client.csv" -> member path
        self.unknown: list[str] = []  # other files (member paths)
        self.refused = False  # an unsafe zip: nothing in it is read

    def open_binary(self, member: str) -> IO[bytes]:
        raise NotImplementedError

    def size(self, member: str) -> int:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _add(self, member: str, basename: str, findings: Findings) -> None:
        hud_name = _FILES_BY_LOWER.get(basename.lower())
        if hud_name is None:
            if basename.lower().endswith(".csv"):
                self.unknown.append(member)
            return
        if hud_name in self.files:
            findings.add(
                "ambiguous_file",
                file=hud_name,
                value=member,
                message=f"{hud_name} appears twice: {self.files[hud_name]} and {member}.",
                expected="each HUD file once",
            )
            return
        self.files[hud_name] = member


class FolderSource(Source):
    def __init__(self, path: Path, findings: Findings):
        super().__init__()
        self.path = path
        self.description = path.name
        for entry in sorted(path.iterdir()):
            if entry.is_file():
                self._add(str(entry), entry.name, findings)

    def open_binary(self, member: str) -> IO[bytes]:
        return open(member, "rb")  # noqa: SIM115 - the caller closes it

    def size(self, member: str) -> int:
        return os.path.getsize(member)


class ZipSource(Source):
    def __init__(self, path: Path, findings: Findings):
        super().__init__()
        self.path = path
        self.description = path.name
        self.zip = zipfile.ZipFile(path)
        self._infos: dict[str, zipfile.ZipInfo] = {}
        total = 0
        unsafe = False
        csv_dirs: dict[str, str] = {}
        for info in self.zip.infolist():
            name = info.filename
            pure = PurePosixPath(name.replace("\\", "/"))
            if pure.is_absolute() or ".." in pure.parts or re.match(r"^[A-Za-z]:", name):
                findings.add(
                    "unsafe_zip_entry",
                    file=self.description,
                    value=name,
                    message=f"The zip entry {name!r} has an absolute path or '..'.",
                    expected="relative paths inside the zip",
                )
                unsafe = True
                continue
            if info.is_dir() or pure.name.startswith("._") or "__MACOSX" in pure.parts:
                continue
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > MAX_UNCOMPRESSED or (
                info.file_size > BOMB_MIN_SIZE and ratio > MAX_RATIO
            ):
                findings.add(
                    "zip_too_large",
                    file=pure.name,
                    value=f"{info.file_size} bytes from {info.compress_size}",
                    message=f"{name} would expand to {info.file_size:,} bytes "
                    f"({ratio:,.0f} times its compressed size).",
                    expected=f"at most {MAX_RATIO} times the compressed size for entries over "
                    f"{BOMB_MIN_SIZE >> 20} MiB, and at most {MAX_UNCOMPRESSED >> 30} GiB",
                )
                unsafe = True
                continue
            self._infos[name] = info
            if pure.suffix.lower() == ".csv":
                csv_dirs.setdefault(pure.name.lower(), str(pure.parent))
                self._add(name, pure.name, findings)
        if total > MAX_UNCOMPRESSED:
            findings.add(
                "zip_too_large",
                file=self.description,
                value=f"{total} bytes",
                message=f"The zip would expand to {total:,} bytes.",
                expected=f"at most {MAX_UNCOMPRESSED >> 30} GiB",
            )
            unsafe = True
        if unsafe:
            self.refused = True
            self.files.clear()
            self.unknown.clear()

    def open_binary(self, member: str) -> IO[bytes]:
        return self.zip.open(self._infos[member])

    def size(self, member: str) -> int:
        return self._infos[member].file_size

    def close(self) -> None:
        self.zip.close()


def open_source(path: str | os.PathLike, findings: Findings) -> Source | None:
    """The folder or zip at ``path``, or None (with an error finding)."""
    path = Path(path)
    try:
        if path.is_dir():
            return FolderSource(path, findings)
        if path.is_file() and zipfile.is_zipfile(path):
            return ZipSource(path, findings)
    except IO_ERRORS as exc:
        findings.add(
            "unreadable_file", file=path.name, message=f"{path.name} cannot be read: {exc}"
        )
        return None
    findings.add(
        "path_not_found",
        file=path.name,
        value=str(path.name),
        message=f"{path.name} is not a folder or a .zip file.",
        expected="a folder of HMIS CSV files or a .zip of them",
    )
    return None


# --- encoding -------------------------------------------------------------------------------


@dataclass
class FileScan:
    """What one pass over a file's bytes tells: its encoding, line count and NUL bytes."""

    file: str
    member: str
    encoding: str = "utf-8-sig"  # or "cp1252"
    lines: int = 0
    size: int = 0
    has_nul: bool = False
    ok: bool = True
    notes: list[str] = field(default_factory=list)


def scan(source: Source, hud_file: str, findings: Findings) -> FileScan:
    """Read a file's bytes once: detect the encoding (see the module doc), count lines."""
    member = source.files[hud_file]
    result = FileScan(hud_file, member)
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8_ok = True
    first_bad_line = None
    valid_multibyte = False
    undefined_line = None
    lines = 0
    first = True
    try:
        with source.open_binary(member) as handle:
            while chunk := handle.read(CHUNK):
                if first:
                    first = False
                    if chunk.startswith((b"\xff\xfe", b"\xfe\xff")):
                        findings.add(
                            "unsupported_encoding",
                            file=hud_file,
                            line=1,
                            message=f"{hud_file} is UTF-16 or UTF-32 (byte order mark "
                            f"{chunk[:2].hex(' ')}).",
                            expected="UTF-8 (with or without BOM) or Windows-1252",
                        )
                        result.ok = False
                        return result
                result.size += len(chunk)
                if b"\x00" in chunk:
                    result.has_nul = True
                if utf8_ok:
                    try:
                        decoder.decode(chunk)
                        if not valid_multibyte and not chunk.isascii():
                            valid_multibyte = True
                    except UnicodeDecodeError as exc:
                        utf8_ok = False
                        first_bad_line = lines + chunk.count(b"\n", 0, exc.start) + 1
                        if not chunk[: exc.start].isascii():
                            valid_multibyte = True
                        if _UTF8_SEQUENCE.search(chunk, exc.end):
                            valid_multibyte = True
                elif not valid_multibyte and _UTF8_SEQUENCE.search(chunk):
                    valid_multibyte = True
                if undefined_line is None:
                    match = _CP1252_UNDEFINED.search(chunk)
                    if match:
                        undefined_line = lines + chunk.count(b"\n", 0, match.start()) + 1
                lines += chunk.count(b"\n")
            if utf8_ok:
                try:
                    decoder.decode(b"", final=True)
                except UnicodeDecodeError:
                    utf8_ok = False
                    first_bad_line = lines + 1
    except IO_ERRORS as exc:
        findings.add("unreadable_file", file=hud_file, message=f"{hud_file} cannot be read: {exc}")
        result.ok = False
        return result
    result.lines = lines
    if utf8_ok:
        return result
    if undefined_line is not None:
        findings.add(
            "undecodable",
            file=hud_file,
            line=first_bad_line,
            message=f"{hud_file} is not UTF-8 (from line {first_bad_line}) and cannot be "
            f"Windows-1252 either (line {undefined_line} has a byte Windows-1252 does not "
            "define).",
            expected="UTF-8 (with or without BOM) or Windows-1252",
        )
        result.ok = False
        return result
    result.encoding = "cp1252"
    if valid_multibyte:
        findings.add(
            "mixed_encoding",
            file=hud_file,
            line=first_bad_line,
            message=f"{hud_file} mixes UTF-8 with other bytes (first at line {first_bad_line}); "
            "it was read as Windows-1252, so UTF-8 characters appear garbled (e.g. 'Ã±' for "
            "'ñ').",
            expected="UTF-8 throughout",
        )
    else:
        findings.add(
            "not_utf8",
            file=hud_file,
            line=first_bad_line,
            message=f"{hud_file} is not UTF-8 (first at line {first_bad_line}); it was read as "
            "Windows-1252.",
            expected="UTF-8",
        )
    return result


# --- rows -----------------------------------------------------------------------------------


@dataclass
class Header:
    """A file's header mapped to the spec: ``positions[i]`` is the spec column of csv column i."""

    hud_file: HudFile
    names: list[str]
    index: dict[str, int]  # spec column name -> csv position (every spec column, when ok)
    ok: bool


def map_header(hud_file: HudFile, names: list[str], findings: Findings) -> Header:
    """Match a header to the spec case-insensitively; report missing/unknown/duplicate columns."""
    file = hud_file.file_name
    index: dict[str, int] = {}
    ok = True
    for position, raw in enumerate(names):
        name = raw.strip()
        if position == 0:
            name = name.lstrip("\ufeff")
        try:
            column = hud_file.column(name)
        except KeyError:
            findings.add(
                "unknown_column",
                file=file,
                line=1,
                column=name,
                value=name,
                message=f"{file} has a column {name!r} that the FY2026 spec does not define.",
                expected=", ".join(hud_file.headers),
            )
            ok = False
            continue
        if column.csv_column in index:
            findings.add(
                "duplicate_column",
                file=file,
                line=1,
                column=column.csv_column,
                value=name,
                message=f"{file} has the column {column.csv_column} twice.",
                expected="each column once",
            )
            ok = False
            continue
        index[column.csv_column] = position
    for column in hud_file.columns:
        if column.csv_column not in index:
            findings.add(
                "missing_column",
                file=file,
                line=1,
                column=column.csv_column,
                message=f"{file} has no column {column.csv_column}.",
                expected=", ".join(hud_file.headers),
            )
            ok = False
    return Header(hud_file, names, index, ok)


class CsvFile:
    """One HUD file opened as text: ``header`` then ``rows()`` yielding (line, fields).

    ``line`` is the physical line the record starts on (the header is line 1); blank lines are
    skipped. A CSV syntax error records ``malformed_csv`` and raises :class:`ReadError`.
    """

    def __init__(self, source: Source, scan_result: FileScan, findings: Findings):
        self.source = source
        self.scan = scan_result
        self.findings = findings
        self.file = scan_result.file
        self._binary = source.open_binary(scan_result.member)
        self._text = io.TextIOWrapper(
            self._binary, encoding=scan_result.encoding, newline="", errors="strict"
        )
        self._reader = csv.reader(self._text, strict=True)
        self.header: list[str] | None = None
        try:
            self.header = next(self._reader)
        except StopIteration:
            self.header = None
        except (csv.Error, *IO_ERRORS) as exc:
            self.close()
            self._fail(exc, 1)
        if self.header is not None and self.header and self.header[0].startswith("\ufeff"):
            self.header[0] = self.header[0][1:]

    def _fail(self, exc: Exception, line: int) -> None:
        code = "malformed_csv" if isinstance(exc, csv.Error) else "unreadable_file"
        self.findings.add(
            code,
            file=self.file,
            line=line,
            message=f"{self.file} cannot be read from line {line} on: {exc}.",
            expected="RFC 4180 CSV: fields with commas, quotes or line breaks in double quotes, "
            "quotes doubled",
        )
        raise ReadError(str(exc))

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        reader = self._reader
        previous = reader.line_num
        try:
            for row in reader:
                line = previous + 1
                previous = reader.line_num
                if row:
                    yield line, row
        except (csv.Error, *IO_ERRORS) as exc:
            self._fail(exc, previous + 1)

    def close(self) -> None:
        try:
            self._text.close()
        finally:
            self._binary.close()

    def __enter__(self) -> CsvFile:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
