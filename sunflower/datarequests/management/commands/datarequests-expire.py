from django.core.management.base import BaseCommand

from sunflower.datarequests.actions import expire_extracts


class Command(BaseCommand):
    help = "Remove the files of data-request extracts whose download link has expired (daily)."

    def handle(self, *args, **options):
        count = expire_extracts()
        self.stdout.write(f"{count} expired extract(s) removed.")
