"""Every create, update and delete of client data, every view of a client record and every
sign-in is in the append-only audit log."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, transaction
from django.urls import reverse

from sunflower.accounts.roles import Role
from sunflower.audit.models import AppendOnlyError, SecurityEvent

pytestmark = [pytest.mark.foundation, pytest.mark.security, pytest.mark.django_db]


def client_entries(client_record):
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(client_record)),
        object_pk=str(client_record.pk),
    )


def test_viewing_a_client_writes_an_access_entry(world, client):
    # given an agency worker whose agency serves the client
    user = world.user_with(Role.AGENCY_CES)
    client.force_login(user)
    before = client_entries(world.own_client).filter(action=LogEntry.Action.ACCESS).count()

    # when they open the client's record
    response = client.get(
        reverse("client_detail", args=[world.own_client.pk]), REMOTE_ADDR="10.1.2.3"
    )

    # then the page shows and one access entry names who, what and from where
    assert response.status_code == 200
    entries = client_entries(world.own_client).filter(action=LogEntry.Action.ACCESS)
    assert entries.count() == before + 1
    entry = entries.latest("timestamp")
    assert entry.actor == user
    assert entry.remote_addr == "10.1.2.3"


def test_a_refused_client_view_shows_nothing_and_is_a_404(world, client):
    user = world.user_with(Role.AGENCY_CES)
    client.force_login(user)
    response = client.get(reverse("client_detail", args=[world.other_client.pk]))
    assert response.status_code == 404
    assert world.other_client.last_name.encode() not in response.content


def test_client_changes_are_logged_with_ssn_masked(world):
    from sunflower.hmis.testing import make_client

    record = make_client(first_name="Ada", last_name="Quill", ssn="900123456")
    record.first_name = "Adah"
    record.save()
    created = client_entries(record).get(action=LogEntry.Action.CREATE)
    updated = client_entries(record).get(action=LogEntry.Action.UPDATE)
    assert "900123456" not in str(created.changes)
    assert updated.changes_dict["first_name"] == ["Ada", "Adah"]
    record.soft_delete()
    assert client_entries(record).filter(action=LogEntry.Action.UPDATE).count() == 2


def test_sign_in_and_failed_sign_in_are_security_events(world, client):
    user = world.user_with(Role.AGENCY_CES, email="signin@example.org")
    user.set_password("a-long-enough-password")
    user.save()
    client.post(reverse("login"), {"username": "signin@example.org", "password": "wrong-one"})
    client.post(
        reverse("login"), {"username": "signin@example.org", "password": "a-long-enough-password"}
    )
    kinds = list(
        SecurityEvent.objects.filter(attempted_login="signin@example.org")
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds == [SecurityEvent.Kind.LOGIN_FAILED, SecurityEvent.Kind.LOGIN]


def test_audit_records_cannot_be_changed(world):
    from sunflower.hmis.testing import make_client

    record = make_client()
    entry = client_entries(record).first()
    with pytest.raises(DatabaseError), transaction.atomic():
        LogEntry.objects.filter(pk=entry.pk).update(changes_text="tampered")
    event = SecurityEvent.objects.create(kind=SecurityEvent.Kind.LOGIN, attempted_login="x")
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        SecurityEvent.objects.filter(pk=event.pk).update(attempted_login="y")


def test_hmis_admin_searches_the_audit_log_and_others_cannot(world, client):
    viewer = world.user_with(Role.AGENCY_CES, email="viewer@example.org")
    from sunflower.accounts.policy import access_client

    access_client(viewer, world.own_client.pk)

    admin = world.user_with(Role.HMIS_ADMIN, email="admin@example.org")
    client.force_login(admin)
    response = client.get(reverse("audit:search"), {"actor": "viewer@", "action": "3"})
    assert response.status_code == 200
    rows = response.context["page"].object_list
    assert [(e.actor.email, e.object_pk) for e in rows] == [
        ("viewer@example.org", str(world.own_client.pk))
    ]

    client.force_login(viewer)
    assert client.get(reverse("audit:search")).status_code == 403


def test_the_client_page_offers_exit_only_on_enrollments_the_user_may_change(world, client):
    user = world.user_with(Role.AGENCY_CES)
    client.force_login(user)
    page = client.get(reverse("client_detail", args=[world.own_client.pk])).content.decode()
    assert reverse("exit_enrollment", args=[world.own_enrollment.pk]) in page
    assert reverse("enroll_new") in page

    # An access point sees the CES client's record (CES scope) but changes no program data here.
    client.force_login(world.user_with(Role.ACCESS_POINT, email="ap@example.org"))
    page = client.get(reverse("client_detail", args=[world.ces_client.pk])).content.decode()
    assert reverse("enroll_new") not in page
