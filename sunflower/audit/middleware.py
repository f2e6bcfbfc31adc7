"""Keeps the current request's actor and address for audit entries written deeper down."""

from __future__ import annotations

from contextvars import ContextVar

_current_request: ContextVar = ContextVar("sunflower_current_request", default=None)


def current_request():
    return _current_request.get()


def client_address(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR")


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)
