"""HMIS CSV FY2024 → FY2026.

The changes are those in the FY2026 pack (``sunflower/hmis/spec/fy2026/SOURCE.md``, "Changes from
FY2024 to FY2026", and ``csv_columns.csv`` column ``fy2024_to_fy2026``):

- Client: the 3.06 gender columns are removed, and the values lost are counted. ``Sex`` (4.21) is
  added and stays empty: it was not collected in the source, and HUD's guidance does not derive
  sex from gender. ``HispanicLatinaeo`` is renamed ``HispanicLatinao``.
- Enrollment: the R3 sexual orientation and C4 translation columns are removed.
  ``MentalHealthConsultation`` (V10) is added empty. R13 moves from list 1.7 to 1.8, which only
  adds codes, so nothing is recoded.
- Exit: R18/R20 move from list 1.7 to 1.10. 99 has no place in the new list and becomes empty
  (the columns are nullable).
- Wider columns (SourceID, OtherFunder, VerifiedBy) and the Funder 47/48 retirement need no
  mapping. Values outside the FY2026 lists are reported by the converter, not changed.
"""

from __future__ import annotations

from collections.abc import Callable

from . import spec
from .base import Origin, Row, Step

STEP = "fy2024_to_fy2026"

LIST_1_10_COLUMNS = (
    "CounselingReceived",
    "IndividualCounseling",
    "FamilyCounseling",
    "GroupCounseling",
    "PostExitCounselingPlan",
    "EmailSocialMedia",
    "Telephone",
    "InPersonIndividual",
    "InPersonGroup",
)

SEX_NOTE = (
    "new in FY2026 (4.21); not collected in the source. HUD's guidance does not derive sex "
    "from gender, so it stays empty"
)
NEW_COLUMN_NOTES = {
    ("Client.csv", "Sex"): SEX_NOTE,
    ("Enrollment.csv", "MentalHealthConsultation"): "new in FY2026 (V10); not collected in "
    "the source",
}


class Fy2024ToFy2026(Step):
    name = STEP
    source_version = spec.FY2024
    target_version = spec.FY2026

    def __init__(self, upstream, report):
        super().__init__(upstream, report)
        self._list_1_10 = spec.value_map("list_1_7_to_1_10")
        self.file_notes: dict[str, str] = {}

    def target_columns(self) -> dict[str, tuple[str, ...]]:
        return spec.columns(spec.FY2026)

    def new_column_note(self, file: str, column: str) -> str:
        return NEW_COLUMN_NOTES.get((file, column), super().new_column_note(file, column))

    def special_plan(self, file: str) -> dict[str, Origin]:
        plan: dict[str, Origin] = {
            new: Origin("rename", ((file, old),))
            for new, old in spec.renamed_columns(STEP).get(file, {}).items()
        }
        if file == "Exit.csv":
            for column in LIST_1_10_COLUMNS:
                plan[column] = Origin("recode", ((file, column),), "list 1.7 -> 1.10: 99 -> empty")
        return plan

    def hook(self, file: str) -> Callable[[Row, Row], None] | None:
        if file == "Exit.csv":
            return self._exit
        return None

    def _exit(self, row: Row, out: Row) -> None:
        for column in LIST_1_10_COLUMNS:
            value = row.get(column, "").strip()
            if not value:
                continue
            mapped = self._list_1_10.get(value)
            if mapped is None:
                out[column] = ""
                self.unmappable("Exit.csv", column, value, row, "not a code of list 1.7")
                continue
            out[column] = mapped[0]
            if mapped[0] != value:
                self.recoded(
                    "Exit.csv",
                    column,
                    value,
                    mapped[0],
                    detail="list 1.10 has no 99; the column is nullable",
                )
