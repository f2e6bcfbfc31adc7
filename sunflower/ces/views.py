"""CES pages (docs/ces.md). Every page asks the access policy; client data shown is audited."""

from __future__ import annotations

from django.shortcuts import render

from sunflower.accounts.policy import Action, require


def home(request):
    require(request.user, Action.VIEW_CES_CLIENT_INFO)
    return render(request, "ces/home.html", {})


def regions(request):
    require(request.user, Action.RUN_REGIONAL_CES_LIST)
    return render(request, "ces/home.html", {})


def referral_detail(request, pk: int):
    require(request.user, Action.VIEW_CES_CLIENT_INFO)
    return render(request, "ces/home.html", {})
