"""Property-based tests: broken versions of a small valid export each get a specific error and
write nothing; random corruption never crashes the importer nor writes part of an export."""

from __future__ import annotations

import csv
import io
import itertools
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sunflower.hmis.hud_columns import HUD_FILES
from sunflower.interchange.findings import CODES
from sunflower.interchange.importer import import_hmis_csv

pytestmark = [pytest.mark.interchange, pytest.mark.django_db]

FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,  # no .hypothesis folder in the work tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Columns by what a mutation can do to them (relations and conditional lists excluded).
TYPED, CODED, TEXT = [], [], []
for _name, _hud_file in HUD_FILES.items():
    for _column in _hud_file.columns:
        _spec = _column.spec
        if _column.relation or _column.csv_column == _hud_file.primary_key:
            continue
        if _spec.conditional_value_lists:
            continue
        _field = _hud_file.model._meta.get_field(_column.field_name)
        if _spec.base_type in ("I", "D", "T", "M"):
            TYPED.append((_name, _column.csv_column, _spec.base_type))
        if _spec.base_type == "I" and _field.choices:
            # Retired codes are members of the choices too (kept for historical records).
            _codes = {str(value) for value, _label in _field.flatchoices}
            CODED.append((_name, _column.csv_column, frozenset(_codes)))
        if _spec.base_type == "S" and not _field.choices:
            TEXT.append((_name, _column.csv_column, _spec.max_length))

JUNK = {
    "I": st.text("abcxyz.,-", min_size=1, max_size=6).filter(lambda s: s != "-"),
    "D": st.sampled_from(["2024-02-30", "01/05/2024", "2024-1-5", "20240105", "soon", "0"]),
    "T": st.sampled_from(["2024-01-02T10:00:00", "2024-01-02 25:00:00", "1/2/2024 10:00", "x"]),
    "M": st.sampled_from(["12.345", "$5", "1,000.00", "ten", "1e3", "--1"]),
}
EXPECTED = {
    "I": "not_an_integer",
    "D": "invalid_date",
    "T": "invalid_datetime",
    "M": "invalid_money",
}


class Export:
    """The tiny export as header + rows (lists of str) per file, mutable, then written."""

    def __init__(self, rows: dict[str, list[dict[str, str]]]):
        self.files = {
            name: [hud_file.headers]
            + [[row.get(h, "") for h in hud_file.headers] for row in rows.get(name, [])]
            for name, hud_file in HUD_FILES.items()
        }
        self.raw: dict[str, bytes] = {}

    def rows(self, name):
        return self.files[name][1:]

    def non_empty(self):
        return [name for name, table in self.files.items() if len(table) > 1]

    def index(self, name, column):
        return self.files[name][0].index(column)

    def encoded(self, name) -> bytes:
        if name in self.raw:
            return self.raw[name]
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(self.files[name])
        return buffer.getvalue().encode()

    def write(self, directory: Path) -> Path:
        for name in self.files:
            (directory / name).write_bytes(self.encoded(name))
        return directory


def referenced_parents(export: Export) -> list[tuple[str, int]]:
    """(parent file, row number) of every parent row some other row points at."""
    wanted = set()
    for name, hud_file in HUD_FILES.items():
        for column in hud_file.columns:
            relation = column.relation
            if relation is None or relation.model_name in ("HmisUser", "Export"):
                continue
            position = export.index(name, column.csv_column)
            parent = next(f for f, h in HUD_FILES.items() if h.model is relation.model)
            wanted |= {(parent, row[position]) for row in export.rows(name)}
    result = []
    for parent, value in sorted(wanted):
        pk = export.index(parent, HUD_FILES[parent].primary_key)
        for number, row in enumerate(export.rows(parent)):
            if row[pk] == value:
                result.append((parent, number))
    return result


@st.composite
def broken_exports(draw, base_rows):
    """(an Export with one defect, the error code it must produce)."""
    export = Export(base_rows)
    kind = draw(
        st.sampled_from(
            [
                "truncate",
                "wrong_type",
                "invalid_code",
                "drop_parent",
                "mixed_encoding",
                "nul_byte",
                "duplicate_id",
                "too_long",
            ]
        )
    )
    if kind == "truncate":
        name = draw(st.sampled_from(export.non_empty()))
        row = draw(st.sampled_from(export.rows(name)))
        keep = draw(st.integers(1, len(row) - 1))
        del row[keep:]
        return export, "wrong_field_count"
    if kind == "wrong_type":
        name, column, base = draw(
            st.sampled_from([t for t in TYPED if len(export.files[t[0]]) > 1])
        )
        row = draw(st.sampled_from(export.rows(name)))
        row[export.index(name, column)] = draw(JUNK[base])
        return export, EXPECTED[base]
    if kind == "invalid_code":
        name, column, codes = draw(
            st.sampled_from([c for c in CODED if len(export.files[c[0]]) > 1])
        )
        row = draw(st.sampled_from(export.rows(name)))
        row[export.index(name, column)] = str(
            draw(st.integers(-50, 100_000).filter(lambda n: str(n) not in codes))
        )
        return export, "invalid_code"
    if kind == "drop_parent":
        parent, number = draw(st.sampled_from(referenced_parents(export)))
        del export.files[parent][number + 1]
        return export, "missing_parent"
    if kind == "mixed_encoding":
        # UTF-8 'Á' (C3 81), then a Windows-1252 'ñ' (F1): not UTF-8, and 0x81 is undefined in
        # Windows-1252, so the file cannot be decoded at all.
        name = draw(st.sampled_from(export.non_empty()))
        data = export.encoded(name)
        header_end = data.index(b"\n") + 1
        first = draw(st.integers(header_end, len(data)))
        second = draw(st.integers(first, len(data)))
        export.raw[name] = (
            data[:first] + "Á".encode() + data[first:second] + b"\xf1" + data[second:]
        )
        return export, "undecodable"
    if kind == "nul_byte":
        name = draw(st.sampled_from(export.non_empty()))
        row = draw(st.sampled_from(export.rows(name)))
        position = draw(st.integers(0, len(row) - 1))
        cut = draw(st.integers(0, len(row[position])))
        row[position] = row[position][:cut] + "\x00" + row[position][cut:]
        return export, "nul_byte"
    if kind == "duplicate_id":
        name = draw(st.sampled_from(export.non_empty()))
        row = draw(st.sampled_from(export.rows(name)))
        export.files[name].append(list(row))
        return export, "duplicate_id"
    name, column, max_length = draw(
        st.sampled_from([t for t in TEXT if len(export.files[t[0]]) > 1])
    )
    row = draw(st.sampled_from(export.rows(name)))
    row[export.index(name, column)] = "x" * draw(st.integers(max_length + 1, max_length + 30))
    return export, "string_too_long"


@pytest.fixture
def workdir(tmp_path):
    counter = itertools.count()

    def fresh() -> Path:
        return Path(tempfile.mkdtemp(prefix=f"ex{next(counter)}-", dir=tmp_path))

    return fresh


@pytest.fixture
def base_rows(ic):
    return ic.tiny_rows()


def test_the_base_export_is_valid(ic, workdir, base_rows):
    result = import_hmis_csv(Export(base_rows).write(workdir()), dry_run=True)
    assert result.ok and not result.findings.by_code()


@FUZZ
@given(data=st.data())
def test_each_defect_gets_its_specific_error_and_nothing_is_written(ic, workdir, base_rows, data):
    export, expected = data.draw(broken_exports(base_rows))
    before = ic.hud_counts()
    result = import_hmis_csv(export.write(workdir()))
    assert result.status == "rejected", (expected, result.findings.by_code())
    assert expected in result.findings.by_code(), (expected, result.findings.by_code())
    finding = result.findings.of(expected)[0]
    assert finding.severity == "error" and finding.file and finding.message
    if expected not in ("undecodable", "missing_file"):
        assert finding.line is not None
    assert ic.hud_counts() == before


@FUZZ
@given(data=st.data())
def test_random_corruption_never_crashes_nor_writes_part_of_an_export(ic, workdir, base_rows, data):
    export = Export(base_rows)
    name = data.draw(st.sampled_from(list(HUD_FILES)))
    content = bytearray(export.encoded(name))
    for _ in range(data.draw(st.integers(1, 4))):
        action = data.draw(st.sampled_from(["replace", "insert", "delete", "truncate"]))
        position = data.draw(st.integers(0, max(len(content) - 1, 0)))
        if action == "replace" and content:
            content[position] = data.draw(st.integers(0, 255))
        elif action == "insert":
            content[position:position] = data.draw(st.binary(min_size=1, max_size=8))
        elif action == "delete":
            del content[position : position + data.draw(st.integers(1, 8))]
        else:
            del content[position:]
    export.raw[name] = bytes(content)
    before_counts, before = ic.hud_counts(), ic.dump_tables()
    result = import_hmis_csv(export.write(workdir()), source="Fuzzed")
    assert result.status in ("succeeded", "rejected"), result.message
    assert all(finding.code in CODES for finding in result.findings)
    if result.status == "rejected":
        assert result.findings.error_count > 0
        assert ic.hud_counts() == before_counts and ic.dump_tables() == before
