"""Client search: by name (typo-tolerant and sound-alike), date of birth, last four of the SSN
or HMIS ID. See docs/client-search.md.

`search_clients(user, query)` starts from `policy.visible_clients(user)` and nothing else, so a
result is always a client the user may open. The query text is personal data: it is never
logged and never put in a URL.

PostgreSQL ranks in one query with pg_trgm (`%` and similarity()) and fuzzystrmatch's soundex(),
both backed by the indexes of migration hmis.0004. Other databases (SQLite in development and
tests) read a bounded candidate set (same first letters) and score it here, in Python, with the
same trigram similarity and Soundex as PostgreSQL's, so both rank the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Func, Lookup, Q
from django.db.models.functions import Right

from sunflower.accounts.policy import Action, visible_clients

MAX_QUERY_LENGTH = 100
MAX_NAME_TOKENS = 3
# pg_trgm's default similarity threshold (the `%` operator), used on every database.
SIMILARITY_THRESHOLD = 0.3
# Non-PostgreSQL fallback: how many candidate rows at most are scored in Python.
CANDIDATE_LIMIT = 5000
# What a Soundex match is worth next to a trigram similarity (0..1).
SOUNDEX_WEIGHT = 0.4

# Reasons shown next to a result.
REASON_HMIS_ID = "HMIS ID"
REASON_DOB = "same date of birth"
REASON_SSN4 = "same last four of SSN"
REASON_NAME_EXACT = "same name"
REASON_NAME_SIMILAR = "name similar"
REASON_SOUNDS_LIKE = "sounds like"
REASON_SWAPPED = "first and last name swapped"

RESULT_FIELDS = ("id", "personal_id", "first_name", "last_name", "dob", "ssn")


# --- the query ---------------------------------------------------------------------------------


@dataclass
class ParsedQuery:
    dob: dt.date | None = None
    ssn4: str | None = None
    hud_id: str | None = None
    names: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return self.dob is None and self.ssn4 is None and self.hud_id is None and not self.names


_HEX32 = re.compile(r"^[0-9a-f]{32}$")
_NAME_TOKEN = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")


def parse_date(token: str) -> dt.date | None:
    """YYYY-MM-DD, MM/DD/YYYY (or M/D/YYYY, also with dashes) or 8 digits (YYYYMMDD if that is a
    valid date from 1900 on, else MMDDYYYY)."""
    candidates: list[tuple[int, int, int]] = []
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", token):
        candidates.append((int(m[1]), int(m[2]), int(m[3])))
    elif m := re.fullmatch(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4})", token):
        candidates.append((int(m[3]), int(m[1]), int(m[2])))
    elif re.fullmatch(r"\d{8}", token):
        candidates.append((int(token[:4]), int(token[4:6]), int(token[6:])))
        candidates.append((int(token[4:]), int(token[:2]), int(token[2:4])))
    for year, month, day in candidates:
        if year < 1900:
            continue
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    return None


def parse_query(query: str) -> ParsedQuery:
    """Split a search box's text into what it can be: a date of birth, the last four digits of
    an SSN, an HMIS ID (PersonalID), and name tokens. Several may be combined ("smith 4321")."""
    parsed = ParsedQuery()
    text = (query or "").strip()[:MAX_QUERY_LENGTH]
    for token in text.replace(",", " ").split():
        lowered = token.lower()
        if parsed.dob is None and (date := parse_date(token)) is not None:
            parsed.dob = date
        elif re.fullmatch(r"\d{4}", token):
            parsed.ssn4 = token
        elif _HEX32.match(lowered):
            parsed.hud_id = token
        else:
            for word in _NAME_TOKEN.findall(lowered):
                if len(parsed.names) < MAX_NAME_TOKENS:
                    parsed.names.append(word)
    # A single word that is none of the above may also be an imported system's PersonalID.
    single = len(text.split()) == 1 and parsed.dob is None and not parsed.ssn4
    if parsed.hud_id is None and single and re.fullmatch(r"[A-Za-z0-9_-]{1,32}", text):
        parsed.hud_id = text
    return parsed


# --- scoring shared by every database -------------------------------------------------------


# Names repeat (a statewide HMIS has far fewer distinct names than clients), and each result
# row is scored against the same query words: both functions below are cached.
@lru_cache(maxsize=8192)
def trigrams(text: str) -> frozenset[str]:
    """pg_trgm's trigrams: lower-cased words, each padded with two spaces before, one after."""
    grams: set[str] = set()
    for word in re.findall(r"[^\W_]+", text.lower()):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return frozenset(grams)


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity(): shared trigrams over all trigrams."""
    ta, tb = trigrams(a), trigrams(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


_SOUNDEX_CODES = {
    **dict.fromkeys("bfpv", "1"),
    **dict.fromkeys("cgjkqsxz", "2"),
    **dict.fromkeys("dt", "3"),
    "l": "4",
    **dict.fromkeys("mn", "5"),
    "r": "6",
}


@lru_cache(maxsize=8192)
def soundex(name: str) -> str:
    """Soundex exactly as PostgreSQL fuzzystrmatch's soundex() computes it: letters A-Z only;
    vowels, H, W and Y all separate equal codes (so "Ashcraft" is A226, not the A261 of the
    strict American rule)."""
    letters = [c for c in name.lower() if "a" <= c <= "z"]
    if not letters:
        return ""
    code = letters[0].upper()
    last = _SOUNDEX_CODES.get(letters[0], "")
    for c in letters[1:]:
        digit = _SOUNDEX_CODES.get(c, "")
        if digit and digit != last:
            code += digit
            if len(code) == 4:
                break
        last = digit
    return code.ljust(4, "0")


def _name_score(token: str, name: str) -> tuple[float, set[str]]:
    name = (name or "").lower()
    if not name:
        return 0.0, set()
    if token == name:
        return 1.0 + SOUNDEX_WEIGHT, {REASON_NAME_EXACT}
    reasons: set[str] = set()
    score = similarity(token, name)
    if score >= SIMILARITY_THRESHOLD:
        reasons.add(REASON_NAME_SIMILAR)
    else:
        score = 0.0
    if soundex(token) == soundex(name):
        score += SOUNDEX_WEIGHT
        reasons.add(REASON_SOUNDS_LIKE)
    return score, reasons


def score_names(tokens: list[str], first: str, last: str) -> tuple[float, list[str]]:
    """(score, reasons) of name tokens against a client's first and last name; 0 = no match.
    One token matches either name; two or more: the first token and the last token match the
    first and last name, in that order or swapped."""
    if not tokens:
        return 0.0, []
    if len(tokens) == 1:
        options = [_name_score(tokens[0], last), _name_score(tokens[0], first)]
        score, reasons = max(options, key=lambda option: option[0])
        return score, sorted(reasons)
    a, b = tokens[0], tokens[-1]
    (sa, ra), (sb, rb) = _name_score(a, first), _name_score(b, last)
    straight = (sa + sb, ra | rb) if sa and sb else (0.0, set())
    (sa, ra), (sb, rb) = _name_score(a, last), _name_score(b, first)
    swapped = (sa + sb, ra | rb | {REASON_SWAPPED}) if sa and sb else (0.0, set())
    score, reasons = max(straight, swapped, key=lambda option: option[0])
    return score, sorted(reasons)


# --- results -----------------------------------------------------------------------------------


@dataclass
class ClientMatch:
    """One result: only what the results list shows (never the full SSN)."""

    pk: int
    personal_id: str
    first_name: str
    last_name: str
    dob: dt.date | None
    ssn_last4: str
    score: float
    reasons: list[str]


def _match(client, parsed: ParsedQuery) -> ClientMatch:
    score, reasons = score_names(parsed.names, client.first_name, client.last_name)
    ssn4 = (client.ssn or "")[-4:] if len(client.ssn or "") >= 4 else ""
    extra = []
    if parsed.hud_id and client.personal_id.lower() == parsed.hud_id.lower():
        extra.append(REASON_HMIS_ID)
        score += 10.0
    if parsed.dob is not None and client.dob == parsed.dob:
        extra.append(REASON_DOB)
        score += 1.0
    if parsed.ssn4 is not None and ssn4 == parsed.ssn4:
        extra.append(REASON_SSN4)
        score += 1.0
    return ClientMatch(
        pk=client.pk,
        personal_id=client.personal_id,
        first_name=client.first_name,
        last_name=client.last_name,
        dob=client.dob,
        ssn_last4=ssn4 if ssn4.isdigit() else "",
        score=score,
        reasons=extra + reasons,
    )


def search_clients(user, query: str, limit: int = 25) -> list[ClientMatch]:
    """The clients `user` may open that match `query`, best first (at most `limit`)."""
    parsed = parse_query(query)
    if parsed.is_empty:
        return []
    clients = visible_clients(user, Action.VIEW_CLIENT_RECORD)
    if connection.vendor == "postgresql":
        rows = _search_postgresql(clients, parsed, limit)
    else:
        rows = _search_fallback(clients, parsed, limit)
    matches = [_match(client, parsed) for client in rows]
    matches.sort(key=lambda m: (-m.score, m.last_name.lower(), m.first_name.lower(), m.pk))
    return matches[:limit]


def _hud_id_condition(hud_id: str) -> Q:
    # Exact (indexed) match; generated ids are lower-case hex, imported ones as they came.
    return Q(personal_id__in=sorted({hud_id, hud_id.lower(), hud_id.upper()}))


def _exact_filters(parsed: ParsedQuery) -> Q:
    condition = Q()
    if parsed.dob is not None:
        condition &= Q(dob=parsed.dob)
    if parsed.ssn4 is not None:
        condition &= Q(ssn_last4=parsed.ssn4)
    return condition


# --- PostgreSQL ----------------------------------------------------------------------------
#
# One query (docs/client-search.md, "How it works"), built from these parts:
#
# 1. `a` (and `b`): the candidate names of the (first and last) name word: the words of
#    hmis_client_search_name (every distinct lower-cased first and last name, migration
#    hmis.0006) that are trigram-similar to it (`%`) or sound like it (same Soundex), with their
#    score. That table has a few thousand rows where hmis_client has a million.
# 2. `hits`, with their name score: for one word, the first `limit` visible clients of each
#    candidate as last name, and as first name; for two words, the first `limit` of each pair of
#    candidates, in either order. Each is an index-only scan of hmis.0006's indexes, already in
#    result order, so a common name costs `limit` index entries, not the thousands of clients
#    who have it. With a date of birth or SSN last four: the visible clients having it (index)
#    whose names are candidates. By HMIS ID: the client with that PersonalID.
# 3. `best`: the hits ordered and cut at `limit`; only those are read from the table.
#
# Why cutting each name at `limit` keeps the best `limit`: a client's name score depends only
# on its names, so a client that a cut leaves out comes after `limit` others of the same names
# with the same score and a smaller id. (A client matching two ways, say "Lee Lee", gets the
# best of its hits; should that best way have been cut, the `limit` clients ahead of it in that
# way all rank above it anyway.)

_PG_CANDIDATES = (
    "{cte} AS MATERIALIZED (SELECT name, similarity(name, %s) + CASE WHEN soundex(name) = %s "
    "THEN {weight} ELSE 0 END AS score FROM hmis_client_search_name "
    "WHERE name %% %s OR soundex(name) = %s)"
)
_PG_HIT = "hmis_client.id, hmis_client.first_name, hmis_client.last_name"
_PG_NAME_HITS = (
    "SELECT hit.*, {score} AS score, 0.0 AS bonus FROM {candidates}, LATERAL (SELECT {hit} "
    "FROM hmis_client WHERE {match} AND {scope} ORDER BY {order} LIMIT %s) hit"
)
# The name score of a client row, for the few rows of a date of birth or SSN last four.
_PG_SCORE_OF = "(SELECT {cte}.score FROM {cte} WHERE {cte}.name = lower(hmis_client.{column}))"
_PG_QUERY = (
    "WITH {ctes}, hits AS ({hits}), "
    "best AS (SELECT id, MAX(score) + MAX(bonus) AS score, lower(last_name) AS last_lower, "
    "lower(first_name) AS first_lower FROM hits GROUP BY id, first_name, last_name "
    "ORDER BY score DESC, last_lower, first_lower, id LIMIT %s) "
    "SELECT c.id, c.personal_id, c.first_name, c.last_name, c.dob, c.ssn FROM best "
    "JOIN hmis_client c ON c.id = best.id "
    "ORDER BY best.score DESC, best.last_lower, best.first_lower, best.id"
)


class _TrigramSimilar(Lookup):
    """pg_trgm's `%` (similarity above pg_trgm.similarity_threshold), GIN-indexable. Used as an
    expression, so that it needs no registration (django.contrib.postgres is not installed).
    The search itself no longer uses it (see above); sunflower.dedup.matching does."""

    lookup_name = "sunflower_trigram_similar"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} %% {rhs}", (*lhs_params, *rhs_params)


class _Soundex(Func):
    function = "soundex"
    arity = 1


class _Equals(Lookup):
    lookup_name = "sunflower_equals"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = {rhs}", (*lhs_params, *rhs_params)


@dataclass(frozen=True, slots=True)
class _Row:
    """A row of the PostgreSQL query: what `_match` reads, without building a model."""

    pk: int
    personal_id: str
    first_name: str
    last_name: str
    dob: dt.date | None
    ssn: str


def _scope_sql(clients) -> tuple[str, list]:
    """The WHERE clause of `clients` (policy.visible_clients: never more) on the unaliased
    hmis_client table, repeated inside each index scan so that a per-name cut counts visible
    clients only. Raises EmptyResultSet when the user may see no client at all."""
    query = clients.query
    compiler = query.get_compiler(connection=connection)
    if query.base_table == "hmis_client" and len(query.alias_map) == 1:
        sql, params = compiler.compile(query.where)
        if sql:
            return f"({sql})", list(params)
    # Should the policy ever filter through a join: the whole query as a subquery.
    sql, params = clients.values("pk").query.get_compiler(connection=connection).as_sql()
    return f"hmis_client.date_deleted IS NULL AND hmis_client.id IN ({sql})", list(params)


def _pg_name_hits(names: list[str], scope: str, scope_params: list, limit: int):
    """Part 2 for name words alone: (SQL parts, parameters)."""
    parts, params = [], []
    if len(names) == 1:
        for column, other in (("last_name", "first_name"), ("first_name", "last_name")):
            parts.append(_PG_NAME_HITS.format(
                candidates="a", score="a.score", hit=_PG_HIT, scope=scope,
                match=f"lower(hmis_client.{column}) = a.name",
                order=f"lower(hmis_client.{other}), hmis_client.id",
            ))
            params += [*scope_params, limit]
    else:
        for first, last in (("a", "b"), ("b", "a")):  # in order, then swapped
            parts.append(_PG_NAME_HITS.format(
                candidates="a, b", score="a.score + b.score", hit=_PG_HIT, scope=scope,
                match=f"lower(hmis_client.last_name) = {last}.name "
                f"AND lower(hmis_client.first_name) = {first}.name",
                order="hmis_client.id",
            ))
            params += [*scope_params, limit]
    return parts, params


def _pg_exact_hits(parsed: ParsedQuery, names: list[str], by_id: list[str], scope, scope_params):
    """Part 2 with a date of birth or SSN last four: (SQL, parameters)."""
    conditions, params = [scope], list(scope_params)
    if parsed.dob is not None:
        conditions.append("hmis_client.dob = %s")
        params.append(parsed.dob)
    if parsed.ssn4 is not None:
        conditions.append("right(hmis_client.ssn, 4) = %s")
        params.append(parsed.ssn4)
    if len(names) == 1:
        last, first = (_PG_SCORE_OF.format(cte="a", column=c) for c in ("last_name", "first_name"))
        score = f"GREATEST({last}, {first})"
    elif len(names) == 2:
        first_a, last_b, last_a, first_b = (
            _PG_SCORE_OF.format(cte=cte, column=column)
            for cte, column in (("a", "first_name"), ("b", "last_name"), ("a", "last_name"),
                                ("b", "first_name"))
        )
        score = f"GREATEST({first_a} + {last_b}, {last_a} + {first_b})"
    else:
        score = "0.0"
    bonus, bonus_params = "0.0", []
    if by_id:
        bonus, bonus_params = "CASE WHEN hmis_client.personal_id = ANY(%s) THEN 10.0 ELSE 0.0 END", [by_id]
    if names:
        # GREATEST ignores NULLs: null only when no way matches.
        name_match = f"{score} IS NOT NULL"
        if by_id:
            name_match = f"({name_match} OR hmis_client.personal_id = ANY(%s))"
            params.append(by_id)
        conditions.append(name_match)
    sql = (
        f"SELECT {_PG_HIT}, COALESCE({score}, 0.0) AS score, {bonus} AS bonus "  # noqa: S608 - constant parts; values are parameters
        f"FROM hmis_client WHERE {' AND '.join(conditions)}"
    )
    return sql, [*bonus_params, *params]


def _search_postgresql(clients, parsed: ParsedQuery, limit: int):
    try:
        scope, scope_params = _scope_sql(clients)
    except EmptyResultSet:
        return []
    # Two or more words: the first and the last are the names (as in score_names).
    names = parsed.names if len(parsed.names) < 2 else [parsed.names[0], parsed.names[-1]]
    ctes, params = [], []
    for cte, token in zip("ab", names, strict=False):
        ctes.append(_PG_CANDIDATES.format(cte=cte, weight=SOUNDEX_WEIGHT))
        params += [token, soundex(token), token, soundex(token)]
    by_id = []
    if parsed.hud_id is not None:
        by_id = sorted({parsed.hud_id, parsed.hud_id.lower(), parsed.hud_id.upper()})
    if parsed.dob is not None or parsed.ssn4 is not None:
        sql, hit_params = _pg_exact_hits(parsed, names, by_id, scope, scope_params)
        parts = [sql]
    else:
        parts, hit_params = _pg_name_hits(names, scope, scope_params, limit) if names else ([], [])
        if by_id:
            parts.append(
                f"SELECT {_PG_HIT}, 0.0 AS score, 10.0 AS bonus FROM hmis_client "  # noqa: S608 - as above
                f"WHERE hmis_client.personal_id = ANY(%s) AND {scope}"
            )
            hit_params += [by_id, *scope_params]
    sql = _PG_QUERY.format(
        ctes=", ".join(ctes or ["none AS (SELECT 1)"]), hits=" UNION ALL ".join(parts)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *hit_params, limit])
        return [_Row(*row) for row in cursor.fetchall()]


# --- other databases (SQLite) ------------------------------------------------------------


def _search_fallback(clients, parsed: ParsedQuery, limit: int):
    clients = clients.annotate(ssn_last4=Right("ssn", 4)).filter(_exact_filters(parsed))
    names = parsed.names
    condition = Q()
    if names:
        # Candidates: each name token's first letter starts the first or the last name (a
        # Soundex code keeps the first letter; a typo in the first letter is not found here).
        for token in {names[0], names[-1]}:
            condition &= Q(first_name__istartswith=token[0]) | Q(last_name__istartswith=token[0])
    if parsed.hud_id is not None:
        by_id = _hud_id_condition(parsed.hud_id)
        if parsed.dob is None and parsed.ssn4 is None and not names:
            condition = by_id
        elif names:
            condition = condition | by_id
    candidates = list(
        clients.filter(condition)
        .order_by("last_name", "first_name", "id")
        .values_list("id", "first_name", "last_name", "personal_id")[:CANDIDATE_LIMIT]
    )
    scored = []
    for pk, first, last, personal_id in candidates:
        score, _ = score_names(names, first, last)
        if parsed.hud_id is not None and personal_id.lower() == parsed.hud_id.lower():
            score += 10.0
        elif names and not score:
            continue
        scored.append((-score, (last or "").lower(), (first or "").lower(), pk))
    scored.sort()
    keep = [pk for *_, pk in scored[:limit]]
    if not keep:
        return []
    return list(clients.filter(pk__in=keep).only(*RESULT_FIELDS))
