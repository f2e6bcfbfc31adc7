"""What real files contain: encodings, BOM, CRLF, quoted commas and newlines, broken CSV, NUL
bytes, and zips (subfolders, unsafe entries, bombs, corruption)."""

from __future__ import annotations

import zipfile

import pytest

from sunflower.hmis import models as hmis
from sunflower.interchange import reader
from sunflower.interchange.importer import import_hmis_csv

pytestmark = [pytest.mark.interchange, pytest.mark.django_db]


def codes(result):
    return result.findings.by_code()


def first(result, code):
    found = result.findings.of(code)
    assert found, f"no {code} in {codes(result)}"
    return found[0]


@pytest.fixture
def folder(ic, tmp_path):
    def build(change=None, **options):
        rows = ic.tiny_rows()
        if change is not None:
            change(rows)
        return ic.write_export(tmp_path / "export", rows, **options)

    return build


@pytest.fixture
def untouched(ic):
    before = ic.dump_tables()
    yield
    assert ic.dump_tables() == before


def client(personal_id):
    return hmis.Client.all_objects.get(personal_id=personal_id)


# --- encodings ------------------------------------------------------------------------------


def test_utf8_with_bom(folder):
    def change(rows):
        rows["Client.csv"][0]["LastName"] = "Núñez"

    result = import_hmis_csv(folder(change, encoding="utf-8-sig"))
    assert result.ok and codes(result) == {}
    assert client("C1").last_name == "Núñez"


def test_windows_1252_is_read_with_a_warning(folder):
    def change(rows):
        rows["Client.csv"][0]["LastName"] = "Peña"

    result = import_hmis_csv(folder(change, encoding="cp1252"))
    assert result.ok, codes(result)
    assert codes(result) == {"not_utf8": 1}
    finding = first(result, "not_utf8")
    assert (finding.file, finding.line) == ("Client.csv", 2)
    assert client("C1").last_name == "Peña"


def test_a_file_mixing_utf8_and_windows_1252_is_read_as_windows_1252_with_a_warning(folder):
    def change(rows):
        rows["Client.csv"][0]["LastName"] = "Núñez"
        rows["Client.csv"][1]["LastName"] = "PLACEHOLDER"

    path = folder(change) / "Client.csv"
    path.write_bytes(path.read_bytes().replace(b"PLACEHOLDER", "Peña".encode("cp1252")))
    result = import_hmis_csv(path.parent)
    assert result.ok, codes(result)
    finding = first(result, "mixed_encoding")
    assert (finding.file, finding.line) == ("Client.csv", 3)
    assert client("C2").last_name == "Peña"
    assert client("C1").last_name == "NÃºÃ±ez"  # the UTF-8 part, garbled as the warning says


def test_a_file_that_is_neither_utf8_nor_windows_1252_is_an_error(folder, untouched):
    path = folder() / "Client.csv"
    data = path.read_bytes().replace(b"Stone", "StÁne".encode() + b"\xf1")  # 0x81 is undefined
    path.write_bytes(data)
    finding = first(import_hmis_csv(path.parent), "undecodable")
    assert finding.file == "Client.csv" and finding.line == 3


def test_utf16_is_refused(folder, untouched):
    path = folder() / "Client.csv"
    path.write_bytes(path.read_text().encode("utf-16"))
    result = import_hmis_csv(path.parent)
    assert result.status == "rejected"
    assert first(result, "unsupported_encoding").file == "Client.csv"


def test_crlf_line_ends(folder):
    result = import_hmis_csv(folder(newline="\r\n"))
    assert result.ok and codes(result) == {}
    assert result.counts["Client.csv"]["inserted"] == 2


def test_quoted_fields_with_commas_quotes_and_newlines_and_their_line_numbers(folder):
    def change(rows):
        rows["CurrentLivingSituation.csv"][0]["LocationDetails"] = (
            'Under the "big" bridge,\r\nnorth side'
        )
        second = dict(rows["CurrentLivingSituation.csv"][0], CurrentLivingSitID="CLS2")
        second["LocationDetails"] = "Camp, east\nof the river"
        rows["CurrentLivingSituation.csv"].append(second)
        third = dict(second, CurrentLivingSitID="CLS3", InformationDate="2024-02-30")
        rows["CurrentLivingSituation.csv"].append(third)

    result = import_hmis_csv(folder(change))
    finding = first(result, "invalid_date")
    # header 1, CLS1 on lines 2-3, CLS2 on 4-5, CLS3 starts on line 6
    assert (finding.file, finding.line, finding.value) == (
        "CurrentLivingSituation.csv",
        6,
        "2024-02-30",
    )

    def fine(rows):
        change(rows)
        rows["CurrentLivingSituation.csv"].pop()

    result = import_hmis_csv(folder(fine))
    assert result.ok, codes(result)
    details = hmis.CurrentLivingSituation.all_objects.get(current_living_sit_id="CLS1")
    assert details.location_details == 'Under the "big" bridge,\r\nnorth side'


def test_empty_strings_are_nulls(folder):
    assert import_hmis_csv(folder()).ok
    enrollment = hmis.Enrollment.all_objects.get(enrollment_id="EN2")
    assert enrollment.living_situation is None and enrollment.move_in_date is None
    assert enrollment.vamc_station == ""  # text columns: the empty string


# --- broken CSV -----------------------------------------------------------------------------


def test_a_truncated_row(folder, untouched):
    path = folder() / "Enrollment.csv"
    lines = path.read_text().splitlines()
    lines[2] = ",".join(lines[2].split(",")[:20])
    path.write_text("\n".join(lines) + "\n")
    finding = first(import_hmis_csv(path.parent), "wrong_field_count")
    assert (finding.file, finding.line, finding.value) == ("Enrollment.csv", 3, "20 fields")
    assert finding.expected.startswith("67 fields")


def test_an_unterminated_quote(folder, untouched):
    path = folder() / "Event.csv"
    path.write_text(path.read_text() + '"EV2,"EN2,C2\n')
    finding = first(import_hmis_csv(path.parent), "malformed_csv")
    assert finding.file == "Event.csv" and finding.line == 3


def test_a_nul_byte(folder, untouched):
    path = folder() / "Organization.csv"
    path.write_bytes(path.read_bytes().replace(b"Tiny Org", b"Tiny\x00Org"))
    finding = first(import_hmis_csv(path.parent), "nul_byte")
    assert (finding.file, finding.line, finding.column, finding.value) == (
        "Organization.csv",
        2,
        "OrganizationName",
        "Tiny\\0Org",
    )


# --- zips -----------------------------------------------------------------------------------


def test_a_zip_with_files_at_its_root(folder, ic, tmp_path):
    archive = ic.zip_folder(folder(), tmp_path / "export.zip")
    result = import_hmis_csv(archive)
    assert result.ok and result.rows == 32


def test_zip_entries_with_absolute_paths_or_dot_dot_are_refused(folder, ic, tmp_path, untouched):
    archive = ic.zip_folder(folder(), tmp_path / "evil.zip")
    with zipfile.ZipFile(archive, "a") as handle:
        handle.writestr("../../escape.csv", "a\n1\n")
        handle.writestr("/etc/cron.d/x.csv", "a\n1\n")
    result = import_hmis_csv(archive)
    assert result.status == "rejected"
    assert {f.value for f in result.findings.of("unsafe_zip_entry")} == {
        "../../escape.csv",
        "/etc/cron.d/x.csv",
    }


def test_a_zip_bomb_is_refused(folder, ic, tmp_path, monkeypatch, untouched):
    monkeypatch.setattr(reader, "BOMB_MIN_SIZE", 10_000)
    archive = ic.zip_folder(folder(), tmp_path / "bomb.zip")
    with zipfile.ZipFile(archive, "a", zipfile.ZIP_DEFLATED) as handle:
        handle.writestr("Padding.csv", "0" * 2_000_000)
    finding = first(import_hmis_csv(archive), "zip_too_large")
    assert "Padding.csv" in finding.message


def test_the_same_file_twice_in_a_zip(folder, ic, tmp_path, untouched):
    archive = ic.zip_folder(folder(), tmp_path / "twice.zip", prefix="a/")
    with zipfile.ZipFile(archive, "a") as handle:
        handle.write(tmp_path / "export" / "Client.csv", "b/client.csv")
    finding = first(import_hmis_csv(archive), "ambiguous_file")
    assert finding.file == "Client.csv"


def test_a_corrupt_zip_member(folder, ic, tmp_path, untouched):
    archive = ic.zip_folder(folder(), tmp_path / "corrupt.zip")
    with zipfile.ZipFile(archive) as handle:
        info = handle.getinfo("Client.csv")
    data = bytearray(archive.read_bytes())
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for offset in range(start + 10, start + 40):
        data[offset] ^= 0x5A
    archive.write_bytes(bytes(data))
    result = import_hmis_csv(archive)
    assert result.status == "rejected"
    assert {"unreadable_file", "malformed_csv"} & set(codes(result)), codes(result)
