"""Row and column labels HUD's report tables share, spelt as HUD's CSV tables print them.

HUD prints the same answer in several spellings (its own tables differ from question to
question); each spelling is kept here once, named for its form, and a question uses the one
HUD prints for it (the comparison with HUD's tables ignores case and punctuation, Sage's
upload and the readers of the tables do not).
"""

from __future__ import annotations

import re

# 8 Client doesn't know / 9 Client prefers not to answer, and 99 Data not collected.
DK_PNTA = "Client Doesn't Know/Prefers Not To Answer"
NOT_COLLECTED = "Data Not Collected"
# Q15 / Q24e / Q25a / Q26a / Q27m and the destination tables.
NOT_COLLECTED_LOWER = "Data not collected"
# Q24a, Q24e, Q25a, Q26a.
DK_PNTA_SENTENCE = "Client doesn\u2019t know/Prefers Not to Answer"
# Q12.
DK_PNTA_CURLY = "Client Doesn\u2019t Know/Prefers Not to Answer"
# Q27m.
DK_PNTA_SPACED = "Client Doesn\u2019t Know / Prefers Not to Answer"

TOTAL = "Total"


def normalise(label: str) -> str:
    """A label as HUD's tables are matched: case, curly quotes and punctuation ignored."""
    label = label.replace("\u2019", "'").lower()
    return re.sub(r"[^a-z0-9+%$<>]", "", label)
