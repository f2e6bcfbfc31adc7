"""Designating CES access points, by county and region, and keeping HUD's CE participation
records (2.09 CEParticipation) from that (docs/ces-participation.md).

An access point is a project (an agency, or one of its sites) where households are assessed:
a physical site serves the counties listed, a virtual one (phone line, outreach team) a region
or some of its counties, a remote one (the HMIS Lead, a statewide line) a whole CoC. HUD's
CEParticipation row of the project says what it does there: AccessPoint 1, which assessments,
direct services, and whether the project also receives CES referrals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from sunflower.accounts.policy import Action, require
from sunflower.ces.models import AccessPoint

ASSESSMENT_KINDS = {
    "prevention": "prevention_assessment",
    "crisis": "crisis_assessment",
    "housing": "housing_assessment",
}
NO, YES = 0, 1
HUD_FLAGS = ("prevention_assessment", "crisis_assessment", "housing_assessment", "direct_services")


def _check(mode, coc, region, counties, kinds, name, start_date) -> None:
    errors: dict[str, list[str]] = {}
    if not (name or "").strip():
        errors["name"] = ["Name the access point (how households and staff know it)."]
    if mode not in AccessPoint.Mode.values:
        errors["mode"] = ["Choose physical, virtual or remote."]
    if start_date is None:
        errors["start_date"] = ["Enter the date the access point starts."]
    unknown = set(kinds) - set(ASSESSMENT_KINDS)
    if unknown:
        errors["assessment_kinds"] = [f"Unknown assessment kind: {', '.join(sorted(unknown))}."]
    elif not kinds:
        errors["assessment_kinds"] = ["An access point offers at least one kind of assessment."]
    if region is not None and region.coc_id != coc.pk:
        errors["region"] = [f"{region.name} is not a region of {coc.code}."]
    elif mode in (AccessPoint.Mode.PHYSICAL, AccessPoint.Mode.VIRTUAL) and region is None:
        errors["region"] = ["A physical or virtual access point serves one region: choose it."]
    if mode == AccessPoint.Mode.PHYSICAL and not counties:
        errors["counties"] = ["List the counties this site serves."]
    if "region" not in errors:
        if region is not None:
            outside = [c.name for c in counties if c.region_id != region.pk]
            where = f"the region {region.name}"
        else:
            outside = [c.name for c in counties if c.coc_id != coc.pk]
            where = f"the CoC {coc.code}"
        if outside:
            errors["counties"] = [
                f"Not in {where}: {', '.join(sorted(outside))}. An access point serves "
                "counties of its own region (or, for a remote one, of its CoC)."
            ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def designate(
    user,
    project,
    name: str,
    mode: str,
    coc,
    region,
    counties: Iterable,
    assessment_kinds: Iterable[str],
    start_date: dt.date,
    *,
    receives_referrals: bool = False,
    direct_services: bool = False,
) -> AccessPoint:
    """Designate `project` as a CES access point and write its CEParticipation row.

    If the project already is a live access point (another site, say), the new one shares that
    HUD row, which then says yes to whatever either does. An older open CEParticipation row of
    the project (imported, say) is ended the day before `start_date`, so HUD's periods never
    overlap. Raises PermissionDenied or ValidationError (saving nothing)."""
    from sunflower.accounts.actions import hmis_user_for
    from sunflower.hmis.models import CEParticipation

    require(user, Action.MANAGE_USERS_PROJECTS_APPROVALS)
    counties = list(counties)
    kinds = set(assessment_kinds)
    _check(mode, coc, region, counties, kinds, name, start_date)
    flags = {field: kind in kinds for kind, field in ASSESSMENT_KINDS.items()}
    flags["direct_services"] = bool(direct_services)

    shared = (
        AccessPoint.objects.filter(project=project, end_date__isnull=True,
                                   ce_participation__isnull=False)
        .select_related("ce_participation").first()
    )
    if shared is not None:
        row = shared.ce_participation
        for field in HUD_FLAGS:
            setattr(row, field, YES if (flags[field] or getattr(row, field) == YES) else NO)
        if receives_referrals:
            row.receives_referrals = YES
        row.user = hmis_user_for(user)
        row.save()
    else:
        for open_row in CEParticipation.objects.filter(project=project).exclude(
            ce_participation_status_end_date__lt=start_date
        ):
            if open_row.ce_participation_status_start_date >= start_date:
                raise ValidationError({"start_date": [
                    "The project already has a CE participation record starting "
                    f"{open_row.ce_participation_status_start_date:%m/%d/%Y}; start the access "
                    "point after that date, or end that record first."
                ]})
            open_row.ce_participation_status_end_date = start_date - dt.timedelta(days=1)
            open_row.save(update_fields=["ce_participation_status_end_date"])
        row = CEParticipation.objects.create(
            project=project,
            access_point=YES,
            receives_referrals=YES if receives_referrals else NO,
            ce_participation_status_start_date=start_date,
            user=hmis_user_for(user),
            **{field: YES if value else NO for field, value in flags.items()},
        )
    access_point = AccessPoint.objects.create(
        project=project, name=name.strip(), mode=mode, coc=coc, region=region,
        start_date=start_date, ce_participation=row, **flags,
    )
    access_point.counties.set(counties)
    return access_point


@transaction.atomic
def end(user, access_point: AccessPoint, end_date: dt.date) -> AccessPoint:
    """The project stops being this access point; HUD's CEParticipation row ends the same day
    (unless another live access point of the project shares it)."""
    require(user, Action.MANAGE_USERS_PROJECTS_APPROVALS)
    access_point = AccessPoint.objects.select_for_update().get(pk=access_point.pk)
    if access_point.end_date is not None:
        raise ValidationError(f"{access_point} already ended on {access_point.end_date:%m/%d/%Y}.")
    if end_date is None or end_date < access_point.start_date:
        raise ValidationError(
            {"end_date": [f"The end date is before the start ({access_point.start_date:%m/%d/%Y})."]}
        )
    access_point.end_date = end_date
    access_point.save(update_fields=["end_date"])
    row = access_point.ce_participation
    if row is not None and not AccessPoint.objects.filter(
        ce_participation=row, end_date__isnull=True
    ).exists():
        row.ce_participation_status_end_date = end_date
        row.save(update_fields=["ce_participation_status_end_date"])
    return access_point


def live(on: dt.date | None = None):
    """Access points open on `on` (today by default), with what the list pages show."""
    from django.db.models import Q
    from django.utils import timezone

    on = on or timezone.localdate()
    return (
        AccessPoint.objects.filter(start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .select_related("project__organization", "coc", "region")
        .prefetch_related("counties")
    )
