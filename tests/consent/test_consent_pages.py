"""The consent pages and the client page's new sections: releases of information, household,
enrollment history across agencies (docs/consent.md)."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sunflower.accounts.roles import Role
from sunflower.consent.models import ReleaseOfInformation
from sunflower.hmis.models import Exit
from sunflower.hmis.testing import make_client, make_enrollment, make_project

pytestmark = [pytest.mark.casemgmt, pytest.mark.security, pytest.mark.django_db]


def client_page(http, client_record) -> str:
    response = http.get(reverse("client_detail", args=[client_record.pk]))
    assert response.status_code == 200
    return response.content.decode()


def roi_document(client_record, user, kind="release_of_information", title="ROI signed at intake"):
    from sunflower.documents.models import Document

    return Document.objects.create(
        client=client_record,
        kind=kind,
        title=title,
        file="documents/test-roi.pdf",
        content_type="application/pdf",
        size=100,
        sha256="0" * 64,
        uploaded_by=user,
    )


def form_data(**overrides):
    today = timezone.localdate()
    data = {
        "grantee": "agency",
        "organization": "",
        "coc_code": "",
        "scope": "profile_and_history",
        "start_date": today.isoformat(),
        "end_date": (today + dt.timedelta(days=364)).isoformat(),
        "method": "signed_paper",
        "note": "",
        "document": "",
    }
    data.update(overrides)
    return data


# --- search and the client page ----------------------------------------------------------


def test_search_finds_a_shared_client_and_not_an_unshared_one(sharing, client):
    world = sharing.world
    shared = make_client(first_name="Sharon", last_name="Sharedperson")
    make_enrollment(shared, world.other_project)
    unshared = make_client(first_name="Sharon", last_name="Sharedpersen")
    make_enrollment(unshared, world.other_project)
    sharing.release(shared, scope="profile")
    client.force_login(sharing.user)

    html = client.post(
        reverse("client_search_results"), {"q": "Sharon Sharedperson"}
    ).content.decode()

    assert reverse("client_detail", args=[shared.pk]) in html
    assert reverse("client_detail", args=[unshared.pk]) not in html
    assert client.get(reverse("client_detail", args=[unshared.pk])).status_code == 404


def test_opening_a_shared_client_is_audited(sharing, client):
    other = sharing.world.other_client
    sharing.release(scope="profile")
    client.force_login(sharing.user)

    client_page(client, other)

    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).order_by("-pk").first()
    assert entry.content_type.model == "client"
    assert entry.object_pk == str(other.pk)
    assert entry.actor_id == sharing.user.pk


def test_profile_level_shows_no_other_agency_history(sharing, client):
    sharing.release(scope="profile")
    client.force_login(sharing.user)
    html = client_page(client, sharing.world.other_client)
    assert 'data-testid="enrollment-history"' in html
    assert "B Housing" not in html
    assert reverse("enrollment_detail", args=[sharing.world.other_enrollment.pk]) not in html


def test_history_level_lists_other_agencies_enrollments_without_links(sharing, client):
    world = sharing.world
    Exit.objects.create(
        enrollment=world.other_enrollment,
        client=world.other_client,
        exit_date=dt.date(2025, 3, 1),
        destination=410,
    )
    own = make_enrollment(world.other_client, world.own_project, entry_date=dt.date(2025, 4, 1))
    sharing.rule("profile_and_history")
    client.force_login(sharing.user)

    html = client_page(client, world.other_client)

    assert html.count('data-testid="history-row"') == 2
    assert "B Housing" in html and "Agency B" in html
    assert "2025-03-01" in html
    assert reverse("enrollment_detail", args=[world.other_enrollment.pk]) not in html
    assert reverse("enrollment_detail", args=[own.pk]) in html


def test_full_level_links_other_agencies_enrollments(sharing, client):
    sharing.release(scope="full")
    client.force_login(sharing.user)
    html = client_page(client, sharing.world.other_client)
    assert reverse("enrollment_detail", args=[sharing.world.other_enrollment.pk]) in html


def test_own_client_history_follows_the_other_agencys_sharing(sharing, client):
    world = sharing.world
    make_enrollment(world.own_client, world.other_project, entry_date=dt.date(2024, 5, 1))
    client.force_login(sharing.user)
    assert "B Housing" not in client_page(client, world.own_client)
    sharing.rule("profile_and_history")
    assert "B Housing" in client_page(client, world.own_client)


def test_household_lists_current_members_the_user_may_see(sharing, client):
    world = sharing.world
    head = make_client(first_name="Hana", last_name="Head")
    child = make_client(first_name="Kid", last_name="Head")
    make_enrollment(head, world.own_project, household_id="hh-test", relationship_to_hoh=1)
    make_enrollment(child, world.own_project, household_id="hh-test", relationship_to_hoh=2)
    # a same-named household in another agency's project is another household
    stranger = make_client(first_name="Stranger", last_name="Elsewhere")
    make_enrollment(stranger, world.other_project, household_id="hh-test", relationship_to_hoh=2)
    client.force_login(sharing.user)

    html = client_page(client, head)

    assert html.count('data-testid="household-member"') == 1
    assert "Kid Head" in html
    assert reverse("client_detail", args=[child.pk]) in html
    assert "Stranger" not in html


def test_household_of_an_exited_enrollment_is_not_current(sharing, client):
    world = sharing.world
    Exit.objects.create(
        enrollment=world.own_enrollment,
        client=world.own_client,
        exit_date=dt.date(2025, 3, 1),
        destination=410,
    )
    client.force_login(sharing.user)
    assert "No current household you may see." in client_page(client, world.own_client)


def test_client_page_query_count_is_fixed(sharing, client):
    world = sharing.world
    other = world.other_client
    sharing.rule("profile_and_history")

    def add(n):
        project = make_project(world.other_agency, project_type=3, project_name=f"B Extra {n}")
        make_enrollment(other, project, entry_date=dt.date(2024, 1, 1) + dt.timedelta(days=n))
        make_enrollment(
            other, world.own_project, entry_date=dt.date(2023, 1, 1) + dt.timedelta(days=n)
        )
        sharing.release(scope="profile_and_history")
        sharing.release(coc_code="KS-507", scope="profile", revoked=True)
        sharing.fleeing(value=0, information_date=dt.date(2025, 1, 1) + dt.timedelta(days=n))

    add(0)
    client.force_login(sharing.user)
    client_page(client, other)
    with CaptureQueriesContext(connection) as few:
        client_page(client, other)
    for n in range(1, 7):
        add(n)
    with CaptureQueriesContext(connection) as many:
        html = client_page(client, other)

    assert html.count('data-testid="history-row"') == 15
    assert html.count('data-testid="release-row"') == 14
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


# --- releases: the section and the form --------------------------------------------------


def test_serving_agency_records_a_release(sharing, client):
    world = sharing.world
    document = roi_document(world.other_client, sharing.writer)
    client.force_login(sharing.writer)
    url = reverse("release_new", args=[world.other_client.pk])
    page = client.get(url).content.decode()
    assert "ROI signed at intake" in page

    response = client.post(
        url, form_data(organization=str(world.own_agency.pk), document=str(document.pk))
    )

    assert response.status_code == 302
    release = ReleaseOfInformation.objects.get()
    assert release.organization == world.own_agency
    assert release.scope == "profile_and_history"
    assert release.document == document
    assert release.entered_by == sharing.writer
    assert release.is_current()
    html = client_page(client, world.other_client)
    assert 'data-status="current"' in html
    assert reverse("release_revoke", args=[release.pk]) in html
    # and the named agency now reads the record
    client.force_login(sharing.user)
    assert "B Housing" in client_page(client, world.other_client)


def test_release_form_errors_keep_input(sharing, client):
    world = sharing.world
    client.force_login(sharing.writer)
    url = reverse("release_new", args=[world.other_client.pk])
    today = timezone.localdate()

    response = client.post(
        url,
        form_data(
            organization=str(world.own_agency.pk),
            method="verbal_with_witness",
            note="",
            scope="full",
            end_date=(today + dt.timedelta(days=900)).isoformat(),
        ),
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"note", "end_date"}
    html = response.content.decode()
    assert f'value="{(today + dt.timedelta(days=900)).isoformat()}"' in html
    assert 'value="verbal_with_witness" selected' in html
    assert 'value="full" class="usa-radio__input" id="id_scope_2" checked' in html or (
        'value="full"' in html and "checked" in html
    )
    assert not ReleaseOfInformation.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"grantee": "agency", "organization": ""}, "organization"),
        ({"grantee": "coc", "coc_code": ""}, "organization"),
        ({"start_date": "", "organization": "AGENCY"}, "start_date"),
        ({"end_date": "", "organization": "AGENCY"}, "end_date"),
        ({"end_date": "2020-01-01", "organization": "AGENCY"}, "end_date"),
        ({"method": "", "organization": "AGENCY"}, "method"),
        ({"document": "OTHER_DOC", "organization": "AGENCY"}, "document"),
    ],
)
def test_release_form_refuses_incomplete_releases(sharing, client, overrides, field):
    world = sharing.world
    other_kind = roi_document(world.other_client, sharing.writer, kind="identification")
    overrides = {
        k: str(world.own_agency.pk)
        if v == "AGENCY"
        else str(other_kind.pk)
        if v == "OTHER_DOC"
        else v
        for k, v in overrides.items()
    }
    client.force_login(sharing.writer)
    response = client.post(
        reverse("release_new", args=[world.other_client.pk]), form_data(**overrides)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not ReleaseOfInformation.objects.exists()


def test_coc_wide_release_through_the_form(sharing, client):
    world = sharing.world
    client.force_login(sharing.writer)
    response = client.post(
        reverse("release_new", args=[world.other_client.pk]),
        form_data(grantee="coc", coc_code="KS-507", organization=str(world.own_agency.pk)),
    )
    assert response.status_code == 302
    release = ReleaseOfInformation.objects.get()
    assert release.coc_code == "KS-507" and release.organization is None


def test_verbal_release_with_a_witness_note_is_accepted(sharing, client):
    world = sharing.world
    client.force_login(sharing.writer)
    response = client.post(
        reverse("release_new", args=[world.other_client.pk]),
        form_data(
            organization=str(world.own_agency.pk),
            method="verbal_with_witness",
            note="By phone; witnessed by J. Smith, shelter manager.",
        ),
    )
    assert response.status_code == 302


def test_sharing_agency_may_read_but_not_record_or_revoke(sharing, client):
    world = sharing.world
    release = sharing.release(scope="full")
    client.force_login(sharing.user)

    html = client_page(client, world.other_client)
    assert 'data-testid="releases"' in html
    assert reverse("release_new", args=[world.other_client.pk]) not in html
    assert reverse("release_revoke", args=[release.pk]) not in html
    assert client.get(reverse("release_new", args=[world.other_client.pk])).status_code == 404
    assert (
        client.post(
            reverse("release_new", args=[world.other_client.pk]),
            form_data(organization=str(world.own_agency.pk)),
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("release_revoke", args=[release.pk]), {"reason": "mine now"}
        ).status_code
        == 404
    )
    release.refresh_from_db()
    assert release.revoked_at is None
    assert ReleaseOfInformation.objects.count() == 1


def test_sharing_agency_sees_only_the_releases_naming_it(sharing, client):
    world = sharing.world
    sharing.release(scope="profile")
    sharing.release(organization=sharing.far_agency, scope="full")
    client.force_login(sharing.user)
    html = client_page(client, world.other_client)
    assert html.count('data-testid="release-row"') == 1
    assert "Agency C" not in html


@pytest.mark.parametrize("role", [Role.VICTIM_SERVICE_PROVIDER, Role.ACCESS_POINT])
def test_other_roles_cannot_record(sharing, client, role):
    user = sharing.world.user_with(
        role, organization=sharing.world.other_agency, email="x@example.org"
    )
    client.force_login(user)
    assert (
        client.get(reverse("release_new", args=[sharing.world.other_client.pk])).status_code == 404
    )


def test_revoking_stops_sharing(sharing, client):
    world = sharing.world
    release = sharing.release(scope="profile")
    client.force_login(sharing.writer)
    url = reverse("release_revoke", args=[release.pk])
    assert client.get(url).status_code == 200

    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors

    response = client.post(url, {"reason": "Client asked to stop sharing."})
    assert response.status_code == 302
    release.refresh_from_db()
    assert release.revoked_by == sharing.writer
    assert release.status() == "revoked"
    client.force_login(sharing.user)
    assert client.get(reverse("client_detail", args=[world.other_client.pk])).status_code == 404


def test_release_changes_are_in_the_change_log(sharing):
    from sunflower.consent.actions import record_release, revoke_release

    world = sharing.world
    today = timezone.localdate()
    release = record_release(
        sharing.writer,
        world.other_client,
        organization=world.own_agency,
        scope="profile",
        start_date=today,
        end_date=today + dt.timedelta(days=30),
        method="electronic_signature",
    )
    revoke_release(sharing.writer, release, "client's request")
    entries = LogEntry.objects.filter(
        content_type__model="releaseofinformation", object_pk=str(release.pk)
    )
    assert {e.action for e in entries} == {LogEntry.Action.CREATE, LogEntry.Action.UPDATE}


def test_sharing_rule_admin_is_for_hmis_admins(sharing, client):
    from sunflower.consent.models import SharingRule

    rule = SharingRule.objects.get(coc_code="KS-507")
    url = reverse("admin:consent_sharingrule_change", args=[rule.pk])
    client.force_login(sharing.user)
    assert client.get(url).status_code in {302, 403}
    client.force_login(
        sharing.world.user_with(Role.HMIS_ADMIN, organization=sharing.world.lead_agency)
    )
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"coc_code": "KS-507", "level": "profile", "note": "Board, 2026-11"}
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.level == "profile"


def test_search_query_count_does_not_grow_with_shared_clients(sharing, client):
    world = sharing.world
    sharing.rule("profile")

    def add(n):
        shared = make_client(first_name="Quinn", last_name=f"Countable{n}")
        make_enrollment(shared, world.other_project)
        sharing.release(shared, scope="profile_and_history")
        sharing.release(shared, coc_code="KS-507", scope="full")
        sharing.fleeing(shared, value=0, enrollment=shared.enrollments.get())

    add(0)
    client.force_login(sharing.user)
    url = reverse("client_search_results")
    client.post(url, {"q": "Quinn"})
    with CaptureQueriesContext(connection) as one:
        client.post(url, {"q": "Quinn"})
    for n in range(1, 8):
        add(n)
    with CaptureQueriesContext(connection) as eight:
        html = client.post(url, {"q": "Quinn"}).content.decode()

    assert html.count("Countable") >= 8
    assert len(one) == len(eight)


def test_client_level_documents_stay_closed_below_full(sharing, client):
    document = roi_document(
        sharing.world.other_client, sharing.writer, kind="identification", title="ID card scan"
    )
    sharing.release(scope="profile_and_history")
    client.force_login(sharing.user)
    html = client_page(client, sharing.world.other_client)
    assert reverse("document_download", args=[document.pk]) not in html


@pytest.mark.parametrize(
    ("scope", "shown"), [("profile", False), ("profile_and_history", False), ("full", True)]
)
def test_homeless_history_needs_the_full_record(sharing, client, scope, shown):
    sharing.release(scope=scope)
    client.force_login(sharing.user)
    html = client_page(client, sharing.world.other_client)
    assert ('data-testid="homeless-history"' in html) is shown


def test_own_agency_sees_the_homeless_history(sharing, client):
    world = sharing.world
    make_enrollment(world.other_client, world.own_project, entry_date=dt.date(2025, 4, 1))
    client.force_login(sharing.user)
    assert 'data-testid="homeless-history"' in client_page(client, world.other_client)
