"""The batch duplicate matcher: every pair of (non-deleted) clients that splink scores above a
threshold goes to the duplicates queue (docs/merge.md, "Batch matcher").

Three layers, so that the benchmark (bench/dedup.py) and the database path run the same code:

* `prepare_clients(con, table)` turns a DuckDB table of raw client columns (`CLIENT_COLUMNS`)
  into the normalised table splink reads (lower-case letters-only names, nickname group, valid
  SSN, last four, date parts, a Soundex-like key);
* `find_pairs(con, table, threshold)` runs splink on it and returns the scored pairs with their
  reasons (the same kind of texts as the match shown at client creation, dedup.matching);
* `run_batch(...)` extracts the clients from the database, calls both, and writes the pairs to
  `DuplicateCandidate` in one transaction, recording a `BatchRun`.

The model's m and u probabilities are set here, not estimated at run time (`_comparisons`): a
small database (a new CoC, the test suite) would estimate them badly, and fixed values make the
score of a pair the same from one run to the next. Only exact names are weighed by how
common the value is among the clients (`_frequency`). `splink_settings()` is backend-neutral: the
same object runs on Spark (`splink.SparkAPI`) at national scale.
"""

from __future__ import annotations

import csv
import logging
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from sunflower.dedup import matching

NICKNAMES_PATH = Path(__file__).parent / "data" / "nicknames.csv"

# Pairs at or above this match probability become candidates (chosen with bench/dedup.py).
DEFAULT_THRESHOLD = 0.9

# The raw columns the matcher reads (the extraction reads only these).
CLIENT_COLUMNS = (
    "id",
    "first_name",
    "last_name",
    "dob",
    "dob_data_quality",
    "ssn",
    "ssn_data_quality",
    "sex",
)

# One-in-how-many pairs of clients are the same person before looking at them. Fixed (not
# estimated) so that a score means the same thing in a small and a large database.
PRIOR_MATCH_PROBABILITY = 1e-6

# Reasons, in the style of dedup.matching (whose texts are reused where they fit).
REASON_FIRST_NAME_EXACT = "same first name"
REASON_FIRST_NAME_NICKNAME = "first name is a nickname or other form of the other"
REASON_FIRST_NAME_SIMILAR = matching.REASON_FIRST_NAME
REASON_LAST_NAME_EXACT = "same last name"
REASON_LAST_NAME_SIMILAR = matching.REASON_LAST_NAME
REASON_NAME_SWAPPED = matching.REASON_NAME_SWAPPED
REASON_NAME_SWAPPED_SIMILAR = "first and last name swapped, one spelt differently"
REASON_DOB = matching.REASON_DOB
REASON_DOB_DAY_MONTH = "DOB with month and day swapped"
REASON_DOB_ONE_PART = "DOB differs in the day, month or year only"
REASON_DOB_WITHIN_YEAR = "DOB within a year"
REASON_SSN = matching.REASON_SSN
REASON_SSN_ONE_DIGIT = "SSN differs by one digit or two swapped digits"
REASON_SSN4 = matching.REASON_SSN4
REASON_SEX = "same sex"

logger = logging.getLogger(__name__)


@dataclass
class Pair:
    client_a: int  # the smaller id
    client_b: int
    score: float
    reasons: list[str]


@dataclass
class MatchResult:
    clients: int
    pairs_compared: int
    pairs: list[Pair] = field(default_factory=list)
    seconds: float = 0.0


# --- preparation -----------------------------------------------------------------------------


def nicknames() -> list[tuple[str, str]]:
    """(name, group) rows of the nickname table, lower-case."""
    with NICKNAMES_PATH.open(encoding="utf-8") as handle:
        lines = (line for line in handle if line.strip() and not line.startswith("#"))
        return [
            (row["name"].strip().lower(), row["canonical"].strip().lower())
            for row in csv.DictReader(lines)
        ]


# A Soundex-like key (first letter + three digits) for blocking: DuckDB has no soundex(), Spark
# does (use it there). H and W are dropped before equal digits are collapsed, as Soundex does.
_SOUND_MACRO = """
create or replace macro dedup_sound(s) as (
    case when s is null or s = '' then null else
    s[1] || rpad(replace(substr(
        regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
        regexp_replace(regexp_replace(
            translate(replace(replace(s, 'h', ''), 'w', ''),
                      'abcdefgijklmnopqrstuvxyz', '012301202245501262301202'),
        '0+', '0', 'g'), '1+', '1', 'g'), '2+', '2', 'g'), '3+', '3', 'g'), '4+', '4', 'g'),
        '5+', '5', 'g'), '6+', '6', 'g'),
    2), '0', ''), 3, '0')[1:3]
    end
)
"""

_VALID_SSN = """(
    regexp_full_match(ssn, '[0-9]{9}')
    and left(ssn, 3) not in ('000', '666') and left(ssn, 1) <> '9'
    and substr(ssn, 4, 2) <> '00' and right(ssn, 4) <> '0000'
    and ssn not in ('111111111', '222222222', '333333333', '444444444', '555555555',
                    '777777777', '888888888', '123456789')
)"""


def _table(name: str) -> str:
    """A DuckDB table name of ours, checked before it goes into SQL text."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ValueError("Not a plain table name.")
    return name


def prepare_clients(con, source: str, target: str = "dedup_input") -> str:
    """Create `target` from `source` (a DuckDB table with CLIENT_COLUMNS): the columns splink
    compares and blocks on. Unknown values become NULL (HUD data quality 8/9/99, invalid
    SSN, a sex that is not 0/1), so that they neither count for nor against a match."""
    source, target = _table(source), _table(target)
    con.execute(_SOUND_MACRO)
    con.execute("create or replace temp table dedup_nicknames (name varchar, canonical varchar)")
    con.executemany("insert into dedup_nicknames values (?, ?)", nicknames())
    con.execute(
        f"""
        create or replace table {target} as
        with cleaned as (
            select
                id,
                nullif(regexp_replace(lower(strip_accents(coalesce(first_name, ''))),
                       '[^a-z]', '', 'g'), '') as first_name,
                nullif(regexp_replace(lower(strip_accents(coalesce(last_name, ''))),
                       '[^a-z]', '', 'g'), '') as last_name,
                case when dob_data_quality in (8, 9, 99) then null else dob end as dob,
                coalesce(ssn, '') as ssn,
                ssn_data_quality,
                case when sex in (0, 1) then sex end as sex
            from {source}
        )
        select
            c.id,
            c.first_name,
            c.last_name,
            coalesce(n.canonical, c.first_name) as first_name_group,
            c.dob,
            year(c.dob) as birth_year,
            month(c.dob) as birth_month,
            day(c.dob) as birth_day,
            datediff('day', date '1900-01-01', c.dob) as dob_days,
            case when {_VALID_SSN.replace("ssn", "c.ssn")} then c.ssn end as ssn,
            case when regexp_full_match(right(c.ssn, 4), '[0-9]{{4}}')
                      and right(c.ssn, 4) <> '0000'
                      and coalesce(c.ssn_data_quality, 1) in (1, 2)
                 then right(c.ssn, 4) end as ssn_last4,
            c.sex,
            dedup_sound(c.last_name) as last_sound,
            dedup_sound(c.first_name) as first_sound
        from cleaned c
        left join dedup_nicknames n on n.name = c.first_name
        """  # noqa: S608 (table names are ours, checked by _table)
    )
    return target


# --- the splink model ------------------------------------------------------------------------


def _level(level, m: float, u: float, label: str):
    return level.configure(m_probability=m, u_probability=u, label_for_charts=label)


def _frequency(level, column: str, minimum_u: float = 0.0001):
    """Weigh an exact match by how common the value is among the clients (term frequency):
    two Virginia Ellises are likelier one person than two Michael Smiths. `minimum_u` caps the
    weight of a value seen once."""
    return level.configure(
        tf_adjustment_column=column, tf_adjustment_weight=1.0, tf_minimum_u_value=minimum_u
    )


def _comparison(name: str, null_level, levels: list[tuple[object, str | None]]):
    """A splink comparison from (level, reason) pairs, best level first; remembers which
    reason each level's comparison vector value (gamma: n-1 for the first, 0 for the last,
    -1 for null) gives."""
    import splink.comparison_library as cl

    _REASONS[name] = {
        len(levels) - 1 - index: reason for index, (_, reason) in enumerate(levels) if reason
    }
    return cl.CustomComparison(
        output_column_name=name,
        comparison_levels=[null_level, *(level for level, _ in levels)],
    )


# comparison name -> {gamma: reason}, filled by _comparisons().
_REASONS: dict[str, dict[int, str]] = {}


def _comparisons(sql_dialect: str = "duckdb"):
    import splink.comparison_level_library as cll
    from splink.internals.dialects import SplinkDialect

    jaro_winkler = SplinkDialect.from_string(sql_dialect).jaro_winkler_function_name

    # Level creators are configured in place (m, u): each comparison needs its own.
    def swapped():
        return cll.ColumnsReversedLevel("first_name", "last_name", symmetrical=True)

    def swapped_similar():  # swapped, and one of the two names misspelt
        return cll.CustomLevel(
            f"(first_name_l = last_name_r and {jaro_winkler}(last_name_l, first_name_r) >= 0.88)"
            f" or (last_name_l = first_name_r and {jaro_winkler}(first_name_l, last_name_r) >= 0.88)"
        )

    # m = P(level | same person), u = P(level | two different people). The u values are
    # rounded from the frequencies in a US population (about 1 in 100 share a first name,
    # 1 in 300 a last name, 1 in 25,000 a DOB), and replaced by the value's own frequency
    # for exact names and DOBs (_frequency); the m values from how often intake data differs
    # for one person (typos, nicknames, a DOB slip, a missing SSN).
    first_name = _comparison(
        "first_name",
        cll.NullLevel("first_name"),
        [
            (
                _frequency(
                    _level(cll.ExactMatchLevel("first_name"), 0.82, 0.01, "exact"), "first_name"
                ),
                REASON_FIRST_NAME_EXACT,
            ),
            (
                _level(cll.ExactMatchLevel("first_name_group"), 0.05, 0.002, "nickname"),
                REASON_FIRST_NAME_NICKNAME,
            ),
            (_level(swapped(), 0.03, 0.00001, "swapped"), REASON_NAME_SWAPPED),
            (
                _level(swapped_similar(), 0.02, 0.00002, "swapped, one misspelt"),
                REASON_NAME_SWAPPED_SIMILAR,
            ),
            (
                _level(cll.JaroWinklerLevel("first_name", 0.92), 0.06, 0.003, "JW >= 0.92"),
                REASON_FIRST_NAME_SIMILAR,
            ),
            (_level(cll.JaroWinklerLevel("first_name", 0.8), 0.05, 0.02, "JW >= 0.8"), None),
            (_level(cll.ElseLevel(), 0.01, 0.965, "different"), None),
        ],
    )
    last_name = _comparison(
        "last_name",
        cll.NullLevel("last_name"),
        [
            (
                _frequency(
                    _level(cll.ExactMatchLevel("last_name"), 0.85, 0.003, "exact"), "last_name"
                ),
                REASON_LAST_NAME_EXACT,
            ),
            # Swapped names: the first-name comparison gives most of the evidence.
            (_level(swapped(), 0.03, 0.001, "swapped"), None),
            (_level(swapped_similar(), 0.02, 0.001, "swapped, one misspelt"), None),
            (
                _level(cll.JaroWinklerLevel("last_name", 0.92), 0.08, 0.002, "JW >= 0.92"),
                REASON_LAST_NAME_SIMILAR,
            ),
            (_level(cll.JaroWinklerLevel("last_name", 0.8), 0.05, 0.01, "JW >= 0.8"), None),
            (_level(cll.ElseLevel(), 0.01, 0.955, "different"), None),
        ],
    )
    dob = _comparison(
        "dob",
        cll.NullLevel("dob"),
        [
            (
                # No frequency weighing for DOBs: nearly uniform, and a small database would
                # make every DOB look common.
                _level(cll.ExactMatchLevel("dob"), 0.85, 0.00004, "exact"),
                REASON_DOB,
            ),
            (
                _level(
                    cll.CustomLevel(
                        "birth_year_l = birth_year_r and birth_month_l = birth_day_r "
                        "and birth_day_l = birth_month_r"
                    ),
                    0.03,
                    0.00001,
                    "day and month swapped",
                ),
                REASON_DOB_DAY_MONTH,
            ),
            (
                _level(
                    # A slip in one part: the day, the month, or the year by one or a decade.
                    cll.CustomLevel(
                        "(birth_year_l = birth_year_r and birth_month_l = birth_month_r) "
                        "or (birth_year_l = birth_year_r and birth_day_l = birth_day_r) "
                        "or (birth_month_l = birth_month_r and birth_day_l = birth_day_r "
                        "and abs(birth_year_l - birth_year_r) in (1, 10))"
                    ),
                    0.12,
                    0.0015,
                    "one part differs",
                ),
                REASON_DOB_ONE_PART,
            ),
            (
                _level(
                    cll.CustomLevel("abs(dob_days_l - dob_days_r) <= 366"),
                    0.02,
                    0.02,
                    "within a year",
                ),
                REASON_DOB_WITHIN_YEAR,
            ),
            (_level(cll.ElseLevel(), 0.02, 0.975, "different"), None),
        ],
    )
    ssn = _comparison(
        "ssn",
        # Nothing to compare unless both have at least the last four digits.
        cll.CustomLevel('"ssn_last4_l" IS NULL OR "ssn_last4_r" IS NULL').configure(
            is_null_level=True
        ),
        [
            (_level(cll.ExactMatchLevel("ssn"), 0.88, 0.000001, "exact"), REASON_SSN),
            (
                _level(cll.DamerauLevenshteinLevel("ssn", 1), 0.06, 0.000005, "one digit"),
                REASON_SSN_ONE_DIGIT,
            ),
            (
                # Only when one of them has no full SSN: two different full SSNs ending alike
                # are two people.
                _level(
                    cll.CustomLevel(
                        'ssn_last4_l = ssn_last4_r and ("ssn_l" IS NULL OR "ssn_r" IS NULL)'
                    ),
                    0.04,
                    0.0001,
                    "last four",
                ),
                REASON_SSN4,
            ),
            (_level(cll.ElseLevel(), 0.02, 0.9999, "different"), None),
        ],
    )
    sex = _comparison(
        "sex",
        cll.NullLevel("sex"),
        [
            (_level(cll.ExactMatchLevel("sex"), 0.97, 0.5, "same"), REASON_SEX),
            (_level(cll.ElseLevel(), 0.03, 0.5, "different"), None),
        ],
    )
    return [first_name, last_name, dob, ssn, sex]


def blocking_rules():
    """Which pairs are compared at all (any rule). Each rule is an equi-join on keys that a
    duplicate keeps despite one slip, so the pair count grows about linearly with the clients."""
    from splink import block_on

    return [
        block_on("dob"),
        block_on("ssn"),
        block_on("ssn_last4", "birth_year"),
        block_on("last_sound", "first_name_group", "birth_year"),
        block_on("last_sound", "first_name_group", "birth_month", "birth_day"),
        block_on("last_name", "first_name_group", "ssn_last4"),
        "l.first_name = r.last_name and l.last_name = r.first_name",
    ]


def splink_settings(sql_dialect: str = "duckdb"):
    """The whole model, for any splink backend (DuckDBAPI here; SparkAPI at national scale,
    with sql_dialect="spark", which only names Spark's Jaro-Winkler function in one level)."""
    from splink import SettingsCreator

    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="id",
        probability_two_random_records_match=PRIOR_MATCH_PROBABILITY,
        comparisons=_comparisons(sql_dialect),
        blocking_rules_to_generate_predictions=blocking_rules(),
        retain_matching_columns=True,  # keeps the gamma_ columns, read for the reasons
        retain_intermediate_calculation_columns=False,
        additional_columns_to_retain=[],
    )


def reasons_for(gammas: dict[str, int]) -> list[str]:
    """Human-readable reasons from the comparison levels a pair reached."""
    if not _REASONS:
        _comparisons()
    reasons = []
    for column, table in _REASONS.items():
        reason = table.get(gammas.get(column, -1))
        if reason:
            reasons.append(reason)
    return reasons


def _scalar(con, sql: str):
    # fetchall: DuckDB refuses other work on a connection with a result not read to the end.
    return con.execute(sql).fetchall()[0][0]


def find_pairs(con, source: str, threshold: float = DEFAULT_THRESHOLD) -> MatchResult:
    """Score every blocked pair of the clients in DuckDB table `source` (CLIENT_COLUMNS) and
    return those at or above `threshold`, each once with the smaller id first."""
    from splink import DuckDBAPI, Linker

    started = time.monotonic()
    prepared = prepare_clients(con, source)
    clients = _scalar(con, f"select count(*) from {prepared}")  # noqa: S608
    if clients < 2:
        return MatchResult(clients=clients, pairs_compared=0, seconds=time.monotonic() - started)
    db_api = DuckDBAPI(connection=con)
    linker = Linker(db_api.register(prepared), splink_settings(), log_level=logging.WARNING)
    blocked = linker.inference.compute_blocked_pairs_for_predict()
    pairs_compared = _scalar(con, f"select count(*) from {blocked.physical_name}")  # noqa: S608
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    names = list(_REASONS)
    rows = con.execute(
        f"""select least(id_l, id_r), greatest(id_l, id_r), match_probability,
                   {", ".join(f"gamma_{name}" for name in names)}
            from {predictions.physical_name}
            order by 1, 2"""  # noqa: S608
    ).fetchall()
    pairs = [
        Pair(
            row[0],
            row[1],
            round(float(row[2]), 4),
            reasons_for(dict(zip(names, row[3:], strict=True))),
        )
        for row in rows
    ]
    return MatchResult(
        clients=clients,
        pairs_compared=pairs_compared,
        pairs=pairs,
        seconds=time.monotonic() - started,
    )


# --- the database path -----------------------------------------------------------------------

EXTRACT_CHUNK = 20_000
_DUCKDB_TYPES = {
    "id": "bigint",
    "first_name": "varchar",
    "last_name": "varchar",
    "dob": "date",
    "dob_data_quality": "integer",
    "ssn": "varchar",
    "ssn_data_quality": "integer",
    "sex": "integer",
}


def extract_clients(con, table: str = "dedup_clients") -> int:
    """Copy the non-deleted clients (CLIENT_COLUMNS only, internal pks) into DuckDB `table`,
    streamed from the database in chunks. Returns the number of clients."""
    import pyarrow as pa

    from sunflower.hmis.models import Client

    table = _table(table)
    columns = ", ".join(f"{name} {kind}" for name, kind in _DUCKDB_TYPES.items())
    con.execute(f"create or replace table {table} ({columns})")
    schema = pa.schema(
        [
            ("id", pa.int64()),
            ("first_name", pa.string()),
            ("last_name", pa.string()),
            ("dob", pa.date32()),
            ("dob_data_quality", pa.int32()),
            ("ssn", pa.string()),
            ("ssn_data_quality", pa.int32()),
            ("sex", pa.int32()),
        ]
    )
    total = 0
    rows = Client.objects.order_by().values_list(*CLIENT_COLUMNS).iterator(chunk_size=EXTRACT_CHUNK)
    chunk: list[tuple] = []

    def flush() -> None:
        arrays = [list(column) for column in zip(*chunk, strict=True)]
        con.register("dedup_chunk", pa.Table.from_arrays(arrays, schema=schema))
        con.execute(f"insert into {table} select * from dedup_chunk")  # noqa: S608
        con.unregister("dedup_chunk")

    for row in rows:
        chunk.append(row)
        if len(chunk) >= EXTRACT_CHUNK:
            flush()
            total += len(chunk)
            chunk = []
    if chunk:
        flush()
        total += len(chunk)
    return total


@dataclass
class WriteCounts:
    new: int = 0
    updated: int = 0
    skipped: int = 0


def write_candidates(pairs: list[Pair]) -> WriteCounts:
    """Put the pairs in the queue, in one transaction: a new pair becomes an open candidate
    (found by the batch); an open one gets the new score and reasons (and is left alone when
    they are the same, so a re-run writes nothing); a decided one (merged, not a duplicate) is
    not re-opened. Pairs with a client deleted since the extraction are left out. Rows are
    saved one by one through the ORM so that django-auditlog records them."""
    from django.db import transaction

    from sunflower.dedup.models import DuplicateCandidate
    from sunflower.hmis.models import Client

    counts = WriteCounts()
    if not pairs:
        return counts
    ids = sorted({p.client_a for p in pairs} | {p.client_b for p in pairs})
    with transaction.atomic():
        existing: dict[tuple[int, int], DuplicateCandidate] = {}
        deleted: set[int] = set()
        for start in range(0, len(ids), 5000):
            some = ids[start : start + 5000]
            for candidate in DuplicateCandidate.objects.filter(client_a_id__in=some).only(
                "id", "client_a_id", "client_b_id", "score", "reasons", "status"
            ):
                existing[(candidate.client_a_id, candidate.client_b_id)] = candidate
            deleted.update(
                Client.all_objects.filter(pk__in=some, date_deleted__isnull=False).values_list(
                    "pk", flat=True
                )
            )
        for pair in pairs:
            if pair.client_a in deleted or pair.client_b in deleted:
                continue
            candidate = existing.get((pair.client_a, pair.client_b))
            if candidate is None:
                DuplicateCandidate(
                    client_a_id=pair.client_a,
                    client_b_id=pair.client_b,
                    score=pair.score,
                    reasons=pair.reasons,
                    found_by=DuplicateCandidate.FoundBy.BATCH,
                ).save()
                counts.new += 1
            elif candidate.status != DuplicateCandidate.Status.OPEN:
                counts.skipped += 1
            elif candidate.score != pair.score or candidate.reasons != pair.reasons:
                candidate.score, candidate.reasons = pair.score, pair.reasons
                candidate.save(update_fields=["score", "reasons"])
                counts.updated += 1
    return counts


def match_database(threshold: float = DEFAULT_THRESHOLD) -> MatchResult:
    """Extract the clients into a scratch in-memory DuckDB and find the pairs (no writes)."""
    import duckdb

    con = duckdb.connect()
    try:
        extract_clients(con, "dedup_clients")
        return find_pairs(con, "dedup_clients", threshold=threshold)
    finally:
        con.close()


def run_batch(run=None, *, threshold: float | None = None, user=None, dry_run: bool = False):
    """Run the matcher over the database. Without `dry_run`, writes the candidates and records
    the run in `run` (a BatchRun, created when None). Returns (result, counts, run); `run` is
    None for a dry run, which writes nothing at all."""
    from django.utils import timezone

    from sunflower.dedup.models import BatchRun

    if threshold is None:
        threshold = run.threshold if run is not None else DEFAULT_THRESHOLD
    if dry_run:
        return match_database(threshold), WriteCounts(), None
    if run is None:
        run = BatchRun.objects.create(threshold=threshold, started_by=user)
    run.status, run.threshold = BatchRun.Status.RUNNING, threshold
    run.save(update_fields=["status", "threshold"])
    try:
        result = match_database(threshold)
        counts = write_candidates(result.pairs)
    except Exception as error:
        # The message names the failing step, never client data (none is in DuckDB's errors
        # for these queries); the traceback goes to the worker's log.
        logger.exception("Batch duplicate run %s failed", run.pk)
        run.status, run.error = BatchRun.Status.FAILED, type(error).__name__
        run.finished = timezone.now()
        run.save(update_fields=["status", "error", "finished"])
        raise
    run.status = BatchRun.Status.SUCCEEDED
    run.finished = timezone.now()
    run.clients, run.pairs_compared = result.clients, result.pairs_compared
    run.candidates_found = len(result.pairs)
    run.candidates_new, run.candidates_updated = counts.new, counts.updated
    run.candidates_skipped = counts.skipped
    run.save()
    return result, counts, run
