"""Which models django-auditlog tracks: every HUD record and the user and membership tables.

Identifiers that must not be copied in clear into the change log are masked.
"""

from __future__ import annotations

from auditlog.registry import auditlog
from django.apps import apps

# App labels whose every model holds client or project data.
AUDITED_APPS = ("hmis", "ces", "datarequests", "outreach")
AUDITED_MODELS = (
    "accounts.User",
    "accounts.Membership",
    "accounts.DutyAssignment",
    "interchange.ImportRun",
    "interchange.ExportRun",
    "dedup.DuplicateCandidate",
    "dedup.ClientMerge",
    "documents.Document",
    "consent.ReleaseOfInformation",
    "consent.SharingRule",
    "chronic.HomelessPeriod",
    "portal.AccessRequest",
    "portal.AgreementSignature",
    "portal.UserAgreement",
    "portal.ResourcePage",
    "training.QuizAttempt",
    "helpdesk.Ticket",
    "helpdesk.TicketMessage",
    "governance.ProgramRequest",
    "governance.CommitteeVote",
    "governance.MeetingQuestion",
)
MASKED_FIELDS = ["ssn", "password"]


def register_models() -> None:
    for label in AUDITED_APPS:
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        for model in config.get_models():
            if not auditlog.contains(model):
                auditlog.register(model, mask_fields=[f for f in MASKED_FIELDS if _has(model, f)], exclude_fields=["password"])
    for dotted in AUDITED_MODELS:
        try:
            model = apps.get_model(dotted)
        except LookupError:
            continue
        if not auditlog.contains(model):
            auditlog.register(model, exclude_fields=["password", "last_login"])


def _has(model, field_name: str) -> bool:
    return any(f.name == field_name for f in model._meta.get_fields())
