"""System dashboards: people served, entries and exits, exits to permanent housing, length
of stay, returns, time to housing and the CES list, for a CoC and by region and county,
computed from the HMIS frames (the same source as the HUD reports) when the page is asked.

Where a project is: the county of its 2.03 Geocode when that is a balance-of-county
geocode (state FIPS, 9, county FIPS: 209001 is Allen County, Kansas), the county's CES
region; other geocodes (cities) are "County not known" until a geocode-to-county table is
loaded. The measures (for the period):

* served: distinct clients with an enrollment active in the period;
* entries / exits: enrollments started / ended in the period;
* exits to permanent housing: exits whose 3.12 destination is in HUD's Permanent group, and
  their share of exits;
* median length of stay: of the period's exits, days from project start to exit;
* returns: of the clients who exited to permanent housing in the 365 days before the period,
  those who entered ES, SH, TH or street outreach in the period (SPM measure 2's idea on a
  one-year window, for trends; the SPM itself is the HUD report);
* move-ins and median days to move in: PSH and RRH move-ins (3.20) in the period, days from
  project start;
* CES list: households active, inactive or with a referral pending on the regional lists now.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from sunflower.reports.engine.destinations import destination_group
from sunflower.reports.engine.params import ReportParams

# HUD's PIT and HDX practice: counts from 1 to 10 are not published.
SMALL_CELL = 11
RETURN_TYPES = [0, 1, 2, 4, 8]
HOUSING_TYPES = [3, 13]
UNKNOWN_COUNTY = "County not known"
UNKNOWN_REGION = "Region not known"

MEASURES = [
    ("served", "People served"),
    ("entries", "Entries"),
    ("exits", "Exits"),
    ("exits_to_ph", "Exits to permanent housing"),
    ("ph_rate", "Share of exits to permanent housing"),
    ("median_stay", "Median length of stay (days)"),
    ("prior_ph_exits", "Exited to permanent housing in the year before"),
    ("returns", "Of those, returned to homelessness"),
    ("return_rate", "Return rate"),
    ("move_ins", "PSH and RRH move-ins"),
    ("median_days_to_move_in", "Median days to move in"),
]
# For each rate or median: the count it derives from (suppressed with it).
DERIVED_FROM = {
    "ph_rate": ("exits_to_ph", "exits"),
    "median_stay": ("exits",),
    "return_rate": ("returns", "prior_ph_exits"),
    "median_days_to_move_in": ("move_ins",),
}


@dataclass(frozen=True)
class Area:
    kind: str  # "coc", "region" or "county"
    name: str


def project_areas(coc: str) -> pl.DataFrame:
    """ProjectID -> county and region names, from ProjectCoC geocodes and the geography."""
    from sunflower.geo.models import County
    from sunflower.hmis.models import ProjectCoC

    counties = {
        f"{c.state_fips}9{c.fips5[2:]}": (c.name, c.region.name if c.region else UNKNOWN_REGION)
        for c in County.objects.select_related("region")
    }
    rows = ProjectCoC.objects.filter(coc_code=coc).values_list("project__project_id", "geocode")
    project_ids, county_names, region_names = [], [], []
    for project_id, geocode in rows:
        county, region = counties.get(geocode or "", (UNKNOWN_COUNTY, UNKNOWN_REGION))
        project_ids.append(project_id)
        county_names.append(county)
        region_names.append(region)
    frame = pl.DataFrame(
        {"ProjectID": project_ids, "county": county_names, "region": region_names},
        schema={"ProjectID": pl.String, "county": pl.String, "region": pl.String},
    )
    # A project with several geocodes in the CoC counts in its first.
    return frame.unique("ProjectID", keep="first", maintain_order=True)


def _enrollments(frames, params: ReportParams, areas: pl.DataFrame) -> pl.DataFrame:
    exits = frames["Exit"].select("EnrollmentID", "ExitDate", "Destination")
    projects = frames["Project"].select("ProjectID", "ProjectType")
    return (
        frames["Enrollment"]
        .select("EnrollmentID", "PersonalID", "ProjectID", "EntryDate", "MoveInDate")
        .join(areas, on="ProjectID", how="inner")
        .join(projects, on="ProjectID", how="left")
        .join(exits, on="EnrollmentID", how="left")
        .with_columns(
            ExitDate=pl.when(pl.col("ExitDate") <= params.end).then(pl.col("ExitDate")),
            permanent=destination_group() == "Permanent",
        )
    )


def _measures(enrollments: pl.DataFrame, params: ReportParams) -> dict[str, float | int | None]:
    start, end = params.start, params.end
    entry, exit_date = pl.col("EntryDate"), pl.col("ExitDate")
    active = enrollments.filter((entry <= end) & (exit_date.is_null() | (exit_date >= start)))
    entries = enrollments.filter(entry.is_between(start, end))
    exits = enrollments.filter(exit_date.is_between(start, end))
    to_ph = exits.filter(pl.col("permanent"))
    year_before = start - dt.timedelta(days=365)
    prior = enrollments.filter(
        (exit_date >= year_before) & (exit_date < start) & pl.col("permanent")
    )["PersonalID"].unique()
    returned = entries.filter(
        pl.col("ProjectType").is_in(RETURN_TYPES) & pl.col("PersonalID").is_in(prior.implode())
    )["PersonalID"].n_unique()
    move_ins = enrollments.filter(
        pl.col("ProjectType").is_in(HOUSING_TYPES) & pl.col("MoveInDate").is_between(start, end)
    )
    stay = (exits["ExitDate"] - exits["EntryDate"]).dt.total_days()
    to_move_in = (move_ins["MoveInDate"] - move_ins["EntryDate"]).dt.total_days()
    return {
        "served": active["PersonalID"].n_unique(),
        "entries": entries.height,
        "exits": exits.height,
        "exits_to_ph": to_ph.height,
        "ph_rate": to_ph.height / exits.height if exits.height else None,
        "median_stay": stay.median() if stay.len() else None,
        "prior_ph_exits": prior.len(),
        "returns": returned,
        "return_rate": returned / prior.len() if prior.len() else None,
        "move_ins": move_ins.height,
        "median_days_to_move_in": to_move_in.median() if to_move_in.len() else None,
    }


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def monthly(enrollments: pl.DataFrame, params: ReportParams) -> list[dict]:
    """Entries and exits per calendar month of the period (the dashboard's chart)."""
    entry_months = enrollments.filter(pl.col("EntryDate").is_between(params.start, params.end))
    exit_months = enrollments.filter(pl.col("ExitDate").is_between(params.start, params.end))
    entries = entry_months.group_by(pl.col("EntryDate").dt.truncate("1mo").alias("m")).len()
    exits = exit_months.group_by(pl.col("ExitDate").dt.truncate("1mo").alias("m")).len()
    by_entry = dict(entries.iter_rows())
    by_exit = dict(exits.iter_rows())
    return [
        {"month": m, "entries": by_entry.get(m, 0), "exits": by_exit.get(m, 0)}
        for m in _months(params.start, params.end)
    ]


def ces_list_sizes(coc: str) -> dict[str, int]:
    """Households on each region's list now (active, inactive or with a referral pending)."""
    from django.db.models import Count

    from sunflower.ces.models import ListEntry

    rows = (
        ListEntry.objects.filter(
            region__coc__code=coc,
            status__in=[
                ListEntry.Status.ACTIVE,
                ListEntry.Status.INACTIVE,
                ListEntry.Status.REFERRED,
            ],
        )
        .values("region__name")
        .annotate(n=Count("pk"))
    )
    return {row["region__name"]: row["n"] for row in rows}


@dataclass
class Dashboard:
    params: ReportParams
    total: dict
    by_region: dict[str, dict]
    by_county: dict[str, dict]
    months: list[dict]
    list_sizes: dict[str, int]


def build(frames, params: ReportParams, region: str = "", county: str = "") -> Dashboard:
    """The dashboard of ``params.coc``, narrowed to a region or county when given."""
    areas = project_areas(params.coc)
    if region:
        areas = areas.filter(pl.col("region") == region)
    if county:
        areas = areas.filter(pl.col("county") == county)
    enrollments = _enrollments(frames, params, areas)
    by_region = {
        name: _measures(part, params)
        for (name,), part in sorted(enrollments.partition_by("region", as_dict=True).items())
    }
    by_county = {
        name: _measures(part, params)
        for (name,), part in sorted(enrollments.partition_by("county", as_dict=True).items())
    }
    sizes = ces_list_sizes(params.coc)
    if region:
        sizes = {name: n for name, n in sizes.items() if name == region}
    return Dashboard(
        params,
        _measures(enrollments, params),
        by_region,
        by_county,
        monthly(enrollments, params),
        sizes,
    )


def suppressed(measures: dict) -> dict:
    """The public form: counts under 11 (but not 0) shown as "<11", and any rate or median
    derived from such a count left out, so no small group can be singled out."""
    shown: dict[str, object] = {}
    small = {k for k, v in measures.items() if isinstance(v, int) and 0 < v < SMALL_CELL}
    for key, value in measures.items():
        if key in small:
            shown[key] = f"<{SMALL_CELL}"
        elif key in DERIVED_FROM and (
            any(part in small for part in DERIVED_FROM[key])
            or any(measures.get(part) == 0 for part in DERIVED_FROM[key][-1:])
        ):
            shown[key] = None
        else:
            shown[key] = value
    return shown


def lookback(params: ReportParams) -> dt.date:
    """The first day the dashboard reads: a year before the period, for the returns."""
    return params.start - dt.timedelta(days=365)
