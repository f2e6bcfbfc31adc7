"""Physical and mental health conditions (HMIS 4.05–4.10), written once for Q13 and Q26e.

A condition is present when the record's response is Yes (1); substance use (4.10) splits by
its response into alcohol (1), drug (2) or both (3). ``condition_records`` names each
record's condition (null when it shows none); the collection points are project start (stage 1), exit (stage 3) and,
for stayers, the latest assessment: the latest date, on or before the report end, of a
project start, update or annual assessment record (stages 1, 2, 5) that carries an answer
(No or Yes; 1, 2 or 3 for substance use), and every record of that date, whatever its stage.

The specifications leave the latest assessment open (Q13c1: "the record from their latest
data available, regardless of [data collection stage], where the [information date] <=
[report end date]"; Q13c2: "([data collection stage] = 5, 2 or 1)"), so this is HUD's
reference code's rule: its table of disability records keeps the answered ones only (8, 9
and 99 are left out) before it takes the latest date.
"""

from __future__ import annotations

import polars as pl

START_STAGE, UPDATE_STAGE, EXIT_STAGE, ANNUAL_STAGE = 1, 2, 3, 5
LATEST_ASSESSMENT_STAGES = [START_STAGE, UPDATE_STAGE, ANNUAL_STAGE]

MENTAL_HEALTH = "Mental Health Disorder"
ALCOHOL = "Alcohol Use Disorder"
DRUG = "Drug Use Disorder"
BOTH_SUBSTANCES = "Both Alcohol and Drug Use Disorders"
CHRONIC_HEALTH = "Chronic Health Condition"
HIV_AIDS = "HIV/AIDS"
DEVELOPMENTAL = "Developmental Disability"
PHYSICAL = "Physical Disability"
# HUD's row order (Q13a1, Q26e).
CONDITION_ROWS = [
    MENTAL_HEALTH,
    ALCOHOL,
    DRUG,
    BOTH_SUBSTANCES,
    CHRONIC_HEALTH,
    HIV_AIDS,
    DEVELOPMENTAL,
    PHYSICAL,
]

_DISABILITY_TYPE_NAMES = {
    5: PHYSICAL,
    6: DEVELOPMENTAL,
    7: CHRONIC_HEALTH,
    8: HIV_AIDS,
    9: MENTAL_HEALTH,
}
SUBSTANCE_USE = 10
_SUBSTANCE_RESPONSE_NAMES = {1: ALCOHOL, 2: DRUG, 3: BOTH_SUBSTANCES}


def report_disabilities(ctx) -> pl.DataFrame:
    """The Disabilities records (the columns the questions read), selected once; questions
    join them to their own clients' enrollments."""
    return ctx.memo(
        "report_disabilities",
        lambda: ctx.frames["Disabilities"].select(
            "EnrollmentID",
            "InformationDate",
            "DataCollectionStage",
            "DisabilityType",
            "DisabilityResponse",
            "IndefiniteAndImpairs",
        ),
        shared=True,
    )


def condition_records(ctx) -> pl.DataFrame:
    """The Disabilities records that show a condition (EnrollmentID, InformationDate,
    DisabilityType, DisabilityResponse, DataCollectionStage, ``condition``) with
    ``at_latest_assessment`` (the record is of its enrollment's latest assessment date, see
    the module's docstring; read for stayers). Built once per report (it reads only the
    frames); a question joins it to its clients."""

    def build() -> pl.DataFrame:
        records = report_disabilities(ctx).lazy().drop("IndefiniteAndImpairs")
        # The condition by lookup (one join) rather than a chain of conditions per record.
        names = pl.DataFrame(
            [
                *[(code, 1, name) for code, name in _DISABILITY_TYPE_NAMES.items()],
                *[(SUBSTANCE_USE, code, name) for code, name in _SUBSTANCE_RESPONSE_NAMES.items()],
            ],
            schema={
                "DisabilityType": pl.Int64,
                "DisabilityResponse": pl.Int64,
                "condition": pl.String,
            },
            orient="row",
        ).lazy()
        response = pl.col("DisabilityResponse")
        answered = response.is_in([0, 1]) | (
            (pl.col("DisabilityType") == SUBSTANCE_USE) & response.is_in([2, 3])
        )
        assessment = (
            pl.col("DataCollectionStage").is_in(LATEST_ASSESSMENT_STAGES)
            & (pl.col("InformationDate") <= ctx.params.end)
            & answered
        )
        latest = (
            records.filter(assessment)
            .group_by("EnrollmentID")
            .agg(latest_date=pl.col("InformationDate").max())
        )
        # The latest assessment date is found among all records; only those that show a
        # condition are kept (every question counts conditions only).
        return (
            records.join(names, on=["DisabilityType", "DisabilityResponse"], how="inner")
            .join(latest, on="EnrollmentID", how="left")
            .with_columns(
                at_latest_assessment=(pl.col("InformationDate") == pl.col("latest_date")).fill_null(
                    False
                )
            )
            .drop("latest_date")
            .collect()
        )

    return ctx.memo("condition_records", build, shared=True)


def conditions_at(records: pl.DataFrame, point: str) -> pl.DataFrame:
    """The records of one collection point: "start", "exit" or "latest" (stayers)."""
    if point == "start":
        return records.filter(pl.col("DataCollectionStage") == START_STAGE)
    if point == "exit":
        return records.filter(pl.col("DataCollectionStage") == EXIT_STAGE)
    return records.filter(pl.col("at_latest_assessment"))
