"""Services during the stay (HUD Services.csv): PATH, RHY, HOPWA, SSVF, HUD-VASH and Moving On
records, one row per service and client (docs/services.md).

Bed nights (4.14, RecordType 200) are Services rows too, but they are recorded night by night
on the check-in page (sunflower/hmis/stay.py); this module refuses them.

Which record types a project may record is data: ``requirements/services.csv`` (record type,
HUD element, funders, project types, source). A record type applies when the project's type is
listed (or ``all``) and the project has an active funder (2.06) on the service date among the
row's funders (``any``, a group of ``requirements/funder_groups.csv`` or a funding source code).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from sunflower.accounts.policy import Action, can
from sunflower.hmis import requirements
from sunflower.hmis import vocabulary as hud
from sunflower.hmis.models.enrollment import (
    SUB_TYPE_PROVIDED_LISTS,
    TYPE_PROVIDED_LISTS,
)

BED_NIGHT = hud.RecordType.BED_NIGHT  # 200: the check-in page's
PATH_REFERRAL = hud.RecordType.PATH_REFERRAL  # 161
SSVF_SERVICE = hud.RecordType.SSVF_SERVICE  # 144
HOPWA_FINANCIAL_ASSISTANCE = hud.RecordType.HOPWA_FINANCIAL_ASSISTANCE  # 151
SSVF_FINANCIAL_ASSISTANCE = hud.RecordType.SSVF_FINANCIAL_ASSISTANCE  # 152
VOUCHER_TRACKING = hud.RecordType.HUD_VASH_OTH_VOUCHER_TRACKING  # 210
MOVING_ON = hud.RecordType.MOVING_ON_ASSISTANCE_PROVIDED  # 300

FINANCIAL_ASSISTANCE = frozenset({HOPWA_FINANCIAL_ASSISTANCE, SSVF_FINANCIAL_ASSISTANCE})
# Services.csv OtherTypeProvided: only (144, 6) "Other (non-TFA) supportive service approved by
# VA" and (210, 12) "Other"; MovingOnOtherType: only (300, 5) "Other (please specify)".
OTHER_TYPE_PROVIDED = frozenset({(SSVF_SERVICE, 6), (VOUCHER_TRACKING, 12)})
MOVING_ON_OTHER = (MOVING_ON, hud.MovingOnAssistance.OTHER)
MAX_AMOUNT = Decimal("9999999999.99")  # Services.fa_amount: 12 digits, 2 decimals

DETAIL_FIELDS = (
    "other_type_provided",
    "moving_on_other_type",
    "sub_type_provided",
    "fa_amount",
    "fa_start_date",
    "fa_end_date",
    "referral_outcome",
)


@dataclass(frozen=True)
class ServiceRule:
    record_type: int
    element: str
    name: str
    funders: tuple[str, ...]  # empty: whatever the funding
    project_types: frozenset[int] | None  # None: every project type
    source: str

    def funding_codes(self) -> frozenset[int] | None:
        if not self.funders:
            return None
        groups = requirements.funder_groups()
        codes: set[int] = set()
        for token in self.funders:
            codes |= groups[token] if token in groups else {int(token)}
        return frozenset(codes)

    def applies(self, project_type, funders: set[int]) -> bool:
        if self.project_types is not None and project_type not in self.project_types:
            return False
        codes = self.funding_codes()
        return codes is None or bool(funders & codes)


@cache
def service_rules() -> tuple[ServiceRule, ...]:
    groups = requirements.funder_groups()
    rules = []
    path = requirements.HERE / "services.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            funders = () if row["funders"] == "any" else tuple(row["funders"].split())
            for token in funders:
                if token not in groups and not token.isdigit():
                    raise ValueError(f"services.csv line {line}: unknown funder {token!r}")
            record_type = int(row["record_type"])
            if record_type not in hud.RecordType.values:
                raise ValueError(f"services.csv line {line}: unknown record type {record_type}")
            rules.append(
                ServiceRule(
                    record_type=record_type,
                    element=row["element"],
                    name=row["name"],
                    funders=funders,
                    project_types=None
                    if row["project_types"] == "all"
                    else frozenset(int(code) for code in row["project_types"].split()),
                    source=row["source"],
                )
            )
    return tuple(rules)


def rule_for(record_type: int) -> ServiceRule | None:
    return next((r for r in service_rules() if r.record_type == record_type), None)


def allowed_record_types(project, on: dt.date | None = None) -> list[int]:
    """Record types (other than bed nights) the project records, given its type and the
    funders active on `on` (every funder it ever had when None, for the form's choices; the
    action checks the service date). Uses project.funders.all() (prefetchable)."""
    funders = requirements.active_funders(project, on)
    return [
        rule.record_type
        for rule in service_rules()
        if rule.record_type != BED_NIGHT and rule.applies(project.project_type, funders)
    ]


def type_choices(record_type: int) -> list[tuple[int, str]]:
    choices = TYPE_PROVIDED_LISTS.get(record_type)
    return list(choices.choices) if choices else []


def type_label(record_type: int, type_provided: int) -> str:
    return dict(type_choices(record_type)).get(type_provided, str(type_provided))


def sub_type_choices(type_provided: int) -> list[tuple[int, str]]:
    choices = SUB_TYPE_PROVIDED_LISTS.get(type_provided)
    return list(choices.choices) if choices else []


def enrollment_end(enrollment) -> dt.date | None:
    # exits.all(): uses prefetch_related("exits") when the caller loaded it.
    exit_record = next(iter(enrollment.exits.all()), None)
    return exit_record.exit_date if exit_record else None


def date_errors(enrollment, when: dt.date | None, label: str, field: str) -> dict:
    """HUD: a record "during the stay" is dated on or after the project start date and on or
    before the exit date, and (Sunflower) not in the future."""
    errors: dict[str, list[str]] = {}
    if when is None:
        errors[field] = [f"Enter the {label}."]
    elif when > timezone.localdate():
        errors[field] = [f"The {label} cannot be in the future."]
    elif when < enrollment.entry_date:
        errors[field] = [
            f"The {label} {when:%Y-%m-%d} is before the project start date "
            f"{enrollment.entry_date:%Y-%m-%d} of {enrollment.client}."
        ]
    else:
        end = enrollment_end(enrollment)
        if end is not None and when > end:
            errors[field] = [
                f"The {label} {when:%Y-%m-%d} is after the exit date {end:%Y-%m-%d} of "
                f"{enrollment.client}."
            ]
    return errors


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def service_errors(
    enrollment, record_type, type_provided, date_provided, details: dict
) -> dict[str, list[str]]:
    """The reasons (by field) this service may not be written for `enrollment`; empty if none."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    unknown = set(details) - set(DETAIL_FIELDS)
    if unknown:
        raise TypeError(f"unknown service details {sorted(unknown)}")
    for name, messages in date_errors(
        enrollment, date_provided, "date provided", "date_provided"
    ).items():
        errors.setdefault(name, []).extend(messages)

    if record_type in (None, ""):
        add("record_type", "Choose the kind of service (record type).")
        return errors
    record_type = int(record_type)
    if record_type == BED_NIGHT:
        add("record_type", "Bed nights are recorded on the project's bed-night check-in page.")
        return errors
    if record_type not in hud.RecordType.values:
        add("record_type", f"{record_type} is not a code of the HUD RecordType list (1.4).")
        return errors
    rule = rule_for(record_type)
    label = hud.RecordType(record_type).label
    if "date_provided" not in errors and record_type not in allowed_record_types(
        enrollment.project, date_provided
    ):
        add(
            "record_type",
            f"{enrollment.project.project_name} does not record “{label}” "
            + (f"(HUD {rule.element}) " if rule else "")
            + "on that date: it needs a matching funder active on the date and project type.",
        )

    if type_provided in (None, ""):
        add("type_provided", "Choose the service provided.")
    elif int(type_provided) not in dict(type_choices(record_type)):
        add("type_provided", f"{type_provided} is not a type of “{label}”.")
    else:
        type_provided = int(type_provided)

    def text(name: str, wanted: bool, message_missing: str, message_extra: str) -> None:
        value = details.get(name)
        if wanted and _blank(value):
            add(name, message_missing)
        elif not wanted and not _blank(value):
            add(name, message_extra)
        elif not _blank(value) and len(value.strip()) > 50:
            add(name, "At most 50 characters.")

    text(
        "other_type_provided",
        (record_type, type_provided) in OTHER_TYPE_PROVIDED,
        "Describe the service: its type is “Other”.",
        "Describe the service only when its type is “Other”.",
    )
    text(
        "moving_on_other_type",
        (record_type, type_provided) == MOVING_ON_OTHER,
        "Describe the Moving On assistance: its type is “Other (please specify)”.",
        "Describe the Moving On assistance only when its type is “Other (please specify)”.",
    )

    sub_type = details.get("sub_type_provided")
    sub_choices = sub_type_choices(type_provided) if record_type == SSVF_SERVICE else []
    if sub_choices:
        if sub_type in (None, ""):
            add("sub_type_provided", "Choose the sub-type of this SSVF service.")
        elif int(sub_type) not in dict(sub_choices):
            add("sub_type_provided", f"{sub_type} is not a sub-type of this SSVF service.")
    elif sub_type not in (None, ""):
        add(
            "sub_type_provided",
            "A sub-type is recorded only for SSVF services of types 3, 4 and 5 (HUD V2).",
        )

    amount = details.get("fa_amount")
    if record_type in FINANCIAL_ASSISTANCE:
        if amount in (None, ""):
            add("fa_amount", "Enter the amount of financial assistance.")
        else:
            try:
                amount = Decimal(str(amount))
            except InvalidOperation:
                add("fa_amount", "Enter the amount as a number, e.g. 250.00.")
            else:
                if not amount.is_finite():
                    add("fa_amount", "Enter the amount as a number, e.g. 250.00.")
                elif amount < 0:
                    add("fa_amount", "The amount cannot be negative.")
                elif amount > MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
                    add("fa_amount", "Enter dollars and cents, at most 9,999,999,999.99.")
    elif amount not in (None, ""):
        add("fa_amount", "An amount is recorded only for financial assistance (HUD V3, W2).")

    start, end = details.get("fa_start_date"), details.get("fa_end_date")
    if record_type == SSVF_FINANCIAL_ASSISTANCE:
        if start is None:
            add("fa_start_date", "Enter the start date of the financial assistance.")
        if start is not None and end is not None and end < start:
            add("fa_end_date", "The end date is before the start date.")
    else:
        if start is not None:
            add("fa_start_date", "A start date is recorded only for SSVF financial assistance.")
        if end is not None:
            add("fa_end_date", "An end date is recorded only for SSVF financial assistance.")

    outcome = details.get("referral_outcome")
    if outcome not in (None, ""):
        if record_type != PATH_REFERRAL:
            add("referral_outcome", "A referral outcome is recorded only for PATH referrals.")
        elif int(outcome) not in hud.PATHReferralOutcome.values:
            add("referral_outcome", f"{outcome} is not a code of HUD list P2.A.")
    return errors


def household_enrollments(enrollment) -> list:
    """Every enrollment of `enrollment`'s household in the same project (itself included),
    head first."""
    from sunflower.hmis.models import Enrollment

    members = list(
        Enrollment.objects.filter(
            project_id=enrollment.project_id,
            data_source_id=enrollment.data_source_id,
            household_id=enrollment.household_id,
        )
        .select_related("client", "project")
        .prefetch_related("exits", "project__funders")
        .order_by("pk")
    )
    members.sort(key=lambda member: (not member.is_head_of_household, member.pk))
    return members


def _clean_details(record_type: int, details: dict) -> dict:
    values = {}
    for name in DETAIL_FIELDS:
        value = details.get(name)
        if name in ("other_type_provided", "moving_on_other_type"):
            values[name] = (value or "").strip()
        elif name == "fa_amount":
            values[name] = None if value in (None, "") else Decimal(str(value))
        elif name in ("sub_type_provided", "referral_outcome"):
            values[name] = None if value in (None, "") else int(value)
        else:
            values[name] = value
    return values


def record_service(
    user,
    enrollment,
    record_type: int,
    type_provided: int,
    date_provided: dt.date,
    *,
    household_members=(),
    **details,
) -> list:
    """Record one service on `enrollment` and, household-wide, the same service on each of
    `household_members` (enrollments of the same household and project): one Services row per
    enrollment, all or none.

    Raises PermissionDenied unless `user` may edit each enrollment's HMIS data, ValidationError
    (by field, writing nothing) if a rule is broken for any of them."""
    from sunflower.accounts.actions import hmis_user_for
    from sunflower.hmis.models import Enrollment, Services

    targets = [enrollment, *[m for m in household_members if m.pk != enrollment.pk]]
    for target in targets:
        if not can(user, Action.EDIT_HMIS_DATA, target):
            raise PermissionDenied
        if (target.project_id, target.household_id, target.data_source_id) != (
            enrollment.project_id,
            enrollment.household_id,
            enrollment.data_source_id,
        ):
            raise ValidationError(
                {"household_members": ["Only members of this household in this project."]}
            )
    with transaction.atomic():
        locked = list(
            Enrollment.objects.select_for_update()
            .filter(pk__in=[t.pk for t in targets])
            .select_related("client", "project")
            .prefetch_related("exits", "project__funders")
            .order_by("pk")
        )
        errors: dict[str, list[str]] = {}
        for target in locked:
            for name, messages in service_errors(
                target, record_type, type_provided, date_provided, details
            ).items():
                for message in messages:
                    if message not in errors.get(name, []):
                        errors.setdefault(name, []).append(message)
        if errors:
            raise ValidationError(errors)
        hmis_user = hmis_user_for(user)
        values = _clean_details(int(record_type), details)
        written = []
        for target in locked:
            service = Services(
                enrollment=target,
                client_id=target.client_id,
                date_provided=date_provided,
                record_type=int(record_type),
                type_provided=int(type_provided),
                user=hmis_user,
                **values,
            )
            service.full_clean()
            service.save()  # one row at a time: auditlog records each CREATE
            written.append(service)
    return written


def delete_service(user, service) -> None:
    """Soft-delete a service (HUD DateDeleted): it leaves the record and the exports' active
    rows but stays in the database and the audit log."""
    from sunflower.accounts.actions import hmis_user_for

    if not can(user, Action.EDIT_HMIS_DATA, service.enrollment):
        raise PermissionDenied
    if service.is_deleted:
        return
    with transaction.atomic():
        service.user = hmis_user_for(user)
        service.date_deleted = timezone.now()
        service.save(update_fields=["date_deleted", "user"])


def asked_fields(record_type, type_provided) -> set[str]:
    """The fields the service form asks for these answers (others stay hidden)."""
    asked: set[str] = set()
    try:
        record_type = int(record_type)
    except (TypeError, ValueError):
        return asked
    asked.add("type_provided")
    try:
        type_provided = int(type_provided)
    except (TypeError, ValueError):
        type_provided = None
    if (record_type, type_provided) in OTHER_TYPE_PROVIDED:
        asked.add("other_type_provided")
    if (record_type, type_provided) == MOVING_ON_OTHER:
        asked.add("moving_on_other_type")
    if record_type == SSVF_SERVICE and type_provided in SUB_TYPE_PROVIDED_LISTS:
        asked.add("sub_type_provided")
    if record_type in FINANCIAL_ASSISTANCE:
        asked.add("fa_amount")
    if record_type == SSVF_FINANCIAL_ASSISTANCE:
        asked.update({"fa_start_date", "fa_end_date"})
    if record_type == PATH_REFERRAL:
        asked.add("referral_outcome")
    return asked
