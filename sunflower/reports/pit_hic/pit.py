"""Sheltered Point-in-Time count: who was in an emergency shelter, transitional housing or
safe haven on the night of the count, in HDX's tables.

Who counts (HUD's PIT methodology for HMIS-based sheltered counts):
* Projects: the CoC's ES entry/exit (0), ES night-by-night (1), TH (2) and SH (8).
* A client is in on the night when their project start is on or before it and they had not
  exited by then (an exit the next morning still counts the night); in a night-by-night
  shelter, when a bed night (4.14) is recorded for that night.
* Each person once: a client in two projects that night counts in the latest-entered one.
* Households as they were that night: the household type and ages (on the night) come from
  the members present. HDX has no "unknown household type"; households with a member of
  unknown age are reported in a table of their own, not dropped.
"""

from __future__ import annotations

from functools import cached_property

import polars as pl

from sunflower.reports.engine import Table, count_grid, question
from sunflower.reports.engine.demographics import HISPANIC, RACE_FIELDS
from sunflower.reports.engine.lengths import bed_nights
from sunflower.reports.engine.universe import (
    ADULTS_AND_CHILDREN,
    ADULTS_ONLY,
    CHILDREN_ONLY,
    UNKNOWN_HOUSEHOLD,
    ReportContext,
)

PIT = "pit"
ES_EE, ES_NBN, TH, SH = 0, 1, 2, 8
SHELTER_COLUMNS = [
    ("Emergency Shelter", pl.col("ProjectType").is_in([ES_EE, ES_NBN])),
    ("Transitional Housing", pl.col("ProjectType") == TH),
    ("Safe Haven", pl.col("ProjectType") == SH),
    ("Total", pl.lit(True)),
]
AGE_ROWS = [
    ("Number of Persons (under age 18)", 0, 17),
    ("Number of Persons (18 - 24)", 18, 24),
    ("Number of Persons (25 - 34)", 25, 34),
    ("Number of Persons (35 - 44)", 35, 44),
    ("Number of Persons (45 - 54)", 45, 54),
    ("Number of Persons (55 - 64)", 55, 64),
    ("Number of Persons (over 64)", 65, 200),
]
HISPANIC_LABEL = "Hispanic/Latina/e/o"


class PointInTimeContext(ReportContext):
    """The report's one night is ``params.start``; ``enrollments`` are those present then."""

    @property
    def night(self):
        return self.params.start

    @cached_property
    def projects(self) -> pl.DataFrame:
        projects = ReportContext.projects.func(self)
        return projects.filter(pl.col("ProjectType").is_in([ES_EE, ES_NBN, TH, SH]))

    @cached_property
    def enrollments(self) -> pl.DataFrame:
        if self._enrollments is not None:
            return self._enrollments()
        stays = self.enrollments_in_period()
        nights = bed_nights(self, stays, from_report_start=True)
        slept = nights.filter(pl.col("DateProvided") == self.night)["EnrollmentID"].implode()
        exit_date = pl.col("ExitDate")
        present = stays.filter(
            (pl.col("EntryDate") <= self.night)
            & pl.when(pl.col("ProjectType") == ES_NBN)
            .then(pl.col("EnrollmentID").is_in(slept))
            .otherwise(exit_date.is_null() | (exit_date > self.night))
        )
        return self._with_household(present)

    @cached_property
    def heads(self) -> pl.DataFrame:
        """One row per household present, counted by its head (or, where the head was not
        there that night, by its first member present)."""
        ordered = self.served.sort(["HouseholdID", "RelationshipToHoH", "PersonalID"])
        return ordered.unique("HouseholdID", keep="first", maintain_order=True)


def pit_race() -> pl.Expr:
    """HDX's race and ethnicity categories: one race alone or with Hispanic/Latina/e/o,
    Hispanic/Latina/e/o alone, or multi-racial with or without it."""
    races = [(column, name) for column, name in RACE_FIELDS if column != HISPANIC]
    count = pl.sum_horizontal([(pl.col(c) == 1).cast(pl.Int8) for c, _ in races])
    hispanic = pl.col(HISPANIC) == 1
    single = pl.when(pl.lit(False)).then(pl.lit(None, pl.String))
    for column, name in races:
        single = single.when(pl.col(column) == 1).then(pl.lit(name))
    return (
        pl.when((count == 0) & hispanic)
        .then(pl.lit(HISPANIC_LABEL))
        .when((count == 1) & hispanic)
        .then(single + pl.lit(f" & {HISPANIC_LABEL}"))
        .when(count == 1)
        .then(single + pl.lit(" (only)"))
        .when((count > 1) & hispanic)
        .then(pl.lit(f"Multi-Racial & {HISPANIC_LABEL}"))
        .when(count > 1)
        .then(pl.lit("Multi-Racial (all other)"))
        .otherwise(pl.lit("Unknown"))
    )


def pit_race_labels() -> list[str]:
    labels = []
    for column, name in RACE_FIELDS:
        if column == HISPANIC:
            labels.append(HISPANIC_LABEL)
            continue
        labels += [f"{name} (only)", f"{name} & {HISPANIC_LABEL}"]
    return labels + [
        f"Multi-Racial & {HISPANIC_LABEL}",
        "Multi-Racial (all other)",
        "Unknown",
    ]


def _household_table(ctx: PointInTimeContext, name: str, household_type: str) -> Table:
    people = ctx.served.filter(pl.col("household_type") == household_type).with_columns(
        pit_race=pit_race()
    )
    heads = ctx.heads.filter(pl.col("household_type") == household_type)
    age, sex = pl.col("age"), pl.col("Sex")
    rows = [
        ("Total Number of Persons", pl.lit(True)),
        *[(label, age.is_between(low, high)) for label, low, high in AGE_ROWS],
        ("Number of Persons (age not known)", age.is_null()),
        ("Sex", None),
        ("Female", sex == 0),
        ("Male", sex == 1),
        ("Client doesn't know/prefers not to answer", sex.is_in([8, 9])),
        ("Data not collected", sex.is_null() | (sex == 99)),
        ("Race and Ethnicity", None),
        *[(label, pl.col("pit_race") == label) for label in pit_race_labels()],
        ("Chronically Homeless", None),
        ("Total number of persons experiencing chronic homelessness", pl.col("chronic") == "Y"),
    ]
    persons = count_grid(name, people, rows, SHELTER_COLUMNS)
    households = count_grid(
        name, heads, [("Total Number of Households", pl.lit(True))], SHELTER_COLUMNS
    )
    return _stacked(name, [households, persons])


@question("PIT1", PIT)
def households_with_adults_and_children(ctx: PointInTimeContext) -> Table:
    """Persons in households with at least one adult and one child."""
    return _household_table(ctx, "PIT1", ADULTS_AND_CHILDREN)


@question("PIT2", PIT)
def households_without_children(ctx: PointInTimeContext) -> Table:
    """Persons in households without children."""
    return _household_table(ctx, "PIT2", ADULTS_ONLY)


@question("PIT3", PIT)
def households_with_only_children(ctx: PointInTimeContext) -> Table:
    """Persons in households with only children (under 18)."""
    return _household_table(ctx, "PIT3", CHILDREN_ONLY)


@question("PIT4", PIT)
def households_of_unknown_type(ctx: PointInTimeContext) -> Table:
    """Persons in households with a member of unknown age (HDX needs them estimated into
    the three types above; they are shown, not dropped)."""
    return _household_table(ctx, "PIT4", UNKNOWN_HOUSEHOLD)


@question("PIT5", PIT)
def veterans(ctx: PointInTimeContext) -> Table:
    """Veteran households (at least one adult veteran), their members and their veterans."""
    veteran_households = ctx.served.filter(pl.col("veteran"))["HouseholdID"].implode()
    in_household = pl.col("HouseholdID").is_in(veteran_households)
    members = ctx.served.filter(in_household)
    heads = ctx.heads.filter(in_household)
    chronic = pl.col("chronic") == "Y"
    households = count_grid(
        "PIT5",
        heads,
        [
            ("Total Number of Households", pl.lit(True)),
            (
                "Veteran households with at least one adult and one child",
                pl.col("household_type") == ADULTS_AND_CHILDREN,
            ),
        ],
        SHELTER_COLUMNS,
    )
    persons = count_grid(
        "PIT5",
        members,
        [
            ("Total Number of Persons", pl.lit(True)),
            ("Total Number of Veterans", pl.col("veteran")),
            ("Chronically homeless veterans", pl.col("veteran") & chronic),
        ],
        SHELTER_COLUMNS,
    )
    return _stacked("PIT5", [households, persons])


@question("PIT6", PIT)
def youth(ctx: PointInTimeContext) -> Table:
    """Unaccompanied youth (households of people 24 or under, no children of their own) and
    parenting youth households (a head 24 or under with a child of theirs)."""
    youth_household = pl.col("youth_household")
    parenting = youth_household & pl.col("has_child_of_hoh")
    unaccompanied = youth_household & ~pl.col("has_child_of_hoh")
    age = pl.col("age")
    heads = ctx.heads
    households = count_grid(
        "PIT6",
        heads,
        [
            ("Total number of unaccompanied youth households", unaccompanied),
            ("Total number of parenting youth households", parenting),
        ],
        SHELTER_COLUMNS,
    )
    child_of_head = pl.col("RelationshipToHoH") == 2
    persons = count_grid(
        "PIT6",
        ctx.served,
        [
            ("Unaccompanied youth (under 18)", unaccompanied & (age < 18)),
            ("Unaccompanied youth (18 - 24)", unaccompanied & age.is_between(18, 24)),
            ("Parenting youth (under 18)", parenting & ~child_of_head & (age < 18)),
            ("Parenting youth (18 - 24)", parenting & ~child_of_head & age.is_between(18, 24)),
            ("Children of parenting youth", parenting & child_of_head),
        ],
        SHELTER_COLUMNS,
    )
    return _stacked("PIT6", [households, persons])


def _stacked(name: str, parts: list[Table]) -> Table:
    """Tables with the same columns, one under the other (members re-numbered)."""
    table = Table(name, parts[0].columns, [label for part in parts for label in part.rows])
    table.values = [row for part in parts for row in part.values]
    members, offset = [], 0
    for part in parts:
        if part.members is not None:
            members.append(part.members.with_columns(row=pl.col("row") + offset))
        offset += len(part.rows)
    table.members = pl.concat(members) if members else None
    return table
