"""Record and remove verified homeless periods. Every page opens the client through
access_client (policy, audit, 404 on refusal); the rules are in actions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sunflower.accounts.policy import Action, access_client
from sunflower.chronic import actions
from sunflower.chronic.forms import HomelessPeriodForm
from sunflower.chronic.models import HomelessPeriod
from sunflower.documents.actions import visible_documents
from sunflower.documents.models import Document


@require_http_methods(["GET", "POST"])
def record(request, client_pk: int):
    client = access_client(request.user, client_pk, Action.EDIT_HMIS_DATA)
    documents = list(
        visible_documents(request.user).filter(
            client=client, kind=Document.Kind.HOMELESSNESS_VERIFICATION
        )
    )
    by_pk = {d.pk: d for d in documents}
    form = HomelessPeriodForm(request.POST or None, documents=documents)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        values["document"] = by_pk.get(values["document"])
        try:
            actions.record_period(request.user, client, **values)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _("Homeless period recorded."))
            return redirect(f"{_client_url(client.pk)}#homeless-history-heading")
    return render(request, "chronic/record.html", {"form": form, "client_record": client})


@require_POST
def remove(request, client_pk: int, pk: int):
    client = access_client(request.user, client_pk, Action.EDIT_HMIS_DATA)
    period = get_object_or_404(HomelessPeriod.objects.current(), pk=pk, client=client)
    try:
        actions.remove_period(request.user, period)
    except PermissionDenied as refused:
        raise Http404("No such period.") from refused
    messages.success(request, _("Homeless period removed from the history."))
    return redirect(f"{_client_url(client.pk)}#homeless-history-heading")


def _client_url(pk: int) -> str:
    from django.urls import reverse

    return reverse("client_detail", args=[pk])
