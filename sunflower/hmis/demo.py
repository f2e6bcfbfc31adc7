"""Synthetic, deterministic Kansas demo data for Sunflower.

``generate_demo_data(clients=2000, seed=2026, today=None)`` fills an empty database with:

* agencies (Organization) in real Kansas towns of the nine KS-507 Balance of State regions and
  of Johnson County (KS-505), the HMIS Lead ("Kansas Statewide Homeless Coalition") and two
  victim service providers, each with a few HMIS users (User.csv);
* their projects of every common type (ES entry/exit and night-by-night, TH, PSH, SO, SSO, HP,
  RRH of both sub-types, CE) with Funder, ProjectCoC, Inventory, Affiliation, HMISParticipation
  and CEParticipation rows;
* about ``clients`` people in households (single adults, families with children, adult couples,
  unaccompanied youth) who went through one to three project stays over the three years before
  ``today``: Enrollment, Exit, IncomeBenefits, Disabilities, HealthAndDV, Services (bed nights,
  PATH and SSVF services), CurrentLivingSituation, and CE Assessment / AssessmentQuestions /
  AssessmentResults / Event rows.

Everything is made up: names come from a seeded Faker, SSNs are never in a range the Social
Security Administration issues (full SSNs use areas 900-999; partial ones are ``xxxxx`` and four
digits), e-mail addresses end in ``.example.org`` and phone numbers use the fictional 555-01xx
block. The same ``seed`` and ``today`` always give the same HUD identifiers, names and dates.

Speed: rows are built in memory by batches of about 5,000 clients and written, in one
transaction, with PostgreSQL binary ``COPY`` from a writer thread (the main thread builds the
next batch meanwhile) or, on other databases, one ``executemany`` INSERT per table and batch.
Like ``bulk_create``, this skips ``save()``, ``clean()`` and signals - so no audit log entries are
written for the synthetic rows, which is intended. The database still checks every constraint
(HUD codes, one head of household, one exit per enrollment, the exit-date trigger, foreign keys).
Primary keys of the rows other rows point at are counted from the table's next id under a table
lock, so nothing is read back. HUD identifiers are UUIDv7-shaped (increasing), which keeps the
unique indexes cheap. On PostgreSQL, from ``FOREIGN_KEY_REBUILD_CLIENTS`` clients on, foreign
keys are dropped for the load and added back (validated) before commit. docs/demo-data.md has
the figures.

Deliberate simplifications: victim service providers take part through a comparable database
(HMISParticipationType 2), so their projects have no client records; RHY-only files
(EmploymentEducation, YouthEducationStatus) and Export are left empty.
"""

from __future__ import annotations

import bisect
import queue
import random
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from sunflower.hmis.models import (
    NATIVE_DATA_SOURCE_ID,
    Affiliation,
    Assessment,
    AssessmentQuestions,
    AssessmentResults,
    CEParticipation,
    Client,
    CurrentLivingSituation,
    Disabilities,
    Enrollment,
    Event,
    Exit,
    Funder,
    HealthAndDV,
    HMISParticipation,
    HmisUser,
    IncomeBenefits,
    Inventory,
    Organization,
    Project,
    ProjectCoC,
    Services,
)

__all__ = ["DemoDataError", "DemoSummary", "generate_demo_data", "HMIS_LEAD_NAME"]

HMIS_LEAD_NAME = "Kansas Statewide Homeless Coalition"
BALANCE_OF_STATE = "KS-507"
JOHNSON_COUNTY = "KS-505"
# Households are generated and written by batches of about this many clients.
BATCH_CLIENTS = 5000
# PostgreSQL: from this many clients on, foreign keys are dropped for the load and added back
# (validated) at the end; see _bulk_load_settings.
FOREIGN_KEY_REBUILD_CLIENTS = 10_000

# Project types (HUD list 2.02.6).
ES, NBN, TH, PSH, SO, SSO, HP, RRH, CE = 0, 1, 2, 3, 4, 6, 12, 13, 14
MISSING = (8, 9, 99)  # client doesn't know / prefers not to answer / data not collected

TYPE_LABELS = {
    ES: "Emergency Shelter",
    NBN: "Night Shelter",
    TH: "Transitional Housing",
    PSH: "Permanent Supportive Housing",
    SO: "Street Outreach",
    SSO: "Supportive Services",
    HP: "Homelessness Prevention",
    RRH: "Rapid Re-Housing",
    CE: "Coordinated Entry",
}

# Real Kansas towns (county -> town, ZIP, HUD geography type 1 urban / 2 suburban / 3 rural),
# a few per Balance of State region plus Johnson County. Counties are matched by name in the
# geography tables; a region without a listed town uses one of its counties' names.
TOWNS: dict[str, list[tuple[str, str, int]]] = {
    "Ellis": [("Hays", "67601", 1)],
    "Norton": [("Norton", "67654", 3)],
    "Phillips": [("Phillipsburg", "67661", 3)],
    "Rooks": [("Stockton", "67669", 3)],
    "Saline": [("Salina", "67401", 1)],
    "Riley": [("Manhattan", "66502", 1)],
    "Geary": [("Junction City", "66441", 1)],
    "Dickinson": [("Abilene", "67410", 3)],
    "Cloud": [("Concordia", "66901", 3)],
    "Marshall": [("Marysville", "66508", 3)],
    "Douglas": [("Lawrence", "66044", 1)],
    "Leavenworth": [("Leavenworth", "66048", 1)],
    "Franklin": [("Ottawa", "66067", 3)],
    "Miami": [("Paola", "66071", 3)],
    "Atchison": [("Atchison", "66002", 3)],
    "Pottawatomie": [("Wamego", "66547", 3)],
    "Thomas": [("Colby", "67701", 3)],
    "Sherman": [("Goodland", "67735", 3)],
    "Scott": [("Scott City", "67871", 3)],
    "Logan": [("Oakley", "67748", 3)],
    "Reno": [("Hutchinson", "67501", 1)],
    "Barton": [("Great Bend", "67530", 3)],
    "McPherson": [("McPherson", "67460", 3)],
    "Russell": [("Russell", "67665", 3)],
    "Finney": [("Garden City", "67846", 1)],
    "Seward": [("Liberal", "67901", 1)],
    "Grant": [("Ulysses", "67880", 3)],
    "Stevens": [("Hugoton", "67951", 3)],
    "Ford": [("Dodge City", "67801", 1)],
    "Pratt": [("Pratt", "67124", 3)],
    "Pawnee": [("Larned", "67550", 3)],
    "Barber": [("Medicine Lodge", "67104", 3)],
    "Lyon": [("Emporia", "66801", 1)],
    "Butler": [("El Dorado", "67042", 3)],
    "Cowley": [("Winfield", "67156", 3)],
    "Harvey": [("Newton", "67114", 3)],
    "Sumner": [("Wellington", "67152", 3)],
    "Crawford": [("Pittsburg", "66762", 1)],
    "Montgomery": [("Independence", "67301", 3), ("Coffeyville", "67337", 3)],
    "Labette": [("Parsons", "67357", 3)],
    "Allen": [("Iola", "66749", 3)],
    "Neosho": [("Chanute", "66720", 3)],
    "Bourbon": [("Fort Scott", "66701", 3)],
    "Johnson": [
        ("Olathe", "66061", 2),
        ("Overland Park", "66212", 2),
        ("Lenexa", "66215", 2),
        ("Shawnee", "66203", 2),
    ],
}

# Fictional agency names: "<first> <second> of <town>".
NAME_FIRST = (
    "Bluestem", "Cottonwood", "Meadowlark", "Prairie Wind", "Sunrise", "Harvest", "Limestone",
    "Wheatland", "Sandhill", "Redbud", "Tallgrass", "Sunflower Trail", "Open Door", "Cornerstone",
    "New Horizons", "Hearthstone", "Good Neighbor", "Homeward", "Lantern", "Crossroads",
)  # fmt: skip
NAME_SECOND = (
    "Housing Partners", "Shelter Alliance", "Family Services", "Community Action",
    "Outreach Network", "Housing Collaborative", "Hope Center", "Community Services",
    "Housing Ministries", "Neighborhood Services",
)  # fmt: skip
VSP_NAMES = ("Safe Harbor Crisis Center", "Family Crisis and Advocacy Services")


# --- small helpers ---------------------------------------------------------------------------


class _Choice:
    """A weighted choice: ``pick(rng.random())``; O(log n), no list building per call."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, pairs: Sequence[tuple[Any, float]]):
        self.items = [item for item, _weight in pairs]
        self.cum: list[float] = []
        total = 0.0
        for _item, weight in pairs:
            total += weight
            self.cum.append(total)
        self.total = total

    def __call__(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


# --- distributions ---------------------------------------------------------------------------

HOUSEHOLD_KIND = _Choice([("single", 65), ("family", 20), ("couple", 9), ("youth", 6)])
ADULT_AGE_BAND = _Choice(
    [((18, 24), 12), ((25, 34), 22), ((35, 44), 22), ((45, 54), 20), ((55, 64), 17), ((65, 82), 7)]
)
CHILDREN_IN_FAMILY = _Choice([(1, 35), (2, 30), (3, 20), (4, 10), (5, 5)])

# Project-type pathways: the stays one household goes through, in order.
PATHWAYS = {
    "single": _Choice(
        [
            ((ES,), 19), ((NBN,), 8), ((SO,), 8), ((SO, ES), 3), ((CE, ES, RRH), 9),
            ((CE, ES, PSH), 5), ((CE, SO, PSH), 3), ((CE, RRH), 5), ((ES, TH), 4), ((CE,), 7),
            ((HP,), 8), ((SSO,), 8), ((ES, ES), 3), ((PSH,), 5), ((RRH,), 5),
        ]
    ),
    "couple": _Choice(
        [
            ((ES,), 20), ((SO,), 6), ((CE, ES, RRH), 12), ((CE, RRH), 8), ((CE,), 8),
            ((HP,), 14), ((SSO,), 8), ((PSH,), 6), ((RRH,), 8), ((ES, TH), 5), ((NBN,), 5),
        ]
    ),
    "family": _Choice(
        [
            ((CE, ES, RRH), 20), ((ES,), 15), ((HP,), 20), ((CE, HP), 5), ((CE, RRH), 10),
            ((TH,), 8), ((ES, TH), 5), ((SSO,), 5), ((CE,), 5), ((PSH,), 4), ((CE, ES, PSH), 3),
        ]
    ),
    "youth": _Choice([((ES,), 40), ((ES, TH), 20), ((SO,), 15), ((TH,), 10), ((SSO,), 15)]),
}  # fmt: skip

# Weights of the project types beyond the ones every CoC gets.
EXTRA_PROJECT_TYPE = _Choice(
    [(ES, 18), (NBN, 8), (TH, 10), (PSH, 14), (SO, 10), (SSO, 8), (HP, 10), (RRH, 16), (CE, 6)]
)

# 3.917 prior living situation, by project type of a stay not preceded by another stay.
_PRIOR_HOMELESS = [
    (116, 40),
    (101, 35),
    (118, 2),
    (335, 6),
    (336, 5),
    (207, 3),
    (205, 2),
    (206, 2),
    (314, 3),
    (8, 1),
    (9, 1),
    (99, 2),
]
PRIOR_SITUATION = {
    ES: _Choice([(116, 35), (101, 12), (335, 15), (336, 12), (314, 6), (207, 4), (205, 2),
                 (206, 2), (204, 1), (410, 4), (302, 1), (8, 1), (9, 1), (99, 3)]),
    NBN: _Choice([(116, 55), (101, 15), (335, 8), (336, 8), (314, 4), (207, 3), (99, 4),
                  (8, 2), (9, 1)]),
    SO: _Choice([(116, 85), (101, 5), (118, 2), (8, 2), (9, 2), (99, 4)]),
    TH: _Choice([(101, 40), (116, 25), (335, 10), (336, 8), (215, 4), (207, 4), (205, 4),
                 (99, 3), (8, 1), (9, 1)]),
    PSH: _Choice(_PRIOR_HOMELESS),
    RRH: _Choice(_PRIOR_HOMELESS),
    CE: _Choice([(116, 30), (101, 30), (335, 12), (336, 10), (314, 5), (410, 5), (435, 2),
                 (207, 2), (8, 1), (9, 1), (99, 2)]),
    HP: _Choice([(410, 45), (435, 20), (335, 13), (336, 9), (411, 3), (314, 5), (421, 1),
                 (8, 1), (9, 1), (99, 2)]),
    SSO: _Choice([(410, 20), (435, 10), (335, 12), (336, 10), (116, 20), (101, 15), (314, 5),
                  (207, 2), (8, 1), (9, 1), (99, 4)]),
}  # fmt: skip
LOS_HOMELESS = _Choice([(10, 3), (11, 10), (2, 20), (3, 27), (4, 25), (5, 12), (8, 1), (99, 2)])
LOS_INSTITUTION = _Choice([(10, 5), (11, 15), (2, 25), (3, 30), (4, 15), (5, 8), (99, 2)])
LOS_HOUSED = _Choice([(10, 10), (11, 25), (2, 25), (3, 20), (4, 12), (5, 6), (99, 2)])
TIMES_HOMELESS = _Choice([(1, 45), (2, 22), (3, 12), (4, 15), (8, 3), (9, 1), (99, 2)])
RENTAL_SUBSIDY = _Choice([(420, 20), (433, 30), (434, 20), (431, 15), (439, 10), (419, 5)])

# Exit destinations: a permanent, temporary, homeless, institutional or unknown outcome, by
# project type, then a code of that group.
DESTINATION_GROUP = {
    ES: _Choice([("perm", 35), ("temp", 28), ("homeless", 10), ("inst", 5), ("unknown", 22)]),
    NBN: _Choice([("perm", 20), ("temp", 25), ("homeless", 20), ("inst", 5), ("unknown", 30)]),
    SO: _Choice([("perm", 15), ("temp", 15), ("homeless", 40), ("inst", 8), ("unknown", 22)]),
    TH: _Choice([("perm", 62), ("temp", 18), ("homeless", 5), ("inst", 5), ("unknown", 10)]),
    PSH: _Choice([("perm", 65), ("temp", 10), ("homeless", 4), ("inst", 8), ("dead", 6),
                  ("unknown", 7)]),
    RRH: _Choice([("perm", 76), ("temp", 10), ("homeless", 4), ("inst", 2), ("unknown", 8)]),
    HP: _Choice([("perm", 86), ("temp", 8), ("homeless", 1), ("unknown", 5)]),
    SSO: _Choice([("perm", 40), ("temp", 20), ("homeless", 10), ("inst", 4), ("unknown", 26)]),
    CE: _Choice([("perm", 25), ("temp", 20), ("homeless", 15), ("inst", 3), ("unknown", 37)]),
}  # fmt: skip
DESTINATION = {
    "perm": _Choice([(410, 35), (435, 30), (422, 12), (423, 6), (411, 3), (421, 2), (426, 0.5)]),
    "temp": _Choice([(312, 35), (313, 25), (314, 12), (302, 12), (329, 6), (332, 2), (327, 0.5)]),
    "homeless": _Choice([(101, 55), (116, 40), (118, 5)]),
    "inst": _Choice([(207, 35), (205, 25), (206, 18), (204, 14), (225, 6), (215, 2)]),
    "unknown": _Choice([(30, 45), (17, 15), (99, 25), (8, 10), (9, 5)]),
    "dead": _Choice([(24, 1)]),
}
# Days a stay lasts: minimum + exponential with this mean, capped.
DURATION = {
    ES: (1, 40, 365), NBN: (1, 25, 180), TH: (60, 220, 730), PSH: (120, 900, 2000),
    SO: (14, 120, 700), SSO: (14, 90, 400), HP: (30, 60, 365), RRH: (60, 180, 730),
}  # fmt: skip
# Chance that the last stay of a household is never exited in the HMIS (a stale record).
STALE = {
    ES: 0.40,
    NBN: 0.50,
    TH: 0.15,
    PSH: 0.05,
    SO: 0.55,
    SSO: 0.50,
    HP: 0.30,
    RRH: 0.15,
    CE: 0.65,
}

# Races and ethnicities (3.04), as tuples of the Yes fields; None: not collected (RaceNone).
RACE_FIELDS = (
    "am_ind_ak_native", "asian", "black_af_american", "hispanic_latinao", "mid_east_n_african",
    "native_hi_pacific", "white",
)  # fmt: skip
RACE = _Choice(
    [
        (("white",), 50), (("black_af_american",), 20), (("white", "hispanic_latinao"), 8),
        (("hispanic_latinao",), 7), (("am_ind_ak_native",), 3), (("am_ind_ak_native", "white"), 2),
        (("black_af_american", "white"), 3), (("asian",), 1), (("native_hi_pacific",), 0.6),
        (("mid_east_n_african",), 0.5), (("black_af_american", "hispanic_latinao"), 1),
        ((None, 8), 0.7), ((None, 9), 1.2), ((None, 99), 1.5),
    ]
)  # fmt: skip
MILITARY_BRANCH = _Choice([(1, 45), (2, 15), (3, 18), (4, 14), (6, 2), (7, 0.3), (8, 1), (99, 4)])
DISCHARGE = _Choice([(1, 68), (2, 15), (6, 5), (4, 1), (5, 1), (7, 2), (8, 3), (9, 2), (99, 3)])
THEATERS = (  # field, first year, last year
    ("world_war_ii", 1941, 1945), ("korean_war", 1950, 1953), ("vietnam_war", 1961, 1975),
    ("desert_storm", 1990, 1991), ("afghanistan_oef", 2001, 2021), ("iraq_oif", 2003, 2010),
    ("iraq_ond", 2010, 2011),
)  # fmt: skip
# 4.05-4.10: disability type -> (chance of Yes for adults, for children).
DISABILITY_RATES = {
    5: (0.18, 0.03),
    6: (0.04, 0.04),
    7: (0.20, 0.04),
    8: (0.01, 0.0),
    9: (0.35, 0.08),
    10: (0.20, 0.0),
}
SUBSTANCE = _Choice([(1, 35), (2, 40), (3, 25)])
INCOME_SOURCES = (
    # field, amount field, chance, (low, high) monthly dollars
    ("earned", "earned_amount", 0.45, (350, 2600)),
    ("unemployment", "unemployment_amount", 0.04, (300, 1400)),
    ("ssi", "ssi_amount", 0.18, (943, 967)),
    ("ssdi", "ssdi_amount", 0.17, (850, 1700)),
    ("va_disability_service", "va_disability_service_amount", 0.0, (170, 3700)),
    ("va_disability_non_service", "va_disability_non_service_amount", 0.0, (1200, 1500)),
    ("private_disability", "private_disability_amount", 0.01, (400, 1500)),
    ("workers_comp", "workers_comp_amount", 0.01, (400, 1500)),
    ("tanf", "tanf_amount", 0.0, (250, 430)),
    ("ga", "ga_amount", 0.01, (100, 300)),
    ("soc_sec_retirement", "soc_sec_retirement_amount", 0.0, (900, 1900)),
    ("pension", "pension_amount", 0.02, (300, 1500)),
    ("child_support", "child_support_amount", 0.0, (100, 600)),
    ("alimony", "alimony_amount", 0.003, (200, 800)),
    ("other_income_source", "other_income_amount", 0.04, (50, 400)),
)
BENEFIT_FIELDS = (
    "snap",
    "wic",
    "tanf_child_care",
    "tanf_transportation",
    "other_tanf",
    "other_benefits_source",
)
INSURANCE_FIELDS = (
    "medicaid",
    "medicare",
    "schip",
    "vha_services",
    "employer_provided",
    "cobra",
    "private_pay",
    "state_health_ins",
    "indian_health_services",
    "other_insurance",
)
SO_SITUATION = _Choice([(116, 80), (101, 8), (118, 2), (37, 3), (335, 2), (99, 3), (8, 1), (9, 1)])
CE_SITUATION = _Choice([(101, 35), (116, 30), (335, 12), (336, 10), (314, 5), (410, 3), (99, 5)])
PATH_SERVICE = _Choice([(1, 20), (2, 25), (4, 15), (6, 30), (14, 10)])
ASSESSMENT_TYPE = _Choice([(3, 60), (1, 30), (2, 10)])
REFERRAL_EVENT = {ES: 10, NBN: 10, TH: 11, RRH: 13, PSH: 14, HP: 1, SO: 6, SSO: 7}
HOUSING_QUESTIONS = (
    ("Housing history", "Nights slept outside or in a shelter in the past three years"),
    ("Housing history", "Times homeless in the past three years"),
    ("Health", "Health condition that makes it hard to keep housing"),
    ("Household", "Children in the household"),
)


# --- results ---------------------------------------------------------------------------------


class DemoDataError(Exception):
    """The demo data cannot be generated (e.g. the database already has clients)."""


@dataclass
class DemoSummary:
    """What :func:`generate_demo_data` wrote."""

    clients: int
    seed: int
    today: date
    seconds: float
    database: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def clients_per_second(self) -> float:
        return self.clients / self.seconds if self.seconds else 0.0

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    def lines(self) -> list[str]:
        width = max(len(name) for name in self.counts) if self.counts else 10
        out = [f"  {name:<{width}}  {count:>12,}" for name, count in self.counts.items()]
        out.append(f"  {'rows':<{width}}  {self.rows:>12,}")
        out.append(
            f"{self.clients:,} clients in {self.seconds:.1f} s on {self.database}: "
            f"{self.clients_per_second:,.0f} clients/s, {self.rows / (self.seconds or 1):,.0f} "
            "rows/s"
        )
        return out


# --- writing ---------------------------------------------------------------------------------


class _Table:
    """The rows of one model waiting to be written, and how to write them.

    Rows are dicts of attname -> value; every column not given gets the field's constant
    default (or NULL). ``with_pk``: the rows carry a reserved ``id`` (other rows point at them);
    otherwise the database numbers them.
    """

    def __init__(self, model, with_pk: bool):
        self.model = model
        self.with_pk = with_pk
        self.fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
        self.attnames = [f.attname for f in self.fields]
        self.defaults = [
            NATIVE_DATA_SOURCE_ID if f.attname == "data_source_id" else self._default(f)
            for f in self.fields
        ]
        self.rows: list[dict[str, Any]] = []
        self.written = 0
        # Values that need the database's own representation outside PostgreSQL.
        self.prepare = [
            (i, f)
            for i, f in enumerate(self.fields)
            if f.get_internal_type() in ("DateField", "DateTimeField", "DecimalField", "UUIDField")
        ]

    @staticmethod
    def _default(f) -> Any:
        if f.has_default() and not callable(f.default):
            return f.default
        return None

    @cached_property
    def pg_types(self) -> list[str]:
        """PostgreSQL type names of the columns, for binary COPY ("varchar(32)" -> "varchar")."""
        return [f.db_type(connection).split("(")[0].strip() for f in self.fields]

    def values(self, row: dict[str, Any]) -> list[Any]:
        return list(map(row.get, self.attnames, self.defaults))


class _Writer:
    """Writes batches of rows, table by table in dependency order.

    PostgreSQL: binary COPY, in a background thread that owns the connection while the main
    thread builds the next batch (the main thread does not use the database meanwhile), so the
    server works while Python generates. Other databases: one executemany INSERT per table.
    """

    def __init__(self):
        self.vendor = connection.vendor
        self.qn = connection.ops.quote_name
        self.queue: queue.Queue = queue.Queue(maxsize=1)
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None

    def start(self) -> None:
        if self.vendor == "postgresql":
            connection.ensure_connection()
            self.raw = connection.connection  # the psycopg connection, in our transaction
            self.thread = threading.Thread(target=self._loop, name="demo-data-writer", daemon=True)
            self.thread.start()

    def submit(self, tables: list[_Table]) -> None:
        """Hands over the rows waiting in ``tables`` (then empty) to be written."""
        batch = [(table, table.rows) for table in tables if table.rows]
        for table, rows in batch:
            table.rows = []
            table.written += len(rows)
        self._raise_error()
        if self.thread is None:
            self._write_batch(batch)
            return
        while True:
            try:
                self.queue.put(batch, timeout=0.2)
                return
            except queue.Full:
                self._raise_error()

    def finish(self) -> None:
        """Waits until everything is written; raises the writer's error if it failed."""
        self._stop()
        self._raise_error()

    def _stop(self) -> None:
        if self.thread is None:
            return
        while True:
            try:
                self.queue.put(None, timeout=0.2)
                break
            except queue.Full:
                if not self.thread.is_alive():
                    break
        self.thread.join()
        self.thread = None

    def _raise_error(self) -> None:
        if self.error is not None:
            error, self.error = self.error, None
            self._stop()
            with connection.wrap_database_errors:  # psycopg's errors as Django's
                raise error

    def _loop(self) -> None:
        while True:
            batch = self.queue.get()
            if batch is None:
                return
            if self.error is None:
                try:
                    self._write_batch(batch)
                except BaseException as exc:  # noqa: BLE001 - handed to the main thread
                    self.error = exc

    def _write_batch(self, batch: list[tuple[_Table, list[dict[str, Any]]]]) -> None:
        for table, rows in batch:
            if self.vendor == "postgresql":
                self._copy(table, rows)
            else:
                self._insert(table, rows)

    def _copy(self, table: _Table, rows: list[dict[str, Any]]) -> None:
        columns = ", ".join(self.qn(f.column) for f in table.fields)
        sql = f"COPY {self.qn(table.model._meta.db_table)} ({columns}) FROM STDIN (FORMAT BINARY)"
        values = table.values
        with self.raw.cursor() as cursor, cursor.copy(sql) as copy:
            copy.set_types(table.pg_types)
            write_row = copy.write_row
            for row in rows:
                write_row(values(row))

    def _insert(self, table: _Table, rows: list[dict[str, Any]]) -> None:
        columns = ", ".join(self.qn(f.column) for f in table.fields)
        placeholders = ", ".join(["%s"] * len(table.fields))
        table_name = self.qn(table.model._meta.db_table)
        # Identifiers from the model's metadata, quoted; values are parameters.
        sql = f"INSERT INTO {table_name} ({columns}) VALUES ({placeholders})"  # noqa: S608
        prepare = table.prepare
        values = table.values
        lines = []
        for row in rows:
            line = values(row)
            for i, f in prepare:
                if line[i] is not None:
                    line[i] = f.get_db_prep_save(line[i], connection)
            lines.append(line)
        with connection.cursor() as cursor:
            cursor.executemany(sql, lines)


class _Ids:
    """Primary keys for the rows other rows point at, counted locally from the table's next id.

    ``prime()`` reads where to start (before the writer thread owns the connection);
    ``finish()`` moves the PostgreSQL sequence past the last id used. Safe because the load
    holds a lock that keeps other sessions from inserting into the table (PostgreSQL: LOCK
    TABLE; SQLite: the database's write lock).
    """

    def __init__(self, model):
        self.model = model
        self.next_id = 0
        self.first_id = 0

    def prime(self) -> None:
        table = self.model._meta.db_table
        qn = connection.ops.quote_name
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"LOCK TABLE {qn(table)} IN SHARE ROW EXCLUSIVE MODE")
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s))",
                    [table, self.model._meta.pk.column],
                )
                self.next_id = cursor.fetchone()[0]
            else:
                pk = qn(self.model._meta.pk.column)
                cursor.execute(f"SELECT MAX({pk}) FROM {qn(table)}")  # noqa: S608 - identifiers
                largest = cursor.fetchone()[0] or 0
                if connection.vendor == "sqlite":
                    try:
                        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                        row = cursor.fetchone()
                    except Exception:  # noqa: BLE001 - no AUTOINCREMENT table yet
                        row = None
                    if row and row[0]:
                        largest = max(largest, int(row[0]))
                self.next_id = largest + 1
        self.first_id = self.next_id

    def take(self) -> int:
        value = self.next_id
        self.next_id = value + 1
        return value

    def finish(self) -> None:
        if connection.vendor == "postgresql" and self.next_id > self.first_id:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, %s), %s)",
                    [self.model._meta.db_table, self.model._meta.pk.column, self.next_id - 1],
                )


# --- the generator ---------------------------------------------------------------------------


@dataclass
class _Project:
    pk: int
    ptype: int
    rrh_sub_type: int | None
    coc: str
    region: int  # region number (0: no region, e.g. Johnson County)
    town: str
    name: str
    org_pk: int
    users: list[int]
    funders: set[int]
    vsp: bool


class _Generator:
    def __init__(self, *, clients: int, seed: int, today: date, id_salt: str, progress):
        from faker import Faker

        self.total = clients
        self.seed = seed
        self.today = today
        self.window_start = _years_before(today, 3)
        self.span = (today - self.window_start).days
        self.progress = progress
        self.rng = random.Random(seed)
        # HUD identifiers come from their own stream, so that they do not shift the data.
        self.id_bits = random.Random(f"sunflower-demo-ids:{seed}:{id_salt}").getrandbits
        self.id_clock = int(
            datetime(
                self.window_start.year, self.window_start.month, self.window_start.day, tzinfo=UTC
            ).timestamp()
            * 1000
        )
        self.now = timezone.now()
        self.real_today = self.now.date()
        self.fake = Faker("en_US")
        self.fake.seed_instance(seed)
        self.writer = _Writer()
        models = [  # in the order they are written: parents first
            HmisUser,
            Organization,
            Project,
            Funder,
            ProjectCoC,
            Inventory,
            Affiliation,
            HMISParticipation,
            CEParticipation,
            Client,
            Enrollment,
            Exit,
            IncomeBenefits,
            HealthAndDV,
            Disabilities,
            Services,
            CurrentLivingSituation,
            Assessment,
            AssessmentQuestions,
            AssessmentResults,
            Event,
        ]
        referenced = {Organization, HmisUser, Project, Client, Enrollment, Assessment}
        self.tables = {m: _Table(m, with_pk=m in referenced) for m in models}
        self.ids = {m: _Ids(m) for m in referenced}
        self.clients_done = 0

    # -- primitives --

    def hud_id(self) -> str:
        """A UUIDv7-shaped HUD identifier (32 hex digits): a millisecond clock that ticks once
        per identifier, then random bits. Unique like a uuid4, but in increasing order, so each
        table's unique (HUD id, data source) index only grows at its right edge - with random
        identifiers that index costs more than the rest of the row at a million clients."""
        self.id_clock += 1
        bits = self.id_bits(74)
        return (
            f"{self.id_clock:012x}7{bits >> 62:03x}"
            f"{(bits & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000:016x}"
        )

    def stamp(self, day: date, hour: int | None = None) -> datetime:
        """A time on ``day`` during office hours in Kansas (UTC), never in the future."""
        rng = self.rng
        if hour is None:
            hour = 14 + int(rng.random() * 9)
        value = datetime(day.year, day.month, day.day, hour, int(rng.random() * 60), tzinfo=UTC)
        if day >= self.real_today and value > self.now:
            return self.now
        return value

    def days(self, minimum: int, mean: float, cap: int) -> int:
        return min(cap, minimum + int(self.rng.expovariate(1.0 / mean)))

    def add(self, model, row: dict[str, Any]) -> dict[str, Any]:
        self.tables[model].rows.append(row)
        return row

    def flush(self) -> None:
        self.writer.submit(list(self.tables.values()))

    # -- reference data: agencies, users, projects --

    def read_geography(self) -> None:
        from sunflower.geo.models import County

        self.counties = list(
            County.objects.filter(coc__served=True)
            .select_related("coc", "region")
            .order_by("fips5")
        )

    def build_reference(self) -> None:
        rng = self.rng
        counties = self.counties
        if not any(c.coc.code == BALANCE_OF_STATE for c in counties) or not any(
            c.coc.code == JOHNSON_COUNTY for c in counties
        ):
            raise DemoDataError(
                f"The geography has no served {BALANCE_OF_STATE} and {JOHNSON_COUNTY} counties: "
                "run `sunflower load_geography` first."
            )
        # Sites: (coc, region number, county, town, zip, geography type).
        sites: dict[tuple[str, int], list[tuple]] = {}
        for county in counties:
            key = (county.coc.code, county.region.number if county.region_id else 0)
            for town, zip_code, geo in TOWNS.get(county.name, ()):
                sites.setdefault(key, []).append((key[0], key[1], county, town, zip_code, geo))
        for county in counties:  # regions without a listed town
            key = (county.coc.code, county.region.number if county.region_id else 0)
            if key not in sites:
                sites[key] = [(key[0], key[1], county, county.name, "", 3)]
        bos_keys = sorted(k for k in sites if k[0] == BALANCE_OF_STATE)
        jo_keys = sorted(k for k in sites if k[0] == JOHNSON_COUNTY)

        n_projects = _clamp(round(self.total / 60), 20, 400)
        n_orgs = _clamp(round(n_projects * 0.75), 14, 150)
        n_jo = max(2, round((n_orgs - 3) * 0.15))
        n_bos = n_orgs - 3 - n_jo

        def pick_site(keys):
            key = keys[int(rng.random() * len(keys))]
            options = sites[key]
            weights = _Choice([(s, 3 if s[5] == 1 else 1) for s in options])
            return weights(rng)

        # Organizations: the lead, two VSPs, then agencies round-robin over the regions.
        org_specs = [(HMIS_LEAD_NAME, "KSHC", False, pick_site(bos_keys), "lead")]
        vsp_regions = rng.sample(bos_keys, 2) if len(bos_keys) >= 2 else bos_keys * 2
        for name, key in zip(VSP_NAMES, vsp_regions, strict=True):
            site = pick_site([key])
            org_specs.append((f"{name} of {site[3]}", "", True, site, "vsp"))
        order = bos_keys[:]
        rng.shuffle(order)
        used_names = {spec[0] for spec in org_specs}
        for i in range(n_bos + n_jo):
            site = pick_site([order[i % len(order)]]) if i < n_bos else pick_site(jo_keys)
            for _attempt in range(50):
                first = NAME_FIRST[int(rng.random() * len(NAME_FIRST))]
                second = NAME_SECOND[int(rng.random() * len(NAME_SECOND))]
                name = f"{first} {second} of {site[3]}"
                if name not in used_names:
                    break
            else:
                name = f"{first} {second} of {site[3]} {i}"
            used_names.add(name)
            org_specs.append((name, first, False, site, "bos" if i < n_bos else "jo"))

        orgs = []
        op_start_base = self.window_start
        for name, short, vsp, site, role in org_specs:
            created = op_start_base - timedelta(days=365 + int(rng.random() * 3000))
            org_pk = self.ids[Organization].take()
            ts = self.stamp(created)
            org_row = self.add(
                Organization,
                {
                    "id": org_pk,
                    "organization_id": self.hud_id(),
                    "organization_name": name,
                    "organization_common_name": short,
                    "victim_service_provider": 1 if vsp else 0,
                    "date_created": ts,
                    "date_updated": ts,
                },
            )
            slug = "".join(ch for ch in (short or name.split(" of ")[0]).lower() if ch.isalnum())
            users = []
            for _ in range((4 if role == "lead" else 2) + int(rng.random() * 4)):
                first, last = self.fake.first_name(), self.fake.last_name()
                user_pk = self.ids[HmisUser].take()
                self.add(
                    HmisUser,
                    {
                        "id": user_pk,
                        "user_id": self.hud_id(),
                        "user_first_name": first,
                        "user_last_name": last,
                        "user_email": f"{first}.{last}@{slug}.example.org".lower().replace(" ", ""),
                        "user_phone": f"{'785' if role != 'jo' else '913'}55501{int(rng.random() * 100):02d}",
                        "date_created": ts,
                        "date_updated": ts,
                    },
                )
                users.append(user_pk)
            # Entered by the HMIS Lead's first user (the lead's own row too).
            org_row["user_id"] = orgs[0]["users"][0] if orgs else users[0]
            orgs.append(
                {
                    "pk": org_pk,
                    "short": short,
                    "name": name,
                    "vsp": vsp,
                    "site": site,
                    "role": role,
                    "users": users,
                    "created": created,
                }
            )

        # Projects: every type in the Balance of State, the core ones in Johnson County, two
        # per VSP, then more by weight.
        lead = orgs[0]
        vsps = [o for o in orgs if o["role"] == "vsp"]
        bos_orgs = [o for o in orgs if o["role"] == "bos"]
        jo_orgs = [o for o in orgs if o["role"] == "jo"]
        specs: list[tuple[dict, int, int | None]] = [(lead, CE, None)]
        specs += [(vsps[0], ES, None), (vsps[0], RRH, 2), (vsps[1], ES, None), (vsps[1], TH, None)]
        bos_types = [
            (ES, None),
            (NBN, None),
            (TH, None),
            (PSH, None),
            (SO, None),
            (SSO, None),
            (HP, None),
            (RRH, 2),
            (RRH, 1),
        ]
        jo_types = [(CE, None), (ES, None), (RRH, 2), (PSH, None), (HP, None)]
        while len(bos_types) + len(jo_types) + len(specs) < n_projects:
            ptype = EXTRA_PROJECT_TYPE(rng)
            sub = (1 if rng.random() < 0.25 else 2) if ptype == RRH else None
            (jo_types if rng.random() < 0.15 else bos_types).append((ptype, sub))
        while len(bos_types) < len(bos_orgs):
            bos_types.append((EXTRA_PROJECT_TYPE(rng), 2))
        while len(jo_types) < len(jo_orgs):
            jo_types.append((EXTRA_PROJECT_TYPE(rng), 2))
        bos_types = [(t, s if t == RRH else None) for t, s in bos_types]
        jo_types = [(t, s if t == RRH else None) for t, s in jo_types]
        rng.shuffle(bos_types)
        for i, (ptype, sub) in enumerate(bos_types):
            org = bos_orgs[i] if i < len(bos_orgs) else bos_orgs[int(rng.random() * len(bos_orgs))]
            specs.append((org, ptype, sub))
        for i, (ptype, sub) in enumerate(jo_types):
            org = (
                jo_orgs[i % len(jo_orgs)]
                if i < 2 * len(jo_orgs)
                else jo_orgs[int(rng.random() * len(jo_orgs))]
            )
            specs.append((org, ptype, sub))

        self.projects: list[_Project] = []
        names: set[str] = set()
        for org, ptype, sub in specs:
            site = org["site"]
            if org["role"] == "bos" and rng.random() < 0.2:
                site = pick_site([(site[0], site[1])])
            coc, region, county, town, zip_code, geo = site
            if org is lead:
                name = "Kansas Balance of State Coordinated Entry"
            elif ptype == CE and coc == JOHNSON_COUNTY:
                name = "Johnson County Coordinated Entry"
            else:
                label = TYPE_LABELS[ptype] + (" Services" if ptype == RRH and sub == 1 else "")
                label = ("DV " + label) if org["vsp"] else label
                name = f"{org['short'] or org['name'].split(' of ')[0]} {label} - {town}"
            base, n = name, 2
            while name in names:
                name, n = f"{base} {n}", n + 1
            names.add(name)
            op_start = org["created"] + timedelta(days=int(rng.random() * 900))
            op_start = min(op_start, self.window_start - timedelta(days=30))
            project = self._project(org, ptype, sub, site, name, op_start)
            self.projects.append(project)

        # Affiliations: each RRH services-only project with a residential project of its CoC.
        for project in self.projects:
            if project.ptype == RRH and project.rrh_sub_type == 1:
                residential = [
                    p
                    for p in self.projects
                    if p.coc == project.coc and not p.vsp and p.ptype in (PSH, TH, ES)
                ]
                if residential:
                    target = residential[int(rng.random() * len(residential))]
                    ts = self.stamp(self.window_start)
                    self.add(
                        Affiliation,
                        {
                            "affiliation_id": self.hud_id(),
                            "project_id": project.pk,
                            "res_project_id": target.pk,
                            "date_created": ts,
                            "date_updated": ts,
                            "user_id": project.users[0],
                        },
                    )

        # Where households look for projects.
        self.by_region: dict[tuple, list[_Project]] = {}
        self.by_coc: dict[tuple, list[_Project]] = {}
        self.by_type: dict[int, list[_Project]] = {}
        homes: dict[tuple[str, int], int] = {}
        for p in self.projects:
            if p.vsp:
                continue
            self.by_region.setdefault((p.coc, p.region, p.ptype), []).append(p)
            self.by_coc.setdefault((p.coc, p.ptype), []).append(p)
            self.by_type.setdefault(p.ptype, []).append(p)
            homes[(p.coc, p.region)] = homes.get((p.coc, p.region), 0) + 1
        self.homes = _Choice(sorted(homes.items()))
        self.flush()

    def _project(self, org, ptype, sub, site, name, op_start: date) -> _Project:
        rng = self.rng
        coc, region, county, town, zip_code, geo = site
        pk = self.ids[Project].take()
        users = org["users"]
        user = users[0]
        ts = self.stamp(op_start)
        common = {"date_created": ts, "date_updated": ts, "user_id": user}
        if ptype in (ES, NBN, TH):
            housing_type = 1 if rng.random() < 0.8 else 2
        elif ptype == PSH:
            housing_type = 3 if rng.random() < 0.6 else 2
        elif ptype == RRH and sub == 2:
            housing_type = 3
        else:
            housing_type = None
        # 2.02.C: asked of SSO and RRH services-only projects.
        affiliated = {(RRH, 1): 1, (SSO, None): 0}.get((ptype, sub))
        self.add(
            Project,
            {
                "id": pk,
                "project_id": self.hud_id(),
                "organization_id": org["pk"],
                "project_name": name,
                "project_common_name": name.split(" - ")[0][:200],
                "operating_start_date": op_start,
                "continuum_project": 1,
                "project_type": ptype,
                "housing_type": housing_type,
                "rrh_sub_type": sub if ptype == RRH else None,
                "residential_affiliation": affiliated,
                "target_population": 1 if org["vsp"] else 4,
                **common,
            },
        )
        # Funders.
        yy = self.today.year % 100
        funders: list[tuple[int, str, str]] = []
        grant = 1 + int(rng.random() * 999)
        coc_grant = f"KS{grant:04d}L7P{coc[-3:]}{(yy - 1) % 100:02d}00"
        esg_grant = f"E-{(yy - 1) % 100:02d}-DC-20-0001"
        if ptype in (ES, NBN):
            funders.append((8, "", esg_grant))
        elif ptype == TH:
            funders.append((5, "", coc_grant))
        elif ptype == PSH:
            funders.append((2, "", coc_grant))
        elif ptype == SO:
            funders.append((11, "", esg_grant))
            if rng.random() < 0.4:
                funders.append((21, "", f"SM-{grant:05d}-{yy:02d}"))
        elif ptype == SSO:
            funders.append((4, "", coc_grant))
        elif ptype == HP:
            funders.append((9, "", esg_grant))
        elif ptype == RRH:
            r = rng.random()
            if r < 0.45:
                funders.append((3, "", coc_grant))
            elif r < 0.8:
                funders.append((10, "", esg_grant))
            else:
                funders.append((33, "", f"{(yy - 1) % 100:02d}-KS-{grant:03d}"))
        elif ptype == CE:
            funders.append((4, "", coc_grant))
        r = rng.random()
        if r < 0.25:
            funders.append(
                (46, f"City of {town} general fund", f"{town[:3].upper()}-{yy:02d}-{grant}")
            )
        elif r < 0.32:
            funders.append((34, "", "N/A"))
        for code, other, grant_id in funders:
            self.add(
                Funder,
                {
                    "funder_id": self.hud_id(),
                    "project_id": pk,
                    "funder": code,
                    "other_funder": other,
                    "grant_id": grant_id,
                    "start_date": op_start,
                    **common,
                },
            )
        fips5 = county.fips5
        self.add(
            ProjectCoC,
            {
                "project_coc_id": self.hud_id(),
                "project_id": pk,
                "coc_code": coc,
                "geocode": f"{fips5[:2]}9{fips5[2:]}",  # the balance-of-county geocode
                "address1": self.fake.street_address()[:100],
                "city": town,
                "state": "KS",
                "zip": zip_code,
                "geography_type": geo,
                **common,
            },
        )
        # Inventory: beds for households without children and with children.
        if ptype in (ES, NBN, TH, PSH) or (ptype == RRH and sub == 2):
            scale = max(1.0, self.total / 2000) ** 0.5
            for household_type, share in ((1, 0.7), (3, 0.3)):
                if household_type == 3 and ptype == NBN:
                    continue
                beds = max(2, round((6 + rng.random() * 30) * scale * share))
                units = beds if household_type == 1 else max(1, beds // 3)
                vet = int(beds * 0.1 * rng.random())
                youth = int(beds * 0.1 * rng.random())
                chronic = int(beds * 0.4 * rng.random()) if ptype == PSH else 0
                self.add(
                    Inventory,
                    {
                        "inventory_id": self.hud_id(),
                        "project_id": pk,
                        "coc_code": coc,
                        "household_type": household_type,
                        "availability": (
                            (1 if ptype == ES else (2 if rng.random() < 0.3 else 1))
                            if ptype in (ES, NBN)
                            else None
                        ),
                        "unit_inventory": units,
                        "bed_inventory": beds,
                        "ch_vet_bed_inventory": 0,
                        "youth_vet_bed_inventory": 0,
                        "vet_bed_inventory": vet,
                        "ch_youth_bed_inventory": 0,
                        "youth_bed_inventory": youth,
                        "ch_bed_inventory": chronic,
                        "other_bed_inventory": beds - vet - youth - chronic,
                        "es_bed_type": (
                            (2 if rng.random() < 0.15 else 1) if ptype in (ES, NBN) else None
                        ),
                        "inventory_start_date": op_start,
                        **common,
                    },
                )
        self.add(
            HMISParticipation,
            {
                "hmis_participation_id": self.hud_id(),
                "project_id": pk,
                "hmis_participation_type": 2 if org["vsp"] else 1,
                "hmis_participation_status_start_date": op_start,
                **common,
            },
        )
        ce_start = max(op_start, date(2018, 1, 23))
        if ptype == CE or (ptype in (ES, SO) and rng.random() < 0.5):
            self.add(
                CEParticipation,
                {
                    "ce_participation_id": self.hud_id(),
                    "project_id": pk,
                    "access_point": 1,
                    "prevention_assessment": 1 if ptype == CE else 0,
                    "crisis_assessment": 1,
                    "housing_assessment": 1,
                    "direct_services": 0 if ptype == CE else 1,
                    "receives_referrals": 0 if ptype == CE else (1 if ptype == ES else 0),
                    "ce_participation_status_start_date": ce_start,
                    **common,
                },
            )
        elif ptype in (PSH, RRH, TH):
            self.add(
                CEParticipation,
                {
                    "ce_participation_id": self.hud_id(),
                    "project_id": pk,
                    "access_point": 0,
                    "receives_referrals": 1,
                    "ce_participation_status_start_date": ce_start,
                    **common,
                },
            )
        return _Project(
            pk=pk,
            ptype=ptype,
            rrh_sub_type=sub if ptype == RRH else None,
            coc=coc,
            region=region,
            town=town,
            name=name,
            org_pk=org["pk"],
            users=users,
            funders={code for code, _o, _g in funders},
            vsp=org["vsp"],
        )

    # -- clients --

    def name_pools(self) -> None:
        fake = self.fake
        size = min(1500, 200 + self.total)  # smaller pools for small runs: faster
        self.female = sorted({fake.first_name_female() for _ in range(size)})
        self.male = sorted({fake.first_name_male() for _ in range(size)})
        self.last = sorted({fake.last_name() for _ in range(size * 5 // 3)})
        self.middle = self.female + self.male

    def pick(self, items: list) -> Any:
        return items[int(self.rng.random() * len(items))]

    def run(self) -> None:
        # Every query before the writer thread takes the connection.
        self.read_geography()
        for ids in self.ids.values():
            ids.prime()
        self.name_pools()
        self.writer.start()
        try:
            self.build_reference()
            batch_start = self.clients_done
            while self.clients_done < self.total:
                self.household()
                if self.clients_done - batch_start >= BATCH_CLIENTS:
                    self.flush()
                    batch_start = self.clients_done
                    if self.progress:
                        self.progress(self.clients_done, self.total)
            self.flush()
            self.writer.finish()
        finally:
            self.writer._stop()  # never leave the thread using the connection
        for ids in self.ids.values():
            ids.finish()
        if self.progress:
            self.progress(self.clients_done, self.total)

    def person(self, age: int, sex: int | None, last_name: str, rel: int) -> dict[str, Any]:
        rng = self.rng
        r = rng.random()
        if sex is None:
            sex = 0 if r < 0.5 else 1
            if rng.random() < 0.012:
                sex = (8, 9, 99)[int(rng.random() * 3)]
        return {"age": age, "sex": sex, "last": last_name, "rel": rel, "adult": age >= 18}

    def members(self, kind: str) -> list[dict[str, Any]]:
        rng = self.rng
        last = self.pick(self.last)

        def adult_age():
            low, high = ADULT_AGE_BAND(rng)
            return low + int(rng.random() * (high - low + 1))

        if kind == "single":
            return [self.person(adult_age(), None, last, 1)]
        if kind == "youth":
            people = [self.person(13 + int(rng.random() * 5), None, last, 1)]
            if rng.random() < 0.1:
                people.append(self.person(12 + int(rng.random() * 6), None, last, 4))
            return people
        if kind == "couple":
            age = adult_age()
            people = [
                self.person(age, 0 if rng.random() < 0.5 else 1, last, 1),
                self.person(
                    _clamp(age + int(rng.random() * 11) - 5, 18, 85),
                    None,
                    last if rng.random() < 0.6 else self.pick(self.last),
                    3,
                ),
            ]
            if rng.random() < 0.12:
                rel = 4 if rng.random() < 0.6 else 5
                people.append(self.person(adult_age(), None, self.pick(self.last), rel))
            return people
        # family with children
        age = 19 + int(rng.triangular(0, 30, 8))
        head_sex = 0 if rng.random() < 0.8 else 1
        people = [self.person(age, head_sex, last, 1)]
        if rng.random() < 0.35:
            people.append(
                self.person(
                    _clamp(age + int(rng.random() * 9) - 3, 18, 70),
                    1 - head_sex,
                    last if rng.random() < 0.5 else self.pick(self.last),
                    3,
                )
            )
        for _ in range(CHILDREN_IN_FAMILY(rng)):
            child_age = int(rng.random() * min(18, age - 15))
            people.append(self.person(child_age, None, last, 2))
        if rng.random() < 0.06 and age >= 38:
            people.append(self.person(18 + int(rng.random() * 5), None, last, 2))
        return people

    def client_row(self, m: dict[str, Any], first_entry: date, last_activity: date, user: int):
        """Fills ``m`` with the client's profile and queues its Client row."""
        rng = self.rng
        random_ = rng.random
        sex = m["sex"]
        age = m["age"]
        adult = m["adult"]
        pool = self.female if sex == 0 else self.male if sex == 1 else self.middle
        first = self.pick(pool)
        middle = self.pick(self.middle) if random_() < 0.35 else ""
        if middle and random_() < 0.4:
            middle = middle[0]
        last = m["last"]
        suffix = ""
        if sex == 1 and random_() < 0.02:
            suffix = ("Jr.", "Sr.", "III")[int(random_() * 3)]
        r = random_()
        if r < 0.95:
            name_dq = 1
        elif r < 0.985:
            name_dq = 2  # a first name or a street name only
            last, middle, suffix = ("", "", "") if random_() < 0.7 else (last, "", "")
        else:
            name_dq = (8, 9, 99)[int(random_() * 3)]
            first, middle, last, suffix = "", "", "", ""
        # DOB: age on the first entry date.
        birthday = first_entry - timedelta(days=int(age * 365.25 + random_() * 364))
        r = random_()
        if r < 0.93 or (not adult and r < 0.97):
            dob, dob_dq = birthday, 1
        elif r < 0.97:
            dob, dob_dq = date(birthday.year, 1, 1), 2
        else:
            dob, dob_dq = None, (8, 9, 99)[int(random_() * 3)]
        # SSN: never an issued number. Full: area 900-999; partial: the last four digits.
        r = random_()
        missing_share = 0.10 if adult else 0.20
        if r < 1 - missing_share - 0.05:
            ssn = f"{900 + int(random_() * 100)}{1 + int(random_() * 99):02d}{1 + int(random_() * 9999):04d}"
            ssn_dq = 1
        elif r < 1 - missing_share:
            ssn, ssn_dq = f"xxxxx{1 + int(random_() * 9999):04d}", 2
        else:
            ssn, ssn_dq = "", (8, 9, 99)[int(random_() * 3)]
        race = m.get("race") or RACE(rng)
        m["race"] = race
        # Created just before its first enrollment (those are stamped 14:00-22:59 UTC).
        created, updated = self.stamp(first_entry, 13), self.stamp(last_activity)
        row = {
            "id": m["client_pk"],
            "personal_id": self.hud_id(),
            "first_name": first,
            "middle_name": middle,
            "last_name": last,
            "name_suffix": suffix,
            "name_data_quality": name_dq,
            "ssn": ssn,
            "ssn_data_quality": ssn_dq,
            "dob": dob,
            "dob_data_quality": dob_dq,
            "sex": sex,
            "am_ind_ak_native": 0,
            "asian": 0,
            "black_af_american": 0,
            "hispanic_latinao": 0,
            "mid_east_n_african": 0,
            "native_hi_pacific": 0,
            "white": 0,
            "date_created": created,
            "date_updated": max(created, updated),
            "user_id": user,
        }
        if race[0] is None:
            row["race_none"] = race[1]
        else:
            for name in race:
                row[name] = 1
        # Veteran status (adults only; children are recorded as No).
        vet = 0
        if adult:
            r = random_()
            vet_share = 0.09 if sex == 1 else 0.015
            if age >= 30:
                vet_share *= 1.5
            if r < vet_share:
                vet = 1
            elif r > 0.985:
                vet = (8, 9, 99)[int(random_() * 3)]
        row["veteran_status"] = vet
        m["veteran"] = vet == 1
        if vet == 1:
            birth_year = birthday.year
            entered = birth_year + 18 + int(random_() * 7)
            separated = min(entered + 2 + int(rng.expovariate(1 / 6)), first_entry.year)
            row["year_entered_service"] = entered
            row["year_separated"] = separated
            for name, start, end in THEATERS:
                served = entered <= end and separated >= start
                row[name] = (1 if random_() < 0.45 else 0) if served else 0
            row["other_theater"] = 1 if random_() < 0.08 else 0
            row["military_branch"] = MILITARY_BRANCH(rng)
            row["discharge_status"] = DISCHARGE(rng)
        self.add(Client, row)
        self.profile(m)

    def profile(self, m: dict[str, Any]) -> None:
        """Disabilities, disabling condition, income, benefits and insurance of one person."""
        rng = self.rng
        random_ = rng.random
        adult = m["adult"]
        age = m["age"]
        if random_() < 0.025:
            code = (8, 9, 99)[int(random_() * 3)]
            m["disabling"] = code
            m["disabilities"] = [
                {"disability_type": t, "disability_response": 99 if code == 99 else code}
                for t in DISABILITY_RATES
            ]
        else:
            disabling = 0
            rows = []
            for dtype, (adult_rate, child_rate) in DISABILITY_RATES.items():
                yes = random_() < (adult_rate if adult else child_rate)
                row = {"disability_type": dtype, "disability_response": 0}
                if yes:
                    row["disability_response"] = SUBSTANCE(rng) if dtype == 10 else 1
                    if dtype in (6, 8):
                        disabling = 1
                    else:
                        impairs = 1 if random_() < 0.7 else 0
                        row["indefinite_and_impairs"] = impairs
                        disabling = disabling or impairs
                rows.append(row)
            m["disabling"] = disabling
            m["disabilities"] = rows
        # Income (HoH and adults only; a child's IncomeBenefits row has insurance only).
        income: dict[str, Any] = {}
        if adult:
            r = random_()
            if r < 0.03:
                income["income_from_any_source"] = (8, 9, 99)[int(random_() * 3)]
            elif r < 0.55:
                income["income_from_any_source"] = 1
                total = 0
                for name, amount_name, chance, (low, high) in INCOME_SOURCES:
                    if name == "va_disability_service":
                        chance = 0.35 if m.get("veteran") else 0.0
                    elif name == "soc_sec_retirement":
                        chance = 0.6 if age >= 62 else 0.0
                    elif name in ("tanf", "child_support"):
                        chance = 0.12 if m.get("parent") else 0.0
                    if random_() < chance:
                        amount = Decimal(low + int(random_() * (high - low + 1)))
                        income[name] = 1
                        income[amount_name] = amount
                        total += amount
                    else:
                        income[name] = 0
                if total == 0:
                    amount = Decimal(350 + int(random_() * 1500))
                    income["earned"], income["earned_amount"] = 1, amount
                    total = amount
                if income.get("other_income_source") == 1:
                    income["other_income_source_identify"] = "Odd jobs"
                income["total_monthly_income"] = total
            else:
                income["income_from_any_source"] = 0
                for name, _amount, _chance, _range in INCOME_SOURCES:
                    income[name] = 0
            r = random_()
            if r < 0.03:
                income["benefits_from_any_source"] = (8, 9, 99)[int(random_() * 3)]
            elif r < 0.6:
                income["benefits_from_any_source"] = 1
                for name in BENEFIT_FIELDS:
                    income[name] = 0
                income["snap"] = 1 if random_() < 0.92 else 0
                if m.get("parent") and random_() < 0.35:
                    income["wic"] = 1
                if m.get("parent") and random_() < 0.06:
                    income["tanf_child_care"] = 1
                if random_() < 0.03:
                    income["other_tanf"] = 1
                if not income["snap"] or random_() < 0.04:
                    income["other_benefits_source"] = 1
                    income["other_benefits_source_identify"] = "Utility assistance (LIEAP)"
            else:
                income["benefits_from_any_source"] = 0
                for name in BENEFIT_FIELDS:
                    income[name] = 0
        r = random_()
        if r < 0.03:
            income["insurance_from_any_source"] = (8, 9, 99)[int(random_() * 3)]
        elif r < (0.72 if adult else 0.93):
            income["insurance_from_any_source"] = 1
            for name in INSURANCE_FIELDS:
                income[name] = 0
            if not adult:
                if random_() < 0.88:
                    income["medicaid"] = 1
                else:
                    income["schip"] = 1
            else:
                chosen = False
                if age >= 65 or income.get("ssdi") == 1:
                    income["medicare"] = 1
                    chosen = True
                if m.get("veteran") and random_() < 0.6:
                    income["vha_services"] = 1
                    chosen = True
                if "am_ind_ak_native" in m["race"] and random_() < 0.4:
                    income["indian_health_services"] = 1
                    chosen = True
                if income.get("earned") == 1 and random_() < 0.15:
                    income["employer_provided"] = 1
                    chosen = True
                if not chosen or random_() < 0.3:
                    r2 = random_()
                    if r2 < 0.8:
                        income["medicaid"] = 1
                    elif r2 < 0.9:
                        income["private_pay"] = 1
                    elif r2 < 0.97:
                        income["state_health_ins"] = 1
                    else:
                        income["other_insurance"] = 1
                        income["other_insurance_identify"] = "County health program"
        else:
            income["insurance_from_any_source"] = 0
            for name in INSURANCE_FIELDS:
                income[name] = 0
        m["income"] = income
        # Domestic violence (4.11), HoH and adults.
        if adult or m["rel"] == 1:
            r = random_()
            share = 0.22 if (m["sex"] == 0 and m.get("parent")) else 0.12
            if r < 0.03:
                m["dv"] = {"domestic_violence_survivor": (8, 9, 99)[int(random_() * 3)]}
            elif r < 0.03 + share:
                m["dv"] = {
                    "domestic_violence_survivor": 1,
                    "when_occurred": (1, 2, 3, 4, 4, 8)[int(random_() * 6)],
                    "currently_fleeing": 1 if random_() < 0.3 else (0 if random_() < 0.95 else 99),
                }
            else:
                m["dv"] = {"domestic_violence_survivor": 0}

    def household(self) -> None:
        rng = self.rng
        random_ = rng.random
        kind = HOUSEHOLD_KIND(rng)
        members = self.members(kind)
        remaining = self.total - self.clients_done
        if len(members) > remaining:
            members = members[:remaining]
        has_children = any(not m["adult"] for m in members)
        for m in members:
            m["parent"] = has_children and m["adult"]
            m["client_pk"] = self.ids[Client].take()
        path = PATHWAYS[kind](rng)
        home = self.homes(rng)
        # More households in recent years (the HMIS has grown), about 40% more than 3 years ago.
        start = self.window_start + timedelta(days=int(random_() ** 0.8 * (self.span + 1)))
        stays = self.stays(path, start, home)
        first_entry = stays[0]["entry"]
        last_activity = max((s["exit"] or s["entry"]) for s in stays)
        first_user = self.pick(stays[0]["project"].users)
        for m in members:
            self.client_row(m, first_entry, last_activity, first_user)
        for stay in stays:
            self.enroll(stay, members)
        self.clients_done += len(members)

    def pick_project(self, ptype: int, home: tuple[str, int]) -> _Project:
        options = (
            self.by_region.get((home[0], home[1], ptype))
            or self.by_coc.get((home[0], ptype))
            or self.by_type[ptype]
        )
        return options[int(self.rng.random() * len(options))]

    def stays(self, path: tuple[int, ...], start: date, home) -> list[dict[str, Any]]:
        """The project stays of one household: dates, exits, destinations, move-in."""
        rng = self.rng
        random_ = rng.random
        today = self.today
        stays: list[dict[str, Any]] = []
        ce: dict[str, Any] | None = None
        day = start
        previous: dict[str, Any] | None = None
        for index, ptype in enumerate(path):
            project = self.pick_project(ptype, home)
            if ptype == CE:
                ce = {"project": project, "ptype": CE, "entry": day, "exit": None}
                stays.append(ce)
                continue
            if previous is None and ce is not None:
                if ptype in (ES, NBN, SO, HP, SSO):
                    day = ce["entry"] + timedelta(days=int(random_() * 8))
                else:
                    day = ce["entry"] + timedelta(days=self.days(14, 45, 200))
            if day > today:
                break
            stay = {
                "project": project,
                "ptype": ptype,
                "entry": day,
                "exit": None,
                "previous": previous,
            }
            stays.append(stay)
            last_path_step = index == len(path) - 1
            minimum, mean, cap = DURATION[ptype]
            length = self.days(minimum, mean, cap)
            if ptype == NBN:
                nights = [day]
                for offset in range(1, length):
                    if random_() < 0.65:
                        nights.append(day + timedelta(days=offset))
                        if len(nights) >= 60:
                            break
                nights = [n for n in nights if n <= today]
                stay["nights"] = nights
                exit_day = nights[-1] + timedelta(days=1)
            else:
                exit_day = day + timedelta(days=length)
            if ptype in (RRH, PSH) and project.rrh_sub_type != 1:
                wait = self.days(0, 35 if ptype == RRH else 20, 240)
                if random_() < (0.85 if ptype == RRH else 0.93):
                    move_in = day + timedelta(days=wait)
                    if move_in <= today and move_in <= exit_day:
                        stay["move_in"] = move_in
            if ptype == SO and random_() < 0.75:
                engaged = day + timedelta(days=self.days(0, 12, 120))
                if engaged <= today and engaged <= exit_day:
                    stay["engaged"] = engaged
            if ptype == NBN and random_() < 0.3:
                stay["engaged"] = day
            if exit_day > today or (last_path_step and random_() < STALE[ptype]):
                previous = stay
                break  # still enrolled (or never exited in the HMIS)
            stay["exit"] = exit_day
            previous = stay
            day = exit_day if not last_path_step else day
        # Destinations: a move to the next stay, else an outcome drawn for the project type.
        for i, stay in enumerate(stays):
            nxt = stays[i + 1] if i + 1 < len(stays) else None
            if stay["ptype"] == CE:
                following = [s for s in stays[i + 1 :] if s["ptype"] in (TH, RRH, PSH)]
                if following:
                    stay["referral"] = following[0]
                    stay["exit"] = following[0]["entry"]
                    stay["destination"] = self.transition(following[0]["ptype"])
                    continue
                end = stay["entry"] + timedelta(days=self.days(14, 75, 400))
                if end <= today and random_() >= STALE[CE]:
                    stay["exit"] = end
                    stay["destination"] = self.destination(CE)
                    if nxt and nxt["ptype"] in (ES, NBN) and random_() < 0.6:
                        stay["referral"] = nxt
                continue
            if stay["exit"] is None:
                continue
            if nxt is not None and nxt["ptype"] != CE:
                stay["destination"] = self.transition(nxt["ptype"])
            else:
                stay["destination"] = self.destination(stay["ptype"])
        return stays

    def transition(self, next_type: int) -> tuple[int, int | None]:
        if next_type == TH:
            return 302, None
        if next_type == RRH:
            return 435, 431
        if next_type == PSH:
            return 435, 439
        if next_type == SO:
            return 116, None
        return 101, None

    def destination(self, ptype: int) -> tuple[int, int | None]:
        rng = self.rng
        group = DESTINATION_GROUP[ptype](rng)
        code = DESTINATION[group](rng)
        if code == 435:
            return 435, RENTAL_SUBSIDY(rng)
        return code, None

    def prior(self, stay: dict[str, Any]) -> dict[str, Any]:
        """3.917 for the adults of one stay."""
        rng = self.rng
        random_ = rng.random
        previous = stay.get("previous")
        entry = stay["entry"]
        if previous is not None and previous.get("exit") == entry:
            situation = {ES: 101, NBN: 101, SO: 116, TH: 302}.get(previous["ptype"])
            if situation is None:
                situation = PRIOR_SITUATION[stay["ptype"]](rng)
        else:
            situation = PRIOR_SITUATION[stay["ptype"]](rng)
        fields: dict[str, Any] = {"living_situation": situation}
        if situation in MISSING:
            fields["length_of_stay"] = 99 if situation == 99 else situation
            return fields
        if situation == 435:
            fields["rental_subsidy_type"] = RENTAL_SUBSIDY(rng)
        homeless = situation < 200
        if homeless:
            los = LOS_HOMELESS(rng)
            literally = True
        else:
            institution = situation < 300
            los = (LOS_INSTITUTION if institution else LOS_HOUSED)(rng)
            short = los in (10, 11, 2, 3) if institution else los in (10, 11)
            fields["los_under_threshold"] = 1 if short else 0
            literally = False
            if short:
                before = 1 if random_() < 0.45 else (0 if random_() < 0.95 else 99)
                fields["previous_street_essh"] = before
                literally = before == 1
        fields["length_of_stay"] = los
        if literally:
            los_days = {10: 1, 11: 4, 2: 14, 3: 45, 4: 180, 5: 500}.get(los, 30)
            days_homeless = int(los_days * (0.5 + random_())) + int(rng.expovariate(1 / 60))
            if random_() < 0.95:
                fields["date_to_street_essh"] = entry - timedelta(days=days_homeless)
            times = TIMES_HOMELESS(rng)
            fields["times_homeless_past_three_years"] = times
            if times in MISSING:
                fields["months_homeless_past_three_years"] = times
            else:
                months = max(1, min(13, days_homeless // 30 + times - 1 + int(random_() * 3)))
                fields["months_homeless_past_three_years"] = 100 + months
        return fields

    def enroll(self, stay: dict[str, Any], members: list[dict[str, Any]]) -> None:
        rng = self.rng
        random_ = rng.random
        add = self.add
        hud_id = self.hud_id
        stamp = self.stamp
        project = stay["project"]
        ptype = stay["ptype"]
        entry = stay["entry"]
        exit_day = stay["exit"]
        end = exit_day or self.today
        household_id = hud_id()
        user = self.pick(project.users)
        created = stamp(entry)
        exited = max(created, stamp(exit_day)) if exit_day else None
        prior = self.prior(stay)
        move_in = stay.get("move_in")
        engaged = stay.get("engaged")
        destination = stay.get("destination")
        program_data = ptype != CE
        # Dates on which the workers saw the household (CLS, services), SO and CE.
        contacts: list[date] = []
        if ptype in (SO, CE):
            day = entry
            while day <= end and len(contacts) < 12:
                contacts.append(day)
                day = day + timedelta(days=self.days(5, 21, 90))
        # Annual assessments (income): every anniversary before the end.
        annuals: list[date] = []
        years = 1
        while True:
            anniversary = _years_before(entry, -years)
            if anniversary > end or (exit_day and anniversary >= exit_day):
                break
            annuals.append(anniversary)
            years += 1
        for m in members:
            client_id = m["client_pk"]
            enrollment_pk = self.ids[Enrollment].take()
            adult_or_head = m["adult"] or m["rel"] == 1
            row = {
                "id": enrollment_pk,
                "enrollment_id": hud_id(),
                "client_id": client_id,
                "project_id": project.pk,
                "entry_date": entry,
                "household_id": household_id,
                "relationship_to_hoh": m["rel"],
                "enrollment_coc": project.coc,
                "disabling_condition": m["disabling"],
                "move_in_date": move_in,
                "date_of_engagement": engaged if adult_or_head else None,
                "date_created": created,
                "date_updated": exited or created,
                "user_id": user,
            }
            if adult_or_head:
                row.update(prior)
            add(Enrollment, row)
            if exit_day:
                dest, subsidy = destination
                add(
                    Exit,
                    {
                        "exit_id": hud_id(),
                        "enrollment_id": enrollment_pk,
                        "client_id": client_id,
                        "exit_date": exit_day,
                        "destination": dest,
                        "destination_subsidy_type": subsidy,
                        "date_created": exited,
                        "date_updated": exited,
                        "user_id": user,
                    },
                )
            common = {"enrollment_id": enrollment_pk, "client_id": client_id, "user_id": user}
            if program_data:
                stages = [(entry, 1)] + [(d, 5) for d in annuals]
                if exit_day:
                    stages.append((exit_day, 3))
                income = m["income"]
                for info_date, stage in stages:
                    ts = stamp(info_date)
                    values = income
                    if stage != 1 and m["adult"] and random_() < 0.12:
                        values = self.income_change(income)
                    add(
                        IncomeBenefits,
                        {
                            "income_benefits_id": hud_id(),
                            "information_date": info_date,
                            "data_collection_stage": stage,
                            "date_created": ts,
                            "date_updated": ts,
                            **common,
                            **values,
                        },
                    )
                    if stage == 5:
                        continue
                    for d in m["disabilities"]:
                        add(
                            Disabilities,
                            {
                                "disabilities_id": hud_id(),
                                "information_date": info_date,
                                "data_collection_stage": stage,
                                "date_created": ts,
                                "date_updated": ts,
                                **common,
                                **d,
                            },
                        )
                if adult_or_head and "dv" in m:
                    ts = created
                    add(
                        HealthAndDV,
                        {
                            "health_and_dv_id": hud_id(),
                            "information_date": entry,
                            "data_collection_stage": 1,
                            "date_created": ts,
                            "date_updated": ts,
                            **common,
                            **m["dv"],
                        },
                    )
            if ptype == NBN:
                for night in stay["nights"]:
                    if exit_day and night >= exit_day:
                        break
                    ts = stamp(night, 2)
                    add(
                        Services,
                        {
                            "services_id": hud_id(),
                            "date_provided": night,
                            "record_type": 200,
                            "type_provided": 200,
                            "date_created": ts,
                            "date_updated": ts,
                            **common,
                        },
                    )
            if adult_or_head and contacts:
                self.living_situations(ptype, contacts, common, m["rel"] == 1, project)
            if m["rel"] == 1:
                if ptype == CE:
                    self.coordinated_entry(stay, common, project, contacts)
                elif ptype == RRH and 33 in project.funders and m.get("veteran"):
                    self.ssvf_services(entry, end, move_in, common)

    def income_change(self, income: dict[str, Any]) -> dict[str, Any]:
        values = dict(income)
        if values.get("income_from_any_source") in (0, 1):
            amount = Decimal(400 + int(self.rng.random() * 1800))
            values["income_from_any_source"] = 1
            values["earned"] = 1
            values["earned_amount"] = values.get("earned_amount", 0) + amount
            values["total_monthly_income"] = values.get("total_monthly_income", 0) + amount
        return values

    def living_situations(self, ptype, contacts, common, head, project) -> None:
        rng = self.rng
        choice = SO_SITUATION if ptype == SO else CE_SITUATION
        path_funded = ptype == SO and 21 in project.funders
        for day in contacts:
            situation = choice(rng)
            ts = self.stamp(day)
            row = {
                "current_living_sit_id": self.hud_id(),
                "information_date": day,
                "current_living_situation": situation,
                "date_created": ts,
                "date_updated": ts,
                **common,
            }
            if situation == 435:
                row["cls_subsidy_type"] = RENTAL_SUBSIDY(rng)
            if situation >= 300 and situation not in MISSING:
                stays = rng.random() < 0.6
                row["leave_situation14_days"] = 1 if stays else 0
                if not stays:
                    for name in (
                        "subsequent_residence",
                        "resources_to_obtain",
                        "lease_own60_day",
                        "moved_two_or_more",
                    ):
                        row[name] = 1 if rng.random() < 0.3 else 0
            self.add(CurrentLivingSituation, row)
            if path_funded and head and rng.random() < 0.6:
                self.add(
                    Services,
                    {
                        "services_id": self.hud_id(),
                        "date_provided": day,
                        "record_type": 141,
                        "type_provided": PATH_SERVICE(rng),
                        "date_created": ts,
                        "date_updated": ts,
                        **common,
                    },
                )

    def ssvf_services(self, entry: date, end: date, move_in: date | None, common) -> None:
        rng = self.rng
        day = entry
        while day <= end:
            ts = self.stamp(day)
            self.add(
                Services,
                {
                    "services_id": self.hud_id(),
                    "date_provided": day,
                    "record_type": 144,
                    "type_provided": 2,
                    "date_created": ts,
                    "date_updated": ts,
                    **common,
                },
            )
            day = day + timedelta(days=30)
        if move_in:
            for type_provided, (low, high) in ((2, (500, 1100)), (1, (550, 1200))):
                ts = self.stamp(move_in)
                self.add(
                    Services,
                    {
                        "services_id": self.hud_id(),
                        "date_provided": move_in,
                        "record_type": 152,
                        "type_provided": type_provided,
                        "fa_amount": Decimal(low + int(rng.random() * (high - low))),
                        "fa_start_date": move_in,
                        "fa_end_date": move_in
                        if type_provided == 2
                        else min(end, move_in + timedelta(days=90)),
                        "date_created": ts,
                        "date_updated": ts,
                        **common,
                    },
                )

    def coordinated_entry(self, stay, common, project, contacts) -> None:
        """Assessments and events of a head of household's CE enrollment."""
        rng = self.rng
        random_ = rng.random
        entry = stay["entry"]
        end = stay["exit"] or self.today
        location = f"{project.town}, KS"
        crisis = entry + timedelta(days=int(random_() * 3))
        if crisis <= end:
            self.assessment(crisis, location, 1, 2, common)
        housing = entry + timedelta(days=self.days(3, 14, 60))
        referral = stay.get("referral")
        if referral is not None:
            housing = min(housing, referral["entry"])
        if housing <= end and (referral is not None or random_() < 0.7):
            assessment = self.assessment(housing, location, 2, 1 if random_() < 0.85 else 2, common)
            self.assessment_details(assessment, common, housing)
        # Problem solving / diversion, early.
        if random_() < 0.6:
            day = min(end, entry + timedelta(days=int(random_() * 3)))
            diverted = 1 if (referral is None and random_() < 0.35) else 0
            self.event(day, 2, common, prob_sol_div_rr_result=diverted)
        if referral is not None:
            target = referral["entry"]
            event = REFERRAL_EVENT.get(referral["ptype"], 15)
            first = max(entry, target - timedelta(days=self.days(2, 14, 60)))
            if random_() < 0.2 and first > entry:  # an earlier referral that did not work out
                earlier = max(entry, first - timedelta(days=self.days(5, 20, 60)))
                self.event(
                    earlier,
                    event,
                    common,
                    referral_result=2 if random_() < 0.6 else 3,
                    result_date=first,
                    location=referral["project"].name,
                )
            self.event(
                first,
                event,
                common,
                referral_result=1,
                result_date=target,
                location=referral["project"].name,
            )
        elif random_() < 0.3:
            day = min(end, entry + timedelta(days=self.days(1, 20, 90)))
            self.event(day, (8, 9, 16)[int(random_() * 3)], common)

    def assessment(self, day, location, level, prioritization, common) -> int:
        pk = self.ids[Assessment].take()
        ts = self.stamp(day)
        self.add(
            Assessment,
            {
                "id": pk,
                "assessment_id": self.hud_id(),
                "assessment_date": day,
                "assessment_location": location,
                "assessment_type": ASSESSMENT_TYPE(self.rng),
                "assessment_level": level,
                "prioritization_status": prioritization,
                "date_created": ts,
                "date_updated": ts,
                **common,
            },
        )
        return pk

    def assessment_details(self, assessment: int, common, day: date) -> None:
        rng = self.rng
        ts = self.stamp(day)
        base = {"assessment_id": assessment, "date_created": ts, "date_updated": ts, **common}
        answers = (
            str(int(rng.expovariate(1 / 150))),
            str(1 + int(rng.random() * 4)),
            "Yes" if rng.random() < 0.4 else "No",
            str(int(rng.random() * 4)),
        )
        for order, ((group, question), answer) in enumerate(
            zip(HOUSING_QUESTIONS, answers, strict=True), 1
        ):
            self.add(
                AssessmentQuestions,
                {
                    "assessment_question_id": self.hud_id(),
                    "assessment_question_group": group,
                    "assessment_question_order": order,
                    "assessment_question": question,
                    "assessment_answer": answer,
                    **base,
                },
            )
        score = int(rng.random() * 18)
        recommendation = "PSH" if score >= 12 else "RRH" if score >= 5 else "Diversion"
        self.add(
            AssessmentResults,
            {
                "assessment_result_id": self.hud_id(),
                "assessment_result_type": "Prioritization score",
                "assessment_result": str(score),
                **base,
            },
        )
        self.add(
            AssessmentResults,
            {
                "assessment_result_id": self.hud_id(),
                "assessment_result_type": "Recommended intervention",
                "assessment_result": recommendation,
                **base,
            },
        )

    def event(
        self,
        day,
        event,
        common,
        *,
        prob_sol_div_rr_result=None,
        referral_result=None,
        result_date=None,
        location="",
    ) -> None:
        ts = self.stamp(day)
        row = {
            "event_id": self.hud_id(),
            "event_date": day,
            "event": event,
            "prob_sol_div_rr_result": prob_sol_div_rr_result,
            "referral_result": referral_result,
            "result_date": result_date,
            "location_crisis_or_ph_housing": location[:250] if location else "",
            "date_created": ts,
            "date_updated": ts,
            **common,
        }
        self.add(Event, row)

    def counts(self) -> dict[str, int]:
        return {table.model.__name__: table.written for table in self.tables.values()}


@contextmanager
def _bulk_load_settings(models: Sequence[type], clients: int, rebuild_foreign_keys: bool):
    """Settings for the load, inside its transaction; put back on success (on an error the
    rollback undoes them).

    PostgreSQL: foreign keys are checked at the end of each COPY instead of at commit, so the
    queue of pending checks never holds more than one batch. With ``rebuild_foreign_keys`` the
    foreign keys of the tables written are dropped for the load and added back at the end, which
    validates each of them with one query: a per-row foreign key check locks the parent row and
    costs more than the rest of the row (PostgreSQL's advice for bulk loads). Other sessions
    wait for these tables until the load commits.

    SQLite: a page cache of about 10 KiB per client (64 MiB to 1 GiB). With the default 2 MB
    the cache spills in the middle of a batch, and HUD's many CHECK (... IN (...)) constraints
    then make the inserts about ten times slower; a cache smaller than the growing indexes
    slows large loads three times.
    """
    vendor = connection.vendor
    if vendor == "postgresql":
        foreign_keys: list[tuple[str, str, str]] = []
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            if rebuild_foreign_keys:
                cursor.execute(
                    "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                    "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) "
                    "ORDER BY 1, 2",
                    [[m._meta.db_table for m in models]],
                )
                foreign_keys = cursor.fetchall()
                for table, name, _definition in foreign_keys:
                    cursor.execute(
                        f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}"
                    )
        yield
        with connection.cursor() as cursor:
            for table, name, definition in foreign_keys:
                cursor.execute(
                    f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
                )
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        return
    if vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        cache_size = int(cursor.fetchone()[0])
        # KiB: about 10 per client, from 64 MiB to 1 GiB (allocated only as pages are used).
        cursor.execute(f"PRAGMA cache_size = -{min(1 << 20, max(1 << 16, clients * 10))}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {cache_size}")


# --- entry point -----------------------------------------------------------------------------


def generate_demo_data(
    clients: int = 2000,
    seed: int = 2026,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
    *,
    force: bool = False,
) -> DemoSummary:
    """Generate synthetic Kansas HMIS data: agencies, projects and about ``clients`` clients
    with three years of enrollments before ``today`` (default: today's date).

    Deterministic: the same ``seed`` and ``today`` give the same HUD identifiers, names, dates
    and values (database primary keys may differ).

    ``progress(clients_done, clients_total)`` is called after each batch of about
    ``BATCH_CLIENTS`` clients. Raises :class:`DemoDataError` if the database already has
    clients, unless ``force`` (then the new data is added next to the old, with other HUD ids).

    Rows are written like ``bulk_create`` does: without ``save()`` or signals, so the audit log
    does not record them - intended for synthetic data. The whole run is one transaction.
    Loads the Kansas geography first if it is missing.
    """
    if clients < 1:
        raise DemoDataError("The number of clients must be at least 1.")
    today = today or timezone.localdate()
    started = time.perf_counter()
    existing = Client.all_objects.count()
    if existing and not force:
        raise DemoDataError(
            f"The database already has {existing:,} clients; demo data goes into an empty "
            "database only (force=True, or --force, adds more next to them)."
        )
    from sunflower.geo.loading import load_kansas_geography
    from sunflower.geo.models import County

    if not County.objects.filter(coc__served=True).exists():
        load_kansas_geography()
    generator = _Generator(
        clients=clients, seed=seed, today=today, id_salt=str(existing), progress=progress
    )
    rebuild = clients >= FOREIGN_KEY_REBUILD_CLIENTS
    with transaction.atomic(), _bulk_load_settings(list(generator.tables), clients, rebuild):
        generator.run()
    return DemoSummary(
        clients=generator.clients_done,
        seed=seed,
        today=today,
        seconds=time.perf_counter() - started,
        database=connection.vendor,
        counts=generator.counts(),
    )
