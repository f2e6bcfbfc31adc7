"""CAPER-only questions Q22a2 and Q22d: length of participation in the CAPER's bands."""

from __future__ import annotations

from sunflower.reports.apr.q22 import participation
from sunflower.reports.engine import HOUSEHOLD_COLUMNS, ReportContext, Table, question
from sunflower.reports.engine.lengths import (
    CAPER_PARTICIPATION_BANDS,
    TWO_YEAR_BANDS,
    band_table,
)
from sunflower.reports.engine.table import LEAVERS_AND_STAYERS


@question("Q22a2", "caper")
def q22a2(ctx: ReportContext) -> Table:
    """Length of participation (ESG projects), leavers and stayers."""
    return band_table(
        "Q22a2",
        participation(ctx),
        "participation_days",
        CAPER_PARTICIPATION_BANDS,
        LEAVERS_AND_STAYERS,
    )


@question("Q22d", "caper")
def q22d(ctx: ReportContext) -> Table:
    """Length of participation by household type, in bands up to two years."""
    return band_table(
        "Q22d", participation(ctx), "participation_days", TWO_YEAR_BANDS, HOUSEHOLD_COLUMNS
    )
