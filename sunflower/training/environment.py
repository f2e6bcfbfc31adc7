"""The training environment: the same application, on a database of its own that holds only
synthetic data (docs/training.md).

Trainees reach it under ``/practice/``. For such a request this thread's ``default`` database
connection is swapped for the training one: every query the application makes, however it
names its database (``connection``, ``transaction.atomic()``, ``.using("default")``), lands in
the training database. The live connection is put aside with a guard that refuses any query,
so nothing in a practice request can read or write live data. Sessions, messages and cache keys
are kept apart from the live site's too.

This module is imported by the settings (the cache key function), so it imports no models.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.urls import get_script_prefix, set_script_prefix

TRAINING_DB = "training"
PRACTICE_PREFIX = "/practice"
# The live site's cookies that must not cross into the practice site, and their stand-ins there.
PRACTICE_COOKIES = {"sessionid": "practice_sessionid", "messages": "practice_messages"}

_active: ContextVar[bool] = ContextVar("sunflower_training_environment", default=False)


class LiveDatabaseUnreachable(RuntimeError):
    """Raised by any query that would reach the live database from the training environment."""


def in_training_environment() -> bool:
    return _active.get()


def _refuse_live_query(execute, sql, params, many, context):
    raise LiveDatabaseUnreachable("The training environment cannot reach the live database.")


@contextmanager
def training_database():
    """Run the block against the training database only (see the module's docstring)."""
    if _active.get():
        yield
        return
    live = connections[DEFAULT_DB_ALIAS]
    token = _active.set(True)
    connections[DEFAULT_DB_ALIAS] = connections[TRAINING_DB]
    try:
        with live.execute_wrapper(_refuse_live_query):
            yield
    finally:
        connections[DEFAULT_DB_ALIAS] = live
        _active.reset(token)


class TrainingEnvironmentRouter:
    """DATABASE_ROUTERS: inside the training environment every model reads and writes the
    training alias. With the connection swap this is belt and braces, and it keeps caches
    keyed by alias (content types, say) from filing training rows under "default"."""

    def db_for_read(self, model, **hints):
        return TRAINING_DB if _active.get() else None

    db_for_write = db_for_read


def cache_key(key: str, key_prefix: str, version: int) -> str:
    """CACHES' KEY_FUNCTION: the training environment's keys never meet the live site's."""
    where = "training" if _active.get() else "live"
    return f"{key_prefix}:{version}:{where}:{key}"


def is_practice_path(path: str) -> bool:
    return path == PRACTICE_PREFIX or path.startswith(PRACTICE_PREFIX + "/")


def live_path(path: str) -> str:
    """A path of the live site, from one reversed inside the training environment."""
    prefix = get_script_prefix()
    if prefix.endswith(PRACTICE_PREFIX.lstrip("/") + "/") and path.startswith(prefix):
        return prefix[: -len(PRACTICE_PREFIX.lstrip("/") + "/")] + path[len(prefix) :]
    return path


def practice_path(path: str) -> str:
    """The practice site's version of a path reversed on the live site."""
    prefix = get_script_prefix()
    return prefix.rstrip("/") + PRACTICE_PREFIX + "/" + path[len(prefix) :]


class PracticeEnvironmentMiddleware:
    """First in MIDDLEWARE: serves ``/practice/…`` as the whole application on the training
    database. Links reversed during such a request carry the prefix (the script prefix), so a
    trainee moving around the practice site stays in it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_practice_path(request.path_info):
            return self.get_response(request)
        request.path_info = request.path_info[len(PRACTICE_PREFIX) :] or "/"
        request.practice_environment = True
        for live_name, practice_name in self._cookie_names():
            request.COOKIES.pop(live_name, None)
            if practice_name in request.COOKIES:
                request.COOKIES[live_name] = request.COOKIES.pop(practice_name)
        previous_prefix = get_script_prefix()
        set_script_prefix(previous_prefix.rstrip("/") + PRACTICE_PREFIX + "/")
        try:
            with training_database():
                response = self.get_response(request)
        finally:
            set_script_prefix(previous_prefix)
        self._rename_cookies(response, previous_prefix)
        return response

    @staticmethod
    def _cookie_names():
        names = dict(PRACTICE_COOKIES)
        names[settings.SESSION_COOKIE_NAME] = names.pop("sessionid")
        return names.items()

    def _rename_cookies(self, response, previous_prefix: str) -> None:
        path = previous_prefix.rstrip("/") + PRACTICE_PREFIX + "/"
        for live_name, practice_name in self._cookie_names():
            morsel = response.cookies.pop(live_name, None)
            if morsel is None:
                continue
            response.cookies[practice_name] = morsel.value
            renamed = response.cookies[practice_name]
            for attribute, value in morsel.items():
                if value and attribute != "path":
                    renamed[attribute] = value
            renamed["path"] = path
