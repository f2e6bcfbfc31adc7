"""Loads the shipped Kansas geography (sunflower/geo/data/kansas_counties.csv).

Idempotent: existing rows are updated in place, and regions an administrator has already
edited (placeholder=False) are never overwritten.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from sunflower.geo.models import ContinuumOfCare, County, Region

COUNTIES_CSV = Path(__file__).with_name("data") / "kansas_counties.csv"
# The CoCs whose HMIS Lead runs this deployment; the others appear only as neighbours.
SERVED_COCS = {"KS-507", "KS-505"}


@dataclass
class GeographyLoadResult:
    cocs: int
    regions: int
    counties: int


@transaction.atomic
def load_kansas_geography(path: Path = COUNTIES_CSV) -> GeographyLoadResult:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))

    cocs: dict[str, ContinuumOfCare] = {}
    for row in rows:
        code = row["coc_code"]
        if code not in cocs:
            cocs[code], _ = ContinuumOfCare.objects.update_or_create(
                code=code, defaults={"name": row["coc_name"], "served": code in SERVED_COCS}
            )

    regions: dict[tuple[str, int], Region] = {}
    for row in rows:
        number = row.get("placeholder_region") or ""
        if not number:
            continue
        key = (row["coc_code"], int(number))
        if key not in regions:
            regions[key], _ = Region.objects.get_or_create(
                coc=cocs[row["coc_code"]],
                number=int(number),
                defaults={"name": f"Region {int(number)}", "placeholder": True},
            )

    for row in rows:
        number = row.get("placeholder_region") or ""
        region = regions.get((row["coc_code"], int(number))) if number else None
        county, created = County.objects.get_or_create(
            fips5=row["fips5"],
            defaults={
                "name": row["county"],
                "state_fips": row["state_fips"],
                "coc": cocs[row["coc_code"]],
                "region": region,
                "centroid_lon": Decimal(row["centroid_lon"]),
                "centroid_lat": Decimal(row["centroid_lat"]),
            },
        )
        if not created and county.region_id is None and region is not None:
            county.region = region
            county.save(update_fields=["region"])
    return GeographyLoadResult(
        cocs=ContinuumOfCare.objects.count(),
        regions=Region.objects.count(),
        counties=County.objects.count(),
    )
