"""CES participation pages: the CE Participation Agreement, notifications, the time-to-decision
report and the access points (docs/ces-participation.md). Each page asks the access policy."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from sunflower.accounts.policy import (
    Action,
    Scope,
    active_duties,
    agency_ids_with,
    can,
    require,
)
from sunflower.accounts.roles import Duty
from sunflower.ces import access_points, agreements, referrals
from sunflower.ces.models import AccessPoint, AgreementSignature, Notification, Referral
from sunflower.core.forms import add_validation_errors

# --- the CE Participation Agreement ---------------------------------------------------------


class SignForm(forms.Form):
    signed_name = forms.CharField(
        label="Type your full name to sign", max_length=200,
        widget=forms.TextInput(attrs={"class": "usa-input", "autocomplete": "name"}),
    )
    for_organization = forms.ChoiceField(
        label="Sign for", required=False,
        widget=forms.Select(attrs={"class": "usa-select"}),
    )

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.agencies = {str(a.pk): a for a in agencies}
        if self.agencies:
            self.fields["for_organization"].choices = [("", "Myself"), *(
                (pk, str(a)) for pk, a in self.agencies.items()
            )]
        else:
            del self.fields["for_organization"]


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def agreement(request):
    """Read the current agreement and sign it (for oneself or an agency one administers)."""
    current = agreements.current_agreement()
    agencies = list(agreements.signable_agencies(request.user)) if current else []
    unsigned_agencies = [a for a in agencies if not agreements.agency_signed(a, current)]
    form = SignForm(request.POST or None, agencies=unsigned_agencies)
    if request.method == "POST" and current is not None and form.is_valid():
        organization = form.agencies.get(form.cleaned_data.get("for_organization") or "")
        try:
            agreements.sign(request.user, form.cleaned_data["signed_name"], organization)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            who = f"for {organization}" if organization else ""
            messages.success(request, f"You signed the agreement {who}".strip() + ".")
            if organization is None:
                return redirect(_safe_next(request, agreements.agreement_url()))
            return redirect(agreements.agreement_url(_safe_next(request, "")))
    own = None
    if current is not None:
        own = AgreementSignature.objects.filter(
            agreement=current, user=request.user, organization__isnull=True
        ).first()
    return render(request, "ces/agreement.html", {
        "agreement": current,
        "own_signature": own,
        "form": form,
        "agency_status": [(a, agreements.agency_signed(a, current)) for a in agencies],
        "next": _safe_next(request, ""),
        "may_list": can(request.user, Action.MANAGE_USERS_PROJECTS_APPROVALS),
    })


def agreement_signatures(request):
    """Who signed which version (HMIS administrators)."""
    require(request.user, Action.MANAGE_USERS_PROJECTS_APPROVALS)
    current = agreements.current_agreement()
    signatures = AgreementSignature.objects.select_related(
        "agreement", "user", "organization"
    ).order_by("-signed_at", "-id")
    version = request.GET.get("version") or (current.version if current else "")
    if version:
        signatures = signatures.filter(agreement__version=version)
    page = Paginator(signatures, 100).get_page(request.GET.get("page"))
    return render(request, "ces/agreement_signatures.html", {
        "agreement": current, "version": version, "page": page,
    })


# --- notifications --------------------------------------------------------------------------


def notifications(request):
    """The user's own notifications, newest first; unread ones highlighted."""
    mine = Notification.objects.filter(user=request.user).order_by("-created_at", "-id")
    page = Paginator(mine, 50).get_page(request.GET.get("page"))
    return render(request, "ces/notifications.html", {
        "page": page, "unread": mine.filter(read_at__isnull=True).count(),
    })


@require_POST
def notification_read(request, pk: int):
    """Mark one notification (of the user's own: another's is 404) read."""
    note = get_object_or_404(Notification, pk=pk, user=request.user)
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    return redirect(_safe_next(request, reverse("ces_notifications")))


@require_POST
def notifications_read_all(request):
    Notification.objects.filter(user=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return redirect("ces_notifications")


# --- time to decision -------------------------------------------------------------------------


def visible_referrals(user):
    """Referrals whose decisions the user may report on: every referral for an HMIS
    administrator; a regional coordinator's region(s); an agency role's own agency."""
    regional = can(user, Action.RUN_REGIONAL_CES_LIST)
    agency = can(user, Action.MANAGE_OPENINGS_AND_REFERRALS)
    if not (regional or agency):
        raise PermissionDenied
    everything = agency_ids_with(user, Action.MANAGE_OPENINGS_AND_REFERRALS, Scope.ALL) or (
        agency_ids_with(user, Action.RUN_REGIONAL_CES_LIST, Scope.ALL)
    )
    if everything:
        return Referral.objects.all()
    condition = Q(pk__in=[])
    duties = active_duties(user, Duty.CES_REGIONAL_COORDINATOR)
    if any(d.region_id is None for d in duties):
        return Referral.objects.all()
    if duties:
        condition |= Q(entry__region_id__in=[d.region_id for d in duties])
    own = agency_ids_with(user, Action.MANAGE_OPENINGS_AND_REFERRALS, Scope.OWN_AGENCY)
    if own:
        condition |= Q(opening__project__organization_id__in=own)
    return Referral.objects.filter(condition)


@agreements.agreement_required
def decision_report(request):
    queryset = visible_referrals(request.user)
    since, since_error = None, ""
    if request.GET.get("since"):
        try:
            since = dt.date.fromisoformat(request.GET["since"])
        except ValueError:
            since_error = "Enter the date as YYYY-MM-DD."
        else:
            start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
            queryset = queryset.filter(referred_at__gte=start)
    rows = referrals.decision_report(queryset)
    return render(request, "ces/decision_report.html", {
        "rows": rows,
        "since": since,
        "since_value": request.GET.get("since", ""),
        "since_error": since_error,
        "decision_days": referrals.decision_days(),
        "totals": {
            "referrals": sum(r.referrals for r in rows),
            "decided": sum(r.decided for r in rows),
            "pending": sum(r.pending for r in rows),
            "late": sum(r.late for r in rows),
        },
    })


# --- access points -----------------------------------------------------------------------------


class DesignateForm(forms.Form):
    project = forms.ModelChoiceField(queryset=None, label="Project (agency or site)")
    name = forms.CharField(max_length=200, label="Name of the access point")
    mode = forms.ChoiceField(choices=AccessPoint.Mode.choices, label="Mode")
    coc = forms.ModelChoiceField(queryset=None, label="Continuum of Care")
    region = forms.ModelChoiceField(queryset=None, required=False, label="Region",
                                    help_text="Blank for a remote access point serving the CoC.")
    counties = forms.ModelMultipleChoiceField(queryset=None, required=False, label="Counties")
    assessment_kinds = forms.MultipleChoiceField(
        choices=[("prevention", "Prevention"), ("crisis", "Crisis needs"),
                 ("housing", "Housing needs")],
        widget=forms.CheckboxSelectMultiple, label="Assessments offered",
        initial=["prevention", "housing"],
    )
    direct_services = forms.BooleanField(required=False, label="Provides direct services")
    receives_referrals = forms.BooleanField(
        required=False, label="The project also receives CES referrals"
    )
    start_date = forms.DateField(label="Start date", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        from sunflower.geo.models import ContinuumOfCare, County, Region
        from sunflower.hmis.models import Project

        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.filter(
            operating_end_date__isnull=True
        ).select_related("organization").order_by("project_name")
        self.fields["coc"].queryset = ContinuumOfCare.objects.filter(served=True).order_by("code")
        self.fields["region"].queryset = Region.objects.select_related("coc").order_by(
            "coc__code", "number"
        )
        self.fields["counties"].queryset = County.objects.filter(
            coc__served=True
        ).order_by("name")
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                widget.attrs["class"] = "usa-checkbox__input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "usa-select"
                if name == "counties":
                    widget.attrs["size"] = 8
            else:
                widget.attrs["class"] = "usa-input"




@agreements.agreement_required
def access_point_list(request):
    """Access points by region and county; HMIS administrators designate and end them."""
    require(request.user, Action.VIEW_CES_CLIENT_INFO)
    may_manage = can(request.user, Action.MANAGE_USERS_PROJECTS_APPROVALS)
    form = None
    if may_manage:
        form = DesignateForm(request.POST or None,
                             initial={"start_date": timezone.localdate()})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                point = access_points.designate(
                    request.user, data["project"], data["name"], data["mode"], data["coc"],
                    data["region"], data["counties"], data["assessment_kinds"],
                    data["start_date"], receives_referrals=data["receives_referrals"],
                    direct_services=data["direct_services"],
                )
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, f"{point} is now a CES access point.")
                return redirect("ces_access_points")
    elif request.method == "POST":
        raise PermissionDenied
    show_ended = request.GET.get("ended") == "1"
    points = (
        AccessPoint.objects.select_related("project__organization", "coc", "region")
        .prefetch_related("counties")
        if show_ended else access_points.live()
    )
    groups: dict[str, list] = {}
    counties: dict[str, list[str]] = {}
    for point in points.order_by("coc__code", "region__number", "name"):
        label = (f"{point.coc.code} {point.region.name}" if point.region
                 else f"{point.coc.code}: every region (remote)")
        groups.setdefault(label, []).append(point)
        for county in point.counties.all():
            counties.setdefault(county.name, []).append(point.name)
    return render(request, "ces/access_points.html", {
        "groups": groups,
        "counties": sorted(counties.items()),
        "form": form,
        "may_manage": may_manage,
        "show_ended": show_ended,
        "today": timezone.localdate(),
    })


@require_POST
def access_point_end(request, pk: int):
    require(request.user, Action.MANAGE_USERS_PROJECTS_APPROVALS)
    point = get_object_or_404(AccessPoint, pk=pk)
    try:
        end_date = dt.date.fromisoformat(request.POST.get("end_date", ""))
        access_points.end(request.user, point, end_date)
    except ValueError:
        messages.error(request, "Enter the end date as YYYY-MM-DD.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{point} ended on {end_date:%m/%d/%Y}.")
    return redirect("ces_access_points")
