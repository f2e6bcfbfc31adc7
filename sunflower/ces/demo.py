"""Coordinated Entry demo data, loaded by `sunflower bootstrap_demo` after the demo logins.

On top of the HMIS demo data (sunflower.hmis.demo) and its logins (sunflower.accounts.demo):
the shipped assessment tools; one access point per KS-507 region on a CE project of that
region's agencies, plus the HMIS Lead's remote line; a few households per region assessed
(as the demo HMIS administrator) so each prioritization list has people on it; a couple of
openings on PSH and RRH projects; and every demo login's signature of the CE Participation
Agreement. Idempotent: a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

BALANCE_OF_STATE = "KS-507"
CE_PROJECT_TYPE = 14
# Projects an access point may be designated on: CE, shelters, outreach, services only.
ACCESS_POINT_TYPES = (14, 0, 1, 4, 6)
HOUSEHOLDS_PER_REGION = 6
OPENING_REGIONS = 3
DEMO_OPENING_NOTE = "Demo opening"

# Variations of the test answers, so the list has different scores, bands and flags.
VARIATIONS = [
    {},
    {"sleeping_location": "shelter", "months_homeless": 4, "emergency_visits": 0,
     "mental_health": "no"},
    {"sleeping_location": "doubled_up", "months_homeless": 2, "physical_health": "no",
     "mental_health": "no", "evictions": "no", "emergency_visits": 0},
    {"fleeing_dv": "yes", "months_homeless": 9},
    {"months_homeless": 30, "episodes": 4, "substance_use": "yes"},
    {"sleeping_location": "transitional", "months_homeless": 7, "income": "no",
     "monthly_income": 0},
    {"sleeping_location": "institution", "months_homeless": 12, "legal": "yes"},
]


@dataclass
class CesDemoSummary:
    access_points: int = 0
    assessments: int = 0
    openings: int = 0
    signatures: int = 0

    def line(self) -> str:
        return (
            f"CES demo: {self.access_points} access points, {self.assessments} assessments, "
            f"{self.openings} openings, {self.signatures} agreement signatures added."
        )


def _county_of(project, counties_by_fips):
    """The county of the project's KS-507 site (its ProjectCoC geocode: state, 9, county)."""
    for row in project.project_cocs.all():
        if row.coc_code == BALANCE_OF_STATE and len(row.geocode) == 6:
            county = counties_by_fips.get(row.geocode[:2] + row.geocode[3:])
            if county is not None:
                return county
    return None


def load_ces_demo(today: dt.date | None = None, admin=None) -> CesDemoSummary:
    """``admin`` designates the access points: the demo HMIS administrator unless given (the
    training environment passes its own)."""
    from sunflower.accounts.demo import DEMO_DOMAIN, LEAD_NAME
    from sunflower.accounts.models import User
    from sunflower.ces.setup import ensure_ces_setup

    summary = CesDemoSummary()
    today = today or timezone.localdate()
    ensure_ces_setup()
    if admin is None:
        admin = User.objects.filter(email=f"hmis-admin@{DEMO_DOMAIN}", is_active=True).first()
    if admin is None:
        return summary
    with transaction.atomic():
        points, remote = _access_points(admin, today, LEAD_NAME, summary)
        _assessments(admin, today, points, remote, summary)
        _openings(admin, today, summary)
    _signatures(DEMO_DOMAIN, summary)
    return summary


def _access_points(admin, today, lead_name, summary):
    """One access point per region ({region pk: access point}) and the lead's remote line."""
    from sunflower.ces import access_points
    from sunflower.ces.models import AccessPoint
    from sunflower.geo.models import ContinuumOfCare, County
    from sunflower.hmis.models import Project

    coc = ContinuumOfCare.objects.filter(code=BALANCE_OF_STATE).first()
    if coc is None:
        return {}, None
    counties = {c.fips5: c for c in County.objects.filter(coc=coc).select_related("region")}
    projects = (
        Project.objects.filter(project_type__in=ACCESS_POINT_TYPES,
                               operating_end_date__isnull=True,
                               organization__victim_service_provider=0,
                               project_cocs__coc_code=BALANCE_OF_STATE)
        .select_related("organization").prefetch_related("project_cocs", "ce_participations")
        .distinct().order_by("id")
    )
    existing = {(p.project_id, p.region_id): p for p in AccessPoint.objects.filter(coc=coc)}
    start = today - dt.timedelta(days=90)
    points: dict[int, object] = {}
    remote = None

    def designate(project, name, mode, region, area, kinds):
        point = existing.get((project.pk, region.pk if region else None))
        if point is not None:
            return point
        for start_date in (start, today):
            try:
                point = access_points.designate(
                    admin, project, name, mode, coc, region, area, kinds, start_date,
                )
            except ValidationError:
                continue
            summary.access_points += 1
            return point
        return None

    def preference(project) -> int:
        """A CE project first, then a shelter or outreach project already taking part in CE
        as an access point (HUD 2.09), then any other shelter, outreach or services project."""
        if project.project_type == CE_PROJECT_TYPE:
            return 0
        if any(row.access_point == 1 for row in project.ce_participations.all()):
            return 1
        return 2

    best: dict[int, tuple[int, object, object]] = {}  # region pk: (preference, project, county)
    for project in projects:
        if project.organization.organization_name == lead_name:
            if project.project_type == CE_PROJECT_TYPE and remote is None:
                remote = designate(project, "Statewide CES phone line", AccessPoint.Mode.REMOTE,
                                   None, [], ["prevention", "crisis", "housing"])
            continue
        county = _county_of(project, counties)
        if county is None or county.region_id is None:
            continue
        rank = preference(project)
        if county.region_id not in best or rank < best[county.region_id][0]:
            best[county.region_id] = (rank, project, county)
    for region_pk, (_rank, project, county) in sorted(best.items()):
        region = county.region
        neighbours = sorted((c for c in counties.values()
                             if c.region_id == region_pk and c.pk != county.pk),
                            key=lambda c: c.name)
        town = next((r.city for r in project.project_cocs.all() if r.city), county.name)
        point = designate(
            project, f"{town} CES access point", AccessPoint.Mode.PHYSICAL, region,
            [county, *neighbours[:3]], ["prevention", "housing"],
        )
        if point is not None:
            points[region_pk] = point
    return points, remote


def _assessments(admin, today, points, remote, summary) -> None:
    """Assess CE households (of the regions' CE projects and the HMIS Lead's statewide one),
    shared out between the regions' access points until each list has enough."""
    from sunflower.ces.assessments import assess
    from sunflower.ces.models import AssessmentTool, CesAssessment, ListEntry
    from sunflower.ces.testing import HOUSING_ANSWERS
    from sunflower.hmis.models import Enrollment

    tool = AssessmentTool.objects.filter(slug="housing-needs").first()
    version = tool.published_version() if tool else None
    if version is None:
        return
    # How many more households each region's list needs.
    wanted = {
        pk: HOUSEHOLDS_PER_REGION - ListEntry.objects.filter(
            region=point.region, client__isnull=False
        ).count()
        for pk, point in points.items()
    }
    wanted = {pk: n for pk, n in wanted.items() if n > 0}
    if not wanted:
        return
    on_lists = ListEntry.objects.filter(client__isnull=False).values("client_id")
    ce_projects = [p.project_id for p in points.values()
                   if p.project.project_type == CE_PROJECT_TYPE]
    if remote is not None:
        ce_projects.append(remote.project_id)
    heads = (
        Enrollment.objects.filter(project_id__in=ce_projects, relationship_to_hoh=1,
                                  entry_date__lte=today)
        .exclude(client_id__in=on_lists)
        .select_related("project", "client")
        .prefetch_related("exits")
    )
    limit = sum(wanted.values())
    # Households still in Coordinated Entry first (assessed today, live); then earlier ones
    # (entered from paper, on their last day in CE).
    pool = list(heads.filter(exits__isnull=True).order_by("-entry_date", "id")[:limit])
    if len(pool) < limit:
        pool += list(heads.exclude(pk__in=[e.pk for e in pool]).filter(exits__isnull=False)
                     .order_by("-entry_date", "id")[:limit - len(pool)])
    regions = sorted(wanted)
    n = 0
    for enrollment in pool:
        regions = [pk for pk in regions if wanted[pk] > 0]
        if not regions:
            break
        region_pk = regions[n % len(regions)]
        point = points[region_pk]
        exit_row = next(iter(enrollment.exits.all()), None)
        if exit_row is None:
            when, mode = today, CesAssessment.EntryMode.LIVE
        else:
            when, mode = exit_row.exit_date, CesAssessment.EntryMode.PAPER
        answers = dict(HOUSING_ANSWERS, **VARIATIONS[n % len(VARIATIONS)])
        n += 1
        try:
            with transaction.atomic():
                assess(
                    admin, tool_version=version, answers=answers, assessment_date=when,
                    assessment_type=3, region=point.region, access_point=point,
                    enrollment=enrollment, entry_mode=mode,
                )
        except ValidationError:
            continue
        summary.assessments += 1
        wanted[region_pk] -= 1


def _openings(admin, today, summary) -> None:
    """A PSH and an RRH opening in the first few regions that have such projects."""
    from sunflower.ces.models import Opening
    from sunflower.geo.models import County
    from sunflower.hmis.models import Project

    counties = {c.fips5: c for c in County.objects.filter(coc__code=BALANCE_OF_STATE)
                .select_related("region")}
    specs = {
        3: ("PSH one-bedroom", 1, 2, ["adults"]),
        13: ("RRH family unit", 2, 5, ["family"]),
    }
    regions_done: set[int] = set()
    projects = (
        Project.objects.filter(project_type__in=specs, operating_end_date__isnull=True,
                               organization__victim_service_provider=0,
                               project_cocs__coc_code=BALANCE_OF_STATE)
        .select_related("organization").prefetch_related("project_cocs").distinct()
        .order_by("id")
    )
    seen: set[tuple[int, int]] = set()
    for project in projects:
        county = _county_of(project, counties)
        if county is None or county.region_id is None:
            continue
        key = (county.region_id, project.project_type)
        if key in seen:
            continue
        if len(regions_done) >= OPENING_REGIONS and county.region_id not in regions_done:
            continue
        seen.add(key)
        regions_done.add(county.region_id)
        title, bedrooms, size, kinds = specs[project.project_type]
        _, created = Opening.objects.get_or_create(
            project=project, region=county.region, title=f"{title} - {project.project_name}"[:200],
            defaults={
                "bedrooms": bedrooms, "max_household_size": size, "available_on": today,
                "household_types": kinds,
                "notes": DEMO_OPENING_NOTE, "posted_by": admin,
            },
        )
        summary.openings += int(created)


def _signatures(domain, summary) -> None:
    """Every demo login signs the agreement; agency administrators for their agency too."""
    from sunflower.accounts.models import User
    from sunflower.accounts.roles import Role
    from sunflower.ces import agreements

    agreement = agreements.current_agreement()
    if agreement is None:
        return
    for user in User.objects.filter(email__endswith=f"@{domain}", is_active=True):
        if not user.get_full_name():
            continue
        if not agreements.has_signed(user, agreement):
            agreements.sign(user, user.get_full_name())
            summary.signatures += 1
        for membership in user.memberships.filter(is_active=True, role=Role.AGENCY_ADMIN):
            if not agreements.agency_signed(membership.organization, agreement):
                agreements.sign(user, user.get_full_name(), membership.organization)
                summary.signatures += 1
