"""Merging two client records, undoing a merge, and dismissing a duplicate candidate
(docs/merge.md). Pages call these; each is one transaction and checks the access policy.

A merge links, it does not destroy: the merged client's child records are re-pointed to the
survivor one row at a time (so django-auditlog records each change), the merged client is
soft-deleted, and the ClientMerge row keeps the primary keys of every row that moved, so that
`unmerge` can move exactly those rows back.
"""

from __future__ import annotations

from auditlog.context import set_actor
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sunflower.accounts.policy import Action, can
from sunflower.dedup.models import ClientMerge, DuplicateCandidate

MERGE_ACTION = Action.MANAGE_USERS_PROJECTS_APPROVALS


def can_merge(user) -> bool:
    """Only HMIS administrators merge and unmerge clients."""
    return can(user, MERGE_ACTION)


def _require(user) -> None:
    if not can_merge(user):
        raise PermissionDenied


def client_references() -> list[tuple[type, str]]:
    """(model, field name) of every foreign key from an hmis model to Client, read from the
    models' _meta, so that a new HUD file with a client is merged without a change here."""
    from sunflower.hmis.models import Client

    references = []
    for model in apps.get_app_config("hmis").get_models():
        for field in model._meta.get_fields():
            if field.many_to_one and field.concrete and field.related_model is Client:
                references.append((model, field.name))
    return references


def _key(model, field_name: str) -> str:
    return f"{model._meta.label}:{field_name}"


def _lock_clients(*pks: int) -> dict:
    """Lock the clients' rows (in pk order, so two merges cannot deadlock); deleted ones too."""
    from sunflower.hmis.models import Client

    return {
        c.pk: c for c in Client.all_objects.select_for_update().filter(pk__in=pks).order_by("pk")
    }


def _move(model, field_name: str, pks, from_pk: int, to_pk: int) -> None:
    """Re-point rows one at a time with save(), so auditlog writes an entry for each."""
    rows = model._base_manager.select_for_update().filter(pk__in=pks).order_by("pk")
    for row in rows:
        if getattr(row, f"{field_name}_id") != from_pk:  # checked by the caller
            raise ValidationError(_("A record changed during the merge; nothing was done."))
        setattr(row, f"{field_name}_id", to_pk)
        row.save(update_fields=[field_name])


def merge_clients(
    user, survivor, merged, candidate: DuplicateCandidate | None = None
) -> ClientMerge:
    """Merge `merged` into `survivor`: every hmis record of `merged` (deleted ones included)
    now belongs to `survivor`, and `merged` is soft-deleted. Returns the ClientMerge that
    records it. Raises PermissionDenied unless `user` is an HMIS administrator, and
    ValidationError if the two are the same client or either is deleted."""
    _require(user)
    if survivor.pk == merged.pk:
        raise ValidationError(_("A client cannot be merged into itself."))
    with transaction.atomic(), set_actor(user):
        locked = _lock_clients(survivor.pk, merged.pk)
        survivor, merged = locked.get(survivor.pk), locked.get(merged.pk)
        if survivor is None or merged is None or survivor.is_deleted or merged.is_deleted:
            raise ValidationError(_("Both clients must exist and not be deleted."))
        if candidate is None:
            candidate = DuplicateCandidate.for_pair(survivor, merged)
        now = timezone.now()
        moved: dict[str, dict] = {}
        for model, field_name in client_references():
            rows = list(
                model._base_manager.select_for_update()
                .filter(**{field_name: merged.pk})
                .order_by("pk")
                .values_list("pk", "date_updated")
            )
            if not rows:
                continue
            moved[_key(model, field_name)] = {
                "pks": [pk for pk, _updated in rows],
                "date_updated": {str(pk): updated.isoformat() for pk, updated in rows},
            }
            _move(model, field_name, [pk for pk, _u in rows], merged.pk, survivor.pk)
        previous_deleted = merged.date_deleted
        merged.soft_delete(when=now)
        merge = ClientMerge.objects.create(
            survivor=survivor,
            merged=merged,
            candidate=candidate,
            performed_by=user,
            performed_at=now,
            moved=moved,
            merged_date_deleted=previous_deleted,
            merged_date_deleted_set=now,
        )
        if candidate is not None:
            candidate.status = DuplicateCandidate.Status.MERGED
            candidate.decided_at = now
            candidate.decided_by = user
            candidate.save(update_fields=["status", "decided_at", "decided_by"])
    return merge


def unmerge(user, merge: ClientMerge) -> None:
    """Undo `merge`: move exactly the rows it moved back to the merged client and restore the
    merged client's DateDeleted. Records added to the survivor since stay with the survivor.
    Refused (ValidationError) if the merge is already undone or if a moved row no longer
    belongs to the survivor (for example, the survivor was merged into a third client: undo
    that merge first)."""
    _require(user)
    models_by_key = {_key(m, f): (m, f) for m, f in client_references()}
    with transaction.atomic(), set_actor(user):
        merge = ClientMerge.objects.select_for_update().get(pk=merge.pk)
        if merge.is_undone:
            raise ValidationError(_("This merge has already been undone."))
        locked = _lock_clients(merge.survivor_id, merge.merged_id)
        for key, entry in merge.moved.items():
            if key not in models_by_key:
                raise ValidationError(_("The merge refers to a table that no longer exists."))
            model, field_name = models_by_key[key]
            pks = entry["pks"]
            still_there = model._base_manager.filter(
                pk__in=pks, **{field_name: merge.survivor_id}
            ).count()
            if still_there != len(pks):
                raise ValidationError(
                    _(
                        "Some records of this merge no longer belong to the surviving client "
                        "(was it merged again since?). Undo the later merge first."
                    )
                )
            _move(model, field_name, pks, merge.survivor_id, merge.merged_id)
        merged = locked[merge.merged_id]
        merged.date_deleted = merge.merged_date_deleted
        merged.save(update_fields=["date_deleted"])
        now = timezone.now()
        merge.undone_at = now
        merge.undone_by = user
        merge.save(update_fields=["undone_at", "undone_by"])
        candidate = merge.candidate
        if candidate is not None and candidate.status == DuplicateCandidate.Status.MERGED:
            # The pair is a question again: it goes back to the queue.
            candidate.status = DuplicateCandidate.Status.OPEN
            candidate.decided_at = now
            candidate.decided_by = user
            candidate.save(update_fields=["status", "decided_at", "decided_by"])


def mark_not_duplicate(user, candidate: DuplicateCandidate) -> DuplicateCandidate:
    """Record that the two clients of `candidate` are different people."""
    _require(user)
    with transaction.atomic():
        candidate = DuplicateCandidate.objects.select_for_update().get(pk=candidate.pk)
        if candidate.status != DuplicateCandidate.Status.OPEN:
            raise ValidationError(_("This candidate has already been decided."))
        candidate.status = DuplicateCandidate.Status.NOT_DUPLICATE
        candidate.decided_at = timezone.now()
        candidate.decided_by = user
        candidate.save(update_fields=["status", "decided_at", "decided_by"])
    return candidate


def record_candidate(
    client_1, client_2, score: float, reasons: list[str], found_by: str
) -> DuplicateCandidate:
    """Add a pair to the queue (or update its score if it is still open)."""
    a, b = sorted([client_1.pk, client_2.pk])
    candidate, created = DuplicateCandidate.objects.get_or_create(
        client_a_id=a,
        client_b_id=b,
        defaults={"score": score, "reasons": list(reasons), "found_by": found_by},
    )
    if not created and candidate.status == DuplicateCandidate.Status.OPEN:
        candidate.score, candidate.reasons = score, list(reasons)
        candidate.save(update_fields=["score", "reasons"])
    return candidate


def queue_for_review(new_client, matches) -> list[DuplicateCandidate]:
    """Pairs a user dismissed when creating `new_client` go to the HMIS team's queue."""
    from sunflower.hmis.models import Client

    others = {c.pk: c for c in Client.objects.filter(pk__in=[m.pk for m in matches])}
    return [
        record_candidate(
            new_client, others[m.pk], m.score, m.reasons, found_by=DuplicateCandidate.FoundBy.ON_CREATE
        )
        for m in matches
        if m.pk in others and m.pk != new_client.pk
    ]
