"""``sunflower generate_demo_data``: synthetic Kansas clients, agencies and projects."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sunflower.hmis.demo import DemoDataError, generate_demo_data


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Fill the database with synthetic, deterministic Kansas demo data: agencies, projects "
        "and clients with three years of enrollments (see docs/demo-data.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--clients", type=_positive, default=2000, help="How many clients (default 2000)."
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="The date the three years of data end on, YYYY-MM-DD (default: today).",
        )
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (and succeed) when the database already has clients.",
        )
        group.add_argument(
            "--force",
            action="store_true",
            help="Add the demo data even though the database already has clients.",
        )

    def handle(self, *args, **options) -> None:
        from sunflower.geo.loading import load_kansas_geography
        from sunflower.geo.models import County
        from sunflower.hmis.models import Client

        if options["if_empty"] and Client.all_objects.exists():
            self.stdout.write("demo data already present")
            return
        if not County.objects.filter(coc__served=True).exists():
            result = load_kansas_geography()
            self.stdout.write(
                f"Loaded the geography: {result.cocs} CoCs, {result.regions} regions, "
                f"{result.counties} counties."
            )
        total = options["clients"]
        verbosity = options["verbosity"]
        step = max(1, total // 10)
        shown = [0]

        def progress(done: int, of: int) -> None:
            if verbosity >= 2 or (verbosity >= 1 and done - shown[0] >= step and done < of):
                shown[0] = done
                self.stdout.write(f"  {done:,} / {of:,} clients")

        try:
            summary = generate_demo_data(
                clients=total,
                seed=options["seed"],
                today=options["today"],
                progress=progress,
                force=options["force"],
            )
        except DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        for line in summary.lines():
            self.stdout.write(line)
