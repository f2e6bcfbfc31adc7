"""CAPER-only questions Q22a2 and Q22d: length of participation in the CAPER's bands."""

from __future__ import annotations

import polars as pl

from sunflower.reports.apr.q22 import LEAVERS_AND_STAYERS, participation
from sunflower.reports.engine import HOUSEHOLD_COLUMNS, ReportContext, Table, count_grid, question
from sunflower.reports.engine.lengths import (
    CAPER_PARTICIPATION_BANDS,
    TWO_YEAR_BANDS,
    band_of,
    band_rows,
)


@question("Q22a2", "caper")
def q22a2(ctx: ReportContext) -> Table:
    """Length of participation (ESG projects), leavers and stayers."""
    frame = participation(ctx).with_columns(
        band=band_of(pl.col("participation_days"), CAPER_PARTICIPATION_BANDS)
    )
    rows = [*band_rows("band", CAPER_PARTICIPATION_BANDS), ("Total", pl.lit(True))]
    return count_grid("Q22a2", frame, rows, LEAVERS_AND_STAYERS)


@question("Q22d", "caper")
def q22d(ctx: ReportContext) -> Table:
    """Length of participation by household type, in bands up to two years."""
    frame = participation(ctx).with_columns(
        band=band_of(pl.col("participation_days"), TWO_YEAR_BANDS)
    )
    rows = [*band_rows("band", TWO_YEAR_BANDS), ("Total", pl.lit(True))]
    return count_grid("Q22d", frame, rows, HOUSEHOLD_COLUMNS)
