"""Reading older exports: zip files, encodings, header case, version detection, bad sources."""

from __future__ import annotations

import csv
import shutil
import zipfile
from pathlib import Path

import pytest

from sunflower.interchange.legacy import ConversionError, convert_to_fy2026, detect_version
from sunflower.interchange.legacy.report import MigrationReport

pytestmark = [pytest.mark.interchange]

ROOT = Path(__file__).resolve().parents[2]
FY2022_KIT = ROOT / "tests" / "fixtures" / "testkit" / "fy2022" / "dec2022_source"
FY2026_KIT = ROOT / "tests" / "fixtures" / "testkit" / "fy2026" / "source"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_zip_with_a_subfolder_converts_like_the_folder(tmp_path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in FY2022_KIT.iterdir():
            zf.write(path, f"export_2022/{path.name}")
        zf.writestr("__MACOSX/export_2022/._Client.csv", b"\x00\x05junk")
    assert detect_version(archive).version == "2022"
    convert_to_fy2026(archive, tmp_path / "from_zip")
    convert_to_fy2026(FY2022_KIT, tmp_path / "from_folder")
    for path in (tmp_path / "from_folder").iterdir():
        assert (tmp_path / "from_zip" / path.name).read_bytes() == path.read_bytes(), path.name


def test_cp1252_bom_and_header_case(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(FY2022_KIT, source)
    client = source / "Client.csv"
    text = client.read_text(encoding="utf-8")
    header, rest = text.split("\n", 1)
    first_id = rest.split(",", 1)[0]
    # Lower-case headers, a Windows-1252 name, and the file saved as Windows-1252.
    rest = rest.replace(f"{first_id},Brow,", f"{first_id},Jos\u00e9,", 1)
    client.write_bytes((header.lower() + "\n" + rest).encode("cp1252"))
    # Another file with a UTF-8 byte-order mark.
    project = source / "Project.csv"
    project.write_bytes(b"\xef\xbb\xbf" + project.read_bytes())

    target = tmp_path / "out"
    report = convert_to_fy2026(source, target)
    assert report.source_version == "2022"
    clients = {r["PersonalID"]: r for r in _rows(target / "Client.csv")}
    assert clients[first_id]["FirstName"] == "Jos\u00e9"
    assert len(_rows(target / "Project.csv")) == 10
    assert report.unmappable_count == 0
    assert report.entries("dropped", "Client.csv", "Female")[0].count == 514


def test_an_fy2026_folder_is_only_rewritten(tmp_path):
    report = convert_to_fy2026(FY2026_KIT, tmp_path)
    assert report.source_version == "2026"
    assert report.entries("dropped") == [] and report.entries("recoded", "Client.csv") == []
    for path in FY2026_KIT.iterdir():
        original = _rows(path)
        ours = _rows(tmp_path / path.name)
        if path.name == "Export.csv":
            original[0]["CSVVersion"] = "2026"
        assert ours == original, path.name


def test_not_an_export(tmp_path):
    (tmp_path / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    detection = detect_version(tmp_path)
    assert detection.version is None
    with pytest.raises(ConversionError, match="cannot tell"):
        convert_to_fy2026(tmp_path, tmp_path / "out")


def test_export_defaults_must_name_export_columns(tmp_path):
    with pytest.raises(ConversionError, match="Export.csv lacks"):
        convert_to_fy2026(FY2022_KIT, tmp_path, export_defaults={"NoSuchColumn": "x"})


def test_report_counts_and_caps_examples():
    report = MigrationReport("in", "out")
    for row in range(1, 151):
        report.add(
            "unmappable",
            "Exit.csv",
            "Destination",
            step="s",
            old="77",
            detail="not a code",
            row=(str(row), f"E{row}"),
        )
    (entry,) = report.entries("unmappable")
    assert entry.count == 150
    assert len(entry.examples) == 100
    assert entry.rows_text().startswith("row 1 (ID E1); row 2 (ID E2)")
    assert "Exit.csv Destination value 77 [s]: 150 rows" in report.as_text()
    with pytest.raises(ValueError, match="unknown report kind"):
        report.add("nonsense", "Exit.csv")
