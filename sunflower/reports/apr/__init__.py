"""CoC APR FY2026: every question of HUD's APR programming specifications (Q4a–Q27m).

Each module holds a group of questions; importing this package registers them.
"""

from . import (  # noqa: F401
    q04_q09,
    q06_q09,
    q10_q15,
    q16_q21,
    q22,
    q23_destinations,
    q24_q26,
    q27,
)
