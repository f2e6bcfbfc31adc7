"""The system dashboards: /reports/dashboard/ for users who may report (their projects, or
the whole CoC for the HMIS Lead) and /public/dashboard/, anonymous, the CoC's aggregates
with small cells suppressed and the result cached, so common questions need no data
request. Neither lists a client: the figures are counts, rates and medians."""

from __future__ import annotations

import csv
import datetime as dt

from django import forms
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sunflower.accounts.policy import require
from sunflower.core.middleware import public
from sunflower.reports.dashboards import MEASURES, SMALL_CELL, build, lookback, suppressed
from sunflower.reports.engine.database import from_database
from sunflower.reports.engine.params import ReportParams
from sunflower.reports.forms import check_period
from sunflower.reports.views import ACTION, _cocs_of, _reportable_projects

SELECT = {"class": "usa-select"}
DATE = forms.DateInput(attrs={"type": "date", "class": "usa-input"})
PUBLIC_CACHE_SECONDS = 3600
CHART_HEIGHT = 120


class DashboardFilter(forms.Form):
    coc = forms.ChoiceField(label=_("Continuum of Care"), widget=forms.Select(attrs=SELECT))
    region = forms.ChoiceField(label=_("Region"), required=False, widget=forms.Select(attrs=SELECT))
    county = forms.ChoiceField(label=_("County"), required=False, widget=forms.Select(attrs=SELECT))
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("To"), widget=DATE)

    def __init__(self, *args, cocs, **kwargs):
        super().__init__(*args, **kwargs)
        from sunflower.geo.models import County, Region

        self.fields["coc"].choices = [(code, code) for code in cocs]
        regions = Region.objects.filter(coc__code__in=cocs).order_by("coc__code", "number")
        self.fields["region"].choices = [("", _("All regions"))] + [
            (r.name, f"{r.coc.code} {r.name}") for r in regions.select_related("coc")
        ]
        counties = County.objects.filter(coc__code__in=cocs).order_by("name")
        self.fields["county"].choices = [("", _("All counties"))] + [
            (c.name, c.name) for c in counties
        ]

    def clean(self):
        data = super().clean()
        check_period(self, data)
        return data


def chart(months: list[dict], public: bool = False) -> list[dict]:
    """Bar heights (in px of CHART_HEIGHT) for the month-by-month entries and exits; on the
    public page a month's count under 11 is labelled "<11" and drawn as no bar."""
    peak = max([m["entries"] for m in months] + [m["exits"] for m in months] + [1])
    bars = []
    for m in months:
        bar = {"month": m["month"]}
        for key in ("entries", "exits"):
            value = m[key]
            hidden = public and 0 < value < SMALL_CELL
            bar[key] = f"<{SMALL_CELL}" if hidden else value
            height = 0 if hidden else round(CHART_HEIGHT * value / peak)
            bar[f"{key}_height"] = height
            bar[f"{key}_y"] = CHART_HEIGHT - height
        bars.append(bar)
    return bars


def _display(key: str, value) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if key.endswith("_rate"):
        return f"{100 * value:.1f}%"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _rows(board, shown=lambda measures: measures):
    """(area kind, name, measures as shown, displayed cells) for the CoC, regions, counties."""
    areas = [("CoC", board.params.coc, board.total)]
    areas += [("Region", name, m) for name, m in board.by_region.items()]
    areas += [("County", name, m) for name, m in board.by_county.items()]
    rows = []
    for kind, name, measures in areas:
        values = shown(measures)
        rows.append((kind, name, values, [_display(key, values[key]) for key, _ in MEASURES]))
    return rows


def _csv(board, shown=lambda measures: measures) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="dashboard-{board.params.coc}-{board.params.start}-'
        f'{board.params.end}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(["Area", "Name", *[label for _key, label in MEASURES]])
    for kind, name, measures, _cells in _rows(board, shown):
        writer.writerow(
            [kind, name, *["" if measures[key] is None else measures[key] for key, _ in MEASURES]]
        )
    return response


def dashboard(request):
    require(request.user, ACTION)
    cocs = _cocs_of(_reportable_projects(request.user))
    today = timezone.localdate()
    initial = {
        "coc": cocs[0] if cocs else "",
        "start": today - dt.timedelta(days=364),
        "end": today,
    }
    form = DashboardFilter(request.GET or None, initial=initial, cocs=cocs)
    board = None
    if (not request.GET or form.is_valid()) and cocs:
        data = form.cleaned_data if request.GET else initial
        params = ReportParams(data["start"], data["end"], data["coc"])
        # The user's scope: their agency's projects, or every project for the HMIS Lead.
        frames = from_database(request.user, params, since=lookback(params))
        board = build(frames, params, data.get("region", ""), data.get("county", ""))
        if request.GET.get("format") == "csv":
            return _csv(board)
    context = {
        "form": form,
        "board": board,
        "rows": _rows(board) if board else [],
        "measures": MEASURES,
        "bars": chart(board.months) if board else [],
        "chart_height": CHART_HEIGHT,
        "list_sizes": board.list_sizes if board else {},
        "query": request.GET.urlencode(),
    }
    return render(request, "reports/dashboard.html", context)


def _last_fiscal_year(today: dt.date) -> int:
    """HUD's federal fiscal year N runs 1 October N-1 to 30 September N."""
    return today.year if today.month >= 10 else today.year - 1


@public
def public_dashboard(request):
    from sunflower.geo.models import ContinuumOfCare

    cocs = list(ContinuumOfCare.objects.filter(served=True).values_list("code", flat=True))
    year = _last_fiscal_year(timezone.localdate())
    try:
        asked = int(request.GET.get("year", year))
    except ValueError:
        asked = year
    year = min(max(asked, year - 6), year)
    coc = request.GET.get("coc", cocs[0] if cocs else "")
    if coc not in cocs:
        coc = cocs[0] if cocs else ""
    board = None
    if coc:
        params = ReportParams(dt.date(year - 1, 10, 1), dt.date(year, 9, 30), coc)
        key = f"public-dashboard:{coc}:{year}"
        board = cache.get(key)
        if board is None:
            # The system's own view (no user): only aggregates leave this function.
            board = build(from_database(None, params, since=lookback(params)), params)
            cache.set(key, board, PUBLIC_CACHE_SECONDS)
        if request.GET.get("format") == "csv":
            return _csv(board, suppressed)
    context = {
        "cocs": cocs,
        "coc": coc,
        "year": year,
        "years": list(range(_last_fiscal_year(timezone.localdate()), year - 7, -1)),
        "board": board,
        "rows": _rows(board, suppressed) if board else [],
        "measures": MEASURES,
        "bars": chart(board.months, public=True) if board else [],
        "chart_height": CHART_HEIGHT,
        "list_sizes": {
            region: f"<{SMALL_CELL}" if 0 < n < SMALL_CELL else n
            for region, n in (board.list_sizes.items() if board else [])
        },
    }
    return render(request, "reports/public_dashboard.html", context)
