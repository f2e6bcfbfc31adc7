"""Record and revoke releases of information (docs/consent.md). The client is opened through
policy.access_client for EDIT_HMIS_DATA: checked, audited, 404 when refused."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sunflower.accounts.policy import Action, access_client, visible_clients
from sunflower.consent import actions
from sunflower.consent.forms import ReleaseForm, RevokeForm
from sunflower.consent.models import ReleaseOfInformation
from sunflower.core.forms import add_validation_errors
from sunflower.hmis.models import Organization


@require_http_methods(["GET", "POST"])
def record(request, client_pk: int):
    client = access_client(request.user, client_pk, Action.EDIT_HMIS_DATA)
    organizations = list(Organization.objects.order_by("organization_name"))
    documents = list(actions.release_documents(client))
    options = {
        "organizations": organizations,
        "cocs": actions.coc_choices(),
        "documents": documents,
    }
    if request.method == "POST":
        form = ReleaseForm(request.POST, **options)
        if form.is_valid():
            data = form.cleaned_data
            by_agency = data["grantee"] == ReleaseForm.GRANTEE_AGENCY
            organization = next(
                (o for o in organizations if by_agency and o.pk == data["organization"]), None
            )
            try:
                actions.record_release(
                    request.user,
                    client,
                    organization=organization,
                    coc_code="" if by_agency else data["coc_code"],
                    scope=data["scope"],
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                    method=data["method"],
                    note=data["note"],
                    document=next((d for d in documents if d.pk == data["document"]), None),
                )
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, _("Release of information recorded."))
                return redirect("client_detail", pk=client.pk)
    else:
        today = timezone.localdate()
        form = ReleaseForm(
            initial={
                "start_date": today,
                "end_date": actions.default_end_date(today),
                "scope": ReleaseOfInformation.Scope.PROFILE,
                "document": documents[0].pk if documents else None,
            },
            **options,
        )
    return render(
        request,
        "consent/release_form.html",
        {"form": form, "client_record": client, "has_documents": bool(documents)},
    )


@require_http_methods(["GET", "POST"])
def revoke(request, pk: int):
    release = (
        ReleaseOfInformation.objects.filter(
            pk=pk, client__in=visible_clients(request.user, Action.EDIT_HMIS_DATA).values("pk")
        )
        .select_related("organization")
        .first()
    )
    if release is None:
        raise Http404("No such release.")
    client = access_client(request.user, release.client_id, Action.EDIT_HMIS_DATA)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.revoke_release(request.user, release, form.cleaned_data["reason"])
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Release of information revoked."))
            return redirect("client_detail", pk=client.pk)
    return render(
        request,
        "consent/revoke_form.html",
        {"form": form, "release": release, "client_record": client},
    )
