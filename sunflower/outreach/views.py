"""Street outreach pages: record a contact (also offline, from a phone), encampments, the
map and its data (docs/outreach.md). Every page asks the one policy first."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sunflower.accounts.policy import Action, can, require, visible_clients
from sunflower.audit.actions import record_view
from sunflower.audit.middleware import client_address
from sunflower.core.forms import add_validation_errors
from sunflower.outreach import actions, geography
from sunflower.outreach.forms import (
    ContactCorrectionForm,
    ContactForm,
    CountyCountsForm,
    EncampmentChangeForm,
    EncampmentForm,
    LinkForm,
    MapFilterForm,
    VisitForm,
)
from sunflower.outreach.models import OutreachContact


def _map_settings() -> dict:
    return {
        "tile_url": getattr(settings, "OUTREACH_TILE_URL", ""),
        "tile_attribution": getattr(settings, "OUTREACH_TILE_ATTRIBUTION", ""),
    }


def _wants_json(request) -> bool:
    return request.content_type == "application/json"


def _json_errors(error_dict: dict, status: int = 400) -> JsonResponse:
    return JsonResponse({"ok": False, "errors": error_dict}, status=status)


def _form_errors(form) -> dict[str, list[str]]:
    return {
        name: [item["message"] for item in items]
        for name, items in form.errors.get_json_data().items()
    }


@require_http_methods(["GET", "POST"])
def contact_new(request):
    """The phone form. Its script posts JSON (and keeps the entry on the phone while offline);
    without script the form posts as usual."""
    require(request.user, Action.USE_OUTREACH_MAP)
    as_json = request.method == "POST" and _wants_json(request)
    if request.method == "POST":
        if as_json:
            try:
                payload = json.loads(request.body or b"{}")
            except ValueError:
                return _json_errors({"__all__": [_("The entry could not be read.")]})
            data = QueryDict(mutable=True)
            for key, value in payload.items():
                if isinstance(value, list):
                    data.setlist(key, [str(v) for v in value])
                elif value is not None:
                    data[key] = str(value)
        else:
            data = request.POST
        form = ContactForm(data, user=request.user)
        if form.is_valid():
            try:
                contact, created = actions.record_contact(request.user, form.contact_data())
            except PermissionDenied:
                if as_json:
                    return _json_errors({"__all__": [_("You may not record this.")]}, 403)
                raise
            except ValidationError as error:
                if as_json:
                    return _json_errors(
                        error.message_dict
                        if hasattr(error, "error_dict")
                        else {"__all__": error.messages}
                    )
                add_validation_errors(form, error)
            else:
                if as_json:
                    return JsonResponse(
                        {
                            "ok": True,
                            "created": created,
                            "id": contact.pk,
                            "client_uuid": str(contact.client_uuid),
                            "county": contact.county.name,
                        },
                        status=201 if created else 200,
                    )
                messages.success(
                    request,
                    _("Contact recorded in %(county)s County.") % {"county": contact.county.name},
                )
                return redirect("outreach:contact_new")
        elif as_json:
            return _json_errors(_form_errors(form))
    else:
        form = ContactForm(user=request.user)
    return render(
        request,
        "outreach/contact_form.html",
        {
            "form": form,
            "has_projects": form.fields["project"].queryset.exists(),
            "can_create_client": can(request.user, Action.CREATE_CLIENT),
            **_map_settings(),
        },
    )


@require_GET
def contacts(request):
    """The agency's recent contacts; unnamed people can be linked to a client here."""
    require(request.user, Action.USE_OUTREACH_MAP)
    agencies = actions.map_agency_ids(request.user)
    rows = OutreachContact.objects.select_related("county", "project", "client")
    if agencies is not None:
        rows = rows.filter(organization_id__in=agencies)
    rows = list(rows[:100])
    # A known client's name shows only where the policy lets the user read the record (one
    # query for the page), and each name shown is an access entry in the audit log.
    readable = set(
        visible_clients(request.user)
        .filter(pk__in={row.client_id for row in rows if row.client_id})
        .values_list("pk", flat=True)
    )
    for row in rows:
        row.name_shown = row.client_id in readable
    for client in {row.client_id: row.client for row in rows if row.name_shown}.values():
        record_view(request.user, client)
    return render(request, "outreach/contacts.html", {"contacts": rows})


@require_http_methods(["GET", "POST"])
def contact_link(request, pk: int):
    require(request.user, Action.USE_OUTREACH_MAP)
    agencies = actions.map_agency_ids(request.user)
    contact = OutreachContact.objects.select_related("county", "project").filter(pk=pk).first()
    if contact is None or (agencies is not None and contact.organization_id not in agencies):
        raise Http404("No such contact.")
    form = LinkForm(request.POST or None, user=request.user, project_id=contact.project_id)
    if request.method == "POST" and form.is_valid():
        try:
            actions.link_contact(request.user, contact, form.cleaned_data["enrollment"])
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Contact linked; its living situation is recorded."))
            return redirect("outreach:contacts")
    return render(request, "outreach/contact_link.html", {"contact": contact, "form": form})


@require_http_methods(["GET", "POST"])
def contact_correct(request, pk: int):
    require(request.user, Action.USE_OUTREACH_MAP)
    contact = (
        OutreachContact.objects.select_related("county", "project", "enrollment__project")
        .filter(pk=pk)
        .first()
    )
    if contact is None or not can(request.user, Action.USE_OUTREACH_MAP, contact):
        raise Http404("No such contact.")
    form = ContactCorrectionForm(request.POST or None, contact=contact)
    if request.method == "POST" and form.is_valid():
        try:
            actions.correct_contact(request.user, contact, form.cleaned_data)
        except PermissionDenied:
            raise Http404("No such contact.") from None
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Contact corrected."))
            return redirect("outreach:contacts")
    return render(request, "outreach/contact_correct.html", {"contact": contact, "form": form})


@require_GET
def map_page(request):
    require(request.user, Action.USE_OUTREACH_MAP)
    form = MapFilterForm(default_days=getattr(settings, "OUTREACH_MAP_DEFAULT_DAYS", 30))
    return render(request, "outreach/map.html", {"form": form, **_map_settings()})


@require_GET
def map_data(request):
    """The map's data as JSON; every request is written down (MapView, audited)."""
    require(request.user, Action.USE_OUTREACH_MAP)
    defaults = MapFilterForm(default_days=getattr(settings, "OUTREACH_MAP_DEFAULT_DAYS", 30))
    data = request.GET.copy()
    for name in ("start", "end"):
        if not data.get(name):
            data[name] = defaults.initial[name].isoformat()
    form = MapFilterForm(data)
    if not form.is_valid():
        return _json_errors(_form_errors(form))
    result = actions.map_data(request.user, form.cleaned_data, client_address(request))
    response = JsonResponse(result)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def county_counts(request):
    """Contacts per county with small counts suppressed: the view for roles without the map
    (docs/outreach.md). A GET form, so a period can be bookmarked; every look is a MapView."""
    require(request.user, Action.VIEW_OUTREACH_COUNTY_COUNTS)
    default_days = getattr(settings, "OUTREACH_MAP_DEFAULT_DAYS", 30)
    initial = CountyCountsForm(default_days=default_days).initial
    data = request.GET.copy()
    for name in ("start", "end"):
        if not data.get(name):
            data[name] = initial[name].isoformat()
    form = CountyCountsForm(data, default_days=default_days)
    result = None
    if form.is_valid():
        result = actions.county_counts(request.user, form.cleaned_data, client_address(request))
    return render(
        request,
        "outreach/county_counts.html",
        {
            "form": form,
            "result": result,
            "has_map": can(request.user, Action.USE_OUTREACH_MAP),
            "below": actions.outreach_suppress_below(),
            "top": actions.outreach_suppress_below() - 1,
            **_map_settings(),
        },
    )


@require_GET
def county_shapes(request):
    """The Kansas county outlines (public Census data): the base map of both outreach maps."""
    if not (
        can(request.user, Action.USE_OUTREACH_MAP)
        or can(request.user, Action.VIEW_OUTREACH_COUNTY_COUNTS)
    ):
        raise PermissionDenied
    response = HttpResponse(geography.shapes_json(), content_type="application/geo+json")
    response["Cache-Control"] = "private, max-age=86400"
    return response


@require_http_methods(["GET", "POST"])
def encampments(request):
    require(request.user, Action.USE_OUTREACH_MAP)
    form = EncampmentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            encampment = actions.create_encampment(request.user, form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Encampment added."))
            return redirect("outreach:encampment", pk=encampment.pk)
    sites = (
        actions.visible_encampments(request.user)
        .select_related("county")
        .order_by("-last_visited_at", "name")
    )
    return render(
        request,
        "outreach/encampments.html",
        {"form": form, "encampments": sites, **_map_settings()},
    )


@require_GET
def encampment(request, pk: int):
    require(request.user, Action.USE_OUTREACH_MAP)
    site = actions.visible_encampments(request.user).select_related("county").filter(pk=pk).first()
    if site is None:
        raise Http404("No such encampment.")
    return render(
        request,
        "outreach/encampment.html",
        {
            "encampment": site,
            "visits": site.visits.select_related("visited_by"),
            "form": VisitForm(),
            "geometry_json": site.geometry,
            "can_edit": actions.may_change_encampment(request.user, site),
            **_map_settings(),
        },
    )


@require_http_methods(["GET", "POST"])
def encampment_edit(request, pk: int):
    require(request.user, Action.USE_OUTREACH_MAP)
    site = (
        actions.visible_encampments(request.user)
        .select_related("county", "organization")
        .filter(pk=pk)
        .first()
    )
    if site is None or not actions.may_change_encampment(request.user, site):
        raise Http404("No such encampment.")
    form = EncampmentChangeForm(
        request.POST or None, initial={"name": site.name, "notes": site.notes}
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.change_encampment(request.user, site, form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Encampment changed."))
            return redirect("outreach:encampment", pk=site.pk)
    return render(
        request,
        "outreach/encampment_edit.html",
        {"encampment": site, "form": form, **_map_settings()},
    )


@require_POST
def encampment_visit(request, pk: int):
    require(request.user, Action.USE_OUTREACH_MAP)
    site = actions.visible_encampments(request.user).filter(pk=pk).first()
    if site is None:
        raise Http404("No such encampment.")
    form = VisitForm(request.POST)
    if form.is_valid():
        try:
            actions.record_visit(request.user, site, form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Visit recorded."))
            return redirect(reverse("outreach:encampment", args=[site.pk]))
    return render(
        request,
        "outreach/encampment.html",
        {
            "encampment": site,
            "visits": site.visits.select_related("visited_by"),
            "form": form,
            "geometry_json": site.geometry,
            "can_edit": actions.may_change_encampment(request.user, site),
            **_map_settings(),
        },
    )
