"""`sunflower ces_setup`: install the default assessment tools and a CoC-wide CES region for
each served CoC without regions (sunflower.ces.setup)."""

from __future__ import annotations

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Install the default CES assessment tools and CoC-wide regions where a CoC has none."

    def handle(self, *args, **options):
        from sunflower.ces.setup import ensure_ces_setup

        result = ensure_ces_setup()
        self.stdout.write(
            f"{result.tools_installed} assessment tool(s) installed; "
            f"CoC-wide regions created: {', '.join(result.regions_created) or 'none'}."
        )
