"""Sign-in pages, the home page of each role, and the feature pages still to be built.

Every page here asks the access policy (sunflower.accounts.policy); the feature table lives in
sunflower.accounts.navigation.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sunflower.accounts.navigation import FEATURES_BY_KEY, Feature, features_for
from sunflower.accounts.policy import (
    ROLE_TABLE,
    Action,
    Scope,
    active_memberships,
    require,
)
from sunflower.accounts.roles import Role

# Broadest first: the scope a user has for an action is the broadest any of their roles gives.
_SCOPE_ORDER = (Scope.ALL, Scope.OWN_AGENCY, Scope.CES_RECORDS)

# One sentence per home-page card; where the reach of the action matters, one per scope.
_CARD_TEXT: dict[str, dict[Scope | None, str | Promise]] = {
    "clients": {
        Scope.ALL: _("Find, create and update any client in the HMIS, across every agency."),
        Scope.OWN_AGENCY: _(
            "Find, create and update clients of your agency's programs: enrollments, services, "
            "income, health and exits."
        ),
        Scope.CES_RECORDS: _(
            "Look up clients' Coordinated Entry records and keep them current — CES records "
            "only, no other program data."
        ),
    },
    "ces": {
        None: _(
            "Assess households for coordinated entry, keep their CES records current and refer "
            "them to housing openings."
        ),
    },
    "ces_meetings": {
        None: _("Take part in CES case-conferencing meetings: agendas, attendance and decisions."),
    },
    "ces_regional_list": {
        Scope.ALL: _(
            "Run every region's prioritization (by-name) list and match households to openings."
        ),
        None: _(
            "Run your region's prioritization (by-name) list and match households to openings."
        ),
    },
    "reports": {
        Scope.ALL: _("Run HUD and CoC reports for every program in the HMIS."),
        None: _("Run program and project reports for your agency's programs."),
    },
    "outreach_map": {
        None: _("Record street outreach contacts and encampments on the map, also from a phone."),
    },
    "agency_requests": {
        Scope.ALL: _("See and answer the access and program change requests agencies submit."),
        None: _(
            "Request HMIS access for new staff, and ask to add, close or change your agency's "
            "programs. The HMIS Lead team decides."
        ),
    },
    "administration": {
        None: _("Onboard users, set up projects and decide on access and program requests."),
    },
    "data_requests": {
        None: _(
            "Work the queue of requests for HMIS data: acknowledge, review, record the "
            "committee's and KHRC's decisions and send the suppressed extract."
        ),
    },
    "committee": {
        None: _("Review and vote on non-HUD programs joining the HMIS and on data requests."),
    },
    "audit": {
        None: _("Search the audit log: who viewed or changed which record, and when."),
    },
    "django_admin": {
        None: _("Low-level administration of users and reference data. Use with care."),
    },
}

# A VSP sees CES information but never enters HMIS data (the seed's wording).
_CES_COORDINATE_ONLY = _(
    "Coordinate referrals for survivors through CES — you cannot enter or edit HMIS data."
)


@dataclass(frozen=True)
class Card:
    key: str
    label: str | Promise
    url: str
    text: str | Promise


@dataclass(frozen=True)
class RoleAtAgency:
    role: Role
    organization: object

    @property
    def label(self):
        return self.role.label


def broadest_scope(roles: set[Role], action: Action) -> Scope:
    scopes = {ROLE_TABLE[action][role] for role in roles}
    for scope in _SCOPE_ORDER:
        if scope in scopes:
            return scope
    return Scope.NONE


def card_text(feature: Feature, roles: set[Role]) -> str | Promise:
    if feature.key == "ces" and broadest_scope(roles, Action.CES_ASSESS_AND_REFER) is Scope.NONE:
        return _CES_COORDINATE_ONLY
    texts = _CARD_TEXT.get(feature.key, {})
    scope = broadest_scope(roles, feature.action)
    return texts.get(scope) or texts.get(None) or ""


def home(request):
    """The signed-in user's page: agencies and roles, what they can and cannot do."""
    user = request.user
    memberships = active_memberships(user)
    placements = [RoleAtAgency(Role(m.role), m.organization) for m in memberships]
    roles = {placement.role for placement in placements}
    # One summary per role held (a user may hold the same role at several agencies).
    role_summaries = [role for role in Role if role in roles]
    cards = [
        Card(feature.key, feature.label, feature.resolve_url(), card_text(feature, roles))
        for feature in features_for(user)
    ]
    return render(
        request,
        "accounts/home.html",
        {
            "placements": placements,
            "role_templates": [f"accounts/roles/{role.value}.html" for role in role_summaries],
            "cards": cards,
            "has_access": bool(placements),
        },
    )


def coming_soon(request, key: str):
    """A feature page not built yet: the policy decides who may open it, as it will later."""
    feature = FEATURES_BY_KEY[key]
    require(request.user, feature.action)
    return render(request, "core/coming_soon.html", {"feature": feature})
