"""APR Q4a–Q9b: project identifiers, report validation, data quality, persons served,
households served, outreach contacts."""

from __future__ import annotations

import polars as pl

from sunflower.interchange.exporter import software_version
from sunflower.reports.engine import HOUSEHOLD_COLUMNS, ReportContext, Table, count_grid, question
from sunflower.reports.engine.labels import DK_PNTA, NOT_COLLECTED
from sunflower.reports.engine.universe import AGE_DK_PNTA, AGE_NOT_COLLECTED

APR_AND_CAPER = ("apr", "caper")


@question("Q4a", *APR_AND_CAPER)
def q4a(ctx: ReportContext) -> Table:
    """Project identifiers in HMIS: one row per project in the report."""
    return project_identifiers(ctx, ctx.served)


def project_identifiers(
    ctx: ReportContext, active: pl.DataFrame, blank_if_not_applicable: bool = False
) -> Table:
    """Q4a over ``ctx.projects``; ``active`` (ProjectID, PersonalID, EnrollmentID,
    RelationshipToHoH) holds who counts as an active client of each project.
    ``blank_if_not_applicable``: the RRH subtype of a project that is not RRH and the
    residential affiliation of a project that is not SSO stay empty, as the CE APR prints
    them (the APR and CAPER print 0)."""
    columns = [
        "Organization Name",
        "Organization ID",
        "Project Name",
        "Project ID",
        "HMIS Project Type",
        "RRH Subtype",
        "Coordinated Entry Access Point",
        "Affiliated with a residential project",
        "Project IDs of affiliations",
        "CoC Number",
        "Geocode",
        "Victim Service Provider",
        "HMIS Software Name and Version Number",
        "Report Start Date",
        "Report End Date",
        "Total Active Clients",
        "Total Active Households",
    ]
    frames, params = ctx.frames, ctx.params
    projects = ctx.projects.sort("ProjectID")
    ids = projects["ProjectID"].implode()
    # Column G (spec Q4a, instruction 4): 2.09.1 as of the project's operating end date if it
    # falls in the period, else as of the report end; the most recent record in force then.
    as_of = (
        pl.when(
            (pl.col("OperatingEndDate") >= params.start) & (pl.col("OperatingEndDate") < params.end)
        )
        .then(pl.col("OperatingEndDate"))
        .otherwise(pl.lit(params.end))
    )
    access_points = (
        frames["CEParticipation"]
        .filter(pl.col("ProjectID").is_in(ids))
        .join(projects.select("ProjectID", as_of.alias("as_of")), on="ProjectID")
        .filter(
            pl.col("CEParticipationStatusStartDate").is_null()
            | (pl.col("CEParticipationStatusStartDate") <= pl.col("as_of"))
        )
        .sort("CEParticipationStatusStartDate", descending=True, nulls_last=True)
        .unique("ProjectID", keep="first")
        .select("ProjectID", "AccessPoint")
    )
    affiliations = (
        frames["Affiliation"]
        .filter(pl.col("ProjectID").is_in(ids))
        .group_by("ProjectID")
        .agg(pl.col("ResProjectID").drop_nulls().str.join(", ").alias("affiliations"))
    )
    cocs = frames["ProjectCoC"].filter(pl.col("ProjectID").is_in(ids))
    if params.coc:
        # The report's CoC where the project has it, else every CoC of the project.
        has_coc = cocs.filter(pl.col("CoCCode") == params.coc)["ProjectID"].implode()
        cocs = cocs.filter(~pl.col("ProjectID").is_in(has_coc) | (pl.col("CoCCode") == params.coc))
    cocs = cocs.group_by("ProjectID").agg(
        pl.col("CoCCode").drop_nulls().str.join(", ").alias("cocs"),
        pl.col("Geocode").drop_nulls().str.join(", ").alias("geocodes"),
    )
    counts = active.group_by("ProjectID").agg(
        pl.col("PersonalID").n_unique().alias("clients"),
        pl.col("PersonalID")
        .filter(pl.col("RelationshipToHoH") == 1)
        .n_unique()
        .alias("households"),
    )
    rows = (
        projects.join(
            frames["Organization"].select(
                "OrganizationID", "OrganizationName", "VictimServiceProvider"
            ),
            on="OrganizationID",
            how="left",
        )
        .join(access_points, on="ProjectID", how="left")
        .join(affiliations, on="ProjectID", how="left")
        .join(cocs, on="ProjectID", how="left")
        .join(counts, on="ProjectID", how="left")
        .sort("ProjectID")
    )
    table = Table("Q4a", columns, [str(i) for i in range(rows.height)], label_column=False)
    # Column M (instruction 6): "the general product name of the HMIS and the version number".
    software = f"Sunflower {software_version()}".strip()
    blank = blank_if_not_applicable
    for r, project in enumerate(rows.iter_rows(named=True)):
        values = [
            project["OrganizationName"],
            project["OrganizationID"],
            project["ProjectName"],
            project["ProjectID"],
            project["ProjectType"],
            _applicable(project["RRHSubType"], project["ProjectType"] == 13 or not blank),
            project["AccessPoint"] or 0,
            _applicable(
                project["ResidentialAffiliation"], project["ProjectType"] == 6 or not blank
            ),
            project["affiliations"],
            project["cocs"],
            project["geocodes"],
            project["VictimServiceProvider"],
            software,
            params.start.isoformat(),
            params.end.isoformat(),
        ]
        for c, value in enumerate(values):
            table.set(r, c, "" if value is None else str(value), kind="text")
        table.set(r, 15, project["clients"] or 0)
        table.set(r, 16, project["households"] or 0)
    # Who is behind the two counts: every project's clients at once.
    row_of = pl.DataFrame(
        {"ProjectID": rows["ProjectID"], "row": pl.Series(range(rows.height), dtype=pl.Int32)}
    )
    served = active.lazy().join(row_of.lazy(), on="ProjectID")
    person = served.select("row", pl.lit(15, pl.Int32).alias("col"), "PersonalID", "EnrollmentID")
    heads = served.filter(pl.col("RelationshipToHoH") == 1).select(
        "row", pl.lit(16, pl.Int32).alias("col"), "PersonalID", "EnrollmentID"
    )
    table.members = pl.concat([person, heads])
    return table


def _applicable(value, applicable: bool):
    """A Q4a element's value (0 when not recorded), or empty where it does not apply."""
    if not applicable:
        return None
    return value or 0


def _q5a_rows(ctx: ReportContext, frame: pl.DataFrame) -> list[tuple[str, pl.Expr]]:
    adult, hoh = pl.col("is_adult"), pl.col("is_hoh")
    unknown_age = pl.col("age_group").is_in([AGE_DK_PNTA, AGE_NOT_COLLECTED])
    long_stay = pl.col("stayer") & (pl.col("days_in_project") >= 365) & (adult | hoh)
    long_households = (
        frame.lazy()
        .filter(long_stay & hoh)
        .select("HouseholdID")
        .collect()["HouseholdID"]
        .implode()
    )
    return [
        ("Total number of persons served", pl.lit(True)),
        ("Number of adults age 18 or over", adult),
        ("Number of children under age 18", pl.col("is_child")),
        ("Number of persons with unknown age", unknown_age),
        ("Number of leavers", pl.col("leaver")),
        ("Number of adult leavers", adult & pl.col("leaver")),
        ("Number of adult and head of household leavers", (adult | hoh) & pl.col("leaver")),
        ("Number of stayers", pl.col("stayer")),
        ("Number of adult stayers", adult & pl.col("stayer")),
        ("Number of veterans", pl.col("veteran")),
        ("Number of chronically homeless persons", pl.col("chronic") == "Y"),
        ("Number of youth under age 25", pl.col("youth")),
        (
            "Number of parenting youth under age 25 with children",
            pl.col("youth") & pl.col("has_child_of_hoh"),
        ),
        ("Number of adult heads of household", adult & hoh),
        ("Number of child and unknown age heads of household", ~adult & hoh),
        (
            "Heads of households and adult stayers in the project 365 days or more",
            long_stay | (adult & pl.col("HouseholdID").is_in(long_households)),
        ),
    ]


@question("Q5a", *APR_AND_CAPER)
def q5a(ctx: ReportContext) -> Table:
    """Report validations: the two columns count the DQ universe and everyone served."""
    dq = count_grid(
        "Q5a",
        ctx.served_dq,
        _q5a_rows(ctx, ctx.served_dq),
        [("Count of Clients for DQ", pl.lit(True))],
    )
    served = count_grid(
        "Q5a", ctx.served, _q5a_rows(ctx, ctx.served), [("Count of Clients", pl.lit(True))]
    )
    table = Table("Q5a", ["Count of Clients for DQ", "Count of Clients"], dq.rows)
    for r in range(len(table.rows)):
        table.set(r, 0, dq.values[r][0])
        table.set(r, 1, served.values[r][0])
    table.members = pl.concat([dq.members, served.members.with_columns(col=pl.lit(1, pl.Int32))])
    return table


@question("Q7a", *APR_AND_CAPER)
def q7a(ctx: ReportContext) -> Table:
    """Number of persons served, by age group and household type."""
    housed = ctx.served["ProjectType"].is_in([3, 13]).any()
    rows = [
        ("Adults", pl.col("age_group") == "adult"),
        ("Children", pl.col("age_group") == "child"),
        (DK_PNTA, pl.col("age_group") == AGE_DK_PNTA),
        (NOT_COLLECTED, pl.col("age_group") == AGE_NOT_COLLECTED),
        ("Total", pl.lit(True)),
        (
            "For PSH & RRH - the total persons served who moved into housing",
            pl.col("move_in_date_adj").is_not_null() if housed else pl.lit(False),
        ),
    ]
    return count_grid("Q7a", ctx.served, rows, HOUSEHOLD_COLUMNS)
