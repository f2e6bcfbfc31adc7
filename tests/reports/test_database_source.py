"""The engine reads the live database exactly as it reads a folder of HMIS CSV files: HUD's
kit imported into Sunflower gives, from the database, the same tables as from the kit's
files. And the database source is scoped by the one access policy."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from sunflower.interchange.importer import import_hmis_csv
from sunflower.reports.engine import ReportParams, run_report
from sunflower.reports.engine.database import from_database

pytestmark = [pytest.mark.reports, pytest.mark.django_db]


@pytest.fixture(scope="module")
def imported_kit(django_db_setup, django_db_blocker, kit):
    """The kit imported once for the module, in a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        result = import_hmis_csv(kit.source)
        assert result.ok, result
        yield kit
        transaction.set_rollback(True)


def test_database_and_csv_give_the_same_tables(imported_kit, kit_frames):
    for report, slug, ids in imported_kit.runs():
        params = ReportParams(imported_kit.start, imported_kit.end, imported_kit.coc, ids)
        from_csv = run_report(report, kit_frames, params)
        from_db = run_report(report, from_database(None, params), params)
        assert list(from_db.tables) == list(from_csv.tables), slug
        for name, table in from_csv.tables.items():
            assert from_db.tables[name].to_csv() == table.to_csv(), (slug, name)
        # The universe is not empty: the comparison means something.
        counts = [v for t in from_db.tables.values() for row in t.values for v in row]
        assert any(isinstance(v, int) and v > 0 for v in counts), slug


def test_the_database_source_is_scoped_by_the_access_policy(imported_kit):
    from sunflower.accounts.roles import Role
    from sunflower.accounts.testing import create_user_with_role
    from sunflower.hmis import models as hmis

    psh = hmis.Project.objects.get(project_id="780")
    rrh = hmis.Project.objects.get(project_id="1428")
    admin = create_user_with_role(
        "admin@psh.example.org", Role.AGENCY_ADMIN, organization=psh.organization
    )
    period = (imported_kit.start, imported_kit.end, imported_kit.coc)
    # Their own project: the same clients as the system sees.
    own = run_report(
        "apr",
        from_database(admin, ReportParams(*period, ("780",))),
        ReportParams(*period, ("780",)),
    )
    assert own.tables["Q5a"].values[0][1] == 28  # HUD's expected Q5a for psh-coc-i
    # Another agency's project: refused, not silently empty.
    assert rrh.organization_id != psh.organization_id
    with pytest.raises(PermissionDenied):
        from_database(admin, ReportParams(*period, ("1428",)))
    # No project named: only what the user may see.
    everything = from_database(admin, ReportParams(*period))
    assert set(everything["Enrollment"]["ProjectID"].unique()) == {"780"}


def test_the_one_night_counts_read_the_database_as_the_files(imported_kit, kit_frames):
    import datetime as dt

    night = dt.date(2022, 1, 26)
    params = ReportParams(night, night, imported_kit.coc)
    for report in ("pit", "hic", "dq"):
        from_csv = run_report(report, kit_frames, params)
        from_db = run_report(report, from_database(None, params), params)
        for name, table in from_csv.tables.items():
            assert from_db.tables[name].to_csv() == table.to_csv(), (report, name)
    assert from_db.tables["Q5a"].values[0][1] > 0
