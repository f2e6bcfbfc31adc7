"""The domain rules of street outreach (docs/outreach.md). Views call these; nothing else
saves an outreach record."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sunflower.accounts.policy import (
    VSP_YES,
    Action,
    Scope,
    active_memberships,
    agency_ids_with,
    can,
    currently_fleeing,
    is_hmis_admin,
    visible_enrollments,
    visible_projects,
)
from sunflower.hmis import current_living
from sunflower.hmis import vocabulary as hud
from sunflower.outreach.geography import check_coordinates, county_at

STREET_OUTREACH = 4  # HUD project type 2.02.6
# A phone clock a little ahead of the server's is not "in the future".
CLOCK_SKEW = dt.timedelta(minutes=10)


# --- what the user may reach -------------------------------------------------------------


def outreach_projects(user):
    """The street outreach projects the user records contacts for."""
    return (
        visible_projects(user, Action.USE_OUTREACH_MAP)
        .filter(project_type=STREET_OUTREACH)
        .select_related("organization")
        .order_by("project_name", "pk")
    )


def open_outreach_enrollments(user, project_ids=None):
    """Open street outreach enrollments the user may write a contact for (known clients)."""
    enrollments = visible_enrollments(user, Action.EDIT_HMIS_DATA).filter(
        project__in=outreach_projects(user), exits__isnull=True
    )
    if project_ids is not None:
        enrollments = enrollments.filter(project_id__in=project_ids)
    return enrollments.select_related("client", "project").order_by(
        "client__last_name", "client__first_name", "pk"
    )


def map_agency_ids(user) -> set[int] | None:
    """The agencies whose contact points the user sees; None means every agency's (HMIS
    administrators), though never another agency's DV-flagged points."""
    if not can(user, Action.USE_OUTREACH_MAP):
        return set()
    if is_hmis_admin(user):
        return None
    return agency_ids_with(user, Action.USE_OUTREACH_MAP, Scope.OWN_AGENCY)


def own_agency_ids(user) -> set[int]:
    """Every agency the user works for: DV-flagged points are shown to these only."""
    return {m.organization_id for m in active_memberships(user)}


def phone_living_situations() -> list[tuple[int, str]]:
    """The 4.12 answers a street contact records without follow-up questions; the others
    (institutions, housing with a subsidy, and so on) are entered on the enrollment page."""
    return [
        (code, label)
        for code, label in hud.CurrentLivingSituation.choices
        if current_living.asked_fields(STREET_OUTREACH, code, None) == {"location_details"}
    ]


def _dv_flag(project, client) -> bool:
    from sunflower.hmis.models import Client

    if project.organization.victim_service_provider == VSP_YES:
        return True
    if client is None:
        return False
    return Client.objects.filter(pk=client.pk).filter(currently_fleeing()).exists()


# --- contacts ----------------------------------------------------------------------------


def _situation_and_time_errors(data: dict) -> dict[str, list[str]]:
    """What is wrong with a contact's living situation and time; recording and correcting
    a contact hold both to the same rule."""
    errors: dict[str, list[str]] = {}
    situation = data.get("current_living_situation")
    if situation is None or int(situation) not in dict(phone_living_situations()):
        errors["current_living_situation"] = [_("Choose the current living situation.")]
    contacted_at = data.get("contacted_at")
    if contacted_at is None:
        errors["contacted_at"] = [_("Enter the date and time of the contact.")]
    elif contacted_at > timezone.now() + CLOCK_SKEW:
        errors["contacted_at"] = [_("The contact cannot be in the future.")]
    return errors


def record_contact(user, data: dict):
    """Record one street outreach contact; returns (contact, created).

    `data`: client_uuid, project, enrollment (or None and a person_description), contacted_at
    (aware datetime), current_living_situation, services_given, engaged, latitude, longitude,
    accuracy_m, location_source, location_details. Sending the same client_uuid again
    returns the contact recorded the first time (created False) and writes nothing.
    Raises PermissionDenied or ValidationError (by field, writing nothing)."""
    from sunflower.outreach.models import OutreachContact

    entry = uuid.UUID(str(data["client_uuid"]))
    existing = OutreachContact.objects.filter(client_uuid=entry).first()
    if existing is not None:
        return _replayed(user, existing)

    project = data["project"]
    if project.project_type != STREET_OUTREACH or not can(user, Action.USE_OUTREACH_MAP, project):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    enrollment = data.get("enrollment")
    description = (data.get("person_description") or "").strip()
    if enrollment is not None:
        if enrollment.project_id != project.pk:
            errors["enrollment"] = [_("This person is enrolled in another project.")]
        elif not can(user, Action.EDIT_HMIS_DATA, enrollment):
            raise PermissionDenied
    elif not description:
        errors["person_description"] = [
            _("Choose the client, or describe the person to identify them later.")
        ]
    errors.update(_situation_and_time_errors(data))
    situation, contacted_at = data.get("current_living_situation"), data.get("contacted_at")
    if data.get("engaged") and enrollment is None:
        errors["engaged"] = [_("A date of engagement is recorded for a known client only.")]
    try:
        county = county_at(data.get("latitude"), data.get("longitude"))
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
        county = None
    if errors:
        raise ValidationError(errors)
    latitude, longitude = check_coordinates(data["latitude"], data["longitude"])
    services = [str(code) for code in data.get("services_given") or []]

    try:
        with transaction.atomic():
            living_record = None
            client = enrollment.client if enrollment is not None else None
            if enrollment is not None:
                living_record = current_living.record_current_living_situation(
                    user,
                    enrollment,
                    timezone.localdate(contacted_at),
                    int(situation),
                    location_details=data.get("location_details") or "",
                )
                if data.get("engaged"):
                    _record_engagement(user, enrollment, timezone.localdate(contacted_at))
            contact = OutreachContact(
                client_uuid=entry,
                project=project,
                organization_id=project.organization_id,
                client=client,
                enrollment=enrollment,
                living_record=living_record,
                person_description="" if enrollment is not None else description,
                contacted_at=contacted_at,
                current_living_situation=int(situation),
                location_details=(data.get("location_details") or "").strip(),
                services_given=services,
                engaged=bool(data.get("engaged")),
                latitude=latitude,
                longitude=longitude,
                accuracy_m=data.get("accuracy_m"),
                location_source=data.get("location_source") or "tap",
                county=county,
                dv_flag=_dv_flag(project, client),
                recorded_by=user,
            )
            contact.full_clean(exclude=["client_uuid"])
            contact.save()  # auditlog records the CREATE
    except IntegrityError:
        # The same entry arrived twice at once (a retry racing the first send).
        existing = OutreachContact.objects.filter(client_uuid=entry).first()
        if existing is None:
            raise
        return _replayed(user, existing)
    return contact, True


def _replayed(user, contact):
    if contact.recorded_by_id != user.pk:
        raise ValidationError({"client_uuid": [_("This entry was sent by someone else.")]})
    return contact, False


def _record_engagement(user, enrollment, on: dt.date) -> None:
    """4.13 Date of Engagement: the first contact the person engaged at; a later one does not
    move it."""
    from sunflower.hmis.models import Enrollment

    locked = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if locked.date_of_engagement is not None:
        return
    if on < locked.entry_date:
        raise ValidationError(
            {"engaged": [_("The date of engagement cannot be before the project start.")]}
        )
    locked.date_of_engagement = on
    locked.save(update_fields=["date_of_engagement"])  # audited as an UPDATE


def link_contact(user, contact, enrollment):
    """Identify an unnamed person's contact as a known client (their street outreach
    enrollment in the contact's project): writes the HUD Current Living Situation then."""
    from sunflower.outreach.models import OutreachContact

    if not can(user, Action.USE_OUTREACH_MAP, contact) or not can(
        user, Action.EDIT_HMIS_DATA, enrollment
    ):
        raise PermissionDenied
    if enrollment.project_id != contact.project_id:
        raise ValidationError({"enrollment": [_("This person is enrolled in another project.")]})
    with transaction.atomic():
        locked = OutreachContact.objects.select_for_update().get(pk=contact.pk)
        if locked.client_id is not None:
            raise ValidationError({"enrollment": [_("This contact is already linked.")]})
        locked.living_record = current_living.record_current_living_situation(
            user,
            enrollment,
            timezone.localdate(locked.contacted_at),
            locked.current_living_situation,
            location_details=locked.location_details,
        )
        locked.client = enrollment.client
        locked.enrollment = enrollment
        locked.linked_at = timezone.now()
        locked.dv_flag = locked.dv_flag or _dv_flag(locked.project, enrollment.client)
        locked.save()
    return locked


def correct_contact(user, contact, data: dict):
    """Correct what a contact says: its time, living situation, location details, services,
    and an unnamed person's description (the place and the person stay; a wrong person is
    linked again by the HMIS team). A known client's HUD 4.12 record is corrected with it.
    Audited as UPDATEs; raises PermissionDenied or ValidationError, writing nothing."""
    from sunflower.hmis.models import CurrentLivingSituation, Enrollment
    from sunflower.outreach.models import OutreachContact

    if not can(user, Action.USE_OUTREACH_MAP, contact):
        raise PermissionDenied
    if contact.enrollment_id is not None and not can(
        user, Action.EDIT_HMIS_DATA, contact.enrollment
    ):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    errors.update(_situation_and_time_errors(data))
    situation, contacted_at = data.get("current_living_situation"), data.get("contacted_at")
    description = (data.get("person_description") or "").strip()
    if contact.client_id is None and not description:
        errors["person_description"] = [_("Describe the person, to identify them later.")]
    details = (data.get("location_details") or "").strip()
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = OutreachContact.objects.select_for_update().get(pk=contact.pk)
        if locked.living_record_id is not None:
            enrollment = (
                Enrollment.objects.select_related("project")
                .prefetch_related("exits")
                .get(pk=locked.enrollment_id)
            )
            on = timezone.localdate(contacted_at)
            cls = current_living.cls_errors(
                enrollment, on, int(situation), {"location_details": details}
            )
            if cls:
                raise ValidationError(
                    {"contacted_at" if k == "information_date" else k: v for k, v in cls.items()}
                )
            record = CurrentLivingSituation.objects.select_for_update().get(
                pk=locked.living_record_id
            )
            record.information_date = on
            record.current_living_situation = int(situation)
            record.location_details = details
            record.full_clean()
            record.save()  # audited as an UPDATE of the HUD record
        locked.contacted_at = contacted_at
        locked.current_living_situation = int(situation)
        locked.location_details = details
        locked.services_given = [str(code) for code in data.get("services_given") or []]
        if locked.client_id is None:
            locked.person_description = description
        locked.full_clean(exclude=["client_uuid"])
        locked.save()
    return locked


# --- encampments -------------------------------------------------------------------------


def _representative_point(geometry: dict) -> tuple[float, float]:
    """(latitude, longitude) of a GeoJSON Point, or a point inside a Polygon."""
    from shapely.geometry import shape

    try:
        parsed = shape(geometry)
    except Exception:  # any malformed GeoJSON is the user's input error
        raise ValidationError({"geometry": [_("Mark the place on the map.")]}) from None
    if parsed.geom_type not in ("Point", "Polygon") or parsed.is_empty or not parsed.is_valid:
        raise ValidationError(
            {"geometry": [_("Mark one point, or an area of at least three points.")]}
        )
    point = parsed if parsed.geom_type == "Point" else parsed.representative_point()
    return point.y, point.x


def _clean_geometry(geometry: dict) -> dict:
    if geometry.get("type") == "Point":
        lng, lat = geometry["coordinates"][:2]
        return {"type": "Point", "coordinates": [round(float(lng), 6), round(float(lat), 6)]}
    rings = geometry.get("coordinates") or []
    return {
        "type": "Polygon",
        "coordinates": [
            [[round(float(x), 6), round(float(y), 6)] for x, y, *_rest in ring] for ring in rings
        ],
    }


def create_encampment(user, data: dict):
    """A new named site. `data`: name, geometry (GeoJSON Point or Polygon), status,
    estimated_people, notes, organization (one of the user's outreach agencies)."""
    from sunflower.outreach.models import Encampment

    organization = data["organization"]
    if not can(user, Action.USE_OUTREACH_MAP, organization):
        raise PermissionDenied
    if not isinstance(data.get("geometry"), dict):
        raise ValidationError({"geometry": [_("Mark the place on the map.")]})
    geometry = _clean_geometry(data["geometry"])
    latitude, longitude = _representative_point(geometry)
    county = county_at(latitude, longitude)
    latitude, longitude = check_coordinates(latitude, longitude)
    with transaction.atomic():
        encampment = Encampment(
            name=data["name"].strip(),
            geometry=geometry,
            latitude=latitude,
            longitude=longitude,
            county=county,
            status=data.get("status") or "active",
            estimated_people=data.get("estimated_people"),
            notes=(data.get("notes") or "").strip(),
            organization=organization,
            created_by=user,
        )
        encampment.full_clean()
        encampment.save()
    return encampment


def visible_encampments(user):
    """The sites an outreach user sees: every agency's, except that a victim service
    provider's sites (where survivors may be sleeping) stay within that agency."""
    from sunflower.outreach.models import Encampment

    if not can(user, Action.USE_OUTREACH_MAP):
        return Encampment.objects.none()
    return Encampment.objects.exclude(
        Q(organization__victim_service_provider=VSP_YES)
        & ~Q(organization_id__in=own_agency_ids(user))
    )


def may_change_encampment(user, encampment) -> bool:
    """The site's agency's outreach workers and HMIS administrators change its name, place
    and notes; every outreach worker may record a visit."""
    return can(user, Action.USE_OUTREACH_MAP, encampment.organization)


def change_encampment(user, encampment, data: dict):
    """New name, notes and, if `data["geometry"]` is given, place (and so county) of a site.
    Audited as an UPDATE; raises PermissionDenied or ValidationError, writing nothing."""
    from sunflower.outreach.models import Encampment

    if not may_change_encampment(user, encampment):
        raise PermissionDenied
    with transaction.atomic():
        locked = Encampment.objects.select_for_update().get(pk=encampment.pk)
        if data.get("geometry") is not None:
            geometry = _clean_geometry(data["geometry"])
            latitude, longitude = _representative_point(geometry)
            locked.county = county_at(latitude, longitude)
            locked.latitude, locked.longitude = check_coordinates(latitude, longitude)
            locked.geometry = geometry
        locked.name = data["name"].strip()
        locked.notes = (data.get("notes") or "").strip()
        locked.full_clean()
        locked.save()
    return locked


def record_visit(user, encampment, data: dict):
    """A visit to a site: its status and head count then become the site's."""
    from sunflower.outreach.models import Encampment, EncampmentVisit

    agencies = map_agency_ids(user)
    if agencies is not None and not agencies:
        raise PermissionDenied
    if not visible_encampments(user).filter(pk=encampment.pk).exists():
        raise PermissionDenied
    visited_at = data.get("visited_at") or timezone.now()
    if visited_at > timezone.now() + CLOCK_SKEW:
        raise ValidationError({"visited_at": [_("The visit cannot be in the future.")]})
    organization_id = (
        encampment.organization_id if agencies is None else min(agencies)
    )  # the visiting agency
    with transaction.atomic():
        locked = Encampment.objects.select_for_update().get(pk=encampment.pk)
        visit = EncampmentVisit(
            encampment=locked,
            visited_at=visited_at,
            status=data["status"],
            estimated_people=data.get("estimated_people"),
            notes=(data.get("notes") or "").strip(),
            visited_by=user,
            organization_id=organization_id,
        )
        visit.full_clean()
        visit.save()
        if locked.last_visited_at is None or visited_at >= locked.last_visited_at:
            locked.last_visited_at = visited_at
            locked.status = visit.status
            if visit.estimated_people is not None:
                locked.estimated_people = visit.estimated_people
            locked.save()
    return visit


# --- the map -----------------------------------------------------------------------------


def _start_of(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day` in the site's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _filtered_contacts(filters: dict):
    from sunflower.outreach.models import OutreachContact

    # A range of instants, not a __date lookup: the (…, contacted_at) indexes then serve it.
    contacts = OutreachContact.objects.filter(
        contacted_at__gte=_start_of(filters["start"]),
        contacted_at__lt=_start_of(filters["end"] + dt.timedelta(days=1)),
    )
    if filters.get("agency"):
        contacts = contacts.filter(organization=filters["agency"])
    if filters.get("region"):
        contacts = contacts.filter(county__region=filters["region"])
    if filters.get("county"):
        contacts = contacts.filter(county=filters["county"])
    if filters.get("project"):
        contacts = contacts.filter(project=filters["project"])
    if filters.get("living_situation"):
        contacts = contacts.filter(current_living_situation=filters["living_situation"])
    return contacts


def _filters_for_audit(filters: dict) -> dict:
    """The filters of a look at the map as ids and dates, never names."""
    return {
        key: (getattr(value, "pk", value) if not isinstance(value, dt.date) else str(value))
        for key, value in filters.items()
        if value not in (None, "")
    }


def map_data(user, filters: dict, remote_addr=None) -> dict:
    """What the map shows `user` for `filters` (start, end dates; agency, region, county,
    project model instances or None; living_situation code or None), and the audit row of
    this look. Points: the contacts of the user's outreach agencies (all agencies for HMIS
    administrators), but a DV-flagged contact's point only to its own agency. Counts by
    county: every agency's contacts (a count reveals no person). A fixed number of queries."""
    from django.conf import settings

    from sunflower.outreach.models import MapView

    agencies = map_agency_ids(user)
    if agencies is not None and not agencies:
        raise PermissionDenied
    # A phone draws a few thousand points well, not a year of a state's: the newest are shown
    # and the rest are in the counts by county (the summary says so).
    limit = max(1, int(getattr(settings, "OUTREACH_MAP_MAX_POINTS", 5000)))
    contacts = _filtered_contacts(filters)
    visible = contacts
    if agencies is not None:
        visible = visible.filter(organization_id__in=agencies)
    visible = visible.exclude(Q(dv_flag=True) & ~Q(organization_id__in=own_agency_ids(user)))
    labels = dict(hud.CurrentLivingSituation.choices)
    points = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [float(lng), float(lat)]},
            "properties": {
                "id": pk,
                "at": timezone.localtime(at).strftime("%Y-%m-%d %H:%M"),
                "county": county_name,
                "fips": fips,
                "project": project_name,
                "living_situation": labels.get(situation, ""),
                "known": client_id is not None,
            },
        }
        for pk, lat, lng, at, county_name, fips, project_name, situation, client_id in visible.values_list(
            "pk",
            "latitude",
            "longitude",
            "contacted_at",
            "county__name",
            "county__fips5",
            "project__project_name",
            "current_living_situation",
            "client_id",
        ).order_by("-contacted_at", "-pk")[: limit + 1]
    ]
    limited = len(points) > limit
    points = points[:limit]
    counts = dict(contacts.values_list("county__fips5").annotate(total=Count("pk")).order_by())
    encampments = visible_encampments(user)
    if filters.get("region"):
        encampments = encampments.filter(county__region=filters["region"])
    if filters.get("county"):
        encampments = encampments.filter(county=filters["county"])
    camps = [
        {
            "type": "Feature",
            "geometry": geometry,
            "properties": {
                "id": pk,
                "name": name,
                "status": status,
                "people": people,
                "last_visit": timezone.localtime(last).strftime("%Y-%m-%d") if last else "",
            },
        }
        for pk, name, geometry, status, people, last in encampments.values_list(
            "pk", "name", "geometry", "status", "estimated_people", "last_visited_at"
        )
    ]
    MapView.objects.create(
        user=user,
        filters=_filters_for_audit(filters),
        points_shown=len(points),
        contacts_counted=sum(counts.values()),
        remote_addr=remote_addr,
    )
    return {
        "points": {"type": "FeatureCollection", "features": points},
        "county_counts": counts,
        "total": sum(counts.values()),
        "hidden_points": sum(counts.values()) - len(points),
        "points_limited": limited,
        "encampments": {"type": "FeatureCollection", "features": camps},
    }


# --- counts by county, for the roles without the map ---------------------------------------


def outreach_suppress_below() -> int:
    from django.conf import settings

    return max(2, int(getattr(settings, "OUTREACH_SUPPRESS_BELOW", 11)))


def county_counts(user, filters: dict, remote_addr=None) -> dict:
    """Street outreach contacts per Kansas county for `filters` (start, end dates; region or
    None; living_situation code or None), every agency's, for a role with the county-counts
    action and not the map. Small counts and their complements are suppressed
    (sunflower.core.suppression, OUTREACH_SUPPRESS_BELOW); no point, time, project or person
    leaves here. The look is written down like a map view. A fixed number of queries."""
    from sunflower.core.suppression import Grid, shown, suppress
    from sunflower.geo.models import County
    from sunflower.outreach.models import MapView, MapViewKind

    if not can(user, Action.VIEW_OUTREACH_COUNTY_COUNTS):
        raise PermissionDenied
    below = outreach_suppress_below()
    counties = County.objects.select_related("region", "coc").order_by("name")
    if filters.get("region"):
        counties = counties.filter(region=filters["region"])
    counties = list(counties)
    # Only the period, region and living situation narrow it: by agency or project, a count
    # would be about a handful of workers' caseloads.
    narrowed = {key: filters.get(key) for key in ("start", "end", "region", "living_situation")}
    totals = dict(
        _filtered_contacts(narrowed)
        .values_list("county__fips5")
        .annotate(total=Count("pk"))
        .order_by()
    )
    grid = suppress(Grid.column({c.fips5: totals.get(c.fips5, 0) for c in counties}), below)
    rows = [
        {
            "fips": county.fips5,
            "name": county.name,
            "region": county.region.name if county.region else "",
            "coc": county.coc.code,
            "count": shown(grid, r, 0, below),
            # What the map shades by: the count where it is shown, None where suppressed.
            "level": None if (r, 0) in grid.hidden else grid.value(r, 0),
        }
        for r, county in enumerate(counties)
    ]
    MapView.objects.create(
        user=user,
        kind=MapViewKind.COUNTY_COUNTS,
        filters=_filters_for_audit(filters),
        contacts_counted=grid.total,
        remote_addr=remote_addr,
    )
    return {"counties": rows, "total": shown(grid, None, None, below), "below": below}
