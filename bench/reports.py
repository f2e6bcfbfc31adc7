"""Benchmark: the CoC APR and the ESG CAPER on about 100,000 enrollments of generated demo
data, from the database (PostgreSQL) and from HMIS CSV files; seconds per report and stage.

    .venv/bin/python bench/reports.py                 # scratch database, dropped at the end
    .venv/bin/python bench/reports.py --keep sunflower_bench_reports   # keep it for reruns

Target (issue 6): the APR under 5 s end to end from the database at 100,000 enrollments.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scratch import load_average, scratch_database  # noqa: E402


def _stages(result, frames) -> str:
    """Where a run's seconds went: reading the files (and typing them), the shared universe,
    the questions (and the slowest three)."""
    questions = {n: s for n, s in result.seconds.items() if n not in ("universe", "read")}
    slowest = sorted(((s, n) for n, s in questions.items()), reverse=True)[:3]
    files = sorted(
        ((s, n) for n, s in frames.seconds.items() if not n.startswith("(")), reverse=True
    )[:3]
    return (
        f"read {result.seconds['read']:.2f} s (typing: {', '.join(f'{n} {s:.2f}' for s, n in files)}); "
        f"universe {result.seconds['universe']:.2f} s; questions {sum(questions.values()):.2f} s "
        f"(slowest {', '.join(f'{n} {s:.2f}' for s, n in slowest)})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--clients",
        type=int,
        default=66000,
        help="demo clients to generate (66,000 give about 100,000 enrollments; 110,000 give 100,000 active in the year)",
    )
    parser.add_argument("--today", default="2026-01-15", help="end of the generated data")
    parser.add_argument("--keep", help="database name to keep (reused when it has data)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--spm",
        action="store_true",
        help="run the SPM benchmark instead (bench/spm.py: one million enrollments, 7 years)",
    )
    args, rest = parser.parse_known_args()
    if args.spm:
        import runpy

        sys.argv = [str(Path(__file__).with_name("spm.py")), *rest]
        runpy.run_path(sys.argv[0], run_name="__main__")
        return 0
    today = date.fromisoformat(args.today)
    with scratch_database(args.keep, "sunflower_bench_reports"):
        from sunflower.hmis import models as hmis
        from sunflower.hmis.demo import generate_demo_data
        from sunflower.interchange.exporter import export_hmis_csv
        from sunflower.reports.engine import ReportParams, from_csv_folder, run_report
        from sunflower.reports.engine.database import from_database

        if not hmis.Client.objects.exists():
            began = time.perf_counter()
            print(f"Generating {args.clients:,} demo clients ...", flush=True)
            generate_demo_data(clients=args.clients, today=today)
            print(f"  {time.perf_counter() - began:.1f} s", flush=True)
        from django.db import connection

        # Planner statistics, as autovacuum would have them for a database in use.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        start, end = today - timedelta(days=365), today - timedelta(days=1)
        params = ReportParams(start, end)
        active = hmis.Enrollment.objects.filter(entry_date__lte=end).exclude(
            exits__exit_date__lt=start
        )
        print(
            f"{hmis.Enrollment.objects.count():,} enrollments in all, {active.count():,} active in "
            f"{start}..{end}, {hmis.Project.objects.count()} projects; load {load_average()}",
            flush=True,
        )
        with tempfile.TemporaryDirectory() as folder:
            zip_path = Path(folder) / "export.zip"
            began = time.perf_counter()
            export_hmis_csv(user=None, output=zip_path, start=start, end=end)
            with zipfile.ZipFile(zip_path) as archive:
                archive.extractall(Path(folder) / "csv")
            print(
                f"HMIS CSV export for the CSV runs: {time.perf_counter() - began:.1f} s", flush=True
            )
            for report in ("apr", "caper"):
                for source in ("database", "csv"):
                    times = []
                    for _ in range(args.repeat):
                        began = time.perf_counter()
                        frames = (
                            from_database(None, params)
                            if source == "database"
                            else from_csv_folder(Path(folder) / "csv")
                        )
                        result = run_report(report, frames, params)
                        times.append(time.perf_counter() - began)
                    served = result.tables["Q5a"].values[0][1]
                    print(
                        f"RESULT report={report} source={source} tables={len(result.tables)} "
                        f"persons={served} seconds_best={min(times):.2f} seconds_median={sorted(times)[len(times) // 2]:.2f}",
                        flush=True,
                    )
                    print(f"  last run: {_stages(result, frames)}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
