"""The report universe and the concepts every HUD report shares, written once.

``ReportContext`` holds the typed frames and the parameters and derives, lazily:

* ``enrollments``: every enrollment in the selected projects active in the period
  (entry on or before the end, no exit or an exit on or after the start), with its exit
  and project joined. An exit after the report end is not an exit for the report.
* ``served``: one row per client, the client's latest such enrollment (HUD's "most recent
  enrollment in the report"), with age, household type, HoH dates, leaver/stayer and
  chronic status at entry joined, and ``client_number``, the client's row (an integer key
  for the frames derived from it). Most APR/CAPER questions count rows of this frame.

``subset`` narrows the report to some clients (optionally presenting them with other column
values, as Q27 does); ``memo`` keeps what several questions derive (once per context, or
once per report for what reads only the frames). ``member_move_in`` is HUD's household
move-in rule for one member.

Column names: HUD's own for HUD columns; snake_case for derived ones.
"""

from __future__ import annotations

from collections.abc import Hashable
from functools import cached_property

import polars as pl

from .frames import HmisFrames
from .labels import DK_PNTA, NOT_COLLECTED
from .params import ReportParams

ADULT = "adult"
CHILD = "child"
# Age unknown, split as HUD's tables do.
AGE_DK_PNTA = "dk_pnta"
AGE_NOT_COLLECTED = "not_collected"

ADULTS_ONLY = "adults_only"
ADULTS_AND_CHILDREN = "adults_and_children"
CHILDREN_ONLY = "children_only"
UNKNOWN_HOUSEHOLD = "unknown"

# Age bands of Q11 (age at the later of project start and report start), spelt as HUD's
# tables print them; ``detailed_age_group`` holds a client's band (or DK_PNTA /
# NOT_COLLECTED when the age is unknown).
AGE_BANDS = [
    (0, 4, "Under 5"),
    (5, 12, "5-12"),
    (13, 17, "13-17"),
    (18, 24, "18-24"),
    (25, 34, "25-34"),
    (35, 44, "35-44"),
    (45, 54, "45-54"),
    (55, 64, "55-64"),
    (65, 200, "65+"),
]


def full_years(start: pl.Expr, end: pl.Expr) -> pl.Expr:
    """Whole years from ``start`` to ``end`` (an age on a date)."""
    years = end.dt.year() - start.dt.year()
    before_birthday = (end.dt.month() < start.dt.month()) | (
        (end.dt.month() == start.dt.month()) & (end.dt.day() < start.dt.day())
    )
    return (years - before_birthday.cast(pl.Int64)).cast(pl.Int64)


def member_move_in(move_in: pl.Expr) -> pl.Expr:
    """A member's housing move-in from the household's (``move_in``, the HoH's): null when
    there is none or it came after the member's exit; the member's own project start when
    they joined after it (or were born after it)."""
    entry = pl.col("EntryDate")
    return pl.when(
        move_in.is_not_null() & (pl.col("ExitDate").is_null() | (move_in <= pl.col("ExitDate")))
    ).then(
        pl.when((move_in >= entry) & (pl.col("DOB").is_null() | (move_in >= pl.col("DOB"))))
        .then(move_in)
        .otherwise(entry)
    )


def days_between(start: pl.Expr, end: pl.Expr) -> pl.Expr:
    return (end - start).dt.total_days().cast(pl.Int64)


class ReportContext:
    def __init__(self, frames: HmisFrames, params: ReportParams):
        self.frames = frames
        self.params = params
        self._memo: dict[Hashable, object] = {}
        # What depends only on the frames and the parameters, shared with every subset.
        self._shared: dict[Hashable, object] = {}

    def prepare(self) -> None:
        """Builds the universe most questions share (a report whose questions do not read
        ``served``, such as the SPM, overrides this)."""
        self.served  # noqa: B018

    def memo(self, key: Hashable, build, shared: bool = False):
        """``build()``, computed once per context: frames several questions share (income
        stages, bed nights, annual due dates) are derived once per report run. ``shared``:
        ``build`` reads only the frames and the parameters (not ``served`` or
        ``enrollments``), so the result also serves every ``subset`` of this context."""
        cache = self._shared if shared else self._memo
        if key not in cache:
            cache[key] = build()
        return cache[key]

    # --- projects -------------------------------------------------------------------------
    @cached_property
    def projects(self) -> pl.DataFrame:
        projects = self.frames["Project"]
        if self.params.project_ids:
            projects = projects.filter(pl.col("ProjectID").is_in(list(self.params.project_ids)))
        elif self.params.coc:
            in_coc = self.frames["ProjectCoC"].filter(pl.col("CoCCode") == self.params.coc)
            projects = projects.filter(pl.col("ProjectID").is_in(in_coc["ProjectID"].implode()))
        return projects

    # --- enrollments ----------------------------------------------------------------------
    # A subset's enrollments: the report's, narrowed when first read.
    _enrollments = None

    @cached_property
    def enrollments(self) -> pl.DataFrame:
        if self._enrollments is not None:
            return self._enrollments()
        return self._with_household(self.enrollments_in_period())

    def enrollments_in_period(self) -> pl.DataFrame:
        """The selected projects' enrollments active in the period, with exit, project and
        age, before the household is derived (a report with another universe, such as the
        CE APR's, narrows these first)."""
        start, end = self.params.start, self.params.end
        exits = (
            self.frames["Exit"]
            .drop("PersonalID")
            .rename(
                {
                    "DateCreated": "exit_DateCreated",
                    "DateUpdated": "exit_DateUpdated",
                    "UserID": "exit_UserID",
                    "DateDeleted": "exit_DateDeleted",
                    "ExportID": "exit_ExportID",
                }
            )
        )
        projects = self.projects.select("ProjectID", "ProjectType", "ProjectName", "RRHSubType")
        # The projects by a filter and a left join, not an inner join: an inner join copies
        # every enrollment column, a left join only adds the projects' columns.
        enrollments = (
            self.frames["Enrollment"]
            .filter(pl.col("ProjectID").is_in(projects["ProjectID"].implode()))
            .join(projects, on="ProjectID", how="left")
            .join(exits, on="EnrollmentID", how="left")
            .with_columns(
                # An exit after the report end is not an exit for this report.
                ExitDate=pl.when(pl.col("ExitDate") <= end).then(pl.col("ExitDate")),
            )
            .filter(
                (pl.col("EntryDate") <= end)
                & (pl.col("ExitDate").is_null() | (pl.col("ExitDate") >= start))
            )
        )
        clients = self.frames["Client"]
        date_for_age = pl.max_horizontal(pl.col("EntryDate"), pl.lit(start))
        enrollments = enrollments.join(
            clients.select("PersonalID", "DOB", "DOBDataQuality"), on="PersonalID", how="left"
        ).with_columns(
            age=pl.when(pl.col("DOB").is_not_null() & (pl.col("DOB") <= date_for_age)).then(
                full_years(pl.col("DOB"), date_for_age)
            ),
        )
        enrollments = enrollments.with_columns(
            age_group=pl.when(pl.col("age") >= 18)
            .then(pl.lit(ADULT))
            .when(pl.col("age") < 18)
            .then(pl.lit(CHILD))
            .when(pl.col("DOBDataQuality").is_in([8, 9]))
            .then(pl.lit(AGE_DK_PNTA))
            .otherwise(pl.lit(AGE_NOT_COLLECTED)),
        )
        return enrollments

    def _with_household(self, enrollments: pl.DataFrame) -> pl.DataFrame:
        """Household type and the HoH's dates, from every member in the report."""
        hoh = pl.col("RelationshipToHoH") == 1
        housing = pl.col("ProjectType").is_in([3, 13])
        households = enrollments.group_by("HouseholdID").agg(
            has_adult=(pl.col("age_group") == ADULT).any(),
            has_child=(pl.col("age_group") == CHILD).any(),
            has_unknown=pl.col("age_group").is_in([AGE_DK_PNTA, AGE_NOT_COLLECTED]).any(),
            hoh_move_in_date=pl.col("MoveInDate").filter(hoh & housing).min(),
            hoh_date_to_street=pl.col("DateToStreetESSH").filter(hoh).min(),
            hoh_entry_date=pl.col("EntryDate").filter(hoh).min(),
            oldest_age=pl.col("age").max(),
            has_child_of_hoh=((pl.col("age") < 18) & (pl.col("RelationshipToHoH") == 2)).any(),
        )
        households = households.with_columns(
            household_type=pl.when(pl.col("has_adult") & pl.col("has_child"))
            .then(pl.lit(ADULTS_AND_CHILDREN))
            .when(pl.col("has_unknown"))
            .then(pl.lit(UNKNOWN_HOUSEHOLD))
            .when(pl.col("has_adult"))
            .then(pl.lit(ADULTS_ONLY))
            .otherwise(pl.lit(CHILDREN_ONLY)),
            youth_household=(pl.col("oldest_age") <= 24) & (pl.col("oldest_age") >= 0),
        ).drop("has_adult", "has_child", "has_unknown")
        return enrollments.join(households, on="HouseholdID", how="left")

    # --- one row per client ---------------------------------------------------------------
    @cached_property
    def served(self) -> pl.DataFrame:
        """Each client's latest enrollment in the report, with everything derived."""
        # The latest enrollment's row found on the three sort keys alone, then taken whole
        # (sorting every enrollment column costs more than the whole question).
        latest_rows = (
            self.enrollments.select("PersonalID", "EntryDate", "EnrollmentID")
            .with_row_index("_row")
            .sort(
                ["PersonalID", "EntryDate", "EnrollmentID"],
                descending=[False, True, True],
                maintain_order=True,
            )
            .unique("PersonalID", keep="first", maintain_order=True)
            .get_column("_row")
        )
        latest = self.enrollments[latest_rows]
        client_columns = [
            c for c in self.frames["Client"].columns if c not in ("DOB", "DOBDataQuality")
        ]
        served = latest.join(
            self.frames["Client"]
            .select(client_columns)
            .rename(
                {
                    "DateCreated": "client_DateCreated",
                    "DateUpdated": "client_DateUpdated",
                    "UserID": "client_UserID",
                    "DateDeleted": "client_DateDeleted",
                    "ExportID": "client_ExportID",
                }
            ),
            on="PersonalID",
            how="left",
        )
        move_in = pl.col("hoh_move_in_date")
        served = served.with_columns(
            # HUD: the HoH's move-in applies to the household; a member who entered after it
            # is housed from their own entry.
            move_in_date_adj=member_move_in(move_in),
            leaver=pl.col("ExitDate").is_not_null(),
            stayer=pl.col("ExitDate").is_null(),
            is_adult=pl.col("age_group") == ADULT,
            is_child=pl.col("age_group") == CHILD,
            is_hoh=pl.col("RelationshipToHoH") == 1,
            veteran=(pl.col("age_group") != CHILD) & (pl.col("VeteranStatus") == 1),
            youth=pl.col("youth_household") & (pl.col("age") >= 12),
            detailed_age_group=age_band(),
        )
        served = served.with_columns(
            adult_or_hoh=pl.col("is_adult") | pl.col("is_hoh"),
            days_in_project=days_between(
                pl.col("EntryDate"),
                pl.coalesce(pl.col("ExitDate"), pl.lit(self.params.day_after_end)),
            ),
        )
        from .chronic import chronic_at_entry

        return served.join(chronic_at_entry(self), on="EnrollmentID", how="left").with_columns(
            # The client's row: an integer key for matching frames derived from ``served``
            # (is_in on it is ~10x faster than on the 32-character ids).
            client_number=pl.int_range(pl.len(), dtype=pl.UInt32)
        )

    def subset(
        self, predicate: pl.Expr, overrides: dict[str, pl.Expr] | None = None
    ) -> ReportContext:
        """The same report restricted to the clients of ``served`` for whom ``predicate``
        holds (e.g. youth for Q27, veterans for Q25): their enrollments, rows and DQ rows.
        Household types and HoH dates stay those of the whole report.

        ``overrides``: column -> expression applied to the subset's ``served``,
        ``served_dq`` and ``enrollments`` (to each frame that has the column), so an earlier
        question can be run on clients presented differently (Q27 presents youth heads of
        household under 18 as adults).

        The same subset asked again (Q27g and Q27h count the same youth) is the same
        context, so what its questions derive is built once."""
        key = (
            predicate.meta.serialize(),
            tuple((column, expr.meta.serialize()) for column, expr in (overrides or {}).items()),
        )
        return self.memo(("subset", key), lambda: self._narrowed(predicate, overrides))

    def _narrowed(self, predicate: pl.Expr, overrides: dict[str, pl.Expr] | None) -> ReportContext:
        served = self.served.filter(predicate)
        kept = served["PersonalID"].implode()
        narrowed = ReportContext(self.frames, self.params)
        narrowed._shared = self._shared
        narrowed.__dict__["projects"] = self.projects

        def present(frame: pl.DataFrame) -> pl.DataFrame:
            if not overrides:
                return frame
            return frame.with_columns(
                **{c: expr for c, expr in overrides.items() if c in frame.columns}
            )

        narrowed.__dict__["served"] = present(served)
        narrowed._report = self
        narrowed._present = present
        narrowed._presented = set(overrides or {})
        # Built when read (most questions run on a subset never read them); ``served_dq``
        # derives from the subset's ``served`` as it does from the report's.
        narrowed._enrollments = lambda: present(
            self.enrollments.filter(pl.col("PersonalID").is_in(kept))
        )
        return narrowed

    # A subset's report context, its ``present`` and the columns it presents differently;
    # None / empty for the report itself.
    _report: ReportContext | None = None
    _present = None
    _presented: frozenset[str] = frozenset()

    def from_report(self, frame_of, reads: set[str]) -> pl.DataFrame | None:
        """For a subset: ``frame_of(report)`` narrowed to the subset's clients and presented
        as its ``served`` is. That is ``frame_of(self)``, built again from the report's
        frame, when ``frame_of`` derives each client's rows from that client's own data
        (``reads``: the ``served`` columns it reads) and the subset presents none of them
        differently. None for the report itself, or when a column read is presented
        differently."""
        if self._report is None or reads & self._presented:
            return None
        kept = self.served["client_number"].implode()
        narrowed = frame_of(self._report).filter(pl.col("client_number").is_in(kept))
        return self._present(narrowed)

    @cached_property
    def served_dq(self) -> pl.DataFrame:
        """``served`` without street-outreach clients not engaged by the report end (HUD's
        rule for the data-quality columns and questions)."""
        return self.served.filter(
            (pl.col("ProjectType") != 4)
            | (
                pl.col("DateOfEngagement").is_not_null()
                & (pl.col("DateOfEngagement") <= self.params.end)
            )
        )


def age_band() -> pl.Expr:
    expr = pl.when(pl.lit(False)).then(pl.lit(None, dtype=pl.String))
    for low, high, label in AGE_BANDS:
        expr = expr.when((pl.col("age") >= low) & (pl.col("age") <= high)).then(pl.lit(label))
    return (
        expr.when(pl.col("age_group") == AGE_DK_PNTA)
        .then(pl.lit(DK_PNTA))
        .otherwise(pl.lit(NOT_COLLECTED))
    )
