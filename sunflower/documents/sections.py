"""The documents sections of the client and enrollment pages (hmis.sections)."""

from __future__ import annotations

from sunflower.accounts.policy import Action, can
from sunflower.documents.actions import visible_documents
from sunflower.hmis.sections import Section


def _client_documents(request, client, **loaded):
    documents = list(
        visible_documents(request.user)
        .filter(client=client)
        .select_related("enrollment__project")
    )
    return {
        "documents": documents,
        "client_pk": client.pk,
        "can_attach": can(request.user, Action.EDIT_HMIS_DATA, client),
    }


def _enrollment_documents(request, enrollment, editable=False, **loaded):
    documents = list(visible_documents(request.user).filter(enrollment=enrollment))
    return {
        "documents": documents,
        "client_pk": enrollment.client_id,
        "enrollment_pk": enrollment.pk,
        "can_attach": editable,
    }


CLIENT_DOCUMENTS = Section("documents", "documents/_section.html", _client_documents)
ENROLLMENT_DOCUMENTS = Section("documents", "documents/_section.html", _enrollment_documents)
