"""CoC APR FY2026: every question of HUD's APR programming specifications (Q4a–Q27m).

Each module holds a group of questions; importing this package registers them.
"""

from . import q04_q09, q10_q16, q17_q21, q22_q23, q24_q25, q26_q27  # noqa: F401
