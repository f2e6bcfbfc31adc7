"""Pass 2 of an import: write the files pass 1 accepted, all inside the caller's transaction.

Each file is upserted by (HUD identifier, data source), in dependency order (Export, User, then
HUD's order, in which every parent file comes before its children):

* a record not yet in the data source is inserted;
* an existing one is updated only when the incoming DateUpdated is later than the stored one
  (Export: ExportDate), so importing the same export again changes nothing;
* DateDeleted is stored as sent (soft delete); nothing is ever DELETEd.

Relation columns hold HUD identifiers; they are resolved to internal keys within the same data
source. A UserID or ExportID that resolves to nothing is stored as NULL (pass 1 warned); a
required parent that resolves to nothing hits the NOT NULL constraint and the whole import
rolls back.

The SQL is database-specific where speed matters:

* PostgreSQL: rows are streamed with psycopg 3's ``COPY`` into a TEMP staging table of text
  columns, then one ``INSERT … SELECT … LEFT JOIN parents … ON CONFLICT (hud id, data source)
  DO UPDATE … WHERE target.date_updated < EXCLUDED.date_updated`` per file; the database casts
  and resolves parents in bulk.
* SQLite: ``executemany`` of ``INSERT … ON CONFLICT … DO UPDATE … WHERE`` in batches, parents
  resolved in Python with a dict (HUD id -> pk) per parent model.

Large imports on PostgreSQL (``FOREIGN_KEY_REBUILD_ROWS`` rows or more): the tables written are
locked (``SHARE ROW EXCLUSIVE``), their foreign keys are dropped at the start of the import's
transaction and added back, from their own ``pg_get_constraintdef``, before it ends. Adding a
foreign key validates every row in one join instead of one lookup (and parent row lock) per row;
a row that fails it rolls the whole import back like any other refusal. Other sessions wait for
these tables until the import commits. Into a data source that has no rows yet in a table, the
file is written with a plain ``INSERT … SELECT`` (no ``ON CONFLICT``).

Table and column names come from the models' ``_meta``; the conflict target is the model's
``UniqueConstraint(<hud id>, data_source)``. Bulk SQL sends no Django signals: the audit record
of an import is its ``ImportRun``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, models
from django.utils import timezone

from sunflower.hmis import models as hmis
from sunflower.hmis.hud_columns import HudFile
from sunflower.interchange.reader import CsvFile
from sunflower.interchange.validation import (
    FILE_ORDER,
    FilePlan,
    Plan,
)

Progress = Callable[[str, int, int], None]

SQLITE_BATCH = 2_000
# PostgreSQL: from this many rows in an import on, the foreign keys of the tables written are
# dropped for the load and added back (validated) before the transaction ends.
FOREIGN_KEY_REBUILD_ROWS = 50_000
# PostgreSQL: work_mem while the files are written (the joins to the parents hash them) and the
# foreign keys added back (each is checked with one join); the session's own value after.
WRITE_WORK_MEM = "64MB"


@dataclass
class Target:
    """One column written: its DB column, where its value is in the CSV, how it converts."""

    column: str  # db column
    csv_index: int
    kind: str  # "text", "int", "date", "datetime", "decimal", "fk"
    parent: type[models.Model] | None = None
    nullable: bool = True


def unique_target(model: type[models.Model]) -> list[str]:
    """The DB columns of the model's UniqueConstraint (<hud id>, data_source): the upsert key."""
    wanted = {model.hud_id_field, "data_source"}
    for constraint in model._meta.constraints:
        if (
            isinstance(constraint, models.UniqueConstraint)
            and set(constraint.fields) == wanted
            and constraint.condition is None
        ):
            return [model._meta.get_field(name).column for name in constraint.fields]
    raise LookupError(f"{model.__name__} has no unique constraint on ({model.hud_id_field}, data_source)")


def change_column(model: type[models.Model]) -> str:
    """The column whose later value means a newer record."""
    name = "export_date" if model is hmis.Export else "date_updated"
    return model._meta.get_field(name).column


def targets_for(hud_file: HudFile, index: dict[str, int]) -> list[Target]:
    model = hud_file.model
    result = []
    for column in hud_file.columns:
        field = model._meta.get_field(column.field_name)
        base = column.spec.base_type
        if column.relation is not None:
            kind = "fk"
        elif base == "S":
            kind = "text"
        elif base == "I":
            kind = "int"
        elif base == "D":
            kind = "date"
        elif base == "T":
            kind = "datetime"
        else:
            kind = "decimal"
        result.append(
            Target(
                column=field.column,
                csv_index=index[column.csv_column],
                kind=kind,
                parent=column.relation.model if column.relation else None,
                nullable=field.null,
            )
        )
    return result


class DateTimes:
    """CSV datetime text (local time, settings.TIME_ZONE, as Django's make_aware reads a naive
    value) -> the database's value, cached."""

    def __init__(self, format: Callable[[dt.datetime], object]):
        self.tz = timezone.get_default_timezone()
        self.format = format
        self.cache: dict[str, object] = {}

    def __call__(self, value: str):
        if not value:
            return None
        result = self.cache.get(value)
        if result is None:
            aware = dt.datetime.fromisoformat(value).replace(tzinfo=self.tz)
            result = self.format(aware)
            if len(self.cache) > 200_000:
                self.cache.clear()
            self.cache[value] = result
        return result


class Writer:
    """Writes a Plan into a data source. Subclasses hold the database-specific SQL."""

    def __init__(self, plan: Plan, source, data_source: hmis.DataSource, findings, progress=None):
        self.plan = plan
        self.source = source
        self.data_source = data_source
        self.findings = findings
        self.progress = progress
        self.counts: dict[str, dict[str, int]] = {}
        self.done = 0
        self.total = plan.total_rows
        self.quote = connection.ops.quote_name

    @staticmethod
    def for_connection(*args, **kwargs) -> Writer:
        vendor = connection.vendor
        if vendor == "postgresql":
            return PostgresWriter(*args, **kwargs)
        if vendor == "sqlite":
            return SqliteWriter(*args, **kwargs)
        raise NotImplementedError(f"The HMIS CSV import supports PostgreSQL and SQLite, not {vendor}.")

    def write(self) -> dict[str, dict[str, int]]:
        for name in FILE_ORDER:
            plan = self.plan.files.get(name)
            if plan is None:
                continue
            self.counts[name] = self.write_file(plan)
            self._report()
        return self.counts

    def _report(self) -> None:
        if self.progress is not None:
            self.progress("writing", self.done, self.total)

    def rows(self, plan: FilePlan, count_progress: bool = True):
        """The file's rows again (pass 2)."""
        pending = 0
        with CsvFile(self.source, plan.scan, self.findings) as csv_file:
            for _line, row in csv_file.rows():
                if count_progress:
                    pending += 1
                    if pending == 10_000:
                        self.done += pending
                        pending = 0
                        self._report()
                yield row
        self.done += pending

    def write_file(self, plan: FilePlan) -> dict[str, int]:
        raise NotImplementedError

    def sql_parts(self, plan: FilePlan):
        hud_file = plan.hud_file
        model = hud_file.model
        quote = self.quote
        table = quote(model._meta.db_table)
        key = unique_target(model)
        change = quote(change_column(model))
        targets = targets_for(hud_file, plan.header.index)
        data_source_column = model._meta.get_field("data_source").column
        columns = [data_source_column] + [target.column for target in targets]
        updates = [target.column for target in targets if target.column not in key]
        return model, table, key, change, targets, columns, updates


class PostgresWriter(Writer):
    CASTS = {
        "int": "NULLIF({}, '')::integer",
        "date": "NULLIF({}, '')::date",
        "datetime": "NULLIF({}, '')::timestamptz",
        "decimal": "NULLIF({}, '')::numeric",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rebuild_foreign_keys = self.total >= FOREIGN_KEY_REBUILD_ROWS
        self.foreign_keys: list[tuple[str, str, str]] = []  # (table, name, definition)

    def tables(self) -> list[str]:
        """The tables this import writes, in dependency order."""
        return [
            self.plan.files[name].hud_file.model._meta.db_table
            for name in FILE_ORDER
            if name in self.plan.files
        ]

    def write(self) -> dict[str, dict[str, int]]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('work_mem')")
            work_mem = cursor.fetchone()[0]
            cursor.execute("SELECT set_config('work_mem', %s, true)", [WRITE_WORK_MEM])
        if self.rebuild_foreign_keys:
            self.drop_foreign_keys()
        counts = super().write()
        with connection.cursor() as cursor:
            if self.rebuild_foreign_keys:
                self.add_foreign_keys(cursor)
            cursor.execute("SELECT set_config('work_mem', %s, true)", [work_mem])
            # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED. Run their queued checks
            # now, inside the import's transaction (also when it is a savepoint of a larger
            # one), so that a refusal rolls the import back here; then restore the default.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        return counts

    def drop_foreign_keys(self) -> None:
        tables = self.tables()
        if not tables:
            return
        quote = self.quote
        with connection.cursor() as cursor:
            # Checks queued earlier in the transaction run now: ALTER TABLE refuses a table with
            # pending trigger events.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                f"LOCK TABLE {', '.join(map(quote, tables))} IN SHARE ROW EXCLUSIVE MODE"
            )
            cursor.execute(
                "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) "
                "FROM pg_constraint c WHERE c.contype = 'f' "
                "AND c.conrelid = ANY(%s::regclass[]) ORDER BY c.conrelid::regclass::text, "
                "c.conname",
                [tables],
            )
            self.foreign_keys = cursor.fetchall()
            for table, name, _definition in self.foreign_keys:
                # conrelid::regclass::text is already quoted where needed.
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    def add_foreign_keys(self, cursor) -> None:
        """Add the dropped foreign keys back as they were; each validates every row."""
        for table, name, definition in self.foreign_keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {self.quote(name)} {definition}")
        self.foreign_keys = []

    def write_file(self, plan: FilePlan) -> dict[str, int]:
        model, table, key, change, targets, columns, updates = self.sql_parts(plan)
        quote = self.quote
        width = len(plan.header.names)
        stage = quote(f"interchange_stage_{model._meta.model_name}")
        times = DateTimes(lambda value: value.isoformat())
        datetime_indexes = [t.csv_index for t in targets if t.kind == "datetime"]
        ds = self.data_source.pk
        selects = [str(int(ds))]
        joins = []
        for number, target in enumerate(targets):
            value = f"s.c{target.csv_index}"
            if target.kind == "fk":
                parent = target.parent
                alias = f"p{number}"
                joins.append(
                    f"LEFT JOIN {quote(parent._meta.db_table)} {alias} ON "
                    f"{alias}.{quote(parent._meta.get_field(parent.hud_id_field).column)} = {value}"
                    f" AND {alias}.{quote(parent._meta.get_field('data_source').column)} = {int(ds)}"
                )
                selects.append(f"{alias}.{quote(parent._meta.pk.column)}")
            elif target.kind == "text":
                selects.append(value)
            else:
                selects.append(self.CASTS[target.kind].format(value))
        order = ""
        if any(
            isinstance(c, models.UniqueConstraint) and c.condition is not None
            for c in model._meta.constraints
        ) and "date_deleted" in [f.name for f in model._meta.fields]:
            # e.g. one exit per enrollment among non-deleted exits: delete before inserting.
            deleted = plan.header.index["DateDeleted"]
            order = f" ORDER BY (s.c{deleted} = '')"
        # Identifiers come from the models' _meta, quoted; the only value inlined is an integer.
        insert_new = (
            f"INSERT INTO {table} ({', '.join(map(quote, columns))}) "  # noqa: S608
            f"SELECT {', '.join(selects)} FROM {stage} s {' '.join(joins)}{order}"
        )
        upsert = (
            f"WITH written AS (INSERT INTO {table} AS t ({', '.join(map(quote, columns))}) "  # noqa: S608
            f"SELECT {', '.join(selects)} FROM {stage} s {' '.join(joins)}{order} "
            f"ON CONFLICT ({', '.join(map(quote, key))}) DO UPDATE SET "
            + ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in updates)
            + f" WHERE t.{change} < EXCLUDED.{change} RETURNING (xmax = 0) AS inserted) "  # noqa: S608
            "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) "
            "FROM written"
        )
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {stage}")
            cursor.execute(
                f"CREATE TEMP TABLE {stage} ("
                + ", ".join(f"c{i} text" for i in range(width))
                + ") ON COMMIT DROP"
            )
            rows = 0
            with cursor.copy(f"COPY {stage} FROM STDIN") as copy:
                write_row = copy.write_row
                for row in self.rows(plan):
                    for i in datetime_indexes:
                        if row[i]:
                            row[i] = times(row[i])
                    write_row(row)
                    rows += 1
            # Statistics for the planner: a TEMP table has none, and the joins to the parents
            # are planned from them (hash joins rather than a loop of index look-ups).
            cursor.execute(f"ANALYZE {stage}")
            data_source_column = quote(model._meta.get_field("data_source").column)
            cursor.execute(
                f"SELECT EXISTS (SELECT 1 FROM {table} WHERE {data_source_column} = %s)",  # noqa: S608
                [ds],
            )
            if cursor.fetchone()[0]:
                cursor.execute(upsert)
                inserted, updated = cursor.fetchone()
            else:  # nothing to conflict with
                cursor.execute(insert_new)
                inserted, updated = cursor.rowcount, 0
            cursor.execute(f"DROP TABLE {stage}")
        return {
            "read": rows,
            "inserted": inserted,
            "updated": updated,
            "unchanged": rows - inserted - updated,
        }


class SqliteWriter(Writer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._lookups: dict[type[models.Model], dict[str, int]] = {}

    def lookup(self, model: type[models.Model]) -> dict[str, int]:
        """HUD id -> pk for the data source's records of ``model`` (built once it is written)."""
        if model not in self._lookups:
            self._lookups[model] = dict(
                model._base_manager.filter(data_source=self.data_source).values_list(
                    model.hud_id_field, "pk"
                )
            )
        return self._lookups[model]

    def converters(self, targets: list[Target]):
        ops = connection.ops
        times = DateTimes(ops.adapt_datetimefield_value)

        def integer(value):
            return int(value) if value else None

        def date(value):
            return value or None

        def decimal(value):
            return ops.adapt_decimalfield_value(Decimal(value), 12, 2) if value else None

        def text(value):
            return value

        result = []
        for target in targets:
            if target.kind == "fk":
                result.append((target.csv_index, self.lookup(target.parent).get))
            else:
                convert = {
                    "text": text,
                    "int": integer,
                    "date": date,
                    "datetime": times,
                    "decimal": decimal,
                }[target.kind]
                result.append((target.csv_index, convert))
        return result

    def write_file(self, plan: FilePlan) -> dict[str, int]:
        model, table, key, change, targets, columns, updates = self.sql_parts(plan)
        quote = self.quote
        ds = self.data_source.pk
        # Identifiers come from the models' _meta, quoted; values are parameters.
        sql = (
            f"INSERT INTO {table} ({', '.join(map(quote, columns))}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(columns))}) "
            f"ON CONFLICT ({', '.join(map(quote, key))}) DO UPDATE SET "
            + ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in updates)
            + f" WHERE {table}.{change} < excluded.{change}"
        )
        converters = self.converters(targets)
        data_source_column = quote(model._meta.get_field("data_source").column)
        count_sql = f"SELECT count(*) FROM {table} WHERE {data_source_column} = %s"  # noqa: S608
        conditional = any(
            isinstance(c, models.UniqueConstraint) and c.condition is not None
            for c in model._meta.constraints
        ) and "date_deleted" in [f.name for f in model._meta.fields]
        deleted_index = plan.header.index.get("DateDeleted")
        rows = 0
        changed = 0
        with connection.cursor() as cursor:
            cursor.execute(count_sql, [ds])
            before = cursor.fetchone()[0]
            # Rows with a conditional uniqueness (one non-deleted exit per enrollment) are
            # written deleted ones first, so a replaced record is deleted before its successor.
            for deleted_round in (True, False) if conditional else (None,):
                batch = []
                for row in self.rows(plan, count_progress=deleted_round is not False):
                    if deleted_round is not None and bool(row[deleted_index]) != deleted_round:
                        continue
                    batch.append([ds] + [convert(row[i]) for i, convert in converters])
                    if len(batch) >= SQLITE_BATCH:
                        cursor.executemany(sql, batch)
                        changed += cursor.rowcount
                        rows += len(batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
                    changed += cursor.rowcount
                    rows += len(batch)
            cursor.execute(count_sql, [ds])
            after = cursor.fetchone()[0]
        self._lookups.pop(model, None)
        inserted = after - before
        updated = changed - inserted
        return {
            "read": rows,
            "inserted": inserted,
            "updated": updated,
            "unchanged": rows - inserted - updated,
        }
