"""HMIS frames from the live database, scoped to what the user may see.

The records are those an HMIS CSV export with the same parameters would hold (the
exporter's own selection: projects the user may reach for RUN_PROGRAM_REPORTS, enrollments
active in the period, their records up to the end date), read without writing an export.

PostgreSQL: each file is one ``COPY (SELECT …) TO STDOUT (FORMAT csv)`` streamed into polars,
so no Python object is made per row. Outside a transaction (a report job) the files a report
needs are read at once by a few threads, each on its own connection, all in one snapshot
(``pg_export_snapshot``): the database works on several files while polars parses others,
and every file sees the same data. Inside a transaction (tests) they are read one by one on
the request's connection, which alone sees its uncommitted rows. SQLite (the embedded
default): the rows are read in chunks through the ORM.
"""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime

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
# The largest file (several records per enrollment and stage) is read with only the columns
# the questions use (engine/disabilities.report_disabilities, engine/chronic); the T-cell and
# viral-load columns, its own id and its timestamps stay null. The database-versus-files test
# runs every question on HUD's kit, so a column missing here shows as a differing table.
_ONLY_COLUMNS = {
    "Disabilities": {
        "EnrollmentID",
        "PersonalID",
        "InformationDate",
        "DataCollectionStage",
        "DisabilityType",
        "DisabilityResponse",
        "IndefiniteAndImpairs",
    },
}


# When the files are read at once (PostgreSQL, a report job), a record's enrollment and
# client are read as database keys and turned into HUD identifiers in polars from the
# Enrollment and Client files: the two joins per file that would give them cost more than
# the rest of the query, and the keys are a fifth of the bytes.
_KEYED = {"EnrollmentID", "PersonalID"}
_PK = "_pk"


def _selected_columns(stem: str, keyed: bool = False) -> dict[str, models.Expression]:
    hud_file = HUD_FILES[f"{stem}.csv"]
    columns: dict[str, models.Expression] = {}
    only = _ONLY_COLUMNS.get(stem)
    for column in hud_file.columns:
        if column.csv_column in _COLUMNS_NOT_READ or (only and column.csv_column not in only):
            continue
        if keyed and column.is_relation and column.csv_column in _KEYED:
            columns[column.csv_column] = models.F(f"{column.relation.field_name}_id")
        else:
            columns[column.csv_column] = models.F(column.lookup)
    if keyed and stem in ("Enrollment", "Client"):
        columns[_PK] = models.F("pk")
    return columns


def _with_hud_ids(frames: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Replace the database keys read by ``_selected_columns(keyed=True)`` with HUD ids."""
    maps = {
        "EnrollmentID": frames["Enrollment"].select(
            pl.col(_PK), pl.col("EnrollmentID").alias("_hud")
        ),
        "PersonalID": frames["Client"].select(pl.col(_PK), pl.col("PersonalID").alias("_hud")),
    }
    converted = {}
    for stem, frame in frames.items():
        relations = {
            c.csv_column
            for c in HUD_FILES[f"{stem}.csv"].columns
            if c.is_relation and c.csv_column in _KEYED
        }
        for column in relations & set(frame.columns):
            frame = (
                frame.join(maps[column], left_on=column, right_on=_PK, how="left")
                .drop(column)
                .rename({"_hud": column})
            )
        converted[stem] = frame.drop(_PK, strict=False)
    return converted


def _copy_sql(
    queryset: models.QuerySet, columns: dict[str, models.Expression]
) -> tuple[str, tuple]:
    aliased = {f"c{i}": expr for i, expr in enumerate(columns.values())}
    # No ORDER BY: the engine does not need the rows sorted (the sort spilled to disk).
    sql, params = queryset.order_by().values(**aliased).query.sql_with_params()
    return f"COPY ({sql}) TO STDOUT (FORMAT csv, HEADER false)", params


def _session_settings(cursor) -> None:
    # DateStyle ISO gives YYYY-MM-DD and YYYY-MM-DD HH:MM:SS[+TZ] (frames.typed reads the
    # first 19 characters); times are in the site's time zone.
    cursor.execute("SET LOCAL DateStyle = 'ISO, YMD'")
    cursor.execute(
        "SELECT set_config('TimeZone', %s, true)", [timezone.get_default_timezone_name()]
    )


def _read_copy(cursor, copy_sql: str, params, columns) -> pl.DataFrame:
    buffer = io.BytesIO()
    buffer.write((",".join(f'"{name}"' for name in columns) + "\n").encode())
    header_length = buffer.tell()
    with cursor.copy(copy_sql, params) as copy:
        for chunk in copy:
            buffer.write(chunk)
    if buffer.tell() == header_length:
        return pl.DataFrame(schema=dict.fromkeys(columns, pl.String))
    buffer.seek(0)
    return read_raw_csv(buffer)


def _copy_csv(queryset: models.QuerySet, columns: dict[str, models.Expression]) -> pl.DataFrame:
    copy_sql, params = _copy_sql(queryset, columns)
    with connection.cursor() as cursor:
        _session_settings(cursor)
        return _read_copy(cursor.cursor, copy_sql, params, columns)


# Threads reading files at once (the machine's cores are shared with the database).
READERS = 3


def _copy_in_parallel(jobs: dict[str, tuple[str, tuple, dict]]) -> dict[str, pl.DataFrame]:
    """Read every (COPY sql, params, columns) job on connections of their own, in one snapshot."""
    import psycopg

    params = connection.get_connection_params()
    with psycopg.connect(**params) as leader:
        leader.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = leader.execute("SELECT pg_export_snapshot()").fetchone()[0]

        def read(stem: str) -> tuple[str, pl.DataFrame]:
            copy_sql, copy_params, columns = jobs[stem]
            with psycopg.connect(**params) as worker:
                worker.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                worker.execute(psycopg.sql.SQL("SET TRANSACTION SNAPSHOT {}").format(snapshot))
                with worker.cursor() as cursor:
                    _session_settings(cursor)
                    return stem, _read_copy(cursor, copy_sql, copy_params, columns)

        # The largest files first, so that no thread is left with a big one at the end.
        order = sorted(jobs, key=lambda stem: _SIZE_ORDER.get(stem, 99))
        with ThreadPoolExecutor(max_workers=READERS, thread_name_prefix="report-read") as pool:
            return dict(pool.map(read, order))


_SIZE_ORDER = {
    stem: i
    for i, stem in enumerate(
        [
            "Disabilities",
            "IncomeBenefits",
            "Services",
            "CurrentLivingSituation",
            "Enrollment",
            "HealthAndDV",
            "Client",
            "Exit",
        ]
    )
}


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


def from_database(user, params: ReportParams, since: date | None = None) -> HmisFrames:
    """Frames for ``params`` as ``user`` may see them (``user=None``: the system, unscoped).

    ``since``: read enrollments active from that date on, not only those active in the
    period (a report with a look-back, such as the SPM's seven years).

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
        start=min(since, params.start) if since else params.start,
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

    def load_many(stems: list[str]) -> dict[str, pl.DataFrame | None]:
        if not use_copy or connection.in_atomic_block or len(stems) < 2:
            return {stem: load(stem) for stem in stems}
        wanted = [stem for stem in stems if stem not in _NOT_READ]
        # HUD ids come from the Enrollment and Client files (see _KEYED).
        wanted += [stem for stem in ("Enrollment", "Client") if stem not in wanted]
        jobs = {}
        for stem in wanted:
            columns = _selected_columns(stem, keyed=True)
            copy_sql, params = _copy_sql(selection.queryset(f"{stem}.csv"), columns)
            jobs[stem] = (copy_sql, params, columns)
        frames = _with_hud_ids(_copy_in_parallel(jobs))
        return {stem: frames.get(stem) for stem in stems}

    return HmisFrames(
        load, description=f"database, {len(project_pks)} projects", load_many=load_many
    )
