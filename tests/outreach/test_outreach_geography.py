"""The county of a point comes from the Census county shapes, on the server."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from django.core.exceptions import ValidationError

from sunflower.outreach import geography

pytestmark = pytest.mark.outreach

PLACES = [
    ("Topeka", 39.0473, -95.6752, "20177", "Shawnee"),
    ("Wichita", 37.6872, -97.3301, "20173", "Sedgwick"),
    ("Overland Park", 38.9822, -94.6708, "20091", "Johnson"),
    ("Olathe", 38.8814, -94.8191, "20091", "Johnson"),
    ("Dodge City", 37.7528, -100.0171, "20057", "Ford"),
    ("Garden City", 37.9717, -100.8727, "20055", "Finney"),
    ("Lawrence", 38.9717, -95.2353, "20045", "Douglas"),
    ("Hays", 38.8792, -99.3268, "20051", "Ellis"),
    ("Kansas City, Kansas", 39.1141, -94.6275, "20209", "Wyandotte"),
    ("Liberal", 37.0431, -100.9210, "20175", "Seward"),
]


def test_the_asset_holds_the_105_kansas_counties():
    features = json.loads(geography.SHAPES_PATH.read_text())["features"]
    assert len(features) == 105
    assert {f["properties"]["fips5"][:2] for f in features} == {"20"}


@pytest.mark.parametrize(
    ("place", "lat", "lng", "fips", "name"), PLACES, ids=[p[0] for p in PLACES]
)
def test_points_in_kansas_counties_get_their_county(geography_loaded, place, lat, lng, fips, name):
    assert geography.county_fips_at(lng, lat) == fips
    county = geography.county_at(lat, lng)
    assert (county.fips5, county.name) == (fips, name)
    assert county.coc_id is not None  # and so the CoC (and, where set, the region)


def _shared_vertex():
    """A corner that two counties' shapes share (taken from the asset itself)."""
    features = json.loads(geography.SHAPES_PATH.read_text())["features"]
    owners: dict[tuple[float, float], set[str]] = {}
    for feature in features:
        geometry = feature["geometry"]
        polygons = (
            geometry["coordinates"]
            if geometry["type"] == "MultiPolygon"
            else [geometry["coordinates"]]
        )
        for polygon in polygons:
            for ring in polygon:
                for x, y in ring:
                    owners.setdefault((x, y), set()).add(feature["properties"]["fips5"])
    # Shawnee (20177) and Jefferson (20087) meet along a line: a vertex of both.
    for point, fips in sorted(owners.items()):
        if fips == {"20177", "20087"}:
            return point, fips
    raise AssertionError("no shared vertex between Shawnee and Jefferson")


def test_a_point_on_a_county_line_gets_the_lowest_fips(geography_loaded):
    (lng, lat), fips = _shared_vertex()
    assert geography.fips_candidates(lng, lat) == sorted(fips)
    assert geography.county_fips_at(lng, lat) == "20087"  # Jefferson (20087) < Shawnee (20177)
    assert geography.county_at(lat, lng).name == "Jefferson"


def test_a_point_midway_along_a_shared_edge_is_also_on_the_line(geography_loaded):
    from shapely.geometry import shape

    features = {
        f["properties"]["fips5"]: shape(f["geometry"])
        for f in json.loads(geography.SHAPES_PATH.read_text())["features"]
    }
    border = features["20173"].boundary.intersection(features["20015"].boundary)  # Sedgwick/Butler
    point = border.interpolate(0.5, normalized=True)
    assert geography.fips_candidates(point.x, point.y) == ["20015", "20173"]
    assert geography.county_fips_at(point.x, point.y) == "20015"  # Butler


def test_every_point_has_exactly_one_county_away_from_lines():
    # A grid across Kansas: never two counties for a point inside one.
    tally = Counter()
    for i in range(40):
        for j in range(20):
            lng, lat = -101.9 + i * 0.17, 37.05 + j * 0.14
            candidates = geography.fips_candidates(lng, lat)
            tally[len(candidates)] += 1
    assert tally[1] > 700 and set(tally) <= {0, 1, 2}


@pytest.mark.parametrize(
    ("place", "lat", "lng"),
    [
        ("Kansas City, Missouri", 39.0997, -94.5786),
        ("Denver", 39.7392, -104.9903),
        ("Oklahoma City", 35.4676, -97.5164),
    ],
)
def test_a_point_outside_kansas_is_refused(geography_loaded, place, lat, lng):
    with pytest.raises(ValidationError) as refused:
        geography.county_at(lat, lng)
    assert "outside Kansas" in refused.value.message_dict["location"][0]


@pytest.mark.parametrize(("lat", "lng"), [(95, -98), (38, 200), ("abc", -98), (None, None)])
def test_a_position_not_on_earth_is_refused(geography_loaded, lat, lng):
    with pytest.raises(ValidationError):
        geography.county_at(lat, lng)


@pytest.fixture
def geography_loaded(geography):
    return None
