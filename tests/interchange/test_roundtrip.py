"""Round trip: import HUD's FY2026 test kit, export everything, import the export under a second
data source, and compare every row of every HUD table between the two sources."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from sunflower.hmis import models as hmis
from sunflower.hmis.hud_columns import HUD_FILES
from sunflower.interchange.importer import import_hmis_csv

pytestmark = [pytest.mark.interchange, pytest.mark.django_db]

KIT = Path(__file__).resolve().parent.parent / "fixtures" / "testkit" / "fy2026" / "source"
# Every HUD table but Export: each import records its own Export row and every record points
# at the Export it arrived in, so Export.csv and the ExportID columns differ by design.
COMPARED = [hud_file for name, hud_file in HUD_FILES.items() if name != "Export.csv"]


def comparable_fields(model) -> list[str]:
    """Every column of the table except the primary key, the data source and the export; a
    foreign key is compared by the parent's HUD identifier."""
    fields = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name in ("data_source", "export"):
            continue
        if field.is_relation:
            fields.append(f"{field.name}__{field.related_model.hud_id_field}")
        else:
            fields.append(field.name)
    return fields


def table(model, source: str) -> list[tuple]:
    rows = model.all_objects.filter(data_source__name=source).values_list(*comparable_fields(model))
    return sorted(rows, key=lambda row: tuple(repr(value) for value in row))


def test_kit_export_import_gives_the_same_rows(tmp_path):
    kit = import_hmis_csv(KIT, source="kit", dry_run=False)
    assert kit.ok, (kit.message, [f.message for f in kit.sorted_findings()[:5]])

    path = tmp_path / "export.zip"
    out = io.StringIO()
    call_command(
        "export-hmis-csv",
        str(path),
        "--start",
        "2000-01-01",
        "--end",
        "2030-12-31",
        "--all",
        "--quiet-progress",
        stdout=out,
    )
    again = import_hmis_csv(path, source="roundtrip", dry_run=False)
    assert again.ok, (again.message, [f.message for f in again.sorted_findings()[:5]])
    assert again.error_count == 0

    for hud_file in COMPARED:
        model = hud_file.model
        before, after = table(model, "kit"), table(model, "roundtrip")
        assert len(before) == len(after), hud_file.file_name
        assert before == after, hud_file.file_name
    # The comparison is not vacuous: the kit's big files are there.
    assert len(table(hmis.Enrollment, "kit")) == 574
    assert len(table(hmis.Services, "kit")) == 6385
    exported = hmis.Export.objects.filter(data_source__name="roundtrip").get()
    assert exported.export_start_date == dt.date(2000, 1, 1)
