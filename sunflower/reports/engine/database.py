"""HMIS frames from the live database, scoped to what the user may see.

The records are those an HMIS CSV export with the same parameters would hold (the
exporter's own selection: projects the user may reach for RUN_PROGRAM_REPORTS, enrollments
active in the period, their records up to the end date), read without writing an export.

PostgreSQL: each file is one ``COPY (SELECT …) TO STDOUT (FORMAT csv)`` streamed into polars,
so no Python object is made per row. SQLite (the embedded default): the rows are read in
chunks through the ORM.
"""

from __future__ import annotations

import io
from datetime import datetime

import polars as pl
from django.db import connection, models
from django.utils import timezone

from sunflower.hmis import models as hmis
from sunflower.hmis.hud_columns import HUD_FILES
from sunflower.interchange.exporter import REPORTING_PERIOD, ExportSelection, select_projects

from .frames import HmisFrames, read_raw_csv
from .params import ReportParams

# Files a report never reads (the export's own record, the HMIS user list), and columns no
# question reads: each would cost a join per file (they are null in the frames).
_NOT_READ = {"Export", "User"}
_COLUMNS_NOT_READ = {"UserID", "ExportID"}


def _selected_columns(stem: str) -> dict[str, models.Expression]:
    hud_file = HUD_FILES[f"{stem}.csv"]
    return {
        column.csv_column: models.F(column.lookup)
        for column in hud_file.columns
        if column.csv_column not in _COLUMNS_NOT_READ
    }


def _copy_csv(queryset: models.QuerySet, columns: dict[str, models.Expression]) -> pl.DataFrame:
    aliased = {f"c{i}": expr for i, expr in enumerate(columns.values())}
    # No ORDER BY: the engine does not need the rows sorted (the sort spilled to disk).
    sql, params = queryset.order_by().values(**aliased).query.sql_with_params()
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        # DateStyle ISO gives YYYY-MM-DD and YYYY-MM-DD HH:MM:SS[+TZ] (frames.typed reads the
        # first 19 characters); times are in the site's time zone.
        cursor.execute("SET LOCAL DateStyle = 'ISO, YMD'")
        cursor.execute(
            "SELECT set_config('TimeZone', %s, true)", [timezone.get_default_timezone_name()]
        )
        with cursor.cursor.copy(
            f"COPY ({sql}) TO STDOUT (FORMAT csv, HEADER false)", params
        ) as copy:
            for chunk in copy:
                buffer.write(chunk)
    header = ",".join(f'"{name}"' for name in columns)
    if buffer.tell() == 0:
        return pl.DataFrame(schema=dict.fromkeys(columns, pl.String))
    return read_raw_csv(io.BytesIO(header.encode() + b"\n" + buffer.getvalue()))


def _orm_rows(queryset: models.QuerySet, columns: dict[str, models.Expression]) -> pl.DataFrame:
    names = list(columns)
    aliased = {f"c{i}": expr for i, expr in enumerate(columns.values())}
    data: dict[str, list] = {name: [] for name in names}
    rows = queryset.values(**aliased).values_list(*aliased.keys()).iterator(chunk_size=5000)
    for row in rows:
        for name, value in zip(names, row, strict=True):
            if isinstance(value, datetime):
                value = timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
            data[name].append(None if value is None else str(value))
    return pl.DataFrame(data, schema=dict.fromkeys(names, pl.String))


def from_database(user, params: ReportParams) -> HmisFrames:
    """Frames for ``params`` as ``user`` may see them (``user=None``: the system, unscoped).

    Raises PermissionDenied when ``params.project_ids`` names a project the user may not
    report on.
    """
    wanted = None
    if params.project_ids:
        wanted = list(
            hmis.Project.objects.filter(project_id__in=list(params.project_ids)).values_list(
                "pk", flat=True
            )
        )
        if len(wanted) < len(set(params.project_ids)):
            raise LookupError("some of the projects asked for do not exist")
    project_pks = select_projects(user, wanted, params.coc or None, False)
    # The CoC chooses projects; it does not filter their enrollments by EnrollmentCoC as a CSV
    # export does (an APR covers every client of the project: HUD's kit counts an enrollment
    # of project 780 recorded with another CoC's code).
    selection = ExportSelection(
        project_pks=project_pks,
        coc_code=None,
        start=params.start,
        end=params.end,
        period_type=REPORTING_PERIOD,
        include_deleted=False,
    )
    use_copy = connection.vendor == "postgresql"

    def load(stem: str) -> pl.DataFrame | None:
        if stem in _NOT_READ:
            return None
        queryset = selection.queryset(f"{stem}.csv")
        columns = _selected_columns(stem)
        return _copy_csv(queryset, columns) if use_copy else _orm_rows(queryset, columns)

    return HmisFrames(load, description=f"database, {len(project_pks)} projects")
