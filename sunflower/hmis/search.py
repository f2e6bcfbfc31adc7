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

from django.db import connection
from django.db.models import (
    Case,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Lookup,
    Q,
    Value,
    When,
)
from django.db.models.functions import Greatest, Lower, Right

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


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams: lower-cased words, each padded with two spaces before, one after."""
    grams: set[str] = set()
    for word in re.findall(r"[^\W_]+", text.lower()):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


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


class _TrigramSimilar(Lookup):
    """pg_trgm's `%` (similarity above pg_trgm.similarity_threshold), GIN-indexable. Used as an
    expression, so that it needs no registration (django.contrib.postgres is not installed)."""

    lookup_name = "sunflower_trigram_similar"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} %% {rhs}", (*lhs_params, *rhs_params)


class _Similarity(Func):
    function = "similarity"
    output_field = FloatField()


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


def _pg_name_match(column: str, token: str):
    """(condition, score) of one token against one name column: trigram-similar or same
    Soundex; both use the expression indexes of migration 0004."""
    lowered = Lower(column)
    sounds = _Equals(_Soundex(F(column)), Value(soundex(token)))
    condition = Q(_TrigramSimilar(lowered, Value(token))) | Q(sounds)
    score = _Similarity(lowered, Value(token)) + Case(
        When(sounds, then=Value(SOUNDEX_WEIGHT)), default=Value(0.0), output_field=FloatField()
    )
    return condition, score


def _search_postgresql(clients, parsed: ParsedQuery, limit: int):
    clients = clients.annotate(ssn_last4=Right("ssn", 4)).filter(_exact_filters(parsed))
    condition = Q()
    score = Value(0.0, output_field=FloatField())
    names = parsed.names
    if len(names) == 1:
        c_last, s_last = _pg_name_match("last_name", names[0])
        c_first, s_first = _pg_name_match("first_name", names[0])
        condition, score = c_last | c_first, Greatest(s_last, s_first)
    elif len(names) >= 2:
        a, b = names[0], names[-1]
        c_af, s_af = _pg_name_match("first_name", a)
        c_bl, s_bl = _pg_name_match("last_name", b)
        c_al, s_al = _pg_name_match("last_name", a)
        c_bf, s_bf = _pg_name_match("first_name", b)
        straight, swapped = c_af & c_bl, c_al & c_bf
        condition = straight | swapped
        score = Greatest(
            Case(When(straight, then=s_af + s_bl), default=Value(0.0), output_field=FloatField()),
            Case(When(swapped, then=s_al + s_bf), default=Value(0.0), output_field=FloatField()),
        )
    if parsed.hud_id is not None:
        by_id = _hud_id_condition(parsed.hud_id)
        if parsed.dob is None and parsed.ssn4 is None and not names:
            condition = by_id
        else:
            condition = condition | by_id if names else condition
            score = score + Case(
                When(by_id, then=Value(10.0)), default=Value(0.0), output_field=FloatField()
            )
    rows = (
        clients.filter(condition)
        .annotate(search_score=ExpressionWrapper(score, output_field=FloatField()))
        .only(*RESULT_FIELDS)
        .order_by("-search_score", "last_name", "first_name", "id")[:limit]
    )
    return list(rows)


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
