"""Attached documents: private storage, the access policy on every read, audited downloads,
refused files change nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sunflower.accounts.roles import Role
from sunflower.documents.models import Document
from sunflower.documents.storage import storage_settings

pytestmark = [pytest.mark.casemgmt, pytest.mark.django_db]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def remove_stored_files():
    """Rolled-back transactions do not remove files: delete what each test stored."""
    yield
    for document in Document.objects.all():
        document.file.delete(save=False)


def pdf(name="John_Smith_ROI.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def attach(browser, client_pk, **fields):
    data = {"kind": "release_of_information", "title": "ROI signed at intake", "file": pdf()}
    data.update(fields)
    return browser.post(reverse("document_attach", args=[client_pk]), data)


def test_attach_and_download_own_agencys_client(world, client):
    client.force_login(world.user_with(Role.AGENCY_CES))

    response = attach(client, world.own_client.pk)

    assert response.status_code == 302
    document = Document.objects.get()
    assert document.client == world.own_client
    assert document.content_type == "application/pdf"
    assert document.size == len(PDF)
    download = client.get(reverse("document_download", args=[document.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "John_Smith" not in download["Content-Disposition"]
    assert download["Cache-Control"] == "private, no-store"


def test_stored_name_reveals_nothing_and_is_outside_public_folders(world, client):
    client.force_login(world.user_with(Role.AGENCY_CES))
    attach(client, world.own_client.pk)
    document = Document.objects.get()

    assert "John" not in document.file.name and "ROI" not in document.file.name
    stored = Path(document.file.path).resolve()
    for public in (settings.STATIC_ROOT, settings.MEDIA_ROOT):
        assert Path(public).resolve() not in stored.parents
    # No URL serves the storage: the stored file's would-be address answers 404.
    assert client.get(document.file.url).status_code == 404


def test_download_is_audited(world, client):
    client.force_login(world.user_with(Role.AGENCY_CES))
    attach(client, world.own_client.pk)
    document = Document.objects.get()

    client.get(reverse("document_download", args=[document.pk]))

    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).order_by("-pk").first()
    assert entry.content_type.model == "document"
    assert entry.object_pk == str(document.pk)


def test_other_agency_and_vsp_cannot_download(world, client):
    client.force_login(world.user_with(Role.AGENCY_CES))
    attach(client, world.own_client.pk)
    document = Document.objects.get()

    for role, agency in (
        (Role.AGENCY_CES, world.other_agency),
        (Role.VICTIM_SERVICE_PROVIDER, world.own_agency),
    ):
        other = world.user_with(role, organization=agency, email=f"{role}-{agency.pk}@example.org")
        client.force_login(other)
        assert client.get(reverse("document_download", args=[document.pk])).status_code == 404
        assert client.post(reverse("document_remove", args=[document.pk])).status_code == 404
    assert Document.objects.current().count() == 1


def test_other_agency_cannot_attach(world, client):
    client.force_login(world.user_with(Role.AGENCY_CES))

    response = attach(client, world.other_client.pk)

    assert response.status_code == 404
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("a.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"), "Attach a PDF"),
        (SimpleUploadedFile("a.pdf", b"", "application/pdf"), "empty"),
    ],
)
def test_refused_file_keeps_the_form_and_saves_nothing(world, client, upload, message):
    client.force_login(world.user_with(Role.AGENCY_CES))

    response = attach(client, world.own_client.pk, file=upload, title="Kept description")

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert 'value="Kept description"' in html
    assert not Document.objects.exists()


def test_too_large_file_is_refused(world, client, settings):
    settings.DOCUMENTS_MAX_BYTES = 10
    client.force_login(world.user_with(Role.AGENCY_CES))

    response = attach(client, world.own_client.pk)

    assert "larger than" in response.content.decode()
    assert not Document.objects.exists()


def test_removed_document_is_no_longer_listed_or_downloadable(world, client):
    client.force_login(world.user_with(Role.AGENCY_CES))
    attach(client, world.own_client.pk)
    document = Document.objects.get()

    client.post(reverse("document_remove", args=[document.pk]))

    assert client.get(reverse("document_download", args=[document.pk])).status_code == 404
    page = client.get(reverse("client_detail", args=[world.own_client.pk])).content.decode()
    assert 'data-testid="document-row"' not in page
    assert Document.objects.filter(pk=document.pk, deleted_at__isnull=False).exists()


def test_client_page_lists_documents_with_a_fixed_query_count(world, client):
    client.force_login(world.user_with(Role.AGENCY_CES))
    url = reverse("client_detail", args=[world.own_client.pk])
    attach(client, world.own_client.pk)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(4):
        attach(client, world.own_client.pk, enrollment=world.own_enrollment.pk)
    with CaptureQueriesContext(connection) as five:
        html = client.get(url).content.decode()

    assert html.count('data-testid="document-row"') == 5
    assert len(one) == len(five)


def test_enrollment_page_lists_its_documents(world, client):
    client.force_login(world.user_with(Role.AGENCY_CES))
    attach(client, world.own_client.pk, enrollment=world.own_enrollment.pk, title="Shelter ROI")
    attach(client, world.own_client.pk, title="Driver licence", kind="identification")

    html = client.get(reverse("enrollment_detail", args=[world.own_enrollment.pk])).content.decode()

    assert "Shelter ROI" in html
    assert "Driver licence" not in html


def test_s3_settings_are_private_and_need_a_bucket(tmp_path):
    entry = storage_settings(
        {"DOCUMENTS_STORAGE": "s3", "DOCUMENTS_S3_BUCKET": "hmis-docs"}, tmp_path
    )

    assert entry["BACKEND"] == "storages.backends.s3.S3Storage"
    assert entry["OPTIONS"]["default_acl"] == "private"
    assert entry["OPTIONS"]["querystring_auth"] is True
    with pytest.raises(ValueError, match="DOCUMENTS_S3_BUCKET"):
        storage_settings({"DOCUMENTS_STORAGE": "s3"}, tmp_path)
    with pytest.raises(ValueError, match="filesystem"):
        storage_settings({"DOCUMENTS_STORAGE": "public"}, tmp_path)


def test_s3_backend_builds_from_those_settings(tmp_path):
    from storages.backends.s3 import S3Storage

    options = storage_settings(
        {"DOCUMENTS_STORAGE": "s3", "DOCUMENTS_S3_BUCKET": "hmis-docs"}, tmp_path
    )["OPTIONS"]
    storage = S3Storage(**options)

    assert storage.bucket_name == "hmis-docs"
    assert storage.default_acl == "private"
