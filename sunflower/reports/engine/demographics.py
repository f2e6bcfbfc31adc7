"""3.04 Race and Ethnicity, tabulated as HUD's tables do, written once.

* ``race_and_ethnicity``: Q12's row of a client (one or two selected races by name, more
  than two split on Hispanic/Latina/o, else RaceNone) and ``race_and_ethnicity_labels``,
  Q12's rows in HUD's order.
* ``race_tabulation``: one category per client for the by-race columns of Q22f, Q22g and
  Q23e (the single race chosen, two or more with or without Hispanic/Latina/o, or unknown)
  and ``RACE_TABULATION_LABELS``, those columns in HUD's order.
"""

from __future__ import annotations

import polars as pl

from .labels import DK_PNTA_CURLY, NOT_COLLECTED

# Client columns of 3.04 and HUD's label for each, in the order HUD's rows combine them.
RACE_FIELDS: list[tuple[str, str]] = [
    ("AmIndAKNative", "American Indian, Alaska Native, or Indigenous"),
    ("Asian", "Asian or Asian American"),
    ("BlackAfAmerican", "Black, African American, or African"),
    ("HispanicLatinao", "Hispanic/Latina/o"),
    ("MidEastNAfrican", "Middle Eastern & North African"),
    ("NativeHIPacific", "Native Hawaiian or Pacific Islander"),
    ("White", "White"),
]
RACE_COLUMNS = [column for column, _ in RACE_FIELDS]
HISPANIC = "HispanicLatinao"

MULTIRACIAL_HISPANIC = (
    "Multiracial \u2013 more than 2 races/ethnicity, with one being Hispanic/Latina/o"
)
MULTIRACIAL_NOT_HISPANIC = (
    "Multiracial \u2013 more than 2 races, where no option is Hispanic/Latina/o"
)

HISPANIC_AND_RACE = "At Least 1 Race and Hispanic/Latina/o"
MULTI_RACIAL = "Multi-racial (does not include Hispanic/Latina/o)"
RACE_UNKNOWN = "Unknown (Doesn\u2019t Know, Prefers not to Answer, Data not Collected)"
RACE_TABULATION_LABELS = [label for _, label in RACE_FIELDS] + [
    HISPANIC_AND_RACE,
    MULTI_RACIAL,
    RACE_UNKNOWN,
]


def _selected() -> list[pl.Expr]:
    return [(pl.col(column) == 1).fill_null(False) for column in RACE_COLUMNS]


def _how_many(selected: list[pl.Expr]) -> pl.Expr:
    return pl.sum_horizontal([flag.cast(pl.Int32) for flag in selected])


def no_race_selected() -> pl.Expr:
    """No 3.04 race or ethnicity marked Yes (Q6a's "information missing")."""
    return pl.all_horizontal([pl.col(c).fill_null(0) != 1 for c in RACE_COLUMNS])


def race_and_ethnicity() -> pl.Expr:
    """The Q12 row of a client: one or two selected races by name ("A & B" in HUD's field
    order), more than two split on whether one is Hispanic/Latina/o, else RaceNone."""
    selected = _selected()
    how_many = _how_many(selected)
    names = pl.concat_str(
        [
            pl.when(flag).then(pl.lit(name))
            for flag, (_, name) in zip(selected, RACE_FIELDS, strict=True)
        ],
        separator=" & ",
        ignore_nulls=True,
    )
    return (
        pl.when(how_many.is_between(1, 2))
        .then(names)
        .when((how_many > 2) & (pl.col(HISPANIC) == 1))
        .then(pl.lit(MULTIRACIAL_HISPANIC))
        .when(how_many > 2)
        .then(pl.lit(MULTIRACIAL_NOT_HISPANIC))
        .when(pl.col("RaceNone").is_in([8, 9]))
        .then(pl.lit(DK_PNTA_CURLY))
        .otherwise(pl.lit(NOT_COLLECTED))
    )


def race_and_ethnicity_labels() -> list[str]:
    """Q12's rows: each race, each pair, the two multiracial rows, DK/PNTA, not collected."""
    singles = [name for _, name in RACE_FIELDS]
    pairs = [
        f"{first} & {second}" for i, first in enumerate(singles) for second in singles[i + 1 :]
    ]
    return [
        *singles,
        *pairs,
        MULTIRACIAL_HISPANIC,
        MULTIRACIAL_NOT_HISPANIC,
        DK_PNTA_CURLY,
        NOT_COLLECTED,
    ]


def race_tabulation() -> pl.Expr:
    """One category per client: the single race/ethnicity selected; two or more including
    Hispanic/Latina/o; two or more without it; or none selected (unknown)."""
    selected = _selected()
    count = _how_many(selected)
    expr = pl.when(count == 0).then(pl.lit(RACE_UNKNOWN))
    expr = expr.when((count > 1) & selected[RACE_COLUMNS.index(HISPANIC)]).then(
        pl.lit(HISPANIC_AND_RACE)
    )
    expr = expr.when(count > 1).then(pl.lit(MULTI_RACIAL))
    for flag, (_, label) in zip(selected, RACE_FIELDS, strict=True):
        expr = expr.when(flag).then(pl.lit(label))
    return expr.otherwise(pl.lit(RACE_UNKNOWN))


def race_tabulation_columns(column: str = "race_tabulation") -> list[tuple[str, pl.Expr]]:
    """count_grid columns, one per category, over a column made by ``race_tabulation``."""
    return [(label, pl.col(column) == label) for label in RACE_TABULATION_LABELS]
