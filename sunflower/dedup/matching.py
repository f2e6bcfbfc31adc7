"""Likely duplicates of a client about to be created. See docs/client-create.md.

`likely_matches(user, candidate)` looks system-wide (one record per person statewide: the
duplicates that matter most are at other agencies), but reveals only what the access policy
allows: for a client the user may open, the name, date of birth, HMIS ID and a link; for any
other client, only that a possible match exists, with its score and reasons (the HMIS ID too
for HMIS administrators, who may open every client anyway).

Candidates come from one indexed query (same date of birth or a transposed one, same full SSN,
or a last name that is trigram-similar or sounds alike on PostgreSQL; a bounded first-letter
prefilter elsewhere, as in sunflower/hmis/search.py) and are scored here, with the same trigram
similarity and Soundex as the client search, so both databases give the same scores.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import F, Q, Value
from django.db.models.functions import Lower

from sunflower.accounts.policy import Action, is_hmis_admin, visible_clients
from sunflower.hmis.search import _Equals, _Soundex, _TrigramSimilar, similarity, soundex

# A name is "similar" at this trigram similarity (or with the same Soundex code).
NAME_SIMILARITY = 0.5
# Matches at or above this score are shown before a client is created.
SHOW_THRESHOLD = 0.6
# How many candidate rows at most one check reads and scores.
CANDIDATE_LIMIT = 500

# Reasons shown next to a match.
REASON_SSN = "same SSN"
REASON_SSN4 = "same SSN last four"
REASON_SSN_DIFFERENT = "different SSN"
REASON_DOB = "same DOB"
REASON_DOB_TRANSPOSED = "DOB with month and day or two digits swapped"
REASON_DOB_UNKNOWN = "DOB not known for one of them"
REASON_NAME_EXACT = "same name"
REASON_NAME_SIMILAR = "similar name"
REASON_NAME_SWAPPED = "first and last name swapped"
REASON_LAST_NAME = "similar last name"
REASON_FIRST_NAME = "similar first name"

# The scoring table (docs/client-create.md): the score is the sum, capped at 1.
WEIGHT_SSN = 0.9
WEIGHT_SSN4 = 0.1
WEIGHT_SSN_DIFFERENT = -0.3
WEIGHT_DOB = 0.35
WEIGHT_DOB_TRANSPOSED = 0.15
WEIGHT_DOB_UNKNOWN = 0.05
WEIGHT_NAME_EXACT = 0.55
WEIGHT_NAME_SIMILAR = 0.5
WEIGHT_NAME_SWAPPED = 0.45
WEIGHT_LAST_NAME = 0.3
WEIGHT_FIRST_NAME = 0.15

_FIELDS = ("id", "personal_id", "first_name", "last_name", "dob", "ssn")


@dataclass
class Match:
    """One likely duplicate. `visible` False: the user may not open it, and name, DOB and link
    are left empty (personal_id only for HMIS administrators)."""

    pk: int
    score: float
    reasons: list[str]
    visible: bool
    personal_id: str = ""
    first_name: str = ""
    last_name: str = ""
    dob: dt.date | None = None
    ssn_last4: str = ""

    @property
    def percent(self) -> int:
        return round(self.score * 100)


# --- what the new client's data says ---------------------------------------------------------


def valid_ssn(ssn: str) -> bool:
    """A full SSN as the Social Security Administration issues them: 9 digits, area not 000,
    666 or 9xx, group not 00, serial not 0000, and not all one digit."""
    if not re.fullmatch(r"\d{9}", ssn or ""):
        return False
    area, group, serial = ssn[:3], ssn[3:5], ssn[5:]
    if area in {"000", "666"} or area.startswith("9") or group == "00" or serial == "0000":
        return False
    return len(set(ssn)) > 1


def transposed_dates(dob: dt.date) -> set[dt.date]:
    """Dates a typing slip could have made of `dob`: month and day swapped, or two adjacent
    digits of YYYYMMDD swapped (still a real date, from 1900 on)."""
    found: set[dt.date] = set()
    with contextlib.suppress(ValueError):
        found.add(dt.date(dob.year, dob.day, dob.month))
    digits = dob.strftime("%Y%m%d")
    for i in range(len(digits) - 1):
        swapped = digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]
        try:
            date = dt.date(int(swapped[:4]), int(swapped[4:6]), int(swapped[6:]))
        except ValueError:
            continue
        if date.year >= 1900:
            found.add(date)
    found.discard(dob)
    return found


def _similar(a: str, b: str) -> bool:
    a, b = (a or "").strip().lower(), (b or "").strip().lower()
    if not a or not b:
        return False
    return a == b or similarity(a, b) >= NAME_SIMILARITY or soundex(a) == soundex(b) != ""


def _name_part(first: str, last: str, c_first: str, c_last: str) -> tuple[float, str | None]:
    first, last = (first or "").strip().lower(), (last or "").strip().lower()
    c_first, c_last = (c_first or "").lower(), (c_last or "").lower()
    if first and last and first == c_first and last == c_last:
        return WEIGHT_NAME_EXACT, REASON_NAME_EXACT
    same_last, same_first = _similar(last, c_last), _similar(first, c_first)
    if same_last and same_first:
        return WEIGHT_NAME_SIMILAR, REASON_NAME_SIMILAR
    if _similar(first, c_last) and _similar(last, c_first):
        return WEIGHT_NAME_SWAPPED, REASON_NAME_SWAPPED
    if same_last:
        return WEIGHT_LAST_NAME, REASON_LAST_NAME
    if same_first:
        return WEIGHT_FIRST_NAME, REASON_FIRST_NAME
    return 0.0, None


def score(candidate: dict, first: str, last: str, dob, ssn: str) -> tuple[float, list[str]]:
    """(score in [0, 1], reasons) of an existing client against the new client's data."""
    total, reasons = 0.0, []
    new_ssn = candidate.get("ssn") or ""
    if valid_ssn(new_ssn) and new_ssn == ssn:
        total += WEIGHT_SSN
        reasons.append(REASON_SSN)
    elif valid_ssn(new_ssn) and valid_ssn(ssn or ""):
        total += WEIGHT_SSN_DIFFERENT
        reasons.append(REASON_SSN_DIFFERENT)
    elif len(new_ssn) >= 4 and new_ssn[-4:].isdigit() and (ssn or "")[-4:] == new_ssn[-4:]:
        total += WEIGHT_SSN4
        reasons.append(REASON_SSN4)
    new_dob = candidate.get("dob")
    if new_dob is not None and dob == new_dob:
        total += WEIGHT_DOB
        reasons.append(REASON_DOB)
    elif new_dob is not None and dob is not None and dob in transposed_dates(new_dob):
        total += WEIGHT_DOB_TRANSPOSED
        reasons.append(REASON_DOB_TRANSPOSED)
    elif new_dob is None or dob is None:
        total += WEIGHT_DOB_UNKNOWN
        reasons.append(REASON_DOB_UNKNOWN)
    weight, reason = _name_part(
        candidate.get("first_name", ""), candidate.get("last_name", ""), first, last
    )
    if reason:
        total += weight
        reasons.append(reason)
    return round(max(0.0, min(1.0, total)), 2), reasons


# --- the candidate query ---------------------------------------------------------------------


def _candidate_condition(candidate: dict) -> Q:
    condition = Q(pk__in=[])
    dob = candidate.get("dob")
    if dob is not None:
        condition |= Q(dob__in=sorted({dob, *transposed_dates(dob)}))
    ssn = candidate.get("ssn") or ""
    if valid_ssn(ssn):
        condition |= Q(ssn=ssn)
    last = (candidate.get("last_name") or "").strip().lower()
    first = (candidate.get("first_name") or "").strip().lower()
    # By name: the last name, or the first name holding it (swapped); or the first name alone.
    names = [("last_name", last), ("first_name", last)] if last else [("first_name", first)]
    for column, token in names:
        if not token:
            continue
        if connection.vendor == "postgresql":
            condition |= Q(_TrigramSimilar(Lower(column), Value(token))) | Q(
                _Equals(_Soundex(F(column)), Value(soundex(token)))
            )
        else:  # a bounded prefilter: Soundex keeps the first letter
            condition |= Q(**{f"{column}__istartswith": token[0]})
    return condition


def likely_matches(user, candidate: dict, limit: int = 10, threshold: float = SHOW_THRESHOLD):
    """Existing clients (system-wide) that are likely the person in `candidate` (a dict of
    Client field values), best first, at most `limit`, each revealing only what the policy
    allows `user` to see. Three queries at most, whatever the number of matches."""
    from sunflower.hmis.models import Client

    rows = list(
        Client.objects.filter(_candidate_condition(candidate))
        .order_by("id")
        .values(*_FIELDS)[:CANDIDATE_LIMIT]
    )
    scored = []
    for row in rows:
        value, reasons = score(
            candidate, row["first_name"], row["last_name"], row["dob"], row["ssn"]
        )
        if value >= threshold:
            scored.append((value, row, reasons))
    scored.sort(key=lambda item: (-item[0], item[1]["id"]))
    scored = scored[:limit]
    if not scored:
        return []
    pks = [row["id"] for _, row, _ in scored]
    visible = set(
        visible_clients(user, Action.VIEW_CLIENT_RECORD)
        .filter(pk__in=pks)
        .values_list("pk", flat=True)
    )
    admin = is_hmis_admin(user)
    matches = []
    for value, row, reasons in scored:
        match = Match(pk=row["id"], score=value, reasons=reasons, visible=row["id"] in visible)
        if match.visible:
            ssn = row["ssn"] or ""
            match.first_name, match.last_name, match.dob = (
                row["first_name"],
                row["last_name"],
                row["dob"],
            )
            match.ssn_last4 = ssn[-4:] if len(ssn) >= 4 and ssn[-4:].isdigit() else ""
        if match.visible or admin:
            match.personal_id = row["personal_id"]
        matches.append(match)
    return matches
