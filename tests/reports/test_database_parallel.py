"""The database source's parallel path (a report job on PostgreSQL): the files read at once
on several connections in one snapshot give the same tables as the kit's files. A module of
its own: it commits the imported kit (flushed afterwards), which the rolled-back module
fixture of test_database_source.py must not see."""

from __future__ import annotations

import pytest

from sunflower.interchange.importer import import_hmis_csv
from sunflower.reports.engine import ReportParams, run_report
from sunflower.reports.engine.database import from_database

pytestmark = [pytest.mark.reports]


@pytest.mark.django_db(transaction=True)
def test_a_report_job_reads_the_files_at_once_in_one_snapshot(kit, kit_frames):
    """Outside a transaction (a report job on PostgreSQL) the files are read by several
    connections sharing one exported snapshot, with HUD ids mapped from database keys: the
    tables are still those the kit's files give."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("parallel reading is PostgreSQL's path (SQLite reads through the ORM)")
    result = import_hmis_csv(kit.source)
    assert result.ok, result
    for report, slug, ids in kit.runs():
        if slug not in ("rrh-coc-i__rrh-coc-ii", "es-nbn-esg"):
            continue
        params = ReportParams(kit.start, kit.end, kit.coc, ids)
        frames = from_database(None, params)
        from_db = run_report(report, frames, params)
        assert "(read at once)" in frames.seconds  # the parallel path ran
        from_csv = run_report(report, kit_frames, params)
        for name, table in from_csv.tables.items():
            assert from_db.tables[name].to_csv() == table.to_csv(), (slug, name)
