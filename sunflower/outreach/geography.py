"""The county of a point, on the server, from the Census county shapes
(sunflower/outreach/data/kansas-counties.geojson; see SOURCE.md there).

The rule for a point on a county line (docs/outreach.md): every county whose shape contains
the point, or whose boundary passes within `LINE_TOLERANCE_DEGREES` of it, is a candidate, and
the candidate with the lowest FIPS code wins. A point that is in no county's shape and near no
county line is outside Kansas and refused.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SHAPES_PATH = Path(__file__).resolve().parent / "data" / "kansas-counties.geojson"
# About a centimetre: a point this close to a county line counts as on it (floating point).
LINE_TOLERANCE_DEGREES = 1e-7


@dataclass(frozen=True)
class Shapes:
    fips: tuple[str, ...]
    geometries: tuple
    tree: object


@functools.cache
def shapes() -> Shapes:
    """The county shapes and their spatial index, read once per process."""
    from shapely import STRtree, prepare
    from shapely.geometry import shape

    features = json.loads(SHAPES_PATH.read_text())["features"]
    geometries = tuple(shape(feature["geometry"]) for feature in features)
    for geometry in geometries:
        prepare(geometry)
    return Shapes(
        fips=tuple(feature["properties"]["fips5"] for feature in features),
        geometries=geometries,
        tree=STRtree(geometries),
    )


@functools.cache
def shapes_json() -> bytes:
    """The same shapes for the browser's base map."""
    return SHAPES_PATH.read_bytes()


def fips_candidates(longitude: float, latitude: float) -> list[str]:
    """Every county FIPS code whose shape contains or touches the point, lowest first."""
    from shapely.geometry import Point

    loaded = shapes()
    point = Point(float(longitude), float(latitude))
    indexes = loaded.tree.query(point, predicate="dwithin", distance=LINE_TOLERANCE_DEGREES)
    return sorted(loaded.fips[int(i)] for i in indexes)


def county_fips_at(longitude, latitude) -> str | None:
    """The county FIPS code of the point under the county-line rule, or None outside Kansas."""
    candidates = fips_candidates(longitude, latitude)
    return candidates[0] if candidates else None


def check_coordinates(latitude, longitude) -> tuple[Decimal, Decimal]:
    """The point as decimals with 6 places; ValidationError if it is not a place on Earth."""
    try:
        lat = Decimal(str(latitude)).quantize(Decimal("0.000001"))
        lng = Decimal(str(longitude)).quantize(Decimal("0.000001"))
    except (ArithmeticError, ValueError, TypeError):
        raise ValidationError(
            {"location": [_("Choose the place: use your location or tap the map.")]}
        ) from None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise ValidationError({"location": [_("That is not a position on Earth.")]})
    return lat, lng


def county_at(latitude, longitude):
    """The geo.County of a point in Kansas; ValidationError (field `location`) outside."""
    from sunflower.geo.models import County

    lat, lng = check_coordinates(latitude, longitude)
    fips = county_fips_at(lng, lat)
    if fips is None:
        raise ValidationError(
            {"location": [_("This place is outside Kansas: Sunflower maps Kansas counties only.")]}
        )
    county = County.objects.select_related("region", "coc").filter(fips5=fips).first()
    if county is None:
        raise ValidationError(
            {
                "location": [
                    _(
                        "County %(fips)s is not loaded; ask the HMIS Lead to run "
                        "“sunflower load_geography”."
                    )
                    % {"fips": fips}
                ]
            }
        )
    return county
