"""Creating a client, with likely duplicates shown first (docs/client-create.md). Personal data
travels in POST bodies only, never in URLs."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sunflower.accounts.policy import Action, visible_clients
from sunflower.dedup.actions import queue_for_review
from sunflower.dedup.matching import likely_matches
from sunflower.hmis.actions import can_create_client, create_client
from sunflower.hmis.forms import ClientForm

MATCH_LIMIT = 10


@require_http_methods(["GET", "POST"])
def client_create(request):
    if not can_create_client(request.user):
        raise PermissionDenied
    matches = []
    if request.method == "POST":
        form = ClientForm(request.POST)
        confirmed = request.POST.get("confirmed_no_match") == "1"
        if form.is_valid():
            values = form.model_values()
            matches = likely_matches(request.user, values, limit=MATCH_LIMIT)
            if confirmed or not matches:
                try:
                    client = create_client(request.user, values)
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    # The user judged these not the same person; the HMIS team reviews the
                    # pairs in the duplicates queue all the same.
                    queue_for_review(client, matches)
                    return _after_create(request, client)
    else:
        form = ClientForm()
    return render(request, "hmis/client_form.html", {"form": form, "matches": matches})


def _after_create(request, client):
    if visible_clients(request.user, Action.VIEW_CLIENT_RECORD).filter(pk=client.pk).exists():
        messages.success(request, _("Client created."))
        return redirect("client_detail", pk=client.pk)
    # An agency sees a client through an enrollment in its projects; until then, say so.
    messages.success(
        request,
        _(
            "Client created (HMIS ID %(id)s). Enroll the client in one of your agency's projects to open the record."
        )
        % {"id": client.personal_id},
    )
    return redirect("clients")
