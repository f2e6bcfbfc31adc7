"""The e-mails the apps send: a subject and a body rendered from a pair of templates
(``<name>_subject.txt`` and ``<name>.txt``), with links to this site (docs/configuration.md,
SITE_URL). One place, so every mail is built the same way."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation


def absolute(path: str) -> str:
    """A link for an e-mail: the configured site address and the path."""
    return settings.SITE_URL.rstrip("/") + path


def send_templated(
    template: str,
    context: dict,
    to: list[str],
    *,
    subject_prefix: str = "",
    attachment: tuple | None = None,
    language: str | None = None,
    on_commit: bool = True,
) -> None:
    """Render `template` (a path without the suffixes) and send it to `to`, once the current
    transaction commits unless `on_commit` is False (a mail about something rolled back would
    be wrong). Nothing is sent to an empty list; `language` is the reader's, when known."""
    to = sorted({address for address in to if address})
    if not to:
        return
    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}.txt", context)
    if subject_prefix:
        subject = f"{subject_prefix} {subject}"
    mail = EmailMessage(subject, body, None, to)
    if attachment:
        mail.attach(*attachment)
    if on_commit:
        transaction.on_commit(mail.send)
    else:
        mail.send()
