"""``sunflower report apr --csv DIR --start … --end … --coc … --projects … [--compare DIR]``

Runs one HUD report on a folder of HMIS CSV files and prints its tables or, with
``--compare``, a per-question agreement table against HUD's expected tables.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sunflower.reports.engine import REPORT_KINDS, ReportParams, from_csv_folder, run_report
from sunflower.reports.engine.compare import compare_report


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"{text!r} is not a date (YYYY-MM-DD)") from error


class Command(BaseCommand):
    help = (
        "Run a HUD report (APR, CAPER) on HMIS CSV files; optionally compare with expected tables."
    )

    def add_arguments(self, parser):
        parser.add_argument("report", choices=sorted(REPORT_KINDS))
        parser.add_argument("--csv", required=True, help="folder of HMIS CSV FY2026 files")
        parser.add_argument("--start", required=True, help="report start, YYYY-MM-DD")
        parser.add_argument("--end", required=True, help="report end, YYYY-MM-DD")
        parser.add_argument("--coc", default="", help="CoC code, e.g. KS-507")
        parser.add_argument("--projects", default="", help="HUD ProjectIDs, comma-separated")
        parser.add_argument("--compare", help="folder of HUD's expected Qxx.csv tables")
        parser.add_argument("--out", help="write our tables here as Qxx.csv")
        parser.add_argument("--show", action="store_true", help="print every cell that differs")

    def handle(self, *args, **options):
        try:
            params = ReportParams(
                _date(options["start"]),
                _date(options["end"]),
                options["coc"],
                tuple(p.strip() for p in options["projects"].split(",") if p.strip()),
            )
            frames = from_csv_folder(options["csv"])
        except (ValueError, FileNotFoundError) as error:
            raise CommandError(str(error)) from error
        result = run_report(options["report"], frames, params)
        if options["out"]:
            for table in result.tables.values():
                table.write_csv(Path(options["out"]))
        total = sum(result.seconds.values())
        if not options["compare"]:
            for table in result.tables.values():
                self.stdout.write(f"== {table.name}\n{table.to_csv()}")
            self.stdout.write(f"{len(result.tables)} tables in {total:.2f} s")
            return
        comparisons = compare_report(result.tables, Path(options["compare"]))
        self.stdout.write(f"{'question':<10}{'cells':>7}{'match':>7}  status")
        for c in comparisons:
            status = "missing" if c.missing_table else ("ok" if c.matched == c.cells else "differs")
            self.stdout.write(f"{c.question:<10}{c.cells:>7}{c.matched:>7}  {status}")
            if options["show"]:
                for d in c.differences[:40]:
                    self.stdout.write(
                        f"    {d.row!r} / {d.column!r}: expected {d.expected!r}, ours {d.ours!r}"
                    )
        cells = sum(c.cells for c in comparisons)
        matched = sum(c.matched for c in comparisons)
        self.stdout.write(f"{matched} of {cells} cells match ({total:.2f} s)")
