"""Benchmark: a region's CES prioritization list, recomputed after a rule change and served
to concurrent users.

Makes a scratch database on the server that ``BENCH_DATABASE_URL`` names (default
``postgres://postgres@127.0.0.1:5432/``), migrates it and generates one region with
``--households`` households on its list (default 10,000) plus ``--other-regions`` regions of
``--other-households`` each, all enrolled in a Coordinated Entry project, then ranks every
list once. It then measures:

1. **recompute**: ``--runs`` rule changes (default 5) on the big region, each a different rule
   order set with ``prioritization.set_rules`` as an HMIS administrator; it reports the
   seconds of ``recompute`` itself and of the whole ``set_rules`` call, and the share of
   households whose rank changed (target: recompute under 1 s);
2. **list page**: ``--users`` concurrent users (default 20; half HMIS administrators, half
   regional coordinators), each with its own ``django.test.Client`` and database connection,
   requesting random pages and filters of the list page (URL ``ces_list``) back-to-back for
   ``--seconds`` (target: p95 under 200 ms).

It prints the median, max, p95 and p99 figures and one RESULT line, and drops the database at
the end (also when a step fails). With ``--database NAME`` it uses that database instead and
keeps it (created, migrated and filled only if it has no list yet). See bench/README.md.

    .venv/bin/python bench/ces.py
    .venv/bin/python bench/ces.py --database sunflower_bench_ces --processes
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scratch import load_average, percentile, run_concurrently, scratch_database  # noqa: E402 (bench/)

REGION_NAME = "Bench CES Region"
PASSWORD = "a-long-enough-password"  # noqa: S105 - scratch database only
FLAGS = ("high_utilizer", "medical", "mental_health", "substance_use", "mobility", "exploited")

# The big region's rule orders: the first is the default; runs change it to the second (a new
# first criterion: nearly every rank moves), back, to the third (two tie-breakers swapped: a
# smaller share moves), back, and so on (CHANGES).
RULE_SETS = [
    [
        {"criterion": "score", "direction": "desc"},
        {"criterion": "chronic", "direction": "desc"},
        {"criterion": "days_homeless", "direction": "desc"},
        {"criterion": "vulnerability", "direction": "desc"},
        {"criterion": "assessed_on", "direction": "asc"},
    ],
    [
        {"criterion": "chronic", "direction": "desc"},
        {"criterion": "veteran", "direction": "desc"},
        {"criterion": "days_homeless", "direction": "desc"},
        {"criterion": "score", "direction": "desc"},
        {"criterion": "assessed_on", "direction": "asc"},
    ],
    [
        {"criterion": "score", "direction": "desc"},
        {"criterion": "chronic", "direction": "desc"},
        {"criterion": "vulnerability", "direction": "desc"},
        {"criterion": "days_homeless", "direction": "desc"},
        {"criterion": "assessed_on", "direction": "asc"},
    ],
]
CHANGES = [1, 0, 2, 0]












# --- data ----------------------------------------------------------------------------------


def _household_facts(rng: random.Random, today: dt.date) -> dict:
    household_type = rng.choices(
        ["adults", "family", "youth", "children"], weights=[62, 25, 11, 2]
    )[0]
    size = 1 if household_type in ("adults", "youth") else rng.choice([2, 2, 3, 3, 4, 5, 6])
    if household_type == "adults" and rng.random() < 0.12:
        size = 2
    days_homeless = rng.choice([rng.randrange(0, 120), rng.randrange(120, 1096)])
    return {
        "household_type": household_type,
        "household_size": size,
        "score": rng.randrange(0, 31),
        "chronic": days_homeless >= 365 and rng.random() < 0.7,
        "veteran": household_type == "adults" and rng.random() < 0.09,
        "youth": household_type == "youth",
        "fleeing_dv": rng.random() < 0.14,
        "days_homeless": days_homeless,
        "vulnerability_flags": rng.sample(FLAGS, rng.choice([0, 0, 1, 1, 2, 3])),
        "assessed_on": today - dt.timedelta(days=rng.randrange(1, 720)),
        "last_contact_on": today - dt.timedelta(days=rng.randrange(0, 60)),
    }


def generate(households: int, other_regions: int, other_households: int, seed: int) -> None:
    """The CoC, its regions, a CE project, the users, and the households on the lists."""
    from django.db import transaction
    from django.utils import timezone

    from sunflower.accounts.models import DutyAssignment
    from sunflower.accounts.roles import Duty, Role
    from sunflower.accounts.testing import create_user_with_role
    from sunflower.ces.models import ListEntry
    from sunflower.geo.models import ContinuumOfCare, Region
    from sunflower.hmis.models import Client, Enrollment, ProjectCoC
    from sunflower.hmis.testing import make_organization, make_project

    rng = random.Random(seed)
    today = timezone.localdate()
    with transaction.atomic():
        coc, _ = ContinuumOfCare.objects.get_or_create(
            code="KS-507", defaults={"name": "Kansas Balance of State", "served": True}
        )
        big = Region.objects.create(coc=coc, number=1, name=REGION_NAME)
        regions = [(big, households)] + [
            (
                Region.objects.create(coc=coc, number=n + 2, name=f"Bench CES Region {n + 2}"),
                other_households,
            )
            for n in range(other_regions)
        ]
        lead = make_organization(organization_name="Bench Coalition (HMIS Lead)")
        ce_project = make_project(lead, project_type=14, project_name="Bench Statewide CE")
        ProjectCoC.objects.create(project=ce_project, coc_code="KS-507", geocode="209999")
        create_user_with_role(
            "bench-ces-admin@example.org", Role.HMIS_ADMIN, PASSWORD, organization=lead
        )
        coordinator = create_user_with_role(
            "bench-ces-coordinator@example.org", Role.AGENCY_CES, PASSWORD, organization=lead
        )
        DutyAssignment.objects.create(
            user=coordinator, duty=Duty.CES_REGIONAL_COORDINATOR, region=big
        )

    number = 0
    for region, count in regions:
        for start in range(0, count, 2000):
            size = min(2000, count - start)
            with transaction.atomic():
                clients = Client.objects.bulk_create(
                    [
                        Client(
                            first_name=f"Bench{number + i}",
                            last_name=f"Household{number + i}",
                            name_data_quality=1,
                            ssn_data_quality=99,
                            dob=dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(0, 16000)),
                            dob_data_quality=1,
                            am_ind_ak_native=0,
                            asian=0,
                            black_af_american=0,
                            hispanic_latinao=0,
                            mid_east_n_african=0,
                            native_hi_pacific=0,
                            white=1,
                            veteran_status=0,
                        )
                        for i in range(size)
                    ]
                )
                number += size
                enrollments = Enrollment.objects.bulk_create(
                    [
                        Enrollment(
                            client=client,
                            project=ce_project,
                            entry_date=today - dt.timedelta(days=rng.randrange(30, 720)),
                            household_id=client.personal_id,
                            relationship_to_hoh=1,
                            enrollment_coc="KS-507",
                            disabling_condition=0,
                        )
                        for client in clients
                    ]
                )
                ListEntry.objects.bulk_create(
                    [
                        ListEntry(
                            region=region,
                            status=ListEntry.Status.ACTIVE,
                            client=client,
                            enrollment=enrollment,
                            score_band="",
                            **_household_facts(rng, today),
                        )
                        for client, enrollment in zip(clients, enrollments, strict=True)
                    ]
                )
        print(f"  {region.name}: {count:,} households", flush=True)


# --- recompute -----------------------------------------------------------------------------


def measure_recompute(admin, region, runs: int) -> list[tuple[float, float, int, int]]:
    """(recompute seconds, set_rules seconds, changed, ranked) per rule change."""
    from sunflower.ces import prioritization
    from sunflower.ces.models import PrioritizationRules

    # Start from the first rule set, whatever an earlier run left behind (not measured).
    PrioritizationRules.objects.update_or_create(
        region=region,
        defaults={
            "coc_id": region.coc_id,
            "rules": RULE_SETS[0],
            "inactive_after_days": 90,
            "changed_by": admin,
        },
    )
    prioritization.recompute(region, "benchmark: reset")

    captured: list = []
    original = prioritization.recompute

    def recording(target, cause, today=None):
        result = original(target, cause, today)
        captured.append(result)
        return result

    measured = []
    prioritization.recompute = recording
    try:
        for run in range(runs):
            rules = RULE_SETS[CHANGES[run % len(CHANGES)]]
            captured.clear()
            began = time.perf_counter()
            prioritization.set_rules(admin, region, rules, 90)
            whole = time.perf_counter() - began
            (result,) = captured
            measured.append((result.seconds, whole, result.changed, result.ranked))
            print(
                f"  run {run + 1}: recompute {result.seconds:.3f} s, set_rules {whole:.3f} s, "
                f"{result.changed:,} of {result.ranked:,} ranks changed",
                flush=True,
            )
    finally:
        prioritization.recompute = original
    return measured


# --- the list page -------------------------------------------------------------------------


def _sign_agreement(users) -> None:
    """The list page sends a user who has not signed the current CE Participation Agreement
    to sign it first; the benchmark's users have signed it."""
    from sunflower.ces.agreements import current_agreement
    from sunflower.ces.models import AgreementSignature

    agreement = current_agreement()
    if agreement is None:
        return
    for user in users:
        AgreementSignature.objects.get_or_create(
            agreement=agreement,
            user=user,
            organization=None,
            defaults={"signed_name": user.get_full_name() or user.email},
        )


def _request_for(rng: random.Random, pages: int) -> tuple[str, dict]:
    """(kind, query) of one list-page request: a plain page or a filtered one."""
    kind = rng.choices(
        ["page", "household_type", "veteran", "chronic", "youth", "combined"],
        weights=[50, 20, 8, 10, 6, 6],
    )[0]
    if kind == "page":
        return kind, {"page": rng.randrange(1, pages + 1)} if rng.random() < 0.9 else {}
    if kind == "household_type":
        query = {"household_type": rng.choice(["adults", "family", "youth", "children"])}
    elif kind == "combined":
        query = {"household_type": "adults", "veteran": "1", "chronic": "1"}
    else:
        query = {kind: "1"}
    if rng.random() < 0.5:
        query["page"] = rng.randrange(1, 4)
    return kind, query


def _page_loop(user, url: str, pages: int, index: int, start, seconds: float,
               think: float = 0.0):
    """One user: requests until the deadline on its own client and database connection,
    pausing a random 0.5-1.5 x `think` seconds after each page (reading it), or none."""
    from django.db import connection
    from django.test import Client

    rng = random.Random(1000 + index)
    mine: list[tuple[str, float, int]] = []
    try:
        browser = Client()
        browser.force_login(user)
        browser.get(url)  # connect and warm up, not measured
        start.wait()
        stop = time.perf_counter() + seconds
        while time.perf_counter() < stop:
            kind, query = _request_for(rng, pages)
            began = time.perf_counter()
            response = browser.get(url, query)
            mine.append((kind, (time.perf_counter() - began) * 1000, response.status_code))
            if think:
                time.sleep(think * rng.uniform(0.5, 1.5))
    finally:
        connection.close()
    return mine


def run_load(users, url: str, pages: int, seconds: float, processes: bool = False,
             think: float = 0.0):
    """`len(users)` concurrent users for `seconds` (scratch.run_concurrently)."""
    return run_concurrently(
        lambda index, start: _page_loop(users[index], url, pages, index, start, seconds, think),
        len(users), processes,
    )


# --- main ----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=10_000, help="on the big region's list")
    parser.add_argument("--other-regions", type=int, default=3, help="default 3")
    parser.add_argument(
        "--other-households", type=int, default=1500, help="per other region (default 1500)"
    )
    parser.add_argument("--runs", type=int, default=5, help="rule changes to time (default 5)")
    parser.add_argument("--users", type=int, default=20, help="concurrent users (default 20)")
    parser.add_argument("--seconds", type=float, default=30.0, help="load duration (default 30)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--database",
        metavar="NAME",
        help="use and keep this database (filled if it has no list yet)",
    )
    parser.add_argument(
        "--processes",
        action="store_true",
        help="run the users as processes (as a WSGI server runs Django) instead of threads",
    )
    parser.add_argument("--no-page", action="store_true", help="measure the recompute only")
    parser.add_argument(
        "--think", type=float, default=0.0,
        help="seconds a user reads a page before the next (0.5-1.5 x this; default 0: "
        "back to back, every user always waiting for a page)",
    )
    args = parser.parse_args(argv)

    with scratch_database(args.database, "sunflower_bench_ces"):
        from django.conf import settings
        from django.db import connection
        from django.urls import NoReverseMatch, reverse

        from sunflower.accounts.models import User
        from sunflower.ces import prioritization
        from sunflower.ces.models import ListEntry
        from sunflower.geo.models import Region

        if not Region.objects.filter(name=REGION_NAME).exists():
            started = time.perf_counter()
            total = args.households + args.other_regions * args.other_households
            print(f"Generating {total:,} households ...", flush=True)
            generate(args.households, args.other_regions, args.other_households, args.seed)
            for region in Region.objects.filter(name__startswith="Bench CES Region"):
                prioritization.recompute(region, "benchmark: first ranking")
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
            print(
                f"  generated, ranked and analyzed in {time.perf_counter() - started:.0f} s",
                flush=True,
            )
        region = Region.objects.get(name=REGION_NAME)
        admin = User.objects.get(email="bench-ces-admin@example.org")
        coordinator = User.objects.get(email="bench-ces-coordinator@example.org")
        on_list = ListEntry.objects.filter(region=region, status="active").count()
        everyone = ListEntry.objects.count()

        print(
            f"Recompute after a rule change: {on_list:,} households, {args.runs} runs", flush=True
        )
        measured = measure_recompute(admin, region, args.runs)
        recompute_s = [m[0] for m in measured]
        set_rules_s = [m[1] for m in measured]
        changed_share = statistics.median(m[2] / m[3] for m in measured)
        print(
            f"  recompute median {statistics.median(recompute_s):.3f} s, "
            f"max {max(recompute_s):.3f} s; set_rules median {statistics.median(set_rules_s):.3f}"
            f" s, max {max(set_rules_s):.3f} s; median share changed {changed_share:.0%}"
        )
        result = (
            f"RESULT households={on_list} all_households={everyone} runs={args.runs} "
            f"recompute_median_s={statistics.median(recompute_s):.3f} "
            f"recompute_max_s={max(recompute_s):.3f} "
            f"set_rules_median_s={statistics.median(set_rules_s):.3f} "
            f"set_rules_max_s={max(set_rules_s):.3f} changed_share={changed_share:.2f}"
        )

        page = "skipped"
        try:
            url = reverse("ces_list", args=[region.pk])
        except NoReverseMatch:
            url = None
            page = "missing"
            print("List page: no URL named ces_list yet; not measured.")
        if url and not args.no_page:
            if "testserver" not in settings.ALLOWED_HOSTS:
                settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
            _sign_agreement([admin, coordinator])
            pages = max(1, -(-on_list // 50))
            users = [admin if n % 2 == 0 else coordinator for n in range(args.users)]
            connection.close()
            mode = "processes" if args.processes else "threads"
            print(
                f"List page {url}: {args.users} users ({mode}) for {args.seconds:.0f} s "
                f"(load average before: {load_average()}) ...",
                flush=True,
            )
            results, elapsed = run_load(
                users, url, pages, args.seconds, args.processes, args.think
            )
            load = load_average()
            errors = sum(1 for _, _, status in results if status != 200)
            print(f"{'kind':<16} {'requests':>9} {'median ms':>10} {'p95 ms':>8} {'p99 ms':>8}")
            for kind in sorted({k for k, _, _ in results}):
                values = [ms for k, ms, _ in results if k == kind]
                print(
                    f"{kind:<16} {len(values):>9,} {statistics.median(values):>10.1f} "
                    f"{percentile(values, 0.95):>8.1f} {percentile(values, 0.99):>8.1f}"
                )
            latencies = [ms for _, ms, _ in results]
            median, p95, p99 = (
                statistics.median(latencies),
                percentile(latencies, 0.95),
                percentile(latencies, 0.99),
            )
            print(f"{'all':<16} {len(latencies):>9,} {median:>10.1f} {p95:>8.1f} {p99:>8.1f}")
            if errors:
                statuses = sorted({status for _, _, status in results if status != 200})
                print(f"  {errors:,} responses were not 200 OK (statuses {statuses})")
            print(f"load average after: {load}")
            page = "measured"
            result += (
                f" users={args.users} mode={mode} think_s={args.think:g} requests={len(latencies)} "
                f"median_ms={median:.1f} p95_ms={p95:.1f} p99_ms={p99:.1f} "
                f"requests_per_second={len(latencies) / elapsed:.0f} errors={errors} "
                f"load1={load.split()[0]}"
            )
        print(f"{result} page={page}")
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
