from django.core.management.base import BaseCommand

from sunflower.geo.loading import load_kansas_geography


class Command(BaseCommand):
    help = "Load (or refresh) the Kansas CoCs, CES regions and counties shipped with Sunflower."

    def handle(self, *args, **options):
        result = load_kansas_geography()
        self.stdout.write(
            f"Geography: {result.cocs} CoCs, {result.regions} regions, {result.counties} counties."
        )
