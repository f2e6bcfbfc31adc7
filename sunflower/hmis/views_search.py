"""Client search pages. The query is personal data: it travels in a POST body (htmx hx-post or
a plain form), never in the URL, and is never logged. See docs/client-search.md."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from sunflower.accounts.policy import Action, can, require
from sunflower.hmis.search import MAX_QUERY_LENGTH, search_clients

RESULT_LIMIT = 25


def _results_context(request) -> dict:
    query = request.POST.get("q", "")[:MAX_QUERY_LENGTH]
    searched = bool(query.strip())
    matches = search_clients(request.user, query, limit=RESULT_LIMIT) if searched else []
    return {"query": query, "searched": searched, "matches": matches, "limit": RESULT_LIMIT}


@require_http_methods(["GET", "POST"])
def client_search(request):
    """The search page; a plain (no JavaScript) form POST renders it with the results."""
    require(request.user, Action.VIEW_CLIENT_RECORD)
    context = _results_context(request) if request.method == "POST" else {"query": ""}
    context["can_create_client"] = can(request.user, Action.CREATE_CLIENT)
    return render(request, "hmis/client_search.html", context)


@require_POST
def client_search_results(request):
    """The results partial, for htmx as-you-type search."""
    require(request.user, Action.VIEW_CLIENT_RECORD)
    return render(request, "hmis/_client_results.html", _results_context(request))
