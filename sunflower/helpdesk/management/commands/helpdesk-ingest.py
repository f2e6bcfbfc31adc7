"""`sunflower helpdesk-ingest FILE…` (or `-` for standard input): file inbound e-mails sent
to the help-desk address as tickets or replies. Each FILE is one message (.eml) or an mbox;
a mail server's pipe (e.g. an alias `| sunflower helpdesk-ingest -`) or a cron job reading a
Maildir feeds it. Each message is filed in its own transaction; a bad one is reported and
the others still land."""

from __future__ import annotations

import mailbox
import sys
from email import policy
from email.parser import BytesParser
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from sunflower.helpdesk.actions import ingest_email


def _messages(source: str):
    if source == "-":
        yield "stdin", BytesParser(policy=policy.default).parse(sys.stdin.buffer)
        return
    path = Path(source)
    if not path.exists():
        raise CommandError(f"{source}: no such file")
    if path.is_dir():
        for n, raw in enumerate(mailbox.Maildir(path, factory=None)):
            yield f"{source}#{n}", BytesParser(policy=policy.default).parsebytes(raw.as_bytes())
        return
    head = path.read_bytes()[:5]
    if head == b"From ":
        for n, raw in enumerate(mailbox.mbox(path)):
            yield f"{source}#{n}", BytesParser(policy=policy.default).parsebytes(raw.as_bytes())
        return
    with path.open("rb") as handle:
        yield source, BytesParser(policy=policy.default).parse(handle)


class Command(BaseCommand):
    help = "File inbound help-desk e-mails (.eml, mbox, Maildir or stdin) as tickets or replies."

    def add_arguments(self, parser):
        parser.add_argument("sources", nargs="+")

    def handle(self, *args, sources, **options):
        filed = skipped = failed = 0
        for source in sources:
            for label, message in _messages(source):
                try:
                    with transaction.atomic():
                        ticket, recorded = ingest_email(message)
                except ValidationError as error:
                    failed += 1
                    self.stderr.write(f"{label}: not filed: {' '.join(error.messages)}")
                    continue
                if recorded:
                    filed += 1
                    self.stdout.write(f"{label}: {ticket.reference}")
                else:
                    skipped += 1
        self.stdout.write(f"filed {filed}, already filed {skipped}, refused {failed}")
        if failed:
            raise CommandError(f"{failed} message(s) could not be filed")
