"""Benchmark: HMIS CSV FY2026 export, import and export back, at statewide size (PostgreSQL).

    .venv/bin/python bench/interchange.py --clients 100000

Steps, each in a fresh Python process (so that its peak memory is its own), on scratch
databases this script creates and drops:

1. generate: ``generate_demo_data(clients)`` into a scratch database, VACUUM ANALYZE, then
   ``export_hmis_csv(user=None)`` of everything (2000-01-01..2030-12-31): the dataset as HMIS CSV
   FY2026 (timed: "export generated");
2. import: ``import_hmis_csv`` of that zip into a second, freshly migrated scratch database
   (then VACUUM ANALYZE, untimed);
3. export back: ``export_hmis_csv`` of the imported data;
4. baselines, in the second database: a plain PostgreSQL ``COPY ... FROM STDIN`` of the same
   Client.csv and Enrollment.csv rows into scratch tables made ``LIKE`` the real ones
   ``INCLUDING ALL`` (same columns, defaults, checks and indexes; LIKE copies no foreign
   keys), twice: once as they are ("COPY, no FKs"), once with the real tables' foreign keys
   added to them from ``pg_get_constraintdef`` ("COPY + FKs": they point at the imported
   parent rows, so every row is checked against its data source, user, project and client as
   in the real tables). Then ``COPY (SELECT * ...) TO STDOUT`` of the real tables for the
   exports.

Each step prints rows/s; the summary puts each beside its COPY baseline as a ratio (the import
beside both COPY FROM baselines), with the step's peak memory (``resource.getrusage(...).ru_maxrss``). The baseline rows are made ready
(HUD ids turned into the imported rows' primary keys) before the clock starts.

Databases: ``BENCH_DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/``) is the
server; the scratch databases are created there through its ``postgres`` database and dropped
at the end, also on failure. Files go to ``var/bench-interchange-<pid>/`` and are removed.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import time
import zipfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scratch import admin_sql, server_url  # noqa: E402 (bench/)

EXPORT_START, EXPORT_END = date(2000, 1, 1), date(2030, 12, 31)
BASELINE_FILES = ("Client.csv", "Enrollment.csv")






def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# --- steps (child processes) -------------------------------------------------------------------


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sunflower.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _vacuum_analyze() -> None:
    """What autovacuum would do to freshly loaded tables: statistics for the planner, and the
    visibility map and hint bits (without it the first read of every row also writes)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _export(path: Path) -> dict:
    from sunflower.interchange.exporter import export_hmis_csv

    result = export_hmis_csv(user=None, output=path, start=EXPORT_START, end=EXPORT_END)
    return {
        "rows": result.rows,
        "seconds": result.seconds,
        "counts": result.counts,
        "bytes": path.stat().st_size,
    }


def step_generate(work: Path, clients: int, seed: int, today: date) -> dict:
    _setup_django()
    from sunflower.hmis.demo import generate_demo_data

    summary = generate_demo_data(clients=clients, seed=seed, today=today)
    _vacuum_analyze()
    result = {"generated_rows": summary.rows, "generate_seconds": summary.seconds}
    result.update(_export(work / "generated.zip"))
    return result


def step_import(work: Path) -> dict:
    _setup_django()
    from sunflower.interchange.importer import import_hmis_csv

    result = import_hmis_csv(work / "generated.zip", source="bench", dry_run=False)
    if not result.ok:
        raise SystemExit(f"import failed: {result.status} {result.message}")
    _vacuum_analyze()
    return {"rows": result.rows, "seconds": result.seconds, "errors": result.error_count}


def step_export_back(work: Path) -> dict:
    _setup_django()
    return _export(work / "back.zip")


def step_baseline(work: Path) -> dict:
    """COPY the generated Client and Enrollment rows into LIKE copies of their tables, and COPY
    the same tables out, on the imported database."""
    _setup_django()
    from django.conf import settings
    from django.db import connection

    from sunflower.hmis import models as hmis
    from sunflower.hmis.hud_columns import HUD_FILES

    source_id = hmis.DataSource.objects.get(name="bench").pk
    keys = {
        model: dict(
            model.all_objects.filter(data_source_id=source_id).values_list(model.hud_id_field, "pk")
        )
        for model in (hmis.Client, hmis.Project, hmis.HmisUser)
    }
    loads = []
    with zipfile.ZipFile(work / "generated.zip") as archive:
        for name in BASELINE_FILES:
            hud_file = HUD_FILES[name]
            model = hud_file.model
            columns, strings, converters = [], [], []
            for column in hud_file.columns:
                field = model._meta.get_field(column.field_name)
                if column.is_relation and column.relation.model_name == "Export":
                    converters.append(None)  # ExportID: not loaded
                    continue
                columns.append(field.column)
                if column.is_relation:
                    parent = keys[column.relation.model]
                    converters.append(lambda value, parent=parent: str(parent.get(value, "")))
                else:
                    converters.append(str)
                    if column.spec.base_type == "S":
                        strings.append(field.column)
            columns.append("data_source_id")
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            count = 0
            with archive.open(name) as raw:
                reader = csv.reader(io.TextIOWrapper(raw, encoding="utf-8", newline=""))
                next(reader)
                for row in reader:
                    values = [c(v) for c, v in zip(converters, row, strict=True) if c is not None]
                    writer.writerow([*values, source_id])
                    count += 1
            loads.append((model._meta.db_table, columns, strings, buffer.getvalue(), count))

    from psycopg import sql

    copied_in = copied_in_fk = copied_out = 0
    in_seconds = in_fk_seconds = out_seconds = 0.0
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor  # psycopg's own cursor: COPY and composed identifiers
        cursor.execute("SELECT set_config('TimeZone', %s, false)", [settings.TIME_ZONE])
        for table, columns, strings, text, count in loads:
            real, scratch = sql.Identifier(table), sql.Identifier(f"bench_copy_{table}")
            cursor.execute(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE contype = 'f' AND conrelid = %s::regclass ORDER BY conname",
                [table],
            )
            foreign_keys = [row[0] for row in cursor.fetchall()]
            for with_foreign_keys in (False, True):
                cursor.execute(
                    sql.SQL("CREATE TABLE {} (LIKE {} INCLUDING ALL)").format(scratch, real)
                )
                if with_foreign_keys:
                    for number, definition in enumerate(foreign_keys):
                        cursor.execute(
                            sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} ").format(
                                scratch, sql.Identifier(f"bench_copy_fk_{number}")
                            )
                            + sql.SQL(definition)
                        )
                copy_in = sql.SQL(
                    "COPY {} ({}) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL ({}))"
                ).format(
                    scratch,
                    sql.SQL(", ").join(map(sql.Identifier, columns)),
                    sql.SQL(", ").join(map(sql.Identifier, strings)),
                )
                # Autocommit: the COPY is its own transaction, so the deferred foreign-key
                # checks run (and are timed) before it returns.
                started = time.perf_counter()
                with cursor.copy(copy_in) as copy:
                    copy.write(text)
                elapsed = time.perf_counter() - started
                if with_foreign_keys:
                    in_fk_seconds += elapsed
                    copied_in_fk += count
                else:
                    in_seconds += elapsed
                    copied_in += count
                cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(scratch))
                assert cursor.fetchone()[0] == count, table
                cursor.execute(sql.SQL("DROP TABLE {}").format(scratch))

            copy_out = sql.SQL("COPY (SELECT * FROM {}) TO STDOUT WITH (FORMAT csv)").format(real)
            started = time.perf_counter()
            with cursor.copy(copy_out) as copy:
                for _block in copy:
                    pass
            out_seconds += time.perf_counter() - started
            copied_out += count  # the imported table holds exactly the rows loaded above
    return {
        "copy_in_rows": copied_in,
        "copy_in_seconds": in_seconds,
        "copy_in_fk_rows": copied_in_fk,
        "copy_in_fk_seconds": in_fk_seconds,
        "copy_out_rows": copied_out,
        "copy_out_seconds": out_seconds,
    }


STEPS = {
    "generate": step_generate,
    "import": step_import,
    "export_back": step_export_back,
    "baseline": step_baseline,
}


def run_step(args) -> int:
    work = Path(args.work)
    kwargs = {}
    if args.step == "generate":
        kwargs = {"clients": args.clients, "seed": args.seed, "today": args.today}
    result = STEPS[args.step](work, **kwargs)
    result["peak_mb"] = _peak_mb()
    (work / f"{args.step}.json").write_text(json.dumps(result))
    return 0


# --- orchestration (parent process) -----------------------------------------------------------


def _child(step: str, database: str, work: Path, args) -> dict:
    env = dict(os.environ, DATABASE_URL=server_url() + database)
    command = [sys.executable, __file__, "--step", step, "--work", str(work)]
    command += ["--clients", str(args.clients), "--seed", str(args.seed)]
    command += ["--today", args.today.isoformat()]
    print(f"== {step} ({database})", flush=True)
    subprocess.run(command, env=env, check=True)  # noqa: S603 (our own script)
    return json.loads((work / f"{step}.json").read_text())


def _rate(rows: int, seconds: float) -> float:
    return rows / seconds if seconds else 0.0


def orchestrate(args) -> int:
    pid = os.getpid()
    source_db, target_db = f"sunflower_bench_ix_src_{pid}", f"sunflower_bench_ix_dst_{pid}"
    work = ROOT / "var" / f"bench-interchange-{pid}"
    work.mkdir(parents=True)
    created: list[str] = []
    try:
        for name in (source_db, target_db):
            admin_sql("CREATE DATABASE {}", name)
            created.append(name)
        generated = _child("generate", source_db, work, args)
        imported = _child("import", target_db, work, args)
        back = _child("export_back", target_db, work, args)
        baseline = _child("baseline", target_db, work, args)
    finally:
        for name in created:
            admin_sql("DROP DATABASE IF EXISTS {} WITH (FORCE)", name)
        shutil.rmtree(work, ignore_errors=True)

    copy_in = _rate(baseline["copy_in_rows"], baseline["copy_in_seconds"])
    copy_in_fk = _rate(baseline["copy_in_fk_rows"], baseline["copy_in_fk_seconds"])
    copy_out = _rate(baseline["copy_out_rows"], baseline["copy_out_seconds"])
    print()
    print(
        f"{args.clients:,} clients: {generated['generated_rows']:,} rows generated in "
        f"{generated['generate_seconds']:.1f} s; zip {generated['bytes'] / 1e6:.1f} MB"
    )
    print(
        f"{'step':<18}{'rows':>12}{'seconds':>9}{'rows/s':>11}  {'COPY rows/s':>12}"
        f"{'ratio':>7}{'peak MB':>9}"
    )
    lines = [
        (
            "export generated",
            generated["rows"],
            generated["seconds"],
            copy_out,
            generated["peak_mb"],
        ),
        ("import", imported["rows"], imported["seconds"], copy_in_fk, imported["peak_mb"]),
        ("  vs COPY, no FKs", imported["rows"], imported["seconds"], copy_in, imported["peak_mb"]),
        ("export back", back["rows"], back["seconds"], copy_out, back["peak_mb"]),
    ]
    for label, rows, seconds, baseline_rate, peak in lines:
        rate = _rate(rows, seconds)
        print(
            f"{label:<18}{rows:>12,}{seconds:>9.1f}{rate:>11,.0f}  {baseline_rate:>12,.0f}"
            f"{rate / baseline_rate if baseline_rate else 0:>7.2f}{peak:>9.0f}"
        )
    print(
        f"COPY baselines (Client + Enrollment): in, with the tables' foreign keys, "
        f"{baseline['copy_in_fk_rows']:,} rows in {baseline['copy_in_fk_seconds']:.2f} s "
        f"({copy_in_fk:,.0f} rows/s); in, no foreign keys, {baseline['copy_in_rows']:,} rows "
        f"in {baseline['copy_in_seconds']:.2f} s ({copy_in:,.0f} rows/s); out "
        f"{baseline['copy_out_rows']:,} rows in {baseline['copy_out_seconds']:.2f} s "
        f"({copy_out:,.0f} rows/s); peak {baseline['peak_mb']:.0f} MB"
    )
    same = generated["counts"] == back["counts"]
    print(f"export back has the same rows per file as the generated export: {same}")
    return 0 if same else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=100_000, help="default 100000")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--today", type=date.fromisoformat, default=date(2026, 9, 30), help="YYYY-MM-DD"
    )
    parser.add_argument("--step", choices=sorted(STEPS), help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.step:
        return run_step(args)
    return orchestrate(args)


if __name__ == "__main__":
    raise SystemExit(main())
