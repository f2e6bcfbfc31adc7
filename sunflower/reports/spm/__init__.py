"""System Performance Measures FY2026 (Measures 1–5 and 7), CoC-wide. Measure 6 applies
only to CoCs approved to serve HUD's Category 3 homeless; HUD's kit has no table for it."""

from . import measure1, measure2, measure3, measure4, measure5, measure7  # noqa: F401
