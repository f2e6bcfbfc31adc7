"""Housing Inventory Count: the beds and units of the CoC's residential projects on the
night of the count (2.07 Bed and Unit Inventory), with the clients in them that night.

* Inventory: records of the report's CoC (2.07 CoC Code) in force on the night (start on or
  before it, no end or an end after it), of ES, TH, SH, PSH, RRH and other PH projects.
* Beds by household type are year-round beds; seasonal and overflow beds have their own
  columns. CH, veteran and youth beds add up the dedicated columns that include them
  (e.g. veteran beds = CH veteran + youth veteran + veteran).
* PIT Count: the clients in the project that night, as the APR's point-in-time counts find
  them (PSH and RRH: moved in; ES night-by-night: a bed night that night).
"""

from __future__ import annotations

import polars as pl

from sunflower.reports.apr.q06_q09 import active_on
from sunflower.reports.engine import ReportContext, Table, question, rate
from sunflower.reports.engine.table import NUMBER, RATE, TEXT, add_members

HIC = "hic"
PROJECT_TYPES = {
    0: "Emergency Shelter",
    1: "Emergency Shelter",
    2: "Transitional Housing",
    8: "Safe Haven",
    3: "Permanent Supportive Housing",
    13: "Rapid Re-Housing",
    9: "Other Permanent Housing",
    10: "Other Permanent Housing",
}
ES_BED_TYPES = {1: "Facility-based", 2: "Voucher", 3: "Other"}
YEAR_ROUND, SEASONAL, OVERFLOW = 1, 2, 3
WITHOUT_CHILDREN, WITH_CHILDREN, ONLY_CHILDREN = 1, 3, 4

BED_COLUMNS = [
    "Beds HH w/o Children",
    "Units HH w/ Children",
    "Beds HH w/ Children",
    "Beds HH w/ only Children",
    "Year-Round Beds",
    "Seasonal Beds",
    "Overflow Beds",
    "CH Beds",
    "Veteran Beds",
    "Youth Beds",
]


def _inventory(ctx: ReportContext) -> pl.DataFrame:
    """Per project, the bed and unit totals of the inventory in force on the night."""
    night = ctx.params.start

    def build() -> pl.DataFrame:
        inventory = ctx.frames["Inventory"].filter(
            pl.col("ProjectID").is_in(ctx.projects["ProjectID"].implode())
            & (pl.col("InventoryStartDate").is_null() | (pl.col("InventoryStartDate") <= night))
            & (pl.col("InventoryEndDate").is_null() | (pl.col("InventoryEndDate") > night))
        )
        if ctx.params.coc:
            inventory = inventory.filter(
                pl.col("CoCCode").is_null() | (pl.col("CoCCode") == ctx.params.coc)
            )
        beds = pl.col("BedInventory").fill_null(0)
        year_round = pl.col("Availability").is_null() | (pl.col("Availability") == YEAR_ROUND)
        household = pl.col("HouseholdType")

        def dedicated(*columns):
            return pl.sum_horizontal([pl.col(c).fill_null(0) for c in columns]).sum()

        return inventory.group_by("ProjectID").agg(
            beds.filter(year_round & (household == WITHOUT_CHILDREN)).sum().alias(BED_COLUMNS[0]),
            pl.col("UnitInventory")
            .fill_null(0)
            .filter(year_round & (household == WITH_CHILDREN))
            .sum()
            .alias(BED_COLUMNS[1]),
            beds.filter(year_round & (household == WITH_CHILDREN)).sum().alias(BED_COLUMNS[2]),
            beds.filter(year_round & (household == ONLY_CHILDREN)).sum().alias(BED_COLUMNS[3]),
            beds.filter(year_round).sum().alias(BED_COLUMNS[4]),
            beds.filter(pl.col("Availability") == SEASONAL).sum().alias(BED_COLUMNS[5]),
            beds.filter(pl.col("Availability") == OVERFLOW).sum().alias(BED_COLUMNS[6]),
            dedicated("CHVetBedInventory", "CHYouthBedInventory", "CHBedInventory").alias(
                BED_COLUMNS[7]
            ),
            dedicated("CHVetBedInventory", "YouthVetBedInventory", "VetBedInventory").alias(
                BED_COLUMNS[8]
            ),
            dedicated("YouthVetBedInventory", "CHYouthBedInventory", "YouthBedInventory").alias(
                BED_COLUMNS[9]
            ),
            pl.col("ESBedType").drop_nulls().first().alias("es_bed_type"),
        )

    return ctx.memo("hic_inventory", build)


def _in_projects(ctx: ReportContext) -> pl.DataFrame:
    """Each client in a project on the night (a client counts once per project)."""
    night = ctx.params.start
    present = active_on(ctx, ctx.enrollments, night)
    return present.unique(["ProjectID", "PersonalID"])


def _hic_projects(ctx: ReportContext) -> pl.DataFrame:
    projects = ctx.projects.filter(pl.col("ProjectType").is_in(list(PROJECT_TYPES)))
    return projects.join(
        ctx.frames["Organization"].select("OrganizationID", "OrganizationName"),
        on="OrganizationID",
        how="left",
    ).join(_inventory(ctx), on="ProjectID", how="left")


@question("HIC1", HIC)
def inventory_by_project(ctx: ReportContext) -> Table:
    """One row per project: its beds and units that night and the clients in them."""
    projects = _hic_projects(ctx).sort(["ProjectType", "ProjectName", "ProjectID"])
    columns = [
        "Organization Name",
        "Project Name",
        "Project ID",
        "Project Type",
        "ES Bed Type",
        *BED_COLUMNS,
        "PIT Count",
    ]
    table = Table("HIC1", columns, [str(i) for i in range(projects.height)], label_column=False)
    present = _in_projects(ctx)
    for r, project in enumerate(projects.iter_rows(named=True)):
        texts = [
            project["OrganizationName"],
            project["ProjectName"],
            project["ProjectID"],
            PROJECT_TYPES[project["ProjectType"]],
            ES_BED_TYPES.get(project["es_bed_type"], "")
            if project["ProjectType"] in (0, 1)
            else "",
        ]
        for c, value in enumerate(texts):
            table.set(r, c, value or "", kind=TEXT)
        for c, column in enumerate(BED_COLUMNS, start=len(texts)):
            table.set(r, c, int(project[column] or 0), kind=NUMBER)
        here = present.filter(pl.col("ProjectID") == project["ProjectID"])
        table.set(r, len(columns) - 1, here["PersonalID"].n_unique())
        add_members(table, here, r, len(columns) - 1)
    return table


@question("HIC2", HIC)
def inventory_by_project_type(ctx: ReportContext) -> Table:
    """The CoC's totals by project type, with utilization (clients that night / year-round
    beds)."""
    projects = _hic_projects(ctx).with_columns(
        kind=pl.col("ProjectType").replace_strict(PROJECT_TYPES, return_dtype=pl.String)
    )
    kinds = list(dict.fromkeys(PROJECT_TYPES.values()))
    columns = [*BED_COLUMNS, "PIT Count", "Utilization"]
    table = Table("HIC2", columns, [*kinds, "Total"])
    present = _in_projects(ctx).join(
        projects.select("ProjectID", "kind"), on="ProjectID", how="inner"
    )
    for r, kind in enumerate([*kinds, "Total"]):
        rows = projects if kind == "Total" else projects.filter(pl.col("kind") == kind)
        for c, column in enumerate(BED_COLUMNS):
            table.set(r, c, int(rows[column].fill_null(0).sum()), kind=NUMBER)
        here = present if kind == "Total" else present.filter(pl.col("kind") == kind)
        # A client in two projects of a type that night is one person in the type's count.
        count = here["PersonalID"].n_unique()
        table.set(r, len(BED_COLUMNS), count)
        add_members(table, here, r, len(BED_COLUMNS))
        table.set(r, len(BED_COLUMNS) + 1, rate(count, table.values[r][4]), kind=RATE)
    return table
