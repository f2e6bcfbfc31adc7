"""Attach, download and remove documents. Every read goes through actions.open_document
(policy + audit); downloads are streamed by Django, never from a public URL."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sunflower.accounts.policy import Action, access_client, visible_enrollments
from sunflower.documents import actions
from sunflower.documents.forms import DocumentForm


@require_http_methods(["GET", "POST"])
def attach(request, client_pk: int):
    client = access_client(request.user, client_pk, Action.EDIT_HMIS_DATA)
    enrollments = list(
        visible_enrollments(request.user, Action.EDIT_HMIS_DATA)
        .filter(client=client)
        .select_related("project")
        .order_by("-entry_date")
    )
    by_pk = {e.pk: e for e in enrollments}
    if request.method == "POST":
        form = DocumentForm(request.POST, request.FILES, enrollments=enrollments)
        if form.is_valid():
            try:
                actions.attach_document(
                    request.user,
                    client,
                    form.cleaned_data["file"],
                    form.cleaned_data["kind"],
                    form.cleaned_data["title"],
                    enrollment=by_pk.get(form.cleaned_data["enrollment"]),
                )
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                messages.success(request, _("Document attached."))
                return redirect("client_detail", pk=client.pk)
    else:
        initial = {}
        if request.GET.get("enrollment", "").isdigit():
            initial["enrollment"] = int(request.GET["enrollment"])
        form = DocumentForm(initial=initial, enrollments=enrollments)
    return render(request, "documents/attach.html", {"form": form, "client_record": client})


def download(request, pk: int):
    document = actions.open_document(request.user, pk)
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        # A neutral name: the original could carry the client's name into a downloads folder.
        filename=f"document-{document.pk}.{document.extension}",
        content_type=document.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def remove(request, pk: int):
    document = actions.open_document(request.user, pk)
    actions.remove_document(request.user, document)
    messages.success(request, _("Document removed from the record."))
    return redirect("client_detail", pk=document.client_id)
