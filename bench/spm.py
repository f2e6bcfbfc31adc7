"""Benchmark of the System Performance Measures on HMIS-shaped data of statewide size.

Generates, with polars alone (pseudo-random numbers from row hashes), about 1,000,000 enrollments over the seven years of the SPM's look-back
(clients re-entering, ES entry/exit and night-by-night with 4.14 bed nights, TH, PSH and
RRH with move-in dates, street outreach, exits with destinations, IncomeBenefits at entry,
annual assessment and exit), builds an ``HmisFrames`` over them the way ``from_csv_folder``
does (a loader of all-string frames, typed by the engine), runs ``run_report("spm", ...)``
and prints the seconds of each stage and measure and the total.

    .venv/bin/python bench/spm.py [--enrollments 1000000] [--seed 2026]

No database is used; nothing is written.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sunflower.settings")

REPORT_START, REPORT_END = date(2021, 10, 1), date(2022, 9, 30)
FIRST_DAY = date(2014, 10, 1)  # the look-back stop date
COC = "XX-501"
# (project type, number of projects, share of enrollments, shortest and longest stay in days)
PROJECT_MIX = [
    (0, 60, 0.26, 1, 120),  # ES entry/exit
    (1, 30, 0.12, 1, 90),  # ES night-by-night
    (2, 40, 0.10, 30, 720),  # TH
    (3, 40, 0.10, 60, 2000),  # PSH
    (13, 40, 0.14, 30, 600),  # RRH
    (4, 30, 0.16, 1, 240),  # SO
    (8, 10, 0.04, 5, 300),  # SH
    (9, 10, 0.03, 60, 1500),  # PH - housing only
    (6, 20, 0.05, 10, 300),  # SSO
]
DESTINATIONS = [116, 101, 118, 206, 207, 302, 314, 312, 313, 410, 435, 411, 422, 24, 30, 17, 99]
LIVING = [116, 116, 101, 101, 118, 314, 312, 215, 410]


def _uniform(i: pl.Expr, salt: int) -> pl.Expr:
    """A pseudo-random number in [0, 1) per row, from a hash of the row number: vectorised
    and reproducible, with no random-number package."""
    return (i.hash(salt) % 1_000_003).cast(pl.Float64) / 1_000_003


def _integer(i: pl.Expr, salt: int, low: int | pl.Expr, high: int | pl.Expr) -> pl.Expr:
    """A pseudo-random integer in [low, high)."""
    low = low if isinstance(low, pl.Expr) else pl.lit(low)
    high = high if isinstance(high, pl.Expr) else pl.lit(high)
    return (low + _uniform(i, salt) * (high - low)).floor().cast(pl.Int64)


def _choice(i: pl.Expr, salt: int, values: list[int]) -> pl.Expr:
    index = _integer(i, salt, 0, len(values))
    return index.replace_strict(dict(enumerate(values)), return_dtype=pl.Int64)


def _date(days: pl.Expr) -> pl.Expr:
    """Day numbers since FIRST_DAY as dates."""
    return (pl.lit(FIRST_DAY) + pl.duration(days=days)).cast(pl.Date)


def generate(n: int, seed: int) -> dict[str, pl.DataFrame]:
    horizon = (REPORT_END - FIRST_DAY).days  # every entry on or before the report end
    i = pl.col("i")
    project_rows = []
    for kind, (project_type, count, _, _, _) in enumerate(PROJECT_MIX):
        for _ in range(count):
            project_rows.append((f"P{len(project_rows) + 1}", project_type, kind))
    projects = pl.DataFrame(
        {
            "ProjectID": [p for p, _, _ in project_rows],
            "OrganizationID": ["O1"] * len(project_rows),
            "ProjectName": [f"Project {p}" for p, _, _ in project_rows],
            "ProjectType": [t for _, t, _ in project_rows],
            "ContinuumProject": [1] * len(project_rows),
            "OperatingStartDate": [date(2010, 1, 1)] * len(project_rows),
        }
    )
    project_coc = projects.select(
        ProjectCoCID=pl.col("ProjectID"), ProjectID="ProjectID", CoCCode=pl.lit(COC)
    )
    funder = projects.filter(pl.col("ProjectType").is_in([2, 3, 13, 9])).select(
        FunderID=pl.col("ProjectID"),
        ProjectID="ProjectID",
        Funder=pl.col("ProjectType").replace_strict({2: 5, 3: 2, 13: 3, 9: 2}),
        StartDate=pl.lit(date(2010, 1, 1)),
    )
    # Each enrollment: a project type by its share, a project of that type, and a client
    # from a pool a third the size (clients re-enter). A quarter of the rows are a second
    # household member (a child) of the row before: same project and dates.
    cumulative, bounds = 0.0, []
    for kind, (_, _, share, _, _) in enumerate(PROJECT_MIX):
        cumulative += share
        bounds.append((cumulative, kind))
    u = _uniform(i, seed)
    kind = pl.when(pl.lit(False)).then(pl.lit(0))
    for bound, k in bounds:
        kind = kind.when(u < bound).then(pl.lit(k))
    kind = kind.otherwise(pl.lit(len(PROJECT_MIX) - 1))
    first_project = [sum(m[1] for m in PROJECT_MIX[:k]) for k in range(len(PROJECT_MIX))]
    mix = pl.DataFrame(
        {
            "kind": list(range(len(PROJECT_MIX))),
            "project_type": [m[0] for m in PROJECT_MIX],
            "n_projects": [m[1] for m in PROJECT_MIX],
            "first_project": first_project,
            "low": [m[3] for m in PROJECT_MIX],
            "high": [m[4] for m in PROJECT_MIX],
        }
    )
    heads = (
        pl.DataFrame({"i": pl.int_range(n, eager=True)})
        .with_columns(kind=kind.cast(pl.Int64))
        .join(mix, on="kind", how="left")
        .with_columns(
            project=pl.col("first_project") + _integer(i, seed + 1, 0, pl.col("n_projects")) + 1,
            entry=_integer(i, seed + 2, 0, horizon + 1),
            length=_integer(i, seed + 3, pl.col("low"), pl.col("high") + 1),
            member=(_uniform(i, seed + 4) < 0.25) & (i > 0),
        )
    )
    # A member takes the row before's household, project and dates (that row's own when it
    # is a head).
    household = pl.when(pl.col("member")).then(i - 1).otherwise(i)
    enrollments = heads.with_columns(household=household).with_columns(
        household=pl.when(pl.col("member") & pl.col("member").shift(1).fill_null(False))
        .then(pl.col("household").shift(1))
        .otherwise(pl.col("household"))
    )
    shared = ["project", "project_type", "entry", "length"]
    enrollments = enrollments.drop(shared).join(
        enrollments.select(pl.col("i").alias("household"), *shared), on="household", how="left"
    )
    exit_day = pl.col("entry") + pl.col("length")
    ph = pl.col("project_type").is_in([3, 9, 13])
    move_in = pl.col("entry") + _integer(i, seed + 5, 0, 90)
    enrollments = enrollments.with_columns(
        exit_day=exit_day,
        exited=exit_day <= horizon,
        person=_integer(i, seed + 6, 0, max(n // 3, 1)),
        move_in=pl.when(
            ph & (_uniform(i, seed + 7) < 0.8) & (move_in <= pl.min_horizontal(exit_day, horizon))
        ).then(move_in),
        to_street=pl.when(_uniform(i, seed + 8) < 0.7).then(
            pl.col("entry") - _integer(i, seed + 9, 0, 400)
        ),
    )
    enrollment = enrollments.select(
        EnrollmentID=i.cast(pl.String),
        PersonalID=pl.col("person").cast(pl.String),
        ProjectID=pl.format("P{}", pl.col("project")),
        EntryDate=_date(pl.col("entry")),
        HouseholdID=pl.format("h{}", pl.col("household")),
        RelationshipToHoH=pl.when(pl.col("member")).then(2).otherwise(1),
        EnrollmentCoC=pl.lit(COC),
        LivingSituation=_choice(i, seed + 10, LIVING),
        LOSUnderThreshold=_integer(i, seed + 11, 0, 2),
        PreviousStreetESSH=_integer(i, seed + 12, 0, 2),
        DisablingCondition=_integer(i, seed + 13, 0, 2),
        DateToStreetESSH=_date(pl.col("to_street")),
        MoveInDate=_date(pl.col("move_in")),
    )
    exits = enrollments.filter(pl.col("exited")).select(
        ExitID=i.cast(pl.String),
        EnrollmentID=i.cast(pl.String),
        PersonalID=pl.col("person").cast(pl.String),
        ExitDate=_date(pl.col("exit_day")),
        Destination=_choice(i, seed + 14, DESTINATIONS),
    )
    n_clients = max(n // 3, 1)
    clients = pl.DataFrame({"i": pl.int_range(n_clients, eager=True)}).select(
        PersonalID=i.cast(pl.String),
        DOB=_date(_integer(i, seed + 15, -30000, -2000)),
        DOBDataQuality=pl.lit(1),
        VeteranStatus=_integer(i, seed + 16, 0, 2),
    )
    # Bed nights: about two nights in three of each night-by-night stay.
    stays = enrollments.filter(pl.col("project_type") == 1).select(
        "i",
        "person",
        nights=pl.int_ranges(pl.col("entry"), pl.min_horizontal(pl.col("exit_day"), horizon + 1)),
    )
    nights = stays.explode("nights").with_row_index("row")
    services = nights.filter(_uniform(pl.col("row").cast(pl.Int64), seed + 17) < 0.66).select(
        ServicesID=pl.col("row").cast(pl.String),
        EnrollmentID=pl.col("i").cast(pl.String),
        PersonalID=pl.col("person").cast(pl.String),
        DateProvided=_date(pl.col("nights")),
        RecordType=pl.lit(200),
        TypeProvided=pl.lit(200),
    )
    # Income: at entry for every enrollment, at exit for leavers, and one annual
    # assessment per year in the project for stays of a year or more (within 20 days).
    last_day = pl.min_horizontal(pl.col("exit_day"), horizon)
    annual = (
        enrollments.select(
            "i", "person", "entry", year=pl.int_ranges(1, (last_day - pl.col("entry")) // 365 + 1)
        )
        .explode("year")
        .drop_nulls("year")
        .with_columns(day=pl.col("entry") + 365 * pl.col("year") + _integer(i, seed + 18, -20, 21))
        .select("i", "person", "day", stage=pl.lit(5))
    )
    records = pl.concat(
        [
            enrollments.select("i", "person", day=pl.col("entry"), stage=pl.lit(1)),
            enrollments.filter(pl.col("exited")).select(
                "i", "person", day=pl.col("exit_day"), stage=pl.lit(3)
            ),
            annual,
        ]
    ).with_row_index("row")
    row = pl.col("row").cast(pl.Int64)
    earned = _uniform(row, seed + 19) < 0.3
    other = _uniform(row, seed + 20) < 0.4
    income = records.select(
        IncomeBenefitsID=pl.col("row").cast(pl.String),
        EnrollmentID=pl.col("i").cast(pl.String),
        PersonalID=pl.col("person").cast(pl.String),
        InformationDate=_date(pl.col("day")),
        DataCollectionStage=pl.col("stage"),
        IncomeFromAnySource=(earned | other).cast(pl.Int64),
        Earned=earned.cast(pl.Int64),
        EarnedAmount=pl.when(earned).then(_integer(row, seed + 21, 100, 3000)).otherwise(0),
        SSI=other.cast(pl.Int64),
        SSIAmount=pl.when(other).then(_integer(row, seed + 22, 100, 1000)).otherwise(0),
    )
    return {
        "Organization": pl.DataFrame({"OrganizationID": ["O1"], "OrganizationName": ["Agency"]}),
        "Project": projects,
        "ProjectCoC": project_coc,
        "Funder": funder,
        "Client": clients,
        "Enrollment": enrollment,
        "Exit": exits,
        "Services": services,
        "IncomeBenefits": income,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enrollments", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    import django

    django.setup()
    from sunflower.reports.engine import HmisFrames, ReportParams, run_report

    began = time.perf_counter()
    files = generate(args.enrollments, args.seed)
    # As from_csv_folder gives them: every column a string, typed by the engine.
    raw = {stem: frame.select(pl.all().cast(pl.String)) for stem, frame in files.items()}
    print(f"generated in {time.perf_counter() - began:.1f} s:")
    for stem, frame in raw.items():
        print(f"  {stem:15} {frame.height:>10,} rows")
    params = ReportParams(REPORT_START, REPORT_END, COC)
    # HUD's layout of the current year alone (as the kit), then as the application runs it,
    # with the prior year's measures for the "Previous FY" columns.
    for prior_year in (False, True):
        # Fresh frames each run: reading and typing the files is part of end to end.
        frames = HmisFrames(raw.get, description="bench/spm.py")
        began = time.perf_counter()
        result = run_report("spm", frames, params, prior_year=prior_year)
        total = time.perf_counter() - began
        print("with the prior year:" if prior_year else "current year only:")
        for stage, seconds in result.seconds.items():
            print(f"  {stage:10} {seconds:7.2f} s")
        print(f"total {total:.2f} s")
    universe = {name: table.values[0][1] for name, table in result.tables.items()}
    print("first count cells:", universe)


if __name__ == "__main__":
    main()
