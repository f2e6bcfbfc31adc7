"""sunflower find-duplicates [--threshold X] [--dry-run]

Runs the batch duplicate matcher (docs/merge.md, "Batch matcher") over every client that is not
deleted and puts the pairs at or above the threshold in the duplicates queue. Prints the figures
of the run; with --dry-run, prints them and writes nothing (no candidate, no run record).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from sunflower.dedup import batch


def _probability(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a number.") from None
    if not 0 < number < 1:
        raise CommandError("The threshold is a match probability between 0 and 1.")
    return number


class Command(BaseCommand):
    help = "Find likely duplicate clients with splink and put them in the duplicates queue."

    def add_arguments(self, parser):
        parser.add_argument(
            "--threshold",
            type=_probability,
            default=batch.DEFAULT_THRESHOLD,
            help=f"match probability from which a pair is queued (default {batch.DEFAULT_THRESHOLD})",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would be queued; write nothing"
        )

    def handle(self, *args, threshold: float, dry_run: bool, **options):
        result, counts, run = batch.run_batch(threshold=threshold, dry_run=dry_run)
        self.stdout.write(
            f"clients={result.clients} pairs_compared={result.pairs_compared} "
            f"candidates={len(result.pairs)} threshold={threshold} seconds={result.seconds:.1f}"
        )
        if dry_run:
            self.stdout.write("dry run: nothing written")
        else:
            self.stdout.write(
                f"new={counts.new} updated={counts.updated} "
                f"already_decided={counts.skipped} run={run.pk}"
            )
