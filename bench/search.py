"""Benchmark: client search latency on PostgreSQL under concurrent searches.

Makes a scratch database on the server that ``BENCH_DATABASE_URL`` names (default
``postgres://postgres@127.0.0.1:5432/``), migrates it, generates ``--clients`` demo clients
(default 1,000,000; that takes about 7 minutes), then runs ``--workers`` threads (default 20),
each with its own database connection, issuing realistic searches for ``--seconds``. It prints
the median, p95 and p99 latency in ms and the searches per second, overall and per kind of
query, with the load average of the machine, and drops the database at the end (also when a
step fails). With ``--database NAME`` it uses that database instead and keeps it (it is created,
migrated and filled only if it has no clients yet), so that runs can be repeated without
generating again. See bench/README.md.

    .venv/bin/python bench/search.py --clients 200000
    .venv/bin/python bench/search.py --database sunflower_bench_search --processes
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scratch import load_average, percentile, run_concurrently, scratch_database  # noqa: E402 (bench/)


def _typo(word: str, rng: random.Random) -> str:
    """One realistic slip: a letter dropped, doubled, swapped with the next, or replaced."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i] + word[i:]
    if kind == 2:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + rng.choice("aeiouy") + word[i + 1 :]


def make_queries(count: int, seed: int) -> list[tuple[str, str]]:
    """(kind, query) pairs drawn from the generated clients."""
    from django.db import connection

    rng = random.Random(seed)
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [0.5])
        cursor.execute(
            "SELECT first_name, last_name, dob, ssn FROM hmis_client "
            "WHERE first_name <> '' AND last_name <> '' ORDER BY random() LIMIT %s",
            [count],
        )
        rows = cursor.fetchall()
    queries = []
    for first, last, dob, ssn in rows:
        kind = rng.choices(
            ["full name, typo", "full name, swapped", "last name, typo", "date of birth",
             "SSN last four", "name + DOB"],
            weights=[35, 10, 20, 15, 10, 10],
        )[0]
        if kind == "full name, typo":
            query = f"{first} {_typo(last, rng)}"
        elif kind == "full name, swapped":
            query = f"{last} {first}"
        elif kind == "last name, typo":
            query = _typo(last, rng)
        elif kind == "date of birth" and dob:
            query = dob.strftime("%m/%d/%Y")
        elif kind == "SSN last four" and ssn and ssn[-4:].isdigit():
            query = ssn[-4:]
        elif kind == "name + DOB" and dob:
            query = f"{_typo(last, rng)} {dob.isoformat()}"
        else:
            kind, query = "full name, typo", f"{first} {_typo(last, rng)}"
        queries.append((kind, query))
    return queries




def _search_loop(user, queries, index: int, workers: int, start, seconds: float):
    """One worker: searches until the deadline, on its own (persistent) database connection."""
    from django.db import connection

    from sunflower.hmis.search import search_clients

    mine: list[tuple[str, float]] = []
    try:
        search_clients(user, queries[index][1])  # connect and warm up, not measured
        start.wait()
        stop = time.perf_counter() + seconds
        i = index
        while time.perf_counter() < stop:
            kind, query = queries[i % len(queries)]
            began = time.perf_counter()
            search_clients(user, query)
            mine.append((kind, (time.perf_counter() - began) * 1000))
            i += workers
    finally:
        connection.close()
    return mine


def run_load(
    user, queries, workers: int, seconds: float, processes: bool = False
) -> tuple[list[tuple[str, float]], float]:
    """`workers` concurrent searchers for `seconds` (scratch.run_concurrently)."""
    return run_concurrently(
        lambda index, start: _search_loop(user, queries, index, workers, start, seconds),
        workers, processes,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=1_000_000, help="default 1000000")
    parser.add_argument("--workers", type=int, default=20, help="concurrent searches (default 20)")
    parser.add_argument("--seconds", type=float, default=60.0, help="load duration (default 60)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--today", type=date.fromisoformat, default=date(2026, 1, 15))
    parser.add_argument(
        "--user", choices=["admin", "agency"], default="admin",
        help="search as an HMIS administrator (all clients) or as staff of the largest agency",
    )
    parser.add_argument(
        "--database", metavar="NAME",
        help="use and keep this database (filled with --clients clients if it has none)",
    )
    parser.add_argument(
        "--processes", action="store_true",
        help="run the workers as processes (as a WSGI server runs Django) instead of threads",
    )
    args = parser.parse_args(argv)

    with scratch_database(args.database, "sunflower_bench_search"):
        from django.db import connection

        from sunflower.accounts.models import User
        from sunflower.accounts.roles import Role
        from sunflower.accounts.testing import create_user_with_role
        from sunflower.hmis.demo import generate_demo_data
        from sunflower.hmis.models import Client, Organization

        clients = Client.objects.count()
        if not clients:
            started = time.perf_counter()
            print(f"Generating {args.clients:,} clients ...", flush=True)
            generate_demo_data(clients=args.clients, seed=args.seed, today=args.today)
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
            print(f"  generated and analyzed in {time.perf_counter() - started:.0f} s", flush=True)
            clients = Client.objects.count()

        if args.user == "admin":
            org = Organization.objects.order_by("id").first()
            role = Role.HMIS_ADMIN
        else:
            org = Organization.objects.raw(
                "SELECT o.id FROM hmis_organization o JOIN hmis_project p ON p.organization_id = o.id "
                "JOIN hmis_enrollment e ON e.project_id = p.id GROUP BY o.id ORDER BY count(*) DESC LIMIT 1"
            )[0]
            role = Role.AGENCY_CES
        email = f"bench-search-{args.user}@example.org"
        user = User.objects.filter(email=email).first() or create_user_with_role(
            email, role, password="a-long-enough-password", organization=org  # noqa: S106
        )
        queries = make_queries(5000, args.seed)
        connection.close()

        mode = "processes" if args.processes else "threads"
        print(
            f"Searching: {args.workers} {mode} for {args.seconds:.0f} s as {args.user} "
            f"(load average before: {load_average()}) ...",
            flush=True,
        )
        results, elapsed = run_load(user, queries, args.workers, args.seconds, args.processes)
        load = load_average()
        latencies = [ms for _, ms in results]
        print(f"{'kind':<22} {'searches':>9} {'median ms':>10} {'p95 ms':>8} {'p99 ms':>8}")
        for kind in sorted({k for k, _ in results}):
            values = [ms for k, ms in results if k == kind]
            print(
                f"{kind:<22} {len(values):>9,} {statistics.median(values):>10.1f} "
                f"{percentile(values, 0.95):>8.1f} {percentile(values, 0.99):>8.1f}"
            )
        median, p95, p99 = (
            statistics.median(latencies), percentile(latencies, 0.95), percentile(latencies, 0.99)
        )
        print(f"{'all':<22} {len(latencies):>9,} {median:>10.1f} {p95:>8.1f} {p99:>8.1f}")
        print(f"load average after: {load}")
        print(
            f"RESULT clients={clients} workers={args.workers} mode={mode} user={args.user} "
            f"searches={len(latencies)} median_ms={median:.1f} p95_ms={p95:.1f} "
            f"p99_ms={p99:.1f} searches_per_second={len(latencies) / elapsed:.0f} "
            f"load1={load.split()[0]}"
        )
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
