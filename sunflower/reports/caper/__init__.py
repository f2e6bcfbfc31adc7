"""ESG CAPER FY2026: the APR's questions where HUD's specs say they are the same, and the
CAPER's own (Q22a2, Q22d, Q24a)."""

from sunflower.reports import apr  # noqa: F401  (registers the shared questions)

from . import q22, q24a  # noqa: F401
