"""How much of a client's record another agency sees (docs/consent.md). Plain Python, so that
the access policy can use it without importing models."""

from __future__ import annotations

import enum

from django.utils.translation import gettext_lazy as _


class SharingLevel(enum.StrEnum):
    NONE = "none"
    # Identity and the client-level universal data elements (3.01-3.07): what is needed to
    # find the person and avoid a duplicate record.
    PROFILE = "profile"
    # + every enrollment across agencies: project, type, agency, dates, destination.
    HISTORY = "profile_and_history"
    # + the other agencies' enrollment pages, read only (assessments, services, documents).
    FULL = "full"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @property
    def label(self) -> str:
        return str(LABELS[self])

    def at_least(self, other: SharingLevel) -> bool:
        return self.rank >= SharingLevel(other).rank

    @classmethod
    def highest(cls, levels) -> SharingLevel:
        return max((cls(level) for level in levels), key=lambda level: level.rank, default=cls.NONE)

    @classmethod
    def reaching(cls, minimum: SharingLevel) -> list[str]:
        """The level values that include `minimum`."""
        return [level.value for level in cls if level.rank >= SharingLevel(minimum).rank]


_RANK = {
    SharingLevel.NONE: 0,
    SharingLevel.PROFILE: 1,
    SharingLevel.HISTORY: 2,
    SharingLevel.FULL: 3,
}

LABELS = {
    SharingLevel.NONE: _("Nothing"),
    SharingLevel.PROFILE: _("Profile (identity and universal data elements)"),
    SharingLevel.HISTORY: _("Profile and enrollment history across agencies"),
    SharingLevel.FULL: _("Full record, read only"),
}
