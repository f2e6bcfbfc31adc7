"""CAPER Q24a: homelessness prevention housing assessment at exit (4.18 Housing Assessment
at Exit with its dependent Subsidy Information), for HP leavers."""

from __future__ import annotations

import polars as pl

from sunflower.reports.engine import ReportContext, Table, count_grid, question
from sunflower.reports.engine.destinations import HOMELESSNESS_PREVENTION
from sunflower.reports.engine.labels import DK_PNTA_SENTENCE

MAINTAINED = "Able to maintain the housing they had at project start"
MOVED = "Moved to new housing unit"

# (HousingAssessment codes, SubsidyInformation codes or None when it does not apply, label)
ASSESSMENT_ROWS: list[tuple[tuple[int, ...], tuple[int, ...] | None, str]] = [
    ((1,), (1,), f"{MAINTAINED}--Without a subsidy"),
    ((1,), (2,), f"{MAINTAINED}--With the subsidy they had at project start"),
    ((1,), (3,), f"{MAINTAINED}--With an on-going subsidy acquired since project start"),
    ((1,), (4,), f"{MAINTAINED}--Only with financial assistance other than a subsidy"),
    ((2,), (11,), f"{MOVED}--With on-going subsidy"),
    ((2,), (12,), f"{MOVED}--Without an on-going subsidy"),
    ((3,), None, "Moved in with family/friends on a temporary basis"),
    ((4,), None, "Moved in with family/friends on a permanent basis"),
    ((5,), None, "Moved to a transitional or temporary housing facility or program"),
    (
        (6,),
        None,
        "Client became homeless \u2013 moving to a shelter or other place unfit for human "
        "habitation",
    ),
    ((7,), None, "Jail/prison"),
    ((10,), None, "Deceased"),
    ((8, 9), None, DK_PNTA_SENTENCE),
    ((99,), None, "Data not collected (no exit interview completed)"),
]


def _assessment_row(assessments: tuple[int, ...], subsidies: tuple[int, ...] | None) -> pl.Expr:
    # A blank assessment is in no row and not in the Total: the specifications only list
    # 99 for "Data not collected" and HUD's reference code drops blanks.
    assessment = pl.col("HousingAssessment")
    condition = assessment.is_in(list(assessments)).fill_null(False)
    if subsidies is not None:
        condition = condition & pl.col("SubsidyInformation").is_in(list(subsidies))
    return condition


@question("Q24a", "caper")
def q24a(ctx: ReportContext) -> Table:
    """HP leavers by housing assessment at exit; Total is every leaver counted in a row."""
    leavers = ctx.served.lazy().filter(
        pl.col("leaver") & (pl.col("ProjectType") == HOMELESSNESS_PREVENTION)
    )
    rows = [(label, _assessment_row(a, s)) for a, s, label in ASSESSMENT_ROWS]
    any_row = pl.any_horizontal([expr for _, expr in rows])
    rows.append(("Total", any_row))
    return count_grid("Q24a", leavers, rows)
