"""Benchmark: generate N synthetic clients into the configured database.

Run on demand (pytest does not collect it), against a database without clients:

    createdb -h 127.0.0.1 -U postgres sunflower_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/sunflower_bench
    .venv/bin/sunflower migrate
    .venv/bin/python bench/demo_data.py --clients 100000
    dropdb -h 127.0.0.1 -U postgres sunflower_bench

Without DATABASE_URL it uses the default SQLite database under var/. See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=100_000, help="default 100000")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--today", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default: today)"
    )
    parser.add_argument(
        "--force", action="store_true", help="run even though the database already has clients"
    )
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sunflower.settings")
    import django

    django.setup()

    from django.db import connection

    from sunflower.hmis.demo import generate_demo_data
    from sunflower.hmis.models import Client

    settings = connection.settings_dict
    target = f"{connection.vendor} {settings.get('NAME')}"
    existing = Client.all_objects.count()
    if existing and not args.force:
        print(
            f"{target} already has {existing:,} clients: use an empty database "
            "(or --force to add to it).",
            file=sys.stderr,
        )
        return 2

    print(f"Generating {args.clients:,} clients into {target} (seed {args.seed}) ...")
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        elapsed = time.perf_counter() - started
        print(f"  {done:>10,} / {total:,} clients  {elapsed:7.1f} s", flush=True)

    summary = generate_demo_data(
        clients=args.clients, seed=args.seed, today=args.today, progress=progress, force=args.force
    )
    for line in summary.lines():
        print(line)
    print(
        f"RESULT clients={summary.clients} seconds={summary.seconds:.1f} "
        f"clients_per_second={summary.clients_per_second:.0f} rows={summary.rows} "
        f"database={summary.database}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
