"""The CE APR's universe: households assessed in the period, as HUD's CE APR programming
specifications select them, on the shared engine.

* **Projects**: the CoC's (or the chosen) continuum projects that were coordinated-entry
  access points (2.09 CE Participation, AccessPoint = 1) on some day of the period.
* **Enrollments of the CoC**: every enrollment of a project with one CoC (ProjectCoC); in a
  project of several CoCs, the enrollments whose 3.16 Enrollment CoC is the report's.
* **CE activity**: assessments (4.19) dated in the period and events (4.20) dated from the
  period start to 90 days after its end, recorded on those enrollments on or after their
  project start.
* **The household's assessment**: each client's latest assessment in the period; a
  household's is the latest of its members' (any member's, not only the head's).
* **Clients** (``enrollments``, ``served``): every member of such a household whose
  enrollment was active on the household's assessment date; household type and age as in the
  APR, from those members. ``served`` is then the APR's, so Q5a–Q8a reuse its questions.
* **Events after the assessment** (Q9c, Q9d): the head's one latest event from the
  assessment date to 90 days after the period, before any later assessment of theirs; an
  event of the same enrollment first. Q9c reports it when it is an access event (1–4), Q9d
  when it is a referral (5–18), so a household counts in at most one of them.
"""

from __future__ import annotations

from datetime import timedelta
from functools import cached_property

import polars as pl

from sunflower.reports.engine.universe import ReportContext

# Days after the period in which events (and the assessments that end their window) count.
EVENT_GRACE_DAYS = 90
HOUSEHOLD_COLUMNS_DERIVED = (
    "hoh_move_in_date",
    "hoh_date_to_street",
    "hoh_entry_date",
    "oldest_age",
    "has_child_of_hoh",
    "household_type",
    "youth_household",
)


class CoordinatedEntryContext(ReportContext):
    @cached_property
    def projects(self) -> pl.DataFrame:
        params = self.params
        projects = ReportContext.projects.func(self).filter(pl.col("ContinuumProject") == 1)
        participation = self.frames["CEParticipation"].filter(
            (pl.col("AccessPoint") == 1)
            & (
                pl.col("CEParticipationStatusStartDate").is_null()
                | (pl.col("CEParticipationStatusStartDate") <= params.end)
            )
            & (
                pl.col("CEParticipationStatusEndDate").is_null()
                | (pl.col("CEParticipationStatusEndDate") >= params.start)
            )
        )
        return projects.filter(pl.col("ProjectID").is_in(participation["ProjectID"].implode()))

    @cached_property
    def coc_enrollments(self) -> pl.DataFrame:
        """The CE projects' enrollments active in the period that belong to the report's CoC
        (project columns, exit and age joined; no household columns yet)."""
        enrollments = self.enrollments_in_period()
        if not self.params.coc:
            return enrollments
        cocs = (
            self.frames["ProjectCoC"]
            .group_by("ProjectID")
            .agg(several=pl.col("CoCCode").n_unique() > 1)
        )
        several = cocs.filter(pl.col("several"))["ProjectID"].implode()
        return enrollments.filter(
            ~pl.col("ProjectID").is_in(several) | (pl.col("EnrollmentCoC") == self.params.coc)
        )

    def _on_coc_enrollments(
        self, records: pl.DataFrame, date_column: str, last_day
    ) -> pl.DataFrame:
        """``records`` (Assessment or Event rows) of the CoC's CE enrollments, dated from the
        period start to ``last_day`` and not before their enrollment's project start."""
        enrollments = self.coc_enrollments.select(
            "EnrollmentID", "HouseholdID", "ProjectID", "EntryDate", "ExitDate"
        )
        return records.join(enrollments, on="EnrollmentID", how="inner").filter(
            (pl.col(date_column) >= self.params.start)
            & (pl.col(date_column) <= last_day)
            & (pl.col(date_column) >= pl.col("EntryDate"))
        )

    @cached_property
    def assessments(self) -> pl.DataFrame:
        """Coordinated Entry Assessments (4.19) of the report, in the period."""
        return self.memo(
            "ce_assessments",
            lambda: self._on_coc_enrollments(
                self.frames["Assessment"], "AssessmentDate", self.params.end
            ),
        )

    @cached_property
    def events(self) -> pl.DataFrame:
        """Coordinated Entry Events (4.20) of the report, from the period start to 90 days
        after its end (Q10 counts those of the period)."""
        last_day = self.params.end + timedelta(days=EVENT_GRACE_DAYS)
        return self.memo(
            "ce_events",
            lambda: self._on_coc_enrollments(self.frames["Event"], "EventDate", last_day),
        )

    @cached_property
    def household_assessments(self) -> pl.DataFrame:
        """One row per household: the latest of its members' latest assessments."""
        latest_first = self.assessments.with_row_index("_order").sort(
            ["AssessmentDate", "_order"], descending=[True, False]
        )
        per_client = latest_first.unique("PersonalID", keep="first", maintain_order=True)
        return per_client.unique("HouseholdID", keep="first", maintain_order=True).select(
            "HouseholdID",
            pl.col("AssessmentID").alias("household_AssessmentID"),
            "AssessmentDate",
            "AssessmentType",
            "AssessmentLevel",
            "PrioritizationStatus",
        )

    @cached_property
    def enrollments(self) -> pl.DataFrame:
        if self._enrollments is not None:
            return self._enrollments()
        assessed = self.coc_enrollments.join(
            self.household_assessments, on="HouseholdID", how="inner"
        ).filter(
            (pl.col("AssessmentDate") >= pl.col("EntryDate"))
            & (pl.col("ExitDate").is_null() | (pl.col("AssessmentDate") <= pl.col("ExitDate")))
        )
        return self._with_household(assessed)

    @cached_property
    def latest_events(self) -> pl.DataFrame:
        """Each assessed head of household's one event after the household's assessment (see
        the module docstring), with the head's household type."""
        heads = self.served.filter(pl.col("is_hoh")).select(
            "PersonalID", "EnrollmentID", "household_type", "AssessmentDate"
        )
        later_assessments = (
            self.frames["Assessment"]
            .filter(
                (pl.col("AssessmentDate") > self.params.end)
                & (pl.col("AssessmentDate") <= self.params.end + timedelta(days=EVENT_GRACE_DAYS))
            )
            .group_by("PersonalID")
            .agg(cutoff=pl.col("AssessmentDate").min())
        )
        # Any event of the client in the CE projects (not only of the enrollment assessed).
        ce_enrollments = self.frames["Enrollment"].filter(
            pl.col("ProjectID").is_in(self.projects["ProjectID"].implode())
        )
        events = (
            self.frames["Event"]
            .filter(
                pl.col("EnrollmentID").is_in(ce_enrollments["EnrollmentID"].implode())
                & (pl.col("EventDate") <= self.params.end + timedelta(days=EVENT_GRACE_DAYS))
            )
            .select(
                "PersonalID",
                pl.col("EnrollmentID").alias("event_EnrollmentID"),
                "EventID",
                "EventDate",
                "Event",
                "ProbSolDivRRResult",
                "ReferralCaseManageAfter",
                "ReferralResult",
            )
            .with_row_index("_order")
        )
        candidates = (
            heads.join(events, on="PersonalID", how="inner")
            .join(later_assessments, on="PersonalID", how="left")
            .filter(
                (pl.col("EventDate") >= pl.col("AssessmentDate"))
                & (pl.col("cutoff").is_null() | (pl.col("EventDate") < pl.col("cutoff")))
            )
            .with_columns(same_enrollment=pl.col("event_EnrollmentID") == pl.col("EnrollmentID"))
        )
        return (
            candidates.sort(
                ["same_enrollment", "EventDate", "_order"], descending=[True, True, False]
            )
            .unique("PersonalID", keep="first", maintain_order=True)
            .drop("_order", "cutoff")
        )
