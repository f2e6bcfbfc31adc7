"""``sunflower import-hmis-csv PATH [--dry-run] [--source NAME] [--findings-csv FILE]``"""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from sunflower.interchange.findings import CODES
from sunflower.interchange.importer import import_hmis_csv

SHOWN_FINDINGS = 20


class Command(BaseCommand):
    help = (
        "Import an HMIS CSV FY2026 export (a folder or a .zip). Validates everything first and "
        "writes all or nothing; exits 1 when the files have errors (nothing written)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="a folder of HMIS CSV files or a .zip of them")
        parser.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
        parser.add_argument(
            "--source",
            help="data source name (default: Export.csv SourceName, else SourceID)",
        )
        parser.add_argument("--findings-csv", help="write every finding kept to this CSV file")

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        last = [0.0]

        def progress(phase, done, total):
            now = time.monotonic()
            if verbosity >= 2 and (now - last[0] > 2 or done >= total):
                last[0] = now
                self.stderr.write(f"{phase}: {done:,}/{total:,} rows")

        result = import_hmis_csv(
            options["path"],
            source=options["source"],
            dry_run=options["dry_run"],
            progress=progress,
        )
        out = self.stdout
        out.write(f"Import run {result.run.pk}: {result.status}. {result.message}")
        if result.counts:
            out.write(f"{'file':<28}{'read':>9}{'inserted':>10}{'updated':>9}{'unchanged':>11}")
            for name, counts in result.counts.items():
                out.write(
                    f"{name:<28}{counts['read']:>9,}{counts['inserted']:>10,}"
                    f"{counts['updated']:>9,}{counts['unchanged']:>11,}"
                )
            out.write(f"{len(result.counts)} files, {result.rows:,} rows in {result.seconds:.1f} s")
        findings = result.findings
        out.write(f"{findings.error_count:,} errors, {findings.warning_count:,} warnings")
        for code, count in findings.by_code().items():
            out.write(f"  {CODES[code].severity:<8}{code:<32}{count:>8,}")
        shown = result.sorted_findings()[:SHOWN_FINDINGS]
        if shown:
            out.write(f"First {len(shown)} findings:")
            for finding in shown:
                where = finding.file + (f":{finding.line}" if finding.line else "")
                column = f" {finding.column}" if finding.column else ""
                value = f" [{finding.value}]" if finding.value else ""
                out.write(f"  {finding.severity} {finding.code} {where}{column}{value}: "
                          f"{finding.message}")
        if options["findings_csv"]:
            try:
                with open(options["findings_csv"], "w", encoding="utf-8", newline="") as handle:
                    rows = findings.to_csv(handle, result.sorted_findings())
            except OSError as exc:
                raise CommandError(f"Cannot write {options['findings_csv']}: {exc}") from exc
            out.write(f"{rows:,} findings written to {options['findings_csv']}")
        if findings.error_count or result.status != "succeeded":
            out.flush()
            sys.exit(1)
