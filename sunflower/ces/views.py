"""CES pages (docs/ces.md): the CES home, assessments, the prioritization lists, a household's
place and reasons, openings with their eligible households and "why not", referrals.

Every page asks the access policy (sunflower.accounts.policy). Opening one household's CES
record is audited (record_view on the list entry and its client); the list pages show the
CES information the role table grants and are not audited row by row (as client search).
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from sunflower.accounts.policy import (
    CE_PROJECT_TYPE,
    Action,
    can,
    require,
    visible_enrollments,
    visible_projects,
)
from sunflower.audit.actions import record_view
from sunflower.ces import eligibility, prioritization, referrals, tools
from sunflower.ces.agreements import agreement_required
from sunflower.ces.assessments import assess
from sunflower.ces.models import (
    AccessPoint,
    AssessmentTool,
    CesAssessment,
    ListEntry,
    Opening,
    Referral,
)
from sunflower.core.forms import add_validation_errors
from sunflower.geo.models import Region
from sunflower.hmis import vocabulary as hud
from sunflower.hmis.forms_services import style

PAGE_SIZE = 50
FILTERS = {
    # ?name=1 -> condition; the household type filters also take ?household_type=
    "veteran": Q(veteran=True),
    "youth": Q(youth=True),
    "family": Q(household_type=ListEntry.HouseholdType.FAMILY),
    "dv": Q(fleeing_dv=True),
    "chronic": Q(chronic=True),
}




def _regions():
    return Region.objects.filter(coc__served=True).select_related("coc").order_by(
        "coc__code", "number"
    )


def label_of(entry: ListEntry) -> str:
    """How a household is named on CES pages: the alias of a de-identified household, the
    head of household's name otherwise."""
    if entry.client_id is None:
        return entry.alias
    return f"{entry.client.first_name} {entry.client.last_name}".strip()


# --- home --------------------------------------------------------------------------------


@agreement_required
def home(request):
    require(request.user, Action.VIEW_CES_CLIENT_INFO)
    user = request.user
    may_assess = can(user, Action.CES_ASSESS_AND_REFER)
    ce_enrollments = []
    query = request.GET.get("q", "").strip()
    if may_assess:
        enrollments = (
            visible_enrollments(user, Action.CES_ASSESS_AND_REFER)
            .filter(project__project_type=CE_PROJECT_TYPE, relationship_to_hoh=1)
            .select_related("client", "project")
            .order_by("-entry_date", "-id")
        )
        if query:
            for word in query.split()[:3]:
                enrollments = enrollments.filter(
                    Q(client__first_name__icontains=word) | Q(client__last_name__icontains=word)
                )
        ce_enrollments = list(enrollments[:25])
    return render(
        request,
        "ces/home.html",
        {
            "regions": _regions(),
            "may_assess": may_assess,
            "ce_enrollments": ce_enrollments,
            "query": query,
            "may_keep_deidentified": can(user, Action.MANAGE_DEIDENTIFIED_HOUSEHOLDS),
            "may_manage_openings": can(user, Action.MANAGE_OPENINGS_AND_REFERRALS),
            "may_run_lists": can(user, Action.RUN_REGIONAL_CES_LIST),
        },
    )


def regions(request):
    """The coordinator's console: the regions whose lists the user runs, with their rules."""
    require(request.user, Action.RUN_REGIONAL_CES_LIST)
    rows = []
    for region in _regions():
        if can(request.user, Action.RUN_REGIONAL_CES_LIST, region):
            rules, days = prioritization.active_rules(region)
            rows.append(
                {
                    "region": region,
                    "rules": [prioritization.CRITERIA[r["criterion"]].label for r in rules],
                    "inactive_after": days,
                    "active": ListEntry.objects.filter(
                        region=region, status=ListEntry.Status.ACTIVE
                    ).count(),
                }
            )
    return render(request, "ces/regions.html", {"rows": rows})


@require_POST
def recompute_region(request, region_id: int):
    """A coordinator ranks the region's list again now (it also happens on every change and
    daily)."""
    region = get_object_or_404(Region, pk=region_id)
    require(request.user, Action.RUN_REGIONAL_CES_LIST, region)
    result = prioritization.recompute(region, "recomputed by the regional coordinator")
    messages.success(
        request,
        _("%(region)s: %(ranked)s households ranked, %(changed)s positions changed, "
          "%(inactive)s became inactive.")
        % {"region": region.name, "ranked": result.ranked, "changed": result.changed,
           "inactive": result.inactivated},
    )
    return redirect("ces_regional_list")


# --- assessment --------------------------------------------------------------------------


class AssessmentMetaForm(forms.Form):
    region = forms.ModelChoiceField(
        queryset=Region.objects.none(), label=gettext_lazy("Region whose list the household joins"),
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    access_point = forms.ModelChoiceField(
        queryset=AccessPoint.objects.none(), required=False,
        label=gettext_lazy("Access point"), widget=forms.Select(attrs={"class": "usa-select"}),
    )
    assessment_date = forms.DateField(
        label=gettext_lazy("Assessment date"),
        widget=forms.DateInput(attrs={"type": "date", "class": "usa-input"}, format="%Y-%m-%d"),
    )
    assessment_type = forms.TypedChoiceField(
        coerce=int, choices=hud.AssessmentType.choices, label=gettext_lazy("How it was taken"),
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    entry_mode = forms.ChoiceField(
        choices=CesAssessment.EntryMode.choices, label=gettext_lazy("Entry"),
        widget=forms.RadioSelect(attrs={"class": "usa-radio__input"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = _regions()
        self.fields["access_point"].queryset = AccessPoint.objects.filter(
            end_date__isnull=True
        ).order_by("name")


@agreement_required
@require_http_methods(["GET", "POST"])
def assess_household(request, pk: int):
    """Take (or enter from paper) an assessment for a CE enrollment's household."""
    enrollment = (
        visible_enrollments(request.user, Action.CES_ASSESS_AND_REFER)
        .filter(pk=pk, project__project_type=CE_PROJECT_TYPE)
        .select_related("client", "project")
        .first()
    )
    if enrollment is None:
        raise Http404("No such Coordinated Entry enrollment.")
    require(request.user, Action.CES_ASSESS_AND_REFER, enrollment)
    record_view(request.user, enrollment.client)
    tool_list = list(AssessmentTool.objects.filter(is_active=True))
    slug = request.GET.get("tool") or (tool_list[0].slug if tool_list else "")
    tool = next((t for t in tool_list if t.slug == slug), None)
    version = tool.published_version() if tool else None
    if version is None:
        raise Http404("No published assessment tool.")
    data = request.POST if request.method == "POST" else None
    open_entry = ListEntry.objects.filter(
        client=enrollment.client, status__in=prioritization.RANKED_STATUSES
    ).first()
    meta = AssessmentMetaForm(
        data,
        initial={
            "assessment_date": timezone.localdate(),
            "assessment_type": hud.AssessmentType.IN_PERSON,
            "entry_mode": CesAssessment.EntryMode.LIVE,
            "region": open_entry.region_id if open_entry else None,
        },
    )
    form = tools.ToolForm(version.definition, data, prefix="q")
    if data is not None:
        valid = meta.is_valid()
        valid = form.is_valid() and valid
        if valid:
            try:
                record = assess(
                    request.user,
                    tool_version=version,
                    answers=form.answers,
                    assessment_date=meta.cleaned_data["assessment_date"],
                    assessment_type=meta.cleaned_data["assessment_type"],
                    region=meta.cleaned_data["region"],
                    access_point=meta.cleaned_data["access_point"],
                    enrollment=enrollment,
                    entry_mode=meta.cleaned_data["entry_mode"],
                )
            except ValidationError as error:
                add_validation_errors(meta, error)
            else:
                messages.success(
                    request,
                    _("Assessment saved: score %(score)s (%(band)s).")
                    % {"score": record.score, "band": record.score_band},
                )
                return redirect("ces_entry", pk=record.entry_id)
    return render(
        request,
        "ces/assess.html",
        {
            "enrollment": enrollment, "tool": tool, "tools": tool_list, "version": version,
            "meta": meta, "form": form,
        },
    )




# --- the list ----------------------------------------------------------------------------


LIST_FIELDS = (
    "id", "region_id", "status", "client_id", "alias", "household_type", "household_size",
    "score", "recommended_intervention", "chronic", "days_homeless", "assessed_on", "rank",
    "override_tier", "inactive_since", "client__first_name", "client__last_name",
)


@dataclass(frozen=True)
class Pager:
    number: int
    num_pages: int
    count: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def _list_rows(entries) -> list[dict]:
    """The displayed values of a page of the list, with each label translated once per page
    rather than once per cell (the page is the busiest CES page; bench/ces.py)."""
    types = {value: str(label) for value, label in ListEntry.HouseholdType.choices}
    statuses = {value: str(label) for value, label in ListEntry.Status.choices}
    yes, no = _("yes"), _("no")
    return [
        {
            "url": reverse("ces_entry", args=[e.pk]), "rank": e.rank, "label": label_of(e),
            "deidentified": e.client_id is None,
            "override": e.override_tier, "type": types.get(e.household_type, ""),
            "size": e.household_size, "score": e.score, "intervention": e.recommended_intervention,
            "chronic": yes if e.chronic else no, "days": e.days_homeless,
            "assessed": e.assessed_on.strftime("%m/%d/%Y") if e.assessed_on else "",
            "status": statuses.get(e.status, ""),
        }
        for e in entries
    ]


@agreement_required
def region_list(request, region_id: int):
    """A region's prioritization list, 50 households a page, with filters.

    The unfiltered list reads its page as a range of ranks (ranks are 1..n on the list, kept by
    prioritization.recompute), so page 200 costs what page 1 does; a filtered list is smaller
    and pages by offset."""
    require(request.user, Action.VIEW_CES_CLIENT_INFO)
    region = get_object_or_404(Region.objects.select_related("coc"), pk=region_id)
    status = request.GET.get("status", "active")
    entries = ListEntry.objects.filter(region=region).select_related("client").only(*LIST_FIELDS)
    if status == "inactive":
        entries = entries.filter(status=ListEntry.Status.INACTIVE).order_by("-inactive_since", "id")
    else:
        status = "active"
        entries = entries.filter(rank__isnull=False).order_by("rank")
    applied = []
    for name, condition in FILTERS.items():
        if request.GET.get(name) == "1":
            entries = entries.filter(condition)
            applied.append(name)
    household_type = request.GET.get("household_type", "")
    if household_type in ListEntry.HouseholdType.values:
        entries = entries.filter(household_type=household_type)
    count = entries.count()
    num_pages = max(1, -(-count // PAGE_SIZE))
    asked = request.GET.get("page", "1")
    number = min(max(int(asked), 1), num_pages) if asked.isdigit() else 1
    first = (number - 1) * PAGE_SIZE
    if status == "active" and not applied and not household_type:
        page_rows = entries.filter(rank__gt=first)[:PAGE_SIZE]
    else:
        page_rows = entries[first:first + PAGE_SIZE]
    rows = _list_rows(page_rows)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "ces/list.html",
        {
            "region": region, "page": Pager(number, num_pages, count), "rows": rows,
            "status": status, "applied": applied, "household_type": household_type,
            "household_types": ListEntry.HouseholdType.choices,
            "filter_names": [
                ("veteran", _("Veterans")), ("youth", _("Youth")), ("family", _("Families")),
                ("dv", _("Fleeing DV")), ("chronic", _("Chronic")),
            ],
            "query": query.urlencode(),
        },
    )


@agreement_required
def entry_detail(request, pk: int):
    """One household's place on the list: the rule trace, rank history, assessments,
    referrals, and the openings it is (or is not) eligible for."""
    require(request.user, Action.VIEW_CES_CLIENT_INFO)
    entry = get_object_or_404(
        ListEntry.objects.select_related("client", "region__coc", "enrollment__project"), pk=pk
    )
    require(request.user, Action.VIEW_CES_CLIENT_INFO, entry)
    record_view(request.user, entry)
    if entry.client_id is not None:
        record_view(request.user, entry.client)
    rules, _days = prioritization.active_rules(entry.region)
    openings = list(
        Opening.objects.filter(region=entry.region, status=Opening.Status.OPEN).select_related(
            "project"
        )
    )
    taken = set(
        Referral.objects.filter(opening__in=openings, status__in=Referral.OPEN_STATUSES)
        .values_list("opening_id", flat=True)
    )
    may_refer = referrals.may_refer(request.user, entry)
    return render(
        request,
        "ces/entry.html",
        {
            "entry": entry,
            "label": label_of(entry),
            "trace": prioritization.trace(entry, rules),
            "rank_changes": entry.rank_changes.all()[:20],
            "assessments": entry.assessments.select_related("tool_version__tool")[:10],
            "referrals": entry.referrals.select_related("opening__project")[:10],
            "openings": [
                {"opening": o, "why_not": eligibility.why_not(o, entry), "taken": o.pk in taken}
                for o in openings
            ],
            "may_refer": may_refer,
            "may_restore": can(request.user, Action.CES_ASSESS_AND_REFER, entry),
            "may_keep": entry.is_deidentified
            and can(request.user, Action.MANAGE_DEIDENTIFIED_HOUSEHOLDS, entry),
        },
    )


@agreement_required
@require_POST
def restore_entry(request, pk: int):
    entry = get_object_or_404(ListEntry, pk=pk)
    try:
        prioritization.restore(request.user, entry)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The household is back on the list."))
    return redirect("ces_entry", pk=entry.pk)


# --- openings ----------------------------------------------------------------------------


class OpeningForm(forms.ModelForm):
    household_types = forms.MultipleChoiceField(
        choices=ListEntry.HouseholdType.choices, required=False,
        label=gettext_lazy("Household types (none ticked: any)"),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"}),
    )

    class Meta:
        model = Opening
        fields = [
            "project", "region", "title", "bedrooms", "max_household_size", "available_on",
            "household_types", "requires_veteran", "requires_youth", "requires_chronic",
            "requires_dv", "max_monthly_income", "min_score", "notes",
        ]
        widgets = {
            "available_on": forms.DateInput(attrs={"type": "date", "class": "usa-input"},
                                            format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"class": "usa-textarea", "rows": 2}),
        }

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = visible_projects(
            user, Action.MANAGE_OPENINGS_AND_REFERRALS
        ).exclude(project_type=CE_PROJECT_TYPE).order_by("project_name")
        self.fields["region"].queryset = _regions()
        style(self)

    def clean_available_on(self):
        day = self.cleaned_data["available_on"]
        if day < timezone.localdate() - timezone.timedelta(days=365):
            raise ValidationError(_("That date is more than a year ago."))
        return day


@agreement_required
def openings(request):
    require(request.user, Action.VIEW_CES_CLIENT_INFO)
    rows = Opening.objects.filter(status=Opening.Status.OPEN).select_related(
        "project__organization", "region"
    )
    region_id = request.GET.get("region")
    if region_id and region_id.isdigit():
        rows = rows.filter(region_id=int(region_id))
    return render(
        request,
        "ces/openings.html",
        {
            "openings": rows.order_by("region__number", "available_on", "id")[:200],
            "regions": _regions(),
            "may_post": can(request.user, Action.MANAGE_OPENINGS_AND_REFERRALS),
        },
    )


@agreement_required
@require_http_methods(["GET", "POST"])
def new_opening(request):
    require(request.user, Action.MANAGE_OPENINGS_AND_REFERRALS)
    form = OpeningForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        opening = form.save(commit=False)
        require(request.user, Action.MANAGE_OPENINGS_AND_REFERRALS, opening.project)
        opening.posted_by = request.user
        opening.save()
        messages.success(request, _("Opening posted."))
        return redirect("ces_opening", pk=opening.pk)
    return render(request, "ces/opening_form.html", {"form": form})


@agreement_required
def opening_detail(request, pk: int):
    """An opening with its eligible households in list order, and a "why not" for any."""
    require(request.user, Action.VIEW_CES_CLIENT_INFO)
    opening = get_object_or_404(
        Opening.objects.select_related("project__organization", "region"), pk=pk
    )
    eligible = list(eligibility.eligible_entries(opening).select_related("client")[:25])
    live = opening.referrals.filter(status__in=Referral.OPEN_STATUSES).first()
    why_not_entry = why_not = None
    asked = request.GET.get("why_not", "")
    if asked.isdigit():
        why_not_entry = ListEntry.objects.filter(pk=int(asked)).select_related("client").first()
        if why_not_entry is not None:
            why_not = eligibility.why_not(opening, why_not_entry)
    return render(
        request,
        "ces/opening.html",
        {
            "opening": opening,
            "eligible": [
                {"entry": e, "label": label_of(e), "may_refer": referrals.may_refer(
                    request.user, e)} for e in eligible
            ],
            "live": live,
            "why_not_entry": why_not_entry,
            "why_not_label": label_of(why_not_entry) if why_not_entry else "",
            "why_not": why_not,
            "referrals": opening.referrals.select_related("entry__client")[:20],
        },
    )


# --- referrals ---------------------------------------------------------------------------


@agreement_required
@require_POST
def refer(request):
    opening_id, entry_id = request.POST.get("opening", ""), request.POST.get("entry", "")
    if not (opening_id.isdigit() and entry_id.isdigit()):
        raise Http404("Choose a household and an opening.")
    entry = get_object_or_404(ListEntry, pk=int(entry_id))
    try:
        referral = referrals.refer(request.user, int(opening_id), int(entry_id))
    except Opening.DoesNotExist as error:
        raise Http404("No such opening.") from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("ces_entry", pk=entry.pk)
    messages.success(request, _("Referral sent; the agency has been notified."))
    return redirect("ces_referral", pk=referral.pk)


class DecisionForm(forms.Form):
    reason = forms.ChoiceField(
        required=False, label=gettext_lazy("Reason"),
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    note = forms.CharField(
        required=False, label=gettext_lazy("Note"), max_length=1000,
        widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 2}),
    )
    day = forms.DateField(
        required=False, label=gettext_lazy("Date"),
        widget=forms.DateInput(attrs={"type": "date", "class": "usa-input"}, format="%Y-%m-%d"),
    )

    def __init__(self, reasons: dict, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [("", "—"), *reasons.items()]


STEPS = {
    # step: (reasons offered, action)
    "accept": ({}, lambda u, r, d: referrals.decide(u, r, accept=True, note=d["note"])),
    "decline": (
        referrals.AGENCY_DECLINE_REASONS,
        lambda u, r, d: referrals.decide(u, r, accept=False, reason=d["reason"], note=d["note"]),
    ),
    "household_declines": (
        referrals.HOUSEHOLD_DECLINE_REASONS,
        lambda u, r, d: referrals.household_declines(u, r, d["reason"], d["note"]),
    ),
    "enroll": ({}, lambda u, r, d: referrals.enroll(u, r, d["day"] or timezone.localdate())),
    "move_in": ({}, lambda u, r, d: referrals.move_in(u, r, d["day"] or timezone.localdate())),
    "withdraw": ({}, lambda u, r, d: referrals.withdraw(u, r, d["note"])),
}


@agreement_required
@require_http_methods(["GET", "POST"])
def referral_detail(request, pk: int):
    require(request.user, Action.VIEW_CES_CLIENT_INFO)
    referral = get_object_or_404(
        Referral.objects.select_related(
            "opening__project__organization", "entry__client", "entry__region", "event",
            "enrollment",
        ),
        pk=pk,
    )
    user = request.user
    may_decide = can(user, Action.MANAGE_OPENINGS_AND_REFERRALS, referral)
    may_refer = referrals.may_refer(user, referral.entry)
    if not (may_decide or can(user, Action.VIEW_CES_CLIENT_INFO, referral.entry)):
        raise PermissionDenied
    record_view(user, referral.entry)
    forms_by_step = {
        step: DecisionForm(reasons, prefix=step) for step, (reasons, _action) in STEPS.items()
    }
    if request.method == "POST":
        step = request.POST.get("step", "")
        if step not in STEPS:
            raise Http404("Unknown step.")
        reasons, action = STEPS[step]
        form = DecisionForm(reasons, request.POST, prefix=step)
        forms_by_step[step] = form
        if form.is_valid():
            try:
                action(user, referral, form.cleaned_data)
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("ces_referral", pk=referral.pk)
    status = referral.status
    return render(
        request,
        "ces/referral.html",
        {
            "referral": referral,
            "label": label_of(referral.entry),
            "forms": forms_by_step,
            "can_accept": may_decide and status == Referral.Status.PENDING,
            "can_household_decline": (may_decide or may_refer)
            and status in (Referral.Status.PENDING, Referral.Status.ACCEPTED),
            "can_enroll": may_decide and status == Referral.Status.ACCEPTED
            and not referral.entry.is_deidentified,
            "can_move_in": may_decide and (
                status == Referral.Status.ENROLLED
                or (status == Referral.Status.ACCEPTED and referral.entry.is_deidentified)
            ),
            "can_withdraw": may_refer
            and status in (Referral.Status.PENDING, Referral.Status.ACCEPTED),
            "overdue": status == Referral.Status.PENDING
            and referral.decision_due < timezone.now(),
        },
    )


@agreement_required
def my_referrals(request):
    """Referrals to the user's agencies' openings (what to decide) and those they made."""
    require(request.user, Action.VIEW_CES_CLIENT_INFO)
    projects = visible_projects(request.user, Action.MANAGE_OPENINGS_AND_REFERRALS)
    incoming = Referral.objects.filter(opening__project__in=projects).select_related(
        "opening__project", "entry__client"
    )[:100]
    made = Referral.objects.filter(referred_by=request.user).select_related(
        "opening__project", "entry__client"
    )[:100]
    return render(
        request, "ces/referrals.html",
        {"incoming": [(r, label_of(r.entry)) for r in incoming],
         "made": [(r, label_of(r.entry)) for r in made]},
    )


# --- survivors (de-identified households) ------------------------------------------------


class DeidentifiedForm(forms.ModelForm):
    class Meta:
        model = ListEntry
        fields = [
            "alias", "vsp_reference", "region", "household_type", "household_size", "score",
            "veteran", "youth", "chronic", "days_homeless", "monthly_income",
        ]
        labels = {"score": gettext_lazy("Score on the CoC's housing tool (taken by the VSP)")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["alias"].required = True
        self.fields["alias"].help_text = _("Not the survivor's name, initials or birth date.")
        self.fields["region"].queryset = _regions()
        style(self)


@agreement_required
@require_http_methods(["GET", "POST"])
def new_deidentified(request):
    """A victim service provider puts a survivor's household on a list: alias and the VSP's
    own reference, no name, DOB or SSN (docs/ces.md, "Survivors")."""
    require(request.user, Action.MANAGE_DEIDENTIFIED_HOUSEHOLDS)
    from sunflower.accounts.policy import Scope, agency_ids_with

    agencies = sorted(
        agency_ids_with(request.user, Action.MANAGE_DEIDENTIFIED_HOUSEHOLDS, Scope.OWN_AGENCY)
    )
    form = DeidentifiedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        entry = form.save(commit=False)
        entry.vsp_organization_id = agencies[0]
        entry.fleeing_dv = True
        entry.last_contact_on = timezone.localdate()
        entry.assessed_on = timezone.localdate()
        require(request.user, Action.MANAGE_DEIDENTIFIED_HOUSEHOLDS, entry)
        entry.save()
        prioritization.recompute(entry.region, "survivor household added by a VSP")
        messages.success(request, _("The household is on the list under its alias."))
        return redirect("ces_entry", pk=entry.pk)
    return render(request, "ces/deidentified_form.html", {"form": form})


# --- CES intake (a household new to HMIS) ------------------------------------------------


class IntakeForm(forms.Form):
    ce_project = forms.ModelChoiceField(
        queryset=None, label=gettext_lazy("Coordinated Entry project"),
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    entry_date = forms.DateField(
        label=gettext_lazy("CE project start date"),
        widget=forms.DateInput(attrs={"type": "date", "class": "usa-input"}, format="%Y-%m-%d"),
    )

    def __init__(self, user, *args, **kwargs):
        from sunflower.ces.intake import ce_projects

        super().__init__(*args, **kwargs)
        self.fields["ce_project"].queryset = ce_projects(user)


@agreement_required
@require_http_methods(["GET", "POST"])
def intake(request):
    """Enter a household's head of household with a CE enrollment, after the duplicate check
    of client creation (docs/client-create.md), then go on to the assessment."""
    from sunflower.ces.intake import start_ces_household
    from sunflower.dedup.matching import likely_matches
    from sunflower.hmis.forms import ClientForm

    require(request.user, Action.CES_ASSESS_AND_REFER)
    matches = []
    data = request.POST if request.method == "POST" else None
    form = ClientForm(data)
    ces_form = IntakeForm(request.user, data, initial={"entry_date": timezone.localdate()})
    if data is not None:
        valid = ces_form.is_valid()
        if form.is_valid() and valid:
            values = form.model_values()
            matches = likely_matches(request.user, values, limit=10)
            if data.get("confirmed_no_match") == "1" or not matches:
                try:
                    enrollment = start_ces_household(
                        request.user, ces_form.cleaned_data["ce_project"], values,
                        ces_form.cleaned_data["entry_date"],
                    )
                except ValidationError as error:
                    add_validation_errors(ces_form, error)
                else:
                    messages.success(request, _("Household entered in Coordinated Entry."))
                    return redirect("ces_assess", pk=enrollment.pk)
    return render(
        request, "ces/intake.html",
        {"form": form, "ces_form": ces_form, "matches": matches,
         "form_action": request.path},
    )


@agreement_required
@require_http_methods(["GET", "POST"])
def edit_deidentified(request, pk: int):
    """The VSP keeps its survivor household current: its facts (saving counts as contact), or
    takes it off the list."""
    entry = get_object_or_404(ListEntry, pk=pk, client__isnull=True)
    require(request.user, Action.MANAGE_DEIDENTIFIED_HOUSEHOLDS, entry)
    if request.method == "POST" and request.POST.get("remove") == "1":
        entry.status = ListEntry.Status.REMOVED
        entry.save(update_fields=["status", "updated_at"])
        prioritization.recompute(entry.region, "survivor household removed by its VSP")
        messages.success(request, _("The household is off the list."))
        return redirect("ces")
    form = DeidentifiedForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        entry = form.save(commit=False)
        entry.last_contact_on = timezone.localdate()
        if entry.status == ListEntry.Status.INACTIVE:
            entry.status, entry.inactive_since = ListEntry.Status.ACTIVE, None
        entry.save()
        prioritization.recompute(entry.region, "survivor household updated by its VSP")
        messages.success(request, _("Saved."))
        return redirect("ces_entry", pk=entry.pk)
    return render(request, "ces/deidentified_form.html", {"form": form, "entry": entry})
