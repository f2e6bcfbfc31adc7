"""The Spanish catalog: no guessed (fuzzy) entry waits in it unseen, and the committed .mo
holds every translation of the .po (a .po edited without compiling would ship English)."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.portal

LOCALE = Path(__file__).resolve().parents[2] / "sunflower" / "locale" / "es" / "LC_MESSAGES"


def po_entries(text: str):
    """(flags, msgid, msgstr) of each entry; plural entries give their first form."""
    for block in text.split("\n\n"):
        flags = [
            f.strip()
            for line in block.splitlines()
            if line.startswith("#,")
            for f in line[2:].split(",")
        ]
        fields: dict[str, str] = {}
        key = None
        for line in block.splitlines():
            match = re.match(r'(msgid|msgid_plural|msgstr(?:\[0\])?|msgctxt) (".*")$', line)
            if match:
                key = match.group(1).replace("[0]", "")
                fields[key] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and key:
                fields[key] += ast.literal_eval(line)
            elif not line.startswith('"'):
                key = None if not line.startswith("#") else key
        if "msgid" in fields and fields["msgid"]:
            msgid = fields["msgid"]
            if "msgctxt" in fields:
                msgid = f"{fields['msgctxt']}\x04{msgid}"
            yield flags, msgid, fields.get("msgstr", "")


def test_no_spanish_entry_is_a_guess_left_fuzzy():
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    fuzzy = [msgid for flags, msgid, _ in po_entries(text) if "fuzzy" in flags]
    assert fuzzy == []


def test_the_compiled_catalog_holds_every_spanish_translation():
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    with open(LOCALE / "django.mo", "rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)._catalog
    translated = [
        (msgid, msgstr)
        for flags, msgid, msgstr in po_entries(text)
        if msgstr and "fuzzy" not in flags  # msgfmt leaves fuzzy entries out
    ]
    assert len(translated) > 500
    missing = [
        msgid for msgid, msgstr in translated if msgid not in catalog and (msgid, 0) not in catalog
    ]
    assert missing == []
    stale = [
        msgid
        for msgid, msgstr in translated
        if catalog.get(msgid, catalog.get((msgid, 0))) != msgstr
    ]
    assert stale == []
