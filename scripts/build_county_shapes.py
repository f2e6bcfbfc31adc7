"""Build sunflower/outreach/data/kansas-counties.geojson from the `us-atlas` npm package.

The outreach map derives a contact's county from these shapes (on the server) and draws them
as its base map (in the browser). They come from `us-atlas` (ISC licence), which packages the
U.S. Census Bureau's cartographic boundary files (public domain) as TopoJSON.

    cd /tmp && npm pack us-atlas@3.0.1          # us-atlas-3.0.1.tgz, from the npm registry
    python scripts/build_county_shapes.py /tmp/us-atlas-3.0.1.tgz

The argument is the package tarball or its `counties-10m.json`. The script decodes the
TopoJSON arcs itself (the format is small and documented:
https://github.com/topojson/topojson-specification), keeps the counties of Kansas (state FIPS
20), and writes GeoJSON with coordinates rounded to 6 decimals (about 10 cm). Arcs shared by
two counties decode to the same coordinates in both, so neighbouring shapes meet exactly.
"""

from __future__ import annotations

import json
import sys
import tarfile
from pathlib import Path

STATE_FIPS = "20"
SOURCE_MEMBER = "package/counties-10m.json"
OUTPUT = (
    Path(__file__).resolve().parents[1]
    / "sunflower"
    / "outreach"
    / "data"
    / "kansas-counties.geojson"
)


def read_topology(source: Path) -> dict:
    if source.suffix in (".tgz", ".gz"):
        with tarfile.open(source) as archive:
            member = archive.extractfile(SOURCE_MEMBER)
            if member is None:
                raise SystemExit(f"{SOURCE_MEMBER} not found in {source}")
            return json.load(member)
    return json.loads(source.read_text())


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        points = []
        x = y = 0
        for position in arc:
            if transform:
                x += position[0]
                y += position[1]
                (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
                points.append((round(x * sx + tx, 6), round(y * sy + ty, 6)))
            else:
                points.append((round(position[0], 6), round(position[1], 6)))
        arcs.append(points)
    return arcs


def ring(arcs, indexes: list[int]) -> list[list[float]]:
    coordinates: list[tuple[float, float]] = []
    for index in indexes:
        points = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        coordinates.extend(points if not coordinates else points[1:])
    if coordinates[0] != coordinates[-1]:
        coordinates.append(coordinates[0])
    return [list(point) for point in coordinates]


def geometry(arcs, geometry: dict) -> dict:
    if geometry["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": [ring(arcs, r) for r in geometry["arcs"]]}
    if geometry["type"] == "MultiPolygon":
        return {
            "type": "MultiPolygon",
            "coordinates": [[ring(arcs, r) for r in polygon] for polygon in geometry["arcs"]],
        }
    raise SystemExit(f"unexpected geometry type {geometry['type']}")


def build(source: Path) -> dict:
    topology = read_topology(source)
    arcs = decode_arcs(topology)
    features = [
        {
            "type": "Feature",
            "id": county["id"],
            "properties": {"fips5": county["id"], "name": county["properties"]["name"]},
            "geometry": geometry(arcs, county),
        }
        for county in topology["objects"]["counties"]["geometries"]
        if str(county["id"]).startswith(STATE_FIPS)
    ]
    features.sort(key=lambda feature: feature["id"])
    return {
        "type": "FeatureCollection",
        "source": "us-atlas 3.0.1 counties-10m.json (ISC; U.S. Census Bureau, public domain)",
        "features": features,
    }


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    collection = build(Path(argv[1]))
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(collection, separators=(",", ":")) + "\n")
    print(f"{len(collection['features'])} counties written to {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
