"""Gather a client's homeless history from the database into status.Source objects, with the
labels this user may read, in a fixed number of queries (docs/chronic-homelessness.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sunflower.accounts.policy import visible_enrollments
from sunflower.chronic.actions import may_see_source
from sunflower.chronic.models import HomelessPeriod
from sunflower.chronic.status import (
    ES_NIGHT_BY_NIGHT,
    HOMELESS_PROJECT_TYPES,
    ONE_DAY,
    YES,
    AtStartResult,
    ChronicStatus,
    Disability,
    EntryAnswers,
    Evidence,
    Kind,
    Source,
    chronic_at_project_start,
    derive_status,
    disability_from,
    situation_group,
)

EVIDENCE_OF_PERIOD = {
    HomelessPeriod.Evidence.HMIS_RECORD: Evidence.HMIS_RECORD,
    HomelessPeriod.Evidence.THIRD_PARTY: Evidence.THIRD_PARTY,
    HomelessPeriod.Evidence.INTAKE_OBSERVATION: Evidence.INTAKE_OBSERVATION,
    HomelessPeriod.Evidence.SELF_CERTIFICATION: Evidence.SELF_CERTIFICATION,
}


# Short names of the evidence kinds, for the trace.
SHORT_EVIDENCE = {
    HomelessPeriod.Evidence.HMIS_RECORD: gettext_lazy("HMIS or database record"),
    HomelessPeriod.Evidence.THIRD_PARTY: gettext_lazy("third-party verification"),
    HomelessPeriod.Evidence.INTAKE_OBSERVATION: gettext_lazy("intake worker's observation"),
    HomelessPeriod.Evidence.SELF_CERTIFICATION: gettext_lazy("self-certification"),
}


@dataclass
class ShownPeriod:
    period: HomelessPeriod
    source_visible: bool  # False: show "source withheld for safety"


@dataclass
class EnrollmentAtStart:
    enrollment: object
    result: AtStartResult


@dataclass
class ClientHistory:
    status: ChronicStatus
    periods: list[ShownPeriod]
    at_start: list[EnrollmentAtStart]  # enrollments the user may see, newest first


def _ranges(nights: list[dt.date]) -> tuple[tuple[dt.date, dt.date], ...]:
    runs: list[list[dt.date]] = []
    for night in sorted(set(nights)):
        if runs and night == runs[-1][1] + ONE_DAY:
            runs[-1][1] = night
        else:
            runs.append([night, night])
    return tuple((first, last) for first, last in runs)


def _age_on(dob: dt.date | None, day: dt.date) -> int | None:
    if dob is None:
        return None
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def load_client_history(user, client, as_of: dt.date) -> ClientHistory:
    from sunflower.hmis.models import Disabilities, Enrollment, Exit, Services

    enrollments = list(
        Enrollment.objects.filter(client=client).select_related("project").order_by("entry_date")
    )
    visible_ids = set(
        visible_enrollments(user).filter(client=client).values_list("pk", flat=True)
    )
    exit_dates: dict[int, dt.date] = {}
    for enrollment_id, exit_date in Exit.objects.filter(client=client).values_list(
        "enrollment_id", "exit_date"
    ):
        exit_dates[enrollment_id] = exit_date
    bed_nights: dict[int, list[dt.date]] = {}
    for enrollment_id, night in Services.objects.filter(
        client=client, record_type=200, enrollment__project__project_type=ES_NIGHT_BY_NIGHT
    ).values_list("enrollment_id", "date_provided"):
        bed_nights.setdefault(enrollment_id, []).append(night)
    impairing = [
        disabling_row(*row)
        for row in Disabilities.objects.filter(client=client).values_list(
            "disability_type", "disability_response", "indefinite_and_impairs"
        )
    ]
    periods = list(
        HomelessPeriod.objects.current()
        .filter(client=client)
        .select_related("document", "entered_by_agency")
    )

    sources: list[Source] = []
    at_start: list[EnrollmentAtStart] = []
    for enrollment in enrollments:
        project = enrollment.project
        visible = enrollment.pk in visible_ids
        name = project.project_name if visible else _("a project not visible to you")
        if project.project_type in HOMELESS_PROJECT_TYPES:
            if project.project_type == ES_NIGHT_BY_NIGHT:
                ranges = _ranges(bed_nights.get(enrollment.pk, []))
                label = _("HMIS bed nights: %(project)s") % {"project": name}
            else:
                exit_date = exit_dates.get(enrollment.pk)
                # The night of exit is not spent in the project; a same-day contact is a night.
                last = max(exit_date - ONE_DAY, enrollment.entry_date) if exit_date else as_of
                ranges = ((enrollment.entry_date, last),)
                label = _("HMIS stay: %(project)s") % {"project": name}
            # A night-by-night stay without bed nights still shows in the trace, with 0 nights.
            sources.append(
                Source(f"enrollment-{enrollment.pk}", label, Evidence.HMIS_RECORD, ranges)
            )
        reported = _self_report(enrollment, project.project_type)
        if reported is not None:
            sources.append(
                Source(
                    f"self-report-{enrollment.pk}",
                    _("Self-report at entry (3.917): %(project)s") % {"project": name},
                    Evidence.SELF_CERTIFICATION,
                    (reported,),
                )
            )
        if visible:
            answers = EntryAnswers.from_enrollment(enrollment, project.project_type)
            at_start.append(
                EnrollmentAtStart(
                    enrollment,
                    chronic_at_project_start(
                        answers,
                        age=_age_on(client.dob, enrollment.entry_date),
                        is_head_of_household=enrollment.relationship_to_hoh == 1,
                    ),
                )
            )

    shown: list[ShownPeriod] = []
    for period in periods:
        source_visible = may_see_source(user, period)
        shown.append(ShownPeriod(period, source_visible))
        if source_visible:
            who = ", ".join(
                part for part in (period.verifier_organization, period.verifier_name) if part
            )
            label = f"{period.get_place_display()}: {SHORT_EVIDENCE[period.evidence]}"
            if who:
                label += f" ({who})"
        else:
            label = f"{period.get_place_display()}: {_('source withheld for safety')}"
        sources.append(
            Source(
                f"period-{period.pk}",
                label,
                EVIDENCE_OF_PERIOD[period.evidence],
                ((period.start_date, period.end_date or as_of),),
                Kind.INSTITUTION if period.is_institution else Kind.HOMELESS,
                withheld=not source_visible,
            )
        )

    disability = disability_from((e.disabling_condition for e in enrollments), impairing)
    status = derive_status(sources, disability, as_of)
    at_start.reverse()
    return ClientHistory(status=status, periods=shown, at_start=at_start)


def disabling_row(disability_type, response, indefinite_and_impairs) -> int | None:
    """YES when a 4.05-4.10 row shows a disabling condition: developmental disability or
    HIV/AIDS answered yes (HUD does not ask "indefinite and impairs" for them), any other
    disability present and indefinite and impairing; else the row's impairment answer."""
    present = response not in (0, 8, 9, 99, None)
    if disability_type in (6, 8):
        return YES if response == YES else None
    if present and indefinite_and_impairs == YES:
        return YES
    return None


def _self_report(enrollment, project_type) -> tuple[dt.date, dt.date] | None:
    """The nights the client reported at entry (3.917 "approximate date this episode of
    homelessness started"), up to the night before entry, when HUD's logic uses that date:
    homeless situations and ES/SH/SO projects, or a short stay entered from homelessness."""
    start = enrollment.date_to_street_essh
    if start is None or start >= enrollment.entry_date:
        return None
    homeless_before = (
        project_type in HOMELESS_PROJECT_TYPES
        or situation_group(enrollment.living_situation) == "homeless"
        or (enrollment.los_under_threshold == YES and enrollment.previous_street_essh == YES)
    )
    if not homeless_before:
        return None
    return (start, enrollment.entry_date - ONE_DAY)


__all__ = ["ClientHistory", "Disability", "load_client_history"]
