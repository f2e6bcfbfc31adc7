"""``sunflower report-testkit --kit DIR [--out DIR]``: run every report and project set of a
HUD test kit, compare every cell, and end with ``N of M cells match``.

Exits non-zero unless every cell matches or differs only where
``sunflower/reports/known_differences.py`` documents it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sunflower.reports.testkit import Kit, run_kit


class Command(BaseCommand):
    help = "Run a HUD test kit's reports and compare every cell with HUD's expected output."

    def add_arguments(self, parser):
        parser.add_argument("--kit", required=True, help="kit folder with kit.json")
        parser.add_argument("--out", help="write our tables in the kit's layout under this folder")
        parser.add_argument("--show", action="store_true", help="list every differing cell")

    def handle(self, *args, **options):
        try:
            kit = Kit.load(options["kit"])
        except (FileNotFoundError, KeyError, ValueError) as error:
            raise CommandError(f"cannot read the kit: {error}") from error
        out = Path(options["out"]) if options["out"] else None

        def show(run):
            status = "ok" if run.matched == run.cells else f"{len(run.unexplained())} unexplained"
            self.stdout.write(
                f"{run.report:<6} {run.slug:<26} {run.matched:>6} / {run.cells:<6} {run.seconds:6.2f} s  {status}"
            )
            if options["show"]:
                for c in run.comparisons:
                    for d in c.differences:
                        self.stdout.write(
                            f"    {d.question} {d.row!r} / {d.column!r}: expected {d.expected!r}, ours {d.ours!r}"
                        )

        runs = run_kit(kit, out=out, progress=show)
        for report in kit.skipped_reports():
            self.stdout.write(f"{report:<6} (not a Sunflower report yet: not run)")
        cells = sum(run.cells for run in runs)
        matched = sum(run.matched for run in runs)
        unexplained = sum(len(run.unexplained()) for run in runs)
        self.stdout.write(f"{matched} of {cells} cells match")
        if unexplained:
            self.stderr.write(f"{unexplained} cells differ without a documented reason")
            sys.exit(1)
