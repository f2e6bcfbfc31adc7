"""What the PostgreSQL benchmarks share: a scratch database on the BENCH_DATABASE_URL server
(created, migrated, dropped at the end unless kept), percentiles and the load average."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/"


def server_url() -> str:
    """The server part of BENCH_DATABASE_URL, ending in a slash."""
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_SERVER)
    return url if url.endswith("/") else url.rsplit("/", 1)[0] + "/"


def admin_sql(statement: str, name: str) -> None:
    """Run CREATE/DROP DATABASE `{}` (the name quoted as an identifier) on the server."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(server_url() + "postgres", autocommit=True) as connection:
        connection.execute(sql.SQL(statement).format(sql.Identifier(name)))


def database_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(server_url() + "postgres", autocommit=True) as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return found.fetchone() is not None


@contextlib.contextmanager
def scratch_database(keep: str | None, prefix: str) -> Iterator[str]:
    """Django set up on a database of its own: `keep` (created if missing, kept afterwards) or a
    new `prefix_<pid>` one, dropped at the end, also when a step fails. Migrated on entry."""
    name = keep or f"{prefix}_{os.getpid()}"
    if keep is None or not database_exists(name):
        admin_sql("CREATE DATABASE {}", name)
    os.environ["DATABASE_URL"] = server_url() + name
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sunflower.settings")
    try:
        import django

        django.setup()
        from django.core.management import call_command

        print(f"Database {name}: migrating ...", flush=True)
        call_command("migrate", verbosity=0)
        yield name
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: S110 - Django may not be set up yet
            pass
        if keep is None:
            admin_sql("DROP DATABASE IF EXISTS {} WITH (FORCE)", name)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def run_concurrently(loop, workers: int, processes: bool = False):
    """`workers` copies of `loop(index, start)` at once, each returning a list of results and
    waiting on the `start` barrier before it measures: threads of this process (one GIL), or
    with `processes` forked processes, as a WSGI server runs Django. Returns (all results,
    seconds from the start)."""
    import multiprocessing
    import threading
    import time

    from django.db import connections

    results: list = []
    if processes:
        connections.close_all()  # never share a connection across fork
        context = multiprocessing.get_context("fork")
        start = context.Barrier(workers + 1)
        out = context.Queue()

        def child(index: int) -> None:
            out.put(loop(index, start))

        pool = [context.Process(target=child, args=(n,)) for n in range(workers)]
        for process in pool:
            process.start()
        start.wait()
        began = time.perf_counter()
        for _ in pool:
            results.extend(out.get())
        elapsed = time.perf_counter() - began
        for process in pool:
            process.join()
        return results, elapsed

    lock = threading.Lock()
    start = threading.Barrier(workers + 1)

    def worker(index: int) -> None:
        mine = loop(index, start)
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - began
