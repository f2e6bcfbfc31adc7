"""What Coordinated Entry needs before its first assessment: the default tools, and one
CoC-wide CES region for every served CoC that has no regions (KS-505 Johnson County runs one
list for the whole CoC; the Balance of State runs one per region). `sunflower ces_setup`
runs it; the demo loader too. Idempotent."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class CesSetup:
    tools_installed: int
    regions_created: list[str]


COC_WIDE_NUMBER = 1


def ensure_ces_setup() -> CesSetup:
    from sunflower.ces.assessments import ensure_default_tools
    from sunflower.geo.models import ContinuumOfCare, Region

    created = []
    for coc in ContinuumOfCare.objects.filter(served=True, regions__isnull=True):
        region, made = Region.objects.get_or_create(
            coc=coc, number=COC_WIDE_NUMBER,
            defaults={"name": f"{coc.name} (whole CoC)", "placeholder": True},
        )
        if made:
            created.append(str(region))
    return CesSetup(tools_installed=len(ensure_default_tools()), regions_created=created)
