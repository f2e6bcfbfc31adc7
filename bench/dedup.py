"""Benchmark: the batch duplicate matcher (sunflower/dedup/batch.py) on synthetic clients with a
known truth. Run on demand, not part of the test suite. See bench/README.md.

Generates ``--clients`` client records (default 1,000,000) straight into DuckDB: people drawn
from Faker's US and Mexican name lists (weighted by frequency for the US ones), and a share of
them entered twice or three times with intake slips (typos, swapped first/last names, nicknames,
DOB day/month swapped or off by one day or year, SSN missing, one SSN digit wrong or two
swapped). It runs the same `find_pairs` the management command runs and prints the pairs
compared, precision, recall and F1 at several thresholds, wall time and peak memory.

    .venv/bin/python bench/dedup.py --clients 100000
    .venv/bin/python bench/dedup.py --from-db   # time extraction + matching on DATABASE_URL
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SLIPS = {
    "first_name_typo": 14,
    "last_name_typo": 14,
    "nickname": 10,
    "names_swapped": 6,
    "dob_day_month_swapped": 6,
    "dob_day_off_by_one": 6,
    "dob_year_off_by_one": 6,
    "ssn_missing": 14,
    "ssn_digit_wrong": 6,
    "ssn_digits_swapped": 4,
    "sex_missing": 4,
}
SLIPS_PER_DUPLICATE = {0: 15, 1: 50, 2: 30, 3: 5}
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _name_lists():
    from faker.providers.person.en_US import Provider as US
    from faker.providers.person.es_MX import Provider as MX

    us_female, us_male, us_last = (
        US.first_names_female,
        US.first_names_male,
        US.last_names,
    )
    return {
        "us": (
            (list(us_female), list(us_female.values())),
            (list(us_male), list(us_male.values())),
            (list(us_last), list(us_last.values())),
        ),
        "mx": (
            (list(MX.first_names_female), None),
            (list(MX.first_names_male), None),
            (list(MX.last_names), None),
        ),
    }


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 3:
        return word + rng.choice(LETTERS)
    i = rng.randrange(len(word))
    kind = rng.choice(("substitute", "delete", "insert", "transpose"))
    if kind == "substitute":
        return word[:i] + rng.choice(LETTERS) + word[i + 1 :]
    if kind == "delete":
        return word[:i] + word[i + 1 :]
    if kind == "insert":
        return word[:i] + rng.choice(LETTERS) + word[i:]
    i = min(i, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _random_ssn(rng: random.Random) -> str:
    area = rng.choice([a for a in range(1, 900) if a != 666])
    return f"{area:03d}{rng.randrange(1, 100):02d}{rng.randrange(1, 10000):04d}"


def generate(n: int, seed: int = 2026, duplicate_share: float = 0.12):
    """(columns dict for DuckDB, person of each row, slip counts). Rows are in random order."""
    from sunflower.dedup.batch import nicknames

    rng = random.Random(seed)
    names = _name_lists()
    groups: dict[str, list[str]] = {}
    for name, group in nicknames():
        groups.setdefault(group, []).append(name)
    group_of = {name: groups[group] for name, group in nicknames()}
    start, span = dt.date(1945, 1, 1).toordinal(), 80 * 365

    people = []
    while len(people) * (1 + duplicate_share * 1.05) < n:
        origin = "us" if rng.random() < 0.7 else "mx"
        female_list, male_list, last_list = names[origin]
        sex = rng.randrange(2)
        firsts, weights = female_list if sex == 0 else male_list
        first = rng.choices(firsts, weights)[0]
        last = rng.choices(last_list[0], last_list[1])[0]
        dob = dt.date.fromordinal(start + rng.randrange(span))
        roll = rng.random()
        ssn = (
            _random_ssn(rng)
            if roll < 0.8
            else (f"xxxxx{rng.randrange(1, 10000):04d}" if roll < 0.88 else "")
        )
        people.append((first, last, dob, ssn, sex))

    rows, person_of, slips = [], [], Counter()
    for person, (first, last, dob, ssn, sex) in enumerate(people):
        rows.append((first, last, dob, ssn, sex))
        person_of.append(person)
        copies = 0
        if rng.random() < duplicate_share:
            copies = 2 if rng.random() < 0.1 else 1
        for _ in range(copies):
            record = {"first": first, "last": last, "dob": dob, "ssn": ssn, "sex": sex}
            k = rng.choices(list(SLIPS_PER_DUPLICATE), list(SLIPS_PER_DUPLICATE.values()))[0]
            chosen: list[str] = []
            while len(chosen) < k:
                slip = rng.choices(list(SLIPS), list(SLIPS.values()))[0]
                if slip not in chosen:
                    chosen.append(slip)
            for slip in chosen:
                if _apply(rng, slip, record, group_of):
                    slips[slip] += 1
            rows.append(
                (record["first"], record["last"], record["dob"], record["ssn"], record["sex"])
            )
            person_of.append(person)
        if len(rows) >= n:
            break
    rows, person_of = rows[:n], person_of[:n]
    order = list(range(len(rows)))
    rng.shuffle(order)
    columns = {
        "id": list(range(1, len(rows) + 1)),
        "first_name": [rows[i][0] for i in order],
        "last_name": [rows[i][1] for i in order],
        "dob": [rows[i][2] for i in order],
        "dob_data_quality": [1] * len(rows),
        "ssn": [rows[i][3] for i in order],
        "ssn_data_quality": [
            1 if len(rows[i][3]) == 9 and rows[i][3].isdigit() else (2 if rows[i][3] else 99)
            for i in order
        ],
        "sex": [rows[i][4] for i in order],
    }
    return columns, [person_of[i] for i in order], slips


def _apply(rng, slip, record, group_of) -> bool:
    first, dob, ssn = record["first"], record["dob"], record["ssn"]
    if slip == "first_name_typo":
        record["first"] = _typo(rng, first.lower()).capitalize()
    elif slip == "last_name_typo":
        record["last"] = _typo(rng, record["last"].lower()).capitalize()
    elif slip == "nickname":
        others = [n for n in group_of.get(first.lower(), []) if n != first.lower()]
        if not others:
            return False
        record["first"] = rng.choice(others).capitalize()
    elif slip == "names_swapped":
        record["first"], record["last"] = record["last"], record["first"]
    elif slip == "dob_day_month_swapped":
        if dob.day > 12 or dob.day == dob.month:
            return False
        record["dob"] = dob.replace(month=dob.day, day=dob.month)
    elif slip == "dob_day_off_by_one":
        record["dob"] = dob + dt.timedelta(days=rng.choice((-1, 1)))
    elif slip == "dob_year_off_by_one":
        try:
            record["dob"] = dob.replace(year=dob.year + rng.choice((-1, 1)))
        except ValueError:
            return False
    elif slip == "ssn_missing":
        if not ssn:
            return False
        record["ssn"] = ""
    elif slip in ("ssn_digit_wrong", "ssn_digits_swapped"):
        if len(ssn) != 9 or not ssn.isdigit():
            return False
        i = rng.randrange(8)
        if slip == "ssn_digit_wrong":
            record["ssn"] = ssn[:i] + str((int(ssn[i]) + rng.randrange(1, 10)) % 10) + ssn[i + 1 :]
        else:
            record["ssn"] = ssn[:i] + ssn[i + 1] + ssn[i] + ssn[i + 2 :]
    elif slip == "sex_missing":
        record["sex"] = None
    return True


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def evaluate(result, person_of, thresholds):
    """(threshold, predicted, true positives, precision, recall, f1) rows."""
    groups = Counter(person_of)
    true_pairs = sum(k * (k - 1) // 2 for k in groups.values())
    rows = []
    for threshold in thresholds:
        predicted = [p for p in result.pairs if p.score >= threshold]
        tp = sum(1 for p in predicted if person_of[p.client_a - 1] == person_of[p.client_b - 1])
        precision = tp / len(predicted) if predicted else 1.0
        recall = tp / true_pairs if true_pairs else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append((threshold, len(predicted), tp, precision, recall, f1))
    return true_pairs, rows


def run_synthetic(args) -> None:
    import duckdb
    import pyarrow as pa

    from sunflower.dedup import batch

    threshold = args.threshold if args.threshold is not None else batch.DEFAULT_THRESHOLD
    t0 = time.monotonic()
    columns, person_of, slips = generate(args.clients, seed=args.seed)
    t1 = time.monotonic()
    con = duckdb.connect()
    if args.threads:
        con.execute(f"set threads = {int(args.threads)}")
    clients = pa.table(columns)  # noqa: F841 (read by DuckDB by name)
    con.execute("create table bench_clients as select * from clients")
    del clients, columns
    t2 = time.monotonic()
    lowest = min(args.sweep + [threshold])
    result = batch.find_pairs(con, "bench_clients", threshold=lowest)
    t3 = time.monotonic()
    true_pairs, rows = evaluate(result, person_of, sorted(set(args.sweep + [threshold])))
    print(f"clients={result.clients} true_pairs={true_pairs} slips={dict(slips)}")
    print(f"generate_s={t1 - t0:.1f} load_s={t2 - t1:.1f} match_s={t3 - t2:.1f}")
    print("threshold  predicted  true_pos  precision  recall  f1")
    for threshold_, predicted, tp, precision, recall, f1 in rows:
        print(
            f"{threshold_:9.3f}  {predicted:9d}  {tp:8d}  {precision:9.4f}  {recall:6.4f}  {f1:6.4f}"
        )
    _, [(_, predicted, tp, precision, recall, f1)] = evaluate(result, person_of, [threshold])
    if args.misses:
        _print_misses(con, result, person_of, threshold, args.misses)
    print(
        f"RESULT clients={result.clients} pairs_compared={result.pairs_compared} "
        f"threshold={threshold} candidates={predicted} precision={precision:.4f} "
        f"recall={recall:.4f} f1={f1:.4f} match_seconds={t3 - t2:.1f} "
        f"peak_mb={_peak_mb():.0f}"
    )


def _print_misses(con, result, person_of, threshold, limit) -> None:
    """A sample of the false negatives and false positives, to tune the model."""
    found = {(p.client_a, p.client_b): p for p in result.pairs}
    by_person: dict[int, list[int]] = {}
    for index, person in enumerate(person_of):
        by_person.setdefault(person, []).append(index + 1)
    shown = 0

    def show(a, b, label):
        rows = con.execute(
            "select id, first_name, last_name, dob, ssn, sex from bench_clients "
            "where id in (?, ?) order by id",
            [a, b],
        ).fetchall()
        pair = found.get((a, b))
        print(label, pair.score if pair else "-", pair.reasons if pair else "", rows)

    for ids in by_person.values():
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                a_, b_ = sorted((a, b))
                pair = found.get((a_, b_))
                if (pair is None or pair.score < threshold) and shown < limit:
                    show(a_, b_, "MISSED")
                    shown += 1
    shown = 0
    for pair in result.pairs:
        false = person_of[pair.client_a - 1] != person_of[pair.client_b - 1]
        if pair.score >= threshold and false and shown < limit:
            show(pair.client_a, pair.client_b, "FALSE")
            shown += 1


def run_from_db(args) -> None:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sunflower.settings")
    django.setup()
    import duckdb

    from sunflower.dedup import batch

    con = duckdb.connect()
    t0 = time.monotonic()
    clients = batch.extract_clients(con, "db_clients")
    t1 = time.monotonic()
    result = batch.find_pairs(
        con, "db_clients", threshold=args.threshold or batch.DEFAULT_THRESHOLD
    )
    t2 = time.monotonic()
    print(
        f"RESULT from_db clients={clients} extract_seconds={t1 - t0:.1f} "
        f"pairs_compared={result.pairs_compared} candidates={len(result.pairs)} "
        f"match_seconds={t2 - t1:.1f} peak_mb={_peak_mb():.0f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--threshold", type=float, default=None, help="default: the matcher's")
    parser.add_argument(
        "--sweep",
        type=lambda s: [float(x) for x in s.split(",")],
        default=[0.5, 0.8, 0.9, 0.95, 0.99],
        help="thresholds to report besides --threshold, comma-separated",
    )
    parser.add_argument("--threads", type=int, default=0, help="DuckDB threads (default: all)")
    parser.add_argument("--misses", type=int, default=0, help="print N missed and N false pairs")
    parser.add_argument(
        "--from-db", action="store_true", help="time extraction from DATABASE_URL instead"
    )
    args = parser.parse_args()
    if args.from_db:
        run_from_db(args)
    else:
        run_synthetic(args)


if __name__ == "__main__":
    main()
