"""What a signed-in user is offered: one table of features, each gated by one policy action.

The header navigation, the home page's cards and the feature pages' access checks all read
`FEATURES`; an item appears exactly when `can(user, feature.action)`. Nothing here decides
access on its own: the policy (sunflower.accounts.policy) does.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sunflower.accounts.policy import Action, allowed_actions


@dataclass(frozen=True)
class Feature:
    key: str
    label: str | Promise
    # A URL name (reversed) or, for pages outside this app that may not exist yet, a path.
    url: str
    action: Action
    # Which later part of the project builds the page (shown on the coming-soon page).
    built_by: str | Promise = ""

    def resolve_url(self) -> str:
        return self.url if self.url.startswith("/") else reverse(self.url)


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url: str


# The one table: (key, label, url, action, part of the project that builds it).
FEATURES: tuple[Feature, ...] = (
    Feature(
        "clients",
        _("Clients"),
        "clients",
        Action.VIEW_CLIENT_RECORD,
        _("Case management: client search, intake, enrollments, services and exits"),
    ),
    Feature(
        "ces",
        _("Coordinated Entry"),
        "ces",
        Action.VIEW_CES_CLIENT_INFO,
        _("Coordinated Entry: assessments, prioritization and referrals"),
    ),
    Feature(
        "ces_meetings",
        _("CES meetings"),
        "ces_meetings",
        Action.ATTEND_CES_MEETINGS,
        _("Coordinated Entry: case-conferencing meetings, agendas and minutes"),
    ),
    Feature(
        "ces_regional_list",
        _("Regional CES list"),
        "ces_regional_list",
        Action.RUN_REGIONAL_CES_LIST,
        _("Coordinated Entry: regional prioritization (by-name) lists"),
    ),
    Feature(
        "reports",
        _("Reports"),
        "reports:index",
        Action.RUN_PROGRAM_REPORTS,
        _("HUD and CoC reporting: APR, CAPER, CE APR, SPM, data quality, PIT/HIC, LSA"),
    ),
    Feature(
        "outreach_map",
        _("Outreach map"),
        "outreach:map",
        Action.USE_OUTREACH_MAP,
        _("Street outreach: contacts, encampments and the map"),
    ),
    Feature(
        "outreach_counts",
        _("Outreach by county"),
        "outreach:county_counts",
        Action.VIEW_OUTREACH_COUNTY_COUNTS,
        _("Street outreach: contacts per county, small counts suppressed"),
    ),
    Feature(
        "agency_requests",
        _("Agency requests"),
        "agency_requests",
        Action.REQUEST_USERS_AND_PROGRAM_CHANGES,
        _("Access and onboarding, governance: new-user and program change requests"),
    ),
    Feature(
        "administration",
        _("Administration"),
        "administration",
        Action.MANAGE_USERS_PROJECTS_APPROVALS,
        _("Access and onboarding, governance: users, projects and approvals"),
    ),
    Feature(
        "helpdesk",
        _("Help desk"),
        "helpdesk:queue",
        Action.MANAGE_USERS_PROJECTS_APPROVALS,
        _("Help desk: tickets from the web form and e-mail, replies, notes and targets"),
    ),
    Feature(
        "data_requests",
        _("Data requests"),
        "datarequests:queue",
        Action.MANAGE_USERS_PROJECTS_APPROVALS,
        _("Data requests: review, committee and KHRC decisions, suppressed extracts"),
    ),
    Feature(
        "training_completion",
        _("Training completion"),
        "training:completion",
        Action.MANAGE_USERS_PROJECTS_APPROVALS,
        _("Training: who has passed which required course, across agencies"),
    ),
    Feature(
        "duplicates",
        _("Duplicates"),
        "dedup:queue",
        Action.MANAGE_USERS_PROJECTS_APPROVALS,
        _("Client matching: the duplicates queue, merge and undo"),
    ),
    Feature(
        "hmis_import",
        _("HMIS CSV import"),
        "interchange:imports",
        Action.IMPORT_HMIS_CSV,
        _("HMIS CSV interchange: import"),
    ),
    Feature(
        "hmis_export",
        _("HMIS CSV export"),
        "interchange:exports",
        Action.RUN_PROGRAM_REPORTS,
        _("HMIS CSV interchange: export"),
    ),
    Feature(
        "committee",
        _("Committee"),
        "committee",
        Action.VOTE_IN_COMMITTEE,
        _("Governance: Oversight Committee reviews and votes"),
    ),
    # Built elsewhere: the audit-log search page (url name "audit:search") and Django's admin.
    Feature("audit", _("Audit log"), "/audit/", Action.VIEW_AUDIT_LOG),
    Feature("django_admin", _("Django admin"), "/admin/", Action.USE_DJANGO_ADMIN),
)

FEATURES_BY_KEY: dict[str, Feature] = {feature.key: feature for feature in FEATURES}

_CACHE_ATTRIBUTE = "_sunflower_allowed_actions"


def user_actions(user) -> set[Action]:
    """`allowed_actions(user)`, computed once per request and kept on the user object
    (request.user is a fresh object on every request, so the cache cannot outlive it). It is
    recomputed when the policy's membership cache on the user is reset (a role granted or
    revoked during the request)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    memberships = getattr(user, "_sunflower_memberships", None)
    if cached is None or memberships is None or cached[0] is not memberships:
        actions = frozenset(allowed_actions(user))
        cached = (getattr(user, "_sunflower_memberships", None), actions)
        setattr(user, _CACHE_ATTRIBUTE, cached)
    return set(cached[1])


def features_for(user) -> list[Feature]:
    actions = user_actions(user)
    return [feature for feature in FEATURES if feature.action in actions]


def navigation_for(user) -> list[NavItem]:
    """The header navigation: exactly the features the policy allows this user."""
    return [
        NavItem(key=feature.key, label=feature.label, url=feature.resolve_url())
        for feature in features_for(user)
    ]
