"""sunflower export-hmis-csv OUTPUT.zip --start YYYY-MM-DD --end YYYY-MM-DD
(--projects ID,ID | --coc XX-501 | --all) [--user EMAIL] [--hash] [--directive full|delta]

Writes an HMIS CSV FY2026 export (docs/interchange.md ("Export")) and prints the rows of each file
and the rate. ``--projects`` takes HUD ProjectIDs. Without ``--user`` only ``--all`` is allowed:
a system export of every project, with no requesting user.
"""

from __future__ import annotations

import datetime as dt
import sys

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from sunflower.interchange import exporter


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD).") from None


class Command(BaseCommand):
    help = "Export HMIS CSV FY2026 (a zip of the 24 files) for projects, a CoC or everything."

    def add_arguments(self, parser):
        parser.add_argument("output", help="the zip file to write")
        parser.add_argument("--start", required=True, help="export start date, YYYY-MM-DD")
        parser.add_argument("--end", required=True, help="export end date, YYYY-MM-DD")
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--projects", help="HUD ProjectIDs, comma-separated")
        scope.add_argument("--coc", help="a CoC code (XX-501): the projects in that CoC")
        scope.add_argument(
            "--all", action="store_true", help="every project (the user's, with --user)"
        )
        parser.add_argument("--user", help="e-mail of the requesting user (required unless --all)")
        parser.add_argument(
            "--source",
            help="only projects of this data source (needed when a ProjectID is in several)",
        )
        parser.add_argument(
            "--hash", action="store_true", help="HashStatus 4: SHA-256 of names and SSN"
        )
        parser.add_argument(
            "--directive",
            choices=["full", "delta"],
            default="full",
            help="ExportDirective: full refresh (2, default) or delta refresh (1, with deleted "
            "records)",
        )
        parser.add_argument(
            "--period",
            choices=["reporting", "updated"],
            default="reporting",
            help="ExportPeriodType: reporting period (3, default) or updated (1)",
        )
        parser.add_argument("--quiet-progress", action="store_true", help="no progress lines")

    def handle(self, *args, **options):
        from sunflower.hmis.models import Project

        start, end = _date(options["start"]), _date(options["end"])
        user = self._user(options["user"], options["all"])
        projects = None
        if options["projects"]:
            projects = self._projects(options["projects"], options["source"])
        elif options["source"]:
            projects = Project.objects.filter(data_source__name=options["source"])
            if not projects.exists():
                raise CommandError(f"Data source {options['source']!r} has no project.")
        progress = None if options["quiet_progress"] else self._progress
        try:
            result = exporter.export_hmis_csv(
                user=user,
                output=options["output"],
                projects=projects,
                coc_code=options["coc"],
                start=start,
                end=end,
                period_type=exporter.UPDATED
                if options["period"] == "updated"
                else exporter.REPORTING_PERIOD,
                directive=exporter.DELTA_REFRESH
                if options["directive"] == "delta"
                else exporter.FULL_REFRESH,
                hash_status=exporter.SHA_256 if options["hash"] else exporter.UNHASHED,
                progress=progress,
            )
        except PermissionDenied as error:
            raise CommandError(f"Refused: {error}") from None
        except exporter.ExportError as error:
            raise CommandError(str(error)) from None
        if progress is not None:
            sys.stderr.write("\n")
        for line in result.lines():
            self.stdout.write(line)
        self.stdout.write(f"ExportID {result.export_id} written to {options['output']}")

    def _progress(self, file_name: str, rows: int) -> None:
        sys.stderr.write(f"\r{file_name:<28} {rows:>12,}")
        sys.stderr.flush()

    def _user(self, email: str | None, everything: bool):
        if not email:
            if not everything:
                raise CommandError("--user is required unless --all (a system export).")
            return None
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user with e-mail {email!r}.")
        return user

    def _projects(self, ids: str, source: str | None):
        from sunflower.hmis.models import Project

        wanted = [value.strip() for value in ids.split(",") if value.strip()]
        if not wanted:
            raise CommandError("--projects needs at least one ProjectID.")
        found = Project.objects.filter(project_id__in=wanted)
        if source:
            found = found.filter(data_source__name=source)
        by_id: dict[str, list] = {}
        for project in found.select_related("data_source"):
            by_id.setdefault(project.project_id, []).append(project)
        missing = [value for value in wanted if value not in by_id]
        if missing:
            raise CommandError(f"No such project: {', '.join(missing)}")
        ambiguous = {k: v for k, v in by_id.items() if len(v) > 1}
        if ambiguous:
            details = "; ".join(
                f"{k} in {', '.join(p.data_source.name for p in v)}" for k, v in ambiguous.items()
            )
            raise CommandError(f"ProjectIDs in several data sources ({details}): use --source.")
        return [projects[0] for projects in by_id.values()]
