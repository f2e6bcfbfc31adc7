"""What every HUD record shares: its data source, HUD identifier, audit dates and soft delete.

See docs/hud-data-model.md for the rules these classes implement.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any, ClassVar

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.base import ModelBase
from django.utils import timezone

# The native data source ("Sunflower", created by migration 0002) always has this primary key.
# The head-of-household constraint on Enrollment names it, so it must never change.
NATIVE_DATA_SOURCE_ID = 1

# HUD's M+ columns (non-negative money).
NON_NEGATIVE = MinValueValidator(0)

# HUD columns of Sunflower that point at a parent record. The parent must come from the same
# data source (checked in clean()).
PARENT_RELATIONS = ("client", "enrollment", "project", "organization", "assessment", "res_project")


def new_hud_id() -> str:
    """A HUD identifier for a record entered in Sunflower: 32 hexadecimal characters."""
    return uuid.uuid4().hex


class DataSource(models.Model):
    """The system a record came from. Records entered in Sunflower belong to the native one;
    the CSV importer makes one per ``--source``."""

    name = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=250, blank=True, default="")
    is_native = models.BooleanField(
        default=False, help_text="Records entered in Sunflower itself (exactly one data source)."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_native"],
                condition=models.Q(is_native=True),
                name="hmis_datasource_one_native",
                violation_error_message="There is already a native data source.",
            ),
            models.CheckConstraint(
                condition=models.Q(is_native=False) | models.Q(id=NATIVE_DATA_SOURCE_ID),
                name="hmis_datasource_native_id",
                violation_error_message="The native data source has id 1.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def native(cls) -> DataSource:
        """The native data source (created by migration 0002, primary key 1)."""
        return cls.objects.get(pk=NATIVE_DATA_SOURCE_ID)


# --- generated constraints ------------------------------------------------------------------


def constraint_name(model_name: str, suffix: str) -> str:
    """``hmis_<model>_<suffix>``, shortened with a digest to fit PostgreSQL's 63 characters."""
    name = f"hmis_{model_name.lower()}_{suffix}"
    if len(name) <= 60:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[:51]}_{digest}"


def generated_constraints(model_name: str, attrs: dict[str, Any]) -> list[models.BaseConstraint]:
    """The constraints a HUD model gets from its field definitions, in definition order:

    * a field with HUD ``choices``: CHECK value IN (the list's codes) OR NULL (or "" for text);
    * a DecimalField validated by ``NON_NEGATIVE`` (HUD's M+): CHECK value >= 0 OR NULL;
    * ``hud_id_field``: UNIQUE (hud id, data_source), which is also the index for HUD id lookups.
    """
    constraints: list[models.BaseConstraint] = []
    hud_id = attrs.get("hud_id_field")
    if hud_id:
        constraints.append(
            models.UniqueConstraint(
                fields=[hud_id, "data_source"],
                name=constraint_name(model_name, f"{hud_id}_unique"),
            )
        )
    for attr, field in attrs.items():
        if not isinstance(field, models.Field) or field.is_relation:
            continue
        if field.choices:
            codes = [value for value, _label in field.flatchoices]
            condition = models.Q(**{f"{attr}__in": codes})
            if field.null:
                condition |= models.Q(**{f"{attr}__isnull": True})
            if isinstance(field, models.CharField) and field.blank:
                condition |= models.Q(**{attr: ""})
            constraints.append(
                models.CheckConstraint(
                    condition=condition,
                    name=constraint_name(model_name, f"{attr}_valid"),
                    violation_error_message=f"{attr} is not a code of its HUD list.",
                )
            )
        if isinstance(field, models.DecimalField) and NON_NEGATIVE in field._validators:
            constraints.append(
                models.CheckConstraint(
                    condition=models.Q(**{f"{attr}__gte": 0})
                    | models.Q(**{f"{attr}__isnull": True}),
                    name=constraint_name(model_name, f"{attr}_gte_0"),
                    violation_error_message=f"{attr} cannot be negative.",
                )
            )
    return constraints


class HudModelBase(ModelBase):
    """Adds :func:`generated_constraints` to the ``Meta.constraints`` of every concrete model.

    Only the model's own field definitions are read, so this runs before Django builds the class
    and migrations see the constraints like any other.
    """

    def __new__(mcs, name, bases, attrs, **kwargs):
        meta = attrs.get("Meta")
        if (
            meta is not None
            and not getattr(meta, "abstract", False)
            and not getattr(meta, "proxy", False)
        ):
            meta.constraints = [
                *getattr(meta, "constraints", ()),
                *generated_constraints(name, attrs),
            ]
        return super().__new__(mcs, name, bases, attrs, **kwargs)


# --- base classes ---------------------------------------------------------------------------


class HudModel(models.Model, metaclass=HudModelBase):
    """A row of one HUD CSV file: an internal ``id`` plus the HUD identifier (named by
    ``hud_id_field``), unique within its data source."""

    hud_file: ClassVar[str] = ""  # "Client.csv"
    hud_id_field: ClassVar[str] = ""  # "personal_id"
    pii_fields: ClassVar[dict[str, str]] = {}  # field name -> sensitivity (see PiiKind)

    data_source = models.ForeignKey(
        DataSource, on_delete=models.PROTECT, default=NATIVE_DATA_SOURCE_ID, related_name="+"
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.hud_id}"

    @property
    def hud_id(self) -> str:
        return getattr(self, self.hud_id_field)

    @property
    def is_native(self) -> bool:
        return self.data_source_id == NATIVE_DATA_SOURCE_ID

    def clean(self) -> None:
        super().clean()
        errors = self.hud_rule_errors()
        if errors:
            raise ValidationError(errors)

    def hud_rule_errors(self) -> dict[str, list[str]]:
        """The rules clean() checks, as {field: [messages]}. Subclasses extend the result of
        ``super().hud_rule_errors()``, so that every rule is reported at once."""
        errors: dict[str, list[str]] = {}
        hud_id = self.hud_id
        manager = getattr(type(self), "all_objects", type(self)._default_manager)
        if (
            hud_id
            and self.data_source_id is not None
            and manager.filter(data_source_id=self.data_source_id, **{self.hud_id_field: hud_id})
            .exclude(pk=self.pk)
            .exists()
        ):
            add_error(
                errors,
                self.hud_id_field,
                f"{type(self).__name__} {hud_id} already exists in this data source "
                "(possibly deleted).",
            )
        for name in PARENT_RELATIONS:
            parent_id = getattr(self, f"{name}_id", None) if _has_field(self, name) else None
            if parent_id is None:
                continue
            parent = getattr(self, name)
            if parent.data_source_id != self.data_source_id:
                add_error(errors, name, f"The {name} belongs to another data source.")
        if (
            _has_field(self, "enrollment")
            and _has_field(self, "client")
            and self.enrollment_id is not None
            and self.client_id is not None
            and self.enrollment.client_id != self.client_id
        ):
            add_error(errors, "client", "The client is not the client of the enrollment.")
        return errors


def add_error(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _has_field(instance: models.Model, name: str) -> bool:
    try:
        instance._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


class HudQuerySet(models.QuerySet):
    def active(self) -> HudQuerySet:
        return self.filter(date_deleted__isnull=True)

    def deleted(self) -> HudQuerySet:
        return self.filter(date_deleted__isnull=False)

    def soft_delete(self) -> int:
        """Mark every record of the queryset deleted now; returns how many."""
        now = timezone.now()
        return self.filter(date_deleted__isnull=True).update(date_deleted=now, date_updated=now)


class ActiveManager(models.Manager.from_queryset(HudQuerySet)):
    """``objects``: the records that are not deleted (DateDeleted is null)."""

    def get_queryset(self) -> HudQuerySet:
        return super().get_queryset().filter(date_deleted__isnull=True)


class AllObjectsManager(models.Manager.from_queryset(HudQuerySet)):
    """``all_objects``: every record, deleted ones included. Also the base manager, so that
    ``enrollment.client`` still finds a deleted client and saving a deleted record works."""


class HudRecord(HudModel):
    """A HUD record with HUD's DateCreated, DateUpdated, UserID, DateDeleted and ExportID.

    ``date_updated`` is set to now by every save(); the importer keeps the source's value with
    ``save(touch=False)`` or bulk_create(). Records are deleted with soft_delete(), never
    DELETEd.
    """

    date_created = models.DateTimeField(default=timezone.now)
    date_updated = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(
        "HmisUser", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    date_deleted = models.DateTimeField(null=True, blank=True)
    export = models.ForeignKey(
        "Export", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ActiveManager()
    all_objects = AllObjectsManager()

    class Meta:
        abstract = True
        default_manager_name = "objects"
        base_manager_name = "all_objects"

    def save(self, *args, touch: bool = True, **kwargs) -> None:
        if touch:
            self.date_updated = timezone.now()
            update_fields = kwargs.get("update_fields")
            if update_fields:  # an empty list stays a no-op
                kwargs["update_fields"] = {*update_fields, "date_updated"}
        super().save(*args, **kwargs)

    @property
    def is_deleted(self) -> bool:
        return self.date_deleted is not None

    def soft_delete(self, when=None) -> None:
        """Mark the record deleted (HUD's DateDeleted); it disappears from ``objects``."""
        self.date_deleted = when or timezone.now()
        self.save(update_fields=["date_deleted"])

    def restore(self) -> None:
        self.date_deleted = None
        self.save(update_fields=["date_deleted"])


class PiiKind:
    """Sensitivity names used in ``pii_fields``."""

    NAME = "name"
    SSN = "ssn"
    DOB = "dob"
    DEMOGRAPHIC = "demographic"
    CONTACT = "contact"
    HEALTH = "health"
    DV = "dv"
    LOCATION = "location"
    EXPLOITATION = "exploitation"
    JUSTICE = "justice"
    FREE_TEXT = "free_text"
