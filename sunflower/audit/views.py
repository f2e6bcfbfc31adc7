"""The audit-log search page for HMIS administrators."""

from __future__ import annotations

from auditlog.models import LogEntry
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from sunflower.accounts.policy import Action, require
from sunflower.audit.models import SecurityEvent

PAGE_SIZE = 50


class AuditSearchForm(forms.Form):
    actor = forms.CharField(label=_("User e-mail contains"), required=False, max_length=254)
    record_type = forms.ModelChoiceField(
        label=_("Record type"),
        queryset=ContentType.objects.filter(app_label__in=["hmis", "accounts"]).order_by("model"),
        required=False,
    )
    object_pk = forms.CharField(label=_("Internal record number"), required=False, max_length=64)
    action = forms.TypedChoiceField(
        label=_("Action"),
        choices=[("", _("Any"))] + list(LogEntry.Action.choices),
        coerce=int,
        empty_value=None,
        required=False,
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


def search(request):
    require(request.user, Action.VIEW_AUDIT_LOG)
    form = AuditSearchForm(request.GET or None)
    entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-id")
    events = SecurityEvent.objects.select_related("user")
    if form.is_valid():
        data = form.cleaned_data
        if data["actor"]:
            entries = entries.filter(actor__email__icontains=data["actor"])
            events = events.filter(attempted_login__icontains=data["actor"])
        if data["record_type"]:
            entries = entries.filter(content_type=data["record_type"])
        if data["object_pk"]:
            entries = entries.filter(object_pk=data["object_pk"])
        if data["action"] is not None:
            entries = entries.filter(action=data["action"])
        if data["date_from"]:
            entries = entries.filter(timestamp__date__gte=data["date_from"])
            events = events.filter(at__date__gte=data["date_from"])
        if data["date_to"]:
            entries = entries.filter(timestamp__date__lte=data["date_to"])
            events = events.filter(at__date__lte=data["date_to"])
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/search.html",
        {"form": form, "page": page, "security_events": events[:PAGE_SIZE]},
    )
