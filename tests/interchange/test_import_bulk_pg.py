"""Large imports on PostgreSQL drop the foreign keys of the tables they write and add them back
(validated) before the transaction ends; SQLite keeps its one path."""

from __future__ import annotations

import csv
import shutil

import pytest
from django.db import connection

from sunflower.hmis import models as hmis
from sunflower.hmis.hud_columns import HUD_FILES
from sunflower.interchange import writer as writer_module
from sunflower.interchange.importer import import_hmis_csv
from sunflower.interchange.writer import PostgresWriter, SqliteWriter, Writer

pytestmark = [pytest.mark.interchange, pytest.mark.django_db]

SOURCE = "I COUNT Network"  # Export.csv SourceName


def foreign_keys() -> set[tuple[str, str, str]]:
    """Every foreign key of the HMIS tables: (table, name, definition with its deferrability)."""
    tables = sorted({hud_file.model._meta.db_table for hud_file in HUD_FILES.values()})
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), "
            "condeferrable, condeferred, convalidated "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])",
            [tables],
        )
        return set(cursor.fetchall())


@pytest.fixture
def rebuild_from_one_row(monkeypatch):
    """Every import takes the large-import path; records which writer and path ran."""
    used = []
    original = Writer.for_connection

    def for_connection(*args, **kwargs):
        writer = original(*args, **kwargs)
        used.append(writer)
        return writer

    monkeypatch.setattr(writer_module, "FOREIGN_KEY_REBUILD_ROWS", 1)
    monkeypatch.setattr(Writer, "for_connection", staticmethod(for_connection))
    return used


def test_a_large_import_rebuilds_every_foreign_key(rebuild_from_one_row, ic):
    before = foreign_keys() if connection.vendor == "postgresql" else None
    result = import_hmis_csv(ic.KIT)
    assert result.status == "succeeded", result.message
    data_source = hmis.DataSource.objects.get(name=SOURCE)
    assert hmis.Enrollment.all_objects.filter(data_source=data_source).count() > 0
    (writer,) = rebuild_from_one_row
    if connection.vendor == "postgresql":
        assert isinstance(writer, PostgresWriter)
        assert writer.rebuild_foreign_keys
        after = foreign_keys()
        assert before, "the HMIS tables have foreign keys"
        assert after == before
        # Re-importing the same kit (an existing data source: the upsert path) changes nothing.
        again = import_hmis_csv(ic.KIT)
        assert again.status == "succeeded", again.message
        assert sum(c["inserted"] + c["updated"] for c in again.counts.values()) == 0
        assert foreign_keys() == before
    else:
        assert connection.vendor == "sqlite"
        assert isinstance(writer, SqliteWriter)
        assert not hasattr(writer, "rebuild_foreign_keys")


def test_a_broken_reference_rolls_the_large_import_back(
    rebuild_from_one_row, ic, tmp_path, monkeypatch
):
    kit = tmp_path / "kit"
    shutil.copytree(ic.KIT, kit)
    before_keys = foreign_keys() if connection.vendor == "postgresql" else None
    before_counts = ic.hud_counts()
    if connection.vendor == "postgresql":
        # Validation catches every unknown reference, and the writer's joins resolve parents
        # within the data source. To reach the database's own check, make the writer store a
        # project key that points at no project.
        original = PostgresWriter.write_file

        def write_file(self, plan):
            counts = original(self, plan)
            if plan.hud_file.model is hmis.Enrollment:
                table = hmis.Enrollment._meta.db_table
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"UPDATE {table} SET project_id = -1 WHERE id = "  # noqa: S608
                        f"(SELECT min(id) FROM {table} WHERE data_source_id = %s)",
                        [self.data_source.pk],
                    )
            return counts

        monkeypatch.setattr(PostgresWriter, "write_file", write_file)
        result = import_hmis_csv(kit)
        assert result.status == "failed", result.message
        assert "foreign key" in result.message
        assert [f.code for f in result.findings if f.severity == "error"] == ["database_error"]
        assert foreign_keys() == before_keys
        assert ic.hud_counts() == before_counts
        assert not hmis.DataSource.objects.filter(name=SOURCE).exists()
    else:
        # SQLite: the importer's own path; a broken reference is refused by validation.
        path = kit / "Enrollment.csv"
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        rows[1][rows[0].index("ProjectID")] = "no-such-project"
        with open(path, "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
        result = import_hmis_csv(kit)
        assert result.status == "rejected", result.message
        assert ic.hud_counts() == before_counts
        assert rebuild_from_one_row == []  # nothing written: no writer made
