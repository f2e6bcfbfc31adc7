"""Benchmark: the street outreach map on a large history of contacts.

Makes a scratch database on the server that ``BENCH_DATABASE_URL`` names (default
``postgres://postgres@127.0.0.1:5432/``), migrates it, loads the Kansas geography and writes
``--contacts`` street outreach contacts (default 200,000) over ``--days`` days (default 730)
for ``--agencies`` outreach agencies (default 10), at random points in Kansas with their
county derived as the contact form derives it. It then measures:

1. **county derivation**: points per second of ``geography.county_fips_at`` on random points
   of Kansas's bounding box (the server's work for each contact sent);
2. **record a contact**: ``--records`` contacts through ``actions.record_contact`` (checks,
   county, audit), the median and p95 milliseconds each;
3. **map data**: ``actions.map_data`` for an outreach worker of one agency and for an HMIS
   administrator, over 30 days and 365 days: the seconds (median of ``--runs``), the points
   returned and the JSON size;
4. **counts by county**: ``actions.county_counts`` (suppressed, for other roles) over 365 days.

It prints each figure and one RESULT line, and drops the database at the end (also when a step
fails). With ``--database NAME`` it uses that database and keeps it (filled only if it has no
contacts yet). See bench/README.md.

    .venv/bin/python bench/outreach.py
    .venv/bin/python bench/outreach.py --contacts 50000 --database sunflower_bench_outreach
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scratch import load_average, percentile, scratch_database  # noqa: E402 (bench/)

# Kansas's bounding box (longitude, latitude); a few points fall just outside and are skipped.
WEST, EAST, SOUTH, NORTH = -102.05, -94.59, 36.99, 40.0
PASSWORD = "a-long-enough-password"  # noqa: S105 - scratch database only


def random_point(rng: random.Random) -> tuple[float, float]:
    return rng.uniform(WEST, EAST), rng.uniform(SOUTH, NORTH)


def fill(contacts: int, days: int, agencies: int, rng: random.Random):
    from django.utils import timezone

    from sunflower.accounts.roles import Role
    from sunflower.accounts.testing import create_user_with_role
    from sunflower.geo.loading import load_kansas_geography
    from sunflower.geo.models import County
    from sunflower.hmis.testing import make_organization, make_project
    from sunflower.outreach.geography import county_fips_at
    from sunflower.outreach.models import OutreachContact

    load_kansas_geography()
    counties = dict(County.objects.values_list("fips5", "pk"))
    teams = []
    for number in range(agencies):
        agency = make_organization(organization_name=f"Bench Outreach {number + 1}")
        project = make_project(agency, project_type=4, project_name=f"Bench SO {number + 1}")
        worker = create_user_with_role(
            f"worker{number + 1}@bench.example", Role.AGENCY_CES_OUTREACH, PASSWORD, agency
        )
        teams.append((agency, project, worker))
    now = timezone.now()
    started = time.perf_counter()
    batch = []
    made = 0
    while made < contacts:
        lng, lat = random_point(rng)
        fips = county_fips_at(lng, lat)
        if fips is None:
            continue
        agency, project, worker = teams[made % len(teams)]
        batch.append(
            OutreachContact(
                client_uuid=uuid.uuid4(),
                project=project,
                organization=agency,
                person_description="Bench person",
                contacted_at=now - dt.timedelta(seconds=rng.uniform(0, days * 86400)),
                current_living_situation=rng.choice([116, 116, 118, 101]),
                services_given=["food"],
                latitude=round(lat, 6),
                longitude=round(lng, 6),
                accuracy_m=20,
                location_source="gps",
                county_id=counties[fips],
                dv_flag=rng.random() < 0.03,
                recorded_by=worker,
            )
        )
        made += 1
        if len(batch) == 5000:
            OutreachContact.objects.bulk_create(batch)
            batch = []
    OutreachContact.objects.bulk_create(batch)
    print(f"  {contacts} contacts written in {time.perf_counter() - started:.1f} s", flush=True)


def timed(function, runs: int) -> tuple[float, object]:
    seconds = []
    result = None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=200_000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--agencies", type=int, default=10)
    parser.add_argument("--records", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--points", type=int, default=20_000)
    parser.add_argument("--database", default=None)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    with scratch_database(args.database, "sunflower_bench_outreach"):
        from django.contrib.auth import get_user_model
        from django.utils import timezone

        from sunflower.accounts.roles import Role
        from sunflower.accounts.testing import create_user_with_role
        from sunflower.hmis.models import Project
        from sunflower.outreach import actions
        from sunflower.outreach.geography import county_fips_at
        from sunflower.outreach.models import OutreachContact

        if not OutreachContact.objects.exists():
            print(f"Filling: {args.contacts} contacts over {args.days} days ...", flush=True)
            fill(args.contacts, args.days, args.agencies, rng)
        total = OutreachContact.objects.count()
        users = get_user_model().objects
        worker = users.get(email="worker1@bench.example")
        admin = users.filter(email="lead@bench.example").first() or create_user_with_role(
            "lead@bench.example", Role.HMIS_ADMIN, PASSWORD
        )

        points = [random_point(rng) for _ in range(args.points)]
        started = time.perf_counter()
        inside = sum(county_fips_at(lng, lat) is not None for lng, lat in points)
        derive = args.points / (time.perf_counter() - started)
        print(f"County derivation: {derive:,.0f} points/s ({inside} of {args.points} in Kansas)")

        project = Project.objects.get(project_name="Bench SO 1")
        record_ms = []
        while len(record_ms) < args.records:
            lng, lat = random_point(rng)
            if county_fips_at(lng, lat) is None:
                continue
            entry = {
                "client_uuid": uuid.uuid4(),
                "project": project,
                "enrollment": None,
                "person_description": "Bench person",
                "contacted_at": timezone.now(),
                "current_living_situation": 116,
                "services_given": ["food"],
                "latitude": lat,
                "longitude": lng,
                "location_source": "gps",
            }
            started = time.perf_counter()
            actions.record_contact(worker, entry)
            record_ms.append((time.perf_counter() - started) * 1000)
        print(
            f"Record a contact: median {statistics.median(record_ms):.1f} ms, "
            f"p95 {percentile(record_ms, 0.95):.1f} ms ({args.records} contacts)"
        )

        today = timezone.localdate()
        figures = {}
        for days in (30, 365):
            filters = {"start": today - dt.timedelta(days=days), "end": today}
            for name, user in (("worker", worker), ("admin", admin)):
                seconds, data = timed(lambda u=user, f=filters: actions.map_data(u, f), args.runs)
                size = len(json.dumps(data))
                shown = len(data["points"]["features"])
                figures[f"map_{name}_{days}d"] = seconds
                print(
                    f"Map data, {name}, {days} days: {seconds * 1000:.0f} ms median, "
                    f"{shown:,} points of {data['total']:,} contacts, {size / 1e6:.1f} MB JSON"
                )
        filters = {"start": today - dt.timedelta(days=365), "end": today}
        seconds, _counts = timed(lambda: actions.county_counts(admin, filters), args.runs)
        figures["county_counts_365d"] = seconds
        print(f"Counts by county, 365 days: {seconds * 1000:.0f} ms median")
        print(f"Load average: {load_average()}")
        print(
            "RESULT "
            f"contacts={total} derive_points_per_second={derive:.0f} "
            f"record_ms_p95={percentile(record_ms, 0.95):.1f} "
            + " ".join(f"{key}_ms={value * 1000:.0f}" for key, value in figures.items())
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
