"""Merging two client records, and undoing the merge (docs/merge.md)."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLResolver, include, path, reverse

import sunflower.urls as root_urls
from sunflower.accounts.roles import Role
from sunflower.dedup.actions import (
    client_references,
    mark_not_duplicate,
    merge_clients,
    record_candidate,
    unmerge,
)
from sunflower.dedup.models import ClientMerge, DuplicateCandidate
from sunflower.hmis.models import Assessment, Client, Enrollment
from sunflower.hmis.testing import make_assessment, make_client, make_enrollment

pytestmark = [pytest.mark.casemgmt, pytest.mark.django_db, pytest.mark.urls(__name__)]

# The root URLconf includes the queue at duplicates/; until it does, the tests add it here.
urlpatterns = list(root_urls.urlpatterns)
if not any(isinstance(p, URLResolver) and p.namespace == "dedup" for p in urlpatterns):
    urlpatterns.append(path("duplicates/", include("sunflower.dedup.urls")))


@pytest.fixture
def admin_user(world):
    return world.user_with(Role.HMIS_ADMIN, organization=world.lead_agency)


@pytest.fixture
def agency_admin(world):
    return world.user_with(Role.AGENCY_ADMIN, organization=world.own_agency)


@pytest.fixture
def pair(world):
    """A survivor with one enrollment; a duplicate with two enrollments (one soft-deleted), an
    assessment, and the candidate for the pair."""
    survivor = make_client(first_name="Alice", last_name="Jonson")
    duplicate = make_client(first_name="Alyce", last_name="Jonson")
    make_enrollment(survivor, world.own_project)
    kept = make_enrollment(duplicate, world.ce_project)
    gone = make_enrollment(duplicate, world.other_project)
    gone.soft_delete()
    make_assessment(kept)
    candidate = record_candidate(survivor, duplicate, 0.85, ["same DOB", "similar name"], "batch")
    return survivor, duplicate, candidate


def rows_of(*clients) -> dict:
    """Every row (deleted ones too) of every hmis table that points to one of `clients`."""
    pks = [c.pk for c in clients]
    return {
        f"{model._meta.label}:{name}": list(
            model._base_manager.filter(**{f"{name}__in": pks}).order_by("pk").values()
        )
        for model, name in client_references()
    }


def test_client_references_are_read_from_the_models():
    labels = {model._meta.label for model, _name in client_references()}
    assert {"hmis.Enrollment", "hmis.Exit", "hmis.Assessment", "hmis.Services"} <= labels


def test_merge_repoints_every_child_row_and_hides_the_merged_client(admin_user, pair):
    survivor, duplicate, candidate = pair
    merge = merge_clients(admin_user, survivor, duplicate)

    assert Enrollment.all_objects.filter(client=duplicate).count() == 0
    assert Enrollment.all_objects.filter(client=survivor).count() == 3
    assert Assessment.all_objects.filter(client=survivor).count() == 1
    assert not Client.objects.filter(pk=duplicate.pk).exists()
    assert Client.all_objects.get(pk=duplicate.pk).date_deleted is not None
    assert Client.objects.filter(pk=survivor.pk).exists()
    assert merge.moved_counts == {"hmis.Enrollment:client": 2, "hmis.Assessment:client": 1}
    candidate.refresh_from_db()
    assert candidate.status == DuplicateCandidate.Status.MERGED
    assert merge.candidate == candidate
    assert candidate.decided_by == admin_user


def test_unmerge_restores_every_row_exactly(admin_user, pair):
    survivor, duplicate, candidate = pair
    before = rows_of(survivor, duplicate)
    clients_before = list(Client.all_objects.filter(pk__in=[survivor.pk, duplicate.pk]).values())

    merge = merge_clients(admin_user, survivor, duplicate)
    make_enrollment(survivor)  # entered after the merge: stays with the survivor
    unmerge(admin_user, merge)

    after = rows_of(survivor, duplicate)
    after["hmis.Enrollment:client"] = [
        r
        for r in after["hmis.Enrollment:client"]
        if r["id"] in {b["id"] for b in before["hmis.Enrollment:client"]}
    ]
    # Every field is back as it was, except DateUpdated, which records that the row changed.
    for key, rows in before.items():
        assert len(after[key]) == len(rows)
        for old, new in zip(rows, after[key], strict=True):
            assert new["date_updated"] >= old["date_updated"]
            assert {**new, "date_updated": None} == {**old, "date_updated": None}
    clients_after = list(Client.all_objects.filter(pk__in=[survivor.pk, duplicate.pk]).values())
    for old, new in zip(clients_before, clients_after, strict=True):
        assert {**new, "date_updated": None} == {**old, "date_updated": None}
    assert Client.objects.filter(pk=duplicate.pk).exists()
    merge.refresh_from_db()
    assert merge.undone_by == admin_user and merge.undone_at is not None
    candidate.refresh_from_db()
    assert candidate.status == DuplicateCandidate.Status.OPEN


def test_double_undo_is_refused(admin_user, pair):
    survivor, duplicate, _candidate = pair
    merge = merge_clients(admin_user, survivor, duplicate)
    unmerge(admin_user, merge)
    with pytest.raises(ValidationError):
        unmerge(admin_user, merge)


def test_undo_is_refused_while_a_later_merge_holds_the_rows(admin_user, pair):
    survivor, duplicate, _candidate = pair
    third = make_client()
    first = merge_clients(admin_user, survivor, duplicate)
    second = merge_clients(admin_user, third, survivor)
    with pytest.raises(ValidationError):
        unmerge(admin_user, first)
    unmerge(admin_user, second)
    unmerge(admin_user, first)
    assert Enrollment.all_objects.filter(client=duplicate).count() == 2


def test_merge_refuses_itself_and_deleted_clients(admin_user, pair):
    survivor, duplicate, _candidate = pair
    with pytest.raises(ValidationError):
        merge_clients(admin_user, survivor, survivor)
    merge_clients(admin_user, survivor, duplicate)
    with pytest.raises(ValidationError):
        merge_clients(admin_user, survivor, duplicate)


def test_non_admins_are_refused(world, agency_admin, admin_user, pair):
    survivor, duplicate, candidate = pair
    with pytest.raises(PermissionDenied):
        merge_clients(agency_admin, survivor, duplicate)
    with pytest.raises(PermissionDenied):
        mark_not_duplicate(agency_admin, candidate)
    merge = merge_clients(admin_user, survivor, duplicate)
    with pytest.raises(PermissionDenied):
        unmerge(agency_admin, merge)


def test_non_admins_get_403_on_every_page(client, agency_admin, admin_user, pair):
    survivor, duplicate, candidate = pair
    merge = merge_clients(admin_user, survivor, duplicate)
    client.force_login(agency_admin)
    assert client.get(reverse("dedup:queue")).status_code == 403
    assert client.get(reverse("dedup:merge_detail", args=[merge.pk])).status_code == 403
    assert client.post(reverse("dedup:undo", args=[merge.pk])).status_code == 403
    assert client.post(reverse("dedup:not_duplicate", args=[candidate.pk])).status_code == 403
    assert ClientMerge.objects.get(pk=merge.pk).undone_at is None


def test_auditlog_records_the_merge_and_the_undo(admin_user, pair):
    survivor, duplicate, _candidate = pair
    moved_pks = list(Enrollment.all_objects.filter(client=duplicate).values_list("pk", flat=True))
    merge = merge_clients(admin_user, survivor, duplicate)
    updates = LogEntry.objects.filter(action=LogEntry.Action.UPDATE, actor=admin_user)
    for pk in moved_pks:
        assert updates.filter(
            content_type__model="enrollment", object_pk=str(pk), changes__icontains="client"
        ).exists()
    assert updates.filter(content_type__model="client", object_pk=str(duplicate.pk)).exists()
    assert updates.filter(content_type__model="assessment").exists()
    hmis_updates = updates.filter(content_type__app_label="hmis")
    count = hmis_updates.count()
    unmerge(admin_user, merge)
    # Two enrollments, one assessment, and the client again.
    assert hmis_updates.count() == count + 4
    # The merge record itself is audited too (marked undone).
    assert updates.filter(content_type__model="clientmerge", object_pk=str(merge.pk)).exists()


def test_mark_not_duplicate(admin_user, pair):
    _survivor, _duplicate, candidate = pair
    mark_not_duplicate(admin_user, candidate)
    candidate.refresh_from_db()
    assert candidate.status == DuplicateCandidate.Status.NOT_DUPLICATE
    with pytest.raises(ValidationError):
        mark_not_duplicate(admin_user, candidate)


def test_candidate_pairs_are_stored_once_in_order(pair):
    survivor, duplicate, candidate = pair
    again = record_candidate(duplicate, survivor, 0.9, ["same SSN"], "on_create")
    assert again.pk == candidate.pk
    assert candidate.client_a_id < candidate.client_b_id
    assert DuplicateCandidate.for_pair(duplicate, survivor) == candidate


def test_queue_merge_and_undo_through_the_pages(client, admin_user, pair):
    survivor, duplicate, candidate = pair
    client.force_login(admin_user)
    page = client.get(reverse("dedup:queue"))
    assert page.status_code == 200
    assert "Alyce" in page.content.decode() and "same DOB" in page.content.decode()

    response = client.post(reverse("dedup:merge", args=[candidate.pk]), {"survivor": survivor.pk})
    merge = ClientMerge.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("dedup:merge_detail", args=[merge.pk])
    assert (merge.survivor, merge.merged) == (survivor, duplicate)
    detail = client.get(response["Location"]).content.decode()
    assert "hmis.Enrollment:client" in detail and "Undo this merge" in detail
    assert "Undo" in client.get(reverse("dedup:queue")).content.decode()

    client.post(reverse("dedup:undo", args=[merge.pk]))
    merge.refresh_from_db()
    assert merge.undone_at is not None
    assert Client.objects.filter(pk=duplicate.pk).exists()


def test_merge_page_requires_a_survivor_of_the_pair(client, admin_user, pair):
    _survivor, _duplicate, candidate = pair
    other = make_client()
    client.force_login(admin_user)
    client.post(reverse("dedup:merge", args=[candidate.pk]), {"survivor": other.pk})
    assert not ClientMerge.objects.exists()


def test_not_duplicate_button(client, admin_user, pair):
    _survivor, _duplicate, candidate = pair
    client.force_login(admin_user)
    client.post(reverse("dedup:not_duplicate", args=[candidate.pk]))
    candidate.refresh_from_db()
    assert candidate.status == DuplicateCandidate.Status.NOT_DUPLICATE


def _candidates(world, n: int) -> None:
    for _ in range(n):
        a, b = make_client(), make_client()
        make_enrollment(a, world.own_project)
        make_enrollment(b, world.other_project)
        record_candidate(a, b, 0.7, ["same DOB"], "batch")


def _queue_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("dedup:queue")).status_code == 200
    return len(queries)


def test_queue_query_count_does_not_grow_with_candidates(client, world, admin_user):
    client.force_login(admin_user)
    _candidates(world, 2)
    two = _queue_queries(client)
    _candidates(world, 8)
    assert DuplicateCandidate.objects.count() == 10
    assert _queue_queries(client) == two
