"""The one access policy: may this user do this action (on this record)?

Every view, the admin, the API and the reports ask `can()` or use the `visible_*` querysets
here; nothing else decides access. The role table is data (`ROLE_TABLE`), transcribed from the
product brief (docs/access-control.md explains each cell and the choices made where the brief
is silent). Each condition is written once, on its own line, and tested cell by cell in
tests/accounts/test_policy.py.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet

from sunflower.accounts.roles import Duty, Role
from sunflower.consent.levels import SharingLevel


class Action(enum.StrEnum):
    VIEW_CES_CLIENT_INFO = "view_ces_client_info"
    ATTEND_CES_MEETINGS = "attend_ces_meetings"
    VIEW_CLIENT_RECORD = "view_client_record"
    EDIT_HMIS_DATA = "edit_hmis_data"
    CREATE_CLIENT = "create_client"
    CES_ASSESS_AND_REFER = "ces_assess_and_refer"
    RUN_PROGRAM_REPORTS = "run_program_reports"
    USE_OUTREACH_MAP = "use_outreach_map"
    VIEW_OUTREACH_COUNTY_COUNTS = "view_outreach_county_counts"
    REQUEST_USERS_AND_PROGRAM_CHANGES = "request_users_and_program_changes"
    MANAGE_USERS_PROJECTS_APPROVALS = "manage_users_projects_approvals"
    IMPORT_HMIS_CSV = "import_hmis_csv"
    VIEW_AUDIT_LOG = "view_audit_log"
    USE_DJANGO_ADMIN = "use_django_admin"
    RUN_REGIONAL_CES_LIST = "run_regional_ces_list"
    MANAGE_OPENINGS_AND_REFERRALS = "manage_openings_and_referrals"
    MANAGE_DEIDENTIFIED_HOUSEHOLDS = "manage_deidentified_households"
    VOTE_IN_COMMITTEE = "vote_in_committee"


class Scope(enum.Enum):
    """How far a role's permission for an action reaches."""

    NONE = "no"
    CES_RECORDS = "CES records only"  # assessments, events, enrollments in CE projects
    OWN_AGENCY = "own agency"  # records of the member's agency's projects
    ALL = "all"


R = Role
S = Scope
# One row per action, one cell per role, as in the product brief's table.
ROLE_TABLE: dict[Action, dict[Role, Scope]] = {
    Action.VIEW_CES_CLIENT_INFO: {
        R.VICTIM_SERVICE_PROVIDER: S.CES_RECORDS,
        R.ACCESS_POINT: S.CES_RECORDS,
        R.AGENCY_CES: S.CES_RECORDS,
        R.AGENCY_CES_OUTREACH: S.CES_RECORDS,
        R.AGENCY_ADMIN: S.CES_RECORDS,
        R.HMIS_ADMIN: S.ALL,
    },
    Action.ATTEND_CES_MEETINGS: {
        R.VICTIM_SERVICE_PROVIDER: S.ALL,
        R.ACCESS_POINT: S.ALL,
        R.AGENCY_CES: S.ALL,
        R.AGENCY_CES_OUTREACH: S.ALL,
        R.AGENCY_ADMIN: S.ALL,
        R.HMIS_ADMIN: S.ALL,
    },
    # Not a row of the brief: reading the full client record follows the edit row, except that
    # a VSP never reads HMIS client records (it coordinates through CES information only).
    Action.VIEW_CLIENT_RECORD: {
        R.VICTIM_SERVICE_PROVIDER: S.NONE,
        R.ACCESS_POINT: S.CES_RECORDS,
        R.AGENCY_CES: S.OWN_AGENCY,
        R.AGENCY_CES_OUTREACH: S.OWN_AGENCY,
        R.AGENCY_ADMIN: S.OWN_AGENCY,
        R.HMIS_ADMIN: S.ALL,
    },
    Action.EDIT_HMIS_DATA: {
        R.VICTIM_SERVICE_PROVIDER: S.NONE,
        R.ACCESS_POINT: S.CES_RECORDS,
        R.AGENCY_CES: S.OWN_AGENCY,
        R.AGENCY_CES_OUTREACH: S.OWN_AGENCY,
        R.AGENCY_ADMIN: S.OWN_AGENCY,
        R.HMIS_ADMIN: S.ALL,
    },
    # Not a row of the brief: a new client record on its own follows the edit row, except that an
    # Access Point's scope (CES records) reaches a client only through a CES record, which a
    # bare client is not (docs/client-create.md).
    Action.CREATE_CLIENT: {
        R.VICTIM_SERVICE_PROVIDER: S.NONE,
        R.ACCESS_POINT: S.NONE,
        R.AGENCY_CES: S.OWN_AGENCY,
        R.AGENCY_CES_OUTREACH: S.OWN_AGENCY,
        R.AGENCY_ADMIN: S.OWN_AGENCY,
        R.HMIS_ADMIN: S.ALL,
    },
    Action.CES_ASSESS_AND_REFER: {
        R.VICTIM_SERVICE_PROVIDER: S.NONE,
        R.ACCESS_POINT: S.CES_RECORDS,
        R.AGENCY_CES: S.CES_RECORDS,
        R.AGENCY_CES_OUTREACH: S.CES_RECORDS,
        R.AGENCY_ADMIN: S.CES_RECORDS,
        R.HMIS_ADMIN: S.ALL,
    },
    Action.RUN_PROGRAM_REPORTS: {
        R.VICTIM_SERVICE_PROVIDER: S.NONE,
        R.ACCESS_POINT: S.NONE,
        R.AGENCY_CES: S.OWN_AGENCY,
        R.AGENCY_CES_OUTREACH: S.OWN_AGENCY,
        R.AGENCY_ADMIN: S.OWN_AGENCY,
        R.HMIS_ADMIN: S.ALL,
    },
    # The brief's "—" for agency administrators: the map is for outreach workers; an agency
    # administrator who also does outreach holds the outreach role as well.
    Action.USE_OUTREACH_MAP: {
        R.VICTIM_SERVICE_PROVIDER: S.NONE,
        R.ACCESS_POINT: S.NONE,
        R.AGENCY_CES: S.NONE,
        R.AGENCY_CES_OUTREACH: S.OWN_AGENCY,
        R.AGENCY_ADMIN: S.NONE,
        R.HMIS_ADMIN: S.ALL,
    },
    # Not a row of the brief ("others may see county-level counts only where policy allows",
    # issue 9): contacts per county, small counts suppressed, never a point or a person. The
    # roles that run program reports see them (CoC planning reads them with the reports); a VSP
    # and an access point do not, as they see no program-level figures at all.
    Action.VIEW_OUTREACH_COUNTY_COUNTS: {
        R.VICTIM_SERVICE_PROVIDER: S.NONE,
        R.ACCESS_POINT: S.NONE,
        R.AGENCY_CES: S.ALL,
        R.AGENCY_CES_OUTREACH: S.ALL,
        R.AGENCY_ADMIN: S.ALL,
        R.HMIS_ADMIN: S.ALL,
    },
    # "manage users, projects, approvals": agency administrators may request, not decide.
    Action.REQUEST_USERS_AND_PROGRAM_CHANGES: {
        R.VICTIM_SERVICE_PROVIDER: S.NONE,
        R.ACCESS_POINT: S.NONE,
        R.AGENCY_CES: S.NONE,
        R.AGENCY_CES_OUTREACH: S.NONE,
        R.AGENCY_ADMIN: S.OWN_AGENCY,
        R.HMIS_ADMIN: S.ALL,
    },
    Action.MANAGE_USERS_PROJECTS_APPROVALS: {
        R.VICTIM_SERVICE_PROVIDER: S.NONE,
        R.ACCESS_POINT: S.NONE,
        R.AGENCY_CES: S.NONE,
        R.AGENCY_CES_OUTREACH: S.NONE,
        R.AGENCY_ADMIN: S.NONE,
        R.HMIS_ADMIN: S.ALL,
    },
    # Loading another system's export writes records of every agency: the HMIS Lead's job.
    Action.IMPORT_HMIS_CSV: {role: S.ALL if role == R.HMIS_ADMIN else S.NONE for role in Role},
    Action.VIEW_AUDIT_LOG: {role: S.ALL if role == R.HMIS_ADMIN else S.NONE for role in Role},
    Action.USE_DJANGO_ADMIN: {role: S.ALL if role == R.HMIS_ADMIN else S.NONE for role in Role},
    # Not a row of the brief ("agency roles manage their openings and referrals", issue 5):
    # posting a project's openings and deciding the referrals sent to them follows the agency
    # data roles; an Access Point assesses and refers but is not a housing provider.
    Action.MANAGE_OPENINGS_AND_REFERRALS: {
        R.VICTIM_SERVICE_PROVIDER: S.NONE,
        R.ACCESS_POINT: S.NONE,
        R.AGENCY_CES: S.OWN_AGENCY,
        R.AGENCY_CES_OUTREACH: S.OWN_AGENCY,
        R.AGENCY_ADMIN: S.OWN_AGENCY,
        R.HMIS_ADMIN: S.ALL,
    },
    # Not a row of the brief: a survivor's de-identified CES record (alias, the VSP's own
    # reference) is the victim service provider's alone; no other role, not even the HMIS
    # Lead, writes it (VAWA; docs/ces.md, "Survivors").
    Action.MANAGE_DEIDENTIFIED_HOUSEHOLDS: {
        role: S.OWN_AGENCY if role == R.VICTIM_SERVICE_PROVIDER else S.NONE for role in Role
    },
    # Duties, not roles, grant these two (see DUTY_ACTIONS); no role grants them alone.
    Action.RUN_REGIONAL_CES_LIST: {
        role: S.ALL if role == R.HMIS_ADMIN else S.NONE for role in Role
    },
    Action.VOTE_IN_COMMITTEE: dict.fromkeys(Role, S.NONE),
}

# Added duties grant one action each, scoped to the duty's region (coordinators) or committee.
DUTY_ACTIONS: dict[Duty, Action] = {
    Duty.CES_REGIONAL_COORDINATOR: Action.RUN_REGIONAL_CES_LIST,
    Duty.COMMITTEE_MEMBER: Action.VOTE_IN_COMMITTEE,
    Duty.CASE_CONFERENCING: Action.ATTEND_CES_MEETINGS,
}

# The HUD project type of Coordinated Entry projects (list 2.02.6).
CE_PROJECT_TYPE = 14


# --- who the user is --------------------------------------------------------------------------


def active_memberships(user) -> list:
    """The user's current agency memberships, cached on the user object for one request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_sunflower_memberships", None)
    if cached is None:
        cached = list(user.memberships.filter(is_active=True).select_related("organization"))
        user._sunflower_memberships = cached
    return cached


def roles_of(user) -> set[Role]:
    return {Role(m.role) for m in active_memberships(user)}


def is_hmis_admin(user) -> bool:
    return Role.HMIS_ADMIN in roles_of(user)


def agency_ids_with(user, action: Action, scope: Scope) -> set[int]:
    """Organizations where one of the user's roles grants `action` with exactly `scope`."""
    return {
        m.organization_id
        for m in active_memberships(user)
        if ROLE_TABLE[action][Role(m.role)] == scope
    }


def active_duties(user, duty: Duty) -> list:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_sunflower_duties", None)
    if cached is None:  # one query per request, like the memberships
        cached = list(user.duties.filter(is_active=True).select_related("region"))
        user._sunflower_duties = cached
    return [d for d in cached if d.duty == duty]


# --- the question --------------------------------------------------------------------------


def can(user, action: Action, obj=None) -> bool:
    """May `user` do `action`, on `obj` if given, or anywhere at all if not?"""
    action = Action(action)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if _duty_allows(user, action, obj):
        return True
    if any(
        _scope_allows(ROLE_TABLE[action][Role(membership.role)], membership, obj)
        for membership in active_memberships(user)
    ):
        return True
    return _shared_allows(user, action, obj)


def _shared_allows(user, action: Action, obj) -> bool:
    """Reading a client (or, at level full, an enrollment) another agency shares with the
    user's agency: the same answer as visible_clients / visible_enrollments."""
    from sunflower.hmis import models as hmis

    if action not in SHARED_READ_ACTIONS or obj is None:
        return False
    if not agency_ids_with(user, action, Scope.OWN_AGENCY):
        return False
    if isinstance(obj, hmis.Client):
        return visible_clients(user, action).filter(pk=obj.pk).exists()
    if isinstance(obj, hmis.Enrollment):
        return visible_enrollments(user, action).filter(pk=obj.pk).exists()
    return False


def require(user, action: Action, obj=None) -> None:
    """Raise PermissionDenied unless `can(user, action, obj)`."""
    from django.core.exceptions import PermissionDenied

    if not can(user, action, obj):
        raise PermissionDenied


def _duty_allows(user, action: Action, obj) -> bool:
    for duty, granted in DUTY_ACTIONS.items():
        if granted != action:
            continue
        for assignment in active_duties(user, duty):
            if obj is None or assignment.covers(obj):
                return True
    return False


def _scope_allows(scope: Scope, membership, obj) -> bool:
    if scope is Scope.NONE:
        return False
    if scope is Scope.ALL:
        return True
    if obj is None:
        return True  # the capability exists somewhere in the user's scope
    if scope is Scope.OWN_AGENCY:
        return membership.organization_id in organizations_of(obj)
    if scope is Scope.CES_RECORDS:
        return is_ces_record(obj)
    raise ValueError(f"unknown scope {scope!r}")


# --- what a record belongs to --------------------------------------------------------------


def organizations_of(obj) -> set[int]:
    """The agencies a record belongs to: an agency itself, a project's agency, the agency of the
    project an enrollment (or a record of an enrollment) is in, every agency that has enrolled
    a client."""
    from sunflower.hmis import models as hmis

    if hasattr(obj, "policy_organization_ids"):  # CES records say whose they are
        return obj.policy_organization_ids()
    if isinstance(obj, hmis.Organization):
        return {obj.pk}
    if isinstance(obj, hmis.Project):
        return {obj.organization_id}
    if isinstance(obj, hmis.Client):
        enrolled = hmis.Enrollment.objects.filter(client=obj).values_list(
            "project__organization_id", flat=True
        )
        return set(enrolled) | set(_creating_agencies(obj))
    project = _project_of(obj)
    if project is not None:
        return {project.organization_id}
    return set()


def _creating_agencies(client) -> list[int]:
    """The agencies of the person who entered a client in Sunflower: a client an agency created
    is its record too, before any enrollment."""
    from sunflower.accounts.models import Membership

    if client.user_id is None:
        return []
    return list(
        Membership.objects.filter(user__hmis_user=client.user_id, is_active=True).values_list(
            "organization_id", flat=True
        )
    )


def _project_of(obj):
    if getattr(obj, "project_id", None) is not None and hasattr(obj, "project"):
        return obj.project
    enrollment = getattr(obj, "enrollment", None)
    if enrollment is not None:
        return enrollment.project
    return None


def is_ces_record(obj) -> bool:
    """A Coordinated Entry record: an assessment (4.19) or event (4.20) with its details, an
    enrollment in a CE project and the records of that enrollment, or a client who has any."""
    from sunflower.hmis import models as hmis

    if getattr(getattr(obj, "_meta", None), "app_label", None) == "ces":
        return True  # list entries, CES assessments, referrals, meetings (sunflower.ces)
    if isinstance(obj, hmis.Project):
        return obj.project_type == CE_PROJECT_TYPE  # CES intake enrolls into CE projects
    if isinstance(obj, hmis.Assessment | hmis.AssessmentQuestions | hmis.AssessmentResults):
        return True
    if isinstance(obj, hmis.Event):
        return True
    if isinstance(obj, hmis.Client):
        return ces_clients().filter(pk=obj.pk).exists()
    project = _project_of(obj)
    return project is not None and project.project_type == CE_PROJECT_TYPE


# --- the querysets every list and report starts from --------------------------------------


def ces_clients() -> QuerySet:
    """Clients with a CES record: an enrollment in a CE project, an assessment or an event."""
    from sunflower.hmis import models as hmis

    return hmis.Client.objects.filter(
        Exists(
            hmis.Enrollment.objects.filter(
                client=OuterRef("pk"), project__project_type=CE_PROJECT_TYPE
            )
        )
        | Exists(hmis.Assessment.objects.filter(client=OuterRef("pk")))
        | Exists(hmis.Event.objects.filter(client=OuterRef("pk")))
    )


def _visible(
    user, action: Action, queryset: QuerySet, own_agency, ces_records, shared=None
) -> QuerySet:
    """`queryset` narrowed to what `user`'s roles reach for `action`: everything (scope ALL), the
    rows `own_agency(agency_ids)` selects, the rows `ces_records()` selects, and, for reading
    only (SHARED_READ_ACTIONS), the rows `shared(agency_ids)` selects: what other agencies share
    with the user's agencies by release or CoC rule. The one place where list scopes are
    decided; the functions below only say what "own", "CES" and "shared" mean for their
    model."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    scopes = {ROLE_TABLE[action][Role(m.role)] for m in active_memberships(user)}
    if Scope.ALL in scopes:
        return queryset
    condition = Q(pk__in=[])
    own = agency_ids_with(user, action, Scope.OWN_AGENCY)
    if own:
        condition |= own_agency(own)
        if shared is not None and action in SHARED_READ_ACTIONS:
            condition |= shared(own)
    if Scope.CES_RECORDS in scopes:
        condition |= ces_records()
    return queryset.filter(condition)


def visible_clients(
    user,
    action: Action = Action.VIEW_CLIENT_RECORD,
    shared_minimum: SharingLevel = SharingLevel.PROFILE,
) -> QuerySet:
    """The clients whose records `user` may open for `action` (never more). For reading, that
    includes clients other agencies share with the user's agency at `shared_minimum` or more:
    a part of the record beyond the profile (client-level documents, say) asks for
    `shared_minimum=SharingLevel.FULL`; `SharingLevel.NONE` leaves sharing out."""
    from sunflower.accounts.models import Membership
    from sunflower.hmis import models as hmis

    def own_agency(agencies):
        enrolled = Exists(
            hmis.Enrollment.objects.filter(
                client=OuterRef("pk"), project__organization_id__in=agencies
            )
        )
        # Clients entered by a member of the agency, before any enrollment.
        entered = Exists(
            Membership.objects.filter(
                user__hmis_user=OuterRef("user"), organization_id__in=agencies, is_active=True
            )
        )
        return Q(enrolled) | Q(entered) | Q(referred_to(agencies))

    return _visible(
        user,
        action,
        hmis.Client.objects.all(),
        own_agency,
        lambda: Q(pk__in=ces_clients().values("pk")),
        shared=None
        if shared_minimum == SharingLevel.NONE
        else lambda agencies: shared_with(agencies, shared_minimum, "pk"),
    )


def referred_to(agencies) -> Exists:
    """Clients a CES referral sends to one of `agencies`' projects (from the offer until the
    referral ends): the receiving agency needs the record to decide, enroll and house. The
    model is looked up by name: CES sits above this floor (docs/architecture.md)."""
    from django.apps import apps

    referral = apps.get_model("ces", "Referral")
    return Exists(
        referral.objects.filter(
            entry__client=OuterRef("pk"),
            opening__project__organization_id__in=agencies,
            status__in=[*referral.OPEN_STATUSES, "moved_in"],
        )
    )


def visible_enrollments(user, action: Action = Action.VIEW_CLIENT_RECORD) -> QuerySet:
    """Enrollments whose pages `user` may open for `action`. Another agency's enrollment opens
    (read only) only when the client's release grants the full record, and never a victim
    service provider's."""
    from sunflower.hmis import models as hmis

    return _visible(
        user,
        action,
        hmis.Enrollment.objects.all(),
        lambda agencies: Q(project__organization_id__in=agencies),
        lambda: Q(project__project_type=CE_PROJECT_TYPE),
        shared=lambda agencies: (
            shared_with(agencies, SharingLevel.FULL, "client")
            & ~Q(project__organization__victim_service_provider=VSP_YES)
        ),
    )


def visible_projects(user, action: Action) -> QuerySet:
    """Projects whose data (or reports) `user` may reach for `action`."""
    from sunflower.hmis import models as hmis

    return _visible(
        user,
        action,
        hmis.Project.objects.all(),
        lambda agencies: Q(organization_id__in=agencies),
        lambda: Q(project_type=CE_PROJECT_TYPE),
    )


# --- what other agencies share (releases of information, CoC sharing rules) ----------------
#
# docs/consent.md. Only VIEW_CLIENT_RECORD reaches further through sharing: editing, reports,
# CES and every other action keep their own-agency scope.

SHARED_READ_ACTIONS = frozenset({Action.VIEW_CLIENT_RECORD})
VSP_YES = 1  # Organization.victim_service_provider (2.01.3, No/Yes list 1.10)
FLEEING_YES = 1  # HealthAndDV.currently_fleeing (4.11.B)


def _agency_cocs(agencies) -> QuerySet:
    """CoC codes the agencies take part in: those of their projects (2.03 ProjectCoC)."""
    from sunflower.hmis import models as hmis

    return hmis.ProjectCoC.objects.filter(project__organization_id__in=agencies).values("coc_code")


def currently_fleeing(client_ref: str = "pk") -> Exists:
    """The client's latest Health and DV record (4.11, by information date) says currently
    fleeing. `client_ref` names the client in the outer query."""
    from sunflower.hmis import models as hmis

    later = hmis.HealthAndDV.objects.filter(client=OuterRef("client")).filter(
        Q(information_date__gt=OuterRef("information_date"))
        | Q(information_date=OuterRef("information_date"), pk__gt=OuterRef("pk"))
    )
    return Exists(
        hmis.HealthAndDV.objects.filter(
            client=OuterRef(client_ref), currently_fleeing=FLEEING_YES
        ).exclude(Exists(later))
    )


def shared_with(agencies, minimum: SharingLevel, client_ref: str = "pk") -> Q:
    """A condition on an outer query whose `client_ref` is a client: the client is shared with
    one of `agencies` at `minimum` or more. As EXISTS subqueries, so a list costs one query.

    - a current release naming one of the agencies shares at its scope;
    - a current release naming a CoC the agency takes part in, or the CoC's sharing rule
      (for a client enrolled in that CoC at an agency that is not a victim service provider),
      shares too, but never a client currently fleeing domestic violence (VAWA)."""
    from django.utils import timezone

    from sunflower.consent.models import ReleaseOfInformation, SharingRule
    from sunflower.hmis import models as hmis

    levels = SharingLevel.reaching(minimum)
    cocs = _agency_cocs(agencies)
    releases = ReleaseOfInformation.objects.current(timezone.localdate()).filter(
        client=OuterRef(client_ref), scope__in=levels
    )
    named = Exists(releases.filter(organization_id__in=agencies))
    coc_wide = Exists(releases.filter(coc_code__in=cocs))
    rule_cocs = SharingRule.objects.filter(level__in=levels, coc_code__in=cocs).values("coc_code")
    by_rule = Exists(
        hmis.Enrollment.objects.filter(
            client=OuterRef(client_ref), enrollment_coc__in=rule_cocs
        ).exclude(project__organization__victim_service_provider=VSP_YES)
    )
    return Q(named) | ((Q(coc_wide) | Q(by_rule)) & ~Q(currently_fleeing(client_ref)))


class Sharing:
    """What one user's agencies are shared of one client: the level of the releases (whole
    record) and the level of each CoC's rule (enrollments in that CoC). Built with a fixed
    number of queries; `level_for(enrollment)` decides each history row."""

    def __init__(self, release_level: SharingLevel, coc_levels: dict[str, SharingLevel]):
        self.release_level = release_level
        self.coc_levels = coc_levels

    @property
    def level(self) -> SharingLevel:
        return SharingLevel.highest([self.release_level, *self.coc_levels.values()])

    def level_for(self, enrollment) -> SharingLevel:
        """The level at which another agency's enrollment is shared; a victim service
        provider's enrollment is never shared."""
        if enrollment.project.organization.victim_service_provider == VSP_YES:
            return SharingLevel.NONE
        return SharingLevel.highest(
            [self.release_level, self.coc_levels.get(enrollment.enrollment_coc, SharingLevel.NONE)]
        )


EVERYTHING = Sharing(SharingLevel.FULL, {})
NOTHING = Sharing(SharingLevel.NONE, {})


def sharing_for(user, client) -> Sharing:
    """How much of `client`'s record held by OTHER agencies the user may read (the user's own
    agency's part is decided by the role table as always). Cached on the user for a request."""
    from django.utils import timezone

    from sunflower.consent.models import ReleaseOfInformation, SharingRule
    from sunflower.hmis import models as hmis

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    scopes = {ROLE_TABLE[Action.VIEW_CLIENT_RECORD][role] for role in roles_of(user)}
    if Scope.ALL in scopes:
        return EVERYTHING
    agencies = agency_ids_with(user, Action.VIEW_CLIENT_RECORD, Scope.OWN_AGENCY)
    if not agencies:
        return NOTHING
    today = timezone.localdate()
    cache = user.__dict__.setdefault("_sunflower_sharing", {})
    key = (client.pk, today)
    if key in cache:
        return cache[key]

    cocs = _agency_cocs(agencies)
    fleeing = hmis.Client.objects.filter(pk=client.pk).filter(currently_fleeing()).exists()
    named, coc_wide = [], []
    for organization_id, scope in (
        ReleaseOfInformation.objects.current(today)
        .filter(client=client)
        .filter(Q(organization_id__in=agencies) | Q(coc_code__in=cocs))
        .values_list("organization_id", "scope")
    ):
        (named if organization_id in agencies else coc_wide).append(scope)
    coc_levels: dict[str, SharingLevel] = {}
    if not fleeing:
        enrolled_cocs = (
            hmis.Enrollment.objects.filter(client=client)
            .exclude(project__organization__victim_service_provider=VSP_YES)
            .values("enrollment_coc")
        )
        coc_levels = {
            coc_code: SharingLevel(level)
            for coc_code, level in SharingRule.objects.filter(
                coc_code__in=cocs, level__in=SharingLevel.reaching(SharingLevel.PROFILE)
            )
            .filter(coc_code__in=enrolled_cocs)
            .values_list("coc_code", "level")
        }
    release_level = SharingLevel.highest(named + ([] if fleeing else coc_wide))
    cache[key] = Sharing(release_level, coc_levels)
    return cache[key]


def sharing_level(user, client) -> SharingLevel:
    """The most the user's agencies are shared of `client` by releases and CoC rules:
    none, profile, profile and history, or full (read only)."""
    return sharing_for(user, client).level


def access_client(user, client_pk: int, action: Action = Action.VIEW_CLIENT_RECORD):
    """The one way a page opens a client's record: checks the policy, writes the audit entry
    for the view, and returns the client. Refused and missing clients look the same (404), so
    that a URL does not reveal whether a person is in the HMIS."""
    from django.http import Http404

    from sunflower.audit.actions import record_view

    client = visible_clients(user, action).filter(pk=client_pk).first()
    if client is None:
        raise Http404("No such client.")
    record_view(user, client)
    return client


def allowed_actions(user) -> set[Action]:
    """Every action the user can do somewhere; navigation is built from this."""
    return {action for action in Action if can(user, action)}


def roles_granting(
    action: Action, scopes: Iterable[Scope] = (Scope.ALL, Scope.OWN_AGENCY, Scope.CES_RECORDS)
) -> set[Role]:
    return {role for role, scope in ROLE_TABLE[action].items() if scope in set(scopes)}
