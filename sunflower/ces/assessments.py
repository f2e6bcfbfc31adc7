"""Taking a CES assessment: score it with its tool version, write HUD 4.19, and put the
household on its region's list (or update its place there).

An HMIS household is assessed through the head of household's enrollment in a Coordinated
Entry project; a victim service provider's de-identified household is assessed on its list
entry and writes no HUD rows (its data stays in the VSP's comparable database; docs/ces.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sunflower.accounts.policy import CE_PROJECT_TYPE, Action, require
from sunflower.ces import tools
from sunflower.ces.models import AccessPoint, AssessmentTool, CesAssessment, ListEntry, ToolVersion
from sunflower.hmis import vocabulary as hud

VETERAN_YES = 1
ADULT_AGE = 18
YOUTH_MAX_AGE = 24
DAYS_PER_MONTH = 30


@dataclass(frozen=True)
class Household:
    size: int
    household_type: str
    veteran: bool
    youth: bool


def household_of(enrollment) -> Household:
    """Size and HUD-style household type of the enrollment's household on its entry date."""
    from sunflower.hmis.intake import age_on
    from sunflower.hmis.models import Enrollment

    members = list(
        Enrollment.objects.filter(
            project_id=enrollment.project_id, household_id=enrollment.household_id
        ).select_related("client")
    )
    ages = [age_on(m.client.dob, enrollment.entry_date) for m in members]
    adults = [a for a in ages if a is None or a >= ADULT_AGE]
    children = [a for a in ages if a is not None and a < ADULT_AGE]
    veteran = any(
        m.client.veteran_status == VETERAN_YES
        for m, age in zip(members, ages, strict=True)
        if age is None or age >= ADULT_AGE
    )
    youth = bool(adults) and all(a is not None and a <= YOUTH_MAX_AGE for a in adults)
    if adults and children:
        kind = ListEntry.HouseholdType.FAMILY
    elif children:
        kind = ListEntry.HouseholdType.CHILDREN
    elif youth:
        kind = ListEntry.HouseholdType.YOUTH
    else:
        kind = ListEntry.HouseholdType.ADULTS
    return Household(len(members), kind, veteran, youth)


def _chronic(user, client, as_of: dt.date) -> tuple[bool, int]:
    """Derived chronic status (docs/chronic-homelessness.md) and its homeless days."""
    from sunflower.chronic.sources import load_client_history
    from sunflower.chronic.status import Status

    status = load_client_history(user, client, as_of).status
    in_window = status.occasions[-status.occasions_in_window:] if status.occasions_in_window else []
    return status.status == Status.CHRONIC, sum(o.nights for o in in_window)


def _validate(tool_version: ToolVersion, assessment_date, entry_mode: str, not_before):
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if tool_version.status != ToolVersion.Status.PUBLISHED:
        errors.setdefault("tool_version", []).append("Use a published version of the tool.")
    if assessment_date is None:
        errors.setdefault("assessment_date", []).append("Enter the date of the assessment.")
    elif assessment_date > today:
        errors.setdefault("assessment_date", []).append("The assessment date is in the future.")
    elif not_before and assessment_date < not_before:
        errors.setdefault("assessment_date", []).append(
            f"The assessment date is before the CE project start ({not_before:%m/%d/%Y})."
        )
    elif entry_mode == CesAssessment.EntryMode.LIVE and assessment_date < today:
        errors.setdefault("entry_mode", []).append(
            "An assessment on an earlier day is entered from paper: choose 'paper'."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def assess(
    user,
    *,
    tool_version: ToolVersion,
    answers: dict,
    assessment_date: dt.date,
    assessment_type: int,
    region,
    access_point: AccessPoint | None = None,
    enrollment=None,
    entry: ListEntry | None = None,
    entry_mode: str = CesAssessment.EntryMode.LIVE,
) -> CesAssessment:
    """Record an assessment for the household of `enrollment` (HMIS) or `entry`
    (de-identified). Raises PermissionDenied or ValidationError (saving nothing)."""
    from sunflower.accounts.actions import hmis_user_for
    from sunflower.ces.prioritization import recompute
    from sunflower.hmis.models import Assessment, AssessmentQuestions, AssessmentResults

    deidentified = entry is not None and entry.is_deidentified
    if (enrollment is not None) == deidentified:
        raise ValueError("assess an HMIS enrollment or a de-identified entry: exactly one")
    definition = tool_version.definition
    scored = tools.score(definition, answers)
    purpose = tool_version.tool.purpose
    if enrollment is not None:
        if enrollment.project.project_type != CE_PROJECT_TYPE:
            raise ValidationError("A CES assessment is recorded on a Coordinated Entry enrollment.")
        require(user, Action.CES_ASSESS_AND_REFER, enrollment)
        _validate(tool_version, assessment_date, entry_mode, enrollment.entry_date)
    else:
        require(user, Action.MANAGE_DEIDENTIFIED_HOUSEHOLDS, entry)
        _validate(tool_version, assessment_date, entry_mode, None)
    placed = purpose == AssessmentTool.Purpose.HOUSING

    hud_assessment = None
    if enrollment is not None:
        hmis_user = hmis_user_for(user)
        hud_assessment = Assessment.objects.create(
            enrollment=enrollment,
            client=enrollment.client,
            assessment_date=assessment_date,
            assessment_location=(access_point.name if access_point else "Remote")[:250],
            assessment_type=assessment_type,
            assessment_level=hud.AssessmentLevel.HOUSING_NEEDS_ASSESSMENT
            if purpose == AssessmentTool.Purpose.HOUSING
            else hud.AssessmentLevel.CRISIS_NEEDS_ASSESSMENT,
            prioritization_status=hud.PrioritizationStatus.PLACED_ON_PRIORITIZATION_LIST
            if placed
            else hud.PrioritizationStatus.NOT_PLACED_ON_PRIORITIZATION_LIST,
            user=hmis_user,
        )
        AssessmentQuestions.objects.bulk_create(
            [
                AssessmentQuestions(
                    assessment=hud_assessment, enrollment=enrollment, client=enrollment.client,
                    assessment_question_group=group[:250], assessment_question_order=order,
                    assessment_question=text[:250], assessment_answer=answer[:500],
                    user=hmis_user,
                )
                for group, order, text, answer in scored.rows
            ]
        )
        band = scored.band or {}
        results = [
            ("Total score", str(scored.score)),
            ("Score band", band.get("label", "")),
            ("Recommended intervention", band.get("intervention", "")),
            ("Tool", f"{tool_version.tool.name} v{tool_version.number}"),
        ]
        AssessmentResults.objects.bulk_create(
            [
                AssessmentResults(
                    assessment=hud_assessment, enrollment=enrollment, client=enrollment.client,
                    assessment_result_type=kind[:250], assessment_result=value[:250],
                    user=hmis_user,
                )
                for kind, value in results
                if value
            ]
        )

    if placed:
        entry = _place_on_list(user, enrollment, entry, region, scored, assessment_date)
    elif entry is None:
        entry = _place_on_list(user, enrollment, None, region, scored, assessment_date,
                               status=ListEntry.Status.REMOVED)
    band = scored.band or {}
    record = CesAssessment.objects.create(
        entry=entry,
        tool_version=tool_version,
        access_point=access_point,
        assessment_date=assessment_date,
        assessment_type=assessment_type,
        entry_mode=entry_mode,
        answers=tools.json_answers(answers),
        score=scored.score,
        score_band=band.get("label", "")[:60],
        recommended_intervention=band.get("intervention", "")[:60],
        hud_assessment=hud_assessment,
        assessed_by=user,
    )
    if placed:
        recompute(entry.region, "new assessment")
    return record


def _place_on_list(user, enrollment, entry, region, scored, assessment_date, status=None):
    """Create or update the household's list entry with the facts of this assessment."""
    band = scored.band or {}
    if entry is None:
        entry = (
            ListEntry.objects.filter(
                client=enrollment.client, region=region,
                status__in=[ListEntry.Status.ACTIVE, ListEntry.Status.INACTIVE,
                            ListEntry.Status.REFERRED],
            ).first()
            or ListEntry(client=enrollment.client, region=region)
        )
    if enrollment is not None:
        household = household_of(enrollment)
        entry.enrollment = enrollment
        entry.household_size = household.size
        entry.household_type = household.household_type
        entry.veteran = household.veteran
        entry.youth = household.youth
        chronic, days = _chronic(user, enrollment.client, assessment_date)
        entry.chronic = chronic
        reported = int(scored.facts.get("months_homeless") or 0) * DAYS_PER_MONTH
        entry.days_homeless = max(days, reported)
    else:
        reported = int(scored.facts.get("months_homeless") or 0) * DAYS_PER_MONTH
        entry.days_homeless = max(entry.days_homeless, reported)
    if "monthly_income" in scored.facts:
        entry.monthly_income = scored.facts["monthly_income"]
    entry.fleeing_dv = "fleeing_dv" in scored.flags or (
        entry.is_deidentified and entry.fleeing_dv
    )
    entry.vulnerability_flags = sorted(set(scored.flags))
    entry.score = scored.score
    entry.score_band = band.get("label", "")[:60]
    entry.recommended_intervention = band.get("intervention", "")[:60]
    entry.assessed_on = assessment_date
    entry.last_contact_on = max(filter(None, [entry.last_contact_on, assessment_date]))
    if status is not None:
        entry.status = status
    elif entry.status == ListEntry.Status.INACTIVE:
        entry.status = ListEntry.Status.ACTIVE  # a new assessment is contact
        entry.inactive_since = None
    entry.save()
    return entry


def ensure_default_tools() -> list[ToolVersion]:
    """Install the two shipped tools (version 1, published) where they are missing."""
    created = []
    for slug in ("housing-needs", "prevention"):
        definition = tools.load_default_definition(slug)
        tools.validate_definition(definition)
        tool, _ = AssessmentTool.objects.get_or_create(
            slug=slug,
            defaults={
                "name": definition["name"],
                "purpose": definition["purpose"],
                "description": definition["description"],
            },
        )
        if not tool.versions.exists():
            created.append(
                ToolVersion.objects.create(
                    tool=tool, number=1, status=ToolVersion.Status.PUBLISHED,
                    definition=definition, notes="Shipped with Sunflower.",
                    published_at=timezone.now(),
                )
            )
    return created


def new_draft(user, tool: AssessmentTool) -> ToolVersion:
    """A draft copying the newest version, for an administrator to edit and publish."""
    require(user, Action.MANAGE_USERS_PROJECTS_APPROVALS)
    newest = tool.versions.order_by("-number").first()
    if tool.versions.filter(status=ToolVersion.Status.DRAFT).exists():
        raise ValidationError("This tool already has a draft: edit or publish it first.")
    return ToolVersion.objects.create(
        tool=tool, number=(newest.number + 1) if newest else 1,
        definition=newest.definition if newest else {"sections": [], "bands": []},
    )


@transaction.atomic
def publish(user, version: ToolVersion) -> ToolVersion:
    """Publish a draft: it becomes the version new assessments use; the previous published
    version is retired (assessments taken with it keep pointing to it)."""
    require(user, Action.MANAGE_USERS_PROJECTS_APPROVALS)
    if version.status != ToolVersion.Status.DRAFT:
        raise ValidationError("Only a draft can be published; published versions never change.")
    tools.validate_definition(version.definition)
    version.tool.versions.filter(status=ToolVersion.Status.PUBLISHED).update(
        status=ToolVersion.Status.RETIRED
    )
    version.status = ToolVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.save()
    return version
