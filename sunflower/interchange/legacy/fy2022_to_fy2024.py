"""HMIS CSV FY2022 → FY2024.

What changes, and the table or rule for each (evidence in ``data/SOURCE.md``):

- Living situation, destination and current living situation: FY2022 list 3.12.1 → FY2024 codes.
  The "rental by client with a subsidy" codes become 435 plus a subsidy type (list 3.12.A) in
  ``RentalSubsidyType``, ``DestinationSubsidyType`` and ``CLSSubsidyType``
  (``data/living_situation_fy2022_to_fy2024.csv``).
- Race and ethnicity are combined: Ethnicity → ``HispanicLatinaeo``; race 99 → 0; ``RaceNone``
  holds the reason only when nothing is selected. ``MidEastNAfrican`` = 0 (not selected; FY2022
  had no such option).
- Gender: Female/Male/NoSingleGender renamed Woman/Man/NonBinary, and the new checkboxes are 0.
  These are dropped again in FY2026.
- Project: ES ProjectType is split by TrackingMethod; RRH gets RRHSubType 2; TrackingMethod and
  HMISParticipatingProject go. ``HMISParticipation.csv`` is derived from the latter;
  ``CEParticipation.csv`` is written empty.
- ``EnrollmentCoC.csv`` → ``Enrollment.EnrollmentCoC`` (the entry record; then the head of
  household's; then the project's only CoC; else empty and reported).
- Renamed columns (``data/renamed_columns.csv``). Removed columns are dropped, and the converter
  counts the values lost.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from . import spec
from .base import Origin, Row, Step, carry, row_ref

STEP = "fy2022_to_fy2024"

RACES = ("AmIndAKNative", "Asian", "BlackAfAmerican", "NativeHIPacific", "White")
LIVING_SITUATIONS = {
    "Enrollment.csv": ("LivingSituation", "RentalSubsidyType"),
    "Exit.csv": ("Destination", "DestinationSubsidyType"),
    "CurrentLivingSituation.csv": ("CurrentLivingSituation", "CLSSubsidyType"),
}

CE_PARTICIPATION_NOTE = (
    "FY2022 has no CE participation element (2.09); HUD's mapping says no mapping is required, "
    "so no rows are made up. Record CE participation for access points after import"
)
NEW_COLUMN_NOTES = {
    ("Export.csv", "ImplementationID"): (
        "new in FY2024: the source database's vendor ID; FY2022 has none "
        "(pass it in export_defaults)"
    ),
    ("Client.csv", "AdditionalRaceEthnicity"): "new in FY2024; not collected in FY2022",
    ("Client.csv", "DifferentIdentityText"): "new in FY2024; not collected in FY2022",
    ("Services.csv", "FAStartDate"): (
        "new in FY2024 (SSVF assistance period); FY2022 recorded only DateProvided"
    ),
    ("Services.csv", "FAEndDate"): (
        "new in FY2024 (SSVF assistance period); FY2022 recorded only DateProvided"
    ),
}


class Fy2022ToFy2024(Step):
    name = STEP
    source_version = spec.FY2022
    target_version = spec.FY2024

    def __init__(self, upstream, report):
        super().__init__(upstream, report)
        self._living = spec.living_situation_fy2022()
        self._ethnicity = spec.value_map("ethnicity_to_hispaniclatinaeo")
        self._race = spec.value_map("race_checkbox")
        self._hmis = spec.value_map("hmis_participating_project")
        self._es = spec.value_map("es_tracking_method")
        self._coc_ready = False
        self.file_notes = {
            "HMISParticipation.csv": (
                "derived from Project.csv HMISParticipatingProject: one row per project, "
                "for the project's operating period"
            ),
            "CEParticipation.csv": "written with its header only: " + CE_PARTICIPATION_NOTE,
        }

    def target_columns(self) -> dict[str, tuple[str, ...]]:
        return spec.columns(spec.FY2024)

    def new_column_note(self, file: str, column: str) -> str:
        if file == "CEParticipation.csv":
            return CE_PARTICIPATION_NOTE
        return NEW_COLUMN_NOTES.get((file, column), super().new_column_note(file, column))

    def special_plan(self, file: str) -> dict[str, Origin]:
        plan: dict[str, Origin] = {
            new: Origin("rename", ((file, old),))
            for new, old in spec.renamed_columns(STEP).get(file, {}).items()
        }
        if file == "Project.csv":
            plan["ProjectType"] = Origin(
                "derived",
                ((file, "ProjectType"), (file, "TrackingMethod")),
                "ES (1) split by TrackingMethod: 3 -> 1 night-by-night, else 0 entry/exit",
            )
            plan["RRHSubType"] = Origin(
                "derived",
                ((file, "ProjectType"),),
                "2 (housing with or without services) for RRH projects, as HUD's FY2024 "
                "mapping does; FY2022 had no RRH subtype",
            )
        elif file == "HMISParticipation.csv":
            project = "Project.csv"
            sources = {
                "HMISParticipationID": "ProjectID",
                "ProjectID": "ProjectID",
                "HMISParticipationType": "HMISParticipatingProject",
                "HMISParticipationStatusStartDate": "OperatingStartDate",
                "HMISParticipationStatusEndDate": "OperatingEndDate",
            }
            for column in self.columns(file):
                source = sources.get(column, column)
                plan[column] = Origin("derived", ((project, source),), "one row per FY2022 project")
        elif file == "Client.csv":
            plan["HispanicLatinaeo"] = Origin(
                "derived",
                ((file, "Ethnicity"),),
                "Ethnicity 1 -> 1; 0, 8, 9, 99 -> 0 (not selected)",
            )
            plan["MidEastNAfrican"] = Origin(
                "derived", (), "0 = not selected: FY2022 had no such option"
            )
            for race in RACES:
                plan[race] = Origin("recode", ((file, race),), "99 -> 0 (list 1.10 is 0/1)")
            plan["RaceNone"] = Origin(
                "derived",
                ((file, "RaceNone"), (file, "Ethnicity"), *((file, r) for r in RACES)),
                "kept only when no race or ethnicity is selected; then the reason from "
                "RaceNone or Ethnicity (8/9/99)",
            )
            for column in ("CulturallySpecific", "DifferentIdentity"):
                plan[column] = Origin("derived", (), "0 = not selected: no such FY2022 option")
        elif file == "Enrollment.csv":
            plan["EnrollmentCoC"] = Origin(
                "derived",
                (
                    ("EnrollmentCoC.csv", "CoCCode"),
                    ("EnrollmentCoC.csv", "EnrollmentID"),
                    ("EnrollmentCoC.csv", "DataCollectionStage"),
                    ("EnrollmentCoC.csv", "InformationDate"),
                    ("ProjectCoC.csv", "CoCCode"),
                ),
                "the CoC of the entry record in EnrollmentCoC.csv; else the head of "
                "household's; else the project's only ProjectCoC code",
            )
        if file in LIVING_SITUATIONS:
            column, subsidy = LIVING_SITUATIONS[file]
            plan[column] = Origin("recode", ((file, column),), "FY2022 list 3.12.1 -> FY2024")
            plan[subsidy] = Origin(
                "derived",
                ((file, column),),
                "subsidy type (3.12.A) split out of the FY2022 rental-with-subsidy codes",
            )
        return plan

    def hook(self, file: str) -> Callable[[Row, Row], None] | None:
        if file == "Project.csv":
            return self._project
        if file == "Client.csv":
            return self._client
        if file == "Enrollment.csv":
            self._prepare_enrollment_coc()
            return self._enrollment
        if file in LIVING_SITUATIONS:
            column, subsidy = LIVING_SITUATIONS[file]
            return lambda row, out: self._living_situation(file, column, subsidy, row, out)
        return None

    def derived_rows(self, file: str) -> Iterator[Row] | None:
        if file == "HMISParticipation.csv":
            return self._hmis_participation()
        if file == "CEParticipation.csv":
            return iter(())
        return None

    # -- Project ---------------------------------------------------------------------------
    def _project(self, row: Row, out: Row) -> None:
        file = "Project.csv"
        project_type = row.get("ProjectType", "").strip()
        tracking = row.get("TrackingMethod", "").strip()
        out["ProjectType"] = row.get("ProjectType", "")
        if project_type == "1":
            mapped = self._es.get(tracking)
            if mapped is None or tracking == "":
                mapped = self._es[""]
                self.report.add(
                    "note",
                    file,
                    "ProjectType",
                    step=self.name,
                    row=row_ref(row),
                    detail=f"emergency shelter with TrackingMethod {tracking or 'missing'}: "
                    "assumed entry/exit (0); check the project",
                )
            out["ProjectType"] = mapped[0]
            self.recoded(
                file,
                "ProjectType",
                f"1 (TrackingMethod {tracking or 'empty'})",
                mapped[0],
                source="ProjectType, TrackingMethod",
            )
        elif tracking:
            self.report.add(
                "note",
                file,
                "TrackingMethod",
                step=self.name,
                row=row_ref(row),
                detail="TrackingMethod on a project that is not ES (1): dropped",
            )
        if out.get("ProjectType", "").strip() == "13":
            out["RRHSubType"] = "2"
            self.report.add(
                "filled",
                file,
                "RRHSubType",
                step=self.name,
                new="2",
                row=row_ref(row),
                detail="RRH project: RRH: Housing with or without services, as HUD's FY2024 "
                "mapping does; FY2022 had no subtype (correct RRH: Services Only "
                "projects by hand)",
            )

    def _hmis_participation(self) -> Iterator[Row]:
        file = "HMISParticipation.csv"
        for row in self.up.rows("Project.csv"):
            value = row.get("HMISParticipatingProject", "").strip()
            mapped = self._hmis.get(value)
            if mapped is None:
                self.unmappable(
                    file,
                    "HMISParticipationType",
                    value,
                    row,
                    "Project.csv HMISParticipatingProject has no 2.08 equivalent; "
                    "no HMISParticipation row for this project",
                )
                continue
            self.recoded(
                file,
                "HMISParticipationType",
                value,
                mapped[0],
                source="Project.csv HMISParticipatingProject",
            )
            out = carry(row)
            out.update(
                {
                    "HMISParticipationID": row.get("ProjectID", ""),
                    "ProjectID": row.get("ProjectID", ""),
                    "HMISParticipationType": mapped[0],
                    "HMISParticipationStatusStartDate": row.get("OperatingStartDate", ""),
                    "HMISParticipationStatusEndDate": row.get("OperatingEndDate", ""),
                }
            )
            for column in ("DateCreated", "DateUpdated", "UserID", "DateDeleted", "ExportID"):
                out[column] = row.get(column, "")
            yield out

    # -- Client ----------------------------------------------------------------------------
    def _client(self, row: Row, out: Row) -> None:
        file = "Client.csv"
        ethnicity = row.get("Ethnicity", "").strip()
        if ethnicity == "":
            hispanic = "0"
        else:
            mapped = self._ethnicity.get(ethnicity)
            hispanic = mapped[0] if mapped else ""
            if mapped is None:
                self.unmappable(
                    file,
                    "HispanicLatinaeo",
                    ethnicity,
                    row,
                    "Ethnicity value is not an FY2022 code",
                )
        out["HispanicLatinaeo"] = hispanic
        self.recoded(file, "HispanicLatinaeo", ethnicity, hispanic, source="Ethnicity")
        out["MidEastNAfrican"] = "0"
        self.report.add(
            "filled",
            file,
            "MidEastNAfrican",
            step=self.name,
            new="0",
            detail="not selected: FY2022 had no Middle Eastern or North African option",
        )
        for race in RACES:
            value = row.get(race, "").strip()
            if value == "":
                new = "0"
            else:
                mapped = self._race.get(value)
                if mapped is None:
                    self.unmappable(file, race, value, row, "not a code of FY2022 list 1.7")
                    new = ""
                else:
                    new = mapped[0]
            out[race] = new
            if new != value and (new or value):
                self.recoded(file, race, value, new)
        selected = any(out[c] == "1" for c in (*RACES, "HispanicLatinaeo"))
        race_none = row.get("RaceNone", "").strip()
        if selected and race_none:
            out["RaceNone"] = ""
            self.recoded(
                file, "RaceNone", race_none, "", detail="cleared: a race or ethnicity is selected"
            )
        elif not selected and not race_none:
            new = ethnicity if ethnicity in ("8", "9", "99") else "99"
            out["RaceNone"] = new
            self.recoded(
                file,
                "RaceNone",
                "",
                new,
                source="Ethnicity" if new == ethnicity else "RaceNone",
                detail="no race or ethnicity selected",
            )
        else:
            out["RaceNone"] = race_none
        out["CulturallySpecific"] = "0"
        out["DifferentIdentity"] = "0"

    # -- living situations ---------------------------------------------------------------
    def _living_situation(self, file: str, column: str, subsidy: str, row: Row, out: Row) -> None:
        value = row.get(column, "").strip()
        out[column] = out[subsidy] = ""
        if not value:
            return
        mapped = self._living.get(value)
        if mapped is None:
            self.unmappable(file, column, value, row, "not a code of FY2022 list 3.12.1")
            return
        out[column], out[subsidy] = mapped
        self.recoded(file, column, value, mapped[0])
        if mapped[1]:
            self.recoded(file, subsidy, value, mapped[1], source=column)

    # -- Enrollment --------------------------------------------------------------------------
    def _prepare_enrollment_coc(self) -> None:
        if self._coc_ready:
            return
        self._coc_ready = True
        by_enrollment: dict[str, tuple[int, str, str]] = {}
        records = 0
        for row in self.up.rows("EnrollmentCoC.csv"):
            coc = row.get("CoCCode", "").strip()
            enrollment = row.get("EnrollmentID", "").strip()
            if row.get("DateDeleted", "").strip() or not coc or not enrollment:
                continue
            records += 1
            rank = 0 if row.get("DataCollectionStage", "").strip() == "1" else 1
            key = (rank, row.get("InformationDate", "").strip() or "9999-99-99", coc)
            if enrollment not in by_enrollment or key < by_enrollment[enrollment]:
                by_enrollment[enrollment] = key
        project_cocs: dict[str, set[str]] = {}
        for row in self.up.rows("ProjectCoC.csv"):
            if row.get("DateDeleted", "").strip():
                continue
            coc = row.get("CoCCode", "").strip()
            if coc:
                project_cocs.setdefault(row.get("ProjectID", "").strip(), set()).add(coc)
        household_coc: dict[str, str] = {}
        for row in self.up.rows("Enrollment.csv"):
            if row.get("RelationshipToHoH", "").strip() != "1":
                continue
            found = by_enrollment.get(row.get("EnrollmentID", "").strip())
            household = row.get("HouseholdID", "").strip()
            if found and household:
                household_coc.setdefault(household, found[2])
        self._coc_by_enrollment = by_enrollment
        self._project_cocs = project_cocs
        self._household_coc = household_coc
        unused = records - len(by_enrollment)
        if unused:
            self.report.note(
                "EnrollmentCoC.csv",
                "EnrollmentCoC.csv records not carried: FY2024 keeps one CoC per enrollment, "
                "the one at project entry",
                step=self.name,
                count=unused,
            )

    def _enrollment(self, row: Row, out: Row) -> None:
        file = "Enrollment.csv"
        column, subsidy = LIVING_SITUATIONS[file]
        self._living_situation(file, column, subsidy, row, out)
        enrollment = row.get("EnrollmentID", "").strip()
        project = row.get("ProjectID", "").strip()
        project_cocs = self._project_cocs.get(project, set())
        found = self._coc_by_enrollment.get(enrollment)
        if found is not None:
            coc = found[2]
            how = (
                "EnrollmentCoC.csv, entry record"
                if found[0] == 0
                else "EnrollmentCoC.csv, record at a later stage (no entry record)"
            )
        elif row.get("HouseholdID", "").strip() in self._household_coc:
            coc = self._household_coc[row.get("HouseholdID", "").strip()]
            how = "the head of household's EnrollmentCoC (no record for this member)"
        elif len(project_cocs) == 1:
            coc = next(iter(project_cocs))
            how = "the project's only ProjectCoC code (no EnrollmentCoC record)"
        else:
            out["EnrollmentCoC"] = ""
            self.unmappable(
                file,
                "EnrollmentCoC",
                "",
                row,
                f"no EnrollmentCoC record, and the project has {len(project_cocs)} "
                "ProjectCoC codes",
            )
            return
        out["EnrollmentCoC"] = coc
        self.report.add("derived", file, "EnrollmentCoC", step=self.name, detail=how)
        if project_cocs and coc not in project_cocs:
            self.report.add(
                "note",
                file,
                "EnrollmentCoC",
                step=self.name,
                row=row_ref(row),
                detail=f"EnrollmentCoC {coc} is not among the project's ProjectCoC codes "
                "(kept as recorded)",
            )
