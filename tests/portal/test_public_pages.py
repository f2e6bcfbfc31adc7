"""The public portal: reachable without signing in, the resource center's Markdown rendered
safely, files served, Spanish pages."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from sunflower.portal.markup import render_markdown
from sunflower.portal.models import ResourceFile, ResourcePage

pytestmark = [pytest.mark.portal, pytest.mark.django_db]

PUBLIC = [
    "portal:home",
    "portal:access",
    "portal:resources",
    "portal:contact",
    "portal:request_access",
]


@pytest.mark.parametrize("name", PUBLIC)
def test_public_pages_open_without_signing_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert 'data-testid="portal-nav"' in response.content.decode()


def test_the_queue_and_the_agreement_need_a_sign_in(client):
    for url in (reverse("agency_requests"), reverse("portal:agreement")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_access_page_explains_every_requestable_role(client):
    html = client.get(reverse("portal:access")).content.decode()
    for role in ("vsp", "access_point", "agency_ces", "agency_ces_outreach", "agency_admin"):
        assert f'data-role="{role}"' in html
    assert 'data-role="hmis_admin"' not in html


def test_markdown_is_rendered_and_scripts_are_removed():
    html = render_markdown(
        "## Intake\n\n**Bold** [guide](https://example.org) <script>alert(1)</script>"
        '<a href="javascript:alert(1)" onclick="x()">bad</a>'
    )
    assert "<h2" in html and "<strong>Bold</strong>" in html
    assert 'href="https://example.org"' in html
    assert "<script" not in html and "javascript:" not in html and "onclick" not in html


def test_a_resource_page_and_its_file(client, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "portal": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    page = ResourcePage.objects.create(
        slug="intake-guide",
        title_en="Intake guide",
        title_es="Guía de admisión",
        body_en="Start with **the client search**.",
        body_es="Empiece con **la búsqueda**.",
    )
    item = ResourceFile(page=page, title="Intake checklist")
    item.file.save("checklist.txt", ContentFile(b"1. Search first"), save=True)
    ResourcePage.objects.create(slug="draft", title_en="Draft", body_en="x", is_published=False)
    index = client.get(reverse("portal:resources")).content.decode()
    assert "Intake guide" in index and "Draft" not in index
    html = client.get(reverse("portal:resource_page", args=["intake-guide"])).content.decode()
    assert "<strong>the client search</strong>" in html and "Intake checklist" in html
    download = client.get(reverse("portal:resource_file", args=[item.pk]))
    assert b"".join(download.streaming_content) == b"1. Search first"
    assert client.get(reverse("portal:resource_page", args=["draft"])).status_code == 404
    spanish = client.get(
        reverse("portal:resource_page", args=["intake-guide"]), HTTP_ACCEPT_LANGUAGE="es"
    ).content.decode()
    assert "Guía de admisión" in spanish and "<strong>la búsqueda</strong>" in spanish


def test_the_public_pages_are_translated_into_spanish(client):
    client.post(reverse("set_language"), {"language": "es", "next": reverse("portal:home")})
    html = client.get(reverse("portal:home")).content.decode()
    assert 'lang="es"' in html
    assert "¿Qué es HMIS?" in html
    assert "Solicitar acceso" in client.get(reverse("portal:access")).content.decode()


def test_the_public_help_desk_form_is_in_spanish_too(client):
    html = client.get(reverse("helpdesk:new"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert 'lang="es"' in html and "Consultar a la mesa de ayuda" in html
