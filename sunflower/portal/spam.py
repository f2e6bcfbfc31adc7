"""Spam protection for the public forms: a honeypot field people never see, and a limit of
submissions per address per hour (kept in the cache, under a hash of the address so no IP is
stored in clear)."""

from __future__ import annotations

import hashlib

from django import forms
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

HONEYPOT_FIELD = "website"
SUBMISSIONS_PER_HOUR = 5


class HoneypotMixin(forms.Form):
    """A field hidden from people (CSS and aria-hidden) that bots fill in."""

    website = forms.CharField(required=False, label=_("Leave this field empty"))

    def clean_website(self):
        if self.cleaned_data.get(HONEYPOT_FIELD):
            raise forms.ValidationError(_("This form could not be accepted. Please try again."))
        return ""


def _key(form_name: str, address: str | None) -> str:
    digest = hashlib.sha256((address or "unknown").encode()).hexdigest()[:32]
    return f"portal:rate:{form_name}:{digest}"


def over_limit(form_name: str, address: str | None, limit: int = SUBMISSIONS_PER_HOUR) -> bool:
    """Whether this address has already sent ``limit`` forms of this kind within the hour."""
    return int(cache.get(_key(form_name, address), 0)) >= limit


def count_submission(form_name: str, address: str | None) -> None:
    key = _key(form_name, address)
    if cache.add(key, 1, timeout=3600):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
