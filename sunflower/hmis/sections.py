"""Sections of the client and enrollment pages, contributed by the apps that own them.

The client page (views.client_detail) and the enrollment page (views.enrollment_detail) render
each registered section in order. A section is a template and a function returning its context;
the function receives the request, the record (already opened through the access policy and
audited) and what the page has loaded, and must run a fixed number of queries whatever the
record's size (list pages have query-count tests). Each app registers its sections in its own
module, listed in CLIENT_SECTIONS / ENROLLMENT_SECTIONS below by dotted path, so that adding a
section never edits another app's view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Section:
    key: str  # id of the section's heading (anchors, tests)
    template: str
    context: Callable[..., dict | None]  # None: the section is not shown to this user


# Dotted paths of Section objects, in page order.
CLIENT_SECTIONS: list[str] = [
    "sunflower.documents.sections.CLIENT_DOCUMENTS",
    "sunflower.chronic.sections.CLIENT_HOMELESS_HISTORY",
    "sunflower.consent.sections.CLIENT_HOUSEHOLDS",
    "sunflower.consent.sections.CLIENT_HISTORY",
    "sunflower.consent.sections.CLIENT_RELEASES",
]
ENROLLMENT_SECTIONS: list[str] = [
    "sunflower.hmis.views_services.MOVE_IN_SECTION",
    "sunflower.hmis.views_services.SERVICES_SECTION",
    "sunflower.hmis.views_services.LIVING_SITUATIONS_SECTION",
    "sunflower.hmis.views_assessments.DATA_COLLECTION_SECTION",
    "sunflower.documents.sections.ENROLLMENT_DOCUMENTS",
]


@cache
def _load(paths: tuple[str, ...]) -> tuple[Section, ...]:
    return tuple(import_string(path) for path in paths)


def render_sections(paths: list[str], request, record, **loaded) -> list[dict]:
    """[{"section": Section, "context": {...}}] for the sections this user may see."""
    shown = []
    for section in _load(tuple(paths)):
        context = section.context(request, record, **loaded)
        if context is not None:
            shown.append({"section": section, "context": context})
    return shown
